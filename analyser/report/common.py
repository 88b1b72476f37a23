"""What every human-readable report opens with and how it names pages, in the report language.

The Markdown, HTML, PDF-note and periodic-report writers share these, so an agreement is
introduced the same way everywhere: title, parties, dates, language, pages, and one line that
says how many applicable checks are met.
"""
from __future__ import annotations

from typing import Any

from analyser.i18n import Texts
from analyser.model import Document, Finding, Provision, Report
from analyser.report.excerpt import LIMIT, Excerpt, excerpt
from analyser.report.people import date_text, party_names


def texts_of(report: Report) -> Texts:
    return Texts(report.language or report.document.language)


def title_of(doc: Document) -> str:
    """The agreement's own name when the source gives one, else the file name (never a full path)."""
    from pathlib import Path

    return doc.title or Path(doc.source).name


def summary(report: Report, tr: Texts) -> str:
    """"3 of 7 applicable checks met": checks that do not apply (n/a) are left out of the count."""
    applicable = [c for c in report.checks.values() if c.status != "n/a"]
    return tr("report.summary", met=sum(c.status == "met" for c in applicable), applicable=len(applicable))


def page_of(p: Provision) -> str:
    """The pages a provision sits on, as printed where the PDF says (page labels), else as positions."""
    shown = [str(x) for x in p.page_labels if x] or [str(n) for n in p.pages]
    return ", ".join(dict.fromkeys(shown))


def cite_page(doc: Document, page: int | None, tr: Texts) -> str:
    """"p. 27 (PDF page 28)" where the printed page differs from the PDF position, else "p. 28",
    in the report language (Document.cite_page's rule)."""
    return cite_pages(doc, [page] if page else [], tr)


def cite_pages(doc: Document, pages: list[int], tr: Texts) -> str:
    """Pages as printed, with the PDF's own positions beside them where they differ ("p. 26, 27
    (PDF page 27, 28)"): the reports cite the printed pages, a PDF viewer counts positions."""
    if not pages:
        return ""
    positions = ", ".join(map(str, pages))
    printed = ", ".join(dict.fromkeys(doc.page_label(n) or str(n) for n in pages))
    return tr("report.page", page=positions) if printed == positions else tr("report.page_pdf", label=printed, page=positions)


def attributes_in_words(f: Finding, doc: Document, tr: Texts) -> str:
    """A finding's attributes in words; a cross-reference names the article it points to, not
    the provision's id ("Refers to: Article 2106 Cultural Industries", not "p813")."""
    target = f.attributes.get("refers_to")
    if target is None:
        return tr.attributes(f.attributes)
    heading = next((q.heading or q.id for q in doc.provisions if q.id == target), target)
    return tr.attributes(f.attributes, {target: heading})


def finding_line(p: Provision, f: Finding, doc: Document, tr: Texts) -> str:
    """Page, score, layer in words and attributes of a finding: the line under its heading (md, docx)."""
    page, attrs = page_of(p), attributes_in_words(f, doc, tr)
    return ((f"{tr('report.page', page=page)} · " if page else "")
            + f"{tr('report.score')} {f.score:.2f} · {tr('report.found_by')} {tr.layer(f.layer)}"
            + (f" · {attrs}" if attrs else ""))


def quote_of(p: Provision, f: Finding | None = None, limit: int | None = None) -> Excerpt:
    """The quote of a finding (every report's one rule, `excerpt`): the sentences or items of the
    provision that hold its evidence, the evidence marked; without a finding, the opening."""
    return excerpt(p.text, [(e.start, e.end) for e in f.evidence] if f else [], limit or LIMIT)


def facts(report: Report, tr: Texts) -> list[tuple[str, str]]:
    """(name, value) pairs that open a report: parties, dates, language, pages, sizes."""
    doc = report.document
    meta: dict[str, Any] = doc.metadata
    rows = []
    if doc.parties:
        rows.append((tr("report.parties"), ", ".join(party_names(doc.parties, tr.lang))))
    if meta.get("date_signed"):
        rows.append((tr("report.signed"), date_text(meta["date_signed"], tr.lang)))
    if meta.get("date_into_force"):
        rows.append((tr("report.in_force"), date_text(meta["date_into_force"], tr.lang)))
    rows.append((tr("report.language"), tr.language_name(doc.language)))
    if doc.pages:
        rows.append((tr("report.pages"), str(doc.pages)))
    rows.append((tr("report.provisions"), str(len(doc.provisions))))
    rows.append((tr("report.findings"), str(len(report.findings))))
    rows.append((tr("report.source"), doc.source))
    return rows
