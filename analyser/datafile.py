"""The YAML data files (`analyser/data/`), read with libyaml when PyYAML has it.

PyYAML's pure-Python loader took about 0.2 s of every run for 55 KB of lexicons, rules and
headings (more than analysing a short agreement); libyaml's safe loader builds the same objects
(tests/test_datafile.py checks every data file) about nine times faster.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 (a safe loader)
