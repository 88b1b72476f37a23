"""DOCX drafts (python-docx): paragraphs in order, the document's own numbering and headings,
and tracked changes and comments reported rather than silently merged.

The text analysed is the draft as it currently reads: insertions included, deletions left out.
The report's warnings say how many insertions, deletions and comments the file carries.
"""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from typing import TYPE_CHECKING, Any

from analyser.errors import AnalyserError
from analyser.ingest.base import sha256
from analyser.model import Block, SourceDocument

if TYPE_CHECKING:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HEADING_STYLE = re.compile(r"^(heading|titre|título|titulo|[uü]berschrift)\s*(\d)", re.I)
ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
         (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def _roman(n: int) -> str:
    out = ""
    for value, sym in ROMAN:
        while n >= value:
            out, n = out + sym, n - value
    return out


def _format(n: int, fmt: str) -> str:
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperLetter":
        return chr(64 + (n - 1) % 26 + 1)
    if fmt == "lowerLetter":
        return chr(96 + (n - 1) % 26 + 1)
    if fmt in {"bullet", "none"}:
        return ""
    return str(n)


class Numbering:
    """Renders Word's automatic numbering ("Article %1", "%1.%2", "(%3)") as the reader sees it."""

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        abstract = {}
        for a in root.findall(f"{W}abstractNum"):
            lv = {}
            for lvl in a.findall(f"{W}lvl"):
                ilvl = int(lvl.get(f"{W}ilvl"))
                fmt = lvl.find(f"{W}numFmt")
                text = lvl.find(f"{W}lvlText")
                start = lvl.find(f"{W}start")
                lv[ilvl] = (fmt.get(f"{W}val") if fmt is not None else "decimal",
                            text.get(f"{W}val") if text is not None else f"%{ilvl + 1}.",
                            int(start.get(f"{W}val")) if start is not None else 1)
            abstract[a.get(f"{W}abstractNumId")] = lv
        for num in root.findall(f"{W}num"):
            ref = num.find(f"{W}abstractNumId")
            if ref is not None:
                self.levels[num.get(f"{W}numId")] = abstract.get(ref.get(f"{W}val"), {})

    def label(self, num_id: str, ilvl: int) -> str:
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, [0] * 9)
        counters[ilvl] = counters[ilvl] + 1 if counters[ilvl] else levels[ilvl][2]
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = 0
        fmt, text, _ = levels[ilvl]
        for lvl in range(ilvl + 1):
            value = counters[lvl] or (levels.get(lvl, ("decimal", "", 1))[2])
            text = text.replace(f"%{lvl + 1}", _format(value, levels.get(lvl, ("decimal",))[0]))
        return text.strip()


def _style_of(p: Paragraph, cache: dict) -> tuple[str, Any]:
    """The paragraph style's name and its numbering, looked up once per style: python-docx
    searches styles.xml on every `Paragraph.style`, which dominated the reading of long drafts."""
    key = p._p.style  # the style id; None for the default paragraph style
    if key not in cache:
        style = p.style
        num_pr = style.element.pPr.numPr if style is not None and style.element.pPr is not None else None
        cache[key] = ((style.name or "") if style is not None else "", num_pr)
    return cache[key]


def _paragraph_text(p: Paragraph, numbering: Numbering, style_num_pr: Any) -> str:
    """The paragraph as it reads, with the list label Word would draw in front of it
    (`style_num_pr`: the numbering that comes with its style)."""
    text = "".join(
        (node.text or "") if node.tag == f"{W}t" else "\t" if node.tag == f"{W}tab" else "\n"
        for node in p._p.iter(f"{W}t", f"{W}tab", f"{W}br")
    )
    num_pr = p._p.pPr.numPr if p._p.pPr is not None else None
    if num_pr is None:
        num_pr = style_num_pr
    if num_pr is not None and num_pr.numId is not None:
        ilvl = num_pr.ilvl.val if num_pr.ilvl is not None else 0
        label = numbering.label(str(num_pr.numId.val), int(ilvl))
        if label:
            text = f"{label} {text}" if not label.endswith((" ", "\t")) else label + text
    return text


def _table_rows(table: Table) -> list[str]:
    """One line per row, cells joined by " | " (a merged cell once): reservation schedules and
    lists of commitments are tables, and their sector and description must stay together."""
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(cell.text.split()))
        if any(cells):
            rows.append(" | ".join(cells))
    return rows


class DocxBackend:
    format = "docx"

    def sniff(self, head: bytes, suffix: str) -> bool:
        return head.startswith(b"PK\x03\x04") and (b"word/" in head or suffix == ".docx")

    def load(self, data: bytes, path: str) -> SourceDocument:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
        from docx.table import Table

        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                parts = set(zf.namelist())
                if "word/document.xml" not in parts:
                    raise AnalyserError(path, "ZIP file is not a Word document (no word/document.xml)")
                comments = zf.read("word/comments.xml").count(b"<w:comment ") if "word/comments.xml" in parts else 0
            document = docx.Document(io.BytesIO(data))
        except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, zlib.error, EOFError, OSError,
                NotImplementedError) as exc:
            raise AnalyserError(path, f"corrupt or truncated DOCX ({type(exc).__name__})") from None
        except Exception as exc:  # lxml raises XMLSyntaxError for broken parts
            if type(exc).__name__ == "XMLSyntaxError":
                raise AnalyserError(path, "corrupt DOCX (malformed XML inside)") from None
            raise
        body = document.element  # parsed once, by python-docx
        insertions, deletions = len(body.xpath(".//w:ins")), len(body.xpath(".//w:del"))
        numbering = Numbering(document)
        styles: dict = {}
        lines: list[str] = []
        for item in document.iter_inner_content():  # paragraphs and tables, in reading order
            if isinstance(item, Table):
                lines += _table_rows(item)
                continue
            style, style_num_pr = _style_of(item, styles)
            if HEADING_STYLE.match(style) and lines and lines[-1] != "":
                lines.append("")  # a heading starts a new block of text
            lines.append(_paragraph_text(item, numbering, style_num_pr))
        text = "\n".join(lines)
        if not text.strip():
            raise AnalyserError(path, "the Word document holds no text")
        warnings = []
        if insertions or deletions:
            warnings.append(f"tracked changes present ({insertions} insertions, {deletions} deletions): analysed as "
                            "the draft currently reads, insertions included and deletions left out")
        if comments:
            warnings.append(f"{comments} comments present; comments are not analysed")
        return SourceDocument(path=path, sha256=sha256(data), format=self.format, blocks=[Block(text=text)],
                              metadata={"tracked_insertions": insertions, "tracked_deletions": deletions,
                                        "comments": comments, "warnings": warnings})
