"""Screen trade and investment agreements for culture: clauses, Convention references, gaps.

    >>> from analyser import analyse
    >>> report = analyse("agreement.xml")
    >>> report.checks["G1"].status
"""
from __future__ import annotations

__version__ = "0.1.0"

from analyser.errors import AnalyserError  # noqa: E402
from analyser.model import Report  # noqa: E402
from analyser.pipeline import analyse  # noqa: E402

__all__ = ["analyse", "AnalyserError", "Report", "__version__"]
