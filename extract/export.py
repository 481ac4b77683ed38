"""`manifesto export`: the database as open data a Japanese portal takes as it is.

Each published table becomes one CSV (and one Parquet file) following 総務省「統計表に
おける機械判読可能なデータの表記方法の統一ルール」 and the デジタル庁 自治体標準オープン
データセット: one header row, one record per row, nothing but data (no notes, no merged
cells, no formatting by spaces), numbers as plain numbers, dates in ISO 8601, UTF-8
(with a BOM on request, for Excel), and the publisher's 全国地方公共団体コード, 都道府県名
and 市区町村名 first on every row. `datapackage.json` describes the CSVs as a
Frictionless Data Package (types, keys, titles, licence, source), so a portal or
`frictionless validate` can check them. Each CSV header is the column's Japanese title
with its unit (`左端(pt)`), the data package's field name; the English name the database,
JSON Lines and Parquet use is its title there. A text cell that a spreadsheet would run as
a formula (starting with = + - @, a tab or a carriage return; CWE-1236) is written with a
leading `'`, as OWASP recommends, and so is one that starts with `'`, so that dropping
one leading `'` from every text cell gives the exact value back; JSON Lines and Parquet
are exact. JSON Lines holds one contract record per line, rebuilt from the tables (the
database is the one copy of the data).

The rows are read and typed here; catalog.py says what every column means.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from sqlite_utils import Database

from . import __version__
from .catalog import GOAL_OVERVIEW, LOCAL_TABLES, MUNICIPALITY_FIELDS, VERSION_FIELDS, Field, Table
from .catalog import TABLES as CATALOG
from .errors import UsageError
from .municipality import Municipality, bundled_table, place_names
from .store import read_records, reading

FORMATS = ("csv", "jsonl", "parquet")
DATAPACKAGE = "datapackage.json"
RECORDS = "manifestos.jsonl"
LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
}

# What is published: every table but the batch's record of local files and options, and the flat goal_overview.
PUBLISHED = (*(table for table in CATALOG if table.name not in LOCAL_TABLES), GOAL_OVERVIEW)
_TABLES = {table.name: table for table in CATALOG}
# Columns of the database left out of the files: a local path, and the code that becomes 全国地方公共団体コード.
LEFT_OUT = {"manifestos": {"path", "municipality_code"}, "goal_overview": {"path", "municipality_code"}}
# SQL for the id of the manifesto a row of each table belongs to (the row is `t`).
_OF_GOAL = "(SELECT manifesto FROM goals WHERE id = t.goal)"
_MANIFESTO_OF = {
    "manifestos": "t.id",
    "goals": "t.manifesto",
    "milestones": _OF_GOAL,
    "means": _OF_GOAL,
    "rating_scale": "t.manifesto",
    "warnings": "t.manifesto",
    "provenance": "t.manifesto",
    "goal_series": _OF_GOAL,
    "goal_overview": "t.manifesto",
}
# Where a published table's rows are read: goal_overview from the view of every version, filtered like the rest.
_SOURCE = {"goal_overview": "goal_versions"}
# SQL for each column a row carries from its manifesto (`m`) and version (`v`).
_CONTEXT_SQL = {"fiscal_year": "m.fiscal_year", "era": "m.era", "department": "m.department",
                "version": "v.version", "latest": "v.latest"}
_ARROW_TYPES = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "datetime": pa.timestamp("ms", tz="UTC"),  # Parquet's coarsest unit
    "yearmonth": pa.string(),  # Parquet has no year-month: YYYY-MM text, as in the CSV
}
_CODE, _PREFECTURE, _CITY = (field.name for field in MUNICIPALITY_FIELDS)
# The first characters by which a spreadsheet reads a cell as a formula (OWASP "CSV Injection"), and the
# quote that neutralizes them (also put before a text starting with the quote, so that it can be taken off).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NEUTRALIZER = "'"


def context_fields(table: Table) -> tuple[Field, ...]:
    """Return the manifesto's and version's columns that `table`'s rows are published with, beyond their own."""
    own = {field.name for field in table.fields}
    return tuple(field for field in VERSION_FIELDS if field.name not in own)


def published_fields(table: Table) -> tuple[Field, ...]:
    """Return the columns of `table` as published: the municipality's three, the manifesto's context, the table's own."""
    own = tuple(f for f in table.fields if f.name not in LEFT_OUT.get(table.name, ()))
    return MUNICIPALITY_FIELDS + context_fields(table) + own


def parse_formats(text: str) -> tuple[str, ...]:
    """Given `csv,parquet`-style text, return the formats in FORMATS order; raise ValueError for an unknown one."""
    asked = {part.strip() for part in text.split(",") if part.strip()}
    if not asked or asked - set(FORMATS):
        raise ValueError(f"expected a comma-separated list of {', '.join(FORMATS)}, got {text!r}")
    return tuple(fmt for fmt in FORMATS if fmt in asked)


def places_of(db: Database) -> list[Municipality]:
    """Return the municipalities the stored manifestos come from, by code; UsageError for a code not in the table."""
    table = bundled_table()
    codes = [code for (code,) in db.execute(
        "SELECT DISTINCT municipality_code FROM manifestos WHERE municipality_code IS NOT NULL ORDER BY 1")]
    return [_place(code, table) for code in codes]


def _place(code: str, table: dict[str, Municipality]) -> Municipality:
    try:
        return table[code]
    except KeyError:
        raise UsageError(f"municipality code {code} of the database is not in the bundled municipality table") from None


def publish_row(row: dict, fields: Sequence[Field], municipalities: dict[str, Municipality]) -> dict:
    """Given a database row with its manifesto's code under 全国地方公共団体コード, return it as published (pure).

    The names are looked up from the code; booleans and datetimes get their Python types.
    """
    code = row[_CODE]
    found = None if code is None else _place(code, municipalities)
    place = {_CODE: code, _PREFECTURE: found and found.prefecture, _CITY: found and found.name}
    return {field.name: _typed(place[field.name] if field.name in place else row[field.name], field) for field in fields}


def _typed(value: object, field: Field) -> object:
    if value is None:
        return None
    if field.type == "boolean":
        return bool(value)
    if field.type == "datetime":
        return datetime.fromisoformat(str(value))
    return value


def csv_cell(value: object) -> str:
    """Return a value as a CSV cell: empty for null, true/false, ISO 8601 for a datetime, a number as it is,
    and a text as it is unless a spreadsheet would run it as a formula: then with NEUTRALIZER first (pure)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str) and value.startswith((*FORMULA_START, NEUTRALIZER)):
        return NEUTRALIZER + value
    return str(value)


def read_table(db: Database, table: Table, *, all_versions: bool = False) -> list[dict]:
    """Return every row of `table` as published, in primary-key order: of the latest versions, or of all."""
    fields = published_fields(table)
    context = set(context_fields(table))
    columns = ", ".join(
        f'{_CONTEXT_SQL[field.name]} AS "{field.name}"' if field in context else f't."{field.name}"'
        for field in fields if field not in MUNICIPALITY_FIELDS
    )
    sql = (
        f'SELECT m.municipality_code AS "{_CODE}", {columns} FROM {_SOURCE.get(table.name, table.name)} t '
        f"JOIN manifestos m ON m.id = {_MANIFESTO_OF[table.name]} JOIN versions v ON v.manifesto = m.id "
        + ("" if all_versions else "WHERE v.latest ")
        + f"ORDER BY {', '.join(f't.{key}' for key in table.primary_key)}"
    )
    municipalities = bundled_table()
    return [publish_row(row, fields, municipalities) for row in db.query(sql)]


def csv_bytes(fields: Sequence[Field], rows: Sequence[dict], *, bom: bool) -> bytes:
    """Return rows as UTF-8 CSV (RFC 4180: CRLF, quoted only where needed): a header row, a row per record."""
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(field.header for field in fields)
    writer.writerows([csv_cell(row[field.name]) for field in fields] for row in rows)
    return text.getvalue().encode("utf-8-sig" if bom else "utf-8")


def arrow_schema(fields: Sequence[Field]) -> pa.Schema:
    """Return the Arrow schema of published columns, each carrying its Japanese title and English description."""
    return pa.schema(
        pa.field(field.name, _ARROW_TYPES[field.type], nullable=not field.required,
                 metadata={"title": field.title, "description": field.description})
        for field in fields
    )


def table_schema(table: Table) -> dict:
    """Return the Frictionless Table Schema of a published table (pure).

    A field's name is its CSV header (Japanese, with the unit); its title the English name
    of the database, JSON Lines and Parquet; keys are given by header names.
    """
    fields = []
    for field in published_fields(table):
        constraints = {"required": True} if field.required else {}
        if field.pattern:
            constraints["pattern"] = field.pattern
        fields.append(
            {"name": field.header, "type": field.type, "title": field.name, "description": field.description}
            | ({"constraints": constraints} if constraints else {})
        )
    return {
        "fields": fields,
        "missingValues": [""],
        "primaryKey": _headers(table, table.primary_key),
        "foreignKeys": [
            {"fields": _headers(table, key.fields),
             "reference": {"resource": key.table, "fields": _headers(_TABLES[key.table], key.reference)}}
            for key in table.foreign_keys
        ],
    }


def _headers(table: Table, names: Sequence[str]) -> list[str]:
    headers = {field.name: field.header for field in table.fields}
    return [headers[name] for name in names]


def dataset_title(places: Sequence[Municipality]) -> str:
    """Return the data's title, naming the municipalities it comes from: 部局マニフェスト (三重県伊賀市)."""
    names = place_names(places)
    return f"部局マニフェスト ({names})" if names else "部局マニフェスト"


def datapackage(csvs: Sequence[tuple[Table, bytes]], places: Sequence[Municipality], created: str | None) -> dict:
    """Return the Data Package descriptor of the CSVs written (each a table and the file's bytes) (pure).

    `places` are the municipalities the data comes from (its sources); `created` the time
    the newest record was extracted, so exporting the same database twice gives the same files.
    """
    sources = [{"title": f"{place.full_name} 部局マニフェスト (PDF)"} for place in places]
    return {
        "profile": "tabular-data-package",
        "name": "bukyoku-manifesto",
        "title": dataset_title(places),
        "description": (
            "Departmental manifestos (部局マニフェスト) of Japanese municipalities: each department's goals for a "
            "fiscal year, their targets and means, and the year-end self-evaluation, extracted from the published "
            f"PDFs by manifesto-extract {__version__}. Every row names its municipality by 全国地方公共団体コード."
        ),
        "keywords": ["部局マニフェスト", "行政評価", "目標管理", "自己評価", "地方公共団体"],
        "licenses": [LICENSE],
        "sources": sources or [{"title": "部局マニフェスト (PDF)"}],
        "contributors": [{"title": f"manifesto-extract {__version__}", "role": "wrangler"}],
        **({"created": created} if created else {}),
        "resources": [
            {
                "name": table.name,
                "path": f"{table.name}.csv",
                "profile": "tabular-data-resource",
                "title": table.title,
                "description": table.description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": len(data),
                "hash": f"sha256:{hashlib.sha256(data).hexdigest()}",
                "schema": table_schema(table),
            }
            for table, data in csvs
        ],
    }


def export(
    db_path: str | Path, out: str | Path, formats: Sequence[str] = FORMATS, *, bom: bool = False,
    all_versions: bool = False,
) -> list[Path]:
    """Write the database at `db_path` into folder `out` in `formats` and return the files written.

    Only the latest version of each manifesto, unless `all_versions`; every row says its
    version and whether it is the latest. CSV comes with datapackage.json describing it.
    Raises UsageError for a missing database.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    csvs: list[tuple[Table, bytes]] = []
    with reading(db_path) as db:
        for table in PUBLISHED:
            fields, rows = published_fields(table), read_table(db, table, all_versions=all_versions)
            if "csv" in formats:
                data = csv_bytes(fields, rows, bom=bom)
                csvs.append((table, data))
                written.append(_write(out / f"{table.name}.csv", data))
            if "parquet" in formats:
                pq.write_table(pa.Table.from_pylist(rows, schema=arrow_schema(fields)), out / f"{table.name}.parquet")
                written.append(out / f"{table.name}.parquet")
        if "jsonl" in formats:
            records = read_records(db, all_versions=all_versions)
            lines = (json.dumps(record.model_dump(mode="json"), ensure_ascii=False) + "\n" for record in records)
            written.append(_write(out / RECORDS, "".join(lines).encode("utf-8")))
        places = places_of(db)
        created = db.execute("SELECT max(extracted_at) FROM manifestos").fetchone()[0]
    if csvs:
        descriptor = datapackage(csvs, places, created)
        written.append(_write(out / DATAPACKAGE, (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode()))
    return written


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
