"""Batch mode: resumable store, SIGKILL part-way, each agreement exactly once, failures recorded."""
from __future__ import annotations

import csv
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

from analyser.batch import collect, file_hash
from conftest import CORPORA


def _inputs(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(CORPORA / "tota", folder / "tota")
    shutil.copytree(CORPORA / "texts", folder / "texts")
    shutil.copy(CORPORA / "tota" / "pta_86.xml", folder / "renamed-cemac.xml")  # same content, other name
    (folder / "empty.txt").write_bytes(b"")
    return folder


def _batch(folder, out, *extra):
    return subprocess.Popen([sys.executable, "-m", "analyser", "batch", str(folder), "--out", str(out), "--no-progress",
                             *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def _count(out, sql):
    if not (out / "store.sqlite").exists():
        return []
    db = sqlite3.connect(out / "store.sqlite")
    try:
        return db.execute(sql).fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        db.close()


def test_collect_dedupes_and_filters(tmp_path):
    folder = _inputs(tmp_path)
    files = collect([str(folder), str(folder / "tota" / "*.xml")])
    assert len(files) == len(set(files)) == 7 + 5 + 2  # LICENSE is not an agreement
    assert file_hash(folder / "renamed-cemac.xml") == file_hash(folder / "tota" / "pta_86.xml")


def test_sigkill_then_resume_keeps_every_agreement_once(tmp_path):
    folder, out = _inputs(tmp_path), tmp_path / "out"
    distinct = {file_hash(f) for f in collect([str(folder)])}
    proc = _batch(folder, out, "--workers", "1")
    deadline = time.time() + 120
    while time.time() < deadline and len(_count(out, "SELECT sha256 FROM documents")) < 3:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)  # the driver and its workers, mid-run
    proc.wait()
    partial = len(_count(out, "SELECT sha256 FROM documents"))
    assert 3 <= partial < len(distinct)

    second = _batch(folder, out, "--workers", "2")
    _, err = second.communicate(timeout=300)
    assert second.returncode == 0, err
    rows = _count(out, "SELECT sha256, status, error FROM documents")
    assert sorted(r[0] for r in rows) == sorted(distinct)  # every agreement exactly once
    failed = [r for r in rows if r[1] == "failed"]
    assert len(failed) == 1 and failed[0][2] == "empty file"
    done = [r for r in rows if r[1] == "done"]
    assert len(list((out / "reports").glob("*.json"))) == len(done)
    assert not list((out / "reports").glob(".*.tmp"))
    # findings belong to finished documents only, once each
    assert _count(out, "SELECT COUNT(DISTINCT sha256) FROM findings WHERE sha256 NOT IN "
                       "(SELECT sha256 FROM documents WHERE status = 'done')") == [(0,)]
    with (out / "tables" / "agreements.csv").open(encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    canada_peru = next(r for r in table if r["path"].endswith("pta_387.xml"))
    assert canada_peru["G3"] == "met" and canada_peru["parties"] == "CAN;PER" and canada_peru["date_signed"] == "2008-05-29"

    third = _batch(folder, out)
    _, err = third.communicate(timeout=300)
    assert b"0 analysed, 0 failed" in err  # nothing redone, the failure not retried unasked
    assert len(_count(out, "SELECT sha256 FROM documents")) == len(distinct)

    retry = _batch(folder, out, "--retry-failed")
    _, err = retry.communicate(timeout=300)
    assert b"0 analysed, 1 failed" in err

    changed = folder / "texts" / "en-canada-peru-fta-excerpt.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nArticle 9999\nThe Parties shall cooperate on culture.\n",
                       encoding="utf-8")
    again = _batch(folder, out)
    _, err = again.communicate(timeout=300)
    assert b"1 analysed" in err  # a changed file is redone; renamed copies are not


def test_stats_over_a_batch(tmp_path):
    from analyser.batch import run
    from analyser.stats import analytics as stats

    out = tmp_path / "out"
    summary = run([str(CORPORA / "tota")], out, workers=1, progress=False)
    assert summary.done == 7
    text = stats(out)
    assert "7 agreements analysed" in text and "2005-2009" in text
    assert "Reference to the 2005 Convention" in text and "EU - Albania" in text  # plain label names
    for name in ("checks_by_year.png", "checks_by_region.png", "checks_by_party.png", "index.html", "summary.txt"):
        assert (out / "stats" / name).stat().st_size > 0
    html = (out / "stats" / "index.html").read_text(encoding="utf-8")
    assert "http" not in html and "<th>region</th><th>G1</th>" in html
    french = stats(out, lang="fr")  # the same tables, worded in French (CSV headers stay English)
    assert "7 accords analysés" in french and "Par région (la première citée) :" in french
    assert "<th>région</th><th>G1</th>" in (out / "stats" / "index.html").read_text(encoding="utf-8")
    assert (out / "stats" / "by_region.csv").read_text(encoding="utf-8").startswith("region,G1,")
    # every header sits over its own column: the region table's "G3" ends where its shares end
    block = text.split("By region (first listed):\n")[1].split("\n\n")[0].splitlines()
    header, first = block[0], block[1]
    for col in ("G1", "G3", "G4", "G6", "agreements"):
        end = header.index(col) + len(col)
        assert first[end - 1] in "0123456789%" and (end == len(first) or first[end] == " "), (col, header, first)
    for name in ("overall", "by_period", "by_region", "parties_g3", "wordings"):
        rows = list(csv.reader((out / "stats" / f"{name}.csv").open(encoding="utf-8")))
        assert rows[0] and all(len(r) == len(rows[0]) for r in rows), name
    parties = list(csv.DictReader((out / "stats" / "parties_g3.csv").open(encoding="utf-8")))
    assert all(r["share meeting G3"] != "0%" for r in parties)


def test_dask_executor_on_a_local_cluster(tmp_path):
    from distributed import LocalCluster

    from analyser.batch import run

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        address = cluster.scheduler_address.replace("tcp://", "dask://")
        out = tmp_path / "out"
        summary = run([str(CORPORA / "tota")], out, progress=False, executor=address)
    assert summary.done == 7 and summary.failed == 0
    assert len(_count(out, "SELECT sha256 FROM documents WHERE status = 'done'")) == 7
    assert len(list((out / "reports").glob("*.json"))) == 7


def _work_that_kills_its_worker(path, sha, reports_dir):
    """Stands in for a PDF library that segfaults, or the kernel killing a worker for memory."""
    from analyser import batch

    if "crash" in os.path.basename(path):
        os._exit(139)
    return batch.ORIGINAL_WORK(path, sha, reports_dir)


def test_a_worker_that_dies_fails_its_file_only(tmp_path, monkeypatch):
    from analyser import batch

    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("pta_86.xml", "pta_123.xml", "pta_11.xml"):
        shutil.copy(CORPORA / "tota" / name, folder / name)
    (folder / "crash.txt").write_text("Article 1\nThe Parties shall cooperate in the field of culture.\n", encoding="utf-8")
    monkeypatch.setattr(batch, "ORIGINAL_WORK", batch.work, raising=False)
    monkeypatch.setattr(batch, "work", _work_that_kills_its_worker)  # forked workers inherit it
    summary = batch.run([str(folder)], tmp_path / "out", workers=2, progress=False)
    assert (summary.done, summary.failed) == (3, 1)
    rows = dict(_count(tmp_path / "out", "SELECT path, COALESCE(error, status) FROM documents"))
    assert rows[str(folder / "crash.txt")] == batch.CRASHED
    assert sorted(v for k, v in rows.items() if not k.endswith("crash.txt")) == ["done"] * 3


def test_an_edited_file_replaces_its_old_rows(tmp_path):
    from analyser import batch

    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    draft = folder / "draft.txt"
    shutil.copy(CORPORA / "texts" / "en-canada-peru-fta-excerpt.txt", draft)
    batch.run([str(folder)], out, workers=1, progress=False)
    draft.write_text(draft.read_text(encoding="utf-8").replace("cultural industries", "fisheries"), encoding="utf-8")
    batch.run([str(folder)], out, workers=1, progress=False)
    docs = _count(out, "SELECT sha256, path FROM documents")
    assert docs == [(file_hash(draft), str(draft))]
    assert {s for (s,) in _count(out, "SELECT DISTINCT sha256 FROM findings")} <= {file_hash(draft)}
