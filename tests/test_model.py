"""The learned layer: training is seeded and reproducible, the model loads offline, and a
model finding carries evidence from the provision."""
from __future__ import annotations

import json

import pytest

from analyser import AnalyserError
from analyser.classify.learned import MODEL_DIR, ModelClassifier, passes_net
from analyser.model import Provision
from analyser.training.train import train
from conftest import SHARED_TOTA, TOTA

pytestmark = pytest.mark.skipif(not SHARED_TOTA.is_dir(), reason="training reads the labelled ToTA agreements")


def test_train_is_reproducible_and_the_model_classifies(tmp_path):
    meta_a = train(tmp_path / "a", epochs=2, splits=("seed", "dev"))
    meta_b = train(tmp_path / "b", epochs=2, splits=("seed", "dev"))
    assert meta_a["thresholds"] == meta_b["thresholds"] and meta_a["examples"] == meta_b["examples"] > 50
    assert meta_a["solo_thresholds"] == meta_b["solo_thresholds"]
    # out-of-fold validation (seed scored by a model trained on dev and back) and calibration
    heritage = meta_a["validation"]["heritage_exception"]
    assert heritage["examples"] > 0 and {"rules", "model", "combined"} <= set(heritage)
    assert heritage["combined"]["f1"] >= heritage["rules"]["f1"]  # a threshold never makes combined worse
    bins = meta_a["calibration"]["heritage_exception"]["bins"]
    assert sum(b["articles"] for b in bins) > 50 and all(0 <= b["labelled"] <= 1 for b in bins)
    assert set(meta_a["validation_by_language"]) >= {"en"}
    model = ModelClassifier(tmp_path / "a")
    text = ("The Parties shall cooperate to promote cultural exchanges, audiovisual co-production and the "
            "circulation of artists between them.")
    scores = model.scores(text)
    assert set(scores) == set(meta_a["labels"]) and all(0 <= v <= 1 for v in scores.values())
    model.thresholds = {k: 0.0 for k in model.thresholds}  # force findings to check their evidence
    p = Provision(id="p1", kind="article", heading="Article 1", text=text, start=0, end=len(text), language="en")
    for f in model.classify(p):
        assert f.layer.startswith("model:") and f.evidence and text[f.evidence[0].start:f.evidence[0].end] == f.evidence[0].text
    assert json.loads((tmp_path / "a" / "meta.json").read_text())["seed"] == 0


def test_training_refuses_the_held_back_split(tmp_path):
    with pytest.raises(AnalyserError, match="held back"):
        train(tmp_path / "x", epochs=1, splits=("seed", "test"))


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(AnalyserError, match="no trained model here"):
        ModelClassifier(tmp_path / "nothing")


def test_net():
    assert passes_net("audiovisual services") and not passes_net("customs valuation of goods")
    assert passes_net("AUDIO-VISUAL SERVICES") and passes_net("RADIODIFFUSION") and passes_net("PATRIMOINE CULTUREL")
    # characters that match a letter of the net only when the case is ignored: the search ignores the case
    assert passes_net("broadcaſt “rights”") and passes_net("İdentity") and passes_net("CONVENTION ON CULTURAL DİVERSİTY")


def test_net_on_lower_cased_ascii_answers_as_the_case_insensitive_search():
    """passes_net's fast path (text lower-cased, case-sensitive pattern, alternatives grouped by
    first letter) against the plain case-insensitive search of net.yaml's pattern as written, on
    every block of the ToTA corpus and on each of its lines."""
    import re

    from analyser import ingest
    from analyser.classify.learned import _net, net_pattern

    assert _net()[1] is not None
    anycase = re.compile(net_pattern(), re.I)
    assert anycase.pattern != _net()[0].pattern
    checked = flagged = ascii_texts = 0
    for path in sorted(TOTA.glob("pta_*.xml")):
        for block in ingest.load(path).blocks:
            for text in [block.text, *block.text.splitlines()]:
                assert passes_net(text) == bool(anycase.search(text)), (path.name, text[:80])
                checked += 1
                flagged += passes_net(text)
                ascii_texts += text.isascii()
    assert checked > 10000 and flagged > 100 and ascii_texts > checked // 2


def test_layers_rules_model_alone_and_combined():
    """The evaluation's three settings: the shipped model alone runs at its solo thresholds and
    names itself as the only layer; combined keeps the rules' findings."""
    from analyser.classify import layers
    from analyser.pipeline import analyse
    from conftest import SAMPLE

    assert [layer.name for layer in layers(None)] == ["rules"]
    alone = layers(MODEL_DIR, rules=False)
    assert [layer.name for layer in alone] == ["model"]
    assert alone[0].thresholds == {k: float(v) for k, v in alone[0].model.meta["solo_thresholds"].items()}
    solo = analyse(SAMPLE, rules=False)
    assert solo.findings and all(f.layer.startswith("model:") for _, f in solo.findings)
    both = analyse(SAMPLE)
    rules = analyse(SAMPLE, model=None)
    assert {(p.id, f.label) for p, f in rules.findings} <= {(p.id, f.label) for p, f in both.findings}


def test_a_model_switched_off_everywhere_says_so(caplog, monkeypatch):
    """A learned layer with every combined threshold off warns that it adds nothing."""
    from analyser.classify import layers
    import analyser.classify as model_module

    class Stub:
        name, layer, meta = "model", "model:stub", {}

        def __init__(self, thresholds):
            self.thresholds = thresholds

    monkeypatch.setattr(model_module, "load_model", lambda folder: Stub({"heritage_exception": 1.01}))
    layers(MODEL_DIR)
    assert "adds nothing" in caplog.text
    caplog.clear()
    monkeypatch.setattr(model_module, "load_model", lambda folder: Stub({"heritage_exception": 0.3}))
    layers(MODEL_DIR)
    assert "adds nothing" not in caplog.text


def test_a_regular_install_ships_the_model():
    """pyproject's data-files cover every file of the shipped model, and the loader finds the
    installed copy (<prefix>/share/...) when no source tree is beside the package."""
    import glob
    import tomllib
    from pathlib import Path

    from analyser.classify.learned import MODEL_DIR

    root = Path(__file__).resolve().parent.parent
    data_files = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["data-files"]
    shipped = {Path(f) for patterns in data_files.values() for pattern in patterns for f in glob.glob(str(root / pattern))}
    assert shipped == {f for f in MODEL_DIR.rglob("*") if f.is_file()}
    for target, patterns in data_files.items():  # each file lands at its own relative place
        for pattern in patterns:
            assert target == f"share/culture-trade-analyser/{Path(pattern).parent}"


def test_the_loader_falls_back_to_the_installed_copy(tmp_path, monkeypatch):
    from analyser import options

    installed = tmp_path / "share" / "culture-trade-analyser" / "models" / "textcat-bow"
    installed.mkdir(parents=True)
    monkeypatch.setattr(options.sys, "prefix", str(tmp_path))
    monkeypatch.setattr(options, "__file__", str(tmp_path / "site-packages" / "analyser" / "options.py"))
    assert options.bundled_model_dir() == installed
