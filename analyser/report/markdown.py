"""A Markdown report a ministry official can read: the scorecard first, then the clauses."""
from __future__ import annotations

from analyser.model import Report

STATUS_MARK = {"met": "✅ met", "partly": "🟡 partly", "missing": "❌ missing", "n/a": "➖ n/a"}


def _quote(text: str, limit: int = 400) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def to_markdown(report: Report) -> str:
    doc = report.document
    lines = [f"# Culture screening: {doc.title or doc.source}", ""]
    lines += [f"- Source: `{doc.source}`", f"- Language: {doc.language}", f"- Provisions: {len(doc.provisions)}",
              f"- Findings: {len(report.findings)}"]
    if doc.metadata.get("date_signed"):
        lines.append(f"- Signed: {doc.metadata['date_signed']}")
    if doc.parties:
        lines.append(f"- Parties: {', '.join(doc.parties)}")
    for w in doc.warnings:
        lines.append(f"- Warning: {w}")
    lines += ["", "## Gap report (Operational Guidelines, paragraphs 18-19)", "",
              "| check | guideline | question | status | why |", "|---|---|---|---|---|"]
    for cid, c in report.checks.items():
        lines.append(f"| {cid} | {c.guideline} | {c.question} | {STATUS_MARK.get(c.status, c.status)} | {c.why} |")
    lines += ["", "## Cultural clauses found", ""]
    if not report.findings:
        lines.append("None.")
    for p, f in report.findings:
        attrs = ", ".join(f"{k}={v}" for k, v in f.attributes.items())
        lines += [f"### {p.heading or p.id} — `{f.label}`", "",
                  f"score {f.score:.2f} · {f.layer}" + (f" · {attrs}" if attrs else "")
                  + (f" · source_id {p.source_id}" if p.source_id else ""), "",
                  "Evidence: " + "; ".join(f"**{_quote(e.text, 120)}**" for e in f.evidence), "",
                  f"> {_quote(p.text)}", ""]
    return "\n".join(lines) + "\n"
