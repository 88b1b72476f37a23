"""The data model every stage shares: documents, provisions, findings, checks, the report.

Plain dataclasses so that each stage can be tested alone and the JSON contract (DESIGN.md) is
one `to_dict` away. Offsets are character offsets into `Provision.text` (evidence) and into
`Document.text` (provisions).
"""
from __future__ import annotations

from array import array
from dataclasses import asdict, dataclass, field
from types import TracebackType
from typing import Any, Protocol

LABELS: tuple[str, ...] = (
    "convention_reference",
    "cultural_exemption",
    "heritage_exception",
    "preferential_treatment",
    "cultural_cooperation",
    "digital_trade",
    "policy_space",
    "coherence",
)

CHECK_IDS: tuple[str, ...] = ("G1", "G2", "G3", "G4", "G5", "G6", "G7", "G8")
STATUSES: tuple[str, ...] = ("met", "partly", "missing", "n/a")


@dataclass
class Block:
    """A piece of source text as a backend delivers it, before provisions are cut.

    `heading` is the structure the source itself declares (ToTA chapter/article names); plain
    text carries none and the structure stage finds headings in `text`.
    """

    text: str
    heading: list[str] = field(default_factory=list)
    source_id: str | None = None
    kind: str | None = None  # e.g. "preamble" when the source says so
    page: int | None = None


@dataclass(frozen=True)
class AnalysisWarning:
    """Something the reader of a report must know (pages skipped, changes tracked, provisions in
    another language): the stage that found it, the pages it concerns, and one line of text."""

    stage: str  # "ingest", "language", ...
    text: str
    pages: tuple[int, ...] = ()

    def __str__(self) -> str:
        return self.text


class Layout(Protocol):
    """Where the characters of a paged input's text are (ingest/pdf.py's PdfLayout). It holds the
    engine's open document for box look-ups until closed; the pipeline owns it and closes it in
    one place, as a context manager, once every box is known."""

    page_of: array  # per character of the document text: 1-based page, 0 for inserted characters
    main_end: int
    page_labels: list[str | None]
    page_labels_from: str | None

    def pages_for(self, start: int, end: int) -> list[int]: ...

    def boxes_for(self, start: int, end: int) -> list[list[float]]: ...

    def close(self) -> None: ...

    def __enter__(self) -> Layout: ...

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None: ...


@dataclass
class SourceDocument:
    """What an ingest backend returns: the text blocks and the metadata of one file."""

    path: str
    sha256: str
    format: str
    blocks: list[Block]
    metadata: dict[str, Any] = field(default_factory=dict)
    pages: int | None = None
    layout: Layout | None = None  # maps text offsets to pages and boxes (paged inputs only)
    warnings: list[AnalysisWarning] = field(default_factory=list)


@dataclass
class Evidence:
    start: int
    end: int
    text: str
    page: int | None = None
    boxes: list[list[float]] | None = None
    page_label: str | None = None  # the page as printed ("27") when the PDF says or prints it


@dataclass
class Finding:
    label: str
    score: float
    layer: str  # "rule:<rule name>" or "model:<model name>"
    evidence: list[Evidence]
    attributes: dict[str, Any] = field(default_factory=dict)
    # How the hit reads in its provision's structure (constructions.py), for calibration; not in
    # the JSON: the score already says what these are worth.
    context: dict[str, bool] = field(default_factory=dict, repr=False)
    # A reviewer's decision on it (analyser/review): decision, reviewer, at, notes; None: not reviewed.
    review: dict[str, Any] | None = None


@dataclass
class Provision:
    id: str
    kind: str  # preamble | recital | article | paragraph | annex | protocol | footnote | heading
    heading: str  # "Chapter 8 > Article 8.2 > 3"
    text: str
    start: int
    end: int
    source_id: str | None = None
    language: str | None = None
    pages: list[int] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # asserted: what the checks count
    candidates: list[Finding] = field(default_factory=list)  # below threshold: "worth a look"
    ocr: bool = False  # its text comes from OCR of a scanned page
    low_quality_text: bool = False  # it sits on a page whose text layer looks like bad OCR
    page_labels: list[str | None] = field(default_factory=list)  # printed label of each of `pages`
    rejected: list[Finding] = field(default_factory=list)  # findings and candidates a reviewer rejected

    @property
    def heading_parts(self) -> list[str]:
        return [p for p in self.heading.split(" > ") if p]


@dataclass
class Check:
    id: str
    status: str
    provisions: list[str]
    why: str
    guideline: str = ""
    question: str = ""
    candidates: list[str] = field(default_factory=list)  # provisions worth a look for this check


@dataclass
class Document:
    source: str
    sha256: str
    format: str
    text: str
    title: str | None = None
    parties: list[str] = field(default_factory=list)
    language: str | None = None
    pages: int | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    provisions: list[Provision] = field(default_factory=list)
    warnings: list[AnalysisWarning] = field(default_factory=list)
    layout: Layout | None = field(default=None, repr=False)
    # Printed page label per PDF page (index = page - 1): the PDF's own /PageLabels, else the
    # numbers printed in its running headers or footers; None where neither gives one.
    page_labels: list[str | None] = field(default_factory=list)

    def page_label(self, page: int | None) -> str | None:
        """The label printed on PDF page `page` (1-based), or None."""
        if page and 0 < page <= len(self.page_labels):
            return self.page_labels[page - 1]
        return None

    def cite_page(self, page: int | None) -> str:
        """"p. 27 (PDF page 28)" where the printed page differs from the PDF position, else "p. 28"."""
        if not page:
            return ""
        label = self.page_label(page)
        if label and label != str(page):
            return f"p. {label} (PDF page {page})"
        return f"p. {page}"


@dataclass
class Report:
    document: Document
    checks: dict[str, Check]
    schema_version: str = "2"  # 2: candidates beside findings, calibrated scores
    analyser_version: str = ""
    language: str | None = None  # the report language (question, why, md/html/pdf text); None: the document's
    review: dict[str, Any] | None = None  # "as reviewed" (analyser/review/apply.py): progress, notes, reviewers

    @property
    def findings(self) -> list[tuple[Provision, Finding]]:
        return [(p, f) for p in self.document.provisions for f in p.findings]

    def to_dict(self, include_text: bool = True) -> dict[str, Any]:
        """The JSON contract of DESIGN.md (field names stable; extra fields are additions)."""
        doc = self.document
        return {
            "schema_version": self.schema_version,
            "analyser_version": self.analyser_version,
            "report_language": self.language or self.document.language,
            "document": {
                "source": doc.source,
                "sha256": doc.sha256,
                "format": doc.format,
                "title": doc.title,
                "parties": doc.parties,
                "language": doc.language,
                "pages": doc.pages,
                "page_labels": doc.page_labels,
                "metadata": doc.metadata,
                "warnings": [w.text for w in doc.warnings],
            },
            "provisions": [
                {
                    "id": p.id,
                    "kind": p.kind,
                    "heading": p.heading,
                    "source_id": p.source_id,
                    "language": p.language,
                    "pages": p.pages,
                    "page_labels": p.page_labels,
                    "ocr": p.ocr,
                    "low_quality_text": p.low_quality_text,
                    "start": p.start,
                    "end": p.end,
                    **({"text": p.text} if include_text else {}),
                    "findings": [_finding_dict(f) for f in p.findings],
                    "candidates": [_finding_dict(f) for f in p.candidates],
                    **({"rejected": [_finding_dict(f) for f in p.rejected]} if p.rejected else {}),
                }
                for p in doc.provisions
            ],
            "checks": {cid: _check_dict(c) for cid, c in self.checks.items()},
            **({"review": self.review} if self.review is not None else {}),
        }


def _finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "label": f.label,
        "score": round(f.score, 4),
        "layer": f.layer,
        "attributes": f.attributes,
        "evidence": [{k: v for k, v in asdict(e).items()} for e in f.evidence],
        **({"review": f.review} if f.review is not None else {}),
    }


def _check_dict(c: Check) -> dict[str, Any]:
    return {"status": c.status, "provisions": c.provisions, "why": c.why,
            "guideline": c.guideline, "question": c.question, "candidates": c.candidates}
