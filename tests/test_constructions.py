"""The structure constructions of the rule layer, on real treaty text (ToTA, CC BY-NC 4.0; the
agreement and article of each passage are named beside it)."""
from __future__ import annotations

import json

import spacy

from analyser.classify import classify
from analyser.classify.constructions import mask_cross_reference_titles, units
from analyser.classify.rules import default_classifier, load_structure
from analyser.text import fold
from analyser.model import Document, Provision
from tests.conftest import CORPORA

# pta_387 (ToTA), dispute settlement: a citation of the cultural-industries exception by its title
EN_CITATION = ("A Party may not invoke subparagraph 1(c)(i) with respect to any measure subject to an exception under "
               "Article 2201 (Exceptions - General Exceptions) nor invoke subparagraph 1(c) with respect to any measure "
               "subject to the exception under Article 2205 (Exceptions - Cultural Industries).")
# pta_123 (ToTA, Spanish): chapters cited with their titles
ES_CITATION = ("las Reglamentaciones Uniformes relativas a la interpretación, aplicación y administración del "
               "Capítulo 3 (Trato nacional y acceso de mercancías al mercado), Capítulo 5 (Administración de aduanas), "
               "este Capítulo y otros")
# pta_322 (ToTA), Title II Cooperation, Article 18: cultural exchanges as a form of cooperation
EN_FORMS = ("The Contracting Parties agree to undertake joint operations in communications, information and cultural "
            "matters to strengthen existing links between them. Such operations may take the following forms:\n"
            "- exchanges of information on subjects of mutual interest in the fields of culture and information,\n"
            "- events of a cultural nature,\n- cultural exchanges,\n- academic exchanges.")
# pta_134 (ToTA), Article 19 Principles: culture as a condition of development finance, not a field of it
EN_PRINCIPLES = ("1. Development finance cooperation shall be based on partnership, complementarity and subsidiarity and "
                 "shall: (a) be implemented, in accordance with the association and development strategies adopted "
                 "pursuant to Article 4, with due regard to the OCTs respective geographical, social and cultural "
                 "characteristics, as well as their specific potential; (b) ensure that resource flows are accorded on "
                 "a predictable and regular basis; (c) be flexible and tailored to the situation in each OCT.")
# pta_116 (ToTA), Article 149: culture as a thing to understand
EN_TOPIC = ("Member Countries shall undertake policies in the area of social communication and policies oriented to "
            "promote a better understanding of the cultural, historical, and geographic heritage of the Subregion, "
            "its economic and social reality, and that of the Andean integration process.")
# pta_417 (ToTA, Spanish), Article 15.11: culture in a development aim, cooperation on IP rights
ES_DEVELOPMENT = ("1. Las Partes, reconociendo la importancia de los derechos de propiedad intelectual como factor de "
                  "desarrollo social, económico y cultural, convienen en intensificar su cooperación en el ámbito de los "
                  "derechos de propiedad intelectual sobre bases de equidad y beneficio recíproco.")
# pta_110 (ToTA), with "cultural industries" appended so that the exemption rule has its anchor:
# "social exclusion" is another sense of "exclusion"
EN_SOCIAL_EXCLUSION = "It shall combat social exclusion and discrimination, and shall promote cultural industries"
# pta_407 (ToTA, Spanish), Article 9.6(3): the CBD's knowledge, innovations and practices
ES_CBD = ("3. Cada Parte, de conformidad con su legislación nacional, reitera su compromiso de respetar, preservar y "
          "mantener los conocimientos tradicionales, innovaciones y prácticas de las colectividades indígenas y locales "
          "del territorio de cada Parte.")


def provision(text: str, lang: str = "en", heading: str = "Article 1") -> Provision:
    return Provision(id="p1", kind="article", heading=heading, text=text, start=0, end=len(text), language=lang)


def classified(text: str, lang: str = "en", heading: str = "Article 1") -> Provision:
    p = provision(text, lang, heading)
    classify(Document(source="t", sha256="t", format="text", text=text, provisions=[p]))
    return p


def test_cited_titles_are_blanked_in_english_and_spanish():
    for text, lang, title in ((EN_CITATION, "en", "exceptions - cultural industries"),
                              (ES_CITATION, "es", "trato nacional y acceso de mercancias al mercado")):
        words = tuple(load_structure(lang)["reference_words"])
        masked = mask_cross_reference_titles(fold(text), words)
        assert len(masked) == len(text) and title in fold(text) and title not in masked
        assert "( " in masked and masked.count("(") == fold(text).count("(")  # the brackets stay: still a citation


def test_a_provision_keeps_its_own_title():
    words = tuple(load_structure("en")["reference_words"])
    own = "article 5 (cultural cooperation)\nthe parties shall promote cultural exchanges"
    assert mask_cross_reference_titles(own, words) == own


def test_a_citation_of_the_cultural_exception_asserts_nothing_by_its_title():
    p = classified(EN_CITATION)
    assert not [f for f in p.findings if f.label == "cultural_exemption" and f.layer != "rule:cross_reference_to_cultural_exception"]


def test_list_items_know_the_clause_that_governs_them():
    nlp = spacy.blank("en")
    doc = nlp.make_doc(fold(EN_PRINCIPLES))
    u = units(doc, frozenset({"and", "or"}))
    cooperation = next(t.i for t in doc if t.text == "cooperation")
    cultural = next(t.i for t in doc if t.text == "cultural")
    assert u.governs(cooperation, cultural) and not u.governs(cultural, cooperation)
    assert u.unit_of[cooperation] != u.unit_of[cultural]


def test_culture_listed_as_a_form_of_cooperation_is_asserted():
    p = classified(EN_FORMS, heading="Title II Cooperation > Article 18")
    assert [f.label for f in p.findings] == ["cultural_cooperation"]
    assert 0.5 < p.findings[0].score <= 1.0


def test_culture_as_a_principle_or_a_thing_to_understand_is_never_asserted():
    for text in (EN_PRINCIPLES, EN_TOPIC):
        p = classified(text, heading="Chapter 1 General Provisions > Article 19")
        assert "cultural_cooperation" not in {f.label for f in p.findings}
    topic = classified(EN_TOPIC, heading="Chapter XIV Economic and Social Cooperation > Article 149")
    assert [c.label for c in topic.candidates] == ["cultural_cooperation"]  # worth a look, not asserted
    assert topic.candidates[0].context["topic"]


def test_culture_in_a_development_aim_is_not_cooperation_in_spanish():
    assert not classified(ES_DEVELOPMENT, "es", heading="Artículo 15.11 Cooperación, Ciencia y Tecnología").findings


def test_social_exclusion_is_not_an_exclusion_clause():
    rules = default_classifier()
    _, doc, by_group = rules.match(EN_SOCIAL_EXCLUSION, "en")
    assert "exclusion" not in by_group or not by_group["exclusion"]
    assert not classified(EN_SOCIAL_EXCLUSION).findings


def test_traditional_knowledge_in_cbd_wording_is_not_policy_space_but_a_right_to_it_is():
    assert not classified(ES_CBD, "es").findings
    rows = [json.loads(line) for line in (CORPORA / "parallel" / "clauses.jsonl").read_text(encoding="utf-8").splitlines()]
    rights = [r for r in rows if r["group"].startswith("g06")]  # TK protection in EN and ES (pta_407, pta_379, ...)
    assert {r["language"] for r in rights} >= {"en", "es"}
    for r in rights:
        assert "policy_space" in {f.label for f in classified(r["text"], r["language"]).findings}, r["treaty"]


def test_the_learned_layer_alone_only_proposes():
    from analyser.classify.calibration import default_calibration

    assert default_calibration().model_asserts is False
