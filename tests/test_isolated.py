"""`analyse_isolated`: the UI's way to analyse an upload in a child process with a time limit."""
from __future__ import annotations

import pytest

from analyser import AnalyseOptions, AnalyserError, analyse
from analyser.pipeline import analyse_isolated
from conftest import CORPORA, SAMPLE


def test_same_report_as_in_process():
    isolated, direct = analyse_isolated(SAMPLE, AnalyseOptions(timeout=120)), analyse(SAMPLE)
    assert {c: v.status for c, v in isolated.checks.items()} == {c: v.status for c, v in direct.checks.items()}
    assert [(p.id, f.label, [e.text for e in f.evidence]) for p, f in isolated.findings] == \
           [(p.id, f.label, [e.text for e in f.evidence]) for p, f in direct.findings]


def test_pdf_evidence_keeps_its_boxes():
    report = analyse_isolated(CORPORA / "pdf" / "afcfta-agreement-en.pdf", AnalyseOptions(timeout=120))
    assert report.document.layout is None
    assert any(e.page and e.boxes for _, f in report.findings for e in f.evidence)


def test_time_limit_and_bad_input_are_one_line_errors(tmp_path):
    with pytest.raises(AnalyserError, match=r"took longer than 0\.01 s"):
        analyse_isolated(CORPORA / "pdf" / "afcfta-agreement-en.pdf", AnalyseOptions(timeout=0.01))
    with pytest.raises(AnalyserError, match="no such file"):
        analyse_isolated(tmp_path / "missing.pdf", AnalyseOptions(timeout=60))
