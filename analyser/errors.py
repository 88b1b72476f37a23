"""One error type for every input problem, so the CLI and the batch can print one clear line;
and the libraries' own chatter kept off that stderr."""
from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator


class AnalyserError(Exception):
    """An input the analyser cannot process: carries the file and a human reason."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


PROCESS_DIED = "the process analysing this file died (out of memory or a crash in a library)"


def reason_of(exc: Exception) -> str:
    """One line for any failure: the input problem, or the internal error, never a traceback."""
    return exc.reason if isinstance(exc, AnalyserError) else f"internal error: {type(exc).__name__}: {exc}"


@contextlib.contextmanager
def library_quiet(logger: str, python_warnings: bool = False) -> Iterator[None]:
    """A library's log (pdfminer, pypdf: a WARNING per oddity it repairs, thousands on a damaged
    file), and with `python_warnings` its Python warnings, kept off stderr unless the user asked
    for --log-level DEBUG."""
    log = logging.getLogger(logger)
    old = log.level
    if not logging.getLogger().isEnabledFor(logging.DEBUG):
        log.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings() if python_warnings else contextlib.nullcontext():
            if python_warnings:
                warnings.simplefilter("ignore")
            yield
    finally:
        log.setLevel(old)
