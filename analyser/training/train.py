"""Train the learned layer (`analyser train`): a spaCy textcat_multilabel bag-of-words model over
folded provision text, one model for EN/FR/ES, from the labelled agreements in corpora/.

Examples are provisions. An article's gold label goes to the provisions of that article that
hold one of its evidence quotes (all of them when no quote can be placed); every other provision
is a negative. Only provisions that pass the broad keyword net are used and classified: the
annotators read exactly those, so the rest has no reliable negatives.

Splits are by agreement (corpora/annotations/splits.json), and a split holds whole template
groups. The model trains on every split except the held-back ones (corpus.HELD_BACK), which it
refuses. Per-label thresholds and the calibration table come from leave-one-split-out
cross-validation: each split is scored by a model trained on the others, so every threshold is
chosen on predictions for agreements (and templates) the model did not see. The rules were tuned
on those splits, so the combined search credits the model only where the tuned rules still miss:
a conservative choice. `test` is only scored. Seeded.
"""
from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from analyser.classify.learned import MODEL_DIR, passes_net
from analyser.text import fold
from analyser.errors import AnalyserError
from analyser.lang import SUPPORTED
from analyser.model import LABELS
from analyser.pipeline import analyse
from analyser.training.corpus import (
    ANNOTATIONS,
    HELD_BACK,
    annotation_files,
    article_of,
    document_path,
    held_out_files,
    load_gold,
    split_names,
)
from analyser.training.metrics import confusion, f1_score, prf

SEED = 0
EPOCHS = 12
GRID = [x / 20 for x in range(1, 20)]  # thresholds tried
CALIBRATION_BINS = (0.0, 0.1, 0.5, 0.9, 1.0)
Features = Callable[[str, str], str]  # (provision text, language) -> what the model reads


@dataclass
class Article:
    """One article of a labelled document: what the annotator said, what the rules say, and the
    net-flagged provisions the model reads (raw text, with per-provision training targets)."""

    split: str
    treaty: str
    language: str
    key: str
    gold: set[str]
    rules: set[str]
    texts: list[str] = field(default_factory=list)
    targets: list[dict[str, float]] = field(default_factory=list)


def _norm(s: str) -> str:
    return " ".join(fold(s).split())


def articles_of(path: Path, split: str = "", rules: bool = True) -> list[Article]:
    """Every article of one labelled document, read once. With `rules`, the rules run too, so
    the threshold search can combine them with the model."""
    gold = load_gold(path)
    report = analyse(document_path(gold), model=None, rules=rules)
    article = article_of(gold)
    arts = {key: Article(split, gold["treaty"], gold["language"], key, labels, set())
            for key, labels in gold["labels"].items()}
    for p in report.document.provisions:
        key = article(p)
        if key not in arts:
            arts[key] = Article(split, gold["treaty"], gold["language"], key, set(), set())
        arts[key].rules.update(fd.label for fd in p.findings)
        if p.language in SUPPORTED and passes_net(p.text):
            arts[key].texts.append(p.text)
    for art in arts.values():
        quotes = [_norm(e) for e in gold["evidence"].get(art.key, [])]
        normed = [_norm(t) for t in art.texts]
        holders = [i for i, t in enumerate(normed) if any(q and q[:60] in t for q in quotes)] or range(len(normed))
        art.targets = [{lab: float(lab in art.gold and i in holders) for lab in LABELS} for i in range(len(normed))]
    return list(arts.values())


def tuning_splits(annotations: Path = ANNOTATIONS) -> tuple[str, ...]:
    """Every split except the held-back ones: what the model learns from."""
    return tuple(split_names("tuning", annotations))


def read_splits(splits: tuple[str, ...], annotations: Path = ANNOTATIONS, rules: bool = True) -> list[Article]:
    held = [s for s in splits if s in HELD_BACK]
    if held:
        raise AnalyserError(str(annotations / "splits.json"), f"{', '.join(held)} is held back: never trained on")
    return [a for split in splits for f in annotation_files(split, annotations) for a in articles_of(f, split, rules)]


def provision_examples(files: list[Path], folded: bool = True) -> list[tuple[str, dict[str, float], str, str]]:
    """(text, cats, treaty, article id) for every net-flagged provision of these annotation files."""
    return [(fold(t) if folded else t, cats, a.treaty, a.key)
            for f in files for a in articles_of(f, rules=False) for t, cats in zip(a.texts, a.targets)]


def folded_text(text: str, language: str) -> str:
    """What the shipped model reads of a provision: its folded words."""
    return fold(text)


def fit(articles: list[Article], epochs: int = EPOCHS, features: Features = folded_text):
    """A seeded textcat_multilabel bag-of-words model on the provisions of these articles."""
    from analyser.classify.spacy_import import spacy
    from spacy.training import Example
    from spacy.util import fix_random_seed, minibatch

    fix_random_seed(SEED)
    rng = random.Random(SEED)
    nlp = spacy.blank("xx")
    textcat = nlp.add_pipe("textcat_multilabel", config={"model": {
        "@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": False, "ngram_size": 2,
        "no_output_layer": False, "length": 131072}})
    for lab in LABELS:
        textcat.add_label(lab)
    examples = [Example.from_dict(nlp.make_doc(features(t, a.language)), {"cats": cats})
                for a in articles for t, cats in zip(a.texts, a.targets)]
    nlp.initialize(lambda: examples)
    for _ in range(epochs):
        rng.shuffle(examples)
        for batch in minibatch(examples, size=32):
            nlp.update(batch, drop=0.1)
    return nlp


def article_scores(nlp, articles: list[Article], features: Features = folded_text) -> list[dict[str, float]]:
    """Per article and label, the highest score of its provisions (0 when none is net-flagged)."""
    flat = [(i, t) for i, a in enumerate(articles) for t in a.texts]
    best = [dict.fromkeys(LABELS, 0.0) for _ in articles]
    for (i, _), doc in zip(flat, nlp.pipe(features(t, articles[i].language) for i, t in flat)):
        for lab in LABELS:
            best[i][lab] = max(best[i][lab], doc.cats[lab])
    return best


def cross_validate(articles: list[Article], epochs: int = EPOCHS, features: Features = folded_text) -> list[dict[str, float]]:
    """Out-of-fold article scores: each split scored by a model trained on all the other splits."""
    scores: list[dict[str, float]] = [{} for _ in articles]
    for split in sorted({a.split for a in articles}):
        idx = [i for i, a in enumerate(articles) if a.split == split]
        nlp = fit([a for a in articles if a.split != split], epochs, features)
        for i, s in zip(idx, article_scores(nlp, [articles[i] for i in idx], features)):
            scores[i] = s
    return scores


def _best_threshold(rows: list[tuple[bool, float, bool]], predict: Callable[[bool, float, float], bool],
                    start: tuple[float, tuple[int, int, int]]) -> tuple[float, tuple[int, int, int]]:
    """The first threshold of GRID whose F1 beats `start` (threshold, counts) and every earlier one."""
    best_t, best = start
    for t in GRID:
        c = confusion((predict(hit, s, t), g) for hit, s, g in rows)
        if f1_score(*c) > f1_score(*best) + 1e-9:
            best_t, best = t, c
    return best_t, best


def choose_thresholds(articles: list[Article], scores: list[dict[str, float]]) -> tuple[dict, dict, dict]:
    """Per label, on out-of-fold scores: the threshold that maximises the combined (rules OR model)
    article-level F1, 1.01 (model off) when no threshold beats the rules alone; the one that
    maximises the model's own F1 (0.5 without examples); and the counts behind both."""
    thresholds, solo, report = {}, {}, {}
    for lab in LABELS:
        rows = [(lab in a.rules, s[lab], lab in a.gold) for a, s in zip(articles, scores)]
        rules = confusion((hit, g) for hit, _, g in rows)
        thresholds[lab], combined = _best_threshold(rows, lambda hit, s, t: hit or s >= t, (1.01, rules))
        solo_start = (0.5, confusion((s >= 0.5, g) for _, s, g in rows))
        solo[lab], alone = (_best_threshold(rows, lambda hit, s, t: s >= t, solo_start)
                            if any(g for *_, g in rows) else solo_start)
        report[lab] = {"examples": rules[0] + rules[2], "rules": _prf(*rules), "model": _prf(*alone),
                       "combined": _prf(*combined)}
    return thresholds, solo, report


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int | None]:
    """Scores and counts as meta.json records them (None where undefined: training/metrics.py)."""
    return prf(tp, fp, fn).rounded()


def by_language(articles: list[Article], scores: list[dict[str, float]], thresholds: dict[str, float],
                solo: dict[str, float]) -> dict[str, dict[str, dict[str, float]]]:
    """Micro P/R/F1 over all labels per language, for the rules, the model alone and combined."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    for lang in sorted({a.language for a in articles}):
        mine = [(a, s) for a, s in zip(articles, scores) if a.language == lang]
        layers = {"rules": lambda a, s, lab: lab in a.rules,
                  "model": lambda a, s, lab: s[lab] >= solo[lab],
                  "combined": lambda a, s, lab: lab in a.rules or s[lab] >= thresholds[lab]}
        out[lang] = {name: _prf(*confusion((pred(a, s, lab), lab in a.gold) for a, s in mine for lab in LABELS))
                     for name, pred in layers.items()}
        out[lang]["agreements"] = len({a.treaty for a, _ in mine})
    return out


def calibration(articles: list[Article], scores: list[dict[str, float]]) -> dict[str, Any]:
    """Reliability of the out-of-fold scores over net-flagged articles: per score bin, how many
    articles, their mean score and the share that carry the label; and the Brier score."""
    flagged = [(a, s) for a, s in zip(articles, scores) if a.texts]
    out: dict[str, Any] = {}
    for lab in LABELS:
        pairs = [(s[lab], lab in a.gold) for a, s in flagged]
        bins = []
        for lo, hi in pairwise(CALIBRATION_BINS):
            inside = [(s, g) for s, g in pairs if lo <= s < hi or (hi == 1.0 and s == 1.0)]
            if inside:
                bins.append({"bin": f"{lo:.1f}-{hi:.1f}", "articles": len(inside),
                             "mean_score": round(sum(s for s, _ in inside) / len(inside), 3),
                             "labelled": round(sum(g for _, g in inside) / len(inside), 3)})
        brier = sum((s - g) ** 2 for s, g in pairs) / len(pairs) if pairs else 0.0
        out[lab] = {"brier": round(brier, 4), "bins": bins}
    return out


def read_exports(exports: tuple[Path, ...], rules: bool = True) -> tuple[list[Article], list[Path]]:
    """The articles of folders of review exports (analyser review export), one split per folder
    ("review:<folder name>"), and the export files read."""
    from analyser.review.teach import export_files

    files = export_files(exports)
    held = {Path(h).name for h in held_out_files()}
    for f in files:  # the files kept for external evaluation are never learned from, reviewed or not
        if Path(json.loads(f.read_text(encoding="utf-8")).get("source") or "").name in held:
            raise AnalyserError(str(f), "its document is held out for external evaluation: never trained on")
    return [a for f in files for a in articles_of(f, f"review:{f.parent.name}", rules)], files


def train(out_dir: Path = MODEL_DIR, annotations: Path = ANNOTATIONS, epochs: int = EPOCHS,
          splits: tuple[str, ...] | None = None, exports: tuple[Path, ...] = ()) -> dict[str, Any]:
    """`exports`: folders of review exports learned from beside the splits; the model card
    (meta.json `exports`) names each file and its hash."""
    from analyser.review.teach import card

    splits = splits or tuning_splits(annotations)
    reviewed, export_paths = read_exports(exports)
    articles = read_splits(splits, annotations) + reviewed
    if len({a.split for a in articles}) < 2:
        raise AnalyserError(str(annotations / "splits.json"), "cross-validation needs at least two splits")
    features = lru_cache(maxsize=None)(folded_text)  # each provision read once, not once per fold
    oof = cross_validate(articles, epochs, features)
    thresholds, solo_thresholds, validation = choose_thresholds(articles, oof)
    start = time.perf_counter()
    nlp = fit(articles, epochs, features)
    seconds = time.perf_counter() - start
    out_dir.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out_dir / "pipeline")
    examples = [cats for a in articles for cats in a.targets]
    meta = {"labels": list(LABELS), "thresholds": thresholds, "solo_thresholds": solo_thresholds,
            "train_splits": list(splits) + sorted({a.split for a in reviewed}), "threshold_method": "leave-one-split-out cross-validation",
            "agreements": len({(a.split, a.treaty) for a in articles}), "examples": len(examples),
            "positives": {lab: int(sum(c[lab] for c in examples)) for lab in LABELS},
            "validation": validation,
            "validation_by_language": by_language(articles, oof, thresholds, solo_thresholds),
            "calibration": calibration(articles, oof),
            "epochs": epochs, "seed": SEED, "train_seconds": round(seconds, 1)}
    if export_paths:
        meta["exports"] = card(export_paths)
    (out_dir / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return meta


def train_hf(base: Path, out: Path, annotations: Path = ANNOTATIONS, epochs: int = 3,
             splits: tuple[str, ...] | None = None, max_steps: int | None = None) -> dict[str, Any]:
    """The transformers backend on the same examples (original casing: checkpoints have their own tokenizers)."""
    from analyser.classify.hf import train_transformers

    articles = read_splits(splits or tuning_splits(annotations), annotations, rules=False)
    examples = [(text, cats) for a in articles for text, cats in zip(a.texts, a.targets)]
    return train_transformers(base, out, examples, epochs=epochs, seed=SEED, max_steps=max_steps)
