"""Matching plumbing (issue 18): the token patterns run per Doc are only those whose first
required token occurs in it, and the matches are exactly the full Matcher's, order included."""
from __future__ import annotations

from analyser import ingest
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
