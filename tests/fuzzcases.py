"""Fuzz cases for ingest: generated files of every format ``overlap scan`` reads, then mutated.

``case(seed, n)`` gives the n-th case of a run from nothing but the two numbers, so a failing
case can be made again on its own. A case is a well-formed document of one format (text
drawn from a passage the fuzz store holds, filler prose and hostile characters), changed by
zero to a few mutations: byte edits, tokens of the format spliced in, or for zip packages an
edit of one member with the package rebuilt around it.
"""

from __future__ import annotations

import codecs
import io
import json
import random
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from overlap.ingest.walk import suffix
from tests.docmakers import (
    corrupt_member,
    declare_size,
    docx_bytes,
    footnote_ref,
    odt_bytes,
    para,
    pdf_bytes,
    rtf_bytes,
    run,
    table,
    zip_bytes,
)
from tests.hostile import IMG, LINK, SCRIPT

#: A passage the fuzz store holds as a source: cases that keep it make findings.
SOURCE_PASSAGE = (
    "Reflective listening works best when the counselor repeats the client's own words back "
    "slowly and without any judgement at all so that the ambivalence can be heard by both"
)
#: Formats cases are made in, by file suffix.
SUFFIXES = (".txt", ".docx", ".pdf", ".odt", ".rtf", ".html", ".csv", ".jsonl", ".zip")
#: Characters that have broken text handling somewhere: controls, invisibles, look-alikes,
#: bidi overrides, lone surrogates' neighbours, combining marks, wide and astral letters,
#: markup that a report must show as text.
ODD = [
    "\x00", "\x01", "\x07", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\xa0", "\xad", "\u200b",
    "\u200d", "\u2028", "\u2029", "\u202e", "\u2066", "\ufeff", "\ufffd", "\ufffe", "а", "е",
    "о", "ѕ", "Ꭺ", "é", "e\u0301", "ß", "İ", "ﬁ", "𝔘", "😀", "中文", "\uffff", "\U0010ffff",
    "\t", "\r", "\r\n", "\n\n\n", " " * 40, "A" * 300, SCRIPT, IMG, LINK,
]  # fmt: skip
SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in ("a", "e", "i", "o", "u", "ou", "ai")]
FUNCTION_WORDS = ["the", "of", "and", "to", "in", "that", "is", "was", "for", "with", "as"]
#: Tokens of each format, spliced into cases to reach its parser's odd corners.
TOKENS: dict[str, list[bytes]] = {
    "text": [
        b'\x00', b'\xff\xfe', b'\xef\xbb\xbf', b'\xed\xa0\x80', b'\xc3', b'\r', b'\x1a',
    ],
    "xml": [
        b'<', b'>', b'&', b'&#0;', b'&#x110000;', b'&amp', b']]>', b'<![CDATA[', b'<!--',
        b"<?xml version='1.0'?>", b'<!DOCTYPE x [<!ENTITY a "aaaa">]>', b'&a;', b'</w:p>', b'<w:p>',
        b'<w:r>', b'<w:t>', b'</w:t>', b'<w:vanish/>', b'<w:color w:val="FFFFFF"/>',
        b'<w:sz w:val="-1"/>', b'<w:footnoteReference w:id="999"/>', b'<text:p>', b'</text:p>',
        b'<text:span text:style-name="nope">', b'<text:note>', b'w:val=""', b'xmlns:w=""',
        b'<w:numPr><w:ilvl w:val="99"/><w:numId w:val="-3"/></w:numPr>',
    ],
    "html": [
        b'<script>', b'</script>', b'<style>', b'<!--', b'-->', b'<p hidden>',
        b'<span style="display:none">', b'<font color="#ffffff">', b'&#0;', b'&#xD800;', b'&nbsp',
        b'<br/>', b'</', b'<', b'<meta charset="utf-16">', b'<![CDATA[', b'<body',
        b'<table><tr><td>', b'<textarea>', b'<svg onload=x>', b'<ruby>', b'\x00',
    ],
    "rtf": [
        b'{', b'}', b'\\', b'\\par ', b'\\u-1?', b'\\u99999?', b'\\u99999999999?', b"\\'zz",
        b"\\'e9", b'\\bin9 ',
        b'\\uc0 ', b'\\ansicpg99999 ', b'{\\*\\x ', b'\\v ', b'\\v0 ', b'{\\fonttbl ', b'\\cf1 ',
        b'\\fs0 ', b'\\~', b'\\-', b'\\*',
    ],
    "pdf": [
        b'obj', b'endobj', b'stream\n', b'endstream', b'/Length 99999999', b'xref', b'trailer',
        b'%%EOF', b'<<', b'>>', b'[', b']', b'(', b')', b'\\', b'/Filter /FlateDecode',
        b'/Encrypt 1 0 R', b'/Type /Pages', b'/Kids [4 0 R 4 0 R]', b'/Count -1', b'Tj', b'TJ',
        b'BT', b'ET', b'/F1 0 Tf', b'1 0 R', b'0 0 R', b'startxref\n0\n', b'%PDF-1.7\n',
    ],
    "csv": [
        b'"', b',', b';', b'\t', b'\n', b'\r\n', b'\r', b'""', b'\x00', b'\xff', b'=cmd|',
    ],
    "jsonl": [
        b'{', b'}', b'[', b']', b'"', b':', b',', b'\n', b'null', b'true', b'1e999', b'-0',
        b'"\\ud800"', b'"\\u0000"', b'\\', b'{"text": null}', b'{"message": 5}', b'{"body": ["a"]}',
        b'NaN', b'\xef\xbb\xbf',
    ],
}  # fmt: skip
KIND_TOKENS = {
    ".txt": "text",
    ".docx": "xml",
    ".odt": "xml",
    ".pdf": "pdf",
    ".rtf": "rtf",
    ".html": "html",
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".zip": "text",
}


@dataclass(frozen=True)
class Case:
    """One fuzz case: a file's name suffix and content, and how it was made."""

    suffix: str
    data: bytes
    recipe: tuple[str, ...]


def babble(rng: random.Random, n: int) -> str:
    """``n`` made-up words in sentences, with quotes and citations now and then.

    Made-up words of three or four syllables: texts share hardly any word but the function
    words, so a scan's batch holds few candidate pairs (a small shared vocabulary makes
    nearly every pair of texts a paraphrase candidate, and scans slow).
    """
    out: list[str] = []
    sentence = 0
    for i in range(n):
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randrange(3, 5)))
        if rng.random() < 0.25:
            word = rng.choice(FUNCTION_WORDS)
        if sentence == 0:
            word = word.capitalize()
        sentence += 1
        if sentence > rng.randrange(4, 16) or i == n - 1:
            word += rng.choice(
                [".", ".", ".", "?", "!", f" ({word.capitalize()}, 20{i % 25:02}).", '."', ","]
            )
            sentence = 0
        out.append(word)
    if out and rng.random() < 0.1:
        at = rng.randrange(len(out))
        out[at] = f'"{out[at]}'
    return " ".join(out)


def words(rng: random.Random, n: int) -> str:
    """Filler prose, now and then the store's passage, an odd character or markup in it."""
    pieces = [babble(rng, n)]
    if rng.random() < 0.04:  # more would make most of a scan's time peer matching
        pieces.insert(rng.randrange(len(pieces) + 1), SOURCE_PASSAGE)
    for _ in range(rng.choice([0, 0, 1, 3])):
        text = pieces[-1]
        at = rng.randrange(len(text) + 1)
        pieces[-1] = text[:at] + rng.choice(ODD) + text[at:]
    return " ".join(pieces)


def paragraphs(rng: random.Random) -> list[str]:
    return [words(rng, rng.randrange(3, 60)) for _ in range(rng.randrange(1, 5))]


def make_txt(rng: random.Random) -> bytes:
    text = "\n\n".join(paragraphs(rng))
    codec = rng.choice(["utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-32", "cp1252", "latin-1"])
    data = text.encode(codec, errors="replace")
    return data if codec != "utf-8" or rng.random() < 0.9 else codecs.BOM_UTF16_LE + data


def make_html(rng: random.Random) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs(rng))
    extras = [
        "<script>var x = '<p>not text</p>';</script>",
        "<style>p { color: red }</style>",
        f'<p style="display:none">{words(rng, 12)}</p>',
        f"<div hidden>{words(rng, 8)}</div>",
        "<!-- a comment with <p>markup</p> -->",
        f"<table><tr><td>{words(rng, 5)}</td><td>&amp; &eacute; &#233; &#x1F600;</td></tr></table>",
        f'<span style="color:#fff;font-size:1px">{words(rng, 6)}</span>',
    ]
    body += "".join(rng.sample(extras, rng.randrange(len(extras))))
    head = '<meta charset="utf-8">' if rng.random() < 0.5 else ""
    page = f"<html><head>{head}<title>t</title></head><body>{body}</body></html>"
    return f"<!DOCTYPE html>{page}".encode()


def make_docx(rng: random.Random) -> bytes:
    blocks = []
    notes: dict[int, str] = {}
    for p in paragraphs(rng):
        style = rng.choice([None, None, "Heading1", "Quote"])
        runs = [run(p)]
        if rng.random() < 0.3:
            runs.append(run(words(rng, 5), vanish=True))
        if rng.random() < 0.3:
            runs.append(run(words(rng, 5), color="FFFFFF", size=2))
        if rng.random() < 0.2:
            notes[len(notes) + 1] = para(words(rng, 6))
            runs.append(footnote_ref(len(notes)))
        blocks.append(para(*runs, style=style))
    if rng.random() < 0.3:
        blocks.append(table([[words(rng, 3), words(rng, 4)], [words(rng, 2), ""]]))
    return docx_bytes(
        "".join(blocks), footnotes=notes or None, background=rng.choice([None, "FFFFFF"])
    )


def make_odt(rng: random.Random) -> bytes:
    styles = (
        '<style:style style:name="H" style:family="text"><style:text-properties '
        'text:display="none"/></style:style>'
    )
    body = "".join(
        f'<text:p>{p}<text:span text:style-name="H">{words(rng, 4)}</text:span></text:p>'
        if rng.random() < 0.3
        else f"<text:p>{p}</text:p>"
        for p in (_xml_text(p) for p in paragraphs(rng))
    )
    return odt_bytes(body, automatic_styles=styles)


def _xml_text(text: str) -> str:
    from xml.sax.saxutils import escape

    # XML 1.0 cannot hold most control characters at all, escaped or not.
    return escape("".join(c for c in text if c in "\t\n\r" or ord(c) >= 32))


def make_pdf(rng: random.Random) -> bytes:
    pages = []
    for _ in range(rng.randrange(1, 4)):
        text = words(rng, rng.randrange(0, 40))
        lines = [text[i : i + 70] for i in range(0, len(text), 70)] if rng.random() < 0.9 else []
        pages.append([line.encode("latin-1", "replace").decode("latin-1") for line in lines])
    return pdf_bytes(pages)


def make_rtf(rng: random.Random) -> bytes:
    return rtf_bytes(paragraphs(rng))


def make_csv(rng: random.Random) -> bytes:
    author = rng.choice(["author", "User Name", "student", "name"])
    body = rng.choice(["message", "body", "Text", "post"])
    stamp = rng.choice(["created_at", "Date", "timestamp"])
    header = rng.sample([author, body, stamp, "id"], rng.randrange(2, 5))
    out = io.StringIO()
    import csv

    writer = csv.writer(out, delimiter=rng.choice([",", ",", ";", "\t"]))
    writer.writerow(header)
    for i in range(rng.randrange(1, 6)):
        values = {
            author: f"Student {rng.randrange(50)}",
            body: words(rng, rng.randrange(0, 40)),
            stamp: rng.choice(["2025-02-03T09:00:00", "03/02/2025 9:00", "yesterday", ""]),
            "id": str(rng.choice([i, i, "", "x/y", -1])),
        }
        if rng.random() < 0.2:
            values[body] = f"<p>{values[body]}</p><script>x</script>"
        writer.writerow([values[h] for h in header])
    return out.getvalue().encode(rng.choice(["utf-8", "utf-8-sig", "cp1252"]), "replace")


def make_jsonl(rng: random.Random) -> bytes:
    lines = []
    for i in range(rng.randrange(1, 6)):
        record: dict[str, object] = {
            rng.choice(["author", "user", "display_name"]): f"Student {rng.randrange(50)}",
            rng.choice(["message", "text", "content"]): words(rng, rng.randrange(0, 40)),
        }
        if rng.random() < 0.5:
            record["id"] = rng.choice([i, str(i), None, [i], {"x": i}])
        if rng.random() < 0.5:
            record["created_at"] = rng.choice(["2025-02-03T09:00:00Z", 1738573200, None, "?"])
        lines.append(json.dumps(record, ensure_ascii=rng.random() < 0.5))
        if rng.random() < 0.2:
            lines.append("")
    return ("\n".join(lines) + rng.choice(["\n", "", "\r\n"])).encode()


def make_zip(rng: random.Random, depth: int = 0) -> bytes:
    members: list[tuple[str, bytes | str]] = []
    kinds = [".txt", ".docx", ".pdf", ".odt", ".rtf", ".html", ".csv", ".jsonl"]
    if depth < 2:
        kinds.append(".zip")
    for i in range(rng.randrange(1, 5)):
        kind = rng.choice(kinds)
        data = make_zip(rng, depth + 1) if kind == ".zip" else MAKERS[kind](rng)
        names = [
            f"m{i}{kind}",
            f"folder/m{i}{kind}",
            f"doejane_{100 + i}_{500 + i}_e{kind}",
            f"Jane Doe_{1234 + i}_assignsubmission_file_/e{kind}",
            f"__MACOSX/._m{i}{kind}",
            f".hidden{i}{kind}",
        ]
        name = rng.choice(names)
        members.append((name, data))
    compression = rng.choice([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
    return zip_bytes(members, compression=compression)


MAKERS: dict[str, Callable[[random.Random], bytes]] = {
    ".txt": make_txt,
    ".docx": make_docx,
    ".pdf": make_pdf,
    ".odt": make_odt,
    ".rtf": make_rtf,
    ".html": make_html,
    ".csv": make_csv,
    ".jsonl": make_jsonl,
    ".zip": make_zip,
}


# --- mutations -----------------------------------------------------------------------------


def _span(rng: random.Random, data: bytes) -> tuple[int, int]:
    start = rng.randrange(len(data) + 1)
    return start, min(len(data), start + rng.choice([1, 2, 4, 16, 64, 512]))


def mutate_bytes(rng: random.Random, data: bytes, tokens: list[bytes]) -> tuple[bytes, str]:
    """One byte-level edit of ``data``; returns the result and its name."""
    if not data:
        return rng.choice(tokens), "token"
    start, end = _span(rng, data)
    op = rng.choice(
        [
            "flip",
            "set",
            "insert",
            "delete",
            "duplicate",
            "truncate",
            "token",
            "token",
            "token",
            "repeat",
            "swap",
        ]
    )
    if op == "flip":
        at = rng.randrange(len(data))
        return data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1 :], op
    if op == "set":
        value = rng.choice([0, 0xFF, 0x7F, 0x80, 0x20, 0x0A, ord("<"), ord("{"), ord('"')])
        return data[:start] + bytes([value]) * (end - start) + data[end:], op
    if op == "insert":
        return data[:start] + rng.randbytes(rng.choice([1, 3, 17, 200])) + data[start:], op
    if op == "delete":
        return data[:start] + data[end:], op
    if op == "duplicate":
        return data[:end] + data[start:end] + data[end:], op
    if op == "truncate":
        return (data[:start], op) if rng.random() < 0.7 else (data[start:], "behead")
    if op == "repeat":
        # A long span a thousand times over is a thousand identical posts in an export, and
        # a scan aligns every pair of them: minutes for one case, which a timeout would report.
        times = rng.choice([10, 100, 1000] if end - start <= 16 else [10, 100])
        return data[:start] + data[start:end] * times + data[end:], op
    if op == "swap":
        other, other_end = _span(rng, data)
        (a, a_end), (b, b_end) = sorted([(start, end), (other, other_end)])
        if a_end > b:
            return data, op
        swapped = data[b:b_end] + data[a_end:b] + data[a:a_end]
        return data[:a] + swapped + data[b_end:], op
    return data[:start] + rng.choice(tokens) + data[start:], op


def mutate_package(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """Edit inside a zip: one member's bytes, its name, or the archive's records."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = []
            for info in archive.infolist()[:20]:
                with archive.open(info) as member:
                    members.append((info.filename, member.read(1 << 20)))
    except Exception:  # a case an earlier mutation broke: edit its bytes instead
        return mutate_bytes(rng, data, TOKENS["text"])
    if not members:
        return mutate_bytes(rng, data, TOKENS["text"])
    op = rng.choice(["member", "member", "member", "rename", "drop", "add", "corrupt", "declare"])
    i = rng.randrange(len(members))
    name, content = members[i]
    if op == "member":
        kind = ".docx" if name.endswith((".xml", ".rels")) else suffix(name)
        tokens = TOKENS[KIND_TOKENS.get(kind, "text")]
        members[i] = (name, mutate_bytes(rng, content, tokens)[0])
    elif op == "rename":
        names = [
            "../evil.txt",
            "/abs.txt",
            "a//b.txt",
            name.upper(),
            name + ".txt",
            "x" * 300 + ".txt",
            "dup.txt",
            members[0][0],
        ]
        members[i] = (rng.choice(names), content)
    elif op == "drop":
        del members[i]
    elif op == "add":
        extra = rng.choice([b"path,student\nm0.txt,Eve\n", make_zip(rng, 1), b"<x/>", b""])
        members.append(
            (rng.choice(["extra.txt", "nested.zip", "metadata.csv", "word/styles.xml"]), extra)
        )
    try:
        with warnings.catch_warnings():  # duplicate member names are one of the mutations
            warnings.simplefilter("ignore", UserWarning)
            compression = rng.choice([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
            rebuilt = zip_bytes(members, compression=compression)
        if op == "corrupt":
            return corrupt_member(rebuilt, name), op
        if op == "declare":
            return declare_size(rebuilt, name, rng.choice([0, 1, 2**31, 2**32 - 1])), op
    except (AssertionError, ValueError, zipfile.BadZipFile):
        return data, op
    return rebuilt, op


def case(seed: int, n: int) -> Case:
    """The ``n``-th case of the run ``seed``: a generated file, mutated 0 to 6 times."""
    rng = random.Random(f"{seed}:{n}")
    kind = SUFFIXES[n % len(SUFFIXES)]
    data = MAKERS[kind](rng)
    recipe = [kind[1:]]
    count = rng.choice([0, 1, 1, 1, 2, 2, 3, 6])
    for _ in range(count):
        if kind in (".docx", ".odt", ".zip") and rng.random() < 0.6:
            data, op = mutate_package(rng, data)
            recipe.append(f"zip:{op}")
        else:
            data, op = mutate_bytes(rng, data, TOKENS[KIND_TOKENS[kind]])
            recipe.append(op)
        if len(data) > 4 << 20:  # a case is read many times over: keep it a few MiB at most
            data = data[: 4 << 20]
    return Case(kind, data, tuple(recipe))
