"""The Streamlit app, driven by Streamlit's own AppTest: samples, scorecard, filters, languages."""
from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402
from conftest import pdf_page  # noqa: E402

APP = str(Path(__file__).resolve().parent.parent / "ui" / "app.py")


def _app():
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    return at


def _statuses(at):
    html = " ".join(m.value for m in at.markdown)
    return {cid: status for cid, status in
            __import__("re").findall(r"data-check='(G\d)' data-status='([^']+)'", html)}


def test_sample_shows_the_scorecard_first():
    at = _app()
    at.selectbox(key="sample").select("Canada - Peru FTA (ToTA XML, 2008)").run()
    assert not at.exception
    statuses = _statuses(at)
    assert statuses == {"G1": "missing", "G2": "missing", "G3": "met", "G4": "met", "G5": "missing",
                        "G6": "missing", "G7": "met", "G8": "missing"}
    text = " ".join(m.value for m in at.markdown)
    assert "Cultural Industries" in text and "rule: exempts cultural industries from the agreement" in text
    assert "rule:cultural_industries_exception" not in text and "Cultural exemption" in text


def test_pdf_sample_renders_a_page_with_highlights():
    at = _app()
    at.selectbox(key="sample").select("AfCFTA Agreement (PDF, 77 pages)").run()
    assert not at.exception
    assert _statuses(at)["G7"] == "met"
    assert at.number_input(key="page_input").value == 3  # the first page with a finding
    captions = [c for img in at.get("image") for c in img.proto.imgs for c in [c.caption]]
    # "protection" and "cultural diversity" drawn on PDF page 3, printed page 2 (as the reports cite it)
    assert "p. 2 (PDF page 3) · 2 highlights" in captions


def test_filters_and_french_interface():
    at = _app()
    at.selectbox(key="ui_lang").select("fr").run()
    at.selectbox(key="sample").select_index(1).run()  # Canada - Peru FTA, named in French
    assert "Lacunes (Directives opérationnelles, paragraphes 18 et 19)" in [s.value for s in at.subheader]
    labels = at.multiselect(key="labels-fr")  # one filter widget per interface language
    assert "Traitement préférentiel" in labels.options  # plain names; the values stay identifiers
    kept = [v for v in labels.value if v not in {"cultural_exemption", "policy_space", "digital_trade"}]
    labels.set_value(kept).run()
    assert "Aucune clause culturelle avec ces filtres." in [i.value for i in at.info]
    # switching the interface language keeps the choice, worded in the new language
    at.selectbox(key="ui_lang").select("es").run()
    assert at.multiselect(key="labels-es").value == kept
    assert "Trato preferente" in at.multiselect(key="labels-es").options


def test_spanish_interface_strings():
    at = _app()
    at.selectbox(key="ui_lang").select("es").run()
    assert at.title[0].value == "La cultura en los acuerdos comerciales"


def test_precedents_follow_the_scorecard():
    at = _app()
    at.selectbox(key="sample").select("Canada - Peru FTA (ToTA XML, 2008)").run()
    assert "Precedent clauses for the gaps" in [s.value for s in at.subheader]
    labels = [e.label for e in at.expander]
    assert any(label.startswith("G1 · missing") for label in labels)


def test_french_precedents_name_their_language_and_words():
    """The precedents' heading and reason as a French reader sees them: "anglais", whole words."""
    at = _app()
    at.selectbox(key="ui_lang").select("fr").run()
    at.selectbox(key="sample").select("Canada - Peru FTA (ToTA XML, 2008)").run()
    shown = "\n".join(m.value for m in at.markdown)
    assert "(2006, anglais), Article 101 Cultural Cooperation" in shown
    assert "porte sur : cultural, diversity, UNESCO" in shown and "diversit," not in shown


def test_search_hits_never_break_the_markup():
    """A search for a word that also appears in the markup ("mark", "style") underlines text only."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("app_module", APP)
    app = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(app)
    text = "Nothing in this Agreement shall apply to measures with respect to cultural industries (style of marks)."
    start = text.index("cultural industries")
    spans = [(start, start + len("cultural industries"), "cultural_exemption")]
    for query in ("mark", "style", "Cultural", "<b>"):
        html = app.highlighted(text, spans, query)
        assert html.count("<mark ") == 1 and html.count("</mark>") == 1
        assert __import__("re").sub(r"<[^>]+>", "", html) == __import__("html").escape(text)
    assert "<u><b>cultural</b></u> industries</mark>" in app.highlighted(text, spans, "CULTURAL")


def test_go_to_page_moves_the_page_view_to_the_evidence():
    """Clicking "Go to page N" on a finding sets the page input (before it is drawn) to the page of
    that finding's evidence, and the page image shows that page with the evidence framed."""
    at = _app()
    at.selectbox(key="sample").select("AfCFTA Agreement (PDF, 77 pages)").run()
    buttons = [b for b in at.button if b.key and b.key.startswith("go-")]
    target = next(b for b in buttons if pdf_page(b.label) != 3)
    page = pdf_page(target.label)
    target.click().run()
    assert not at.exception
    assert at.number_input(key="page_input").value == page
    captions = [c.caption for img in at.get("image") for c in img.proto.imgs]
    assert any(pdf_page(c.split(" · ")[0]) == page for c in captions), captions
    # the scorecard jumps too: one button per supporting provision, to the page of its evidence
    jump = next(b for b in at.button if b.key and b.key.startswith("jump-G7-"))
    jump_page = pdf_page(jump.label.rsplit(" · ", 1)[1])
    jump.click().run()
    assert at.number_input(key="page_input").value == jump_page
    html = " ".join(m.value for m in at.markdown)
    assert "class='supporting'" in html and f"(PDF page {jump_page})</a>" in html and ">p9<" not in html
    # PDF provision cards carry the provision text with the evidence marked (as HTML, not Markdown)
    texts = " ".join(h.value for h in at.html)
    assert "class='provision-text'" in texts and "<mark " in texts


def test_analytics_tab_lists_batch_folders_under_the_root(tmp_path, monkeypatch):
    from analyser.batch import run
    from conftest import CORPORA

    run([str(CORPORA / "tota")], tmp_path / "tota-run", workers=1, progress=False)
    monkeypatch.setenv("ANALYSER_BATCH_ROOT", str(tmp_path))
    at = _app()
    assert at.selectbox(key="stats_folder").options == ["tota-run"]
    at.selectbox(key="stats_folder").select("tota-run").run()
    assert not at.exception
    assert "**7 agreements analysed**" in [m.value for m in at.markdown]
    assert len(at.dataframe) == 4 and not at.code  # tables, not a block of code
    assert "None in this corpus." in [c.value for c in at.caption]  # no party meets G3 in 3 or more here
    region = at.dataframe[2].value
    assert list(region.columns) == ["region", "G1", "G3", "G4", "G6", "agreements"]


def test_qpr_export_and_downloads_follow_the_interface_language():
    at = _app()
    at.selectbox(key="ui_lang").select("es").run()
    at.selectbox(key="sample").select_index(1).run()  # "TLC Canadá - Perú (XML de ToTA, 2008)"
    assert "TLC Canadá - Perú (XML de ToTA, 2008)" in at.selectbox(key="sample").options
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "#### Informe periódico, sección de tratados" in text
    assert "**3 de 8 criterios aplicables cumplidos**" in text  # the one-line summary, in Spanish
    buttons = [b.proto.label for b in at.get("download_button")]
    assert buttons.count("Word (DOCX)") == 2 and "CSV" in buttons  # the report and the QPR entry
    assert "Exención cultural" in text and "cultural_exemption" not in text


def test_downloads_are_in_the_interface_language_not_the_agreement_s():
    """An English agreement screened with the interface in French: the downloaded reports are French."""
    import json

    from ui import app

    from analyser import analyse
    from conftest import SAMPLE

    report = analyse(SAMPLE, model=None)
    files = app.exports.__wrapped__(report.document.sha256, "fr", report, None)
    assert "Lacunes (Directives opérationnelles, paragraphes 18 et 19)" in files["md"]
    assert json.loads(files["json"])["checks"]["G1"]["question"].startswith("L'accord")
