"""The treaties section of the quadrennial periodic report (QPR) on the 2005 Convention.

Every four years each Party reports to UNESCO on the trade and investment agreements it signed
that give culture a special status or refer to the Convention. `collect` turns agreements (files,
folders, or a batch output folder) into one entry per agreement that has a cultural provision:
its name, parties, dates and type, its cultural provisions grouped by kind (data/qpr.yaml) with
article, page and a short quote, a paragraph a civil servant can paste, and the G1..G8 gaps.
`render_qpr` writes the entries as Markdown, CSV (identifiers, for spreadsheets) or DOCX (real
Word headings, so the section can be edited in place), in the report language. The entries work
on the JSON report contract, so a batch store's reports need no new analysis.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from analyser import store
from analyser.datafile import load_yaml

from analyser.errors import AnalyserError
from analyser.i18n import LANGUAGES, Texts
from analyser.model import CHECK_IDS
from analyser.report.excerpt import excerpt
from analyser.report.people import date_text, is_day, party_name, party_names, parties_list
from analyser.text import article_key

DATA = Path(__file__).parent / "data"
CSV_COLUMNS = ["agreement", "parties", "date_signed", "date_into_force", "type", "language", "kind", "label",
               "scope", "article", "page", "quote", "description", "gaps"]


@lru_cache(maxsize=1)
def config() -> dict[str, Any]:
    return load_yaml(DATA / "qpr.yaml")


@dataclass
class Item:
    """One cultural provision of an entry."""

    kind: str
    label: str
    article: str
    page: str
    quote: str
    scope: str | None = None


@dataclass
class Entry:
    """One agreement in the treaties section."""

    name: str
    parties: list[str]
    signed: str | None
    in_force: str | None
    type: str | None  # bilateral | regional | plurilateral | None (not known)
    language: str | None
    items: list[Item]
    checks: dict[str, str] = field(default_factory=dict)  # check id -> status

    def by_kind(self) -> list[tuple[str, list[Item]]]:
        return [(k, [i for i in self.items if i.kind == k]) for k in config()["order"]
                if any(i.kind == k for i in self.items)]


# --- from reports to entries ------------------------------------------------------------------

def kind_of(finding: dict[str, Any]) -> str | None:
    rules = set(finding["layer"].partition(":")[2].split(",")) if finding["layer"].startswith("rule:") else set()
    for spec in config()["kinds"]:
        if spec["label"] != finding["label"]:
            continue
        if "rules" in spec and not rules & set(spec["rules"]):
            continue
        if any(finding["attributes"].get(k) != v for k, v in spec.get("attributes", {}).items()):
            continue
        return spec["kind"]
    return None


def quote(text: str, spans: list[tuple[int, int]], limit: int | None = None) -> str:
    """The sentences or list items of `text` that hold the evidence `spans`, cut to `limit`
    characters around it (the reports' one rule, analyser.report.excerpt)."""
    return excerpt(text, spans, limit or config()["quote_chars"]).text


def agreement_type(meta: dict[str, Any], parties: list[str]) -> str | None:
    """bilateral / regional / plurilateral from ToTA's composition and cross-regional flag, else
    from the number of parties; None when nothing says."""
    composition = str(meta.get("composition") or "").lower()
    if composition.startswith("bilateral"):
        return "bilateral"
    if composition.startswith("plurilateral"):
        return "plurilateral" if str(meta.get("crossregional", "")).lower() == "yes" else "regional"
    if len(parties) == 2:
        return "bilateral"
    if len(parties) > 2:
        return "plurilateral"
    return None


def entry_of(report: dict[str, Any]) -> Entry | None:
    """The entry of one JSON report, or None when the agreement has no cultural provision of a QPR kind."""
    doc = report["document"]
    items = []
    for p in report["provisions"]:
        seen: set[tuple[str, str]] = set()
        for f in p["findings"]:
            kind = kind_of(f)
            if kind is None or (kind, f["label"]) in seen:
                continue
            seen.add((kind, f["label"]))
            spans = [(ev["start"], ev["end"]) for ev in f["evidence"]]
            text = p.get("text") or "; ".join(ev["text"] for ev in f["evidence"])
            q = quote(text, spans) if spans and p.get("text") else " ".join(text.split())
            labels = [str(x) for x in p.get("page_labels") or [p.get("page_label")] if x]  # printed pages first
            page = ", ".join(dict.fromkeys(labels or [str(n) for n in p.get("pages") or []]))
            items.append(Item(kind=kind, label=f["label"], article=article_key(p["heading"]) or p["id"], page=page,
                              quote=q, scope=f["attributes"].get("scope")))
    if not items:
        return None
    meta = doc.get("metadata") or {}
    parties = list(doc.get("parties") or [])
    return Entry(name=doc.get("title") or Path(doc["source"]).name, parties=parties,
                 signed=meta.get("date_signed"), in_force=meta.get("date_into_force"),
                 type=agreement_type(meta, parties), language=doc.get("language"), items=items,
                 checks={cid: c["status"] for cid, c in report["checks"].items()})


def _keep(meta: dict[str, Any], parties: list[str], party: str | None, since: int | None) -> bool:
    if party and party.upper() not in {p.upper() for p in parties}:
        return False
    if since:
        year = str(meta.get("date_signed") or "")[:4]
        if not year.isdigit() or int(year) < since:
            return False
    return True


def _store_reports(folder: Path, party: str | None, since: int | None) -> list[dict[str, Any]]:
    """The JSON reports of a batch store's finished documents, filtered on the store's metadata
    first, so that only the reports of the agreements wanted are read."""
    reports = []
    for row in store.documents(folder, done_only=True):
        path, meta = row["report"], row["metadata"]
        if not _keep(meta, meta.get("parties") or [], party, since):
            continue
        p = Path(path) if Path(path).is_absolute() else folder / path
        if not p.exists():
            p = folder / "reports" / Path(path).name
        report = json.loads(p.read_text(encoding="utf-8"))
        doc = report["document"]
        if _keep(doc.get("metadata") or {}, doc.get("parties") or [], party, since):
            reports.append(report)
    return reports


def collect(inputs: list[str], party: str | None = None, since: int | None = None,
            model: bool = True, reviewed: Callable[[Any], Any] | None = None) -> list[Entry]:
    """Entries for the agreements in `inputs` (files, folders, globs, or batch output folders),
    those of `party` (ISO3) signed in `since` or later. A file is read once for its metadata and
    analysed only when it passes the filters. `reviewed`: applied to each analysed report (the
    report as reviewed, `--reviewed`)."""
    reports: list[dict[str, Any]] = []
    files: list[str] = []
    for item in inputs:
        if Path(item).is_dir() and (Path(item) / "store.sqlite").exists():
            reports += _store_reports(Path(item), party, since)
        else:
            files.append(item)
    if files:  # the analysis stack is loaded only when there is something to analyse
        from analyser import ingest
        from analyser.batch import collect as collect_files
        from analyser.pipeline import analyse

        paths = collect_files(files)
        if not paths:
            raise AnalyserError(", ".join(files), "no agreement file found")
    for path in paths if files else []:
        if party or since:
            source = ingest.load(path, ocr=False)  # metadata only: no OCR for a filter
            with source.layout or nullcontext():  # an open PDF is released here, not left to the collector
                meta = source.metadata
            if not _keep(meta, meta.get("parties") or [], party, since):
                continue
        report = analyse(path) if model else analyse(path, model=None)
        reports.append((reviewed(report) if reviewed else report).to_dict())
    entries = [e for e in map(entry_of, reports) if e is not None]
    entries.sort(key=lambda e: (e.signed or "9999", e.name))
    return entries


# --- writing ----------------------------------------------------------------------------------

def _texts(entries: list[Entry], lang: str | None) -> Texts:
    """The report language: asked for, else the entries' one language when they share it, else English."""
    if lang in LANGUAGES:
        return Texts(lang)
    langs = {e.language for e in entries}
    return Texts(langs.pop() if len(langs) == 1 else "en")


def _kind_name(tr: Texts, kind: str) -> str:
    return tr(f"qpr.kinds.{kind}")


def _where(items: list[Item]) -> str:
    names = list(dict.fromkeys(i.article.split(" > ")[-1] for i in items))
    n = config()["max_where"]
    return ", ".join(names[:n]) + (", …" if len(names) > n else "")


def description(entry: Entry, tr: Texts) -> str:
    """One paragraph in the report language a civil servant can paste; headings stay as printed."""
    opening = "qpr.para_open_one" if len(entry.items) == 1 else "qpr.para_open"
    parts = [tr(opening, type=tr(f"qpr.type_{entry.type}") if entry.type else "",
                name=entry.name, n=len(entry.items),
                parties=tr("qpr.para_parties", parties=parties_list(entry.parties, tr.lang)) if entry.parties else "",
                signed=tr("qpr.para_signed" if is_day(entry.signed) else "qpr.para_signed_in",
                          date=date_text(entry.signed, tr.lang)) if entry.signed else "").replace("  ", " ")]
    for kind, items in entry.by_kind():
        if kind == "exemption":
            wide = [i for i in items if i.scope == "agreement"]
            narrow = [i for i in items if i.scope != "agreement"]
            if wide:
                parts.append(tr("qpr.para_exemption_agreement", where=_where(wide)))
            if narrow:
                parts.append(tr("qpr.para_exemption_chapter", where=_where(narrow)))
        else:
            parts.append(tr(f"qpr.para_{kind}", where=_where(items)))
    return " ".join(p.replace(",,", ",").replace(" ,", ",") for p in parts)


def gaps_line(entry: Entry, tr: Texts) -> str:
    gaps = [tr("qpr.gap_item", check=cid, status=tr.status(entry.checks[cid]))
            for cid in CHECK_IDS if entry.checks.get(cid) in ("missing", "partly")]
    return tr("qpr.gaps", gaps=", ".join(gaps)) if gaps else tr("qpr.no_gaps")


def _facts(entry: Entry, tr: Texts) -> list[tuple[str, str]]:
    unknown = tr("qpr.unknown")
    dated = {k: date_text(v, tr.lang) if v else unknown for k, v in (("signed", entry.signed), ("in_force", entry.in_force))}
    return [(tr("qpr.parties"), ", ".join(party_names(entry.parties, tr.lang)) or unknown),
            (tr("qpr.signed"), dated["signed"]), (tr("qpr.in_force"), dated["in_force"]),
            (tr("qpr.type"), tr(f"qpr.type_{entry.type}") if entry.type else unknown)]


def _item_line(item: Item, tr: Texts) -> str:
    scope = f" ({tr.attribute('scope', item.scope)})" if item.kind == "exemption" and item.scope else ""
    page = f", {tr('report.page', page=item.page)}" if item.page else ""
    quoted = tr("qpr.quoted", quote=item.quote)
    return f"{item.article}{page}{scope}{tr('report.colon')}{quoted}"


def _filters(tr: Texts, party: str | None, since: int | None) -> list[str]:
    out = []
    if party:
        out.append(tr("qpr.party_filter", party=party_name(party.upper(), tr.lang)))
    if since:
        out.append(tr("qpr.since_filter", year=since))
    return out


def to_markdown(entries: list[Entry], tr: Texts, party: str | None = None, since: int | None = None) -> str:
    lines = [f"# {tr('qpr.title')}", "", tr("qpr.intro", n=len(entries))]
    filters = _filters(tr, party, since)
    if filters:
        lines += ["", " · ".join(filters)]
    lines.append("")
    for e in entries:
        lines += [f"## {e.name}", ""] + [f"- {k}{tr('report.colon')}{v}" for k, v in _facts(e, tr)] + [""]
        lines += [f"### {tr('qpr.provisions')}", ""]
        for kind, items in e.by_kind():
            lines += [f"#### {_kind_name(tr, kind)}", ""] + [f"- {_item_line(i, tr)}" for i in items] + [""]
        lines += [f"### {tr('qpr.description')}", "", description(e, tr), "", gaps_line(e, tr), ""]
    return "\n".join(lines) + "\n"


def to_csv(entries: list[Entry], tr: Texts, party: str | None = None, since: int | None = None) -> str:
    """One row per finding (the filters are in the rows themselves); kinds, labels, scope and type
    are identifiers, the texts in the report language."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_COLUMNS)
    for e in entries:
        text, gaps = description(e, tr), gaps_line(e, tr)
        for i in e.items:
            writer.writerow([e.name, " ".join(e.parties), e.signed or "", e.in_force or "", e.type or "",
                             e.language or "", i.kind, i.label, i.scope or "", i.article, i.page, i.quote, text, gaps])
    return buf.getvalue()


def to_docx(entries: list[Entry], tr: Texts, party: str | None = None, since: int | None = None) -> bytes:
    """A Word document with real heading styles (Heading 1..3), so the section can be edited,
    renumbered and pasted into the Party's report."""
    from docx import Document

    doc = Document()
    doc.core_properties.title = tr("qpr.title")
    doc.core_properties.language = tr.lang
    doc.add_heading(tr("qpr.title"), level=1)
    doc.add_paragraph(tr("qpr.intro", n=len(entries)))
    filters = _filters(tr, party, since)
    if filters:
        doc.add_paragraph(" · ".join(filters))
    for e in entries:
        doc.add_heading(e.name, level=2)
        table = doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for k, v in _facts(e, tr):
            cells = table.add_row().cells
            cells[0].text, cells[1].text = k, v
        doc.add_heading(tr("qpr.provisions"), level=3)
        for kind, items in e.by_kind():
            doc.add_paragraph(_kind_name(tr, kind), style="Heading 4")
            for i in items:
                doc.add_paragraph(_item_line(i, tr), style="List Bullet")
        doc.add_heading(tr("qpr.description"), level=3)
        doc.add_paragraph(description(e, tr))
        doc.add_paragraph(gaps_line(e, tr))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


FORMATS = {"md": to_markdown, "csv": to_csv, "docx": to_docx}


def render_qpr(entries: list[Entry], fmt: str = "md", lang: str | None = None, party: str | None = None,
               since: int | None = None) -> str | bytes:
    from analyser.report import renderer

    return renderer("qpr", fmt)(entries, _texts(entries, lang), party, since)
