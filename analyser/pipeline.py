"""One call does the whole job: ingest -> structure -> language -> classify -> checks -> report.

After ingest and structure, the document passes through `STAGES`, each `stage(doc, options) -> doc`
with the same typed options (analyser/options.py); the checks then make the report.
"""
from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import logging
import time

from analyser.errors import PROCESS_DIED, AnalyserError, reason_of
from analyser.i18n import report_language
from analyser.model import Document, Evidence, Report
from analyser.options import AnalyseOptions, options_of


DOCUMENT_TIMEOUT_S = 900  # the batch's and the UI's limit for one document

Stage = Callable[[Document, AnalyseOptions], Document]


def analyse(path: str | Path, options: AnalyseOptions | None = None, **changes: Any) -> Report:
    """Analyse one agreement file with `options` (defaults when None; keyword `changes` set single
    fields: `analyse(path, ocr=False, model=None)`). Raises AnalyserError (one-line reason) on bad
    input, and when `options.timeout` seconds pass (main thread only: the CLI and the batch
    workers set it)."""
    options = options_of(options, **changes)
    with time_limit(options.timeout, str(path)):
        return _analyse(path, options)


def _too_long(path: str | Path, seconds: float, hint: str) -> AnalyserError:
    return AnalyserError(str(path), f"analysis took longer than {seconds:g} s ({hint})")


@contextmanager
def time_limit(seconds: float | None, path: str):
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise _too_long(path, seconds, "raise --timeout for very long files")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def analyse_isolated(path: str | Path, options: AnalyseOptions) -> Report:
    """`analyse` in a child process that is killed after `options.timeout` seconds
    (DOCUMENT_TIMEOUT_S when it has none): for callers
    outside the main thread (the UI's script thread), where the SIGALRM limit cannot work, and
    where a library that hangs or crashes must not take the caller down with it."""
    timeout = options.timeout or DOCUMENT_TIMEOUT_S
    ctx = _isolation_context()
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_analyse_to_pipe, args=(send, str(path), options.but(timeout=None)), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(timeout):
            raise _too_long(path, timeout, "raise the time limit for very long files")
        kind, value = receive.recv()
    except EOFError:
        raise AnalyserError(str(path), PROCESS_DIED) from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receive.close()
    if kind == "error":
        raise AnalyserError(*value)
    return value


def start_isolation() -> None:
    """Start the fork server and its warm-up (a few seconds) ahead of the first isolated analysis;
    the UI calls it in the background when it starts."""
    from multiprocessing import forkserver

    _isolation_context()
    forkserver.ensure_running()


def _isolation_context():
    import multiprocessing

    ctx = multiprocessing.get_context("forkserver")  # a clean, single-threaded parent to fork from
    ctx.set_forkserver_preload(["analyser._forkserver"])  # imports and warms up once, not per call
    return ctx


def _analyse_to_pipe(send, path: str, options: AnalyseOptions) -> None:
    try:
        report = analyse(path, options)
        report.document.layout = None  # closed, and not picklable (page look-ups); evidence has its boxes
        send.send(("report", report))
    except Exception as exc:  # noqa: BLE001  (one line for the caller, never a traceback)
        send.send(("error", (getattr(exc, "path", path), reason_of(exc))))
    finally:
        send.close()


log = logging.getLogger("analyser")


def _language(doc: Document, options: AnalyseOptions) -> Document:
    from analyser import language

    return language.assign(doc, override=options.language, engine_name=options.language_engine)


def _headings(doc: Document, options: AnalyseOptions) -> Document:
    from analyser import structure

    structure.localise_headings(doc)
    return doc


def _classify(doc: Document, options: AnalyseOptions) -> Document:
    from analyser import classify

    return classify.classify(doc, classify.layers(options.model, rules=options.rules))


def _evidence(doc: Document, options: AnalyseOptions) -> Document:
    locate_evidence(doc)
    return doc


# The stages after structure, in order. Their modules are imported when they run, not with this
# one: the CLI reads DOCUMENT_TIMEOUT_S without them.
STAGES: tuple[Stage, ...] = (_language, _headings, _classify, _evidence)


def _analyse(path: str | Path, options: AnalyseOptions) -> Report:
    from analyser import __version__, checks, ingest, structure

    start = time.perf_counter()
    source = ingest.load(path, options)
    # Confidential drafts: INFO names a document by its hash only; the path only at DEBUG; text never.
    log.debug("analysing %s", path)
    # The one place a PDF's open document is released: once every box is known, or on failure. The
    # closed layout stays on the document (its offsets and page labels).
    with source.layout or nullcontext():
        doc = structure.build(source)
        for stage in STAGES:
            doc = stage(doc, options)
    report = Report(document=doc, checks=checks.assess(doc), analyser_version=__version__,
                    language=report_language(doc.language))
    log.info("document %s: %s, %d provisions, %d findings in %.2f s", doc.sha256[:12], doc.format,
             len(doc.provisions), len(report.findings), time.perf_counter() - start)
    return report


def locate_evidence(doc: Document) -> None:
    """Give each piece of evidence, of findings and candidates alike, its page, printed page label
    and boxes when the input has pages; evidence that runs over a page break becomes one piece per
    page, so every page highlights its part."""
    if doc.layout is None:
        return
    for p in doc.provisions:
        for f in p.findings + p.candidates:
            located = []
            for e in f.evidence:
                runs = _page_runs(doc.layout.page_of, p.start + e.start, p.start + e.end)
                if len(runs) == 1:
                    e.page = runs[0][0]
                    e.page_label = doc.page_label(e.page)
                    e.boxes = doc.layout.boxes_for(p.start + e.start, p.start + e.end) or None
                    located.append(e)
                    continue
                located += [Evidence(start=start - p.start, end=end - p.start, text=p.text[start - p.start:end - p.start],
                                     page=page, page_label=doc.page_label(page), boxes=doc.layout.boxes_for(start, end) or None)
                            for page, start, end in runs] or [e]
            f.evidence = located


def _page_runs(page_of, start: int, end: int) -> list[tuple[int, int, int]]:
    """(page, start, end) for each page the span [start, end) touches, trimmed to its characters."""
    runs: list[list[int]] = []
    for pos in range(start, min(end, len(page_of))):
        page = page_of[pos]
        if not page:
            continue
        if runs and runs[-1][0] == page:
            runs[-1][2] = pos + 1
        else:
            runs.append([page, pos, pos + 1])
    return [tuple(r) for r in runs]
