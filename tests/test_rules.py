"""The rule layer on real treaty wording in EN, FR and ES: hits, attributes, evidence, negatives."""
from __future__ import annotations

import pytest

from analyser.classify.rules import RuleClassifier, default_classifier
from analyser.model import Provision


def classify(text: str, lang: str = "en", heading: str = "Article 1") -> dict:
    p = Provision(id="p1", kind="article", heading=heading, text=text, start=0, end=len(text), language=lang)
    findings = default_classifier().classify(p)
    for f in findings:
        for e in f.evidence:
            assert text[e.start:e.end] == e.text  # evidence quotes the original text exactly
        assert f.layer.startswith("rule:") and 0 < f.score <= 1
    return {f.label: f for f in findings}


# Real clauses: EU-Albania SAA Art. 101 (pta_11), EU-Serbia (pta_349, with non-breaking spaces),
# Canada-Peru Art. 2205 and 1503 (pta_387), EU-Korea 7.4 (pta_145), the Operational Guidelines 19.5.
EU_ALBANIA_101 = ("The Parties undertake to promote cultural cooperation. This cooperation serves inter alia to raise "
                  "mutual understanding and esteem between individuals, communities and peoples. The Parties also "
                  "undertake to cooperate to promote cultural diversity, notably within the framework of the UNESCO "
                  "Convention on the protection and the promotion of the diversity of cultural expressions.")
CANADA_PERU_2205 = ("Nothing in this Agreement shall be construed to apply to measures adopted or maintained by either "
                    "Party with respect to cultural industries except as specifically provided in Article 203 "
                    "(National Treatment and Market Access for Goods - Tariff Elimination).")
EU_KOREA_74 = ("1. This Section applies to measures of the Parties affecting the\n  cross-border supply of all service "
               "sectors with the exception of:\n\n  (a) audio-visual services [8];\n\n  (b) national maritime cabotage; and")


def test_convention_reference_and_dedicated_cooperation_en():
    found = classify(EU_ALBANIA_101)
    assert found["convention_reference"].attributes["guidelines"] is False
    assert found["cultural_cooperation"].attributes["dedicated"] is True
    assert "policy_space" not in found


def test_convention_title_with_non_breaking_spaces_after_normalisation():
    from analyser.structure import normalise

    text = normalise("the\u00a0UNESCO Convention\u00a0on\u00a0the protection\u00a0and\u00a0promotion\u00a0of\u00a0diversity\u00a0of\u00a0cultural\u00a0expressions.")
    assert "convention_reference" in classify(text)


def test_convention_reference_fr_and_guidelines():
    text = ("19.5 l'incorporation de références explicites à la Convention et à ces directives opérationnelles "
            "relatives à l'environnement numérique dans les accords de commerce et d'investissement")
    assert classify(text, "fr")["convention_reference"].attributes["guidelines"] is True
    title = "la Convention sur la protection et la promotion de la diversité des expressions culturelles"
    assert classify(title, "fr")["convention_reference"].attributes["guidelines"] is False


def test_convention_reference_es():
    text = ("Las Partes cooperarán en la aplicación de la Convención sobre la Protección y Promoción de la "
            "Diversidad de las Expresiones Culturales.")
    found = classify(text, "es")
    assert "convention_reference" in found and "cultural_cooperation" in found


@pytest.mark.parametrize("text", [
    "States must maintain the ability to preserve the diversity of cultural expressions.",
    "each Party may establish appropriate measures to protect genetic resources, traditional knowledge and traditional cultural expressions or folklore",
    ("under the framework of the United Nations Educational, Scientific and Cultural Organization (\u201cUNESCO\u201d) "
     "Convention on the Means of Prohibiting and Preventing the Illicit Import, Export and Transfer of Ownership of Cultural Property"),
])
def test_not_a_convention_reference(text):
    assert "convention_reference" not in classify(text)


def test_canada_model_cultural_industries_exception_is_agreement_wide():
    f = classify(CANADA_PERU_2205, heading="Chapter Twenty Two Exceptions > Article 2205 Cultural Industries")["cultural_exemption"]
    assert f.attributes["scope"] == "agreement"
    assert any("cultural industries" in e.text for e in f.evidence)


def test_audiovisual_carve_out_is_chapter_scope():
    f = classify(EU_KOREA_74)["cultural_exemption"]
    assert f.attributes["scope"] == "chapter"
    assert [e.text for e in f.evidence] == ["with the exception of", "audio-visual services"]


def test_definitions_and_telecom_scope_lines_carry_no_label():
    definition = "cultural industries means persons engaged in any of the following activities: the publication of books"
    assert classify(definition, heading="Article 2207 Definitions") == {}
    telecom = ("This Chapter does not apply to any measure adopted or maintained by a Party relating to broadcast "
               "or cable distribution of radio or television programming.")
    assert classify(telecom) == {}


def test_digital_trade_and_carve_out():
    duty = ("1. Neither Party may apply customs duties, fees, or charges on or in connection with the importation or "
            "exportation of digital products by electronic means.")
    f = classify(duty)["digital_trade"]
    assert f.attributes["carve_out"] is False
    carved = duty + " This Article shall not apply to broadcasting or to audiovisual services."
    found = classify(carved)
    assert found["digital_trade"].attributes["carve_out"] is True
    assert found["cultural_exemption"].attributes["scope"] == "chapter"
    internal = ("2. For greater clarity, this Article does not preclude either Party from imposing internal taxes or other "
                "internal charges on digital products delivered electronically")
    assert "digital_trade" not in classify(internal)
    assert "digital_trade" in classify(duty + " " + internal)  # the caveat of the next paragraph vetoes nothing


def test_heritage_exception_three_languages():
    assert "heritage_exception" in classify("(f) imposed for the protection of national treasures of artistic, historic or archaeological value;")
    assert "heritage_exception" in classify("f) la protection des trésors nationaux ayant une valeur artistique, historique ou archéologique", "fr")
    assert "heritage_exception" in classify("f) Protección del patrimonio nacional de valor artístico, histórico o arqueológico;", "es")


def test_state_aid_for_culture_is_an_exception_inside_the_state_aid_discipline():
    """EU-Ukraine Art. 262(3)(d) (pta_392) and its model, TFEU Art. 107(3)(d), in French and Spanish."""
    clauses = [("(d) aid to promote culture and heritage conservation where such aid does not adversely affect trading "
                "conditions contrary to the interests of the Parties", "en"),
               ("d) les aides destinées à promouvoir la culture et la conservation du patrimoine, quand elles n'altèrent "
                "pas les conditions des échanges et de la concurrence dans l'Union dans une mesure contraire à l'intérêt "
                "commun;", "fr"),
               ("d) las ayudas destinadas a promover la cultura y la conservación del patrimonio, cuando no alteren las "
                "condiciones de los intercambios y de la competencia en la Unión en contra del interés común;", "es")]
    for text, lang in clauses:
        found = classify(text, lang)
        assert set(found) == {"cultural_exemption", "heritage_exception"}, (lang, set(found))
        assert found["cultural_exemption"].attributes["scope"] == "chapter"


def test_policy_space_needs_culture_named():
    assert "policy_space" in classify("RECOGNIZING that states must maintain the ability to preserve, develop and implement their cultural policies for the purpose of strengthening cultural diversity;")
    assert "policy_space" not in classify("Recognising their right to regulate in order to meet national policy objectives;")


def test_development_objectives_are_not_cooperation():
    assert classify("the need to promote and expedite the economic, cultural and social development of the CARIFORUM States") == {}
    assert "cultural_cooperation" not in classify("with the aim of promoting economic, social and cultural development through cooperation")


def test_agriculture_is_not_culture():
    assert classify("The Parties shall cooperate in agriculture and agricultural research.") == {}


def test_unsupported_language_provision_is_skipped():
    p = Provision(id="p", kind="article", heading="", text=EU_ALBANIA_101, start=0, end=len(EU_ALBANIA_101), language="nl")
    assert RuleClassifier().classify(p) == []
