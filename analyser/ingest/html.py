"""HTML (drafts and treaty pages saved from the web): block elements become lines, headings and
ordered-list numbers are kept, scripts and styles dropped. Parsed with BeautifulSoup over the
standard library's parser; nothing is fetched (links, images and styles are ignored)."""
from __future__ import annotations

import re
from typing import Any

from analyser.errors import AnalyserError
from analyser.ingest.base import sha256
from analyser.ingest.text import decode
from analyser.model import Block, SourceDocument
from analyser.options import AnalyseOptions

BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "br", "section", "article", "blockquote",
          "pre", "dt", "dd", "table", "title", "header", "footer"}
_HTML_START = re.compile(rb"^(\xef\xbb\xbf)?\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title|p|div|h[1-6])\b", re.I | re.S)


# Elements a page may hold: the parsed tree costs about 1.3 KB per element, so this keeps a page's
# tree near 500 MB (the largest real treaty pages hold tens of thousands).
MAX_ELEMENTS = 400_000
_TAG = re.compile(r"<[A-Za-z]")
MAX_OL_START_DIGITS = 9  # a longer <ol start> is not a list number (and int() of 5,000 digits is refused)


def _ol_start(value: object) -> int:
    """The first number of an ordered list; 1 when `start` is missing or not plain ASCII digits
    ("²" passes str.isdigit but int() refuses it)."""
    text = str(value or "").strip()
    if text.isascii() and text.isdigit() and len(text) <= MAX_OL_START_DIGITS:
        return int(text)
    return 1


def _block_text(soup, labels: dict[int, str]) -> str:
    """The page's text with a line break around every block element and the list numbers in
    front of list items: one walk over the tree with an explicit stack (no recursion, so deep
    nesting is fine), instead of inserting strings into the tree, which rescanned it per element."""
    from bs4.element import NavigableString, Tag

    types = soup.interesting_string_types
    out: list[str] = []
    stack: list[Any] = [iter(soup.contents)]
    closers: list[str] = [""]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
            out.append(closers.pop())
            continue
        if isinstance(node, Tag):
            block = node.name in BLOCKS
            if block:
                out.append("\n")
            out.append(labels.get(id(node), ""))
            stack.append(iter(node.contents))
            closers.append("\n" if block else "")
        elif isinstance(node, NavigableString):
            if (type(node) is types) if isinstance(types, type) else (types is None or type(node) in types):
                out.append(str(node))
    return "".join(out)


class HtmlBackend:
    format = "html"

    def sniff(self, head: bytes, suffix: str) -> bool:
        return bool(_HTML_START.match(head[:4096]))

    def load(self, data: bytes, path: str, options: AnalyseOptions = AnalyseOptions()) -> SourceDocument:
        from bs4 import BeautifulSoup

        text, encoding = decode(data, path)
        elements = sum(1 for _ in _TAG.finditer(text))
        if elements > MAX_ELEMENTS:
            raise AnalyserError(path, f"HTML page too large ({elements:,} elements > {MAX_ELEMENTS:,}, the limit)")
        soup = BeautifulSoup(text, "html.parser")
        for tag in soup(["script", "style", "noscript", "template", "svg"]):
            tag.decompose()
        title = soup.title.get_text(" ", strip=True) if soup.title else None
        if soup.title:
            soup.title.decompose()
        labels: dict[int, str] = {}  # id(li) -> the number its <ol> draws in front of it
        for ol in soup.find_all("ol"):
            for n, li in enumerate(ol.find_all("li", recursive=False), _ol_start(ol.get("start"))):
                labels[id(li)] = f"{n}. "
        text = _block_text(soup, labels)
        lines = [" ".join(line.split()) for line in text.splitlines()]
        body = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
        if not body:
            raise AnalyserError(path, "the HTML page holds no text")
        return SourceDocument(path=path, sha256=sha256(data), format=self.format, blocks=[Block(text=body)],
                              metadata={"title": title, "encoding": encoding})
