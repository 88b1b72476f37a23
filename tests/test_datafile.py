"""Every YAML data file reads the same through libyaml as through PyYAML's Python loader (issue
18: the data files are read with libyaml, for speed, and must mean exactly what they say)."""
from __future__ import annotations

from pathlib import Path

import yaml

from analyser.datafile import load_yaml

PACKAGE = Path(__file__).resolve().parent.parent / "analyser"


def test_libyaml_reads_every_data_file_as_the_python_loader_does():
    files = sorted((PACKAGE / "data").rglob("*.yaml")) + sorted((PACKAGE / "lang").rglob("*.yaml"))
    assert len(files) >= 20
    for path in files:
        assert load_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8")), path.name
