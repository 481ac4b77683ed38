"""The `manifesto` command line: one subcommand per job, mirroring the Python API."""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Sequence

from . import __version__
from .errors import ExtractionError
from .pipeline import extract_file


def cmd_extract(args: argparse.Namespace) -> int:
    """Print one file's record as JSON."""
    extraction = extract_file(args.file, password=args.password)
    print(json.dumps(extraction.record.model_dump(mode="json"), ensure_ascii=False, indent=2))
    return 0


def parser() -> argparse.ArgumentParser:
    """Return the argument parser of every subcommand."""
    top = argparse.ArgumentParser(prog="manifesto", description="Japanese 部局マニフェスト PDFs → records, SQLite, open data")
    top.add_argument("--version", action="version", version=f"manifesto {__version__}")
    top.add_argument("--debug", action="store_true", help="show a traceback on errors")
    commands = top.add_subparsers(dest="command", required=True)
    extract = commands.add_parser("extract", help="print one file's record as JSON")
    extract.add_argument("file", help="a manifesto PDF, or its HTML page / text capture")
    extract.add_argument("--password", help="password of an encrypted PDF")
    extract.set_defaults(run=cmd_extract)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; errors become one line on stderr and a documented exit code."""
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except ExtractionError as error:
        if args.debug:
            traceback.print_exc()
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
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
