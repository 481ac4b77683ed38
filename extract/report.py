"""`manifesto report`: one self-contained HTML page of charts, for readers who want the picture, not SQL.

Two charts of the latest version of each department and year (goal_overview): how
each department rated its goals (a bar per department and year, split by score) and
in which months the dated milestones fall. Charts are PNGs drawn by matplotlib with
a Japanese font (IPAex Gothic from Debian's fonts-ipaexfont, or another installed one)
and embedded as base64, so the page is one file that opens anywhere, offline. The
counting is pure; drawing and reading the database are the edges.
"""

from __future__ import annotations

import base64
import html
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from matplotlib import colormaps, font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .errors import UsageError
from .export import places_of
from .municipality import place_names
from .store import reading

JAPANESE_FONTS = ("IPAexGothic", "IPAGothic", "Noto Sans CJK JP", "Noto Sans JP", "TakaoGothic", "VL Gothic")
UNRATED = "未評価"
UNRATED_COLOR = "#bbbbbb"
DPI = 110

# The goals charted: goal_overview (the latest versions), or goal_versions (every version) with --all-versions.
_RATINGS_SQL = "SELECT fiscal_year, department, self_rating FROM {goals} ORDER BY fiscal_year, department, goal"
_SCALE_SQL = "SELECT score, label FROM rating_scale"
_MILESTONES_SQL = """SELECT ms.start, coalesce(ms."end", ms.start) AS "end"
FROM milestones ms JOIN {goals} o ON o.goal_id = ms.goal WHERE ms.start IS NOT NULL"""


@dataclass(frozen=True)
class Chart:
    """A figure of the report: heading, what it shows (alt text and caption) and the PNG."""

    heading: str
    caption: str
    png: bytes


def rating_counts(rows: Iterable[tuple[int, str, int | None]]) -> dict[tuple[int, str], Counter]:
    """Given (fiscal_year, department, self_rating) per goal, return each department-year's count per score.

    An unrated goal counts under None; the result is ordered by year, then department.
    """
    counts: dict[tuple[int, str], Counter] = {}
    for year, department, rating in rows:
        counts.setdefault((year, department), Counter())[rating] += 1
    return dict(sorted(counts.items()))


def scale_labels(rows: Iterable[tuple[int, str]]) -> dict[int, str]:
    """Given every (score, label) of the rating legends, return the most common label of each score, best first."""
    labels: dict[int, Counter] = {}
    for score, label in rows:
        labels.setdefault(score, Counter())[label] += 1
    return {score: labels[score].most_common(1)[0][0] for score in sorted(labels, reverse=True)}


def months_between(start: str, end: str) -> list[str]:
    """Return every month YYYY-MM from `start` to `end`, both included (none if end is before start)."""
    year, month = map(int, start.split("-"))
    last = tuple(map(int, end.split("-")))
    months = []
    while (year, month) <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def month_counts(periods: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Given (start, end) months of milestones, return how many milestones fall in each month, in order."""
    counts = Counter(month for start, end in periods for month in months_between(start, end))
    return dict(sorted(counts.items()))


FISCAL_MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)  # a Japanese fiscal year runs April to March


def fiscal_grid(counts: dict[str, int]) -> tuple[list[int], list[list[int]]]:
    """Given counts per month YYYY-MM, return the fiscal years and, per year, the counts of April … March (pure)."""
    grid: dict[int, list[int]] = {}
    for month, count in counts.items():
        year, number = map(int, month.split("-"))
        fiscal_year = year if number >= 4 else year - 1
        grid.setdefault(fiscal_year, [0] * 12)[FISCAL_MONTHS.index(number)] += count
    years = sorted(grid)
    return years, [grid[year] for year in years]


def japanese_font() -> str:
    """Return the name of an installed font that has Japanese glyphs; UsageError when there is none."""
    known = {font.name for font in font_manager.fontManager.ttflist}
    for name in JAPANESE_FONTS:
        if name in known:
            return name
    for path in font_manager.findSystemFonts():  # installed after matplotlib cached its font list
        try:
            name = font_manager.FontProperties(fname=path).get_name()
        except (OSError, RuntimeError):
            continue
        if name in JAPANESE_FONTS:
            font_manager.fontManager.addfont(path)
            return name
    raise UsageError("no Japanese font for the report's labels: install fonts-ipaexfont (or another Japanese font)")


def ratings_chart(counts: dict[tuple[int, str], Counter], labels: dict[int, str], font: str) -> bytes:
    """Draw a horizontal bar per department-year, split by score (unrated goals in grey); return PNG bytes."""
    rows = list(counts)
    figure = Figure(figsize=(10, 1.2 + 0.42 * max(len(rows), 1)), dpi=DPI, layout="constrained")
    axes = figure.subplots()
    names = [f"{year}年度 {department}" for year, department in rows]
    palette = colormaps["RdYlGn"].resampled(max(len(labels), 2))  # best score green, worst red
    left = [0] * len(rows)
    scores: list[int | None] = [*labels, None]
    for index, score in enumerate(scores):
        widths = [counts[row][score] for row in rows]
        color = UNRATED_COLOR if score is None else palette(len(labels) - 1 - index)
        name = UNRATED if score is None else f"{score}: {labels[score]}"
        axes.barh(names, widths, left=left, color=color, label=name, edgecolor="white")
        left = [a + b for a, b in zip(left, widths)]
    axes.invert_yaxis()
    axes.set_xlabel("部局目標の数", fontfamily=font)
    axes.set_title("部局・年度別の自己評価 (達成状況)", fontfamily=font, fontsize=13)
    for label in axes.get_yticklabels():
        label.set_fontfamily(font)
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.legend(prop={"family": font, "size": 8}, loc="upper left", bbox_to_anchor=(1.01, 1),
                title="評点", title_fontproperties={"family": font})
    return _png(figure)


def months_chart(counts: dict[str, int], font: str) -> bytes:
    """Draw milestones per month as a grid of fiscal years by April … March, each cell its count; return PNG bytes."""
    years, grid = fiscal_grid(counts)
    figure = Figure(figsize=(9, 1.4 + 0.45 * max(len(years), 1)), dpi=DPI, layout="constrained")
    axes = figure.subplots()
    image = axes.imshow(grid or [[0] * 12], cmap="Blues", vmin=0, aspect="auto")
    peak = max((max(row) for row in grid), default=0)
    for y, row in enumerate(grid):
        for x, count in enumerate(row):
            if count:
                axes.text(x, y, str(count), ha="center", va="center", color="white" if count > peak / 2 else "black")
    axes.set_xticks(range(12), [f"{month}月" for month in FISCAL_MONTHS], fontfamily=font)
    axes.set_yticks(range(len(years)), [f"{year}年度" for year in years], fontfamily=font)
    axes.set_title("達成目標の時期 (年度・月別の項目数)", fontfamily=font, fontsize=13)
    figure.colorbar(image, ax=axes, ticks=MaxNLocator(integer=True)).set_label("項目数", fontfamily=font)
    return _png(figure)


def _png(figure: Figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def render_html(title: str, summary: Sequence[tuple[str, object]], charts: Sequence[Chart]) -> str:
    """Return the report page: a title, a table of totals and each chart as an embedded PNG (pure)."""
    rows = "".join(f"<tr><th>{html.escape(name)}</th><td>{html.escape(str(value))}</td></tr>" for name, value in summary)
    figures = "".join(
        f'<section><h2>{html.escape(chart.heading)}</h2><figure>'
        f'<img src="data:image/png;base64,{base64.b64encode(chart.png).decode()}" alt="{html.escape(chart.caption)}">'
        f"<figcaption>{html.escape(chart.caption)}</figcaption></figure></section>"
        for chart in charts
    )
    return (
        '<!DOCTYPE html>\n<html lang="ja"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;margin:2em auto;max-width:1100px;padding:0 1em}"
        "table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.2em .6em;text-align:left}"
        "img{max-width:100%}figcaption{color:#555}</style></head>"
        f"<body><h1>{html.escape(title)}</h1><table>{rows}</table>{figures}</body></html>\n"
    )


def write_report(db_path: str | Path, out: str | Path, *, all_versions: bool = False) -> Path:
    """Write the report of the database at `db_path` to the HTML file `out` and return its path.

    It charts the latest version of each department and year, or every version with `all_versions`.
    """
    page = report_html(db_path, all_versions=all_versions)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path


def report_html(db_path: str | Path, *, all_versions: bool = False) -> str:
    """Return the report page of the database at `db_path` (what `manifesto report` writes and Datasette shows)."""
    font = japanese_font()
    goals_view = "goal_versions" if all_versions else "goal_overview"
    with reading(db_path) as db:
        ratings = rating_counts(db.execute(_RATINGS_SQL.format(goals=goals_view)).fetchall())
        labels = scale_labels(db.execute(_SCALE_SQL).fetchall())
        periods = db.execute(_MILESTONES_SQL.format(goals=goals_view)).fetchall()
        places = place_names(places_of(db))
    months = month_counts(periods)
    goals = sum(sum(counter.values()) for counter in ratings.values())
    rated = goals - sum(counter[None] for counter in ratings.values())
    summary = [
        ("自治体", places or "(未登録)"),
        ("部局・年度", len(ratings)),
        ("部局目標 (全版)" if all_versions else "部局目標 (最新版)", goals),
        ("自己評価済みの目標", rated),
        ("時期のある達成目標の項目", len(periods)),
    ]
    charts = [
        Chart("部局・年度別の自己評価", "各部局・年度の部局目標を自己評価の評点別に数えた横棒グラフ (灰色は未評価)",
              ratings_chart(ratings, labels, font)),
        Chart("達成目標の時期", "達成目標の各項目が予定する月ごとの項目数 (複数月にわたる項目は各月に数える)",
              months_chart(months, font)),
    ]
    return render_html(f"部局マニフェスト レポート{f' ({places})' if places else ''}", summary, charts)
