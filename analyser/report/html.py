"""A self-contained HTML report (no external assets): scorecard, then clauses with evidence marked."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from html import escape

from analyser.model import Provision, Report
from analyser.report.common import attributes_in_words, facts, page_of, quote_of, summary, texts_of, title_of
from analyser.review.render import decision_line, header_lines, rejected

COLOURS = {"met": "#c8e6c9", "partly": "#fff3b0", "missing": "#ffcdd2", "n/a": "#e0e0e0"}
CSS = """body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.4rem;vertical-align:top}
mark{background:#ffe082}blockquote{margin:.4rem 0 .4rem 1rem;color:#333}.prov{border-left:4px solid #90caf9;padding:.2rem .8rem;margin:1rem 0}
.meta{color:#555;font-size:.9em}dl.meta{display:grid;grid-template-columns:max-content auto;gap:0 1rem}dd{margin:0}"""


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


def _mark(inner: str) -> str:
    return f"<mark>{inner}</mark>"


def _highlight(p: Provision) -> str:
    spans = {(e.start, e.end, "") for f in p.findings for e in f.evidence}
    return mark_spans(p.text, spans, lambda _, inner: _mark(inner))


def to_html(report: Report) -> str:
    """The report in its language (`Report.language`): plain label names, rules in words, pages."""
    tr = texts_of(report)
    doc = report.document
    title = escape(title_of(doc))
    rows = "".join(
        f"<tr style='background:{COLOURS.get(c.status, '#fff')}'><td>{cid}</td><td>{escape(c.guideline)}</td>"
        f"<td>{escape(c.question)}</td><td><b>{escape(tr.status(c.status))}</b></td><td>{escape(c.why)}</td></tr>"
        for cid, c in report.checks.items()
    )
    provs = []
    for p in doc.provisions:
        if not p.findings:
            continue
        page = page_of(p)
        labels = "<br>".join(
            f"<b>{escape(tr.label(f.label))}</b> · {escape(tr('report.score'))} {f.score:.2f} · "
            f"{escape(tr('report.found_by'))} {escape(tr.layer(f.layer))}"
            + (f" · {escape(attributes_in_words(f, doc, tr))}" if f.attributes else "")
            + (f"<br><small class='review'>{escape(line)}</small>" if (line := decision_line(f, tr)) else "")
            + f"<blockquote>{quote_of(p, f).render(_mark, escape)}</blockquote>"
            for f in p.findings
        )
        provs.append(f"<div class='prov' id='{escape(p.id)}'><div class='meta'>{escape(p.heading or p.id)}"
                     f"{' · ' + escape(tr('report.page', page=page)) if page else ''}</div>"
                     f"<div>{labels}</div><details><summary>{escape(tr('report.whole_provision'))}</summary>"
                     f"<p style='white-space:pre-wrap'>{_highlight(p)}</p></details></div>")
    candidates = "".join(
        f"<li>{escape(p.heading or p.id)}"
        + (f" ({escape(tr('report.page', page=page_of(p)))})" if page_of(p) else "")
        + f"{escape(tr('report.colon'))}{escape(tr.label(c.label))}, {escape(tr('report.score'))} {c.score:.2f} — "
        + quote_of(p, c, 200).render(lambda t: f"<i>{t}</i>", escape) + "</li>"
        for p in doc.provisions for c in p.candidates)
    if candidates:
        candidates = f"<h2>{escape(tr('report.worth_a_look'))}</h2><ul class='candidates'>{candidates}</ul>"
    if gone := rejected(report):  # as reviewed: what the reviewer rejected stays visible, struck through
        candidates += (f"<h2>{escape(tr('review.rejected'))}</h2><ul class='rejected'>"
                       + "".join(f"<li><del>{escape(p.heading or p.id)}{escape(tr('report.colon'))}{escape(tr.label(f.label))}"
                                 f"</del> — {escape(decision_line(f, tr))}</li>" for p, f in gone) + "</ul>")
    warnings = "".join(f"<p class='review'>{escape(line)}</p>" for line in header_lines(report, tr)) + "".join(f"<p><b>{escape(tr('report.warning'))}{escape(tr('report.colon'))}</b>{escape(w.text)}</p>"
                       for w in doc.warnings)
    facts_html = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in facts(report, tr))
    return (f"<!doctype html><html lang='{tr.lang}'><head><meta charset='utf-8'><title>{title}</title>"
            f"<style>{CSS}</style></head><body><h1>{escape(tr('report.title', title=title_of(doc)))}</h1>"
            f"<p class='summary'><b>{escape(summary(report, tr))}</b></p><dl class='meta'>{facts_html}</dl>{warnings}"
            f"<h2>{escape(tr('report.gaps'))}</h2><table><tr><th>{escape(tr('report.check'))}</th>"
            f"<th>{escape(tr('report.guideline'))}</th><th>{escape(tr('report.question'))}</th>"
            f"<th>{escape(tr('report.status'))}</th><th>{escape(tr('report.why'))}</th></tr>{rows}</table>"
            f"<h2>{escape(tr('report.clauses'))}</h2>{''.join(provs) or '<p>' + escape(tr('report.none')) + '</p>'}{candidates}"
            f"</body></html>\n")
