"""The evaluation harness: gold loading and scores on the seed split."""
from __future__ import annotations

from analyser import evaluate
from conftest import CORPORA, SHARED_TOTA, TOTA


def test_gold_loader_reads_seed_shape():
    gold = evaluate.load_gold(CORPORA / "annotations" / "seed" / "pta_145.json")
    assert gold["labels"]["12870"] == {"convention_reference", "cultural_cooperation"}
    assert gold["checks"]["G4"] == "partly"


def test_seed_split_scores():
    files = evaluate.annotation_files("seed", CORPORA / "annotations")
    assert len(files) == 9
    vendored = [f for f in files if (TOTA / f.name.replace(".json", ".xml")).exists()]
    scores = evaluate.score(files if SHARED_TOTA.is_dir() else vendored)
    macro, labels = scores.macro_f1()
    assert 0.0 <= macro <= 1.0 and labels
    assert scores.checks_total == 8 * scores.agreements
    text = evaluate.format_scores(scores, "seed")
    assert "check accuracy" in text and "convention_reference" in text


def test_splits_resolve_to_files_and_test_stays_out_of_tuning():
    annotations = CORPORA / "annotations"
    test = {f.name for f in evaluate.annotation_files("test", annotations)}
    tuning = {f.name for f in evaluate.annotation_files("tuning", annotations)}
    everything = {f.name for f in evaluate.annotation_files("all", annotations)}
    assert len(test) == 35 and not test & tuning and test | tuning == everything


def test_unknown_split_is_a_clear_error():
    import pytest

    from analyser.errors import AnalyserError

    with pytest.raises(AnalyserError, match="no split 'tset'"):
        evaluate.annotation_files("tset", CORPORA / "annotations")
