"""The review controls of the Streamlit app (app.py calls these; nothing else imports this
module, which needs the `ui` extra): accept / reject / relabel / undo on every finding and
candidate card, a note on each decision and on the agreement, adding a missed label with words
of the provision, a review queue driven by the keyboard, the progress line, the toggle to see
the report as reviewed, and the labelled-data download.

Every decision goes straight to the local store (decisions.py) in a button callback, one
transaction each, so a reload or a restart of the app shows it again. A store is opened per
action: SQLite connections belong to one thread, and Streamlit reruns the script in others.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any

import streamlit as st

from analyser.i18n import Texts
from analyser.model import LABELS, Provision, Report
from analyser.review.apply import as_reviewed, progress as progress_of
from analyser.review.decisions import Item, ReviewStore, check_evidence, default_path, place
from analyser.errors import AnalyserError

SHORTCUTS = {"accept": "A", "reject": "X", "next": "N", "previous": "P"}  # C and R are Streamlit's own
DECISION_COLOURS = {"accept": "#2e7d32", "reject": "#c62828", "relabel": "#6a1b9a", "add": "#1565c0"}


@dataclass
class State:
    """The decisions in force on one analysis: per (provision id, label) of the tool, and the
    labels the reviewer added; progress over the tool's findings and candidates."""

    verdicts: dict[tuple[str, str], Item] = field(default_factory=dict)
    added: list[tuple[Provision, Item]] = field(default_factory=list)
    done: int = 0
    total: int = 0
    notes: list[dict[str, Any]] = field(default_factory=list)
    version: tuple[int, int] = (0, 0)  # (newest decision id, number of agreement notes): a cache key for the reviewed report


def _store() -> ReviewStore:
    return ReviewStore(default_path())


def state(report: Report) -> State:
    """The decisions in force on this analysis; looking creates no store (the first decision does)."""
    doc = report.document
    if not default_path().exists():
        return State(total=progress_of(report, [], {})[1])
    with _store() as store:
        items = store.items(doc.sha256)
        out = State(notes=store.agreement_notes(doc.sha256), version=store.version(doc.sha256))
    placed = place(list({i.provision.id: i.provision for i in items}.values()), doc.provisions)
    tool = {(p.id, f.label) for p in doc.provisions for f in p.findings + p.candidates}
    for item in items:
        p = placed.get(item.provision.id)
        if p is None:
            continue
        if (p.id, item.label) in tool:
            out.verdicts[(p.id, item.label)] = item
        elif item.verdict is not None and item.verdict.kind == "add":
            out.added.append((p, item))
    out.done, out.total = progress_of(report, items, placed)
    return out


@st.cache_resource(max_entries=16, show_spinner=False)
def _reviewed(sha: str, lang: str, version: tuple[int, int], _report: Report) -> Report:
    """The report as reviewed, once per document, language and store state (not on every rerun);
    before any decision, from an empty store in memory (looking creates no file)."""
    with ReviewStore(default_path() if default_path().exists() else ":memory:") as store:
        return as_reviewed(_report, store, lang)


def reviewed_report(report: Report, review: State, lang: str) -> Report:
    return _reviewed(report.document.sha256, lang, review.version, report)


def _record(report: Report, p: Provision, kind: str, label: str, **kw: Any) -> None:
    """Button callback: one decision, written before the page is drawn again."""
    reviewer = st.session_state.get("reviewer") or None
    try:
        with _store() as store:
            store.record(report.document, p, kind, label, reviewer=reviewer, **kw)
    except AnalyserError as exc:
        st.session_state["review_error"] = exc.reason


def _relabel(report: Report, p: Provision, label: str, key: str) -> None:
    new = st.session_state.get(f"{key}-label")
    _record(report, p, "relabel", label, new_label=new, attributes=_attributes(key, new),
            note=st.session_state.get(f"{key}-note") or None)


def _note(report: Report, p: Provision, label: str, key: str) -> None:
    note = (st.session_state.get(f"{key}-note") or "").strip()
    if note:
        _record(report, p, "note", label, note=note)
        st.session_state[f"{key}-note"] = ""


def _add(report: Report, p: Provision, key: str) -> None:
    label = st.session_state.get(f"{key}-label")
    words = (st.session_state.get(f"{key}-words") or "").strip()
    try:
        evidence = check_evidence(p.text, [{"text": words}])
    except AnalyserError:
        st.session_state[f"{key}-error"] = True
        return
    st.session_state[f"{key}-error"] = False
    _record(report, p, "add", label, evidence=evidence, attributes=_attributes(key, label),
            note=st.session_state.get(f"{key}-note") or None)
    st.session_state[f"{key}-words"] = ""


def _attributes(key: str, label: str | None) -> dict[str, Any]:
    if label == "cultural_exemption" and st.session_state.get(f"{key}-scope"):
        return {"scope": st.session_state[f"{key}-scope"]}
    if label == "digital_trade":
        return {"carve_out": bool(st.session_state.get(f"{key}-carve"))}
    return {}


def _agreement_note(report: Report) -> None:
    note = (st.session_state.get("agreement-note") or "").strip()
    if note:
        with _store() as store:
            store.note_agreement(report.document, note, st.session_state.get("reviewer") or None)
        st.session_state["agreement-note"] = ""


def sidebar(tr: Texts) -> bool:
    """The reviewer's name and the as-reviewed toggle; True when the report is shown as reviewed."""
    if "reviewer" not in st.session_state:  # a reload keeps the name: the store's last one
        st.session_state["reviewer"] = last_reviewer()
    st.text_input(tr("review.ui_reviewer"), key="reviewer")
    on = st.toggle(tr("review.ui_toggle"), key="as_reviewed")
    st.checkbox(tr("review.ui_all_provisions"), key="every_provision")
    # the file's path (English folder names) in the tooltip, not in the interface's own words
    st.caption(tr("review.ui_store"), help=str(default_path()))
    return on


def last_reviewer() -> str:
    """The name of the newest decision in the store ("" without one): who is reviewing here."""
    if not default_path().exists():
        return ""
    with _store() as store:
        return store.last_reviewer() or ""


def every_provision() -> bool:
    return bool(st.session_state.get("every_provision"))


def progress(review: State, tr: Texts) -> None:
    """"2 of 3 reviewed"; nothing when the tool found nothing to review ("0 of 0" read as a fault)."""
    if review.total:
        st.markdown(f"<span class='review-progress'>{escape(tr('review.progress', done=review.done, total=review.total))}"
                    "</span>", unsafe_allow_html=True)
    reason = st.session_state.pop("review_error", None)
    if reason:  # a decision the store refused (its one-line reason, in the interface language)
        from analyser.i18n import error_message

        st.error(error_message(reason, tr.lang))


def badge(item: Item | None, tr: Texts) -> str:
    """"Your decision: accepted" as HTML (data-decision for tests and styles), "" when undecided."""
    if item is None or item.verdict is None:
        return ""
    d = item.verdict
    shown = tr(f"review.{d.kind}") + (f" → {tr.label(d.new_label)}" if d.kind == "relabel" and d.new_label else "")
    notes = "".join(f"<br><small class='review-note'>{escape(tr('review.note'))}{escape(tr('report.colon'))}"
                    f"{escape(n.note or '')}</small>" for n in item.notes)
    return (f"<span class='review-decision' data-decision='{d.kind}' style='color:{DECISION_COLOURS.get(d.kind, '#333')};"
            f"font-weight:bold'>{escape(tr('review.ui_decided', decision=shown))}</span>{notes}")


def controls(report: Report, p: Provision, label: str, review: State, tr: Texts) -> None:
    """Accept / reject / undo, and relabel or note in a fold, under one finding or candidate."""
    item = review.verdicts.get((p.id, label))
    shown = badge(item, tr)
    if shown:
        st.markdown(shown, unsafe_allow_html=True)
    key = f"rv-{p.id}-{label}"
    cols = st.columns([1, 1, 2])  # "Undo the decision" is the longest label: room for it beside a PDF page
    cols[0].button(tr("review.ui_accept"), key=f"{key}-accept", on_click=_record, args=(report, p, "accept", label))
    cols[1].button(tr("review.ui_reject"), key=f"{key}-reject", on_click=_record, args=(report, p, "reject", label))
    if item is not None and item.verdict is not None:
        cols[2].button(tr("review.ui_reset"), key=f"{key}-reset", on_click=_record, args=(report, p, "reset", label))
    with st.expander(f"{tr('review.ui_relabel')} · {tr('review.ui_note')}"):
        # no label chosen in advance: one click must not relabel a finding as something else
        new = st.selectbox(tr("review.ui_new_label"), [x for x in LABELS if x != label], key=f"{key}-label",
                           format_func=tr.label, index=None, placeholder=tr("ui.choose"))
        _attribute_inputs(key, new, tr)
        st.text_input(tr("review.ui_note"), key=f"{key}-note")
        left, right = st.columns(2)
        left.button(tr("review.ui_relabel"), key=f"{key}-relabel", on_click=_relabel, args=(report, p, label, key),
                    disabled=new is None)
        right.button(tr("review.ui_save_note"), key=f"{key}-save-note", on_click=_note, args=(report, p, label, key))


def _attribute_inputs(key: str, label: str | None, tr: Texts) -> None:
    if label == "cultural_exemption":
        st.radio(tr("review.ui_scope"), ["agreement", "chapter"], key=f"{key}-scope", horizontal=True,
                 format_func=lambda v: tr.attribute("scope", v).split(tr("report.colon"))[-1])
    elif label == "digital_trade":
        st.checkbox(tr("review.ui_carve_out"), key=f"{key}-carve")


def added(report: Report, p: Provision, review: State, tr: Texts) -> None:
    """The labels the reviewer added on this provision, each with its evidence and an undo."""
    for q, item in review.added:
        if q.id != p.id:
            continue
        d = item.verdict
        words = ", ".join(f"<i>{escape(e['text'])}</i>" for e in d.evidence)
        st.markdown(f"<span class='review-added' data-label='{item.label}' style='border:2px solid "
                    f"{DECISION_COLOURS['add']};padding:1px 6px;border-radius:6px'>{escape(tr.label(item.label))}</span> "
                    f"{escape(tr('review.add'))} · {words}<br>{badge(item, tr)}", unsafe_allow_html=True)
        st.button(tr("review.ui_reset"), key=f"rv-{p.id}-{item.label}-reset-added", on_click=_record,
                  args=(report, p, "reset", item.label))


def add_form(report: Report, p: Provision, tr: Texts) -> None:
    """Add a missed label: the words are typed or pasted from the provision and must be its own."""
    key = f"rv-add-{p.id}"
    with st.expander(tr("review.ui_add")):
        label = st.selectbox(tr("review.ui_add_label"), LABELS, key=f"{key}-label", format_func=tr.label, index=None,
                             placeholder=tr("ui.choose"))
        st.text_input(tr("review.ui_add_words"), key=f"{key}-words")
        _attribute_inputs(key, label, tr)
        st.text_input(tr("review.ui_note"), key=f"{key}-note")
        st.button(tr("review.ui_add_button"), key=f"{key}-button", on_click=_add, args=(report, p, key),
                  disabled=label is None)
        if st.session_state.get(f"{key}-error"):
            st.error(tr("review.ui_words_missing"))


def agreement_notes(report: Report, review: State, tr: Texts) -> None:
    with st.expander(f"{tr('review.ui_agreement_note')} ({len(review.notes)})"):
        for n in review.notes:
            st.markdown(f"<div class='agreement-note'>{escape(n['note'])}"
                        + (f" <small>({escape(n['reviewer'])}, {escape(n['at'][:10])})</small>" if n.get("reviewer") else "")
                        + "</div>", unsafe_allow_html=True)
        st.text_area(tr("review.ui_agreement_note"), key="agreement-note")
        st.button(tr("review.ui_save_note"), key="agreement-note-save", on_click=_agreement_note, args=(report,))


def _move(step: int, total: int) -> None:
    """Previous / next: show exactly that item (decided or not) until the next decision."""
    st.session_state["queue_at"] = (st.session_state.get("queue_at", 0) + step) % max(total, 1)
    st.session_state["queue_pinned"] = True


def _queue_decide(report: Report, p: Provision, kind: str, label: str) -> None:
    """A decision from the queue: recorded, then the queue moves on to the next undecided item."""
    _record(report, p, kind, label)
    st.session_state["queue_pinned"] = False


def queue(report: Report, review: State, tr: Texts) -> None:
    """One item at a time, the first undecided from where the reviewer is; keyboard: A accept,
    X reject, N next, P previous (Streamlit's button shortcuts)."""
    items = [(p, f, kind) for p in report.document.provisions
             for kind, pool in (("finding", p.findings), ("candidate", p.candidates)) for f in pool]
    st.markdown(f"#### {tr('review.ui_queue')}")
    if not items:
        return
    at = st.session_state.get("queue_at", 0) % len(items)
    decided = {k for k, v in review.verdicts.items() if v.verdict is not None}
    undecided = [i for i in range(len(items)) if (items[i][0].id, items[i][1].label) not in decided]
    if not undecided:
        st.success(tr("review.ui_queue_done"))
    elif not st.session_state.get("queue_pinned"):
        at = next((i for i in undecided if i >= at), undecided[0])
        st.session_state["queue_at"] = at
    p, f, kind = items[at]
    with st.container(border=True):
        st.caption(tr("review.ui_queue_item", n=at + 1, total=len(items)) + " · " + tr("review.ui_shortcuts"))
        words = ", ".join(f"<i>{escape(e.text)}</i>" for e in f.evidence)
        st.markdown(f"<div class='review-queue' data-id='{escape(p.id)}' data-label='{f.label}'><b>"
                    f"{escape(p.heading or p.id)}</b> · {escape(tr.label(f.label))}"
                    f"{' · ' + escape(tr('ui.worth_a_look')) if kind == 'candidate' else ''} · {words}<br>"
                    f"{badge(review.verdicts.get((p.id, f.label)), tr)}</div>", unsafe_allow_html=True)
        cols = st.columns(4)
        cols[0].button(tr("review.ui_accept"), key="queue-accept", shortcut=SHORTCUTS["accept"],
                       on_click=_queue_decide, args=(report, p, "accept", f.label), type="primary")
        cols[1].button(tr("review.ui_reject"), key="queue-reject", shortcut=SHORTCUTS["reject"],
                       on_click=_queue_decide, args=(report, p, "reject", f.label))
        cols[2].button(tr("review.ui_previous"), key="queue-previous", shortcut=SHORTCUTS["previous"],
                       on_click=_move, args=(-1, len(items)))
        cols[3].button(tr("review.ui_next"), key="queue-next", shortcut=SHORTCUTS["next"],
                       on_click=_move, args=(1, len(items)))


def export_json(report: Report, review: State, lang: str) -> str:
    """The reviewed agreement in the annotation shape (analyser train / evaluate --annotations)."""
    from analyser.review.export import to_json

    return to_json(reviewed_report(report, review, lang))


def export_download(report: Report, review: State, lang: str, stem: str) -> None:
    tr = Texts(lang)
    st.download_button(tr("review.ui_export"), export_json(report, review, lang), f"{stem}-reviewed.json",
                       "application/json", key="review-export", help=tr("review.ui_export_help"))
