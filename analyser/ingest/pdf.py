"""PDF backend: text with pages and boxes, cleaned of the layout that real treaty PDFs carry.

Engines (one interface, `engine=`):
- `pdfium` (default): pypdfium2's text layer, ~600+ pages/s; pdfium marks a hyphen that ends a
  line with U+FFFE (U+0002 in older builds) and glues the next line to it; the clean-up decides
  whether the hyphen divided a word or belongs to a compound (`HyphenResolver`). Boxes come from
  pdfium's per-character boxes.
- `pdfplumber`: pdfminer's layout analysis with `use_text_flow`; much slower, kept selectable
  for PDFs whose content stream order is poor. Each page is closed after use (memory).

Clean-up, engine-independent: running headers and footers (lines repeated at the top or bottom
of many pages, found by repetition, not by fixed strings) and page numbers are dropped; tables of
contents are skipped; ligatures and letter-spaced headings ("A rticle 6") are normalised;
pages without a text layer are reported by number. The page numbers dropped from the headers and
footers (or the PDF's own page labels) give each page its printed label (`page_labels`).

Coordinates: PDF user space in points, origin at the page's bottom-left corner, y upwards;
a box is [x0, y0, x1, y1]. Page numbers are 1-based as a viewer shows them.
"""
from __future__ import annotations

import math
import re
import shutil
import subprocess
import tempfile
from array import array
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

from analyser.errors import AnalyserError, library_quiet
from analyser.ingest.base import sha256
from analyser.model import AnalysisWarning, Block, SourceDocument
from analyser.options import AnalyseOptions

MAX_PAGES = 5000  # a longer PDF is refused with a clear reason (time and memory stay bounded)
# Bounds against bombs and generated junk (memory stays under 1 GB). Measured on the non-held-out
# PDFs of corpora/ and ../shared/corpora/pdf (11 files, 2,000 pages): the largest non-image stream
# inflates to 557 KB, the busiest page holds 6,949 objects and 7,065 characters.
# A non-image FlateDecode stream inflating beyond this is refused before any engine inflates it
# (pdfium keeps ~15 bytes per content byte for the page and ~90 per character for its text).
MAX_STREAM_BYTES = 4 * 2**20
MAX_PAGE_OBJECTS = 50_000  # objects on one page, counted before pdfium builds its text
MAX_PAGE_CHARS = 200_000  # characters on one page
# Pages may share one content stream, so the per-page bounds alone allow 5,000 x 200,000
# characters from a 300 KB file (16 GB were seen). Both engines keep every page's characters
# until the layout is closed (~110 bytes each in all, measured), so the document's characters and
# objects are bounded too. The corpus' largest: 873k characters (510 pages), 128k objects. At the
# limit, pdfium's read peaks at 0.55 GB; pdfplumber keeps ~4x more per character, and slower.
MAX_DOC_CHARS = 4_000_000
MAX_DOC_CHARS_PLUMBER = 1_000_000
MAX_DOC_OBJECTS = 1_000_000
# pdfplumber interprets a page in Python (~400 bytes per character): its decoded content is capped first.
MAX_PAGE_CONTENT_BYTES = 2 * 2**20
OCR_TIMEOUT_S = 600
MIN_TEXT_CHARS = 25
# A text layer is garbage (bad OCR) when many of its words carry impossible character mixes
# ("Union=Discipline", "!‘Act:ord", "o0t"). Only prose pages are judged (enough words per line):
# tables and tariff schedules mix digits and letters legitimately. Chosen on the non-held-out
# PDFs of corpora/: the scanned ordinance scores 0.027-0.078, every prose page of the others <= 0.019.
GARBAGE_MIN_SHARE = 0.025
GARBAGE_MIN_WORDS_PER_LINE = 7
GARBAGE_MIN_WORDS = 30
_LETTER = re.compile(r"[A-Za-zÀ-ÿ]")
_ODD_WORD = re.compile(r"[A-Za-zÀ-ÿ][^A-Za-zÀ-ÿ\s'’\-.,;:()\"«»/][A-Za-zÀ-ÿ]|[|!=&@#~^{}\[\]<>]|[a-zà-ÿ][A-Z]|[0-9][a-zA-Z]{2}|[a-zA-Z][0-9][a-zA-Z]")  # a page with fewer non-space characters has no usable text layer
HEADER_LINES = 2  # lines at the top and at the bottom of a page that may be running headers/footers
HEADER_MIN_SHARE = 0.3  # a running header repeats on at least this share of pages (and 2 pages)
LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
# Markers that never reach the document text: pdfium's older soft line-end hyphen (U+0002), the
# soft hyphen (U+00AD, a division point) and the replacement character (U+FFFD, a glyph without a
# Unicode mapping: dropped and reported). pdfium's U+FFFE (a hyphen ending a line) is resolved
# word by word (`HyphenResolver`).
DROPPED = {"\x02": "", "\u00ad": "", "\ufffd": ""}
LINE_END_HYPHEN = "\ufffe"
_SPECIAL = re.compile("[" + re.escape("".join([*LIGATURES, *DROPPED, LINE_END_HYPHEN])) + "]")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_DIVIDED = re.compile(r"[\w-]*\ufffe[\w-]*")


@dataclass(frozen=True)
class PageWords:
    """The patterns built from every language's page-furniture words (analyser/lang/<code>/documents.yaml)."""

    toc_headings: re.Pattern[str]  # a table of contents' heading on a line of its own
    page_number: re.Pattern[str]  # a header or footer line that is only a page number ("Page 27 of 80")
    page_word: re.Pattern[str]  # "Page " before the number
    of_total: re.Pattern[str]  # " of 80" after it
    spaced_keyword: re.Pattern[str]  # a letter-spaced heading keyword ("A rticle 6")
    ocr_languages: str  # Tesseract's language packs ("eng+fra+spa")
    ocr_packages: str  # the Debian packages to install for them (English comes with Tesseract)


@lru_cache(maxsize=1)
def page_words() -> PageWords:
    from analyser import lang

    page = "|".join(lang.merged("documents", "page_words"))
    of = "|".join(["/", *lang.merged("documents", "page_of_words")])
    spaced = "|".join(alt for word in lang.merged("documents", "spaced_headings") for alt in (word[1:], word[1:].upper()))
    tesseract = [lang.language_data(code).meta["tesseract"] for code in lang.SUPPORTED
                 if lang.language_data(code).meta.get("tesseract")]
    return PageWords(
        toc_headings=re.compile(r"^\s*(" + "|".join(lang.merged("documents", "toc_headings")) + r")\s*$", re.I),
        page_number=re.compile(
            r"^\W*(?:" + page + r")?\s*(?:[0-9]{1,4}|[ivxlcdm]{1,7}|[0-9]{1,2}[A-Z]?\s*[-–]\s*[0-9]{1,4})"
            r"(?:\s*(?:" + of + r")\s*[0-9]{1,4})?\W*$", re.I),
        page_word=re.compile(r"(?i)^\W*(?:" + page + r")\s*"),
        of_total=re.compile(r"(?i)\s*(?:" + of + r")\s*[0-9]{1,4}\W*$"),
        spaced_keyword=re.compile(r"^([ \t]*)([A-ZÁÉÍÓÚ]) ((?:" + spaced + r")\w*)"),
        ocr_languages="+".join(tesseract),
        ocr_packages=" ".join(f"tesseract-ocr-{t}" for t in tesseract if t != "eng"),
    )


@dataclass
class Page:
    """One page's text as the engine gives it, and how to find a character's box."""

    number: int
    text: str
    char_box: Callable[[int], tuple[float, float, float, float] | None]
    has_images: bool = False
    font_size: Callable[[int], float] | None = None
    unreadable: bool = False
    label: str | None = None  # the PDF's own page label (/PageLabels), when it defines one


@dataclass
class OpenPdf:
    """pdfium's open document and the pages and text pages opened from it (closed in reverse)."""

    pdf: Any
    opened: list[Any] = field(default_factory=list)

    def close(self) -> None:
        for obj in reversed(self.opened):
            obj.close()
        self.pdf.close()


@dataclass
class PdfLayout:
    """Maps offsets in the extracted document text back to pages and boxes."""

    page_of: array  # per character of the document text: 1-based page, 0 for inserted characters
    index_of: array  # per character: index into that page's characters, -1 for inserted ones
    pages: list[Page] = field(repr=False)
    handle: list[OpenPdf | None] = field(default_factory=list, repr=False)  # the engines' open documents, for box look-ups
    main_end: int = 0  # the body text ends here; footnotes follow
    footnotes: list[tuple[int, int, int]] = field(default_factory=list)  # (start, end, page)
    page_labels: list[str | None] = field(default_factory=list)  # printed page label per PDF page
    page_labels_from: str | None = None  # "pdf" (the catalogue's /PageLabels) or "printed" (headers/footers)

    def close(self) -> None:
        """Release the engine's pages and documents once no more boxes are needed."""
        close_handles(self.handle)
        self.handle = []

    def __enter__(self) -> PdfLayout:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def pages_for(self, start: int, end: int) -> list[int]:
        return sorted({p for p in self.page_of[start:end] if p})

    def boxes_for(self, start: int, end: int) -> list[list[float]]:
        """[x0, y0, x1, y1] per line of the span, merged from character boxes (never across pages)."""
        out: list[tuple[int, list[float]]] = []
        for pos in range(start, min(end, len(self.page_of))):
            page_no, idx = self.page_of[pos], self.index_of[pos]
            if not page_no or idx < 0:
                continue
            box = self.pages[page_no - 1].char_box(idx)
            if box is None or box[2] - box[0] <= 0:
                continue
            x0, y0, x1, y1 = box
            if out and out[-1][0] == page_no:
                last = out[-1][1]
                overlap = min(last[3], y1) - max(last[1], y0)
                if overlap > 0.5 * min(last[3] - last[1], y1 - y0) and x0 >= last[0] - 1:
                    last[0], last[1] = min(last[0], x0), min(last[1], y0)
                    last[2], last[3] = max(last[2], x1), max(last[3], y1)
                    continue
            out.append((page_no, [x0, y0, x1, y1]))
        return [[round(v, 2) for v in b] for _, b in out]


# --- columns -------------------------------------------------------------------------------

COLUMN_MIN_SHARE = 0.3  # each column holds at least this share of the page's text segments
COLUMN_MAX_SPANNING = 0.15  # at most this share of segments may cross the gutter (titles)
MAX_PAGE_WIDTH = 14_400.0  # points (200 in, the PDF 1.7 limit without UserUnit): wider is not a page of prose


GUTTER_MIN_GAP = 10.0  # points of white space between the columns on (nearly) every row
PROSE_MIN_FILL = 0.6  # a column's typical row is at least this share of the column width (tables are not)


def find_gutter(segments: list[tuple[float, float, float, float]], width: float) -> float | None:
    """The x of the gap between two columns of prose, or None (one column, or a table).

    `segments` are boxes of text runs (pdfium's text rectangles, or words). Rows are grouped by
    height; on a two-column page nearly every row has a wide gap at the same x near the middle,
    few rows cross it, and each side's rows fill their column as running text does. A page wider
    than any real one, or with no finite width, is read as one column: the search is bounded by
    the width, and a 1e9-point MediaBox must not make it endless. Boxes without finite
    coordinates are left out.
    """
    if not (0 < width <= MAX_PAGE_WIDTH):  # also false for NaN
        return None
    import numpy as np  # here, not at import: the cold path (`analyser --version`) stays light

    segments = [sg for sg in segments if all(map(math.isfinite, sg))]
    if len(segments) < 8:
        return None
    rows: dict[int, list[tuple[float, float, float, float]]] = {}
    for seg in segments:
        rows.setdefault(int((seg[1] + seg[3]) / 2 // 4), []).append(seg)
    mid = width / 2
    candidates = mid + np.arange(-int(width * 0.1), int(width * 0.1) + 1, 4, dtype=np.float64)
    # rows crossing each candidate x, all candidates at once: (segments x candidates), then any() per row
    order = [sg for r in rows.values() for sg in r]
    starts = np.cumsum([0] + [len(r) for r in rows.values()])[:-1]
    boxes = np.asarray(order, dtype=np.float64)
    inside = (boxes[:, :1] < candidates) & (candidates < boxes[:, 2:3])
    crossing = np.logical_or.reduceat(inside, starts, axis=0).sum(axis=0)
    allowed = crossing <= COLUMN_MAX_SPANNING * len(rows)
    if not allowed.any():
        return None
    best_index = int(np.flatnonzero(crossing == crossing[allowed].min())[0])
    best = (float(candidates[best_index]), int(crossing[best_index]))
    gutter = best[0]
    both, gaps = 0, 0
    left_rows, right_rows = [], []
    for r in rows.values():
        lefts = [sg for sg in r if sg[2] <= gutter]
        rights = [sg for sg in r if sg[0] >= gutter]
        if lefts:
            left_rows.append(max(sg[2] for sg in lefts) - min(sg[0] for sg in lefts))
        if rights:
            right_rows.append(max(sg[2] for sg in rights) - min(sg[0] for sg in rights))
        if lefts and rights:
            both += 1
            gaps += min(sg[0] for sg in rights) - max(sg[2] for sg in lefts) >= GUTTER_MIN_GAP
    if len(left_rows) < COLUMN_MIN_SHARE * len(rows) or len(right_rows) < COLUMN_MIN_SHARE * len(rows):
        return None
    if both and gaps < 0.9 * both:
        return None
    left_width = gutter - min(sg[0] for sg in segments)
    right_width = max(sg[2] for sg in segments) - gutter
    median = lambda xs: sorted(xs)[len(xs) // 2]  # noqa: E731
    if median(left_rows) < PROSE_MIN_FILL * left_width or median(right_rows) < PROSE_MIN_FILL * right_width:
        return None
    return gutter


def column_order(text: str, box: Callable[[int], tuple[float, float, float, float] | None], gutter: float) -> tuple[str, list[int]]:
    """Re-read a two-column page: the left column, then the right one, each in its own order.

    Returns the new text and, for each of its characters, the index of the original character
    (-1 for a line break inserted at a column switch). Lines that cross the gutter (a title over
    both columns) stay with the left column, in order.
    """
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\r\n]+", text)]
    columns: list[list[tuple[int, int]]] = [[], []]
    for start, end in lines:
        sides = []
        for i in range(start, end):
            b = box(i)
            if b is None or b[2] - b[0] <= 0:
                sides.append(None)
                continue
            sides.append(0 if (b[0] + b[2]) / 2 < gutter else 1)
        known = [s for s in sides if s is not None]
        if known and all(s == known[0] for s in known):
            columns[known[0]].append((start, end))
            continue
        # Split the merged line where it changes side; characters without a box follow their predecessor.
        current, run_start = None, start
        for offset, side in enumerate(sides):
            side = current if side is None else side
            if current is not None and side != current:
                columns[current].append((run_start, start + offset))
                run_start = start + offset
            current = side
        columns[current if current is not None else 0].append((run_start, end))
    out: list[str] = []
    index: list[int] = []
    for col in columns:
        for s, e in col:
            piece = text[s:e].strip(" ")
            if not piece:
                continue
            lead = len(text[s:e]) - len(text[s:e].lstrip(" "))
            out.append(piece)
            index.extend(range(s + lead, s + lead + len(piece)))
            out.append("\n")
            index.append(-1)
    return "".join(out), index


# --- engines -------------------------------------------------------------------------------

_STREAM = re.compile(rb"stream\r?\n")
_IMAGE = re.compile(rb"/Subtype\s*/Image")
_NOT_CONTENT = re.compile(rb"/Length[123]\b|/Subtype\s*/(?!Form\b)")  # fonts, images, metadata, ICC...


def check_streams(data: bytes, path: str) -> None:
    """Refuse a PDF with a FlateDecode stream that inflates beyond MAX_STREAM_BYTES, or an
    uncompressed content stream beyond it, before any engine reads it whole. Each stream is inflated in 1 MB steps and the output dropped, so
    this costs time linear in the inflated size and no memory."""
    import zlib

    pos = 0
    while True:
        m = _STREAM.search(data, pos)
        if m is None:
            return
        start = m.end()
        end = data.find(b"endstream", start)
        end = len(data) if end < 0 else end
        pos = max(end, start)
        head = data[max(0, m.start() - 1024):m.start()]
        head = head[head.rfind(b"obj") + 1:]  # this object's dictionary only
        if b"Flate" not in head:
            # a page's content not compressed: pdfium parses all of it when the page opens, before
            # its objects can be counted (a 42 MB stream of paths took 0.98 GB)
            if end - start > MAX_STREAM_BYTES and not _NOT_CONTENT.search(head):
                raise AnalyserError(path, f"PDF content stream too large ({end - start:,} bytes > "
                                          f"{MAX_STREAM_BYTES // 2**20} MB, the limit): a generated file")
            continue
        if _IMAGE.search(head):
            continue
        inflater, total, chunk = zlib.decompressobj(), 0, data[start:end]
        try:
            while chunk and not inflater.eof:
                out = len(inflater.decompress(chunk, 2**20))
                if not out and inflater.unconsumed_tail == chunk:
                    break  # no progress: damaged data
                total += out
                if total > MAX_STREAM_BYTES:
                    raise AnalyserError(path, f"PDF stream too large when decompressed (> {MAX_STREAM_BYTES // 2**20} MB, "
                                              "the limit): a decompression bomb or a generated file")
                chunk = inflater.unconsumed_tail
        except zlib.error:
            continue  # not Flate after all, or damaged: the engine decides


def _too_many_chars(path: str, number: int, count: int) -> AnalyserError:
    return AnalyserError(path, f"page {number} holds too much text ({count:,} characters > {MAX_PAGE_CHARS:,}, the limit)")


class _Budget:
    """The document's characters and objects so far, refused past MAX_DOC_CHARS or MAX_DOC_OBJECTS."""

    def __init__(self, path: str, max_chars: int = MAX_DOC_CHARS) -> None:
        self.path, self.max_chars, self.chars, self.objects = path, max_chars, 0, 0

    def add(self, number: int, chars: int, objects: int = 0) -> None:
        self.chars += chars
        self.objects += objects
        if self.chars > self.max_chars:
            raise AnalyserError(self.path, f"too much text (over {self.max_chars:,} characters by page {number}, "
                                           "the limit); split the file")
        if self.objects > MAX_DOC_OBJECTS:
            raise AnalyserError(self.path, f"too many objects (over {MAX_DOC_OBJECTS:,} by page {number}, "
                                           "the limit); split the file")


def _open_pdfium(data: bytes, path: str, password: str | None = None) -> Any:
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg:
            raise AnalyserError(path, "encrypted PDF: a password is needed to read it") from None
        raise AnalyserError(path, f"corrupt or truncated PDF ({exc})") from None


def _remapped(fn: Callable[[int], Any], index: list[int], missing: Any = None) -> Callable[[int], Any]:
    return lambda pos: fn(index[pos]) if index[pos] >= 0 else missing


def _skipped(number: int) -> Page:
    """A page the caller did not ask for (`only`): nothing opened, nothing read."""
    return Page(number=number, text="", char_box=lambda j: None)


def _in_column_order(text: str, char_box: Callable, font_size: Callable, gutter: float | None):
    """The page text read column by column, with its per-character look-ups remapped to match."""
    if gutter is None:
        return text, char_box, font_size
    text, index = column_order(text, char_box, gutter)
    return text, _remapped(char_box, index), _remapped(font_size, index, 0.0)


def pdfium_pages(data: bytes, path: str, only: set[int] | None = None) -> tuple[list[Page], OpenPdf]:
    """Every page, or only the page numbers in `only` (the others are empty placeholders)."""
    pdf = _open_pdfium(data, path)
    n_pages = len(pdf)
    if n_pages > MAX_PAGES:
        pdf.close()
        raise AnalyserError(path, f"too many pages ({n_pages} > {MAX_PAGES}); split the file")
    opened: list[Any] = []
    try:
        return _pdfium_read(pdf, opened, only, path), OpenPdf(pdf, opened)  # open until the layout is closed: boxes are read from them
    except BaseException:  # a time limit or a library error mid-way: free what is open
        close_handles([OpenPdf(pdf, opened)])
        raise


def _pdfium_read(pdf: Any, opened: list[Any], only: set[int] | None, path: str) -> list[Page]:
    import pypdfium2.raw as raw

    import pypdfium2 as pdfium

    pages = []
    budget = _Budget(path)
    for i in range(len(pdf)):
        if only is not None and i + 1 not in only:
            pages.append(_skipped(i + 1))
            continue
        try:
            page = pdf[i]
            opened.append(page)
            objects = raw.FPDFPage_CountObjects(page.raw)
            if objects > MAX_PAGE_OBJECTS:
                raise AnalyserError(path, f"page {i + 1} holds too many objects ({objects:,} > {MAX_PAGE_OBJECTS:,}, the limit)")
            textpage = page.get_textpage()
            opened.append(textpage)
            chars = textpage.count_chars()
            if chars > MAX_PAGE_CHARS:
                raise _too_many_chars(path, i + 1, chars)
            budget.add(i + 1, chars, objects)
            text = textpage.get_text_range()
        except pdfium.PdfiumError:
            # A damaged page: kept as an empty, unreadable page; the others are still analysed.
            pages.append(Page(number=i + 1, text="", char_box=lambda j: None, unreadable=True))
            continue
        has_images = False
        if len(text.strip()) < MIN_TEXT_CHARS:
            has_images = any(obj.type == raw.FPDF_PAGEOBJ_IMAGE for obj in page.get_objects(max_depth=2))

        def pdf_box(idx: int, _tp=textpage) -> tuple[float, float, float, float] | None:
            left, bottom, right, top = _tp.get_charbox(idx, loose=True)  # font box, as viewers highlight
            return (left, bottom, right, top)

        def pdf_font_size(idx: int, _tp=textpage) -> float:
            return float(raw.FPDFText_GetFontSize(_tp.raw, idx))

        label = pdf.get_page_label(i) or None
        width = page.get_size()[0]
        gutter = find_gutter([textpage.get_rect(j) for j in range(textpage.count_rects())], width) if text.strip() else None
        text, char_box, font_size = _in_column_order(text, pdf_box, pdf_font_size, gutter)
        pages.append(Page(number=i + 1, text=text, char_box=char_box, has_images=has_images, font_size=font_size,
                          label=label))
    return pages


def _pdfminer_reason(exc: BaseException) -> str:
    """The one-line reason for a PDF pdfminer cannot open (pdfplumber wraps its exceptions)."""
    inner = exc.args[0] if type(exc).__name__ == "PdfminerException" and exc.args else exc
    name = type(inner).__name__ if isinstance(inner, BaseException) else type(exc).__name__
    if "Password" in name or "Encrypt" in name or "encrypt" in str(inner).lower():
        return "encrypted PDF: a password is needed to read it"
    if isinstance(inner, RecursionError):
        return "corrupt PDF (objects refer to themselves)"
    return f"corrupt or truncated PDF ({name})"


def _content_bytes(page_obj: Any) -> int:
    """Decoded size of a page's content streams (pdfminer would interpret them in Python)."""
    from pdfminer.pdftypes import resolve1

    return sum(len(resolve1(stream).get_data()) for stream in page_obj.contents)


def pdfplumber_pages(data: bytes, path: str, only: set[int] | None = None) -> tuple[list[Page], None]:
    """Every page, or only the page numbers in `only` (the others are empty placeholders)."""
    with library_quiet("pdfminer"):
        return _pdfplumber_pages(data, path, only)


def _pdfplumber_pages(data: bytes, path: str, only: set[int] | None) -> tuple[list[Page], None]:
    import io
    import itertools

    import pdfplumber
    from pdfminer.pdfpage import PDFPage

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many types on damaged files; all mean "cannot open"
        raise AnalyserError(path, _pdfminer_reason(exc)) from None
    try:
        try:
            # Counted lazily first: pdfplumber would make a Page for each of a 100,000-page tree.
            counted = sum(1 for _ in itertools.islice(PDFPage.create_pages(pdf.doc), MAX_PAGES + 1))
            if counted > MAX_PAGES:
                raise AnalyserError(path, f"too many pages (> {MAX_PAGES}); split the file")
            n = len(pdf.pages)
        except AnalyserError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise AnalyserError(path, _pdfminer_reason(exc)) from None
        pages = []
        labels = _pdfminer_labels(pdf, n)
        budget = _Budget(path, MAX_DOC_CHARS_PLUMBER)
        for i in range(n):
            if only is not None and i + 1 not in only:
                pages.append(_skipped(i + 1))
                continue
            try:
                page = _pdfplumber_page(pdf.pages[i], i + 1, path, labels[i], budget)
            except AnalyserError:
                raise
            except Exception:  # noqa: BLE001 - a damaged page: kept as unreadable, the others are still analysed
                page = Page(number=i + 1, text="", char_box=lambda j: None, unreadable=True, label=labels[i])
            pages.append(page)
    finally:
        _close_plumber(pdf)
    return pages, None


def _close_plumber(pdf: Any) -> None:
    """Close without letting pdfplumber parse the page tree again (its close() walks every page,
    which raises again on the file that just failed)."""
    pdf.__dict__.setdefault("_pages", [])
    try:
        pdf.close()
    except Exception:  # noqa: BLE001 - closing a damaged file must not hide the real reason
        pass


def _pdfplumber_page(page: Any, number: int, path: str, label: str | None = None, budget: _Budget | None = None) -> Page:
    """One page read with pdfplumber, its content size and character count checked first."""
    try:
        size = _content_bytes(page.page_obj)
        if size > MAX_PAGE_CONTENT_BYTES:
            raise AnalyserError(path, f"page {number} content too large ({size:,} bytes > "
                                      f"{MAX_PAGE_CONTENT_BYTES:,}, the limit for --pdf-engine pdfplumber)")
        if len(page.chars) > MAX_PAGE_CHARS:
            raise _too_many_chars(path, number, len(page.chars))
        if budget is not None:
            budget.add(number, len(page.chars))
        return _plumber_read(page, label)
    finally:
        page.close()  # pdfplumber keeps every parsed page in memory otherwise


def _plumber_read(page: Any, label: str | None = None) -> Page:
    """The page's words in text-flow order, one box and font size per character."""
    height = float(page.height)
    words = page.extract_words(use_text_flow=True, return_chars=True)
    parts: list[str] = []
    boxes: list[tuple[float, float, float, float] | None] = []
    sizes: list[float] = []
    last_top = None
    for w in words:
        if last_top is not None:
            sep = "\n" if abs(w["top"] - last_top) > 2 else " "
            parts.append(sep)
            boxes.append(None)
            sizes.append(0.0)
        for ch in w["chars"]:
            parts.append(ch["text"])
            boxes.extend([(ch["x0"], height - ch["bottom"], ch["x1"], height - ch["top"])] * len(ch["text"]))
            sizes.extend([float(ch.get("size", 0.0))] * len(ch["text"]))
        last_top = w["top"]
    has_images = bool(page.images) if len(words) < 5 else False
    text = "".join(parts)
    word_boxes = [(w["x0"], height - w["bottom"], w["x1"], height - w["top"]) for w in words]
    gutter = find_gutter(word_boxes, float(page.width))
    text, char_box, font_size = _in_column_order(text, boxes.__getitem__, sizes.__getitem__, gutter)
    return Page(number=page.page_number, text=text, char_box=char_box, has_images=has_images, font_size=font_size,
                label=label)


def _pdfminer_labels(pdf: Any, n: int) -> list[str | None]:
    """The catalogue's page labels through pdfminer (an endless generator: cut at the page count)."""
    from itertools import islice

    try:
        labels = [str(label) or None for label in islice(pdf.doc.get_page_labels(), n)]
    except Exception:  # no /PageLabels, or a malformed one: the printed numbers are used instead
        return [None] * n
    return labels + [None] * (n - len(labels))


ENGINES = {"pdfium": pdfium_pages, "pdfplumber": pdfplumber_pages}


# --- clean-up ------------------------------------------------------------------------------

def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line of a page text (CRLF or LF)."""
    spans, start = [], 0
    for m in re.finditer(r"\r\n|\n|\r", text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        # pdfium glues the line after a line-end hyphen to it, even when that line is the page's
        # footer ("Contract\ufffe27"): the word goes on elsewhere, the footer is a line of its own.
        base = s
        for m in re.finditer(LINE_END_HYPHEN, text[base:e]) if LINE_END_HYPHEN in text[base:e] else ():
            cut = base + m.end()
            if cut < e and not text[cut].isalpha():
                out.append((s, cut))
                s = cut
        out.append((s, e))
    return [(s, e) for s, e in out if text[s:e].strip()]


def _key(line: str) -> str:
    """Lines that differ only in their numbers share a key ("Page 3 of 9"), except headings:
    "Article 21" and "Article 24" at the top of two pages are not a running header."""
    from analyser.text import grammar

    text = " ".join(line.lower().split())
    return text if grammar().heading.match(line.strip()) else re.sub(r"\d+", "#", text)


def running_lines(pages: list[Page], line_spans: list[list[tuple[int, int]]]) -> set[str]:
    """Keys of lines that repeat at the top or bottom of many pages: running headers and footers."""
    counts: Counter[str] = Counter()
    for page, spans in zip(pages, line_spans):
        edge = spans[:HEADER_LINES] + spans[-HEADER_LINES:]
        counts.update({_key(page.text[s:e]) for s, e in edge})
    threshold = max(2, HEADER_MIN_SHARE * len(pages))
    return {k for k, n in counts.items() if n >= threshold and k.strip("# ")}


FOOTNOTE_START = re.compile(r"^\s*(?:\(?[0-9]{1,3}\)?|[*†‡]+)(?:\s|$|[A-Za-z“\"(])")
FOOTNOTE_SIZE_RATIO = 0.9  # footnotes are set smaller than the page's body text


def _line_size(page: Page, start: int, end: int) -> float:
    """Font size of a line: the largest of its first few visible characters (markers are smaller)."""
    if page.font_size is None:
        return 0.0
    sizes = []
    for i in range(start, min(end, start + 12)):
        if not page.text[i].isspace():
            sizes.append(page.font_size(i))  # a call into pdfium: only for the 4 characters used
            if len(sizes) == 4:
                break
    return max(sizes, default=0.0)


def split_footnotes(page: Page, spans: list[tuple[int, int]]) -> tuple[list[tuple[int, int]], list[list[tuple[int, int]]]]:
    """Body lines and footnotes (each a list of lines) of a page: the run of smaller-type lines
    at the bottom of the page that opens with a footnote marker."""
    if page.font_size is None or len(spans) < 3:
        return spans, []
    sizes = [_line_size(page, s, e) for s, e in spans]
    body_size = sorted(sizes)[len(sizes) // 2]
    i = len(spans)
    while i > 0 and 0 < sizes[i - 1] < FOOTNOTE_SIZE_RATIO * body_size:
        i -= 1
    zone = spans[i:]
    if not zone or i == 0 or not FOOTNOTE_START.match(page.text[zone[0][0]:zone[0][1]]):
        return spans, []
    notes: list[list[tuple[int, int]]] = []
    for s, e in zone:
        if FOOTNOTE_START.match(page.text[s:e]) or not notes:
            notes.append([(s, e)])
        else:
            notes[-1].append((s, e))
    return spans[:i], notes


def is_garbage(lines: list[str]) -> bool:
    """True for a prose page whose text layer is mostly recognition noise."""
    tokens = [t for line in lines for t in line.split()]
    words = [t for t in tokens if _LETTER.search(t)]
    if len(words) < GARBAGE_MIN_WORDS or len(tokens) / max(1, len(lines)) < GARBAGE_MIN_WORDS_PER_LINE:
        return False
    return sum(1 for w in words if _ODD_WORD.search(w)) / len(words) >= GARBAGE_MIN_SHARE


def _is_toc(page: Page, spans: list[tuple[int, int]]) -> bool:
    toc = page_words().toc_headings
    return any(toc.match(page.text[s:e]) for s, e in spans[:4])


class HyphenResolver:
    """Decides, for each U+FFFE that pdfium leaves where a line ended on a hyphen, whether the
    hyphen was a typesetter's division ("marchan-dises" -> "marchandises") or part of a compound
    ("non-originating"): first from the document's own words, then by the rules in
    data/hyphenation.yaml."""

    def __init__(self, texts: list[str]) -> None:
        self.words: set[str] = set()
        self.compounds: set[str] = set()
        for text in texts:
            for w in _WORD.findall(_DIVIDED.sub(" ", text)):  # the divided words themselves are not evidence
                if "-" in w:
                    self.compounds.add(w.lower())
                else:
                    self.words.add(w.lower())
        self.prefixes = _hyphenation()["prefixes"]

    def __call__(self, left: str, right: str) -> str:
        """"-" to keep the hyphen between the halves `left` and `right`, "" to join them."""
        if not left or not right or not right[0].isalpha():
            return "-"
        joined, compound = (left + right).lower(), f"{left}-{right}".lower()
        if compound in self.compounds and joined not in self.words:
            return "-"
        if joined in self.words:
            return ""
        if right[0].isupper() or left.lower() in self.prefixes:
            return "-"
        if min(len(left), len(right)) >= 3 and left.lower() in self.words and right.lower() in self.words:
            return "-"  # two words of the document ("fire-extinguishers"), not two fragments ("marchan", "dises")
        return ""

    def line(self, text: str, start: int, end: int, next_line: str = "") -> dict[int, str]:
        """Replacements (page character index -> "-" or "") for the markers in text[start:end]."""
        out: dict[int, str] = {}
        pos = text.find(LINE_END_HYPHEN, start, end)
        while pos >= 0:
            left = re.search(r"[^\W\d_]*$", text[start:pos]).group(0)
            after = text[pos + 1:end] if pos + 1 < end else next_line.lstrip()
            right = re.match(r"[^\W_]*", after).group(0)
            out[pos] = self(left, right)
            pos = text.find(LINE_END_HYPHEN, pos + 1, end)
        return out


@lru_cache(maxsize=1)
def _hyphenation() -> dict[str, Any]:
    from pathlib import Path

    from analyser.datafile import load_yaml

    spec = load_yaml(Path(__file__).resolve().parent.parent / "data" / "hyphenation.yaml")
    return {"prefixes": frozenset(p.lower() for p in spec["compound_prefixes"])}


@dataclass
class _TextBuilder:
    parts: list[str] = field(default_factory=list)
    page_of: array = field(default_factory=lambda: array("H"))
    index_of: array = field(default_factory=lambda: array("i"))
    dropped: list[int] = field(default_factory=list)  # pages that held U+FFFD

    def add(self, text: str, page: int, start: int, hyphens: dict[int, str] | None = None) -> None:
        """Copy page text [start, start+len(text)) with its character indices, fixing ligatures,
        dropping markers and resolving line-end hyphens (`hyphens`: page index -> replacement)."""
        if not _SPECIAL.search(text):  # no ligature, marker or line-end hyphen: copied whole
            self.parts.append(text)
            self.page_of.extend([page] * len(text))
            self.index_of.extend(range(start, start + len(text)))
            return
        for i, ch in enumerate(text):
            if ch == "\ufffd":
                self.dropped.append(page)
            if ch == LINE_END_HYPHEN:
                rep = (hyphens or {}).get(start + i, "-")
            else:
                rep = LIGATURES.get(ch, DROPPED.get(ch, ch))
            self.parts.append(rep)
            self.page_of.extend([page] * len(rep))
            self.index_of.extend([start + i] * len(rep))

    def insert(self, text: str) -> None:
        self.parts.append(text)
        self.page_of.extend([0] * len(text))
        self.index_of.extend([-1] * len(text))


def clean(pages: list[Page]) -> tuple[str, PdfLayout, dict[str, list[int]]]:
    """Document text, its layout map, and the page numbers of each kind of skipped page."""
    line_spans = [_lines(p.text) for p in pages]
    running = running_lines(pages, line_spans)
    skipped: dict[str, list[int]] = {"no_text_layer": [], "blank": [], "table_of_contents": [], "low_quality_text": [],
                                     "unreadable": []}
    b = _TextBuilder()
    hyphen = HyphenResolver([p.text for p in pages]) if any(LINE_END_HYPHEN in p.text for p in pages) else None
    footnotes: list[tuple[int, list[tuple[int, int]]]] = []
    body: list[tuple[Page, list[tuple[int, int]]]] = []  # pages analysed and their body lines
    printed: dict[int, str] = {}  # page number -> the page number printed in its header or footer
    in_toc = False
    for page, spans in zip(pages, line_spans):
        if page.unreadable:
            skipped["unreadable"].append(page.number)
            continue
        non_space = sum(len(page.text[s:e].strip()) for s, e in spans)
        if non_space < MIN_TEXT_CHARS:
            skipped["no_text_layer" if page.has_images else "blank"].append(page.number)
            continue
        edge = set(spans[:HEADER_LINES] + spans[-HEADER_LINES:])
        kept = []
        for s, e in spans:
            line = page.text[s:e]
            if (s, e) in edge and page_words().page_number.match(line):
                printed.setdefault(page.number, line)
            elif not ((s, e) in edge and _key(line) in running):
                kept.append((s, e))
        if _is_toc(page, spans) or (in_toc and _looks_like_toc_continuation(page, spans)):
            skipped["table_of_contents"].append(page.number)
            in_toc = True
            continue
        in_toc = False
        kept, notes = split_footnotes(page, kept)
        if is_garbage([page.text[s:e] for s, e in kept]):
            skipped["low_quality_text"].append(page.number)  # analysed, but flagged
        footnotes += [(page.number, note) for note in notes]
        body.append((page, kept))
    for k, (page, kept) in enumerate(body):
        following = ""  # the next page's first line: a word divided at the page's end goes on there
        if k + 1 < len(body) and body[k + 1][1]:
            first = body[k + 1][1][0]
            following = body[k + 1][0].text[first[0]:first[1]]
        divided = False
        for j, (s, e) in enumerate(kept):
            line = page.text[s:e]
            next_line = page.text[kept[j + 1][0]:kept[j + 1][1]] if j + 1 < len(kept) else following
            hyphens = hyphen.line(page.text, s, e, next_line) if hyphen else None
            m = page_words().spaced_keyword.match(line)
            if m:  # "A rticle 6" -> "Article 6": copy around the stray space
                cut = s + m.start(3) - 1
                b.add(page.text[s:cut], page.number, s, hyphens)
                b.add(page.text[cut + 1:e], page.number, cut + 1, hyphens)
            else:
                b.add(line, page.number, s, hyphens)
            divided = line.rstrip(" ").endswith(("\x02", "\u00ad", LINE_END_HYPHEN))
            if not divided:  # a word divided at the line end goes on: no line break
                b.insert("\n")
        if not divided:
            b.insert("\n")
    main_end = len(b.page_of)  # one entry per character of the text so far
    # Footnotes follow the body as their own blocks, separated as the structure stage joins blocks.
    note_spans: list[tuple[int, int, int]] = []
    for page_no, lines in footnotes:
        b.insert("\n\n")
        start = len(b.page_of)
        page = pages[page_no - 1]
        for j, (s, e) in enumerate(lines):
            if j:
                b.insert("\n")
            b.add(page.text[s:e], page_no, s, hyphen.line(page.text, s, e) if hyphen else None)
        note_spans.append((start, len(b.page_of), page_no))
    text = "".join(b.parts)
    layout = PdfLayout(page_of=b.page_of, index_of=b.index_of, pages=pages)
    layout.main_end, layout.footnotes = main_end, note_spans
    layout.page_labels, layout.page_labels_from = page_labels(pages, printed)
    skipped["unmapped_glyphs"] = sorted(set(b.dropped))
    return text, layout, skipped


_PRINTED = re.compile(r"^(?P<prefix>(?:[0-9]{1,2}[A-Z]?\s*[-–]\s*)?)(?P<value>[0-9]{1,4})$")


def _printed_value(line: str) -> tuple[str, int] | None:
    """The page number a header or footer line prints, as (prefix, value): "27", "- 27 -" and
    "Page 27 of 80" give ("", 27); a chapter-page number "3A-47" gives ("3A-", 47)."""
    words = page_words()
    core = words.page_word.sub("", line.strip(), count=1)
    core = words.of_total.sub("", core, count=1).strip(" -–—·.()[]")
    m = _PRINTED.match(core)
    return (re.sub(r"\s", "", m.group("prefix")), int(m.group("value"))) if m else None


def page_labels(pages: list[Page], printed: dict[int, str]) -> tuple[list[str | None], str | None]:
    """The label a reader cites for each PDF page, and where it comes from.

    The PDF's own page labels win, unless they merely count the pages from 1 (what many
    exporters write by default). Otherwise the page numbers printed in the running headers or
    footers: a printed number is trusted when a page one or two away prints the number that
    follows from it (same prefix, same offset), so a stray "5" at the foot of a page is not a page
    number; pages between two trusted pages of the same run (a full-page table without a footer)
    get the number that falls to them. Numbering may restart (each protocol from 1, each chapter
    "3-1"). None: no label for that page.
    """
    n = len(pages)
    own = [p.label for p in pages]
    if any(own) and own != [str(i + 1) for i in range(n)]:
        return own, "pdf"
    values = {no: v for no, line in printed.items() if (v := _printed_value(line)) is not None}
    runs = {no: (prefix, value - no) for no, (prefix, value) in values.items()}
    trusted = sorted(no for no, run in runs.items() if any(runs.get(no + d) == run for d in (-2, -1, 1, 2)))
    if not trusted:
        return [None] * n, None
    labels: list[str | None] = [None] * n
    for no in trusted:
        labels[no - 1] = f"{values[no][0]}{values[no][1]}"
    for a, b in zip(trusted, trusted[1:]):
        if runs[a] == runs[b]:
            prefix, offset = runs[a]
            for no in range(a + 1, b):
                labels[no - 1] = f"{prefix}{no + offset}"
    return labels, "printed"


def _looks_like_toc_continuation(page: Page, spans: list[tuple[int, int]]) -> bool:
    from analyser.text import grammar

    heading = grammar().heading
    lines = [page.text[s:e] for s, e in spans]
    hits = sum(1 for l in lines if heading.match(l.strip()) or re.search(r"\.{4,}\s*\d+\s*$", l))
    return hits >= 0.6 * len(lines)


def _ranges(numbers: list[int]) -> str:
    out, i = [], 0
    while i < len(numbers):
        j = i
        while j + 1 < len(numbers) and numbers[j + 1] == numbers[j] + 1:
            j += 1
        out.append(str(numbers[i]) if i == j else f"{numbers[i]}-{numbers[j]}")
        i = j + 1
    return ", ".join(out)


def ocr_available() -> bool:
    return shutil.which("ocrmypdf") is not None


def run_ocr(data: bytes, path: str, pages: list[int]) -> bytes:
    """OCR these pages locally with OCRmyPDF/Tesseract (eng+fra+spa); the rest is left untouched.
    Works in a private temporary folder that is removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="analyser-ocr-") as tmp:
        src, dst = f"{tmp}/in.pdf", f"{tmp}/out.pdf"
        with open(src, "wb") as fh:
            fh.write(data)
        cmd = ["ocrmypdf", "--skip-text", "--optimize", "0", "--output-type", "pdf", "-l", page_words().ocr_languages,
               "--pages", ",".join(map(str, pages)), "-q", src, dst]
        try:
            subprocess.run(cmd, capture_output=True, timeout=OCR_TIMEOUT_S, check=True)
        except subprocess.TimeoutExpired:
            raise AnalyserError(path, f"OCR of pages {_ranges(pages)} took longer than {OCR_TIMEOUT_S} s") from None
        except subprocess.CalledProcessError as exc:
            last = (exc.stderr or b"").decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
            raise AnalyserError(path, f"OCR failed on pages {_ranges(pages)}: {last[0][:200]}") from None
        with open(dst, "rb") as fh:
            return fh.read()


def close_handles(handles: list[OpenPdf | None]) -> None:
    """Close what the engines left open (pdfplumber leaves nothing: None)."""
    for handle in handles:
        if handle is not None:
            handle.close()


class PdfBackend:
    format = "pdf"

    def sniff(self, head: bytes, suffix: str) -> bool:
        return b"%PDF-" in head[:1024]

    def load(self, data: bytes, path: str, options: AnalyseOptions = AnalyseOptions()) -> SourceDocument:
        """The PDF read with the options' engine, OCRing scanned pages when `options.ocr`."""
        if options.pdf_engine not in ENGINES:
            raise ValueError(f"unknown PDF engine {options.pdf_engine!r}; choose one of {sorted(ENGINES)}")
        check_streams(data, path)
        pages, handle = ENGINES[options.pdf_engine](data, path)
        handles = [handle]  # kept open for box look-ups; closed here if the PDF is refused
        try:
            return self._load(data, path, pages, handles, options)
        except BaseException:
            close_handles(handles)
            raise

    def _load(self, data: bytes, path: str, pages: list[Page], handles: list[OpenPdf | None],
              options: AnalyseOptions) -> SourceDocument:
        if not pages:
            raise AnalyserError(path, "PDF has no pages")
        text, layout, skipped = clean(pages)
        warnings: list[AnalysisWarning] = []

        def warn(pages: list[int], line: str) -> None:
            warnings.append(AnalysisWarning("ingest", line, tuple(pages)))

        ocr_pages: list[int] = []
        if skipped["no_text_layer"] and options.ocr and ocr_available():
            ocr_pages = skipped["no_text_layer"]
            ocr_data = run_ocr(data, path, ocr_pages)
            wanted = set(ocr_pages)
            ocr_read, ocr_handle = ENGINES[options.pdf_engine](ocr_data, path, only=wanted)
            handles.append(ocr_handle)
            pages = [ocr_read[p.number - 1] if p.number in wanted else p for p in pages]
            text, layout, skipped = clean(pages)
            warn(ocr_pages, f"pages {_ranges(ocr_pages)} had no text layer and were OCRed locally "
                            f"({page_words().ocr_languages}); their text may contain recognition errors")
        layout.handle = handles
        if skipped["no_text_layer"]:
            listed = _ranges(skipped["no_text_layer"])
            hint = ("OCR found no text on them" if ocr_pages else
                    f"install the OCR extra (Debian: apt-get install ocrmypdf {page_words().ocr_packages}) to read them")
            if not text.strip():
                raise AnalyserError(path, f"no text layer on any page (scanned pages {listed}); {hint}")
            warn(skipped["no_text_layer"], f"pages without a text layer were not analysed (scans: {listed}); {hint}")
        if not text.strip():
            raise AnalyserError(path, "the PDF holds no text")
        if skipped.get("unmapped_glyphs"):
            warn(skipped["unmapped_glyphs"], "characters without a Unicode mapping were dropped on pages "
                 f"{_ranges(skipped['unmapped_glyphs'])}: words there may be incomplete")
        if skipped["unreadable"]:
            warn(skipped["unreadable"], f"damaged pages could not be read: {_ranges(skipped['unreadable'])}")
        if skipped["low_quality_text"]:
            warn(skipped["low_quality_text"], f"low-quality text layer (bad OCR) on pages {_ranges(skipped['low_quality_text'])}: "
                 "findings there may be missed or garbled; OCR the scan again")
        if skipped["table_of_contents"]:
            warn(skipped["table_of_contents"], f"table of contents skipped: pages {_ranges(skipped['table_of_contents'])}")
        blocks = [Block(text=text[:layout.main_end])]
        for n, (start, end, page_no) in enumerate(layout.footnotes, 1):
            marker = re.match(r"\s*\(?([0-9]{1,3}|[*†‡]+)", text[start:end])
            label = marker.group(1) if marker else str(n)
            blocks.append(Block(text=text[start:end], heading=[f"Footnote {label} (page {page_no})"],
                                kind="footnote", page=page_no))
        return SourceDocument(
            path=path, sha256=sha256(data), format=self.format, blocks=blocks,
            metadata={"pdf_engine": options.pdf_engine, "skipped_pages": {k: v for k, v in skipped.items() if v and k != "unmapped_glyphs"},
                      "ocr_pages": ocr_pages, "low_quality_pages": skipped["low_quality_text"]},
            pages=len(pages), layout=layout, warnings=warnings,
        )
