"""The JSON report of DESIGN.md."""
from __future__ import annotations

import json

from analyser.model import Report


def to_json(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n"
