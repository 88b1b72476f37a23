"""`analyser batch` over every non-held-out ToTA agreement into a fresh store: agreements/s and
peak RSS (driver and largest worker), with the given number of workers; with `--floor`, next to
the parse-and-tokenise floor measured in the same run (interleaved), with the ratio.

The floor is one process that parses every file and runs `spacy.blank(lang).make_doc` once over
every provision (benchmarks/user_wait.py's FLOOR): what any analysis of the corpus must at least
do. Each run is a fresh process, so imports and model loads count, as they do for the user.

Usage: python benchmarks/batch_throughput.py [--workers N] [--runs 5] [--floor] [--dask] [--tota DIR]
With --dask the batch runs on a local Dask distributed cluster of N worker processes
(loopback only), through the same `dask://HOST:PORT` executor a real cluster would use.
Prints min/median/max over the runs; the machine may be shared, so read the ratio.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from user_wait import FLOOR, spread, timed, tota_files  # noqa: E402  (the same floor, timing and files as user_wait.py)

BATCH = r"""
import json, resource, shutil, sys, tempfile, time
from pathlib import Path
from analyser.batch import run
from analyser.tables import write_tables

workers, dask, files = int(sys.argv[1]), sys.argv[2] == "dask", sys.argv[3:]
out = Path(tempfile.mkdtemp(prefix="analyser-bench-"))
cluster = executor = None
try:
    if dask:
        from distributed import LocalCluster

        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, host="127.0.0.1", dashboard_address=None)
        executor = cluster.scheduler_address.replace("tcp://", "dask://")
    summary = run(files, out, workers=workers, progress=False, executor=executor)
    write_tables(out)
finally:
    if cluster is not None:
        cluster.close()
    shutil.rmtree(out, ignore_errors=True)
print(json.dumps({"done": summary.done, "failed": summary.failed,
                  "rss_driver": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rss_worker": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def batch_once(files: list[str], workers: int, dask: bool) -> tuple[float, float, dict]:
    """Wall seconds and CPU seconds (user + system, workers included) of one batch as a fresh
    process, and what it reports."""
    import json

    before = resource.getrusage(resource.RUSAGE_CHILDREN)  # reaped descendants: the batch and its workers
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", BATCH, str(workers), "dask" if dask else "local", *files],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"batch failed: {proc.stderr.strip()[-500:]}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return seconds, cpu, json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--floor", action="store_true", help="measure the parse-and-tokenise floor in the same run")
    ap.add_argument("--tota", type=Path, default=None, help="folder of ToTA files (default: the shared corpus's)")
    ap.add_argument("--dask", action="store_true", help="run on a local Dask distributed cluster")
    args = ap.parse_args()
    files = tota_files()  # HOLDOUT.txt read as user_wait.py reads it, so an older tree is measured on the same files
    if args.tota is not None:
        names = {Path(f).name for f in files}
        files = [str(p) for p in sorted(args.tota.glob("pta_*.xml")) if p.name in names]
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    batches, floors, ratios, info = [], [], [], {}
    batch_cpu, floor_cpu, cpu_ratios = [], [], []
    for _ in range(args.runs):
        if args.floor:
            seconds, _, cpu = timed([sys.executable, "-c", FLOOR, *files])
            floors.append(seconds)
            floor_cpu.append(cpu)
        seconds, cpu, info = batch_once(files, args.workers, args.dask)
        batches.append(seconds)
        batch_cpu.append(cpu)
        if args.floor:
            ratios.append(seconds / floors[-1])
            cpu_ratios.append(cpu / floor_cpu[-1])
    kind = "Dask local-cluster workers" if args.dask else "workers"
    print(f"{info['done']} agreements analysed ({info['failed']} failed) with {args.workers} {kind}: "
          f"{spread(batches)} s (min/median/max of {args.runs}), {info['done'] / statistics.median(batches):.1f} "
          f"agreements/s at the median; peak RSS driver {info['rss_driver']:.0f} MB, largest worker "
          f"{info['rss_worker']:.0f} MB")
    print(f"batch CPU seconds (workers included): {spread(batch_cpu)}")
    if args.floor:
        print(f"parse+tokenise floor: {spread(floors)} s, CPU {spread(floor_cpu)} s; batch / floor: {spread(ratios)}x "
              f"(target 2x with 2 workers); CPU batch / floor: {spread(cpu_ratios)}x (on an idle machine the wall "
              f"ratio with {args.workers} workers is at least this divided by {args.workers})")
    print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
