"""The batch store: one SQLite file per output folder, written by one process (the driver).

Schema (also in README):
  documents(sha256 PK, path, status 'done'|'failed', error, format, title, language, pages,
            provisions, findings, metadata JSON, checks JSON, report, seconds, finished)
  findings(sha256, provision_id, source_id, kind, heading, language, pages JSON, label, score,
           layer, attributes JSON, evidence)
  checks(sha256, check_id, status, provisions JSON, why)

A document's rows land in one transaction, after its JSON report is on disk, so a run killed at
any moment leaves every document either complete or absent. WAL journaling keeps readers
(pandas, R, the UI) working while a batch writes. The schema is known here only: the tables,
the statistics and the QPR read the store through the functions at the end of this module.
"""
from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
  sha256 TEXT PRIMARY KEY, path TEXT NOT NULL, status TEXT NOT NULL, error TEXT,
  format TEXT, title TEXT, language TEXT, pages INTEGER, provisions INTEGER, findings INTEGER,
  metadata TEXT, checks TEXT, report TEXT, seconds REAL, finished REAL
);
CREATE TABLE IF NOT EXISTS findings (
  sha256 TEXT NOT NULL, provision_id TEXT, source_id TEXT, kind TEXT, heading TEXT, language TEXT,
  pages TEXT, label TEXT, score REAL, layer TEXT, attributes TEXT, evidence TEXT
);
CREATE INDEX IF NOT EXISTS findings_doc ON findings(sha256);
CREATE TABLE IF NOT EXISTS checks (
  sha256 TEXT NOT NULL, check_id TEXT NOT NULL, status TEXT, provisions TEXT, why TEXT,
  PRIMARY KEY (sha256, check_id)
);
"""


class Store:
    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "store.sqlite"
        self.db = sqlite3.connect(self.path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)

    def status(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT sha256, status FROM documents"))

    def add_report(self, sha: str, path: str, report: dict[str, Any], report_path: str, seconds: float) -> None:
        doc = report["document"]
        rows = []
        for p in report["provisions"]:
            for f in p["findings"]:
                rows.append((sha, p["id"], p.get("source_id"), p["kind"], p["heading"], p.get("language"),
                             json.dumps(p.get("pages", [])), f["label"], f["score"], f["layer"],
                             json.dumps(f["attributes"], ensure_ascii=False),
                             " | ".join(e["text"] for e in f["evidence"])))
        with self.db:  # one transaction: the document is in the store whole, or not at all
            self._forget(sha, path)
            self.db.execute(
                "INSERT INTO documents VALUES (?, ?, 'done', NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (sha, path, doc.get("format"), doc.get("title"), doc.get("language"), doc.get("pages"),
                 len(report["provisions"]), len(rows), json.dumps(doc.get("metadata", {}), ensure_ascii=False),
                 json.dumps({k: v["status"] for k, v in report["checks"].items()}), report_path, seconds, time.time()))
            self.db.executemany("INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            self.db.executemany("INSERT INTO checks VALUES (?, ?, ?, ?, ?)", [
                (sha, cid, c["status"], json.dumps(c["provisions"]), c["why"]) for cid, c in report["checks"].items()])

    def add_failure(self, sha: str, path: str, error: str) -> None:
        with self.db:
            self._forget(sha, path)
            self.db.execute("INSERT INTO documents (sha256, path, status, error, finished) VALUES (?, ?, 'failed', ?, ?)",
                            (sha, path, error, time.time()))

    def _forget(self, sha: str, path: str) -> None:
        """Drop this content's rows, and those of an earlier version of the same file (edited
        since), so the tables hold each file once, as it is now."""
        stale = [sha] + [s for (s,) in self.db.execute(
            "SELECT sha256 FROM documents WHERE path = ? AND sha256 != ?", (path, sha))]
        for old in stale:
            for table in ("findings", "checks", "documents"):
                self.db.execute(f"DELETE FROM {table} WHERE sha256 = ?", (old,))

    def close(self) -> None:
        self.db.close()


# --- reads ------------------------------------------------------------------------------------
# Each opens the folder's store, reads, and closes it; none writes.

DOCUMENT_COLUMNS = ("sha256", "path", "status", "error", "format", "title", "language", "pages", "provisions",
                    "findings", "metadata", "checks", "report")
FINDING_COLUMNS = ("sha256", "path", "title", "provision_id", "source_id", "kind", "heading", "language", "pages",
                   "label", "score", "layer", "attributes", "evidence")


@contextmanager
def _reading(folder: Path) -> Iterator[sqlite3.Connection]:
    db = sqlite3.connect(folder / "store.sqlite")
    try:
        yield db
    finally:
        db.close()


def documents(folder: Path, done_only: bool = False, by_path: bool = True) -> list[dict[str, Any]]:
    """Every document of the store (only the analysed ones with `done_only`), in path order
    unless `by_path` is False (then in the order they were stored), with `metadata` and `checks`
    parsed from their JSON."""
    sql = (f"SELECT {', '.join(DOCUMENT_COLUMNS)} FROM documents" + (" WHERE status = 'done'" if done_only else "")
           + (" ORDER BY path" if by_path else ""))
    with _reading(folder) as db:
        rows = [dict(zip(DOCUMENT_COLUMNS, r)) for r in db.execute(sql)]
    for row in rows:
        row["metadata"] = json.loads(row["metadata"] or "{}")
        row["checks"] = json.loads(row["checks"] or "{}")
    return rows


def findings(folder: Path) -> list[dict[str, Any]]:
    """One row per finding with its document's path and title, in path order, then as stored
    (`pages` and `attributes` stay JSON text, as the tables write them)."""
    sql = ("SELECT f.sha256, d.path, d.title, f.provision_id, f.source_id, f.kind, f.heading, f.language, f.pages, "
           "f.label, f.score, f.layer, f.attributes, f.evidence FROM findings f JOIN documents d USING (sha256) "
           "ORDER BY d.path, f.rowid")
    with _reading(folder) as db:
        return [dict(zip(FINDING_COLUMNS, r)) for r in db.execute(sql)]


def finding_labels(folder: Path) -> list[tuple[str, str, str]]:
    """(document sha256, label, evidence) of every finding, as stored."""
    with _reading(folder) as db:
        return list(db.execute("SELECT f.sha256, f.label, f.evidence FROM findings f"))
