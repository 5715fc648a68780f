"""Executors: where a stage's shards run (this process, a process pool, or a Dask cluster)."""

from overlap.engine.choice import ENGINES, Engine, EngineSpec, open_engine
from overlap.engine.local import LocalEngine, default_workers, map_shards

__all__ = [
    "ENGINES",
    "Engine",
    "EngineSpec",
    "LocalEngine",
    "default_workers",
    "map_shards",
    "open_engine",
]
