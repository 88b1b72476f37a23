"""A short run of the fuzz harness (scripts/fuzz.py runs 10,000+): every backend, every input
ends in a report or the one-line error, never a traceback or a hang."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SPEC = importlib.util.spec_from_file_location("fuzz", Path(__file__).resolve().parent.parent / "scripts" / "fuzz.py")
fuzz = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(fuzz)


@pytest.mark.parametrize("backend", sorted(fuzz.BACKENDS))
def test_fuzz_backend(backend):
    outcomes, failures = fuzz.fuzz(backend, 40, timeout=30.0, seed=7)
    assert sum(outcomes.values()) == 40
    assert not failures, failures[:3]


def test_unicode_oddities_in_headings_are_handled():
    text = "Art\u00edculo\u00a014.4\u200f\nLas Partes cooperar\u00e1n en materia cultural.\x00\n\u202eArticle 2\n"
    assert fuzz.run_one(text.encode("utf-8"), ".txt", 30.0) in {"report", "error:binary data, not text"}
