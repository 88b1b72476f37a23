"""PDF ingest on real agreement PDFs and on PDFs built from real ToTA text: pages, boxes,
layout clean-up, scans, broken files, the pdfplumber engine and the annotated export."""
from __future__ import annotations

import io
import re

import pdfplumber
import pytest
from pypdf import PdfReader, PdfWriter

from analyser import AnalyserError, analyse, ingest
from analyser.ingest.pdf import ocr_available
from analyser.report import render
from conftest import CORPORA, tota
from pdfbuild import build_pdf

AFCFTA = CORPORA / "pdf" / "afcfta-agreement-en.pdf"
SCAN = CORPORA / "pdf" / "ahkfta-annex-2-11-scan-en.pdf"


@pytest.fixture(scope="module")
def afcfta():
    return analyse(AFCFTA)


def _words_pdf_coords(path, page_no, text):
    """pdfplumber's boxes for the words of `text` on a page, converted to bottom-left origin."""
    wanted = text.lower().split()
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[page_no - 1]
        words = page.extract_words(return_chars=True)
        h = float(page.height)
        for i in range(len(words) - len(wanted) + 1):
            seq = [re.sub(r"\W", "", w["text"].lower()) for w in words[i:i + len(wanted)]]
            if seq == [re.sub(r"\W", "", w) for w in wanted]:
                boxes = []
                for w in words[i:i + len(wanted)]:
                    chars = [c for c in w["chars"] if c["text"].isalnum()]  # the word without its punctuation
                    boxes.append((min(c["x0"] for c in chars), h - max(c["bottom"] for c in chars),
                                  max(c["x1"] for c in chars), h - min(c["top"] for c in chars)))
                return boxes
    raise AssertionError(f"{text!r} not on page {page_no}")


def _covers(box, word, tol=2.0):
    return box[0] - tol <= word[0] and box[2] + tol >= word[2] and box[1] - tol <= word[1] and box[3] + tol >= word[3]


def test_afcfta_cultural_diversity_recital_has_page_and_box(afcfta):
    hits = [(p, f) for p, f in afcfta.findings if f.label == "policy_space"]
    assert hits
    provision, finding = hits[0]
    assert provision.kind == "recital" and provision.pages == [3]
    assert "promotion\nand protection of cultural diversity" in provision.text
    evidence = next(e for e in finding.evidence if e.text == "cultural diversity")
    assert evidence.page == 3 and len(evidence.boxes) == 1
    for word in _words_pdf_coords(AFCFTA, 3, "cultural diversity"):
        assert _covers(evidence.boxes[0], word)


def test_afcfta_national_treasures_exception(afcfta):
    hits = [(p, f) for p, f in afcfta.findings if f.label == "heritage_exception"]
    assert hits
    provision, finding = hits[0]
    assert "General Exceptions" in provision.heading
    evidence = next(e for e in finding.evidence if e.text == "national treasures")
    assert evidence.page == 28
    for word in _words_pdf_coords(AFCFTA, 28, "national treasures"):
        assert _covers(evidence.boxes[0], word)
    assert afcfta.checks["G7"].status == "met"


def test_running_headers_page_numbers_removed_and_footnotes_kept_apart(afcfta):
    doc = afcfta.document
    body = doc.text[:doc.layout.main_end]
    assert not re.search(r"^\s*\d{1,2}\s*$", body, re.M)  # page numbers gone
    assert "For example through Gazette" not in body
    assert all(p.pages for p in doc.provisions)
    notes = [p for p in doc.provisions if p.kind == "footnote"]
    assert [p.heading for p in notes][:3] == ["Footnote 1 (page 11)", "Footnote 2 (page 11)", "Footnote 3 (page 12)"]
    assert notes[2].pages == [12] and "Gazette" in notes[2].text


def test_scanned_pdf_without_ocr_names_the_pages():
    with pytest.raises(AnalyserError, match=r"no text layer on any page \(scanned pages 1-6\); install the OCR extra"):
        ingest.load(SCAN, ocr=False)


@pytest.mark.skipif(not ocr_available(), reason="OCRmyPDF/Tesseract not installed (the optional OCR extra)")
def test_scanned_pdf_is_ocred_locally_and_marked():
    report = analyse(SCAN)
    doc = report.document
    assert doc.metadata["ocr_pages"] == [1, 2, 3, 4, 5, 6]
    assert "SCHEDULES OF TARIFF COMMITMENTS" in doc.text
    assert all(p.ocr for p in doc.provisions) and any("OCRed locally" in w.text for w in doc.warnings)


def test_garbled_text_layer_is_flagged_not_silently_analysed():
    report = analyse(CORPORA / "pdf" / "civ-ordonnance-zlecaf-scan-fr.pdf")
    doc = report.document
    assert doc.language == "fr" and doc.pages == 2
    assert doc.metadata["low_quality_pages"] == [1, 2]
    assert any("low-quality text layer (bad OCR) on pages 1-2" in w.text and w.pages == (1, 2) for w in doc.warnings)
    assert all(p.low_quality_text for p in doc.provisions)


def test_good_pdfs_are_not_flagged(afcfta):
    assert afcfta.document.metadata["low_quality_pages"] == []


def test_encrypted_truncated_and_fake_pdfs(tmp_path):
    writer = PdfWriter(clone_from=PdfReader(AFCFTA))
    writer.encrypt(user_password="secret", owner_password="owner")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(AnalyserError, match="encrypted PDF"):
        ingest.load(locked)
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(AFCFTA.read_bytes()[:5000])
    with pytest.raises(AnalyserError, match="corrupt or truncated PDF"):
        ingest.load(truncated)
    html = tmp_path / "page.pdf"  # an HTML page saved under a .pdf name is read as HTML
    html.write_bytes(b"<!DOCTYPE html><html><body><h2>Article 1</h2><p>The Parties shall cooperate.</p></body></html>")
    assert ingest.load(html).format == "html"


def _tota_articles(treaty, first, count):
    """(heading, text) of `count` consecutive ToTA articles, in Latin-1 (what the test PDF font can draw)."""
    blocks = [b for b in ingest.load(tota(treaty)).blocks if b.kind == "article"][first:first + count]
    safe = lambda t: t.encode("latin-1", "replace").decode("latin-1")  # noqa: E731
    return [(safe(b.heading[-1]), safe(b.text)) for b in blocks]


def _words(text):
    return re.findall(r"[^\W\d_]{3,}", text.lower())


@pytest.mark.parametrize("columns, interleave", [(1, False), (2, False), (2, True)])
@pytest.mark.parametrize("treaty, first, lang", [("pta_387", 262, "en"), ("pta_123", 20, "es"), ("pta_86", 0, "fr")])
def test_built_pdf_recovers_the_source_articles(tmp_path, columns, interleave, treaty, first, lang):
    articles = _tota_articles(treaty, first, 12)
    blocks = []
    for title, text in articles:
        blocks += [title, text]
    path = build_pdf(tmp_path / f"{treaty}-{columns}.pdf", blocks, columns=columns, header=f"{treaty} running header",
                     interleave=interleave)
    report = analyse(path)
    doc = report.document
    assert doc.language == lang and doc.pages >= 2
    assert "running header" not in doc.text
    headings = " | ".join(p.heading for p in doc.provisions)
    body = " ".join(_words(" ".join(p.text for p in doc.provisions)))
    for title, text in articles:
        number = re.match(r"\w+\.? [\w.\-]+", title).group(0)
        assert number.lower() in headings.lower(), (number, headings)
        # the article's words come back in order, across page and column breaks
        assert " ".join(_words(text)) in body


def test_letter_spaced_heading_is_repaired(tmp_path):
    blocks = ["A rticle 6", "Nothing in this Agreement shall be construed to apply to measures adopted or maintained "
              "by either Party with respect to cultural industries."]
    report = analyse(build_pdf(tmp_path / "spaced.pdf", blocks))
    assert report.document.provisions[-1].heading.startswith("Article 6")
    assert report.checks["G3"].status == "met"


def test_pdfplumber_engine_agrees_on_the_findings(afcfta):
    slow = analyse(AFCFTA, pdf_engine="pdfplumber")
    assert {f.label for _, f in slow.findings} == {f.label for _, f in afcfta.findings}
    ev = next(e for p, f in slow.findings if f.label == "heritage_exception" for e in f.evidence if e.text == "national treasures")
    assert ev.page == 28 and ev.boxes


def test_annotated_pdf_export(afcfta):
    data = render(afcfta, "pdf")
    reader = PdfReader(io.BytesIO(data))
    annots = [a.get_object() for a in reader.pages[2].get("/Annots", [])]
    highlights = [a for a in annots if a["/Subtype"] == "/Highlight"]
    assert highlights and any(a["/Contents"].startswith("Policy space for culture (score ") for a in highlights)
    assert not any("policy_space" in a["/Contents"] for a in highlights)  # plain names for people
    assert len(reader.pages) == 77


def test_pdf_export_needs_a_pdf_input():
    with pytest.raises(AnalyserError, match="needs a PDF input"):
        render(analyse(tota("pta_86")), "pdf")


def test_evidence_over_a_page_break_is_highlighted_on_both_pages():
    """Canada-Peru Art. 2205 laid out so that its cultural-industries wording runs from page 4 to page 5."""
    from array import array

    from analyser.model import Document, Evidence, Finding, Provision
    from analyser.pipeline import locate_evidence

    text = ("Nothing in this Agreement shall be construed to apply to measures adopted or maintained by "
            "either Party with respect to cultural industries")
    brk = text.index("with respect")

    class Layout:  # page 4 up to the break, page 5 after it; one box per character
        page_of = array("i", [4] * brk + [5] * (len(text) - brk))

        def boxes_for(self, start, end):
            return [[float(start), 0.0, float(end), 10.0]] if end > start else []

    provision = Provision(id="p1", kind="article", heading="Article 2205", text=text, start=0, end=len(text), language="en")
    provision.findings = [Finding("cultural_exemption", 0.9, "rule:test", [Evidence(0, len(text), text)])]
    doc = Document(source="t.pdf", sha256="0", format="pdf", text=text, provisions=[provision], layout=Layout())
    locate_evidence(doc)
    pieces = provision.findings[0].evidence
    assert [(e.page, e.text) for e in pieces] == [(4, text[:brk]), (5, text[brk:])]
    assert all(e.boxes for e in pieces)


@pytest.mark.parametrize("rotation", [0, 90])
def test_page_view_draws_highlights_where_the_words_are(afcfta, rotation, tmp_path):
    """AfCFTA page 3, "cultural diversity": the highlight is a wide strip on the page as printed,
    a tall one once the page carries /Rotate 90, and inside the image either way."""
    import io

    from PIL import ImageChops
    from pypdf import PdfReader, PdfWriter

    from ui.pageview import render_page

    writer = PdfWriter(clone_from=PdfReader(AFCFTA))
    if rotation:
        writer.pages[2].rotate(rotation)
    buf = io.BytesIO()
    writer.write(buf)
    evidence = next(e for p, f in afcfta.findings if f.label == "policy_space"
                    for e in f.evidence if e.text == "cultural diversity")
    plain = render_page(buf.getvalue(), 3, [])
    marked = render_page(buf.getvalue(), 3, [("policy_space", evidence.boxes)])
    left, top, right, bottom = ImageChops.difference(plain, marked).getbbox()
    width, height = right - left, bottom - top
    assert (width > 3 * height) if rotation == 0 else (height > 3 * width)
    assert 0 <= left and right <= marked.size[0] and 0 <= top and bottom <= marked.size[1]


def test_candidates_carry_pages_and_boxes_like_findings(tmp_path):
    """pta_116 (ToTA) Art. 149, culture as a thing to understand: only a candidate, and on a PDF its
    evidence has a page and boxes to highlight, as a finding's does."""
    from tests.test_constructions import EN_TOPIC

    report = analyse(build_pdf(tmp_path / "topic.pdf", ["Chapter XIV Economic and Social Cooperation",
                                                        "Article 149 Cooperation", EN_TOPIC]))
    candidates = [c for p in report.document.provisions for c in p.candidates]
    assert [c.label for c in candidates] == ["cultural_cooperation"]
    assert all(e.page == 1 and e.boxes for e in candidates[0].evidence)
