"""The G1..G8 gap checks (codebook.md), computed from findings only.

Each check is a small function of the labelled provisions; the guideline paragraphs live in
data/checks.yaml, the questions and explanations in the catalogue (analyser/lang/<code>/messages.yaml), in
the report language: the agreement's own unless the caller asks for another.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from analyser.datafile import load_yaml
from analyser.i18n import Texts, report_language
from analyser.model import CHECK_IDS, Check, Document, Finding, Provision

DATA = Path(__file__).parent / "data"
MAX_WHERE = 3  # headings named in one explanation


@lru_cache(maxsize=1)
def guideline_paragraphs() -> dict[str, dict[str, Any]]:
    return load_yaml(DATA / "checks.yaml")


Hits = list[tuple[Provision, Finding]]
Decision = tuple[str, Hits] | tuple[str, Hits, Hits]  # (status, hits named in the explanation[, more supporting hits])


def _hits(doc: Document, label: str, **attrs: Any) -> Hits:
    return [
        (p, f) for p in doc.provisions for f in p.findings
        if f.label == label and all(f.attributes.get(k) == v for k, v in attrs.items())
    ]


def _ids(hits: Hits) -> list[str]:
    return list(dict.fromkeys(p.id for p, _ in hits))


def _where(hits: Hits, tr: Texts) -> str:
    """The supporting provisions' own headings, as the agreement prints them, whatever the report language."""
    names = list(dict.fromkeys(_short(p) for p, _ in hits))
    more = len(names) - MAX_WHERE
    shown = ", ".join(names[:MAX_WHERE])
    return tr("checks.and_more", names=shown, n=more) if more > 0 else shown


def _short(p: Provision) -> str:
    parts = p.heading_parts
    return " > ".join(parts[-2:]) if parts else p.id


def _chapter(p: Provision) -> str:
    parts = p.heading_parts
    return parts[0] if parts else ""


def _check_in(cid: str, status: str, hits: Hits, also: Hits = (), *, tr: Texts) -> Check:
    """`hits` are named in the explanation; `also` only join the supporting provisions."""
    return Check(id=cid, status=status, provisions=_ids(hits + list(also)),
                 why=tr(f"checks.{cid}.{status}", where=_where(hits, tr)),
                 guideline=str(guideline_paragraphs()[cid]["guideline"]), question=tr(f"checks.{cid}.question"))


def assess(doc: Document, lang: str | None = None) -> dict[str, Check]:
    """The checks of one document, worded in `lang` (default: the document's language)."""
    tr = Texts(report_language(doc.language, lang))
    refs = _hits(doc, "convention_reference")
    convention = [h for h in refs if not h[1].attributes.get("guidelines")]
    guidelines = [h for h in refs if h[1].attributes.get("guidelines")]
    exemptions = _hits(doc, "cultural_exemption")
    agreement_wide = [h for h in exemptions if h[1].attributes.get("scope") == "agreement"]
    digital = _hits(doc, "digital_trade")
    coop = _hits(doc, "cultural_cooperation")
    dedicated = [h for h in coop if h[1].attributes.get("dedicated")]
    policy = _hits(doc, "policy_space")
    decided: dict[str, Decision] = {
        "G1": _met_if(convention),
        "G2": _met_if(guidelines),
        "G3": ("met", agreement_wide, exemptions) if agreement_wide else ("partly", exemptions) if exemptions else ("missing", []),
        "G4": _g4(digital, exemptions, agreement_wide),
        "G5": _met_if(_hits(doc, "preferential_treatment")),
        "G6": ("met", dedicated) if dedicated else ("partly", coop) if coop else ("missing", []),
        "G7": _met_if(policy + agreement_wide),
        "G8": _met_if(_hits(doc, "coherence")),
    }
    checks = {cid: _check_in(cid, *decision, tr=tr) for cid, decision in decided.items()}
    heritage = _hits(doc, "heritage_exception")
    if checks["G3"].status == "missing" and heritage:
        # a national-treasures exception sits on the page beside a missing G3: say why it does not count
        checks["G3"].why += " " + tr("checks.G3.heritage_only", where=_where(heritage, tr))
    for check in checks.values():
        _add_candidates(check, doc, tr)
    return {cid: checks[cid] for cid in CHECK_IDS}


# The labels whose candidates ("worth a look") each check lists; candidates never change a status.
CHECK_LABELS: dict[str, tuple[str, ...]] = {
    "G1": ("convention_reference",), "G2": ("convention_reference",), "G3": ("cultural_exemption",),
    "G4": ("digital_trade",), "G5": ("preferential_treatment",), "G6": ("cultural_cooperation",),
    "G7": ("policy_space", "cultural_exemption"), "G8": ("coherence",),
}


def _add_candidates(check: Check, doc: Document, tr: Texts) -> None:
    """Name the provisions worth a look for a check; a missing check says how many there are."""
    labels = CHECK_LABELS[check.id]
    check.candidates = [p.id for p in doc.provisions
                        if p.id not in check.provisions and any(c.label in labels for c in p.candidates)]
    if check.status == "missing" and check.candidates:
        check.why += " " + tr("checks.worth_a_look", n=len(check.candidates))


def _met_if(hits: Hits) -> Decision:
    return ("met", hits) if hits else ("missing", [])


@lru_cache(maxsize=1)
def _chapter_ref() -> re.Pattern[str]:
    """"Chapter 3" in any language: the heading grammar's chapter keywords (analyser/lang/<code>/headings.yaml)."""
    from analyser import lang

    words = lang.merged_by_kind("headings", "kinds")["chapter"]
    return re.compile(r"\b(" + "|".join(words) + r")\s+([0-9]+|[IVXLC]+)\b", re.I)


def _refers_to(p: Provision, chapters: set[str]) -> bool:
    """True when the provision routes itself into one of these chapters ("within the meaning of Chapter 3")."""
    for m in _chapter_ref().finditer(p.text):
        ref = f"{m.group(1)} {m.group(2)}".lower()
        if any(c == ref or c.startswith(ref + " ") for c in chapters):
            return True
    return False


def _g4(digital: Hits, exemptions: Hits, agreement_wide: Hits) -> Decision:
    if not digital:
        return ("n/a", [])
    carved = [h for h in digital if h[1].attributes.get("carve_out")]
    if agreement_wide:
        return ("met", digital + agreement_wide)
    if len(carved) == len(digital):
        return ("met", digital)
    if carved:
        return ("partly", carved)
    # The EU model: no carve-out of its own, but the digital article sits in a chapter from which
    # a chapter-scope exemption removes audiovisual services (codebook ruling).
    chapters = {_chapter(p).lower() for p, _ in exemptions}
    sheltered = [h for h in digital if _chapter(h[0]).lower() in chapters or _refers_to(h[0], chapters)]
    if sheltered:
        return ("partly", sheltered)
    return ("missing", digital)
