"""A Word report (python-docx) in the report language: the same content as the Markdown report,
with real heading styles so that a ministry can edit it into an opinion."""
from __future__ import annotations

import io

from analyser.model import Report
from analyser.report.common import facts, finding_line, quote_of, summary, texts_of, title_of
from analyser.review.render import decision_line, header_lines, rejected


def to_docx(report: Report) -> bytes:
    from docx import Document

    tr = texts_of(report)
    doc = report.document
    out = Document()
    out.core_properties.title = title_of(doc)
    out.core_properties.language = tr.lang
    out.add_heading(tr("report.title", title=title_of(doc)), level=1)
    out.add_paragraph().add_run(summary(report, tr)).bold = True
    table = out.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for name, value in facts(report, tr):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = name, value
    for line in header_lines(report, tr):  # as reviewed
        out.add_paragraph(line)
    for w in doc.warnings:
        out.add_paragraph(f"{tr('report.warning')}{tr('report.colon')}{w.text}")
    out.add_heading(tr("report.gaps"), level=2)
    checks = out.add_table(rows=1, cols=5)
    checks.style = "Table Grid"
    for cell, key in zip(checks.rows[0].cells, ("check", "guideline", "question", "status", "why")):
        cell.text = tr(f"report.{key}")
    for cid, c in report.checks.items():
        cells = checks.add_row().cells
        for cell, value in zip(cells, (cid, c.guideline, c.question, tr.status(c.status), c.why)):
            cell.text = value
    out.add_heading(tr("report.clauses"), level=2)
    if not report.findings:
        out.add_paragraph(tr("report.none"))
    for p, f in report.findings:
        out.add_heading(f"{p.heading or p.id} — {tr.label(f.label)}", level=3)
        out.add_paragraph(finding_line(p, f, report.document, tr))
        if line := decision_line(f, tr):
            out.add_paragraph(line)
        para = out.add_paragraph(style="Quote")  # the evidence in bold inside its sentence or item
        for piece, evidence in quote_of(p, f).pieces:
            para.add_run(piece).bold = evidence
    if gone := rejected(report):  # as reviewed: what the reviewer rejected stays visible
        out.add_heading(tr("review.rejected"), level=2)
        for p, f in gone:
            out.add_paragraph(f"{p.heading or p.id}{tr('report.colon')}{tr.label(f.label)} — {decision_line(f, tr)}",
                              style="List Bullet")
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()
