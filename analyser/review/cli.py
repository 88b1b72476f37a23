"""`analyser review ...`: the review loop without the browser. Items are numbered in document
order over the tool's findings and candidates (the same file and settings give the same numbers);
the reviewer's own additions follow. Provisions are named by their id (`review list --provisions`).

    analyser review list FILE [--provisions] [--grep WORDS]
    analyser review accept|reject FILE ITEM... [--note TEXT]
    analyser review relabel FILE ITEM --label LABEL [--scope agreement|chapter] [--carve-out yes|no]
    analyser review add FILE PROVISION --label LABEL --words "words of the provision" [...]
    analyser review note FILE [ITEM] --note TEXT       # no ITEM: a note on the agreement
    analyser review reset FILE ITEM                    # back to undecided (the history stays)
    analyser review export FILE -o OUT.json            # the corpus annotation shape
"""
from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyser.errors import AnalyserError

ACTIONS = ("list", "accept", "reject", "relabel", "add", "note", "reset", "export")


def store_option(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--review-db", default=None,
                     help="the review store (default $ANALYSER_REVIEW_DB, else the user's data folder: "
                          "$XDG_DATA_HOME/culture-trade-analyser/review.sqlite)")


def add_parser(sub: Any) -> None:
    from analyser.language import SUPPORTED
    from analyser.model import LABELS

    r = sub.add_parser("review", help="record a reviewer's decisions (accept, reject, relabel, add, note) and export them")
    r.add_argument("action", choices=ACTIONS)
    r.add_argument("file")
    r.add_argument("targets", nargs="*", help="item numbers (from `review list`); for add: a provision id")
    r.add_argument("--label", choices=LABELS, help="relabel: the new label; add: the label missed")
    r.add_argument("--scope", choices=["agreement", "chapter"], help="cultural_exemption's scope")
    r.add_argument("--carve-out", choices=["yes", "no"], help="digital_trade: does it carve culture out?")
    r.add_argument("--words", action="append", default=[], help="add: the evidence, words of the provision (repeatable)")
    r.add_argument("--note", default=None, help="a note on the decision (note: on the item, or on the agreement)")
    r.add_argument("--reviewer", default=os.environ.get("ANALYSER_REVIEWER"),
                   help="your name, kept with each decision (default $ANALYSER_REVIEWER; optional)")
    r.add_argument("--provisions", action="store_true", help="list: every provision (ids for `add`), not the items")
    r.add_argument("--grep", default=None, help="list --provisions: only those whose text holds these words")
    r.add_argument("-o", "--output", help="export: the annotation JSON to write (atomically); default stdout")
    r.add_argument("--language", choices=SUPPORTED, help="override language detection")
    r.add_argument("--no-model", action="store_true", help="rules only (as `analyse --no-model`)")
    r.add_argument("--model-dir", default=None)
    store_option(r)


@dataclass
class Numbered:
    number: int
    provision: Any
    label: str
    kind: str  # finding | candidate | added


def numbered(report: Any, added: list[tuple[Any, str]] = ()) -> list[Numbered]:
    """The tool's findings and candidates in document order, then the reviewer's additions."""
    out = [Numbered(0, p, f.label, kind) for p in report.document.provisions
           for kind, pool in (("finding", p.findings), ("candidate", p.candidates)) for f in pool]
    tool = {(n.provision.id, n.label) for n in out}
    out += [Numbered(0, p, label, "added") for p, label in added if (p.id, label) not in tool]
    for i, n in enumerate(out, 1):
        n.number = i
    return out


def _added(report: Any, store: Any) -> list[tuple[Any, str]]:
    from analyser.review.decisions import place

    items = [i for i in store.items(report.document.sha256) if i.verdict is not None and i.verdict.kind == "add"]
    placed = place([i.provision for i in items], report.document.provisions)
    return [(placed[i.provision.id], i.label) for i in items if placed.get(i.provision.id) is not None]


def _attributes(args: argparse.Namespace) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    if args.scope:
        attrs["scope"] = args.scope
    if args.carve_out:
        attrs["carve_out"] = args.carve_out == "yes"
    return attrs


def _pick(items: list[Numbered], target: str) -> Numbered:
    if not target.isdigit() or not 1 <= int(target) <= len(items):
        raise AnalyserError(target, f"no such item: give a number from 1 to {len(items)} (analyser review list FILE)")
    return items[int(target) - 1]


def run(args: argparse.Namespace, emit: Any) -> int:
    """One review action on FILE; `emit(text, output)` writes (atomically when -o is given)."""
    from analyser.report.common import texts_of
    from analyser.options import AnalyseOptions, model_choice
    from analyser.pipeline import analyse
    from analyser.review.apply import as_reviewed
    from analyser.review.decisions import ReviewStore

    report = analyse(args.file, AnalyseOptions(language=args.language, **model_choice(args.no_model, args.model_dir)))
    doc = report.document
    tr = texts_of(report)
    with ReviewStore(args.review_db) as store:
        if args.action == "export":
            from analyser.review.export import to_json

            reviewed = as_reviewed(report, store)
            # the document as the export names it: relative to the export's folder (the pair moves
            # together, e.g. in a repository), absolute on stdout
            source = (os.path.relpath(Path(args.file).resolve(), Path(args.output).resolve().parent) if args.output
                      else str(Path(args.file).resolve()))
            emit(to_json(reviewed, source), args.output)
            state = reviewed.review or {}
            if state.get("reviewed", 0) < state.get("total", 0):
                print(tr("review.export_incomplete", done=state["reviewed"], total=state["total"]), file=sys.stderr)
            return 0
        items = numbered(report, _added(report, store))
        if args.action == "list":
            reviewed = as_reviewed(report, store)
            sys.stdout.write(_listing(report, reviewed, items, args, tr))
            return 0
        if args.action == "add":
            if len(args.targets) != 1 or not args.label or not args.words:
                raise AnalyserError("add", "give one provision id, --label and --words (analyser review list FILE --provisions)")
            p = next((p for p in doc.provisions if p.id == args.targets[0]), None)
            if p is None:
                raise AnalyserError(args.targets[0], "no such provision (analyser review list FILE --provisions)")
            store.record(doc, p, "add", args.label, attributes=_attributes(args),
                         evidence=[{"text": w} for w in args.words], note=args.note, reviewer=args.reviewer)
        elif args.action == "note" and not args.targets:
            store.note_agreement(doc, args.note or "", args.reviewer)
        else:
            if not args.targets:
                raise AnalyserError(args.action, "give the item numbers (analyser review list FILE)")
            if args.action == "relabel" and not args.label:
                raise AnalyserError("relabel", "give the new label with --label")
            if args.action == "note" and not (args.note or "").strip():
                raise AnalyserError("--note", "an empty note")
            for target in args.targets:
                item = _pick(items, target)
                store.record(doc, item.provision, args.action, item.label,
                             new_label=args.label if args.action == "relabel" else None,
                             attributes=_attributes(args), note=args.note, reviewer=args.reviewer)
        reviewed = as_reviewed(report, store)
        print(tr("review.progress", done=reviewed.review["reviewed"], total=reviewed.review["total"]), file=sys.stderr)
    return 0


def _listing(report: Any, reviewed: Any, items: list[Numbered], args: argparse.Namespace, tr: Any) -> str:
    state = reviewed.review
    lines = [tr("review.progress", done=state["reviewed"], total=state["total"])]
    if args.provisions:
        words = (args.grep or "").lower()
        for p in report.document.provisions:
            if words in p.text.lower():
                lines.append(f"{p.id}\t{p.heading}\t{' '.join(p.text.split())[:100]}")
        return "\n".join(lines) + "\n"
    verdicts = {}
    for p in reviewed.document.provisions:
        for f in p.findings + p.rejected:
            if f.review and f.review.get("decision"):
                verdicts[(p.id, f.review.get("from") or f.label)] = (f.review["decision"], f.label)
    for n in items:
        decision, label = verdicts.get((n.provision.id, n.label), ("-", n.label))
        shown = n.label if label == n.label else f"{n.label} -> {label}"
        tool = next((f for f in n.provision.findings + n.provision.candidates if f.label == n.label), None)
        evidence = " | ".join(e.text for e in tool.evidence)[:80] if tool else ""
        score = f"{tool.score:.2f}" if tool else "-"
        lines.append(f"{n.number:>4}  {decision:<8} {n.kind:<9} {shown:<24} {score:>5}  {n.provision.id} "
                     f"{' > '.join(n.provision.heading_parts[-2:])}  «{evidence}»")
    for note in state["notes"]:
        lines.append(f"{tr('review.agreement_notes')}{tr('report.colon')}{note['note']}"
                     + (f" ({note['reviewer']})" if note["reviewer"] else ""))
    for u in state["unplaced"]:
        lines.append(tr("review.unplaced", label=u["label"], heading=u["heading"] or ""))
    return "\n".join(lines) + "\n"
