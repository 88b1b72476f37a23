"""Prepare annotation work packets for ToTA agreements.

For each agreement, list every article that a broad multilingual keyword net flags (full text),
plus a seeded random sample of unflagged articles, so annotators can read the candidates in full
and recall can still be measured. Held-out files are refused.

Usage: python scripts/annotation_candidates.py OUTDIR pta_1 pta_2 ...
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

import defusedxml.ElementTree as ET

from analyser.classify.model import passes_net  # the broad net lives in analyser/data/net.yaml
from analyser.evaluate import held_out_treaties

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpora"


def packet(treaty: str, sample: int = 5, seed: int = 13) -> str:
    if treaty in held_out_treaties(required=True):
        raise SystemExit(f"{treaty} is held out: never annotate it")
    root = ET.parse(SHARED / "tota" / f"{treaty}.xml").getroot()
    meta = root.find("meta")
    head = [f"# {treaty}: {meta.findtext('name')} ({meta.findtext('language')}, signed {meta.findtext('date_signed')})"]
    flagged, unflagged = [], []
    for chapter in root.iter("chapter"):
        cname = " ".join(x for x in (chapter.get("number"), chapter.get("name")) if x)
        for art in chapter.iter("article"):
            text = "".join(art.itertext())
            label = " ".join(x for x in (art.get("number"), art.get("name")) if x)
            entry = (art.get("article_identifier"), cname, label, text)
            (flagged if passes_net(text) else unflagged).append(entry)
    rng = random.Random(f"{seed}-{treaty}")
    sampled = rng.sample(unflagged, min(sample, len(unflagged)))
    head.append(f"{len(flagged)} flagged articles, {len(sampled)} of {len(unflagged)} unflagged sampled\n")
    out = head
    for kind, entries in (("FLAGGED", flagged), ("UNFLAGGED SAMPLE", sampled)):
        for ident, cname, label, text in entries:
            out.append(f"=== [{kind}] article_identifier={ident} | chapter: {cname} | {label}\n{text.strip()}\n")
    return "\n".join(out)


def main() -> None:
    outdir = Path(sys.argv[1])
    outdir.mkdir(parents=True, exist_ok=True)
    for treaty in sys.argv[2:]:
        (outdir / f"{treaty}.txt").write_text(packet(treaty), encoding="utf-8")


if __name__ == "__main__":
    main()
