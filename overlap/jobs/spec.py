"""Job files (``pipelines/*.toml``): read, validate and layer defaults < file < command line.

A job has up to two steps, run in this order: ``[add]`` adds whatever is in its folders to
the corpus (sources and prior posts); ``[scan]`` scans submissions not scanned before,
writes a dated report folder and then adds them to the corpus as prior posts. ``[job]``
says where the store is and how long to wait for its lock; ``[settings]`` gives the index
settings of a store the job creates; ``[engine]`` where the heavy stages run (``name`` local
or dask, ``scheduler``, ``workers``). Paths in the file are relative to the file's folder.
"""

from __future__ import annotations

import difflib
import os
import string
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from overlap.engine.choice import ENGINES, EngineSpec
from overlap.errors import EngineError, JobError, SettingsError
from overlap.model import Severity
from overlap.scanning.common import with_common_bar
from overlap.settings import Settings
from overlap.store.lock import DEFAULT_LOCK_TIMEOUT

FAIL_ON = ("never", *(s.value for s in Severity))
ADD_AS = ("prior", "none")
#: Report folder of a job file that names none, relative to the file's folder.
DEFAULT_OUT = "reports/{job}-{date}"
PLACEHOLDERS = {"date": "2025-01-31", "week": "2025-W05", "job": "job"}


@dataclass(frozen=True)
class AddStep:
    """``[add]``: folders whose documents are added to the corpus on every run."""

    source: tuple[Path, ...] = ()
    prior: tuple[Path, ...] = ()
    term: str | None = None


@dataclass(frozen=True)
class ScanStep:
    """``[scan]``: submissions to scan, where the report goes, and what happens after."""

    paths: tuple[Path, ...]
    out: str = DEFAULT_OUT
    exclude: tuple[Path, ...] = ()
    fail_on: str = "never"
    pseudonymize: bool = False
    rescan: bool = False
    add_as: str = "prior"
    term: str | None = None
    common_phrase: str | None = None
    paraphrase: bool | None = None  # None: on when a paraphrase model is installed
    paraphrase_model: Path | None = None


@dataclass(frozen=True)
class JobSpec:
    """A validated job: every path absolute or relative to the working folder."""

    name: str
    corpus: Path
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT
    log_file: Path | None = None
    add: AddStep | None = None
    scan: ScanStep | None = None
    settings: Settings | None = None
    engine: EngineSpec = field(default_factory=EngineSpec)


def _paths(base: Path) -> Callable[[str, object], tuple[Path, ...]]:
    def check(key: str, value: object) -> tuple[Path, ...]:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(v, str) and v for v in items):
            raise ValueError(f"{key} must be a path or a list of paths, got {value!r}")
        return tuple(Path(os.path.normpath(base / v)) for v in items)

    return check


def _path(base: Path) -> Callable[[str, object], Path]:
    def check(key: str, value: object) -> Path:
        if not isinstance(value, str) or not value:
            raise ValueError(f"{key} must be a path, got {value!r}")
        return Path(os.path.normpath(base / value))

    return check


def _text(key: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key} must be a non-empty string, got {value!r}")
    return value


def _bar(key: str, value: object) -> str:
    """A common-phrasing bar: a number of submissions (``10``) or a share (``"5%"``)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"{key} must be a number of submissions or a share such as '5%'")
    try:
        with_common_bar(Settings(), str(value))
    except SettingsError as exc:
        raise ValueError(f"{key}: {exc}") from exc
    return str(value)


def _flag(key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{key} must be true or false, got {value!r}")
    return value


def _seconds(key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        raise ValueError(f"{key} must be a number of seconds >= 0, got {value!r}")
    return float(value)


def _count(key: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{key} must be a whole number >= 1, got {value!r}")
    return value


def _choice(options: tuple[str, ...]) -> Callable[[str, object], str]:
    def check(key: str, value: object) -> str:
        if value not in options:
            raise ValueError(f"{key} must be one of {', '.join(options)}, got {value!r}")
        return str(value)

    return check


def check_template(key: str, text: str) -> None:
    """Accept a report-folder template that uses only the placeholders, each as plain ``{name}``.

    ``{{`` and ``}}`` stand for braces. Formatting syntax that ``str.format`` would also take
    (``{date!r}``, ``{date:>12}``, ``{date.year}``, ``{0}``) is refused: it would name folders
    with quotes or padding, or fail only when the run writes its report.

    Raises:
        ValueError: Naming ``key``, the placeholders allowed and the template.
    """
    known = ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
    refused = ValueError(f"{key} may use only {known} (and {{{{ }}}} for braces), got {text!r}")
    try:
        fields = [f for f in string.Formatter().parse(text) if f[1] is not None]
    except ValueError as exc:  # a lone brace
        raise refused from exc
    if any(name not in PLACEHOLDERS or spec or conversion for _, name, spec, conversion in fields):
        raise refused


def _template(base: Path) -> Callable[[str, object], str]:
    def check(key: str, value: object) -> str:
        text = _text(key, value)
        check_template(key, text)
        return os.path.normpath(base / text)

    return check


Check = Callable[[str, object], Any]


def _checks(base: Path) -> dict[str, dict[str, Check]]:
    return {
        "job": {"name": _text, "corpus": _path(base), "lock_timeout": _seconds,
                "log_file": _path(base)},
        "add": {"source": _paths(base), "prior": _paths(base), "term": _text},
        "scan": {"paths": _paths(base), "out": _template(base), "exclude": _paths(base),
                 "fail_on": _choice(FAIL_ON), "pseudonymize": _flag, "rescan": _flag,
                 "add_as": _choice(ADD_AS), "term": _text, "common_phrase": _bar,
                 "paraphrase": _flag, "paraphrase_model": _path(base)},
        "engine": {"name": _choice(ENGINES), "scheduler": _text, "workers": _count},
    }  # fmt: skip


def _unknown(key: str, known: list[str]) -> str:
    near = difflib.get_close_matches(key, known, n=1)
    return f"unknown key {key!r}" + (f" (did you mean {near[0]!r}?)" if near else "")


def _settings(table: object, known: list[str]) -> Settings:
    if not isinstance(table, dict):
        raise ValueError("settings must be a table")
    names = [f.name for f in fields(Settings)]
    for key in table:
        if key not in names:
            raise ValueError(_unknown(f"settings.{key}", known + [f"settings.{n}" for n in names]))
    try:
        return Settings.from_dict(table)
    except SettingsError as exc:
        raise ValueError(f"settings: {exc}") from exc


def parse_job(data: Mapping[str, object], base: Path, name: str) -> JobSpec:
    """Validate a job's tables; relative paths are taken from ``base``.

    Raises:
        ValueError: Naming the first unknown key or bad value (``unknown key 'scan.outt'``).
    """
    checks = _checks(base)
    known = [f"{t}.{k}" for t, ks in checks.items() for k in ks] + list(checks) + ["settings"]
    values: dict[str, dict[str, Any]] = {}
    settings = None
    for table, content in data.items():
        if table == "settings":
            settings = _settings(content, known)
            continue
        if table not in checks:
            raise ValueError(_unknown(table, known))
        if not isinstance(content, dict):
            raise ValueError(f"{table} must be a table ([{table}])")
        values[table] = {}
        for key, value in content.items():
            if key not in checks[table]:
                raise ValueError(_unknown(f"{table}.{key}", known))
            values[table][key] = checks[table][key](f"{table}.{key}", value)
    if "scan" in values:
        if "paths" not in values["scan"]:
            raise ValueError("scan.paths is required: the submissions to scan")
        values["scan"].setdefault("out", checks["scan"]["out"]("scan.out", DEFAULT_OUT))
    if "add" not in values and "scan" not in values:
        raise ValueError("nothing to do: give an [add] or a [scan] table")
    job = values.get("job", {})
    engine_values = values.get("engine", {})
    if "scheduler" in engine_values and engine_values.get("name") != "dask":
        raise ValueError('engine.scheduler is used only with engine.name = "dask"')
    try:
        engine = EngineSpec(**engine_values)
    except EngineError as exc:
        raise ValueError(f"engine: {exc}") from exc
    return JobSpec(
        name=job.get("name", name),
        corpus=job.get("corpus", Path(os.path.normpath(base / "corpus/store"))),
        lock_timeout=job.get("lock_timeout", DEFAULT_LOCK_TIMEOUT),
        log_file=job.get("log_file"),
        add=AddStep(**values["add"]) if "add" in values else None,
        scan=ScanStep(**values["scan"]) if "scan" in values else None,
        settings=settings,
        engine=engine,
    )


def load_job(path: Path, overrides: Mapping[str, object] | None = None) -> JobSpec:
    """Read a job file and apply command-line ``overrides`` (``{"scan.out": ..., ...}``).

    Overrides are already typed; their paths are relative to the working folder.

    Raises:
        JobError: The file cannot be read, or has an unknown key or a bad value, named.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise JobError(f"{path}: cannot read job file: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise JobError(f"{path}: not valid TOML: {exc}") from exc
    try:
        spec = parse_job(data, path.parent, path.stem)
    except ValueError as exc:
        raise JobError(f"{path}: {exc}") from exc
    return apply_overrides(spec, overrides or {})


def apply_overrides(spec: JobSpec, overrides: Mapping[str, object]) -> JobSpec:
    """Layer command-line values (None means "not given") over a job.

    Raises:
        JobError: An override targets a step the job does not have, or ``scan.out`` uses
            other than the placeholders.
    """
    given = {k: v for k, v in overrides.items() if v is not None}
    job: dict[str, Any] = {
        k.removeprefix("job."): v for k, v in given.items() if k.startswith("job.")
    }
    scan: dict[str, Any] = {
        k.removeprefix("scan."): v for k, v in given.items() if k.startswith("scan.")
    }
    engine: dict[str, Any] = {
        k.removeprefix("engine."): v for k, v in given.items() if k.startswith("engine.")
    }
    unknown = sorted(
        set(given)
        - {f"job.{k}" for k in job}
        - {f"scan.{k}" for k in scan}
        - {f"engine.{k}" for k in engine}
    )
    if unknown:
        raise JobError(f"unknown override {unknown[0]!r}")
    if scan and spec.scan is None:
        raise JobError(f"job {spec.name!r} has no [scan] step for {', '.join(sorted(scan))}")
    if "out" in scan:
        try:
            scan["out"] = _template(Path())("--out", scan["out"])
        except ValueError as exc:
            raise JobError(str(exc)) from exc
    step = replace(spec.scan, **scan) if spec.scan is not None and scan else spec.scan
    try:
        chosen = replace(spec.engine, **engine) if engine else spec.engine
    except EngineError as exc:
        raise JobError(str(exc)) from exc
    return replace(spec, **job, scan=step, engine=chosen)
