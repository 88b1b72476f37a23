"""Fuzz the command line with hostile and odd inputs, each in its own process with a time and a
memory limit, and count what went wrong per family.

Families (inputs built from the seed corpus in tests/fuzz_seeds/ and corpora/, which are real
treaty files, plus hand-built oddities):
  pdf, docx, xml, html, text  mutations of the seeds (truncations, bit flips, inserted, duplicated
                              and deleted chunks), random bytes, text with every Unicode oddity
  huge         long texts without headings (1-8 MB; some as one single line)
  nesting      HTML <div>s and ToTA <article>s/<chapter>s nested thousands deep, DOCX content
               controls and tables nested tens to thousands deep
  encodings    ToTA XML in UTF-8/16/32, legacy code pages, with true, lying, unknown or UTF-7 declarations
  pdfplumber   PDF mutations read with --pdf-engine pdfplumber
  bombs        PDF FlateDecode streams and DOCX parts that inflate to hundreds of MB, thousands of
               pages drawing one content stream, uncompressed content streams of tens of MB
  geometry     PDFs whose MediaBox is huge, negative, empty, non-numeric or out of range; both engines
  format-pdf   --format pdf (the annotated copy written by pypdf) on PDF mutations
  outputs      -o onto a symbolic link, a dangling link, a FIFO, a device node (as root), a file
               with mode 0640; the output must land where named, keep its mode, leave no temp file

Each input runs `analyser analyse` in a child forked from a warmed-up parent (the CLI imported and
the models loaded once, so an input costs its own work and not the ~2 s of interpreter and import
start-up), with RLIMIT_AS as a hard ceiling, killed after --timeout seconds; its peak RSS is the
child's own, from wait4. --jobs N runs N such parents side by side (each forked from the warmed
one, each forking its own children). --spawn runs each input in a fresh `python -m analyser`
instead (the plain mode: slower, nothing shared with the harness). Inputs are the same whatever
--jobs and --spawn: each is drawn in order from its family's seeded generator. An input identical to
an earlier one (same bytes, suffix, arguments and output kind: the huge, nesting, bombs and
outputs families draw from a few dozen) is counted again with the earlier run's result instead of
being run again, since the CLI is deterministic (--rerun runs every one).
Failures, counted per family:
  internal  exit 3 (an internal error), or any exit other than 0 and 2
  timeout   still running after --timeout seconds (with --cpu-clock: over --timeout seconds of CPU,
            or still running after 10 x --timeout seconds: on a loaded machine, under nice, the wall
            clock measures the neighbours; the table shows the slowest wall and CPU times either way)
  memory    peak RSS over --memory-mb (the child's own, from wait4), or killed by the ceiling
  crash     ended by a signal (SIGABRT, SIGSEGV)
  stderr    more than one line on stderr
  output    (outputs family) the named output not written as asked, or a temporary file left

Usage: python scripts/fuzz.py [--n 10000] [--timeout 60] [--memory-mb 1024] [--seed 2026] [--jobs 2]
                              [--spawn] [--family F ...] [--keep DIR]
Prints one line per family (with its peak RSS and slowest input) and the first failures, with their
inputs saved under --keep; exits 1 on any failure.
"""
from __future__ import annotations

import argparse
import gc
import hashlib
import io
import json
import multiprocessing
import os
import random
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections import Counter, deque
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "fuzz_seeds"
sys.path.insert(0, str(ROOT / "tests"))
from pdfhostile import lines as _pdf_lines, shared_pages, text_pdf  # noqa: E402  (the tests' hand-written PDFs)
TEXTS = ROOT / "corpora" / "texts"
SAMPLE = ROOT / "corpora" / "samples" / "canada-peru-fta-2008.xml"
ODDITIES = ["\x00", "\u200f", "\u200e", "\u202e", "\u0301", "\u0327", "\u00a0", "\ufeff", "\u2028", "\ud7ff", "\U0001f600",
            "Article\u00a08.2", "ARTICLE\u00a0IV", "Artículo\u200f 14.4", "A rticle 6", "\r\n", "\t", "\x0c", "ﬁ", "Ⅳ"]
CLAUSE = ("Nothing in this Agreement shall be construed to apply to measures adopted or maintained by either "
          "Party with respect to cultural industries.")
OUTCOMES = ("ok", "error")
FAILURES = ("internal", "timeout", "memory", "crash", "stderr", "output")
SMALL = False  # --small: the cheapest sizes of each family (the test suite's run)


@dataclass
class Case:
    """One input: its bytes, the file suffix, extra CLI arguments and, for outputs, how to check."""

    data: bytes
    suffix: str
    args: list[str] = field(default_factory=list)
    output: str | None = None  # outputs family: link, dangling, fifo, device, mode0640


# --- generators ----------------------------------------------------------------------------

def _seed_files(suffix: str) -> list[bytes]:
    return [f.read_bytes() for f in sorted(SEEDS.glob(f"*{suffix}"))]


def _mutate(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(0, 4)):
        if not out:
            break
        pos = rng.randrange(len(out))
        op = rng.choice(["truncate", "flip", "insert", "duplicate", "delete"])
        if op == "truncate":
            del out[pos:]
        elif op == "flip":
            out[pos] ^= 1 << rng.randrange(8)
        elif op == "insert":
            out[pos:pos] = rng.randbytes(rng.randint(1, 64))
        elif op == "duplicate":
            out[pos:pos] = out[pos:pos + rng.randint(1, 4096)]
        else:
            del out[pos:pos + rng.randint(1, 512)]
    return bytes(out)


def _odd_text(rng: random.Random) -> bytes:
    parts = [rng.choice(ODDITIES) if rng.random() < 0.5 else "".join(chr(rng.randint(32, 0x2FFF)) for _ in range(rng.randint(0, 40)))
             for _ in range(rng.randint(0, 60))]
    return "".join(parts).encode(rng.choice(["utf-8", "utf-16", "utf-8-sig", "cp1252", "latin-1"]), "replace")


def gen_mutation(suffix: str):
    seeds = _seed_files(suffix)

    def gen(rng: random.Random) -> Case:
        r = rng.random()
        if r < 0.1:
            return Case(rng.randbytes(rng.randint(0, 2048)), suffix)
        if r < 0.25 and suffix in {".txt", ".html", ".xml"}:
            return Case(_odd_text(rng), suffix)
        return Case(_mutate(rng, rng.choice(seeds)), suffix)
    return gen


def _treaty_text() -> str:
    return "\n\n".join(f.read_text(encoding="utf-8") for f in sorted(TEXTS.glob("*.txt")))


def gen_huge(rng: random.Random) -> Case:
    import re

    text = re.sub(r"(?im)^\s*(article|art[ií]culo|chapter|chapitre|cap[ií]tulo|section|annex|anexo|part)\b", "Para",
                  _treaty_text())
    size = rng.randint(1, 2 if SMALL else 8) * 2**20
    body = (text + "\n\n") * (size // len(text) + 1)
    if rng.random() < 0.3:
        body = body.replace("\n", " ")  # one line, one paragraph
    return Case(body[:size].encode("utf-8"), ".txt")


def gen_nesting(rng: random.Random) -> Case:
    if rng.random() < 0.2:
        return Case(_nested_docx(rng.choice(["sdt", "tbl"]), rng.choice([50, 80, 120, 300, 5000])), ".docx")
    depth = rng.choice([1000, 5000] if SMALL else [1000, 5000, 10000, 20000, 50000])
    if rng.random() < 0.5:
        tag = rng.choice(["div", "p", "section", "span", "li"])
        page = "<html><body>" + f"<{tag}>{CLAUSE} " * depth + f"</{tag}>" * depth + "</body></html>"
        return Case(page.encode(), ".html")
    tag = rng.choice(["article", "chapter"])
    xml = ('<treaty><body><chapter name="One">' + f"<{tag}>{CLAUSE} " * depth + f"</{tag}>" * depth
           + "</chapter></body></treaty>")
    return Case(xml.encode(), ".xml")


@lru_cache(maxsize=None)
def _nested_docx(kind: str, depth: int) -> bytes:
    """The DOCX seed with the clause inside `depth` nested content controls or tables."""
    para = f"<w:p><w:r><w:t>{CLAUSE}</w:t></w:r></w:p>"
    if kind == "sdt":
        body = "<w:sdt><w:sdtContent>" * depth + para + "</w:sdtContent></w:sdt>" * depth
    else:
        body = ("<w:tbl><w:tr><w:tc>" + para) * depth + para + "</w:tc></w:tr></w:tbl>" * depth
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_seed_files(".docx")[0])) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + body.encode(), 1)
            dst.writestr(name, data)
    return out.getvalue()


def gen_encodings(rng: random.Random) -> Case:
    text = SAMPLE.read_text(encoding="utf-8")
    body = text[text.index("<treaty"):]
    codec = rng.choice(["utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "cp1252", "latin-1", "utf-8-sig"])
    declared = rng.choice([codec, "UTF-8", "UTF-16", "utf-32", "UTF-7", "x-bogus-42", "ISO-8859-1", "windows-1252",
                           "ebcdic-cp-us", "", None])
    decl = "" if declared is None else f'<?xml version="1.0" encoding="{declared}"?>\n'
    return Case((decl + body).encode(codec, "replace"), rng.choice([".xml", ".txt"]))


def gen_plumber(rng: random.Random) -> Case:
    case = gen_mutation(".pdf")(rng)
    case.args = ["--pdf-engine", "pdfplumber"]
    return case


def _lines(n: int, x: float = 72, y: float = 720) -> bytes:
    return _pdf_lines(n, x, y, CLAUSE.encode())


def _inflating_zip(rng: random.Random) -> bytes:
    """A real DOCX seed with one part (comments or a media file) inflating to 200-800 MB."""
    size = rng.choice([200] if SMALL else [200, 400, 800]) * 2**20
    name = rng.choice(["word/comments.xml", "word/media/image1.png", "word/document.xml"])
    return _zip_bomb(size, name)


@lru_cache(maxsize=None)
def _zip_bomb(size: int, name: str) -> bytes:
    """Built once per size and part: deflating 800 MB takes seconds, and the bytes are the same."""
    seed = _seed_files(".docx")[0]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(seed)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != name:
                dst.writestr(info, src.read(info.filename))
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with dst.open(info, "w", force_zip64=True) as fh:
            chunk = b"<w:comment " + b" " * (2**20 - 11)
            for _ in range(size // 2**20):
                fh.write(chunk)
    return out.getvalue()


def gen_bombs(rng: random.Random) -> Case:
    r = rng.random()
    if r < 0.4:
        return Case(_inflating_zip(rng), ".docx")
    engine = rng.choice([[], ["--pdf-engine", "pdfplumber"]])
    if r < 0.7:
        n = rng.choice([50_000] if SMALL else [50_000, 200_000, 1_000_000])  # ~7, 28, 140 MB of text operators
        return Case(_stream_bomb(n), ".pdf", engine)
    if r < 0.85:  # pages sharing one stream of 1,800 lines (~190k characters each); pdfplumber
        # reads ~1M characters (half a minute) before its limit: not among the cheapest
        return Case(_shared_bomb(rng.choice([30] if SMALL else [30, 500, 5000])), ".pdf", [] if SMALL else engine)
    return Case(_raw_paths(rng.choice([5] if SMALL else [5, 20, 45])), ".pdf", engine)


@lru_cache(maxsize=None)
def _shared_bomb(pages: int) -> bytes:
    return shared_pages(_lines(1800), pages)


@lru_cache(maxsize=None)
def _raw_paths(mb: int) -> bytes:
    """One page whose uncompressed content stream is `mb` MB of path operators."""
    return text_pdf(b"0 0 m 1 1 l S\n" * (mb * 2**20 // 14))


@lru_cache(maxsize=None)
def _stream_bomb(n: int) -> bytes:
    """A PDF whose one FlateDecode content stream inflates to n lines (built once per n)."""
    return text_pdf(_lines(n), filt=True)


def gen_geometry(rng: random.Random) -> Case:
    box = rng.choice([b"[0 0 1e9 792]", b"[0 0 1000000000 1000000000]", b"[0 0 -612 -792]", b"[0 0 0 0]",
                      b"[0 0 612]", b"[0 0 nan 792]", b"[0 0 1e400 792]", b"[612 792 0 0]", b"[0 0 14400 14400]",
                      b"[-1e30 -1e30 1e30 1e30]", b"(box)"])
    x, y = rng.choice([(72, 720), (1e8, 720), (-5e8, 1e8), (72, -1e9)])
    content = _lines(rng.choice([1, 20, 200]), x, y)
    if rng.random() < 0.3:  # two columns far apart
        content += b"\n" + _lines(20, 5e8, 720)
    return Case(text_pdf(content, mediabox=box), ".pdf", rng.choice([[], ["--pdf-engine", "pdfplumber"]]))


def gen_format_pdf(rng: random.Random) -> Case:
    case = gen_mutation(".pdf")(rng)
    case.args = ["--format", "pdf", *rng.choice([[], ["--pdf-engine", "pdfplumber"]])]
    case.output = "file"
    return case


def gen_outputs(rng: random.Random) -> Case:
    data = (TEXTS / "es-tratado-de-montevideo-1980-aladi.txt").read_bytes()
    kinds = ["link", "dangling", "fifo", "mode0640", "stale"] + (["device"] if os.geteuid() == 0 else [])
    return Case(data, ".txt", rng.choice([[], ["--format", "md"], ["--format", "csv"]]), rng.choice(kinds))


FAMILIES = {
    "pdf": gen_mutation(".pdf"), "docx": gen_mutation(".docx"), "xml": gen_mutation(".xml"),
    "html": gen_mutation(".html"), "text": gen_mutation(".txt"),
    "huge": gen_huge, "nesting": gen_nesting, "encodings": gen_encodings, "pdfplumber": gen_plumber,
    "bombs": gen_bombs, "geometry": gen_geometry, "format-pdf": gen_format_pdf, "outputs": gen_outputs,
}


# --- running -------------------------------------------------------------------------------

def warm_up() -> None:
    """Load the pipeline and its models once in this parent; each child is a fork of it."""
    from analyser import analyse

    with tempfile.TemporaryDirectory(prefix="analyser-fuzz-") as folder:
        for name in ("en-canada-peru-fta-excerpt.txt", "es-tratado-de-montevideo-1980-aladi.txt"):
            path = Path(folder) / name
            shutil.copy(TEXTS / name, path)
            analyse(path, ocr=False)


def _prepare_output(case: Case, folder: Path) -> tuple[Path | None, threading.Thread | None, list[bytes]]:
    """The output path the child writes, made into the link, FIFO or device the case asks for."""
    if case.output is None:
        return None, None, []
    received: list[bytes] = []
    real = folder / "out" / "report.out"
    real.parent.mkdir()
    if case.output == "file":
        return real, None, received
    if case.output in {"link", "dangling"}:
        if case.output == "link":
            real.write_text("old report")
        link = folder / "link.out"
        link.symlink_to(real)
        return link, None, received
    if case.output == "mode0640":
        real.write_text("old report")
        real.chmod(0o640)
        return real, None, received
    if case.output == "stale":
        (real.parent / ".report.out.abcd1234.tmp").write_text("left by a killed run")
        return real, None, received
    if case.output == "fifo":
        os.mkfifo(real)
        reader = threading.Thread(target=lambda: received.append(real.read_bytes()), daemon=True)
        reader.start()
        return real, reader, received
    os.mknod(real, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # device: a /dev/null
    return real, None, received


def _check_output(case: Case, out: Path, received: list[bytes]) -> bool:
    """True when the output landed where and how it was named, and nothing else was left."""
    real = out.parent / "report.out" if case.output not in {"link", "dangling"} else out.parent / "out" / "report.out"
    left = sorted(p.name for p in real.parent.iterdir())
    if left != ["report.out"]:
        return False
    if case.output in {"link", "dangling"}:
        return out.is_symlink() and real.is_file() and real.read_text() != "old report"
    if case.output == "mode0640":
        return stat.S_IMODE(real.stat().st_mode) == 0o640 and real.read_text() != "old report"
    if case.output == "fifo":
        return stat.S_ISFIFO(real.stat().st_mode) and bool(received and received[0])
    if case.output == "device":
        return stat.S_ISCHR(real.stat().st_mode)
    return real.is_file() and real.stat().st_size > 0


@dataclass
class Result:
    """How one input ended: outcome ('ok', 'error' or one of FAILURES), a detail line, the child's
    peak RSS, its wall time and its CPU time."""

    outcome: str
    detail: str
    rss_mb: float
    seconds: float
    cpu_seconds: float = 0.0


WALL_FACTOR = 10  # --cpu-clock: a run that waits (a hang, not work) is killed after this many timeouts


def _limits(ceiling_mb: int, cpu_s: float | None = None) -> None:
    """In the child, before the CLI: its own session (killed as a group), its memory ceiling and,
    when timed on the CPU clock, its CPU seconds (SIGXCPU, then SIGKILL a second later)."""
    os.setsid()
    limit = ceiling_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if cpu_s is not None:
        resource.setrlimit(resource.RLIMIT_CPU, (int(cpu_s), int(cpu_s) + 1))


def _fork_cli(argv: list[str], err_path: Path, ceiling_mb: int, cpu_s: float | None = None) -> int:
    """A child of this (warmed) process running the CLI's main on argv; stderr to err_path."""
    pid = os.fork()
    if pid:
        return pid
    try:  # the child: limits, quiet output, the CLI
        _limits(ceiling_mb, cpu_s)
        fd = os.open(err_path, os.O_WRONLY | os.O_CREAT, 0o600)
        os.dup2(fd, 2)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        # the streams on the new descriptors: a parent's sys.stderr may write elsewhere (pytest's capture)
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
        sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False, buffering=1)
        from analyser.cli import main

        code = main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001  (a fault of the harness, not of the CLI: say which)
        import traceback

        traceback.print_exc(file=sys.__stderr__)
        code = 99
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


def _spawn_cli(argv: list[str], err_path: Path, ceiling_mb: int, cpu_s: float | None = None) -> int:
    """A fresh `python -m analyser` on argv (the plain mode); stderr to err_path."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    with open(err_path, "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "analyser", *argv], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=err, env=env,
                                preexec_fn=lambda: _limits(ceiling_mb, cpu_s))
    proc.returncode = 0  # reaped below by wait4 (its rusage is the point); Popen must not wait
    return proc.pid


def run_case(case: Case, timeout: float, memory_mb: int, ceiling_mb: int, spawn: bool = False,
             cpu_clock: bool = False) -> Result:
    """Run one input in its own process and classify how it ended."""
    with tempfile.TemporaryDirectory(prefix="analyser-fuzz-") as tmp:
        folder = Path(tmp)
        path = folder / f"input{case.suffix}"
        path.write_bytes(case.data)
        out, reader, received = _prepare_output(case, folder)
        argv = ["analyse", str(path), "--no-ocr", *case.args] + (["-o", str(out)] if out else [])
        err_path = folder / "stderr"
        start = time.monotonic()
        pid = (_spawn_cli if spawn else _fork_cli)(argv, err_path, ceiling_mb, timeout if cpu_clock else None)
        wall = timeout * WALL_FACTOR if cpu_clock else timeout
        timer = threading.Timer(wall, lambda: _kill(pid))
        timer.start()
        _, status, usage = os.wait4(pid, 0)
        timer.cancel()
        elapsed = time.monotonic() - start
        if reader is not None:
            if reader.is_alive():  # the child never opened the FIFO: let the reader go
                try:
                    os.close(os.open(out, os.O_WRONLY | os.O_NONBLOCK))
                except OSError:
                    pass
            reader.join(5)
        stderr = err_path.read_text(encoding="utf-8", errors="replace") if err_path.exists() else ""
        rss_mb = usage.ru_maxrss / 1024
        cpu = usage.ru_utime + usage.ru_stime
        outcome, detail = _judge(case, status, elapsed, wall, cpu, timeout if cpu_clock else None, rss_mb, memory_mb,
                                 stderr, out, received)
        return Result(outcome, detail, rss_mb, elapsed, cpu)


def _judge(case: Case, status: int, elapsed: float, wall: float, cpu: float, cpu_limit: float | None, rss_mb: float,
           memory_mb: int, stderr: str, out: Path | None, received: list[bytes]) -> tuple[str, str]:
    """(outcome, detail) of a finished child."""
    last = stderr.strip().splitlines()[-1][:160] if stderr.strip() else ""
    if elapsed >= wall and os.WIFSIGNALED(status):
        return "timeout", f"killed after {wall:.0f} s (wall clock; {cpu:.0f} s of CPU)"
    if cpu_limit is not None and os.WIFSIGNALED(status) and (os.WTERMSIG(status) == signal.SIGXCPU or cpu >= cpu_limit):
        return "timeout", f"killed after {cpu:.0f} s of CPU ({elapsed:.0f} s wall clock)"
    if "MemoryError" in stderr or rss_mb > memory_mb:
        return "memory", f"peak {rss_mb:.0f} MB; {last}"
    if os.WIFSIGNALED(status):
        return "crash", f"signal {os.WTERMSIG(status)}; {last}"
    code = os.WEXITSTATUS(status)
    if code not in (0, 2):
        return "internal", f"exit {code}: {last}"
    if len(stderr.strip().splitlines()) > 1:
        return "stderr", f"{len(stderr.strip().splitlines())} lines: {stderr.strip().splitlines()[0][:120]}"
    if code == 0 and case.output and case.output != "file" and not _check_output(case, out, received):
        return "output", f"{case.output}: output not as named"
    return ("ok", "") if code == 0 else ("error", last.split(": ", 3)[-1][:60])


def _kill(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@dataclass
class Tally:
    """Per family: outcome counts, a line per failure, the largest peak RSS and the slowest input."""

    counts: dict[str, Counter]
    details: dict[str, list[str]]
    peak_mb: dict[str, float]
    slowest: dict[str, float]
    slowest_cpu: dict[str, float] = field(default_factory=dict)
    runs: int = 0  # inputs actually run (the others repeat an earlier input)


def _key(case: Case) -> tuple:
    return hashlib.sha256(case.data).hexdigest(), case.suffix, tuple(case.args), case.output


def fuzz(families: list[str], n: int, timeout: float, memory_mb: int, ceiling_mb: int, seed: int,
         keep: Path | None = None, log=None, jobs: int = 1, spawn: bool = False, rerun: bool = False,
         cpu_clock: bool = False) -> Tally:
    """Run n inputs spread over the families (round robin, fixed seed), `jobs` at a time; an
    input identical to an earlier one takes its result unless `rerun`."""
    tally = Tally({f: Counter() for f in families}, {f: [] for f in families}, dict.fromkeys(families, 0.0),
                  dict.fromkeys(families, 0.0))
    rngs = {f: random.Random(f"{seed}:{f}") for f in families}
    done = 0

    def record(i: int, family: str, case: Case, res: Result) -> None:
        nonlocal done
        tally.counts[family][res.outcome] += 1
        tally.peak_mb[family] = max(tally.peak_mb[family], res.rss_mb)
        tally.slowest[family] = max(tally.slowest[family], res.seconds)
        tally.slowest_cpu[family] = max(tally.slowest_cpu.get(family, 0.0), res.cpu_seconds)
        if res.outcome not in OUTCOMES:
            tally.details[family].append(
                f"{res.outcome}: {res.detail} (input {i}, {len(case.data)} bytes"
                f"{', ' + ' '.join(case.args) if case.args else ''}{', -o ' + case.output if case.output else ''})")
            if keep is not None:
                keep.mkdir(parents=True, exist_ok=True)
                (keep / f"{family}-{i}{case.suffix}").write_bytes(case.data)
        done += 1
        if log is not None and done % 100 == 0:
            print(f"... {done}/{n} inputs", file=log)
            print(table(families, tally), file=log, flush=True)

    def cases():
        for i in range(n):
            family = families[i % len(families)]
            yield i, family, FAMILIES[family](rngs[family])

    earlier: dict[tuple, object] = {}  # input key -> its Result (or, with jobs, its AsyncResult)
    if jobs <= 1:
        for i, family, case in cases():
            key = _key(case)
            if rerun or key not in earlier:
                earlier[key] = run_case(case, timeout, memory_mb, ceiling_mb, spawn, cpu_clock)
                tally.runs += 1
            record(i, family, case, earlier[key])
        return tally
    # workers forked now, before this process starts any thread: each is a copy of the warmed parent
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        pending: deque = deque()
        for i, family, case in cases():  # at most 2 inputs per worker in memory at once
            key = _key(case)
            if rerun or key not in earlier:
                earlier[key] = pool.apply_async(run_case, (case, timeout, memory_mb, ceiling_mb, spawn, cpu_clock))
                tally.runs += 1
            pending.append((i, family, case, earlier[key]))
            while len(pending) >= 2 * jobs or (pending and pending[0][3].ready()):
                i0, f0, c0, res = pending.popleft()
                record(i0, f0, c0, res.get())
        while pending:
            i0, f0, c0, res = pending.popleft()
            record(i0, f0, c0, res.get())
    return tally


def table(families: list[str], tally: Tally) -> str:
    """One line per family: inputs, good outcomes, each kind of failure, peak RSS and slowest input."""
    lines = [f"{'family':<11} {'inputs':>6} {'ok':>5} {'error':>5} " + " ".join(f"{f:>8}" for f in FAILURES)
             + f" {'peak MB':>8} {'max s':>6} {'max cpu':>7}"]
    for family in families:
        c = tally.counts[family]
        lines.append(f"{family:<11} {sum(c.values()):6d} {c['ok']:5d} {c['error']:5d} "
                     + " ".join(f"{c[f]:8d}" for f in FAILURES)
                     + f" {tally.peak_mb[family]:8.0f} {tally.slowest[family]:6.1f} {tally.slowest_cpu.get(family, 0.0):7.1f}")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1300, help="inputs in all (spread evenly over the families)")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds before a run is killed and counted")
    ap.add_argument("--memory-mb", type=int, default=1024, help="peak RSS above this counts as a failure")
    ap.add_argument("--ceiling-mb", type=int, default=6144, help="RLIMIT_AS of each run (protects the machine)")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--jobs", type=int, default=1, help="inputs run side by side")
    ap.add_argument("--spawn", action="store_true", help="a fresh interpreter per input instead of a fork")
    ap.add_argument("--rerun", action="store_true", help="run inputs identical to an earlier one again")
    ap.add_argument("--cpu-clock", action="store_true",
                    help=f"time out on CPU seconds (a hang: after {WALL_FACTOR} x the timeout), for loaded machines")
    ap.add_argument("--family", action="append", choices=sorted(FAMILIES), help="only these families")
    ap.add_argument("--keep", type=Path, help="save the failing inputs here")
    ap.add_argument("--small", action="store_true", help="the cheapest sizes of each family (quick runs)")
    ap.add_argument("--json", action="store_true", help="print the counts and failures as JSON instead")
    args = ap.parse_args()
    families = args.family or list(FAMILIES)
    global SMALL
    SMALL = args.small
    start = time.perf_counter()
    if not args.spawn:
        warm_up()
        # the warmed objects out of the collector's sight: a child's collections would otherwise
        # touch (and so copy) every page it shares with this parent
        gc.freeze()
    tally = fuzz(families, args.n, args.timeout, args.memory_mb, args.ceiling_mb, args.seed, args.keep, sys.stderr,
                 args.jobs, args.spawn, args.rerun, args.cpu_clock)
    failed = sum(c[f] for c in tally.counts.values() for f in FAILURES)
    if args.json:
        print(json.dumps({f: {"counts": dict(tally.counts[f]), "failures": tally.details[f],
                              "peak_mb": round(tally.peak_mb[f]), "slowest_s": round(tally.slowest[f], 1),
                              "slowest_cpu_s": round(tally.slowest_cpu.get(f, 0.0), 1)}
                          for f in families} | {"runs": tally.runs}))
        return 1 if failed else 0
    print(table(families, tally))
    print(f"total {args.n} inputs ({tally.runs} run, the rest identical to an earlier input) in {time.perf_counter() - start:.0f} s (timeout {args.timeout:.0f} s{' of CPU' if args.cpu_clock else ''}, memory "
          f"{args.memory_mb} MB, {args.jobs} at a time, {'spawned' if args.spawn else 'forked'}): {failed} failures")
    for family in families:
        for line in tally.details[family][:20]:
            print(f"  {family}: {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
