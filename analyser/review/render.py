"""How a report "as reviewed" says so in words (Markdown, HTML, Word, the annotated PDF's notes):
the progress line, the reviewers and their notes on the agreement, each finding's decision and
notes, and the findings the reviewer rejected. The report writers call these; an unreviewed
report gets nothing from them."""
from __future__ import annotations

from typing import Any

from analyser.i18n import Texts
from analyser.model import Finding, Report


def header_lines(report: Report, tr: Texts) -> list[str]:
    """What opens a reviewed report: as reviewed, progress, reviewers, notes on the agreement."""
    review = report.review
    if review is None:
        return []
    colon = tr("report.colon")
    lines = [tr("review.as_reviewed"), tr("review.progress", done=review["reviewed"], total=review["total"])]
    if review.get("reviewers"):
        lines.append(f"{tr('review.reviewers')}{colon}{', '.join(review['reviewers'])}")
    lines += [f"{tr('review.agreement_notes')}{colon}{n['note']}" + (f" ({n['reviewer']})" if n.get("reviewer") else "")
              for n in review.get("notes", [])]
    lines += [tr("review.unplaced", label=tr.label(u["label"]), heading=u.get("heading") or "")
              for u in review.get("unplaced", [])]
    return lines


def decision_line(f: Finding, tr: Texts) -> str:
    """"Reviewer's decision: relabelled (was: policy space) · Anne · 2026-12-02 · Note: ..."; "" when undecided and unannotated."""
    review: dict[str, Any] | None = f.review
    if not review:
        return ""
    colon = tr("report.colon")
    parts = []
    if review.get("decision"):
        decided = tr(f"review.{review['decision']}")
        if review.get("from"):
            decided += f" ({tr('review.from_label', label=tr.label(review['from']))})"
        parts.append(f"{tr('review.decision')}{colon}{decided}")
        parts += [x for x in (review.get("reviewer"), (review.get("at") or "")[:10]) if x]
    parts += [f"{tr('review.note')}{colon}{n['note']}" for n in review.get("notes", [])]
    return " · ".join(parts)


def rejected(report: Report) -> list[tuple[Any, Finding]]:
    """(provision, finding) the reviewer rejected, in document order."""
    return [(p, f) for p in report.document.provisions for f in p.rejected]
