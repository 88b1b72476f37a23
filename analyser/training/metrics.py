"""The one precision/recall/F1 scorer, for evaluation, training and calibration alike.

The empty cases, decided once (evaluate.py said 1.0 and train.py 0.0 before; issue 15):
- precision is undefined (None) without predictions, recall without gold examples;
- F1 = 2·tp / (2·tp + fp + fn), the harmonic mean where both are defined, is 0.0 when there are
  predictions or gold examples but no true positive, and undefined (None) when there are neither:
  a label nobody found and nobody should have found says nothing about the classifier.
An undefined score is printed as "-" and left out of a macro average; a threshold search counts
it as 0.0 (`or 0.0`), never as a success.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Optional

from analyser.model import LABELS


@dataclass(frozen=True)
class PRF:
    precision: Optional[float]
    recall: Optional[float]
    f1: Optional[float]
    tp: int
    fp: int
    fn: int

    @property
    def support(self) -> int:
        """Gold examples."""
        return self.tp + self.fn

    @property
    def predicted(self) -> int:
        return self.tp + self.fp

    def rounded(self, digits: int = 3) -> dict[str, Optional[float] | int]:
        """The scores rounded (None stays None) with their counts: what meta.json records."""
        r = lambda v: None if v is None else round(v, digits)  # noqa: E731
        return {"p": r(self.precision), "r": r(self.recall), "f1": r(self.f1), "tp": self.tp, "fp": self.fp, "fn": self.fn}


def prf(tp: int, fp: int, fn: int) -> PRF:
    """Precision, recall and F1 of these counts, None where undefined (see the module docstring)."""
    return PRF(precision=tp / (tp + fp) if tp + fp else None,
               recall=tp / (tp + fn) if tp + fn else None,
               f1=2 * tp / (2 * tp + fp + fn) if tp + fp + fn else None,
               tp=tp, fp=fp, fn=fn)


def f1_score(tp: int, fp: int, fn: int) -> float:
    """F1 for a threshold search: undefined counts as 0.0."""
    return prf(tp, fp, fn).f1 or 0.0


def confusion(pairs: Iterable[tuple[bool, bool]]) -> tuple[int, int, int]:
    """(tp, fp, fn) of (predicted, gold) pairs."""
    pairs = list(pairs)
    return (sum(1 for p, g in pairs if p and g), sum(1 for p, g in pairs if p and not g),
            sum(1 for p, g in pairs if g and not p))


def shown(value: Optional[float], width: int = 7) -> str:
    """A score for a table: three decimals, or "-" where undefined."""
    return f"{'-':>{width}}" if value is None else f"{value:{width}.3f}"


@dataclass
class Counts:
    """Per-label true positives, false positives and false negatives, summed over articles."""

    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)

    def prf(self, label: str) -> PRF:
        return prf(self.tp[label], self.fp[label], self.fn[label])

    def macro_f1(self) -> tuple[Optional[float], list[str]]:
        """Mean F1 over the labels where it is defined (gold or predicted examples here), and those labels."""
        scored = [lab for lab in LABELS if self.prf(lab).f1 is not None]
        return (sum(self.prf(lab).f1 for lab in scored) / len(scored) if scored else None), scored

    def micro(self) -> PRF:
        return prf(*(sum(c.values()) for c in (self.tp, self.fp, self.fn)))
