"""The rule layer: lexicons (data) compiled into spaCy matchers, plus co-occurrence rules.

Lexicons (`analyser/lang/<code>/lexicon.yaml`) name *term groups* (phrases or spaCy token patterns);
rules (`data/rules.yaml`) say which groups must occur together, within how many tokens, which
groups veto a hit, which label and score it yields, and how attributes are set. Every finding
carries the matched spans as evidence and the rule name as its layer.

Text is folded (lower case, no accents) before tokenising with `spacy.blank(lang)`; folding
keeps offsets, so evidence quotes the original text. A provision in which no rule's anchor can
match, most of them, is skipped before it is tokenised (prefilter.py).
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable


from analyser.classify.spacy_import import spacy  # isort: skip  (first: spaCy without its CLI and torch)
from spacy.attrs import IDS, LOWER
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc
from spacy.language import Language

from analyser.classify.calibration import default_calibration
from analyser.classify.constructions import Units, mask_cross_reference_titles, structure_data, units
from analyser.classify.prefilter import AnchorFilter, anchor_filter
from analyser.text import Collapsed, fold
from analyser.datafile import load_yaml
from analyser.lang import SUPPORTED, language_data
from analyser.model import Evidence, Finding, Provision

DATA = Path(__file__).resolve().parent.parent / "data"


@dataclass
class Condition:
    group: str
    window: int | None  # tokens from the anchor; None = anywhere in the provision
    or_heading: re.Pattern[str] | None = None  # the heading path may satisfy the condition instead


@dataclass
class AttributeRule:
    name: str
    cases: list[tuple[Condition, Any]]
    heading: list[tuple[re.Pattern[str], Any]]
    default: Any


@dataclass
class Rule:
    name: str
    label: str
    score: float
    anchor: str
    all_of: list[Condition]
    none_of: list[Condition]
    unless_heading: re.Pattern[str] | None
    only_heading: re.Pattern[str] | None
    attributes: list[AttributeRule] = field(default_factory=list)
    veto_same_sentence: bool = False  # a veto counts only in the anchor's sentence
    # The construction a hit must show to be asserted (context feature -> value, see _context);
    # a hit without it is a candidate only.
    assert_when: dict[str, bool] = field(default_factory=dict)


def _condition(spec: Any, default_window: int | None) -> Condition:
    if isinstance(spec, str):
        return Condition(spec, default_window)
    or_heading = re.compile(spec["or_heading"], re.I) if spec.get("or_heading") else None
    return Condition(spec["group"], spec.get("window", default_window), or_heading)


@lru_cache(maxsize=4)
def load_spec(path: Path = DATA / "rules.yaml") -> dict[str, Any]:
    return load_yaml(path)


def load_rules(spec: dict[str, Any]) -> list[Rule]:
    rules = []
    for r in spec["rules"]:
        window = r.get("window")
        attrs = []
        for name, a in (r.get("attributes") or {}).items():
            if not isinstance(a, dict):
                attrs.append(AttributeRule(name, [], [], a))
                continue
            cases = [(_condition(c["if"], c.get("window")), c["value"]) for c in a.get("cases", [])]
            heading = [(re.compile(h["if_heading"], re.I), h["value"]) for h in a.get("heading", [])]
            attrs.append(AttributeRule(name, cases, heading, a.get("default")))
        rules.append(Rule(
            name=r["name"],
            label=r["label"],
            score=float(r["score"]),
            anchor=r["anchor"],
            all_of=[_condition(c, window) for c in r.get("all_of", [])],
            none_of=[_condition(c, r.get("veto_window", window)) for c in r.get("none_of", [])],
            unless_heading=re.compile(r["unless_heading"], re.I) if r.get("unless_heading") else None,
            only_heading=re.compile(r["only_heading"], re.I) if r.get("only_heading") else None,
            attributes=attrs,
            veto_same_sentence=bool(r.get("veto_same_sentence")),
            assert_when=dict(r.get("assert_when") or {}),
        ))
    return rules


@dataclass
class Match:
    group: str
    start: int  # token index
    end: int


class LanguageMatcher:
    """All term groups of one language compiled into one PhraseMatcher and one Matcher."""

    def __init__(self, lang: str, groups: dict[str, list[Any]], structure: dict[str, Any] | None = None) -> None:
        self.lang = lang
        self.reference_words, self.joiners = structure_data(structure)
        self.nlp = _blank_for_folded_text(lang)
        _only_attributes_read(self.nlp, [e for entries in groups.values() for e in entries if not isinstance(e, str)])
        self.phrases = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.patterns = Matcher(self.nlp.vocab)
        # each token pattern with what its first required token needs, for `matches` to run only
        # the patterns that can match a given Doc
        self._token_patterns: list[tuple[str, list[dict[str, Any]], _Need | None]] = []
        self._subset_matchers: dict[tuple[int, ...], Matcher] = {}
        for name, entries in groups.items():
            phrase_docs = []
            token_patterns = []
            for entry in entries:
                if isinstance(entry, str):
                    phrase_docs.append(self.nlp.make_doc(fold(entry)))
                else:
                    token_patterns.append(entry)
            if phrase_docs:
                self.phrases.add(name, phrase_docs)
            if token_patterns:
                self.patterns.add(name, token_patterns)
                self._token_patterns += [(name, pattern, _first_token_need(pattern, self.nlp.vocab.strings))
                                         for pattern in token_patterns]

    def matches(self, doc: Doc) -> list[Match]:
        vocab = self.nlp.vocab.strings
        found = [Match(vocab[m_id], s, e) for m_id, s, e in self.phrases(doc)]
        matcher = self._patterns_for(doc)
        if matcher is not None:
            found += [Match(vocab[m_id], s, e) for m_id, s, e in matcher(doc)]
        return found

    def _patterns_for(self, doc: Doc) -> Matcher | None:
        """The token patterns that can match `doc`, as one Matcher (None: none can).

        spaCy's Matcher tries every pattern at every token, and a set or regex test on a token
        is a Python call: on treaty text it cost more than tokenising. A pattern whose first
        required token has a LOWER value that no token of the Doc has cannot match, so it is left
        out. The others keep their order and their keys, so the matches come out exactly as the
        full Matcher gives them (spaCy reports them in the order the patterns' states complete)."""
        lowers = set(doc.to_array(LOWER).tolist()) if len(doc) else set()
        strings = _Lazy(lambda: [self.nlp.vocab.strings[h] for h in lowers])
        chosen = tuple(i for i, (_, _, need) in enumerate(self._token_patterns)
                       if need is None or need.met(lowers, strings))
        if not chosen:
            return None
        if len(chosen) == len(self._token_patterns):
            return self.patterns
        matcher = self._subset_matchers.get(chosen)
        if matcher is None:
            matcher = Matcher(self.nlp.vocab)
            for i in chosen:
                name, pattern, _ = self._token_patterns[i]
                matcher.add(name, [pattern])
            self._subset_matchers[chosen] = matcher
        return matcher


BULLET_PREFIX = r"[-–—•·]"


def _blank_for_folded_text(lang: str) -> Language:
    """`spacy.blank(lang)` for the folded text the rule layer reads (every text it tokenises is
    folded first), built with what such text needs:

    - list bullets glued to a word split off as prefixes ("-protection of national treasure;").
      The prefix is in the language's defaults when the tokenizer is built: setting
      `tokenizer.prefix_search` afterwards reloads every special case of the language, which cost
      as much as building the tokenizer again;
    - only the special cases that folded text can hold. A special case applies to a substring of
      the text exactly equal to it, and folding maps each character on its own and is its own
      fixed point, so a case that folding changes ("Don't", "Apr.") never occurs: 805 of
      English's 1,347 cases, whose loading was a third of building the tokenizer."""
    base = spacy.util.get_lang_class(lang)
    exceptions = {text: tokens for text, tokens in base.Defaults.tokenizer_exceptions.items() if fold(text) == text}
    defaults = type("Defaults", (base.Defaults,), {"prefixes": [*base.Defaults.prefixes, BULLET_PREFIX],
                                                   "tokenizer_exceptions": exceptions})
    return type(base.__name__, (base,), {"Defaults": defaults})()


# What the rule layer reads of a word besides its text: LOWER (phrases and token patterns) and
# IS_ALPHA (constructions.py, a bullet before a word). Token patterns may name more (added below).
READ_ATTRIBUTES = ("LOWER", "IS_ALPHA")


def _only_attributes_read(nlp: Language, patterns: list[list[dict[str, Any]]]) -> None:
    """Compute only the word attributes the rules read. spaCy computes every lexical attribute of
    a word (shape, stop word, number-likeness, ...: Python calls) the first time it sees the word,
    which was a third of tokenising an agreement; the others stay unset, unread."""
    wanted = {IDS[name] for name in READ_ATTRIBUTES}
    wanted |= {IDS[key] for pattern in patterns for token in pattern for key in token if key in IDS}
    getters = nlp.vocab.lex_attr_getters
    nlp.vocab.lex_attr_getters = {attr: get for attr, get in getters.items() if attr in wanted}


class _Lazy:
    """A value computed on first use (the Doc's distinct lower-case strings, only a regex needs them)."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make, self._value, self._done = make, None, False

    def get(self) -> Any:
        if not self._done:
            self._value, self._done = self._make(), True
        return self._value


@dataclass
class _Need:
    """What the first required token of a token pattern needs: one of these LOWER hashes, or a
    LOWER string that the regex finds."""
    hashes: frozenset[int] | None = None
    regex: re.Pattern[str] | None = None

    def met(self, lowers: set[int], strings: _Lazy) -> bool:
        if self.hashes is not None:
            return not self.hashes.isdisjoint(lowers)
        return any(self.regex.search(s) for s in strings.get())


def _first_token_need(pattern: list[dict[str, Any]], strings: Any) -> _Need | None:
    """None when the pattern's first required token is not a plain LOWER test (then it always runs)."""
    for tok in pattern:
        if tok.get("OP") not in {None, "+"}:  # optional, negated or counted: another token must tell
            continue
        value = tok.get("LOWER")
        if isinstance(value, str):
            return _Need(hashes=frozenset({strings.add(value)}))
        if isinstance(value, dict) and set(value) == {"IN"}:
            return _Need(hashes=frozenset(strings.add(v) for v in value["IN"]))
        if isinstance(value, dict) and set(value) == {"REGEX"}:
            return _Need(regex=re.compile(value["REGEX"]))
        return None
    return None


OTHER_SENSE = "__other_sense"


def _without_other_senses(by_group: dict[str, list[Match]]) -> dict[str, list[Match]]:
    """Drop a group's matches that lie inside a match of `<group>__other_sense`: "social
    exclusion" is not an exclusion clause. The lexicons list the other senses."""
    for name in [g for g in by_group if g.endswith(OTHER_SENSE)]:
        group = name.removesuffix(OTHER_SENSE)
        others = by_group.pop(name)
        if group in by_group:
            by_group[group] = [m for m in by_group[group]
                               if not any(o.start <= m.start and m.end <= o.end for o in others)]
    return by_group


def _lexicon_file(lang: str) -> dict[str, Any]:
    return language_data(lang).lexicon


def load_lexicon(lang: str) -> dict[str, list[Any]]:
    return _lexicon_file(lang)["groups"]


def load_structure(lang: str) -> dict[str, Any]:
    """The words the structure constructions need (reference words, list joiners)."""
    return _lexicon_file(lang).get("structure", {})


def _distance(a: Match, b: Match) -> int:
    if a.end <= b.start:
        return b.start - a.end
    if b.end <= a.start:
        return a.start - b.end
    return 0


def _near(anchor: Match, cands: list[Match], window: int | None) -> list[Match]:
    return [c for c in cands if window is None or _distance(anchor, c) <= window]


class _Near:
    """The matches of each group sorted by start, so that the matches within a window of an
    anchor are found by bisection: a provision of millions of characters has tens of thousands
    of anchors and candidates, and scanning every candidate for every anchor was quadratic.
    Returns exactly what `_near` returns, in the same (match) order."""

    def __init__(self, by_group: dict[str, list[Match]]) -> None:
        self.by_group = by_group
        self._index: dict[str, tuple[list[int], list[int], int]] = {}

    def __call__(self, anchor: Match, group: str, window: int | None) -> list[Match]:
        cands = self.by_group.get(group, [])
        if window is None or len(cands) < 64:
            return _near(anchor, cands, window)
        if group not in self._index:
            order = sorted(range(len(cands)), key=lambda i: cands[i].start)
            self._index[group] = (order, [cands[i].start for i in order], max(c.end - c.start for c in cands))
        order, starts, longest = self._index[group]
        # a candidate starting before this cannot end within the window; after hi, starts beyond it
        lo = bisect_left(starts, anchor.start - window - longest)
        hi = bisect_right(starts, anchor.end + window)
        return [cands[i] for i in sorted(order[lo:hi]) if _distance(anchor, cands[i]) <= window]


def _sentence_end_between(doc: Doc, a: Match, b: Match) -> bool:
    """A full stop between two matches: they sit in different sentences (or numbered paragraphs)."""
    lo, hi = (a.end, b.start) if a.end <= b.start else (b.end, a.start)
    return any(t.text == "." for t in doc[lo:hi])


class RuleClassifier:
    """Applies the rules to provisions; the rule layer of the classify stage."""

    name = "rules"

    def __init__(self, spec: dict[str, Any] | None = None) -> None:
        spec = spec if spec is not None else load_spec()
        self.rules = load_rules(spec)
        self.skip_headings = re.compile(spec["skip_headings"], re.I) if spec.get("skip_headings") else None
        self._matchers: dict[str, LanguageMatcher] = {}
        self._filters: dict[str, AnchorFilter | None] = {}

    def matcher(self, lang: str) -> LanguageMatcher:
        if lang not in self._matchers:
            self._matchers[lang] = LanguageMatcher(lang, load_lexicon(lang), load_structure(lang))
        return self._matchers[lang]

    def anchor_filter(self, lang: str) -> AnchorFilter | None:
        """The test that skips provisions where no rule's anchor can match (prefilter.py)."""
        if lang not in self._filters:
            groups, nlp = load_lexicon(lang), self.matcher(lang).nlp
            entries = [e for name in dict.fromkeys(r.anchor for r in self.rules) for e in groups.get(name, [])]
            self._filters[lang] = anchor_filter(entries, lambda phrase: [t.text for t in nlp.make_doc(fold(phrase))])
        return self._filters[lang]

    def classify(self, provision: Provision, lang: str | None = None) -> list[Finding]:
        """One finding per label; each rule hit's score is its calibrated probability."""
        calibration = default_calibration()
        hits = self.hits(provision, lang)
        for hit in hits:
            hit.score = calibration.probability(hit)
        return merge(hits)

    def hits(self, provision: Provision, lang: str | None = None) -> list[Finding]:
        """Every rule's hit on a provision, unmerged, with its raw rule score and its context."""
        lang = lang or provision.language or "en"
        if lang not in SUPPORTED or (self.skip_headings and self.skip_headings.search(provision.heading)):
            return []
        matched = self.match(provision.text, lang, self.anchor_filter(lang))
        if matched is None:
            return []
        collapsed, doc, by_group = matched
        joiners = self.matcher(lang).joiners
        structure = _Lazy(lambda: units(doc, joiners))  # cut only when a rule that needs it fires
        near_of = _Near(by_group)  # one index per provision, shared by the rules
        findings = []
        for rule in self.rules:
            hit = self._apply(rule, provision, doc, collapsed, by_group, near_of, structure)
            if hit:
                findings.append(hit)
        return findings

    def match(self, text: str, lang: str, anchors: AnchorFilter | None = None,
              ) -> tuple[Collapsed, Doc, dict[str, list[Match]]] | None:
        """The term groups of one language matched in a text, by group (None when `anchors`, the
        prefilter, says that no rule's anchor can match)."""
        lm = self.matcher(lang)
        folded = fold(text)
        collapsed_once = _Lazy(lambda: Collapsed(mask_cross_reference_titles(folded, lm.reference_words)
                                                 if lm.reference_words else folded))
        if anchors is not None and not anchors.may_match(folded, lambda: collapsed_once.get().text):
            return None
        collapsed = collapsed_once.get()
        doc = lm.nlp.make_doc(collapsed.text)
        by_group: dict[str, list[Match]] = {}
        for m in lm.matches(doc):
            by_group.setdefault(m.group, []).append(m)
        return collapsed, doc, _without_other_senses(by_group)

    def _apply(self, rule: Rule, provision: Provision, doc: Doc, collapsed: Collapsed, by_group: dict[str, list[Match]],
               near_of: _Near, structure: _Lazy | None = None) -> Finding | None:
        if rule.unless_heading and rule.unless_heading.search(provision.heading):
            return None
        if rule.only_heading and not rule.only_heading.search(provision.heading):
            return None
        units_ = structure.get() if structure is not None and rule.assert_when else None
        # the units of clauses that list fields of action ("in the following areas:")
        fields = {units_.unit_of[m.start] for m in by_group.get("field_cue", [])} if units_ is not None else set()
        fallback: Finding | None = None
        for anchor in by_group.get(rule.anchor, []):
            support = [anchor]
            for cond in rule.all_of:
                near = near_of(anchor, cond.group, cond.window)
                by_heading = bool(cond.or_heading and cond.or_heading.search(provision.heading))
                if units_ is not None:
                    # within the window, a term of the anchor's own sentence or list item first;
                    # else the clause that governs the anchor's list, however far ("shall cooperate
                    # in the following areas: ... (k) culture"); an unrelated term only when the
                    # heading does not say it (then the heading is the support)
                    related = [c for c in near if units_.related(anchor.start, c.start)
                               and not units_.governs(c.start, anchor.start)] or [
                        c for c in by_group.get(cond.group, [])
                        if units_.governs(c.start, anchor.start) and units_.unit_of[c.start] in fields]
                    near = related or ([] if by_heading else near)
                if near:
                    support.append(min(near, key=lambda c: _distance(anchor, c)))
                elif not by_heading:
                    break
            else:
                vetoes = [v for c in rule.none_of for v in near_of(anchor, c.group, c.window)]
                if rule.veto_same_sentence:
                    vetoes = [v for v in vetoes if not _sentence_end_between(doc, anchor, v)]
                if vetoes:
                    continue
                attributes = {a.name: self._attribute(a, anchor, provision, near_of) for a in rule.attributes}
                hit = Finding(
                    label=rule.label,
                    score=rule.score,
                    layer=f"rule:{rule.name}",
                    evidence=_evidence(doc, collapsed, provision.text, support),
                    attributes=attributes,
                    context=_context(rule, anchor, support[1:], by_group, units_, fields),
                )
                if hit.context.get("construction", True):
                    return hit
                fallback = fallback or hit  # a later anchor may show the construction
        return fallback

    @staticmethod
    def _attribute(a: AttributeRule, anchor: Match, provision: Provision, near_of: _Near) -> Any:
        for cond, value in a.cases:
            if near_of(anchor, cond.group, cond.window):
                return value
        for pattern, value in a.heading:
            if pattern.search(provision.heading):
                return value
        return a.default


TOPIC_WINDOW = 6  # tokens between a topic cue ("knowledge of") and the cultural term it governs


def _context(rule: Rule, anchor: Match, support: list[Match], by_group: dict[str, list[Match]],
             structure: Units | None, fields: set[int]) -> dict[str, bool]:
    """How a hit reads in its provision's structure (see constructions.py):
    `related`: every supporting term shares the anchor's sentence or list item, stands in a list
    the anchor's clause governs, or governs the anchor's list as a list of fields ("in the
    following areas:", `field_cue`), not of principles or conditions;
    `topic`: a cue in the anchor's unit makes culture a thing to know, discuss or benefit from
    ("knowledge of ... culture", "intercultural dialogue") rather than a field of action;
    `list_value`: the anchor is one value in a list of others ("democracy, ..., cultural diversity");
    `construction`: the hit shows what its rule's `assert_when` asks for."""
    if structure is None:
        return {"construction": True}
    related = all(structure.unit_of[s.start] == structure.unit_of[anchor.start]
                  or structure.governs(anchor.start, s.start)
                  or (structure.governs(s.start, anchor.start) and structure.unit_of[s.start] in fields)
                  for s in support)
    unit = structure.unit_of[anchor.start]
    topic = any(structure.unit_of[c.start] == unit and c.end <= anchor.start and _distance(anchor, c) <= TOPIC_WINDOW
                for c in by_group.get("topic_cue", []))
    list_value = any(structure.unit_of[c.start] == unit and _distance(anchor, c) <= TOPIC_WINDOW
                     for c in by_group.get("value_list_cue", []))
    context = {"related": related, "topic": topic, "list_value": list_value}
    context["construction"] = all(context.get(k) == v for k, v in rule.assert_when.items())
    return context


def _evidence(doc: Doc, collapsed: Collapsed, text: str, matches: list[Match]) -> list[Evidence]:
    spans = sorted({
        (collapsed.original(doc[m.start].idx), collapsed.original(doc[m.end - 1].idx + len(doc[m.end - 1].text) - 1) + 1)
        for m in matches
    })
    return [Evidence(start=s, end=e, text=text[s:e]) for s, e in spans]


# When two rules give the same label, attribute values merge by this preference.
_PREFER = {"scope": ["agreement", "chapter"], "carve_out": [True, False], "dedicated": [True, False],
           "guidelines": [True, False]}


def merge(findings: list[Finding]) -> list[Finding]:
    """One finding per label: best score, all evidence, all rules named, strongest attributes."""
    by_label: dict[str, Finding] = {}
    for f in findings:
        if f.label not in by_label:
            by_label[f.label] = Finding(f.label, f.score, f.layer, list(f.evidence), dict(f.attributes), dict(f.context))
            continue
        g = by_label[f.label]
        if _strength(f) > _strength(g):  # the hit that shows its construction wins, then the higher score
            g.context, g.score = dict(f.context), f.score
        g.layer = g.layer + "," + f.layer.removeprefix("rule:") if f.layer not in g.layer else g.layer
        seen = {(e.start, e.end) for e in g.evidence}
        g.evidence += [e for e in f.evidence if (e.start, e.end) not in seen]
        g.evidence.sort(key=lambda e: e.start)
        for k, v in f.attributes.items():
            if k not in g.attributes:
                g.attributes[k] = v
            elif k in _PREFER and v in _PREFER[k] and g.attributes[k] in _PREFER[k]:
                g.attributes[k] = min(v, g.attributes[k], key=_PREFER[k].index)
    return list(by_label.values())


def _strength(f: Finding) -> tuple[bool, float]:
    return f.context.get("construction", True), f.score


@lru_cache(maxsize=1)
def default_classifier() -> RuleClassifier:
    return RuleClassifier()
