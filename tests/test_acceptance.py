"""Done-when checks of the core issue, over the whole non-held-out ToTA corpus when it is present."""
from __future__ import annotations

import re

import pytest

from analyser import analyse
from conftest import SHARED_TOTA, holdout, tota

CONVENTION = re.compile(r"diversit\w*[\s\u00a0]+(of|des|de)[\s\u00a0]+(the[\s\u00a0]+|las[\s\u00a0]+)?(cultural[\s\u00a0]+expressions|expressions[\s\u00a0]+culturelles|expresiones[\s\u00a0]+culturales)", re.I)


def _corpus():
    if not SHARED_TOTA.is_dir():
        return ["pta_11", "pta_145", "pta_349", "pta_402"]
    held = holdout()
    return sorted(p.stem for p in SHARED_TOTA.glob("pta_*.xml") if p.stem not in held)


def _naming_convention():
    out = []
    for treaty in _corpus():
        text = tota(treaty).read_text(encoding="utf-8")
        if CONVENTION.search(text) and re.search(r"convention|convención", text, re.I):
            out.append(treaty)
    return out


NAMING = _naming_convention()


def test_at_least_five_agreements_name_the_convention():
    assert len(NAMING) >= 5 or not SHARED_TOTA.is_dir()


@pytest.mark.parametrize("treaty", NAMING)
def test_g1_met_with_the_provision_that_names_the_convention(treaty):
    report = analyse(tota(treaty))
    g1 = report.checks["G1"]
    assert g1.status == "met"
    provs = {p.id: p for p in report.document.provisions}
    assert any(CONVENTION.search(provs[pid].text) for pid in g1.provisions)


CANADIAN = ["pta_101", "pta_387", "pta_143", "pta_352"]


@pytest.mark.parametrize("treaty", CANADIAN)
def test_canadian_cultural_industries_exception_meets_g3(treaty):
    report = analyse(tota(treaty))
    assert report.checks["G3"].status == "met"
    exemption = [f for p, f in report.findings if f.label == "cultural_exemption" and f.attributes.get("scope") == "agreement"]
    assert any("cultural industries" in e.text.lower() for f in exemption for e in f.evidence)
