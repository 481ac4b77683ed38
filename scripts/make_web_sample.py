"""Write samples/web/iga-2021-digital.html: the Iga 2021 manifesto as a city web page would publish it.

The page is made from the PDF sample's expected record (the content, not any
parser's output), set in full-width characters as the city's pages are, with the
shared mission as a rowspan cell and the evaluation in a table of its own.
Its expected record is the PDF's with the web page's own source and page 1.
Rerun by hand: python scripts/make_web_sample.py
"""

from __future__ import annotations

import hashlib
import html
import json
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
FULL_WIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F) if chr(c) not in "<>&\"'"})


def wide(text: str) -> str:
    """Full-width digits, letters and brackets, as Japanese web pages print them."""
    return html.escape(text.translate(FULL_WIDTH).replace("~", "～"))


def level_cell(goal: dict) -> str:
    items = goal["target"].split("\n")
    target = "".join(f"<li>{wide(i)}</li>" for i in items) if items[0].startswith("・") else f"<p>{wide(items[0])}</p>"
    return (
        f"<p>〈現在の状態〉{wide(goal['current_state'])}</p><p>↓</p><p>〈達成目標〉</p>"
        f"<ul>{target}</ul><p>※目標が達成した状態<br>{wide(goal['achieved_state'])}</p>"
    )


def goals_table(goals: list[dict]) -> str:
    rows = ["<tr><th>組織使命</th><th>組織使命達成に向けての目標</th><th>目標の達成水準</th><th>目標を達成するための手段</th></tr>"]
    missions = [g["mission"] for g in goals]
    for i, goal in enumerate(goals):
        rows.append(f'<tr><td colspan="4">◎部局目標{wide(str(goal["number"]))}</td></tr>')
        mission = ""
        if i == 0 or missions[i] != missions[i - 1]:
            span = 1 + 2 * (len(missions) - i - 1) if missions.count(missions[i]) > 1 and i + 1 < len(goals) else 1
            mission = f'<td rowspan="{span}">{wide(goal["mission"])}</td>'
        means = "".join(f"<li>・{wide(m)}</li>" for m in goal["means"])
        rows.append(f"<tr>{mission}<td>{wide(goal['objective'])}</td><td>{level_cell(goal)}</td><td><ul>{means}</ul></td></tr>")
    return "<table border=\"1\">" + "".join(rows) + "</table>"


def evaluation_table(goals: list[dict]) -> str:
    rows = "".join(f"<tr><td>{goal['self_rating']}</td><td>{wide(goal['rating_reason'])}</td></tr>" for goal in goals)
    return f'<table border="1"><tr><th>達成状況（自己評価）</th><th>理由</th></tr>{rows}</table>'


def page(record: dict) -> str:
    legend = "".join(f"<tr><td>{s['score']}</td><td>{wide(s['label'])}</td></tr>" for s in record["rating_scale"])
    header = "".join(
        f"<tr><th>{label}</th><td>{wide(record[key])}</td></tr>"
        for label, key in (("部局名", "department"), ("役職", "position"), ("氏名", "head"))
    )
    goals = record["goals"]
    return (
        '<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>部局マニフェスト｜伊賀市</title></head><body>'
        f"<h1>{wide(record['title'])}</h1><p>～私たちの組織使命と目標～</p>"
        f'<table border="1">{header}<tr><th>２０２１（令和３）年度の抱負</th><td>{wide(record["aspiration"])}</td></tr></table>'
        f'<table border="1"><tr><th colspan="2">業績目標の達成状況</th></tr>{legend}</table>'
        f"{goals_table(goals[:2])}{evaluation_table(goals[:2])}{goals_table(goals[2:])}{evaluation_table(goals[2:])}"
        "</body></html>\n"
    )


def main() -> None:
    record = json.loads((SAMPLES / "iga-2021-digital.expected.json").read_text(encoding="utf-8"))
    target = SAMPLES / "web" / "iga-2021-digital.html"
    data = page(record).encode("utf-8")
    target.write_bytes(data)
    record["source"] = {"file": target.name, "sha256": hashlib.sha256(data).hexdigest(), "pages": 1}
    for goal in record["goals"]:
        goal["page"] = 1
    expected = target.with_name("iga-2021-digital.expected.json")
    expected.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
