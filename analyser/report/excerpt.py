"""The quote a report shows for a finding: the sentences or list items that hold its evidence.

A provision such as a general-exceptions article is long and its evidence sits in one
sub-paragraph ("f) Protección del patrimonio nacional ..."); a quote cut at a fixed length stops
before it. Every report (Markdown, HTML, Word, PDF notes, the periodic report) quotes through
`excerpt`, so a reader always sees the evidence inside its own sentence or item, with the clause
that introduces the list, "…" where text is left out, and the evidence marked.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

# A sentence or list item ends at ". " (before a capital, a bracket or a list marker), at "; " or
# ": ", or at a blank line (not one before a lower-case word: a page break inside a sentence); a
# line break alone is wrapping. A list item also starts at a line that
# opens with its marker ("f) ", "(f) ", "(iv) ", "3. ").
_END = re.compile(r"(?<=[;:])\s+|(?<=\.)\s+(?=[A-ZÀ-Ý(«\"“]|[a-z]{1,2}\)|\d{1,2}[.)]\s)|\n\s*\n\s*(?![\sa-zà-ÿ])")
_ITEM = re.compile(r"\n[ \t]*(?=\(?(?:[a-z]{1,2}|[ivxlc]+|\d{1,2})[.)]\s)")
_MARKER = re.compile(r"\(?(?:[a-z]{1,2}|[ivxlc]+|\d{1,3}(?:\.\d+)*)[.)]")
_COMMA = re.compile(r",\s")
_SPACE = re.compile(r"\s+")
ELLIPSIS = "…"
LIMIT = 400  # characters of quoted text, evidence items beyond it are cut around their evidence
MIN_SHARE = 120  # the least each sentence gets when the evidence is spread over several


@dataclass(frozen=True)
class Excerpt:
    """The quote as pieces of text, each flagged when it is evidence."""

    pieces: tuple[tuple[str, bool], ...]

    def render(self, mark: Callable[[str], str], show: Callable[[str], str] = str) -> str:
        """The quote with every evidence piece through `mark` and the rest through `show`."""
        return "".join(mark(show(t)) if ev else show(t) for t, ev in self.pieces)

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.pieces)


@lru_cache(maxsize=64)
def _units(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each sentence or list item, whitespace around it left out; cut once per
    provision (every finding, format and PDF note of a provision quotes from the same units)."""
    cuts = sorted({0, len(text)} | {m.end() for m in _END.finditer(text)} | {m.end() for m in _ITEM.finditer(text)})
    out: list[tuple[int, int]] = []
    for a, b in zip(cuts, cuts[1:]):
        piece = text[a:b]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            if out and _MARKER.fullmatch(text[out[-1][0]:out[-1][1]]):  # "1." alone opens the sentence after it
                out[-1] = (out[-1][0], a + len(piece.rstrip()))
            else:
                out.append((a + lead, a + len(piece.rstrip())))
    return tuple(out)


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _window(text: str, a: int, b: int, spans: list[tuple[int, int]], limit: int) -> tuple[int, int]:
    """[a, b) cut to about `limit` characters around its evidence, at word boundaries."""
    if b - a <= limit:
        return a, b
    first, last = spans[0][0], spans[-1][1]
    start = max(a, min(first - limit // 3, last - limit))
    if start > a:
        space = _SPACE.search(text, start, first)
        start = space.end() if space else start
    end = min(b, max(start + limit, last))
    if end < b:
        spaces = [m.start() for m in _SPACE.finditer(text, last, end)]
        end = spaces[-1] if spaces else end
    return start, end


def excerpt(text: str, spans: Iterable[tuple[int, int]], limit: int = LIMIT) -> Excerpt:
    """The sentences or list items of `text` that hold `spans` (evidence offsets), each cut to
    `limit` around its evidence, led by the clause that introduces their list when it fits
    (cut to its end otherwise), "…" where text is left out, the evidence marked."""
    spans = [(s, e) for s, e in _merge((max(0, s), min(len(text), e)) for s, e in spans) if e > s]
    units = _units(text)
    chosen = [u for u in units if any(s < u[1] and e > u[0] for s, e in spans)]
    if not chosen:  # no evidence (or none inside the text): the provision's opening
        a, b = _window(text, 0, len(text), [(0, 0)], limit)
        return _assemble(text, [(a, b)], [])
    parts = []
    share = max(limit // len(chosen), MIN_SHARE)  # evidence in many sentences: each one shorter
    for a, b in chosen:  # an evidence span that runs over a unit's end takes the unit with it
        a = min([a] + [s for s, e in spans if a <= e and s < b])
        b = max([b] + [e for s, e in spans if s < b and e > a])
        inside = [(max(s, a), min(e, b)) for s, e in spans if s < b and e > a]
        parts.append(_window(text, a, b, inside, share))
    parts = _merge(parts)
    lead = _lead_in(text, units, parts[0][0])
    if lead:
        a, b = lead
        room = max(limit - sum(e - s for s, e in parts), limit // 3)
        if b - a > room:  # keep the end of a long lead-in, from a clause ("…, nothing in ...") or a word
            commas = [m.start() for m in _COMMA.finditer(text, b - room, b - room // 3)]
            cut = commas[-1] + 1 if commas else text.find(" ", b - room, b)
            a = cut + 1 if cut >= 0 else b - room
        parts.insert(0, (a, b))
    return _assemble(text, parts, spans)


def _lead_in(text: str, units: tuple[tuple[int, int], ...], start: int) -> tuple[int, int] | None:
    """The clause ending in a colon that introduces the list the unit at `start` belongs to."""
    before = [u for u in units if u[1] <= start]
    for a, b in reversed(before):
        if text[b - 1] == ":":
            return a, b
        if text[b - 1] == ".":  # a full stop ends the list: nothing introduces this unit
            return None
    return None


def _assemble(text: str, parts: list[tuple[int, int]], spans: list[tuple[int, int]]) -> Excerpt:
    pieces: list[tuple[str, bool]] = []
    rest = text.strip()
    first = len(text) - len(text.lstrip())
    for i, (a, b) in enumerate(parts):
        if text[parts[i - 1][1] if i else first:a].strip():  # text left out before this part
            pieces.append((" " + ELLIPSIS + " " if i else ELLIPSIS + " ", False))
        elif i:
            pieces.append((" ", False))
        at = a
        for s, e in spans:
            s, e = max(s, a), min(e, b)
            if s >= e:
                continue
            if s > at:
                pieces.append((text[at:s], False))
            pieces.append((text[s:e], True))
            at = e
        if at < b:
            pieces.append((text[at:b], False))
    if parts and parts[-1][1] < first + len(rest):
        pieces.append((" " + ELLIPSIS, False))
    return Excerpt(_tidy(pieces))


def _tidy(pieces: list[tuple[str, bool]]) -> tuple[tuple[str, bool], ...]:
    """One space for every run of whitespace; spaces at the edges of an evidence piece moved out of it."""
    out: list[tuple[str, bool]] = []
    for t, ev in pieces:
        t = re.sub(r"\s+", " ", t)
        if ev:
            core = t.strip()
            if not core:
                t, ev = " ", False
            else:
                if t[0] == " ":
                    out.append((" ", False))
                out.append((core, True))
                if t[-1] == " ":
                    out.append((" ", False))
                continue
        out.append((t, ev))
    tidy: list[tuple[str, bool]] = []
    for t, ev in out:  # no double spaces where pieces meet
        if tidy and tidy[-1][0].endswith(" ") and t.startswith(" "):
            t = t[1:]
        if t:
            tidy.append((t, ev))
    if tidy and not tidy[0][1]:
        tidy[0] = (tidy[0][0].lstrip(), False)
    if tidy and not tidy[-1][1]:
        tidy[-1] = (tidy[-1][0].rstrip(), False)
    return tuple((t, ev) for t, ev in tidy if t)
