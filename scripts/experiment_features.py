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

from analyser.classify.rules import default_classifier
from analyser.classify.textnorm import Collapsed, fold
from analyser.model import LABELS
from analyser.train import (
    GRID,
    confusion,
    cross_validate,
    f1_score,
    folded_text,
    read_splits,
    tuning_splits,
)


def groups(text: str, language: str) -> str:
    """The lexicon groups matched in a provision, one token each ('zzbias' keeps no text empty)."""
    matcher = default_classifier().matcher(language if language in ("en", "fr", "es") else "en")
    doc = matcher.nlp.make_doc(Collapsed(fold(text)).text)
    return " ".join(["zzbias", *sorted({"zz" + m.group.replace("_", "") for m in matcher.matches(doc)})])


VARIANTS = {"words": folded_text,
            "words+groups": lambda text, lang: folded_text(text, lang) + " " + groups(text, lang),
            "groups": groups}


def best(rows, combined: bool) -> tuple[int, int, int, float]:
    """(tp, fp, fn, threshold) at the threshold that maximises F1; 1.01 = model off."""
    options = [(*confusion((rule or s >= t, g) if combined else (s >= t, g) for rule, s, g in rows), t) for t in GRID]
    if combined:
        options.append((*confusion((rule, g) for rule, _, g in rows), 1.01))
    return max(options, key=lambda o: (f1_score(*o[:3]), o[3]))


def main() -> None:
    articles = read_splits(tuning_splits())
    print(f"{len(articles)} articles of {len({a.treaty for a in articles})} documents")
    for name, features in VARIANTS.items():
        scores = cross_validate(articles, features=features)
        print(f"\n== {name}")
        for lab in LABELS:
            rows = [(lab in a.rules, s[lab], lab in a.gold) for a, s in zip(articles, scores)]
            rules = confusion((r, g) for r, _, g in rows)
            solo, comb = best(rows, False), best(rows, True)
            print(f"{lab:24} rules F1 {f1_score(*rules):.3f}  model {f1_score(*solo[:3]):.3f} (t={solo[3]})  "
                  f"combined {f1_score(*comb[:3]):.3f} (t={comb[3]})  examples {rules[0] + rules[2]}")
        for lang in sorted({a.language for a in articles}):
            mine = [(a, s) for a, s in zip(articles, scores) if a.language == lang]
            for layer, pred in (("rules", lambda a, s, lab: lab in a.rules), ("model@0.5", lambda a, s, lab: s[lab] >= 0.5)):
                c = confusion((pred(a, s, lab), lab in a.gold) for a, s in mine for lab in LABELS)
                print(f"  {lang} {layer:10} micro tp {c[0]} fp {c[1]} fn {c[2]} F1 {f1_score(*c):.3f}")


if __name__ == "__main__":
    main()
