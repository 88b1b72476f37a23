"""Provisions too long for one spaCy Doc, classified in pieces that keep their offsets.

spaCy refuses a text over `Language.max_length` (1,000,000 characters, error E088). A provision
that long is an agreement whose headings the grammar did not know (pasted as text, say). It is
classified paragraph by paragraph (a blank line ends a paragraph: the unit a normal split would
have put in one provision or less). A paragraph still over the limit is cut at line ends, then
sentence ends, then spaces, into the fewest pieces within the limit. Evidence offsets are shifted
back, so they index the provision's text as usual. Provisions within the limit are classified
whole, exactly as before.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Callable

from analyser.model import Finding, Provision

MAX_CHARS = 1_000_000  # spaCy's Language.max_length; folding and collapsing never lengthen a text
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")
_CUTS = (re.compile(r"\n"), re.compile(r"(?<=[.;:!?])\s"), re.compile(r"\s"))  # tried in this order


def spans(text: str, limit: int = MAX_CHARS) -> list[tuple[int, int]]:
    """(start, end) of the pieces of `text`: the whole text when it is within `limit`, else its
    non-blank paragraphs, each cut further only if it is over the limit."""
    if len(text) <= limit:
        return [(0, len(text))]
    out: list[tuple[int, int]] = []
    start = 0
    for m in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = m.start() if m else len(text)
        if text[start:end].strip():
            out += _pack(text, start, end, limit, 0)
        start = m.end() if m else len(text)
    return out


def _pack(text: str, a: int, b: int, limit: int, level: int) -> list[tuple[int, int]]:
    """[a, b) in the fewest consecutive pieces within `limit`, cut after the separators of
    `_CUTS[level]` (a unit still too long is cut at the next level; with none left, every
    `limit` characters)."""
    if b - a <= limit:
        return [(a, b)]
    if level == len(_CUTS):
        return [(i, min(i + limit, b)) for i in range(a, b, limit)]
    points = [m.end() for m in _CUTS[level].finditer(text, a, b) if a < m.end() < b] + [b]
    out: list[tuple[int, int]] = []
    chunk, last = a, a
    for p in points:
        if p - chunk > limit:
            if last > chunk:
                out.append((chunk, last))
                chunk = last
            if p - chunk > limit:
                out += _pack(text, chunk, p, limit, level + 1)
                chunk = p
        last = p
    if chunk < b:
        out.append((chunk, b))
    return out


def in_pieces(classify: Callable[[Provision], list[Finding]], provision: Provision,
              limit: int = MAX_CHARS) -> list[Finding]:
    """`classify(provision)`, or, for a provision over `limit`, the findings of each piece with
    their evidence offsets moved back into the provision (not merged: the caller merges)."""
    if len(provision.text) <= limit:
        return classify(provision)
    found: list[Finding] = []
    for s, e in spans(provision.text, limit):
        piece = dataclasses.replace(provision, text=provision.text[s:e], start=provision.start + s,
                                    end=provision.start + e, findings=[], candidates=[])
        for finding in classify(piece):
            for ev in finding.evidence:
                ev.start += s
                ev.end += s
            found.append(finding)
    return found
