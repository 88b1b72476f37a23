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
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from analyser.errors import AnalyserError
from analyser.ingest.base import sha256
from analyser.model import AnalysisWarning, Block, SourceDocument
from analyser.options import AnalyseOptions

if TYPE_CHECKING:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Word names its heading styles in the language of its user interface, which need not be the
# document's: German Words' "Überschrift 2" is recognised with the supported languages' names
# (analyser/lang/<code>/documents.yaml).
OTHER_UI_HEADING_STYLES = ["[uü]berschrift"]


@lru_cache(maxsize=1)
def heading_style() -> re.Pattern[str]:
    from analyser import lang

    names = lang.merged("documents", "word_heading_styles") + OTHER_UI_HEADING_STYLES
    return re.compile(r"^(" + "|".join(names) + r")\s*(\d)", re.I)
ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
         (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)  # no Roman numeral (and no million-letter string for a huge start value)
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


def _int(value: object, default: int | None) -> int | None:
    """A small decimal attribute, or `default` when it is missing, not a number or absurdly long."""
    text = str(value).strip() if value is not None else ""
    if text.lstrip("-").isascii() and text.lstrip("-").isdigit() and len(text) <= 9:
        return int(text)
    return default


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
                ilvl = _int(lvl.get(f"{W}ilvl"), None)
                if ilvl is None or not 0 <= ilvl < 9:
                    continue  # a level without a valid number cannot be referred to
                fmt = lvl.find(f"{W}numFmt")
                text = lvl.find(f"{W}lvlText")
                start = lvl.find(f"{W}start")
                lv[ilvl] = (fmt.get(f"{W}val") if fmt is not None else "decimal",
                            (text.get(f"{W}val") or "") if text is not None else f"%{ilvl + 1}.",
                            _int(start.get(f"{W}val"), 1) if start is not None else 1)
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
        ilvl = _int(num_pr.ilvl.get(f"{W}val"), 0) if num_pr.ilvl is not None else 0
        raw_id = num_pr.numId.get(f"{W}val")
        num_id = _int(raw_id, None)
        label = numbering.label(str(num_id) if num_id is not None else str(raw_id), ilvl)
        if label:
            text = f"{label} {text}" if not label.endswith((" ", "\t")) else label + text
    return text


def _cell_text(cell: Any) -> str:
    """A cell's paragraphs, those inside content controls (w:sdt) included."""
    from docx.text.paragraph import Paragraph

    return "\n".join(Paragraph(p, cell).text for p in cell._tc.xpath("./w:p | ./w:sdt/w:sdtContent/w:p"))


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
            cells.append(" ".join(_cell_text(cell).split()))
        if any(cells):
            rows.append(" | ".join(cells))
    return rows


# Uncompressed sizes a DOCX may declare: python-docx reads every part into memory and parses the
# XML ones (lxml takes several times the XML's size), so a small zip of a 1 GB part would take
# gigabytes. Real treaty drafts stay far below.
MAX_PART_BYTES = 100 * 2**20
MAX_TOTAL_BYTES = 300 * 2**20


def _check_sizes(infos: list[zipfile.ZipInfo], path: str) -> None:
    """Refuse a decompression bomb before anything is inflated (zipfile stops reading a part at
    its declared size, so the declared sizes bound the work)."""
    for info in infos:
        if info.file_size > MAX_PART_BYTES:
            raise AnalyserError(path, f"DOCX part {info.filename[:80]} too large when decompressed "
                                      f"({info.file_size // 2**20} MB > {MAX_PART_BYTES // 2**20} MB, the limit)")
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_BYTES:
        raise AnalyserError(path, f"DOCX too large when decompressed ({total // 2**20} MB > "
                                  f"{MAX_TOTAL_BYTES // 2**20} MB, the limit)")


def _inner_content(document) -> Iterator[Any]:
    """The body's paragraphs and tables in reading order, including those inside block-level
    content controls (w:sdt), which python-docx's iter_inner_content skips."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    parent = document._body
    stack = [iter(document.element.body)]
    while stack:
        el = next(stack[-1], None)
        if el is None:
            stack.pop()
        elif el.tag == f"{W}p":
            yield Paragraph(el, parent)
        elif el.tag == f"{W}tbl":
            yield Table(el, parent)
        elif el.tag == f"{W}sdt":
            content = el.find(f"{W}sdtContent")
            if content is not None:
                stack.append(iter(content))


class DocxBackend:
    format = "docx"

    def sniff(self, head: bytes, suffix: str) -> bool:
        return head.startswith(b"PK\x03\x04") and (b"word/" in head or suffix == ".docx")

    def load(self, data: bytes, path: str, options: AnalyseOptions = AnalyseOptions()) -> SourceDocument:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
        from docx.table import Table

        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                infos = zf.infolist()
                parts = {info.filename for info in infos}
                if "word/document.xml" not in parts:
                    raise AnalyserError(path, "ZIP file is not a Word document (no word/document.xml)")
                if any(info.flag_bits & 0x1 for info in infos):
                    raise AnalyserError(path, "encrypted DOCX (password-protected parts cannot be read)")
                _check_sizes(infos, path)
                comments = zf.read("word/comments.xml").count(b"<w:comment ") if "word/comments.xml" in parts else 0
            document = docx.Document(io.BytesIO(data))
        except AnalyserError:
            raise
        except RecursionError:  # before RuntimeError, its base class
            raise AnalyserError(path, "corrupt DOCX (parts nested too deeply)") from None
        except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, zlib.error, EOFError, OSError,
                NotImplementedError, RuntimeError) as exc:
            raise AnalyserError(path, f"corrupt or truncated DOCX ({type(exc).__name__})") from None
        except Exception as exc:  # noqa: BLE001 - a damaged package fails anywhere inside python-docx and lxml
            if type(exc).__name__ == "XMLSyntaxError" and "Excessive depth" in str(exc):
                # libxml2 refuses elements nested over 256 deep (tables in tables, content controls)
                raise AnalyserError(path, "DOCX elements nested too deeply (over 256 levels, the XML parser's limit)") from None
            if type(exc).__name__ == "XMLSyntaxError":
                raise AnalyserError(path, "corrupt DOCX (malformed XML inside)") from None
            if isinstance(exc, (AttributeError, TypeError, LookupError)):
                # Damaged relationships or [Content_Types].xml: python-docx meets None where a part should be.
                raise AnalyserError(path, f"corrupt DOCX (damaged package structure: {type(exc).__name__})") from None
            raise
        body = document.element  # parsed once, by python-docx
        insertions, deletions = len(body.xpath(".//w:ins")), len(body.xpath(".//w:del"))
        numbering = Numbering(document)
        styles: dict = {}
        lines: list[str] = []
        for item in _inner_content(document):  # paragraphs and tables, in reading order
            if isinstance(item, Table):
                lines += _table_rows(item)
                continue
            style, style_num_pr = _style_of(item, styles)
            if heading_style().match(style) and lines and lines[-1] != "":
                lines.append("")  # a heading starts a new block of text
            lines.append(_paragraph_text(item, numbering, style_num_pr))
        text = "\n".join(lines)
        if not text.strip():
            raise AnalyserError(path, "the Word document holds no text")
        warnings: list[AnalysisWarning] = []
        if insertions or deletions:
            warnings.append(AnalysisWarning("ingest", f"tracked changes present ({insertions} insertions, {deletions} "
                                                      "deletions): analysed as the draft currently reads, insertions "
                                                      "included and deletions left out"))
        if comments:
            warnings.append(AnalysisWarning("ingest", f"{comments} comments present; comments are not analysed"))
        return SourceDocument(path=path, sha256=sha256(data), format=self.format, blocks=[Block(text=text)],
                              metadata={"tracked_insertions": insertions, "tracked_deletions": deletions,
                                        "comments": comments}, warnings=warnings)
