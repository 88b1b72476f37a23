"""A PDF page rendered as an image with the findings drawn at their boxes (for the UI).

Boxes are in PDF points with the origin at the bottom-left; images have it at the top-left,
so y is flipped. Rendering is local (pypdfium2); nothing leaves the machine.
"""
from __future__ import annotations

from typing import Iterable

from analyser.report.pdf import LABEL_COLOURS


def render_page(pdf_bytes: bytes, page_no: int, highlights: Iterable[tuple[str, list[list[float]]]],
                scale: float = 1.5):
    """PIL image of page `page_no` (1-based) with each (label, boxes) drawn in the label's colour."""
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        page = pdf[page_no - 1]
        height = page.get_size()[1]
        image = page.render(scale=scale).to_pil().convert("RGBA")
    finally:
        pdf.close()
    overlay = image.copy()
    draw = ImageDraw.Draw(overlay)
    for label, boxes in highlights:
        colour = tuple(int(LABEL_COLOURS.get(label, "ffd700")[i:i + 2], 16) for i in (0, 2, 4))
        for x0, y0, x1, y1 in boxes:
            rect = (x0 * scale - 1, (height - y1) * scale - 1, x1 * scale + 1, (height - y0) * scale + 1)
            draw.rectangle(rect, fill=colour + (90,), outline=colour + (255,), width=2)
    from PIL import Image

    return Image.alpha_composite(image, overlay).convert("RGB")
