"""Score the pipeline against labelled agreements, split by agreement (never by provision).

Gold labels are per article (training/corpus.py says how an article is named). A predicted
article label is the union of its provisions' labels. Every article of an agreement counts:
articles absent from an annotation file carry no label.
Prints per-label precision, recall and F1 (training/metrics.py: "-" where undefined), micro and
macro F1, and G1..G8 check accuracy.
"""
from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from analyser.model import CHECK_IDS, LABELS, Document, Provision
from analyser.options import AnalyseOptions
from analyser.training.corpus import ANNOTATIONS, PARALLEL, annotation_files, article_of, document_path, existing, load_gold, tota_path
from analyser.training.metrics import Counts, shown


@dataclass
class Scores(Counts):
    """The label counts (metrics.Counts) with check accuracy, the disagreements and the languages."""

    checks_right: int = 0
    checks_total: int = 0
    check_confusion: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    agreements: int = 0
    articles: int = 0
    by_language: dict[str, "Scores"] = field(default_factory=dict)


LAYERS = {"rules": (False, True), "model": (True, False), "combined": (True, True)}  # (the learned layer, rules)


def layer_options(layers: str) -> AnalyseOptions:
    """The analysis options of one layer setting (the shipped model when the learned layer is on)."""
    with_model, rules = LAYERS[layers]
    return AnalyseOptions(rules=rules) if with_model else AnalyseOptions(model=None, rules=rules)


def score(files: list[Path], tota: Path | None = None, scores: Scores | None = None, layers: str = "rules",
          model_dir: Path | None = None) -> Scores:
    """Article-level scores and check accuracy of one layer setting: the rules, the learned
    layer alone (at its solo thresholds), or both combined; `model_dir`: another trained model."""
    from analyser.pipeline import analyse

    options = layer_options(layers)
    if model_dir and options.model is not None:
        options = options.but(model=Path(model_dir))
    scores = scores or Scores()
    for f in files:
        gold = load_gold(f)
        report = analyse(document_path(gold, tota), options)
        article = article_of(gold)
        predicted: dict[str, set[str]] = defaultdict(set)
        evidence: dict[tuple[str, str], str] = {}
        articles: set[str] = set()
        for p in report.document.provisions:
            key = article(p)
            articles.add(key)
            for fd in p.findings:
                predicted[key].add(fd.label)
                evidence.setdefault((key, fd.label), " | ".join(e.text for e in fd.evidence))
        lang_scores = scores.by_language.setdefault(gold["language"], Scores())
        for s in (scores, lang_scores):
            s.agreements += 1
            s.articles += len(articles)
        for art in articles | set(gold["labels"]):
            g, pr = gold["labels"].get(art, set()), predicted.get(art, set())
            for lab in LABELS:
                key = "tp" if lab in g and lab in pr else "fp" if lab in pr else "fn" if lab in g else None
                if key:
                    for s in (scores, lang_scores):
                        getattr(s, key)[lab] += 1
                if key == "fp":
                    scores.errors.append(f"FP {gold['treaty']} art {art} {lab}: {evidence.get((art, lab), '')[:120]}")
                elif key == "fn":
                    scores.errors.append(f"FN {gold['treaty']} art {art} {lab}")
        for cid in CHECK_IDS:
            want, got = gold["checks"].get(cid), report.checks[cid].status
            for s in (scores, lang_scores):
                s.checks_total += 1
                s.checks_right += want == got
            if want != got:
                scores.check_confusion[(cid, want, got)] += 1
                scores.errors.append(f"CHECK {gold['treaty']} {cid}: gold {want}, predicted {got}")
    return scores


def format_scores(s: Scores, title: str) -> str:
    lines = [f"== {title}: {s.agreements} agreements, {s.articles} articles",
             f"{'label':<24}{'P':>7}{'R':>7}{'F1':>7}{'support':>9}{'pred':>6}"]
    for lab in LABELS:
        m = s.prf(lab)
        lines.append(f"{lab:<24}{shown(m.precision)}{shown(m.recall)}{shown(m.f1)}{m.support:9d}{m.predicted:6d}")
    macro, scored = s.macro_f1()
    micro = s.micro()
    lines.append(f"macro-F1 {macro:.3f} over {len(scored)} labels with examples; micro P{shown(micro.precision, 6)} "
                 f"R{shown(micro.recall, 6)} F1{shown(micro.f1, 6)}"
                 if scored else "no label has an example or a prediction here")
    acc = s.checks_right / s.checks_total if s.checks_total else 0.0
    lines.append(f"check accuracy {acc:.3f} ({s.checks_right}/{s.checks_total})")
    return "\n".join(lines)


def main(split: str | None = "test", annotations: Path | None = None, tota: Path | None = None, show_errors: bool = False,
         layers: str = "rules", exports: tuple[Path, ...] = (), model_dir: Path | None = None) -> int:
    """`exports`: folders of review exports (analyser review export), scored beside the split's
    files; without a split, alone."""
    from analyser.review.teach import export_files

    annotations = annotations or ANNOTATIONS
    files = (annotation_files(split, annotations) if split else []) + export_files(exports)
    split = " + ".join([split] * bool(split) + [str(e) for e in exports])
    if not files:
        print(f"no annotation files for split {split!r} in {annotations}", file=sys.stderr)
        return 2
    s = score(files, tota, layers=layers, model_dir=model_dir)
    print(format_scores(s, f"split {split} ({layers})"))
    for lang, ls in sorted(s.by_language.items()):
        print(format_scores(ls, f"split {split}, language {lang}"))
    if show_errors:
        print("\n".join(s.errors))
    return 0


def parallel_consistency(path: Path = PARALLEL, layers: str = "rules") -> dict:
    """Cross-lingual consistency on groups of the same clause in EN/ES/FR (corpora/parallel/):
    each clause is classified as one provision, with the heading it has in its agreement; a group
    is consistent when every member gets the same labels. Also: members whose labels match the
    group's expected labels, per language."""
    from analyser import classify, ingest, structure

    options = layer_options(layers)
    classifiers = classify.layers(options.model, rules=options.rules)
    existing(path, "parallel clauses", "a path to clauses.jsonl")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    headings: dict[str, list] = {}
    groups: dict[str, list[tuple[dict, set[str]]]] = defaultdict(list)
    for row in rows:
        heading = ""
        if row.get("treaty"):
            if row["treaty"] not in headings:
                headings[row["treaty"]] = structure.build(ingest.load(tota_path(row["treaty"]))).provisions
            probe = " ".join(row["text"].split())[:60]
            heading = next((p.heading for p in headings[row["treaty"]] if p.source_id == row["article_identifier"]
                            and probe in " ".join(p.text.split())), "")
        provision = Provision(id=row["group"], kind="article", heading=heading, text=row["text"], start=0,
                              end=len(row["text"]), language=row["language"])
        classify.classify(Document(source=row["group"], sha256="", format="text", text=row["text"],
                                   provisions=[provision]), classifiers)
        found = {f.label for f in provision.findings}  # asserted only: candidates are no labels
        groups[row["group"]].append((row, found))
    right = Counter()
    total = Counter()
    inconsistent = []
    for name, members in groups.items():
        if len({frozenset(found) for _, found in members}) > 1:
            inconsistent.append(name + ": " + "; ".join(f"{r['language']} {sorted(found) or '-'}" for r, found in members))
        for row, found in members:
            total[row["language"]] += 1
            right[row["language"]] += found == set(row["labels"])
    return {"groups": len(groups), "consistent": len(groups) - len(inconsistent), "inconsistent": inconsistent,
            "members": dict(total), "correct": dict(right)}


def format_consistency(c: dict, layers: str) -> str:
    lines = [(f"== cross-lingual consistency ({layers}): {c['consistent']}/{c['groups']} groups get the same "
              "labels in every language")]
    for lang in sorted(c["members"]):
        lines.append(f"   {lang}: {c['correct'][lang]}/{c['members'][lang]} clauses labelled as expected")
    lines += [f"   differs: {g}" for g in c["inconsistent"]]
    return "\n".join(lines)
