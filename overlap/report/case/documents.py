"""The table of every document a case file compares: path, role, and its text's SHA-256."""

from __future__ import annotations

from collections.abc import Sequence

from overlap.model import Document, Role
from overlap.report.case.header import code
from overlap.report.html.markup import esc
from overlap.report.texts import text_digest

#: A role as the table names it.
ROLES = {
    Role.SUBMISSION: "other submission",
    Role.SOURCE: "source",
    Role.PRIOR: "prior-term post",
    Role.EXCLUDE: "template",
}


def _named(doc: Document) -> str:
    """Who wrote it or what it is: a source's title and authors, a post's student and term."""
    if doc.role is Role.SOURCE:
        by = "; ".join(doc.authors)
        year = f" ({doc.year})" if doc.year else ""
        title = f"<cite>{esc(doc.title)}</cite>" if doc.title else ""
        return "<br>".join(x for x in (title, esc(by + year).strip()) if x)
    parts = [doc.student or "unknown student", doc.term or ""]
    return esc(", ".join(p for p in parts if p))


def _row(role: str, named: str, path: str, doc_id: str, chars: str, digest: str) -> str:
    who = f" · {named}" if named else ""
    return (
        f"<tr><td><b>{esc(role)}</b>{who}<br>"
        f'<span class="path">{esc(path)}</span><br>'
        f'<span class="meta">id {code(doc_id)} · {esc(chars)}</span></td>'
        f'<td class="digest">{digest}</td></tr>'
    )


def document_table(documents: Sequence[Document], missing: Sequence[tuple[str, str]]) -> str:
    """One row per document: role, who or what, path, id, characters, SHA-256 of the text.

    Args:
        documents: The documents whose texts the report keeps, the submission first.
        missing: ``(id, path)`` of documents findings point to whose text it does not keep.
    """
    rows = [
        _row(
            "this submission" if i == 0 else ROLES.get(d.role, d.role.value),
            _named(d),
            d.path,
            d.id,
            f"{len(d.text)} characters",
            code(text_digest(d.text)),
        )
        for i, d in enumerate(documents)
    ]
    rows += [
        _row("not kept", "", path, doc_id, "text not in the report", "—")
        for doc_id, path in missing
    ]
    return (
        '<table class="documents"><thead><tr><th>Document</th><th>SHA-256 of the text</th>'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        '<p class="note">SHA-256 of each text as the scan compared it (its UTF-8 bytes: the '
        'file in the report\'s <span class="path">texts/</span> folder); all character '
        "offsets refer to these texts.</p>"
    )
