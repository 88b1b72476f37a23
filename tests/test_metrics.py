"""The one P/R/F1 scorer (analyser/training/metrics.py): evaluation and training agree, and the
empty cases are decided once (issue 15: evaluate said 1.0 and train 0.0 for the same counts)."""
from __future__ import annotations

import pytest

from analyser.training import metrics
from analyser.training.evaluate import Scores, format_scores
from analyser.training.train import _prf


def test_the_empty_cases():
    nothing = metrics.prf(0, 0, 0)  # no gold, no prediction: says nothing about the classifier
    assert (nothing.precision, nothing.recall, nothing.f1) == (None, None, None)
    false_alarm = metrics.prf(0, 3, 0)  # predictions where there is nothing to find
    assert (false_alarm.precision, false_alarm.recall, false_alarm.f1) == (0.0, None, 0.0)
    missed = metrics.prf(0, 0, 2)  # gold examples, none found
    assert (missed.precision, missed.recall, missed.f1) == (None, 0.0, 0.0)
    some = metrics.prf(3, 1, 2)
    assert some.precision == 0.75 and some.recall == 0.6 and some.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert metrics.f1_score(0, 0, 0) == 0.0  # a threshold search never counts "undefined" as a success


def test_evaluation_and_training_score_alike():
    scores = Scores()
    scores.tp["digital_trade"], scores.fp["digital_trade"], scores.fn["digital_trade"] = 3, 1, 2
    scores.fp["coherence"] = 2
    scores.fn["policy_space"] = 1
    for label in ("digital_trade", "coherence", "policy_space", "heritage_exception"):
        m = scores.prf(label)
        assert m.rounded() == _prf(m.tp, m.fp, m.fn)
    macro, scored = scores.macro_f1()
    assert set(scored) == {"digital_trade", "coherence", "policy_space"}  # not heritage_exception: undefined
    assert macro == pytest.approx((metrics.prf(3, 1, 2).f1 + 0.0 + 0.0) / 3)
    table = format_scores(scores, "toy")
    row = next(line for line in table.splitlines() if line.startswith("coherence"))
    assert row.split()[1:4] == ["0.000", "-", "0.000"]  # precision 0, recall undefined, F1 0
