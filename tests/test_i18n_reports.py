"""French and Spanish from end to end, on real agreements: the report follows the agreement's
language (questions, explanations, headings, label names, rules in words) in md, html, docx and the
annotated PDF's notes, `--report-language` overrides it, JSON keeps its identifiers, and the
treaties section of the periodic report (QPR) comes out in each language."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from conftest import CORPORA, SAMPLE, TEXTS, tota

from analyser import i18n
from analyser.pipeline import analyse
from analyser.qpr import collect, entry_of, render_qpr
from analyser.report import render


@pytest.fixture(scope="module")
def spanish():
    """Panama-Peru FTA (ToTA pta_407, Spanish): traditional knowledge (policy space) in chapter 9."""
    return analyse(tota("pta_407"), model=None)


@pytest.fixture(scope="module")
def french():
    """CEMAC treaty (ToTA pta_86, French): unnamed ToTA chapters, no cultural clause."""
    return analyse(tota("pta_86"), model=None)


@pytest.fixture(scope="module")
def canada_peru():
    return analyse(SAMPLE, model=None)


def _docx_text(data: bytes) -> tuple[str, list[tuple[str, str]]]:
    from docx import Document

    doc = Document(io.BytesIO(data))
    paragraphs = [(p.style.name, p.text) for p in doc.paragraphs]
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([t for _, t in paragraphs] + cells), paragraphs


def test_spanish_agreement_gives_a_spanish_report_in_every_format(spanish):
    assert spanish.document.language == "es" and spanish.language == "es"
    g1 = spanish.checks["G1"]
    assert g1.question == "¿Se refiere el acuerdo explícitamente a la Convención de 2005?"
    assert spanish.checks["G7"].status == "met" and spanish.checks["G7"].why.startswith(
        "La capacidad de elaborar políticas culturales se preserva en ")
    # "why" quotes the agreement's own (Spanish) headings
    assert "Artículo 9.5 Conocimientos Tradicionales" in spanish.checks["G7"].why
    assert any(p.heading.startswith("Preámbulo > Considerando ") for p in spanish.document.provisions)
    md = render(spanish, "md")
    assert md.startswith("# Análisis cultural: Panama - Peru")
    assert "de 7 criterios aplicables cumplidos" in md and "## Carencias (Directrices operativas, párrafos 18 y 19)" in md
    assert "Capacidad de elaborar políticas culturales" in md and "regla: protege las expresiones culturales tradicionales" in md
    assert "policy_space" not in md and "rule:" not in md
    html = render(spanish, "html")
    assert "<html lang='es'>" in html and "Cláusulas culturales encontradas" in html and "cumplido" in html
    text, paragraphs = _docx_text(render(spanish, "docx"))
    assert ("Heading 1", "Análisis cultural: Panama - Peru") in paragraphs
    assert "Trato preferente" not in text and "Capacidad de elaborar políticas culturales" in text
    # JSON keeps English keys and label identifiers; only question/why follow the language
    data = json.loads(render(spanish, "json"))
    assert data["report_language"] == "es" and data["checks"]["G7"]["status"] == "met"
    assert {f["label"] for p in data["provisions"] for f in p["findings"]} == {"policy_space"}
    rows = list(csv.DictReader(io.StringIO(render(spanish, "csv"))))
    assert rows and rows[0]["label"] == "policy_space" and rows[0]["layer"].startswith("rule:")


def test_report_language_overrides_the_agreement_language(spanish):
    md = render(spanish, "md", "en")
    assert md.startswith("# Culture screening: Panama - Peru") and "Policy space for culture" in md
    assert "Does the agreement refer explicitly to the 2005 Convention?" in md
    assert "Artículo 9.5 Conocimientos Tradicionales" in md  # the agreement's headings stay as printed
    assert json.loads(render(spanish, "json", "fr"))["checks"]["G5"]["question"].startswith(
        "Un traitement préférentiel est-il accordé")
    assert spanish.checks["G1"].question.startswith("¿")  # the analysed report itself is unchanged


def test_french_agreement_gives_a_french_report_with_french_headings(french):
    assert french.document.language == "fr"
    headings = [p.heading for p in french.document.provisions]
    assert headings[0] == "Chapitre 1 > Article 1" and not any("Chapter" in h or "Preamble" in h for h in headings)
    md = render(french, "md")
    assert md.startswith("# Analyse culturelle : Economic and Monetary Community of Central Africa (CEMAC)")
    assert "**Critères remplis : 0 sur 7 applicables**" in md and "- Langue : français" in md
    assert "| G5 | 18.2, 19.4 | Un traitement préférentiel est-il accordé aux biens et services culturels des pays en " \
           "développement ? | ❌ absent |" in md
    html = render(french, "html")
    assert "<html lang='fr'>" in html and "Lacunes (Directives opérationnelles, paragraphes 18 et 19)" in html
    text, paragraphs = _docx_text(render(french, "docx"))
    assert ("Heading 2", "Clauses culturelles relevées") in paragraphs and "sans objet" in text


def test_french_bit_preamble_is_a_preambule_of_considerants():
    report = analyse(TEXTS / "fr-pays-bas-senegal-tbi.md", model=None)
    recitals = [p.heading for p in report.document.provisions if p.kind == "recital"]
    assert recitals and all(h.startswith("Préambule > Considérant ") for h in recitals)


def test_annotated_pdf_notes_in_the_report_language(tmp_path):
    from pypdf import PdfReader

    pdf = CORPORA / "pdf" / "afcfta-agreement-en.pdf"
    out = tmp_path / "annotated-fr.pdf"
    res = subprocess.run([sys.executable, "-m", "analyser", "analyse", str(pdf), "--format", "pdf", "-o", str(out),
                          "--report-language", "fr", "--no-model"], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    notes = [str(a.get_object().get("/Contents")) for page in PdfReader(out).pages for a in page.get("/Annots") or []]
    assert notes and any(n.startswith("Capacité à élaborer des politiques culturelles (score ") for n in notes)
    assert all("Passage : " in n and "policy_space" not in n for n in notes)


def test_french_qpr_entry_in_md_csv_and_docx(canada_peru):
    entry = entry_of(canada_peru.to_dict())
    assert entry.type == "bilateral" and entry.parties == ["CAN", "PER"] and entry.signed == "2008-05-29"
    kinds = dict(entry.by_kind())
    assert [i.article.split(" > ")[-1] for i in kinds["exemption"]] == ["Article 2102 Scope And Coverage",
                                                                       "Article 2205 Cultural Industries"]
    assert "digital_uncarved" in kinds and "policy_space" in kinds
    md = render_qpr([entry], "md", "fr")
    assert md.startswith("# Rapport périodique quadriennal : section sur les traités")
    assert "#### Exemption culturelle et sa portée" in md and "(Portée : l'ensemble de l'accord)" in md
    assert "« Nothing in this Agreement shall be construed to apply to measures adopted or maintained by either " \
           "Party with respect to cultural industries" in md
    # countries and dates as a French reader writes them, never ISO codes (no article: "(parties : ...)")
    assert "L'accord bilatéral Canada - Peru (parties : Canada et Pérou), signé le 29 mai 2008, comporte 4 dispositions" in md
    assert "- Parties : Canada, Pérou\n- Date de signature : 29 mai 2008\n- Entrée en vigueur : 1er août 2009\n" in md
    assert "CAN" not in md and "2008-05-29" not in md
    assert "Il exclut la culture de l'ensemble de l'accord (Article 2205 Cultural Industries)." in md
    assert "Lacunes au regard des Directives opérationnelles (G1 à G8) : G1 absent, G2 absent, G5 absent" in md
    rows = list(csv.DictReader(io.StringIO(render_qpr([entry], "csv", "fr"))))
    assert {r["kind"] for r in rows} == {"exemption", "digital_uncarved", "policy_space"}
    assert rows[0]["type"] == "bilateral" and rows[0]["description"].startswith("L'accord bilatéral")
    text, paragraphs = _docx_text(render_qpr([entry], "docx", "fr"))
    assert ("Heading 1", "Rapport périodique quadriennal : section sur les traités") in paragraphs
    assert ("Heading 2", "Canada - Peru") in paragraphs and ("Heading 4", "Capacité à élaborer des politiques culturelles") in paragraphs
    assert "Date de signature" in text and "29 mai 2008" in text and "bilatéral" in text


def test_spanish_qpr_entry_follows_the_agreement_language(spanish):
    md = render_qpr([entry_of(spanish.to_dict())], "md")
    assert md.startswith("# Informe periódico cuadrienal: sección de tratados")
    assert "#### Capacidad de elaborar políticas culturales" in md and "«1. Cada Parte, de conformidad" in md
    assert "El acuerdo bilateral Panama - Peru (partes: Panamá y Perú), firmado el" in md


def test_qpr_cli_filters_by_party_and_year(tmp_path):
    folder = tmp_path / "agreements"
    folder.mkdir()
    for treaty in ("pta_387", "pta_407", "pta_86"):
        (folder / f"{treaty}.xml").write_bytes(tota(treaty).read_bytes())
    out = tmp_path / "qpr.docx"
    res = subprocess.run([sys.executable, "-m", "analyser", "qpr", str(folder), "--party", "per", "--since", "2005",
                          "--format", "docx", "-o", str(out), "--no-model"], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    _, paragraphs = _docx_text(out.read_bytes())
    names = [t for style, t in paragraphs if style == "Heading 2"]
    assert names == ["Canada - Peru", "Panama - Peru"]  # CEMAC is not Peru's; both signed after 2005
    assert ("Normal", "Party: Peru · Signed in 2005 or later") in paragraphs  # mixed languages: English
    res = subprocess.run([sys.executable, "-m", "analyser", "qpr", str(folder), "--format", "docx"],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 2 and res.stderr.startswith("analyser: error: --format docx: ")


def test_qpr_reads_a_batch_store_without_analysing_again(tmp_path, canada_peru):
    import sqlite3

    from analyser.store import Store

    out = tmp_path / "run"
    store = Store(out)
    (out / "reports").mkdir()
    report_path = out / "reports" / "canada-peru.json"
    report_path.write_text(render(canada_peru, "json"), encoding="utf-8")
    store.add_report(canada_peru.document.sha256, str(SAMPLE), canada_peru.to_dict(include_text=False),
                     str(report_path), 1.0)
    store.db.commit()
    assert sqlite3.connect(out / "store.sqlite").execute("SELECT count(*) FROM documents").fetchone() == (1,)
    entries = collect([str(out)], party="CAN")
    assert [e.name for e in entries] == ["Canada - Peru"] and entries[0].items[0].quote
    assert collect([str(out)], party="MEX") == []


def test_ui_error_message_for_an_unsupported_language_has_no_cli_flag():
    reason = "unsupported language 'nl' (supported: en, fr, es; use --language to override)"
    assert i18n.error_message(reason, "fr") == (
        "la langue de l'accord (nl) n'est pas prise en charge : anglais, français ou espagnol uniquement.")
