"""The user's cache folder (issue 18): py3langid's model kept uncompressed gives the same answers,
and an unusable cache folder only costs time."""
from __future__ import annotations

import numpy as np
import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from analyser import cache
from analyser.language import _py3langid_model
from conftest import tota

TEXTS = ["Les Parties reconnaissent l'importance de la diversité culturelle.",
         "Las Partes cooperarán en el ámbito de las industrias culturales.",
         "Nothing in this Agreement shall apply to measures affecting cultural industries."]


@pytest.fixture(scope="module")
def reference():
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _same(a, b, texts):
    assert np.array_equal(np.asarray(a.nb_ptc), b.nb_ptc) and a.nb_classes == b.nb_classes
    assert np.array_equal(np.asarray(a.tk_nextmove), np.asarray(b.tk_nextmove))
    assert list(a.tk_row) == list(b.tk_row) and list(a.tk_output) == list(b.tk_output)
    for t in texts:
        assert a.classify(t) == b.classify(t) and a.rank(t) == b.rank(t)
    if hasattr(a, "prepare"):  # counted all at once (langid_batch.py): the same answers again
        a.prepare(texts)
        assert [a.classify(t) for t in texts] == [b.classify(t) for t in texts]
        assert [a.rank(t) for t in texts] == [b.rank(t) for t in texts]
        a.forget()


def test_cached_model_answers_as_the_packaged_one(tmp_path, monkeypatch, reference):
    from analyser import ingest

    monkeypatch.setenv("ANALYSER_CACHE_DIR", str(tmp_path))
    texts = TEXTS + [b.text for b in ingest.load(tota("pta_86")).blocks[:20]] + ["", "2.", "ÉTÉ", "\u00a0" * 3]
    built = _py3langid_model()  # builds the entry
    assert type(built).__name__ == "BatchIdentifier"
    entries = [p for p in tmp_path.iterdir() if p.name.startswith("py3langid-")]
    assert len(entries) == 1 and (entries[0] / ".complete").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder left
    _same(built, reference, texts)
    _same(_py3langid_model(), reference, texts)  # read back from the entry


def test_unusable_cache_falls_back(tmp_path, monkeypatch, reference):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("ANALYSER_CACHE_DIR", str(blocked / "cache"))
    assert cache.entry("x", lambda folder: None) is None
    _same(_py3langid_model(), reference, TEXTS)
    monkeypatch.setenv("ANALYSER_CACHE_DIR", "off")
    assert cache.cache_dir() is None
    _same(_py3langid_model(), reference, TEXTS)


def test_a_model_without_a_byte_to_pad_with_falls_back_to_py3langids_walk(monkeypatch, reference):
    """langid_batch pads each text with a byte that keeps the automaton's start state; a model
    with no such byte is refused there and language.py uses py3langid's own walk instead."""
    from analyser import langid_batch

    def refuse(self, *args, **kwargs):
        raise ValueError("no byte to pad texts with")

    monkeypatch.setattr(langid_batch.BatchIdentifier, "__init__", refuse)
    fallback = _py3langid_model()
    assert type(fallback) is LanguageIdentifier
    _same(fallback, reference, TEXTS)
