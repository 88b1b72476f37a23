"""compare: a draft built from a real agreement by weakening or deleting its cultural clause and
renumbering its articles; compare reports exactly that change and the checks that moved."""
from __future__ import annotations

import json
import re
import subprocess
import sys

from analyser import analyse
from analyser.compare import compare, to_html as compare_html, to_markdown
from conftest import SAMPLE, TEXTS

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
    assert "**removed** Cultural exemption" in md and "| G3 | met | missing | **changed** |" in md


XML_CLAUSE = "Nothing in this Agreement shall be construed to apply to measures adopted or maintained by either Party with respect to cultural industries"


def test_exception_narrowed_to_a_named_chapter_is_weakened(tmp_path):
    """Article 2205 of the bundled Canada-Peru FTA, narrowed from the whole agreement to Chapter
    Eight (Investment): a weakening, G3 met -> partly, with the words that changed."""
    text = SAMPLE.read_text(encoding="utf-8")
    assert text.count(XML_CLAUSE) == 1
    narrowed = XML_CLAUSE.replace("this Agreement", "Chapter Eight (Investment)")
    draft = tmp_path / "draft.xml"
    draft.write_text(text.replace(XML_CLAUSE, narrowed), encoding="utf-8")
    result = compare(analyse(SAMPLE), analyse(draft))
    weakened = [c for c in result["changes"] if c["kind"] == "weakened"]
    assert [(c["label"], c["detail"]) for c in weakened] == [("cultural_exemption", "scope: agreement -> chapter")]
    assert weakened[0]["new"]["heading"].endswith("Cultural Industries")
    assert ["-", "this Agreement "] in weakened[0]["diff"] and ["+", "Chapter Eight (Investment) "] in weakened[0]["diff"]
    for lang, scope in (("fr", "Portée"), ("es", "Alcance")):  # what changed, in the report language
        md, html = to_markdown(result, lang), compare_html(result, lang)
        assert f"{scope} : " in md or f"{scope}: " in md, md
        assert "scope: agreement -> chapter" not in md and "scope: agreement -&gt; chapter" not in html
    assert result["checks"]["G3"]["old"] == "met" and result["checks"]["G3"]["new"] == "partly"
    # Article 2102 cites "the exception under Article 2205"; its own words did not change.
    assert not [c for c in result["changes"] if c["kind"] != "weakened"]
    md = to_markdown(result)
    assert "words: Nothing in ~~this Agreement~~ **Chapter Eight (Investment)** shall be construed to apply to …" in md
    html = compare_html(result)
    assert "<del style='background:#ffcdd2'>this Agreement </del><ins style='background:#c8e6c9'>Chapter Eight (Investment) </ins>" in html


def test_named_part_scope_in_french_and_spanish(tmp_path):
    """Article 2205 translated, narrowed to Chapter Eight, gives scope chapter in French and Spanish (no
    agreement outside the held-out files has a French or Spanish cultural-industries exception)."""
    texts = {
        "fr": "Article 22.5 Industries culturelles\n\nAucune disposition du chapitre huit (Investissement) ne "
              "s'applique aux mesures adoptées ou maintenues par une Partie à l'égard des industries culturelles.\n",
        "es": "Artículo 22.5 Industrias culturales\n\nNinguna disposición del Capítulo Ocho (Inversión) se "
              "aplicará a las medidas adoptadas o mantenidas por cualquiera de las Partes respecto de las industrias culturales.\n",
    }
    for lang, body in texts.items():
        path = tmp_path / f"{lang}.txt"
        path.write_text(body * 3, encoding="utf-8")
        report = analyse(path, language=lang)
        scopes = {f.attributes.get("scope") for p in report.document.provisions for f in p.findings
                  if f.label == "cultural_exemption"}
        assert scopes == {"chapter"}, (lang, scopes)


def test_unchanged_article_citing_a_removed_exception_is_not_flagged(tmp_path):
    """Deleting Article 2205 takes away the cross-reference finding of Article 2102 (which cites
    it), but 2102's own words did not change, so only the removal is reported."""
    text = SAMPLE.read_text(encoding="utf-8")
    start = text.index('<article number="ARTICLE 2205"')
    end = text.index('<article number="ARTICLE 2206"')
    draft = tmp_path / "draft.xml"
    draft.write_text(text[:start] + text[end:], encoding="utf-8")
    old = analyse(SAMPLE)
    citing = [p for p in old.document.provisions
              if any("refers_to" in f.attributes for f in p.findings)]
    assert citing, "the sample's Article 2102 cites the cultural exception"
    result = compare(old, analyse(draft))
    assert [(c["kind"], c["label"]) for c in result["changes"]] == [("removed", "cultural_exemption")]
    assert result["checks"]["G3"]["new"] == "missing"
