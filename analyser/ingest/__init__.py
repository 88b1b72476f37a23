"""Input backends and the registry that picks one by the file's content.

`load(path)` reads the bytes once, sniffs the format (the suffix is only a tie-breaker) and
hands them to the matching backend: PDF, DOCX, ToTA XML, HTML, then plain text. Containers no
backend reads (other ZIPs, legacy Office files) get a clear message rather than a text analysis
of binary.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from analyser.errors import AnalyserError
from analyser.ingest.base import Backend
from analyser.ingest.docx import DocxBackend
from analyser.ingest.html import HtmlBackend
from analyser.ingest.pdf import PdfBackend
from analyser.ingest.text import TextBackend
from analyser.ingest.tota import TotaBackend, ascii_head
from analyser.model import SourceDocument
from analyser.options import AnalyseOptions, options_of

MAX_BYTES = 500 * 1024 * 1024

# File suffixes of the formats the backends read: what a batch collects from a folder and the UI accepts.
SUFFIXES = (".pdf", ".docx", ".html", ".htm", ".txt", ".md", ".xml")

# Order matters: specific formats first, plain text last (it accepts anything that decodes).
BACKENDS: list[Backend] = [PdfBackend(), DocxBackend(), TotaBackend(), HtmlBackend(), TextBackend()]

_NOT_YET = (
    (b"PK\x03\x04", "a ZIP container that is not a Word document"),
    (b"\xd0\xcf\x11\xe0", "a legacy Office document"),
)


def load(path: str | Path, options: AnalyseOptions | None = None, **changes: Any) -> SourceDocument:
    """The file read by the backend its content calls for, with `options` (the PDF engine and OCR;
    keyword `changes` set single fields: `load(path, ocr=False)`)."""
    p = Path(path)
    name = str(path)
    if not p.exists():
        raise AnalyserError(name, "no such file")
    if p.is_dir():
        raise AnalyserError(name, "is a directory, not a file")
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise AnalyserError(name, f"file too large ({size // 2**20} MB > {MAX_BYTES // 2**20} MB)")
        with p.open("rb") as fh:  # read to the limit only: a pipe or a device (/dev/zero) has no size
            data = fh.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise AnalyserError(name, f"file too large (> {MAX_BYTES // 2**20} MB)")
    except OSError as exc:
        raise AnalyserError(name, f"cannot read file ({exc.strerror})") from None
    return load_bytes(data, name, options, **changes)


def load_bytes(data: bytes, name: str, options: AnalyseOptions | None = None, **changes: Any) -> SourceDocument:
    options = options_of(options, **changes)
    if not data.strip():
        raise AnalyserError(name, "empty file")
    head = data[:8192]
    suffix = Path(name).suffix.lower()
    for backend in BACKENDS:
        if backend.format != "text" and backend.sniff(head, suffix):
            return backend.load(data, name, options)
    for magic, what in _NOT_YET:
        if head.startswith(magic):
            raise AnalyserError(name, f"{what} input is not supported by the installed backends")
    stripped = ascii_head(head).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith(b"<?xml") or (stripped.startswith(b"<") and suffix == ".xml"):
        # Not ToTA-shaped: let the ToTA backend give the precise reason (malformed, unsafe, not a treaty).
        return TotaBackend().load(data, name, options)
    return TextBackend().load(data, name, options)
