"""The quote a report shows holds the finding's evidence, marked, in every format and language,
and parties and dates read as a person writes them (real treaty text)."""
from __future__ import annotations

import io
import json
import zipfile

import pytest
from hypothesis import given, settings, strategies as st

from analyser.pipeline import analyse
from analyser.qpr import entry_of, render_qpr
from analyser.report import render
from analyser.report.excerpt import excerpt
from analyser.report.people import date_text, parties_list, party_name
from conftest import CORPORA, SAMPLE, TEXTS

ALADI = TEXTS / "es-tratado-de-montevideo-1980-aladi.txt"
AFCFTA = CORPORA / "pdf" / "afcfta-agreement-en.pdf"
ALADI_QUOTE = ("> Ninguna disposición del presente Tratado será interpretada como impedimento para la adopción y el "
               "cumplimiento de medidas destinadas a la: … f) **Protección del** **patrimonio nacional** de valor "
               "**artístico**, histórico o arqueológico; …")


@pytest.fixture(scope="module")
def aladi():
    return analyse(ALADI, model=None)


@pytest.fixture(scope="module")
def afcfta():
    return analyse(AFCFTA, model=None)


@pytest.fixture(scope="module")
def canada_peru():
    return analyse(SAMPLE, model=None)


def _docx_runs(data: bytes) -> str:
    """The Word document's text with bold runs in ** (what a reader sees in bold)."""
    from docx import Document

    out = []
    for para in Document(io.BytesIO(data)).paragraphs:
        out.append("".join(f"**{r.text}**" if r.bold else r.text for r in para.runs))
    return "\n".join(out)


@pytest.mark.parametrize("lang", ["es", "fr", "en"])
def test_aladi_article_50_quote_reaches_item_f_in_every_report_language(aladi, lang):
    """Art. 50 (980 characters): the quote is the lead-in and item f), not the first 400 characters
    that stopped at "artículos mili…" before the evidence; no evidence fragments line."""
    md = render(aladi, "md", lang)
    assert ALADI_QUOTE in md
    assert "artículos mili" not in md and "Pasaje" not in md and "Passage" not in md
    heading = {"es": "Excepción de tesoros nacionales", "fr": "Exception des trésors nationaux",
               "en": "National treasures exception"}[lang]
    assert f"Artículo 50 — {heading}" in md


def test_aladi_quote_in_html_and_docx(aladi):
    html = render(aladi, "html", "fr")
    assert ("<blockquote>Ninguna disposición del presente Tratado será interpretada como impedimento para la "
            "adopción y el cumplimiento de medidas destinadas a la: … f) <mark>Protección del</mark> "
            "<mark>patrimonio nacional</mark> de valor <mark>artístico</mark>, histórico o arqueológico; …</blockquote>"
            ) in html
    assert "<summary>Disposition entière</summary>" in html  # the whole article one click away
    docx = _docx_runs(render(aladi, "docx", "es"))
    assert ("destinadas a la: … f) **Protección del** **patrimonio nacional** de valor **artístico**, histórico o "
            "arqueológico; …") in docx


def test_afcfta_general_exceptions_quote_keeps_the_words_that_govern_the_list(afcfta):
    """Article 26 of the Protocol on Trade in Goods: GATT XX's long chapeau is cut to its governing
    clause (it ran over a page break), then item (f) with the evidence; not "...by any State Party that …"."""
    md = render(afcfta, "md", "en")
    assert ("> … nothing in this Protocol shall be construed as preventing the adoption or enforcement of measures "
            "by any State Party that are: … (f) imposed for the **protection of** **national treasures** of "
            "**artistic**, historic or archaeological value; …") in md
    pdf = render(afcfta, "pdf", "fr")
    notes = [n for n in _pdf_notes(pdf) if "trésors nationaux" in n]
    assert notes and all("(f) imposed for the protection of national treasures" in n for n in notes)


def _pdf_notes(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [str(a.get_object().get("/Contents")) for page in PdfReader(io.BytesIO(data)).pages
            for a in page.get("/Annots") or []]


def test_excerpt_is_the_sentence_and_cuts_a_long_one_around_its_evidence_at_words():
    """ALADI Art. 5 and the sentence after it: the quote is Art. 5's sentence alone, whitespace
    joined; with a short limit it is cut at words around the evidence, "…" on both sides."""
    text = ALADI.read_text(encoding="utf-8")
    start = text.index("Los países miembros se otorgarán")
    art = text[start:text.index("Artículo 7", start)]
    words = "nivel que rija para terceros países"
    at = art.index(words)
    whole = excerpt(art, [(at, at + len(words))])
    assert whole.text == ("Los países miembros se otorgarán recíprocamente una preferencia arancelaria regional, que se "
                          "aplicará con referencia al nivel que rija para terceros países y se sujetará a la "
                          "reglamentación correspondiente. …")
    assert whole.render(lambda t: f"[{t}]").count("[nivel que rija para terceros países]") == 1
    short = excerpt(art, [(at, at + len(words))], limit=80)
    assert short.text == ("… preferencia arancelaria regional, que se aplicará con referencia al nivel que rija para "
                          "terceros países y se …")


def test_parties_and_dates_in_words_in_every_language(canada_peru):
    for lang, parties, signed, in_force in (
            ("fr", "- Parties : Canada, Pérou", "- Date de signature : 29 mai 2008", "- Entrée en vigueur : 1er août 2009"),
            ("es", "- Partes: Canadá, Perú", "- Fecha de firma: 29 de mayo de 2008", "- Entrada en vigor: 1 de agosto de 2009"),
            ("en", "- Parties: Canada, Peru", "- Signed: 29 May 2008", "- In force: 1 August 2009")):
        md = render(canada_peru, "md", lang)
        assert parties in md and signed in md and in_force in md, lang
        assert "CAN, PER" not in md and "2008-05-29" not in md
    doc = json.loads(render(canada_peru, "json"))["document"]  # JSON keeps the machine identifiers
    assert doc["parties"] == ["CAN", "PER"] and doc["metadata"]["date_signed"] == "2008-05-29"
    entry = entry_of(canada_peru.to_dict())
    scope = [i.quote for i in entry.items if i.article.endswith("Article 2102 Scope And Coverage")]
    assert scope and "subject to the exception under Article 2205" in scope[0]  # the QPR quote holds the evidence
    qpr = render_qpr([entry], "md", "es")
    assert "El acuerdo bilateral Canada - Peru (partes: Canadá y Perú), firmado el 29 de mayo de 2008," in qpr


def test_unknown_codes_and_dates_are_shown_as_given():
    assert party_name("EUR", "fr") == "EUR" and party_name("NLD", "fr") == "Pays-Bas"
    assert parties_list(["NLD", "SEN"], "fr") == "Pays-Bas et Sénégal"
    assert date_text("1980", "es") == "1980" and date_text("2008-02-30", "fr") == "2008-02-30"
    assert date_text("2008-05", "es") == "mayo de 2008"


def test_docx_has_no_fragment_line(canada_peru):
    """The Word report quotes each finding once, evidence in bold inside it (Article 2205)."""
    text = _docx_runs(render(canada_peru, "docx", "fr"))
    assert ("Nothing in this Agreement shall be construed to apply to measures adopted or maintained by either "
            "Party **with respect to cultural industries** **except** as specifically provided") in text
    assert "Passage :" not in text
    assert zipfile.is_zipfile(io.BytesIO(render(canada_peru, "docx", "en")))


ARTICLE_50 = ALADI.read_text(encoding="utf-8").split("Artículo 50", 1)[1].split("Artículo 51", 1)[0]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(ARTICLE_50)), st.integers(1, 60)), min_size=1, max_size=3),
       st.integers(40, 400))
def test_every_evidence_span_is_inside_its_quote_and_marked(spans, limit):
    """Whatever the evidence (ALADI Art. 50's real text) and the limit, its words are in the quote, marked."""
    spans = [(s, min(len(ARTICLE_50), s + n)) for s, n in spans]
    ex = excerpt(ARTICLE_50, spans, limit)
    marked = " ".join(t for t, ev in ex.pieces if ev)
    for s, e in spans:
        words = ARTICLE_50[s:e].split()
        assert all(w in marked for w in words), (ARTICLE_50[s:e], ex.text)
    assert "  " not in ex.text
