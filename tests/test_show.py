"""extract.show and `manifesto show`: a goal's values, each with its page, box and crop."""

from __future__ import annotations

import json

import pytest
from PIL import Image

from conftest import SAMPLES
from extract.cli import main
from extract.errors import UsageError
from extract.pipeline import extract_file
from extract.show import shown_values

IGA = SAMPLES / "iga-2021-digital.pdf"


def test_goal_4_shows_each_traced_value_as_the_record_holds_it():
    [extraction] = extract_file(IGA)
    goal = extraction.record.goals[3]
    values = shown_values(extraction, 4)
    assert [v.field for v in values] == [t.path.split(".", 1)[1] for t in extraction.traces if t.path.startswith("goals[3].")]
    shown = {v.field: v.value for v in values}
    assert shown["objective"] == goal.objective == "公民連携(PPP)事業の推進支援"
    assert shown["means"] == "\n".join(goal.means)
    assert shown["self_rating"] == str(goal.self_rating)
    assert {v.page for v in values} == {2}


def test_without_a_goal_the_header_values_are_shown():
    assert {v.field: v.value for v in shown_values(extract_file(IGA)[0], None)}["department"] == "デジタル自治推進局"


def test_a_goal_the_record_lacks_is_a_usage_error():
    with pytest.raises(UsageError, match=r"no goal 9 \(goals: 1, 2, 3, 4\)"):
        shown_values(extract_file(IGA)[0], 9)


def test_cli_show_writes_one_crop_per_value(tmp_path, capsys):
    assert main(["show", str(IGA), "--goal", "4", "--out", str(tmp_path), "--jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["field"] for row in rows][:2] == ["mission", "objective"]
    for row in rows:
        crop = Image.open(tmp_path / row["crop"])
        assert crop.format == "PNG" and crop.size[0] > 50 and crop.size[1] > 50
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(row["crop"] for row in rows)
