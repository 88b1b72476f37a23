"""Annotated PDF: a copy of the agreement with every finding highlighted at its boxes and a note
carrying the label, score and layer. Written with pypdf (BSD licence)."""
from __future__ import annotations

import io
from pathlib import Path

from analyser.errors import AnalyserError, library_quiet
from analyser.model import Report
from analyser.report.common import attributes_in_words, cite_page, texts_of
from analyser.report.excerpt import excerpt
from analyser.review.render import decision_line

# One colour per label (RGB hex), shared with the HTML report's legend.
LABEL_COLOURS = {
    "convention_reference": "1f77b4",
    "cultural_exemption": "ff7f0e",
    "heritage_exception": "8c564b",
    "preferential_treatment": "9467bd",
    "cultural_cooperation": "2ca02c",
    "digital_trade": "d62728",
    "policy_space": "e377c2",
    "coherence": "17becf",
}


def to_pdf(report: Report, original: bytes | None = None) -> bytes:
    """`original`: the PDF's bytes when the source path is not (or no longer) on disk, as in the UI.
    A PDF that pdfium could read but pypdf cannot copy (cyclic page tree, a size limit reached,
    broken references) gives the one-line error, not an internal error."""
    doc = report.document
    if doc.format != "pdf":
        raise AnalyserError(doc.source, "--format pdf needs a PDF input (this input is "
                                        f"{doc.format}); use html or md for a readable report")
    original = original if original is not None else Path(doc.source).read_bytes()
    try:
        with library_quiet("pypdf", python_warnings=True):
            return _annotated(report, original)
    except (AnalyserError, NameError):  # a NameError is a bug here, not a damaged file
        raise
    except (Exception, RecursionError) as exc:  # noqa: BLE001 - pypdf raises many types on damaged files
        raise AnalyserError(doc.source, f"cannot write the annotated PDF: pypdf cannot copy this PDF "
                                        f"({type(exc).__name__}); use --format html or md") from None


def _annotated(report: Report, original: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Highlight
    from pypdf.generic import ArrayObject, FloatObject, NameObject, TextStringObject

    doc = report.document
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(original)))
    n_pages = len(writer.pages)
    tr = texts_of(report)
    for provision, finding in report.findings:
        note = (f"{tr.label(finding.label)} ({tr('report.score')} {finding.score:.2f}; {tr.layer(finding.layer)})"
                + (f"\n{attributes_in_words(finding, doc, tr)}" if finding.attributes else "")
                + (f"\n{line}" if (line := decision_line(finding, tr)) else "")  # as reviewed
                + f"\n{provision.heading}")
        for evidence in finding.evidence:
            if not evidence.page or not evidence.boxes or evidence.page > n_pages:
                continue
            quads: list[float] = []
            for x0, y0, x1, y1 in evidence.boxes:
                quads += [x0, y1, x1, y1, x0, y0, x1, y0]
            rect = (min(b[0] for b in evidence.boxes), min(b[1] for b in evidence.boxes),
                    max(b[2] for b in evidence.boxes), max(b[3] for b in evidence.boxes))
            annotation = Highlight(rect=rect, quad_points=ArrayObject(FloatObject(q) for q in quads),
                                   highlight_color=LABEL_COLOURS.get(finding.label, "ffff00"), printing=True)
            annotation[NameObject("/Contents")] = TextStringObject(
                f"{note}, {cite_page(doc, evidence.page, tr)}\n{tr('report.evidence')}{tr('report.colon')}{evidence.text}"
                f"\n{tr('qpr.quoted', quote=excerpt(provision.text, [(evidence.start, evidence.end)], 240).text)}")
            annotation[NameObject("/T")] = TextStringObject(tr("report.pdf_note_title"))
            writer.add_annotation(page_number=evidence.page - 1, annotation=annotation)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
