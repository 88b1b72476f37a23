"""A Markdown report a ministry official can read, in the report language: the agreement and a
one-line summary, the scorecard, then the clauses with plain label names and rules in words."""
from __future__ import annotations

from analyser.model import Report
from analyser.report.common import facts, finding_line, page_of, quote_of, summary, texts_of, title_of
from analyser.review.render import decision_line, header_lines, rejected

STATUS_MARK = {"met": "✅", "partly": "🟡", "missing": "❌", "n/a": "➖"}


def _bold(text: str) -> str:
    return f"**{text}**"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def to_markdown(report: Report) -> str:
    tr = texts_of(report)
    doc = report.document
    lines = [f"# {tr('report.title', title=title_of(doc))}", "", f"**{summary(report, tr)}**", ""]
    lines += [f"> {line}" for line in header_lines(report, tr)] + ([""] if report.review else [])  # as reviewed
    colon = tr("report.colon")
    lines += [f"- {name}{colon}{value}" for name, value in facts(report, tr)]
    for w in doc.warnings:
        lines.append(f"- {tr('report.warning')}{colon}{w.text}")
    lines += ["", f"## {tr('report.gaps')}", "",
              f"| {tr('report.check')} | {tr('report.guideline')} | {tr('report.question')} | {tr('report.status')} "
              f"| {tr('report.why')} |", "|---|---|---|---|---|"]
    for cid, c in report.checks.items():
        lines.append(f"| {cid} | {c.guideline} | {_cell(c.question)} | {STATUS_MARK.get(c.status, '')} "
                     f"{tr.status(c.status)} | {_cell(c.why)} |")
    lines += ["", f"## {tr('report.clauses')}", ""]
    if not report.findings:
        lines.append(tr("report.none"))
    for p, f in report.findings:
        lines += [f"### {p.heading or p.id} — {tr.label(f.label)}", "", finding_line(p, f, doc, tr), "",
                  *([line, ""] if (line := decision_line(f, tr)) else []),
                  f"> {quote_of(p, f).render(_bold)}", ""]
    candidates = [(p, c) for p in doc.provisions for c in p.candidates]
    if candidates:
        lines += [f"## {tr('report.worth_a_look')}", ""]
        for p, c in candidates:
            page = page_of(p)
            lines.append(f"- {p.heading or p.id}" + (f" ({tr('report.page', page=page)})" if page else "")
                         + f": {tr.label(c.label)}, {tr('report.score')} {c.score:.2f} — "
                         + quote_of(p, c, 200).render(lambda t: f"*{t}*"))
        lines.append("")
    if gone := rejected(report):  # as reviewed: what the reviewer rejected stays visible
        lines += [f"## {tr('review.rejected')}", ""]
        lines += [f"- ~~{p.heading or p.id}: {tr.label(f.label)}~~ — {decision_line(f, tr)}" for p, f in gone]
        lines.append("")
    return "\n".join(lines) + "\n"
