"""Review and teach: decisions stored locally and kept across restarts, renamed files and a changed
pipeline; the report as reviewed in every format with the checks recomputed; the export read by
`analyser evaluate` and `analyser train`; the `analyser review` commands.

pta_116 (ToTA, the Cartagena Agreement) has a cooperation finding (Art. 148, culture as one
field among many), a cooperation candidate (Art. 149, "a better understanding of the cultural
... heritage") and a national-treasures finding (Art. 72): enough to accept, reject and add. The
review used throughout: Art. 148 is not cooperation but does strengthen "the cultural identity of
the Andean area" (policy space added), Art. 149's candidate is accepted."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
from dataclasses import replace

import pytest

from analyser import AnalyserError
from analyser.pipeline import analyse
from analyser.review.apply import as_reviewed
from analyser.review.decisions import SCHEMA_VERSION, ReviewStore
from analyser.review.export import to_annotation
from conftest import TEXTS, tota


@pytest.fixture(scope="module")
def andean():
    path = tota("pta_116")
    return path, analyse(path)


def _by_heading(report, article: str):
    return next(p for p in report.document.provisions if p.heading.endswith(f"> {article}"))


def _review(store: ReviewStore, report) -> None:
    """Reject Art. 148's cooperation, accept Art. 149's candidate, add policy space to Art. 148."""
    doc = report.document
    art148 = _by_heading(report, "Article 148")
    store.record(doc, art148, "reject", "cultural_cooperation", note="culture is one field among many", reviewer="Anne")
    store.record(doc, _by_heading(report, "Article 149"), "accept", "cultural_cooperation", reviewer="Anne")
    words = "strengthen the cultural identity of the Andean area"
    start = art148.text.index(words)
    store.record(doc, art148, "add", "policy_space", evidence=[{"start": start, "text": words}],
                 reviewer="Anne", note="cultural identity as an aim of the integration")
    store.note_agreement(doc, "Andean agreement: cooperation reviewed.", "Anne")


def test_store_round_trip_schema_version_and_a_newer_store_refused(tmp_path, andean):
    path, report = andean
    db = tmp_path / "review.sqlite"
    with ReviewStore(db) as store:
        _review(store, report)
        assert store.schema_version() == SCHEMA_VERSION == 1
    with ReviewStore(db) as store:  # a restart: a new connection reads what the old one wrote
        items = store.items(report.document.sha256)
        assert sorted((i.label, i.verdict.kind) for i in items) == [
            ("cultural_cooperation", "accept"), ("cultural_cooperation", "reject"), ("policy_space", "add")]
        assert next(i for i in items if i.verdict.kind == "reject").verdict.was == "finding"
        assert next(i for i in items if i.verdict.kind == "accept").verdict.was == "candidate"
        assert store.agreement_notes(report.document.sha256)[0]["reviewer"] == "Anne"
        assert sqlite3.connect(db).execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("1",)
        # a later decision supersedes an earlier one; reset clears it, the history stays
        store.record(report.document, _by_heading(report, "Article 149"), "reset", "cultural_cooperation")
        assert len([i for i in store.items(report.document.sha256) if i.verdict is not None]) == 2
        assert len(store.decisions(report.document.sha256)) == 4
    con = sqlite3.connect(db)
    con.execute("PRAGMA user_version = 99")
    con.commit()
    con.close()
    with pytest.raises(AnalyserError, match="newer than this analyser"):
        ReviewStore(db)


def test_evidence_of_an_added_label_must_be_the_provisions_words(tmp_path, andean):
    _, report = andean
    with ReviewStore(tmp_path / "r.sqlite") as store, pytest.raises(AnalyserError, match="not in the provision"):
        store.record(report.document, _by_heading(report, "Article 148"), "add", "policy_space",
                     evidence=[{"text": "cultural sovereignty"}])


def test_the_report_as_reviewed_recomputes_the_checks(tmp_path, andean):
    """An accepted candidate counts, a rejected finding does not: G6 rests on Art. 149 alone; the
    added policy space meets G7; the tool's report is left as it was."""
    _, report = andean
    assert report.checks["G6"].status == "partly" and report.checks["G7"].status == "missing"
    art148, art149 = _by_heading(report, "Article 148").id, _by_heading(report, "Article 149").id
    assert report.checks["G6"].provisions == [art148] and report.checks["G6"].candidates == [art149]
    with ReviewStore(tmp_path / "r.sqlite") as store:
        _review(store, report)
        reviewed = as_reviewed(report, store)
    assert reviewed.checks["G6"].provisions == [art149] and reviewed.checks["G6"].status == "partly"
    assert reviewed.checks["G7"].status == "met"
    assert report.checks["G6"].provisions == [art148]  # untouched
    data = reviewed.to_dict()
    p148 = next(p for p in data["provisions"] if p["id"] == art148)
    assert [f["label"] for f in p148["findings"]] == ["policy_space"] and p148["findings"][0]["layer"] == "review:Anne"
    assert p148["rejected"][0]["review"]["notes"][0]["note"] == "culture is one field among many"
    p149 = next(p for p in data["provisions"] if p["id"] == art149)
    assert p149["findings"][0]["layer"].startswith("review:Anne,") and not p149["candidates"]
    assert data["review"]["reviewed"] == 2 and data["review"]["total"] == 3 and data["review"]["reviewers"] == ["Anne"]
    assert "review" not in report.to_dict() and "rejected" not in report.to_dict()["provisions"][0]


def test_decisions_survive_a_changed_pipeline_a_renamed_file_and_shifted_provisions(tmp_path, andean):
    path, report = andean
    with ReviewStore(tmp_path / "r.sqlite") as store:
        _review(store, report)
        expected = {(p.heading, f.label) for p, f in as_reviewed(report, store).findings}
        # another pipeline: the learned layer off; and the same bytes under another name
        renamed = tmp_path / "cartagena-renamed.xml"
        shutil.copy(path, renamed)
        rules_only = analyse(renamed, model=None)
        assert rules_only.document.source != report.document.source
        assert {(p.heading, f.label) for p, f in as_reviewed(rules_only, store).findings} == expected
        # a structure stage that cuts the provisions differently: Art. 149 loses its first words
        # and moves; found again by text, as compare aligns provisions
        moved = replace(rules_only, document=replace(rules_only.document, provisions=[
            replace(p, text=p.text.split(" ", 3)[3], start=p.start + 40) if p.heading.endswith("> Article 149") else p
            for p in rules_only.document.provisions]))
        again = as_reviewed(moved, store)
        assert {(p.heading, f.label) for p, f in again.findings} == expected and not again.review["unplaced"]
        # a pipeline that no longer proposes anything (no layer at all): what the reviewer accepted
        # or added stands, with the words kept in the store; the rejected finding stays out
        bare = analyse(path, model=None, rules=False)
        assert not bare.findings
        kept = as_reviewed(bare, store)
        assert {(p.heading.rsplit("> ", 1)[-1], f.label, tuple(e.text for e in f.evidence)) for p, f in kept.findings} == {
            ("Article 148", "policy_space", ("strengthen the cultural identity of the Andean area",)),
            ("Article 149", "cultural_cooperation", ("cultural",))}


@pytest.mark.parametrize("fmt", ["json", "md", "html", "csv", "docx"])
def test_every_format_renders_as_reviewed(tmp_path, andean, fmt):
    from analyser.report import render

    _, report = andean
    with ReviewStore(tmp_path / "r.sqlite") as store:
        _review(store, report)
        out = render(as_reviewed(report, store), fmt, "fr")
    if fmt == "docx":
        import io

        from docx import Document

        out = "\n".join(p.text for p in Document(io.BytesIO(out)).paragraphs)
    if fmt == "html":
        import html

        out = html.unescape(out)
    assert "Anne" in out
    if fmt in ("md", "html", "docx"):
        assert "2 sur 3 examinés" in out and "Écartés par l'examinateur" in out and "culture is one field among many" in out
    if fmt == "csv":
        assert "review_decision" in out.splitlines()[0] and ",add,," in out.replace("Anne", "")


def test_the_annotated_pdf_and_the_qpr_entry_as_reviewed(tmp_path):
    """A PDF agreement (AfCFTA): rejecting its policy-space finding leaves G7 missing in the
    annotated PDF's notes and the periodic-report entry says no cultural provision remains."""
    import io

    from pypdf import PdfReader

    from analyser.cli import main
    from conftest import CORPORA

    pdf = CORPORA / "pdf" / "afcfta-agreement-en.pdf"
    db = str(tmp_path / "r.sqlite")
    report = analyse(pdf)
    assert report.checks["G7"].status == "met"
    with ReviewStore(db) as store:
        for p, f in report.findings:
            store.record(report.document, p, "accept" if f.label != "policy_space" else "reject", f.label,
                         reviewer="Kofi", note="checked")
    out = tmp_path / "annotated.pdf"
    assert main(["analyse", str(pdf), "--reviewed", "--review-db", db, "--format", "pdf", "-o", str(out)]) == 0
    notes = [str(a.get_object().get("/Contents")) for page in PdfReader(io.BytesIO(out.read_bytes())).pages
             for a in page.get("/Annots") or []]
    assert notes and all("Reviewer's decision: accepted" in n and "Kofi" in n for n in notes)
    assert not any("Policy space" in n for n in notes)
    qpr = tmp_path / "qpr.md"
    assert main(["qpr", str(pdf), "--reviewed", "--review-db", db, "-o", str(qpr)]) == 0
    plain = tmp_path / "qpr-plain.md"
    assert main(["qpr", str(pdf), "-o", str(plain)]) == 0
    assert qpr.read_text() != plain.read_text() and "Policy space" not in qpr.read_text()


def test_export_is_read_by_evaluate_and_train(tmp_path, andean, capsys):
    """The export is keyed as evaluate expects (ToTA: article_identifier); `analyser evaluate
    --annotations DIR` scores the tool against the reviewed labels (the rejected finding is a
    false positive, the accepted candidate and the added label are misses); `analyser train`
    learns from the export beside a corpus split and its model card names the export."""
    from analyser.cli import main
    from analyser.training.train import train

    path, report = andean
    db = tmp_path / "r.sqlite"
    with ReviewStore(db) as store:
        _review(store, report)
        reviewed = as_reviewed(report, store)
    exports = tmp_path / "exports"
    exports.mkdir()
    assert main(["review", "export", str(path), "--review-db", str(db), "-o", str(exports / "pta_116.json")]) == 0
    data = json.loads((exports / "pta_116.json").read_text())
    assert data == json.loads(json.dumps(to_annotation(reviewed, os.path.relpath(path.resolve(), exports))))
    labels = {p["article_identifier"]: p["labels"] for p in data["provisions"]}
    art = {a: _by_heading(report, f"Article {a}").source_id for a in (72, 148, 149)}
    assert labels == {art[72]: ["heritage_exception"], art[148]: ["policy_space"], art[149]: ["cultural_cooperation"]}
    assert data["checks"]["G7"] == {"status": "met", "articles": [art[148]], "why": reviewed.checks["G7"].why}
    capsys.readouterr()
    assert main(["evaluate", "--annotations", str(exports), "--errors"]) == 0
    out = capsys.readouterr().out
    assert "1 agreements, 157 articles" in out
    assert f"FP pta_116 art {art[148]} cultural_cooperation" in out and f"FN pta_116 art {art[149]} cultural_cooperation" in out
    assert f"FN pta_116 art {art[148]} policy_space" in out
    meta = train(tmp_path / "model", epochs=1, splits=("seed",), exports=(exports,))
    assert meta["train_splits"] == ["seed", "review:exports"]
    assert meta["exports"][0]["file"] == str(exports / "pta_116.json")
    assert meta["exports"][0]["document_sha256"] == report.document.sha256 and meta["exports"][0]["labelled_articles"] == 3
    assert json.loads((tmp_path / "model" / "meta.json").read_text())["exports"] == meta["exports"]
    capsys.readouterr()  # the retrained copy scored on the export: `evaluate --model-dir`
    assert main(["evaluate", "--annotations", str(exports), "--layers", "model", "--model-dir", str(tmp_path / "model")]) == 0
    assert "(model): 1 agreements, 157 articles" in capsys.readouterr().out


def test_an_export_of_a_text_is_keyed_by_heading_and_found_beside_the_export(tmp_path, capsys):
    """Any input format: a plain text keyed by heading path; the document copied beside the
    export (the path it was exported from is gone) is found there."""
    from analyser.cli import main

    original = TEXTS / "en-canada-peru-fta-excerpt.txt"
    folder = tmp_path / "exports"
    folder.mkdir()
    copy = tmp_path / "excerpt.txt"
    shutil.copy(original, copy)
    db = str(tmp_path / "r.sqlite")
    assert main(["review", "accept", str(copy), "1", "2", "3", "--review-db", db]) == 0
    assert main(["review", "export", str(copy), "--review-db", db, "-o", str(folder / "excerpt.json")]) == 0
    data = json.loads((folder / "excerpt.json").read_text())
    assert data["keyed_by"] == "heading" and data["review"]["reviewed"] == data["review"]["total"] == 3
    assert "Chapter TWENTY TWO EXCEPTIONS > Article 2205 Cultural Industries" in {p["article_identifier"] for p in data["provisions"]}
    shutil.move(copy, folder / "excerpt.txt")
    capsys.readouterr()
    assert main(["evaluate", "--annotations", str(folder)]) == 0
    assert "micro P 1.000 R 1.000 F1 1.000" in capsys.readouterr().out


def test_review_commands(tmp_path, capsys):
    from analyser.cli import main

    path = tota("pta_116")
    db = ["--review-db", str(tmp_path / "r.sqlite")]
    assert main(["review", "list", str(path), *db]) == 0
    listing = capsys.readouterr().out
    assert listing.startswith("0 of 3 reviewed") and "candidate cultural_cooperation" in listing
    assert main(["review", "reject", str(path), "2", *db, "--note", "one field among many", "--reviewer", "Anne"]) == 0
    assert main(["review", "accept", str(path), "3", *db]) == 0
    assert main(["review", "relabel", str(path), "1", "--label", "cultural_exemption", "--scope", "chapter", *db]) == 0
    assert main(["review", "list", str(path), "--provisions", "--grep", "cultural identity", *db]) == 0
    pid = capsys.readouterr().out.splitlines()[1].split("\t")[0]
    assert main(["review", "add", str(path), pid, "--label", "policy_space", "--words",
                 "strengthen the cultural identity of the Andean area", *db]) == 0
    assert main(["review", "note", str(path), "--note", "Reviewed in one sitting.", *db]) == 0
    assert main(["review", "note", str(path), "1", "--note", "national treasures are not an exemption", *db]) == 0
    capsys.readouterr()
    assert main(["review", "list", str(path), *db]) == 0
    listing = capsys.readouterr().out
    assert listing.startswith("3 of 3 reviewed") and "heritage_exception -> cultural_exemption" in listing
    assert "reject" in listing and "Notes on the agreement: Reviewed in one sitting." in listing
    assert main(["analyse", str(path), "--reviewed", *db, "--format", "md"]) == 0
    md = capsys.readouterr().out
    assert "relabelled (was: National treasures exception)" in md and "national treasures are not an exemption" in md
    # bad input: one line, exit 2
    assert main(["review", "accept", str(path), "9", *db]) == 2
    assert main(["review", "add", str(path), pid, "--label", "policy_space", "--words", "not in the text at all", *db]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-2].startswith("analyser: error: 9: no such item") and "not in the provision's text" in err[-1]


def test_training_refuses_an_export_of_a_held_out_document(tmp_path):
    """Only the export's JSON is written here (no held-out text is read): its `source` names a
    file of HOLDOUT.txt, and training stops before reading anything else."""
    from analyser.training.corpus import held_out_files
    from analyser.training.train import read_exports

    held = sorted(held_out_files())
    if not held:
        pytest.skip("the shared corpus (and its HOLDOUT.txt) is absent")
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "x.json").write_text(json.dumps({"treaty": "x", "source": f"../{held[0]}", "keyed_by": "heading",
                                               "provisions": [], "checks": {}}), encoding="utf-8")
    with pytest.raises(AnalyserError, match="held out"):
        read_exports((folder,))
