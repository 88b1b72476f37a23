"""Outputs touch only what the user named (issue 17): `-o` through a symbolic link writes its
target, a device node or FIFO is written as it is, an existing file keeps its mode, a new file
gets the umask's mode, and the temporary files of a killed run are removed at the next run."""
from __future__ import annotations

import fcntl
import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from analyser.report import write_atomic
from conftest import TEXTS

TEXT = TEXTS / "es-tratado-de-montevideo-1980-aladi.txt"
ROOT = Path(__file__).resolve().parent.parent


def analyse_to(out: Path | str, umask: int | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analyser", "analyse", TEXT, "--no-model", "-o", str(out)],
                          capture_output=True, text=True, timeout=300,
                          preexec_fn=(lambda: os.umask(umask)) if umask is not None else None)


def is_report(data: str) -> bool:
    return json.loads(data)["schema_version"] == "2"


def test_cli_output_through_a_link_onto_0640_and_new_file_under_umask(tmp_path):
    target = tmp_path / "real" / "report.json"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    res = analyse_to(link)
    assert res.returncode == 0, res.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)  # the link is still a link
    assert is_report(target.read_text(encoding="utf-8"))  # its target holds the report
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # and keeps its mode
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.json"]  # nothing else left beside it

    new = tmp_path / "new.json"
    res = analyse_to(new, umask=0o022)
    assert res.returncode == 0, res.stderr
    assert stat.S_IMODE(new.stat().st_mode) == 0o644
    old = os.umask(0o077)
    try:
        write_atomic("{}", tmp_path / "private.json")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "private.json").stat().st_mode) == 0o600


def test_devices_and_fifos_are_written_directly(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_atomic("through the pipe", fifo)
    reader.join(30)
    assert received == [b"through the pipe"] and stat.S_ISFIFO(fifo.stat().st_mode)
    if os.geteuid() != 0:
        pytest.skip("creating a device node needs root")
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a copy of /dev/null in the test folder
    res = analyse_to(null)
    assert res.returncode == 0, res.stderr
    assert stat.S_ISCHR(null.stat().st_mode)  # still the device, not a regular file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null", "pipe"]


KILLED_WRITE = """
import os, signal, sys
import analyser.report as report
report.os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)  # killed just before the rename
report.write_atomic("half a report", sys.argv[1])
"""


def test_temporary_files_of_a_killed_run_are_removed(tmp_path):
    out = tmp_path / "report.json"
    res = subprocess.run([sys.executable, "-c", KILLED_WRITE, str(out)], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert res.returncode == -9
    left = [p.name for p in tmp_path.iterdir()]
    assert len(left) == 1 and left[0].startswith(".report.json.") and left[0].endswith(".tmp")
    # A live writer's temporary file (locked) must survive the clean-up.
    live = tmp_path / ".report.json.livewrit.tmp"
    live.write_text("being written")
    with live.open("rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        res = analyse_to(out)
        assert res.returncode == 0, res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [".report.json.livewrit.tmp", "report.json"]


def test_resumed_batch_removes_stale_temporary_files(tmp_path):
    out = tmp_path / "run"
    (out / "reports").mkdir(parents=True)
    (out / "tables").mkdir()
    stale = [out / "reports" / ".aladi-0123abcd.json.x1y2z3w4.tmp", out / "tables" / ".findings.csv.abcdefgh.tmp",
             out / ".checks_by_year.png.abcdefgh.tmp"]
    for p in stale:
        p.write_text("left by a killed run")
    keep = out / "reports" / "notes.tmp"  # not a temporary file of ours
    keep.write_text("mine")
    res = subprocess.run([sys.executable, "-m", "analyser", "batch", TEXT, "--out", out, "--workers", "1", "--no-progress"],
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    assert not any(p.exists() for p in stale) and keep.exists()
    assert (out / "tables" / "agreements.csv").exists()
