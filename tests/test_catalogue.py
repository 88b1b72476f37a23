"""The catalogue of user-facing text (analyser/lang/<code>/messages.yaml): every key in every language,
the same placeholders, and the identifiers it explains (labels, rules, checks) all covered."""
from __future__ import annotations

import yaml

from analyser import i18n
from analyser.checks import guideline_paragraphs
from analyser.model import CHECK_IDS, LABELS
from analyser.structure import DATA


def _flat(tree, prefix=""):
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _flat(value, path + ".")
        else:
            yield path, value


def test_every_key_in_every_language_with_the_same_placeholders():
    english = dict(_flat(i18n.catalogue("en")))
    for lang in i18n.LANGUAGES:
        other = dict(_flat(i18n.catalogue(lang)))
        assert set(other) == set(english), (lang, set(english) ^ set(other))
        for key, value in english.items():
            assert isinstance(other[key], str) and other[key].strip(), (lang, key)
            assert i18n.placeholders(other[key]) == i18n.placeholders(str(value)), (lang, key)


def test_identifiers_are_all_explained():
    rules = yaml.safe_load((DATA / "rules.yaml").read_text(encoding="utf-8"))
    rule_names = {r["name"] for r in rules["rules"] + rules.get("cross_references", [])}
    for lang in i18n.LANGUAGES:
        cat = i18n.catalogue(lang)
        assert set(cat["labels"]) == set(LABELS)
        assert set(cat["rules"]) == rule_names, lang
        assert set(cat["checks"]) >= set(CHECK_IDS) and set(guideline_paragraphs()) == set(CHECK_IDS)


def test_official_terms_of_the_convention_and_guidelines():
    """French and Spanish use the Convention's and the Operational Guidelines' own wording."""
    fr, es = i18n.Texts("fr"), i18n.Texts("es")
    assert fr.label("preferential_treatment") == "Traitement préférentiel"
    assert "diversité des expressions culturelles" in fr("checks.G1.missing")
    assert "Directives opérationnelles" in fr("report.gaps")
    assert es.label("preferential_treatment") == "Trato preferente"
    assert "trato preferente" in es("checks.G5.question")
    assert "diversidad de las expresiones culturales" in es("checks.G1.missing")
    assert "Directrices operativas" in es("report.gaps")


def test_rule_layers_and_attributes_in_plain_words():
    fr = i18n.Texts("fr")
    assert fr.layer("rule:national_treasures,national_treasures_in_exceptions") == (
        "règle : protège les trésors nationaux ayant une valeur artistique, historique ou archéologique; "
        "compte les trésors nationaux parmi les exceptions générales")
    assert fr.attribute("carve_out", False) == "Exclusion culturelle : non"
    assert i18n.Texts("es").attribute("scope", "agreement") == "Alcance: todo el acuerdo"


def test_ui_error_messages_never_give_cli_advice():
    reason = "unsupported language 'nl' (supported: en, fr, es; use --language to override)"
    for lang in i18n.LANGUAGES:
        message = i18n.error_message(reason, lang)
        assert "--" not in message and "'nl'" not in message and "(nl)" in message
    assert i18n.error_message("encrypted PDF: a password is needed to read it", "es").startswith("el PDF está cifrado")
    assert i18n.error_message("something new", "fr") == "le fichier n'a pas pu être analysé."


def test_report_language_follows_the_agreement_unless_overridden():
    assert i18n.report_language("fr") == "fr"
    assert i18n.report_language("fr", "en") == "en"
    assert i18n.report_language("nl") == "en"


def test_a_rule_confirmed_by_the_model_is_shown_in_words_for_both_layers():
    from analyser.i18n import Texts

    shown = Texts("fr").layer("rule:cultural_cooperation,model:textcat-bow")
    assert shown.startswith("règle : ") and "modèle appris (textcat-bow)" in shown
    assert "model:" not in shown and "cultural_cooperation" not in shown
