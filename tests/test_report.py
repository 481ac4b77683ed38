"""extract.report: counts behind the charts, and a page whose charts carry Japanese glyphs (no tofu)."""

from __future__ import annotations

import base64
import io
import re
import warnings
from collections import Counter

from PIL import Image
from sqlite_utils import Database

from extract.cli import main
from extract.report import fiscal_grid, month_counts, months_between, rating_counts, scale_labels


def test_months_between_crosses_the_year_and_includes_both_ends():
    assert months_between("2021-11", "2022-02") == ["2021-11", "2021-12", "2022-01", "2022-02"]
    assert months_between("2021-12", "2021-12") == ["2021-12"]
    assert months_between("2022-01", "2021-12") == []


def test_month_counts_count_a_milestone_in_every_month_it_spans():
    assert month_counts([("2022-01", "2022-02"), ("2022-02", "2022-02")]) == {"2022-01": 1, "2022-02": 2}


def test_fiscal_grid_puts_january_to_march_in_the_previous_fiscal_year():
    years, grid = fiscal_grid({"2021-04": 2, "2022-03": 1, "2022-04": 5})
    assert years == [2021, 2022]
    assert grid[0][0] == 2 and grid[0][11] == 1 and grid[1][0] == 5 and sum(map(sum, grid)) == 8


def test_rating_counts_and_scale_labels():
    counts = rating_counts([(2021, "b", 3), (2020, "a", None), (2021, "b", 3), (2021, "b", 4)])
    assert counts == {(2020, "a"): Counter({None: 1}), (2021, "b"): Counter({3: 2, 4: 1})}
    assert scale_labels([(1, "x"), (3, "c"), (3, "c"), (3, "d")]) == {3: "c", 1: "x"}


def test_report_embeds_two_charts_with_japanese_labels_and_the_databases_totals(sample_db, tmp_path, capsys):
    out = tmp_path / "report.html"
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*[Gg]lyph.*missing")  # a missing glyph means tofu boxes
        assert main(["report", "--db", str(sample_db), "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    page = out.read_text(encoding="utf-8")
    assert '<html lang="ja">' in page and "部局・年度別の自己評価" in page and "達成目標の時期" in page
    goals = Database(sample_db).execute("SELECT count(*) FROM goal_overview").fetchone()[0]
    assert f"<th>部局目標 (最新版)</th><td>{goals}</td>" in page
    images = [Image.open(io.BytesIO(base64.b64decode(data))) for data in re.findall(r"base64,([^\"]+)", page)]
    assert len(images) == 2
    for image in images:
        assert image.format == "PNG" and image.width >= 800 and len(image.getcolors(1 << 16) or range(1 << 16)) > 20


def test_report_of_a_missing_database_is_a_usage_error(tmp_path, capsys):
    assert main(["report", "--db", str(tmp_path / "missing.db"), "--out", str(tmp_path / "r.html")]) == 2
    assert "no such database" in capsys.readouterr().err
