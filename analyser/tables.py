"""Tables from the batch store, for pandas and R: one row per finding, one row per agreement
(metadata, ToTA's parties/date/region/type when present, G1..G8). CSV always; Parquet too when
pyarrow is installed (`pip install .[tables]`)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from analyser import store
from analyser.model import CHECK_IDS
from analyser.report import write_atomic

AGREEMENT_COLUMNS = ["sha256", "path", "status", "error", "format", "title", "language", "pages", "provisions",
                     "findings", "date_signed", "parties", "region", "type", "wto_rta_id", *CHECK_IDS]
FINDING_COLUMNS = list(store.FINDING_COLUMNS)


def agreement_rows(out: Path) -> list[dict]:
    rows = []
    for r in store.documents(out):
        meta, checks = r["metadata"], r["checks"]
        rows.append({
            **{k: r[k] for k in ("sha256", "path", "status", "error", "format", "title", "language", "pages",
                                 "provisions", "findings")},
            "date_signed": meta.get("date_signed"), "parties": ";".join(meta.get("parties", [])),
            "region": meta.get("region"), "type": meta.get("type"), "wto_rta_id": meta.get("wto_rta_id"),
            **{cid: checks.get(cid) for cid in CHECK_IDS},
        })
    return rows


def _csv(rows: list[dict], columns: list[str]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def write_tables(out: Path) -> list[Path]:
    tables = {"agreements": (agreement_rows(out), AGREEMENT_COLUMNS), "findings": (store.findings(out), FINDING_COLUMNS)}
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
