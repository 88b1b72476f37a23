"""The learned layer: a spaCy textcat_multilabel model (bag of words and bigrams over folded
text, one model for EN/FR/ES) trained by `analyser train`, thresholded per label.

It classifies only provisions that pass the broad keyword net (data/net.yaml). A model-only
finding cites as evidence the sentence of the provision that the model scores highest for the
label, so every finding stays checkable.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import yaml

from analyser.classify.textnorm import fold
from analyser.errors import AnalyserError
from analyser.model import Evidence, Finding, Provision

DATA = Path(__file__).resolve().parent.parent / "data"
MODEL_DIR = Path(__file__).resolve().parent.parent.parent / "models" / "textcat-bow"
# Attributes a model-only finding cannot read off its evidence: the conservative value.
DEFAULT_ATTRIBUTES = {"cultural_exemption": {"scope": "chapter"}, "digital_trade": {"carve_out": False},
                      "cultural_cooperation": {"dedicated": False}, "convention_reference": {"guidelines": False}}
_SENTENCE = re.compile(r"[^.;:\n]+(?:[.;:]|\n|$)")


@lru_cache(maxsize=1)
def _net() -> re.Pattern[str]:
    spec = yaml.safe_load((DATA / "net.yaml").read_text(encoding="utf-8"))
    return re.compile(spec["pattern"].replace("| ", "|"), re.I)


def passes_net(text: str) -> bool:
    return bool(_net().search(text))


class ModelClassifier:
    name = "model"

    def __init__(self, model_dir: Path = MODEL_DIR) -> None:
        import spacy

        meta_path = model_dir / "meta.json"
        if not meta_path.exists():
            raise AnalyserError(str(model_dir), "no trained model here: run `analyser train`, or analyse without --model")
        self.meta = json.loads(meta_path.read_text(encoding="utf-8"))
        self.thresholds = {k: float(v) for k, v in self.meta["thresholds"].items()}
        self.nlp = spacy.load(model_dir / "pipeline")
        self.layer = f"model:textcat-bow@{model_dir.name}"

    @property
    def active(self) -> bool:
        return any(t <= 1.0 for t in self.thresholds.values())

    def scores(self, text: str) -> dict[str, float]:
        return dict(self.nlp(fold(text)).cats)

    def classify(self, provision: Provision) -> list[Finding]:
        if not passes_net(provision.text):
            return []
        cats = self.scores(provision.text)
        findings = []
        for label, score in cats.items():
            if score < self.thresholds.get(label, 1.01):
                continue
            findings.append(Finding(label=label, score=float(score), layer=self.layer,
                                    evidence=[self._best_sentence(provision.text, label)],
                                    attributes=dict(DEFAULT_ATTRIBUTES.get(label, {}))))
        return findings

    def _best_sentence(self, text: str, label: str) -> Evidence:
        spans = [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.group(0).strip()] or [(0, len(text))]
        docs = self.nlp.pipe(fold(text[s:e]) for s, e in spans)
        (s, e), _ = max(zip(spans, docs), key=lambda sd: sd[1].cats.get(label, 0.0))
        lead = len(text[s:e]) - len(text[s:e].lstrip())
        trail = len(text[s:e]) - len(text[s:e].rstrip())
        return Evidence(start=s + lead, end=e - trail, text=text[s + lead:e - trail])


@lru_cache(maxsize=1)
def default_model() -> ModelClassifier:
    return ModelClassifier()


@lru_cache(maxsize=4)
def load_model(model_dir: str):
    """A trained model folder of either backend (meta.json says which)."""
    path = Path(model_dir)
    meta = path / "meta.json"
    if meta.exists() and json.loads(meta.read_text(encoding="utf-8")).get("backend") == "transformers":
        from analyser.classify.hf import TransformersClassifier

        return TransformersClassifier(path)
    return ModelClassifier(path)
