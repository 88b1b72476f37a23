"""Imported once by the fork server that `pipeline.analyse_isolated` forks from: run one small
analysis per language so that every child starts with the tokenizers, matchers, learned layer,
language model and PDF library already loaded (about 0.9 s saved on each call)."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pypdfium2  # noqa: F401  (the PDF library: the warm-up texts do not load it)

from analyser.pipeline import analyse

_WARM_TEXTS = {  # one real passage per language: Canada-Peru Art. 2205, LAIA Art. 50(f), CEMAC preamble
    "en": "Article 2205 Cultural Industries\nNothing in this Agreement shall be construed to apply to "
          "measures adopted or maintained by either Party with respect to cultural industries except as "
          "specifically provided in Article 203.",
    "es": "ARTÍCULO 50\nNinguna disposición del presente Tratado será interpretada como impedimento para la "
          "adopción y el cumplimiento de medidas destinadas a la: f) Protección del patrimonio nacional de "
          "valor artístico, histórico o arqueológico.",
    "fr": "Conscients de la nécessité de développer ensemble toutes les ressources humaines et naturelles de "
          "leurs États et de mettre celles-ci au service du bien-être général de leurs peuples dans tous les "
          "domaines;",
}

with tempfile.TemporaryDirectory(prefix="analyser-warm-") as folder:
    for lang, text in _WARM_TEXTS.items():
        path = Path(folder) / f"warm-{lang}.txt"
        path.write_text(text, encoding="utf-8")
        analyse(path)
