"""Hostile and odd inputs (issue 17): each is built here, small, and must end in a bounded result
or the one-line error naming the file and the reason, never an internal error."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from analyser.errors import AnalyserError
from analyser.options import AnalyseOptions
from analyser.ingest import load_bytes
from analyser.ingest import html as html_mod
from analyser.structure import build
from conftest import SAMPLE, TEXTS

CLAUSE = "Nothing in this Agreement shall be construed to apply to measures with respect to cultural industries."


def run(*args):
    return subprocess.run([sys.executable, "-m", "analyser", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


def one_line_error(res, name: str) -> str:
    assert res.returncode == 2, (res.returncode, res.stderr)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith(f"analyser: error: {name}: "), lines[0]
    return lines[0]


# --- HTML ------------------------------------------------------------------------------------

def test_html_deep_nesting_and_many_siblings_read_in_one_walk():
    deep = "<html><body>" + "<div>Article 5 " * 20000 + CLAUSE + "</div>" * 20000 + "</body></html>"
    text = load_bytes(deep.encode(), "deep.html").blocks[0].text
    assert text.count("Article 5") == 20000 and text.endswith(CLAUSE)
    flat = "<html><body>" + f"<p>{CLAUSE}</p>" * 20000 + "</body></html>"
    assert load_bytes(flat.encode(), "flat.html").blocks[0].text.count(CLAUSE) == 20000


def test_html_with_too_many_elements_names_the_limit(monkeypatch):
    monkeypatch.setattr(html_mod, "MAX_ELEMENTS", 1000)
    with pytest.raises(AnalyserError, match="1,000, the limit"):
        load_bytes(("<html><body>" + "<p>x</p>" * 1001 + "</body></html>").encode(), "many.html")


@pytest.mark.parametrize("start, first", [("²", 1), ("9" * 5000, 1), ("x", 1), ("3", 3), ("", 1)])
def test_html_odd_list_start(start, first):
    page = f"<html><body><ol start='{start}'><li>{CLAUSE}</li><li>Second.</li></ol></body></html>"
    text = load_bytes(page.encode(), "list.html").blocks[0].text
    assert f"{first}. {CLAUSE}" in text and f"{first + 1}. Second." in text


# --- ToTA XML --------------------------------------------------------------------------------

TOTA = ('<?xml version="1.0" encoding="{enc}"?><treaty><meta><name>T</name></meta><body>'
        '<chapter number="CHAPTER 1" name="Culture"><article number="Article 1">Les Parties coopèrent en '
        'matière culturelle.</article></chapter></body></treaty>')


@pytest.mark.parametrize("declared, codec", [
    ("bogus-8", "utf-8"), ("UTF-7", "utf-8"), ("utf-32", "utf-8"), ("UTF-16", "utf-16"), ("UTF-16", "utf-16-le"),
    ("UTF-32", "utf-32"), ("UTF-8", "utf-16-be"), ("ISO-8859-1", "latin-1"), ("windows-1252", "cp1252"),
    ("ebcdic-cp-us", "utf-8"), ("", "utf-8")])
def test_xml_unknown_lying_or_wide_encodings_are_read_as_tota(declared, codec):
    doc = load_bytes(TOTA.format(enc=declared).encode(codec), "treaty.xml")
    assert doc.format == "tota-xml"
    assert doc.blocks[0].text == "Les Parties coopèrent en matière culturelle."


def test_xml_wide_encoding_that_does_not_decode_is_a_clean_error():
    with pytest.raises(AnalyserError, match="does not decode"):
        load_bytes(b"\xff\xfe<\x00t\x00" + b"\x00\xd8" * 3, "broken.xml")


def test_tota_nested_articles_are_linear():
    n = 5000
    xml = ('<treaty><body><chapter name="One">' + "<chapter>" * 50 + f"<article>{CLAUSE} " * n + "</article>" * n
           + "</chapter>" * 50 + "</chapter></body></treaty>")
    doc = load_bytes(xml.encode(), "nested.xml")
    assert len(doc.blocks) == 1 and doc.blocks[0].text.count(CLAUSE) == n


# --- plain text ------------------------------------------------------------------------------

def test_structure_of_a_long_text_matches_its_parts():
    """Headings are found in place (no copy of the rest of the text per heading): a text made of
    the same treaty many times gives as many times its provisions, with the same titles."""
    from analyser.model import Block, SourceDocument

    text = (TEXTS / "en-canada-peru-fta-excerpt.txt").read_text(encoding="utf-8")
    one = build(SourceDocument(path="a", sha256="0", format="text", blocks=[Block(text=text)]))
    many = build(SourceDocument(path="a", sha256="0", format="text", blocks=[Block(text=(text + "\n\n") * 40)]))
    headings = [p.heading.split(" > ")[-1] for p in one.provisions if p.kind == "article"]
    many_headings = [p.heading.split(" > ")[-1] for p in many.provisions if p.kind == "article"]
    assert many_headings == headings * 40


# --- DOCX ------------------------------------------------------------------------------------

def _docx_bytes(tmp_path, build=None) -> bytes:
    import docx

    d = docx.Document()
    d.add_heading("Article 22.5 Cultural Industries", level=2)
    d.add_paragraph(CLAUSE)
    d.add_paragraph("audiovisual co-production;", style="List Number")
    if build:
        build(d)
    path = tmp_path / "draft.docx"
    d.save(path)
    return path.read_bytes()


def _rezip(data: bytes, change) -> bytes:
    """The same package with its parts changed by `change(name, bytes) -> bytes | None` (None drops)."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            new = change(info.filename, src.read(info.filename))
            if new is not None:
                dst.writestr(info.filename, new)
    return out.getvalue()


def test_docx_content_controls_are_read(tmp_path):
    from docx.oxml import parse_xml

    def build(d):
        ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        d.element.body.append(parse_xml(
            f'<w:sdt {ns}><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>Each Party may adopt measures to protect '
            f'cultural diversity.</w:t></w:r></w:p></w:sdtContent></w:sdt>'))
        table = d.add_table(rows=1, cols=1)
        table.cell(0, 0)._tc.append(parse_xml(
            f'<w:sdt {ns}><w:sdtContent><w:p><w:r><w:t>Audiovisual services</w:t></w:r></w:p></w:sdtContent></w:sdt>'))

    text = load_bytes(_docx_bytes(tmp_path, build), "draft.docx").blocks[0].text
    assert "Each Party may adopt measures to protect cultural diversity." in text
    assert "Audiovisual services" in text
    assert text.index(CLAUSE) < text.index("Each Party may adopt")


@pytest.mark.parametrize("old, new", [
    (b' w:ilvl="0"', b""),  # a level without its number
    (b'<w:start w:val="1"/>', b'<w:start w:val="one"/>'),  # a start that is not a number
    (b'<w:start w:val="1"/>', b'<w:start w:val="999999999"/>'),  # a start no Roman numeral can write
])
def test_docx_odd_numbering_is_read(tmp_path, old, new):
    data = _rezip(_docx_bytes(tmp_path), lambda name, b: b.replace(old, new) if name == "word/numbering.xml" else b)
    text = load_bytes(data, "draft.docx").blocks[0].text
    assert CLAUSE in text and "audiovisual co-production;" in text


@pytest.mark.parametrize("part, content, reason", [
    ("word/_rels/document.xml.rels", b"<Relationships/>", "corrupt"),
    ("word/_rels/document.xml.rels", b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                                     b'relationships"><Relationship Id="rId1"/></Relationships>', "corrupt"),
    ("[Content_Types].xml", b"<Types/>", "corrupt"),
    ("[Content_Types].xml", None, "corrupt"),
])
def test_docx_damaged_package_is_a_clean_error(tmp_path, part, content, reason):
    data = _rezip(_docx_bytes(tmp_path), lambda name, b: content if name == part else b)
    path = tmp_path / "damaged.docx"
    path.write_bytes(data)
    assert reason in one_line_error(run("analyse", path), str(path))


@pytest.mark.parametrize("depth, ok", [(100, True), (300, False)])
def test_docx_nested_content_controls_are_read_or_refused_naming_the_depth_limit(tmp_path, depth, ok):
    def nest(name, b):
        if name != "word/document.xml":
            return b
        inner = b"<w:p><w:r><w:t>Each Party may adopt measures to protect cultural diversity.</w:t></w:r></w:p>"
        return b.replace(b"<w:body>", b"<w:body>" + b"<w:sdt><w:sdtContent>" * depth + inner
                         + b"</w:sdtContent></w:sdt>" * depth, 1)

    data = _rezip(_docx_bytes(tmp_path), nest)
    if ok:
        assert "protect cultural diversity" in load_bytes(data, "nested.docx").blocks[0].text
        return
    path = tmp_path / "nested.docx"
    path.write_bytes(data)
    assert "DOCX elements nested too deeply (over 256 levels, the XML parser's limit)" in one_line_error(
        run("analyse", path), str(path))


def test_docx_encrypted_and_bomb_parts_are_refused(tmp_path, monkeypatch):
    from analyser.ingest import docx as docx_mod

    data = bytearray(_docx_bytes(tmp_path))
    # Set the "encrypted" flag of every entry, local headers and central directory alike.
    for sig, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        pos = data.find(sig)
        while pos >= 0:
            data[pos + offset] |= 1
            pos = data.find(sig, pos + 4)
    with pytest.raises(AnalyserError, match="encrypted DOCX"):
        load_bytes(bytes(data), "locked.docx")
    bomb = _rezip(_docx_bytes(tmp_path), lambda name, b: b)
    bomb = _rezip(bomb, lambda name, b: b + b" " * 3_000_000 if name == "word/comments.xml" or name == "word/styles.xml" else b)
    monkeypatch.setattr(docx_mod, "MAX_PART_BYTES", 2 * 2**20)
    with pytest.raises(AnalyserError, match=r"too large when decompressed \(\d+ MB > 2 MB, the limit\)"):
        load_bytes(bomb, "bomb.docx")


# --- PDF -------------------------------------------------------------------------------------

ENGINES = ["pdfium", "pdfplumber"]


def _write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("engine", ENGINES)
def test_pdf_stream_bomb_is_refused_before_inflating(tmp_path, engine):
    from pdfhostile import lines, text_pdf

    path = _write(tmp_path, "bomb.pdf", text_pdf(lines(100_000), filt=True))  # 40 KB inflating to 10 MB
    assert "PDF stream too large when decompressed (> 4 MB, the limit)" in one_line_error(
        run("analyse", path, "--pdf-engine", engine, "--no-ocr"), str(path))


@pytest.mark.parametrize("engine", ENGINES)
def test_pdf_page_limits_name_the_limit(monkeypatch, engine):
    from analyser.ingest import pdf as pdf_mod
    from pdfhostile import lines, text_pdf

    data = text_pdf(lines(300))
    monkeypatch.setattr(pdf_mod, "MAX_PAGE_CHARS", 1000)
    monkeypatch.setattr(pdf_mod, "MAX_PAGE_CONTENT_BYTES", 10**6)
    with pytest.raises(AnalyserError, match=r"page 1 holds too much text \([\d,]+ characters > 1,000, the limit\)"):
        pdf_mod.PdfBackend().load(data, "dense.pdf", AnalyseOptions(pdf_engine=engine, ocr=False))
    monkeypatch.setattr(pdf_mod, "MAX_PAGE_CONTENT_BYTES", 1000)
    monkeypatch.setattr(pdf_mod, "MAX_PAGE_OBJECTS", 100)
    with pytest.raises(AnalyserError, match="page 1 (content too large|holds too many objects).*the limit"):
        pdf_mod.PdfBackend().load(data, "dense.pdf", AnalyseOptions(pdf_engine=engine, ocr=False))


@pytest.mark.parametrize("engine", ENGINES)
def test_pdf_pages_sharing_one_stream_meet_the_document_limit(tmp_path, engine):
    from pdfhostile import lines, shared_pages

    # 30 KB on disk: 2,000 pages of 90,000 characters each (16 GB and a hang before the limit)
    path = _write(tmp_path, "shared.pdf", shared_pages(lines(900), 2000))
    limit = "4,000,000" if engine == "pdfium" else "1,000,000"
    assert f"too much text (over {limit} characters by page" in one_line_error(
        run("analyse", path, "--pdf-engine", engine, "--no-ocr"), str(path))


def test_pdf_document_object_limit(monkeypatch):
    from analyser.ingest import pdf as pdf_mod
    from pdfhostile import lines, shared_pages

    monkeypatch.setattr(pdf_mod, "MAX_DOC_OBJECTS", 2500)
    with pytest.raises(AnalyserError, match=r"too many objects \(over 2,500 by page 3, the limit\)"):
        pdf_mod.PdfBackend().load(shared_pages(lines(1000), 5), "objects.pdf", AnalyseOptions(ocr=False))


@pytest.mark.parametrize("engine", ENGINES)
def test_pdf_uncompressed_content_stream_over_the_limit_is_refused(tmp_path, engine):
    from pdfhostile import text_pdf

    # 5 MB of path operators in the clear: pdfium would parse them all before counting objects
    path = _write(tmp_path, "paths.pdf", text_pdf(b"0 0 m 1 1 l S\n" * 400_000))
    line = one_line_error(run("analyse", path, "--pdf-engine", engine, "--no-ocr"), str(path))
    assert re.search(r"PDF content stream too large \(5,600,00\d bytes > 4 MB, the limit\)", line), line  # with its EOL


def test_pdfplumber_applies_the_page_limit(monkeypatch):
    from analyser.ingest import pdf as pdf_mod

    from conftest import CORPORA

    monkeypatch.setattr(pdf_mod, "MAX_PAGES", 1)
    data = (CORPORA / "pdf" / "civ-ordonnance-zlecaf-scan-fr.pdf").read_bytes()  # 2 pages
    with pytest.raises(AnalyserError, match=r"too many pages \(> 1\)"):
        pdf_mod.pdfplumber_pages(data, "long.pdf")


@pytest.mark.parametrize("engine", ENGINES)
def test_pdf_self_referencing_length_and_truncation(tmp_path, engine):
    from pdfhostile import lines, text_pdf

    path = _write(tmp_path, "selfref.pdf", text_pdf(lines(20), length=b"4 0 R"))
    res = run("analyse", path, "--pdf-engine", engine, "--no-ocr")
    assert res.returncode in (0, 2) and len(res.stderr.strip().splitlines()) <= 1, res.stderr
    good = text_pdf(lines(20))
    for cut in (len(good) // 3, len(good) - 40):
        path = _write(tmp_path, "cut.pdf", good[:cut])
        res = run("analyse", path, "--pdf-engine", engine, "--no-ocr")
        assert res.returncode in (0, 2), res.stderr  # repaired and analysed, or refused in one line
        assert len(res.stderr.strip().splitlines()) <= 1, res.stderr  # no pdfminer WARNING lines


def test_pdfplumber_encrypted_pdf_says_so(tmp_path):
    from pypdf import PdfReader, PdfWriter

    from conftest import CORPORA

    writer = PdfWriter()
    writer.append(PdfReader(CORPORA / "pdf" / "civ-ordonnance-zlecaf-scan-fr.pdf"))
    writer.encrypt(user_password="secret", owner_password="owner")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    assert "encrypted PDF" in one_line_error(run("analyse", path, "--pdf-engine", "pdfplumber", "--no-ocr"), str(path))


def test_format_pdf_on_a_cyclic_page_tree_is_a_clean_error(tmp_path):
    """pdfium reads the page; pypdf cannot copy a page tree that contains itself."""
    from pdfhostile import lines, pdf

    content = lines(30)
    data = pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])
    path = _write(tmp_path, "cyclic.pdf", data)
    out = tmp_path / "annotated.pdf"
    line = one_line_error(run("analyse", path, "--format", "pdf", "-o", out, "--no-ocr", "--no-model"), str(path))
    assert "cannot write the annotated PDF" in line and not out.exists()


def test_input_from_a_device_is_read_to_the_limit_only(monkeypatch):
    from analyser import ingest

    monkeypatch.setattr(ingest, "MAX_BYTES", 2**20)
    with pytest.raises(AnalyserError, match=r"file too large \(> 1 MB\)"):
        ingest.load("/dev/zero")


def test_long_text_without_headings_reaches_classification(tmp_path, monkeypatch):
    """A real agreement pasted as one 3-million-character line, with no heading the grammar knows:
    ingest, structure and language pass it on whole; what a long provision needs is the classify
    stage's business."""
    import re

    from analyser import classify, pipeline

    text = (TEXTS / "en-canada-peru-fta-excerpt.txt").read_text(encoding="utf-8")
    text = re.sub(r"(?im)^\s*(article|chapter|section|annex|part)\b", "Para", text).replace("\n", " ")
    path = tmp_path / "pasted.txt"
    path.write_text((text + " ") * (3_000_000 // len(text) + 1), encoding="utf-8")
    seen = []

    def reached(doc, layers):
        seen.extend(len(p.text) for p in doc.provisions)
        raise RuntimeError("classification reached")

    monkeypatch.setattr(classify, "classify", reached)
    with pytest.raises(RuntimeError, match="classification reached"):
        pipeline.analyse(path, ocr=False, model=None)
    assert max(seen) > 3_000_000 - len(text)
