"""Specification of extract.vocabulary: the wordings are data, a user's file extends them, no module spells them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import SAMPLES
from extract.cli import main
from extract.errors import UsageError
from extract.pipeline import extract_bytes
from extract.vocabulary import load_vocabulary, merge

PACKAGE = Path(__file__).resolve().parent.parent / "extract"
# the modules that read a manifesto: none may spell a wording the vocabulary holds
READING_MODULES = ("blocks", "build", "normalize", "coverage", "pipeline", "document", "read_pdf", "read_pdfium",
                   "read_text", "readable", "open_pdf", "vocabulary", "labels", "segment", "ocr_repair", "ocr",
                   "scan_image", "scan_prepare")
WORDINGS = ("現在の状態", "達成目標", "組織使命", "抱負", "部局名", "氏名", "役職", "部局目標", "達成水準", "手段",
            "理由", "自己評価", "業績目標の達成状況", "現況", "到達目標", "達成した状態", "上半期", "四半期", "随時")
HEADER = "2022(令和4)年度 部局マニフェスト\n\n部局名\t総務部\n役職\t部長\n氏名\t山田 太郎\n\n業績目標の達成状況\n5. 先進的\n1. 未着手\n\n"
COLUMNS = "{mission}\t組織使命達成に向けての目標\t目標の達成水準\t目標を達成するための手段\n"
GOAL = "{marker}\n市民の安全を守る\t防災力の向上\t<p>〈達成目標〉 訓練</p>\t・手段\n"


def _strings(path: Path) -> list[str]:
    """Every string constant of a module that is not a docstring."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


@pytest.mark.parametrize("module", READING_MODULES)
def test_no_reading_module_spells_a_wording(module):
    spelled = [(word, text) for text in _strings(PACKAGE / f"{module}.py") for word in WORDINGS if word in text]
    assert spelled == []


def test_the_built_in_vocabulary_holds_those_wordings():
    text = (PACKAGE / "vocabulary.toml").read_text(encoding="utf-8")
    assert [word for word in WORDINGS if word not in text] == []


def test_the_built_in_vocabulary_loads_once():
    assert load_vocabulary() is load_vocabulary()
    assert load_vocabulary().words.legend.kind == "scores"


def test_a_user_file_extends_the_built_in_lists_its_own_first(tmp_path):
    path = tmp_path / "city.toml"
    path.write_text('[goal.labels]\nmission = ["部のミッション"]\n[time]\nmonth_word = "月"\n', encoding="utf-8")
    words = load_vocabulary(str(path)).words
    built_in = load_vocabulary().words
    assert words.goal.labels.mission == ["部のミッション", *built_in.goal.labels.mission]
    assert words.goal.labels.objective == built_in.goal.labels.objective
    assert words.time.named == built_in.time.named


def test_merge_lists_tables_and_values():
    base = {"a": [1, 2], "t": {"x": 1, "y": [1]}, "v": "old"}
    assert merge(base, {"a": [3, 1], "t": {"y": [2]}, "v": "new"}) == {"a": [3, 1, 2], "t": {"x": 1, "y": [2, 1]}, "v": "new"}


def test_a_replacing_file_stands_alone(tmp_path):
    built_in = (PACKAGE / "vocabulary.toml").read_text(encoding="utf-8")
    path = tmp_path / "alone.toml"
    path.write_text('mode = "replace"\n' + built_in.replace('"(組織の?|部局の?|部の)?使命", "組織使命"', '"使命"'),
                    encoding="utf-8")
    assert load_vocabulary(str(path)).words.goal.labels.mission == ["使命"]


@pytest.mark.parametrize(
    "content, named",
    [
        ("[goal.labels\n", "not a valid TOML"),
        ('[goal.labels]\nmission = ["(未閉"]\n', "goal.labels.mission"),
        ("[goal]\nsymbol = ['◎']\n", "goal.symbol"),
        ('[sections]\nbrackets = ["〈"]\n', "sections.brackets"),
        ('[[time.named]]\nform = "春"\nstart = 13\n', "time.named"),
    ],
    ids=["bad-toml", "bad-pattern", "unknown-entry", "half-a-bracket", "month-13"],
)
def test_a_bad_vocabulary_is_a_usage_error_naming_the_file_and_entry(tmp_path, content, named):
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError) as raised:
        load_vocabulary(str(path))
    assert str(path) in str(raised.value) and named in str(raised.value)


def test_a_wording_the_vocabulary_lacks_reads_only_once_the_user_adds_it(tmp_path):
    text = HEADER + COLUMNS.format(mission="部のミッション") + GOAL.format(marker="◎部局目標1")
    without = extract_bytes(text.encode(), "m.txt")[0].record
    assert without.goals[0].mission == ""
    assert without.coverage < 1.0
    assert any(w.kind == "unplaced_text" and "部のミッション" in w.message for w in without.warnings)
    path = tmp_path / "city.toml"
    path.write_text('[goal.labels]\nmission = ["部のミッション"]\n', encoding="utf-8")
    with_it = extract_bytes(text.encode(), "m.txt", vocabulary=path)[0].record
    assert with_it.goals[0].mission == "市民の安全を守る"
    assert (with_it.coverage, with_it.warnings) == (1.0, [])


def test_a_goal_marker_word_the_user_adds(tmp_path):
    text = HEADER + COLUMNS.format(mission="組織使命") + GOAL.format(marker="★重点取組1")
    path = tmp_path / "city.toml"
    path.write_text('[goal]\nwords = ["重点取組"]\n', encoding="utf-8")
    assert [g.number for g in extract_bytes(text.encode(), "m.txt", vocabulary=path)[0].record.goals] == [1]


def test_a_batch_with_a_bad_vocabulary_stops_before_reading_any_file(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[goal]\nsymbol = ['◎']\n", encoding="utf-8")
    db = tmp_path / "m.db"

    code = main(["batch", str(SAMPLES / "iga-2021-digital.pdf"), "--db", str(db), "--vocabulary", str(bad), "-j", "1"])

    assert code == 2 and not db.exists()
    assert f"{bad}" in capsys.readouterr().err
