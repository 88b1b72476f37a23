"""Length-preserving text folding shared by the rule layer and its lexicons.

Lower-casing and accent folding with `str.translate` keep one character for one character, so
offsets found in the folded text are offsets in the original: evidence is quoted exactly.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right


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
