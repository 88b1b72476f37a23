from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
TOTA = CORPORA / "tota"
TEXTS = CORPORA / "texts"
SHARED_TOTA = ROOT.parent / "shared" / "corpora" / "tota"
SAMPLE = CORPORA / "samples" / "canada-peru-fta-2008.xml"


def tota(treaty: str) -> Path:
    """A ToTA file: the vendored copy, else the shared corpus beside the repository."""
    for folder in (TOTA, SHARED_TOTA):
        if (folder / f"{treaty}.xml").exists():
            return folder / f"{treaty}.xml"
    pytest.skip(f"{treaty}.xml is not available")


def holdout() -> set[str]:
    from analyser.training.corpus import held_out_treaties

    return held_out_treaties()


def pdf_page(citation: str) -> int:
    """The PDF position a page citation names: "p. 26 (PDF page 27)" -> 27, "p. 5" -> 5 (the
    interface cites printed pages, with the PDF's position beside them where they differ)."""
    import re

    found = re.search(r"PDF page (\d+)", citation) or re.search(r"p\. (\d+)", citation)
    assert found, citation
    return int(found.group(1))
