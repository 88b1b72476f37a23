"""Reports: the JSON contract's field names, CSV rows, readable Markdown/HTML, atomic writes."""
from __future__ import annotations

import csv
import io
import json

import pytest

from analyser import analyse
from analyser.report import render, write_atomic
from conftest import SAMPLE


@pytest.fixture(scope="module")
def report():
    return analyse(SAMPLE)


def test_json_contract(report):
    data = json.loads(render(report, "json"))
    assert data["schema_version"] == "2"
    assert {"source", "sha256", "title", "language", "pages"} <= set(data["document"])
    prov = data["provisions"][0]
    assert {"id", "kind", "heading", "source_id", "language", "pages", "text", "findings"} <= set(prov)
    findings = [f for p in data["provisions"] for f in p["findings"]]
    assert findings
    for f in findings:
        assert {"label", "score", "layer", "attributes", "evidence"} <= set(f)
        assert all({"start", "end", "text", "page", "boxes"} <= set(e) for e in f["evidence"])
    assert set(data["checks"]) == {f"G{i}" for i in range(1, 9)}
    assert all({"status", "provisions", "why"} <= set(c) for c in data["checks"].values())
    exemption = next(p for p in data["provisions"] if p["source_id"] == "31006")
    assert exemption["findings"][0]["attributes"]["scope"] == "agreement"


def test_csv_one_row_per_finding(report):
    rows = list(csv.DictReader(io.StringIO(render(report, "csv"))))
    assert len(rows) == len(report.findings)
    assert {r["label"] for r in rows} >= {"cultural_exemption", "digital_trade", "policy_space"}


def test_markdown_and_html_are_readable(report):
    md = render(report, "md")
    assert "| G3 |" in md and "Cultural Industries" in md
    html = render(report, "html")
    assert "<mark>" in html and "http" not in html.split("<body>")[0]


def test_atomic_write_keeps_old_output_on_failure(tmp_path, monkeypatch):
    out = tmp_path / "report.json"
    out.write_text("old", encoding="utf-8")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(OSError):
        write_atomic("new", out)
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_one_registry_names_every_renderer():
    """The command line's --format choices (report.FORMAT_NAMES) are the renderers there are."""
    from analyser.report import FORMAT_NAMES, renderer, renderers

    for kind, names in FORMAT_NAMES.items():
        assert set(renderers(kind)) == set(names), kind
    with pytest.raises(ValueError, match="choose one of json, md"):
        renderer("precedents", "pdf")


def test_a_cross_reference_names_the_article_it_points_to_not_an_id():
    """Canada-Peru Art. 2102's e-commerce reference to the cultural-industries exception: every
    format people read names Article 2205, in the report language; the JSON keeps the id."""
    import json
    import re

    from analyser.pipeline import analyse
    from analyser.report import render
    from conftest import SAMPLE

    report = analyse(SAMPLE)
    target = next(f.attributes["refers_to"] for _, f in report.findings if "refers_to" in f.attributes)
    assert re.fullmatch(r"p\d+", target)
    for lang, words in (("en", "Refers to: "), ("fr", "Renvoie à : "), ("es", "Remite a: ")):
        for fmt in ("md", "html"):
            text = render(report, fmt, lang)
            assert f"{words}Chapter Twenty Two Exceptions &gt; Article 2205" in text or \
                f"{words}Chapter Twenty Two Exceptions > Article 2205" in text, (lang, fmt)
            assert f"{words}{target}" not in text
    assert target in json.dumps(json.loads(render(report, "json")))
