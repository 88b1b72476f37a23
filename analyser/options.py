"""What a caller can choose about one analysis, in one typed, frozen value.

Every entry point (command line, batch, UI, evaluation) builds an `AnalyseOptions` and hands it to
`pipeline.analyse`; each stage reads the fields it needs. Imported by the command line before any
heavy module, so it imports nothing but the standard library.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any


def bundled_model_dir() -> Path:
    """The shipped learned model: models/textcat-bow of the source tree (editable install,
    checkout), else the copy that a regular install puts under <prefix>/share (pyproject
    data-files)."""
    source_tree = Path(__file__).resolve().parent.parent / "models" / "textcat-bow"
    installed = Path(sys.prefix) / "share" / "culture-trade-analyser" / "models" / "textcat-bow"
    return source_tree if source_tree.is_dir() or not installed.is_dir() else installed


BUNDLED_MODEL = bundled_model_dir()


@dataclass(frozen=True)
class AnalyseOptions:
    language: str | None = None  # the agreement's language, or None to detect it
    language_engine: str = "py3langid"  # language.ENGINES
    pdf_engine: str = "pdfium"  # ingest.pdf.ENGINES
    ocr: bool = True  # OCR scanned pages when OCRmyPDF is installed
    timeout: float | None = None  # seconds before the analysis gives up (main thread only)
    model: Path | None = field(default=BUNDLED_MODEL)  # the learned layer's folder beside the rules; None: off
    rules: bool = True  # False: the learned layer alone (evaluation)

    def but(self, **changes: Any) -> AnalyseOptions:
        """These options with some fields changed (TypeError for a field that does not exist)."""
        return replace(self, **changes) if changes else self


def model_choice(no_model: bool, model_dir: str | None) -> dict[str, Any]:
    """The `model` field as the command line's --no-model and --model-dir set it (nothing: the
    bundled model), for every command that analyses."""
    if no_model:
        return {"model": None}
    return {"model": Path(model_dir)} if model_dir else {}


def options_of(options: AnalyseOptions | None = None, **changes: Any) -> AnalyseOptions:
    """`options` (default ones when None) with `changes` applied: `analyse(path, ocr=False)`."""
    return (options or AnalyseOptions()).but(**changes)
