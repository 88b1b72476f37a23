"""Precedents: for an agreement without cultural clauses, ranked precedent clauses per gap, own
language first, each with its agreement, article, year, why it was chosen, its operative sentence
with the evidence marked and the whole clause."""
from __future__ import annotations

import json
import re
import subprocess
import sys

from analyser import analyse
from analyser.training.corpus import ANNOTATIONS, held_out_treaties
from analyser.precedents import _boilerplate, library, propose, settings, to_markdown
from conftest import tota


def test_library_is_built_from_non_test_labelled_articles():
    lib = library()
    assert len(lib) > 80
    assert all(e["checks"] and e["text"] and e["agreement"] and e["article"] for e in lib)
    assert {"G1", "G3", "G4", "G6", "G7"} <= {c for e in lib for c in e["checks"]}
    test_split = set(json.loads((ANNOTATIONS / "splits.json").read_text(encoding="utf-8"))["splits"]["test"])
    treaties = {e["treaty"] for e in lib}
    assert not treaties & held_out_treaties() and not treaties & test_split


def test_every_clause_carries_the_label_of_its_checks_and_none_is_procedural():
    """An entry-into-force article that names the cultural protocol (EU - Korea, Article 15.10) was
    once offered for G6: procedural articles are out, and each check keeps an operative sentence
    holding the evidence of the check's label."""
    procedural = re.compile(settings()["procedural_headings"], re.I)
    labels_of = {"G1": {"convention_reference"}, "G3": {"cultural_exemption"}, "G5": {"preferential_treatment"},
                 "G6": {"cultural_cooperation"}, "G7": {"policy_space", "cultural_exemption"}, "G8": {"coherence"},
                 "G4": {"digital_trade", "cultural_exemption"}}
    for e in library():
        assert not procedural.search(e["article"]), e["article"]
        for cid in e["checks"]:
            assert set(e["labels"]) & labels_of[cid], (e["article"], cid)
            op = e["operative"][cid]
            assert op["sentence"] in e["text"] and op["marks"]
            assert all(0 <= s < t <= len(op["sentence"]) for s, t in op["marks"])
    assert not any("Entry Into Force" in e["article"] for e in library())


def test_english_agreement_without_culture_gets_precedents_for_g3_g7():
    report = analyse(tota("pta_86"), language="fr")  # CEMAC: no cultural clause at all
    assert all(c.status in {"missing", "n/a"} for c in report.checks.values())
    result = propose(analyse(tota("pta_11")))  # EU-Albania: G3 and G7 missing
    for cid in ("G3", "G7"):
        top = result["gaps"][cid]["precedents"][0]
        assert top["language"] == "en" and top["agreement"] and top["article"] and top["why"]
        assert "cultur" in top["sentence"].lower() and len(top["text"]) >= len(top["sentence"])
    assert "covers the whole agreement" in result["gaps"]["G3"]["precedents"][0]["why"]


def test_g3_ranks_clauses_written_for_culture_before_gatt_xx_boilerplate_and_close_wording_is_not_boilerplate():
    result = propose(analyse(tota("pta_11")), per_check=40)
    g3 = result["gaps"]["G3"]["precedents"]
    general = [i for i, p in enumerate(g3) if "general exception with a cultural limb" in p["why"]]
    written = [i for i, p in enumerate(g3) if "general exception with a cultural limb" not in p["why"]]
    assert general and written and max(written) < min(general)
    boilerplate = _boilerplate()
    for gap in result["gaps"].values():
        for p in gap["precedents"]:
            close = re.search(r"close wording: ([^;]+)", p["why"])
            if close:
                assert not set(close.group(1).split(", ")) & boilerplate, p["why"]


def test_french_and_spanish_gaps_say_when_no_precedent_exists_in_their_language():
    for treaty, lang in (("pta_86", "fr"), ("pta_381", "es")):
        report = analyse(tota(treaty))
        result = propose(report)  # in the agreement's language by default
        g1 = result["gaps"]["G1"]["precedents"]
        own = {"fr": "aucun précédent en français pour G1 dans la bibliothèque",
               "es": "ningún precedente en español para G1 en la biblioteca"}[lang]
        assert g1 and own in g1[0]["why"] and result["report_language"] == lang
        english = propose(report, lang="en")["gaps"]["G1"]
        assert "no French precedent for G1" in english["precedents"][0]["why"] or \
            "no Spanish precedent for G1" in english["precedents"][0]["why"]
        assert english["question"].startswith("Does the agreement refer")


def test_markdown_shows_the_operative_sentence_marked_and_the_whole_clause():
    result = propose(analyse(tota("pta_11")))
    md = to_markdown(result)
    top = result["gaps"]["G3"]["precedents"][0]
    start, end = top["marks"][0]
    assert f"**{top['sentence'][start:end]}**" in md
    assert "<details><summary>Whole clause</summary>" in md
    assert " ".join(top["text"].split()[-6:]) in " ".join(md.replace("> ", " ").split())


def test_cli_markdown():
    res = subprocess.run([sys.executable, "-m", "analyser", "precedents", str(tota("pta_11"))],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0 and "## G3 (missing)" in res.stdout
