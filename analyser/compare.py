"""Compare two versions of an agreement for culture: which cultural provisions were added,
removed, reworded, weakened or strengthened, and how the G1..G8 statuses moved.

Provisions are aligned by text, not by number, so renumbered and moved articles still match:
each cultural provision (one with a finding) of either version is paired with the most similar
provision of the other version (difflib ratio over normalised words, after a cheap word-overlap
filter). JSON shape (schema "compare/1"):

  {"schema": "compare/1", "old": {source, sha256, title}, "new": {...},
   "changes": [{"kind": added|removed|reworded|weakened|strengthened|renumbered, "label": ...,
                "detail": ..., "similarity": ..., "old": {id, heading, text} | null, "new": {...} | null,
                "diff": [[op, words], ...] | null}],   # word-level runs, op "=", "-" or "+" (full texts)
   "checks": {"G1": {"old": status, "new": status, "changed": bool}, ...}}
"""
from __future__ import annotations

import json
import re
from difflib import SequenceMatcher
from html import escape
from typing import Any

from analyser.i18n import Texts
from analyser.model import CHECK_IDS, Finding, Provision, Report
from analyser.text import article_number

MATCH_MIN = 0.6  # below this similarity two provisions are different provisions
SAME_TEXT = 0.985  # at or above this the wording is unchanged
_WORD = re.compile(r"\w+")
# Attribute changes that weaken a cultural provision (old value, new value).
WEAKER = {"scope": ("agreement", "chapter"), "carve_out": (True, False), "dedicated": (True, False)}


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def normalised(text: str) -> str:
    """A text's words in lower case, one space apart: what alignment compares (the review store
    keys provisions by its hash, analyser/review/decisions.py)."""
    return " ".join(_words(text))


class ProvisionIndex:
    """Provisions indexed by their words, to match each to its counterpart in another analysis (the
    comparison of two drafts, and the review store placing stored decisions)."""

    def __init__(self, provisions: list[Provision]) -> None:
        self.provisions = provisions
        tokens = [_words(p.text) for p in provisions]
        self.words = [set(t) for t in tokens]
        self.norm = [" ".join(t) for t in tokens]

    def best(self, p: Provision) -> tuple[Provision | None, float]:
        tokens = _words(p.text)
        words, norm = set(tokens), " ".join(tokens)
        best, best_sim = None, 0.0
        for cand, cw, cn in zip(self.provisions, self.words, self.norm):
            if not words or not cw or len(words & cw) / len(words | cw) < 0.3:
                continue
            sim = SequenceMatcher(None, norm, cn, autojunk=False).ratio()
            if sim > best_sim:
                best, best_sim = cand, sim
        return (best, best_sim) if best_sim >= MATCH_MIN else (None, best_sim)


_TOKEN = re.compile(r"\S+\s*")


def word_diff(old_text: str, new_text: str) -> list[list[str]]:
    """Word-level differences as [op, text] runs, op "=" (kept), "-" (deleted) or "+" (inserted);
    the "=" and "-" runs rebuild the old text, the "=" and "+" runs the new one."""
    a, b = _TOKEN.findall(old_text), _TOKEN.findall(new_text)
    matcher = SequenceMatcher(None, [t.strip() for t in a], [t.strip() for t in b], autojunk=False)
    runs: list[list[str]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(["=", "".join(b[j1:j2])])
            continue
        if i2 > i1:
            runs.append(["-", "".join(a[i1:i2])])
        if j2 > j1:
            runs.append(["+", "".join(b[j1:j2])])
    return runs


def diff_html(runs: list[list[str]]) -> str:
    """The runs of `word_diff` as HTML: deletions struck through in red, insertions in green."""
    tags = {"=": "{}", "-": "<del style='background:#ffcdd2'>{}</del>", "+": "<ins style='background:#c8e6c9'>{}</ins>"}
    return "".join(tags[op].format(escape(text)) for op, text in runs)


def diff_markdown(runs: list[list[str]], context: int = 6) -> str:
    """Only the changed words, with a few kept words either side: ~~deleted~~ **inserted**."""
    out = []
    for i, (op, text) in enumerate(runs):
        words = text.split()
        if op == "-":
            out.append(f"~~{' '.join(words)}~~")
        elif op == "+":
            out.append(f"**{' '.join(words)}**")
        else:
            before = i > 0
            after = i < len(runs) - 1
            if before and after and len(words) > 2 * context:
                out += [" ".join(words[:context]), "…", " ".join(words[-context:])]
            elif before and after:
                out.append(" ".join(words))
            elif after:
                out += (["…"] if len(words) > context else []) + [" ".join(words[-context:])]
            elif before:
                out += [" ".join(words[:context])] + (["…"] if len(words) > context else [])
    return " ".join(w for w in out if w)


def _where(side: dict[str, Any]) -> str:
    pages = side.get("pages") or []
    return side["heading"] + (f" (p. {pages[0]})" if pages else "")


def _side(p: Provision | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {"id": p.id, "heading": p.heading, "text": p.text[:600], "pages": list(p.pages)}


def _findings(p: Provision | None) -> dict[str, Finding]:
    return {f.label: f for f in p.findings} if p else {}


def compare(old: Report, new: Report) -> dict[str, Any]:
    old_doc, new_doc = old.document, new.document
    new_index, old_index = ProvisionIndex(new_doc.provisions), ProvisionIndex(old_doc.provisions)
    pairs: dict[tuple[str | None, str | None], tuple[Provision | None, Provision | None, float]] = {}
    for p in old_doc.provisions:
        if p.findings:
            match, sim = new_index.best(p)
            pairs[(p.id, match.id if match else None)] = (p, match, sim)
    matched_new = {new_id for _, new_id in pairs}
    for p in new_doc.provisions:
        if p.findings and p.id not in matched_new:
            match, sim = old_index.best(p)
            pairs[(match.id if match else None, p.id)] = (match, p, sim)
    changes = []
    for o, n, sim in pairs.values():
        changes += _pair_changes(o, n, sim)
    order = {"removed": 0, "weakened": 1, "added": 2, "strengthened": 3, "reworded": 4, "renumbered": 5}
    changes.sort(key=lambda c: (order[c["kind"]], c["label"] or ""))
    checks = {cid: {"old": old.checks[cid].status, "new": new.checks[cid].status,
                    "changed": old.checks[cid].status != new.checks[cid].status,
                    "old_why": old.checks[cid].why, "new_why": new.checks[cid].why} for cid in CHECK_IDS}
    return {"schema": "compare/1",
            "old": {"source": old_doc.source, "sha256": old_doc.sha256, "title": old_doc.title},
            "new": {"source": new_doc.source, "sha256": new_doc.sha256, "title": new_doc.title},
            "changes": changes, "checks": checks}


def _pair_changes(o: Provision | None, n: Provision | None, sim: float) -> list[dict[str, Any]]:
    """The changes of one aligned pair, with the word diff computed only when there is a change
    to show it for (most pairs have none)."""
    changes = _changes(o, n, sim)
    if changes and o is not None and n is not None:
        diff = word_diff(o.text, n.text)
        for change in changes:
            change["diff"] = diff
    return changes


def _changes(o: Provision | None, n: Provision | None, sim: float) -> list[dict[str, Any]]:
    base = {"similarity": round(sim, 3), "old": _side(o), "new": _side(n), "diff": None}
    old_f, new_f = _findings(o), _findings(n)
    if n is None:
        return [{"kind": "removed", "label": lab, "detail": f"{lab} provision no longer in the text", "reason": "removed",
                 **base} for lab in old_f]
    if o is None:
        return [{"kind": "added", "label": lab, "detail": f"new {lab} provision", "reason": "added", **base}
                for lab in new_f]
    out = []
    if _words(o.text) == _words(n.text):
        # Its own words are the same: a finding it gained or lost comes from elsewhere (an exception
        # it cites was removed or narrowed), which is reported at that provision, not here.
        return _renumbered(o, n, sorted(old_f.keys() | new_f.keys()), base)
    for lab in old_f.keys() - new_f.keys():
        out.append({"kind": "weakened", "label": lab, "detail": f"{lab} no longer found in the matching provision",
                    "reason": "label_lost", **base})
    for lab in new_f.keys() - old_f.keys():
        out.append({"kind": "strengthened", "label": lab, "detail": f"{lab} now found in the matching provision",
                    "reason": "label_gained", **base})
    for lab in old_f.keys() & new_f.keys():
        for attr, (strong, weak) in WEAKER.items():
            before, after = old_f[lab].attributes.get(attr), new_f[lab].attributes.get(attr)
            if before == strong and after == weak:
                out.append({"kind": "weakened", "label": lab, "detail": f"{attr}: {before} -> {after}", "reason": "attribute",
                            "attribute": attr, "before": before, "after": after, **base})
            elif before == weak and after == strong:
                out.append({"kind": "strengthened", "label": lab, "detail": f"{attr}: {before} -> {after}",
                            "reason": "attribute", "attribute": attr, "before": before, "after": after, **base})
    labels = sorted(old_f.keys() | new_f.keys())
    if sim < SAME_TEXT and not out:
        out.append({"kind": "reworded", "label": labels[0] if labels else None, "detail": "wording changed",
                    "reason": "reworded", **base})
    return out + _renumbered(o, n, labels, base)


def _renumbered(o: Provision, n: Provision, labels: list[str], base: dict[str, Any]) -> list[dict[str, Any]]:
    before, after = article_number(o.heading), article_number(n.heading)
    if before and after and before != after:
        return [{"kind": "renumbered", "label": labels[0] if labels else None,
                 "detail": f"Article {before} -> Article {after}", "reason": "renumbered", "before": before,
                 "after": after, **base}]
    return []


def detail_text(change: dict, tr: Texts) -> str:
    """What changed, in the report language (the JSON's `detail` stays English for scripts)."""
    reason = change.get("reason")
    if reason == "attribute":
        name = change["attribute"]
        return tr("compare.detail_attribute", before=tr.attribute(name, change["before"]),
                  after=tr.attribute(name, change["after"]))
    if reason == "renumbered":
        return tr("compare.detail_renumbered", before=change["before"], after=change["after"])
    return tr(f"compare.detail_{reason}") if reason else change["detail"]


def to_json(result: dict, lang: str = "en") -> str:
    """JSON keys, kinds and label identifiers stay English; the checks' explanations are in `lang`."""
    return json.dumps(result, ensure_ascii=False, indent=1) + "\n"


def to_markdown(result: dict, lang: str = "en") -> str:
    tr = Texts(lang)
    lines = [f"# {tr('compare.title', old=result['old']['title'] or result['old']['source'], new=result['new']['title'] or result['new']['source'])}",
             "", f"## {tr('compare.checks')}", "",
             f"| {tr('report.check')} | {tr('compare.old')} | {tr('compare.new')} | |", "|---|---|---|---|"]
    for cid, c in result["checks"].items():
        lines.append(f"| {cid} | {tr.status(c['old'])} | {tr.status(c['new'])} | "
                     f"{'**' + tr('compare.changed') + '**' if c['changed'] else ''} |")
    lines += ["", f"## {tr('compare.provisions')}", ""]
    if not result["changes"]:
        lines.append(tr("ui.no_changes"))
    for ch in result["changes"]:
        where = " -> ".join(_where(s) for s in (ch["old"], ch["new"]) if s)
        label = tr.label(ch["label"]) if ch["label"] else ""
        lines.append(f"- **{tr('ui.change_' + ch['kind'])}** {label} ({detail_text(ch, tr)}; {tr('compare.similarity')} "
                     f"{ch['similarity']}): {where}")
        if ch.get("diff") and any(op != "=" for op, _ in ch["diff"]):
            lines.append(f"  - {tr('compare.words')}{tr('report.colon')}{diff_markdown(ch['diff'])}")
    return "\n".join(lines) + "\n"


def to_html(result: dict, lang: str = "en") -> str:
    tr = Texts(lang)
    rows = "".join(f"<tr style='background:{'#fff3b0' if c['changed'] else '#fff'}'><td>{cid}</td>"
                   f"<td>{escape(tr.status(c['old']))}</td><td>{escape(tr.status(c['new']))}</td></tr>"
                   for cid, c in result["checks"].items())
    items = []
    for ch in result["changes"]:
        where = " &rarr; ".join(escape(_where(s)) for s in (ch["old"], ch["new"]) if s)
        if ch.get("diff"):
            words = f"<td class='diff'>{diff_html(ch['diff'])}</td>"
        elif ch["old"]:
            words = f"<td class='diff'><del style='background:#ffcdd2'>{escape(ch['old']['text'])}</del></td>"
        else:
            words = f"<td class='diff'><ins style='background:#c8e6c9'>{escape(ch['new']['text'])}</ins></td>"
        label = tr.label(ch["label"]) if ch["label"] else ""
        items.append(f"<tr><td><b>{escape(tr('ui.change_' + ch['kind']))}</b><br>{escape(label)}<br>"
                     f"<small>{escape(detail_text(ch, tr))}</small></td><td>{where}</td>{words}</tr>")
    title = tr("compare.title", old=result["old"]["title"] or result["old"]["source"],
               new=result["new"]["title"] or result["new"]["source"])
    return (f"<!doctype html><html lang='{tr.lang}'><head><meta charset='utf-8'><title>{escape(title)}</title>"
            "<style>td,th{border:1px solid #ccc;padding:4px;vertical-align:top}table{border-collapse:collapse;width:100%}"
            "td.diff{white-space:pre-wrap}</style></head><body>"
            f"<h1>{escape(title)}</h1><table><tr><th>{escape(tr('report.check'))}</th><th>{escape(tr('compare.old'))}</th>"
            f"<th>{escape(tr('compare.new'))}</th></tr>{rows}</table>"
            f"<h2>{escape(tr('compare.provisions'))}</h2><p>{escape(tr('compare.word_by_word'))}{escape(tr('report.colon'))}"
            f"<del style='background:#ffcdd2'>{escape(tr('compare.deleted'))}</del> "
            f"<ins style='background:#c8e6c9'>{escape(tr('compare.inserted'))}</ins></p>"
            f"<table><tr><th>{escape(tr('compare.change'))}</th><th>{escape(tr('compare.where'))}</th>"
            f"<th>{escape(tr('compare.text'))}</th></tr>{''.join(items)}</table>"
            "</body></html>\n")


FORMATS = {"json": to_json, "md": to_markdown, "html": to_html}
