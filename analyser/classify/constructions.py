"""The structure of a provision as the rules read it: cross-reference titles, sentences, list
items and the clause that governs each item.

A token window cannot tell "The Parties shall cooperate in the following areas: (a) culture"
(culture is a field of cooperation) from two sentences that merely share a paragraph, and it
reads "except as provided in Article 1.6 (Cultural Cooperation)" as cooperation. These
constructions are language-independent; the words they need (reference words, conjunctions)
live in each language's lexicon under `structure:`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from analyser.classify.spacy_import import spacy  # noqa: F401  # isort: skip  (spaCy without its CLI and torch)
from spacy.tokens import Doc

_ROMAN = {"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv"}
_MARKER = re.compile(r"^(?:[a-z]{1,2}|[ivx]+|\d{1,2})$")


@lru_cache(maxsize=8)
def cross_reference_title(reference_words: tuple[str, ...]) -> re.Pattern[str]:
    """A reference to another part of the agreement followed by that part's title in brackets or
    quotes: "Article 1.6 (Cultural Cooperation)", "l'article 14.4 (Traitement non
    discriminatoire ...)", "Capítulo 8 "Comercio electrónico"". Group `title` is the title."""
    words = "|".join(sorted((re.escape(w) for w in reference_words), key=len, reverse=True))
    number = r"(?:[0-9][0-9a-z.\-]*|[ivxlc]+\b|[a-z]+(?:[ -][a-z]+)?)"  # 14.4, XX, "eight", "twenty two"
    return re.compile(
        rf"\b(?:{words})\s+{number}\s*,?\s*(?P<title>\((?=[^()]*[a-z]{{4}})[^()]{{3,160}}\)|\"[^\"]{{3,160}}\")")


def mask_cross_reference_titles(folded: str, reference_words: tuple[str, ...]) -> str:
    """The folded text with the titles of cited articles, chapters and annexes blanked (same
    length, so offsets hold). A title that opens the provision is its own heading and stays."""
    pattern = cross_reference_title(reference_words)

    def blank(m: re.Match[str]) -> str:
        if not folded[:m.start()].strip():
            return m.group(0)  # the provision opens with its own "Article 5 (Title)"
        s, e = m.span("title")  # keep the brackets: "Article 5 ( )" still reads as a citation
        return m.group(0)[: s - m.start() + 1] + " " * (e - s - 2) + m.group(0)[e - m.start() - 1:]

    return pattern.sub(blank, folded)


@dataclass
class Units:
    """Sentences and enumerated items of one tokenised provision.

    `unit_of[t]` is the unit of token t; `parent[u]` the unit that governs unit u (the clause
    ending in a colon that introduces the list u belongs to), or -1.
    """

    unit_of: list[int]
    parent: list[int]
    _ancestors: dict[int, frozenset[int]] = field(default_factory=dict, init=False, repr=False)

    def ancestors(self, unit: int) -> frozenset[int]:
        """The clauses that govern `unit`, at any depth (ten at most); worked out when first
        asked: a rule reads the units of a few tokens, and a long provision has hundreds."""
        found = self._ancestors.get(unit)
        if found is None:
            chain, at = [], unit
            while self.parent[at] >= 0 and len(chain) < 10:
                at = self.parent[at]
                chain.append(at)
            found = self._ancestors[unit] = frozenset(chain)
        return found

    def related(self, a: int, b: int) -> bool:
        """Tokens a and b share a unit, or one's unit governs the other's (at any depth)."""
        ua, ub = self.unit_of[a], self.unit_of[b]
        return ua == ub or ua in self.ancestors(ub) or ub in self.ancestors(ua)

    def governs(self, a: int, b: int) -> bool:
        """Token a stands in a clause that governs the list token b belongs to."""
        return self.unit_of[a] in self.ancestors(self.unit_of[b])


def units(doc: Doc, joiners: frozenset[str] = frozenset()) -> Units:
    """Cut a tokenised provision into units. A unit ends at a full stop, a semicolon or a colon;
    an enumerated item ("(a)", "(ii)", "3)") starts a unit of its own. Items after a clause that
    ends in a colon are governed by it, nested lists by their own item; a full stop that is not
    followed by an item closes the lists. `joiners` may stand between items ("; and (b)")."""
    texts = [t.text for t in doc]  # read once: a Doc's item access builds a Token each time
    lowers = [t.lower_ for t in doc]
    n = len(texts)
    unit_of = [0] * n
    parent: list[int] = [-1]
    lists: list[tuple[str, int]] = []  # open lists: (marker kind, governing unit), outermost first
    current = 0
    i = 0
    while i < n:
        prev = texts[i - 1] if i else ""
        at_boundary = i == 0 or prev in {".", ";", ":", ","} or (
            lowers[i - 1] in joiners and i >= 2 and texts[i - 2] in {";", ","})
        marker = _item_marker(doc, texts, lowers, i) if at_boundary else None
        if marker:
            kind, width = marker
            if prev == ":":
                lists.append((kind, current))
            else:
                level = _level(lists, kind, lowers[i + width - 2])
                if level is None:
                    if not lists:
                        lists.append((kind, -1))
                else:
                    del lists[level + 1:]
            parent.append(lists[-1][1])
            current = len(parent) - 1
            for t in range(i, min(i + width, n)):
                unit_of[t] = current
            i += width
            continue
        if prev in {".", ";", ":"}:
            if prev == ".":
                lists.clear()
            parent.append(current if prev == ":" else (lists[-1][1] if lists else -1))
            current = len(parent) - 1
        unit_of[i] = current
        i += 1
    return Units(unit_of, parent)


_BULLETS = {"-", "•", "·", "▪", "◦"}


def _item_marker(doc: Doc, texts: list[str], lowers: list[str], i: int) -> tuple[str, int] | None:
    """(kind, tokens) when an enumeration marker "(a)", "a)" or a bullet starts at token i
    (`texts` and `lowers`: the Doc's token texts and lower-case forms)."""
    n = len(texts)
    if texts[i] in _BULLETS and i + 1 < n and doc[i + 1].is_alpha:
        return "bullet", 1
    if texts[i] == "(" and i + 2 < n and texts[i + 2] == ")" and _MARKER.match(lowers[i + 1]):
        return _kind(lowers[i + 1]), 3
    if i + 1 < n and texts[i + 1] == ")" and _MARKER.match(lowers[i]) and (i == 0 or texts[i - 1] != "("):
        return _kind(lowers[i]), 2
    return None


def _kind(mark: str) -> str:
    return "digit" if mark.isdigit() else "roman" if mark in _ROMAN else "letter"


def _level(lists: list[tuple[str, int]], kind: str, mark: str) -> int | None:
    """The open list a marker continues: its own kind, or "(i)" after "(h)" a letter."""
    kinds = [k for k, _ in lists]
    if kind == "roman" and "roman" not in kinds and "letter" in kinds:
        kind = "letter"
    if kind == "letter" and mark in _ROMAN and "roman" in kinds:
        kind = "roman"
    for level in range(len(kinds) - 1, -1, -1):
        if kinds[level] == kind:
            return level
    return None


def structure_data(structure: dict[str, Any] | None) -> tuple[tuple[str, ...], frozenset[str]]:
    """(reference words, list joiners) from the `structure:` section of a language's lexicon."""
    data = structure or {}
    return tuple(data.get("reference_words", ())), frozenset(data.get("joiners", ()))
