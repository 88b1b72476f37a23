"""DOCX drafts and HTML pages built from real treaty text: headings, numbering, tracked changes."""
from __future__ import annotations


import docx
import pytest
from docx.oxml.ns import qn

from analyser import AnalyserError, analyse, ingest
from conftest import tota

CULTURAL_INDUSTRIES = ("Nothing in this Agreement shall be construed to apply to measures adopted or maintained by "
                       "either Party with respect to cultural industries except as specifically provided in Article 203 "
                       "(National Treatment and Market Access for Goods - Tariff Elimination).")


def _canada_peru_articles(count=6):
    """Chapter 22 (Exceptions) of Canada-Peru, from Art. 2201 on: it holds the cultural-industries exception."""
    blocks = [b for b in ingest.load(tota("pta_387")).blocks if b.kind == "article"]
    first = next(i for i, b in enumerate(blocks) if "2201" in b.heading[-1])
    return [(b.heading[-1], b.text) for b in blocks[first:first + count]]


def _track(paragraph, inserted: str, deleted: str) -> None:
    """Add a tracked insertion and a tracked deletion to a paragraph, as Word writes them."""
    for wrapper, text_tag, text, rev in (("w:ins", "w:t", inserted, "1"), ("w:del", "w:delText", deleted, "2")):
        change = paragraph._p.makeelement(qn(wrapper), {qn("w:id"): rev, qn("w:author"): "Negotiator"})
        run = paragraph._p.makeelement(qn("w:r"), {})
        node = run.makeelement(qn(text_tag), {})
        node.text = text
        run.append(node)
        change.append(run)
        paragraph._p.append(change)


def test_docx_draft_with_headings_numbering_and_tracked_changes(tmp_path):
    d = docx.Document()
    d.add_heading("CHAPTER TWENTY TWO", level=1)
    d.add_paragraph("EXCEPTIONS")
    for heading, text in _canada_peru_articles():
        d.add_heading(heading, level=2)
        d.add_paragraph(text)
    d.add_heading("Article 2299 Cultural Cooperation", level=2)
    d.add_paragraph("The Parties shall cooperate in the following fields:")
    d.add_paragraph("audiovisual co-production and co-distribution;", style="List Number")
    d.add_paragraph("exchanges of artists and other cultural professionals.", style="List Number")
    p = d.add_paragraph("The Parties reaffirm their commitments")
    _track(p, " under the UNESCO Convention on the Protection and Promotion of the Diversity of Cultural Expressions",
           " under the WTO Agreement")
    d.add_comment(p.runs, text="Check with the culture ministry", author="Reviewer")
    path = tmp_path / "draft.docx"
    d.save(path)

    report = analyse(path)
    doc = report.document
    assert doc.format == "docx" and doc.language == "en"
    assert "under the WTO Agreement" not in doc.text  # the deletion is not merged
    assert any("tracked changes present (1 insertions, 1 deletions)" in w.text for w in doc.warnings)
    assert any("1 comments present" in w.text and w.stage == "ingest" for w in doc.warnings)
    assert report.checks["G3"].status == "met"  # Art. 2205 cultural industries, from the real text
    assert report.checks["G1"].status == "met"  # from the tracked insertion
    assert "1. audiovisual co-production" in doc.text and "2. exchanges of artists" in doc.text
    headings = {p.heading for p in doc.provisions}
    assert any(h.startswith("Chapter TWENTY TWO") and "Article 2205" in h for h in headings)


def test_docx_table_cells_are_read_in_order(tmp_path):
    """Negotiating drafts often put clauses in tables (a schedule, or text side by side with comments)."""
    d = docx.Document()
    d.add_heading("Chapter Twenty-Two Exceptions", level=1)
    d.add_paragraph("For the purposes of this Chapter, the Parties set out the following provisions:")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Provision", "Text agreed ad referendum"
    table.cell(1, 0).text, table.cell(1, 1).text = "Article 2205 Cultural Industries", CULTURAL_INDUSTRIES
    d.add_paragraph("End of the schedule.")
    path = tmp_path / "schedule.docx"
    d.save(path)

    report = analyse(path)
    text = report.document.text
    assert "Provision | Text agreed ad referendum" in text
    assert text.index("For the purposes") < text.index("cultural industries except") < text.index("End of the schedule")
    assert report.checks["G3"].status == "met"


def test_broken_docx(tmp_path):
    d = docx.Document()
    d.add_paragraph(CULTURAL_INDUSTRIES)
    good = tmp_path / "good.docx"
    d.save(good)
    bad = tmp_path / "bad.docx"
    bad.write_bytes(good.read_bytes()[:2000])
    with pytest.raises(AnalyserError, match="corrupt or truncated DOCX"):
        ingest.load(bad)


@pytest.mark.parametrize("lang, heading, text, label", [
    ("en", "Article 2205: Cultural Industries", CULTURAL_INDUSTRIES, "cultural_exemption"),
    ("fr", "Article 19.5 Coopération culturelle",
     "Les Parties s'engagent à promouvoir la coopération culturelle, notamment dans le cadre de la Convention de "
     "l'UNESCO sur la protection et la promotion de la diversité des expressions culturelles.", "convention_reference"),
    ("es", "Artículo 50", "Ninguna disposición del presente Tratado será interpretada como impedimento para la adopción "
     "y el cumplimiento de medidas destinadas a la: f) Protección del patrimonio nacional de valor artístico, histórico "
     "o arqueológico;", "heritage_exception"),
])
def test_html_page(tmp_path, lang, heading, text, label):
    html = (f"<!DOCTYPE html><html lang='{lang}'><head><title>Draft</title><style>p{{color:red}}</style>"
            f"<script>var x = 'Article 99';</script></head><body><h2>{heading}</h2><p>{text}</p>"
            "<ol><li>first item</li><li>second item</li></ol></body></html>")
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    report = analyse(path)
    doc = report.document
    assert doc.format == "html" and doc.language == lang and doc.title == "Draft"
    assert "var x" not in doc.text and "1. first item" in doc.text
    found = [(p, f) for p, f in report.findings if f.label == label]
    assert found and found[0][0].heading.startswith(heading.split(":")[0].split(" Coop")[0])
