"""A language is one folder under analyser/lang/ (issue 15): Portuguese added to a copy of the
package, with no change to its code, is detected, cut into headings with its own words,
classified with its own lexicon and reported in its own messages."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from analyser import lang
from analyser.i18n import LANGUAGES

PACKAGE = Path(lang.__file__).resolve().parent.parent

# EU-Korea FTA (ToTA pta_145) Art. 15.10(1) and (3), in Portuguese (the EU's Portuguese wording of
# the UNESCO Convention's title), under a section heading only Portuguese spells "Secção".
TEXT = """ACORDO DE COMÉRCIO LIVRE

Secção 1
Disposições finais

Artigo 15.10
Entrada em vigor

1. O presente Acordo é aprovado pelas Partes de acordo com os seus procedimentos próprios.

2. Não obstante o disposto nos n.os 2 e 5, as Partes aplicam o Protocolo relativo à Cooperação Cultural a partir do primeiro dia do terceiro mês seguinte à data em que a Coreia tiver depositado o seu instrumento de ratificação da Convenção da UNESCO sobre a Proteção e a Promoção da Diversidade das Expressões Culturais, adotada em Paris em 20 de outubro de 2005, junto do Secretariado da UNESCO em Paris.
"""

PORTUGUESE = {
    "language.yaml": "name: Português\norder: 4\ntesseract: por\n",
    "headings.yaml": "kinds:\n  section: ['secção', 'seção']\n  article: ['artigo']\n"
                     "preamble: ['preâmbulo']\ncontinuation_words: [de, da, do, e, ou]\n",
    "lexicon.yaml": "groups:\n  convention_word: [convenção]\n"
                    "  diversity_cultural_expressions: [diversidade das expressões culturais]\n",
    "messages.yaml": "report:\n  title: \"Análise cultural: {title}\"\n"
                     "labels:\n  convention_reference: Referência à Convenção de 2005\n",
}

SCRIPT = """
import json, sys
from analyser import analyse
from analyser.report.markdown import to_markdown
report = analyse(sys.argv[1], model=None)
print(json.dumps({"language": report.document.language,
                  "headings": [p.heading for p in report.document.provisions],
                  "findings": [(p.heading, f.label, f.layer) for p, f in report.findings],
                  "markdown": to_markdown(report)}))
"""


def test_the_languages_are_the_folders():
    assert lang.SUPPORTED == LANGUAGES == ("en", "fr", "es")
    assert set(lang.language_data("fr").lexicon["groups"]) <= set(lang.language_data("en").lexicon["groups"])


def test_a_language_added_as_a_folder_is_analysed_in_its_own_words(tmp_path):
    copy = tmp_path / "analyser"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    folder = copy / "lang" / "pt"
    folder.mkdir()
    for name, content in PORTUGUESE.items():
        (folder / name).write_text(content, encoding="utf-8")
    source = tmp_path / "acordo.txt"
    source.write_text(TEXT, encoding="utf-8")

    done = subprocess.run([sys.executable, "-c", SCRIPT, str(source)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(tmp_path)}, cwd=tmp_path,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout)
    assert out["language"] == "pt"
    assert out["headings"][1:] == ["Secção 1 Disposições finais",
                                    "Secção 1 Disposições finais > Artigo 15.10 Entrada em vigor > 1",
                                    "Secção 1 Disposições finais > Artigo 15.10 Entrada em vigor > 2"]
    assert [(label, layer) for _, label, layer in out["findings"]] == [("convention_reference", "rule:convention_full_title")]
    assert out["markdown"].startswith("# Análise cultural: ")
    assert "Referência à Convenção de 2005" in out["markdown"]
