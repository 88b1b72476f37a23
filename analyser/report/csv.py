"""CSV: one row per finding, for spreadsheets and pandas."""
from __future__ import annotations

import csv
import io
import json

from analyser.model import Report

COLUMNS = ["document", "sha256", "provision_id", "source_id", "kind", "heading", "language", "pages",
           "label", "score", "layer", "attributes", "evidence", "page_labels"]  # page_labels: as printed, per page
REVIEW_COLUMNS = ["review_decision", "reviewer", "review_notes"]  # only in a report as reviewed


def to_csv(report: Report) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    reviewed = report.review is not None  # as reviewed: who decided each finding, and their notes
    writer.writerow(COLUMNS + (REVIEW_COLUMNS if reviewed else []))
    doc = report.document
    for p, f in report.findings:
        review = f.review or {}
        extra = [review.get("decision") or "", review.get("reviewer") or "",
                 " | ".join(n["note"] for n in review.get("notes", []))] if reviewed else []
        writer.writerow([
            doc.source, doc.sha256, p.id, p.source_id or "", p.kind, p.heading, p.language or "",
            " ".join(map(str, p.pages)), f.label, f"{f.score:.3f}", f.layer,
            json.dumps(f.attributes, ensure_ascii=False), " | ".join(e.text for e in f.evidence),
            " ".join(label or "" for label in p.page_labels).strip() if any(p.page_labels) else "",
        ] + extra)
    return buf.getvalue()
