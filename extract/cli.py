"""The `manifesto` command line: one subcommand per job, mirroring the Python API.

Unix habits: `-q`, `-v` and `--debug` go anywhere on the line; `-` reads standard input
(a file for `extract`, paths for `batch`, SQL for `query`); `--jsonl` prints one JSON object
a line; `--db` and `--municipality` default from the environment or manifesto.toml (config.py).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import sqlite3
import traceback
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

# Light modules only: those of the database (sqlite-utils) and the readers are imported by the
# commands that use them, once main has started a batch's workers (warm) and hidden pandas.
from . import __version__
from .config import CONFIG_FILE, ENVIRONMENT, Defaults, load_defaults
from .errors import EXIT_FAILED, DatabaseFault, ExtractionError, UsageError
from .limits import FILE_MEMORY_BYTES, FILE_TIMEOUT_SECONDS, LIBRARY_LOGS, Limits, Worker, cool, warm
from .paths import STDIN, shown_path
from .query import QUERY_TIME_LIMIT_SECONDS, run_query
from .readers import DEFAULT_READER, READERS
from .render import FORMATS, render


def _import_sqlite_utils_without_pandas() -> None:
    """Import sqlite-utils with pandas and numpy hidden (unless already imported), before any command does.

    sqlite-utils imports both whenever they are installed (pandas is, for researchers), only to
    map their value types to column types, which this tool never inserts: 0.35 s at the start of
    every command. Both import as usual afterwards (OCR imports numpy).
    """
    hidden = [name for name in ("pandas", "numpy") if name not in sys.modules]
    sys.modules.update(dict.fromkeys(hidden, None))  # a None entry makes `import` raise ImportError
    try:
        import sqlite_utils  # noqa: F401
    finally:
        for name in hidden:
            del sys.modules[name]


NOISY_LOGGERS = ("pdfminer", "pdfplumber", "pikepdf")  # they log each damaged object they skip


def cmd_extract(args: argparse.Namespace) -> int:
    """Print one file's records as JSON, one document per manifesto (`--jsonl`: one compact line each;
    `--provenance`: with where each value was printed); the file is read in a child process, under
    the time and memory limits.

    A manifesto of a booklet that fails is one error line on stderr, the others printed all the same;
    the exit code is then batch's EXIT_FAILED (3), as for a batch with files that failed.
    """
    from .pipeline import FailedPart, extract_bytes, extract_file  # the readers: only for the commands that read
    from .vocabulary import load_vocabulary

    options = {"password": args.password, "reader": args.reader, "vocabulary": load_vocabulary(args.vocabulary)}
    if args.file == STDIN:  # read here: the child's standard input carries its calls
        extract = partial(extract_bytes, sys.stdin.buffer.read(), STDIN, **options)
    else:
        path = Path(args.file)
        if not path.is_file():
            raise UsageError(f"{shown_path(path)}: {'a folder, not a file' if path.is_dir() else 'no such file'}")
        extract = partial(extract_file, path, **options)
    with Worker() as worker:  # read in a child process, under the time and memory limits
        outcomes = worker.call(extract, limits=Limits(args.timeout, args.memory * 2**20))
    indent = None if args.jsonl else 2
    exit_code = 0
    for outcome in outcomes:
        if isinstance(outcome, FailedPart):
            print(f"error: {args.file}: {outcome.error.kind}: {outcome.message}", file=sys.stderr)
            exit_code = EXIT_FAILED
        else:
            _print(json.dumps(outcome.as_json(provenance=args.provenance), ensure_ascii=False, indent=indent))
    return exit_code


def cmd_show(args: argparse.Namespace) -> int:
    """Print a goal's values with their page and box, and write the crop of the page where each was printed."""
    from .pipeline import Extraction, extract_file
    from .show import COLUMNS, shown_values, write_crops  # pypdfium2 rendering: only when showing
    from .vocabulary import load_vocabulary

    found = extract_file(args.file, password=args.password, reader=args.reader, vocabulary=load_vocabulary(args.vocabulary))
    extraction = next(outcome for outcome in found if isinstance(outcome, Extraction))
    values = shown_values(extraction, args.goal)
    stem = f"{Path(args.file).stem}-{'goal' + str(args.goal) if args.goal is not None else 'header'}"
    crops = write_crops(Path(args.file).read_bytes(), values, Path(args.out), stem, password=args.password)
    rows = [[v.field, v.page, [round(c, 1) for c in v.bbox], crop.name, v.value] for v, crop in zip(values, crops)]
    _print(render(COLUMNS, rows, args.format))
    if not args.quiet:
        print(f"crops written to {args.out}", file=sys.stderr)
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    """Store every PDF under the paths in the database; print the summary; exit 3 if any file failed."""
    from .batch import ParseSettings, run_batch

    if args.vocabulary is not None:  # a bad file is a usage error before any file is read (the built-in one is tested)
        from .vocabulary import load_vocabulary  # with pydantic: 0.12 s of the one writer's time, for nothing without

        load_vocabulary(args.vocabulary)
    settings = ParseSettings(password=args.password, reader=args.reader, timeout=args.timeout,
                             memory=args.memory * 2**20, vocabulary=args.vocabulary)
    paths = [line.strip() for line in sys.stdin if line.strip()] if args.paths == [STDIN] else args.paths
    summary = run_batch(paths, args.db, workers=args.jobs, settings=settings, municipality_code=args.municipality,
                        mixed=args.mixed, prune_removed=args.prune, dask=args.dask, progress=not args.quiet)
    print(summary)
    if summary.failed and not args.quiet:
        print(f"failed files: manifesto query --db {args.db} \"SELECT * FROM failures\"", file=sys.stderr)
    return summary.exit_code


def cmd_search(args: argparse.Namespace) -> int:
    """Print the goals whose texts contain every word."""
    from .fts import pending_goals
    from .search import COLUMNS as SEARCH_COLUMNS
    from .search import search
    from .store import reading

    with reading(args.db) as db:
        found = search(db, " ".join(args.words), limit=args.limit, all_versions=args.all_versions)
        pending = pending_goals(db)
    if pending:
        print(f"note: {pending} goals stored by a batch that is running, or stopped before its end, are not searchable "
              "yet (a batch indexes them at its end; the next one does for one that stopped)", file=sys.stderr)
    _print(render(SEARCH_COLUMNS, [[row[column] for column in SEARCH_COLUMNS] for row in found], args.format))
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    """Print the result of one read-only SQL statement."""
    from .store import reading

    sql = sys.stdin.read() if args.sql == STDIN else args.sql
    with reading(args.db) as db:
        columns, rows = run_query(db, sql, time_limit=args.time_limit)
    _print(render(columns, rows, args.format))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write the database as open data (CSV + datapackage.json, JSON Lines, Parquet); list the files written."""
    from .export import export  # pyarrow: loaded only by the commands that need it

    for path in export(args.db, args.out, args.formats, bom=args.bom, all_versions=args.all_versions):
        print(path)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Browse and search the database in Datasette until interrupted."""
    from .serve import serve  # the web stack: loaded only when serving

    serve(args.db, args.port, host=args.host, metadata_out=args.metadata_out)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Write the HTML report of charts; print its path."""
    from .report import write_report  # matplotlib: loaded only when charting

    print(write_report(args.db, args.out, all_versions=args.all_versions))
    return 0


def _print(text: str) -> None:
    """Print a command's result; nothing at all for an empty one (JSON Lines of no rows)."""
    if text:
        print(text)


def _export_formats(text: str) -> tuple[str, ...]:
    _import_sqlite_utils_without_pandas()  # argparse calls this before main does
    from .export import parse_formats

    try:
        return parse_formats(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a number of seconds above 0, got {text!r}")
    return value


def common_options() -> argparse.ArgumentParser:
    """Return the options every command takes, before or after its name (`manifesto -q batch …` or `… batch -q`)."""
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: an option absent after the command keeps what was given before it (main fills in False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show a traceback on errors, and the PDF libraries' log")
    loudness = common.add_mutually_exclusive_group()
    loudness.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                          help="print results and errors only: no progress")
    loudness.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                          help="also show what the PDF libraries skipped (damaged objects)")
    return common


def parser(defaults: Defaults = Defaults()) -> argparse.ArgumentParser:
    """Return the argument parser of every subcommand; `defaults` give --db and --municipality (config.py)."""
    common = common_options()
    top = argparse.ArgumentParser(
        prog="manifesto", parents=[common], description="Japanese 部局マニフェスト PDFs → records, SQLite, open data",
        epilog=f"--db and --municipality default from {ENVIRONMENT['db']} / {ENVIRONMENT['municipality']}, "
               f"then db = / municipality = in ./{CONFIG_FILE}",
    )
    top.add_argument("--version", action="version", version=f"manifesto {__version__}")
    commands = top.add_subparsers(dest="command", required=True)

    def command(name: str, summary: str, run: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=summary, parents=[common])
        sub.set_defaults(run=run)
        return sub

    extract = command("extract", "print one file's records as JSON, one document per manifesto", cmd_extract)
    extract.add_argument("file", help="a manifesto PDF (or a booklet of several), or its HTML page / text capture; "
                                      "- reads standard input")
    extract.add_argument("--jsonl", action="store_true", help="print each record as one compact line (JSON Lines)")
    extract.add_argument("--provenance", action="store_true",
                         help="add `provenance`: each value's path, page and bbox (PDF points from the top-left)")
    show = command("show", "print a goal's values beside crops of the page where each was printed", cmd_show)
    show.add_argument("file", help="a manifesto PDF")
    show.add_argument("--goal", type=_positive_int, metavar="N", help="the goal ◎部局目標N (default: the header's values)")
    show.add_argument("--out", default="output/crops", metavar="DIR",
                      help="folder for the crops, FILE-goalN-FIELD-pPAGE.png (default output/crops)")
    batch = command("batch", "store every PDF under files and folders in a SQLite database", cmd_batch)
    batch.add_argument("paths", nargs="+", metavar="PATH",
                       help="PDF files, and folders searched recursively for *.pdf; - reads paths, one a line, from standard input")
    batch.add_argument("-j", "--jobs", type=_positive_int, help="files parsed in parallel, each in a worker process (default: all cores)")
    batch.add_argument("--municipality", metavar="CODE", default=defaults.municipality,
                       help="全国地方公共団体コード of the publisher (e.g. 242161), recorded for every manifesto"
                            f" (default {defaults.municipality or 'none'})")
    batch.add_argument("--mixed", action="store_true",
                       help="the archive holds several municipalities: store these files under --municipality CODE "
                            "although the archive's stored code differs")
    batch.add_argument("--prune", action="store_true",
                       help="delete the manifestos whose files are all gone from under the paths (else only marked removed)")
    batch.add_argument("--dask", metavar="ADDRESS",
                       help="parse on the Dask cluster at ADDRESS (e.g. tcp://host:8786) instead of -j workers")
    for reads_pdfs in (extract, batch):
        reads_pdfs.add_argument("--timeout", type=_positive_float, default=FILE_TIMEOUT_SECONDS, metavar="SECONDS",
                                help=f"give up on a file after this long (default {FILE_TIMEOUT_SECONDS:g}; error timeout)")
        reads_pdfs.add_argument("--memory", type=_positive_int, default=FILE_MEMORY_BYTES // 2**20, metavar="MIB",
                                help=f"give up on a file whose reading needs more memory (default {FILE_MEMORY_BYTES // 2**20}; "
                                "error too_large)")
    for reads_pdfs in (extract, show, batch):
        reads_pdfs.add_argument("--password", help="password of encrypted PDFs (tried only on files that need one)")
        reads_pdfs.add_argument("--reader", choices=READERS, default=DEFAULT_READER,
                                help=f"PDF reader (default {DEFAULT_READER}: pdfplumber's records, faster; "
                                     "pdfium: a few texts differ): docs/benchmark.md")
        reads_pdfs.add_argument("--vocabulary", metavar="FILE",
                                help="a TOML file of your city's wordings, extending the built-in vocabulary (docs/vocabulary.md)")
    search_ = command("search", "find goals by words in their texts (Japanese full-text search)", cmd_search)
    search_.add_argument("words", nargs="+", metavar="WORD", help="words every goal found contains; short ones like DX work too")
    search_.add_argument("--limit", type=_positive_int, default=50, help="show at most this many goals (default 50)")
    query = command("query", "print the result of one read-only SQL statement", cmd_query)
    query.add_argument("sql", metavar="SQL", help='e.g. "SELECT * FROM goal_overview"; - reads it from standard input')
    query.add_argument("--time-limit", type=float, default=QUERY_TIME_LIMIT_SECONDS, metavar="SECONDS",
                       help=f"stop the statement after this long (default {QUERY_TIME_LIMIT_SECONDS:g})")
    export_ = command("export", "write the database as open data: CSV with datapackage.json, JSON Lines, Parquet", cmd_export)
    export_.add_argument("--out", required=True, metavar="DIR", help="folder to write the files into")
    export_.add_argument("--format", dest="formats", type=_export_formats, default="csv,jsonl,parquet",
                         help="comma-separated formats among csv, jsonl, parquet (default: all)")
    export_.add_argument("--bom", action="store_true", help="start each CSV with a UTF-8 BOM, for Excel")
    serve_ = command("serve", "browse, search and facet the database in Datasette", cmd_serve)
    serve_.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1: this machine only; 0.0.0.0: every network)")
    serve_.add_argument("--port", type=_positive_int, default=8001, help="port to listen on (default 8001)")
    serve_.add_argument("--metadata-out", metavar="FILE",
                        help="also write Datasette's metadata.json here, for `datasette publish --metadata FILE`")
    report = command("report", "write an HTML page of charts of self-ratings and milestone months", cmd_report)
    report.add_argument("--out", required=True, metavar="FILE", help="the HTML file to write, e.g. report.html")
    for uses_db in (batch, search_, query, export_, serve_, report):
        uses_db.add_argument("--db", default=defaults.db, help=f"the database (default {defaults.db})")
    for chooser in (search_, export_, report):
        chooser.add_argument("--all-versions", action="store_true",
                             help="include every version of each manifesto, not only the latest (see versions)")
    for printer in (show, search_, query):
        printer.add_argument("--format", choices=FORMATS, default="table",
                             help="table (default), csv, json or jsonl (one JSON object a line)")
        printer.add_argument("--jsonl", dest="format", action="store_const", const="jsonl", help="same as --format jsonl")
    return top


def log_levels(debug: bool, verbose: bool) -> None:
    """Keep the PDF libraries' log lines (a skipped damaged object, a circular reference) off stderr.

    The one-line error, or the record's warnings, is the answer; `-v` and `--debug` show the log lines too.
    """
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING if debug or verbose else logging.CRITICAL)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; errors become one line on stderr and a documented exit code."""
    try:
        defaults = load_defaults(os.environ, Path.cwd())
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    args = parser(defaults).parse_args(argv)
    for flag in ("debug", "quiet", "verbose"):
        setattr(args, flag, getattr(args, flag, False))
    log_levels(args.debug, args.verbose)
    if args.debug:
        os.environ[LIBRARY_LOGS] = "1"  # the worker processes show the libraries' log lines too
    try:
        if args.command == "batch" and not args.dask:
            warm(_workers_needed(args.paths, args.jobs or os.cpu_count() or 1))  # they import while this process does
        _import_sqlite_utils_without_pandas()
        return args.run(args)
    except ExtractionError as error:
        if args.debug:
            traceback.print_exc()
        error.file = shown_path(error.file or getattr(args, "file", ""))
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader of our output left (`| head`): done, quietly, as Unix tools are
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python's own flush at exit must not fail
        return 0
    except (DatabaseFault, sqlite3.OperationalError) as error:
        from .store import database_fault

        fault = error if isinstance(error, DatabaseFault) else database_fault(error, getattr(args, "db", ""))
        if fault is None:
            return _internal(error, args)
        print(f"error: {fault}", file=sys.stderr)
        return fault.exit_code
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # a bug: still one line, unless --debug
        return _internal(error, args)
    finally:
        cool()  # the workers warmed for a batch that needed fewer, or stopped before starting them


def _workers_needed(paths: Sequence[str], jobs: int) -> int:
    """Given a batch's paths and its --jobs, return how many workers to start ahead (pure but for stat): one a file
    named, `jobs` for a folder or standard input's list, at most `jobs` and the cores."""
    return min(jobs, os.cpu_count() or 1, sum(1 if Path(path).is_file() else jobs for path in paths))


def _internal(error: Exception, args: argparse.Namespace) -> int:
    """Report a bug in one line (with the traceback under --debug) naming what was being read: exit 1."""
    if args.debug:
        traceback.print_exception(error)
    where = getattr(args, "file", None) or getattr(args, "db", "")
    print(f"error: {shown_path(where)}: internal error: {type(error).__name__}: {error}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
