"""Fuzz every ingest backend and the structure step through the whole pipeline.

Inputs are generated with Hypothesis from the seed corpus in tests/fuzz_seeds/ (real treaty
files: a PDF cut from the AfCFTA, a DOCX and an HTML page of real clauses, a ToTA XML file, a
Spanish text, an entity bomb, an external-entity file): truncations, bit flips, inserted and
duplicated chunks, random bytes, and text with every Unicode oddity (NUL, RTL marks, combining
characters, NBSP in headings). Every input must end in a report or in an AnalyserError (the
one-line error), within the time limit; anything else is a failure, printed with its input.

Usage: python scripts/fuzz.py [--per-backend N] [--timeout S] [--seed N]
Prints the inputs tried per backend, the outcomes and the failures; exits 1 on any failure.
"""
from __future__ import annotations

import argparse
import resource
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

import hypothesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "fuzz_seeds"
BACKENDS = {"pdf": ".pdf", "docx": ".docx", "xml": ".xml", "html": ".html", "text": ".txt"}
ODDITIES = ["\x00", "\u200f", "\u200e", "\u202e", "\u0301", "\u0327", "\u00a0", "\ufeff", "\u2028", "\ud7ff", "\U0001f600",
            "Article\u00a08.2", "ARTICLE\u00a0IV", "Artículo\u200f 14.4", "A rticle 6", "\r\n", "\t", "\x0c", "ﬁ", "Ⅳ"]


def seeds_for(backend: str) -> list[bytes]:
    suffix = BACKENDS[backend]
    files = sorted(SEEDS.glob(f"*{suffix}")) or sorted(SEEDS.glob("*"))
    return [f.read_bytes() for f in files]


@st.composite
def mutated(draw, seeds: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(["truncate", "flip", "insert", "duplicate", "delete"]))
        if not data:
            break
        pos = draw(st.integers(0, len(data) - 1))
        if op == "truncate":
            del data[pos:]
        elif op == "flip":
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=64))
        elif op == "duplicate":
            end = min(len(data), pos + draw(st.integers(1, 4096)))
            data[pos:pos] = data[pos:end]
        else:
            del data[pos:pos + draw(st.integers(1, 512))]
    return bytes(data)


@st.composite
def odd_text(draw) -> bytes:
    parts = draw(st.lists(st.one_of(st.sampled_from(ODDITIES), st.text(max_size=40)), max_size=60))
    text = "".join(parts)
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "utf-8-sig", "cp1252", "latin-1"]))
    return text.encode(encoding, "replace")


def inputs(backend: str):
    options = [mutated(seeds_for(backend)), st.binary(max_size=2048)]
    if backend in {"text", "html", "xml"}:
        options.append(odd_text())
    return st.one_of(*options)


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang()


def run_one(data: bytes, suffix: str, timeout: float) -> str:
    """'report' or 'error:<reason>' for a good outcome; raises for a failure."""
    from analyser import AnalyserError, analyse

    with tempfile.TemporaryDirectory(prefix="analyser-fuzz-") as tmp:
        path = Path(tmp) / f"input{suffix}"
        path.write_bytes(data)
        signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            analyse(path, ocr=False)
            return "report"
        except AnalyserError as exc:
            assert "\n" not in str(exc), "error message spans several lines"
            return "error:" + exc.reason.split("(")[0].strip()[:60]
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)


def fuzz(backend: str, count: int, timeout: float, seed: int) -> tuple[Counter, list[str]]:
    outcomes: Counter = Counter()
    failures: list[str] = []
    suffix = BACKENDS[backend]

    @hypothesis.seed(seed)  # the same --seed gives the same inputs
    @settings(max_examples=count, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck), phases=[hypothesis.Phase.generate])
    @given(inputs(backend))
    def check(data: bytes) -> None:
        try:
            outcome = run_one(data, suffix, timeout)
        except Hang:
            outcome = "FAIL:hang"
            failures.append(f"{backend}: hang (> {timeout} s) on {len(data)} bytes starting {data[:40]!r}")
        except Exception as exc:  # noqa: BLE001 - every other exception is a finding
            outcome = f"FAIL:{type(exc).__name__}"
            failures.append(f"{backend}: {type(exc).__name__}: {exc} on {len(data)} bytes starting {data[:40]!r}\n"
                            + "".join(traceback.format_exc(limit=-3)))
        outcomes[outcome] += 1

    check()
    return outcomes, failures


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-backend", type=int, default=2000)
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--memory-mb", type=int, default=4096, help="address-space limit of this process")
    args = ap.parse_args()
    limit = args.memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    total, all_failures = 0, []
    start = time.perf_counter()
    for backend in BACKENDS:
        t0 = time.perf_counter()
        outcomes, failures = fuzz(backend, args.per_backend, args.timeout, args.seed)
        n = sum(outcomes.values())
        total += n
        all_failures += failures
        top = ", ".join(f"{k} {v}" for k, v in outcomes.most_common(6))
        print(f"{backend:<5} {n:6d} inputs in {time.perf_counter() - t0:6.1f} s, {len(failures)} failures; {top}")
    print(f"total {total} inputs in {time.perf_counter() - start:.0f} s: {len(all_failures)} tracebacks or hangs")
    for f in all_failures[:20]:
        print(f)
    return 1 if all_failures else 0


if __name__ == "__main__":
    sys.exit(main())
