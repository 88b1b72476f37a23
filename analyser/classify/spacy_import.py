"""spaCy, imported without the parts the analyser never uses.

`import spacy` (3.8) also imports its command line (`spacy.cli`: typer, weasel, httpx, jinja2)
and, through thinc, PyTorch whenever it is installed (the transformers extra): about 1.3 s and
200 MB of a process that only tokenises and runs a bag-of-words model. Here the command line is
stood in for while spaCy imports, and thinc is told that PyTorch is absent unless the caller
has imported it already (the transformers backend imports torch itself, before spaCy). The
stand-ins are removed afterwards, so `import spacy.cli` still gives the real module.
"""
from __future__ import annotations

import sys
import types


def _info(*args, **kwargs):  # spacy.info, should anyone call it: the real one
    from spacy.cli.info import info

    return info(*args, **kwargs)


def import_spacy() -> types.ModuleType:
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    stand_ins: dict[str, types.ModuleType | None] = {}
    cli = types.ModuleType("spacy.cli")
    info = types.ModuleType("spacy.cli.info")
    info.info = _info  # type: ignore[attr-defined]
    cli.info = info  # type: ignore[attr-defined]
    stand_ins["spacy.cli"], stand_ins["spacy.cli.info"] = cli, info
    if "torch" not in sys.modules:
        stand_ins["torch"] = None  # `import torch` raises ImportError: thinc.compat sets has_torch = False
    sys.modules.update(stand_ins)
    try:
        import spacy
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
    return spacy


spacy = import_spacy()
