"""The review controls of the Streamlit app, driven by Streamlit's AppTest on the Canada-Peru
excerpt (chapters 15 and 22, plain text): accept on a card, reject from the queue, the progress
line, the report as reviewed (checks recomputed), a missed label added with words of the
provision (words that are not its own refused), and the decisions still there in a new session."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

APP = str(Path(__file__).resolve().parent.parent / "ui" / "app.py")
EXCERPT = "Canada - Peru FTA, chapters 15 and 22 (text)"


def _open(db: Path) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.selectbox(key="sample").select(EXCERPT).run()
    assert not at.exception
    return at


def _html(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown)


def _progress(at: AppTest) -> str:
    return re.findall(r"review-progress'>([^<]*)<", _html(at))[0]


def test_review_in_the_app_and_again_in_a_new_session(tmp_path, monkeypatch):
    db = tmp_path / "review.sqlite"
    monkeypatch.setenv("ANALYSER_REVIEW_DB", str(db))
    at = _open(db)
    assert _progress(at) == "0 of 3 reviewed"
    at.toggle(key="as_reviewed").set_value(True).run()
    assert not db.exists()  # looking, even as reviewed, writes nothing; the first decision creates the store
    at.toggle(key="as_reviewed").set_value(False).run()
    at.button(key="rv-p65-cultural_exemption-accept").click().run()
    assert _progress(at) == "1 of 3 reviewed"
    # the queue shows the first undecided item (the preamble's policy space); X rejects it
    assert "data-id='p24' data-label='policy_space'" in _html(at)
    at.button(key="queue-reject").click().run()
    assert _progress(at) == "2 of 3 reviewed"
    assert sorted(re.findall(r"data-decision='(\w+)'", _html(at))) == ["accept", "reject"]
    # a missed label on Art. 1501(1): the Exceptions chapter, cultural industries included, reaches e-commerce
    at.text_input(key="query").set_value("Chapter Twenty-Two (Exceptions) applies").run()
    at.selectbox(key="rv-add-p28-label").select("digital_trade").run()
    at.checkbox(key="rv-add-p28-carve").check().run()
    at.text_input(key="rv-add-p28-words").set_value("Chapter Twenty-Two (Exceptions) applies to trade conducted by electronic means").run()
    at.button(key="rv-add-p28-button").click().run()
    assert "class='review-added' data-label='digital_trade'" in _html(at)
    at.text_input(key="rv-add-p28-words").set_value("cultural sovereignty").run()
    at.button(key="rv-add-p28-button").click().run()
    assert any("not in the provision" in e.value for e in at.error)
    # the report as reviewed: the preamble's policy space no longer counts, the exemption still meets G7
    assert re.findall(r"data-check='G4' data-status='(\w+)'", _html(at)) == ["met"]
    at.toggle(key="as_reviewed").set_value(True).run()
    assert not at.exception
    statuses = dict(re.findall(r"data-check='(G\d)' data-status='([^']+)'", _html(at)))
    assert statuses["G3"] == "met" and statuses["G4"] == "met" and statuses["G7"] == "met"
    # a new session (a reload, a restart): the decisions come from the store
    again = _open(db)
    assert _progress(again) == "2 of 3 reviewed"
    html = _html(again)
    assert "data-decision='accept'" in html and "data-decision='reject'" in html
    assert "class='review-added' data-label='digital_trade'" in html


def test_relabel_and_add_wait_for_a_chosen_label_and_the_name_survives_a_new_session(tmp_path, monkeypatch):
    """No label is chosen in advance in the relabel and add forms (one click relabelled a finding
    as a Convention reference), and a new session starts with the last reviewer's name."""
    db = tmp_path / "review.sqlite"
    monkeypatch.setenv("ANALYSER_REVIEW_DB", str(db))
    at = _open(db)
    assert at.text_input(key="reviewer").value == ""
    relabel = at.selectbox(key="rv-p65-cultural_exemption-label")
    assert relabel.value is None and at.button(key="rv-p65-cultural_exemption-relabel").disabled
    assert at.selectbox(key="rv-add-p65-label").value is None and at.button(key="rv-add-p65-button").disabled
    at.text_input(key="reviewer").set_value("M. Diop").run()
    relabel.select("policy_space").run()
    assert not at.button(key="rv-p65-cultural_exemption-relabel").disabled
    at.button(key="rv-p65-cultural_exemption-relabel").click().run()
    assert "data-decision='relabel'" in _html(at)
    again = _open(db)
    assert again.text_input(key="reviewer").value == "M. Diop"


def test_no_progress_line_when_there_is_nothing_to_review():
    """An agreement with no finding and no candidate (the French Netherlands-Senegal BIT) has
    nothing to review: no "0 of 0 reviewed" line (a trial user read it as a fault)."""
    def page():
        from analyser.i18n import Texts
        from analyser.pipeline import analyse
        from conftest import TEXTS
        from ui import review

        report = analyse(TEXTS / "fr-pays-bas-senegal-tbi.md")
        state = review.State(total=sum(len(p.findings) + len(p.candidates) for p in report.document.provisions))
        review.progress(state, Texts("fr"))
        review.progress(review.State(done=1, total=3), Texts("fr"))

    at = AppTest.from_function(page, default_timeout=120).run()
    assert not at.exception
    assert [m.value for m in at.markdown if "review-progress" in m.value] == [
        "<span class='review-progress'>1 sur 3 examinés</span>"]
