"""Measure the language engines on treaty text: accuracy on 3-5 word snippets and on paragraphs,
stability across runs, and time per 1,000 paragraphs.

Gold labels: the language of the source (ToTA metadata; the French texts in corpora/texts).
Samples come from the seed and dev agreements and corpora/texts (never from held-out files).
Usage: python benchmarks/language_accuracy.py [--n 300]
"""
from __future__ import annotations

import argparse
import json
import random
import re
import time
from pathlib import Path

from analyser import ingest, structure
from analyser.language import SUPPORTED, engine

ROOT = Path(__file__).resolve().parent.parent


def samples(n: int, seed: int = 7) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    from analyser.training.corpus import annotation_files, tota_path

    rng = random.Random(seed)
    paragraphs: dict[str, list[str]] = {lang: [] for lang in SUPPORTED}
    files = annotation_files("seed", ROOT / "corpora" / "annotations") + annotation_files("dev", ROOT / "corpora" / "annotations")
    for f in files:
        treaty = json.loads(f.read_text(encoding="utf-8"))["treaty"]
        src = ingest.load(tota_path(treaty))
        lang = src.metadata.get("language")
        if lang in paragraphs:
            paragraphs[lang] += [p.text for p in structure.build(src).provisions if len(p.text) > 80]
    for path in (ROOT / "corpora" / "texts").glob("fr-*"):
        text = path.read_text(encoding="utf-8").split("####Verdrag")[0].split("##Verdrag")[0]
        paragraphs["fr"] += [p for p in re.split(r"\n\s*\n", text) if len(p) > 80 and "Verdrag" not in p]
    snippets, paras = [], []
    for lang, items in paragraphs.items():
        chosen = rng.sample(items, min(n // 3, len(items)))
        paras += [(lang, p) for p in chosen]
        for p in chosen:
            words = p.split()
            k = rng.randint(3, 5)
            i = rng.randrange(0, max(1, len(words) - k))
            snippets.append((lang, " ".join(words[i:i + k])))
    return snippets, paras


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    args = ap.parse_args()
    snippets, paras = samples(args.n)
    print(f"{len(snippets)} snippets of 3-5 words, {len(paras)} paragraphs "
          f"({', '.join(f'{l}: {sum(1 for x, _ in paras if x == l)}' for l in SUPPORTED)})")
    for name in ("py3langid", "langdetect"):
        eng = engine(name)
        for kind, data in (("snippets", snippets), ("paragraphs", paras)):
            start = time.perf_counter()
            got = [eng.detect_supported(t) for _, t in data]
            elapsed = time.perf_counter() - start
            acc = sum(g == lang for g, (lang, _) in zip(got, data)) / len(data)
            again = [eng.detect_supported(t) for _, t in data]
            stable = sum(a == b for a, b in zip(got, again)) / len(data)
            print(f"{name:<11} {kind:<10} accuracy {acc:.3f}  same answer on rerun {stable:.3f}  "
                  f"{elapsed / len(data) * 1000:.2f} s per 1,000")


if __name__ == "__main__":
    main()
