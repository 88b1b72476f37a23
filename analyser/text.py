"""Text knowledge every stage shares: folding with offsets, and the heading grammar.

Lower-casing and accent folding with `str.translate` keep one character for one character, so
offsets found in the folded text are offsets in the original: evidence is quoted exactly (the
rule layer, its lexicons, the learned layer, the precedents).

The heading grammar (data/headings.yaml and every language's words, analyser/lang/<code>/
headings.yaml) finds headings in plain text (structure), keeps PDF headings apart from running
headers (ingest), and names the article a heading path belongs to (classify, compare, training).
It lives here, not in structure, so that no stage imports a later one.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from analyser import lang
from analyser.datafile import load_yaml

DATA = Path(__file__).parent / "data"


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0xC0, 0x250):
        ch = chr(cp)
        base = unicodedata.normalize("NFKD", ch)[0].lower()
        if base.isascii() and base.isalpha():
            table[cp] = base
    for src, dst in {"’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"', "«": '"', "»": '"',
                     "–": "-", "—": "-", "‐": "-", "‑": "-", "\u037e": ";", "ß": "s", "æ": "a", "œ": "o", "Æ": "a", "Œ": "o"}.items():
        table[ord(src)] = dst
    return table


_TABLE = _build_table()


def fold(text: str) -> str:
    """Lower-case, strip accents, unify quotes, dashes and the Greek question mark that some
    texts use for a semicolon; same length as the input."""
    out = text.lower().translate(_TABLE)
    # str.lower() can change length for a few characters (e.g. 'İ'); fall back per character then.
    if len(out) != len(text):
        out = "".join(ch.lower()[:1].translate(_TABLE) if len(ch.lower()) != 1 else ch.lower().translate(_TABLE) for ch in text)
    return out


_FOOTNOTE_MARK = re.compile(r"(?<=[a-z]{3})\d{1,3}\b")
_WS = re.compile(r"\s{2,}|[\n\t\r\f\v]")


class Collapsed:
    """Text with every whitespace run turned into one space, and the way back to original offsets.

    spaCy makes a token of extra whitespace, which would break a phrase that a treaty wraps over
    two lines; collapsing first keeps phrase matching simple while evidence offsets stay exact.
    """

    def __init__(self, text: str) -> None:
        # Footnote markers glued to a word ("creative arts1 of") become spaces, same length.
        text = _FOOTNOTE_MARK.sub(lambda m: " " * len(m.group(0)), text)
        pieces: list[str] = []
        self._new: list[int] = [0]
        self._old: list[int] = [0]
        last = 0
        new_len = 0
        for m in _WS.finditer(text):
            pieces.append(text[last:m.start()])
            new_len += m.start() - last
            pieces.append(" ")
            new_len += 1
            last = m.end()
            self._new.append(new_len)
            self._old.append(m.end())
        pieces.append(text[last:])
        self.text = "".join(pieces)

    def original(self, pos: int) -> int:
        """Offset in the original text of offset `pos` in the collapsed text."""
        i = bisect_right(self._new, pos) - 1
        return self._old[i] + (pos - self._new[i])


@dataclass
class Grammar:
    heading: re.Pattern[str]
    levels: dict[str, int]
    kinds: dict[str, str]  # lower-cased keyword -> kind
    max_heading_chars: int
    max_title_chars: int
    recital_split: re.Pattern[str]
    continuation: re.Pattern[str]
    reference_list: re.Pattern[str]
    article_segment: re.Pattern[str]  # a heading-path segment that is an article, and its number
    preamble: re.Pattern[str]  # a preamble heading on a line of its own
    titled: re.Pattern[str]  # an unnumbered, titled protocol or annex ("PROTOCOL ON TRADE IN GOODS")
    max_title_lines: int = 3
    title_tail_words: int = 3


@lru_cache(maxsize=1)
def grammar() -> Grammar:
    """The heading grammar: data/headings.yaml with every language's words (analyser/lang)."""
    spec = load_yaml(DATA / "headings.yaml")
    by_kind = lang.merged_by_kind("headings", "kinds")
    keywords: list[str] = []
    kinds: dict[str, str] = {}
    levels: dict[str, int] = {}
    article_keywords: list[str] = []
    for entry in spec["kinds"]:
        levels[entry["kind"]] = entry["level"]
        for kw in by_kind.get(entry["kind"], []):
            keywords.append(kw)
            kinds[kw.replace("\\", "")] = entry["kind"]
            if entry["kind"] == "article":
                article_keywords.append(kw)
    keywords.sort(key=len, reverse=True)
    number = "|".join([spec["number"], *lang.merged("headings", "numbers")])
    # The keyword is a whole word: "PROTOCOLE SUR" is not "PROTOCOL" numbered "E".
    pattern = (
        r"^[ ]*(?:#{1,6}[ ]*)?(?P<kw>" + "|".join(keywords) + r")(?![^\W\d_])[ ]*(?P<num>(?:" + number + r"))\b[ ]*"
        r"(?P<rest>(?:[.:\-–—)][^\n]*|[A-ZÀ-ÝÑ(“\"'][^\n]*)?)$"
    )
    return Grammar(
        heading=re.compile(pattern, re.IGNORECASE | re.MULTILINE),
        levels=levels,
        kinds=kinds,
        max_heading_chars=spec["max_heading_chars"],
        max_title_chars=spec["max_title_chars"],
        recital_split=re.compile(spec["recital_split"]),
        continuation=re.compile(r"(?:,|\b(?:" + "|".join(map(re.escape, lang.merged("headings", "continuation_words")))
                                + r"))[ ]*$", re.I),
        reference_list=re.compile(r"\b(" + "|".join(lang.merged("headings", "reference_words")) + r")\s+[0-9IVX]", re.I),
        article_segment=re.compile(r"^(?:" + "|".join(article_keywords) + r")\s+(?P<num>[\w.\-]+)", re.I),
        preamble=re.compile(r"^[ ]*(?:#{1,6}[ ]*)?(?P<kw>" + "|".join(lang.merged("headings", "preamble"))
                            + r")[ ]*[.:]?[ ]*$", re.IGNORECASE | re.MULTILINE),
        titled=re.compile(r"^[ ]*(?:#{1,6}[ ]*)?(?P<kw>" + "|".join(
            kw for kw in keywords if kinds.get(kw.replace("\\", "")) in {"annex", "protocol"}) + r")[ ]+(?P<rest>(?:"
            + "|".join(lang.merged("headings", "title_connectors")) + r")\b[^\n]*)$", re.IGNORECASE | re.MULTILINE),
        max_title_lines=spec["max_title_lines"],
        title_tail_words=spec["title_tail_words"],
    )


def _article_segment(heading: str) -> tuple[list[str], int, re.Match[str] | None]:
    """The heading path's parts, and the index and match of its first article segment."""
    parts = heading.split(" > ")
    segment = grammar().article_segment
    for i, part in enumerate(parts):
        m = segment.match(part)
        if m:
            return parts, i, m
    return parts, -1, None


def article_key(heading: str) -> str:
    """The article a provision belongs to, as its heading path cut after the article segment
    ("Chapter 12 > Article 12.5 Paperless Trading > 3" -> "Chapter 12 > Article 12.5 Paperless
    Trading"). Labels of documents without ToTA ids are kept per article under this key."""
    parts, i, m = _article_segment(heading)
    return " > ".join(parts[: i + 1]) if m else heading


def article_number(heading: str) -> str:
    """The number of the article in a heading path ("Chapter 8 > Article 8.2 > 3" -> "8.2"), or ""."""
    _, _, m = _article_segment(heading)
    return m.group("num") if m else ""
