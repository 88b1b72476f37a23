"""The transformers backend end to end with a tiny BERT the test builds from a config: train a
few steps on real labelled provisions, save, load, predict. Nothing is downloaded."""
from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
tokenizers = pytest.importorskip("tokenizers")

from analyser.classify import load_model  # noqa: E402
from analyser.model import LABELS, Provision  # noqa: E402
from analyser.training.train import provision_examples, train_hf  # noqa: E402
from analyser.training.corpus import ANNOTATIONS, annotation_files  # noqa: E402
from conftest import SHARED_TOTA  # noqa: E402

pytestmark = pytest.mark.skipif(not SHARED_TOTA.is_dir(), reason="training reads the labelled ToTA agreements")


def _tiny_checkpoint(folder, texts):
    wordpiece = tokenizers.BertWordPieceTokenizer(lowercase=True)
    wordpiece.train_from_iterator(texts, vocab_size=800, min_frequency=1)
    folder.mkdir()
    wordpiece.save_model(str(folder))
    tokenizer = transformers.BertTokenizerFast(vocab_file=str(folder / "vocab.txt"))
    tokenizer.save_pretrained(folder)
    config = transformers.BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=300)
    transformers.BertForSequenceClassification(config).save_pretrained(folder)
    return folder


def test_train_save_load_predict_offline(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    texts = [t for t, *_ in provision_examples(annotation_files("seed", ANNOTATIONS)[:3], folded=False)]
    base = _tiny_checkpoint(tmp_path / "tiny-bert", texts)
    meta = train_hf(base, tmp_path / "trained", splits=("seed",), epochs=1, max_steps=3)
    assert meta["backend"] == "transformers" and meta["steps"] == 3 and meta["labels"] == list(LABELS)
    model = load_model(str(tmp_path / "trained"))
    text = ("Nothing in this Agreement shall be construed to apply to measures adopted or maintained by either Party "
            "with respect to cultural industries.")
    scores = model.scores(text)
    assert set(scores) == set(LABELS) and all(0.0 <= s <= 1.0 for s in scores.values())
    model.thresholds = {lab: 0.0 for lab in LABELS}
    p = Provision(id="p1", kind="article", heading="Article 2205", text=text, start=0, end=len(text), language="en")
    findings = model.classify(p)
    assert {f.label for f in findings} == set(LABELS)
    assert all(f.layer.startswith("model:transformers") and f.evidence[0].text in text for f in findings)
