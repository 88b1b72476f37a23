"""Fit the rule layer's calibration (analyser/data/calibration.yaml) out of fold, by split.

Every labelled agreement of the tuning splits (never `test`, never a held-out file) is read and
every rule hit is recorded with its context (constructions.py) and whether its article carries
the label. Each split is then scored by a table estimated on the other splits only (the splits
keep template groups together), and each label's threshold is the one that maximises that
out-of-fold article-level F1. The shipped table is estimated on all tuning splits.

    python scripts/calibrate.py [--write] [--splits tuning]

Prints, per label, the out-of-fold P/R/F1 of the hits that show their rule's construction, then
of those the calibrated threshold asserts, and the calibration table (mean probability vs share
right, by bin).
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyser import ingest, language, structure  # noqa: E402
from analyser.classify import _classifiable, resolve_cross_references  # noqa: E402
from analyser.classify.calibration import CALIBRATION_FILE, rule_name  # noqa: E402
from analyser.classify.rules import default_classifier, load_spec, merge  # noqa: E402
from analyser.training.corpus import (ANNOTATIONS, HELD_BACK, annotation_files, article_of, document_path,  # noqa: E402
                               held_out_treaties, load_gold, split_names)
from analyser.model import LABELS  # noqa: E402
from analyser.training import metrics  # noqa: E402

# The context features that key each label's cells: the judgment labels read the provision's
# structure; the others have too few wrong hits to split (their cells are their rules).
FEATURES = {"cultural_cooperation": ["related", "topic"], "policy_space": ["related", "topic", "list_value"]}
PRIOR_WEIGHT = 3.0  # pseudo-hits pulling a rare cell towards its rule, a rare rule towards its label
XREF = "rule:" + load_spec()["cross_references"][0]["name"]
BINS = (0.0, 0.3, 0.5, 0.7, 0.9, 1.01)


@dataclass
class Hit:
    split: str
    treaty: str
    article: str
    provision: str
    label: str
    rule: str
    context: dict
    right: bool

    @property
    def assertable(self) -> bool:
        """The hit shows its rule's construction (else it is a candidate whatever its score)."""
        return self.context.get("construction", True)

    def cell(self) -> str:
        on = [f for f in FEATURES.get(self.label, []) if self.context.get(f)]
        return self.rule + "|" + ",".join(on)


def collect(splits: list[str]) -> tuple[list[Hit], dict[str, dict[str, set[tuple[str, str]]]]]:
    """Every rule hit of the tuning agreements, and the gold (treaty, article) pairs per split and label."""
    held_out = held_out_treaties(required=True)
    rules = default_classifier()
    hits: list[Hit] = []
    gold_pairs: dict[str, dict[str, set[tuple[str, str]]]] = defaultdict(lambda: defaultdict(set))
    for split in splits:
        files = annotation_files(split, ANNOTATIONS)
        for path in files:
            gold = load_gold(path)
            if gold["treaty"] in held_out:  # never fitted on a file reserved for external evaluation
                continue
            doc = structure.build(ingest.load(document_path(gold)))
            language.assign(doc)
            article = article_of(gold)
            for art, labels in gold["labels"].items():
                for lab in labels:
                    gold_pairs[split][lab].add((gold["treaty"], art))
            found: list[tuple] = []
            for p in doc.provisions:
                if _classifiable(p):
                    raw = rules.hits(p)
                    found += [(p, f) for f in raw]
                    p.findings = merge(raw)
            resolve_cross_references(doc)  # hits that extend an agreement-wide exemption by citation
            found += [(p, f) for p in doc.provisions for f in p.findings + p.candidates if f.layer == XREF]
            for p, f in found:
                art = article(p)
                hits.append(Hit(split, gold["treaty"], art, p.id, f.label, rule_name(f), f.context,
                                f.label in gold["labels"].get(art, set())))
        print(f"  {split}: {len(files)} agreements read", file=sys.stderr)
    return hits, gold_pairs


def estimate(hits: list[Hit]) -> dict:
    """Smoothed share of right hits per label, per rule and per cell."""
    def share(group: list[Hit], prior: float) -> float:
        return (sum(h.right for h in group) + PRIOR_WEIGHT * prior) / (len(group) + PRIOR_WEIGHT)

    by_label: dict[str, list[Hit]] = defaultdict(list)
    for h in hits:
        by_label[h.label].append(h)
    table: dict = {"labels": {}, "rules": {}}
    for label, group in by_label.items():
        p_label = (sum(h.right for h in group) + 1) / (len(group) + 2)
        by_rule: dict[str, list[Hit]] = defaultdict(list)
        for h in group:
            by_rule[h.rule].append(h)
        cells: dict[str, dict] = {}
        for rule, rhits in by_rule.items():
            p_rule = share(rhits, p_label)
            table["rules"][rule] = {"n": len(rhits), "right": sum(h.right for h in rhits), "p": round(p_rule, 4)}
            by_cell: dict[str, list[Hit]] = defaultdict(list)
            for h in rhits:
                by_cell[h.cell()].append(h)
            for key, chits in by_cell.items():
                cells[key] = {"n": len(chits), "right": sum(h.right for h in chits), "p": round(share(chits, p_rule), 4)}
        table["labels"][label] = {"features": FEATURES.get(label, []), "cells": dict(sorted(cells.items()))}
    return table


def probability(table: dict, hit: Hit, fallback: float = 0.5) -> float:
    cell = table["labels"].get(hit.label, {}).get("cells", {}).get(hit.cell())
    if cell:
        return cell["p"]
    rule = table["rules"].get(hit.rule)
    return rule["p"] if rule else fallback


def out_of_fold(hits: list[Hit], splits: list[str]) -> dict[tuple[str, str, str], float]:
    """(treaty, article, label) -> the best probability of its hits, each split scored by a
    table estimated on the other splits."""
    best: dict[tuple[str, str, str], float] = {}
    for split in splits:
        table = estimate([h for h in hits if h.split != split])
        for h in hits:
            if h.split == split:
                key = (h.treaty, h.article, h.label)
                best[key] = max(best.get(key, 0.0), probability(table, h) if h.assertable else 0.0)
    return best


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """The one scorer (analyser/training/metrics.py); for the threshold search an undefined score is 0."""
    m = metrics.prf(tp, fp, fn)
    return m.precision or 0.0, m.recall or 0.0, m.f1 or 0.0


def choose_thresholds(best: dict, gold: dict[str, set]) -> tuple[dict[str, float], list[str]]:
    """Per label, the threshold with the best out-of-fold F1; of equal ones the lowest (assert unless
    the data says a cell is not worth it)."""
    thresholds: dict[str, float] = {}
    lines = [f"{'label':<24}{'constructions: P':>17}{'R':>7}{'F1':>7}   {'threshold':>9}{'P':>7}{'R':>7}{'F1':>7}  gold"]
    for label in LABELS:
        scored = [(p, key[:2] in gold[label]) for key, p in best.items() if key[2] == label]
        n_gold = len(gold[label])
        if not scored and not n_gold:
            continue
        options = sorted({1e-9, *(p for p, _ in scored if p > 0)})  # p = 0: no construction, never asserted
        results = []
        for t in options:
            tp = sum(1 for p, right in scored if p >= t and right)
            fp = sum(1 for p, right in scored if p >= t and not right)
            results.append((prf(tp, fp, n_gold - tp), t))
        (p0, r0, f0), _ = results[0]
        (p1, r1, f1), t = max(results, key=lambda x: (round(x[0][2], 6), -x[1]))
        thresholds[label] = round(t, 4) if t > 1e-6 else 0.0
        lines.append(f"{label:<24}{p0:17.3f}{r0:7.3f}{f0:7.3f}   {t:9.3f}{p1:7.3f}{r1:7.3f}{f1:7.3f}  {n_gold}")
    return thresholds, lines


def calibration_bins(best: dict, gold: dict[str, set]) -> list[str]:
    lines = [f"{'bin':<10}{'articles':>9}{'mean p':>8}{'right':>7}"]
    for lo, hi in zip(BINS, BINS[1:]):
        inside = [(p, key[:2] in gold[key[2]]) for key, p in best.items() if lo <= p < hi and p > 0]
        if inside:
            mean = sum(p for p, _ in inside) / len(inside)
            lines.append(f"{lo:.1f}-{min(hi, 1.0):.1f}{len(inside):>9}{mean:8.3f}{sum(r for _, r in inside) / len(inside):7.3f}")
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--splits", default="tuning", help="split or group to fit on (never the held-back split)")
    ap.add_argument("--write", action="store_true", help=f"write {CALIBRATION_FILE.relative_to(ROOT)}")
    args = ap.parse_args()
    splits = split_names(args.splits, ANNOTATIONS)
    if any(s in HELD_BACK for s in splits):
        print(f"calibrate: error: {', '.join(HELD_BACK)} is held back", file=sys.stderr)
        return 2
    hits, gold_by_split = collect(splits)
    gold: dict[str, set] = defaultdict(set)
    for per_label in gold_by_split.values():
        for lab, pairs in per_label.items():
            gold[lab] |= pairs
    best = out_of_fold(hits, splits)
    thresholds, lines = choose_thresholds(best, gold)
    bins = calibration_bins(best, gold)
    print("\n".join(["out of fold, by split (article level):", *lines, "", "calibration (out of fold):", *bins]))
    if args.write:
        table = estimate(hits)
        for label, t in thresholds.items():
            table["labels"].setdefault(label, {"features": [], "cells": {}})["threshold"] = t
        header = ("# Calibrated probabilities of the rule layer's hits and the per-label thresholds below which\n"
                  "# a hit is a candidate, not a finding. Written by scripts/calibrate.py (out of fold by split)\n"
                  f"# on the splits {', '.join(splits)}; n = hits, right = hits whose article has the label,\n"
                  "# p = smoothed share right. Do not edit by hand: rerun the script.\n"
                  "#\n# Out-of-fold, article level:\n" + "".join(f"#   {line}\n" for line in lines)
                  + "#\n# Calibration (out of fold):\n" + "".join(f"#   {line}\n" for line in bins))
        table["learned_layer"] = {"asserts": False}
        CALIBRATION_FILE.write_text(header + "# The learned layer alone only proposes candidates: on unseen agreements its\n"
                                    "# cooperation findings were wrong more often than right.\n"
                                    + yaml.safe_dump(table, sort_keys=False, allow_unicode=True, width=120),
                                    encoding="utf-8")
        print(f"wrote {CALIBRATION_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
