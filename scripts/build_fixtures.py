#!/usr/bin/env python3
"""Build a fixture set from its content files: SET/src/*.toml → SET/NAME.pdf|.html + SET/NAME.expected.json.

    .venv/bin/python scripts/build_fixtures.py samples/wordings [--only NAME ...] [--keep DIR]

Each content file is one manifesto as printed (its header, legend and goals, in the document's own
wording: section markers, labels, goal markers, rating texts) plus its layout options. This script lays
it out as an .xlsx (openpyxl) or .docx (python-docx) converted by `libreoffice --headless`, as a web
page written directly (.html, UTF-8 or Shift_JIS), or as that page printed by headless Chromium with
its header and footer (`html-print`). The layout helpers (XL, DX, conversion, text checks) are
scripts/make_samples.py's.

The expected record is computed from the content by the contract's rules (shared/CONTRACT.md): NFKC,
whitespace collapsed; target bullets one per line starting with `・`; section markers, goal markers and
bullets not part of a value; milestones dated by the fiscal-year rules below. Only source.sha256 and
source.pages are read off the produced file. Then every expected text value must be found in the
produced file's text (pdfplumber or the HTML's cells, NFKC, whitespace removed) and each goal's marker
on the goal's constructed page; the script lists what is missing and exits non-zero.

Needs LibreOffice, Chromium (html-print) and `pip install openpyxl python-docx`.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import html as html_lib
import http.server
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import tomllib
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_samples import (DX, FONT_FILES, XL, Manifesto, convert, fullwidth, html_texts,  # noqa: E402
                          nfkc, pdf_texts, squash, stabilize)

FONT_FILES.update({"Noto Sans CJK JP": "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                   "Noto Serif CJK JP": "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"})
LABELS = dict(mission="組織使命", objective="組織使命達成に向けての目標", level="目標の達成水準",
              means="目標を達成するための手段", rating="達成状況（自己評価）", reason="理由")
MARKERS = dict(current="〈現在の状態〉", arrow="↓", target="〈達成目標〉", achieved="※目標が達成した状態")
LAYOUT = dict(landscape=True, font="IPAexゴシック", size=9, fullwidth=True, header="rows", aspiration="beside",
              legend="cell", legend_mark="．", score_suffix="", legend_heads=["評価", "内容"], level="markers", inline=False,
              eval="columns", breaks=[], number="◎部局目標{n}", period_sep="　", labels={}, legend_col=None,
              scale=80, site={})
WEB_KINDS = ("html", "html-print")
SITE = "www.city.sakuradai.example"  # the fictional city's web host (html-print's URL in the browser footer)

# --------------------------------------------------------------------------------------
# Milestone periods (the contract's rules, as the lead documents them)
# --------------------------------------------------------------------------------------

DASH = "[~〜]"  # ～ (U+FF5E) is ~ after NFKC; the wave dash 〜 (U+301C) stays itself
DAY = "(?:頃|中|末まで|末|上旬|中旬|下旬)?"
ERA_START = {"令和": 2019, "平成": 1989, "R": 2019, "H": 1989}
QUARTER_START = {1: 4, 2: 7, 3: 10, 4: 1}


def period_dates(fy: int, period: str) -> tuple[str | None, str | None]:
    """Given a fiscal year and a time expression (NFKC), return its (start, end) months `YYYY-MM`: months 4–12
    in the fiscal year, 1–3 in the next; a year printed with the month is taken as printed."""
    def fm(month: int) -> str:
        return f"{fy if month >= 4 else fy + 1}-{month:02d}"

    if period in ("年度内", "通年", "随時"):
        return None, None
    fixed = {"上半期": (4, 9), "下半期": (10, 3), "年度末": (3, 3)}
    if period in fixed:
        return tuple(fm(m) for m in fixed[period])
    if mo := re.fullmatch(r"第([1-4])四半期", period):
        first = QUARTER_START[int(mo[1])]
        return fm(first), fm(first + 2)
    if mo := re.fullmatch(rf"(\d{{1,2}})月{DAY}{DASH}随時", period):
        return fm(int(mo[1])), None
    if mo := re.fullmatch(rf"(\d{{1,2}}){DASH}(\d{{1,2}})月{DAY}", period):
        return fm(int(mo[1])), fm(int(mo[2]))
    if mo := re.fullmatch(rf"(\d{{1,2}})月{DAY}(?:{DASH}(\d{{1,2}})月{DAY})?", period):
        return fm(int(mo[1])), fm(int(mo[2] or mo[1]))
    if mo := re.fullmatch(r"(?:(令和|平成)(元|\d{1,2})年|(R|H)(\d{1,2})\.|(\d{4})年)(\d{1,2})月?" + DAY, period):
        era, num = (mo[1], mo[2]) if mo[1] else (mo[3], mo[4])
        year = int(mo[5]) if mo[5] else ERA_START[era] - 1 + (1 if num == "元" else int(num))
        ym = f"{year}-{int(mo[6]):02d}"
        return ym, ym
    raise ValueError(f"not a time expression of the rules: {period!r}")


# --------------------------------------------------------------------------------------
# The content as printed
# --------------------------------------------------------------------------------------

class Content:
    """One content file: the manifesto's printed text (fields as written by the clerk, digits half-width,
    printed full-width where layout.fullwidth) and its layout options (LAYOUT's defaults)."""

    def __init__(self, path: Path):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        self.name, self.about, self.kind = data.get("name", path.stem), data["about"], data["kind"]
        self.lay = {**LAYOUT, **data.get("layout", {})}
        self.labels = {**LABELS, **self.lay["labels"]}
        self.markers = {**MARKERS, **data.get("markers", {})}
        self.head, self.goals = data["head"], data["goals"]
        self.legend = list(zip(range(5, 0, -1), self.head["legend"]))
        self.page_of, page = {}, 1
        for g in self.goals:
            page += g["number"] in self.lay["breaks"]
            self.page_of[g["number"]] = page

    def shim(self) -> Manifesto:
        """The bare make_samples.Manifesto that XL and DX read their document properties from."""
        h = self.head
        return Manifesto(h["fiscal_year"], nfkc(h["era"]), h["department"], h["position"], h["head"], "", [])

    def p(self, text: str) -> str:
        """A content value as printed."""
        return fullwidth(text) if self.lay["fullwidth"] else text

    def number(self, n: int) -> str:
        return self.lay["number"].format(n=self.p(str(n)))

    def goal_markers(self, g: dict) -> dict:
        return {**self.markers, **g.get("markers", {})}

    def target_lines(self, g: dict) -> list[str]:
        if isinstance(g["target"], str):
            return [self.p(g["target"])]
        lead = [self.p(g["target_lead"])] if g.get("target_lead") else []
        return lead + ["・" + self.p(item[0]) + (self.lay["period_sep"] + self.p(item[1]) if len(item) > 1 else "")
                       for item in g["target"]]

    def level_lines(self, g: dict) -> list[str]:
        """The 目標の達成水準 cell, one printed line per paragraph, its markers the goal's own."""
        mk = self.goal_markers(g)
        cur, ach, tl = self.p(g["current"]), self.p(g["achieved"]), self.target_lines(g)
        arrow = [mk["arrow"]] if mk["arrow"] else []
        if not self.lay["inline"]:
            return [mk["current"], cur, *arrow, mk["target"], *tl, mk["achieved"], ach]
        inline_target = [mk["target"] + tl[0]] if isinstance(g["target"], str) else [mk["target"], *tl]
        return [mk["current"] + cur, *arrow, *inline_target, mk["achieved"] + ach]

    def sub_rows(self, g: dict) -> list[tuple[str, list[str]]]:
        """The 達成水準 as labelled sub-rows (label | text), for layout.level = subrows."""
        mk = self.goal_markers(g)
        return [(mk["current"], [self.p(g["current"])]), (mk["target"], self.target_lines(g)),
                (mk["achieved"], [self.p(g["achieved"])])]

    def means_lines(self, g: dict) -> list[str]:
        return ["・" + self.p(x) for x in g["means"]]

    def rating(self, g: dict) -> str:
        if "rating_text" in g:
            return g["rating_text"]
        return self.p(str(g["rating"])) if g.get("rating") is not None else ""

    def legend_line(self, score: int, label: str) -> str:
        return self.p(str(score)) + self.lay["legend_mark"] + label


# --------------------------------------------------------------------------------------
# Expected record (from the content, never from an extractor)
# --------------------------------------------------------------------------------------

def expected_goal(c: Content, g: dict) -> dict:
    fy = c.head["fiscal_year"]
    if isinstance(g["target"], str):
        target, milestones = nfkc(c.p(g["target"])), []
    else:
        lines, milestones = [nfkc(c.p(g["target_lead"]))] if g.get("target_lead") else [], []
        for item in g["target"]:
            text = nfkc(c.p(item[0]))
            period = nfkc(c.p(item[1])) if len(item) > 1 else None
            lines.append("・" + text + (" " + period if period else ""))
            if period:
                start, end = period_dates(fy, period)
                milestones.append({"text": text, "period": period, "start": start, "end": end})
        target = "\n".join(lines)
    return {"number": g["number"], "mission": nfkc(c.p(g["mission"])), "objective": nfkc(c.p(g["objective"])),
            "current_state": nfkc(c.p(g["current"])), "target": target, "milestones": milestones,
            "achieved_state": nfkc(c.p(g["achieved"])), "means": [nfkc(c.p(x)) for x in g["means"]],
            "self_rating": g.get("rating"), "rating_reason": nfkc(c.p(g["reason"])) if g.get("reason") else None,
            "page": c.page_of[g["number"]]}


def expected_record(c: Content, out: Path) -> dict:
    h = c.head
    era = nfkc(h["era"])
    start = ERA_START[era[:2]] - 1 + (1 if era[2:] == "元" else int(era[2:]))
    assert start == h["fiscal_year"], f"{c.name}: era {era} is not FY{h['fiscal_year']}"
    if out.suffix == ".html":
        pages = 1
    else:
        import pdfplumber

        with pdfplumber.open(out) as doc:
            pages = len(doc.pages)
    return {"source": {"file": out.name, "sha256": hashlib.sha256(out.read_bytes()).hexdigest(), "pages": pages,
                       "part": 1, "first_page": 1, "last_page": pages},
            "title": nfkc(h["title"]), "fiscal_year": h["fiscal_year"], "era": era,
            "department": nfkc(h["department"]), "position": nfkc(h["position"]), "head": nfkc(h["head"]),
            "aspiration": nfkc(c.p(h["aspiration"])),
            "rating_scale": [{"score": s, "label": nfkc(label)} for s, label in c.legend],
            "goals": [expected_goal(c, g) for g in c.goals], "coverage": 1.0}


# --------------------------------------------------------------------------------------
# Excel
# --------------------------------------------------------------------------------------

def goal_columns(c: Content) -> list[str]:
    """The goals table's columns: mission, objective, [sub-label,] level, means[, rating, reason]."""
    cols = ["mission", "objective"] + (["sublabel"] if c.lay["level"] == "subrows" else []) + ["level", "means"]
    return cols + (["rating", "reason"] if c.lay["eval"] == "columns" else [])


def xl_header(x: XL, c: Content, n: int) -> int:
    """Title, subtitle, 部局名/役職/氏名/抱負 and the legend; return the next free row."""
    h = c.head
    x.put(1, 1, h["title"], c2=n, size=14, bold=True, h="center", v="center", border=False)
    x.set_height(1, 24)
    r = 2
    if h.get("subtitle"):
        x.put(2, 1, h["subtitle"], c2=n, size=10, h="center", v="center", border=False)
        r = 3
    x.set_height(r, 8)
    r0 = r = r + 1
    fields = [("部局名", h["department"]), ("役職", h["position"]), ("氏名", h["head"])]
    lc = c.lay["legend_col"]  # the legend beside the header from this column, else below it
    right = (lc - 1) if lc else n
    if c.lay["header"] == "one_row":  # 部局名 | 総務部 | 役職 | 部長 | 氏名 | 山田 太郎
        for i, (lab, val) in enumerate(fields):
            x.put(r, 2 * i + 1, lab, size=10, bold=True, fill=True, h="center", v="center")
            x.put(r, 2 * i + 2, val, c2=right if i == 2 else None, size=10, v="center")
        x.set_height(r, 20)
        r += 1
    else:
        for lab, val in fields:
            x.put(r, 1, lab, size=10, bold=True, fill=True, v="center")
            x.put(r, 2, val, c2=right, size=10, v="center")
            x.set_height(r, 18)
            r += 1
    asp = c.p(h["aspiration"])
    if c.lay["aspiration"] == "box":  # label on its own row, the aspiration in a framed box below
        x.put(r, 1, h["aspiration_label"], c2=2, size=10, bold=True, fill=True, v="center")
        x.set_height(r, 18)
        x.put(r + 1, 1, asp, r2=r + 2, c2=right, size=11, v="center")
        x.set_height(r + 1, 18)
        r += 3
    else:
        x.put(r, 1, h["aspiration_label"], r2=r + 1, size=10, bold=True, fill=True, v="center")
        x.put(r, 2, asp, r2=r + 1, c2=right, size=10, v="center")
        x.set_height(r, 18)
        r += 2
    if lc:
        xl_legend(x, c, r0, lc, n)
        r = max(r, r0 + 7)
    else:
        x.set_height(r, 8)
        r = xl_legend(x, c, r + 1, 1, min(n, 4))
    x.set_height(r, 10)
    return r + 1


def xl_legend(x: XL, c: Content, r: int, c1: int, c2: int) -> int:
    """The 業績目標の達成状況 legend in columns c1..c2 from row r; return the row after it."""
    x.put(r, c1, c.head["legend_title"], c2=c2, size=10, bold=True, fill=True, h="center", v="center")
    x.set_height(r, 18)
    r += 1
    style = c.lay["legend"]
    if style == "cell":  # one cell, five lines
        x.put(r, c1, "\n".join(c.legend_line(s, lab) for s, lab in c.legend), r2=r + 4, c2=c2, size=9, v="center")
        for i in range(5):
            x.set_height(r + i, 15)
        return r + 5
    if style == "table":  # a header row 評価 | 内容
        a, b = c.lay["legend_heads"]
        x.put(r, c1, a, size=9, bold=True, fill=True, h="center", v="center")
        x.put(r, c1 + 1, b, c2=c2, size=9, bold=True, fill=True, h="center", v="center")
        x.set_height(r, 15)
        r += 1
    for s, lab in c.legend:  # score | label rows
        x.put(r, c1, c.p(str(s)) + c.lay["score_suffix"], size=10, h="center", v="center")
        x.put(r, c1 + 1, lab, c2=c2, size=9, v="center")
        x.set_height(r, 15)
        r += 1
    return r


# Line height of a font relative to IPAex's (XL sizes rows for IPAex; Noto CJK sets lines about 1.45 em apart)
LINE_HEIGHT = {"Noto Sans CJK JP": 1.45, "Noto Serif CJK JP": 1.45}


class FontXL(XL):
    """XL with row heights for the sheet's font (a row too short for its text is clipped in the PDF, and the
    clipped text still lies in the text layer, over the next row)."""

    def need(self, text: str, c1: int, c2: int, size: float | None = None) -> float:
        return super().need(text, c1, c2, size) * LINE_HEIGHT.get(self.font, 1.0)


def build_xlsx(c: Content, path: Path) -> None:
    cols = goal_columns(c)
    n = len(cols)
    x = FontXL(c.shim(), c.lay["widths"], landscape=c.lay["landscape"], scale=c.lay["scale"], font=c.lay["font"],
           size=c.lay["size"])
    r = xl_header(x, c, n)
    col = {k: i + 1 for i, k in enumerate(cols)}
    head_cols = [k for k in cols if k != "sublabel"]

    def table_head():
        nonlocal r
        for k in head_cols:
            c1 = col["sublabel"] if k == "level" and "sublabel" in col else col[k]
            x.put(r, c1, c.labels[k], c2=col[k], size=9, bold=True, fill=True, h="center", v="center")
        x.set_height(r, 28)
        r += 1

    def eval_table(goals: list[dict]):
        nonlocal r
        x.set_height(r, 10)
        x.put(r + 1, 1, c.labels["rating"], size=9, bold=True, fill=True, h="center", v="center")
        x.put(r + 1, 2, c.labels["reason"], c2=n, size=9, bold=True, fill=True, h="center", v="center")
        r += 2
        for g in goals:
            x.put(r, 1, c.rating(g), size=12, bold=True, h="center", v="center")
            x.put(r, 2, c.p(g.get("reason", "")), c2=n, v="center")
            x.set_height(r, 30)
            r += 1

    page_goals: list[dict] = []
    table_head()
    for g in c.goals:
        if g["number"] in c.lay["breaks"]:
            if c.lay["eval"] == "table":
                eval_table(page_goals)
            x.page_break_after(r - 1)
            page_goals = []
            table_head()
        page_goals.append(g)
        x.put(r, 1, c.number(g["number"]), c2=n, size=9, bold=True, v="center")
        x.set_height(r, 15)
        r += 1
        span = 3 if "sublabel" in col else 1
        r2 = r + span - 1
        x.put(r, col["mission"], c.p(g["mission"]), r2=r2, v="center")
        x.put(r, col["objective"], c.p(g["objective"]), r2=r2, v="center")
        if "sublabel" in col:
            for i, (lab, lines) in enumerate(c.sub_rows(g)):
                x.put(r + i, col["sublabel"], lab, size=9, bold=True, fill=True, h="center", v="center")
                x.put(r + i, col["level"], "\n".join(lines), v="center")
        else:
            x.put(r, col["level"], "\n".join(c.level_lines(g)))
        x.put(r, col["means"], "\n".join(c.means_lines(g)), r2=r2)
        if "rating" in col:
            x.put(r, col["rating"], c.rating(g), r2=r2, size=11, bold=True, h="center", v="center")
            x.put(r, col["reason"], c.p(g.get("reason", "")), r2=r2)
        r += span
    if c.lay["eval"] == "table":
        eval_table(page_goals)
    x.finish(r - 1, path)


# --------------------------------------------------------------------------------------
# Word
# --------------------------------------------------------------------------------------

def dx_header(d: DX, c: Content, width: float) -> None:
    h = c.head
    d.para(h["title"], size=14, bold=True, center=True)
    if h.get("subtitle"):
        d.para(h["subtitle"], size=10, center=True)
    d.para()
    fields = [("部局名", h["department"]), ("役職", h["position"]), ("氏名", h["head"])]
    asp = c.p(h["aspiration"])
    if c.lay["header"] == "one_row":
        t = d.table(1, [2.0, (width - 6) / 3] * 3)
        for i, (lab, val) in enumerate(fields):
            d.fill(t.cell(0, 2 * i), lab, bold=True, shade=True, center=True, vcenter=True)
            d.fill(t.cell(0, 2 * i + 1), val, vcenter=True)
        d.para()
    else:
        rows = fields + ([] if c.lay["aspiration"] == "box" else [(h["aspiration_label"], asp)])
        t = d.table(len(rows), [4.5, width - 4.5])
        for i, (lab, val) in enumerate(rows):
            d.fill(t.cell(i, 0), lab, bold=True, shade=True, vcenter=True)
            d.fill(t.cell(i, 1), val, vcenter=True)
        d.para()
    if c.lay["aspiration"] == "box":  # label on its own row, the aspiration in a framed box below
        t = d.table(1, [4.5])
        d.fill(t.cell(0, 0), h["aspiration_label"], bold=True, shade=True, vcenter=True)
        t = d.table(1, [width])
        d.fill(t.cell(0, 0), ["", asp, ""], size=11, center=True, vcenter=True)
        d.para()
    style = c.lay["legend"]
    if style == "cell":
        t = d.table(2, [width * 0.6])
        d.fill(t.cell(0, 0), h["legend_title"], bold=True, shade=True, center=True)
        d.fill(t.cell(1, 0), [c.legend_line(s, lab) for s, lab in c.legend])
    else:  # score | label rows, under a header row 評価 | 内容 (table) or the title only (rows)
        extra = 2 if style == "table" else 1
        t = d.table(5 + extra, [1.6, width * 0.6 - 1.6])
        d.fill(t.cell(0, 0).merge(t.cell(0, 1)), h["legend_title"], bold=True, shade=True, center=True)
        if style == "table":
            for i, lab in enumerate(c.lay["legend_heads"]):
                d.fill(t.cell(1, i), lab, bold=True, shade=True, center=True)
        for i, (s, lab) in enumerate(c.legend):
            d.fill(t.cell(extra + i, 0), c.p(str(s)) + c.lay["score_suffix"], center=True)
            d.fill(t.cell(extra + i, 1), lab)
    d.para()


def build_docx(c: Content, path: Path) -> None:
    cols = [k for k in goal_columns(c) if k != "sublabel"]
    widths = c.lay["widths"]
    d = DX(c.shim(), landscape=c.lay["landscape"], font=c.lay["font"], size=c.lay["size"])
    d.doc.core_properties.title = c.head["title"]
    dx_header(d, c, sum(widths))
    blocks: list[list[dict]] = []
    for g in c.goals:
        if not blocks or g["number"] in c.lay["breaks"]:
            blocks.append([])
        blocks[-1].append(g)
    for bi, goals in enumerate(blocks):
        if bi:
            d.para(page_break_before=True)
        t = d.table(1 + 2 * len(goals), widths)
        for i, k in enumerate(cols):
            d.fill(t.cell(0, i), c.labels[k], bold=True, shade=True, center=True, vcenter=True)
        for gi, g in enumerate(goals):
            r = 1 + 2 * gi
            d.fill(t.cell(r, 0).merge(t.cell(r, len(cols) - 1)), c.number(g["number"]), bold=True)
            values = dict(mission=c.p(g["mission"]), objective=c.p(g["objective"]), means=c.means_lines(g),
                          rating=c.rating(g), reason=c.p(g.get("reason", "")))
            for i, k in enumerate(cols):
                cell = t.cell(r + 1, i)
                if k == "level" and c.lay["level"] == "subrows":  # a small label | text table inside the cell
                    from docx.shared import Cm

                    inner = cell.add_table(3, 2)
                    inner.style = "Table Grid"
                    for col, w in zip(inner.columns, (2.0, widths[i] - 2.2)):
                        col.width = Cm(w)
                        for inner_cell in col.cells:
                            inner_cell.width = Cm(w)
                    for j, (lab, lines) in enumerate(c.sub_rows(g)):
                        d.fill(inner.cell(j, 0), lab, bold=True, shade=True, vcenter=True)
                        d.fill(inner.cell(j, 1), lines)
                elif k == "level":
                    d.fill(cell, c.level_lines(g))
                else:
                    d.fill(cell, values[k], bold=k == "rating", center=k == "rating", vcenter=k != "means")
        d.para()
        if c.lay["eval"] == "table":
            t = d.table(1 + len(goals), [2.6, sum(widths) - 2.6])
            d.fill(t.cell(0, 0), c.labels["rating"], bold=True, shade=True, center=True)
            d.fill(t.cell(0, 1), c.labels["reason"], bold=True, shade=True, center=True)
            for gi, g in enumerate(goals, 1):
                d.fill(t.cell(gi, 0), c.rating(g), bold=True, center=True, vcenter=True)
                d.fill(t.cell(gi, 1), c.p(g.get("reason", "")))
    d.save(path)


# --------------------------------------------------------------------------------------
# Web page
# --------------------------------------------------------------------------------------

def esc(text: str) -> str:
    return html_lib.escape(text, quote=False)


def build_html(c: Content, path: Path) -> None:
    """A city CMS's page: site header, <nav> menu, breadcrumb, the title in <h1> (or <h2>), header fields as
    a <dl>, the legend in a <table> whose <caption> is its title, and per goal an <h3> marker over a vertical
    <th> label | <td> value table; a footer. layout.site: title_tag, encoding, menu, crumbs, footer lines."""
    site, h = c.lay["site"], c.head
    enc = site.get("encoding", "utf-8")
    tag = site.get("title_tag", "h1")
    name_tag = "h1" if tag != "h1" else "p"  # the site's name is the page's <h1> when the title is not

    def lines(items: list[str]) -> str:
        return "<br>\n".join(esc(t) for t in items)

    legend = "".join(f"<tr><td>{esc(c.p(str(s)))}</td><td>{esc(lab)}</td></tr>" for s, lab in c.legend)
    heads = c.lay["legend_heads"]
    parts = [f"<{tag} class=\"page-title\">{esc(h['title'])}</{tag}>"]
    if h.get("subtitle"):
        parts.append(f"<p class=\"subtitle\">{esc(h['subtitle'])}</p>")
    parts.append("<dl class=\"manifesto-head\">" + "".join(
        f"<dt>{esc(a)}</dt><dd>{esc(b)}</dd>" for a, b in
        (("部局名", h["department"]), ("役職", h["position"]), ("氏名", h["head"]),
         (h["aspiration_label"], c.p(h["aspiration"])))) + "</dl>")
    parts.append(f"<table class=\"legend\" border=\"1\"><caption>{esc(h['legend_title'])}</caption>"
                 f"<thead><tr><th scope=\"col\">{esc(heads[0])}</th><th scope=\"col\">{esc(heads[1])}</th></tr>"
                 f"</thead><tbody>{legend}</tbody></table>")
    for g in c.goals:
        brk = " style=\"page-break-before: always\"" if g["number"] in c.lay["breaks"] else ""
        rows = [("mission", esc(c.p(g["mission"]))), ("objective", esc(c.p(g["objective"]))),
                ("level", lines(c.level_lines(g))), ("means", lines(c.means_lines(g))),
                ("rating", esc(c.rating(g))), ("reason", esc(c.p(g.get("reason", ""))))]
        parts.append(f"<h3{brk}>{esc(c.number(g['number']))}</h3>\n<table class=\"goal\" border=\"1\">" + "".join(
            f"<tr><th scope=\"row\">{esc(c.labels[k])}</th><td>{v}</td></tr>" for k, v in rows) + "</table>")
    menu = "".join(f"<li><a href=\"#\">{esc(m)}</a></li>" for m in site["menu"])
    crumbs = " &gt; ".join(f"<a href=\"#\">{esc(x)}</a>" for x in site["crumbs"][:-1]) + " &gt; " + \
        esc(site["crumbs"][-1])
    charset = "<meta charset=\"utf-8\">" if enc == "utf-8" else \
        f"<meta http-equiv=\"Content-Type\" content=\"text/html; charset={enc}\">"
    page = (f"<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n{charset}\n<title>{esc(site['page_title'])}</title>\n"
            "<style>body{font-family:'IPAexGothic',sans-serif;font-size:10pt} table{border-collapse:collapse;"
            "width:100%;margin-bottom:8px} th,td{border:1px solid #333;padding:3px;vertical-align:top}"
            " th{background:#e8e8e8;width:9em;text-align:left} nav ul{display:flex;gap:1em;list-style:none}"
            " dl{display:grid;grid-template-columns:12em 1fr} dt{font-weight:bold}</style>\n</head>\n<body>\n"
            f"<header class=\"site-header\"><{name_tag} class=\"site-name\"><a href=\"#\">{esc(site['name'])}</a></{name_tag}>"
            f"<p>{esc(site['tagline'])}</p></header>\n<nav class=\"global\"><ul>{menu}</ul></nav>\n"
            f"<div class=\"breadcrumb\">{crumbs}</div>\n<main id=\"content\">\n" + "\n".join(parts) +
            "\n</main>\n<footer>" + "".join(f"<p>{esc(x)}</p>" for x in site["footer"]) +
            "</footer>\n</body>\n</html>\n")
    data = page.encode(enc)
    assert data.decode(enc) == page and (enc == "utf-8" or data == page.encode("cp932")), "unmappable character"
    path.write_bytes(data)


def print_page(page: Path, pdf: Path, url_path: str) -> None:
    """Print a web page with headless Chromium WITH its header and footer (date, page title, URL, `1/3`),
    served from a local server under the city's host name so that the footer shows a site URL."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or sys.exit("chromium not found: "
                                                                                   "apt-get install -y chromium")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    with tempfile.TemporaryDirectory() as root, tempfile.TemporaryDirectory() as profile:
        (Path(root) / url_path).parent.mkdir(parents=True)
        shutil.copy(page, Path(root) / url_path)
        with http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=root)) as server:
            threading.Thread(target=server.serve_forever, daemon=True).start()
            port = server.server_address[1]
            subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
                            f"--host-resolver-rules=MAP {SITE} 127.0.0.1:{port}", f"--print-to-pdf={pdf}",
                            f"http://{SITE}/{url_path}"], check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=120)
            server.shutdown()


# --------------------------------------------------------------------------------------
# Checks, set
# --------------------------------------------------------------------------------------

def check(c: Content, out: Path, rec: dict) -> list[str]:
    """What of the expected record the produced file does not show: text values missing, a goal's marker
    not first on its constructed page, a rating not printed."""
    pages, cells, _ = html_texts(out) if out.suffix == ".html" else pdf_texts(out)
    pages = [t.translate(RADICALS) for t in pages]
    everything = "\x00".join(cells + pages).translate(RADICALS)
    problems = []
    values = [("title", rec["title"]), ("department", rec["department"]), ("position", rec["position"]),
              ("head", rec["head"]), ("aspiration", rec["aspiration"])]
    values += [(f"legend {x['score']}", x["label"]) for x in rec["rating_scale"]]
    for g, src in zip(rec["goals"], c.goals):
        n = g["number"]
        values += [(f"goal {n} {k}", g[k]) for k in ("mission", "objective", "current_state", "target",
                                                     "achieved_state", "rating_reason")]
        values += [(f"goal {n} means", x) for x in g["means"]]
        values += [(f"goal {n} milestone", m["text"] + m["period"]) for m in g["milestones"]]
        values.append((f"goal {n} rating", c.rating(src) or None))
        marker = re.compile(re.escape(squash(c.number(n))) + r"(?!\d)")
        on = [i + 1 for i, t in enumerate(pages) if marker.search(t)]
        if on[:1] != [g["page"]]:
            problems.append(f"goal {n}: constructed on page {g['page']} but its marker is on pages {on}")
    problems += [f"{label}: {v!r} not found" for label, v in values if v is not None and squash(v) not in everything]
    return problems


# CJK radicals (supplement block: NFKC leaves them) that a PDF's ToUnicode may give for an ideograph's glyph
# (Chromium's print does: 部長 → 部⻑); the ideograph is what is printed
RADICALS = str.maketrans("⺟⺠⻁⻄⻑⻘⻝⻤⻨⻩⻫⻭⻯⻲", "母民虎西長青食鬼麦黄斉歯竜亀")


BUILDERS = {"xlsx": build_xlsx, "docx": build_docx, "html": build_html, "html-print": build_html}


def build_set(folder: Path, only: list[str] | None, keep: Path | None) -> bool:
    """Build every content file of folder/src; return whether all passed their checks."""
    contents = [Content(p) for p in sorted((folder / "src").glob("*.toml"))]
    chosen = [c for c in contents if not only or c.name in only]
    ok = True
    with tempfile.TemporaryDirectory(prefix="build_fixtures_") as tmp:
        work = keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        office = []
        for c in chosen:
            ext = "html" if c.kind in WEB_KINDS else c.kind
            BUILDERS[c.kind](c, work / f"{c.name}.{ext}")
            if c.kind in ("xlsx", "docx"):
                office.append(work / f"{c.name}.{ext}")
        if office:
            convert(office, work, Path(tmp) / "lo-profile")
        for c in chosen:
            if c.kind == "html":
                out = folder / f"{c.name}.html"
                out.write_bytes((work / out.name).read_bytes())
            else:
                out = folder / f"{c.name}.pdf"
                if c.kind == "html-print":
                    print_page(work / f"{c.name}.html", out, c.lay["site"]["url_path"])
                else:
                    out.write_bytes(stabilize((work / out.name).read_bytes(), f"{c.head['fiscal_year']}0401090000"))
            rec = expected_record(c, out)
            (folder / f"{c.name}.expected.json").write_text(json.dumps(rec, ensure_ascii=False, indent=2) + "\n",
                                                           encoding="utf-8")
            problems = check(c, out, rec)
            print(f"{out.name}: {rec['source']['pages']} pages, {len(rec['goals'])} goals, "
                  f"{'ok' if not problems else 'PROBLEMS'}")
            for p in problems:
                print("   ", p)
            ok &= not problems
    if not only:
        write_readme(folder, contents)
    return ok


def write_readme(folder: Path, contents: list[Content]) -> None:
    intro = (folder / "src" / "SET.md").read_text(encoding="utf-8").strip()  # the set's title and what it is for
    lines = [intro, "",
             f"Built by `scripts/build_fixtures.py {folder.relative_to(folder.parents[1])}` from the content files in "
             "`src/` (one TOML file per manifesto: its printed text and layout options). An Excel or Word layout",
             "was converted with `libreoffice --headless --convert-to pdf`; a `.html` was written directly as a city "
             "CMS's page (its record has `source.pages` 1, every goal on page 1); an `html-print` PDF is such a page "
             "printed by headless Chromium with its header and footer. `NAME.expected.json` is computed from the "
             "content by the rules of shared/CONTRACT.md, never by an extractor.", ""]
    for c in contents:
        ext = "html" if c.kind == "html" else "pdf"
        lines += [f"- `{c.name}.{ext}`: {' '.join(c.about.split())}"]
    (folder / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path, help="the set's folder (its content files in folder/src/)")
    ap.add_argument("--only", nargs="*", help="content names to build (default: all)")
    ap.add_argument("--keep", type=Path, help="keep the .xlsx/.docx/.html and raw PDFs in this folder")
    a = ap.parse_args(argv)
    return 0 if build_set(a.folder.resolve(), a.only, a.keep) else 1


if __name__ == "__main__":
    sys.exit(main())
