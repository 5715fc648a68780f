"""Build .docx, .odt, .pdf, .rtf, encrypted Office files and zips in memory, for the ingest tests.

Every fixture is generated here from its specification, so no binary file is checked in.
"""

from __future__ import annotations

import io
import stat
import struct
import zipfile
from collections.abc import Iterable, Mapping
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


# --- zip ------------------------------------------------------------------------------------


def zip_bytes(
    members: Mapping[str, bytes | str] | Iterable[tuple[str, bytes | str]],
    *,
    compression: int = zipfile.ZIP_DEFLATED,
    symlinks: Iterable[str] = (),
) -> bytes:
    """A zip holding ``members`` (name -> content) in order; ``symlinks`` names are links."""
    links = set(symlinks)
    buffer = io.BytesIO()
    items = members.items() if isinstance(members, Mapping) else members
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in items:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 2, 3, 4, 5))
            info.compress_type = compression
            info.external_attr = ((stat.S_IFLNK | 0o777) if name in links else 0o644) << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def corrupt_member(data: bytes, name: str) -> bytes:
    """Flip bytes in the middle of ``name``'s compressed data, leaving the headers intact."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    header = data[info.header_offset : info.header_offset + 30]
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    start = info.header_offset + 30 + name_len + extra_len
    middle = start + info.compress_size // 2
    damaged = bytes(b ^ 0x5A for b in data[middle : middle + 8])
    return data[:middle] + damaged + data[middle + 8 :]


def declare_size(data: bytes, name: str, size: int) -> bytes:
    """Make the central directory claim that ``name`` expands to ``size`` bytes."""
    encoded = name.encode()
    record = data.find(b"PK\x01\x02")
    while record != -1:
        name_len = struct.unpack("<H", data[record + 28 : record + 30])[0]
        if data[record + 46 : record + 46 + name_len] == encoded:
            # The uncompressed size sits at offset 24 of a central-directory record.
            return data[: record + 24] + struct.pack("<I", size) + data[record + 28 :]
        record = data.find(b"PK\x01\x02", record + 4)
    raise AssertionError(f"no central-directory record for {name}")


# --- docx -----------------------------------------------------------------------------------


def run(
    text: str,
    *,
    color: str | None = None,
    size: int | None = None,
    vanish: bool = False,
    style: str | None = None,
    fill: str | None = None,
) -> str:
    """A ``w:r`` run; ``size`` in half-points, ``color``/``fill`` as ``RRGGBB``."""
    props = []
    if style:
        props.append(f'<w:rStyle w:val="{style}"/>')
    if vanish:
        props.append("<w:vanish/>")
    if color:
        props.append(f'<w:color w:val="{color}"/>')
    if size:
        props.append(f'<w:sz w:val="{size}"/>')
    if fill:
        props.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>')
    rpr = f"<w:rPr>{''.join(props)}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def indentation(
    left: int | None = None, *, hanging: int | None = None, first_line: int | None = None
) -> str:
    """A ``w:ind`` element; lengths in twentieths of a point (720 is half an inch)."""
    values = {"w:left": left, "w:hanging": hanging, "w:firstLine": first_line}
    return "<w:ind " + " ".join(f'{k}="{v}"' for k, v in values.items() if v is not None) + "/>"


def para(*runs: str, style: str | None = None, ind: str = "", numbered: bool = False) -> str:
    """A ``w:p`` paragraph of runs (plain strings become plain runs).

    ``ind`` is a ``w:ind`` element (see :func:`indentation`); ``numbered`` makes it an item of
    a numbered list.
    """
    props = f'<w:pStyle w:val="{style}"/>' if style else ""
    if numbered:
        props += '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>'
    props += ind
    ppr = f"<w:pPr>{props}</w:pPr>" if props else ""
    body = "".join(r if r.startswith("<") else run(r) for r in runs)
    return f"<w:p>{ppr}{body}</w:p>"


def paragraph_style(
    style_id: str, name: str, *, based_on: str | None = None, ind: str = "", numbered: bool = False
) -> str:
    """A paragraph ``w:style`` for styles.xml, optionally based on another and indented."""
    base = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    num = '<w:numPr><w:numId w:val="1"/></w:numPr>' if numbered else ""
    ppr = f"<w:pPr>{num}{ind}</w:pPr>" if ind or num else ""
    return (
        f'<w:style w:type="paragraph" w:styleId="{style_id}"><w:name w:val="{name}"/>'
        f"{base}{ppr}</w:style>"
    )


def table(rows: list[list[str]]) -> str:
    """A ``w:tbl`` with one paragraph per cell."""
    cells = "".join(
        "<w:tr>" + "".join(f"<w:tc>{para(cell)}</w:tc>" for cell in row) + "</w:tr>" for row in rows
    )
    return f"<w:tbl><w:tblPr/>{cells}</w:tbl>"


def footnote_ref(note_id: int) -> str:
    """A run holding a footnote reference."""
    return f'<w:r><w:footnoteReference w:id="{note_id}"/></w:r>'


def docx_bytes(
    body: str,
    *,
    footnotes: Mapping[int, str] | None = None,
    styles: str | None = None,
    background: str | None = None,
) -> bytes:
    """A minimal but complete .docx: ``body`` is the XML inside ``w:body``.

    Args:
        body: Paragraphs and tables.
        footnotes: Footnote id -> paragraph XML.
        styles: ``w:style`` elements for styles.xml.
        background: Page colour ``RRGGBB``.
    """
    parts: dict[str, str] = {}
    overrides = [("/word/document.xml", "wordprocessingml.document.main+xml")]
    rels = []
    if styles is not None:
        parts["word/styles.xml"] = f'<w:styles xmlns:w="{W_NS}">{styles}</w:styles>'
        overrides.append(("/word/styles.xml", "wordprocessingml.styles+xml"))
        rels.append(("rId1", "styles", "styles.xml"))
    if footnotes is not None:
        notes = "".join(
            f'<w:footnote w:id="{i}">{xml}</w:footnote>' for i, xml in footnotes.items()
        )
        separator = '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'  # noqa: E501
        parts["word/footnotes.xml"] = (
            f'<w:footnotes xmlns:w="{W_NS}">{separator}{notes}</w:footnotes>'
        )
        overrides.append(("/word/footnotes.xml", "wordprocessingml.footnotes+xml"))
        rels.append(("rId2", "footnotes", "footnotes.xml"))
    page = f'<w:background w:color="{background}"/>' if background else ""
    parts["word/document.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}">{page}<w:body>{body}'
        f"<w:sectPr/></w:body></w:document>"
    )
    types = "".join(
        f'<Override PartName="{name}" ContentType="application/'
        f'vnd.openxmlformats-officedocument.{kind}"/>'
        for name, kind in overrides
    )
    parts["[Content_Types].xml"] = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f"{types}</Types>"
    )
    parts["_rels/.rels"] = (
        f'<Relationships xmlns="{PKG_RELS}"><Relationship Id="rId1" '
        f'Type="{DOC_REL}/officeDocument" Target="word/document.xml"/></Relationships>'
    )
    parts["word/_rels/document.xml.rels"] = (
        f'<Relationships xmlns="{PKG_RELS}">'
        + "".join(
            f'<Relationship Id="{rid}" Type="{DOC_REL}/{kind}" Target="{target}"/>'
            for rid, kind, target in rels
        )
        + "</Relationships>"
    )
    order = ["[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels"]
    order += [name for name in parts if name not in order]
    return zip_bytes([(name, parts[name]) for name in order])


# --- encrypted Office (an OLE2 compound file, as Word writes for a password) ----------------


def ole2_bytes(streams: Mapping[str, bytes]) -> bytes:
    """A version-3 compound file holding ``streams``, each padded to >= 4096 bytes.

    Streams of 4096 bytes or more live in ordinary 512-byte sectors, so no mini stream is
    needed. Up to three streams, which keeps the directory in one sector.
    """
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    names = list(streams)
    assert 1 <= len(names) <= 3
    datas = [streams[n].ljust(4096, b"\0") for n in names]
    fat = [fat_sector, end]  # sector 0: the FAT, sector 1: the directory
    starts = []
    for data in datas:
        count = -(-len(data) // 512)
        first = len(fat)
        starts.append(first)
        fat += [*range(first + 1, first + count), end]
    assert len(fat) <= 128
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<III", free, right, child)
            + b"\0" * 16
            + b"\0" * 4
            + b"\0" * 16
            + struct.pack("<IQ", start, size)
        )

    # Siblings ordered by (length, upper-case name): a right-leaning chain is a valid tree.
    order = sorted(range(len(names)), key=lambda i: (len(names[i]), names[i].upper()))
    directory = [b""] * (len(names) + 1)
    directory[0] = entry("Root Entry", 5, order[0] + 1, free, end, 0)
    for position, i in enumerate(order):
        right = order[position + 1] + 1 if position + 1 < len(order) else free
        directory[i + 1] = entry(names[i], 2, free, right, starts[i], len(streams[names[i]]))
    dir_sector = b"".join(directory).ljust(512, b"\0")
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", free) * 108
    )
    assert len(header) == 512
    fat_bytes = struct.pack("<128I", *fat)
    return (
        header
        + fat_bytes
        + dir_sector
        + b"".join(d.ljust(-(-len(d) // 512) * 512, b"\0") for d in datas)
    )


def encrypted_docx_bytes() -> bytes:
    """What Word saves for a password-protected .docx: an OLE2 file with the encrypted package."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<encryption xmlns='agile'/>"
    return ole2_bytes({"EncryptionInfo": info, "EncryptedPackage": b"\x93" * 5000})


# --- odt ------------------------------------------------------------------------------------

ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
)


def odt_bytes(
    body: str, *, automatic_styles: str = "", styles: str = "", encrypted: bool = False
) -> bytes:
    """A minimal .odt: ``body`` is the XML inside ``office:text``.

    ``styles`` are ``style:style`` elements for styles.xml (named styles such as
    ``Quotations``), ``automatic_styles`` those of content.xml.
    """
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NS} '
        f'office:version="1.3"><office:automatic-styles>{automatic_styles}'
        f"</office:automatic-styles><office:body><office:text>{body}</office:text>"
        "</office:body></office:document-content>"
    )
    encryption = "<manifest:encryption-data manifest:checksum-type='SHA1'/>" if encrypted else ""
    manifest = (
        f'<manifest:manifest {ODF_NS} manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type='
        '"application/vnd.oasis.opendocument.text"/>'
        f'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
        f"{encryption}</manifest:file-entry></manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        if styles:
            named = (
                f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {ODF_NS} '
                f'office:version="1.3"><office:styles>{styles}</office:styles>'
                "</office:document-styles>"
            )
            archive.writestr("styles.xml", named, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


# --- pdf ------------------------------------------------------------------------------------


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def pdf_bytes(pages: list[list[str]]) -> bytes:
    """A PDF with one page per list of lines, in Helvetica; an empty list is a page without text.

    Written by hand (objects, cross-reference table, trailer) so that no PDF library is
    needed to make it.
    """
    objects: list[bytes] = []
    count = len(pages)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(count))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, lines in enumerate(pages):
        if lines:
            shown = " ".join(f"{_pdf_string(line)} Tj 0 -16 Td" for line in lines)
            stream = f"BT /F1 12 Tf 72 720 Td {shown} ET".encode("latin-1")
        else:  # a grey rectangle where a scanned image would be
            stream = b"0.5 g 72 72 468 648 re f"
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font "
            f"<< /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def encrypted_pdf_bytes(pages: list[list[str]], *, user_password: str) -> bytes:
    """:func:`pdf_bytes` encrypted with AES-128 by pypdf (an empty user password opens it)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(pages))))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# --- rtf and images -------------------------------------------------------------------------


def rtf_bytes(paragraphs: list[str]) -> bytes:
    """An RTF document in Windows-1252; non-ASCII letters become ``\\'xx`` or ``\\uN?``."""

    def encode(text: str) -> str:
        out = []
        for char in text:
            if char in "\\{}":
                out.append("\\" + char)
            elif ord(char) < 128:
                out.append(char)
            else:
                try:
                    out.append(f"\\'{char.encode('cp1252')[0]:02x}")
                except UnicodeEncodeError:
                    out.append(f"\\u{ord(char)}?")
        return "".join(out)

    body = "".join(f"\\pard {encode(p)}\\par\n" for p in paragraphs)
    return (
        "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fswiss Helvetica;}}"
        "{\\colortbl;\\red0\\green0\\blue0;}\n" + body + "}"
    ).encode("ascii")


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
