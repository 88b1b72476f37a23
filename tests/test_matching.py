"""Matching plumbing (issue 18): the token patterns run per Doc are only those whose first
required token occurs in it, and the matches are exactly the full Matcher's, order included."""
from __future__ import annotations

from analyser import ingest
from analyser.classify.constructions import mask_cross_reference_titles
from analyser.classify.rules import default_classifier
from analyser.text import Collapsed, fold
from conftest import TOTA


def test_chosen_patterns_give_exactly_the_full_matchers_matches():
    rc = default_classifier()
    compared = skipped = with_matches = 0
    for path in sorted(TOTA.glob("pta_*.xml")):
        source = ingest.load(path)
        for block in source.blocks:
            for lang in ("en", "fr", "es"):
                lm = rc.matcher(lang)
                doc = lm.nlp.make_doc(Collapsed(fold(block.text)).text)
                chosen = lm._patterns_for(doc)
                got = chosen(doc) if chosen is not None else []
                assert got == lm.patterns(doc), (path.name, block.heading, lang)
                compared += 1
                skipped += chosen is None
                with_matches += bool(got)
    assert compared > 3000 and with_matches > 100 and skipped > 1000  # real work, real savings


def test_anchor_filter_never_skips_a_text_where_an_anchor_matches():
    """prefilter.py: where the filter says no anchor can match, the full matchers find no match
    of any rule's anchor group, in EN, FR and ES over every block of the corpus; and it does skip."""
    rc = default_classifier()
    anchor_groups = {r.anchor for r in rc.rules}
    checked = skipped = anchored = 0
    for path in sorted(TOTA.glob("pta_*.xml")):
        for block in ingest.load(path).blocks:
            for lang in ("en", "fr", "es"):
                lm = rc.matcher(lang)
                folded = fold(block.text)
                masked = mask_cross_reference_titles(folded, lm.reference_words)
                doc = lm.nlp.make_doc(Collapsed(masked).text)
                found = {lm.nlp.vocab.strings[m_id] for m_id, _, _ in [*lm.phrases(doc), *lm.patterns(doc)]}
                has_anchor = bool(found & anchor_groups)
                may = rc.anchor_filter(lang).may_match(folded, lambda: Collapsed(masked).text)
                assert may or not has_anchor, (path.name, block.heading, lang)
                checked += 1
                skipped += not may
                anchored += has_anchor
    assert checked > 3000 and anchored > 100 and skipped > checked // 2


def test_the_rule_tokenizer_without_unfoldable_special_cases_cuts_folded_text_as_spacy_blank_does():
    """The rule layer's tokenizer loads only the special cases folded text can hold (rules.py);
    on folded treaty text in all three languages it gives spaCy's own tokens, bullets apart."""
    from analyser.classify.rules import BULLET_PREFIX
    from analyser.classify.spacy_import import spacy

    texts = ["\n".join(b.text for b in ingest.load(p).blocks) for p in sorted(TOTA.glob("pta_*.xml"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((TOTA.parent / "texts").glob("*.*"))]
    texts.append("Don't tokenise Apr. 3rd, a.m. or can't: 1st-2nd e.g. etc. i.e. :) U.S.A. Mr. Sr. Sra. M. Mme")
    rc = default_classifier()
    for lang in ("en", "fr", "es"):
        full = spacy.blank(lang)
        full.tokenizer.prefix_search = spacy.util.compile_prefix_regex([*full.Defaults.prefixes, BULLET_PREFIX]).search
        ours = rc.matcher(lang).nlp
        assert len(ours.tokenizer.rules) < len(full.tokenizer.rules)
        for text in texts:
            folded = fold(text)
            assert [t.text for t in ours.make_doc(folded)] == [t.text for t in full.make_doc(folded)], lang
