"""A PDF page rendered as an image with the findings drawn at their boxes (for the UI).

Boxes are in PDF user-space points (origin bottom-left of the unrotated page). pdfium maps them
to image pixels exactly as it renders, so crop boxes and /Rotate pages are drawn right.
Rendering is local (pypdfium2); nothing leaves the machine.
"""
from __future__ import annotations

import ctypes
from typing import Iterable

from analyser.report.pdf import LABEL_COLOURS


SEARCH_COLOUR = (0, 90, 255)  # search hits: a blue underline box, apart from every label colour
FOCUS_COLOUR = (220, 0, 0)  # the finding jumped to: a red frame around its evidence


def search_boxes(pdf_bytes: bytes, page_no: int, query: str) -> list[list[float]]:
    """Boxes (PDF points) of every case-insensitive occurrence of `query` on the page, one per line."""
    import pypdfium2 as pdfium

    if not query.strip():
        return []
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        textpage = pdf[page_no - 1].get_textpage()
        searcher = textpage.search(query, match_case=False)
        boxes = []
        while (hit := searcher.get_next()) is not None:
            index, count = hit
            for i in range(textpage.count_rects(index, count)):
                boxes.append(list(textpage.get_rect(i)))
        return boxes
    finally:
        pdf.close()


def render_page(pdf_bytes: bytes, page_no: int, highlights: Iterable[tuple[str, list[list[float]]]],
                scale: float = 1.5, search: Iterable[list[float]] = (), focus: Iterable[list[float]] = ()):
    """PIL image of page `page_no` (1-based) with each (label, boxes) drawn in the label's colour,
    search hits boxed in blue and the evidence of the finding jumped to (`focus`) framed in red."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        page = pdf[page_no - 1]
        image = page.render(scale=scale).to_pil().convert("RGBA")
        rects = [(label, _device_rect(page, image.size, box)) for label, boxes in highlights for box in boxes]
        hits = [_device_rect(page, image.size, box) for box in search]
        framed = [_device_rect(page, image.size, box) for box in focus]
    finally:
        pdf.close()
    overlay = image.copy()
    draw = ImageDraw.Draw(overlay)
    for label, (x0, y0, x1, y1) in rects:
        colour = tuple(int(LABEL_COLOURS.get(label, "ffd700")[i:i + 2], 16) for i in (0, 2, 4))
        draw.rectangle((x0 - 1, y0 - 1, x1 + 1, y1 + 1), fill=colour + (90,), outline=colour + (255,), width=2)
    for x0, y0, x1, y1 in hits:
        draw.rectangle((x0 - 2, y0 - 2, x1 + 2, y1 + 2), fill=SEARCH_COLOUR + (60,), outline=SEARCH_COLOUR + (255,), width=2)
    for x0, y0, x1, y1 in framed:
        draw.rectangle((x0 - 4, y0 - 4, x1 + 4, y1 + 4), outline=FOCUS_COLOUR + (255,), width=4)
    return Image.alpha_composite(image, overlay).convert("RGB")


def _device_rect(page, size: tuple[int, int], box: list[float]) -> tuple[int, int, int, int]:
    """The box's corners through pdfium's page-to-device transform (the one rendering used)."""
    import pypdfium2.raw as raw

    x0, y0, x1, y1 = box
    xs, ys = [], []
    for x, y in ((x0, y0), (x1, y1)):
        dx, dy = ctypes.c_int(), ctypes.c_int()
        raw.FPDF_PageToDevice(page.raw, 0, 0, size[0], size[1], 0, x, y, ctypes.byref(dx), ctypes.byref(dy))
        xs.append(dx.value)
        ys.append(dy.value)
    return min(xs), min(ys), max(xs), max(ys)
