"""Build PDFs from real treaty text for the tests: one or two columns, running headers, page numbers,
words divided at line ends as typesetters do, page labels, and gazette issues (a ratification law
followed by the treaty it ratifies, in two columns)."""
from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

FONT, SIZE, LEADING = "Helvetica", 9, 11


def _wrap(text: str, width: float, hyphenate: bool = False) -> list[str]:
    """Lines of at most `width` points; a "\n" in `text` forces a break (a title printed on two
    lines). With `hyphenate`, a long word that does not fit is divided with a hyphen, as justified
    gazette columns do ("marchan-" / "dises"), which pdfium reports with its U+FFFE marker."""
    lines: list[str] = []
    for para in text.split("\n"):
        words, line = para.split(), ""
        for w in words:
            cand = f"{line} {w}".strip()
            if stringWidth(cand, FONT, SIZE) <= width:
                line = cand
                continue
            if hyphenate and len(w) >= 8 and w.isalpha():
                cut = max((k for k in range(3, len(w) - 2)
                           if stringWidth(f"{line} {w[:k]}-".strip(), FONT, SIZE) <= width), default=0)
                if cut:
                    lines.append(f"{line} {w[:cut]}-".strip())
                    line = w[cut:]
                    continue
            lines.append(line)
            line = w
        lines.append(line)
    return lines


def build_pdf(path: Path, blocks: list[str], columns: int = 1, header: str | None = None,
              interleave: bool = False, hyphenate: bool = False, first_number: int = 1,
              page_labels: list[dict] | None = None) -> Path:
    """Write `blocks` (headings and paragraphs, in reading order) as a PDF.

    Text is latin-1 only (Helvetica); callers pass real treaty text in EN/FR/ES. With
    `interleave`, a two-column page is drawn row by row across both columns, as some gazettes'
    content streams are, so that extraction in stream order would mix the columns.
    The footer prints `first_number` on the first page and counts on (a gazette issue whose
    pages continue the volume's numbering); `page_labels` are written to the PDF's catalogue
    (reportlab `addPageLabel` keyword arguments: pageNum, style, start, prefix).
    """
    if interleave:
        return _build_interleaved(path, blocks, header)
    width, height = A4
    margin, gap = 50, 20
    col_width = (width - 2 * margin - gap * (columns - 1)) / columns
    c = canvas.Canvas(str(path), pagesize=A4)
    page, col, y = 1, 0, height - margin - 20

    def new_page() -> None:
        nonlocal page, col, y
        c.setFont(FONT, 8)
        c.drawCentredString(width / 2, 30, str(page + first_number - 1))
        c.showPage()
        page, col, y = page + 1, 0, height - margin - 20
        draw_header()

    def draw_header() -> None:
        if header:
            c.setFont(FONT, 8)
            c.drawString(margin, height - margin + 5, header)

    draw_header()
    for block in blocks:
        for line in _wrap(block, col_width, hyphenate) + [""]:
            if y < margin + 20:
                if col + 1 < columns:
                    col, y = col + 1, height - margin - 20
                else:
                    new_page()
            c.setFont(FONT, SIZE)
            c.drawString(margin + col * (col_width + gap), y, line)
            y -= LEADING
    c.setFont(FONT, 8)
    c.drawCentredString(width / 2, 30, str(page + first_number - 1))
    for label in page_labels or []:
        c.addPageLabel(**label)
    c.save()
    return path


def _build_interleaved(path: Path, blocks: list[str], header: str | None) -> Path:
    width, height = A4
    margin, gap = 50, 20
    col_width = (width - 2 * margin - gap) / 2
    lines = [line for block in blocks for line in _wrap(block, col_width) + [""]]
    rows = int((height - 2 * margin - 20) // LEADING)
    c = canvas.Canvas(str(path), pagesize=A4)
    page = 1
    for start in range(0, len(lines), 2 * rows):
        if header:
            c.setFont(FONT, 8)
            c.drawString(margin, height - margin + 5, header)
        left, right = lines[start:start + rows], lines[start + rows:start + 2 * rows]
        c.setFont(FONT, SIZE)
        for i in range(rows):  # row by row: left line, then right line
            y = height - margin - 20 - i * LEADING
            if i < len(left):
                c.drawString(margin, y, left[i])
            if i < len(right):
                c.drawString(margin + col_width + gap, y, right[i])
        c.setFont(FONT, 8)
        c.drawCentredString(width / 2, 30, str(page))
        c.showPage()
        page += 1
    c.save()
    return path
