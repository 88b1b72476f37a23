"""Precedents: for an agreement without cultural clauses, ranked precedent clauses per gap, own
language first, each with its agreement, article, year and why it was chosen."""
from __future__ import annotations

import subprocess
import sys

from analyser import analyse
from analyser.precedents import library, propose
from conftest import tota


def test_library_is_built_from_non_test_labelled_articles():
    lib = library()
    assert len(lib) > 80
    assert all(e["checks"] and e["text"] and e["agreement"] and e["article"] for e in lib)
    assert {"G1", "G3", "G4", "G6", "G7"} <= {c for e in lib for c in e["checks"]}


def test_english_agreement_without_culture_gets_precedents_for_g1_g3_g4_g7():
    report = analyse(tota("pta_86"), language_override="fr")  # CEMAC: no cultural clause at all
    assert all(c.status in {"missing", "n/a"} for c in report.checks.values())
    result = propose(analyse(tota("pta_11")))  # EU-Albania: G3 and G7 missing
    for cid in ("G3", "G7"):
        top = result["gaps"][cid]["precedents"][0]
        assert top["language"] == "en" and top["agreement"] and top["article"] and top["why"]
    assert "covers the whole agreement" in result["gaps"]["G3"]["precedents"][0]["why"]


def test_french_and_spanish_gaps_say_when_no_precedent_exists_in_their_language():
    for treaty, lang in (("pta_86", "fr"), ("pta_381", "es")):
        result = propose(analyse(tota(treaty)))
        g1 = result["gaps"]["G1"]["precedents"]
        assert g1 and f"no {lang} precedent for G1 in the library" in g1[0]["why"]


def test_cli_markdown():
    res = subprocess.run([sys.executable, "-m", "analyser", "precedents", str(tota("pta_11"))],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0 and "## G3 (missing)" in res.stdout
