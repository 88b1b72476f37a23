"""Cross-lingual consistency: the same clause in English, Spanish and French (corpora/parallel/,
real clauses from ToTA agreements and treaty texts) gets the same labels."""
from __future__ import annotations

import json
from collections import defaultdict

import pytest

from analyser.training.corpus import PARALLEL
from analyser.training.evaluate import parallel_consistency
from conftest import SHARED_TOTA

pytestmark = pytest.mark.skipif(not SHARED_TOTA.is_dir(), reason="headings come from the ToTA agreements")


def test_the_set_is_well_formed():
    rows = [json.loads(line) for line in PARALLEL.read_text(encoding="utf-8").splitlines()]
    groups = defaultdict(list)
    for row in rows:
        groups[row["group"]].append(row)
    assert len(groups) >= 20
    for members in groups.values():
        assert {"en", "es"} <= {m["language"] for m in members}
        assert len({tuple(sorted(m["labels"])) for m in members}) == 1  # one expected answer per group


def test_rules_agree_across_languages():
    """Measured when the set was built (rules frozen): 17 of 21 groups consistent; EN 36/39, ES
    28/30, FR 5/5 clauses as expected. One veto the set revealed was then generalised ("economic,
    social, cultural and legal differences"): 18/21, EN 37/39; session 4: 19/21. A veto that
    reached into the next paragraph ("2. ... internal taxes") was then kept to its sentence: 20/21,
    EN 39/39, ES 29/30. A drop is a regression."""
    c = parallel_consistency(layers="rules")
    assert c["consistent"] >= 20, c["inconsistent"]
    assert c["correct"]["es"] >= 29 and c["correct"]["en"] >= 39 and c["correct"]["fr"] == c["members"]["fr"]
