"""The classify stage: every classifier layer turns provisions into findings.

A layer is anything with `classify(provision) -> list[Finding]` (the rule layer today; the
learned layer plugs in beside it). Findings from all layers land on their provision.
"""
from __future__ import annotations

import json
import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from analyser.classify.calibration import default_calibration
from analyser.classify.pieces import in_pieces
from analyser.classify.rules import default_classifier, load_spec, merge
from analyser.language import SUPPORTED
from analyser.model import Document, Evidence, Finding, Provision
from analyser.text import article_number


class Classifier(Protocol):
    name: str

    def classify(self, provision: Provision) -> list[Finding]:
        ...


def layers(model_dir: Path | None, rules: bool = True) -> list[Classifier]:
    """The rule layer, plus the learned layer of `model_dir` (None: none); it must be trained: no
    fall-back. The folder's meta.json says which backend loads it.
    `rules=False` leaves the learned layer alone, at its own thresholds (for evaluation)."""
    out: list[Classifier] = [default_classifier()] if rules else []
    if model_dir is not None:
        from analyser.classify.learned import at_thresholds

        model = at_thresholds(load_model(str(model_dir)), solo=not rules)
        if all(t > 1.0 for t in model.thresholds.values()):
            _warn_inert(model.layer)
        out.append(model)
    return out


@lru_cache(maxsize=4)
def load_model(model_dir: str):
    """A trained model folder of either backend (its meta.json says which), loaded once."""
    path = Path(model_dir)
    meta = path / "meta.json"
    if meta.exists() and json.loads(meta.read_text(encoding="utf-8")).get("backend") == "transformers":
        from analyser.classify.hf import TransformersClassifier

        return TransformersClassifier(path)
    from analyser.classify.learned import ModelClassifier

    return ModelClassifier(path)


@lru_cache(maxsize=None)
def _warn_inert(layer: str) -> None:
    """Once per model and process, not once per document of a batch."""
    logging.getLogger("analyser").warning(
        "the learned layer is on but adds nothing: its thresholds, chosen by cross-validation, are "
        "off for every label (see the model card)")


def classify(doc: Document, layers: list[Classifier] | None = None) -> Document:
    """Findings (asserted) and candidates (worth a look) on every classifiable provision.

    A rule hit is asserted when its calibrated probability reaches its label's threshold
    (calibration.py). Beside the rules, the learned layer confirms a rule's label (its name joins
    the layer) or, alone, proposes a candidate; only when it runs without the rules (evaluation of
    the model alone) are its hits findings at its own thresholds."""
    layers = layers if layers is not None else [default_classifier()]
    calibration = default_calibration()
    with_rules = any(layer.name == "rules" for layer in layers)
    for provision in doc.provisions:
        if not _classifiable(provision):
            continue
        by_rules: list[Finding] = []
        by_model: list[Finding] = []
        for layer in layers:  # a provision over spaCy's limit is classified in pieces
            (by_rules if layer.name == "rules" else by_model).extend(in_pieces(layer.classify, provision))
        if not with_rules:
            provision.findings = merge(by_model)
            continue
        found = merge(by_rules)
        by_label = {f.label: f for f in found}
        proposed: list[Finding] = []
        for hit in merge(by_model):
            if hit.label in by_label:
                by_label[hit.label].layer += "," + hit.layer
            else:
                proposed.append(hit)
        provision.findings = [f for f in found if calibration.asserted(f)]
        provision.candidates = [f for f in found if not calibration.asserted(f)]
        for hit in proposed:
            target = provision.findings if calibration.model_asserts and calibration.asserted(hit) else provision.candidates
            target.append(hit)
    resolve_cross_references(doc)
    return doc


def _classifiable(provision: Provision) -> bool:
    """In a supported language, and not a footnote: a footnote is labelled through the article it
    annotates (codebook)."""
    return provision.language in SUPPORTED and provision.kind != "footnote"


def resolve_cross_references(doc: Document) -> None:
    """Extend agreement-wide cultural exemptions to provisions that cite them by article number.

    Runs after every provision is classified, since the cited article may come later.
    """
    spec = load_spec()
    calibration = default_calibration()
    for xref in spec.get("cross_references", []):
        cited = {}
        for p in doc.provisions:
            if any(f.label == xref["label"] and f.attributes.get("scope") == "agreement" for f in p.findings):
                number = article_number(p.heading)
                if number:
                    cited[number.rstrip(".").lower()] = p
        if not cited:
            continue
        pattern = re.compile(xref["pattern"], re.I)
        for p in doc.provisions:
            if not _classifiable(p) or any(f.label == xref["label"] for f in p.findings):
                continue
            for m in pattern.finditer(p.text):
                target = cited.get(m.group("ref").rstrip(".").lower())
                if target is not None and target is not p:
                    hit = Finding(
                        label=xref["label"], score=float(xref["score"]), layer=f"rule:{xref['name']}",
                        evidence=[Evidence(start=m.start(), end=m.end(), text=m.group(0))],
                        attributes=dict(xref.get("attributes", {})) | {"refers_to": target.id},
                    )
                    hit.score = calibration.probability(hit)
                    (p.findings if calibration.asserted(hit) else p.candidates).append(hit)
                    break
