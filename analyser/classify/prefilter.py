"""Which provisions the rule layer can skip unread: those where no rule's anchor can match.

Every rule hit is built around a match of its anchor group (rules.yaml `anchor`), so a provision
in which no anchor group matches has no rule hit. Tokenising and matching cost far more than a
text search, and most provisions of an agreement hold no anchor ("services", "national" alone do
not make "audiovisual services", "national treasures"). The test here cannot lose a match:

- each anchor entry becomes a regex of its tokens in order, `\\s*` between them, run on the
  exact text the matcher tokenises (folded, titles masked, whitespace collapsed). A matched token
  is a substring of that text with only whitespace between it and the next one, and the matcher
  compares lower-case forms of a lower-case text, so a phrase the matcher finds, this finds;
- a token pattern gives the longest run of its consecutive required tokens with a plain LOWER
  value or IN list (other keys only narrow a token further);
- the regexes are grouped by their longest literal token, and a group's regex runs only when
  that word occurs in the folded text (a plain substring test), which keeps the search cheap.

An anchor entry with no such run (a pattern of regexes only) turns the filter off for its
language: then every provision is matched, as without it.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Any, Callable, Iterable

TokenTexts = Callable[[str], list[str]]  # the matcher's tokenizer, as token texts


class AnchorFilter:
    """`may_match(folded, collapsed)`: False only when no anchor group can match."""

    def __init__(self, by_word: dict[str, re.Pattern[str]]) -> None:
        self._by_word = sorted(by_word.items(), key=lambda kv: -len(kv[0]))

    def may_match(self, folded: str, collapsed: Callable[[], str]) -> bool:
        """`folded`: the folded text; `collapsed()`: the text the matcher tokenises (computed
        only when a word of an anchor occurs; the caller computes it once)."""
        for word, regex in self._by_word:  # a loop, not any(...): run on every provision
            if word in folded and regex.search(collapsed()):
                return True
        return False


def anchor_filter(entries: Iterable[Any], tokens: TokenTexts) -> AnchorFilter | None:
    """The filter for these lexicon entries (phrases and token patterns of the anchor groups),
    or None when one of them gives no literal run to look for."""
    by_word: dict[str, list[str]] = defaultdict(list)
    for entry in entries:
        if isinstance(entry, str):
            words = [t for t in tokens(entry) if t.strip()]
            run = [re.escape(t) for t in words]
        else:
            run, words = _pattern_run(entry)
        if not run:
            return None
        by_word[max(words, key=len) if words else ""].append(r"\s*".join(run))
    if "" in by_word:  # a run of IN lists only: no single word to test first
        return None
    return AnchorFilter({w: re.compile("|".join(sorted(set(v)))) for w, v in by_word.items()})


def _pattern_run(pattern: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """The regexes of the longest run of consecutive required tokens with a LOWER string or IN
    list, and the literal words of that run (LOWER strings)."""
    best: tuple[list[str], list[str]] = ([], [])
    run: list[str] = []
    words: list[str] = []
    for tok in [*pattern, None]:
        value = tok.get("LOWER") if tok is not None and tok.get("OP") is None else None
        if isinstance(value, str):
            run.append(re.escape(value))
            words.append(value)
            continue
        if isinstance(value, dict) and set(value) == {"IN"} and value["IN"]:
            run.append("(?:" + "|".join(re.escape(v) for v in value["IN"]) + ")")
            continue
        if words and len(run) > len(best[0]):
            best = (run, words)
        run, words = [], []
    return best
