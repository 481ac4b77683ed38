#!/usr/bin/env python3
"""Generate variant 部局マニフェスト PDFs, each with its expected record, into samples/variants/.

    .venv/bin/python scripts/make_samples.py [--only NAME ...] [--keep DIR]

Rerun by hand after changing the content or the layouts below. Each variant is a
hand-authored manifesto (the Python data below) laid out the way municipalities
lay theirs out: an .xlsx written with openpyxl or a .docx written with python-docx,
turned into PDF by `libreoffice --headless --convert-to pdf`, just as the two real
samples in samples/ were made with LibreOffice Calc.

The expected record (NAME.expected.json, shared/CONTRACT.md) is computed from the
same hand-authored data by the contract's rules: NFKC of the printed text, bullets
kept one per line in the target, milestones dated by the fiscal-year rule. It is
never taken from an extractor. Only source.sha256 and source.pages are read off the
produced PDF. Each goal's page is known by construction (explicit page/row breaks)
and is checked against the page whose text carries its ◎部局目標N marker.

Finally every PDF is opened with pdfplumber and every text value of its expected
record must be found in the PDF's text (NFKC, all whitespace removed), in a table
cell or across a page break; the script lists what is missing and exits non-zero.

Needs: Debian libreoffice-calc libreoffice-writer fonts-ipaexfont fonts-noto-cjk;
pip openpyxl python-docx (pdfplumber, pikepdf come with the project).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from copy import copy
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "samples" / "variants"
CITY = "さくら台市"  # fictional; goes into the files' author metadata

# --------------------------------------------------------------------------------------
# Content model (as printed, before NFKC)
# --------------------------------------------------------------------------------------

LEGEND = [
    (5, "先進的な取り組みを行い、成果があった"),
    (4, "達成水準を上回る成果があった"),
    (3, "業績目標を達成した"),
    (2, "取り組んだが、業績目標を達成しなかった"),
    (1, "業績目標に取り組まなかった"),
]

HEAD_MISSION = "組織使命"
HEAD_OBJECTIVE = "組織使命達成に向けての目標"
HEAD_LEVEL = "目標の達成水準"
HEAD_MEANS = "目標を達成するための手段"
HEAD_RATING = "達成状況（自己評価）"
HEAD_REASON = "理由"
HEAD_GOAL = "部局目標"


@dataclass
class Goal:
    number: int
    mission: str
    objective: str
    current: str
    target: str | list[tuple[str, str | None]]  # paragraph, or bullets (text, period or None)
    achieved: str
    means: list[str]
    rating: int | None = None
    reason: str | None = None


@dataclass
class Manifesto:
    fiscal_year: int
    era: str  # as authored in half-width form: 令和4, 令和元, 平成30
    department: str
    position: str
    head: str  # family and given name separated by U+3000 (or a space in half-width documents)
    aspiration: str
    goals: list[Goal]
    width: str = "full"  # full: digits/latin/() printed full-width; half: as authored; mixed: reasons half-width
    gregorian: bool = True  # title carries the Gregorian year: 2022(令和4)年度
    subtitle: str | None = "～私たちの組織使命と目標～"

    def goal(self, n: int) -> Goal:
        return next(g for g in self.goals if g.number == n)


_FW = {c: chr(ord(c) + 0xFEE0) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz()%,.:/+-"}


def fullwidth(s: str) -> str:
    return "".join(_FW.get(c, c) for c in s)


def printed(m: Manifesto, s: str, kind: str = "") -> str:
    """The text as it appears in the document."""
    if m.width == "half" or (m.width == "mixed" and kind == "reason"):
        return s
    return fullwidth(s)


def p_title(m: Manifesto) -> str:
    if m.gregorian:
        return printed(m, f"{m.fiscal_year}({m.era})年度") + "　部局マニフェスト"
    sep = " " if m.width == "half" else "　"
    return printed(m, f"{m.era}年度") + sep + "部局マニフェスト"


def p_aspiration_label(m: Manifesto) -> str:
    if m.gregorian:
        return printed(m, f"{m.fiscal_year}({m.era})年度の抱負")
    return printed(m, f"{m.era}年度の抱負")


def p_legend(m: Manifesto, score: int, label: str, dot: bool) -> str:
    return (printed(m, str(score)) + ("．" if m.width != "half" else ".") + label) if dot else label


def p_rating_head(m: Manifesto) -> str:
    return "達成状況(自己評価)" if m.width == "half" else HEAD_RATING


def p_target_lines(m: Manifesto, g: Goal) -> list[str]:
    if isinstance(g.target, str):
        return [printed(m, g.target)]
    return ["・" + printed(m, t) + ("　" + printed(m, p) if p else "") for t, p in g.target]


def p_level_lines(m: Manifesto, g: Goal, style: str) -> list[str]:
    """The 目標の達成水準 cell, one printed line (paragraph) per item."""
    cur, ach = printed(m, g.current), printed(m, g.achieved)
    tl = p_target_lines(m, g)
    if style == "block":  # iga: each marker on its own line
        return ["〈現在の状態〉", cur, "↓", "〈達成目標〉", *tl, "※目標が達成した状態", ach]
    # kenko: the text follows the marker on the same line (bullets start below 〈達成目標〉)
    sp = " " if m.width == "half" else "　"
    lines = ["〈現在の状態〉" + sp + cur, "↓"]
    lines += ["〈達成目標〉" + sp + tl[0]] if isinstance(g.target, str) else ["〈達成目標〉", *tl]
    return lines + ["※目標が達成した状態" + sp + ach]


def p_means_lines(m: Manifesto, g: Goal) -> list[str]:
    return ["・" + printed(m, x) for x in g.means]


def p_rating(m: Manifesto, g: Goal, halfwidth: bool = False) -> str:
    if g.rating is None:
        return ""
    return str(g.rating) if halfwidth else printed(m, str(g.rating))


# --------------------------------------------------------------------------------------
# The manifestos (hand-authored; digits and latin letters written half-width here and
# printed full-width where the Manifesto says so)
# --------------------------------------------------------------------------------------

def somu_2022() -> Manifesto:
    m1 = ("行政のデジタル化と働き方改革を一体的に進め、職員が市民と向き合う時間を生み出すことで、"
          "質の高い行政サービスを提供します。")
    m2 = "公正で透明性の高い行財政運営を行い、人口減少社会にあっても将来にわたって持続可能な財政基盤を確立します。"
    return Manifesto(2022, "令和4", "総務部", "部長", "佐藤　健一",
                     "職員一人ひとりが力を発揮できる組織をつくり、市民から信頼される市役所を実現します", [
        Goal(1, m1, "行政手続のオンライン化の推進",
             "オンラインで申請できる手続は32件にとどまり、多くの申請で来庁と紙の書類の提出が必要となっている。",
             [("オンライン申請システムの導入", "7月"), ("対象手続の選定と様式の見直し", "9月"),
              ("オンライン申請の受付開始", "1月")],
             "市民が来庁せずに主な手続を行うことができ、窓口の待ち時間が短縮されている。",
             ["電子申請サービスを活用した申請フォームの作成", "各課の手続の棚卸しと押印・添付書類の見直し",
              "市ホームページと広報紙による利用案内", "情報政策課と各課の連携による運用支援"],
             4, "7月にオンライン申請システムを導入し、年度内に120件の手続をオンライン化した。当初1月としていた受付開始を"
                "前倒しし、11月から順次受付を開始したことで、来庁せずに手続ができる範囲が大きく広がった。"),
        Goal(2, m1, "テレワークとペーパーレス会議の定着",
             "テレワーク用端末が20台に限られ、庁内会議の資料の多くを紙で配布している。",
             "全ての課でテレワークが実施できる環境が整い、庁内会議の8割以上がペーパーレスで開催されている。",
             "職員が時間や場所にとらわれず柔軟に働くことができ、会議準備にかかる負担が軽減されている。",
             ["テレワーク用端末の増設(100台)", "タブレット端末を活用した会議運営マニュアルの作成",
              "管理職を対象としたテレワーク研修の実施"],
             3, "テレワーク用端末を100台に増設し、全ての課でテレワークを実施できる環境を整えた。庁内会議のペーパーレス化率は"
                "82%となり、目標を達成した。"),
        Goal(3, m2, "公共施設等総合管理計画に基づく施設の適正配置",
             "施設の老朽化が進む一方、更新費用の見通しが施設ごとに整理されておらず、再編に向けた議論が進んでいない。",
             [("施設カルテの作成", "8月"), ("地域説明会の開催", "10月～11月"), ("個別施設計画の改訂", "3月")],
             "施設の状態と将来の費用が市民に共有され、統廃合や複合化の方針が地域とともに検討されている。",
             ["全施設の劣化状況調査と施設カルテの整備", "地域ごとの説明会とアンケートによる意見聴取",
              "庁内検討委員会における再編方針の協議"],
             3, "8月に全218施設の施設カルテを作成し、10月から11月にかけて市内9地区で説明会を開催した。説明会とアンケートで"
                "寄せられた意見を踏まえ、3月に個別施設計画を改訂した。"),
        Goal(4, m2, "市税等の収納率の向上",
             "令和3年度の市税の現年度収納率は98.6%で、滞納繰越分の収納率が県内平均を下回っている。",
             "市税の現年度収納率が98.8%以上となり、滞納繰越額が前年度より1割以上縮減されている。",
             "納期内納付が市民に定着し、税負担の公平性が確保されている。",
             ["スマートフォン決済とコンビニ納付の利用促進", "口座振替の加入勧奨",
              "滞納者の財産調査と早期の滞納処分", "県税務課との共同徴収の実施"],
             2, "スマートフォン決済の導入により納付の利便性は向上し、現年度収納率は98.7%と前年度を上回ったが、目標には届かな"
                "かった。滞納繰越額は前年度比で12%縮減した。"),
    ])


def kensetsu_2023() -> Manifesto:
    m1 = "道路、橋りょう等の都市基盤を計画的に整備・保全し、市民が安全で快適に移動できるまちをつくります。"
    m2 = "大規模な自然災害に備え、浸水被害や土砂災害から市民の生命と財産を守る強靱なまちづくりを進めます。"
    return Manifesto(2023, "令和5", "建設部", "部長", "中村　正樹",
                     "安全で快適な都市基盤を次の世代に引き継ぐため、計画的な整備と維持管理に取り組みます", [
        Goal(1, m1, "橋りょう長寿命化修繕計画に基づく計画的な修繕",
             "市が管理する橋りょう412橋のうち、早期に措置が必要な判定区分Ⅲの橋りょうが38橋残っている。",
             [("点検結果の公表", "6月"), ("修繕工事の発注", "8月～9月"), ("修繕工事の完了", "12月末"),
              ("判定区分Ⅲの橋りょう", "30橋以下")],
             "損傷が軽微なうちに修繕する予防保全型の維持管理が定着し、橋りょうの安全が確保されている。",
             ["定期点検の実施(年間85橋)", "国の補助制度を活用した修繕工事の計画的な発注",
              "点検業務へのドローン等の新技術の導入"],
             4, "6月に点検結果を公表し、8月から9月にかけて修繕工事7件を発注した。12月末までに全ての工事が完了し、判定区分Ⅲの"
                "橋りょうは29橋となった。ドローンによる点検の試行で点検費用を約2割削減できた。"),
        Goal(2, m1, "生活道路の安全対策と舗装の計画的な補修",
             "通学路の合同点検で36か所の危険箇所が指摘されており、舗装の劣化した路線が増えている。",
             [("通学路危険箇所の対策工事", "10月～3月"), ("舗装補修延長", "3.5km以上")],
             "子どもや高齢者が安心して通行できる生活道路が確保されている。",
             ["学校、警察、PTAとの通学路合同点検", "路面性状調査に基づく補修箇所の優先順位付け",
              "区画線・グリーンベルトの再整備"],
             3, "通学路の危険箇所36か所のうち32か所の対策を10月から3月にかけて実施し、残る4か所は用地の協議中である。"
                "舗装補修は延長3.8kmを実施した。"),
        Goal(3, m2, "内水氾濫対策と防災情報の周知",
             "令和4年の大雨で市街地の3地区に道路冠水が発生し、ハザードマップの認知度は5割程度にとどまっている。",
             [("雨水排水路の改修工事", "6月～8月"), ("改訂ハザードマップの全戸配布", "1月"),
              ("地区別の防災出前講座", "年10回以上")],
             "浸水の危険が高い地区の排水能力が向上し、市民が自宅周辺の災害リスクを知って早めに避難できる。",
             ["雨水排水路の断面拡幅と流末の改修", "ハザードマップの改訂と全戸配布",
              "自治会と連携した防災出前講座の開催", "河川水位情報のホームページでの公開"],
             3, "出水期前の6月から8月に雨水排水路の改修を終え、9月の大雨では冠水が発生しなかった。改訂したハザードマップを"
                "1月に全戸配布し、出前講座は12回開催した。"),
    ], width="mixed")


def kyoiku_2022() -> Manifesto:
    m1 = "子どもたち一人ひとりの可能性を引き出す個別最適な学びと協働的な学びを実現し、確かな学力と豊かな心を育みます。"
    m2 = "安全で快適な学校施設を整備し、子どもたちが安心して学ぶことのできる教育環境を確保します。"
    return Manifesto(2022, "令和4", "教育委員会事務局", "事務局長", "高橋　由美子",
                     "すべての子どもが安心して学び、未来を切り拓く力を育む教育環境を整えます", [
        Goal(1, m1, "1人1台端末を活用した授業の充実",
             "端末の配備は完了したが、授業での活用頻度は学校や教員によって差がある。",
             [("活用事例集の作成と全校配布", "7月"), ("ICT支援員による授業支援", "4月～3月"),
              ("教員向け公開授業の開催", "11月")],
             "全ての学級で端末が日常的に活用され、子どもが自分のペースで学びを深めている。",
             ["ICT支援員の各校への定期派遣", "校内研修用の活用事例集の作成",
              "情報教育推進委員会での実践の共有", "家庭への持ち帰り学習の試行"],
             4, "ICT支援員を年間を通じて全24校に派遣し、7月に作成した活用事例集を全教員に配布した。11月の公開授業には"
                "市内外から180人の教員が参加し、端末を毎日活用する学級の割合は93%となった。"),
        Goal(2, m1, "不登校児童生徒への支援の充実",
             "不登校児童生徒数は増加傾向にあり、学校以外の学びの場が教育支援センター1か所に限られている。",
             "教育支援センターのサテライト教室が開設され、不登校児童生徒の7割以上が何らかの支援につながっている。",
             "学校に通えない子どもも、自分に合った場所で学びを続けることができている。",
             ["サテライト教室の開設(2か所)", "スクールカウンセラーとスクールソーシャルワーカーの配置拡充",
              "オンラインによる学習支援と相談の実施"],
             3, "9月と1月にサテライト教室を開設し、オンラインでの学習支援と合わせて不登校児童生徒の74%が支援につながった。"),
        Goal(3, m2, "学校施設の長寿命化改修とトイレの洋式化",
             "築40年を超える校舎が全体の6割を占め、トイレの洋式化率は52%にとどまっている。",
             [("長寿命化改修の実施設計", "9月"), ("トイレ洋式化工事", "7月～8月"),
              ("小中学校のトイレ洋式化率", "80%以上")],
             "老朽化した校舎が計画的に改修され、子どもたちが快適に過ごせる学校環境が整っている。",
             ["学校施設長寿命化計画に基づく改修の優先順位付け", "夏季休業期間を活用した工事の集中実施",
              "国の交付金の活用"],
             2, "夏季休業中に小学校6校のトイレ洋式化工事を行ったが、資材の納期遅れにより中学校2校の工事が翌年度に繰り越し"
                "となり、洋式化率は74%にとどまった。実施設計は9月に完了した。"),
    ])


def shimin_2024() -> Manifesto:
    m1 = "市民の暮らしに身近な窓口サービスの利便性を高め、誰もが迷わず手続を行うことができる市役所をつくります。"
    m2 = "地域の多様な主体が支え合うコミュニティを育み、安全で安心して暮らせる地域社会を実現します。"
    m3 = "ごみの減量とリサイクルを推進し、環境への負荷の少ない循環型社会を市民、事業者とともに築きます。"
    m4 = "人権が尊重され、性別や国籍にかかわらず誰もが自分らしく活躍できる共生社会を実現します。"
    return Manifesto(2024, "令和6", "市民生活部", "部長", "伊藤　浩二",
                     "市民の暮らしに最も身近な部として、安全・安心で心豊かな地域づくりを市民とともに進めます", [
        Goal(1, m1, "書かない窓口の導入",
             "転入や出生などの手続で、市民が複数の申請書に同じ内容を記入する必要がある。",
             [("窓口支援システムの導入", "6月"), ("書かない窓口の運用開始", "10月")],
             "市民は本人確認書類を提示するだけで申請書が作成され、手続時間が短縮されている。",
             ["窓口支援システムの導入と職員研修", "申請書様式の統一と記載項目の見直し"],
             4, "6月にシステムを導入し、予定どおり10月から運用を開始した。転入手続の平均所要時間は42分から25分に短縮した。"),
        Goal(2, m1, "証明書のコンビニ交付の利用促進",
             "証明書のコンビニ交付の利用率は18%で、窓口での交付が大半を占めている。",
             "住民票の写し等の証明書のコンビニ交付の利用率が30%以上となっている。",
             "市民が身近な店舗で早朝や休日にも証明書を取得できている。",
             ["マイナンバーカードの出張申請受付", "窓口でのコンビニ交付の案内チラシの配布"],
             3, "出張申請受付を32回実施し、コンビニ交付の利用率は31%となった。"),
        Goal(3, m2, "自治会加入促進と地域活動の担い手づくり",
             "自治会加入率は年々低下し、役員の高齢化により活動の継続が難しい地区がある。",
             [("自治会加入促進リーフレットの作成", "5月"), ("地域活動リーダー養成講座", "9月～11月")],
             "転入者や若い世代が地域活動に参加し、自治会活動が継続されている。",
             ["転入手続時のリーフレット配布", "地域活動リーダー養成講座の開催", "自治会活動のデジタル化支援"],
             3, "リーフレットを5月に作成し転入者全員に配布した。養成講座は3回開催し、延べ64人が受講した。"),
        Goal(4, m2, "防犯灯のLED化と防犯カメラの設置支援",
             "防犯灯のLED化率は78%で、通学路の防犯カメラの設置が進んでいない。",
             [("防犯カメラ設置補助の受付", "4月～6月"), ("防犯灯LED化率", "100%")],
             "夜間も明るく見守りのある通学路や生活道路が確保されている。",
             ["自治会への防犯カメラ設置補助", "リース方式による防犯灯の一括LED化"],
             4, "リース方式により防犯灯の全灯をLED化し、電気料金も年間約900万円削減した。防犯カメラは21台の設置を支援した。"),
        Goal(5, m3, "家庭系ごみの減量",
             "市民1人1日当たりの家庭系ごみ排出量は512gで、県平均を上回っている。",
             "市民1人1日当たりの家庭系ごみ排出量が500g以下となっている。",
             "市民がごみの発生抑制を意識して暮らしている。",
             ["生ごみ処理機の購入補助", "ごみ分別アプリの配信"],
             2, "分別アプリの利用者は増加したが、排出量は506gにとどまり目標を達成しなかった。"),
        Goal(6, m3, "プラスチック資源の分別回収の開始",
             "プラスチック製品は燃やすごみとして収集しており、資源化されていない。",
             [("分別区分の周知説明会", "7月～9月"), ("プラスチック資源の分別回収開始", "10月")],
             "プラスチック資源が分別され、再商品化されている。",
             ["地区説明会の開催", "分別ガイドブックの全戸配布"],
             3, "地区説明会を48回開催し、10月から分別回収を開始した。"),
        Goal(7, m3, "食品ロス削減の推進",
             "家庭から出る燃やすごみの約3割を食品が占めている。",
             [("フードドライブの実施", "12月"), ("食べきり協力店の登録", "50店以上")],
             "市民と事業者が食品ロスを減らす行動を実践している。",
             ["フードドライブの開催", "食べきり協力店の募集"],
             3, "12月にフードドライブを実施し、食べきり協力店は53店が登録した。"),
        Goal(8, m4, "多文化共生の推進と相談体制の充実",
             "外国人市民が増加する一方、多言語で相談できる窓口がない。",
             [("多言語相談窓口の開設", "4月"), ("外国人市民向け防災訓練", "2月")],
             "外国人市民が安心して暮らし、地域の一員として活躍している。",
             ["通訳タブレットを活用した相談窓口の運営", "国際交流協会と連携した日本語教室の開催"],
             4, "4月に多言語相談窓口を開設し、年間612件の相談に対応した。2月の防災訓練には外国人市民58人が参加した。"),
    ])


def sangyo_2021() -> Manifesto:
    m1 = "地域産業の競争力を高め、新たな雇用と活力を生み出すことで、持続的に発展する地域経済を実現します。"
    m2 = "地域の資源を生かした観光振興により交流人口を拡大し、地域のにぎわいを創出します。"
    return Manifesto(2021, "令和3", "産業振興部", "部長", "山田　誠",
                     "地域の稼ぐ力を高め、若い世代が働き、住み続けたいと思えるまちをつくります", [
        Goal(1, m1, "中小企業のデジタル化と事業承継の支援",
             "市内の中小企業の多くでデジタル化が遅れ、経営者の高齢化により後継者のいない事業所が増えている。",
             [("デジタル化相談窓口の開設", "5月"), ("事業承継セミナーの開催", "10月")],
             "中小企業が生産性を高め、円滑な事業承継により地域の雇用が守られている。",
             ["商工会議所と連携した相談窓口の運営", "IT導入補助金の活用支援", "事業承継セミナーと個別相談会の開催"],
             3, "5月に相談窓口を開設し、延べ146件の相談に対応した。10月の事業承継セミナーには38社が参加した。"),
        Goal(2, m2, "観光誘客の推進",
             "観光入込客数は感染症の影響で大きく減少し、宿泊を伴う観光客が少ない。",
             "市内の観光入込客数が感染症拡大前の8割まで回復し、宿泊客数が前年度を上回っている。",
             "地域の魅力が広く発信され、観光客が市内に滞在して消費が地域に循環している。",
             ["近隣市町と連携した周遊ルートの造成", "SNSを活用した観光情報の発信", "体験型観光プログラムの開発"],
             2, "周遊ルートの造成や体験型観光プログラムの開発を進めたが、感染症の再拡大により観光入込客数は感染症拡大前の"
                "6割にとどまった。"),
        Goal(3, m1, "企業誘致と創業支援による雇用の創出",
             "新たな産業用地が不足しているため企業からの立地の相談に応えられず、市内での創業件数も年間20件程度にとどまって"
             "いる。また、若い世代の市外への転出が続いており、市内の事業所では人材の確保が大きな課題となっている。",
             [("産業用地の候補地の選定", "6月"), ("企業立地奨励制度の見直し", "9月"),
              ("首都圏での企業立地セミナーの開催", "11月"), ("創業支援施設の開設", "1月～2月"),
              ("市内での新規創業件数", "年30件以上")],
             "新たな産業用地への企業立地が進み、創業支援施設から生まれた事業者が市内に定着して、若い世代が地元で働き続ける"
             "ことのできる雇用の場が着実に増えている。市内の事業所が必要な人材を確保できている。",
             ["産業用地の候補地の選定に向けた地権者及び関係機関との協議",
              "企業立地奨励金の対象業種の拡大と交付要件の見直し",
              "首都圏及び関西圏での企業立地セミナーの開催と個別企業訪問",
              "県の産業支援センターと連携した誘致活動の展開",
              "空き店舗を活用した創業支援施設(コワーキングスペース)の整備",
              "創業塾の開催と金融機関との連携による創業資金の融資あっせん",
              "創業後3年間の家賃補助と経営相談による定着支援",
              "高校生や大学生を対象とした市内企業の見学会とインターンシップの実施",
              "UIJターン就職者への移住支援金の交付",
              "合同企業説明会のオンライン開催",
              "市内企業の魅力を発信する特設ウェブサイトの開設",
              "女性や高齢者の就労を支援するセミナーの開催"],
             3, "産業用地の候補地を6月に選定し、地権者との協議を開始した。企業立地セミナーを11月に首都圏で開催し、3社と"
                "立地に向けた協議を進めている。2月に創業支援施設を開設し、市内での新規創業は32件となった。"),
    ])


def shobo_2022() -> Manifesto:
    m1 = "複雑多様化する災害や救急需要に的確に対応し、市民の生命、身体及び財産を守ります。"
    m2 = "市民、事業所の防火意識を高め、火災の発生を未然に防ぐとともに、地域の防災力を向上させます。"
    return Manifesto(2022, "令和4", "消防本部", "消防長", "小林　大輔",
                     "あらゆる災害から市民の生命・身体・財産を守るため、即応力の高い消防体制を築きます", [
        Goal(1, m1, "救急隊の現場到着時間の短縮",
             "救急出動件数の増加により、現場到着までの平均時間は9.2分で全国平均を上回っている。",
             [("救急車の適正利用の啓発", "6月"), ("西分署への救急隊の増隊", "10月")],
             "救急要請から現場到着までの時間が短縮され、救命率が向上している。",
             ["救急隊の増隊と救急車の更新", "救急安心センター事業(#7119)の周知", "医療機関との搬送調整の迅速化"],
             4, "10月に西分署に救急隊を増隊し、現場到着までの平均時間は8.4分に短縮した。"),
        Goal(2, m2, "住宅用火災警報器の設置促進と事業所の防火指導",
             "住宅用火災警報器の設置率は81%で、設置から10年以上経過した警報器の交換が進んでいない。",
             [("住宅用火災警報器の共同購入", "9月～11月"), ("防火対象物の立入検査", "年300件以上")],
             "全ての住宅に正常に作動する火災警報器が設置され、事業所の消防用設備等の違反が是正されている。",
             ["自治会と連携した共同購入の実施", "高齢者世帯への設置・交換の支援", "違反対象物の公表制度の運用"],
             3, "共同購入により1,240個の警報器が設置・交換され、設置率は85%となった。立入検査は312件実施した。"),
        Goal(3, m1, "救急救命士の養成と高度な救命処置体制の確保",
             "救急救命士の資格を持つ職員は42人で、全ての救急隊に救急救命士が常時乗車する体制が確保できていない。また、"
             "気管挿管や薬剤投与などの特定行為を行うことのできる認定救命士が不足しており、救命処置の質にも救急隊ごとに差が"
             "生じている。心肺停止傷病者の1か月後の生存率は県平均を下回っている。",
             [("救急救命士養成所への職員派遣", "4月～9月"), ("気管挿管認定のための病院実習", "7月～12月"),
              ("指導救命士による事後検証会の開催", "年12回以上"), ("市民向け救命講習の開催", "年60回以上"),
              ("救急隊員の生涯教育研修", "1月～3月")],
             "全ての救急隊に救急救命士が常時乗車し、認定救命士による気管挿管や薬剤投与などの高度な救命処置を、どの救急隊で"
             "も同じ水準で行うことができる体制が整っている。市民による応急手当が広がり、心肺停止傷病者の救命率が向上して"
             "いる。",
             ["救急救命士養成所への職員の計画的な派遣(年2人)",
              "メディカルコントロール協議会と連携した病院実習の実施",
              "指導救命士による事後検証と症例検討会の定期開催",
              "救急隊員の生涯教育カリキュラムに基づく研修の実施",
              "シミュレーション訓練用資機材の整備",
              "市民向け普通救命講習と応急手当普及員講習の開催",
              "AEDの設置場所の情報をまとめたマップの公開",
              "中学校での救命講習の実施"],
             3, "職員2人を救急救命士養成所に派遣し、国家試験に合格した。気管挿管認定のための病院実習を修了した職員が3人増え、"
                "全ての救急隊に救急救命士が常時乗車する体制を確保した。救命講習は64回開催し、延べ1,850人が受講した。"),
    ])


def kodomo_2025() -> Manifesto:
    m1 = "妊娠期から子育て期まで切れ目のない支援を行い、安心して子どもを産み育てることができるまちをつくります。"
    m2 = "全ての子どもが健やかに育ち、自分の可能性を伸ばすことができる環境を整えます。"
    return Manifesto(2025, "令和7", "子ども未来部", "部長", "渡辺　美香",
                     "子どもを産み育てたいと願う全ての人が、安心して子育てできるまちを目指します", [
        Goal(1, m1, "こども家庭センターの設置による相談支援の一体化",
             "母子保健と児童福祉の相談窓口が分かれており、支援が必要な家庭の情報共有に時間を要している。",
             [("こども家庭センターの開設", "4月"), ("サポートプランの作成開始", "6月"),
              ("関係機関との合同ケース会議", "毎月1回")],
             "妊娠期から子育て期までの相談に一つの窓口で対応し、支援が必要な家庭に早期に寄り添うことができている。",
             ["保健師と社会福祉士の一体的な配置", "妊婦面談のオンライン予約の導入", "民生委員・児童委員との連携強化"]),
        Goal(2, m1, "保育所等の待機児童の解消",
             "令和7年4月1日時点の待機児童数は12人で、特に1歳児の受入れ枠が不足している。",
             "4月1日時点の待機児童数がゼロとなり、年度途中の入所希望にも対応できている。",
             "保護者が希望する時期に子どもを預けて、安心して働くことができている。",
             ["小規模保育事業所の新規整備(2か所)", "保育士の就職支援金による人材確保", "保育コンシェルジュによる入所相談"]),
        Goal(3, m2, "放課後児童クラブの受入れ拡大",
             "放課後児童クラブの利用希望者が増加し、3つの小学校区で待機児童が発生している。",
             [("新規クラブ施設の設計", "7月"), ("運営事業者の公募", "9月～10月"), ("新規クラブの開所", "3月")],
             "全ての小学校区で希望する児童が放課後児童クラブを利用できている。",
             ["学校の余裕教室を活用したクラブの整備", "民間事業者による運営の導入", "放課後児童支援員の処遇改善"]),
    ])


def suido_2019() -> Manifesto:
    m1 = "安全で良質な水道水を安定して供給するとともに、健全な経営により持続可能な上下水道事業を実現します。"
    return Manifesto(2019, "令和元", "上下水道部", "部長", "加藤　隆",
                     "安全でおいしい水を将来にわたって安定して届けるため、経営基盤の強化に努めます", [
        Goal(1, m1, "老朽管の計画的な更新と耐震化",
             "法定耐用年数を超えた水道管が全体の22%を占め、基幹管路の耐震化率は41%にとどまっている。",
             [("管路更新工事の発注", "6月"), ("基幹管路の耐震化工事", "11月～2月")],
             "漏水事故が減少し、大規模な地震が発生しても重要な施設へ給水が継続できる。",
             ["管路更新計画に基づく工事の計画的な発注", "漏水調査の実施", "国の交付金の活用"],
             3, "管路更新工事を6月に発注し、11月から2月にかけて基幹管路3.2kmの耐震化工事を行い、耐震化率は44%となった。"),
        Goal(2, m1, "下水道への接続率の向上と経営戦略の見直し",
             "下水道の供用開始区域で接続していない世帯が約1,800世帯あり、使用料収入が伸び悩んでいる。",
             [("未接続世帯への戸別訪問", "7月～9月"), ("経営戦略の改定", "3月"), ("下水道接続率", "92%以上")],
             "供用開始区域の世帯が下水道に接続し、使用料収入により安定した経営が行われている。",
             ["未接続世帯への戸別訪問と接続工事費の融資あっせん", "経営審議会での料金体系の検討"],
             2, "戸別訪問を7月から9月に行い、112世帯が新たに接続したが、接続率は91.3%にとどまった。経営戦略は3月に改定した。"),
    ])


def kankyo_2018() -> Manifesto:
    m1 = "地球温暖化対策を推進し、市民、事業者、行政が一体となって低炭素社会の実現を目指します。"
    m2 = "豊かな自然と良好な生活環境を保全し、次の世代に引き継ぎます。"
    return Manifesto(2018, "平成30", "環境部", "部長", "松本　和也",
                     "豊かな自然環境を守り育て、環境にやさしい暮らしが広がるまちを目指します", [
        Goal(1, m1, "地球温暖化対策実行計画(区域施策編)の策定",
             "市域の温室効果ガス排出量の削減目標が定められておらず、市民や事業者の取組が進んでいない。",
             [("市民・事業者アンケートの実施", "6月～7月"), ("環境審議会への諮問", "10月"), ("計画の策定・公表", "3月末")],
             "市民、事業者、行政が共有する削減目標の下で、温暖化対策の取組が進められている。",
             ["市民・事業者アンケートの実施", "環境審議会での審議", "パブリックコメントの実施"],
             3, "アンケートを6月から7月に実施し、10月に環境審議会へ諮問した。答申を受けて3月末に計画を策定・公表した。"),
        Goal(2, m1, "公共施設への再生可能エネルギーの導入",
             "公共施設の太陽光発電設備は3施設にとどまっている。",
             "市役所本庁舎及び小中学校5校に太陽光発電設備が設置され、発電量が見える化されている。",
             "公共施設が率先して再生可能エネルギーを活用し、環境学習にも生かされている。",
             ["屋根貸し方式による太陽光発電設備の設置", "発電量表示モニターの設置"],
             4, "屋根貸し方式により本庁舎と小中学校7校に設置し、目標を上回った。"),
        Goal(3, m2, "不法投棄の防止と河川環境の保全",
             "山間部を中心に不法投棄が後を絶たず、河川の清掃活動への参加者も減少している。",
             [("河川一斉清掃の実施", "5月"), ("不法投棄監視カメラの増設", "8月"), ("不法投棄の回収件数", "前年度比2割減")],
             "不法投棄がなくなり、市民が親しめる美しい河川環境が保たれている。",
             ["監視カメラの増設とパトロールの強化", "自治会と連携した河川一斉清掃"],
             3, "監視カメラを8台増設し、回収件数は前年度比23%減少した。5月の一斉清掃には約4,200人が参加した。"),
    ])


def bosai_2021() -> Manifesto:
    m1 = ("大規模災害や感染症などのあらゆる危機から市民の生命と財産を守るため、地域の防災力と行政の危機対応力を"
          "高めます。")
    return Manifesto(2021, "令和3", "防災危機管理部", "部長", "井上 剛",
                     "自助・共助・公助が連携した災害に強いまちづくりを進めます", [
        Goal(1, m1, "避難所運営体制の見直しと感染症対策",
             "避難所運営マニュアルが感染症対策に対応しておらず、避難所の収容人数も見直しが必要となっている。",
             [("避難所運営マニュアルの改訂", "6月"), ("避難所開設訓練の実施", "8月～10月"),
              ("段ボールベッド等の備蓄", "12月末")],
             "感染症流行下でも、市民が安心して避難できる避難所が運営できる。",
             ["避難所運営マニュアルの改訂", "地区ごとの避難所開設訓練", "パーティション、段ボールベッドの備蓄"],
             4, "6月にマニュアルを改訂し、全38避難所で開設訓練を行った。段ボールベッド等の備蓄は12月末までに完了した。"),
        Goal(2, m1, "自主防災組織の活性化",
             "自主防災組織の結成率は78%で、訓練を実施していない組織もある。",
             "自主防災組織の結成率が85%以上となり、全ての組織で年1回以上の訓練が行われている。",
             "地域の住民が互いに助け合い、災害時に迅速な避難と初期対応ができる。",
             ["防災士資格取得の費用助成", "自主防災組織への資機材購入補助", "地区防災計画の作成支援"],
             2, "結成率は83%となり、感染症の影響で訓練を中止した組織があったため目標を達成しなかった。"),
        Goal(3, m1, "防災情報の伝達手段の多重化",
             "防災行政無線が聞き取りにくい地域があり、防災メールの登録者は11,000人にとどまっている。",
             [("防災アプリの配信開始", "9月"), ("防災行政無線の戸別受信機の貸与", "1月～3月"),
              ("防災メール登録者数", "15,000人以上")],
             "全ての市民が複数の手段で確実に防災情報を受け取ることができる。",
             ["防災アプリの導入", "戸別受信機の高齢者世帯への貸与", "ケーブルテレビのデータ放送との連携"],
             3, "9月に防災アプリの配信を開始し、防災メールと合わせた登録者は16,200人となった。"),
    ], width="half", gregorian=False)


def toshi_2020() -> Manifesto:
    m1 = "コンパクトで利便性の高い都市構造を形成し、誰もが暮らしやすく、にぎわいのあるまちをつくります。"
    m2 = "公園や緑地など身近な緑を守り育て、市民が憩い、安心して過ごせる都市空間を創出します。"
    return Manifesto(2020, "令和2", "都市整備部", "部長", "木村　哲也",
                     "人が集い、にぎわいと魅力のある持続可能なまちの骨格をつくります", [
        Goal(1, m1, "立地適正化計画の策定",
             "人口減少と郊外への市街地の拡散により、中心市街地の空洞化が進んでいる。",
             [("都市計画審議会への報告", "8月"), ("パブリックコメントの実施", "1月～2月"), ("計画の公表", "3月")],
             "都市機能と居住を誘導する区域が定められ、市民と事業者に共有されている。",
             ["庁内検討会議での誘導区域の検討", "地区別の住民説明会の開催", "都市計画審議会での審議"],
             3, "8月に都市計画審議会へ報告し、1月から2月にパブリックコメントを実施した。3月に計画を公表した。"),
        Goal(2, m1, "地域公共交通の再編",
             "路線バスの利用者が減少し、交通空白地域が市内に点在している。",
             "デマンド型乗合タクシーが市内全域で運行され、バス路線の再編案が地域と合意されている。",
             "高齢者など車を運転できない市民が、日常の買い物や通院に不自由なく移動できている。",
             ["地域公共交通会議での協議", "デマンド型乗合タクシーの運行エリアの拡大", "乗り方教室の開催"],
             2, "デマンド型乗合タクシーの運行を全域に拡大したが、バス路線の再編案は感染症の影響で地域との協議が遅れ、合意に"
                "至らなかった。"),
        Goal(3, m2, "公園施設の安全確保とパークマネジメントの推進",
             "設置から30年以上経過した遊具が多く、公園の維持管理を担う愛護会も高齢化している。",
             [("遊具の安全点検", "5月～6月"), ("老朽遊具の更新", "12月"), ("公園愛護会の登録団体", "40団体以上")],
             "子どもが安全に遊べる公園が確保され、地域の住民が主体となって公園を管理・活用している。",
             ["専門業者による遊具の安全点検", "長寿命化計画に基づく遊具の更新", "公園愛護会への活動支援"],
             4, "遊具の安全点検を5月から6月に実施し、12月までに老朽遊具18基を更新した。公園愛護会は43団体となった。"),
    ])


# --------------------------------------------------------------------------------------
# Expected record (computed from the data above, never from an extractor)
# --------------------------------------------------------------------------------------

def nfkc(s: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", s)).strip()


MILESTONE_PERIOD = re.compile(r"^(\d{1,2})月(?:末)?(?:~(\d{1,2})月(?:末)?)?$")


def month_to_ym(fy: int, month: int) -> str:
    return f"{fy if month >= 4 else fy + 1}-{month:02d}"


def expected_goal(m: Manifesto, g: Goal, page: int) -> dict:
    if isinstance(g.target, str):
        target, milestones = nfkc(printed(m, g.target)), []
    else:
        items, milestones = [], []
        for text, period in g.target:
            t = nfkc(printed(m, text))
            p = nfkc(printed(m, period)) if period else None
            items.append("・" + t + (" " + p if p else ""))
            mo = MILESTONE_PERIOD.match(p) if p else None
            if mo:
                start = month_to_ym(m.fiscal_year, int(mo.group(1)))
                end = month_to_ym(m.fiscal_year, int(mo.group(2))) if mo.group(2) else start
                milestones.append({"text": t, "period": p, "start": start, "end": end})
        target = "\n".join(items)
    return {
        "number": g.number,
        "mission": nfkc(printed(m, g.mission)),
        "objective": nfkc(printed(m, g.objective)),
        "current_state": nfkc(printed(m, g.current)),
        "target": target,
        "milestones": milestones,
        "achieved_state": nfkc(printed(m, g.achieved)),
        "means": [nfkc(printed(m, x)) for x in g.means],
        "self_rating": g.rating,
        "rating_reason": nfkc(printed(m, g.reason, "reason")) if g.reason is not None else None,
        "page": page,
    }


def expected_record(m: Manifesto, pdf: Path, pages: dict[int, int]) -> dict:
    data = pdf.read_bytes()
    with pdfplumber.open(pdf) as doc:
        n_pages = len(doc.pages)
    era = nfkc(printed(m, m.era))
    return {
        "source": {"file": pdf.name, "sha256": hashlib.sha256(data).hexdigest(), "pages": n_pages},
        "title": nfkc(p_title(m)),
        "fiscal_year": m.fiscal_year,
        "era": era,
        "department": nfkc(m.department),
        "position": nfkc(m.position),
        "head": nfkc(m.head),
        "aspiration": nfkc(printed(m, m.aspiration)),
        "rating_scale": [{"score": s, "label": nfkc(label)} for s, label in LEGEND],
        "goals": [expected_goal(m, g, pages[g.number]) for g in m.goals],
    }


# --------------------------------------------------------------------------------------
# Excel (openpyxl) layouts
# --------------------------------------------------------------------------------------

FONT_FILES = {
    "IPAexゴシック": "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    "IPAex明朝": "/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf",
}
GRAY = "D9D9D9"


class Measure:
    """Line count of wrapped text, from the font's advance widths (Calc does not auto-fit
    row heights of an imported .xlsx, so the heights are set like an author would)."""

    def __init__(self, font: str):
        from PIL import ImageFont

        self.font = ImageFont.truetype(FONT_FILES[font], 100)
        self.cache: dict[str, float] = {}

    def adv(self, ch: str) -> float:
        if ch not in self.cache:
            self.cache[ch] = self.font.getlength(ch) / 100
        return self.cache[ch]

    def lines(self, text: str, width_pt: float, size: float) -> int:
        avail = width_pt - 6 - size  # cell padding, and one em for kinsoku / word wrap
        n = 0
        for para in text.split("\n"):
            n += 1
            x = 0.0
            for ch in para:
                w = self.adv(ch) * size
                if x + w > avail and x > 0:
                    n += 1
                    x = 0.0
                x += w
        return n


class XL:
    UNIT = 6.9  # points per column-width unit, as LibreOffice lays it out with IPAexゴシック 11 as default font

    def __init__(self, m: Manifesto, widths: list[float], *, landscape=True, scale=80, font="IPAexゴシック",
                 size=9, footer=False):
        import openpyxl
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.page import PageMargins

        self.m, self.widths, self.font, self.size = m, widths, font, size
        self.wb = openpyxl.Workbook()
        self.wb._fonts[0] = Font(name=font, size=11)  # the book's default font, as 游ゴシック 11 in a Japanese Excel
        ws = self.ws = self.wb.active
        ws.title = "マニフェスト"
        for i, w in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.paperSize = 9  # A4
        # fit the columns to the printable width (A4, 0.5in side margins), as an author sets 縮小印刷
        printable = (841.89 if landscape else 595.28) - 72
        scale = min(scale, int(printable / (sum(widths) * self.UNIT) * 100))
        ws.page_setup.scale = scale
        ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6, header=0.3, footer=0.3)
        ws.print_options.horizontalCentered = True
        if footer:
            ws.oddFooter.center.text = "&P / &N"
        ws.sheet_view.showGridLines = False
        created = datetime(m.fiscal_year, 4, 1, 9, 0, 0)
        self.wb.properties.creator = CITY
        self.wb.properties.lastModifiedBy = CITY
        self.wb.properties.created = created
        self.wb.properties.modified = created
        self.measure = Measure(font)
        self.cells: list[tuple[int, int, int, int, str, float]] = []
        self.row_min: dict[int, float] = {}
        self.breaks: list[int] = []

    def width_pt(self, c1: int, c2: int) -> float:
        return sum(self.widths[c - 1] for c in range(c1, c2 + 1)) * self.UNIT

    def put(self, r, c, text, r2=None, c2=None, *, size=None, bold=False, h="left", v="top", fill=False,
            border=True):
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        r2, c2, size = r2 or r, c2 or c, size or self.size
        cell = self.ws.cell(r, c)
        cell.value = text if text != "" else None
        cell.font = Font(name=self.font, size=size, bold=bold)
        cell.alignment = Alignment(horizontal=h, vertical=v, wrap_text=True)
        if fill:
            cell.fill = PatternFill("solid", fgColor=GRAY)
        if border:
            thin = Side(style="thin")
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        if (r2, c2) != (r, c):
            # style every cell of the range (the range's outer border is drawn from these)
            for rr in range(r, r2 + 1):
                for cc in range(c, c2 + 1):
                    if (rr, cc) != (r, c):
                        other = self.ws.cell(rr, cc)
                        other.border, other.fill = copy(cell.border), copy(cell.fill)
            self.ws.merge_cells(start_row=r, start_column=c, end_row=r2, end_column=c2)
        self.cells.append((r, c, r2, c2, text, size))

    def set_height(self, r, h):
        self.row_min[r] = max(self.row_min.get(r, 0), h)

    def page_break_after(self, r):
        from openpyxl.worksheet.pagebreak import Break

        self.ws.row_breaks.append(Break(id=r))

    def finish(self, last_row: int, path: Path, print_titles: str | None = None):
        from openpyxl.utils import get_column_letter

        need = {}
        for r1, c1, r2, c2, text, size in self.cells:
            if text == "":
                continue
            n = self.measure.lines(text, self.width_pt(c1, c2), size)
            need[(r1, c1)] = (n + (1 if n >= 3 else 0)) * size * 1.05 + 6
        heights = {r: self.row_min.get(r, 14.0) for r in range(1, last_row + 1)}
        for (r1, c1, r2, c2, text, size) in self.cells:  # single-row cells first
            if r1 == r2 and (r1, c1) in need:
                heights[r1] = max(heights[r1], need[(r1, c1)])
        for (r1, c1, r2, c2, text, size) in sorted(self.cells, key=lambda t: t[2]):  # then merged down
            if r1 != r2 and (r1, c1) in need:
                have = sum(heights[r] for r in range(r1, r2 + 1))
                if have < need[(r1, c1)]:
                    heights[r2] += need[(r1, c1)] - have
        for r, h in heights.items():
            self.ws.row_dimensions[r].height = round(h * 4) / 4
        self.ws.print_area = f"A1:{get_column_letter(len(self.widths))}{last_row}"
        if print_titles:
            self.ws.print_title_rows = print_titles
        self.wb.save(path)


def xl_top(x: XL, m: Manifesto, ncols: int, label: tuple[int, int], value: tuple[int, int],
           legend: tuple[int, int], legend_style: str, score_col: int | None = None) -> int:
    """Title, subtitle, the 部局名/役職/氏名/抱負 cells and the 業績目標の達成状況 legend. Returns the next row."""
    x.put(1, 1, p_title(m), c2=ncols, size=14, bold=True, h="center", v="center", border=False)
    x.set_height(1, 24)
    r = 2
    if m.subtitle:
        x.put(2, 1, m.subtitle, c2=ncols, size=10, h="center", v="center", border=False)
        r = 3
    x.set_height(r, 8)  # empty spacer row
    r0 = r + 1
    rows = [("部局名", m.department), ("役職", m.position), ("氏名", m.head)]
    for i, (lab, val) in enumerate(rows):
        x.put(r0 + i, label[0], lab, c2=label[1], size=10, bold=True, fill=True, v="center")
        x.put(r0 + i, value[0], val, c2=value[1], size=10, v="center")
    x.put(r0 + 3, label[0], p_aspiration_label(m), r2=r0 + 5, c2=label[1], size=10, bold=True, fill=True, v="center")
    x.put(r0 + 3, value[0], printed(m, m.aspiration), r2=r0 + 5, c2=value[1], size=10, v="center")
    lc1 = score_col if score_col else legend[0]
    x.put(r0, lc1, "業績目標の達成状況", c2=legend[1], size=10, bold=True, fill=True, h="center", v="center")
    if legend_style == "cell":  # one cell, five lines
        text = "\n".join(p_legend(m, s, lab, True) for s, lab in LEGEND)
        x.put(r0 + 1, legend[0], text, r2=r0 + 5, c2=legend[1], size=9, v="center")
    else:
        for i, (s, lab) in enumerate(LEGEND):
            if legend_style == "rows_split":  # [score | label]
                x.put(r0 + 1 + i, score_col, printed(m, str(s)), size=10, h="center", v="center")
                x.put(r0 + 1 + i, legend[0], lab, c2=legend[1], size=9, v="center")
            else:  # rows_dot: 5．label
                x.put(r0 + 1 + i, legend[0], p_legend(m, s, lab, True), c2=legend[1], size=9, v="center")
    for i in range(6):
        x.set_height(r0 + i, 18)
    x.set_height(r0 + 6, 10)
    return r0 + 7


def xl_goals(x: XL, m: Manifesto, r: int, *, layout: str, ncols: int, pages: list[list[int]],
             eval_style: str, shared: list[tuple[int, ...]] = (), level_style="block",
             print_titles=False, rating_halfwidth=False) -> tuple[dict[int, int], int, str | None]:
    """The goals table(s). layout: marker_row (◎部局目標N on its own full-width row above the goal) or
    marker_col (leading 部局目標 column). eval_style: table (達成状況 | 理由 after each page's goals) or
    columns (beside each goal). Returns ({goal: page}, next row, print-title rows)."""
    first = 2 if layout == "marker_col" else 1  # column of 組織使命
    heads = [HEAD_MISSION, HEAD_OBJECTIVE, HEAD_LEVEL, HEAD_MEANS]
    if layout == "marker_col":
        heads = [HEAD_GOAL] + heads
    if eval_style == "columns":
        heads += [p_rating_head(m), HEAD_REASON]
    assert len(heads) == ncols
    page_of: dict[int, int] = {}
    titles = None
    group_of = {n: grp for grp in shared for n in grp}
    for pi, nums in enumerate(pages):
        if pi > 0:
            x.page_break_after(r - 1)
        if pi == 0 or not print_titles:
            for c, head in enumerate(heads, 1):
                x.put(r, c, head, size=9, bold=True, fill=True, h="center", v="center")
            x.set_height(r, 28)
            if pi == 0 and print_titles:
                titles = f"{r}:{r}"
            r += 1
        group_start: dict[tuple, int] = {}
        for n in nums:
            g = m.goal(n)
            page_of[n] = pi + 1
            grp = group_of.get(n)
            if grp:
                assert all(k in nums for k in grp), "a merged mission must stay on one page"
            lead = grp is None or n == grp[0]
            if layout == "marker_row":
                x.put(r, 1 if lead else 2, f"◎部局目標{printed(m, str(n))}", c2=ncols, size=9, bold=True,
                      v="center")
                x.set_height(r, 15)
                if grp and lead:
                    group_start[grp] = r + 1
                r += 1
            else:
                x.put(r, 1, f"◎部局目標{printed(m, str(n))}", size=9, bold=True)
                if grp and lead:
                    group_start[grp] = r
            if grp is None:
                x.put(r, first, printed(m, g.mission), v="center")
            elif n == grp[-1]:
                x.put(group_start[grp], first, printed(m, g.mission), r2=r, v="center")
            x.put(r, first + 1, printed(m, g.objective), v="center")
            x.put(r, first + 2, "\n".join(p_level_lines(m, g, level_style)))
            x.put(r, first + 3, "\n".join(p_means_lines(m, g)))
            if eval_style == "columns":
                x.put(r, first + 4, p_rating(m, g, rating_halfwidth), size=12, bold=True, h="center", v="center")
                x.put(r, first + 5, printed(m, g.reason, "reason") if g.reason else "")
            r += 1
        if eval_style == "table":
            x.set_height(r, 10)
            r += 1
            x.put(r, 1, p_rating_head(m), size=9, bold=True, fill=True, h="center", v="center")
            x.put(r, 2, HEAD_REASON, c2=ncols, size=9, bold=True, fill=True, h="center", v="center")
            x.set_height(r, 18)
            r += 1
            for n in nums:
                g = m.goal(n)
                x.put(r, 1, p_rating(m, g, rating_halfwidth), size=14, bold=True, h="center", v="center")
                x.put(r, 2, printed(m, g.reason, "reason") if g.reason else "", c2=ncols, v="center")
                x.set_height(r, 34)
                r += 1
    return page_of, r, titles


def build_xlsx(m: Manifesto, spec: dict, path: Path) -> dict[int, int]:
    x = XL(m, spec["widths"], landscape=spec.get("landscape", True), scale=spec.get("scale", 80),
           footer=spec.get("footer", False))
    ncols = len(spec["widths"])
    r = xl_top(x, m, ncols, **spec["top"])
    page_of, r, titles = xl_goals(x, m, r, ncols=ncols, **spec["goals"])
    x.finish(r - 1, path, titles)
    return page_of


# --------------------------------------------------------------------------------------
# Word (python-docx) layouts
# --------------------------------------------------------------------------------------

class DX:
    def __init__(self, m: Manifesto, *, landscape=False, font="IPAex明朝", size=9, margin_cm=1.8):
        from docx import Document
        from docx.enum.section import WD_ORIENT
        from docx.oxml.ns import qn
        from docx.shared import Cm, Pt

        self.m = m
        d = self.doc = Document()
        s = d.sections[0]
        if landscape:
            s.orientation = WD_ORIENT.LANDSCAPE
            s.page_width, s.page_height = Cm(29.7), Cm(21.0)
        else:
            s.page_width, s.page_height = Cm(21.0), Cm(29.7)
        s.left_margin = s.right_margin = Cm(margin_cm)
        s.top_margin = s.bottom_margin = Cm(margin_cm)
        self.text_width_cm = (29.7 if landscape else 21.0) - 2 * margin_cm
        st = d.styles["Normal"]
        st.font.name = font
        st.font.size = Pt(size)
        st.element.rPr.rFonts.set(qn("w:eastAsia"), font)
        st.paragraph_format.space_after = Pt(0)
        st.paragraph_format.space_before = Pt(0)
        st.paragraph_format.line_spacing = 1.0
        cp = d.core_properties
        created = datetime(m.fiscal_year, 4, 1, 9, 0, 0)
        cp.author = cp.last_modified_by = CITY
        cp.created = cp.modified = cp.last_printed = created
        cp.revision = 1
        cp.title = p_title(m)

    def para(self, text="", *, size=None, bold=False, center=False, page_break_before=False):
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        p = self.doc.add_paragraph()
        if text:
            run = p.add_run(text)
            run.bold = bold
            if size:
                run.font.size = Pt(size)
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if page_break_before:
            p.paragraph_format.page_break_before = True
        return p

    def table(self, rows: int, widths_cm: list[float]):
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Cm

        t = self.doc.add_table(rows=rows, cols=len(widths_cm))
        t.style = "Table Grid"
        t.autofit = False
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        t._tbl.tblPr.append(layout)
        for i, w in enumerate(widths_cm):
            t.columns[i].width = Cm(w)
            for cell in t.columns[i].cells:
                cell.width = Cm(w)
        return t

    @staticmethod
    def fill(cell, lines, *, bold=False, size=None, center=False, vcenter=False, shade=False):
        from docx.enum.table import WD_ALIGN_VERTICAL
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Pt

        if isinstance(lines, str):
            lines = [lines]
        for i, line in enumerate(lines):
            p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
            if line:
                run = p.add_run(line)
                run.bold = bold
                if size:
                    run.font.size = Pt(size)
            if center:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if vcenter:
            cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
        if shade:
            shd = OxmlElement("w:shd")
            shd.set(qn("w:val"), "clear")
            shd.set(qn("w:color"), "auto")
            shd.set(qn("w:fill"), GRAY)
            cell._tc.get_or_add_tcPr().append(shd)

    @staticmethod
    def repeat_header(row):
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        e = OxmlElement("w:tblHeader")
        e.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().append(e)

    def save(self, path: Path):
        self.doc.save(path)


def dx_top(d: DX, m: Manifesto, legend_style: str, widths: list[float]):
    """Title, subtitle, then the header cells with the legend: `side` = legend beside the header cells
    in one table (5．label rows); `cell` / `rows_split` = header table, then a separate legend table."""
    d.para(p_title(m), size=14, bold=True, center=True)
    if m.subtitle:
        d.para(m.subtitle, size=10, center=True)
    d.para()
    rows = [("部局名", m.department), ("役職", m.position), ("氏名", m.head)]
    if legend_style == "side":
        t = d.table(6, widths)
        for i, (lab, val) in enumerate(rows):
            d.fill(t.cell(i, 0), lab, bold=True, shade=True, vcenter=True)
            d.fill(t.cell(i, 1), val, vcenter=True)
        a = t.cell(3, 0).merge(t.cell(5, 0))
        d.fill(a, p_aspiration_label(m), bold=True, shade=True, vcenter=True)
        b = t.cell(3, 1).merge(t.cell(5, 1))
        d.fill(b, printed(m, m.aspiration), vcenter=True)
        d.fill(t.cell(0, 2), "業績目標の達成状況", bold=True, shade=True, center=True)
        for i, (s, lab) in enumerate(LEGEND):
            d.fill(t.cell(1 + i, 2), p_legend(m, s, lab, True))
        d.para()
        return
    t = d.table(4, widths[:2])
    for i, (lab, val) in enumerate(rows + [(p_aspiration_label(m), printed(m, m.aspiration))]):
        d.fill(t.cell(i, 0), lab, bold=True, shade=True, vcenter=True)
        d.fill(t.cell(i, 1), val, vcenter=True)
    d.para()
    if legend_style == "cell":
        t = d.table(2, [widths[0] + widths[1]])
        d.fill(t.cell(0, 0), "業績目標の達成状況", bold=True, shade=True, center=True)
        d.fill(t.cell(1, 0), [p_legend(m, s, lab, True) for s, lab in LEGEND])
    else:  # rows_split
        t = d.table(6, [1.5, widths[0] + widths[1] - 1.5])
        hdr = t.cell(0, 0).merge(t.cell(0, 1))
        d.fill(hdr, "業績目標の達成状況", bold=True, shade=True, center=True)
        for i, (s, lab) in enumerate(LEGEND):
            d.fill(t.cell(1 + i, 0), printed(m, str(s)), center=True)
            d.fill(t.cell(1 + i, 1), lab)
    d.para()


def dx_goals_table(d: DX, m: Manifesto, nums: list[int], widths: list[float], *, marker_col=False,
                   eval_columns=False, repeat_header=False, level_style="block"):
    heads = [HEAD_MISSION, HEAD_OBJECTIVE, HEAD_LEVEL, HEAD_MEANS]
    if marker_col:
        heads = [HEAD_GOAL] + heads
    if eval_columns:
        heads += [p_rating_head(m), HEAD_REASON]
    assert len(heads) == len(widths)
    per_goal = 1 if marker_col else 2
    t = d.table(1 + per_goal * len(nums), widths)
    for c, h in enumerate(heads):
        d.fill(t.cell(0, c), h, bold=True, shade=True, center=True, vcenter=True)
    if repeat_header:
        d.repeat_header(t.rows[0])
    r = 1
    for n in nums:
        g = m.goal(n)
        marker = f"◎部局目標{printed(m, str(n))}"
        if marker_col:
            d.fill(t.cell(r, 0), marker, bold=True)
            c0 = 1
        else:
            cell = t.cell(r, 0).merge(t.cell(r, len(widths) - 1))
            d.fill(cell, marker, bold=True)
            r += 1
            c0 = 0
        d.fill(t.cell(r, c0), printed(m, g.mission), vcenter=True)
        d.fill(t.cell(r, c0 + 1), printed(m, g.objective), vcenter=True)
        d.fill(t.cell(r, c0 + 2), p_level_lines(m, g, level_style))
        d.fill(t.cell(r, c0 + 3), p_means_lines(m, g))
        if eval_columns:
            d.fill(t.cell(r, c0 + 4), p_rating(m, g), size=12, bold=True, center=True, vcenter=True)
            d.fill(t.cell(r, c0 + 5), printed(m, g.reason, "reason") if g.reason else "")
        r += 1
    d.para()


def dx_eval_table(d: DX, m: Manifesto, nums: list[int], widths: list[float]):
    t = d.table(1 + len(nums), widths)
    d.fill(t.cell(0, 0), p_rating_head(m), bold=True, shade=True, center=True)
    d.fill(t.cell(0, 1), HEAD_REASON, bold=True, shade=True, center=True)
    for i, n in enumerate(nums, 1):
        g = m.goal(n)
        d.fill(t.cell(i, 0), p_rating(m, g), size=12, bold=True, center=True, vcenter=True)
        d.fill(t.cell(i, 1), printed(m, g.reason, "reason") if g.reason else "")


def build_docx(m: Manifesto, spec: dict, path: Path) -> dict[int, int]:
    d = DX(m, landscape=spec.get("landscape", False), font=spec.get("font", "IPAex明朝"), size=spec.get("size", 9))
    dx_top(d, m, spec["legend"], spec["top_widths"])
    page_of = {}
    for i, block in enumerate(spec["blocks"]):
        if i > 0:
            d.para(page_break_before=True)
        dx_goals_table(d, m, block["goals"], spec["widths"], marker_col=spec.get("marker_col", False),
                       eval_columns=spec.get("eval_columns", False), repeat_header=spec.get("repeat_header", False),
                       level_style=spec.get("level_style", "block"))
        if spec.get("eval_table") and block.get("eval", True):
            dx_eval_table(d, m, block.get("eval_goals", block["goals"]), spec["eval_widths"])
        page_of.update(block["pages"])
    d.save(path)
    return page_of


def build_docx_label_value(m: Manifesto, spec: dict, path: Path) -> dict[int, int]:
    """Each goal is its own small table of label | value rows, with ◎部局目標N as a paragraph above it."""
    d = DX(m, landscape=False, font=spec.get("font", "IPAex明朝"), size=spec.get("size", 9.5))
    dx_top(d, m, spec["legend"], spec["top_widths"])
    page_of = {}
    for n in [g.number for g in m.goals]:
        g = m.goal(n)
        page_of[n] = spec["pages"][n]
        d.para(f"◎部局目標{printed(m, str(n))}", size=11, bold=True, page_break_before=n in spec["break_before"])
        rows = [
            (HEAD_MISSION, printed(m, g.mission)),
            (HEAD_OBJECTIVE, printed(m, g.objective)),
            (HEAD_LEVEL, p_level_lines(m, g, spec.get("level_style", "block"))),
            (HEAD_MEANS, p_means_lines(m, g)),
            (p_rating_head(m), p_rating(m, g)),
            (HEAD_REASON, printed(m, g.reason, "reason") if g.reason else ""),
        ]
        t = d.table(len(rows), spec["widths"])
        for i, (lab, val) in enumerate(rows):
            d.fill(t.cell(i, 0), lab, bold=True, shade=True, vcenter=True)
            d.fill(t.cell(i, 1), val, bold=lab == p_rating_head(m))
        d.para()
    d.save(path)
    return page_of


# --------------------------------------------------------------------------------------
# The variants
# --------------------------------------------------------------------------------------

LANDSCAPE_4 = [20, 20, 54, 44]  # 組織使命 | 目標 | 達成水準 | 手段
VARIANTS = [
    dict(
        name="xlsx-landscape-eval-table-shared-mission-r4-somu",
        about="Excel, landscape, iga-like: evaluation in its own 達成状況（自己評価）| 理由 table after each page's "
              "goals; legend as one multi-line cell; ◎部局目標N marker rows; goals 3-4 share one mission cell "
              "merged vertically across goal 4's marker row; 2 pages",
        manifesto=somu_2022, kind="xlsx",
        spec=dict(widths=LANDSCAPE_4, scale=80,
                  top=dict(label=(1, 1), value=(2, 3), legend=(4, 4), legend_style="cell"),
                  goals=dict(layout="marker_row", pages=[[1, 2], [3, 4]], eval_style="table", shared=[(3, 4)],
                             rating_halfwidth=True))),
    dict(
        name="xlsx-landscape-eval-columns-milestones-r5-kensetsu",
        about="Excel, landscape, kenko-like: leading 部局目標 column, 達成状況（自己評価）| 理由 columns beside "
              "each goal; legend as [score | label] rows; inline 〈現在の状態〉 text; milestone variety "
              "(12月末, 10月～3月 across the calendar year, 6月～8月, 8月～9月) and non-milestone bullets "
              "(3.5km以上, 年10回以上, 30橋以下); Ⅲ (NFKC → III); reasons in half-width digits; header row repeated "
              "by print titles, page footer; 2 pages",
        manifesto=kensetsu_2023, kind="xlsx",
        spec=dict(widths=[12, 15, 15, 40, 30, 8, 26], scale=80, footer=True,
                  top=dict(label=(1, 2), value=(3, 4), legend=(7, 7), score_col=6, legend_style="rows_split"),
                  goals=dict(layout="marker_col", pages=[[1, 2], [3]], eval_style="columns", level_style="inline",
                             print_titles=True))),
    dict(
        name="docx-portrait-3goals-r4-kyoiku",
        about="Word, portrait A4, bordered tables: header table, legend as one multi-line cell in its own table, "
              "goals table with ◎部局目標N rows; goal 3 in a second table after a page break; evaluation table "
              "at the end; 4月～3月 (whole fiscal year) milestone; 2 pages",
        manifesto=kyoiku_2022, kind="docx",
        spec=dict(landscape=False, legend="cell", top_widths=[4.5, 12.9], widths=[3.2, 3.0, 6.2, 5.0],
                  eval_table=True, eval_widths=[3.2, 14.2],
                  blocks=[dict(goals=[1, 2], eval=False, pages={1: 1, 2: 1}),
                          dict(goals=[3], eval_goals=[1, 2, 3], pages={3: 2})])),
    dict(
        name="xlsx-8goals-4pages-r6-shimin",
        about="Excel, landscape: 8 goals over 4 pages (row breaks after goals 2, 4, 7); ◎部局目標N marker rows; "
              "達成状況 | 理由 columns beside each goal; goals header row repeated by print titles; "
              "goals 5-7 share one mission cell merged vertically over three goals; legend as 5．label rows",
        manifesto=shimin_2024, kind="xlsx",
        spec=dict(widths=[16, 16, 40, 30, 8, 26], scale=80, footer=True,
                  top=dict(label=(1, 1), value=(2, 3), legend=(4, 6), legend_style="rows_dot"),
                  goals=dict(layout="marker_row", pages=[[1, 2], [3, 4], [5, 6, 7], [8]], eval_style="columns",
                             shared=[(5, 6, 7)], print_titles=True))),
    dict(
        name="docx-row-split-header-repeated-r3-sangyo",
        about="Word, portrait: goal 3's row (long 達成水準 and 手段 cells) breaks across pages 1→2, goals header "
              "row repeated on page 2 (w:tblHeader); legend beside the header cells as 5．label rows; evaluation "
              "table after the goals; 2 pages",
        manifesto=sangyo_2021, kind="docx", split_goal=3,
        spec=dict(landscape=False, legend="side", top_widths=[3.6, 7.4, 6.4], widths=[3.0, 3.0, 6.0, 5.4], size=10.5,
                  eval_table=True, eval_widths=[3.2, 14.2], repeat_header=True,
                  blocks=[dict(goals=[1, 2, 3], pages={1: 1, 2: 1, 3: 1})])),
    dict(
        name="docx-landscape-row-split-no-header-r4-shobo",
        about="Word, landscape: leading 部局目標 column and 達成状況 | 理由 columns; goal 3's row (long 達成水準 and 手段 cells) breaks across "
              "pages 1→2 and the header row is NOT repeated on page 2; inline 〈現在の状態〉 text; "
              "legend beside the header cells; 2 pages",
        manifesto=shobo_2022, kind="docx", split_goal=3,
        spec=dict(landscape=True, legend="side", top_widths=[5.0, 12.0, 9.1], marker_col=True, eval_columns=True,
                  widths=[2.6, 3.4, 3.4, 6.8, 5.2, 1.8, 2.9], level_style="inline", font="IPAexゴシック", size=10,
                  blocks=[dict(goals=[1, 2, 3], pages={1: 1, 2: 1, 3: 1})])),
    dict(
        name="xlsx-start-of-year-unrated-r7-kodomo",
        about="Excel, landscape, start-of-year version: 達成状況（自己評価）| 理由 columns present but empty "
              "(self_rating and rating_reason null); leading 部局目標 column; non-milestone bullet 毎月1回; "
              "3月 → next calendar year; 2 pages",
        manifesto=kodomo_2025, kind="xlsx",
        spec=dict(widths=[12, 15, 15, 40, 30, 8, 26], scale=80, footer=True,
                  top=dict(label=(1, 2), value=(3, 4), legend=(7, 7), score_col=6, legend_style="rows_split"),
                  goals=dict(layout="marker_col", pages=[[1, 2], [3]], eval_style="columns", print_titles=True))),
    dict(
        name="xlsx-portrait-gannen-r1-suido",
        about="Excel, portrait A4: 2019（令和元）年度 (era 令和元); goals 1-2 share a merged mission cell; "
              "evaluation table after the goals; 11月～2月 milestone crossing the calendar year; 1 page",
        manifesto=suido_2019, kind="xlsx",
        spec=dict(widths=[14, 14, 34, 26], landscape=False, scale=80,
                  top=dict(label=(1, 1), value=(2, 3), legend=(4, 4), legend_style="rows_dot"),
                  goals=dict(layout="marker_row", pages=[[1, 2]], eval_style="table", shared=[(1, 2)]))),
    dict(
        name="docx-portrait-heisei30-kankyo",
        about="Word, portrait: 2018（平成30）年度 (era 平成30); legend as [score | label] rows in its own table; "
              "goals table with ◎部局目標N rows, goal 3 after a page break; evaluation table; 3月末 milestone; "
              "2 pages",
        manifesto=kankyo_2018, kind="docx",
        spec=dict(landscape=False, legend="rows_split", top_widths=[4.5, 12.9], widths=[3.2, 3.0, 6.2, 5.0],
                  eval_table=True, eval_widths=[3.2, 14.2],
                  blocks=[dict(goals=[1, 2], eval=False, pages={1: 1, 2: 1}),
                          dict(goals=[3], eval_goals=[1, 2, 3], pages={3: 2})])),
    dict(
        name="xlsx-halfwidth-no-gregorian-r3-bosai",
        about="Excel, landscape, half-width text throughout (ASCII digits, parentheses, DX-style latin): title "
              "'令和3年度 部局マニフェスト' without the Gregorian year; leading 部局目標 column and evaluation "
              "columns; legend as one multi-line cell; 12月末 and 1月～3月 milestones, 15,000人以上 non-milestone; "
              "2 pages",
        manifesto=bosai_2021, kind="xlsx",
        spec=dict(widths=[11, 15, 15, 40, 30, 8, 26], scale=80,
                  top=dict(label=(1, 2), value=(3, 4), legend=(5, 7), legend_style="cell"),
                  goals=dict(layout="marker_col", pages=[[1, 2], [3]], eval_style="columns", level_style="inline"))),
    dict(
        name="docx-goal-label-value-tables-r2-toshi",
        about="Word, portrait: each goal is its own 2-column table of label | value rows (組織使命, 組織使命達成に"
              "向けての目標, 目標の達成水準, 目標を達成するための手段, 達成状況（自己評価）, 理由) with the "
              "◎部局目標N line as a paragraph above it; goals 2 and 3 on page 2",
        manifesto=toshi_2020, kind="docx-lv",
        spec=dict(legend="rows_split", top_widths=[4.5, 12.9], widths=[4.2, 13.2], break_before={2},
                  pages={1: 1, 2: 2, 3: 2})),
]


# --------------------------------------------------------------------------------------
# Conversion, determinism, verification
# --------------------------------------------------------------------------------------

def convert(files: list[Path], outdir: Path, profile: Path):
    exe = shutil.which("libreoffice") or shutil.which("soffice")
    if not exe:
        sys.exit("libreoffice not found: apt-get install -y libreoffice-calc libreoffice-writer fonts-ipaexfont "
                 "fonts-noto-cjk")
    cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
           "--outdir", str(outdir), *map(str, files)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)


def stabilize(data: bytes, stamp: str) -> bytes:
    """Make LibreOffice's output repeatable: fixed /CreationDate, /ID from the content. Same-length
    in-place edits, so the xref offsets stay valid."""
    data = re.sub(rb"/(CreationDate|ModDate)\(D:\d{14}", lambda mo: b"/" + mo.group(1) + b"(D:" + stamp.encode(),
                  data)
    # /ID [<x> <x>] and LibreOffice's /DocChecksum /x hash the export time: replace them by a hash of the rest
    spans = []
    ids = re.search(rb"/ID\s*\[\s*<([0-9A-Fa-f]{32})>\s*<([0-9A-Fa-f]{32})>\s*\]", data)
    if ids:
        spans += [ids.span(1), ids.span(2)]
    checksum = re.search(rb"/DocChecksum\s*/([0-9A-Fa-f]{32})", data)
    if checksum:
        spans.append(checksum.span(1))
    if spans:
        buf = bytearray(data)
        for a, b in spans:
            buf[a:b] = b"0" * (b - a)
        digest = hashlib.md5(bytes(buf)).hexdigest().upper().encode()
        for a, b in spans:
            buf[a:b] = digest
        data = bytes(buf)
    return data


def squash(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or ""))


def cell_text(page, bbox) -> str:
    """Text of the characters whose centre lies inside bbox (glyph boxes may poke over a tight cell's rule)."""
    x0, top, x1, bottom = bbox

    def inside(obj):
        if obj.get("object_type") != "char":
            return False
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return x0 <= cx <= x1 and top <= cy <= bottom

    return page.filter(inside).extract_text() or ""


def pdf_texts(pdf: Path) -> tuple[list[str], list[str], list[str]]:
    """(per-page text, every table cell's text plus cells continued across a page break, per-page text of
    all cells), squashed."""
    pages, cells = [], []
    with pdfplumber.open(pdf) as doc:
        per_page_cells = []
        for page in doc.pages:
            pages.append(squash(page.extract_text() or ""))
            found = []
            for table in page.find_tables():
                for bbox in table.cells:
                    found.append((bbox, squash(cell_text(page, bbox))))
            per_page_cells.append(found)
            cells += [t for _, t in found]
        for a, b in zip(per_page_cells, per_page_cells[1:]):
            if not a or not b:
                continue
            bottom = max(bb[3] for bb, _ in a)
            for (ba, ta) in a:
                if ba[3] < bottom - 1:
                    continue
                for (bb, tb) in b:
                    if abs(ba[0] - bb[0]) < 2 and abs(ba[2] - bb[2]) < 2:
                        cells.append(ta + tb)
    page_cells = ["\x00".join(t for _, t in found) for found in per_page_cells]
    return pages, cells, page_cells


def verify(pdf: Path, rec: dict, split_goal: int | None) -> list[str]:
    pages, cells, page_cells = pdf_texts(pdf)
    everything = cells + pages
    problems = []

    def need(label, value):
        if value is None:
            return
        if squash(value) not in "\x00".join(everything):
            problems.append(f"{label}: {value!r} not found in the PDF text")

    for k in ("title", "department", "position", "head", "aspiration"):
        need(k, rec[k])
    need("era", rec["era"])
    for lv in rec["rating_scale"]:
        need(f"rating_scale {lv['score']}", lv["label"])
    for g in rec["goals"]:
        n = g["number"]
        for k in ("mission", "objective", "current_state", "target", "achieved_state", "rating_reason"):
            need(f"goal {n} {k}", g[k])
        for i, item in enumerate(g["means"]):
            need(f"goal {n} means[{i}]", item)
        for ms in g["milestones"]:
            need(f"goal {n} milestone text", ms["text"])
            need(f"goal {n} milestone period", ms["period"])
            need(f"goal {n} milestone item", ms["text"] + ms["period"])
        if g["self_rating"] is not None and str(g["self_rating"]) not in cells:
            problems.append(f"goal {n} self_rating {g['self_rating']} not found as a cell")
        marker = re.compile("◎部局目標" + str(n) + r"(?!\d)")
        on = [i + 1 for i, t in enumerate(pages) if marker.search(t)]
        if on[:1] != [g["page"]]:
            problems.append(f"goal {n}: constructed on page {g['page']} but its marker is on pages {on}")
        if n == split_goal:
            here, nxt = page_cells[g["page"] - 1], (page_cells[g["page"]] if g["page"] < len(pages) else "")
            tail_on_next = squash(g["means"][-1]) in nxt or squash(g["achieved_state"])[-10:] in nxt
            if not tail_on_next or squash(g["means"][0]) not in here:
                problems.append(f"goal {n}: its row was meant to break across pages {g['page']}→{g['page'] + 1}")
    return problems


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", nargs="*", help="variant names (default: all)")
    ap.add_argument("--keep", type=Path, help="keep the .xlsx/.docx and raw PDFs in this folder")
    args = ap.parse_args(argv)
    for module, package in (("openpyxl", "openpyxl"), ("docx", "python-docx")):
        try:
            __import__(module)
        except ImportError:
            sys.exit(f"needs {package}: .venv/bin/pip install openpyxl python-docx")
    chosen = [v for v in VARIANTS if not args.only or v["name"] in args.only]
    if not chosen:
        sys.exit(f"no such variant; known: {', '.join(v['name'] for v in VARIANTS)}")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="make_samples_") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        built = []
        for v in chosen:
            m = v["manifesto"]()
            builder = {"xlsx": build_xlsx, "docx": build_docx, "docx-lv": build_docx_label_value}[v["kind"]]
            src = work / f"{v['name']}.{v['kind'].split('-')[0]}"
            page_of = builder(m, v["spec"], src)
            assert sorted(page_of) == [g.number for g in m.goals], v["name"]
            built.append((v, m, src, page_of))
        convert([src for _, _, src, _ in built], work, Path(tmp) / "lo-profile")
        failed = False
        for v, m, src, page_of in built:
            raw = work / f"{v['name']}.pdf"
            stamp = f"{m.fiscal_year}0401090000"
            pdf = OUT / f"{v['name']}.pdf"
            pdf.write_bytes(stabilize(raw.read_bytes(), stamp))
            rec = expected_record(m, pdf, page_of)
            (OUT / f"{v['name']}.expected.json").write_text(
                json.dumps(rec, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            problems = verify(pdf, rec, v.get("split_goal"))
            status = "ok" if not problems else "PROBLEMS"
            print(f"{v['name']}: {rec['source']['pages']} pages, {len(rec['goals'])} goals, "
                  f"{pdf.stat().st_size // 1024} KiB, {status}")
            for p in problems:
                print("   ", p)
            failed |= bool(problems)
        if args.only is None:
            write_readme()
    return 1 if failed else 0


def write_readme():
    lines = [
        "# Variant manifestos",
        "",
        "Generated by `scripts/make_samples.py` (rerun by hand: `.venv/bin/python scripts/make_samples.py`).",
        "Each `NAME.pdf` was laid out in an .xlsx (openpyxl) or .docx (python-docx) and converted with",
        "`libreoffice --headless --convert-to pdf`; `NAME.expected.json` is computed from the same",
        "hand-authored content by the rules of shared/CONTRACT.md, never by an extractor.",
        "",
    ]
    lines += [f"- `{v['name']}.pdf`: {v['about']}" for v in VARIANTS]
    (OUT / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
