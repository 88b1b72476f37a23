"""One call does the whole job: ingest -> structure -> language -> classify -> checks -> report."""
from __future__ import annotations

from pathlib import Path

from analyser import checks, classify, ingest, language, structure
from analyser.model import Report


def analyse(path: str | Path, *, language_override: str | None = None, language_engine: str = "py3langid") -> Report:
    """Analyse one agreement file. Raises AnalyserError (one-line reason) on bad input."""
    from analyser import __version__

    source = ingest.load(path)
    doc = structure.build(source)
    language.assign(doc, override=language_override, engine_name=language_engine)
    classify.classify(doc)
    return Report(document=doc, checks=checks.run(doc), analyser_version=__version__)
