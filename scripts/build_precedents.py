"""Build the precedent library (analyser/data/precedents.jsonl) from the labelled agreements:
every labelled article of the tuning splits (every split but test; never a
held-out file) whose label the annotator was not unsure of, with its agreement, article, year, language and the checks it can meet.

Usage: python scripts/build_precedents.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import defusedxml.ElementTree as ET

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyser.evaluate import ANNOTATIONS, annotation_files, tota_path  # noqa: E402

MAX_CHARS = 1500


def checks_served(labels: set[str], entry: dict) -> list[str]:
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


def main() -> None:
    rows = []
    for f in annotation_files("tuning", ANNOTATIONS):  # never the test split
        gold = json.loads(f.read_text(encoding="utf-8"))
        if gold.get("source"):
            continue  # a non-ToTA document: no ToTA metadata or article texts to cite
        root = ET.parse(tota_path(gold["treaty"])).getroot()
        meta = root.find("meta")
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
            checks = checks_served(labels, entry)
            if not checks:
                continue  # a heritage exception, or a digital obligation without carve-out, meets no check
            rows.append({
                "treaty": gold["treaty"], "agreement": meta.findtext("name"), "language": meta.findtext("language"),
                "year": (meta.findtext("date_signed") or "")[:4], "region": meta.findtext("region"),
                "parties": [p.text for p in meta.findall("parties/partyisocode")],
                "chapter": chapter, "article": " ".join(x for x in (number.title(), name) if x) or chapter or "Preamble",
                "article_identifier": entry["article_identifier"], "labels": sorted(labels),
                "scope": entry.get("cultural_exemption_scope"), "carve_out": entry.get("digital_carve_out"),
                "checks": checks, "evidence": entry.get("evidence", []),
                "text": text[:MAX_CHARS], "source": "ToTA (CC BY-NC 4.0), labels: corpora/annotations",
            })
    out = ROOT / "analyser" / "data" / "precedents.jsonl"
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"{len(rows)} precedents from {len({r['treaty'] for r in rows})} agreements -> {out}")


if __name__ == "__main__":
    main()
