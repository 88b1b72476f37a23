"""The reviewer's decisions, kept in a local SQLite file: what was accepted, rejected, relabelled
or added, by whom, when, with which note. Nothing here talks to a network.

Where: `--review-db PATH`, else `$ANALYSER_REVIEW_DB`, else
`$XDG_DATA_HOME/culture-trade-analyser/review.sqlite` (`~/.local/share/...` without XDG_DATA_HOME).

Keys: a decision belongs to a document by the SHA-256 of its bytes (a renamed file keeps its
decisions) and to a provision by the hash of its normalised words (`compare.normalised`) plus
its character span in the document text when it was decided. The provision's text is stored
too, so a later analysis whose structure stage cuts the text differently still finds it: first
by the same words (the nearest span wins among identical provisions), else by the alignment
`analyser compare` uses (`compare.ProvisionIndex`). Decisions are append-only: the latest
accept / reject / relabel / add / reset on a (provision, label) is the one in force; notes add up.

Schema (version 1, `PRAGMA user_version`; also in the `meta` table):

    meta(key TEXT PRIMARY KEY, value TEXT)            -- schema_version, created_at
    documents(sha256 TEXT PRIMARY KEY, name TEXT, title TEXT, format TEXT, language TEXT,
              first_seen TEXT, last_seen TEXT)        -- name: the file name last seen (never a path)
    provisions(id INTEGER PRIMARY KEY, document_sha256 TEXT REFERENCES documents,
               text_hash TEXT, start INTEGER, end INTEGER, text TEXT, heading TEXT, source_id TEXT,
               UNIQUE(document_sha256, text_hash, start))
    decisions(id INTEGER PRIMARY KEY, provision_id INTEGER REFERENCES provisions,
              label TEXT,          -- the label decided on (add: the label added)
              kind TEXT,           -- accept | reject | relabel | add | note | reset
              was TEXT,            -- finding | candidate | NULL (add, or not in the analysis then)
              new_label TEXT,      -- relabel: the label it becomes
              attributes TEXT,     -- JSON: scope, carve_out (relabel, add, accept)
              evidence TEXT,       -- JSON [{start, end, text}] in the provision text (add)
              tool_layer TEXT, tool_score REAL,   -- what the tool said when the decision was made
              note TEXT, reviewer TEXT, decided_at TEXT, analyser_version TEXT)
    agreement_notes(id INTEGER PRIMARY KEY, document_sha256 TEXT REFERENCES documents,
                    note TEXT, reviewer TEXT, noted_at TEXT)

Every write is one transaction (SQLite commits atomically; a killed run loses at most the
decision being written).
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from analyser.compare import ProvisionIndex, normalised
from analyser.errors import AnalyserError
from analyser.model import LABELS, Document, Provision

SCHEMA_VERSION = 1
APP = "culture-trade-analyser"
KINDS = ("accept", "reject", "relabel", "add", "note", "reset")
VERDICTS = ("accept", "reject", "relabel", "add")  # the kinds that decide an item (reset clears one)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS documents (sha256 TEXT PRIMARY KEY, name TEXT, title TEXT, format TEXT,
    language TEXT, first_seen TEXT, last_seen TEXT);
CREATE TABLE IF NOT EXISTS provisions (id INTEGER PRIMARY KEY, document_sha256 TEXT NOT NULL REFERENCES documents(sha256),
    text_hash TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, text TEXT NOT NULL, heading TEXT,
    source_id TEXT, UNIQUE(document_sha256, text_hash, start));
CREATE TABLE IF NOT EXISTS decisions (id INTEGER PRIMARY KEY, provision_id INTEGER NOT NULL REFERENCES provisions(id),
    label TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('accept','reject','relabel','add','note','reset')),
    was TEXT, new_label TEXT, attributes TEXT, evidence TEXT, tool_layer TEXT, tool_score REAL,
    note TEXT, reviewer TEXT, decided_at TEXT NOT NULL, analyser_version TEXT);
CREATE INDEX IF NOT EXISTS decisions_by_provision ON decisions(provision_id);
CREATE TABLE IF NOT EXISTS agreement_notes (id INTEGER PRIMARY KEY, document_sha256 TEXT NOT NULL
    REFERENCES documents(sha256), note TEXT NOT NULL, reviewer TEXT, noted_at TEXT NOT NULL);
"""


def default_path() -> Path:
    """$ANALYSER_REVIEW_DB, else the user's data folder (XDG_DATA_HOME or ~/.local/share)."""
    chosen = os.environ.get("ANALYSER_REVIEW_DB")
    if chosen:
        return Path(chosen).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / APP / "review.sqlite"


def text_hash(text: str) -> str:
    """The provision key: the hash of its words as alignment compares them (spacing and case aside)."""
    return hashlib.sha256(normalised(text).encode("utf-8")).hexdigest()[:32]


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class Decision:
    """One row of `decisions`, with the stored provision it is about."""

    id: int
    label: str
    kind: str
    provision: "StoredProvision"
    was: str | None = None
    new_label: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    tool_layer: str | None = None
    tool_score: float | None = None
    note: str | None = None
    reviewer: str | None = None
    decided_at: str = ""


@dataclass
class StoredProvision:
    id: int
    text_hash: str
    start: int
    end: int
    text: str
    heading: str | None
    source_id: str | None


@dataclass
class Item:
    """What is in force for one (provision, label): the latest verdict (None: not decided) and
    every note written on it, oldest first."""

    label: str
    provision: StoredProvision
    verdict: Decision | None = None
    notes: list[Decision] = field(default_factory=list)


class ReviewStore:
    """The decisions database. Open with `ReviewStore(path)`; each method is one transaction."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else default_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30)
        except (OSError, sqlite3.Error) as exc:
            raise AnalyserError(str(self.path), f"cannot open the review store ({exc})") from None
        self.db.execute("PRAGMA foreign_keys = ON")
        self._migrate()

    def _migrate(self) -> None:
        try:
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError:
            raise AnalyserError(str(self.path), "not a review store (not an SQLite database)") from None
        if version > SCHEMA_VERSION:
            raise AnalyserError(str(self.path), f"review store schema {version} is newer than this analyser "
                                                f"reads ({SCHEMA_VERSION}); upgrade the analyser")
        if version == SCHEMA_VERSION:
            return
        with self.db:
            self.db.executescript(_SCHEMA)
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('created_at', ?)", (now(),))
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "ReviewStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    # --- writing ---------------------------------------------------------------------------

    def _document(self, doc: Document) -> None:
        stamp = now()
        self.db.execute(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(sha256) DO UPDATE SET "
            "name = excluded.name, title = excluded.title, last_seen = excluded.last_seen",
            (doc.sha256, Path(doc.source).name, doc.title, doc.format, doc.language, stamp, stamp))

    def _provision(self, doc: Document, p: Provision) -> int:
        key = (doc.sha256, text_hash(p.text), p.start)
        self.db.execute("INSERT OR IGNORE INTO provisions (document_sha256, text_hash, start, end, text, heading, "
                        "source_id) VALUES (?, ?, ?, ?, ?, ?, ?)", (*key, p.end, p.text, p.heading, p.source_id))
        return self.db.execute("SELECT id FROM provisions WHERE document_sha256 = ? AND text_hash = ? AND start = ?",
                               key).fetchone()[0]

    def record(self, doc: Document, p: Provision, kind: str, label: str, *, new_label: str | None = None,
               attributes: dict[str, Any] | None = None, evidence: list[dict[str, Any]] | None = None,
               note: str | None = None, reviewer: str | None = None) -> int:
        """Record one decision on provision `p` of `doc` (a provision of the analysis the reviewer
        saw); returns its id. What the tool said about `label` there is kept beside it."""
        from analyser import __version__

        if kind not in KINDS:
            raise AnalyserError(kind, f"unknown decision; choose one of {', '.join(KINDS)}")
        for lab in (label, new_label):
            if lab is not None and lab not in LABELS:
                raise AnalyserError(lab, f"unknown label; choose one of {', '.join(LABELS)}")
        if kind == "relabel" and not new_label:
            raise AnalyserError(label, "a relabel needs the new label")
        if kind == "add":
            evidence = check_evidence(p.text, evidence or [])
        tool = next(((w, f) for w, fs in (("finding", p.findings), ("candidate", p.candidates)) for f in fs
                     if f.label == label), (None, None))
        if kind in ("accept", "relabel") and not evidence and tool[1] is not None:
            # the tool's evidence, kept: a later analysis that no longer proposes it still has the words
            evidence = [{"start": e.start, "end": e.end, "text": e.text} for e in tool[1].evidence]
        with self.db:
            self._document(doc)
            pid = self._provision(doc, p)
            cur = self.db.execute(
                "INSERT INTO decisions (provision_id, label, kind, was, new_label, attributes, evidence, tool_layer, "
                "tool_score, note, reviewer, decided_at, analyser_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (pid, label, kind, tool[0], new_label, json.dumps(attributes or {}, ensure_ascii=False),
                 json.dumps(evidence or [], ensure_ascii=False), tool[1].layer if tool[1] else None,
                 tool[1].score if tool[1] else None, note or None, reviewer or None, now(), __version__))
            return int(cur.lastrowid)

    def note_agreement(self, doc: Document, note: str, reviewer: str | None = None) -> int:
        if not note.strip():
            raise AnalyserError("--note", "an empty note")
        with self.db:
            self._document(doc)
            cur = self.db.execute("INSERT INTO agreement_notes (document_sha256, note, reviewer, noted_at) "
                                  "VALUES (?, ?, ?, ?)", (doc.sha256, note.strip(), reviewer or None, now()))
            return int(cur.lastrowid)

    # --- reading ---------------------------------------------------------------------------

    def agreement_notes(self, sha256: str) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT note, reviewer, noted_at FROM agreement_notes WHERE document_sha256 = ? "
                               "ORDER BY id", (sha256,)).fetchall()
        return [{"note": n, "reviewer": r, "at": at} for n, r, at in rows]

    def version(self, sha256: str) -> tuple[int, int]:
        """(newest decision id, number of agreement notes) on this document: changes with every
        decision or note on it, so a reader can cache what it derives from them."""
        row = self.db.execute(
            "SELECT (SELECT IFNULL(MAX(d.id), 0) FROM decisions d JOIN provisions p ON p.id = d.provision_id "
            "WHERE p.document_sha256 = ?), (SELECT COUNT(*) FROM agreement_notes WHERE document_sha256 = ?)",
            (sha256, sha256)).fetchone()
        return int(row[0]), int(row[1])

    def last_reviewer(self) -> str | None:
        """The reviewer named on the newest named decision, on any document."""
        row = self.db.execute("SELECT reviewer FROM decisions WHERE reviewer IS NOT NULL AND reviewer != '' "
                              "ORDER BY id DESC LIMIT 1").fetchone()
        return row[0] if row else None

    def decisions(self, sha256: str) -> list[Decision]:
        """Every decision on this document, oldest first."""
        rows = self.db.execute(
            "SELECT d.id, d.label, d.kind, d.was, d.new_label, d.attributes, d.evidence, d.tool_layer, d.tool_score, "
            "d.note, d.reviewer, d.decided_at, p.id, p.text_hash, p.start, p.end, p.text, p.heading, p.source_id "
            "FROM decisions d JOIN provisions p ON p.id = d.provision_id WHERE p.document_sha256 = ? ORDER BY d.id",
            (sha256,)).fetchall()
        stored: dict[int, StoredProvision] = {}
        out = []
        for (did, label, kind, was, new_label, attrs, evidence, layer, score, note, reviewer, at,
             pid, th, start, end, text, heading, source_id) in rows:
            prov = stored.setdefault(pid, StoredProvision(pid, th, start, end, text, heading, source_id))
            out.append(Decision(did, label, kind, prov, was, new_label, json.loads(attrs or "{}"),
                                json.loads(evidence or "[]"), layer, score, note, reviewer, at))
        return out

    def items(self, sha256: str) -> list[Item]:
        """What is in force per (stored provision, label), in the order first decided."""
        items: dict[tuple[int, str], Item] = {}
        for d in self.decisions(sha256):
            item = items.setdefault((d.provision.id, d.label), Item(d.label, d.provision))
            if d.kind in VERDICTS:
                item.verdict = d
            elif d.kind == "reset":
                item.verdict = None
            if d.note:
                item.notes.append(d)
        return list(items.values())

def check_evidence(text: str, evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Evidence of an added label: each piece's words must be the provision's own, at its offsets
    (given), or found in it (text only: the first occurrence)."""
    out = []
    for piece in evidence:
        words = str(piece.get("text") or "").strip()
        start = piece.get("start")
        if start is None:
            start = text.find(words) if words else -1
            if start < 0:
                start = text.lower().find(words.lower()) if words else -1
        else:
            start = int(start)
        end = start + len(words)
        if not words or start < 0 or text[start:end].lower() != words.lower():
            raise AnalyserError(words[:60] or "--words", "these words are not in the provision's text")
        out.append({"start": start, "end": end, "text": text[start:end]})
    if not out:
        raise AnalyserError("--words", "an added label needs its evidence: words of the provision")
    return out


def place(stored: list[StoredProvision], provisions: list[Provision]) -> dict[int, Provision | None]:
    """Which provision of an analysis each stored provision is now: the same words (nearest span
    among identical provisions), else the most similar provision as `analyser compare` aligns them
    (None: no provision is similar enough, the decision is kept but not placed)."""
    if not stored:
        return {}
    by_hash: dict[str, list[Provision]] = {}
    for p in provisions:
        by_hash.setdefault(text_hash(p.text), []).append(p)
    index: ProvisionIndex | None = None
    placed: dict[int, Provision | None] = {}
    for s in stored:
        same = by_hash.get(s.text_hash)
        if same:
            placed[s.id] = min(same, key=lambda p: abs(p.start - s.start))
            continue
        index = index or ProvisionIndex(provisions)
        probe = Provision(id=f"stored-{s.id}", kind="article", heading=s.heading or "", text=s.text, start=s.start,
                          end=s.end)
        placed[s.id] = index.best(probe)[0]
    return placed


def relocate(evidence: list[dict[str, Any]], old_text: str, new_text: str) -> list[dict[str, Any]]:
    """Stored evidence offsets moved into a provision whose text changed: the occurrence of the
    same words nearest the old offset (pieces whose words are gone are dropped)."""
    if old_text == new_text:
        return evidence
    out = []
    for piece in evidence:
        words, start = piece["text"], piece["start"]
        hits, at = [], new_text.find(words)
        while at >= 0:
            hits.append(at)
            at = new_text.find(words, at + 1)
        if hits:
            best = min(hits, key=lambda h: abs(h - start))
            out.append({"start": best, "end": best + len(words), "text": words})
    return out
