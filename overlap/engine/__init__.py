"""Executors: where a stage's shards run (this process, a process pool, later Dask)."""
