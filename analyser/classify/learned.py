"""The learned layer: a spaCy textcat_multilabel model (bag of words and bigrams over folded
text, one model for EN/FR/ES) trained by `analyser train`, thresholded per label. What every
backend shares (`LearnedLayer`) is here too; the transformers backend (hf.py) builds on it, and
`classify.load_model` picks the backend a model folder names (so neither module imports the other).

It classifies only provisions that pass the broad keyword net (data/net.yaml). A model-only
finding cites as evidence the sentence of the provision that the model scores highest for the
label, so every finding stays checkable.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from analyser.text import fold
from analyser.datafile import load_yaml
from analyser.errors import AnalyserError
from analyser.model import Evidence, Finding, Provision
from analyser.options import BUNDLED_MODEL

DATA = Path(__file__).resolve().parent.parent / "data"


MODEL_DIR = BUNDLED_MODEL
# Attributes a model-only finding cannot read off its evidence: the conservative value.
DEFAULT_ATTRIBUTES = {"cultural_exemption": {"scope": "chapter"}, "digital_trade": {"carve_out": False},
                      "cultural_cooperation": {"dedicated": False}, "convention_reference": {"guidelines": False}}
_SENTENCE = re.compile(r"[^.;:\n]+(?:[.;:]|\n|$)")


def net_pattern() -> str:
    """The net as data/net.yaml writes it: one alternative per term."""
    return load_yaml(DATA / "net.yaml")["pattern"].replace("| ", "|")


@lru_cache(maxsize=1)
def _net() -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    """The net, case-insensitive; and the same pattern case-sensitive, for lower-cased text
    (None when the pattern has a capital). Both with the alternatives grouped by first letter."""
    pattern = by_first_character(net_pattern())
    return re.compile(pattern, re.I), re.compile(pattern) if pattern == pattern.lower() else None


def by_first_character(pattern: str) -> str:
    """`pattern`'s top-level alternatives grouped by a leading letter ("cultur|cinemat" ->
    "c(?:ultur|inemat)"): Python's re tries every alternative at every position, so the net ran
    2.4 times slower as written. Whether the text matches is unchanged; which alternative matches
    first may differ (only `passes_net`'s yes or no is read). An alternative that opens with
    anything but a plain letter, or whose letter a quantifier follows, stays whole."""
    alternatives, depth, start, escaped, in_class = [], 0, 0, False, False
    for i, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            alternatives.append(pattern[start:i])
            start = i + 1
    alternatives.append(pattern[start:])
    grouped: dict[str, list[str]] = {}
    whole: list[str] = []
    for alt in alternatives:
        if len(alt) > 1 and alt[0].isalpha() and alt[1] not in "?*+{":
            grouped.setdefault(alt[0], []).append(alt[1:])
        else:
            whole.append(alt)
    return "|".join([*(f"{first}(?:{'|'.join(rests)})" for first, rests in grouped.items()), *whole])


@lru_cache(maxsize=4096)
def _lowers_alike(char: str) -> bool:
    """Lower-casing `char` and comparing equals ignoring case, against every character of the
    net's pattern: the pattern's literals (and class members) match it the same way both ways,
    and its lower-case form is one character, so positions hold. ASCII, accented Latin letters
    and typographic quotes and dashes qualify; the long s or the Kelvin sign (twins of "s", "k"
    only when the case is ignored) do not."""
    pattern = _net()[0].pattern
    low = char.lower()
    return len(low) == 1 and char != "\u03a3" and all(  # capital sigma lower-cases by context
        bool(re.fullmatch(re.escape(p), char, re.I)) == (low == p) for p in set(pattern) if p.isalnum())


def passes_net(text: str) -> bool:
    """Python's case-insensitive search tries every alternative at every character: 0.2-0.5 s of
    a run on an agreement. When every character of the text lower-cases alike (`_lowers_alike`),
    lower-casing first and searching case-sensitively gives the same answer several times
    faster; other text takes the case-insensitive search."""
    anycase, lower = _net()
    if lower is not None and (text.isascii() or all(_lowers_alike(c) for c in set(text))):
        return bool(lower.search(text.lower()))
    return bool(anycase.search(text))


class LearnedLayer:
    """What both backends share: meta.json (labels, thresholds) and the classify call. A backend
    loads its model and implements `scores_many`."""

    name = "model"

    def __init__(self, model_dir: Path, missing_hint: str) -> None:
        meta_path = model_dir / "meta.json"
        if not meta_path.exists():
            raise AnalyserError(str(model_dir), f"no trained model here: {missing_hint}")
        self.meta = json.loads(meta_path.read_text(encoding="utf-8"))
        self.thresholds = {k: float(v) for k, v in self.meta["thresholds"].items()}
        # the model alone (evaluation): its own thresholds; 0.5 for a model trained before they were recorded
        solo = self.meta.get("solo_thresholds") or dict.fromkeys(self.thresholds, 0.5)
        self.solo = Thresholded(self, {k: float(v) for k, v in solo.items()})

    def scores_many(self, texts: list[str]) -> list[dict[str, float]]:
        raise NotImplementedError

    def scores(self, text: str) -> dict[str, float]:
        return self.scores_many([text])[0]

    def classify(self, provision: Provision) -> list[Finding]:
        return model_findings(self, provision)


class ModelClassifier(LearnedLayer):
    def __init__(self, model_dir: Path = MODEL_DIR) -> None:
        from analyser.classify.spacy_import import spacy

        super().__init__(model_dir, "run `analyser train`, or analyse with --no-model")
        self.nlp = spacy.load(model_dir / "pipeline")
        if _reads_orth_only(self.nlp):
            # the bag of words hashes each word's text (ORTH); spaCy's other word attributes (shape,
            # stop word, ...: Python calls on each new word) would be computed and never read
            self.nlp.vocab.lex_attr_getters = {}
        self.layer = f"model:textcat-bow@{model_dir.name}"

    def scores_many(self, texts: list[str]) -> list[dict[str, float]]:
        return [dict(doc.cats) for doc in self.nlp.pipe(fold(t) for t in texts)]


def _reads_orth_only(nlp) -> bool:
    """Every component is a bag-of-words text classifier (spaCy's TextCatBOW reads ORTH only)."""
    components = nlp.config.get("components", {})
    return bool(components) and all(
        str(c.get("model", {}).get("@architectures", "")).startswith("spacy.TextCatBOW") for c in components.values())


class Thresholded(LearnedLayer):
    """A learned layer seen at other thresholds (the model alone, at `solo_thresholds`); it
    shares the loaded `model`."""

    def __init__(self, model: LearnedLayer, thresholds: dict[str, float]) -> None:  # no meta.json to read
        self.model, self.thresholds, self.meta = model, thresholds, model.meta

    @property
    def layer(self) -> str:
        return self.model.layer

    def scores_many(self, texts: list[str]) -> list[dict[str, float]]:
        return self.model.scores_many(texts)


def at_thresholds(model: LearnedLayer, solo: bool) -> LearnedLayer:
    """The model with its combined thresholds, or its solo ones."""
    return model.solo if solo else model


def model_findings(model, provision: Provision) -> list[Finding]:
    """Findings of a learned layer (either backend: `scores_many`, `thresholds`, `layer`); a
    model-only finding cites the sentence the model scores highest for its label among those
    that pass the keyword net."""
    if not passes_net(provision.text):
        return []
    text = provision.text
    wanted = {lab: s for lab, s in model.scores(text).items() if s >= model.thresholds.get(lab, 1.01)}
    if not wanted:
        return []
    spans = [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.group(0).strip()] or [(0, len(text))]
    # cite a sentence that names the subject (passes the net) when there is one: the bag of words
    # can score a neighbouring list item highest
    spans = [(s, e) for s, e in spans if passes_net(text[s:e])] or spans
    sentence_scores = model.scores_many([text[s:e] for s, e in spans])  # once, for every label
    findings = []
    for label, score in wanted.items():
        (s, e), _ = max(zip(spans, sentence_scores), key=lambda pair: pair[1].get(label, 0.0))
        lead, trail = len(text[s:e]) - len(text[s:e].lstrip()), len(text[s:e]) - len(text[s:e].rstrip())
        evidence = Evidence(start=s + lead, end=e - trail, text=text[s + lead:e - trail])
        findings.append(Finding(label=label, score=float(score), layer=model.layer, evidence=[evidence],
                                attributes=dict(DEFAULT_ATTRIBUTES.get(label, {}))))
    return findings

