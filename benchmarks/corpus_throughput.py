"""Analyse every non-held-out ToTA agreement and print documents/s, MB of text/s and peak RSS.

Usage: python benchmarks/corpus_throughput.py [--tota DIR] [--workers N] [--limit N] [--no-model]
Peak RSS is the largest resident set of the main process and of any worker process.
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from analyser.training.corpus import held_out_treaties

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpora"


def work(path: str, use_model: bool = True) -> tuple[int, int, str | None]:
    from analyser import AnalyserError, analyse

    try:
        report = analyse(path) if use_model else analyse(path, model=None)
    except AnalyserError as exc:
        return Path(path).stat().st_size, 0, exc.reason
    return Path(path).stat().st_size, len(report.findings), None


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tota", type=Path, default=SHARED / "tota")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--no-model", action="store_true", help="rules only (the learned layer is on by default)")
    args = ap.parse_args()
    skip = held_out_treaties()
    files = sorted(str(p) for p in args.tota.glob("pta_*.xml") if p.stem not in skip)
    if args.limit:
        files = files[: args.limit]
    start = time.perf_counter()
    if args.workers > 1:
        with ProcessPoolExecutor(args.workers) as pool:
            results = list(pool.map(work, files, [not args.no_model] * len(files), chunksize=4))
    else:
        results = [work(f, not args.no_model) for f in files]
    elapsed = time.perf_counter() - start
    size = sum(r[0] for r in results)
    failures = [(f, r[2]) for f, r in zip(files, results) if r[2]]
    rss_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rss_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"documents: {len(files)} ({size / 1e6:.1f} MB of XML), failures: {len(failures)}, findings: {sum(r[1] for r in results)}")
    print(f"workers: {args.workers}, learned layer: {'off' if args.no_model else 'on'}, wall time: {elapsed:.1f} s")
    print(f"documents/s: {len(files) / elapsed:.2f}, MB/s: {size / 1e6 / elapsed:.2f}")
    print(f"peak RSS: main {rss_self:.0f} MB, largest worker {rss_children:.0f} MB")
    for f, why in failures:
        print(f"failed: {f}: {why}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
