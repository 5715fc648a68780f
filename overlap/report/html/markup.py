"""Safe HTML building: escaping, attributes, links and the Content-Security-Policy.

Every string that came from a submission, a source, metadata or a file name goes through
:func:`esc` (text) or :func:`attrs` (attribute values); links are only ever built by
:func:`page_href` from names this package made, or are fragments (``#f3``).
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from urllib.parse import quote

from overlap.report.texts import is_name_char

_SAFE_TOKEN = re.compile(r"[A-Za-z0-9_-]+")


def esc(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute (``& < > " '``)."""
    return html.escape(str(value), quote=True)


def attrs(**values: object) -> str:
    """Attributes as ``' name="value"'`` pairs, each value escaped; None or False is left out.

    A trailing underscore is dropped (``class_`` gives ``class``) and other underscores
    become dashes (``data_kind`` gives ``data-kind``). Names are ours, never the user's.
    """
    parts = []
    for name, value in values.items():
        if value is None or value is False:
            continue
        key = name.rstrip("_").replace("_", "-")
        if not _SAFE_TOKEN.fullmatch(key):
            raise ValueError(f"bad attribute name: {name!r}")
        parts.append(f' {key}="{esc(value)}"')
    return "".join(parts)


def page_href(*parts: str, fragment: str | None = None) -> str:
    """A relative link to a page this package wrote, e.g. ``submissions/w01-ab12.html#f2``.

    Each part must be a safe file name (letters, digits and marks of any script, ``._-``,
    no ``..``; see :func:`~overlap.report.texts.is_name_char`) so the link can never leave
    the report folder or carry a scheme such as ``javascript:``; it is percent-encoded.
    """
    for part in (*parts, *([fragment] if fragment else [])):
        if not part or not all(map(is_name_char, part)) or part in (".", ".."):
            raise ValueError(f"unsafe link part: {part!r}")
    href = "/".join(quote(p) for p in parts)
    return f"{href}#{fragment}" if fragment else href


def css_class(value: str) -> str:
    """A class name made from a known token (a finding kind or severity)."""
    if not _SAFE_TOKEN.fullmatch(value):
        raise ValueError(f"unsafe class name: {value!r}")
    return value.replace("_", "-")


def sha256_source(text: str) -> str:
    """A CSP hash source (``'sha256-...'``) for the exact text of an inline style or script."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def content_security_policy(style: str, script: str | None) -> str:
    """A policy that loads nothing from anywhere and runs only the page's own inline code.

    Args:
        style: The text of the page's one ``<style>`` element.
        script: The text of its one ``<script>`` element, or None for a page without script.

    Returns:
        The policy for a ``<meta http-equiv="Content-Security-Policy">``: no network, no
        plugins, no forms, no inline event handlers, no ``javascript:`` URLs.
    """
    script_src = sha256_source(script) if script is not None else "'none'"
    return "; ".join(
        [
            "default-src 'none'",
            f"style-src {sha256_source(style)}",
            f"script-src {script_src}",
            "img-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
