"""Build PDFs from real treaty text for the tests: one or two columns, running headers, page numbers."""
from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

FONT, SIZE, LEADING = "Helvetica", 9, 11


def _wrap(text: str, width: float) -> list[str]:
    lines: list[str] = []
    for para in text.split("\n"):
        words, line = para.split(), ""
        for w in words:
            cand = f"{line} {w}".strip()
            if stringWidth(cand, FONT, SIZE) <= width:
                line = cand
            else:
                lines.append(line)
                line = w
        lines.append(line)
    return lines


def build_pdf(path: Path, blocks: list[str], columns: int = 1, header: str | None = None) -> Path:
    """Write `blocks` (headings and paragraphs, in reading order) as a PDF.

    Text is latin-1 only (Helvetica); callers pass real treaty text in EN/FR/ES.
    """
    width, height = A4
    margin, gap = 50, 20
    col_width = (width - 2 * margin - gap * (columns - 1)) / columns
    c = canvas.Canvas(str(path), pagesize=A4)
    page, col, y = 1, 0, height - margin - 20

    def new_page() -> None:
        nonlocal page, col, y
        c.setFont(FONT, 8)
        c.drawCentredString(width / 2, 30, str(page))
        c.showPage()
        page, col, y = page + 1, 0, height - margin - 20
        draw_header()

    def draw_header() -> None:
        if header:
            c.setFont(FONT, 8)
            c.drawString(margin, height - margin + 5, header)

    draw_header()
    for block in blocks:
        for line in _wrap(block, col_width) + [""]:
            if y < margin + 20:
                if col + 1 < columns:
                    col, y = col + 1, height - margin - 20
                else:
                    new_page()
            c.setFont(FONT, SIZE)
            c.drawString(margin + col * (col_width + gap), y, line)
            y -= LEADING
    c.setFont(FONT, 8)
    c.drawCentredString(width / 2, 30, str(page))
    c.save()
    return path
