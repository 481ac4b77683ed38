#!/usr/bin/env python3
"""Build samples/hard4/ (the fourth adversarial round) from its content files, samples/hard4/src/*.toml.

    .venv/bin/python scripts/build_hard4.py [NAME ...] [--keep DIR]

Each content file is one manifesto file as its clerk typed it: the printed text of every part (header,
legend, goals) and the layout options of its maker: `xlsx` / `docx` (openpyxl / python-docx, then
`libreoffice --headless --convert-to pdf`, as make_samples.py does), `html` (a CMS page written directly, in
the encoding it declares), `chromium` (that page printed to PDF by headless Chromium with its header and
footer on) or `txt` (the sheet copied from Excel and pasted into Notepad: tab-separated, multi-line cells
quoted, CP932, CRLF). A file may hold several manifestos ([[part]]: a booklet of departments).

The expected record (NAME.expected.json) is computed from the same content by shared/CONTRACT.md's rules
(NFKC, bullets one per line with `・` in the target, milestones dated by the fiscal-year rule, means without
their marks, section markers not part of a value), never by an extractor; only source.sha256 and
source.pages are read off the produced file. Then every expected text value must be found in the produced
file's text (NFKC, whitespace removed) and each goal's ◎部局目標N marker on the page the content says; the
script lists what is missing and exits non-zero.

Needs: LibreOffice (calc, writer), chromium, fonts-ipaexfont, fonts-noto-cjk; pip openpyxl python-docx.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import io
import json
import logging
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pdfplumber

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_samples import (BR, CIRCLED, DX, FONT_FILES, XL, cell_text, convert, nfkc, pdf_texts,  # noqa: E402
                          period_dates, squash, stabilize)

ROOT = Path(__file__).resolve().parents[1]
SET = ROOT / "samples" / "hard4"
logging.getLogger("pdfminer").setLevel(logging.ERROR)  # Chromium's fonts lack a /FontBBox: pdfminer says so per page
FONT_FILES.setdefault("Noto Sans CJK JP", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")

LEGEND = [[5, "先進的な取り組みを行い、成果があった"], [4, "達成水準を上回る成果があった"], [3, "業績目標を達成した"],
          [2, "取り組んだが、業績目標を達成しなかった"], [1, "業績目標に取り組まなかった"]]
LEGEND_TITLE = "業績目標の達成状況"
MARK = dict(current="〈現在の状態〉", arrow="↓", target="〈達成目標〉", achieved="※目標が達成した状態")
HEADS = dict(goal="部局目標", mission="組織使命", objective="組織使命達成に向けての目標", level="目標の達成水準",
             means="目標を達成するための手段", rating="達成状況（自己評価）", reason="理由")
FW_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
KINSOKU = "、。，．）」』〕ー・ぁぃぅぇぉっゃゅょァィゥェォッャュョ"  # may not start a typed line (方眼紙 wrap)


# --------------------------------------------------------------------------------------
# The printed text of a goal's cells
# --------------------------------------------------------------------------------------

def legend_of(part: dict) -> list[list]:
    return part["doc"].get("legend", LEGEND)


def target_lines(g: dict, bullet: str = "・") -> list[str]:
    """The 〈達成目標〉: an optional lead sentence, then `・item　period` lines."""
    lead = [g["target_lead"]] if g.get("target_lead") else []
    return lead + [bullet + t + ("　" + p if p else "") for t, p in g.get("target", [])]


def level_lines(g: dict, style: str = "block", bullet: str = "・") -> list[str]:
    """The 目標の達成水準 cell, one printed paragraph per item; none for a goal whose cell is blank."""
    if g.get("level") is False:
        return []
    tl = target_lines(g, bullet)
    if style == "block":  # each marker on its own line (iga)
        return [MARK["current"], g["current"], MARK["arrow"], MARK["target"], *tl, MARK["achieved"], g["achieved"]]
    return [MARK["current"] + "　" + g["current"], MARK["arrow"], MARK["target"], *tl,  # inline (kenko)
            MARK["achieved"] + "　" + g["achieved"]]


def means_lines(g: dict, mark: str = "・") -> list[str]:
    """mark: the bullet typed before each item; `circled` ①②③; `\x00` where Word's list numbering prints it."""
    return [(CIRCLED[i] if mark == "circled" else mark) + x for i, x in enumerate(g.get("means", []))]


def rating_text(g: dict) -> str:
    return str(g["rating"]).translate(FW_DIGITS) if "rating" in g else ""


def cell_lines(g: dict, key: str, lay: dict) -> list[str]:
    """The printed paragraphs of one of a goal's cells (key: a column of lay.cols)."""
    if key == "level":
        return level_lines(g, lay.get("level_style", "block"))
    if key == "means":
        return means_lines(g, lay.get("means_mark", "・"))
    return [{"goal": f"◎部局目標{g['number']}".translate(FW_DIGITS), "mission": g["mission"],
             "objective": g["objective"], "rating": rating_text(g), "reason": g.get("reason", "")}[key]]


# --------------------------------------------------------------------------------------
# The expected record (shared/CONTRACT.md), from the content
# --------------------------------------------------------------------------------------

def expected_goal(fy: int, g: dict) -> dict:
    blank = g.get("level") is False
    target, milestones = None, []
    if not blank:
        items = []
        for text, period in g.get("target", []):
            t, p = nfkc(text), nfkc(period)
            items.append("・" + t + (" " + p if p else ""))
            dates = period_dates(fy, p) if p else None
            if dates:
                milestones.append({"text": t, "period": p, "start": dates[0], "end": dates[1]})
        target = "\n".join(([nfkc(g["target_lead"])] if g.get("target_lead") else []) + items)
    return {
        "number": g["number"],
        "mission": nfkc(g["mission"]),
        "objective": nfkc(g["objective"]),
        "current_state": None if blank else nfkc(g["current"]),
        "target": target,
        "milestones": milestones,
        "achieved_state": None if blank else nfkc(g["achieved"]),
        "means": [nfkc(x) for x in g.get("means", [])],
        "self_rating": g.get("rating"),
        "rating_reason": nfkc(g["reason"]) if "reason" in g else None,
        "page": g["page"],
    }


def expected_records(c: dict, path: Path) -> list[dict]:
    data = path.read_bytes()
    if path.suffix == ".pdf":
        with pdfplumber.open(path) as pdf:
            pages = len(pdf.pages)
    else:
        pages = 1  # a web page or its text capture has no pages
    records = []
    for i, part in enumerate(c["part"], 1):
        d = part["doc"]
        first, last = part.get("pages", [1, pages])
        records.append({
            "source": {"file": path.name, "sha256": hashlib.sha256(data).hexdigest(), "pages": pages, "part": i,
                       "first_page": first, "last_page": last},
            "title": nfkc(d["title"]), "fiscal_year": d["fiscal_year"], "era": nfkc(d["era"]),
            "department": nfkc(d["department"]), "position": nfkc(d["position"]), "head": nfkc(d["head"]),
            "aspiration": nfkc(d["aspiration"]),
            "rating_scale": [{"score": s, "label": nfkc(label)} for s, label in legend_of(part)],
            "goals": [expected_goal(d["fiscal_year"], g) for g in part["goal"]],
            "coverage": 1.0,
        })
    return records


# --------------------------------------------------------------------------------------
# Excel (openpyxl → LibreOffice Calc)
# --------------------------------------------------------------------------------------

def xl_sheet(x: XL, lay: dict, title: str):
    """Start a further sheet in x's workbook with the first sheet's page setup (a booklet's next department)."""
    from openpyxl.worksheet.page import PageMargins

    first, ws = x.wb.worksheets[0], x.wb.create_sheet(title)
    for key, dim in first.column_dimensions.items():
        ws.column_dimensions[key].width = dim.width
    ws.page_setup.orientation, ws.page_setup.paperSize = first.page_setup.orientation, 9
    ws.page_setup.scale = first.page_setup.scale
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6, header=0.3, footer=0.3)
    ws.print_options.horizontalCentered = True
    ws.sheet_view.showGridLines = False
    if lay.get("footer"):
        ws.oddFooter.center.text = lay["footer"]
    x.ws, x.cells, x.row_min = ws, [], {}


def xl_head(x: XL, part: dict, lay: dict) -> int:
    """Title, subtitle, 部局名/役職/氏名/抱負 label | value rows and the legend; returns the next free row.
    head.label / head.value / head.legend: column spans; head.legend_style `rows` (score | label rows beside
    the header) or `sideways` (under the header: the scores as column heads, each label under its score);
    head.shrink: the values typed in one line with 縮小して全体を表示 (shrink to fit)."""
    from openpyxl.styles import Alignment

    d, h, n = part["doc"], lay["head"], len(lay["widths"])
    x.put(1, 1, d["title"], c2=n, size=14, bold=True, h="center", v="center", border=False)
    x.set_height(1, 24)
    r = 2
    if d.get("subtitle"):
        x.put(2, 1, d["subtitle"], c2=n, size=10, h="center", v="center", border=False)
        r = 3
    x.set_height(r, 8)
    r0 = r + 1
    (l1, l2), (v1, v2) = h["label"], h["value"]
    rows = [("部局名", d["department"]), ("役職", d["position"]), ("氏名", d["head"]),
            (d["aspiration_label"], d["aspiration"])]
    for i, (lab, val) in enumerate(rows):
        x.put(r0 + i, l1, lab, c2=l2, size=10, bold=True, fill=True, v="center")
        x.put(r0 + i, v1, val, c2=v2, size=10, v="center")
        x.set_height(r0 + i, 20 if i < 3 else 30)
        if h.get("shrink"):
            x.ws.cell(r0 + i, v1).alignment = Alignment(vertical="center", shrink_to_fit=True)
            x.cells[-1] = (*x.cells[-1][:4], "", 10)  # one line, whatever its length: no height to reserve
    legend, (c1, c2) = legend_of(part), h["legend"]
    if h.get("legend_style", "rows") == "rows":
        x.put(r0, c1, LEGEND_TITLE, c2=c2, size=10, bold=True, fill=True, h="center", v="center")
        for i, (s, lab) in enumerate(legend):
            x.put(r0 + 1 + i, c1, str(s).translate(FW_DIGITS), size=10, h="center", v="center")
            x.put(r0 + 1 + i, c1 + 1, lab, c2=c2, size=9, v="center")
            x.set_height(r0 + 1 + i, 20)
        r = r0 + max(4, len(legend) + 1)
    else:
        r = r0 + 4
        x.set_height(r, 8)
        x.put(r + 1, c1, LEGEND_TITLE, r2=r + 2, size=10, bold=True, fill=True, h="center", v="center")
        for i, (s, lab) in enumerate(legend):
            x.put(r + 1, c1 + 1 + i, str(s).translate(FW_DIGITS), size=10, bold=True, fill=True, h="center")
            x.put(r + 2, c1 + 1 + i, lab, size=9, h="center", v="center")
        r += 3
    x.set_height(r, 10)
    return r + 1


def xl_goals(x: XL, part: dict, lay: dict, r: int) -> tuple[int, str | None]:
    """The goals table: a header row (repeated on every page when lay.repeat_header), then per goal an
    optional ◎部局目標N row (lay.marker `row`) and one row of cells (`column`: the marker in the first column).
    lay.merge_mission: goal numbers whose mission is one cell merged down over their rows; lay.break_after:
    goal numbers after whose row the author put a page break; lay.footnote: a line under the table."""
    cols, goals = lay["cols"], part["goal"]
    for c, key in enumerate(cols, 1):
        x.put(r, c, HEADS[key], size=9, bold=True, fill=True, h="center", v="center")
    x.set_height(r, 28)
    titles = f"{r}:{r}" if lay.get("repeat_header") else None
    marker_row = lay.get("marker", "column") == "row"
    row_of, rr = {}, r + 1
    for g in goals:
        rr += marker_row
        row_of[g["number"]] = rr
        rr += 1
    merged_below = {}
    for group in lay.get("merge_mission", []):
        merged_below[group[0]] = row_of[group[-1]]
        merged_below.update({n: None for n in group[1:]})
    for g in goals:
        gr, n = row_of[g["number"]], g["number"]
        if marker_row:
            x.put(gr - 1, 1, f"◎部局目標{n}".translate(FW_DIGITS), c2=len(cols), size=9, bold=True, v="center")
            x.set_height(gr - 1, 16)
        for c, key in enumerate(cols, 1):
            if key == "mission" and n in merged_below:
                if merged_below[n] is not None:
                    x.put(gr, c, g["mission"], r2=merged_below[n], v=lay.get("mission_valign", "top"))
                continue
            centre = key == "rating"
            x.put(gr, c, "\n".join(cell_lines(g, key, lay)), h="center" if centre else "left",
                  v="center" if centre else "top")
        if n in lay.get("break_after", []):
            x.page_break_after(gr)
    if lay.get("footnote"):
        x.put(rr, 1, lay["footnote"], c2=len(cols), size=8, border=False)
        rr += 1
    return rr, titles


def xl_grid_goals(x: XL, part: dict, lay: dict, r: int) -> tuple[int, str | None]:
    """Excel 方眼紙: every printed line typed in a sheet row of its own (a continuation line of a bullet
    indented by a full-width space), the block of each goal ruled only round its columns; grid.chars: the
    characters the clerk typed per line in each column; grid.break_at [goal, line]: a page break after that
    line of that goal's block."""
    from openpyxl.styles import Alignment, Border, Font, Side

    cols, grid = lay["cols"], lay["grid"]
    thin, none = Side(style="thin"), Side(style=None)
    for c, key in enumerate(cols, 1):
        x.put(r, c, HEADS[key], size=9, bold=True, fill=True, h="center", v="center")
    x.set_height(r, 28)
    rr = r + 1
    for g in part["goal"]:
        n = g["number"]
        lines = {key: typed_lines(cell_lines(g, key, lay), grid["chars"][key]) for key in cols}
        height = max(len(v) for v in lines.values())
        for c, key in enumerate(cols, 1):
            for i in range(height):
                cell = x.ws.cell(rr + i, c)
                cell.value = lines[key][i] if i < len(lines[key]) else None
                cell.font = Font(name=x.font, size=x.size)
                cell.alignment = Alignment(horizontal="center" if key == "rating" else "left", vertical="center")
                cell.border = Border(left=thin, right=thin, top=thin if i == 0 else none,
                                     bottom=thin if i == height - 1 else none)
        for i in range(height):
            x.set_height(rr + i, x.size * 1.45)
        if grid.get("break_at", [0])[0] == n:
            x.page_break_after(rr + grid["break_at"][1] - 1)
        rr += height
    return rr, f"{r}:{r}" if lay.get("repeat_header") else None


def typed_lines(paragraphs: list[str], width: int) -> list[str]:
    """Paragraphs cut into lines of `width` characters as a clerk types them row by row: no line starts with
    a closing mark (kinsoku), a bullet's continuation lines start with a full-width space."""
    out = []
    for para in paragraphs:
        indent = "　" if para.startswith(("・", "①", "②", "③", "④", "⑤")) else ""
        line, first = "", True
        for ch in para:
            if len(line) >= width - (0 if first else len(indent)) and ch not in KINSOKU:
                out.append(line if first else indent + line)
                line, first = "", False
            line += ch
        out.append(line if first else indent + line)
    return out


def build_xlsx(c: dict, path: Path):
    lay = c["layout"]
    fy = c["part"][0]["doc"]["fiscal_year"]
    x = XL(SimpleNamespace(fiscal_year=fy), lay["widths"], landscape=lay.get("landscape", True),
           font=lay.get("font", "IPAexゴシック"), footer=lay.get("footer", False))
    if lay.get("scale"):  # the print scale the clerk left: a sheet wider than the page prints its right-hand
        x.ws.page_setup.scale = lay["scale"]  # columns on pages of their own (Calc: down, then over)
    if lay.get("title_cols"):  # 印刷タイトル › タイトル列, repeated at the left of every page
        x.ws.print_title_cols = lay["title_cols"]
    for i, part in enumerate(c["part"]):
        if i:
            xl_sheet(x, lay, part["doc"]["department"])
        r = xl_head(x, part, lay)
        r, titles = (xl_grid_goals if "grid" in lay else xl_goals)(x, part, lay, r)
        x.finish(r - 1, path, titles)


# --------------------------------------------------------------------------------------
# Word (python-docx → LibreOffice Writer)
# --------------------------------------------------------------------------------------

def dx_footer(d: DX, text: str):
    """The section's footer: text with {PAGE} as Word's PAGE field (`P.{PAGE}`, `- {PAGE} -`)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p = d.doc.sections[0].footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    before, after = text.split("{PAGE}")
    p.add_run(before)
    fld, run, t = OxmlElement("w:fldSimple"), OxmlElement("w:r"), OxmlElement("w:t")
    fld.set(qn("w:instr"), "PAGE")
    t.text = "1"
    run.append(t)
    fld.append(run)
    p._p.append(fld)
    p.add_run(after)


def dx_head(d: DX, part: dict, lay: dict):
    """Title, subtitle, the header fields and the legend. lay.header: `spaces` (lines `部局名　　総務部` without
    rules), `leaders` (label, a tab with a dot leader, value), `table` (label | value rows) or `textbox`
    (部局名/役職/氏名 lines in a floating text box, lay.textbox = [left, top, width, height] in pt); the legend
    as score | label rows."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
    from docx.shared import Cm

    doc = part["doc"]
    if lay.get("print_date"):
        d.para(lay["print_date"]).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if lay.get("stamp"):
        from docx.enum.table import WD_TABLE_ALIGNMENT

        t = d.table(1, [1.6])
        t.alignment = WD_TABLE_ALIGNMENT.RIGHT
        d.fill(t.cell(0, 0), lay["stamp"], bold=True, size=16, center=True)
    rows = [("部局名", doc["department"]), ("役職", doc["position"]), ("氏名", doc["head"]),
            (doc["aspiration_label"], doc["aspiration"])]
    style = lay.get("header", "table")
    if style == "textbox":  # 部局名/役職/氏名 in a text box drawn at the top right, the 抱負 in the body
        dx_textbox(d, [lab + "　" + val for lab, val in rows[:3]], lay["textbox"])
        rows = rows[3:]
    d.para(doc["title"], size=14, bold=True, center=True)
    if doc.get("subtitle"):
        d.para(doc["subtitle"], size=10, center=True)
    d.para()
    if style == "textbox":
        d.para(rows[0][0], bold=True)
        d.para("　" + rows[0][1])
    elif style == "table":
        t = d.table(len(rows), lay["head_widths"])
        for i, (lab, val) in enumerate(rows):
            d.fill(t.cell(i, 0), lab, bold=True, shade=True, vcenter=True)
            d.fill(t.cell(i, 1), val)
    else:
        for lab, val in rows:
            if style == "spaces":
                d.para(lab + "　" * max(1, 7 - len(lab)) + val if len(lab) < 6 else lab, size=10.5)
                if len(lab) >= 6:
                    d.para("　　" + val, size=10.5)
            else:
                p = d.para(lab + "\t" + val, size=10.5)
                p.paragraph_format.tab_stops.add_tab_stop(Cm(lay["leader_cm"]), WD_TAB_ALIGNMENT.LEFT,
                                                          WD_TAB_LEADER.DOTS)
    d.para()
    d.para(LEGEND_TITLE, bold=True)
    t = d.table(len(legend_of(part)), lay["legend_widths"])
    for i, (s, lab) in enumerate(legend_of(part)):
        d.fill(t.cell(i, 0), str(s).translate(FW_DIGITS), center=True)
        d.fill(t.cell(i, 1), lab)
    d.para()


def dx_textbox(d: DX, lines: list[str], box: list[float]):
    """A text box without a border (Word's 横書きテキストボックス, VML) anchored in an empty paragraph and placed
    at box = [left, top, width, height] points from the page's margins, its lines as paragraphs."""
    from docx.oxml.ns import qn
    from lxml import etree

    vml = "urn:schemas-microsoft-com:vml"
    run = d.para()._p.makeelement(qn("w:r"), {})
    pict = etree.SubElement(run, qn("w:pict"))
    left, top, width, height = box
    shape = etree.SubElement(pict, f"{{{vml}}}shape", {
        "type": "#_x0000_t202", "stroked": "f", "style": f"position:absolute;margin-left:{left}pt;margin-top:{top}pt;"
        f"width:{width}pt;height:{height}pt;z-index:1;mso-position-horizontal-relative:margin;"
        "mso-position-vertical-relative:margin"})
    content = etree.SubElement(etree.SubElement(shape, f"{{{vml}}}textbox"), qn("w:txbxContent"))
    for line in lines:
        etree.SubElement(etree.SubElement(etree.SubElement(content, qn("w:p")), qn("w:r")), qn("w:t")).text = line
    d.doc.paragraphs[-1]._p.append(run)


def dx_goals(d: DX, part: dict, lay: dict):
    """One goals table: header row (repeated on each page), a row per goal with ◎部局目標N in its first
    column; lay.merge_mission: goals whose mission cell is merged vertically (Word's vMerge); lay.lists:
    the target's bullets and the means as Word's own List Bullet / List Number paragraphs (the marks are
    Word's numbering, not typed); rows may break across pages (Word's default) unless lay.cant_split."""
    cols, goals = lay["cols"], part["goal"]
    t = d.table(1 + len(goals), lay["widths"])
    for c, key in enumerate(cols):
        d.fill(t.cell(0, c), HEADS[key], bold=True, center=True, shade=True, vcenter=True)
    d.repeat_header(t.rows[0])
    lists = lay.get("lists", False)
    below = {n for group in lay.get("merge_mission", []) for n in group[1:]}
    for i, g in enumerate(goals, 1):
        for c, key in enumerate(cols):
            cell = t.cell(i, c)
            if key == "mission" and g["number"] in below:
                continue
            if key == "level" and lists:
                fill_lists(d, cell, level_lines(g, lay.get("level_style", "block"), bullet="\x00"), "List Bullet")
            elif key == "means" and lists:
                fill_lists(d, cell, means_lines(g, "\x00"), "List Number")
            else:
                d.fill(cell, cell_lines(g, key, lay), center=key == "rating", vcenter=key == "rating")
    if lay.get("cant_split"):  # 表のプロパティ › 行 › 行の途中で改ページする: off, a row moves whole to the next page
        from docx.oxml import OxmlElement

        for row in t.rows[1:]:
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for group in lay.get("merge_mission", []):  # the cells below the first are left empty, so the merge
        c = cols.index("mission")                # (python-docx moves their content up) keeps one text
        rows = [1 + [g["number"] for g in goals].index(n) for n in group]
        t.cell(rows[0], c).merge(t.cell(rows[-1], c))


def fill_lists(d: DX, cell, lines: list[str], style: str):
    """Lines starting with \\x00 become paragraphs in Word's list style (the mark printed by its numbering)."""
    for i, line in enumerate(lines):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        if line.startswith("\x00"):
            p.style = d.doc.styles[style]
            line = line[1:]
        p.add_run(line)


def build_docx(c: dict, path: Path):
    lay, part = c["layout"], c["part"][0]
    shim = SimpleNamespace(fiscal_year=part["doc"]["fiscal_year"], era=part["doc"]["era"], era_gloss=None,
                           gregorian=False, width="half")  # what DX reads of make_samples' Manifesto
    d = DX(shim, landscape=lay.get("landscape", False),
           font=lay.get("font", "IPAex明朝"), size=lay.get("size", 9), page_header=lay.get("page_header"))
    d.doc.core_properties.title = part["doc"]["title"]
    if lay.get("footer"):
        dx_footer(d, lay["footer"])
    dx_head(d, part, lay)
    dx_goals(d, part, lay)
    d.save(path)


# --------------------------------------------------------------------------------------
# Web pages (written directly), their print by Chromium, and an Excel clipboard capture
# --------------------------------------------------------------------------------------

def esc(s: str) -> str:
    return html.escape(s, quote=False)


def lines_html(lines: list[str]) -> str:
    return "<br>\n".join(esc(x) for x in lines)


def html_goal_flat(g: dict) -> str:
    """A goal as a CMS editor writes it without a table: <h3> marker, <h4> labels, <p> text with <br> and
    &nbsp; padding; the target's items in a <ul> with `・` typed, the means in a <ul> of the site's own bullets."""
    n = g["number"]
    items = "".join(f"<li>・{esc(t)}{'&nbsp;&nbsp;' + esc(p) if p else ''}</li>" for t, p in g.get("target", []))
    means = "".join(f'<li style="margin-left:1em;">{esc(m)}</li>' for m in g.get("means", []))
    return (f'<h3 style="border-left:6px solid #2a6;padding-left:6px;">◎部局目標{str(n).translate(FW_DIGITS)}</h3>\n'
            f"<h4>組織使命</h4>\n<p>&nbsp;{esc(g['mission'])}</p>\n"
            f"<h4>組織使命達成に向けての目標</h4>\n<p>&nbsp;{esc(g['objective'])}</p>\n"
            f"<h4>目標の達成水準</h4>\n<p><strong>{MARK['current']}</strong><br>\n"
            f"&nbsp;&nbsp;{esc(g['current'])}<br>\n{MARK['arrow']}<br>\n<strong>{MARK['target']}</strong></p>\n"
            f"<ul>{items}</ul>\n<p><strong>{MARK['achieved']}</strong><br>\n&nbsp;&nbsp;{esc(g['achieved'])}</p>\n"
            f"<h4>目標を達成するための手段</h4>\n<ul>{means}</ul>\n"
            f"<h4>達成状況（自己評価）</h4>\n<p>&nbsp;{rating_text(g)}</p>\n"
            f"<h4>理由</h4>\n<p>{lines_html(g.get('reason', '').split(BR))}</p>\n")


def html_goal_rows(g: dict, lay: dict) -> str:
    n = g["number"]
    cells = [lines_html([g["mission"]]), lines_html([g["objective"]]), lines_html(level_lines(g, "block")),
             lines_html(means_lines(g, lay.get("means_mark", "・"))), esc(rating_text(g)),
             lines_html(g.get("reason", "").split(BR))]
    return (f'<tr><th colspan="6" style="text-align:left;">◎部局目標{str(n).translate(FW_DIGITS)}</th></tr>\n<tr>'
            + "".join(f"<td>{x}</td>" for x in cells) + "</tr>\n")


def build_html(c: dict, path: Path):
    """lay.style `flat` (headings, no table) or `table`; lay.charset: `utf-8` or `Shift_JIS` (written as
    CP932, as Windows editors save it, 機種依存文字 included)."""
    lay, part = c["layout"], c["part"][0]
    d = part["doc"]
    head = "".join(f"<tr><th>{esc(lab)}</th><td>{esc(val)}</td></tr>\n" for lab, val in
                   [("部局名", d["department"]), ("役職", d["position"]), ("氏名", d["head"]),
                    (d["aspiration_label"], d["aspiration"])])
    legend = "".join(f"<li>{str(s).translate(FW_DIGITS)}．{esc(lab)}</li>" for s, lab in legend_of(part))
    if lay.get("style") == "flat":
        body = "".join(html_goal_flat(g) for g in part["goal"])
        head = ("<p>" + "<br>\n".join(f"{esc(lab)}&nbsp;&nbsp;：&nbsp;{esc(val)}" for lab, val in
                [("部局名", d["department"]), ("役職", d["position"]), ("氏名", d["head"])])
                + f"</p>\n<p><strong>{esc(d['aspiration_label'])}</strong><br>\n{esc(d['aspiration'])}</p>\n")
    else:
        heads = "".join(f"<th>{HEADS[k]}</th>" for k in ("mission", "objective", "level", "means", "rating", "reason"))
        body = (f'<table border="1" class="manifesto"><thead><tr>{heads}</tr></thead>\n<tbody>\n'
                + "".join(html_goal_rows(g, lay) for g in part["goal"]) + "</tbody></table>\n")
        head = f'<table border="1" class="head">{head}</table>\n'
    charset = lay.get("charset", "utf-8")
    page = (f'<!DOCTYPE html>\n<html lang="ja">\n<head>\n<meta charset="{charset}">\n'
            f'<title>{esc(lay["page_title"])}</title>\n'
            f"<style>{lay.get('css', '')}</style>\n</head>\n<body>\n<div class=\"crumb\">{esc(lay['crumb'])}</div>\n"
            f'<div id="main">\n<h1>{esc(d["title"])}</h1>\n<p class="sub">{esc(d.get("subtitle", ""))}</p>\n{head}'
            f"<h2>{LEGEND_TITLE}</h2>\n<ul class=\"legend\">{legend}</ul>\n{body}</div>\n"
            f'<div class="foot">{esc(lay["site_footer"])}</div>\n</body>\n</html>\n')
    path.write_bytes(page.replace("\n", "\r\n").encode("cp932") if charset.lower() == "shift_jis"
                     else page.encode("utf-8"))


def build_chromium(c: dict, path: Path):
    """The CMS page printed by headless Chromium (its header: date and page title; footer: URL, `N/M`)."""
    site = Path(tempfile.gettempdir()) / "hard4-www" / c["layout"]["url_path"]  # the footer prints this URL
    site.parent.mkdir(parents=True, exist_ok=True)
    build_html(c, site)
    exe = shutil.which("chromium") or sys.exit("chromium not found: apt-get install -y chromium")
    subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={path}",
                    site.as_uri()], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)


def build_txt(c: dict, path: Path):
    """The sheet selected in Excel, copied and pasted into Notepad (saved as ANSI = CP932): cells separated by
    tabs, rows by CRLF, a cell with line breaks in double quotes (its breaks LF only), empty cells kept."""
    part = c["part"][0]
    d, n = part["doc"], 7
    rows = [[d["title"]], [d.get("subtitle", "")], [],
            ["部局名", d["department"], "", "", LEGEND_TITLE]]
    for i, (lab, val) in enumerate([("役職", d["position"]), ("氏名", d["head"]),
                                    (d["aspiration_label"], d["aspiration"])]):
        rows.append([lab, val, "", "", *legend_of(part)[i]])
    rows += [["", "", "", "", *lv] for lv in legend_of(part)[3:]] + [[]]
    rows.append([HEADS[k] for k in ("goal", "mission", "objective", "level", "means", "rating", "reason")])
    for g in part["goal"]:
        rows.append([f"◎部局目標{str(g['number']).translate(FW_DIGITS)}", g["mission"], g["objective"],
                     "\n".join(level_lines(g, "block")), "\n".join(means_lines(g)), rating_text(g),
                     g.get("reason", "").replace(BR, "\n")])  # Alt+Enter typed in the reason
    out = io.StringIO()
    w = csv.writer(out, delimiter="\t", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        w.writerow([str(v).translate(FW_DIGITS) if isinstance(v, int) else v for v in row] + [""] * (n - len(row)))
    path.write_bytes(out.getvalue().encode("cp932"))


# --------------------------------------------------------------------------------------
# Checking the produced file against its expected record
# --------------------------------------------------------------------------------------

# Code points a PDF's text layer holds for what a reader sees (NFKC leaves them): Word's bullet (the Symbol
# font's private-use U+F0B7, printed •) and what Chromium's fonts map ・ (U+2027 HYPHENATION POINT), ～ (U+301C WAVE
# DASH), 民 and 長 to.
SEEN_AS = str.maketrans({"\uf0b7": "・", "\u2027": "・", "\u301c": "~", "\u2ea0": "民", "\u2ed1": "長"})


def file_texts(path: Path) -> tuple[list[str], str, list[tuple[list[str], list[str]]]]:
    """(the squashed text of each page, every text a value may lie in joined by \x00, and for each two
    neighbouring pages the texts of their same columns: a cell cut by a page break ends in the first and
    goes on in the second)."""
    if path.suffix == ".pdf":
        pages, cells, page_cells = pdf_texts(path)
        pages = [t + "\x00" + c for t, c in zip(pages, page_cells)]  # a marker wrapped in its cell
        with pdfplumber.open(path) as pdf:
            strips = [ruled_strips(p) for p in pdf.pages]
        cuts = [([ta for ba, ta in a if any(abs(ba[0] - bb[0]) < 2 for bb, _ in b)],
                 [tb for bb, tb in b if any(abs(ba[0] - bb[0]) < 2 for ba, _ in a)])
                for a, b in zip(strips, strips[1:])]
        return ([t.translate(SEEN_AS) for t in pages], "\x00".join(pages + cells).translate(SEEN_AS),
                [([a.translate(SEEN_AS) for a in x], [b.translate(SEEN_AS) for b in y]) for x, y in cuts])
    raw = path.read_bytes()
    if path.suffix == ".txt":
        cells = [squash(v) for row in csv.reader(io.StringIO(raw.decode("cp932"), newline=""), delimiter="\t")
                 for v in row]
        return ["".join(cells)], "\x00".join(cells), []
    text = raw.decode("cp932" if b"Shift_JIS" in raw[:300] else "utf-8")
    body = squash(html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"(?s)<head>.*</head>", "", text))))
    return [body], body, []


def ruled_strips(page) -> list[tuple[tuple, str]]:
    """The text between each two neighbouring vertical rules, from the highest rule's top to the lowest one's
    bottom (a cell cut by a page break has no rule where it is cut; the page's header and footer lie outside)."""
    v = [e for e in page.edges if e["orientation"] == "v"]
    if not v:
        return []
    top, bottom = min(e["top"] for e in v), max(e["bottom"] for e in v)
    xs = sorted({round(e["x0"], 1) for e in v})
    return [((x0, top, x1, bottom), squash(cell_text(page, (x0, top, x1, bottom))))
            for x0, x1 in zip(xs, xs[1:]) if x1 - x0 >= 4]


def found(value: str, everything: str, cuts: list[tuple[list[str], list[str]]]) -> bool:
    """The value is in one text, or its head ends one page's column and its tail is in the next page's."""
    v = squash(value)
    return v in everything or any(a.endswith(v[:k]) and v[k:] in b for heads, tails in cuts
                                  for a in heads for b in tails for k in range(1, len(v)))


def check(path: Path, c: dict, records: list[dict]) -> list[str]:
    pages, everything, cuts = file_texts(path)
    problems = []
    for rec in records:
        vals = [rec[k] for k in ("title", "era", "department", "position", "head", "aspiration")]
        vals += [lv["label"] for lv in rec["rating_scale"]]
        for g in rec["goals"]:
            vals += [g[k] for k in ("mission", "objective", "current_state", "target", "achieved_state",
                                    "rating_reason")] + g["means"] + [m["text"] + m["period"] for m in g["milestones"]]
            first, last = rec["source"]["first_page"], rec["source"]["last_page"]
            marker = re.compile(f"◎部局目標{g['number']}(?!\\d)")
            on = [i + 1 for i, t in enumerate(pages) if first <= i + 1 <= last and marker.search(t)]
            if on[:1] != [g["page"]]:
                problems.append(f"part {rec['source']['part']} goal {g['number']}: page {g['page']} in the "
                                f"content, marker on pages {on}")
        problems += [f"not in the file's text: {v!r}" for v in vals if v and not found(v, everything, cuts)]
    return problems


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("names", nargs="*", help="content files to build (default: all)")
    ap.add_argument("--keep", type=Path, help="keep the .xlsx/.docx and raw PDFs in this folder")
    args = ap.parse_args(argv)
    contents = {p.stem: tomllib.loads(p.read_text(encoding="utf-8")) for p in sorted((SET / "src").glob("*.toml"))}
    chosen = [n for n in contents if not args.names or n in args.names]
    failed = False
    with tempfile.TemporaryDirectory(prefix="build_hard4_") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        office, made = [], {}
        for name in chosen:
            c = contents[name]
            maker = c["maker"]
            if maker in ("xlsx", "docx"):
                src = work / f"{name}.{maker}"
                (build_xlsx if maker == "xlsx" else build_docx)(c, src)
                office.append(src)
                made[name] = SET / f"{name}.pdf"
            elif maker == "chromium":
                build_chromium(c, SET / f"{name}.pdf")
                made[name] = SET / f"{name}.pdf"
            else:
                made[name] = SET / f"{name}.{maker}"
                (build_html if maker == "html" else build_txt)(c, made[name])
        if office:
            convert(office, work, Path(tmp) / "lo-profile")
            for src in office:
                stamp = f"{contents[src.stem]['part'][0]['doc']['fiscal_year']}0401090000"
                made[src.stem].write_bytes(stabilize((work / f"{src.stem}.pdf").read_bytes(), stamp))
        for name in chosen:
            c, path = contents[name], made[name]
            records = expected_records(c, path)
            truth = records[0] if len(records) == 1 else {"manifestos": records}
            (SET / f"{name}.expected.json").write_text(json.dumps(truth, ensure_ascii=False, indent=2) + "\n",
                                                       encoding="utf-8")
            problems = check(path, c, records)
            print(f"{path.name}: {records[0]['source']['pages']} pages, "
                  f"{sum(len(r['goals']) for r in records)} goals, {'ok' if not problems else 'PROBLEMS'}")
            for p in problems:
                print("   ", p)
            failed |= bool(problems)
    if not args.names:
        write_readme(contents)
    return 1 if failed else 0


def write_readme(contents: dict[str, dict]):
    lines = ["# Hard manifestos, fourth round", "",
             "Generated by `scripts/build_hard4.py` from the content files in `src/` (rerun by hand:",
             "`.venv/bin/python scripts/build_hard4.py`). Each content file holds the manifesto's printed text and its",
             "layout; `NAME.expected.json` is computed from the same content by the rules of shared/CONTRACT.md, never",
             "by an extractor. PDFs from .xlsx/.docx were converted by `libreoffice --headless --convert-to pdf`; a",
             "`chromium-` PDF is a CMS page printed by headless Chromium (header and footer on: its date differs on",
             "each rebuild); `.html` and `.txt` files are written directly and have `source.pages` 1.", ""]
    for name, c in contents.items():
        ext = {"xlsx": "pdf", "docx": "pdf", "chromium": "pdf"}.get(c["maker"], c["maker"])
        lines.append(f"- `{name}.{ext}`: " + re.sub(r"[ \n]+", " ", c["readme"].strip()))  # keeps `部局名　　総務部`
    (SET / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
