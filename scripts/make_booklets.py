#!/usr/bin/env python3
"""Generate booklets — several 部局マニフェスト in one PDF, as cities publish a whole year — into samples/booklets/.

    .venv/bin/python scripts/make_booklets.py

Each booklet is content data (BOOKLETS below): a sequence of generated single manifestos from samples/
(each laid out in Excel or Word and converted by LibreOffice, scripts/make_samples.py) and of pages that
belong to no manifesto — a cover, a 目次 listing the departments and their pages, council agenda items —
laid out here in .docx and converted by LibreOffice. The pieces are concatenated with pikepdf. One booklet
has a department's goal pages damaged: their content streams replaced by bytes no PDF operator reads.

The expected record NAME.expected.json is {"manifestos": [...]}, as ../shared/tools/score.py reads it:
each manifesto's record is its sample's expected record (written from the content, never by an extractor)
with `source` describing the booklet (file, sha256, pages; part, first_page, last_page) and its goals'
pages moved by the pages before it. Beside it, "skipped_pages" lists the pages with text that belong to
no manifesto, and "failed" the damaged manifestos that must fail (part, pages, error kind).

`assemble` needs only pikepdf, so the tests also assemble a booklet of 40 departments on the spot
(tests/test_segment.py) rather than commit its 4 MB.

Needs: Debian libreoffice-writer fonts-ipaexfont; pip python-docx (the `samples` extra).
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pikepdf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_samples import convert, stabilize  # noqa: E402  (the samples' own LibreOffice conversion)

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
OUT = SAMPLES / "booklets"
STAMP = "20220401090000"  # the LibreOffice pages' fixed creation date
DAMAGE = b"\x00\xff%% damaged: not PDF operators \x00\x01\x02\xfe"
FRONT_KINDS = ("cover", "toc", "agenda")


@dataclass(frozen=True)
class Manifesto:
    """A generated single manifesto of samples/, by its path there; `damaged`: its pages after the first."""

    sample: str
    damaged: bool = False

    @property
    def pdf(self) -> Path:
        return SAMPLES / self.sample

    @property
    def expected(self) -> dict:
        return json.loads(self.pdf.with_name(self.pdf.stem + ".expected.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Front:
    """A page of no manifesto: 'cover', 'toc' (the 目次 of the booklet) or 'agenda' (council business, `text`)."""

    kind: str
    text: tuple[str, ...] = ()


Piece = Manifesto | Front

AGENDA_1 = Front("agenda", (
    "さくら台市議会 総務常任委員会 資料",
    "議案第15号 さくら台市税条例の一部を改正する条例について",
    "1 改正の趣旨 地方税法の改正に伴い、個人市民税の非課税限度額を見直すもの",
    "2 施行期日 令和4年4月1日",
))
AGENDA_2 = Front("agenda", (
    "報告第3号 令和3年度 行政評価の結果について",
    "各部局の事務事業について、成果指標の達成状況を評価した。評価結果は次回の委員会で報告する。",
    "担当 企画政策部 行政経営課",
))

XLSX_2_3_PAGES = [  # Excel-made samples of 2–3 pages, departments all different
    "variants/xlsx-landscape-eval-table-shared-mission-r4-somu.pdf",
    "variants/xlsx-landscape-eval-columns-milestones-r5-kensetsu.pdf",
    "hard/xlsx-5goals-legend-one-line-r7-kikaku.pdf",
    "variants/xlsx-start-of-year-unrated-r7-kodomo.pdf",
    "hard/xlsx-year-end-eval-table-reordered-r6-norin.pdf",
    "variants/xlsx-halfwidth-no-gregorian-r3-bosai.pdf",
    "hard2/xlsx-6goals-two-merged-missions-eval-table-split-r3-kenko.pdf",
    "hard/xlsx-rotated-pages-r3-kanko.pdf",
]
DOCX = [  # Word-made samples
    "variants/docx-portrait-3goals-r4-kyoiku.pdf",
    "variants/docx-portrait-heisei30-kankyo.pdf",
    "variants/docx-row-split-header-repeated-r3-sangyo.pdf",
    "variants/docx-landscape-row-split-no-header-r4-shobo.pdf",
    "variants/docx-goal-label-value-tables-r2-toshi.pdf",
    "hard/docx-horizontal-rules-no-marker-r4-bunka.pdf",
]
ALL = [  # every generated text-layer sample but the known limit, in an order with no department twice in a row
    *XLSX_2_3_PAGES, *DOCX,
    "iga-2021-digital.pdf", "sample-2020-kenko.pdf",
    "variants/xlsx-8goals-4pages-r6-shimin.pdf", "variants/xlsx-portrait-gannen-r1-suido.pdf",
    "hard/docx-landscape-no-column-heisei31-zeimu.pdf", "hard/docx-label-value-wording-markers-r2-byoin.pdf",
    "hard2/docx-landscape-vmerged-missions-cover-page-r4-kankei.pdf",
    "hard2/docx-page-header-no-markers-legend-bottom-r5-machi.pdf",
    "hard2/docx-portrait-8goals-era-gloss-h31-gakushu.pdf",
    "hard2/xlsx-page-header-labelled-ratings-legend-bottom-r2-zaimu.pdf",
    "hard2/xlsx-start-of-year-placeholders-dept-space-r6-jinji.pdf",
    "hard2/xlsx-typed-breaks-halfwidth-kana-year-milestones-r3-joho.pdf",
    "hard3/docx-large-font-target-sentences-jun-milestones-r3-koshitsu.pdf",
    "hard3/docx-title-cell-header-grid-legend-leader-r7-hokenjo.pdf",
    "hard3/xlsx-7goals-one-mission-each-row-eval-split-header-repeated-r5-seisaku.pdf",
    "hard3/xlsx-fit-one-page-portrait-small-font-r4-kankyojigyo.pdf",
    "hard3/xlsx-level-continued-row-across-break-r6-doboku.pdf",
    "hard3/xlsx-portrait-means-paragraph-circled-paren-legend-circled-r2-jutaku.pdf",
    "hard/xlsx-header-row-labels-one-mission-r5-fukushi.pdf",  # 健康福祉部 as sample-2020-kenko: kept apart
]



def pages_of(pdf: Path | bytes) -> int:
    with pikepdf.open(io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf) as opened:
        return len(opened.pages)


# 40 departments over 100 pages: every sample of 2 pages or more, then those of 3 or more again
SEVERAL, LONG = ([s for s in ALL if pages_of(SAMPLES / s) >= least] for least in (2, 3))
FORTY = [Manifesto(sample) for sample in (SEVERAL + LONG * 2)[:40]]

BOOKLETS: dict[str, list[Piece]] = {
    "booklet-xlsx-two-one-page-departments": [
        Manifesto("variants/xlsx-portrait-gannen-r1-suido.pdf"),
        Manifesto("hard3/xlsx-fit-one-page-portrait-small-font-r4-kankyojigyo.pdf"),
    ],
    "booklet-xlsx-cover-toc-eight-departments": [Front("cover"), Front("toc"), *map(Manifesto, XLSX_2_3_PAGES)],
    "booklet-docx-six-departments-no-cover": list(map(Manifesto, DOCX)),
    "council-agenda-manifesto-between-items": [AGENDA_1, Manifesto("sample-2020-kenko.pdf"), AGENDA_2],
    "booklet-cover-damaged-department": [
        Front("cover"),
        Manifesto("variants/docx-portrait-3goals-r4-kyoiku.pdf"),
        Manifesto("hard2/docx-landscape-vmerged-missions-cover-page-r4-kankei.pdf", damaged=True),
        Manifesto("iga-2021-digital.pdf"),
    ],
}


def front_docx(piece: Front, path: Path, contents: list[tuple[str, int]]) -> None:
    """Lay out one page of no manifesto in a .docx: the cover, the 目次 (`contents`: department, page), an agenda item."""
    from docx import Document
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "IPAexGothic"
    style.element.rPr.rFonts.set("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", "IPAexGothic")
    if piece.kind == "cover":
        for text, size in (("さくら台市", 20), ("部局マニフェスト集", 28), ("各部局の使命と目標", 16)):
            document.add_paragraph().add_run(text).font.size = Pt(size)
    elif piece.kind == "toc":
        document.add_paragraph().add_run("目　次").font.size = Pt(20)
        table = document.add_table(rows=0, cols=2)
        for department, page in contents:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = department, str(page)
    else:
        for text in piece.text:
            document.add_paragraph(text)
    document.save(path)


def assemble(name: str, pieces: list[Piece], front_pdfs: dict[int, bytes]) -> tuple[bytes, dict]:
    """Given a booklet's pieces and the PDFs of its front pages (by position), return its bytes and expected record.

    A damaged manifesto keeps its first page; its later pages' content is replaced by junk, so that what
    remains (a header without goals) must fail as an incomplete part.
    """
    departments = [piece.expected["department"] for piece in pieces if isinstance(piece, Manifesto)]
    assert all(a != b for a, b in zip(departments, departments[1:])), f"{name}: a department twice in a row"
    booklet = pikepdf.new()
    opened = []
    placed: list[tuple[Manifesto, int, int]] = []  # manifesto, first page, pages
    skipped: list[int] = []
    for position, piece in enumerate(pieces):
        source = pikepdf.open(io.BytesIO(front_pdfs[position]) if isinstance(piece, Front) else piece.pdf)
        opened.append(source)
        first = len(booklet.pages) + 1
        booklet.pages.extend(source.pages)
        if isinstance(piece, Front):
            skipped += range(first, len(booklet.pages) + 1)
            continue
        placed.append((piece, first, len(source.pages)))
        if piece.damaged:
            for page in booklet.pages[first : first - 1 + len(source.pages)]:
                page.Contents = booklet.make_stream(DAMAGE)
    out = io.BytesIO()
    booklet.save(out, deterministic_id=True)
    for source in opened:
        source.close()
    data = out.getvalue()
    file = {"file": f"{name}.pdf", "sha256": hashlib.sha256(data).hexdigest(), "pages": len(booklet.pages)}
    manifestos, failed = [], []
    for part, (piece, first, count) in enumerate(placed, 1):
        if piece.damaged:
            failed.append({"part": part, "first_page": first, "last_page": first, "kind": "incomplete"})
            continue
        record = piece.expected
        record["source"] = {**file, "part": part, "first_page": first, "last_page": first + count - 1}
        for goal in record["goals"]:
            goal["page"] += first - 1
        manifestos.append(record)
    return data, {"manifestos": manifestos, "skipped_pages": skipped, "failed": failed}


def contents(pieces: list[Piece]) -> list[tuple[str, int]]:
    """The 目次 of a booklet: each manifesto's department and first page (every front page is one page)."""
    entries, page = [], 1
    for piece in pieces:
        if isinstance(piece, Manifesto):
            entries.append((piece.expected["department"], page))
            page += pages_of(piece.pdf)
        else:
            page += 1
    return entries


def make_front_pages(booklets: dict[str, list[Piece]], work: Path) -> dict[tuple[str, int], bytes]:
    """Lay out and convert (LibreOffice) every front page of the booklets; return each PDF by (booklet, position)."""
    sources = {}
    for name, pieces in booklets.items():
        for position, piece in enumerate(pieces):
            if isinstance(piece, Front):
                path = work / f"{name}-{position}-{piece.kind}.docx"
                front_docx(piece, path, contents(pieces))
                sources[(name, position)] = path
    convert(list(sources.values()), work, work / "lo-profile")
    pdfs = {key: stabilize(path.with_suffix(".pdf").read_bytes(), STAMP) for key, path in sources.items()}
    for key, data in pdfs.items():
        assert pages_of(data) == 1, f"{key}: a front page must be one page"
    return pdfs


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="make_booklets_") as tmp:
        front = make_front_pages(BOOKLETS, Path(tmp))
    for name, pieces in BOOKLETS.items():
        mine = {position: data for (booklet, position), data in front.items() if booklet == name}
        data, expected = assemble(name, pieces, mine)
        (OUT / f"{name}.pdf").write_bytes(data)
        (OUT / f"{name}.expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=2) + "\n",
                                                  encoding="utf-8")
        print(f"{name}: {expected['manifestos'][0]['source']['pages']} pages, {len(expected['manifestos'])} manifestos, "
              f"{len(expected['failed'])} failing, {len(data) // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
