"""Streamlit UI: drop in an agreement, see the gaps first, then where culture is handled.

Run with `streamlit run ui/app.py` (after `pip install -e '.[ui]'`). The analysis is the library's
(`analyser.analyse`); this file only lays it out. Uploads stay in memory and in a private
temporary folder removed right after the analysis; results are cached per file hash.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
from html import escape
from pathlib import Path

import streamlit as st

from analyser import AnalyserError, i18n
from analyser.checks import CHECK_LABELS
from analyser.ingest import SUFFIXES
from analyser.options import AnalyseOptions
from analyser.model import LABELS
from ui.pageview import search_boxes
from analyser.pipeline import DOCUMENT_TIMEOUT_S, analyse_isolated, start_isolation
from analyser.report import in_language, render
from analyser.report.common import attributes_in_words, cite_page, cite_pages, summary
from analyser.report.html import mark_spans
from analyser.report.pdf import LABEL_COLOURS, to_pdf
from ui import review as review_ui  # review and teach: the decision controls (ui/review.py)

ROOT = Path(__file__).resolve().parent.parent  # the project folder: the bundled samples are under corpora/
SAMPLES = {
    "Canada - Peru FTA (ToTA XML, 2008)": ROOT / "corpora" / "samples" / "canada-peru-fta-2008.xml",
    "AfCFTA Agreement (PDF, 77 pages)": ROOT / "corpora" / "pdf" / "afcfta-agreement-en.pdf",
    "Canada - Peru FTA, chapters 15 and 22 (text)": ROOT / "corpora" / "texts" / "en-canada-peru-fta-excerpt.txt",
    "Tratado de Montevideo 1980 (texte ES)": ROOT / "corpora" / "texts" / "es-tratado-de-montevideo-1980-aladi.txt",
    "Directives opérationnelles 18-19 (FR)": ROOT / "corpora" / "texts" / "fr-directives-operationnelles-18-19.txt",
}
SAMPLE_NAMES = dict(zip(SAMPLES, ("canada_peru_xml", "afcfta_pdf", "canada_peru_text", "montevideo_es", "guidelines_fr")))
STATUS_COLOURS = {"met": "#2e7d32", "partly": "#f9a825", "missing": "#c62828", "n/a": "#757575"}


@st.cache_resource(show_spinner=False)
def isolation_started() -> bool:
    """Once per server: warm the analysis process in the background, so the first upload is fast."""
    threading.Thread(target=start_isolation, daemon=True).start()
    return True


@st.cache_resource(max_entries=8, show_spinner=False)
def analyse_bytes(sha: str, name: str, _data: bytes):
    """Analyse uploaded bytes once per content hash, in a private temporary folder, in a child
    process: a file that hangs or crashes a library gets a clear message, not a frozen page."""
    with tempfile.TemporaryDirectory(prefix="analyser-ui-") as tmp:
        path = Path(tmp) / Path(name).name
        path.write_bytes(_data)
        report = analyse_isolated(path, AnalyseOptions(timeout=DOCUMENT_TIMEOUT_S))
    report.document.source = name  # the temporary path means nothing to the user
    return report


def ui_lang() -> str:
    return st.session_state.get("ui_lang", "en")


def tr() -> i18n.Texts:
    """The catalogue in the interface language (the selector sets the UI and the downloads)."""
    return i18n.Texts(ui_lang())


def t(key: str, **kw) -> str:
    """An interface string (catalogue section `ui`, else a dotted key such as `report.gaps`)."""
    return tr()(key if "." in key else f"ui.{key}", **kw)


def status_label(status: str) -> str:
    return tr().status(status)


def go_to(page: int, pid: str | None = None) -> None:
    """Button callback: callbacks run before the script, so the page input's session_state key can
    still be set (a widget's value cannot change once it is drawn in a run)."""
    st.session_state["page_input"] = int(page)
    st.session_state["focus"] = pid
    st.session_state["scroll_to_page"] = True


def evidence_page(p, labels: tuple[str, ...] | None = None) -> int | None:
    """The page that holds the provision's evidence (of these labels if given), else its first page."""
    for f in p.findings:
        if labels is None or f.label in labels:
            for e in f.evidence:
                if e.page:
                    return e.page
    return p.pages[0] if p.pages else None


def short_heading(p) -> str:
    """The last parts of the heading path: what a reader recognises ("Article 22.5 Cultural Industries")."""
    parts = p.heading_parts
    return " > ".join(parts[-2:]) if parts else p.kind


def cite(report, page: int) -> str:
    """A PDF page as the reports cite it: the printed page, and the viewer's position where they
    differ ("p. 2 (PDF page 3)"), so what the reader sees here is what the downloads say."""
    return cite_page(report.document, page, tr())


def scorecard(report, pdf: bool = False) -> None:
    st.subheader(t("report.gaps"))
    by_id = {p.id: p for p in report.document.provisions}
    rows = []
    for cid, check in report.checks.items():
        colour = STATUS_COLOURS.get(check.status, "#757575")
        links = []
        for pid in check.provisions[:6]:
            p = by_id.get(pid)
            if p is None:
                continue
            page = evidence_page(p, CHECK_LABELS.get(cid))
            links.append(f"<a class='supporting' href='#{escape(pid)}' data-page='{page or ''}'>"
                         f"{escape(short_heading(p))}{' · ' + escape(cite(report, page)) if page else ''}</a>")
        looks = [f"<a class='candidate' href='#{escape(pid)}'>{escape(short_heading(by_id[pid]))}"
                 f"{' · ' + escape(cite(report, by_id[pid].pages[0])) if by_id[pid].pages else ''}</a>"
                 for pid in check.candidates[:3] if pid in by_id]
        if looks:
            links.append(f"<small>{escape(t('worth_a_look'))}{t('report.colon')}{', '.join(looks)}</small>")
        rows.append(f"<tr><td><b>{cid}</b></td><td>{escape(check.guideline)}</td><td>{escape(check.question)}</td>"
                    f"<td><span class='status' data-check='{cid}' data-status='{escape(check.status)}' "
                    f"style='background:{colour};color:white;padding:2px 8px;border-radius:8px;white-space:nowrap'>"
                    f"{escape(status_label(check.status))}</span></td><td>{escape(check.why)}</td>"
                    f"<td>{'<br>'.join(links)}</td></tr>")
    st.markdown(
        f"<table class='scorecard'><tr><th>{t('report.check')}</th><th>{t('report.guideline')}</th>"
        f"<th>{t('report.question')}</th><th>{t('report.status')}</th><th>{t('report.why')}</th>"
        f"<th>{t('supporting')}</th></tr>{''.join(rows)}</table>",
        unsafe_allow_html=True)
    if not pdf:
        return  # text inputs: the links above open the provision card, its evidence highlighted
    jumps = [(cid, by_id[pid]) for cid, check in report.checks.items() for pid in check.provisions[:6] if pid in by_id]
    if jumps:
        st.caption(t("jump_to_evidence"))
        cols = st.columns(4)
        for i, (cid, p) in enumerate(jumps):
            page = evidence_page(p, CHECK_LABELS.get(cid))
            if page:
                cols[i % 4].button(f"{cid} · {short_heading(p)[:40]} · {cite(report, page)}", key=f"jump-{cid}-{p.id}",
                                   on_click=go_to, args=(page, p.id))


def legend() -> None:
    chips = " ".join(f"<span style='background:#{LABEL_COLOURS[lab]};color:white;padding:1px 6px;border-radius:6px;"
                     f"margin-right:4px;white-space:nowrap;display:inline-block'>{escape(tr().label(lab))}</span>"
                     for lab in LABELS)  # a chip never breaks across two lines
    st.markdown(f"**{t('report.legend')}**{t('report.colon')}{chips}", unsafe_allow_html=True)


def highlighted(text: str, spans: list[tuple[int, int, str]], query: str) -> str:
    """The provision as HTML: evidence marked in its label's colour, search hits underlined.
    Search hits are found in the text, never in the markup, so any query is safe."""
    hits = re.compile(re.escape(query), re.IGNORECASE) if query else None

    def show(segment: str) -> str:
        if hits is None:
            return escape(segment)
        found = [(m.start(), m.end(), "") for m in hits.finditer(segment)]
        return mark_spans(segment, found, lambda _, inner: f"<u><b>{inner}</b></u>")

    def mark(tag: str, inner: str) -> str:
        kind, _, label = tag.rpartition(":")  # "candidate:<label>": worth a look, underlined, not filled
        colour = LABEL_COLOURS.get(label, "ffd700")
        if kind == "candidate":
            return f"<mark class='candidate' style='background:none;border-bottom:2px dashed #{colour}'>{inner}</mark>"
        return f"<mark style='background:#{colour}55'>{inner}</mark>"

    return mark_spans(text, spans, mark, show)


@st.cache_data(max_entries=256, show_spinner=False)
def page_hits(sha: str, page_no: int, query: str, _data: bytes) -> list[list[float]]:
    """The boxes of a search on one page, per document, page and query: pdfium opens the whole PDF
    for each search, which every rerun (each click) would otherwise repeat for every card."""
    return search_boxes(_data, page_no, query)


def document_view(report, data: bytes | None, review=None) -> None:
    """`review`: the decisions in force (review_ui.State); each card then carries its review controls."""
    doc = report.document
    with st.sidebar:
        st.markdown(f"### {t('filters')}")
        # one widget per interface language: Streamlit keeps a widget's chips as first worded, so
        # after a switch they stayed in the old language; the choice itself carries over
        labels = st.multiselect(t("labels"), LABELS, default=st.session_state.get("labels_chosen", list(LABELS)),
                                key=f"labels-{ui_lang()}", format_func=tr().label, placeholder=t("choose"),
                                on_change=lambda: st.session_state.update(labels_chosen=st.session_state[f"labels-{ui_lang()}"]))
        min_score = st.slider(t("min_score"), 0.0, 1.0, 0.0, 0.05, key="min_score")
        chapters = [t("all_chapters")] + sorted({p.heading_parts[0] for p in doc.provisions if p.heading_parts})
        chapter = st.selectbox(t("chapter"), chapters, key="chapter")
        query = st.text_input(t("search"), key="query").strip()
    shown = []
    for p in doc.provisions:
        if chapter != t("all_chapters") and (not p.heading_parts or p.heading_parts[0] != chapter):
            continue
        if query and query.lower() not in p.text.lower():
            continue
        kept = [f for f in p.findings if f.label in labels and f.score >= min_score]
        looks = [f for f in p.candidates if f.label in labels]
        if kept or looks or (query and not p.findings) or review_ui.every_provision() or (
                review and any(q.id == p.id for q, _ in review.added)):
            shown.append((p, kept))
    st.subheader(t("document"))
    legend()
    left, right = st.columns([3, 2]) if data is not None else (None, st.container())
    with right:
        st.markdown(f"#### {t('provisions')}")
        if not any(k for _, k in shown):
            unfiltered = set(labels) == set(LABELS) and not min_score and chapter == t("all_chapters") and not query
            looks = sum(len(p.candidates) for p in doc.provisions)
            st.info(t("no_findings") if not unfiltered else t("no_findings_but_candidates", n=looks) if looks
                    else t("no_findings_at_all"))
        for p, kept in shown:
            st.markdown(f"<a id='{escape(p.id)}'></a>", unsafe_allow_html=True)
            with st.container(border=True):
                st.markdown(f"**{escape(p.heading or p.id)}**"
                            + (f" · {escape(cite_pages(doc, p.pages, tr()))}" if p.pages else ""))
                for f in kept:
                    attrs = attributes_in_words(f, doc, tr())
                    st.markdown(f"<span style='background:#{LABEL_COLOURS.get(f.label)};color:white;padding:1px 6px;"
                                f"border-radius:6px'>{escape(tr().label(f.label))}</span> {t('report.score')} "
                                f"{f.score:.2f} · {escape(tr().layer(f.layer))}"
                                f"{' · ' + escape(attrs) if attrs else ''}<br>{t('trigger')}{t('report.colon')}"
                                + ", ".join(f"<i>{escape(e.text)}</i>" for e in f.evidence), unsafe_allow_html=True)
                    page = next((e.page for e in f.evidence if e.page), None) if data is not None else None
                    if page:
                        st.button(t("go_to_page", cite=cite(report, page)), key=f"go-{p.id}-{f.label}", on_click=go_to,
                                  args=(page, p.id))
                    if review is not None:
                        review_ui.controls(report, p, f.label, review, tr())
                for f in p.candidates:  # below threshold: shown, never counted
                    if f.label in labels:
                        st.markdown(f"<span class='candidate' style='border:1px dashed #{LABEL_COLOURS.get(f.label)};"
                                    f"padding:1px 6px;border-radius:6px'>{escape(tr().label(f.label))}</span> "
                                    f"{t('worth_a_look')} · {t('report.score')} {f.score:.2f} · {escape(tr().layer(f.layer))}"
                                    f"<br>{t('trigger')}{t('report.colon')}"
                                    + ", ".join(f"<i>{escape(e.text)}</i>" for e in f.evidence), unsafe_allow_html=True)
                        if review is not None:
                            review_ui.controls(report, p, f.label, review, tr())
                if data is not None and not kept and p.pages:  # a search hit or a candidate without a finding
                    page = next((n for n in p.pages if page_hits(doc.sha256, n, query, data)), p.pages[0]) if query else p.pages[0]
                    st.button(t("go_to_page", cite=cite(report, page)), key=f"go-{p.id}", on_click=go_to, args=(page, p.id))
                spans = [(e.start, e.end, f.label) for f in kept for e in f.evidence] + [
                    (e.start, e.end, f"candidate:{f.label}") for f in p.candidates if f.label in labels for e in f.evidence]
                # st.html, not st.markdown: Markdown read an indented line after a blank one as a
                # code block and showed the marks' HTML as text (a Spanish treaty's lettered list)
                st.html(f"<div class='provision-text' data-id='{escape(p.id)}' style='white-space:pre-wrap;"
                        f"max-height:18em;overflow:auto'>{highlighted(p.text, spans, query)}</div>")
                if review is not None:
                    review_ui.added(report, p, review, tr())
                    review_ui.add_form(report, p, tr())
    if data is not None and left is not None:
        with left:
            from ui.pageview import render_page

            if "page_input" not in st.session_state:  # set before the widget exists: no value= beside it
                pages_with = sorted({e.page for p, kept in shown for f in kept for e in f.evidence if e.page})
                st.session_state["page_input"] = pages_with[0] if pages_with else 1
            page_no = int(st.number_input(t("page"), 1, doc.pages or 1, key="page_input"))
            marks = [(f.label, e.boxes) for p, kept in shown for f in kept for e in f.evidence
                     if e.page == page_no and e.boxes]
            focus = [box for p in doc.provisions if p.id == st.session_state.get("focus")
                     for f in p.findings for e in f.evidence if e.page == page_no for box in e.boxes]
            hits = page_hits(doc.sha256, page_no, query, data) if query else []
            caption = (f"{cite(report, page_no)} · {t('highlights', n=len(marks))}"
                       + (f" · {t('search_hits', n=len(hits))}" if query else ""))
            st.html("<div id='page-view'></div>")
            st.image(render_page(data, page_no, marks, search=hits, focus=focus), caption=caption, width="stretch")
            if st.session_state.pop("scroll_to_page", False):  # a jump: bring the page into view
                st.html("<script>document.getElementById('page-view')?.scrollIntoView({block: 'start'})</script>",
                        unsafe_allow_javascript=True)


@st.cache_data(max_entries=16, show_spinner=False)
def exports(sha: str, lang: str, _report, _data: bytes | None) -> dict[str, str | bytes]:
    """The downloads of one report in the interface language, rendered once per content hash and
    language, not on every rerun. The PDF is built from the uploaded bytes: the cached report is
    shared between sessions and never changed."""
    out = {fmt: render(_report, fmt, lang) for fmt in ("json", "csv", "html", "md", "docx")}
    if _report.document.format == "pdf" and _data is not None:
        out["pdf"] = to_pdf(in_language(_report, lang), _data)
    return out


def downloads(report, data: bytes | None, key: str | None = None, extra=None) -> None:
    """`key`: the cache key of these downloads (the content hash, plus the review state when the
    report is shown as reviewed); `extra()` draws one more download beside them (the review's
    labelled data), before the periodic report's section."""
    st.subheader(t("downloads"))
    stem = Path(report.document.source).stem
    key = key or report.document.sha256
    files = exports(key, ui_lang(), report, data)
    cols = st.columns(6)
    cols[0].download_button("JSON", files["json"], f"{stem}.json", "application/json")
    cols[1].download_button("CSV", files["csv"], f"{stem}.csv", "text/csv")
    cols[2].download_button("HTML", files["html"], f"{stem}.html", "text/html")
    cols[3].download_button(t("download_md"), files["md"], f"{stem}.md", "text/markdown")
    cols[4].download_button(t("download_docx"), files["docx"], f"{stem}.docx",
                            "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    if "pdf" in files:
        cols[5].download_button(t("download_pdf"), files["pdf"], f"{stem}-annotated.pdf", "application/pdf")
    if extra is not None:
        extra()
    qpr_downloads(key, report_entries(key, report), stem)


@st.cache_data(max_entries=16, show_spinner=False)
def report_entries(key: str, _report) -> list:
    """This report's periodic-report entry, built once per report (`key`), not on every rerun."""
    from analyser.qpr import entry_of

    entry = entry_of(_report.to_dict())
    return [entry] if entry else []


@st.cache_data(max_entries=16, show_spinner=False)
def qpr_files(key: str, lang: str, _entries) -> dict[str, str | bytes]:
    """The treaties section of the periodic report for these entries, in the interface language."""
    from analyser.qpr import render_qpr

    return {fmt: render_qpr(_entries, fmt, lang) for fmt in ("md", "csv", "docx")}


def qpr_downloads(key: str, entries, stem: str) -> None:
    """Download the QPR entries (one agreement, or every agreement of a batch folder)."""
    st.markdown(f"#### {t('qpr')}")
    if not entries:
        st.info(t("qpr_none"))
        return
    st.caption(t("qpr_help"))
    files = qpr_files(key, ui_lang(), entries)
    cols = st.columns(3)
    cols[0].download_button(t("download_md"), files["md"], f"{stem}-qpr.md", "text/markdown", key=f"qpr-md-{key}")
    cols[1].download_button("CSV", files["csv"], f"{stem}-qpr.csv", "text/csv", key=f"qpr-csv-{key}")
    cols[2].download_button(t("download_docx"), files["docx"], f"{stem}-qpr.docx",
                            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                            key=f"qpr-docx-{key}")


UPLOAD_TYPES = [suffix[1:] for suffix in SUFFIXES]


def report_for(name: str, data: bytes, sha: str | None = None):
    """The (cached) report of these bytes, or None after showing why it could not be made."""
    try:
        return analyse_bytes(sha or hashlib.sha256(data).hexdigest(), name, data)
    except AnalyserError as exc:
        st.error(t("errors.cannot_analyse", name=name, reason=i18n.error_message(exc.reason, ui_lang())))
        return None


def screen_page() -> None:
    limit = st.get_option("server.maxUploadSize")
    upload = st.file_uploader(t("upload"), type=UPLOAD_TYPES, key="upload")
    sample = st.selectbox(t("sample"), [t("none")] + list(SAMPLES), key="sample",
                          format_func=lambda s, tr=tr(): tr(f"samples.{SAMPLE_NAMES[s]}") if s in SAMPLE_NAMES else s)
    if upload is not None:
        name, data = upload.name, upload.getvalue()
        if len(data) > limit * 2**20:
            st.error(t("too_large", name=name, limit=limit))
            return
    elif sample != t("none"):
        name, data = SAMPLES[sample].name, SAMPLES[sample].read_bytes()
    else:
        st.caption(t("privacy"))
        return
    sha = hashlib.sha256(data).hexdigest()
    if st.session_state.get("sha") != sha:  # another document: start at its first evidence again
        st.session_state["sha"] = sha
        for key in ("page_input", "focus"):
            st.session_state.pop(key, None)
    with st.spinner(t("analysing", name=name)):
        report = report_for(name, data, sha)
    if report is None:
        return
    report = in_language(report, ui_lang())
    # --- review (ui/review.py): decisions on the cards, progress, the report as reviewed ---
    with st.sidebar:
        as_reviewed = review_ui.sidebar(tr())
    review = review_ui.state(report)
    tool_report = report
    if as_reviewed:
        report = review_ui.reviewed_report(report, review, ui_lang())
    doc = report.document
    st.markdown(f"**{escape(doc.title or name)}** · "
                + t("document_line", language=tr().language_name(doc.language), provisions=len(doc.provisions))
                + (" · " + t("document_pages", pages=doc.pages) if doc.pages else "")
                + f" · **{escape(summary(report, tr()))}**")
    review_ui.progress(review, tr())
    for w in doc.warnings:
        st.warning(w.text)
    scorecard(report, pdf=doc.format == "pdf")
    review_ui.queue(tool_report, review, tr())
    review_ui.agreement_notes(tool_report, review, tr())
    document_view(tool_report, data if doc.format == "pdf" else None, review)
    downloads(report, data, f"{doc.sha256}-reviewed-{review.version}" if as_reviewed else None,
              extra=lambda: review_ui.export_download(tool_report, review, ui_lang(), Path(name).stem))
    precedents_page(report)


def _uploaded_report(label: str, key: str):
    upload = st.file_uploader(label, type=UPLOAD_TYPES, key=key)
    return None if upload is None else report_for(upload.name, upload.getvalue())


@st.cache_data(max_entries=16, show_spinner=False)
def compared(old_sha: str, new_sha: str, lang: str, _old, _new) -> dict:
    """Alignment of two cached reports, once per pair of content hashes, not on every rerun."""
    from analyser.compare import compare

    return compare(_old, _new)


@st.cache_data(max_entries=16, show_spinner=False)
def precedents_for(sha: str, lang: str, _report) -> dict:
    """Precedent clauses for one report's gaps, once per content hash and language."""
    from analyser.precedents import propose

    return propose(_report, lang=lang)


def compare_page() -> None:
    """Two drafts side by side: what changed for culture, and the checks that moved."""
    left, right = st.columns(2)
    with left:
        old = _uploaded_report(t("old_draft"), "old_upload")
    with right:
        new = _uploaded_report(t("new_draft"), "new_upload")
    if old is None or new is None:
        return
    result = compared(old.document.sha256, new.document.sha256, ui_lang(), in_language(old, ui_lang()),
                      in_language(new, ui_lang()))
    rows = "".join(
        f"<tr><td><b>{cid}</b></td><td>{escape(status_label(c['old']))}</td><td>{escape(status_label(c['new']))}</td>"
        f"<td>{'⚠️' if c['changed'] else ''}</td></tr>" for cid, c in result["checks"].items())
    st.markdown(f"<table class='compare-checks'><tr><th>{t('report.check')}</th><th>{t('old_draft')}</th>"
                f"<th>{t('new_draft')}</th><th></th></tr>{rows}</table>", unsafe_allow_html=True)
    if not result["changes"]:
        st.info(t("no_changes"))
    colours = {"removed": "#ffcdd2", "weakened": "#ffe0b2", "added": "#c8e6c9", "strengthened": "#dcedc8",
               "reworded": "#e3f2fd", "renumbered": "#f5f5f5"}
    from analyser.compare import detail_text, diff_html
    from analyser.report import renderer

    stem = f"{Path(old.document.source).stem}-vs-{Path(new.document.source).stem}"
    cols = st.columns(3)
    for col, (fmt, mime) in zip(cols, (("html", "text/html"), ("json", "application/json"), ("md", "text/markdown"))):
        col.download_button(f"{t('download_compare')} ({fmt.upper()})", renderer("compare", fmt)(result, ui_lang()), f"{stem}.{fmt}", mime,
                            key=f"compare-{fmt}")
    for ch in result["changes"]:
        with st.container(border=True):
            st.markdown(f"<span class='change' data-kind='{ch['kind']}' style='background:{colours[ch['kind']]};"
                        f"padding:2px 8px;border-radius:6px'><b>{escape(t('change_' + ch['kind']))}</b></span> "
                        f"{escape(tr().label(ch['label']) if ch['label'] else '')} · {escape(detail_text(ch, tr()))}",
                        unsafe_allow_html=True)
            st.caption(" → ".join(side["heading"] for side in (ch["old"], ch["new"]) if side))
            if ch.get("diff"):  # word by word: deleted struck through in red, inserted in green
                st.html(f"<div class='word-diff' style='white-space:pre-wrap;max-height:18em;overflow:auto'>"
                        f"{diff_html(ch['diff'])}</div>")  # st.html: treaty text is not Markdown
            else:
                side = ch["old"] or ch["new"]
                st.html(f"<div style='white-space:pre-wrap;background:{colours[ch['kind']]}55'>"
                        f"{escape(side['text'])}</div>")


def precedents_page(report) -> None:
    result = precedents_for(report.document.sha256, ui_lang(), report)
    st.subheader(t("precedents"))
    for cid, gap in result["gaps"].items():
        with st.expander(f"{cid} · {status_label(gap['status'])} · {gap['question']}"):
            if not gap["precedents"]:
                st.caption(t("no_precedent"))
            for p in gap["precedents"]:
                st.markdown(f"**{escape(p['agreement'])}** ({p['year']}, {tr().language_name(p['language'])}), "
                            f"{escape(p['article'])}  \n"
                            f"_{escape(p['why'])}_")
                # the operative sentence, its evidence marked; the whole clause one click away
                sentence = mark_spans(p["sentence"], [(start, end, "") for start, end in p["marks"]],
                                      lambda _, inner: f"<mark>{inner}</mark>")
                st.html(f"<blockquote class='precedent'>{sentence}</blockquote>"  # treaty text is not Markdown
                        f"<details><summary>{t('whole_clause')}</summary><div style='white-space:pre-wrap'>"
                        f"{escape(p['text'])}</div></details>")


BATCH_ROOT = Path(os.environ.get("ANALYSER_BATCH_ROOT", "runs")).expanduser()  # where batch outputs are listed


@st.cache_data(max_entries=4, show_spinner=False)
def corpus_tables(folder: str, store_mtime: float, lang: str) -> tuple[str, dict, dict]:
    """Corpus analytics (PNGs, CSVs and HTML written under the folder) and its tables (shown in the
    interface language; downloaded as CSV with English headers and ids), redone only when the
    store changes, not on every rerun."""
    from analyser.stats import build, write

    built = build(Path(folder), lang)
    write(Path(folder), *built, lang)
    n_docs, _, named, ids = built
    return f"{n_docs}", named, ids


def batch_folders(root: Path) -> list[Path]:
    """Batch output folders (holding a store) under the root, two levels down at most."""
    if not root.is_dir():
        return []
    found = [root] if (root / "store.sqlite").exists() else []
    found += sorted(p.parent for p in root.glob("*/store.sqlite")) + sorted(p.parent for p in root.glob("*/*/store.sqlite"))
    return found


def stats_page() -> None:
    from analyser.stats import table_csv

    folders = batch_folders(BATCH_ROOT)
    st.caption(t("stats_root", root=str(BATCH_ROOT.resolve())))
    if not folders:
        st.info(t("stats_none"))
        return
    names = {str(f.relative_to(BATCH_ROOT)) if f != BATCH_ROOT else ".": f for f in folders}
    choice = st.selectbox(t("stats_pick"), list(names), key="stats_folder")
    out = names[choice]
    mtime = (out / "store.sqlite").stat().st_mtime
    n, named, for_csv = corpus_tables(str(out), mtime, ui_lang())
    st.markdown(f"**{t('stats_agreements', n=n)}**")
    for image in sorted((out / "stats").glob("*.png")):
        st.image(str(image))
    for name, table in named.items():
        title, columns, rows = table
        st.markdown(f"##### {escape(title)}")
        if rows:
            st.dataframe([dict(zip(columns, row)) for row in rows], hide_index=True, width="stretch")
        else:
            st.caption(t("stats_empty"))
        st.download_button(f"{t('download_table')} ({name}.csv)", table_csv(for_csv[name]), f"{name}.csv", "text/csv",
                           key=f"table-{name}")
    for path in sorted((out / "tables").glob("*.csv")):
        st.download_button(f"{t('download_table')} ({path.name})", path.read_bytes(), path.name, "text/csv",
                           key=f"table-{path.stem}")
    qpr_downloads(f"store-{mtime}", store_entries(str(out), mtime), out.name)


@st.cache_data(max_entries=4, show_spinner=False)
def store_entries(folder: str, store_mtime: float) -> list:
    """The QPR entries of a batch folder's reports (no new analysis), redone only when the store changes."""
    from analyser.qpr import collect

    return collect([folder])


def localise_widgets() -> None:
    """Streamlit words its file uploader in English only: show the catalogue's words instead."""
    button = t("uploader_button").replace('"', "'")
    limit = t("uploader_limit", limit=st.get_option("server.maxUploadSize")).replace('"', "'")
    st.markdown(
        "<style>[data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer'] p{display:none}"
        f"[data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer']::after{{content:\"{button}\"}}"
        "[data-testid='stFileUploaderDropzoneInstructions'] span{display:none}"
        f"[data-testid='stFileUploaderDropzoneInstructions'] > div::after{{content:\"{limit}\";font-size:.875rem}}"
        "</style>", unsafe_allow_html=True)


def first_language() -> str:
    """The interface language a new session starts in: the page address's (`?lang=fr`, kept there
    by the selector, so that a reload or a bookmark keeps it), else the browser's, else English."""
    asked = st.query_params.get("lang", "")
    browser = (st.context.locale or "").split("-")[0].lower()
    return next((code for code in (asked, browser) if code in i18n.LANGUAGES), "en")


def language_chosen() -> None:
    st.query_params["lang"] = st.session_state["ui_lang"]


def main() -> None:
    st.set_page_config(page_title=i18n.text("en", "ui.page_title"), layout="wide")
    isolation_started()
    if "ui_lang" not in st.session_state:
        st.session_state["ui_lang"] = first_language()
    with st.sidebar:
        st.selectbox(t("language_selector"), list(i18n.LANGUAGES), key="ui_lang", on_change=language_chosen,
                     format_func=lambda code: i18n.Texts(code).language_name(code).capitalize())
    localise_widgets()
    st.title(t("title"))
    screen, drafts, stats = st.tabs([t("page_screen"), t("page_compare"), t("page_stats")])
    with screen:
        screen_page()
    with drafts:
        compare_page()
    with stats:
        stats_page()


main()
