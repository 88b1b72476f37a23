"""Everything the analyser knows about one language, in one folder: `analyser/lang/<code>/`.

A language is a folder holding `language.yaml` (its name, its place in the list, its Tesseract
code), and whichever of these it has:

- `messages.yaml`: the catalogue of user-facing text (analyser/i18n.py), English for a missing key;
- `lexicon.yaml`: the rule layer's term groups and structure words (classify/rules.py);
- `headings.yaml`: the heading grammar's words (keywords by kind, numbers written as words,
  preamble names, continuation, reference and title words), merged over every language because
  headings are found before the language is known (analyser/structure.py);
- `documents.yaml`: words of the page furniture (tables of contents, "Page 3 of 9", letter-spaced
  headings in PDFs, Word's heading style names);
- `precedents.yaml`: stop words and the words that point at a check's part of an agreement.

Adding a language means adding its folder; nothing in the code lists the languages
(tests/test_languages.py adds Portuguese in a copy of the package). The language-independent
data (rules, calibration, checks) stays in `analyser/data/`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
DEFAULT = "en"


_ORDER = re.compile(r"^order:[ ]*(\d+)[ ]*(?:#.*)?$", re.M)


def _discover() -> tuple[str, ...]:
    """The language folders, in the order their `language.yaml` gives (then by code). The `order`
    line is read without the YAML library: `analyser --help` lists the languages and imports
    nothing heavy (tests/test_cold_start.py)."""
    found = []
    for folder in ROOT.iterdir():
        meta = folder / "language.yaml"
        if meta.is_file():
            m = _ORDER.search(meta.read_text(encoding="utf-8"))
            found.append((int(m.group(1)) if m else 1000, folder.name))
    return tuple(code for _, code in sorted(found))


SUPPORTED: tuple[str, ...] = _discover()


def _part(name: str) -> cached_property:
    """One data file of the folder, as an attribute read on first use."""
    part = cached_property(lambda self: self._file(name))
    part.__doc__ = f"the folder's {name}"
    return part


@dataclass(frozen=True)
class LanguageData:
    """One language's data files, each read on first use; a missing file reads as empty."""

    code: str
    folder: Path = field(compare=False)

    def _file(self, name: str) -> dict[str, Any]:
        from analyser.datafile import load_yaml

        path = self.folder / name
        return (load_yaml(path) or {}) if path.is_file() else {}

    meta = _part("language.yaml")
    messages = _part("messages.yaml")
    lexicon = _part("lexicon.yaml")
    headings = _part("headings.yaml")
    documents = _part("documents.yaml")
    precedents = _part("precedents.yaml")


@lru_cache(maxsize=None)
def language_data(code: str) -> LanguageData:
    """The data of one supported language; ValueError for any other code."""
    if code not in SUPPORTED:
        raise ValueError(f"language {code!r} is not supported (supported: {', '.join(SUPPORTED)})")
    return LanguageData(code, ROOT / code)


def merged(file: str, key: str) -> list[Any]:
    """One list from every language's `file` (headings, documents, precedents) under `key`, in
    the order of SUPPORTED, each item once: for what is looked for before the language is known."""
    out: list[Any] = []
    for code in SUPPORTED:
        for item in getattr(language_data(code), file).get(key) or []:
            if item not in out:
                out.append(item)
    return out


def merged_by_kind(file: str, key: str) -> dict[str, list[Any]]:
    """Like `merged` for a mapping of lists (heading keywords by kind, focus words by check)."""
    out: dict[str, list[Any]] = {}
    for code in SUPPORTED:
        for kind, items in (getattr(language_data(code), file).get(key) or {}).items():
            bucket = out.setdefault(kind, [])
            bucket += [i for i in items or [] if i not in bucket]
    return out
