"""The report "as reviewed": the tool's report with the reviewer's decisions applied.

An accepted candidate becomes a finding; a rejected finding or candidate leaves `findings` and
`candidates` for the provision's `rejected` list (kept, visibly, in the human-readable reports);
a relabel replaces the label (and attributes); an added label becomes a finding with the
reviewer's evidence. Every decided finding carries `review` (decision, reviewer, time, notes) and
a layer that begins with `review:` (followed by the tool's layer when the tool had proposed it),
so a reader sees whose call it is. The checks are then recomputed from the reviewed findings
(`checks.assess`): an accepted candidate counts, a rejected finding does not. Field names of the
JSON contract are kept; `review`, `rejected` and the report's `review` are additions.
"""
from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

from analyser import checks
from analyser.model import Evidence, Finding, Provision, Report
from analyser.review.decisions import Decision, Item, ReviewStore, place, relocate

REVIEW_SCORE = 1.0  # a reviewer's label is asserted, not estimated


def review_layer(reviewer: str | None, tool_layer: str | None = None) -> str:
    """"review:<name>" (commas and colons taken out of the name: they separate layers), then the tool's layer."""
    name = (reviewer or "").replace(",", " ").replace(":", " ").strip()
    return f"review:{name}" + (f",{tool_layer}" if tool_layer else "")


def _notes(item: Item) -> list[dict[str, Any]]:
    return [{"note": d.note, "reviewer": d.reviewer, "at": d.decided_at} for d in item.notes]


def _stamp(item: Item, decision: Decision) -> dict[str, Any]:
    out: dict[str, Any] = {"decision": decision.kind, "reviewer": decision.reviewer, "at": decision.decided_at,
                           "notes": _notes(item)}
    if decision.kind == "relabel":
        out["from"] = item.label
    return out


def _evidence(d: Decision, p: Provision) -> list[Evidence]:
    pieces = relocate(d.evidence, d.provision.text, p.text)
    return [Evidence(e["start"], e["end"], e["text"]) for e in pieces]


def _take(p: Provision, label: str) -> tuple[Finding | None, str | None]:
    """Remove and return the tool's finding or candidate with this label, and which it was."""
    for kind, pool in (("finding", p.findings), ("candidate", p.candidates)):
        for f in pool:
            if f.label == label:
                pool.remove(f)
                return f, kind
    return None, None


def _put(p: Provision, finding: Finding) -> None:
    """Add a reviewed finding; it replaces any finding of the same label on the provision."""
    p.findings[:] = [f for f in p.findings if f.label != finding.label] + [finding]
    p.candidates[:] = [c for c in p.candidates if c.label != finding.label]


def _apply_item(p: Provision, item: Item) -> None:
    d = item.verdict
    if d is None:  # notes only: they go on the tool's item, still undecided
        target = next((f for f in p.findings + p.candidates if f.label == item.label), None)
        if target is not None:
            target.review = {"decision": None, "notes": _notes(item)}
        return
    stamp = _stamp(item, d)
    tool, _ = _take(p, item.label)
    if d.kind == "reject":
        if tool is not None:
            p.rejected.append(replace(tool, review=stamp))
        return
    if d.kind == "accept" and tool is not None:
        attrs = {**tool.attributes, **d.attributes}
        _put(p, replace(tool, layer=review_layer(d.reviewer, tool.layer), attributes=attrs, review=stamp))
        return
    label = d.new_label if d.kind == "relabel" else item.label
    # the tool's words when it still proposes the label, else the words kept with the decision
    evidence = (tool.evidence if tool is not None and d.kind != "add" else []) or _evidence(d, p)
    _put(p, Finding(label=label, score=REVIEW_SCORE, layer=review_layer(d.reviewer), evidence=evidence,
                    attributes=dict(d.attributes), review=stamp))


def progress(report: Report, items: list[Item], placed: dict[int, Provision | None]) -> tuple[int, int]:
    """(reviewed, total): the tool's findings and candidates (one per provision and label) that
    carry a verdict, of all of them."""
    decided = {(placed[i.provision.id].id, i.label) for i in items
               if i.verdict is not None and i.verdict.kind != "add" and placed.get(i.provision.id) is not None}
    tool = {(p.id, f.label) for p in report.document.provisions for f in p.findings + p.candidates}
    return len(tool & decided), len(tool)


def as_reviewed(report: Report, store: ReviewStore, lang: str | None = None) -> Report:
    """A copy of `report` with the decisions of `store` on its document applied and the checks
    recomputed (in `lang`, default the report's language). The input report is not changed."""
    items = store.items(report.document.sha256)
    placed = place(list({i.provision.id: i.provision for i in items}.values()), report.document.provisions)
    done, total = progress(report, items, placed)
    doc = copy.deepcopy(report.document)
    by_id = {p.id: p for p in doc.provisions}
    unplaced = []
    for item in items:
        target = placed.get(item.provision.id)
        if target is None:
            unplaced.append({"label": item.label, "heading": item.provision.heading,
                             "decision": item.verdict.kind if item.verdict else None})
            continue
        _apply_item(by_id[target.id], item)
    notes = store.agreement_notes(doc.sha256)
    reviewers = sorted({d.reviewer for i in items for d in [i.verdict, *i.notes] if d is not None and d.reviewer}
                       | {n["reviewer"] for n in notes if n["reviewer"]})
    summary = {"reviewed": done, "total": total, "decisions": sum(i.verdict is not None for i in items),
               "added": sum(i.verdict is not None and i.verdict.kind == "add" for i in items),
               "rejected": sum(len(p.rejected) for p in doc.provisions), "reviewers": reviewers,
               "notes": notes, "unplaced": unplaced}
    language = lang or report.language
    return replace(report, document=doc, checks=checks.assess(doc, language), language=language, review=summary)
