"""Column detection on odd page geometry: bounded work and no crash (issue 17)."""
from __future__ import annotations

import math
import time

from reportlab.pdfgen import canvas

from analyser import analyse
from analyser.ingest import pdf as pdfmod
from conftest import tota


def _real_lines(count: int = 40) -> list[str]:
    from analyser import ingest

    text = " ".join(b.text for b in ingest.load(tota("pta_387")).blocks[:30])
    words = text.encode("latin-1", "replace").decode("latin-1").split()
    return [" ".join(words[i:i + 9]) for i in range(0, 9 * count, 9)]


def test_a_page_a_billion_points_wide_is_read_quickly(tmp_path):
    path = tmp_path / "wide.pdf"
    c = canvas.Canvas(str(path), pagesize=(1e9, 842))
    c.setFont("Helvetica", 9)
    for i, line in enumerate(_real_lines()):
        c.drawString(50, 800 - 11 * i, line)
    c.save()
    start = time.perf_counter()
    report = analyse(path, model=None)
    assert time.perf_counter() - start < 20
    assert "Parties" in report.document.text or "parties" in report.document.text


def _two_columns() -> list[tuple[float, float, float, float]]:
    """Text runs of a two-column A4 page: rows of 250 pt on each side of a 20 pt gutter."""
    return [seg for i in range(40) for seg in ((50.0, 780.0 - 11 * i, 287.0, 789.0 - 11 * i),
                                              (307.0, 780.0 - 11 * i, 545.0, 789.0 - 11 * i))]


def test_gutter_found_between_two_columns_and_not_on_odd_widths():
    gutter = pdfmod.find_gutter(_two_columns(), 595.0)
    assert gutter is not None and 287 <= gutter <= 307
    for width in (math.nan, math.inf, -595.0, 0.0, 1e9):
        assert pdfmod.find_gutter(_two_columns(), width) is None


def test_boxes_without_finite_coordinates_are_left_out():
    odd = [(math.nan, math.nan, math.nan, math.nan), (50.0, math.inf, 287.0, 790.0), (-math.inf, 10.0, 20.0, 30.0)]
    gutter = pdfmod.find_gutter(_two_columns() + odd, 595.0)
    assert gutter == pdfmod.find_gutter(_two_columns(), 595.0)
    assert pdfmod.find_gutter(odd * 5, 595.0) is None
