"""The command line as a user runs it: output formats, one-line errors, exit codes, no clobbering."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import CORPORA, SAMPLE, TEXTS

CORPORA_PDF = CORPORA / "pdf" / "afcfta-agreement-en.pdf"


def run(*args):
    return subprocess.run([sys.executable, "-m", "analyser", *map(str, args)], capture_output=True, text=True, timeout=300)


def test_analyse_sample_to_stdout_json():
    res = run("analyse", SAMPLE)
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["checks"]["G3"]["status"] == "met"


def test_analyse_text_to_markdown_file(tmp_path):
    out = tmp_path / "r.md"
    res = run("analyse", TEXTS / "es-tratado-de-montevideo-1980-aladi.txt", "--format", "md", "-o", out)
    assert res.returncode == 0, res.stderr
    md = out.read_text(encoding="utf-8")
    assert "Excepción de tesoros nacionales" in md and "heritage_exception" not in md  # plain names, in Spanish


@pytest.mark.parametrize("content", [None, b"", b"\x00\x01\x02\xff" * 500, b"<?xml version='1.0'?><treaty><body>"])
def test_bad_input_one_line_exit_2_and_old_output_kept(tmp_path, content):
    path = tmp_path / "input.xml"
    if content is not None:
        path.write_bytes(content)
    out = tmp_path / "out.json"
    out.write_text("previous report", encoding="utf-8")
    res = run("analyse", path, "-o", out)
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and "Traceback" not in res.stderr
    assert out.read_text(encoding="utf-8") == "previous report"


def test_unsupported_language_is_an_input_error(tmp_path):
    dutch = (TEXTS / "fr-nl-pays-bas-mali-tbi.md").read_text(encoding="utf-8").split("####Verdrag")[-1]
    path = tmp_path / "verdrag.txt"
    path.write_text(dutch, encoding="utf-8")
    res = run("analyse", path)
    assert res.returncode == 2 and "unsupported language" in res.stderr


def test_language_override():
    res = run("analyse", TEXTS / "fr-pays-bas-senegal-tbi.md", "--language", "fr", "--format", "csv")
    assert res.returncode == 0 and res.stdout.startswith("document,")


def test_timeout_gives_one_line(tmp_path):
    res = run("analyse", CORPORA_PDF, "--timeout", "0.001")
    assert res.returncode == 2 and "analysis took longer than" in res.stderr and "Traceback" not in res.stderr


def test_logs_name_documents_by_hash_only_unless_debug(tmp_path):
    res = run("--log-level", "INFO", "analyse", SAMPLE, "-o", tmp_path / "r.json")
    assert res.returncode == 0
    assert "document " in res.stderr and str(SAMPLE) not in res.stderr and "Nothing in this Agreement" not in res.stderr
    res = run("--log-level", "DEBUG", "analyse", SAMPLE, "-o", tmp_path / "r.json")
    assert str(SAMPLE) in res.stderr


@pytest.mark.parametrize("command", [("analyse", SAMPLE), ("compare", SAMPLE, SAMPLE)])
def test_unwritable_output_is_one_line_exit_2(tmp_path, command):
    res = run(*command, "-o", tmp_path / "no-such-folder" / "out.json")
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1 and "cannot write output" in res.stderr and "Traceback" not in res.stderr


def test_the_learned_layer_is_on_by_default_and_no_model_leaves_it_out(tmp_path):
    """A model folder whose thresholds fire everywhere shows its hits (layer model:...) by default,
    as candidates (beside the rules it only proposes, calibration.yaml); --no-model gives the rules
    alone."""
    import shutil

    from analyser.classify.learned import MODEL_DIR

    eager = tmp_path / "eager"
    shutil.copytree(MODEL_DIR, eager)
    meta = json.loads((eager / "meta.json").read_text(encoding="utf-8"))
    meta["thresholds"] = {label: 0.0 for label in meta["thresholds"]}
    (eager / "meta.json").write_text(json.dumps(meta), encoding="utf-8")

    def layers(*args):
        res = run("analyse", SAMPLE, *args)
        assert res.returncode == 0, res.stderr
        provisions = json.loads(res.stdout)["provisions"]
        return ({f["layer"].split(":")[0] for p in provisions for f in p["findings"]},
                {f["layer"].split(":")[0] for p in provisions for f in p["candidates"]})

    assert layers("--model-dir", eager) == ({"rule"}, {"model"})
    assert layers("--no-model") == ({"rule"}, set())


def test_quick_exit_runs_the_exit_handlers_and_flushes_the_report(tmp_path, capsys):
    """`analyser` skips the interpreter's teardown (cli.run), not its exit handlers or buffers."""
    script = ("import atexit, sys; atexit.register(lambda: print('exit handler ran', file=sys.stderr)); "
              "from analyser.cli import run; run()")
    res = subprocess.run([sys.executable, "-c", script, "analyse", SAMPLE, "--format", "md"],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert "exit handler ran" in res.stderr
    from analyser.cli import main

    assert main(["analyse", str(SAMPLE), "--format", "md"]) == 0
    assert res.stdout == capsys.readouterr().out  # the whole report, flushed
    bad = subprocess.run([sys.executable, "-c", script, "analyse", tmp_path / "missing.pdf"],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "no such file" in bad.stderr and "exit handler ran" in bad.stderr
