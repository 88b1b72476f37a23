"""One call does the whole job: ingest -> structure -> language -> classify -> checks -> report."""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from pathlib import Path

import logging
import time

from analyser.errors import PROCESS_DIED, AnalyserError, reason_of
from analyser.i18n import report_language
from analyser.model import Document, Evidence, Report


DOCUMENT_TIMEOUT_S = 900  # the batch's and the UI's limit for one document


def analyse(path: str | Path, *, language_override: str | None = None, language_engine: str = "py3langid",
            pdf_engine: str = "pdfium", ocr: bool = True, timeout: float | None = None,
            use_model: bool | str = True, rules: bool = True) -> Report:
    """Analyse one agreement file. Raises AnalyserError (one-line reason) on bad input, and when
    `timeout` seconds pass (main thread only: the CLI and the batch workers set it). The learned
    layer runs beside the rules unless `use_model` is False; a string names another model folder."""
    with time_limit(timeout, str(path)):
        return _analyse(path, language_override, language_engine, pdf_engine, ocr, use_model, rules)


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


def analyse_isolated(path: str | Path, timeout: float, **options) -> Report:
    """`analyse` in a child process that is killed after `timeout` seconds: for callers outside the
    main thread (the UI's script thread), where the SIGALRM limit cannot work, and
    where a library that hangs or crashes must not take the caller down with it."""
    ctx = _isolation_context()
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_analyse_to_pipe, args=(send, str(path), options), daemon=True)
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


def _analyse_to_pipe(send, path: str, options: dict) -> None:
    try:
        report = analyse(path, **options)
        report.document.layout = None  # closed, and not picklable; evidence already has its boxes
        send.send(("report", report))
    except Exception as exc:  # noqa: BLE001  (one line for the caller, never a traceback)
        send.send(("error", (getattr(exc, "path", path), reason_of(exc))))
    finally:
        send.close()


log = logging.getLogger("analyser")


def _analyse(path, language_override, language_engine, pdf_engine, ocr, use_model, rules) -> Report:
    # the stages are imported here, not with the module: the CLI reads DOCUMENT_TIMEOUT_S without them
    from analyser import __version__, checks, classify, ingest, language, structure

    start = time.perf_counter()
    source = ingest.load(path, pdf_engine=pdf_engine, ocr=ocr)
    # Confidential drafts: INFO names a document by its hash only; the path only at DEBUG; text never.
    log.debug("analysing %s", path)
    try:
        doc = structure.build(source)
        language.assign(doc, override=language_override, engine_name=language_engine)
        structure.localise_headings(doc)
        classify.classify(doc, classify.layers(use_model, rules=rules))
        locate_evidence(doc)
    finally:
        if source.layout is not None:
            source.layout.close()  # every box is known now, or the analysis failed: free the PDF
    report = Report(document=doc, checks=checks.run(doc), analyser_version=__version__,
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
