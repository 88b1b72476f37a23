"""Citable structure in gazette layouts and citations as printed.

The French gazette PDF is built (tests/pdfbuild.py) in two columns with words divided at line
ends, printed page numbers starting at 27, a ratification law with an "Article unique", then the
treaty it ratifies: the French text of the Netherlands-Burundi BIT (2007; Dutch treaty database
mirror statengeneraal/laws-markdown, shared corpus `texts/nl-burundi-bit-fr-nl.md`), with its
PRÉAMBULE and titled articles, then a protocol titled in capitals holding articles of the
Netherlands-Senegal BIT (`corpora/texts/fr-pays-bas-senegal-tbi.md`). The law's wording and the
protocol's title are layout scaffolding; every provision's text is real. English and Spanish
cases use the real AfCFTA PDF and ToTA text.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from analyser import analyse, ingest
from analyser.training.corpus import held_out_files
from analyser.ingest.pdf import HyphenResolver
from analyser.model import Block, SourceDocument
from analyser.report import render
from analyser.structure import build
from conftest import CORPORA, ROOT, tota
from pdfbuild import build_pdf, gazette_blocks

SHARED = ROOT.parent / "shared" / "corpora"
BURUNDI = SHARED / "texts" / "nl-burundi-bit-fr-nl.md"
SENEGAL = CORPORA / "texts" / "fr-pays-bas-senegal-tbi.md"
AFCFTA = CORPORA / "pdf" / "afcfta-agreement-en.pdf"
TITLE_9 = "Article 9 Différends entre une Partie Contractante et un investisseur de l'autre Partie Contractante"


@pytest.fixture(scope="module")
def gazette(tmp_path_factory):
    if not BURUNDI.exists():
        pytest.skip("the shared corpus (Netherlands-Burundi BIT) is not available")
    blocks = gazette_blocks(BURUNDI, SENEGAL, wrap_titles={"9": "et un investisseur"})
    path = build_pdf(tmp_path_factory.mktemp("gazette") / "jo.pdf", blocks, columns=2,
                     header="JOURNAL OFFICIEL DE LA REPUBLIQUE", hyphenate=True, first_number=27)
    source = ingest.load(path)
    doc = build(source)
    source.layout.close()
    return path, doc


def _by_heading(doc, start):
    return [p for p in doc.provisions if p.heading.startswith(start)]


def test_the_treaty_preamble_is_not_folded_into_the_law(gazette):
    _, doc = gazette
    law = _by_heading(doc, "Article unique")
    assert len(law) == 1
    assert law[0].text.startswith("Le Président de la République est autorisé")  # run-in text kept
    assert "loi de l'Etat" in law[0].text
    assert "PRÉAMBULE" not in law[0].text and "Désireux" not in law[0].text
    recitals = _by_heading(doc, "Préambule > Recital")
    assert recitals[0].text.startswith("ACCORD SUR L'ENCOURAGEMENT")  # the treaty's title above its preamble
    preamble = " ".join(" ".join(r.text.split()) for r in recitals)
    assert "Désireux de renforcer" in preamble and "Sont convenus de ce qui suit" in preamble
    assert _by_heading(doc, "Article 1 Définitions")


def test_a_title_that_runs_onto_a_second_line_is_whole(gazette):
    _, doc = gazette
    article = _by_heading(doc, TITLE_9)
    assert article and all(p.heading.startswith(TITLE_9 + " > ") for p in article)
    assert article[0].text.startswith("1. Tout différend")  # the title's second line is not body text


def test_a_protocol_titled_in_capitals_is_a_heading(gazette):
    _, doc = gazette
    assert not any("Protocol E" in p.heading or "Protocole E" in p.heading for p in doc.provisions)
    protocol = _by_heading(doc, "PROTOCOLE SUR L'ENCOURAGEMENT ET LA PROTECTION DES INVESTISSEMENTS > Article ")
    assert [p.heading.rsplit(" > ", 1)[1] for p in protocol][:3] == ["Article 1", "Article 2", "Article 3"]
    assert "investissements de capitaux" in protocol[0].text


def test_words_divided_at_line_ends_are_joined(gazette):
    _, doc = gazette
    assert "\ufffe" not in doc.text and not any("\ufffe" in p.text for p in doc.provisions)
    words = " ".join(p.text for p in doc.provisions)
    assert "Parties Contractantes" in words and "Contract-" not in words  # divided across a page break too
    assert "Pays-Bas" in words and "dommages-intérêts" in words  # compounds keep their hyphen


def test_hyphen_resolver_decides_from_the_document_then_the_rules():
    resolve = HyphenResolver(["Le commerce des marchandises et les non-originating materials of the Parties; fire and "
                              "extinguishers"])
    assert resolve("marchan", "dises") == ""  # the joined word is printed elsewhere
    assert resolve("non", "originating") == "-"  # so is the compound
    assert resolve("Trade", "Related") == "-" and resolve("non", "Parties") == "-"
    assert resolve("fire", "extinguishers") == "-"  # two words of the document
    assert resolve("coopé", "ration") == ""  # two fragments: a division


def test_english_protocol_title_and_preamble_in_the_afcfta():
    doc = build(ingest.load(AFCFTA))
    doc.layout.close()
    authentic = _by_heading(doc, "Part VII FINAL PROVISIONS > Article 30 Authentic Texts")
    assert authentic and "PREAMBLE" not in authentic[-1].text and "PROTOCOL ON" not in authentic[-1].text
    assert _by_heading(doc, "PROTOCOL ON TRADE IN GOODS > Preamble > Recital")
    assert _by_heading(doc, "PROTOCOL ON TRADE IN GOODS > Part I DEFINITIONS, OBJECTIVES AND SCOPE > Article 1 Definitions")
    assert _by_heading(doc, "PROTOCOL ON RULES AND PROCEDURES ON THE SETTLEMENT OF DISPUTES > Article 1 Definitions")
    assert _by_heading(doc, "PROTOCOL ON TRADE IN GOODS > Part V TRADE REMEDIES > Article 20 Cooperation relating to "
                            "Anti-dumping, Countervailing "
                            "and Safeguards Investigations")


def test_spanish_law_then_treaty_preamble_and_wrapped_title():
    blocks = ingest.load(tota("pta_28")).blocks  # Mexico-Nicaragua FTA: title, PREÁMBULO, recitals
    text = ("Artículo único.- Se aprueba el Tratado de Libre Comercio entre el Gobierno de los Estados Unidos "
            "Mexicanos y el Gobierno de la República de Nicaragua.\n\n" + blocks[0].text
            + "\nArtículo 1-01 Establecimiento De La Zona De\nLibre Comercio\n" + blocks[1].text + "\n")
    doc = build(SourceDocument(path="ley.txt", sha256="", format="text", blocks=[Block(text=text)]))
    law = _by_heading(doc, "Artículo único")
    assert len(law) == 1 and law[0].text.startswith("Se aprueba") and "PREÁMBULO" not in law[0].text
    recitals = _by_heading(doc, "Preámbulo > Recital")
    assert recitals and any("ESTRECHAR los lazos" in r.text for r in recitals)
    article = _by_heading(doc, "Artículo 1-01 Establecimiento De La Zona De Libre Comercio")
    assert article and article[0].text.startswith("Las Partes establecen")


def test_no_shared_pdf_keeps_a_marker_character():
    """No provision of any shared PDF (held-out files skipped) holds U+FFFE or U+FFFD."""
    held = held_out_files()
    files = {p.name: p for folder in (SHARED / "pdf", CORPORA / "pdf") if folder.exists() for p in folder.glob("*.pdf")}
    checked = 0
    for name, path in sorted(files.items()):
        if f"pdf/{name}" in held:
            continue
        source = ingest.load(path, ocr=False) if "scan" not in name else None
        if source is None:
            continue  # scans: no text layer of their own to clean
        doc = build(source)
        source.layout.close()
        bad = [p.heading for p in doc.provisions if "\ufffe" in p.text or "\ufffd" in p.text]
        assert not bad, (name, bad[:5])
        checked += 1
    assert checked >= 1


# --- citations as printed ---------------------------------------------------------------------

def test_printed_page_numbers_in_footers_become_page_labels(gazette):
    _, doc = gazette
    assert doc.metadata["page_labels_from"] == "printed"
    assert doc.page_labels == [str(27 + i) for i in range(doc.pages)]
    spanning = next(p for p in doc.provisions if len(p.pages) > 1)
    assert spanning.page_labels == [str(26 + n) for n in spanning.pages]
    assert doc.cite_page(2) == "p. 28 (PDF page 2)"
    assert not any(line.strip() in {"27", "28"} for line in doc.text.splitlines())  # still dropped from the text


def test_the_pdf_page_labels_win_over_printed_numbers(tmp_path):
    blocks = gazette_blocks(BURUNDI, SENEGAL) if BURUNDI.exists() else pytest.skip("shared corpus absent")
    path = build_pdf(tmp_path / "labelled.pdf", blocks, columns=2, hyphenate=True,
                     page_labels=[{"pageNum": 0, "style": "ROMAN_LOWER"}, {"pageNum": 1, "style": "ARABIC", "start": 1}])
    source = ingest.load(path)
    doc = build(source)
    source.layout.close()
    assert doc.metadata["page_labels_from"] == "pdf"
    assert doc.page_labels[:3] == ["i", "1", "2"]  # the footers print 1, 2, 3: the catalogue wins
    assert doc.cite_page(1) == "p. i (PDF page 1)" and doc.cite_page(3) == "p. 2 (PDF page 3)"
    plumber = build(ingest.load(path, pdf_engine="pdfplumber"))
    assert plumber.page_labels[:3] == ["i", "1", "2"]


def test_afcfta_evidence_cites_the_printed_page_in_json_csv_and_pdf():
    """The AfCFTA prints "27" on its 28th PDF page (the cover is unnumbered)."""
    report = analyse(AFCFTA, model=None)
    doc = report.document
    assert doc.metadata["page_labels_from"] == "printed" and doc.page_labels[27] == "27"
    provision, finding = next((p, f) for p, f in report.findings if f.label == "heritage_exception")
    evidence = next(e for e in finding.evidence if e.text == "national treasures")
    assert evidence.page == 28 and evidence.page_label == "27"
    data = json.loads(render(report, "json"))
    assert data["document"]["page_labels"][27] == "27"
    row = next(p for p in data["provisions"] if p["id"] == provision.id)
    assert 28 in row["pages"] and row["page_labels"] == [str(n - 1) for n in row["pages"]]
    assert any(e["page_label"] == "27" for f in row["findings"] for e in f["evidence"])
    rows = list(csv.DictReader(io.StringIO(render(report, "csv"))))
    assert next(r for r in rows if r["provision_id"] == provision.id)["page_labels"] == " ".join(row["page_labels"])
    notes = [str(a.get_object().get("/Contents")) for a in PdfReader(io.BytesIO(render(report, "pdf"))).pages[27]["/Annots"]]
    assert any("p. 27 (PDF page 28)" in n for n in notes)


def test_a_contents_listing_before_the_preamble_is_front_matter():
    """AANZFTA lists its chapters and annexes before PREAMBLE: they are not provisions, and the
    preamble is not folded into the last listed annex."""
    path = SHARED / "pdf" / "aanzfta-agreement-en.pdf"
    if not path.exists():
        pytest.skip("the shared corpus is not available")
    source = ingest.load(path)
    doc = build(source)
    source.layout.close()
    opening = [p for p in doc.provisions if p.heading.startswith("Preamble > Recital")]
    assert len({p.heading for p in opening}) == len(opening)  # one preamble, no duplicate recital
    assert any("REINFORCING the longstanding ties" in p.text for p in opening)
    assert not any(p.heading.startswith("Annex 4") and "REINFORCING" in p.text for p in doc.provisions)
    assert doc.provisions[len(opening)].heading.startswith("Chapter 1 ESTABLISHMENT OF FREE TRADE AREA, OBJECTIVES AND "
                                                           "GENERAL DEFINITIONS")
