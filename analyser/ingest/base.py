"""The small contract every input backend keeps (after docling's abstract backend).

A backend says whether it recognises some bytes (`sniff`) and turns them into a
`SourceDocument` (`load`). Detection is by content, so a misnamed file still goes to the
right backend.
"""
from __future__ import annotations

import hashlib
from typing import Protocol

from analyser.model import SourceDocument
from analyser.options import AnalyseOptions


class Backend(Protocol):
    format: str

    def sniff(self, head: bytes, suffix: str) -> bool:
        """True when these first bytes (and, as a weak hint, the suffix) are this format."""

    def load(self, data: bytes, path: str, options: AnalyseOptions = AnalyseOptions()) -> SourceDocument:
        """Parse the whole file with the caller's options (the PDF engine, OCR); raise
        AnalyserError with a one-line reason on bad input."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
