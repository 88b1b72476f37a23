"""`analyser batch` over every non-held-out ToTA agreement into a fresh store: agreements/s and
peak RSS (driver and largest worker), with the given number of workers.

Usage: python benchmarks/batch_throughput.py [--workers N] [--dask] [--tota DIR]
With --dask the batch runs on a local Dask distributed cluster of N worker processes
(loopback only), through the same `dask://HOST:PORT` executor a real cluster would use.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from analyser.training.corpus import held_out_treaties

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpora"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--tota", type=Path, default=SHARED / "tota")
    ap.add_argument("--dask", action="store_true", help="run on a local Dask distributed cluster")
    args = ap.parse_args()
    held = held_out_treaties(required=True)
    files = [str(p) for p in sorted(args.tota.glob("pta_*.xml")) if p.stem not in held]
    from analyser.batch import run
    from analyser.tables import write_tables

    out = Path(tempfile.mkdtemp(prefix="analyser-bench-"))
    cluster = None
    try:
        executor = None
        if args.dask:
            from distributed import LocalCluster

            cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, host="127.0.0.1", dashboard_address=None)
            executor = cluster.scheduler_address.replace("tcp://", "dask://")
        start = time.perf_counter()
        summary = run(files, out, workers=args.workers, progress=False, executor=executor)
        write_tables(out)
        elapsed = time.perf_counter() - start
    finally:
        if cluster is not None:
            cluster.close()
        shutil.rmtree(out, ignore_errors=True)
    rss_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rss_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    kind = "Dask local-cluster workers" if args.dask else "workers"
    print(f"{summary.done} agreements analysed ({summary.failed} failed) with {args.workers} {kind} in {elapsed:.1f} s: "
          f"{summary.done / elapsed:.1f} agreements/s; peak RSS driver {rss_self:.0f} MB, largest worker {rss_children:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
