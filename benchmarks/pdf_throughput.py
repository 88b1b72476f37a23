"""Pages/s and peak RSS on one PDF (default: the 510-page RCEP), end to end and ingest alone,
with the learned layer on (`analyse+model`, the issue's 1.5x budget) and next to `pdftotext`
(poppler) on the same file in the same run.

Usage: python benchmarks/pdf_throughput.py [PDF] [--engine pdfium|pdfplumber] [--repeat N]
Each measurement runs in a fresh process so that peak RSS is its own.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "corpora" / "pdf" / "rcep-agreement-en.pdf"

CHILD = r"""
import json, resource, sys, time
from analyser import analyse, ingest
path, mode, engine = sys.argv[1:4]
t = time.perf_counter()
if mode == "ingest":
    src = ingest.load(path, pdf_engine=engine)
    pages = src.pages
else:
    report = analyse(path, pdf_engine=engine, **({} if mode == "analyse+model" else {"model": None}))
    pages = report.document.pages
elapsed = time.perf_counter() - t
print(json.dumps({"pages": pages, "seconds": elapsed, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run_child(path: Path, mode: str, engine: str) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), mode, engine], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("pdf", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--engine", default="pdfium")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"{args.pdf.name}, engine {args.engine}, best of {args.repeat}")
    seconds = {}
    for mode in ("ingest", "analyse", "analyse+model"):
        runs = [run_child(args.pdf, mode, args.engine) for _ in range(args.repeat)]
        best = min(runs, key=lambda r: r["seconds"])
        seconds[mode] = best["seconds"]
        print(f"{mode:<14} {best['pages']} pages in {best['seconds']:.2f} s = {best['pages'] / best['seconds']:.0f} pages/s, "
              f"peak RSS {max(r['rss_mb'] for r in runs):.0f} MB")
    print(f"learned layer on: {seconds['analyse+model'] / seconds['analyse']:.2f}x the time of the rules alone")
    if shutil.which("pdftotext"):
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            subprocess.run(["pdftotext", str(args.pdf), "/dev/null"], check=True)
            times.append(time.perf_counter() - t)
        print(f"pdftotext {min(times):.2f} s")
    else:
        print("pdftotext not installed (apt-get install poppler-utils) - no comparison")


if __name__ == "__main__":
    main()
