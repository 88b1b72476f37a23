"""ToTA XML (mappingtreaties/tota): chapters and articles with their identifiers and metadata.

Parsed with defusedxml: DTDs, entity declarations and external references are refused, so an
entity bomb or an external-entity file fails fast with a clear reason instead of expanding.
"""
from __future__ import annotations

import re
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from analyser.errors import AnalyserError
from analyser.ingest.base import sha256
from analyser.model import Block, SourceDocument

_META_FIELDS = (
    "name", "type", "wto_rta_id", "treaty_identifier", "status", "notification", "date_signed",
    "date_into_force", "composition", "region", "parties_wto", "crossregional", "language",
)
_XML_START = re.compile(rb"^(\xef\xbb\xbf)?\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!DOCTYPE\s+)?treaty\b", re.S)


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
        return bool(_XML_START.match(head[:4096]))

    def load(self, data: bytes, path: str) -> SourceDocument:
        try:
            root = SafeET.fromstring(data, forbid_dtd=True)
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
        for c_index, chapter in enumerate(root.find("body").iter("chapter"), 1):
            chapter_heading = _heading(chapter, f"Chapter {c_index}")
            is_preamble = _clean(chapter.get("name")).lower() in {"preamble", "préambule", "preámbulo"}
            for a_index, article in enumerate(chapter.iter("article"), 1):
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
