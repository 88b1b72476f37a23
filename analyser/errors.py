"""One error type for every input problem, so the CLI and the batch can print one clear line."""
from __future__ import annotations


class AnalyserError(Exception):
    """An input the analyser cannot process: carries the file and a human reason."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
