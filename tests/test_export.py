"""extract.export: the database as CSV + Data Package, JSON Lines and Parquet, read back as a portal or researcher would."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from frictionless import validate
from sqlite_utils import Database

from conftest import DB_SAMPLES, SAMPLES
from extract.batch import run_batch
from extract.catalog import MUNICIPALITY_FIELDS, TABLES
from extract.cli import main
from extract.export import (
    DATAPACKAGE, NEUTRALIZER, PUBLISHED, RECORDS, csv_cell, export, parse_formats, publish_row, published_fields,
)
from extract.models import Manifesto
from extract.municipality import bundled_table
from extract.pipeline import extract_file
from extract.store import open_db

CODE, PREFECTURE, CITY = (field.name for field in MUNICIPALITY_FIELDS)
# The municipality each sample is stored under: 011002 tests that a leading zero survives.
PLACES = {DB_SAMPLES[0]: "242161", DB_SAMPLES[1]: "011002"}
# How pandas should read each Table Schema type (nullable types: an empty cell is a missing value).
PANDAS_DTYPES = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean", "yearmonth": "string"}


@pytest.fixture(scope="module")
def db_path(tmp_path_factory) -> Path:
    """A database of the two named samples, each stored under its own municipality."""
    folder = tmp_path_factory.mktemp("export")
    for name, code in PLACES.items():
        shutil.copy(SAMPLES / name, folder / name)
        run_batch([folder / name], folder / "m.db", workers=1, municipality_code=code, mixed=True)
    return folder / "m.db"


@pytest.fixture(scope="module")
def out(db_path) -> Path:
    folder = db_path.parent / "out"
    export(db_path, folder)
    return folder


def descriptor(out: Path) -> dict:
    return json.loads((out / DATAPACKAGE).read_text(encoding="utf-8"))


def read_csv(path: Path, schema: dict, encoding: str = "utf-8") -> pd.DataFrame:
    """Read a CSV the way its Table Schema says: every column in its type, an empty cell missing."""
    fields = schema["fields"]
    return pd.read_csv(
        path, encoding=encoding, keep_default_na=False, na_values=[""],
        dtype={f["name"]: PANDAS_DTYPES[f["type"]] for f in fields if f["type"] in PANDAS_DTYPES},
        parse_dates=[f["name"] for f in fields if f["type"] == "datetime"],
    )


def database_rows(db_path: Path, table) -> pd.DataFrame:
    """The table's latest rows straight from SQLite, in primary-key order, with the municipality columns looked up
    and the manifesto's year, era, department and version beside each."""
    db = Database(db_path)
    names = {code: (m.prefecture, m.name) for code, m in bundled_table().items()}
    source = "goal_versions" if table.name == "goal_overview" else table.name
    rows = []
    for row in db.query(f"SELECT * FROM {source} ORDER BY {', '.join(table.primary_key)}"):
        manifesto = row["id"] if table.name == "manifestos" else row.get("manifesto")
        if manifesto is None:
            [manifesto] = [r["manifesto"] for r in db.query("SELECT manifesto FROM goals WHERE id = ?", [row["goal"]])]
        [context] = db.query(
            "SELECT m.municipality_code, m.fiscal_year, m.era, m.department, v.version, v.latest "
            "FROM manifestos m JOIN versions v ON v.manifesto = m.id WHERE m.id = ?", [manifesto])
        if context["latest"]:
            code = context["municipality_code"]
            rows.append({**context, CODE: code, PREFECTURE: names[code][0], CITY: names[code][1], **row})
    return pd.DataFrame(rows, columns=[field.name for field in published_fields(table)])


def values(series: pd.Series) -> list:
    return [None if pd.isna(value) else value for value in series.tolist()]


@pytest.mark.parametrize("table", PUBLISHED, ids=lambda table: table.name)
def test_each_csv_read_back_has_the_databases_rows_values_and_types(db_path, out, table):
    schema = next(r["schema"] for r in descriptor(out)["resources"] if r["name"] == table.name)
    frame = read_csv(out / f"{table.name}.csv", schema)
    expected = database_rows(db_path, table)

    assert len(frame) == len(expected) == Database(db_path)[table.name if table.name != "goal_overview" else "goals"].count
    assert list(frame.columns) == [field.header for field in published_fields(table)]
    for field in schema["fields"]:
        column, want = frame[field["name"]], expected[field["title"]]  # header (Japanese), English name
        if field["type"] == "integer":
            assert str(column.dtype) == "Int64"
        if field["type"] == "datetime":
            assert str(column.dtype).startswith("datetime64") and str(column.dt.tz) == "UTC"
            want = pd.to_datetime(want)
        if field["type"] == "boolean":
            want = want.astype(bool)
        if field["type"] in ("string", "yearmonth"):
            want = want.replace("", None)  # CSV cannot tell an empty text from a missing one
        assert values(column) == values(want), field["name"]


def test_the_municipality_columns_keep_the_code_whole_with_its_names(out):
    frame = pd.read_csv(out / "goals.csv", dtype={CODE: "string"})
    assert set(zip(frame[CODE], frame[PREFECTURE], frame[CITY])) == {
        ("242161", "三重県", "伊賀市"), ("011002", "北海道", "札幌市")
    }
    header = (out / "goals.csv").read_bytes().split(b"\r\n", 1)[0].decode("utf-8")
    assert header.startswith("全国地方公共団体コード,都道府県名,市区町村名,年度,和暦年度,部局名,版,最新版,部局目標ID,マニフェストID,目標番号,")


def test_the_data_package_passes_frictionless_validate(out):
    report = validate(out / DATAPACKAGE)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    command = subprocess.run(  # and the command a portal's staff would run
        [sys.executable, "-m", "frictionless", "validate", str(out / DATAPACKAGE)], capture_output=True, text=True
    )
    assert command.returncode == 0, command.stdout + command.stderr


def test_every_header_is_japanese_with_its_english_name_and_description_and_the_package_its_licence(out):
    package = descriptor(out)
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["sources"] == [{"title": "北海道札幌市 部局マニフェスト (PDF)"}, {"title": "三重県伊賀市 部局マニフェスト (PDF)"}]
    assert [r["name"] for r in package["resources"]] == [table.name for table in PUBLISHED]
    for resource in package["resources"]:
        assert resource["schema"]["primaryKey"]
        table = next(table for table in PUBLISHED if table.name == resource["name"])
        assert [field["title"] for field in resource["schema"]["fields"]] == [f.name for f in published_fields(table)]
        for field in resource["schema"]["fields"]:
            assert any(ord(char) > 0x3000 for char in field["name"]), field
            english = field["description"]  # in English, quoting Japanese labels and examples where it helps
            assert english[0].isascii() and sum(char.isascii() for char in english) > len(english) / 2, field
    keys = {r["name"]: r["schema"]["foreignKeys"] for r in package["resources"]}
    assert keys["milestones"] == [{"fields": ["部局目標ID"], "reference": {"resource": "goals", "fields": ["部局目標ID"]}}]
    assert keys["goals"] == [{"fields": ["マニフェストID"], "reference": {"resource": "manifestos", "fields": ["マニフェストID"]}}]


def test_units_are_in_the_headers(out):
    header = (out / "provenance.csv").read_bytes().split(b"\r\n", 1)[0].decode("utf-8")
    assert header.endswith(",ページ,左端(pt),上端(pt),右端(pt),下端(pt),OCR信頼度(%)")


def test_a_broken_foreign_key_fails_validation(out, tmp_path):
    """Validation really checks the keys: a milestone pointing at no goal is reported."""
    broken = tmp_path / "broken"
    shutil.copytree(out, broken)
    package = descriptor(broken)
    for resource in package["resources"]:
        del resource["hash"], resource["bytes"]
    (broken / DATAPACKAGE).write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    lines = (broken / "milestones.csv").read_bytes().decode("utf-8").split("\r\n")
    cells = lines[1].split(",")
    cells[lines[0].split(",").index("部局目標ID")] = "999999"
    lines[1] = ",".join(cells)
    (broken / "milestones.csv").write_bytes("\r\n".join(lines).encode("utf-8"))

    report = validate(broken / DATAPACKAGE)
    assert not report.valid
    assert "foreign-key" in {error[0] for error in report.flatten(["type"])}


def test_bom_csvs_validate_and_read_back_for_excel(db_path, tmp_path):
    export(db_path, tmp_path, ["csv"], bom=True)
    assert (tmp_path / "goals.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*(f"{t.name}.csv" for t in PUBLISHED), DATAPACKAGE])
    assert validate(tmp_path / DATAPACKAGE).valid
    frame = pd.read_csv(tmp_path / "goals.csv", encoding="utf-8-sig", dtype={CODE: "string"})
    assert frame.columns[0] == CODE and len(frame) == Database(db_path)["goals"].count


def test_json_lines_hold_one_contract_record_per_manifesto(db_path, out):
    lines = (out / RECORDS).read_text(encoding="utf-8").splitlines()
    records = [Manifesto.model_validate_json(line) for line in lines]
    assert len(records) == Database(db_path)["manifestos"].count
    expected = {record.source.sha256: record for record in (extract_file(SAMPLES / name)[0].record for name in DB_SAMPLES)}
    assert {record.source.sha256: record for record in records} == expected


@pytest.mark.parametrize("table", PUBLISHED, ids=lambda table: table.name)
def test_parquet_has_the_rows_and_typed_columns(db_path, out, table):
    parquet = pq.read_table(out / f"{table.name}.parquet")
    assert parquet.num_rows == Database(db_path)[table.name if table.name != "goal_overview" else "goals"].count
    types = {field.name: str(parquet.schema.field(field.name).type) for field in published_fields(table)}
    arrow = {"string": "string", "integer": "int64", "number": "double", "boolean": "bool",
             "datetime": "timestamp[ms, tz=UTC]", "yearmonth": "string"}
    assert types == {field.name: arrow[field.type] for field in published_fields(table)}
    assert parquet.schema.field(CODE).metadata[b"title"].decode() == CODE
    if table.name == "manifestos":
        assert sorted(parquet.column(CODE).to_pylist()) == ["011002", "242161"]


def test_exporting_twice_gives_the_same_bytes(db_path, out, tmp_path):
    export(db_path, tmp_path)
    for path in out.iterdir():
        if path.suffix != ".parquet":  # Parquet embeds the writer's version: compare its data instead
            assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name
        else:
            assert pq.read_table(tmp_path / path.name).equals(pq.read_table(path))


def test_the_catalog_describes_every_column_of_the_database(tmp_path):
    db = open_db(tmp_path / "empty.db")
    assert {table.name for table in TABLES} == set(db.table_names()) - {n for n in db.table_names() if n.startswith("goals_fts")}
    for table in TABLES:
        assert [field.name for field in table.fields] == list(db[table.name].columns_dict), table.name


def test_an_empty_database_exports_headers_only_and_still_validates(tmp_path):
    open_db(tmp_path / "empty.db").close()
    export(tmp_path / "empty.db", tmp_path / "out")
    assert validate(tmp_path / "out" / DATAPACKAGE).valid
    assert (tmp_path / "out" / RECORDS).read_text() == ""
    assert (tmp_path / "out" / "goals.csv").read_bytes().count(b"\r\n") == 1


def test_cli_writes_the_formats_asked_for_and_refuses_a_missing_database(db_path, tmp_path, capsys):
    assert main(["export", "--db", str(db_path), "--out", str(tmp_path / "o"), "--format", "jsonl,parquet"]) == 0
    assert sorted(p.suffix for p in (tmp_path / "o").iterdir()) == [".jsonl"] + [".parquet"] * len(PUBLISHED)
    assert capsys.readouterr().out.count("\n") == 1 + len(PUBLISHED)
    assert main(["export", "--db", str(tmp_path / "missing.db"), "--out", str(tmp_path / "p")]) == 2
    assert "no such database" in capsys.readouterr().err


def test_parse_formats_keeps_the_canonical_order_and_refuses_unknown_ones():
    assert parse_formats("parquet, csv") == ("csv", "parquet")
    with pytest.raises(ValueError):
        parse_formats("csv,xlsx")
    with pytest.raises(ValueError):
        parse_formats(",")


def test_cells_and_rows_as_published():
    assert [csv_cell(v) for v in (None, True, False, 3, 1.5, -2, "a\nb")] == ["", "true", "false", "3", "1.5", "-2", "a\nb"]
    texts = ["=1+1", "+81", "-x", "@SUM(A1)", "\tx", "\rx", "'q", "a=b", "・項目"]
    assert [csv_cell(text) for text in texts] == ["'=1+1", "'+81", "'-x", "'@SUM(A1)", "'\tx", "'\rx", "''q", "a=b", "・項目"]
    fields = published_fields(next(t for t in PUBLISHED if t.name == "manifestos"))
    row = {CODE: None, **{field.name: None for field in fields}, "ocr": 0, "extracted_at": "2024-04-01T09:00:00+00:00"}
    published = publish_row(row, fields, bundled_table())
    assert (published[CODE], published[PREFECTURE], published[CITY], published["ocr"]) == (None, None, None, False)
    assert csv_cell(published["extracted_at"]) == "2024-04-01T09:00:00+00:00"


# Texts a document could hold that a spreadsheet would run: each goal column gets one.
FORMULAS = {
    "objective": '=HYPERLINK("http://example.com/","詳細")',
    "mission": "+81 595 22 9628",
    "current_state": "-1件減",
    "target": "@SUM(1+1)*cmd|' /C calc'!A0",
    "achieved_state": "\t=1+1",
    "rating_reason": "'=already quoted",
}


def test_formula_texts_are_neutralized_in_csv_and_exact_in_json_lines_and_parquet(db_path, tmp_path):
    formulas = tmp_path / "formulas.db"
    shutil.copy(db_path, formulas)
    db = Database(formulas)
    with db.conn:
        db.execute(f"UPDATE goals SET {', '.join(f'{column} = ?' for column in FORMULAS)} WHERE number = 1",
                   list(FORMULAS.values()))
    export(formulas, tmp_path / "out")
    package = descriptor(tmp_path / "out")
    schema = next(r["schema"] for r in package["resources"] if r["name"] == "goals")
    header = {field["title"]: field["name"] for field in schema["fields"]}
    frame = read_csv(tmp_path / "out" / "goals.csv", schema)
    rows = frame[frame[header["number"]] == 1]
    for column, text in FORMULAS.items():
        cells = set(rows[header[column]])
        assert cells == {NEUTRALIZER + text}, column  # a spreadsheet shows the text, runs nothing
        assert {cell[1:] for cell in cells} == {text}  # and one quote taken off gives it back exactly
    assert validate(tmp_path / "out" / DATAPACKAGE).valid
    records = [json.loads(line) for line in (tmp_path / "out" / RECORDS).read_text(encoding="utf-8").splitlines()]
    assert sum(goal["objective"] == FORMULAS["objective"] for record in records for goal in record["goals"]) == len(rows)
    parquet = pq.read_table(tmp_path / "out" / "goals.parquet").to_pylist()
    assert {row["achieved_state"] for row in parquet if row["number"] == 1} == {FORMULAS["achieved_state"]}
