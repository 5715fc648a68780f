"""Resolve the .docx run properties (WordprocessingML styles) that decide if text can be seen."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, fields, replace
from xml.etree.ElementTree import Element

from overlap.ingest.formats.base import style_chain
from overlap.ingest.formats.package import local

_FALSE = frozenset({"0", "false", "off"})


def child(element: Element | None, name: str) -> Element | None:
    """The first child of ``element`` with local name ``name``."""
    if element is None:
        return None
    return next((c for c in element if local(c.tag) == name), None)


def attr(element: Element | None, name: str) -> str | None:
    """The attribute with local name ``name`` (``w:val`` -> ``val``), whatever its namespace."""
    if element is None:
        return None
    return next((v for k, v in element.attrib.items() if local(k) == name), None)


@dataclass(frozen=True)
class RunStyle:
    """The visibility-related properties a run, style or default sets; ``None`` when unset.

    Attributes:
        vanish: ``w:vanish`` (hidden text).
        colour: ``w:color/@w:val``: ``RRGGBB`` or ``auto``.
        half_points: ``w:sz/@w:val``, the font size in half-points.
        fill: ``w:shd/@w:fill``, the shading behind the run: ``RRGGBB`` or ``auto``.
    """

    vanish: bool | None = None
    colour: str | None = None
    half_points: int | None = None
    fill: str | None = None

    def over(self, base: RunStyle) -> RunStyle:
        """These properties where set, ``base``'s elsewhere."""
        mine = {f.name: getattr(self, f.name) for f in fields(self)}
        return replace(base, **{k: v for k, v in mine.items() if v is not None})

    @property
    def points(self) -> float | None:
        """Font size in points, if set."""
        return None if self.half_points is None else self.half_points / 2


def run_style(rpr: Element | None) -> RunStyle:
    """Read the properties of one ``w:rPr`` element."""
    if rpr is None:
        return RunStyle()
    vanish_el = child(rpr, "vanish")
    size = attr(child(rpr, "sz"), "val")
    return RunStyle(
        vanish=None if vanish_el is None else (attr(vanish_el, "val") or "1") not in _FALSE,
        colour=attr(child(rpr, "color"), "val"),
        half_points=int(size) if size and size.isdigit() else None,
        fill=attr(child(rpr, "shd"), "fill"),
    )


class Styles:
    """The styles part: document defaults and styles with their ``basedOn`` chains."""

    def __init__(self, root: Element | None) -> None:
        defaults = child(child(child(root, "docDefaults"), "rPrDefault"), "rPr")
        self.default = run_style(defaults)
        self.default_paragraph: str | None = None
        self._raw: dict[str, tuple[str | None, RunStyle]] = {}
        self._resolved: dict[str, RunStyle] = {}
        for style in root if root is not None else ():
            if local(style.tag) != "style":
                continue
            style_id = attr(style, "styleId")
            if not style_id:
                continue
            based_on = attr(child(style, "basedOn"), "val")
            self._raw[style_id] = (based_on, run_style(child(style, "rPr")))
            if attr(style, "type") == "paragraph" and attr(style, "default") in ("1", "true"):
                self.default_paragraph = style_id

    def resolve(self, style_id: str | None) -> RunStyle:
        """A style's run properties with those of the styles it is based on (cycles cut)."""
        if not style_id or style_id not in self._raw:
            return RunStyle()
        if style_id not in self._resolved:
            resolved = RunStyle()
            for props in reversed(style_chain(self._raw, style_id)):
                resolved = props.over(resolved)
            self._resolved[style_id] = resolved
        return self._resolved[style_id]


def relationships(root: Element | None, source: str) -> dict[str, str]:
    """Map relationship type suffix (``officeDocument``, ``styles``) to the part it targets.

    Args:
        root: A parsed ``.rels`` part, or ``None``.
        source: The part the relationships belong to (``""`` for the package itself).
    """
    found: dict[str, str] = {}
    for rel in root if root is not None else ():
        kind, target = rel.get("Type", ""), rel.get("Target", "")
        if not target or rel.get("TargetMode") == "External":
            continue
        if target.startswith("/"):
            part = target.lstrip("/")
        else:
            part = posixpath.normpath(posixpath.join(posixpath.dirname(source), target))
        found.setdefault(kind.rpartition("/")[2], part)
    return found
