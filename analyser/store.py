"""The batch store: one SQLite file per output folder, written by one process (the driver).

Schema (also in README):
  documents(sha256 PK, path, status 'done'|'failed', error, format, title, language, pages,
            provisions, findings, metadata JSON, checks JSON, report, seconds, finished)
  findings(sha256, provision_id, source_id, kind, heading, language, pages JSON, label, score,
           layer, attributes JSON, evidence)
  checks(sha256, check_id, status, provisions JSON, why)

A document's rows land in one transaction, after its JSON report is on disk, so a run killed at
any moment leaves every document either complete or absent. WAL journaling keeps readers
(pandas, R, the UI) working while a batch writes.
"""
from __future__ import annotations

import json
import sqlite3
import time
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
