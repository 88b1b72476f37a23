"""ToTA XML (mappingtreaties/tota): chapters and articles with their identifiers and metadata.

Parsed with defusedxml: DTDs, entity declarations and external references are refused, so an
entity bomb or an external-entity file fails fast with a clear reason instead of expanding.
"""
from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from functools import lru_cache
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from analyser.errors import AnalyserError
from analyser.ingest.base import sha256
from analyser.ingest.text import _BOMS, decode
from analyser.model import Block, SourceDocument
from analyser.options import AnalyseOptions

_META_FIELDS = (
    "name", "type", "wto_rta_id", "treaty_identifier", "status", "notification", "date_signed",
    "date_into_force", "composition", "region", "parties_wto", "crossregional", "language",
)
_XML_START = re.compile(rb"^(\xef\xbb\xbf)?\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!DOCTYPE\s+)?treaty\b", re.S)


# A byte-order mark, or XML without one in UTF-16/32: "<" and NULs in one of these patterns.
_WIDE_STARTS = (*_BOMS, (b"<\x00\x00\x00", "utf-32-le"), (b"\x00\x00\x00<", "utf-32-be"),
                (b"<\x00", "utf-16-le"), (b"\x00<", "utf-16-be"))
_DECLARATION = re.compile(r"^\ufeff?\s*<\?xml\b[^>]*\?>")
_DECLARED = re.compile(rb"^\s*<\?xml[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']")
# Declarations never trusted: UTF-7 can smuggle markup past a byte-level check, and a wide
# encoding declared in ASCII-compatible bytes is a lie.
_UNTRUSTED = {"utf-7", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"}


def _wide_encoding(head: bytes) -> str | None:
    """The encoding a byte-order mark or the NUL pattern of a leading "<" gives away."""
    for start, encoding in _WIDE_STARTS:
        if head.startswith(start):
            return encoding
    return None


def ascii_head(head: bytes) -> bytes:
    """The first bytes as UTF-8, so the ASCII patterns that sniff a format also match UTF-16/32 files."""
    encoding = _wide_encoding(head)
    if encoding is None or encoding == "utf-8-sig":
        return head
    return head.decode(encoding, "ignore").encode("utf-8")


def decode_xml(data: bytes, path: str) -> str:
    """The document as text. Expat reads only a few encodings and fails on an unknown or lying
    declaration, so the bytes are decoded here: by the byte-order mark or NUL pattern, else by
    the declared encoding when Python knows it and the bytes decode with it, else by detection
    (as plain text). The parser then ignores the declaration."""
    encoding = _wide_encoding(data[:4])
    if encoding is not None:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise AnalyserError(path, f"XML in {encoding} by its first bytes does not decode ({exc.reason})") from None
    declared = _DECLARED.match(data[:1024])
    if declared:
        try:
            name = codecs.lookup(declared.group(1).decode("ascii")).name
        except LookupError:
            name = None
        if name and name not in _UNTRUSTED:
            try:
                text = data.decode(name)
            except UnicodeDecodeError:
                text = ""
            if text.lstrip().startswith("<?xml"):  # else a lie (EBCDIC declared in ASCII bytes)
                return text
    return decode(data, path)[0]


@lru_cache(maxsize=1)
def preamble_names() -> frozenset[str]:
    """Chapter names that make a ToTA chapter the preamble: every language's preamble heading."""
    from analyser import lang

    return frozenset(name.lower() for name in lang.merged("headings", "preamble"))


def _outermost(root: Element, tag: str) -> Iterator[Element]:
    """The `tag` elements under `root` that are not inside another one, in document order.
    Nested ones stay in their outer element's text; walking each nested subtree again made
    nesting quadratic in time and memory."""
    stack = [iter(root)]
    while stack:
        el = next(stack[-1], None)
        if el is None:
            stack.pop()
        elif el.tag == tag:
            yield el
        else:
            stack.append(iter(el))


def _clean(s: str | None) -> str:
    return " ".join((s or "").split())


def _heading(el: Element, fallback: str) -> str:
    number, name = _clean(el.get("number")), _clean(el.get("name"))
    if number and name and name.lower() not in number.lower():
        return f"{number.title() if number.isupper() else number} {name}"
    return (number.title() if number.isupper() else number) or name or fallback


class TotaBackend:
    format = "tota-xml"

    def sniff(self, head: bytes, suffix: str) -> bool:
        return bool(_XML_START.match(ascii_head(head[:4096])))

    def load(self, data: bytes, path: str, options: AnalyseOptions = AnalyseOptions()) -> SourceDocument:
        try:
            # The declaration has served (decode_xml read its encoding): dropped, so an odd one
            # (an empty or unknown encoding name) cannot fail the parse.
            root = SafeET.fromstring(_DECLARATION.sub("", decode_xml(data, path), count=1), forbid_dtd=True)
        except DefusedXmlException as exc:
            raise AnalyserError(path, f"unsafe XML refused ({type(exc).__name__}: DTDs and entities are not allowed)") from None
        except ParseError as exc:
            raise AnalyserError(path, f"malformed XML ({exc})") from None
        if root.tag != "treaty" or root.find("body") is None:
            raise AnalyserError(path, "XML is not a ToTA treaty (no <treaty><body>)")
        meta_el = root.find("meta")
        meta: dict = {}
        if meta_el is not None:
            for name in _META_FIELDS:
                value = _clean(meta_el.findtext(name))
                if value:
                    meta[name] = value
            meta["parties"] = [_clean(p.text) for p in meta_el.findall("parties/partyisocode") if p.text]
            meta["parties_original"] = [_clean(p.text) for p in meta_el.findall("parties_original/partyisocode") if p.text]
        blocks: list[Block] = []
        for c_index, chapter in enumerate(_outermost(root.find("body"), "chapter"), 1):
            chapter_heading = _heading(chapter, f"Chapter {c_index}")
            is_preamble = _clean(chapter.get("name")).lower() in preamble_names()
            for a_index, article in enumerate(_outermost(chapter, "article"), 1):
                text = "".join(article.itertext())
                if not text.strip():
                    continue
                article_heading = _heading(article, "Preamble" if is_preamble else f"Article {a_index}")
                heading = [chapter_heading] if is_preamble else [chapter_heading, article_heading]
                blocks.append(Block(
                    text=text.strip("\n"),
                    heading=heading,
                    source_id=article.get("article_identifier"),
                    kind="preamble" if is_preamble else "article",
                ))
        if not blocks:
            raise AnalyserError(path, "ToTA XML has no article text")
        return SourceDocument(path=path, sha256=sha256(data), format=self.format, blocks=blocks, metadata=meta)
