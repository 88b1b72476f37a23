"""Screen trade and investment agreements for culture: clauses, Convention references, gaps.

    >>> from analyser import analyse
    >>> report = analyse("agreement.xml")
    >>> report.checks["G1"].status
"""
from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING

from analyser.errors import AnalyserError  # noqa: E402
from analyser.model import Report  # noqa: E402
from analyser.options import AnalyseOptions  # noqa: E402

if TYPE_CHECKING:
    from analyser.pipeline import analyse

__all__ = ["analyse", "AnalyseOptions", "AnalyserError", "Report", "__version__"]


def __getattr__(name: str):
    """`analyse` is imported on first use, so `analyser --version` and `--help` stay light."""
    if name == "analyse":
        from analyser.pipeline import analyse

        return analyse
    raise AttributeError(f"module 'analyser' has no attribute {name!r}")
