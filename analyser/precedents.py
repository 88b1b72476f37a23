"""Precedent clauses for every check an agreement misses or only partly meets.

The library (data/precedents.jsonl, built by scripts/build_precedents.py) holds the labelled
articles of the non-held-out corpus with their agreement, article, year and language. For each
gap, candidates that can meet the check are ranked: the agreement's own language first, then by
BM25 similarity between the candidate and the agreement's own text (its provisions in the
chapters that matter for the check, or its whole text), plus a bonus for shared parties or
region. BM25 is simple, offline, needs no model and explains itself (the shared terms); the
project's corpus is small enough that learned embeddings would add a dependency for little gain.
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

from analyser.classify.textnorm import fold
from analyser.model import Report

DATA = Path(__file__).parent / "data"
_TOKEN = re.compile(r"[a-z]{3,}")
STOP = set("the and for with shall any this that which such other from into under their its all not are may has "
           "have been parties party agreement article chapter les des pour dans une sur par aux est que qui del las los "
           "por con que una para sus este esta".split())
PER_CHECK = 3
# Words that point at the part of an agreement a check is about (the BM25 query).
FOCUS = {"G4": ("electronic", "digital", "commerce", "electronique", "numerique", "electronico", "digitales"),
         "G3": ("exception", "exceptions", "excepciones", "scope", "services", "champ", "ambito")}


@lru_cache(maxsize=1)
def library() -> list[dict[str, Any]]:
    path = DATA / "precedents.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@lru_cache(maxsize=1)
def _index() -> "BM25":
    """The library's BM25 index: built once, like the library itself."""
    return BM25([_tokens(e["text"]) for e in library()])


def _tokens(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(fold(text)) if t not in STOP]


class BM25:
    def __init__(self, docs: list[list[str]], k1: float = 1.5, b: float = 0.75) -> None:
        self.docs, self.k1, self.b = docs, k1, b
        self.avg = sum(map(len, docs)) / max(1, len(docs))
        df = Counter(t for d in docs for t in set(d))
        self.idf = {t: math.log(1 + (len(docs) - n + 0.5) / (n + 0.5)) for t, n in df.items()}
        self.tf = [Counter(d) for d in docs]

    def score(self, query: list[str], i: int) -> tuple[float, list[str]]:
        tf, length = self.tf[i], len(self.docs[i])
        total, shared = 0.0, []
        for t in set(query):
            if t in tf:
                shared.append(t)
                total += self.idf[t] * tf[t] * (self.k1 + 1) / (tf[t] + self.k1 * (1 - self.b + self.b * length / self.avg))
        return total, sorted(shared, key=lambda t: -self.idf[t])


def _query(report: Report, cid: str) -> list[str]:
    focus = FOCUS.get(cid)
    provisions = report.document.provisions
    if focus:
        chosen = [p for p in provisions if any(w in fold(p.heading) for w in focus)]
        provisions = chosen or provisions
    text = " ".join(p.text for p in provisions)
    return [t for t, _ in Counter(_tokens(text)).most_common(400)]


def propose(report: Report, per_check: int = PER_CHECK) -> dict[str, Any]:
    doc = report.document
    lib, index = library(), _index()
    queries: dict[tuple[str, ...] | None, list[str]] = {}  # checks without a focus share one query
    parties = set(doc.parties)
    region = (doc.metadata.get("region") or "").split(";")[0].strip()
    out: dict[str, Any] = {"document": {"source": doc.source, "title": doc.title, "language": doc.language},
                           "gaps": {}}
    for cid, check in report.checks.items():
        if check.status not in {"missing", "partly"}:
            continue
        focus = FOCUS.get(cid)
        if focus not in queries:
            queries[focus] = _query(report, cid)
        query = queries[focus]
        has_own_language = any(e["language"] == doc.language and cid in e["checks"] for e in lib)
        ranked = []
        for i, entry in enumerate(lib):
            if cid not in entry["checks"] or entry.get("agreement") == doc.title:
                continue
            score, shared = index.score(query, i)
            shared_parties = sorted(parties & set(entry.get("parties") or []))
            bonus = 1.0 if shared_parties else 0.5 if region and region in (entry.get("region") or "") else 0.0
            # An agreement-wide clause is what meets G3/G7 in full: it ranks above partial ones.
            full = int(cid in {"G3", "G7"} and entry.get("scope") == "agreement")
            same_lang = entry["language"] == doc.language
            why = [f"meets {cid} in {entry['agreement']} ({entry['year']})"]
            why.append("same language" if same_lang else f"in {entry['language']}" if has_own_language
                       else f"in {entry['language']}: no {doc.language} precedent for {cid} in the library")
            if shared_parties:
                why.append(f"shared parties {', '.join(shared_parties)}")
            elif bonus:
                why.append(f"same region ({region})")
            if shared:
                why.append("close wording: " + ", ".join(shared[:6]))
            if full:
                why.append("covers the whole agreement")
            ranked.append(((not same_lang, -full, -(score + bonus)), {
                "agreement": entry["agreement"], "treaty": entry["treaty"], "article": entry["article"],
                "article_identifier": entry["article_identifier"], "year": entry["year"], "language": entry["language"],
                "labels": entry["labels"], "text": entry["text"], "score": round(score + bonus, 3),
                "why": "; ".join(why), "source": entry["source"]}))
        ranked.sort(key=lambda r: r[0])
        out["gaps"][cid] = {"status": check.status, "question": check.question,
                            "precedents": [r[1] for r in ranked[:per_check]]}
    return out


def to_markdown(result: dict[str, Any]) -> str:
    lines = [f"# Precedent clauses for {result['document']['title'] or result['document']['source']}", ""]
    for cid, gap in result["gaps"].items():
        lines += [f"## {cid} ({gap['status']}): {gap['question']}", ""]
        if not gap["precedents"]:
            lines += ["No precedent in the library.", ""]
        for p in gap["precedents"]:
            lines += [f"### {p['agreement']} ({p['year']}, {p['language']}), {p['article']}", "",
                      f"_{p['why']}_", "", "> " + " ".join(p["text"].split())[:900], ""]
    return "\n".join(lines) + "\n"
