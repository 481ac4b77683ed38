"""Defaults a user sets once instead of on every command: the database and the municipality.

Precedence, first found wins: the command-line option (`--db`, `--municipality`); the
environment (MANIFESTO_DB, MANIFESTO_MUNICIPALITY); `db` / `municipality` in a
manifesto.toml in the working directory; the built-in default (output/manifestos.db, no
municipality). The file is optional; a file that is not valid TOML, or that holds other
keys, is a one-line usage error rather than settings silently ignored.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from .errors import UsageError

CONFIG_FILE = "manifesto.toml"
DEFAULT_DB = "output/manifestos.db"
ENVIRONMENT = {"db": "MANIFESTO_DB", "municipality": "MANIFESTO_MUNICIPALITY"}


@dataclass(frozen=True)
class Defaults:
    """What `--db` and `--municipality` mean when they are not given."""

    db: str = DEFAULT_DB
    municipality: str | None = None


def load_defaults(environ: Mapping[str, str], folder: Path) -> Defaults:
    """Given the environment and the working directory, return the defaults they set (see the module's precedence).

    Raises UsageError for a manifesto.toml that is not TOML, has an unknown key or a value that is not text.
    """
    settings: dict[str, str] = {}
    path = folder / CONFIG_FILE
    if path.is_file():
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise UsageError(f"{path}: not valid TOML: {error}") from None
        known = {field.name for field in fields(Defaults)}
        for key, value in table.items():
            if key not in known:
                raise UsageError(f"{path}: unknown setting {key!r} (known: {', '.join(sorted(known))})")
            if not isinstance(value, str):
                raise UsageError(f"{path}: {key} must be a quoted string, e.g. {key} = \"...\"")
            settings[key] = value
    for key, variable in ENVIRONMENT.items():
        if environ.get(variable):
            settings[key] = environ[variable]
    return Defaults(**settings)
