"""HTML (drafts and treaty pages saved from the web): block elements become lines, headings and
ordered-list numbers are kept, scripts and styles dropped. Parsed with BeautifulSoup over the
standard library's parser; nothing is fetched (links, images and styles are ignored)."""
from __future__ import annotations

import re

from analyser.errors import AnalyserError
from analyser.ingest.base import sha256
from analyser.ingest.text import decode
from analyser.model import Block, SourceDocument

BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "br", "section", "article", "blockquote",
          "pre", "dt", "dd", "table", "title", "header", "footer"}
_HTML_START = re.compile(rb"^(\xef\xbb\xbf)?\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title|p|div|h[1-6])\b", re.I | re.S)


class HtmlBackend:
    format = "html"

    def sniff(self, head: bytes, suffix: str) -> bool:
        return bool(_HTML_START.match(head[:4096]))

    def load(self, data: bytes, path: str) -> SourceDocument:
        from bs4 import BeautifulSoup

        text, encoding = decode(data, path)
        soup = BeautifulSoup(text, "html.parser")
        for tag in soup(["script", "style", "noscript", "template", "svg"]):
            tag.decompose()
        title = soup.title.get_text(" ", strip=True) if soup.title else None
        if soup.title:
            soup.title.decompose()
        for ol in soup.find_all("ol"):
            start = int(ol.get("start", 1)) if str(ol.get("start", "1")).isdigit() else 1
            for n, li in enumerate(ol.find_all("li", recursive=False), start):
                li.insert(0, f"{n}. ")
        for tag in soup.find_all(BLOCKS):
            tag.insert_before("\n")
            tag.insert_after("\n")
        lines = [" ".join(line.split()) for line in soup.get_text().splitlines()]
        body = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
        if not body:
            raise AnalyserError(path, "the HTML page holds no text")
        return SourceDocument(path=path, sha256=sha256(data), format=self.format, blocks=[Block(text=body)],
                              metadata={"title": title, "encoding": encoding})
