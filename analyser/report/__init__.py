"""Report exports: JSON (the contract), CSV (one row per finding), Markdown and HTML.

`render(report, fmt)` returns the text; `write(text, path)` writes it atomically (temp file
in the same folder, then rename), so a crash never leaves half a report in place of the old one.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from analyser.model import Report
from analyser.report.csv import to_csv
from analyser.report.html import to_html
from analyser.report.jsonfmt import to_json
from analyser.report.markdown import to_markdown
from analyser.report.pdf import to_pdf

FORMATS = {"json": to_json, "csv": to_csv, "md": to_markdown, "html": to_html, "pdf": to_pdf}


def render(report: Report, fmt: str = "json") -> str | bytes:
    try:
        return FORMATS[fmt](report)
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}") from None


def write_atomic(content: str | bytes, path: str | Path) -> None:
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.", suffix=".tmp")
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
