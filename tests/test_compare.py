"""compare: a draft built from a real agreement by weakening or deleting its cultural clause and
renumbering its articles; compare reports exactly that change and the checks that moved."""
from __future__ import annotations

import json
import re
import subprocess
import sys

from analyser import analyse
from analyser.compare import compare
from conftest import TEXTS

ORIGINAL = TEXTS / "en-canada-peru-fta-excerpt.txt"
CLAUSE = "Nothing in this Agreement shall be construed to apply to measures adopted or maintained by either Party"


def _renumber(text: str) -> str:
    # Chapters Fifteen/Twenty Two become Sixteen/Twenty Three; articles 15xx -> 16xx, 22xx -> 23xx.
    text = re.sub(r"\bArticle (15|22)(\d\d)\b", lambda m: f"Article {int(m.group(1)) + 1}{m.group(2)}", text)
    return text.replace("CHAPTER FIFTEEN", "CHAPTER SIXTEEN").replace("CHAPTER TWENTY TWO", "CHAPTER TWENTY THREE")


def _draft(tmp_path, text: str):
    path = tmp_path / "draft.txt"
    path.write_text(text, encoding="utf-8")
    return analyse(path)


def test_narrowed_exemption_is_reported_as_weakened(tmp_path):
    text = ORIGINAL.read_text(encoding="utf-8")
    assert CLAUSE in text
    draft = _draft(tmp_path, _renumber(text.replace(CLAUSE, CLAUSE.replace("this Agreement", "this Chapter"))))
    result = compare(analyse(ORIGINAL), draft)
    weakened = [c for c in result["changes"] if c["kind"] == "weakened"]
    assert [(c["label"], c["detail"]) for c in weakened] == [("cultural_exemption", "scope: agreement -> chapter")]
    assert weakened[0]["old"]["heading"].endswith("Article 2205 Cultural Industries")
    assert weakened[0]["new"]["heading"].endswith("Article 2305 Cultural Industries")
    assert not [c for c in result["changes"] if c["kind"] in {"removed", "added"}]
    renumbered = {c["detail"] for c in result["changes"] if c["kind"] == "renumbered"}
    assert "Article 2205 -> Article 2305" in renumbered and "Article 1503 -> Article 1603" in renumbered
    moved = {cid: (c["old"], c["new"]) for cid, c in result["checks"].items() if c["changed"]}
    assert moved == {"G3": ("met", "partly"), "G4": ("met", "missing")}


def test_deleted_exemption_is_reported_as_removed_via_cli(tmp_path):
    text = ORIGINAL.read_text(encoding="utf-8")
    start = text.index("Article 2205")
    end = text.index("Article 2206")
    draft = tmp_path / "draft.txt"
    draft.write_text(_renumber(text[:start] + text[end:]), encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "analyser", "compare", str(ORIGINAL), str(draft)],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    result = json.loads(res.stdout)
    removed = [c for c in result["changes"] if c["kind"] == "removed"]
    assert [(c["label"], c["old"]["heading"].split(" > ")[-1]) for c in removed] == [
        ("cultural_exemption", "Article 2205 Cultural Industries")]
    assert result["checks"]["G3"]["old"] == "met" and result["checks"]["G3"]["new"] == "missing"
    md = subprocess.run([sys.executable, "-m", "analyser", "compare", str(ORIGINAL), str(draft), "--format", "md"],
                        capture_output=True, text=True, timeout=300).stdout
    assert "**removed** `cultural_exemption`" in md and "| G3 | met | missing | **changed** |" in md
