"""Look for text anywhere in a store's files: raw bytes, decoded columns, decompressed pages.

Parquet compresses its pages, so a plain grep of the file cannot see the text in them. This
walks every column chunk page by page (Thrift compact page headers), decompresses each page
(dictionary pages included) and searches the bytes, besides reading each file with pyarrow
(values and whole dictionaries) and searching the raw file, where footers keep statistics.
Arrow IPC files may compress their buffers too: each is read back decompressed, and every
buffer of every column (the bytes past a value's end included) is searched, with the values.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

_CODECS = {
    "ZSTD": "zstd",
    "SNAPPY": "snappy",
    "GZIP": "gzip",
    "LZ4": "lz4_raw",
    "LZ4_RAW": "lz4_raw",
    "BROTLI": "brotli",
}


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    shift = value = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7


def _zigzag(n: int) -> int:
    return (n >> 1) ^ -(n & 1)


def _value(data: bytes, pos: int, kind: int) -> tuple[object, int]:
    if kind in (1, 2):
        return kind == 1, pos
    if kind == 3:
        return data[pos], pos + 1
    if kind in (4, 5, 6):
        raw, pos = _varint(data, pos)
        return _zigzag(raw), pos
    if kind == 7:
        return data[pos : pos + 8], pos + 8
    if kind == 8:
        size, pos = _varint(data, pos)
        return data[pos : pos + size], pos + size
    if kind in (9, 10):
        head = data[pos]
        pos += 1
        size, elem = head >> 4, head & 0x0F
        if size == 15:
            size, pos = _varint(data, pos)
        items = []
        for _ in range(size):
            item, pos = _value(data, pos, elem if elem not in (1, 2) else 3)
            items.append(item)
        return items, pos
    if kind == 11:
        size, pos = _varint(data, pos)
        if size == 0:
            return {}, pos
        types = data[pos]
        pos += 1
        out = {}
        for _ in range(size):
            k, pos = _value(data, pos, types >> 4)
            v, pos = _value(data, pos, types & 0x0F)
            out[k] = v
        return out, pos
    if kind == 12:
        return _struct(data, pos)
    raise ValueError(f"unknown thrift type {kind}")


def _struct(data: bytes, pos: int) -> tuple[dict[int, object], int]:
    fields: dict[int, object] = {}
    last = 0
    while True:
        head = data[pos]
        pos += 1
        if head == 0:
            return fields, pos
        delta, kind = head >> 4, head & 0x0F
        if delta:
            field = last + delta
        else:
            raw, pos = _varint(data, pos)
            field = _zigzag(raw)
        value, pos = _value(data, pos, kind)
        fields[field] = value
        last = field


def decompressed_pages(path: Path) -> list[bytes]:
    """The decompressed payload of every page (dictionary and data) of every column chunk."""
    data = path.read_bytes()
    meta = pq.ParquetFile(path).metadata
    pages = []
    for g in range(meta.num_row_groups):
        for c in range(meta.num_columns):
            chunk = meta.row_group(g).column(c)
            start = chunk.data_page_offset
            if chunk.has_dictionary_page and chunk.dictionary_page_offset is not None:
                start = min(start, chunk.dictionary_page_offset)
            end = start + chunk.total_compressed_size
            codec = _CODECS.get(chunk.compression)
            pos = start
            while pos < end:
                header, pos = _struct(data, pos)
                raw_size, size = int(header[2]), int(header[3])  # type: ignore[call-overload]
                body = data[pos : pos + size]
                pos += size
                prefix = b""
                v2 = header.get(8)
                if isinstance(v2, dict):  # data page v2: levels are never compressed
                    levels = int(v2.get(5, 0)) + int(v2.get(6, 0))  # type: ignore[call-overload]
                    prefix, body = body[:levels], body[levels:]
                    raw_size -= levels
                    if v2.get(7) is False:
                        pages.append(prefix + body)
                        continue
                if codec is None or raw_size == 0:
                    pages.append(prefix + body)
                else:
                    out = pa.decompress(body, decompressed_size=raw_size, codec=codec)
                    pages.append(prefix + out.to_pybytes())
    return pages


def _decoded_values(path: Path) -> str:
    """Every value of every column, and every dictionary whole, as one string."""
    file = pq.ParquetFile(path)
    parts = [repr(file.read().to_pylist()), repr(file.schema_arrow.metadata)]
    names = [f.name for f in file.schema_arrow]
    for name in names:
        try:
            column = pq.ParquetFile(path, read_dictionary=[name]).read(columns=[name]).column(0)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, KeyError):  # nested columns
            continue
        for chunk in column.chunks:
            if pa.types.is_dictionary(chunk.type):
                parts.append(repr(chunk.dictionary.to_pylist()))
    return "\n".join(parts)


def _arrow_blobs(path: Path) -> list[bytes]:
    """Every buffer of every column of an Arrow IPC file, decompressed, and its values."""
    with pa.memory_map(str(path)) as source:
        table = pa.ipc.open_file(source).read_all()
    blobs = [repr(table.to_pylist()).encode("utf-8")]
    for column in table.columns:
        for chunk in column.chunks:
            blobs += [b.to_pybytes() for b in chunk.buffers() if b is not None]
    return blobs


def find_text(root: Path, needles: list[str]) -> list[str]:
    """Where any needle occurs in the files under ``root``: ``"file: how"`` for each hit."""
    hits = []
    encoded = [(n, n.encode("utf-8")) for n in needles]
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        raw = path.read_bytes()
        blobs: list[tuple[str, bytes]] = [("raw bytes", raw)]
        if path.suffix == ".parquet" or path.name.endswith(".parquet.tmp"):
            blobs += [("page", page) for page in decompressed_pages(path)]
            blobs.append(("decoded", _decoded_values(path).encode("utf-8")))
        if path.suffix == ".arrow" or path.name.endswith(".arrow.tmp"):
            blobs += [("buffer", blob) for blob in _arrow_blobs(path)]
        for how, blob in blobs:
            for needle, b in encoded:
                if b in blob:
                    hits.append(f"{path.relative_to(root)}: {how} holds {needle[:30]!r}")
    return hits
