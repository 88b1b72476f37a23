"""A provision over spaCy's 1,000,000-character limit is analysed in pieces, not refused (issue 17).

Real text: the articles of the bundled English ToTA agreements, joined (twice over) into one
provision of 2.1 million characters, one article per paragraph. The pieces are then exactly the
articles, so each layer's hits on the joined provision must equal its hits on the articles
classified one by one, offsets moved to the joined text; the classify stage then merges them
per label as it does for any provision (the provision grouping), so the labels it reports are
exactly those the articles give.
"""
from __future__ import annotations

import re

import pytest

from analyser import analyse, classify, ingest
from analyser.classify.learned import MODEL_DIR
from analyser.classify.pieces import MAX_CHARS, in_pieces, spans
from analyser.model import Document, Provision
from conftest import TOTA


@pytest.fixture(scope="module")
def articles() -> list[str]:
    texts = []
    for path in sorted(TOTA.glob("pta_*.xml")):
        source = ingest.load(path)
        if source.metadata.get("language") != "en":
            continue
        # one paragraph per article: its own blank lines become line breaks
        texts += [re.sub(r"\n\s*\n", "\n", b.text).strip() for b in source.blocks if b.text.strip()]
    return texts * 2


def _provision(text: str) -> Provision:
    return Provision(id="p1", kind="article", heading="Article 1", text=text, start=0, end=len(text), language="en")


def _as_tuples(findings):
    return [(f.label, f.score, f.layer, sorted(f.attributes.items()), [(e.start, e.end, e.text) for e in f.evidence])
            for f in findings]


def _labels(provisions) -> set[str]:
    return {f.label for p in provisions for f in [*p.findings, *p.candidates]}


def test_a_provision_of_millions_of_characters_has_the_findings_of_its_articles(articles):
    joined = "\n\n".join(articles)
    assert len(joined) > 2 * MAX_CHARS
    offsets, at = [], 0
    for text in articles:
        offsets.append(at)
        at += len(text) + 2
    assert spans(joined) == [(o, o + len(t)) for o, t in zip(offsets, articles)]  # the pieces are the articles

    layers = classify.layers(MODEL_DIR)
    for layer in layers:
        expected = []
        for offset, text in zip(offsets, articles):
            for f in layer.classify(_provision(text)):
                for e in f.evidence:
                    e.start, e.end = e.start + offset, e.end + offset
                expected.append(f)
        got = in_pieces(layer.classify, _provision(joined))
        assert len(expected) >= 3  # the agreements do have cultural provisions
        assert _as_tuples(got) == _as_tuples(expected), layer.name

    # the whole classify stage: one provision, the articles' labels, evidence quoting the joined text
    doc = Document(source="joined.txt", sha256="", format="text", text=joined, language="en",
                   provisions=[_provision(joined)])
    classify.classify(doc, layers)
    split = Document(source="split.txt", sha256="", format="text", text=joined, language="en",
                     provisions=[_provision(t) for t in articles[: len(articles) // 2]])
    classify.classify(split, layers)
    assert _labels(doc.provisions) == _labels(split.provisions)
    for f in [*doc.provisions[0].findings, *doc.provisions[0].candidates]:
        for e in f.evidence:
            assert joined[e.start:e.end] == e.text


def test_a_paragraph_over_the_limit_is_cut_at_line_sentence_and_word_ends():
    text = "First line. Second sentence; third\nnext line " + "x" * 30
    pieces = spans(text, limit=20)
    assert all(e - s <= 20 for s, e in pieces)
    assert "".join(text[s:e] for s, e in pieces) == text  # nothing lost, nothing moved
    assert [text[s:e] for s, e in pieces][:3] == ["First line. ", "Second sentence; ", "third\n"]


def test_a_long_pasted_agreement_is_analysed_not_refused(tmp_path, articles):
    path = tmp_path / "pasted.txt"
    path.write_text(" ".join(a.replace("\n", " ") for a in articles[: len(articles) // 2]), encoding="utf-8")
    report = analyse(path, model=None)
    assert max(len(p.text) for p in report.document.provisions) > MAX_CHARS
    assert report.findings or any(p.candidates for p in report.document.provisions)
