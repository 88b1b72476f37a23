"""What the learned layer reads, compared by the cross-validation `analyser train` uses
(leave-one-split-out over every split but the held-back `test`): the folded words (the shipped
model), the words plus the lexicon groups the rules match (language-independent tokens such as
`zznationaltreasures`), and the lexicon groups alone.

Usage: python scripts/experiment_features.py   (about 5 minutes on 2 cores)

Measured 2026-11-24 (222 documents, 23,954 articles; F1 out of fold):
- rules: heritage 0.979, cooperation 0.907, digital trade 0.989, exemption 0.977;
- model alone, words / words+groups / groups: heritage 0.896 / 0.897 / 0.961, cooperation
  0.709 / 0.757 / 0.738, digital trade 0.684 / 0.718 / 0.851, exemption 0.747 / 0.773 / 0.685;
  Spanish micro-F1 at 0.5: 0.00 / 0.00 / 0.43 (English 0.737 / 0.764 / 0.738);
- rules OR model: equal to the rules for every label and variant, except cooperation (one more
  article, 0.911, words and words+groups) and heritage with groups (one more article and one
  more false positive, 0.979).
The groups transfer across languages and lift the model alone on heritage and digital trade, but
none of the three adds to the rules: the shipped model keeps the words (no matcher run per
provision, so the 1.5x time budget keeps its margin).
Prints, per label, out-of-fold P/R/F1 of the rules, of each model alone at its best threshold and
of rules OR model at the best threshold (off when none beats the rules), then per language.
"""
from __future__ import annotations

from functools import lru_cache

from analyser.classify.rules import default_classifier
from analyser.lang import SUPPORTED as LANGUAGES
from analyser.model import LABELS
from analyser.training.train import (
    by_language,
    choose_thresholds,
    cross_validate,
    folded_text,
    read_splits,
    tuning_splits,
)


def groups(text: str, language: str) -> str:
    """The lexicon groups matched in a provision, one token each ('zzbias' keeps no text empty)."""
    matched = default_classifier().match(text, language if language in LANGUAGES else "en")
    names = sorted(matched[2]) if matched else []
    return " ".join(["zzbias", *("zz" + name.replace("_", "") for name in names)])


VARIANTS = {"words": folded_text,
            "words+groups": lambda text, lang: folded_text(text, lang) + " " + groups(text, lang),
            "groups": groups}


def main() -> None:
    articles = read_splits(tuning_splits())
    print(f"{len(articles)} articles of {len({a.treaty for a in articles})} documents")
    for name, features in VARIANTS.items():
        scores = cross_validate(articles, features=lru_cache(maxsize=None)(features))  # featurised once, not per fold
        thresholds, solo, report = choose_thresholds(articles, scores)
        print(f"\n== {name}")
        for lab in LABELS:
            r = report[lab]
            print(f"{lab:24} rules F1 {r['rules']['f1']:.3f}  model {r['model']['f1']:.3f} (t={solo[lab]})  "
                  f"combined {r['combined']['f1']:.3f} (t={thresholds[lab]})  examples {r['examples']}")
        for lang, layers in by_language(articles, scores, thresholds, dict.fromkeys(LABELS, 0.5)).items():
            for layer in ("rules", "model"):
                c = layers[layer]
                print(f"  {lang} {layer + ('@0.5' if layer == 'model' else ''):10} micro tp {c['tp']} fp {c['fp']} "
                      f"fn {c['fn']} F1 {c['f1']:.3f}")


if __name__ == "__main__":
    main()
