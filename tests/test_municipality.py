"""extract.municipality: 全国地方公共団体コード check digits, the bundled table, and `batch --municipality`."""

from __future__ import annotations

import csv
from importlib.resources import files

import pytest
from sqlite_utils import Database

from conftest import DB_SAMPLES
from extract.cli import main
from extract.errors import UsageError
from extract.municipality import COLUMNS, TABLE, bundled_table, check_digit, is_valid_code, lookup, parse_table

# Codes published by 総務省, with the municipality they name.
KNOWN = {
    "242161": ("三重県", "伊賀市"),
    "240001": ("三重県", ""),
    "242012": ("三重県", "津市"),
    "242021": ("三重県", "四日市市"),
    "011002": ("北海道", "札幌市"),
    "131016": ("東京都", "千代田区"),
}
# 三重県's 14 cities and 15 towns (2024), by their first five digits.
MIE = {
    "24201", "24202", "24203", "24204", "24205", "24207", "24208", "24209", "24210", "24211", "24212", "24214",
    "24215", "24216", "24303", "24324", "24341", "24343", "24344", "24441", "24442", "24443", "24461", "24470",
    "24471", "24472", "24543", "24561", "24562",
}


@pytest.mark.parametrize("code", KNOWN)
def test_known_codes_pass_the_check_digit(code):
    assert check_digit(code[:5]) == int(code[5])
    assert is_valid_code(code)


@pytest.mark.parametrize("code", ["242162", "24216", "2421610", "24216a", "２４２１６１", " 242161", ""])
def test_a_wrong_digit_or_shape_fails(code):
    assert not is_valid_code(code)


def test_both_special_remainders():
    assert check_digit("24216") == 1  # sum 55, remainder 0: 11 - 0 = 11, last digit 1
    assert check_digit("24202") == 1  # sum 44, remainder 0
    assert check_digit("24000") == 1  # sum 32, remainder 10: 11 - 10 = 1
    assert check_digit("24201") == 2  # sum 42, remainder 9
    assert check_digit("01000") == 6  # 北海道 010006: sum 5, remainder 5


def test_every_code_of_the_table_passes_and_appears_once():
    text = files("extract").joinpath(TABLE).read_text(encoding="utf-8")
    rows = list(csv.reader(text.splitlines()))
    assert tuple(rows[0]) == COLUMNS
    codes = [row[0] for row in rows[1:]]
    assert len(codes) == len(set(codes)) == len(bundled_table())
    assert [code for code in codes if not is_valid_code(code)] == []


def test_the_table_names_the_known_codes_every_prefecture_and_all_of_mie():
    table = bundled_table()
    for code, (prefecture, name) in KNOWN.items():
        assert (table[code].prefecture, table[code].name) == (prefecture, name)
    prefectures = [m for m in table.values() if m.name == ""]
    assert [m.code[:2] for m in prefectures] == [f"{n:02d}" for n in range(1, 48)]
    assert all(m.code.endswith("000" + m.code[5]) for m in prefectures)
    assert {m.code[:5] for m in table.values() if m.prefecture == "三重県" and m.name} == MIE
    assert len(table) >= len(MIE) + 47 + 30  # and a few dozen well-known others


def test_lookup_names_a_code_or_says_in_one_line_what_is_wrong():
    assert lookup("242161").name == "伊賀市"
    with pytest.raises(UsageError, match="ends in 1"):
        lookup("242162")
    with pytest.raises(UsageError, match="expected 6 digits"):
        lookup("24216")
    with pytest.raises(UsageError, match="not in the bundled"):
        lookup("242179")  # a valid check digit, but no such municipality


def test_a_table_with_another_header_is_refused():
    with pytest.raises(ValueError, match="header"):
        parse_table("code,prefecture,name\n242161,三重県,伊賀市\n")


def test_batch_records_the_code_on_every_manifesto(tmp_path, sample_dir):
    db_path = tmp_path / "m.db"
    assert main(["batch", str(sample_dir), "--db", str(db_path), "-j", "1", "--municipality", "242161"]) == 0
    codes = [row["municipality_code"] for row in Database(db_path).query("SELECT municipality_code FROM manifestos")]
    assert codes == ["242161"] * len(DB_SAMPLES)


def test_a_rerun_with_a_code_labels_the_unchanged_files_it_skips(tmp_path, sample_dir):
    db_path = tmp_path / "m.db"
    assert main(["batch", str(sample_dir), "--db", str(db_path), "-j", "1"]) == 0
    assert main(["batch", str(sample_dir), "--db", str(db_path), "-j", "1", "--municipality", "011002"]) == 0
    db = Database(db_path)
    assert {row["municipality_code"] for row in db.query("SELECT municipality_code FROM manifestos")} == {"011002"}
    assert db["manifestos"].count == len(DB_SAMPLES)


@pytest.mark.parametrize("code", ["242162", "24216", "999999", "伊賀市"])
def test_an_invalid_or_unknown_code_is_a_one_line_usage_error(tmp_path, sample_dir, capsys, code):
    db_path = tmp_path / "m.db"
    assert main(["batch", str(sample_dir), "--db", str(db_path), "--municipality", code]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert not db_path.exists()  # refused before anything was parsed or created
