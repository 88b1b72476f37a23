"""Scores that mean something: each rule hit's probability of being right, and the threshold
below which a hit is only a candidate ("worth a look") instead of a finding.

A rule's hits are not equally reliable: "cultural" two sentences away from "cooperate" is weaker
evidence than "cooperation in the field of culture". The constructions (constructions.py) say how
each hit reads in its provision (`Finding.context`); `data/calibration.yaml`, fitted out of fold
by `scripts/calibrate.py` on the labelled corpus (whole splits held out, so template groups never
straddle), gives the share of right hits per (rule, context) cell, backed off to the rule and the
label where a cell is rare. The learned layer only adds candidates unless the table says it may
assert (see the file).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from analyser.datafile import load_yaml
from analyser.model import Finding

DATA = Path(__file__).resolve().parent.parent / "data"
CALIBRATION_FILE = DATA / "calibration.yaml"


@dataclass
class Calibration:
    features: dict[str, list[str]] = field(default_factory=dict)  # label -> context features keying its cells
    cells: dict[str, dict[str, float]] = field(default_factory=dict)  # label -> cell -> probability
    rules: dict[str, float] = field(default_factory=dict)  # rule name -> probability (back-off)
    thresholds: dict[str, float] = field(default_factory=dict)  # label -> lowest asserted probability
    model_asserts: bool = False  # may a model-only hit be a finding?

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Calibration":
        labels = data.get("labels", {})
        return cls(
            features={lab: list(v.get("features", [])) for lab, v in labels.items()},
            cells={lab: {k: float(c["p"]) for k, c in (v.get("cells") or {}).items()} for lab, v in labels.items()},
            rules={name: float(r["p"]) for name, r in (data.get("rules") or {}).items()},
            thresholds={lab: float(v["threshold"]) for lab, v in labels.items() if "threshold" in v},
            model_asserts=bool(data.get("learned_layer", {}).get("asserts", False)),
        )

    def cell(self, finding: Finding) -> str:
        """The cell of a rule hit: its rule and the context features that hold ("rule|related")."""
        on = [f for f in self.features.get(finding.label, []) if finding.context.get(f)]
        return rule_name(finding) + "|" + ",".join(on)

    def probability(self, finding: Finding) -> float:
        """The hit's calibrated probability; the rule's prior score when nothing was fitted."""
        cells = self.cells.get(finding.label, {})
        key = self.cell(finding)
        if key in cells:
            return cells[key]
        return self.rules.get(rule_name(finding), finding.score)

    def asserted(self, finding: Finding) -> bool:
        """Asserted: the hit shows its rule's construction and reaches its label's threshold."""
        return finding.context.get("construction", True) and finding.score >= self.thresholds.get(finding.label, 0.0)


def rule_name(finding: Finding) -> str:
    return finding.layer.removeprefix("rule:").split(",")[0]


@lru_cache(maxsize=1)
def default_calibration() -> Calibration:
    if not CALIBRATION_FILE.exists():
        return Calibration()
    return Calibration.from_dict(load_yaml(CALIBRATION_FILE) or {})
