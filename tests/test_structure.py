"""Structure: provisions, heading paths, spans and source ids from ToTA and from plain text."""
from __future__ import annotations

import pytest

from analyser import ingest, structure
from analyser.model import Block, SourceDocument
from conftest import TEXTS, tota


def _doc_from_text(text: str):
    return structure.build(SourceDocument(path="t.txt", sha256="0" * 64, format="text", blocks=[Block(text=text)]))


def test_tota_provisions_keep_article_identifier_and_spans():
    doc = structure.build(ingest.load(tota("pta_387")))
    for p in doc.provisions:
        assert doc.text[p.start:p.end] == p.text
        assert p.source_id
    by_source = {p.source_id: p for p in doc.provisions}
    assert by_source["31006"].heading == "Chapter Twenty Two Exceptions > Article 2205 Cultural Industries"
    paras = [p for p in doc.provisions if p.source_id == "30956"]
    assert [p.heading.split(" > ")[-1] for p in paras] == ["1", "2"]
    assert all(p.kind == "paragraph" for p in paras)
    recitals = [p for p in doc.provisions if p.kind == "recital"]
    assert len(recitals) > 10 and all(p.source_id == "30733" for p in recitals)


def test_nbsp_is_normalised_without_moving_offsets():
    doc = structure.build(ingest.load(tota("pta_349")))
    assert "\u00a0" not in doc.text
    p = next(p for p in doc.provisions if "UNESCO" in p.text)
    assert doc.text[p.start:p.end] == p.text


@pytest.mark.parametrize(
    "line, kind_label",
    [
        ("Article 8.2", "Article 8.2"),
        ("ARTICLE 1701", "Article 1701"),
        ("Article premier", "Article premier"),
        ("Artículo 14.4", "Artículo 14.4"),
        ("Art. 2", "Art. 2"),
        ("ARTICLE IV", "Article IV"),
        ("Chapitre 3", "Chapitre 3"),
        ("CAPÍTULO VII", "Capítulo VII"),
        ("Title II", "Title II"),
        ("Sección B", "Sección B"),
        ("ANNEX 2106", "Annex 2106"),
        ("Protocole I", "Protocole I"),
    ],
)
def test_heading_grammar_en_fr_es(line, kind_label):
    text = f"{line}\n\nLes Parties coopèrent dans le domaine de la culture. The Parties shall cooperate.\n"
    doc = _doc_from_text(text)
    assert doc.provisions[-1].heading.startswith(kind_label)


def test_running_text_is_not_a_heading():
    text = "Article 1\n\nThe measures referred to in\nArticle 5 of this Agreement shall apply.\n"
    doc = _doc_from_text(text)
    assert [p.heading for p in doc.provisions] == ["Article 1"]


def test_plain_text_hierarchy_and_titles():
    doc = structure.build(ingest.load(TEXTS / "en-canada-peru-fta-excerpt.txt"))
    headings = [p.heading for p in doc.provisions]
    assert "Chapter FIFTEEN ELECTRONIC COMMERCE > Article 1503 Customs Duties > 1" in headings
    assert "Chapter TWENTY TWO EXCEPTIONS > Article 2205 Cultural Industries" in headings
    assert headings[0].startswith("Preamble")
    for p in doc.provisions:
        assert doc.text[p.start:p.end] == p.text


def test_markdown_french_bit_articles_and_paragraphs():
    doc = structure.build(ingest.load(TEXTS / "fr-pays-bas-senegal-tbi.md"))
    headings = [p.heading for p in doc.provisions]
    assert "Article 1 > 1" in headings and "Article 13" in headings


def test_spanish_chapters_with_roman_numerals():
    doc = structure.build(ingest.load(TEXTS / "es-tratado-de-montevideo-1980-aladi.txt"))
    art50 = [p for p in doc.provisions if "Artículo 50" in p.heading]
    assert art50 and art50[0].heading.startswith("Capítulo VII")
    assert art50[0].text.startswith("Ninguna disposición del presente Tratado")


def test_numbered_paragraphs_need_a_sequence():
    assert structure.numbered_paragraphs("1. First.\n2. Second.\n") == [("1", 0, 10), ("2", 10, 21)]
    assert structure.numbered_paragraphs("Since 1994.\n5. Only one number.\n") == []


def test_article_key_cuts_the_heading_path_after_the_article():
    doc = structure.build(ingest.load(TEXTS / "fr-nl-pays-bas-mali-tbi.md"))
    keys = {structure.article_key(p.heading) for p in doc.provisions}
    paragraphs = [p for p in doc.provisions if p.kind == "paragraph"]
    assert paragraphs and all(structure.article_key(p.heading) in keys for p in paragraphs)
    assert all(" > " not in structure.article_key(p.heading) for p in paragraphs)  # "Article 11 > 4" -> "Article 11"
    assert structure.article_key("Chapter 12 > Section A > Artículo 12.4 Cooperación > 2") == "Chapter 12 > Section A > Artículo 12.4 Cooperación"
    assert structure.article_key("Preamble > Recital 3") == "Preamble > Recital 3"
