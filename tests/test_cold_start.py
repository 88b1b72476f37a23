"""What a user waits for before any work: `--version`, `--help` and argument errors import no
stage, and spaCy comes without its command line or PyTorch (issue 18). Timings live in
benchmarks/user_wait.py; these tests check what is imported."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import ROOT

HEAVY = ("spacy", "thinc", "numpy", "yaml", "pypdfium2", "torch", "py3langid", "analyser.classify", "analyser.ingest")

PROBE = r"""
import json, sys
from analyser.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted({m.split(".")[0] if not m.startswith("analyser.") else ".".join(m.split(".")[:2]) for m in sys.modules})))
"""


def _imported(*argv: str) -> set[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, env=env, cwd=ROOT)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_version_help_and_argument_errors_import_nothing_heavy():
    for argv in (["--version"], ["--help"], ["analyse"], ["analyse", "x.pdf", "--format", "nope"]):
        loaded = _imported(*argv)
        assert not loaded & set(HEAVY), (argv, sorted(loaded & set(HEAVY)))


def test_spacy_comes_without_its_command_line_and_without_torch():
    code = ("import sys; import analyser.classify.rules; import thinc.compat as c; "
            "print(c.has_torch, 'torch' in sys.modules, 'spacy.cli' in sys.modules); "
            "import spacy.cli; print(callable(spacy.cli.download))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.stdout.split() == ["False", "False", "False", "True"], out.stderr
