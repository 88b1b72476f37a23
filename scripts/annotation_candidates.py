"""Prepare annotation work packets for ToTA agreements.

For each agreement, list every article that a broad multilingual keyword net flags (full text),
plus a seeded random sample of unflagged articles, so annotators can read the candidates in full
and recall can still be measured. Held-out files are refused.

Usage: python scripts/annotation_candidates.py OUTDIR pta_1 pta_2 ... [path/to/agreement.pdf ...]

A ToTA stem is read from the shared corpus with its `article_identifier`s. Any other argument is
a file (PDF, text...) run through ingest, structure and language; its articles are keyed by
`structure.article_key` (the heading path down to the article), provisions in an unsupported
language (the Dutch half of the bilingual BITs) are left out, and `<name>.full.txt` holds every
article for context.
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

import defusedxml.ElementTree as ET

from analyser.classify.learned import passes_net  # the broad net lives in analyser/data/net.yaml
from analyser.training.corpus import held_out_files, held_out_treaties
from analyser.language import SUPPORTED

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


def document_articles(path: Path) -> list[tuple[str, str]]:
    """(article key, text) of a non-ToTA document, in reading order, supported languages only."""
    from analyser import ingest, language, structure

    if path.name in {Path(f).name for f in held_out_files(required=True)}:
        raise SystemExit(f"{path} is held out: never annotate it")
    doc = language.assign(structure.build(ingest.load(path)))
    structure.localise_headings(doc)  # the keys the evaluation sees (Préambule > Considérant 3)
    articles: dict[str, list[str]] = {}
    for p in doc.provisions:
        if p.language in SUPPORTED:
            articles.setdefault(structure.article_key(p.heading), []).append(p.text.strip())
    return [(key, "\n".join(texts)) for key, texts in articles.items()]


def document_packet(path: Path, sample: int = 5, seed: int = 13) -> tuple[str, str]:
    """The work packet (flagged articles and a seeded sample of the others) and the full dump."""
    articles = document_articles(path)
    flagged = [a for a in articles if passes_net(a[1])]
    unflagged = [a for a in articles if not passes_net(a[1])]
    sampled = random.Random(f"{seed}-{path.stem}").sample(unflagged, min(sample, len(unflagged)))
    head = [f"# {path.stem} ({path.name})", f"{len(flagged)} flagged articles, {len(sampled)} of "
            f"{len(unflagged)} unflagged sampled; article_identifier = the heading path down to the article\n"]
    body = [f"=== [{kind}] article_identifier={key}\n{text}\n"
            for kind, entries in (("FLAGGED", flagged), ("UNFLAGGED SAMPLE", sampled)) for key, text in entries]
    full = [f"=== article_identifier={key}\n{text}\n" for key, text in articles]
    return "\n".join(head + body), "\n".join(head[:1] + full)


def main() -> None:
    outdir = Path(sys.argv[1])
    outdir.mkdir(parents=True, exist_ok=True)
    for name in sys.argv[2:]:
        if Path(name).is_file():
            work, full = document_packet(Path(name))
            (outdir / f"{Path(name).stem}.txt").write_text(work, encoding="utf-8")
            (outdir / f"{Path(name).stem}.full.txt").write_text(full, encoding="utf-8")
        else:
            (outdir / f"{name}.txt").write_text(packet(name), encoding="utf-8")


if __name__ == "__main__":
    main()
