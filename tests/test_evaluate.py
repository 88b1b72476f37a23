"""The evaluation harness: gold loading and scores on the seed split."""
from __future__ import annotations

import pytest

from analyser.training import corpus, evaluate
from conftest import CORPORA, SHARED_TOTA, TOTA


def test_gold_loader_reads_seed_shape():
    gold = corpus.load_gold(CORPORA / "annotations" / "seed" / "pta_145.json")
    assert gold["labels"]["12870"] == {"convention_reference", "cultural_cooperation"}
    assert gold["checks"]["G4"] == "partly"


def test_seed_split_scores():
    files = corpus.annotation_files("seed", CORPORA / "annotations")
    assert len(files) == 9
    vendored = [f for f in files if (TOTA / f.name.replace(".json", ".xml")).exists()]
    scores = evaluate.score(files if SHARED_TOTA.is_dir() else vendored)
    macro, labels = scores.macro_f1()
    assert 0.0 <= macro <= 1.0 and labels
    assert scores.checks_total == 8 * scores.agreements
    text = evaluate.format_scores(scores, "seed")
    assert "check accuracy" in text and "convention_reference" in text


def test_splits_resolve_to_files_and_held_back_splits_stay_out_of_tuning():
    annotations = CORPORA / "annotations"
    held_back = {f.name for f in corpus.annotation_files("held-back", annotations)}
    tuning = {f.name for f in corpus.annotation_files("tuning", annotations)}
    everything = {f.name for f in corpus.annotation_files("all", annotations)}
    assert len(held_back) == 35 and len(corpus.annotation_files(("test2", "texts"), annotations)) == 50 + 8
    assert not held_back & tuning and held_back | tuning == everything


def test_non_tota_gold_is_keyed_by_heading_path_and_every_key_exists():
    """The texts split labels PDFs and plain texts by article heading path; a key the structure
    stage no longer produces would silently turn into a miss, so each must still exist. Headings
    the structure stage makes up are in the document's language ("Préambule > Considérant 3")."""
    from analyser import ingest, language, structure

    for f in corpus.annotation_files("texts", CORPORA / "annotations"):
        gold = corpus.load_gold(f)
        path = corpus.document_path(gold)
        if not path.exists():
            pytest.skip("the shared corpus is absent")
        doc = language.assign(structure.build(ingest.load(path)))
        structure.localise_headings(doc)
        keys = {corpus.article_of(gold)(p) for p in doc.provisions}
        assert set(gold["labels"]) <= keys, f.name
        if gold.get("language") == "fr":
            assert not any("Preamble" in k or "Recital" in k for k in keys), f.name


def test_french_bit_scores_per_language():
    files = [f for f in corpus.annotation_files("texts", CORPORA / "annotations") if "mali" in f.name]
    if not corpus.document_path(corpus.load_gold(files[0])).exists():
        pytest.skip("the shared corpus is absent")
    scores = evaluate.score(files)
    assert set(scores.by_language) == {"fr"} and scores.checks_total == 8
    assert "no label has an example" in evaluate.format_scores(scores.by_language["fr"], "fr")


def test_unknown_split_is_a_clear_error():
    from analyser.errors import AnalyserError

    with pytest.raises(AnalyserError, match="no split 'tset'"):
        corpus.annotation_files("tset", CORPORA / "annotations")


def test_an_installed_package_is_told_where_the_corpora_are(tmp_path):
    """The labelled corpora come with the source tree: without them, one line says what to give."""
    from analyser.errors import AnalyserError

    with pytest.raises(AnalyserError, match=r"no annotation splits here .*give --annotations DIR"):
        corpus.annotation_files("seed", tmp_path)
    with pytest.raises(AnalyserError, match="no parallel clauses here"):
        evaluate.parallel_consistency(tmp_path / "clauses.jsonl")
