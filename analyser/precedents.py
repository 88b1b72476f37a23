"""Precedent clauses for every check an agreement misses or only partly meets.

The library (data/precedents.jsonl, built by scripts/build_precedents.py) holds the labelled
articles of the non-held-out tuning splits with their agreement, article, year and language, the
checks each meets (annotator and rule layer agreeing) and, per check, its operative sentence with
the evidence marked; the whole clause is kept beside it. For each gap, clauses that carry the
check's label are ranked: the agreement's own language first, then clauses written for culture
before general exceptions with a cultural limb (GATT XX chapeau), agreement-wide before partial
ones (G3, G7), then by fit: the cultural terms of the operative sentence, BM25 similarity between
the operative sentence and the agreement's own text (boilerplate terms left out), and shared
parties or region. BM25 is simple, offline, needs no model and explains itself (the shared terms).
Terms and weights live in data/precedents.yaml.
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any


from analyser.checks import CHECK_LABELS as _CHECK_LABELS
from analyser.text import fold
from analyser.datafile import load_yaml
from analyser.i18n import Texts, report_language
from analyser.model import Report
from analyser.report.people import party_names

DATA = Path(__file__).parent / "data"
_TOKEN = re.compile(r"[a-z]{3,}")
PER_CHECK = 3


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """Every language's function words, folded: spaCy's list for each supported language (its
    module, without a pipeline) and the project's own (analyser/lang/<code>/precedents.yaml).
    They never rank a clause and are never shown to a reader as a reason."""
    from importlib import import_module

    from analyser import lang

    words = set(lang.merged("precedents", "stop_words"))
    for code in lang.SUPPORTED:
        words |= {fold(w) for w in import_module(f"spacy.lang.{code}.stop_words").STOP_WORDS}
    return frozenset(words)


def _as_written(text: str, start: int, end: int) -> str:
    """A word of the clause as its reader sees it: accents and acronyms kept, a capital that only
    opens a sentence or an item lowered."""
    word = text[start:end]
    before = text[:start].rstrip()
    if word[:1].isupper() and word[1:].islower() and (not before or before[-1] in ".;:!?)"):
        return word[:1].lower() + word[1:]
    return word


def words_of(sentence: str, terms: list[str], prefix: bool, text: str | None = None) -> list[str]:
    """The clause's own words for folded `terms` (whole words, or word prefixes with `prefix`),
    in the order `sentence` has them: "cultur" -> "cultural", "indigena" -> "indígenas". A word
    the clause (`text`, default the sentence) also writes in lower case is shown so ("Cultural
    Expressions" in a title -> "cultural")."""
    found: dict[str, tuple[int, str]] = {}
    folded = fold(sentence)  # once, not once per term
    written = set(re.findall(r"[\w-]+", text or sentence))
    for term in terms:
        pattern = re.compile(rf"(?<![\w-]){re.escape(term)}" + (r"[\w-]*" if prefix else r"(?![\w-])"))
        hits = list(pattern.finditer(folded))
        if not hits:
            continue
        first = sentence[hits[0].start():hits[0].end()]
        word = first.lower() if first.lower() in written \
            else _as_written(sentence, hits[0].start(), hits[0].end())
        found.setdefault(term, (hits[0].start(), word))
    return list(dict.fromkeys(w for _, w in sorted(found.values())))


@lru_cache(maxsize=1)
def focus_words() -> dict[str, tuple[str, ...]]:
    """Per check, the heading words of every language that point at the part of an agreement the
    check is about (the BM25 query)."""
    from analyser import lang

    return {cid: tuple(words) for cid, words in lang.merged_by_kind("precedents", "focus").items()}


@lru_cache(maxsize=1)
def _citation_opening() -> re.Pattern[str]:
    """A folded sentence that opens with a citation of another part of a text ("Annex O-06
    applies ...", "l'annexe 5 s'applique ...", "el Anexo 3 se aplica ..."): its subject is that
    other text, so the sentence says nothing on its own. Function words may come before the
    reference word (every language's reference words: lang/<code>/lexicon.yaml `structure`)."""
    from analyser import lang

    words = sorted({w for code in lang.SUPPORTED
                    for w in lang.language_data(code).lexicon["structure"]["reference_words"]}, key=len, reverse=True)
    function = "|".join(sorted((re.escape(w) for w in stop_words() if w.isalpha()), key=len, reverse=True))
    return re.compile(rf"^(?:(?:{function})(?:\s+|'|’))*(?:[a-z]['’])?(?:{'|'.join(map(re.escape, words))})\s+"
                      r"(?=[\w.\-]*[0-9]|[ivxlc]+\b)[\w.\-]+")


def refers_elsewhere(sentence: str) -> bool:
    """The operative sentence only points to another text ("Annex 2106 applies to the Parties
    specified in that Annex with respect to cultural industries"): its substance is in that text,
    which the library does not hold, so it is no model clause for a negotiator."""
    return bool(_citation_opening().match(fold(sentence).strip()))


# The labels whose finding holds a check's operative sentence (an agreement-wide exemption meets G4).
CHECK_LABELS = {**_CHECK_LABELS, "G4": ("digital_trade", "cultural_exemption")}


@lru_cache(maxsize=1)
def settings() -> dict[str, Any]:
    return load_yaml(DATA / "precedents.yaml")


@lru_cache(maxsize=1)
def library() -> list[dict[str, Any]]:
    path = DATA / "precedents.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _sentences(entry: dict[str, Any]) -> str:
    """What a clause is ranked on: its operative sentences (not the general text around them)."""
    return " ".join(dict.fromkeys(o["sentence"] for o in entry["operative"].values()))


@lru_cache(maxsize=1)
def _index() -> "BM25":
    """The library's BM25 index over operative sentences: built once, like the library itself."""
    return BM25([_tokens(_sentences(e)) for e in library()])


@lru_cache(maxsize=1)
def _boilerplate() -> frozenset[str]:
    """Terms that say nothing about fit: the listed ones, and those in many clauses of the library."""
    listed = {fold(t) for t in settings()["boilerplate_terms"]}
    index, share = _index(), settings()["close_wording_max_share"]
    common = {t for t, idf in index.df.items() if idf > share * len(index.docs)}
    return frozenset(listed | common)


def _tokens(text: str) -> list[str]:
    stop = stop_words()
    return [t for t in _TOKEN.findall(fold(text)) if t not in stop]


def cultural_terms(text: str) -> list[str]:
    """The distinct cultural terms (data/precedents.yaml, word prefixes) of a text."""
    words = set(re.findall(r"[\w-]+", fold(text)))
    return [t for t in settings()["cultural_terms"] if any(w.startswith(t) for w in words)]


class BM25:
    def __init__(self, docs: list[list[str]], k1: float = 1.5, b: float = 0.75) -> None:
        self.docs, self.k1, self.b = docs, k1, b
        self.avg = sum(map(len, docs)) / max(1, len(docs))
        self.df = df = Counter(t for d in docs for t in set(d))
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


@lru_cache(maxsize=1)
def _entry_facts() -> list[tuple[dict[str, list[str]], bool]]:
    """What never changes between queries, per library entry: the cultural terms of each check's
    operative sentence, and whether the clause is a general exception."""
    chapeau = re.compile(settings()["general_exceptions"], re.I)
    return [({cid: cultural_terms(op["sentence"]) for cid, op in entry["operative"].items()},
             bool(chapeau.search(entry["text"]))) for entry in library()]


def _query(report: Report, cid: str) -> list[str]:
    focus = focus_words().get(cid)
    provisions = report.document.provisions
    if focus:
        chosen = [p for p in provisions if any(w in fold(p.heading) for w in focus)]
        provisions = chosen or provisions
    text = " ".join(p.text for p in provisions)
    boilerplate = _boilerplate()
    return [t for t, _ in Counter(t for t in _tokens(text) if t not in boilerplate).most_common(400)]


def propose(report: Report, per_check: int = PER_CHECK, lang: str | None = None) -> dict[str, Any]:
    """Precedents for each gap; `question` and `why` in `lang` (default: the agreement's language)."""
    from analyser.report import in_language

    report = in_language(report, lang)
    tr = Texts(report_language(report.document.language, lang))
    doc = report.document
    lib, index, facts = library(), _index(), _entry_facts()
    weights = settings()["weights"]
    queries: dict[tuple[str, ...] | None, list[str]] = {}  # checks without a focus share one query
    parties = set(doc.parties)
    region = (doc.metadata.get("region") or "").split(";")[0].strip()
    out: dict[str, Any] = {"document": {"source": doc.source, "title": doc.title, "language": doc.language},
                           "report_language": tr.lang, "gaps": {}}
    for cid, check in report.checks.items():
        if check.status not in {"missing", "partly"}:
            continue
        focus = focus_words().get(cid)
        if focus not in queries:
            queries[focus] = _query(report, cid)
        query = queries[focus]
        has_own_language = any(e["language"] == doc.language and cid in e["checks"] for e in lib)
        ranked = []
        for i, entry in enumerate(lib):
            if cid not in entry["checks"] or entry.get("agreement") == doc.title:
                continue  # only clauses that carry the check's label; never the agreement itself
            op = entry["operative"][cid]
            if refers_elsewhere(op["sentence"]):
                continue  # a pointer to another text is no clause to copy
            score, shared = index.score(query, i)
            culture = facts[i][0][cid]
            relevance = weights["cultural_term"] * min(len(culture), weights["max_cultural_terms"])
            shared_parties = sorted(parties & set(entry.get("parties") or []))
            bonus = (weights["shared_parties"] if shared_parties
                     else weights["same_region"] if region and region in (entry.get("region") or "") else 0.0)
            # An agreement-wide clause is what meets G3/G7 in full: it ranks above partial ones.
            full = int(cid in {"G3", "G7"} and entry.get("scope") == "agreement")
            general = facts[i][1]
            same_lang = entry["language"] == doc.language
            why = [tr("precedents.meets", check=cid, agreement=entry["agreement"], year=entry["year"])]
            language = tr.language_name(entry["language"])
            why.append(tr("precedents.same_language") if same_lang
                       else tr("precedents.other_language", language=language) if has_own_language
                       else tr("precedents.no_own_language", language=language, own=tr.language_name(doc.language),
                               check=cid))
            if culture:
                why.append(tr("precedents.about", words=", ".join(words_of(op["sentence"], culture, True, entry["text"])[:4])))
            if shared_parties:
                listed = ", ".join(party_names(shared_parties[:4], tr.lang))
                if len(shared_parties) > 4:
                    listed = tr("checks.and_more", names=listed, n=len(shared_parties) - 4)
                why.append(tr("precedents.shared_parties", parties=listed))
            elif bonus:
                why.append(tr("precedents.same_region", region=region))
            shown = words_of(entry["text"], shared[:6], False)
            if shown:  # the clause's own words, never stems or function words
                why.append(tr("precedents.close_wording", words=", ".join(shown)))
            if full:
                why.append(tr("precedents.whole_agreement"))
            if general:
                why.append(tr("precedents.general_exception"))
            total = score + relevance + bonus
            ranked.append(((not same_lang, general, -full, -total), {
                "agreement": entry["agreement"], "treaty": entry["treaty"], "article": entry["article"],
                "article_identifier": entry["article_identifier"], "year": entry["year"], "language": entry["language"],
                "labels": entry["labels"], "sentence": op["sentence"], "marks": op["marks"], "text": entry["text"],
                "score": round(total, 3), "why": "; ".join(why), "source": entry["source"]}))
        ranked.sort(key=lambda r: r[0])
        out["gaps"][cid] = {"status": check.status, "question": check.question,
                            "precedents": [r[1] for r in ranked[:per_check]]}
    return out


def marked(sentence: str, marks: list[list[int]], open_: str, close: str) -> str:
    """The sentence with its evidence spans wrapped (markdown bold, HTML <mark>)."""
    from analyser.report.html import mark_spans

    return mark_spans(sentence, [(start, end, "") for start, end in marks], lambda _, inner: f"{open_}{inner}{close}", str)


def to_json(result: dict[str, Any]) -> str:
    return json.dumps(result, ensure_ascii=False, indent=1) + "\n"


def to_markdown(result: dict[str, Any]) -> str:
    """Each precedent: its operative sentence with the evidence in bold, then the whole clause."""
    tr = Texts(result.get("report_language"))
    lines = [f"# {tr('precedents.title', title=result['document']['title'] or result['document']['source'])}", ""]
    for cid, gap in result["gaps"].items():
        lines += [f"## {cid} ({tr.status(gap['status'])}): {gap['question']}", ""]
        if not gap["precedents"]:
            lines += [tr("precedents.no_precedent"), ""]
        for p in gap["precedents"]:
            sentence = " ".join(marked(p["sentence"], p["marks"], "**", "**").split())
            lines += [f"### {p['agreement']} ({p['year']}, {tr.language_name(p['language'])}), {p['article']}", "",
                      f"_{p['why']}_", "", "> " + sentence, "",
                      f"<details><summary>{tr('ui.whole_clause')}</summary>", "", *("> " + line if line.strip() else ">"
                                                                       for line in p["text"].splitlines()),
                      "", "</details>", ""]
    return "\n".join(lines) + "\n"


FORMATS = {"json": to_json, "md": to_markdown}
