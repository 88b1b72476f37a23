"""Agreement of a set of annotations with reference annotations, per label and per check.

Usage: python scripts/annotator_agreement.py REFERENCE_DIR OTHER_DIR
Both folders hold files in the seed annotations' shape; only treaties present in both count.
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from analyser.training.corpus import load_gold
from analyser.model import CHECK_IDS, LABELS


def main(ref_dir: str, other_dir: str) -> None:
    tp, fp, fn = Counter(), Counter(), Counter()
    same = total = 0
    for other in sorted(Path(other_dir).glob("pta_*.json")):
        ref = Path(ref_dir) / other.name
        if not ref.exists():
            continue
        g, o = load_gold(ref), load_gold(other)
        for art in set(g["labels"]) | set(o["labels"]):
            a, b = g["labels"].get(art, set()), o["labels"].get(art, set())
            for lab in LABELS:
                tp[lab] += lab in a and lab in b
                fn[lab] += lab in a and lab not in b
                fp[lab] += lab in b and lab not in a
        for cid in CHECK_IDS:
            total += 1
            same += g["checks"].get(cid) == o["checks"].get(cid)
    print(f"{'label':<24}{'agree':>6}{'ref only':>9}{'other only':>11}{'F1':>7}")
    for lab in LABELS:
        denom = 2 * tp[lab] + fp[lab] + fn[lab]
        f1 = 2 * tp[lab] / denom if denom else float("nan")
        print(f"{lab:<24}{tp[lab]:6d}{fn[lab]:9d}{fp[lab]:11d}{f1:7.2f}")
    print(f"checks identical: {same}/{total}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
