"""Rebuild the plain-text samples in corpora/texts/ from their sources (see corpora/SOURCES.md).

ToTA articles are written out as a treaty would print them ("CHAPTER ...", "Article N: Title"),
so the plain-text path (heading grammar, paragraphs) is tested on real treaty wording.
"""
from __future__ import annotations

import sys
from pathlib import Path

import defusedxml.ElementTree as ET

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def tota_to_text(treaty: str, chapters: set[str] | None = None) -> str:
    root = ET.parse(SHARED / "corpora" / "tota" / f"{treaty}.xml").getroot()
    out = [root.findtext("meta/name") or treaty, ""]
    for chapter in root.iter("chapter"):
        name = chapter.get("name") or ""
        number = chapter.get("number") or ""
        if chapters is not None and name != "Preamble" and number not in chapters:
            continue
        if name == "Preamble":
            for art in chapter.iter("article"):
                out += ["".join(art.itertext()).strip(), ""]
            continue
        out += [f"{number}", name.upper(), ""]
        for art in chapter.iter("article"):
            title = art.get("name")
            out.append(f"{(art.get('number') or '').title()}{': ' + title if title else ''}")
            out += ["".join(art.itertext()).strip(), ""]
    return "\n".join(out) + "\n"


def main() -> None:
    texts = ROOT / "corpora" / "texts"
    texts.mkdir(parents=True, exist_ok=True)
    (texts / "en-canada-peru-fta-excerpt.txt").write_text(
        tota_to_text("pta_387", {"CHAPTER FIFTEEN", "CHAPTER TWENTY TWO"}), encoding="utf-8")
    (texts / "es-tratado-de-montevideo-1980-aladi.txt").write_text(tota_to_text("pta_123"), encoding="utf-8")
    guidelines = (SHARED / "guidelines" / "operational-guidelines-digital-environment.fr.txt").read_text(encoding="utf-8").splitlines()
    start = next(i for i, l in enumerate(guidelines) if l.startswith("## Rééquilibrer"))
    end = next(i for i, l in enumerate(guidelines) if l.startswith("## Intégration de la culture"))
    (texts / "fr-directives-operationnelles-18-19.txt").write_text("\n".join(guidelines[start:end]) + "\n", encoding="utf-8")
    bit = (SHARED / "corpora" / "texts" / "nl-senegal-bit-fr-nl.md").read_text(encoding="utf-8").splitlines()
    dutch = next(i for i, l in enumerate(bit) if i > 5 and l.startswith("####Overeenkomst"))
    (texts / "fr-pays-bas-senegal-tbi.md").write_text("\n".join(bit[4:dutch]) + "\n", encoding="utf-8")
    (texts / "fr-nl-pays-bas-mali-tbi.md").write_text(
        (SHARED / "corpora" / "texts" / "nl-mali-bit-fr-nl.md").read_text(encoding="utf-8"), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
