"""Ingest: ToTA XML metadata and safety, plain-text encodings, content sniffing, bad input."""
from __future__ import annotations

import pytest

from analyser import ingest
from analyser.errors import AnalyserError
from conftest import TEXTS, tota


def test_tota_metadata_and_articles():
    src = ingest.load(tota("pta_387"))
    assert src.format == "tota-xml"
    m = src.metadata
    assert m["name"] == "Canada - Peru"
    assert m["parties"] == ["CAN", "PER"]
    assert m["date_signed"] == "2008-05-29"
    assert m["language"] == "en"
    assert m["wto_rta_id"]
    ids = [b.source_id for b in src.blocks]
    assert "31006" in ids and len(ids) == len(set(ids))
    assert src.blocks[0].kind == "preamble"


def test_type_comes_from_content_not_suffix(tmp_path):
    renamed = tmp_path / "agreement.txt"
    renamed.write_bytes(tota("pta_86").read_bytes())
    assert ingest.load(renamed).format == "tota-xml"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_text_encodings_round_trip(tmp_path, encoding):
    text = (TEXTS / "fr-pays-bas-senegal-tbi.md").read_text(encoding="utf-8")
    text = text.replace("„", '"').replace("’", "'")  # not in Latin-1 code pages
    path = tmp_path / f"bit-{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    src = ingest.load(path)
    assert src.blocks[0].text == text.replace("\r\n", "\n")
    assert "Parties Contractantes" in src.blocks[0].text


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "empty file"),
        (b"   \n\t ", "empty file"),
        (bytes(range(256)) * 40, "binary data"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "corrupt or truncated PDF"),
        (b"<?xml version='1.0'?><treaty><meta><name>x</name></meta><body><chapter>", "malformed XML"),
        (b"<?xml version='1.0'?><notatreaty/>", "not a ToTA treaty"),
        (
            b"<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol2 '&lol;&lol;&lol;&lol;'>]>"
            b"<treaty><body><chapter><article>&lol2;</article></chapter></body></treaty>",
            "unsafe XML refused",
        ),
        (
            b"<?xml version='1.0'?><!DOCTYPE t [<!ENTITY x SYSTEM 'http://example.com/x'>]>"
            b"<treaty><body><chapter><article>&x;</article></chapter></body></treaty>",
            "unsafe XML refused",
        ),
    ],
)
def test_bad_input_gives_one_clear_reason(tmp_path, content, reason):
    path = tmp_path / "bad.xml"
    path.write_bytes(content)
    with pytest.raises(AnalyserError) as err:
        ingest.load(path)
    assert reason in err.value.reason
    assert err.value.path == str(path)
    assert "\n" not in str(err.value)


def test_truncated_real_tota_file(tmp_path):
    data = tota("pta_11").read_bytes()
    path = tmp_path / "truncated.xml"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(AnalyserError, match="malformed XML"):
        ingest.load(path)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(AnalyserError, match="no such file"):
        ingest.load(tmp_path / "nope.xml")
    with pytest.raises(AnalyserError, match="directory"):
        ingest.load(tmp_path)
