"""Language: per document and per provision, overrides, unsupported languages, both engines."""
from __future__ import annotations

import pytest

from analyser import ingest, language, structure
from analyser.errors import AnalyserError
from analyser.model import Block, Document, Provision, SourceDocument
from conftest import TEXTS, tota


def _doc(path):
    return structure.build(ingest.load(path))


@pytest.mark.parametrize("path, lang", [
    (TEXTS / "en-canada-peru-fta-excerpt.txt", "en"),
    (TEXTS / "fr-pays-bas-senegal-tbi.md", "fr"),
    (TEXTS / "es-tratado-de-montevideo-1980-aladi.txt", "es"),
])
@pytest.mark.parametrize("engine", ["py3langid", "langdetect"])
def test_document_language(path, lang, engine):
    doc = language.assign(_doc(path), engine_name=engine)
    assert doc.language == lang
    long = [p for p in doc.provisions if len(p.text) >= language.MIN_CHARS]
    assert sum(p.language == lang for p in long) >= 0.9 * len(long)


def test_bilingual_file_reports_the_unsupported_half():
    doc = language.assign(_doc(TEXTS / "fr-nl-pays-bas-mali-tbi.md"))
    assert doc.language == "fr"
    assert any("'nl'" in w.text and w.stage == "language" for w in doc.warnings)
    assert any(p.language == "nl" for p in doc.provisions)


def test_unsupported_document_is_refused():
    dutch = (TEXTS / "fr-nl-pays-bas-mali-tbi.md").read_text(encoding="utf-8").split("####Verdrag")[-1]
    doc = structure.build(SourceDocument(path="nl.txt", sha256="0", format="text", blocks=[Block(text=dutch)]))
    with pytest.raises(AnalyserError, match="unsupported language 'nl'"):
        language.assign(doc)


def test_override_and_invalid_override():
    doc = language.assign(_doc(tota("pta_86")), override="fr")
    assert doc.language == "fr" and {p.language for p in doc.provisions} == {"fr"}
    with pytest.raises(AnalyserError, match="not supported"):
        language.assign(_doc(tota("pta_86")), override="de")


@pytest.mark.parametrize("engine", ["py3langid", "langdetect"])
def test_engines_survive_number_only_strings_and_are_deterministic(engine):
    eng = language.engine(engine)
    eng.detect("2.")
    eng.detect_supported("(iii)")
    snippet = "trato nacional y acceso"
    assert len({eng.detect_supported(snippet) for _ in range(5)}) == 1


def test_a_provision_of_millions_of_characters_is_detected_on_a_bounded_sample(monkeypatch):
    """A pasted agreement read as one provision: py3langid sees a sample, not 2 million characters,
    and still names the language of the text."""
    spanish = (TEXTS / "es-tratado-de-montevideo-1980-aladi.txt").read_text(encoding="utf-8")
    text = (spanish + "\n") * (2_000_000 // len(spanish) + 1)
    longest = Provision(id="p1", kind="article", heading="", text=text, start=0, end=len(text))
    doc = Document(source="pasted.txt", sha256="0", format="text", text=text, provisions=[longest])
    seen: list[int] = []
    eng = language.engine("py3langid")
    detect = eng.detect
    monkeypatch.setattr(eng, "detect", lambda t: (seen.append(len(t)), detect(t))[1])
    monkeypatch.setattr(language, "engine", lambda name="py3langid": eng)
    language.assign(doc)
    assert len(longest.text) > 10 * language.PROVISION_SAMPLE_CHARS
    assert longest.language == "es"
    assert max(seen) <= language.PROVISION_SAMPLE_CHARS + 3  # the three joining spaces
