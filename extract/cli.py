"""The `manifesto` command line: one subcommand per job, mirroring the Python API."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import traceback
from collections.abc import Sequence
from functools import partial

from . import __version__
from .batch import ParseSettings, run_batch
from .errors import ExtractionError, UsageError
from .limits import FILE_TIMEOUT_SECONDS, run_with_timeout
from .open_pdf import DEFAULT_READER, READERS
from .pipeline import extract_file
from .render import FORMATS, render
from .search import COLUMNS as SEARCH_COLUMNS
from .search import search
from .store import reading, run_query

DEFAULT_DB = "output/manifestos.db"
NOISY_LOGGERS = ("pdfminer", "pdfplumber", "pikepdf")  # they log each damaged object they skip


def cmd_extract(args: argparse.Namespace) -> int:
    """Print one file's record as JSON."""
    extract = partial(extract_file, args.file, password=args.password, reader=args.reader)
    extraction = run_with_timeout(extract, args.timeout)
    print(json.dumps(extraction.record.model_dump(mode="json"), ensure_ascii=False, indent=2))
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    """Store every PDF under the paths in the database; print the summary; exit 3 if any file failed."""
    settings = ParseSettings(password=args.password, reader=args.reader, timeout=args.timeout)
    summary = run_batch(args.paths, args.db, workers=args.jobs, settings=settings,
                        municipality_code=args.municipality, dask=args.dask)
    print(summary)
    if summary.failed:
        print(f"failed files: manifesto query --db {args.db} \"SELECT * FROM failures\"", file=sys.stderr)
    return summary.exit_code


def cmd_search(args: argparse.Namespace) -> int:
    """Print the goals whose texts contain every word."""
    with reading(args.db) as db:
        found = search(db, " ".join(args.words), limit=args.limit)
    print(render(SEARCH_COLUMNS, [[row[column] for column in SEARCH_COLUMNS] for row in found], args.format))
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    """Print the result of one read-only SQL statement."""
    with reading(args.db) as db:
        columns, rows = run_query(db, args.sql)
    print(render(columns, rows, args.format))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write the database as open data (CSV + datapackage.json, JSON Lines, Parquet); list the files written."""
    from .export import export  # pyarrow: loaded only by the commands that need it

    for path in export(args.db, args.out, args.formats, bom=args.bom):
        print(path)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Browse and search the database in Datasette until interrupted."""
    from .serve import serve  # the web stack: loaded only when serving

    serve(args.db, args.port)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Write the HTML report of charts; print its path."""
    from .report import write_report  # matplotlib: loaded only when charting

    print(write_report(args.db, args.out))
    return 0


def _export_formats(text: str) -> tuple[str, ...]:
    from .export import parse_formats

    try:
        return parse_formats(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


def parser() -> argparse.ArgumentParser:
    """Return the argument parser of every subcommand."""
    top = argparse.ArgumentParser(prog="manifesto", description="Japanese 部局マニフェスト PDFs → records, SQLite, open data")
    top.add_argument("--version", action="version", version=f"manifesto {__version__}")
    top.add_argument("--debug", action="store_true", help="show a traceback on errors")
    commands = top.add_subparsers(dest="command", required=True)
    extract = commands.add_parser("extract", help="print one file's record as JSON")
    extract.add_argument("file", help="a manifesto PDF, or its HTML page / text capture")
    extract.add_argument("--password", help="password of an encrypted PDF")
    extract.add_argument("--timeout", type=float, metavar="SECONDS", help="give up after this long (error timeout)")
    extract.set_defaults(run=cmd_extract)
    batch = commands.add_parser("batch", help="store every PDF under files and folders in a SQLite database")
    batch.add_argument("paths", nargs="+", metavar="PATH", help="PDF files, and folders searched recursively for *.pdf")
    batch.add_argument("--db", default=DEFAULT_DB, help=f"the database to create or update (default {DEFAULT_DB})")
    batch.add_argument("-j", "--jobs", type=_positive_int, help="files parsed in parallel (default: all cores; 1: no worker processes)")
    batch.add_argument("--password", help="password of encrypted PDFs")
    batch.add_argument("--municipality", metavar="CODE",
                       help="全国地方公共団体コード of the publisher (e.g. 242161), recorded for every manifesto")
    batch.add_argument("--timeout", type=float, default=FILE_TIMEOUT_SECONDS, metavar="SECONDS",
                       help=f"give up on a file after this long (default {FILE_TIMEOUT_SECONDS:g}; failure kind timeout)")
    batch.add_argument("--dask", metavar="ADDRESS",
                       help="parse on the Dask cluster at ADDRESS (e.g. tcp://host:8786) instead of -j workers")
    for reads_pdfs in (extract, batch):
        reads_pdfs.add_argument("--reader", choices=READERS, default=DEFAULT_READER,
                                help=f"PDF reader (default {DEFAULT_READER}: pdfplumber's records, 5× faster; "
                                     "pdfium: a few texts differ): docs/benchmark.md")
    batch.set_defaults(run=cmd_batch)
    search_ = commands.add_parser("search", help="find goals by words in their texts (Japanese full-text search)")
    search_.add_argument("words", nargs="+", metavar="WORD", help="words every goal found contains; short ones like DX work too")
    search_.add_argument("--limit", type=_positive_int, default=50, help="show at most this many goals (default 50)")
    search_.set_defaults(run=cmd_search)
    query = commands.add_parser("query", help="print the result of one read-only SQL statement")
    query.add_argument("sql", metavar="SQL", help='e.g. "SELECT * FROM goal_overview"')
    query.set_defaults(run=cmd_query)
    export_ = commands.add_parser("export", help="write the database as open data: CSV with datapackage.json, JSON Lines, Parquet")
    export_.add_argument("--out", required=True, metavar="DIR", help="folder to write the files into")
    export_.add_argument("--format", dest="formats", type=_export_formats, default="csv,jsonl,parquet",
                         help="comma-separated formats among csv, jsonl, parquet (default: all)")
    export_.add_argument("--bom", action="store_true", help="start each CSV with a UTF-8 BOM, for Excel")
    export_.set_defaults(run=cmd_export)
    serve_ = commands.add_parser("serve", help="browse, search and facet the database in Datasette")
    serve_.add_argument("--port", type=_positive_int, default=8001, help="port on 127.0.0.1 (default 8001)")
    serve_.set_defaults(run=cmd_serve)
    report = commands.add_parser("report", help="write an HTML page of charts of self-ratings and milestone months")
    report.add_argument("--out", required=True, metavar="FILE", help="the HTML file to write, e.g. report.html")
    report.set_defaults(run=cmd_report)
    for reader in (search_, query, export_, serve_, report):
        reader.add_argument("--db", default=DEFAULT_DB, help=f"the database to read (default {DEFAULT_DB})")
    for printer in (search_, query):
        printer.add_argument("--format", choices=FORMATS, default="table", help="table (default), csv or json")
    return top


def quiet_libraries(debug: bool) -> None:
    """Keep the PDF libraries' log lines (a skipped damaged object, a circular reference) off stderr.

    The one-line error, or the record's warnings, is the answer; `--debug` shows the log lines too.
    """
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING if debug else logging.CRITICAL)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; errors become one line on stderr and a documented exit code."""
    args = parser().parse_args(argv)
    quiet_libraries(args.debug)
    try:
        return args.run(args)
    except ExtractionError as error:
        if args.debug:
            traceback.print_exc()
        error.file = error.file or getattr(args, "file", "")
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # a bug: still one line, unless --debug
        if args.debug:
            traceback.print_exc()
        print(f"error: {getattr(args, 'file', '')}: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
