"""What each published table and column means: a Japanese title, an English description, a type, keys.

One description serves every place a person meets the data: the Frictionless Table
Schemas of the export (export.py), whose CSV headers are the Japanese titles with their
units (`header`), the Parquet column types, and the Datasette metadata (serve.py). Types are Table Schema types; a test checks that every database
column is described here, so the schema and its description cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from .municipality import COLUMNS as MUNICIPALITY_COLUMNS


@dataclass(frozen=True)
class Field:
    """A column: its name, Table Schema type, Japanese title, English description, constraints and unit."""

    name: str
    type: str  # string, integer, number, boolean, datetime or yearmonth
    title: str
    description: str
    required: bool = False
    pattern: str | None = None
    unit: str | None = None  # of a number: pt (PDF points), % …

    @property
    def header(self) -> str:
        """The column's CSV header: its Japanese title, and its unit in brackets (左端(pt))."""
        return f"{self.title}({self.unit})" if self.unit else self.title


@dataclass(frozen=True)
class ForeignKey:
    """Columns of a table that name the primary key of another."""

    fields: tuple[str, ...]
    table: str
    reference: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A table of the database as published: titles, columns in order, primary and foreign keys."""

    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()


SHA256 = r"^[0-9a-f]{64}$"
MUNICIPALITY_CODE = r"^[0-9]{6}$"

_CODE, _PREFECTURE, _CITY = MUNICIPALITY_COLUMNS
MUNICIPALITY_FIELDS = (
    Field(_CODE, "string", _CODE,
          "Nationwide local government code (6 digits with check digit) of the municipality that published the manifesto",
          pattern=MUNICIPALITY_CODE),
    Field(_PREFECTURE, "string", _PREFECTURE, "Prefecture name"),
    Field(_CITY, "string", _CITY, "Municipality name (empty for a prefecture itself)"),
)


# The columns, and their foreign keys, by which the tables below belong to a manifesto or a goal.
_TO_MANIFESTO = ForeignKey(("manifesto",), "manifestos", ("sha256",))
_TO_GOAL = ForeignKey(("goal",), "goals", ("id",))
_MANIFESTO = Field("manifesto", "string", "マニフェストID", "sha256 of the manifesto's file (manifestos.sha256)",
                   required=True, pattern=SHA256)
_GOAL_ID = Field("goal", "integer", "部局目標ID", "The goal's id (goals.id)", required=True)


def _seq_field(what: str) -> Field:
    return Field("seq", "integer", "順番", f"1-based printed order of the {what}", required=True)


MANIFESTOS = Table(
    "manifestos", "部局マニフェスト",
    "One row per manifesto file: a department's manifesto for one fiscal year",
    (
        Field("sha256", "string", "マニフェストID", "Hex sha256 of the file's bytes; identifies the manifesto",
              required=True, pattern=SHA256),
        Field("path", "string", "ファイルのパス", "Path of the file as the batch found it"),
        Field("file", "string", "ファイル名", "File name of the PDF (or web page)", required=True),
        Field("pages", "integer", "ページ数", "Page count", required=True),
        Field("title", "string", "表題", "Title as printed, e.g. 2021(令和3)年度 部局マニフェスト", required=True),
        Field("fiscal_year", "integer", "年度", "Gregorian year in which the fiscal year (April to March) starts",
              required=True),
        Field("era", "string", "和暦年度", "Japanese era year as printed, e.g. 令和3", required=True),
        Field("department", "string", "部局名", "Department", required=True),
        Field("position", "string", "役職", "Title of the department's head"),
        Field("head", "string", "氏名", "Name of the department's head"),
        Field("aspiration", "string", "年度の抱負", "The head's aspiration for the year"),
        Field("ocr", "boolean", "OCR読取", "True when the text was read by OCR from scanned pages", required=True),
        Field("municipality_code", "string", _CODE, "Nationwide local government code of the publisher, when known",
              pattern=MUNICIPALITY_CODE),
        Field("extracted_at", "datetime", "抽出日時", "UTC time the record was extracted and stored (ISO 8601)",
              required=True),
        Field("tool_version", "string", "抽出ツールの版", "Version of manifesto-extract that extracted the record",
              required=True),
    ),
    ("sha256",),
)

GOALS = Table(
    "goals", "部局目標", "One row per goal (◎部局目標N) of a manifesto, with its year-end self-evaluation",
    (
        Field("id", "integer", "部局目標ID", "Identifier of the goal within this data set", required=True),
        _MANIFESTO,
        Field("number", "integer", "目標番号", "N of ◎部局目標N, unique within the manifesto", required=True),
        Field("mission", "string", "組織使命", "Organisational mission (a mission shared by several goals is repeated)"),
        Field("objective", "string", "組織使命達成に向けての目標", "Objective towards the mission", required=True),
        Field("current_state", "string", "現在の状態", "Current state (〈現在の状態〉)"),
        Field("target", "string", "達成目標", "Target (〈達成目標〉); one ・ item per line"),
        Field("achieved_state", "string", "目標が達成した状態", "State when the goal is achieved (※目標が達成した状態)"),
        Field("self_rating", "integer", "達成状況(自己評価)",
              "Year-end self-rating on the manifesto's own scale (see rating_scale); empty when not yet evaluated"),
        Field("rating_reason", "string", "理由", "Reason given for the self-rating"),
        Field("page", "integer", "ページ", "1-based page on which the goal's block starts", required=True),
    ),
    ("id",),
    (_TO_MANIFESTO,),
)

MILESTONES = Table(
    "milestones", "達成目標の時期", "Dated items of a goal's target, with the months they fall in",
    (
        _GOAL_ID,
        _seq_field("item within the goal's milestones"),
        Field("text", "string", "項目", "The item without its time expression"),
        Field("period", "string", "時期(表記どおり)", "The time expression as printed, e.g. 1月~2月", required=True),
        Field("start", "yearmonth", "開始年月", "First month (YYYY-MM): months 4-12 in the fiscal year, 1-3 in the next"),
        Field("end", "yearmonth", "終了年月", "Last month (YYYY-MM); equal to start for a single month"),
    ),
    ("goal", "seq"),
    (_TO_GOAL,),
)

MEANS = Table(
    "means", "目標を達成するための手段", "Means to achieve a goal, one per bullet, in document order",
    (_GOAL_ID, _seq_field("means within the goal"), Field("text", "string", "手段", "The means", required=True)),
    ("goal", "seq"),
    (_TO_GOAL,),
)

RATING_SCALE = Table(
    "rating_scale", "業績目標の達成状況(凡例)", "The rating legend printed in each manifesto, in printed order",
    (
        _MANIFESTO,
        _seq_field("legend line"),
        Field("score", "integer", "評点", "Score", required=True),
        Field("label", "string", "評価", "What the score means", required=True),
    ),
    ("manifesto", "seq"),
    (_TO_MANIFESTO,),
)

WARNINGS = Table(
    "warnings", "抽出時の注意", "What the extractor could read only in part, per manifesto",
    (
        _MANIFESTO,
        _seq_field("warning"),
        Field("kind", "string", "種類", "Kind of warning, e.g. section_missing, repaired", required=True),
        Field("message", "string", "内容", "What was found", required=True),
        Field("goal", "integer", "目標番号", "Number (N of ◎部局目標N) of the goal concerned, if any"),
        Field("page", "integer", "ページ", "Page concerned, if any"),
    ),
    ("manifesto", "seq"),
    (_TO_MANIFESTO,),
)

PROVENANCE = Table(
    "provenance", "記載位置", "Where each extracted value was printed: page and bounding box",
    (
        Field("id", "integer", "記載位置ID", "Identifier of the row within this data set", required=True),
        _MANIFESTO,
        Field("path", "string", "値のパス", "The value's path in the record, e.g. goals[3].rating_reason",
              required=True),
        Field("goal", "integer", "目標番号", "Number of the goal for a goal's value (joins goals.number), else empty"),
        Field("field", "string", "項目名", "The value's field, e.g. mission, self_rating, department", required=True),
        Field("page", "integer", "ページ", "1-based page", required=True),
        Field("x0", "number", "左端", "Left edge in PDF points from the page's left (column index for a web page)",
              required=True, unit="pt"),
        Field("top", "number", "上端", "Top edge in PDF points from the page's top", required=True, unit="pt"),
        Field("x1", "number", "右端", "Right edge in PDF points", required=True, unit="pt"),
        Field("bottom", "number", "下端", "Bottom edge in PDF points", required=True, unit="pt"),
        Field("confidence", "number", "OCR信頼度", "Lowest OCR word confidence (0-100); empty for a text layer",
              unit="%"),
    ),
    ("id",),
    (_TO_MANIFESTO,),
)

FAILURES = Table(
    "failures", "読み取れなかったファイル", "Files the last batch could not store, and why",
    (
        Field("path", "string", "ファイルのパス", "Path of the file", required=True),
        Field("sha256", "string", "ファイルのsha256", "sha256 of its bytes; empty when unreadable", pattern=SHA256),
        Field("kind", "string", "種類", "Error kind, e.g. encrypted, not_a_manifesto, internal", required=True),
        Field("message", "string", "理由", "Why it failed", required=True),
        Field("time", "datetime", "日時", "UTC time of the attempt (ISO 8601)", required=True),
    ),
    ("path",),
)

TABLES = (MANIFESTOS, GOALS, MILESTONES, MEANS, RATING_SCALE, WARNINGS, PROVENANCE, FAILURES)
