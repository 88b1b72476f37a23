"""The catalogue of user-facing text: `messages.yaml` in each language's folder under `analyser/lang/`.

Every language has the same keys and the same `{placeholders}` (tests/test_catalogue.py). The
report language follows the agreement's language unless the user asks for another one; JSON keys,
label ids and rule names stay English identifiers and are only *explained* through this catalogue.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from analyser.lang import DEFAULT, SUPPORTED as LANGUAGES, language_data


def catalogue(lang: str) -> dict[str, Any]:
    return language_data(lang).messages


def report_language(document_language: str | None, override: str | None = None) -> str:
    """The language a report is written in: the override, else the agreement's, else English."""
    for lang in (override, document_language):
        if lang in LANGUAGES:
            return lang
    return DEFAULT


def text(lang: str, key: str, /, **kw: Any) -> str:
    """The entry at a dotted key ("report.gaps"), formatted with `kw`; English when missing."""
    value = _lookup(catalogue(lang if lang in LANGUAGES else DEFAULT), key)
    if value is None:
        value = _lookup(catalogue(DEFAULT), key)
    if value is None:
        raise KeyError(key)
    return str(value).format(**kw) if kw else str(value)


def _lookup(tree: dict[str, Any], key: str) -> Any:
    node: Any = tree
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


class Texts:
    """`text` bound to one language: `tr = Texts("fr"); tr("report.gaps")`."""

    def __init__(self, lang: str | None) -> None:
        self.lang = lang if lang in LANGUAGES else DEFAULT

    def __call__(self, key: str, /, **kw: Any) -> str:
        return text(self.lang, key, **kw)

    def status(self, status: str) -> str:
        return self(f"statuses.{status}")

    def label(self, label: str) -> str:
        """A label's plain name; an unknown identifier is shown as it is."""
        return _lookup(catalogue(self.lang), f"labels.{label}") or label

    def layer(self, layer: str) -> str:
        """"rule:a,b" -> "rule: what a looks for; what b looks for"; "model:x" -> "learned model (x)";
        both kinds in one layer ("rule:a,model:x", a rule the model confirms) -> both, joined."""
        parts: list[tuple[str, list[str]]] = []  # (kind, names), a name without a prefix continues its kind
        for piece in layer.split(","):
            kind, sep, name = piece.partition(":")
            if sep and kind in {"rule", "model", "review"}:
                parts.append((kind, [name]))
            elif parts:
                parts[-1][1].append(piece)
            else:
                return layer
        shown = []
        for kind, names in parts:
            if kind == "review":  # a reviewer's decision (analyser/review): their name when given
                name = ",".join(n for n in names if n)
                shown.append(self("layers.review_named", name=name) if name else self("layers.review"))
            elif kind == "rule":
                shown.append(self("layers.rule", what="; ".join(_lookup(catalogue(self.lang), f"rules.{n}") or n
                                                               for n in names if n)))
            else:
                shown.append(self("layers.model", name=",".join(names)))
        return " + ".join(shown)

    def attribute(self, name: str, value: Any) -> str:
        """"scope=chapter" -> "Scope: some chapters or sectors only"; booleans as yes/no."""
        key = _lookup(catalogue(self.lang), f"attributes.{name}") or name
        if name == "scope":
            shown = _lookup(catalogue(self.lang), f"attributes.scope_{value}") or str(value)
        elif isinstance(value, bool):
            shown = self("attributes.yes" if value else "attributes.no")
        else:
            shown = str(value)
        return f"{key}{self('report.colon')}{shown}"

    def attributes(self, attrs: dict[str, Any], headings: Mapping[str, str] | None = None) -> str:
        """The attributes in words; `headings` (provision id -> heading) names the provision a
        cross-reference points to ("Refers to: Article 2106 Cultural Industries"), not its id."""
        return "; ".join(self.attribute(k, (headings or {}).get(v, v) if k == "refers_to" else v)
                         for k, v in attrs.items())

    def language_name(self, code: str | None) -> str:
        return _lookup(catalogue(self.lang), f"language_names.{code}") or str(code)


@lru_cache(maxsize=1)
def _error_kinds() -> list[tuple[re.Pattern[str], str]]:
    from analyser.datafile import load_yaml

    rows = load_yaml(Path(__file__).parent / "data" / "error_kinds.yaml")
    return [(re.compile(r["pattern"], re.I), r["key"]) for r in rows]


def error_message(reason: str, lang: str) -> str:
    """The catalogue's message for an AnalyserError reason (the UI shows no CLI advice such as flags)."""
    for pattern, key in _error_kinds():
        m = pattern.search(reason)
        if m:
            return text(lang, f"errors.{key}", **m.groupdict())
    return text(lang, "errors.other")


def placeholders(value: str) -> set[str]:
    """The `{names}` a catalogue entry expects (for the catalogue test)."""
    return set(re.findall(r"\{(\w*)\}", value))
