"""Prove that a change leaves the reports alone: write the JSON report of every input to a
folder, then compare two such folders, ignoring timings.

    python scripts/same_reports.py write OUT [INPUT ...] [--workers 2] [--no-model]
    python scripts/same_reports.py compare OLD NEW

Without inputs, `write` takes the whole non-held-out ToTA corpus and every non-held-out PDF of
the shared corpus and of `corpora/pdf` (held-out files are skipped via
`analyser.training.corpus.held_out_files`). A file that fails is recorded with its one-line reason, so
a change in failures shows up too. `compare` prints the counts of identical and different
reports (and of reports present on one side only) and exits 1 when any differ.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ANALYSER_SHARED_CORPORA", ROOT.parent / "shared" / "corpora"))
TIMING_KEYS = {"seconds", "elapsed", "timing", "timings", "duration"}


def default_inputs() -> list[Path]:
    # HOLDOUT.txt read here as analyser.training.corpus.held_out_files reads it, so that an older tree
    # (PYTHONPATH elsewhere) writes reports for the same files
    lines = (SHARED / "HOLDOUT.txt").read_text(encoding="utf-8").splitlines()
    held = {line.split("\t")[0] for line in lines if line.strip() and not line.startswith("#")}
    files = [p for p in sorted((SHARED / "tota").glob("pta_*.xml")) if f"tota/{p.name}" not in held]
    seen = set()
    for folder in (SHARED / "pdf", ROOT / "corpora" / "pdf"):
        for p in sorted(folder.glob("*.pdf")):
            if f"pdf/{p.name}" in held or p.name in seen:
                continue
            seen.add(p.name)
            files.append(p)
    return files


def _name(path: Path) -> str:
    return f"{path.parent.name}__{path.name}.json"


def _report(args: tuple[str, bool]) -> tuple[str, str]:
    path, use_model = args
    from analyser import AnalyserError, analyse
    from analyser.report.jsonfmt import to_json

    try:
        import analyser.options  # noqa: F401  (typed options: issue 15)
        switch = {} if use_model else {"model": None}
    except ImportError:  # an older tree (PYTHONPATH elsewhere), for the baseline
        switch = {"use_model": use_model}
    try:
        return path, to_json(analyse(path, ocr=False, **switch))
    except AnalyserError as exc:
        return path, json.dumps({"error": exc.reason}) + "\n"


def write(out: Path, inputs: list[Path], workers: int, use_model: bool) -> None:
    out.mkdir(parents=True, exist_ok=True)
    jobs = [(str(p), use_model) for p in inputs]
    with ProcessPoolExecutor(workers) as pool:
        for path, text in pool.map(_report, jobs, chunksize=2):
            (out / _name(Path(path))).write_text(text, encoding="utf-8")
    print(f"{len(jobs)} reports written to {out}")


def _strip(value):
    """The report without its timings (none in schema 2, but a timing field must never count)."""
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in TIMING_KEYS}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def compare(old: Path, new: Path, show: int = 10) -> int:
    a = {p.name for p in old.glob("*.json")}
    b = {p.name for p in new.glob("*.json")}
    same, different = 0, []
    for name in sorted(a & b):
        left = _strip(json.loads((old / name).read_text(encoding="utf-8")))
        right = _strip(json.loads((new / name).read_text(encoding="utf-8")))
        if left == right:
            same += 1
        else:
            different.append(name)
    print(f"identical: {same}, different: {len(different)}, only in {old}: {len(a - b)}, only in {new}: {len(b - a)}")
    for name in different[:show]:
        print(f"  differs: {name}")
    return 0 if not different and a == b else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write")
    w.add_argument("out", type=Path)
    w.add_argument("inputs", nargs="*", type=Path)
    w.add_argument("--workers", type=int, default=2)
    w.add_argument("--no-model", action="store_true")
    c = sub.add_parser("compare")
    c.add_argument("old", type=Path)
    c.add_argument("new", type=Path)
    args = ap.parse_args()
    if args.command == "write":
        write(args.out, args.inputs or default_inputs(), args.workers, not args.no_model)
        return 0
    return compare(args.old, args.new)


if __name__ == "__main__":
    sys.exit(main())
