"""A self-contained HTML report (no external assets): scorecard, then clauses with evidence marked."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from html import escape

from analyser.model import Provision, Report

COLOURS = {"met": "#c8e6c9", "partly": "#fff3b0", "missing": "#ffcdd2", "n/a": "#e0e0e0"}
CSS = """body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.4rem;vertical-align:top}
mark{background:#ffe082}.prov{border-left:4px solid #90caf9;padding:.2rem .8rem;margin:1rem 0}
.meta{color:#555;font-size:.9em}"""


def mark_spans(text: str, spans: Iterable[tuple[int, int, str]], mark: Callable[[str, str], str],
               show: Callable[[str], str] = escape) -> str:
    """`text` as HTML: each (start, end, tag) span wrapped by `mark(tag, inner html)`, the rest
    through `show`; where spans overlap, the first one wins. The HTML report and the UI share it."""
    out, last = [], 0
    for start, end, tag in sorted(spans):
        if start < last:
            continue
        out += [show(text[last:start]), mark(tag, show(text[start:end]))]
        last = end
    out.append(show(text[last:]))
    return "".join(out)


def _highlight(p: Provision) -> str:
    spans = {(e.start, e.end, "") for f in p.findings for e in f.evidence}
    return mark_spans(p.text, spans, lambda _, inner: f"<mark>{inner}</mark>")


def to_html(report: Report) -> str:
    doc = report.document
    title = escape(doc.title or doc.source)
    rows = "".join(
        f"<tr style='background:{COLOURS.get(c.status, '#fff')}'><td>{cid}</td><td>{escape(c.guideline)}</td>"
        f"<td>{escape(c.question)}</td><td><b>{escape(c.status)}</b></td><td>{escape(c.why)}</td></tr>"
        for cid, c in report.checks.items()
    )
    provs = []
    for p in doc.provisions:
        if not p.findings:
            continue
        labels = "; ".join(
            f"<b>{escape(f.label)}</b> {f.score:.2f} ({escape(f.layer)})"
            + "".join(f" {escape(k)}={escape(str(v))}" for k, v in f.attributes.items())
            for f in p.findings
        )
        provs.append(f"<div class='prov' id='{escape(p.id)}'><div class='meta'>{escape(p.heading or p.id)}"
                     f"{' · source_id ' + escape(p.source_id) if p.source_id else ''}</div>"
                     f"<div>{labels}</div><p style='white-space:pre-wrap'>{_highlight(p)}</p></div>")
    warnings = "".join(f"<p><b>Warning:</b> {escape(w)}</p>" for w in doc.warnings)
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
            f"<style>{CSS}</style></head><body><h1>Culture screening: {title}</h1>"
            f"<p class='meta'>{escape(doc.source)} · language {escape(str(doc.language))} · "
            f"{len(doc.provisions)} provisions · {len(report.findings)} findings</p>{warnings}"
            f"<h2>Gap report (Operational Guidelines, paragraphs 18-19)</h2><table><tr><th>check</th>"
            f"<th>guideline</th><th>question</th><th>status</th><th>why</th></tr>{rows}</table>"
            f"<h2>Cultural clauses found</h2>{''.join(provs) or '<p>None.</p>'}</body></html>\n")
