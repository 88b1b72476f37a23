"""The classify stage: every classifier layer turns provisions into findings.

A layer is anything with `classify(provision) -> list[Finding]` (the rule layer today; the
learned layer plugs in beside it). Findings from all layers land on their provision.
"""
from __future__ import annotations

from typing import Protocol

from analyser.classify.rules import default_classifier, merge
from analyser.language import SUPPORTED
from analyser.model import Document, Finding, Provision


class Classifier(Protocol):
    name: str

    def classify(self, provision: Provision) -> list[Finding]:
        ...


def classify(doc: Document, layers: list[Classifier] | None = None) -> Document:
    layers = layers if layers is not None else [default_classifier()]
    for provision in doc.provisions:
        if provision.language not in SUPPORTED:
            continue
        found: list[Finding] = []
        for layer in layers:
            found += layer.classify(provision)
        provision.findings = merge(found)
    return doc
