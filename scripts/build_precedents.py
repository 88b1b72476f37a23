"""Build the precedent library (analyser/data/precedents.jsonl) from the labelled agreements:
every labelled article of the tuning splits (every split but test; never a held-out file) whose
label the annotator was not unsure of, with its agreement, article, year, language and the checks
it can meet.

A check is kept for an article only when the article carries the check's label twice over: the
annotator gave it, and the rule layer, reading the article alone, asserts it (the classify stage, calibrated) and the check moves
(met or partly) on that article alone, so a clause pasted from the library is one the analyser
credits. Procedural articles (entry into force, definitions; `data/precedents.yaml`) are never
precedents. Each kept check records its operative sentence (the sentence holding the rule's
evidence, with the evidence marked); the whole clause is kept in `text`.

Usage: python scripts/build_precedents.py
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import defusedxml.ElementTree as ET

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyser import checks as checks_stage  # noqa: E402
from analyser.classify import classify  # noqa: E402
from analyser.training.corpus import ANNOTATIONS, annotation_files, held_out_treaties, tota_path  # noqa: E402
from analyser.model import Document, Provision  # noqa: E402
from analyser.precedents import CHECK_LABELS, settings  # noqa: E402

MAX_CHARS = 20000  # the whole clause; only a pathological article is cut
_SENTENCE_END = re.compile(r"(?<=[.;:])\s+(?=[A-Z(\"“0-9])|\n\s*\n|\n(?=\s*(?:\(?[a-z0-9]{1,4}[.)]|[-•])\s)")


def checks_served(labels: set[str], entry: dict) -> list[str]:
    """The checks the annotator's labels can meet."""
    out = []
    if "convention_reference" in labels:
        out.append("G1")
    if "cultural_exemption" in labels:
        out.append("G3")
        if entry.get("cultural_exemption_scope") == "agreement":
            out += ["G7", "G4"]  # an agreement-wide exemption covers digital obligations too
    if "digital_trade" in labels and (entry.get("digital_carve_out") or "cultural_exemption" in labels):
        out.append("G4")
    for lab, cid in (("preferential_treatment", "G5"), ("cultural_cooperation", "G6"), ("policy_space", "G7"),
                     ("coherence", "G8")):
        if lab in labels:
            out.append(cid)
    return sorted(set(out))


def sentence_of(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the sentence (or list item) holding text[start:end]."""
    bounds = [0] + [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]
    s = max(b for b in bounds if b <= start)
    e = min((b for b in bounds if b >= end), default=len(text))
    return s, e


def operative(provision: Provision, cid: str) -> dict | None:
    """The operative sentence of a check on one article: the sentence of the first evidence of
    the check's label, with every evidence span inside it (offsets into the sentence)."""
    for f in provision.findings:
        if f.label not in CHECK_LABELS[cid] or not f.evidence:
            continue
        first = min(f.evidence, key=lambda e: e.start)
        s, e = sentence_of(provision.text, first.start, first.end)
        raw = provision.text[s:e]
        lead = len(raw) - len(raw.lstrip())
        sentence = raw.strip()
        marks = [[ev.start - s - lead, ev.end - s - lead] for ev in f.evidence if ev.start >= s and ev.end <= e]
        return {"sentence": sentence, "marks": marks}
    return None


def _covers_digital_trade(provision: Provision) -> bool:
    """What meets G4 in an agreement with digital obligations: an agreement-wide cultural
    exemption, or a digital-trade obligation with its cultural carve-out."""
    return any((f.label == "cultural_exemption" and f.attributes.get("scope") == "agreement")
               or (f.label == "digital_trade" and f.attributes.get("carve_out") is True) for f in provision.findings)


def main() -> None:
    held_out = held_out_treaties(required=True)
    procedural = re.compile(settings()["procedural_headings"], re.I)
    rows, dropped = [], 0
    for f in annotation_files("tuning", ANNOTATIONS):  # never the test split
        gold = json.loads(f.read_text(encoding="utf-8"))
        if gold.get("source") or gold["treaty"] in held_out:
            continue  # a non-ToTA document (no ToTA metadata to cite), or a file kept for evaluation
        root = ET.parse(tota_path(gold["treaty"])).getroot()
        meta = root.find("meta")
        language = meta.findtext("language")
        articles = {}
        for chapter in root.iter("chapter"):
            for art in chapter.iter("article"):
                articles[art.get("article_identifier")] = (chapter.get("name") or "", art.get("number") or "",
                                                           art.get("name") or "", "".join(art.itertext()).strip())
        for entry in gold["provisions"]:
            labels = set(entry["labels"])
            if entry.get("confidence") == "low":
                continue  # a precedent is shown to negotiators as a model clause: only confident labels
            if not labels or entry["article_identifier"] not in articles:
                continue
            chapter, number, name, text = articles[entry["article_identifier"]]
            article = " ".join(x for x in (number.title(), name) if x) or chapter or "Preamble"
            wanted = checks_served(labels, entry)
            if not wanted:
                continue  # a heritage exception, or a digital obligation without carve-out, meets no check
            if procedural.search(article) or procedural.search(chapter):
                dropped += 1
                continue
            provision = Provision(id="p1", kind="article", heading=" > ".join(x for x in (chapter, article) if x),
                                  text=text, start=0, end=len(text), language=language)
            doc = Document(source=gold["treaty"], sha256="", format="tota", text=text, language=language,
                           provisions=[provision])
            classify(doc)  # the rules as the pipeline runs them: only asserted findings count
            moved = {cid for cid, c in checks_stage.run(doc).items() if c.status in {"met", "partly"}}
            if _covers_digital_trade(provision):
                moved.add("G4")  # alone it is "n/a" (no digital obligation to cover); in an agreement, it meets G4
            sentences = {cid: operative(provision, cid) for cid in wanted if cid in moved}
            sentences = {cid: s for cid, s in sentences.items() if s}
            if not sentences:
                dropped += 1
                continue
            rows.append({
                "treaty": gold["treaty"], "agreement": meta.findtext("name"), "language": language,
                "year": (meta.findtext("date_signed") or "")[:4], "region": meta.findtext("region"),
                "parties": [p.text for p in meta.findall("parties/partyisocode")],
                "chapter": chapter, "article": article,
                "article_identifier": entry["article_identifier"], "labels": sorted(labels),
                "scope": entry.get("cultural_exemption_scope"), "carve_out": entry.get("digital_carve_out"),
                "checks": sorted(sentences), "operative": sentences, "evidence": entry.get("evidence", []),
                "text": text[:MAX_CHARS], "source": "ToTA (CC BY-NC 4.0), labels: corpora/annotations",
            })
    out = ROOT / "analyser" / "data" / "precedents.jsonl"
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"{len(rows)} precedents from {len({r['treaty'] for r in rows})} agreements -> {out} "
          f"({dropped} labelled articles dropped: procedural, or the rules do not credit them)")


if __name__ == "__main__":
    main()
