"""CSV: one row per finding, for spreadsheets and pandas."""
from __future__ import annotations

import csv
import io
import json

from analyser.model import Report

COLUMNS = ["document", "sha256", "provision_id", "source_id", "kind", "heading", "language", "pages",
           "label", "score", "layer", "attributes", "evidence", "page_labels"]  # page_labels: as printed, per page


def to_csv(report: Report) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(COLUMNS)
    doc = report.document
    for p, f in report.findings:
        writer.writerow([
            doc.source, doc.sha256, p.id, p.source_id or "", p.kind, p.heading, p.language or "",
            " ".join(map(str, p.pages)), f.label, f"{f.score:.3f}", f.layer,
            json.dumps(f.attributes, ensure_ascii=False), " | ".join(e.text for e in f.evidence),
            " ".join(label or "" for label in p.page_labels).strip() if any(p.page_labels) else "",
        ])
    return buf.getvalue()
