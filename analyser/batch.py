"""Many documents: collect inputs, skip what the store already holds (by content hash), analyse
the rest in parallel worker processes, and record each result as it finishes.

Workers write each JSON report atomically to DIR/reports/<stem>-<hash8>.json and return a
summary; only this driver writes the store (DIR/store.sqlite), one transaction per document,
so a run killed at any moment loses at most the documents in flight. Failed files are recorded
with their one-line reason and the batch goes on; `retry_failed` tries them again.
"""
from __future__ import annotations

import glob
import hashlib
import os
import sys
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyser import analyse
from analyser.errors import PROCESS_DIED, AnalyserError, reason_of
from analyser.ingest import SUFFIXES
from analyser.options import AnalyseOptions
from analyser.pipeline import DOCUMENT_TIMEOUT_S
from analyser.report import remove_stale_temps
from analyser.store import Store

CRASHED = PROCESS_DIED  # what the store records for a file whose worker died


def collect(inputs: list[str]) -> list[Path]:
    """Files, folders (recursively, supported suffixes) and globs, in a stable order, once each."""
    found: dict[str, Path] = {}
    for item in inputs:
        paths = [Path(p) for p in glob.glob(item, recursive=True)] if any(c in item for c in "*?[") else [Path(item)]
        for p in paths:
            if p.is_dir():
                for sub in sorted(p.rglob("*")):
                    if sub.is_file() and sub.suffix.lower() in SUFFIXES:
                        found.setdefault(str(sub.resolve()), sub)
            else:
                found.setdefault(str(p.resolve()), p)
    return sorted(found.values(), key=str)


def file_hash(path: Path) -> str | None:
    try:
        h = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()
    except OSError:
        return None


def work(path: str, sha: str, reports_dir: str) -> dict[str, Any]:
    """Runs in a worker: analyse one file, write its JSON report, return what the store needs
    (the report without provision texts, which the store does not keep)."""
    from analyser.report import render, write_atomic

    start = time.perf_counter()
    try:
        report = analyse(path, AnalyseOptions(timeout=DOCUMENT_TIMEOUT_S))
    except Exception as exc:  # noqa: BLE001  (one bad file must not stop the batch)
        return {"path": path, "sha256": sha, "error": reason_of(exc)}
    out = Path(reports_dir) / f"{Path(path).stem}-{sha[:8]}.json"
    write_atomic(render(report, "json"), out, clean=False)  # run() cleaned reports/ once at the start
    return {"path": path, "sha256": sha, "report": report.to_dict(include_text=False), "report_path": str(out),
            "seconds": time.perf_counter() - start}


@dataclass
class Summary:
    total: int
    skipped: int
    done: int
    failed: int
    seconds: float


class LocalExecutor:
    """Worker processes on this machine."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool = ProcessPoolExecutor(max_workers=workers)

    def submit(self, *args: Any) -> Future:
        return self.pool.submit(work, *args)

    @staticmethod
    def wait(pending: set) -> set:
        return set(wait(pending, return_when=FIRST_COMPLETED).done)

    def restart(self) -> None:
        """A worker that dies (killed for memory, a segfault in a PDF library) breaks the whole
        pool; start a fresh one."""
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = ProcessPoolExecutor(max_workers=self.workers)

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)


class DaskExecutor:
    """A Dask distributed cluster (`dask://HOST:PORT`): workers analyse and write the JSON reports
    (the output folder must be reachable from them); the store is written here, by the driver only."""

    def __init__(self, address: str) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise AnalyserError(address, "the dask executor needs the distributed extra: pip install .[distributed]") from None
        self.client = Client(address.replace("dask://", "tcp://", 1), timeout=30)
        self.workers = max(1, sum(w.get("nthreads", 1) for w in self.client.scheduler_info()["workers"].values()))

    def submit(self, *args: Any):
        return self.client.submit(work, *args, pure=False)

    @staticmethod
    def wait(pending: set) -> set:
        from distributed import wait as dask_wait

        return set(dask_wait(list(pending), return_when="FIRST_COMPLETED").done)

    def restart(self) -> None:
        pass  # Dask reschedules work from a lost worker itself

    def close(self) -> None:
        self.client.close()


def run(inputs: list[str], out: Path, workers: int | None = None, retry_failed: bool = False,
        progress: bool = True, executor: str | None = None) -> Summary:
    files = collect(inputs)
    store = Store(out)
    reports_dir = out / "reports"
    reports_dir.mkdir(parents=True, exist_ok=True)
    for folder in (out, reports_dir, out / "tables"):  # left by an earlier run that was killed mid-write
        if folder.is_dir():
            remove_stale_temps(folder)
    known = store.status()
    todo: list[tuple[str, str]] = []
    skipped = 0
    for f in files:
        sha = file_hash(f)
        if sha is None:
            store.add_failure(f"unreadable:{f}", str(f), "cannot read file")
            continue
        state = known.get(sha)
        if state in ("done", "queued") or (state == "failed" and not retry_failed):
            skipped += 1
            continue
        known[sha] = "queued"  # the same content twice in one run is analysed once
        todo.append((str(f), sha))
    start = time.perf_counter()
    done = failed = pages = 0
    bar = _progress(len(todo), progress)
    pool = DaskExecutor(executor) if executor and executor.startswith("dask://") else LocalExecutor(
        workers or os.cpu_count() or 1)
    inflight: dict[Any, tuple[str, str]] = {}

    queue = iter(todo)

    def top_up() -> None:
        """Keep at most 2 x workers files in flight: a kill loses little."""
        while len(inflight) < 2 * pool.workers and (item := next(queue, None)) is not None:
            inflight[pool.submit(*item, str(reports_dir))] = item

    try:
        top_up()
        while inflight:
            finished = pool.wait(set(inflight))
            results, suspects = [], []
            for fut in finished:
                _collect(fut, inflight.pop(fut), results, suspects)
            if suspects:  # the broken pool fails every file still in flight; those already done keep their result
                for fut in list(inflight):
                    _collect(fut, inflight.pop(fut), results, suspects)
                pool.restart()
                results += [_alone(pool, item, str(reports_dir)) for item in suspects]
            for result in results:
                if "error" in result:
                    store.add_failure(result["sha256"], result["path"], result["error"])
                    failed += 1
                else:
                    store.add_report(result["sha256"], result["path"], result["report"], result["report_path"],
                                     result["seconds"])
                    done += 1
                    pages += result["report"]["document"]["pages"] or 0
                bar.update(1, pages, time.perf_counter() - start)
            top_up()
    finally:
        pool.close()
        bar.close()
        store.close()
    return Summary(total=len(files), skipped=skipped, done=done, failed=failed, seconds=time.perf_counter() - start)


def _collect(fut: Any, item: tuple[str, str], results: list[dict[str, Any]], suspects: list[tuple[str, str]]) -> None:
    """A finished future's result; its file is a suspect when the worker pool broke under it."""
    try:
        results.append(fut.result())
    except BrokenProcessPool:
        suspects.append(item)  # this file, or another one in flight, killed its worker
    except Exception as exc:  # e.g. a lost Dask worker: recorded, the batch goes on
        results.append({"path": item[0], "sha256": item[1], "error": f"worker failed: {exc}"})


def _alone(pool: LocalExecutor, item: tuple[str, str], reports_dir: str) -> dict[str, Any]:
    """Run one file of a crashed pool by itself, so only the file that kills a worker fails."""
    try:
        return pool.submit(*item, reports_dir).result()
    except BrokenProcessPool:
        pool.restart()
        return {"path": item[0], "sha256": item[1], "error": CRASHED}


class _progress:
    """Files done, pages/s and ETA on stderr (tqdm when it is there, which spaCy brings)."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.bar = None
        if enabled and total:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True)

    def update(self, n: int, pages: int, elapsed: float) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(f"{pages / elapsed:.0f} pages/s" if pages and elapsed else "")
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
