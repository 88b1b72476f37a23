"""Plain text: detect the encoding (BOMs, UTF-8, then charset-normalizer for legacy code pages)."""
from __future__ import annotations

import codecs
import re

from analyser.errors import AnalyserError
from analyser.ingest.base import sha256
from analyser.model import Block, SourceDocument
from analyser.options import AnalyseOptions

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters that text does not hold (all below 32 but tab, line feed, vertical tab, form
# feed and carriage return).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")
# Share of control characters above which the bytes are junk, not text.
_MAX_CONTROL_SHARE = 0.01


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Return (text, encoding). UTF-8 first since it is strict; legacy pages via charset-normalizer."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise AnalyserError(path, f"text declares {encoding} by its byte-order mark but does not decode ({exc.reason})") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if data.count(b"\x00") > len(data) * _MAX_CONTROL_SHARE:
        raise AnalyserError(path, "binary data, not text (no supported format recognised)")
    from charset_normalizer import from_bytes  # only for legacy code pages: its import costs every run 30-80 ms

    best = from_bytes(data).best()
    if best is None:
        raise AnalyserError(path, "binary data, not text (no supported format recognised)")
    encoding = best.encoding
    # cp1252 is a superset of Latin-1 for printable text; prefer it for Western European files.
    if encoding in {"latin_1", "iso8859_15"}:
        encoding = "cp1252"
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        return str(best), best.encoding


def check_is_text(text: str, path: str) -> None:
    if not text.strip():
        raise AnalyserError(path, "the file holds no text")
    controls = len(_CONTROL.findall(text))  # in C: a Python loop took seconds on a long text
    if controls > max(3, len(text) * _MAX_CONTROL_SHARE):
        raise AnalyserError(path, "binary data, not text (no supported format recognised)")


class TextBackend:
    format = "text"

    def sniff(self, head: bytes, suffix: str) -> bool:
        return True  # the fall-back: anything that decodes as text

    def load(self, data: bytes, path: str, options: AnalyseOptions = AnalyseOptions()) -> SourceDocument:
        text, encoding = decode(data, path)
        check_is_text(text, path)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return SourceDocument(
            path=path,
            sha256=sha256(data),
            format=self.format,
            blocks=[Block(text=text)],
            metadata={"encoding": encoding},
        )
