"""Report exports: JSON (the contract), CSV (one row per finding), Markdown, HTML, Word (DOCX) and the annotated PDF.

`render(report, fmt, lang)` returns the text in the report language (`lang`, else the
agreement's own: `in_language`); `write(text, path)` writes it atomically (temp file
in the same folder, then rename), so a crash never leaves half a report in place of the old one.
"""
from __future__ import annotations

import errno
import fcntl
import glob
import importlib
import os
import re
import stat
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

from analyser.i18n import report_language
from analyser.model import Report
from analyser.report.csv import to_csv
from analyser.report.docx import to_docx
from analyser.report.html import to_html
from analyser.report.jsonfmt import to_json
from analyser.report.markdown import to_markdown
from analyser.report.pdf import to_pdf

# What tempfile.mkstemp makes for write_atomic: ".NAME." + 8 random characters + ".tmp".
TEMP_NAME = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")

FORMATS = {"json": to_json, "csv": to_csv, "md": to_markdown, "html": to_html, "docx": to_docx, "pdf": to_pdf}

# Every renderer, by what it renders: a report (FORMATS above), a comparison of two versions
# (compare.FORMATS), the precedents for the gaps (precedents.FORMATS), the QPR's treaties section
# (qpr.FORMATS). The names are here, so that the command line offers them without importing the
# renderers; tests/test_report.py checks that they are the renderers' own.
FORMAT_NAMES: dict[str, tuple[str, ...]] = {"report": tuple(FORMATS), "compare": ("json", "md", "html"),
                                           "precedents": ("json", "md"), "qpr": ("md", "csv", "docx")}
_MODULES = {"compare": "analyser.compare", "precedents": "analyser.precedents", "qpr": "analyser.qpr"}


def renderers(kind: str) -> dict[str, Callable[..., Any]]:
    """The renderers of one kind of output ("report", "compare", "precedents", "qpr"), by format."""
    return FORMATS if kind == "report" else importlib.import_module(_MODULES[kind]).FORMATS


def renderer(kind: str, fmt: str) -> Callable[..., Any]:
    """The one renderer of `kind` for `fmt`; ValueError names the formats there are."""
    table = renderers(kind)
    if fmt not in table:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(table)}")
    return table[fmt]


def in_language(report: Report, lang: str | None = None) -> Report:
    """The report worded in `lang` (default: the agreement's language): the checks' questions and
    explanations are recomputed from the findings (cheap, pure), nothing else changes."""
    from analyser import checks

    target = report_language(report.document.language, lang)
    if report.language == target:
        return report
    return replace(report, checks=checks.assess(report.document, target), language=target)


def render(report: Report, fmt: str = "json", lang: str | None = None) -> str | bytes:
    return renderer("report", fmt)(in_language(report, lang))


def _umask() -> int:
    """The process umask, read without changing it (os.umask would, for a moment, for every thread)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    old = os.umask(0o022)
    os.umask(old)
    return old


def _stale(path: str) -> bool:
    """True when no live writer holds this temporary file (each writer keeps a lock on its own)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def remove_stale_temps(folder: str | Path, name: str | None = None) -> list[Path]:
    """Remove the `.NAME.xxxxxxxx.tmp` files an earlier run left when it was killed mid-write
    (of `name` only, or of every file in `folder`); a temporary file a live run is writing is kept."""
    folder = Path(folder)
    pattern = f".{glob.escape(name)}.*.tmp" if name else ".*.tmp"
    removed = []
    for tmp in folder.glob(pattern):
        if TEMP_NAME.fullmatch(tmp.name) and tmp.is_file() and not tmp.is_symlink() and _stale(str(tmp)):
            tmp.unlink(missing_ok=True)
            removed.append(tmp)
    return removed


def write_atomic(content: str | bytes, path: str | Path, clean: bool = True) -> None:
    """Write `path` so that it holds the old content or the new, never half of either.

    Only what the user named is touched: a symbolic link is written through (its target is
    replaced, atomically, by a temporary file beside the target); a device, FIFO or socket is
    written directly (a rename would replace the node); an existing file keeps its mode and a
    new one gets the mode the umask allows. Temporary files of an earlier killed run are removed
    (`clean=False`: the caller cleaned the folder once already, as a batch does at its start).
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    target = Path(os.path.realpath(path))  # through every link; a dangling link gives its would-be target
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
        with open(target, "wb") as fh:  # a device or a FIFO: written as it is
            fh.write(data)
        return
    if clean:
        remove_stale_temps(target.parent, target.name)
    mode = stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)  # marks it live: a concurrent run's clean-up leaves it alone
            os.fchmod(fh.fileno(), mode)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
            os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
