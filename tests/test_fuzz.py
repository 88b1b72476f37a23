"""A fixed-seed run of the fuzz harness (scripts/fuzz.py runs thousands): one input of each family
(mutated seeds of every backend, huge texts, deep nesting, exotic encodings, the pdfplumber engine,
PDF and DOCX bombs, odd page geometry, --format pdf, links and devices as outputs), each in its own
process with a time and a memory limit. None may end in an internal error, a hang, memory over
1 GB, a crash, more than one line on stderr or an output not written as named."""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "fuzz.py"
SPEC = importlib.util.spec_from_file_location("fuzz", SCRIPT)
fuzz = importlib.util.module_from_spec(SPEC)
sys.modules["fuzz"] = fuzz  # dataclasses look their module up there
SPEC.loader.exec_module(fuzz)


@pytest.fixture(scope="module")
def results():
    families = list(fuzz.FAMILIES)
    res = subprocess.run([sys.executable, str(SCRIPT), "--json", "--small", "--seed", "11", "--n", str(len(families)),
                          "--timeout", "60"], capture_output=True, text=True, timeout=900)
    assert res.stdout.strip(), res.stderr[-2000:]
    return json.loads(res.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("family", list(fuzz.FAMILIES))
def test_fuzz_family(results, family):
    counts = results[family]["counts"]
    assert sum(counts.values()) == 1
    assert set(counts) <= {"ok", "error"}, results[family]["failures"]


def test_unicode_oddities_in_headings_are_handled(tmp_path):
    text = "Art\u00edculo\u00a014.4\u200f\nLas Partes cooperar\u00e1n en materia cultural.\x00\n\u202eArticle 2\n"
    res = fuzz.run_case(fuzz.Case(text.encode("utf-8"), ".txt"), timeout=60, memory_mb=2048, ceiling_mb=6144)
    assert res.outcome in {"ok", "error"}, res.detail


def test_forked_and_spawned_runs_judge_an_input_alike():
    """The fast mode (a fork of the warmed harness) and the plain one (a fresh interpreter) see
    the same CLI: the same outcome on a real treaty text and on a damaged PDF."""
    text = fuzz.Case((fuzz.TEXTS / "es-tratado-de-montevideo-1980-aladi.txt").read_bytes(), ".txt")
    cut = fuzz.Case(fuzz._seed_files(".pdf")[0][:5000], ".pdf")
    for case, outcome in ((text, "ok"), (cut, "error")):
        forked = fuzz.run_case(case, timeout=60, memory_mb=2048, ceiling_mb=6144)
        spawned = fuzz.run_case(case, timeout=60, memory_mb=2048, ceiling_mb=6144, spawn=True)
        assert (forked.outcome, forked.detail) == (spawned.outcome, spawned.detail) == (outcome, forked.detail)
        assert forked.rss_mb > 0 and spawned.cpu_seconds > 0


def test_a_run_over_its_cpu_seconds_is_a_timeout():
    huge = fuzz.Case((fuzz.TEXTS / "es-tratado-de-montevideo-1980-aladi.txt").read_bytes() * 40, ".txt")
    res = fuzz.run_case(huge, timeout=1, memory_mb=2048, ceiling_mb=6144, cpu_clock=True)
    assert res.outcome == "timeout" and "of CPU" in res.detail, res
