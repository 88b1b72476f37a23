"""Tables from the batch store, for pandas and R: one row per finding, one row per agreement
(metadata, ToTA's parties/date/region/type when present, G1..G8). CSV always; Parquet too when
pyarrow is installed (`pip install .[tables]`)."""
from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

from analyser.model import CHECK_IDS
from analyser.report import write_atomic

AGREEMENT_COLUMNS = ["sha256", "path", "status", "error", "format", "title", "language", "pages", "provisions",
                     "findings", "date_signed", "parties", "region", "type", "wto_rta_id", *CHECK_IDS]
FINDING_COLUMNS = ["sha256", "path", "title", "provision_id", "source_id", "kind", "heading", "language", "pages",
                   "label", "score", "layer", "attributes", "evidence"]


def agreement_rows(db: sqlite3.Connection) -> list[dict]:
    rows = []
    for r in db.execute("SELECT sha256, path, status, error, format, title, language, pages, provisions, findings, "
                        "metadata, checks FROM documents ORDER BY path"):
        meta = json.loads(r[10] or "{}")
        checks = json.loads(r[11] or "{}")
        rows.append({
            "sha256": r[0], "path": r[1], "status": r[2], "error": r[3], "format": r[4], "title": r[5],
            "language": r[6], "pages": r[7], "provisions": r[8], "findings": r[9],
            "date_signed": meta.get("date_signed"), "parties": ";".join(meta.get("parties", [])),
            "region": meta.get("region"), "type": meta.get("type"), "wto_rta_id": meta.get("wto_rta_id"),
            **{cid: checks.get(cid) for cid in CHECK_IDS},
        })
    return rows


def finding_rows(db: sqlite3.Connection) -> list[dict]:
    sql = ("SELECT f.sha256, d.path, d.title, f.provision_id, f.source_id, f.kind, f.heading, f.language, f.pages, "
           "f.label, f.score, f.layer, f.attributes, f.evidence FROM findings f JOIN documents d USING (sha256) "
           "ORDER BY d.path, f.rowid")
    return [dict(zip(FINDING_COLUMNS, r)) for r in db.execute(sql)]


def _csv(rows: list[dict], columns: list[str]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def write_tables(out: Path) -> list[Path]:
    db = sqlite3.connect(out / "store.sqlite")
    try:
        tables = {"agreements": (agreement_rows(db), AGREEMENT_COLUMNS), "findings": (finding_rows(db), FINDING_COLUMNS)}
    finally:
        db.close()
    folder = out / "tables"
    folder.mkdir(exist_ok=True)
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        pa = pq = None  # Parquet is optional; CSV is always written
    written = []
    for name, (rows, columns) in tables.items():
        path = folder / f"{name}.csv"
        write_atomic(_csv(rows, columns), path)
        written.append(path)
        if pq is None:
            continue
        table = pa.Table.from_pylist(rows, schema=None) if rows else pa.table({c: [] for c in columns})
        buf = io.BytesIO()
        pq.write_table(table, buf)
        write_atomic(buf.getvalue(), folder / f"{name}.parquet")
        written.append(folder / f"{name}.parquet")
    return written
