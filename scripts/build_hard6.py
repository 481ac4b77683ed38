#!/usr/bin/env python3
"""Build samples/hard6/ (the sixth adversarial round: the same kinds of typography as hard5, other specifics)
from its content files, samples/hard6/src/*.toml.

    .venv/bin/python scripts/build_hard6.py [NAME ...] [--keep DIR]   (needs the `samples` extra: openpyxl, python-docx)

Reuses scripts/build_hard5.py (and through it build_hard4.py / make_samples.py) as a library, unchanged: the
content files have hard5's shape (inline runs `⟦tag|text⟧`, [layout], [layout.type]) plus:

* run tags: `del` (削除線: struck-through text, a correction — printed, NOT part of the value), `note` (a
  footnote reference mark such as `※２`, printed — with `sup` raised — and NOT part of the value: the
  contract's `※…` markers are no part of a value), `white` (white text), `shadow` / `outline` (Word's 影付き /
  中抜き on the run);
* a line break typed inside an item followed by ideographic spaces (`\u2028　　…`: a continuation line indented
  with 全角 spaces) prints as typed; the record joins the lines with nothing and drops the indent;
* [layout.type] (besides hard5's): `bold_effects` (Word: effects put on every bold run of a label / header
  cell), `rotate_exact` ({text: angle}, Excel: cells whose whole text is `text`, or whose text starts with `◎`
  and `text` then, turned: 180 = 90° clockwise, read top to bottom; 90 = counter-clockwise), `zebra` (Excel:
  fill colour of every second goal row), `head_fill` / `head_white` (Excel: the goals header row filled dark
  with white bold text), `footnote` (lines printed under the goals table, Word), `dx_rotate` / `head_height_cm` / `dx_zebra` (Word: cells turned by 文字列の方向, zebra goal rows;
  see dx_tables), `legend_title_effects` (Word: outline / shadow on
  the legend's title), `line_height` (Excel: a factor on the measured row heights, for a face with a taller line).

Time expressions this round adds are dated by docs/contract.md's table: a day (`令和5年10月1日`, `9月30日まで`)
is its month (an explicit era year is checked against the fiscal-year rule), `翌年` names the calendar year after
the one the fiscal year begins in (`翌年1月~3月`: both months next year; `10月~翌年1月`), and `毎月15日` is no
time expression (`毎月` is listed as none): the item is no milestone and keeps its words in the target.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import build_hard5 as h5  # noqa: E402  (patches make_samples' XL.put / DX.fill with runs)

h4, ms = h5.h4, h5.ms
ROOT = Path(__file__).resolve().parents[1]
SET = ROOT / "samples" / "hard6"
RUN = h5.RUN
TYPE = h5.TYPE
BR = ms.BR
DROP = {"del", "note"}


# --------------------------------------------------------------------------------------
# The record's text: runs' markup removed, struck text and footnote marks dropped, indents of typed
# continuation lines dropped
# --------------------------------------------------------------------------------------

def value_text(s: str) -> str:
    s = RUN.sub(lambda m: "" if DROP & set(m.group(1).split("+")) else m.group(2), s)
    return re.sub(BR + "[　 ]+", BR, s)


def stripped(obj):
    if isinstance(obj, str):
        return value_text(obj)
    if isinstance(obj, list):
        return [stripped(x) for x in obj]
    if isinstance(obj, dict):
        return {k: stripped(v) for k, v in obj.items()}
    return obj


# --------------------------------------------------------------------------------------
# Time expressions (docs/contract.md, "Time expressions")
# --------------------------------------------------------------------------------------

ERA = {"令和": 2018, "平成": 1988}
DAY = re.compile(r"^(?:(令和|平成)(元|\d{1,2})年)?(\d{1,2})月(\d{1,2})日(?:まで)?$")
RANGE = re.compile(r"^(翌年)?(\d{1,2})月~(翌年)?(\d{1,2})月$")
NEXT = re.compile(r"^翌年(\d{1,2})月$")


def ym(fy: int, month: int, next_year: bool = False) -> str:
    return f"{fy + 1}-{month:02d}" if next_year else ms.month_to_ym(fy, month)


def period_dates(fy: int, period: str):
    if period.startswith("毎月"):
        return None
    if m := DAY.match(period):
        era, num, month = m.group(1), m.group(2), int(m.group(3))
        out = ym(fy, month)
        if era:
            year = ERA[era] + (1 if num == "元" else int(num))
            assert out == f"{year}-{month:02d}", f"printed year of {period!r} disagrees with FY{fy}"
        return out, out
    if m := RANGE.match(period):
        nxt1 = bool(m.group(1))
        return ym(fy, int(m.group(2)), nxt1), ym(fy, int(m.group(4)), nxt1 or bool(m.group(3)))
    if m := NEXT.match(period):
        out = ym(fy, int(m.group(1)), True)
        return out, out
    return ms.period_dates(fy, period)


h4.period_dates = period_dates


# --------------------------------------------------------------------------------------
# Excel: hard5's rich-text cells with more tags, then this round's typography
# --------------------------------------------------------------------------------------

def xl_put(self, r, c, text, r2=None, c2=None, **kw):
    h5._put(self, r, c, h5.plain(text), r2, c2, **kw)
    cell = self.ws.cell(r, c)
    if RUN.search(text):
        from openpyxl.cell.rich_text import CellRichText, TextBlock
        from openpyxl.cell.text import InlineFont

        size = kw.get("size") or self.size
        parts = []
        for t, tags in h5.runs(text.replace(BR, "\n")):
            font = next((h5.FONTS[k] for k in tags if k in h5.FONTS), self.font)
            pt = next((float(k[3:]) for k in tags if k.startswith("pt=")), size)
            parts.append(TextBlock(InlineFont(
                rFont=font, sz=pt, b="b" in tags or kw.get("bold", False), i="i" in tags,
                strike=True if "del" in tags else None,
                u="double" if "uu" in tags else "single" if "u" in tags else None,
                color="C00000" if "red" in tags else "1F4E9F" if "blue" in tags else None,
                vertAlign="superscript" if "sup" in tags else "subscript" if "sub" in tags else None), t))
        cell.value = CellRichText(parts)


ms.XL.put = xl_put
_need = ms.XL.need


def xl_need(self, text, c1, c2, size=None):
    """[layout.type].line_height: a factor on the measured height (a face with a taller line, Noto Sans CJK)."""
    return _need(self, text, c1, c2, size) * TYPE.get("line_height", 1.0)


ms.XL.need = xl_need
_xl_typography = h5.xl_typography


def xl_typography(x, c: dict):
    from openpyxl.styles import Alignment, Font, PatternFill

    _xl_typography(x, c)
    t, ws = TYPE, x.ws
    r0, r1 = t["goal_rows"][0] - 1, t["goal_rows"][1]
    rot = t.get("rotate_exact", {})
    for row in ws.iter_rows(min_row=r0, max_row=r1):
        for cell in row:
            v = cell.value
            if not isinstance(v, str):
                continue
            angle = rot.get(v)
            if angle is None and v.startswith("◎"):
                angle = rot.get("◎")
            if angle is not None:
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True,
                                           textRotation=angle)
    n = len(c["layout"]["widths"])
    if t.get("head_fill"):
        for cc in range(1, n + 1):
            cell = ws.cell(r0, cc)
            cell.fill = PatternFill("solid", fgColor=t["head_fill"])
            f = cell.font
            cell.font = Font(name=f.name, size=f.size, bold=True, color="FFFFFF" if t.get("head_white") else None)
    if t.get("zebra"):
        for i, r in enumerate(range(r0 + 1, r1 + 1)):
            if i % 2 == 1:
                for cc in range(1, n + 1):
                    ws.cell(r, cc).fill = PatternFill("solid", fgColor=t["zebra"])


h5.xl_typography = xl_typography


# --------------------------------------------------------------------------------------
# Word: more run effects; the footnote under the goals table
# --------------------------------------------------------------------------------------

_add_run = h5.add_run


def add_run(p, text, tags, *, bold=False, size=None):
    from docx.oxml import OxmlElement
    from docx.shared import RGBColor

    tags = set(tags)
    if bold:
        tags |= set(TYPE.get("bold_effects", []))
    run = _add_run(p, text, tags, bold=bold, size=size)
    if "del" in tags:
        run.font.strike = True
    if "white" in tags:
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    for e in ("shadow", "outline"):
        if e in tags:
            run._r.get_or_add_rPr().append(OxmlElement(f"w:{e}"))
    return run


h5.add_run = add_run
_para = ms.DX.para


def dx_para(self, text="", **kw):
    """[layout.type].legend_title_effects: Word's character effects (outline, shadow) on the legend's title."""
    from docx.oxml import OxmlElement

    p = _para(self, text, **kw)
    if text == h4.LEGEND_TITLE:
        for run in p.runs:
            for e in TYPE.get("legend_title_effects", []):
                run._r.get_or_add_rPr().append(OxmlElement(f"w:{e}"))
    return p


ms.DX.para = dx_para
_save = ms.DX.save


def dx_tables(d):
    """[layout.type].dx_rotate {text: direction}: cells whose text is `text` (or starts with `◎` when `text` is
    `◎`) set to 文字列の方向 `btLr` (turned 90° counter-clockwise, read bottom to top) or `tbRl`; a header row holding
    a turned cell made at least head_height_cm tall; dx_zebra: fill of every second goal row of a goals table."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    rot = TYPE.get("dx_rotate", {})
    for t in d.doc.tables:
        goals = t.rows and t.rows[0].cells[0].text == h4.HEADS["goal"]
        for i, row in enumerate(t.rows):
            for cell in row.cells:
                text = cell.text
                way = rot.get(text) or (rot.get("◎") if text.startswith("◎") else None)
                if way:
                    e = OxmlElement("w:textDirection")
                    e.set(qn("w:val"), way)
                    tcpr = cell._tc.get_or_add_tcPr()
                    va = tcpr.find(qn("w:vAlign"))
                    va.addprevious(e) if va is not None else tcpr.append(e)
                    if i == 0 and TYPE.get("head_height_cm"):
                        row.height = Cm(TYPE["head_height_cm"])
                if goals and i > 0 and i % 2 == 0 and TYPE.get("dx_zebra"):
                    shd = OxmlElement("w:shd")
                    shd.set(qn("w:val"), "clear")
                    shd.set(qn("w:color"), "auto")
                    shd.set(qn("w:fill"), TYPE["dx_zebra"])
                    cell._tc.get_or_add_tcPr().append(shd)


def dx_save(self, path):
    dx_tables(self)
    if TYPE.get("footnote"):
        for line in TYPE["footnote"]:
            self.para(line, size=TYPE.get("footnote_size", 8))
    _save(self, path)


ms.DX.save = dx_save


# --------------------------------------------------------------------------------------

def marker_on_page(path: Path, problem: str) -> bool:
    """pdfplumber's page text loses a ◎部局目標N turned a quarter (its characters not upright): a marker-page
    problem is looked at again in poppler's raw text of that page, which keeps a turned line's characters in order."""
    import subprocess

    m = re.match(r"part \d+ goal (\d+): page (\d+) in the content, marker on pages \[\]$", problem)
    if not m:
        return False
    goal, page = m.groups()
    texts = [ms.squash(subprocess.run(["pdftotext", "-raw", "-f", str(n), "-l", str(n), str(path), "-"],
                                      capture_output=True, text=True).stdout) for n in range(1, int(page) + 1)]
    marker = re.compile(f"◎部局目標{goal}(?!\\d)")
    return [n + 1 for n, t in enumerate(texts) if marker.search(t)][:1] == [int(page)]


def checked(out: Path, c: dict, records: list) -> list[str]:
    """The problems of one built PDF: every value looked for in its printed text, struck text kept (a value with it
    dropped is not a substring of what is printed), a turned ◎部局目標N on its page in poppler's raw text."""
    DROP.discard("del")
    printed_c = stripped(c)
    DROP.add("del")
    return [p for p in h5.recheck(out, h4.check(out, printed_c, h4.expected_records(printed_c, out)))
            if not marker_on_page(out, p)]


def main(argv=None) -> int:
    return h5.build_set(SET, argv, description=__doc__.split("\n\n")[0], valued=stripped, checked=checked,
                        readme=write_readme)


NOTES = """Notes on the expected records (decisions where the contract leaves room):

- Time expressions, dated by docs/contract.md's table (months 4–12 in the fiscal year, 1–3 in the next calendar
  year): a day is its month — `令和5年10月1日` (an explicit era year, trusted, and agreeing with the rule: 2023-10),
  `令和5年2月1日` in FY2022 (2023-02), `9月30日まで`, `8月20日まで`, `11月15日まで` (`まで` stays in `period`, as the
  table's `11月15日まで`); `翌年` names the calendar year after the one the fiscal year begins in: `翌年1月~3月` (both
  months next year), `10月~翌年1月`, `12月~翌年3月`, `翌年2月`, and `翌年4月` in FY2025 = **2026-04** (not 2025-04:
  the one case where 翌年 moves a month the plain rule would keep in the fiscal year); `令和8年3月末` = 2026-03.
- `毎月15日` is no time expression (the contract lists `毎月` as none): the item is no milestone, and the target keeps
  its words (`・測定結果のホームページでの公表 毎月15日`, `・健診結果説明会の開催 毎月15日`).
- A superscript footnote mark at the end of an objective (`※1`, `※2`, `※`) is a `※…` marker, which the contract
  says is no part of a value: the objective is expected without it. The footnote lines it points to, printed under
  the goals table as the manifesto's last text, belong to no field; by docs/contract.md's coverage rule text after
  the manifesto's last recognised line is outside it (and a `※` line may be taken as a marker), so `coverage`
  stays 1.0 either way.
- Struck-through text (削除線) is a deletion the department left visible: the record holds the corrected text
  only (`年45回`, `15橋`, `240か所`, `駅前広場の道路施設の再整備`, `安全で快適な`), although the struck characters are
  in the text layer. This is the one rule here the contract does not spell out; it follows from the record holding
  what the document states, the strike being markup of a correction.
- Text in super- or subscript is part of its value (`NO2`, `H2O`, `PM2.5`, `O2濃度`, `1,500m2`, `120m2`); distributed
  text adds no characters and a typed ideographic space in a distributed name stays one space (`林 大輔`,
  `佐々木 修`); a shadowed / outlined / doubled label counts once; white text on a dark fill is text like any other.
- A continuation line typed after a line break with 全角 spaces before it joins its line with nothing and without
  the indent (`道路・橋梁の長寿命化修繕計画に基づく計画的な修繕工事の発注`, `…の送付(過去3年間の未受診者)`); in a target
  bullet the period follows the continuation line and the milestone's text holds both lines.
- The build checks every value against the PDF's text as pdfplumber, poppler (`pdftotext`) and pdfium give it, with
  the struck text kept (the printed text); a ◎部局目標N turned a quarter is looked for on its page in poppler's raw
  text (pdfplumber's page text loses characters that are not upright).

Scored held out (lead, this round): made after the fifth round's fixes, by a helper that saw neither the parser
nor them, to measure whether they generalise: **0.978** field accuracy at 8ee2e28 (`shared/tools/score.py`; every
distributed, turned, sub/superscript, doubled and day or 翌年 case right). The misses: a milestone's closing bracket
dropped, a wrapped period's space after a closing bracket, footnote marks — mended at their cause (0.991) — and
struck-through text (見え消し), read as text: a known limit (strict `xfail` in tests/test_extract_golden.py).
"""


def write_readme(contents: dict[str, dict]):
    lines = ["# Hard manifestos, sixth round: the same typography as hard5, other specifics", "",
             "Generated by `scripts/build_hard6.py` from the content files in `src/` (rerun by hand:",
             "`.venv/bin/python scripts/build_hard6.py`, with the `samples` extra), reusing `scripts/build_hard5.py`",
             "and `scripts/build_hard4.py` as libraries. Each content file holds the manifesto's printed text (inline runs",
             "`⟦tag|text⟧`: sub/superscript, struck text `del`, footnote marks `note`, …) and its layout and typography;",
             "`NAME.expected.json` is computed from the same content by the rules of shared/CONTRACT.md and",
             "docs/contract.md, never by an extractor. Every PDF was converted from .xlsx/.docx by",
             "`libreoffice --headless --convert-to pdf`. Made without reading the parser (extract/) or running it.", ""]
    for name, c in contents.items():
        lines.append(f"- `{name}.pdf`: " + re.sub(r"[ \n]+", " ", c["readme"].strip()))
    lines += ["", NOTES]
    (SET / "README.md").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
