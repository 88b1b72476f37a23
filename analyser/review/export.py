"""A reviewed document as labelled data: the shape of `corpora/annotations` (the seed
annotations' JSON), which `analyser evaluate` and `analyser train` read.

One entry per article that carries a label in the reviewed report, plus the articles whose tool
label the reviewer rejected (with `"labels": []`, as the seed files list tempting candidates).
Articles are keyed as the evaluation keys them: a ToTA agreement by `article_identifier` (the
provisions' `source_id`), any other document by its heading path down to the article
(`text.article_key`). Labels the reviewer did not decide on are the tool's findings
(a reviewer who leaves a finding standing lets it stand); `review.reviewed` / `review.total` and
each entry's `reviewed` say how much of it a person decided. `source` names the document: the
path given to the export, so `analyser evaluate` finds it there, else beside the export file.
"""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from analyser.model import Report
from analyser.text import article_key

EXPORT_FORMAT = "review-export/1"


def _key(report: Report):
    tota = report.document.format == "tota-xml"
    return (lambda p: p.source_id or article_key(p.heading)) if tota else (lambda p: article_key(p.heading))


def to_annotation(reviewed: Report, source: str | None = None) -> dict[str, Any]:
    """The reviewed report (analyser.review.apply.as_reviewed) as one annotation file."""
    doc = reviewed.document
    key = _key(reviewed)
    tota = doc.format == "tota-xml"
    arts: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    notes: dict[str, list[str]] = defaultdict(list)
    for p in doc.provisions:
        for f in p.findings + p.rejected:
            k = key(p)
            if k not in arts:
                order.append(k)
                arts[k] = {"article_identifier": k, "chapter": p.heading_parts[0] if p.heading_parts else "",
                           "heading": p.heading, "labels": [], "evidence": [], "reviewed": False}
            art = arts[k]
            if f.review is not None and f.review.get("decision"):
                art["reviewed"] = True
            notes[k] += [n["note"] for n in (f.review or {}).get("notes", [])]
            if f in p.rejected:
                continue
            if f.label not in art["labels"]:
                art["labels"].append(f.label)
            art["evidence"] += [e.text for e in f.evidence if e.text not in art["evidence"]]
            if f.label == "cultural_exemption" and f.attributes.get("scope"):
                art["cultural_exemption_scope"] = f.attributes["scope"]
            if f.label == "digital_trade" and "carve_out" in f.attributes:
                art["digital_carve_out"] = bool(f.attributes["carve_out"])
    provisions = []
    for k in order:
        art = arts[k]
        art["confidence"] = "high" if art["reviewed"] else "tool"
        art["note"] = " ".join(dict.fromkeys(notes[k]))
        provisions.append(art)
    keyed = {p.id: key(p) for p in doc.provisions}
    review = dict(reviewed.review or {})
    stem = Path(doc.source).stem
    return {
        "treaty": stem,
        "source": source if source is not None else Path(doc.source).name,
        "keyed_by": "article_identifier" if tota else "heading",
        "sha256": doc.sha256,
        "name": doc.title or Path(doc.source).name,
        "language": doc.language,
        "format": EXPORT_FORMAT,
        "annotator": ", ".join(review.get("reviewers") or []) or "reviewer",
        "annotator_summary": " ".join(n["note"] for n in review.get("notes", [])),
        "analyser_version": reviewed.analyser_version,
        "review": {k: review.get(k) for k in ("reviewed", "total", "decisions", "added", "rejected", "unplaced")},
        "provisions": provisions,
        "checks": {cid: {"status": c.status, "articles": list(dict.fromkeys(keyed[i] for i in c.provisions if i in keyed)),
                         "why": c.why} for cid, c in reviewed.checks.items()},
    }


def to_json(reviewed: Report, source: str | None = None) -> str:
    return json.dumps(to_annotation(reviewed, source), ensure_ascii=False, indent=1) + "\n"
