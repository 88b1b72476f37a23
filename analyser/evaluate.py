"""Score the pipeline against labelled agreements, split by agreement (never by provision).

Gold labels are per article: for ToTA the `article_identifier`, which the pipeline's provisions
keep as `source_id`; for other documents (PDF, text; the annotation names its `source`) the
heading path down to the article (`structure.article_key`). A predicted article label is the
union of its provisions' labels. Every article of an agreement counts: articles absent from an
annotation file carry no label.
Prints per-label precision, recall and F1, micro and macro F1, and G1..G8 check accuracy.
"""
from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from analyser.errors import AnalyserError
from analyser.model import CHECK_IDS, LABELS, Document, Provision
from analyser.options import AnalyseOptions
from analyser.structure import article_key

ROOT = Path(__file__).resolve().parent.parent
ANNOTATIONS = ROOT / "corpora" / "annotations"
HELD_BACK = ("test",)  # never tuned on, trained on or used for thresholds (test2 and texts were, once scored)


SHARED_CORPORA = ROOT.parent / "shared" / "corpora"
TOTA_DIRS = (ROOT / "corpora" / "tota", SHARED_CORPORA / "tota")
HOLDOUT = SHARED_CORPORA / "HOLDOUT.txt"


def held_out_files(required: bool = False) -> set[str]:
    """Paths under the shared corpus ("tota/pta_N.xml", "pdf/....pdf") reserved for external
    evaluation; empty when the shared corpus is absent, unless `required` (then a missing list is
    an error, never a silent empty set)."""
    if not HOLDOUT.exists() and not required:
        return set()
    lines = HOLDOUT.read_text(encoding="utf-8").splitlines()
    return {line.split("\t")[0] for line in lines if line.strip() and not line.startswith("#")}


def held_out_treaties(required: bool = False) -> set[str]:
    """ToTA stems ("pta_N") among the held-out files."""
    return {Path(f).stem for f in held_out_files(required) if f.startswith("tota/")}


def tota_path(treaty: str, tota: Path | None = None) -> Path:
    """The agreement's XML: in `tota` if given, else the vendored copy, else the shared corpus."""
    folders = (tota,) if tota else TOTA_DIRS
    for folder in folders:
        if (folder / f"{treaty}.xml").exists():
            return folder / f"{treaty}.xml"
    return folders[-1] / f"{treaty}.xml"


@dataclass
class Scores:
    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    checks_right: int = 0
    checks_total: int = 0
    check_confusion: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    agreements: int = 0
    articles: int = 0
    by_language: dict[str, "Scores"] = field(default_factory=dict)

    def prf(self, label: str) -> tuple[float, float, float, int]:
        tp, fp, fn = self.tp[label], self.fp[label], self.fn[label]
        p = tp / (tp + fp) if tp + fp else (1.0 if not fn else 0.0)
        r = tp / (tp + fn) if tp + fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f, tp + fn

    def macro_f1(self) -> tuple[float, list[str]]:
        """Mean F1 over labels that have gold or predicted examples here (others are undefined)."""
        scored = [lab for lab in LABELS if self.tp[lab] + self.fp[lab] + self.fn[lab]]
        return (sum(self.prf(lab)[2] for lab in scored) / len(scored) if scored else 0.0), scored

    def micro(self) -> tuple[float, float, float]:
        tp, fp, fn = (sum(c.values()) for c in (self.tp, self.fp, self.fn))
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def load_gold(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    labelled = [p for p in data["provisions"] if p["labels"]]
    return {"treaty": data["treaty"], "source": data.get("source"), "language": data.get("language", "en"),
            "labels": {p["article_identifier"]: set(p["labels"]) for p in labelled},
            "evidence": {p["article_identifier"]: p.get("evidence", []) for p in labelled},
            "checks": {k: v["status"] for k, v in data["checks"].items()},
            # review exports (analyser/review/export.py) say how they are keyed and where they lie
            "keyed_by": data.get("keyed_by"), "sha256": data.get("sha256"), "folder": path.parent}


def document_path(gold: dict, tota: Path | None = None) -> Path:
    """The labelled document: a ToTA agreement, or the `source` file (vendored under corpora/,
    else in the shared corpus)."""
    if not gold["source"]:
        return tota_path(gold["treaty"], tota)
    if gold.get("keyed_by"):  # a review export: the document where it was exported from, else beside the export
        from analyser.review.teach import export_document

        return export_document(gold)
    vendored = ROOT / "corpora" / gold["source"]
    return vendored if vendored.exists() else SHARED_CORPORA / gold["source"]


def article_of(gold: dict) -> Callable[[Provision], str]:
    """How a provision maps to the article ids the gold labels use."""
    by_source_id = gold.get("keyed_by") == "article_identifier" or (not gold["source"] and not gold.get("keyed_by"))
    return (lambda p: p.source_id) if by_source_id else (lambda p: article_key(p.heading))


def split_names(split: str | tuple[str, ...], annotations: Path) -> list[str]:
    """The splits that one name or several stand for: a split of splits.json, or a group: `all`
    every split, `tuning` every split except the held-back ones (HELD_BACK), `held-back` those."""
    splits = json.loads((annotations / "splits.json").read_text(encoding="utf-8"))["splits"]
    groups = {"all": list(splits), "tuning": [p for p in splits if p not in HELD_BACK],
              "held-back": [p for p in splits if p in HELD_BACK]}
    parts: list[str] = []
    for name in (split,) if isinstance(split, str) else split:
        if name not in (*splits, *groups):
            raise AnalyserError(str(annotations / "splits.json"),
                                f"no split {name!r}; choose from {', '.join([*splits, *groups])}")
        parts += groups.get(name, [name])
    return parts


def annotation_files(split: str | tuple[str, ...], annotations: Path) -> list[Path]:
    """The annotation files of one split or group or several, in order (see split_names); a file
    lies in the annotations folder or in one of its sub-folders."""
    members = json.loads((annotations / "splits.json").read_text(encoding="utf-8"))["splits"]
    found: dict[str, Path] = {}
    for path in sorted(annotations.glob("*/*.json")) + sorted(annotations.glob("*.json")):  # top level wins
        found[path.stem] = path
    return [found[name] for part in split_names(split, annotations) for name in members[part] if name in found]


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
        p, r, f, n = s.prf(lab)
        pred = s.tp[lab] + s.fp[lab]
        cells = f"{p:7.3f}{r:7.3f}{f:7.3f}" if n or pred else f"{'-':>7}" * 3  # undefined without examples
        lines.append(f"{lab:<24}{cells}{n:9d}{pred:6d}")
    macro, scored = s.macro_f1()
    mp, mr, mf = s.micro()
    lines.append(f"macro-F1 {macro:.3f} over {len(scored)} labels with examples; micro P {mp:.3f} R {mr:.3f} F1 {mf:.3f}"
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


PARALLEL = ROOT / "corpora" / "parallel" / "clauses.jsonl"


def parallel_consistency(path: Path = PARALLEL, layers: str = "rules") -> dict:
    """Cross-lingual consistency on groups of the same clause in EN/ES/FR (corpora/parallel/):
    each clause is classified as one provision, with the heading it has in its agreement; a group
    is consistent when every member gets the same labels. Also: members whose labels match the
    group's expected labels, per language."""
    from analyser import classify, ingest, structure

    options = layer_options(layers)
    classifiers = classify.layers(options.model, rules=options.rules)
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
