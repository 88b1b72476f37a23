"""Command line: `analyser analyse FILE`, `analyser evaluate`.

Input problems print one line on stderr naming the file and the reason and exit with status 2;
output files are written atomically, so a failed run never replaces a good report.
"""
from __future__ import annotations

import argparse
import atexit
import json
import os
import sys
import threading
from pathlib import Path

from analyser.errors import AnalyserError, reason_of

EXIT_INPUT = 2
EXIT_INTERNAL = 3


def _parser() -> argparse.ArgumentParser:
    from analyser import __version__
    from analyser.language import ENGINES, SUPPORTED
    from analyser.pipeline import DOCUMENT_TIMEOUT_S
    from analyser.i18n import LANGUAGES
    from analyser.report import FORMAT_NAMES

    def report_language(cmd: argparse.ArgumentParser) -> None:
        cmd.add_argument("--report-language", choices=LANGUAGES, default=None,
                         help="language of the report's text (default: the agreement's language); "
                              "JSON keys and label identifiers stay English")

    def reviewed_option(cmd: argparse.ArgumentParser) -> None:  # review and teach (analyser/review/)
        from analyser.review.cli import store_option

        cmd.add_argument("--reviewed", action="store_true",
                         help="the report as reviewed: the decisions of the review store applied, checks recomputed")
        store_option(cmd)

    parser = argparse.ArgumentParser(prog="analyser", description="Screen trade agreements for culture (UNESCO 2005 Convention, Operational Guidelines 18-19).")
    parser.add_argument("--version", action="version", version=f"analyser {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    parser.add_argument("--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                        help="log to stderr at this level (default WARNING). Logs never hold document text; "
                             "INFO names documents by hash only; DEBUG also logs file paths")
    sub = parser.add_subparsers(dest="command", required=True)

    a = sub.add_parser("analyse", aliases=["analyze"], help="analyse one agreement (PDF, ToTA XML or text)")
    a.add_argument("file")
    a.add_argument("--format", "-f", choices=sorted(FORMAT_NAMES["report"]), default="json")
    a.add_argument("-o", "--output", help="write here instead of stdout (atomically)")
    a.add_argument("--language", choices=SUPPORTED, help="override language detection")
    a.add_argument("--language-engine", choices=sorted(ENGINES), default="py3langid")
    a.add_argument("--pdf-engine", choices=["pdfium", "pdfplumber"], default="pdfium",
                   help="PDF text engine: pdfium (fast, default) or pdfplumber (pdfminer layout analysis)")
    a.add_argument("--no-ocr", action="store_true", help="do not OCR scanned pages even when OCRmyPDF is installed")
    a.add_argument("--timeout", type=float, default=DOCUMENT_TIMEOUT_S,
                   help=f"give up on a document after this many seconds (default {DOCUMENT_TIMEOUT_S})")
    a.add_argument("--no-model", action="store_true", help="rules only: leave out the learned layer (models/textcat-bow)")
    a.add_argument("--model-dir", default=None, help="use this trained model folder (either backend) beside the rules")
    report_language(a)
    reviewed_option(a)

    c = sub.add_parser("compare", help="what changed for culture between two versions of an agreement")
    c.add_argument("old")
    c.add_argument("new")
    c.add_argument("--format", "-f", choices=FORMAT_NAMES["compare"], default="json")
    c.add_argument("-o", "--output", help="write here instead of stdout (atomically)")
    report_language(c)

    pr = sub.add_parser("precedents", help="precedent clauses for every check the agreement misses")
    pr.add_argument("file")
    pr.add_argument("--format", "-f", choices=FORMAT_NAMES["precedents"], default="md")
    pr.add_argument("-n", type=int, default=3, help="precedents per check")
    report_language(pr)

    b = sub.add_parser("batch", help="analyse many agreements into a resumable store and tables")
    b.add_argument("inputs", nargs="+", help="files, folders and globs")
    b.add_argument("--out", required=True, type=Path, help="output folder (store.sqlite, reports/, tables/)")
    b.add_argument("--workers", type=int, default=None, help="worker processes (default: the cores)")
    b.add_argument("--retry-failed", action="store_true", help="try the files that failed before again")
    b.add_argument("--no-progress", action="store_true", help="no progress bar")
    b.add_argument("--executor", default=None, help="dask://HOST:PORT to run on a Dask distributed cluster")

    s = sub.add_parser("stats", help="corpus analytics over a batch output folder (text, PNG, HTML)")
    s.add_argument("out", type=Path, help="the folder given to `analyser batch --out`")
    report_language(s)

    q = sub.add_parser("qpr", help="the treaties section of the quadrennial periodic report (2005 Convention)")
    q.add_argument("inputs", nargs="+", help="agreement files, folders, or a batch output folder")
    q.add_argument("--party", default=None, help="only agreements this party (ISO3 code, e.g. CAN) signed")
    q.add_argument("--since", type=int, default=None, help="only agreements signed in this year or later")
    q.add_argument("--format", "-f", choices=FORMAT_NAMES["qpr"], default="md")
    q.add_argument("-o", "--output", help="write here instead of stdout (atomically; needed for docx)")
    q.add_argument("--no-model", action="store_true", help="rules only: leave out the learned layer")
    q.add_argument("--report-language", choices=LANGUAGES, default=None,
                   help="language of the entries (default: the agreements' language when they share one, else en; "
                        "their own headings and quotes stay as printed)")
    reviewed_option(q)

    tr = sub.add_parser("train", help="train the learned layer from corpora/annotations (seeded)")
    tr.add_argument("--out", type=Path, default=None, help="model folder (default models/textcat-bow)")
    tr.add_argument("--backend", choices=["spacy", "transformers"], default="spacy",
                    help="spacy (default, light) or transformers (fine-tunes the local checkpoint given by --base)")
    tr.add_argument("--base", type=Path, default=None, help="local Hugging Face checkpoint folder (transformers backend)")
    tr.add_argument("--epochs", type=int, default=None)
    tr.add_argument("--splits", default=None, help="comma-separated splits to learn from (default: every split but test)")
    tr.add_argument("--annotations", type=Path, action="append", default=[],
                    help="a folder of annotation JSON files: a corpus (with splits.json) instead of the bundled one, "
                         "or review exports (analyser review export) learned from beside it; repeatable")

    e = sub.add_parser("evaluate", help="score the pipeline against labelled agreements")
    e.add_argument("--split", default=None, help="(default test; with only --annotations folders of exports: none) ""a split of corpora/annotations/splits.json (seed, dev, dev2, dev3, dev4, train, test2, texts; held back: test), all, tuning (all but test) or held-back")
    e.add_argument("--annotations", type=Path, action="append", default=[],
                   help="a folder of annotation JSON files: a corpus (with splits.json) instead of the bundled one, "
                        "or review exports (analyser review export) scored beside it; repeatable")
    e.add_argument("--tota", type=Path, default=None, help="folder holding the ToTA XML files")
    e.add_argument("--errors", action="store_true", help="list every disagreement")
    e.add_argument("--layers", choices=["rules", "model", "combined"], default="rules",
                   help="score the rules, the learned layer alone, or both combined")
    e.add_argument("--model-dir", type=Path, default=None, help="score this trained model folder (layers model, combined)")
    e.add_argument("--parallel", action="store_true",
                   help="cross-lingual consistency on corpora/parallel/ (the same clause in EN, ES, FR) instead")
    from analyser.review.cli import add_parser as review_parser

    review_parser(sub)
    return parser


def _reviewed(args: argparse.Namespace):
    """`--reviewed`: a function giving the report as reviewed (analyser/review), else None."""
    if not getattr(args, "reviewed", False):
        return None
    from analyser.review.apply import as_reviewed
    from analyser.review.decisions import ReviewStore

    store = ReviewStore(args.review_db)
    return lambda report: as_reviewed(report, store)


def _analyse(args: argparse.Namespace) -> int:
    from analyser.options import AnalyseOptions, model_choice
    from analyser.pipeline import analyse
    from analyser.report import render

    if args.format in ("pdf", "docx") and not args.output:
        raise AnalyserError(args.file, f"--format {args.format} writes a file: give it with -o OUT.{args.format}")
    options = AnalyseOptions(language=args.language, language_engine=args.language_engine, pdf_engine=args.pdf_engine,
                             ocr=not args.no_ocr, timeout=args.timeout, **model_choice(args.no_model, args.model_dir))
    report = analyse(args.file, options)
    reviewed = _reviewed(args)
    report = reviewed(report) if reviewed else report
    _emit(render(report, args.format, args.report_language), args.output)
    return 0


def _emit(text: str, output: str | None) -> None:
    """The output file (written atomically), or stdout."""
    from analyser.report import write_atomic

    if not output:
        sys.stdout.write(text)
        return
    try:
        write_atomic(text, output)
    except OSError as exc:
        raise AnalyserError(output, f"cannot write output ({exc.strerror})") from None


def _batch(args: argparse.Namespace) -> int:
    from analyser.batch import run
    from analyser.tables import write_tables

    summary = run(args.inputs, args.out, workers=args.workers, retry_failed=args.retry_failed,
                  progress=not args.no_progress, executor=args.executor)
    tables = write_tables(args.out)
    print(f"{summary.total} files: {summary.done} analysed, {summary.failed} failed, {summary.skipped} already in the "
          f"store ({summary.seconds:.1f} s). Store: {args.out / 'store.sqlite'}; tables: "
          f"{', '.join(str(t) for t in tables)}", file=sys.stderr)
    return 0


def _annotation_folders(folders: list[Path]) -> tuple[Path | None, tuple[Path, ...]]:
    """`--annotations` folders: at most one annotated corpus (with splits.json) and any number of
    folders of review exports."""
    from analyser.review.teach import is_export_folder

    exports = tuple(a for a in folders if is_export_folder(a))
    corpora = [a for a in folders if a not in exports]
    if len(corpora) > 1:
        raise AnalyserError(", ".join(map(str, corpora)), "one annotated corpus (a folder with splits.json) at a time")
    return (corpora[0] if corpora else None), exports


def _evaluate(args: argparse.Namespace) -> int:
    from analyser.training.evaluate import main as evaluate_main

    if args.parallel:
        from analyser.training.evaluate import format_consistency, parallel_consistency

        print(format_consistency(parallel_consistency(layers=args.layers), args.layers))
        return 0
    corpus, exports = _annotation_folders(args.annotations)
    split = args.split or (None if exports else "test")
    return evaluate_main(split=split, annotations=corpus, tota=args.tota,
                         show_errors=args.errors, layers=args.layers, exports=exports, model_dir=args.model_dir)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    import logging

    logging.basicConfig(level=args.log_level, format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.command in ("analyse", "analyze"):
            return _analyse(args)
        if args.command == "evaluate":
            return _evaluate(args)
        if args.command == "batch":
            return _batch(args)
        if args.command == "review":
            from analyser.review.cli import run as review

            return review(args, _emit)
        if args.command == "precedents":
            from analyser.pipeline import analyse
            from analyser.precedents import propose
            from analyser.report import renderer

            result = propose(analyse(args.file), per_check=args.n, lang=args.report_language)
            sys.stdout.write(renderer("precedents", args.format)(result))
            return 0
        if args.command == "compare":
            from analyser.compare import compare
            from analyser.pipeline import analyse
            from analyser.report import in_language, renderer

            old, new = analyse(args.old), analyse(args.new)
            lang = args.report_language or new.language
            result = compare(in_language(old, lang), in_language(new, lang))
            _emit(renderer("compare", args.format)(result, lang), args.output)
            return 0
        if args.command == "qpr":
            from analyser.qpr import collect, render_qpr

            if args.format == "docx" and not args.output:
                raise AnalyserError("--format docx", "DOCX is a file: give it with -o OUT.docx")
            entries = collect(args.inputs, party=args.party, since=args.since, model=not args.no_model,
                              reviewed=_reviewed(args))
            _emit(render_qpr(entries, args.format, args.report_language, party=args.party, since=args.since),
                  args.output)
            return 0
        if args.command == "train":
            from analyser.training.corpus import ANNOTATIONS
            from analyser.training.train import MODEL_DIR, train, train_hf

            corpus, exports = _annotation_folders(args.annotations)
            annotations = corpus or ANNOTATIONS
            if args.backend == "transformers":
                if not args.base:
                    raise AnalyserError("--base", "the transformers backend needs --base DIR (a local checkpoint)")
                meta = train_hf(args.base, args.out or MODEL_DIR.parent / "transformers", annotations=annotations,
                                epochs=args.epochs or 3)
            else:
                meta = train(args.out or MODEL_DIR, annotations=annotations, epochs=args.epochs or 12, exports=exports,
                             splits=tuple(args.splits.split(",")) if args.splits else None)
            print(json.dumps(meta, indent=1))
            return 0
        if args.command == "stats":
            from analyser.stats import analytics

            if not (args.out / "store.sqlite").exists():
                raise AnalyserError(str(args.out), "no batch store here (run `analyser batch ... --out` first)")
            print(analytics(args.out, lang=args.report_language or "en"))
            return 0
    except AnalyserError as exc:
        print(f"analyser: error: {exc.path}: {exc.reason}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("analyser: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the promise is one line, never a traceback, unless asked for
        if args.debug:
            raise
        print(f"analyser: {reason_of(exc)} (run with --debug for details)", file=sys.stderr)
        return EXIT_INTERNAL
    return 1


def run() -> None:
    """The `analyser` command (console script and `python -m analyser`): `main`, then a quick exit.

    Tearing the interpreter down (freeing spaCy's and numpy's objects one by one) took about
    0.1 s of every run, a tenth of analysing the bundled sample. When `main` returns, every file
    the command wrote is closed; the exit handlers still run here (temporary folders are removed,
    logging is flushed) and so does the flushing of the standard streams: only the freeing is
    skipped. With another thread alive, or without CPython's exit handlers, the exit is the usual
    one. Python callers use `main`, which returns."""
    code = main()
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)
    if run_exit_handlers is None or threading.active_count() > 1:
        sys.exit(code)
    run_exit_handlers()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: Python's own exit reports 120
            code = code or 120
    os._exit(code)
