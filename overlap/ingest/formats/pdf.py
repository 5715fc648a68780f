"""Read a .pdf's text layer with pypdf: pure Python, actively maintained, with decompression limits.

pypdf (with ``cryptography`` for AES) also opens the many PDFs that are encrypted with an
empty user password, such as journal downloads; its stream limits are tied to ours.
"""

from __future__ import annotations

import io
import logging

from overlap.ingest.errors import ExtractError
from overlap.ingest.formats.base import Extracted, join_paragraphs
from overlap.ingest.formats.sniff import not_a
from overlap.ingest.limits import IngestLimits

logger = logging.getLogger(__name__)
# pypdf logs every repair it makes to a damaged file as a warning. Without a handler of its
# own those would reach stderr through logging's last resort in the middle of the CLI's
# output; with a NullHandler they still propagate to whatever the application configured.
logging.getLogger("pypdf").addHandler(logging.NullHandler())

#: The reason given for a PDF whose pages hold no text, as a scanned one.
NO_TEXT_LAYER = "no text layer (scanned?)"
# Damaged PDFs make pypdf raise all sorts of things from deep inside its parser (and its own
# PyPdfError, added where pypdf is loaded: only a PDF needs it).
_DAMAGED = (
    ValueError,
    KeyError,
    TypeError,
    IndexError,
    AttributeError,
    OSError,
    RecursionError,
    ZeroDivisionError,
    AssertionError,
    UnicodeError,
)


def read_pdf(data: bytes, shown: str, limits: IngestLimits) -> Extracted:
    """Extract the text layer of every page; pages are separated by a blank line.

    Raises:
        ExtractError: Not a PDF, truncated (no ``%%EOF``), damaged, password-protected, or
            no page holds text (``no text layer (scanned?)``).
    """
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError, PyPdfError

    if b"%PDF-" not in data[:1024]:
        raise ExtractError(shown, not_a("a PDF", data))
    if b"%%EOF" not in data[-2048:]:
        raise ExtractError(shown, "truncated PDF (no end-of-file marker)")
    cap = limits.max_file_bytes
    try:
        with apply_configuration(
            zlib_maximum_output_length=cap,
            lzw_maximum_output_length=cap,
            run_length_maximum_output_length=cap,
            brotli_maximum_output_length=cap,
            array_based_stream_maximum_output_length=cap,
            maximum_declared_stream_length=cap,
        ):
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise ExtractError(shown, "password-protected")
            pages = [page.extract_text() or "" for page in reader.pages]
    except ExtractError:
        raise
    except (FileNotDecryptedError, DependencyError) as exc:
        raise ExtractError(shown, f"password-protected ({exc})") from exc
    except PdfReadError as exc:
        raise ExtractError(shown, f"corrupt PDF ({exc})") from exc
    except (PyPdfError, *_DAMAGED) as exc:
        logger.debug("pypdf failed on %s", shown, exc_info=True)
        raise ExtractError(shown, f"corrupt PDF ({type(exc).__name__}: {exc})") from exc
    if not pages:
        raise ExtractError(shown, "PDF has no pages")
    text = join_paragraphs(pages)
    if not text.strip():
        raise ExtractError(shown, NO_TEXT_LAYER)
    return Extracted(text)
