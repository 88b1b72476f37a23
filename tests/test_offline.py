"""No network, proven: the CLI, the batch (with its worker processes), the Streamlit app and
every import run with outbound connections blocked, and none is even attempted."""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CORPORA, SAMPLE

GUARD = Path(__file__).resolve().parent / "offline_guard"
ROOT = Path(__file__).resolve().parent.parent


def _run(args, tmp_path, **kw):
    log = tmp_path / "network.log"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(GUARD), str(ROOT)]), ANALYSER_NETWORK_LOG=str(log))
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        env.pop(var, None)  # prove it without the usual offline switches
    res = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, timeout=600, **kw)
    attempts = log.read_text(encoding="utf-8") if log.exists() else ""
    return res, attempts


def test_guard_really_blocks(tmp_path):
    res, attempts = _run(["-c", "import socket; socket.create_connection(('93.184.216.34', 80), timeout=2)"], tmp_path)
    assert res.returncode != 0 and "blocked by the offline test guard" in res.stderr
    assert "93.184.216.34" in attempts


@pytest.mark.parametrize("target", [SAMPLE, CORPORA / "pdf" / "afcfta-agreement-en.pdf"])
def test_cli_analyse_offline(tmp_path, target):
    res, attempts = _run(["-m", "analyser", "analyse", str(target), "--format", "pdf" if target.suffix == ".pdf" else "md",
                          "-o", str(tmp_path / "out")], tmp_path)
    assert res.returncode == 0, res.stderr
    assert attempts == ""


def test_batch_with_workers_offline(tmp_path):
    res, attempts = _run(["-m", "analyser", "batch", str(CORPORA / "tota"), "--out", str(tmp_path / "run"),
                          "--workers", "2", "--no-progress"], tmp_path)
    assert res.returncode == 0, res.stderr
    assert "7 analysed" in res.stderr and attempts == ""


def test_streamlit_app_offline(tmp_path):
    script = ("from streamlit.testing.v1 import AppTest\n"
              f"at = AppTest.from_file({str(ROOT / 'ui' / 'app.py')!r}, default_timeout=120); at.run()\n"
              "at.selectbox(key='sample').select('AfCFTA Agreement (PDF, 77 pages)').run()\n"
              "assert not at.exception, at.exception\n")
    res, attempts = _run(["-c", script], tmp_path, cwd=ROOT)
    assert res.returncode == 0, res.stderr[-2000:]
    assert attempts == ""


def test_imports_reach_no_model_hub(tmp_path):
    modules = ["analyser", "analyser.cli", "analyser.batch", "analyser.stats", "ui.pageview", "analyser.report.pdf",
               "analyser.ingest.docx", "analyser.ingest.html", "analyser.ingest.pdf", "analyser.language",
               "analyser.classify.learned", "analyser.classify.hf"]
    # The transformers extra is optional (the test install leaves it out): checked when installed.
    modules += [m for m in ("transformers", "torch") if importlib.util.find_spec(m) is not None]
    code = "import importlib\n" + "".join(f"importlib.import_module({m!r})\n" for m in modules) + \
           "from analyser.classify.rules import default_classifier; default_classifier().matcher('fr')\n" \
           "from analyser.language import engine; engine('py3langid'); engine('langdetect')\n"
    res, attempts = _run(["-c", code], tmp_path)
    assert res.returncode == 0, res.stderr
    assert attempts == ""


def test_guard_sees_streamlits_address_lookups(tmp_path):
    """What `streamlit run` does at start-up when no server.address is set: the guard records the
    UDP connect to 8.8.8.8 and the DNS lookup of checkip.amazonaws.com."""
    res, attempts = _run(["-c", "from streamlit import net_util; print(net_util.get_internal_ip(), "
                                "net_util.get_external_ip())"], tmp_path)
    assert res.returncode == 0, res.stderr
    assert "8.8.8.8" in attempts and "checkip.amazonaws.com" in attempts


def test_streamlit_server_start_offline(tmp_path):
    """The real UI start (`streamlit run ui/app.py` with the project's .streamlit/config.toml, as a
    user runs it): the server starts, serves its page, and attempts nothing off the machine."""
    import socket as socket_mod
    import time
    import urllib.request

    with socket_mod.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path / "network.log"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(GUARD), str(ROOT)]), ANALYSER_NETWORK_LOG=str(log))
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "ui" / "app.py"), "--server.port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline, page = time.time() + 120, ""
        while time.time() < deadline and not page:
            try:
                with urllib.request.urlopen(f"http://localhost:{port}/", timeout=2) as resp:
                    page = resp.read().decode("utf-8", "replace")
            except OSError:
                time.sleep(0.5)
        assert "<html" in page.lower()
        time.sleep(2)  # let any start-up lookup that runs in the background happen
    finally:
        proc.terminate()
        output = proc.communicate(timeout=30)[0]
    attempts = log.read_text(encoding="utf-8") if log.exists() else ""
    assert attempts == "", attempts
    assert "URL: http://localhost:" in output and "External URL" not in output and "Network URL" not in output
