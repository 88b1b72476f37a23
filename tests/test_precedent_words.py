"""Why a precedent is offered, in words a reader knows: the clause's own words, never stems or
function words; and no clause that only points to another text (real agreements and library)."""
from __future__ import annotations

import re
from importlib import import_module

import pytest

from analyser.i18n import Texts
from analyser.pipeline import analyse
from analyser.precedents import library, propose, refers_elsewhere, to_markdown
from conftest import SAMPLE, TEXTS, tota

FUNCTION_WORDS = {w.lower() for code in ("en", "fr", "es") for w in import_module(f"spacy.lang.{code}.stop_words").STOP_WORDS}


@pytest.fixture(scope="module")
def results():
    """Precedents for two Spanish agreements (ToTA pta_123, ALADI), a French BIT and the English
    sample, each in its own language."""
    docs = {"es_tota": tota("pta_123"), "es_aladi": TEXTS / "es-tratado-de-montevideo-1980-aladi.txt",
            "fr": TEXTS / "fr-pays-bas-senegal-tbi.md", "en": SAMPLE}
    return {name: propose(analyse(path, model=None)) for name, path in docs.items()}


def _reasons(result: dict, key: str) -> list[tuple[list[str], dict]]:
    """The words listed after the catalogue's `key` ("porte sur : ...") in each precedent's why."""
    tr = Texts(result["report_language"])
    opening = tr(f"precedents.{key}", words="")
    out = []
    for gap in result["gaps"].values():
        for p in gap["precedents"]:
            for part in p["why"].split("; "):
                if part.startswith(opening):
                    out.append((part[len(opening):].split(", "), p))
    return out


@pytest.mark.parametrize("key", ["about", "close_wording"])
def test_reasons_are_whole_words_of_the_clause_and_never_function_words(results, key):
    seen = 0
    for result in results.values():
        for words, p in _reasons(result, key):
            for w in words:
                seen += 1
                assert re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", p["text"], re.I), (w, p["article"])  # no stem
                assert w.lower() not in FUNCTION_WORDS, (w, p["article"])
    assert seen > 10


def test_spanish_precedent_names_its_words_with_accents(results):
    """Panama-Peru Art. 9.5 for a Spanish agreement's G7: "indígenas" as the clause writes it, not
    the folded stem "indigena"; close wording without "sobre, cada"."""
    why = [p["why"] for p in results["es_tota"]["gaps"]["G7"]["precedents"] if p["article"].startswith("Artículo 9.5")]
    assert why and "trata de: indígenas" in why[0] and "indigena;" not in why[0]
    assert "sobre" not in why[0] and "cada" not in why[0]
    assert "partes en común: Perú" in why[0]  # country names in the report language, not "PER"


def test_french_reasons_show_english_precedents_words_in_full(results):
    g1 = results["fr"]["gaps"]["G1"]["precedents"]
    assert g1[0]["why"].startswith("remplit G1 dans EU - Albania (2006)")
    assert "porte sur : cultural, diversity, UNESCO" in g1[0]["why"] and "diversit," not in g1[0]["why"]
    md = to_markdown(results["fr"])
    assert "### EU - Albania (2006, anglais), Article 101 Cultural Cooperation" in md


def test_a_clause_that_only_points_to_another_text_is_never_offered(results):
    pointers = {(e["agreement"], e["article"]) for e in library()
                if any(refers_elsewhere(op["sentence"]) for op in e["operative"].values())}
    assert pointers == {("Canada - Chile", "Article O-06 Cultural Industries"),
                        ("North American Free Trade Agreement (NAFTA)", "Article 2106 Cultural Industries")}
    for result in results.values():
        for gap in result["gaps"].values():
            assert not {(p["agreement"], p["article"]) for p in gap["precedents"]} & pointers
    # Canada-Israel's exemption cites Article 2.1 at its end but says what it does: still offered
    assert not refers_elsewhere("Measures affecting cultural industries are exempt from the provisions of this "
                                "Agreement, except as specifically provided in Article 2.1.")
    assert refers_elsewhere("L'annexe 5 s'applique aux industries culturelles.")
    assert refers_elsewhere("El Anexo I se aplica a las industrias culturales.")
