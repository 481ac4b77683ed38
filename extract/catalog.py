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
_TO_MANIFESTO = ForeignKey(("manifesto",), "manifestos", ("id",))
_TO_GOAL = ForeignKey(("goal",), "goals", ("id",))
_MANIFESTO = Field("manifesto", "integer", "マニフェストID", "The manifesto's id (manifestos.id)", required=True)
_GOAL_ID = Field("goal", "integer", "部局目標ID", "The goal's id (goals.id)", required=True)


def _seq_field(what: str) -> Field:
    return Field("seq", "integer", "順番", f"1-based printed order of the {what}", required=True)


MANIFESTOS = Table(
    "manifestos", "部局マニフェスト",
    "One row per manifesto: a department's manifesto for one fiscal year (a file may hold several, as parts)",
    (
        Field("id", "integer", "マニフェストID", "Identifier of the manifesto within this data set", required=True),
        Field("sha256", "string", "ファイルのsha256", "Hex sha256 of the file's bytes; with part, identifies the manifesto",
              required=True, pattern=SHA256),
        Field("part", "integer", "ファイル内の順番", "1-based place of the manifesto in its file (1 for a file of one)",
              required=True),
        Field("first_page", "integer", "開始ページ", "First page of the manifesto in its file, when the file holds several"),
        Field("last_page", "integer", "終了ページ", "Last page of the manifesto in its file, when the file holds several"),
        Field("path", "string", "ファイルのパス", "Path of the file as the batch found it (where it is now, if moved)"),
        Field("file", "string", "ファイル名", "File name of the PDF (or web page)", required=True),
        Field("pages", "integer", "ページ数", "Page count of the file", required=True),
        Field("title", "string", "表題", "Title as printed, e.g. 2021(令和3)年度 部局マニフェスト", required=True),
        Field("fiscal_year", "integer", "年度", "Gregorian year in which the fiscal year (April to March) starts",
              required=True),
        Field("era", "string", "和暦年度", "Japanese era year as printed, e.g. 令和3", required=True),
        Field("department", "string", "部局名", "Department", required=True),
        Field("position", "string", "役職", "Title of the department's head"),
        Field("head", "string", "氏名", "Name of the department's head"),
        Field("aspiration", "string", "年度の抱負", "The head's aspiration for the year"),
        Field("ocr", "boolean", "OCR読取", "True when the text was read by OCR from scanned pages", required=True),
        Field("coverage", "number", "読取率", "Share (0-1) of the document's text placed in the record, when measured"),
        Field("municipality_code", "string", _CODE, "Nationwide local government code of the publisher, when known",
              pattern=MUNICIPALITY_CODE),
        Field("extracted_at", "datetime", "抽出日時", "UTC time the record was extracted and stored (ISO 8601)",
              required=True),
        Field("tool_version", "string", "抽出ツールの版", "Version of manifesto-extract that extracted the record",
              required=True),
    ),
    ("id",),
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
        *(Field(name, "number", label, f"{what} of the text concerned in PDF points, if any")
          for name, label, what in (("x0", "左端", "Left edge"), ("top", "上端", "Top edge"),
                                    ("x1", "右端", "Right edge"), ("bottom", "下端", "Bottom edge"))),
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

_FILE_SHA256 = Field("sha256", "string", "ファイルのsha256", "sha256 of its bytes; empty when unreadable", pattern=SHA256)

FAILURES = Table(
    "failures", "読み取れなかったファイル", "Files the last batch could not store, and why",
    (
        Field("path", "string", "ファイルのパス", "Path of the file", required=True),
        Field("part", "integer", "ファイル内の順番",
              "The failed manifesto's position in a file holding several; 0 when the whole file failed", required=True),
        _FILE_SHA256,
        Field("kind", "string", "種類", "Error kind, e.g. encrypted, not_a_manifesto, internal", required=True),
        Field("message", "string", "理由", "Why it failed", required=True),
        Field("time", "datetime", "日時", "UTC time of the attempt (ISO 8601)", required=True),
    ),
    ("path", "part"),
)

FILES = Table(
    "files", "読み込んだファイル", "Every path a batch saw, with what became of it",
    (
        Field("path", "string", "ファイルのパス", "Path of the file as the batch found it", required=True),
        _FILE_SHA256,
        Field("size", "integer", "バイト数", "Size in bytes when last seen"),
        Field("mtime", "datetime", "更新日時", "Modification time when last seen (UTC, ISO 8601)"),
        Field("outcome", "string", "結果", "stored, duplicate (of duplicate_of), failed (see failures) or removed (gone)",
              required=True),
        Field("duplicate_of", "string", "同一内容のファイル", "For a duplicate: the path its bytes are stored under"),
        Field("seen_at", "datetime", "確認日時", "UTC time a batch last saw the path (ISO 8601)", required=True),
    ),
    ("path",),
)

SETTINGS = Table(
    "settings", "設定", "Batch-wide settings kept for every later run, e.g. municipality_code",
    (
        Field("name", "string", "設定名", "Name of the setting", required=True),
        Field("value", "string", "値", "Its value", required=True),
        Field("set_at", "datetime", "設定日時", "UTC time it was first given (ISO 8601)", required=True),
    ),
    ("name",),
)

GOAL_SERIES = Table(
    "goal_series", "年度をまたぐ部局目標", "Each goal linked to the goal of the department's previous fiscal year it continues",
    (
        Field("goal", "integer", "部局目標ID", "The goal's id (goals.id)", required=True),
        Field("series", "integer", "系列ID", "Id of the series: goals.id of its first goal", required=True),
        Field("previous", "integer", "前年度の部局目標ID", "goals.id of the goal it continues; empty when it starts the series"),
        Field("score", "number", "類似度", "Similarity (0-1) of its objective and mission to the previous goal's"),
    ),
    ("goal",),
    (_TO_GOAL, ForeignKey(("previous",), "goals", ("id",))),
)

TABLES = (MANIFESTOS, GOALS, MILESTONES, MEANS, RATING_SCALE, WARNINGS, PROVENANCE, FAILURES, FILES, SETTINGS, GOAL_SERIES)
LOCAL_TABLES = ("failures", "files", "settings")  # the batch's record of local files and options: not published

# Columns every published row carries from its manifesto and version, so that each CSV stands alone.
_MANIFESTO_FIELDS = {field.name: field for field in MANIFESTOS.fields}
VERSION_FIELDS = (
    _MANIFESTO_FIELDS["fiscal_year"],
    _MANIFESTO_FIELDS["era"],
    _MANIFESTO_FIELDS["department"],
    Field("version", "integer", "版", "1, 2, … among the versions of this department and fiscal year (see versions)",
          required=True),
    Field("latest", "boolean", "最新版", "True for the version shown by default (goal_overview)", required=True),
)

_GOAL_FIELDS = {field.name: field for field in GOALS.fields}
GOAL_OVERVIEW = Table(
    "goal_overview", "部局目標一覧", "One row per goal with its manifesto, rating label and series: the flat table to start from",
    (
        _MANIFESTO_FIELDS["municipality_code"],
        *(VERSION_FIELDS[:3]),
        _MANIFESTO_FIELDS["position"],
        _MANIFESTO_FIELDS["head"],
        Field("goal", "integer", "目標番号", "N of ◎部局目標N", required=True),
        *(_GOAL_FIELDS[name] for name in ("mission", "objective", "current_state", "target", "achieved_state",
                                          "self_rating")),
        Field("rating_label", "string", "評価", "The legend's label for the self-rating"),
        _GOAL_FIELDS["rating_reason"],
        _GOAL_FIELDS["page"],
        VERSION_FIELDS[3],
        Field("versions", "integer", "版の数", "How many versions this department and fiscal year has", required=True),
        VERSION_FIELDS[4],
        Field("series", "integer", "系列ID", "The goal's series across fiscal years (goal_series.series)"),
        _MANIFESTO_FIELDS["path"],
        _MANIFESTO_FIELDS["sha256"],
        _MANIFESTO,
        Field("goal_id", "integer", "部局目標ID", "The goal's id (goals.id), to join milestones and means", required=True),
    ),
    ("goal_id",),
    (_TO_MANIFESTO, ForeignKey(("goal_id",), "goals", ("id",))),
)
