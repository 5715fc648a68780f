"""The store manifest: which part, ledger and decision files make up the store, in one rename."""

from __future__ import annotations

import json
import os
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from overlap.errors import StoreError
from overlap.settings import Settings
from overlap.store.parts import fsync_dir

MANIFEST = "manifest.json"
#: Manifest key and folder of the scan ledger (see :mod:`overlap.store.ledger`).
LEDGER = "ledger"
#: Manifest key and folder of the review decisions (see :mod:`overlap.store.decisions`).
DECISIONS = "decisions"
#: Small datasets beside the parts, each a folder of files the manifest lists under its key.
SIDE_DATASETS = (LEDGER, DECISIONS)
STORE_SCHEMA = "overlap.store/1"
#: Names the manifest may list: plain file names, so that no entry points outside its folder.
PART_NAME = re.compile(r"part-[0-9A-Za-z_-]+")
SIDE_NAMES = {key: re.compile(rf"{key}-[0-9A-Za-z_-]+") for key in SIDE_DATASETS}


def new_manifest(settings: Settings) -> dict[str, Any]:
    """The manifest of an empty store made with ``settings``."""
    return {
        "schema": STORE_SCHEMA,
        "settings": settings.index_dict(),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "parts": [],
        **{key: [] for key in SIDE_DATASETS},
    }


def read_manifest(root: Path) -> dict[str, Any]:
    """Read and check the manifest of the store at ``root``.

    Raises:
        StoreError: It cannot be read or is not an overlap store manifest.
    """
    path = root / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StoreError(f"{path}: cannot read the store manifest: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("schema") != STORE_SCHEMA:
        raise StoreError(f"{path}: not an overlap store manifest ({STORE_SCHEMA})")
    if not isinstance(manifest.get("settings"), dict):
        raise StoreError(f"{path}: the store manifest records no settings")
    if "parts" not in manifest:
        raise StoreError(f'{path}: the store manifest has no "parts" list')
    for key in SIDE_DATASETS:  # stores made before the ledger or the decisions existed
        manifest.setdefault(key, [])
    for key, shape in (("parts", PART_NAME), *SIDE_NAMES.items()):
        _check_names(path, key, manifest[key], shape)
    return manifest


def _check_names(path: Path, key: str, names: object, shape: re.Pattern[str]) -> None:
    """Check that ``names`` is a list of distinct file names of the given shape."""
    example = shape.pattern.split("-")[0] + "-<hex>"
    if not isinstance(names, list):
        raise StoreError(
            f'{path}: "{key}" must be a list of names like {example}, got {_shown(names)}'
        )
    seen: set[str] = set()
    for i, name in enumerate(names, 1):
        if not (isinstance(name, str) and shape.fullmatch(name)):
            raise StoreError(
                f'{path}: entry {i} of "{key}" must be a name like {example}, got {_shown(name)}'
            )
        if name in seen:
            raise StoreError(f'{path}: "{key}" lists {name} twice')
        seen.add(name)


def _shown(value: object) -> str:
    """A JSON value as the manifest holds it, cut short."""
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."


def write_manifest(root: Path, manifest: dict[str, Any]) -> None:
    """Replace the manifest atomically (temporary file, fsync, rename, fsync of the folder).

    Stamps ``updated_at`` into ``manifest``. A crash leaves the old manifest or the new one,
    and at most a ``.manifest.json.*.tmp`` file that the next writer deletes.
    """
    root.mkdir(parents=True, exist_ok=True)
    manifest["updated_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    tmp = root / f".{MANIFEST}.{uuid.uuid4().hex}.tmp"
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    with tmp.open("rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, root / MANIFEST)
    fsync_dir(root)


def manifest_leftovers(root: Path) -> list[Path]:
    """Temporary manifests an interrupted write left behind."""
    return sorted(root.glob(f".{MANIFEST}.*.tmp"))
