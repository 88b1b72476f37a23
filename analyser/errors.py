"""One error type for every input problem, so the CLI and the batch can print one clear line."""
from __future__ import annotations


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
