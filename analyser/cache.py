"""The user's cache folder, for what never changes between runs but costs time to rebuild.

Entries are keyed by the hash of the files they derive from, so a changed input makes a new
entry and a stale one is never read. Each entry is written to a private temporary folder and
renamed into place, so a killed run leaves no half-written entry. When the folder cannot be
written (a read-only home, say) the caller just rebuilds: the cache only saves time.
`ANALYSER_CACHE_DIR` chooses another folder; `ANALYSER_CACHE_DIR=off` turns the cache off.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable

APP = "culture-trade-analyser"
STALE_S = 600  # a temporary entry folder this old belongs to a killed run


def cache_dir() -> Path | None:
    chosen = os.environ.get("ANALYSER_CACHE_DIR")
    if chosen:
        return None if chosen.lower() == "off" else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / APP


def file_key(*paths: Path) -> str:
    """A short hash of the files' contents (and names), for an entry name."""
    h = hashlib.sha256()
    for path in paths:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:20]


def entry(name: str, build: Callable[[Path], None]) -> Path | None:
    """The folder of cache entry `name`, built by `build(folder)` when it is missing; None when
    there is no usable cache (the caller then works without it)."""
    root = cache_dir()
    if root is None:
        return None
    final = root / name
    if (final / ".complete").exists():
        return final
    try:
        root.mkdir(parents=True, exist_ok=True)
        for stale in root.glob(f".{name}.*"):  # left by a run killed mid-write
            if time.time() - stale.stat().st_mtime > STALE_S:
                shutil.rmtree(stale, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=root))
    except OSError:
        return None
    try:
        build(tmp)
        (tmp / ".complete").touch()
        os.replace(tmp, final)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        return final if (final / ".complete").exists() else None  # another process may have won the race
    return final
