"""What the user waits for, each as a whole process, with its peak RSS:

- `analyser analyse` on the 510-page RCEP PDF, next to `pdftotext` on the same file in the same
  run (interleaved), with the ratio;
- cold start (`analyser --version`);
- the bundled 1-page sample (`corpora/samples/`);
- `analyser batch` over the non-held-out ToTA corpus with 1 and 2 workers, next to the
  parse-and-tokenise floor (one process that parses every file and runs
  `spacy.blank(lang).make_doc` once over every provision), measured in the same run.

Prints min/median/max of N runs (5 by default; `--slow-runs` for the batches). The machine may
be shared: read the ratios, which are measured in the same run, rather than the seconds.

Usage: python benchmarks/user_wait.py [--runs 5] [--slow-runs 1] [--only rcep,cold,sample,batch]
(ANALYSER_SHARED_CORPORA names the shared corpus when it is not ../shared/corpora; run it from
the tree it measures: `python -m analyser` takes the current folder first.)
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ANALYSER_SHARED_CORPORA", ROOT.parent / "shared" / "corpora"))
RCEP = SHARED / "pdf" / "rcep-agreement-en.pdf"
SAMPLE = ROOT / "corpora" / "samples" / "canada-peru-fta-2008.xml"
ANALYSER = [sys.executable, "-m", "analyser"]

FLOOR = r"""
import sys
import spacy
from analyser import ingest, structure
nlps = {}
for path in sys.argv[1:]:
    doc = structure.build(ingest.load(path))
    lang = {"English": "en", "French": "fr", "Spanish": "es"}.get(doc.metadata.get("language", ""), "en")
    nlp = nlps.get(lang) or nlps.setdefault(lang, spacy.blank(lang))
    for p in doc.provisions:
        nlp.make_doc(p.text)
"""


def timed(cmd: list[str]) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB, the largest process of the tree) and CPU seconds (user + system,
    the tree's) of one command. CPU seconds move less than wall seconds on a shared machine."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd[:6])}... failed: {err.strip()[-500:]}")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def spread(values: list[float], fmt: str = "{:.2f}") -> str:
    if len(values) == 1:
        return fmt.format(values[0])
    return "/".join(fmt.format(v) for v in (min(values), statistics.median(values), max(values)))


def row(name: str, runs: list[tuple[float, float, float]], note: str = "") -> None:
    secs = [r[0] for r in runs]
    rss = [r[1] for r in runs]
    cpu = [r[2] for r in runs]
    print(f"| {name} | {spread(secs)} | {spread(cpu)} | {max(rss):.0f} | {note} |", flush=True)


def tota_files() -> list[str]:
    """The non-held-out ToTA agreements (HOLDOUT.txt read here, as analyser.training.corpus reads it,
    so that an older tree can be measured against the same files)."""
    lines = (SHARED / "HOLDOUT.txt").read_text(encoding="utf-8").splitlines()
    held = {line.split("\t")[0] for line in lines if line.strip() and not line.startswith("#")}
    return [str(p) for p in sorted((SHARED / "tota").glob("pta_*.xml")) if f"tota/{p.name}" not in held]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--slow-runs", type=int, default=None, help="runs of the corpus batches (default --runs)")
    ap.add_argument("--only", default="rcep,cold,sample,batch")
    args = ap.parse_args()
    only = set(args.only.split(","))
    slow = args.slow_runs or args.runs
    print(f"runs: {args.runs} (batches: {slow}); seconds as min/median/max; ratios in the same run")
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("| what | seconds | CPU seconds | peak RSS MB | note |\n|---|---|---|---|---|")
    if "rcep" in only:
        mine, poppler, ratios = [], [], []
        for _ in range(args.runs):  # interleaved, so both see the same load
            mine.append(timed([*ANALYSER, "analyse", str(RCEP)]))
            poppler.append(timed(["pdftotext", str(RCEP), "-"]))
            ratios.append(mine[-1][0] / poppler[-1][0])
        row("analyse RCEP (510 p.)", mine, f"{spread(ratios)}x pdftotext (target 4x)")
        row("pdftotext RCEP", poppler)
    if "cold" in only:
        row("analyser --version", [timed([*ANALYSER, "--version"]) for _ in range(args.runs)], "target 0.3 s")
        row("analyser --help", [timed([*ANALYSER, "--help"]) for _ in range(args.runs)])
    if "sample" in only:
        row("analyse 1-page sample", [timed([*ANALYSER, "analyse", str(SAMPLE)]) for _ in range(args.runs)], "target 1 s")
    if "batch" in only:
        files = tota_files()
        floor, batches = [], {1: [], 2: []}
        ratios: dict[int, list[float]] = {1: [], 2: []}
        for _ in range(slow):
            floor.append(timed([sys.executable, "-c", FLOOR, *files]))
            for workers in (1, 2):
                out = Path(tempfile.mkdtemp(prefix="analyser-wait-"))
                try:
                    batches[workers].append(timed([*ANALYSER, "batch", *files, "--out", str(out), "--workers",
                                                   str(workers), "--no-progress"]))
                finally:
                    shutil.rmtree(out, ignore_errors=True)
                ratios[workers].append(batches[workers][-1][0] / floor[-1][0])
        row(f"parse+tokenise floor ({len(files)} ToTA)", floor)
        for workers in (1, 2):
            row(f"batch, {workers} worker{'s' * (workers > 1)}", batches[workers],
                f"{spread(ratios[workers])}x floor" + (" (target 2x)" if workers == 2 else ""))
    print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
