"""The 注記 (notes) as an editable template whose figures the system fills in, Django-free.

The template
------------
Plain text, one element per line (the shipped default is ``data/notes_template.txt``, in
the order of statements.md §9)::

    # 重要な会計方針                 a numbered heading (１．… numbered by the renderer)
    ## 有形固定資産等の減価償却の方法  a sub-heading ((1) … numbered by the renderer)
    有形固定資産等は、…             a body paragraph
    {減価償却の方法}                 a value the system fills in (anywhere in a line)
    {{table:基礎的財政収支の内訳}}   a small table the system fills in (alone on its line)
    ! 該当事項はありません。          a paragraph the 団体 writes itself (the default text
                                     is printed as it stands; :func:`review_items` lists
                                     them, and those still holding 【要記載】, for review)
    ; comment                        not printed; blank lines are not printed either

``＃`` and ``！`` are accepted for ``#`` and ``!``. A literal brace is written full-width
(｛｝). A value may hold several lines: each becomes a paragraph. A table the system has
nothing for (no 売却可能資産, no guarantees) is simply not printed; its sentence says
「該当事項はありません」. An unknown ``{name}`` is an :class:`Issue` with its line number,
never a silent blank.

The figures
-----------
:func:`note_values` and :func:`note_tables` compute everything from plain data: the
statements, the 団体's settings (so a policy sentence cannot drift from the setting the
calculation used), the last closing run's working figures, the 決算額 totals and the
register's 売却可能資産. Amounts in the text are formatted once, in the display unit
(:func:`kokai.core.units.format_amount`); the tables hold exact yen and the renderer
rounds them.

* 基礎的財政収支 = 業務活動収支 + 支払利息支出 + 投資活動収支 + 基金積立金支出 −
  基金取崩収入 (業務活動収支 without interest paid, 投資活動収支 without the fund
  movements; statements.md §10 [U-H], as 総務省's 業務・投資活動収支).
* 業務活動収支と本年度差額の差額内訳 (C17, [U-M]): from the CF 業務活動収支 to the NW
  本年度差額, line by line: + 国県等補助金収入 of 投資活動 (a 財源 in the NW, not 業務
  cash), − 減価償却費, − each 引当金繰入額, + 資産売却益 − 資産除売却損, and 「その他」 the
  remainder (accruals such as 未収金・未払金 and provisions used), computed as the
  balancing figure and said so under the table. The table therefore adds up exactly.
* 既存の決算情報との関連性 (C18, [U-M]): 歳入 / 歳出 決算額 (the 決算額 of the funds in
  scope) − 繰越金 (歳入 only; 繰越金 is 前年度末資金残高, not a CF 収入) + the remaining
  difference = CF 収入 (業務収入 + 臨時収入 + 投資活動収入 + 財務活動収入) / CF 支出
  (業務支出 + 臨時支出 + 投資活動支出 + 財務活動支出). 歳計外現金 is in neither.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from kokai.report.document import COUNT, YEN, Paragraph, Row, Table, TextSection

from .checks_more import SettlementTotals
from .closing.base import SettingSpec
from .issues import Issue
from .parse import wareki_date, wareki_year
from .statements import NW_TOTAL, Statements
from .units import format_amount, rounding_note

SECTION_KEY = "注記"
TO_FILL = "【要記載】"

SETTINGS = [
    SettingSpec(
        "notes.fund_scope_text", "資金の範囲（注記）",
        "歳計現金（出納整理期間における取引により発生する資金の受払いを含む。）",
        "資金収支計算書における資金の範囲。注記に「資金の範囲は、○○としています。」と印刷する",
    ),
    SettingSpec("notes.consumption_tax", "消費税等の会計処理", "税込方式",
                "消費税及び地方消費税の会計処理の方式", ("税込方式", "税抜方式")),
    SettingSpec("notes.repair_amount", "修繕費とする支出額の基準（円）", "600000",
                "1件の支出額がこの額未満のものは修繕費とする（資本的支出と修繕費の区分基準。"
                "法人税基本通達7-8-4に倣う既定値 [U]）"),
    SettingSpec("notes.repair_ratio", "修繕費とする前年度末取得価額の割合（%）", "10",
                "前年度末の取得価額のこの割合以下の支出は修繕費とする（同上 [U]）"),
    SettingSpec("notes.saleable_scope", "売却可能資産の範囲", "普通財産のうち、活用が図られていない資産及び売却が決定している資産",
                "固定資産台帳で売却可能資産とした資産の範囲。注記にそのまま印刷する"),
    SettingSpec("notes.carryover_kan", "繰越金の款（決算額）", "自動",
                "既存の決算情報との関連性で繰越金とする歳入の款。自動: 款名が「繰越金」の款、"
                "なければ令和2年度以降は款20、それより前は款19（市町村の款）"),
]

VALUE_NAMES = {
    "団体名": "団体の名称",
    "会計年度": "令和6年度 の形",
    "会計年度末": "令和7年3月31日 の形",
    "出納閉鎖日": "令和7年5月31日 の形",
    "表示単位": "円・千円・百万円",
    "物品の計上基準額": "設定 assets.movable_threshold（50万円 の形）",
    "美術品の計上基準額": "設定 assets.art_threshold",
    "ソフトウェアの計上基準額": "設定 assets.software_threshold",
    "減価償却の方法": "設定 assets.convention・rounding・memo_value_* からの文",
    "引当金の計上基準": "計上している引当金ごとの文（決算整理の項目の設定から）",
    "リース取引の処理方法": "設定 assets.lease_min_months・lease_min_total からの文",
    "資金の範囲": "設定 notes.fund_scope_text からの文",
    "物品及びソフトウェアの計上基準": "物品・美術品・ソフトウェアの計上基準額の文",
    "資本的支出と修繕費の区分基準": "設定 notes.repair_amount・repair_ratio からの文",
    "消費税等の会計処理": "設定 notes.consumption_tax からの文",
    "偶発債務": "決算整理（損失補償等引当金）の計算の内訳からの文",
    "対象範囲": "一般会計等に含める会計の名称",
    "出納整理期間の取扱い": "出納整理期間の文（年度の日付入り）",
    "表示単位未満の取扱い": "表示単位と端数処理の文",
    "歳計外現金の状況": "資金収支計算書の歳計外現金の文",
    "売却可能資産": "固定資産台帳の売却可能資産の文",
    "業務活動収支": "資金収支計算書の業務活動収支（金額）",
    "本年度差額": "純資産変動計算書の本年度差額（金額）",
    "業務活動収支と本年度差額の差額": "本年度差額 − 業務活動収支（金額）",
    "業務活動収支と本年度差額の差額の説明": "差額内訳の表の前の文",
    "基礎的財政収支": "基礎的財政収支（金額）",
    "基礎的財政収支の説明": "基礎的財政収支の文",
    "既存の決算情報との関連性": "歳入歳出決算との関係の表の前の文",
    "重要な非資金取引": "純資産変動計算書の無償所管換等・資産評価差額からの文",
}
TABLE_NAMES = {
    "保証債務及び損失補償債務": "決算整理（損失補償等引当金）の計算の内訳",
    "売却可能資産": "固定資産台帳の売却可能資産（科目別の件数と貸借対照表計上額）",
    "基礎的財政収支の内訳": "業務活動収支・支払利息支出・投資活動収支・基金積立金支出・基金取崩収入",
    "既存の決算情報との関連性": "歳入歳出決算額と資金収支計算書の収入・支出",
    "業務活動収支と本年度差額の差額内訳": "業務活動収支から本年度差額まで（C17）",
}
_TABLE_KEYS = {
    "保証債務及び損失補償債務": "注記_保証債務等",
    "売却可能資産": "注記_売却可能資産",
    "基礎的財政収支の内訳": "注記_基礎的財政収支",
    "既存の決算情報との関連性": "注記_既存の決算情報",
    "業務活動収支と本年度差額の差額内訳": "注記_業務活動収支と本年度差額",
}


@cache
def default_template() -> str:
    return resources.files("kokai.core").joinpath("data/notes_template.txt").read_text(encoding="utf-8")


# --- the template ------------------------------------------------------------------------

HEADING, SUBHEADING, TEXT, TABLE, OWN = "heading", "subheading", "text", "table", "own"
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_TABLE_LINE = re.compile(r"^\{\{table:([^{}]+)\}\}$")


@dataclass(frozen=True, slots=True)
class Part:
    """One element of a template: ``kind`` is heading, subheading, text, table or own (a
    paragraph the 団体 writes); ``names`` the ``{…}`` in its text; ``line`` 1-based."""

    kind: str
    text: str
    line: int
    names: tuple[str, ...] = ()


def parse_template(text: str, *, file: str = "") -> tuple[tuple[Part, ...], list[Issue]]:
    """The template's parts in order, and every problem with its line number."""
    parts: list[Part] = []
    issues: list[Issue] = []

    def bad(message: str, line: int) -> None:
        issues.append(Issue(message, file=file, row=line))

    seen_heading = False
    for n, raw in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith((";", "；")):
            continue
        marker = unicodedata.normalize("NFKC", line[:3])
        if marker.startswith("#"):
            depth = len(marker) - len(marker.lstrip("#"))
            body = line[depth:].strip()
            if depth > 2:
                bad("見出しは「#」（見出し）と「##」（小見出し）の2段階です", n)
                continue
            if not body:
                bad("見出しの文がありません。「# 重要な会計方針」のように書いてください", n)
                continue
            if depth == 2 and not seen_heading:
                bad("小見出しより前に見出し（# …）が必要です", n)
            seen_heading = True
            kind = HEADING if depth == 1 else SUBHEADING
        elif (m := _TABLE_LINE.match(line)) is not None:
            kind, body = TABLE, m.group(1).strip()
        elif "{{" in line or "}}" in line:
            bad("表の差し込みは {{table:名前}} だけを1行に書いてください", n)
            continue
        elif marker.startswith("!"):
            kind, body = OWN, line[1:].strip()
        else:
            kind, body = TEXT, line
        if kind != HEADING and not seen_heading:
            bad("最初の見出し（# …）より前に本文があります。見出しの下に移してください", n)
            continue
        names: tuple[str, ...] = ()
        if kind != TABLE:
            names = tuple(x.strip() for x in _PLACEHOLDER.findall(body))
            rest = _PLACEHOLDER.sub("", body)
            if "{" in rest or "}" in rest:
                bad("波かっこ { } が対になっていません。文字として印刷するときは全角の ｛ ｝ を使ってください", n)
                continue
            if "" in names:
                bad("{ } の中に名前がありません", n)
                continue
        parts.append(Part(kind, body, n, names))
    if not issues and not parts:
        bad("注記のひな形が空です", 1)
    return tuple(parts), issues


def unknown_names(parts: Sequence[Part], values: Mapping[str, object], tables: Mapping[str, object],
                  *, file: str = "") -> list[Issue]:
    """An Issue for every ``{name}`` not in ``values`` and table not in ``tables``."""
    issues = []
    for p in parts:
        if p.kind == TABLE:
            if p.text not in tables:
                issues.append(Issue(f"表「{{{{table:{p.text}}}}}」はありません。使える表: {'、'.join(tables)}",
                                    file=file, row=p.line))
            continue
        for name in p.names:
            if name not in values:
                issues.append(Issue(f"差し込み項目「{{{name}}}」はありません。名前を確かめてください"
                                    f"（使える項目: {'、'.join(values)}）", file=file, row=p.line))
    return issues


def check_template(text: str, *, file: str = "") -> list[Issue]:
    """Every problem of a template a 団体 wants to store: syntax and unknown names."""
    parts, issues = parse_template(text, file=file)
    return issues or unknown_names(parts, VALUE_NAMES, TABLE_NAMES, file=file)


def review_items(text: str, *, file: str = "") -> list[Issue]:
    """The paragraphs the 団体 writes itself (``!``), to review each year; those still
    holding 【要記載】 first."""
    parts, _issues = parse_template(text, file=file)
    heading = ""
    todo, review = [], []
    for p in parts:
        if p.kind in (HEADING, SUBHEADING):
            heading = p.text
        elif p.kind == OWN:
            if TO_FILL in p.text:
                todo.append(Issue(f"「{heading}」: {TO_FILL}の箇所を書き換えてください", file=file, row=p.line))
            else:
                review.append(Issue(f"「{heading}」: 団体が記載する段落です。内容を確認してください", file=file, row=p.line))
    return todo + review


def render_notes(
    template: str, values: Mapping[str, str], tables: Mapping[str, Table | None], *, file: str = ""
) -> tuple[list[TextSection], list[Issue]]:
    """The 注記 as one text section (headings level 1, sub-headings level 2, body level 3,
    tables in place), or no section and the issues (unknown names with their line)."""
    parts, issues = parse_template(template, file=file)
    issues = issues or unknown_names(parts, values, tables, file=file)
    if issues:
        return [], issues
    out: list[Paragraph | Table] = []
    for p in parts:
        if p.kind == TABLE:
            t = tables[p.text]
            if t is not None:
                out.append(t)
            continue
        text = _PLACEHOLDER.sub(lambda m: str(values[m.group(1).strip()]), p.text)
        level = {HEADING: 1, SUBHEADING: 2}.get(p.kind, 3)
        for piece in text.split("\n") if level == 3 else [text]:
            if piece.strip():
                out.append(Paragraph(piece.strip(), level))
    return [TextSection(SECTION_KEY, "注記", tuple(out))], []


# --- the figures -------------------------------------------------------------------------


# The year's 決算額 totals of the funds in scope (歳入, 歳出, the 繰越金 within 歳入): the
# same value C18 compares (kokai.core.checks_more).
Settled = SettlementTotals


@dataclass(frozen=True, slots=True)
class SaleableLine:
    """売却可能資産 of one BS line: its label, the number of assets and their book value."""

    label: str
    count: int
    book_value: int


@dataclass(frozen=True, slots=True)
class Provision:
    key: str  # the closing item (kokai.core.closing) that books it
    name: str
    lines: tuple[str, ...]  # BS and PL lines (qualified paths) that show it is used


PROVISIONS = (  # in the order of published notes
    Provision("investments", "投資損失引当金",
              ("BS/固定資産/投資その他の資産/投資損失引当金", "PL/臨時損失/投資損失引当金繰入額")),
    Provision("doubtful", "徴収不能引当金",
              ("BS/固定資産/投資その他の資産/徴収不能引当金", "BS/流動資産/徴収不能引当金",
               "PL/経常費用/業務費用/その他の業務費用/徴収不能引当金繰入額")),
    Provision("retirement", "退職手当引当金",
              ("BS/固定負債/退職手当引当金", "PL/経常費用/業務費用/人件費/退職手当引当金繰入額")),
    Provision("guarantees", "損失補償等引当金",
              ("BS/固定負債/損失補償等引当金", "PL/臨時損失/損失補償等引当金繰入額")),
    Provision("bonus", "賞与等引当金",
              ("BS/流動負債/賞与等引当金", "PL/経常費用/業務費用/人件費/賞与等引当金繰入額")),
)


def _choice(settings: Mapping[str, str], key: str, default: str, sentences: Mapping[str, str]) -> str:
    """The sentence for a closing item's choice; a value this module does not know yet is
    printed as it stands rather than dropped."""
    value = settings.get(key) or default
    return sentences.get(value, f"（{key}：{value}）")


def provision_policy(key: str, settings: Mapping[str, str]) -> str:
    """The 計上基準 of one 引当金, from the settings its closing item computes with
    (kokai.core.closing.<key>: the keys and defaults are those items' SETTINGS)."""
    if key == "investments":
        pct = _int(settings, "investments.decline_percent", 30)
        return ("市場価格のない投資及び出資金のうち、連結対象団体（会計）に対するものについて、実質価額が出資金額に"
                f"比べて{pct}％以上低下した場合に、出資金額と実質価額との差額を計上しています。")
    if key == "doubtful":
        years = _int(settings, "doubtful.years", 5)
        rate = _choice(settings, "doubtful.method", "各年度の率の平均", {
            "各年度の率の平均": f"過去{years}年間の各年度の不納欠損率の平均",
            "欠損額合計÷基準額合計": f"過去{years}年間の不納欠損額の合計を基準額の合計で除した不納欠損率",
        })
        return f"未収金、長期延滞債権及び貸付金について、{rate}により算定した徴収不能見込額を計上しています。"
    if key == "retirement":
        return _choice(settings, "retirement.union", "非加入", {
            "非加入": "会計年度末に在職する職員が自己都合により退職した場合の退職手当の要支給額（期末自己都合要支給額）"
                      "を計上しています。",
            "加入": "退職手当組合に加入しているため、組合における期末自己都合要支給額から、組合への負担金の累計額と"
                    "組合が支給した退職手当の累計額との差額及び組合の運用益等の按分額を控除した額を計上しています。",
        })
    if key == "guarantees":
        return ("履行すべき額が確定していない損失補償債務等のうち、地方公共団体の財政の健全化に関する法律に規定する"
                "将来負担比率の算定に含めた将来負担額を計上しています。")
    if key == "bonus":
        ratio = settings.get("bonus.ratio") or "4/6"
        method = _choice(settings, "bonus.method", "洗替", {
            "洗替": "前年度末の計上額は戻し入れ、本年度末の見込額を改めて計上しています（洗替法）。",
            "充当": "前年度末の計上額は、6月に支給した期末手当及び勤勉手当に充当しています。",
        })
        return ("翌年度6月支給予定の期末手当及び勤勉手当の見込額のうち、当該会計年度に属する期間に対応する額"
                f"（支給対象期間の{ratio}）及びそれに係る法定福利費相当額を計上しています。{method}")
    raise KeyError(key)


_CONVENTION = {
    "next_year": "供用開始の翌年度から行っています",
    "monthly": "供用開始の年度から月割り（供用開始の月を含む。）で行っています",
    "same_year": "供用開始の年度から1年分を行っています",
}
_ROUNDING = {"floor": "切り捨てています", "half_up": "四捨五入しています", "ceil": "切り上げています"}


def man_yen(amount: int) -> str:
    """A threshold in words: 500000 → 50万円, 3000000 → 300万円, 123456 → 123,456円."""
    return f"{amount // 10_000:,}万円" if amount and amount % 10_000 == 0 else f"{amount:,}円"


def _text(settings: Mapping[str, str], key: str) -> str:
    """A notes setting's value, or its documented default."""
    return settings.get(key) or next(s.default for s in SETTINGS if s.key == key)


def _int(settings: Mapping[str, str], key: str, default: int) -> int:
    try:
        return int(str(settings.get(key, default)).replace(",", ""))
    except ValueError:
        return default


def depreciation_sentence(settings: Mapping[str, str]) -> str:
    conv = settings.get("assets.convention", "next_year")
    when = _CONVENTION.get(conv, f"開始年度の扱いを「{conv}」として行っています")
    tangible = _int(settings, "assets.memo_value_tangible", 1)
    intangible = _int(settings, "assets.memo_value_intangible", 0)
    keep_t = f"備忘価額{tangible:,}円を残し" if tangible else "残存価額を零とし"
    keep_i = f"備忘価額{intangible:,}円を残しています" if intangible else "残存価額を零としています"
    rounding = _ROUNDING.get(settings.get("assets.rounding", "floor"), "切り捨てています")
    return (
        "有形固定資産等（土地、立木竹、建設仮勘定及び美術品を除く。）の減価償却は、「減価償却資産の耐用年数等に"
        "関する省令」（昭和40年大蔵省令第15号）に定める耐用年数及び償却率に基づく定額法により、"
        f"{when}。1年分の償却額の1円未満の端数は{rounding}。\n"
        f"耐用年数を経過した有形固定資産は{keep_t}、無形固定資産は{keep_i}。"
        "有形固定資産は減価償却累計額を控除する形式（間接法）、無形固定資産は減価償却額を直接控除した額（直接法）で"
        "表示しています。"
    )


def lease_sentence(settings: Mapping[str, str]) -> str:
    months = _int(settings, "assets.lease_min_months", 12)
    term = f"{months // 12}年" if months % 12 == 0 else f"{months}か月"
    total = man_yen(_int(settings, "assets.lease_min_total", 3_000_000))
    return (
        f"ファイナンス・リース取引のうち、リース期間が{term}を超え、かつ、リース料総額が{total}を超えるものは、"
        "通常の売買取引に係る方法に準じた会計処理を行っています。それ以外のリース取引は、通常の賃貸借取引に係る"
        "方法に準じた会計処理を行っています。"
    )


def thresholds_sentence(settings: Mapping[str, str]) -> str:
    movable = man_yen(_int(settings, "assets.movable_threshold", 500_000))
    art = man_yen(_int(settings, "assets.art_threshold", 3_000_000))
    software = man_yen(_int(settings, "assets.software_threshold", 500_000))
    return (
        f"物品は、取得価額又は見積価格が{movable}（美術品は{art}）以上のものを資産として計上しています。"
        f"ソフトウェアは、取得価額又は見積価格が{software}以上のものを無形固定資産として計上しています。"
    )


def repair_sentence(settings: Mapping[str, str]) -> str:
    amount = man_yen(_int(settings, "notes.repair_amount", 600_000))
    ratio = _int(settings, "notes.repair_ratio", 10)
    return (
        f"資本的支出と修繕費の区分は、1件の支出額が{amount}未満であるもの、又は当該固定資産の前年度末の取得価額の"
        f"概ね{ratio}％相当額以下であるものを修繕費として処理しています。"
    )


def provisions_sentence(statements: Statements, settings: Mapping[str, str],
                        closing_figures: Mapping[str, object]) -> str:
    """One line per 引当金 the books hold (a BS or PL line not zero, or its closing item
    ran this year), numbered ①②…, each with the method in force."""
    lines = [
        f"{p.name}　{provision_policy(p.key, settings)}" for p in PROVISIONS
        if p.key in closing_figures or any(_amount(statements, path) for path in p.lines)
    ]
    if not lines:
        return "計上している引当金はありません。"
    return "\n".join(f"{'①②③④⑤⑥⑦⑧⑨'[i]} {text}" for i, text in enumerate(lines))


def _amount(statements: Statements, path: str, column: str = NW_TOTAL) -> int:
    try:
        return statements.amount(path, column)
    except KeyError:
        return 0


GUARANTEE_LABELS = (  # kokai.core.closing.guarantees.notes_figures, in its order
    "保証債務及び損失補償債務の総額", "うち損失補償債務", "うち保証債務", "確定債務額",
    "履行すべき額が確定していないもの", "うち損失補償等引当金計上額", "うち貸借対照表未計上額",
)


def guarantee_rows(closing_figures: Mapping[str, object]) -> list[tuple[str, int]]:
    """The 偶発債務 figures of the guarantees item's last run (保証債務及び損失補償債務の総額,
    確定債務額, 履行すべき額が確定していないもの …), in the order the item gives them."""
    rows = closing_figures.get("guarantees") or []
    return [(str(label), int(amount)) for label, amount in rows if label in GUARANTEE_LABELS]  # type: ignore[union-attr]


@dataclass(frozen=True)
class _Flows:
    business: int
    difference: int
    investing: int
    interest: int
    fund_in: int
    fund_out: int
    capital_grants: int


def _flows(st: Statements) -> _Flows:
    inv = "CF/投資活動収支"
    return _Flows(
        business=_amount(st, "CF/業務活動収支"),
        difference=_amount(st, "NW/本年度差額"),
        investing=_amount(st, inv),
        interest=_amount(st, "CF/業務活動収支/業務支出/業務費用支出/支払利息支出"),
        fund_in=_amount(st, f"{inv}/投資活動支出/基金積立金支出"),
        fund_out=_amount(st, f"{inv}/投資活動収入/基金取崩収入"),
        capital_grants=_amount(st, f"{inv}/投資活動収入/国県等補助金収入"),
    )


def primary_balance(st: Statements) -> int:
    f = _flows(st)
    return f.business + f.interest + f.investing + f.fund_in - f.fund_out


def cf_totals(st: Statements) -> tuple[int, int]:
    """(収入, 支出) of the CF: every section's receipts and payments (歳計外 excluded)."""
    receipts = ("業務活動収支/業務収入", "業務活動収支/臨時収入", "投資活動収支/投資活動収入", "財務活動収支/財務活動収入")
    payments = ("業務活動収支/業務支出", "業務活動収支/臨時支出", "投資活動収支/投資活動支出", "財務活動収支/財務活動支出")
    return (sum(_amount(st, f"CF/{p}") for p in receipts), sum(_amount(st, f"CF/{p}") for p in payments))


def note_values(
    *,
    statements: Statements,
    settings: Mapping[str, str],
    closing_figures: Mapping[str, object] | None = None,
    settled: Settled | None = None,
    saleable: Sequence[SaleableLine] = (),
    unit: str = "円",
    rounding: str = "四捨五入",
    lg_name: str = "",
    funds: Sequence[str] = (),
) -> dict[str, str]:
    """Every value of :data:`VALUE_NAMES`, as text."""
    st, figures = statements, closing_figures or {}
    fy = st.fiscal_year

    def yen(amount: int) -> str:
        return f"{format_amount(amount, unit, rounding)}{unit}"

    flows = _flows(st)
    pb = primary_balance(st)
    custodial = [_amount(st, f"CF/{n}") for n in ("前年度末歳計外現金残高", "本年度歳計外現金増減額", "本年度末歳計外現金残高")]
    non_cash = [(n, _amount(st, f"NW/{n}")) for n in ("無償所管換等", "資産評価差額")]
    non_cash = [(n, a) for n, a in non_cash if a]
    guarantees = [r for r in guarantee_rows(figures) if r[1]]
    scope_setting = _text(settings, "notes.saleable_scope")
    c18 = (
        "歳入歳出決算額と資金収支計算書の収入及び支出との関係は、次のとおりです。"
        if settled is not None else
        "歳入歳出決算額が取り込まれていないため、既存の決算情報との関連性は記載していません。"
    )
    return {
        "団体名": lg_name,
        "会計年度": wareki_year(fy),
        "会計年度末": wareki_date(dt.date(fy + 1, 3, 31)),
        "出納閉鎖日": wareki_date(dt.date(fy + 1, 5, 31)),
        "表示単位": unit,
        "物品の計上基準額": man_yen(_int(settings, "assets.movable_threshold", 500_000)),
        "美術品の計上基準額": man_yen(_int(settings, "assets.art_threshold", 3_000_000)),
        "ソフトウェアの計上基準額": man_yen(_int(settings, "assets.software_threshold", 500_000)),
        "減価償却の方法": depreciation_sentence(settings),
        "引当金の計上基準": provisions_sentence(st, settings, figures),
        "リース取引の処理方法": lease_sentence(settings),
        "資金の範囲": (
            f"資金収支計算書における資金の範囲は、{_text(settings, 'notes.fund_scope_text')}"
            "としています。なお、歳計外現金は資金の範囲に含めず、資金収支計算書の末尾に別に記載しています。"
        ),
        "物品及びソフトウェアの計上基準": thresholds_sentence(settings),
        "資本的支出と修繕費の区分基準": repair_sentence(settings),
        "消費税等の会計処理": (
            f"消費税及び地方消費税の会計処理は、{_text(settings, 'notes.consumption_tax')}によっています。"
        ),
        "偶発債務": (
            "保証債務及び損失補償債務の状況は、次のとおりです。" if guarantees
            else "保証債務及び損失補償債務については、該当事項はありません。"
        ),
        "対象範囲": (
            f"本財務書類は一般会計等を対象としており、対象とする会計は{'、'.join(funds) or '一般会計'}です。"
        ),
        "出納整理期間の取扱い": (
            "地方自治法第235条の5に基づき出納整理期間が設けられているため、出納整理期間"
            f"（{wareki_date(dt.date(fy + 1, 4, 1))}から{wareki_date(dt.date(fy + 1, 5, 31))}まで）における"
            "現金の受払い等を終了した後の計数をもって、会計年度末"
            f"（{wareki_date(dt.date(fy + 1, 3, 31))}）の計数としています。"
        ),
        "表示単位未満の取扱い": rounding_note(unit, rounding),
        "歳計外現金の状況": (
            f"本年度末の歳計外現金残高は{yen(custodial[2])}（前年度末残高{yen(custodial[0])}、"
            f"本年度増減額{yen(custodial[1])}）です。歳計外現金は資金収支計算書の資金に含めず、"
            "貸借対照表の現金預金に含めています。"
        ),
        "売却可能資産": (
            f"売却可能資産は、固定資産台帳で売却可能資産とした資産（{scope_setting}）であり、"
            "その貸借対照表計上額は次のとおりです。" if saleable else "該当事項はありません。"
        ),
        "業務活動収支": yen(flows.business),
        "本年度差額": yen(flows.difference),
        "業務活動収支と本年度差額の差額": yen(flows.difference - flows.business),
        "業務活動収支と本年度差額の差額の説明": (
            f"資金収支計算書の業務活動収支（{yen(flows.business)}）と純資産変動計算書の本年度差額"
            f"（{yen(flows.difference)}）との差額{yen(flows.difference - flows.business)}の内訳は、次のとおりです。"
        ),
        "基礎的財政収支": yen(pb),
        "基礎的財政収支の説明": (
            f"基礎的財政収支は{yen(pb)}です。業務活動収支（支払利息支出を除く。）と投資活動収支"
            "（基金積立金支出及び基金取崩収入を除く。）の合計により算定しています。"
        ),
        "既存の決算情報との関連性": c18,
        "重要な非資金取引": (
            "重要な非資金取引として、" + "、".join(f"{n}{yen(a)}" for n, a in non_cash)
            + "を純資産変動計算書に計上しています。" if non_cash else "該当事項はありません。"
        ),
    }


def _table(name: str, columns: tuple[str, ...], rows: list[Row], *, kinds: tuple[str, ...] = (),
           notes: tuple[str, ...] = ()) -> Table:
    return Table(_TABLE_KEYS[name], name, columns, tuple(rows), kinds=kinds, group=SECTION_KEY,
                 label_header="区分", notes=notes)


def _total(label: str, n: int, width: int = 1) -> Row:
    return Row(label, (None,) * width, bold=True, sum_of=tuple((1, i) for i in range(n)))


def _filled(table_rows: list[Row], columns: int) -> list[Row]:
    """Compute the values of sum rows (kept exact in yen) from their children."""
    out: list[Row] = []
    for r in table_rows:
        if r.sum_of:
            vals = tuple(
                sum(s * (out[i].values[c] or 0) for s, i in r.sum_of) for c in range(columns)  # type: ignore[operator]
            )
            r = Row(r.label, vals, r.level, r.bold, r.sum_of)
        out.append(r)
    return out


def difference_rows(st: Statements) -> list[tuple[str, int]]:
    """C17 from 業務活動収支 to 本年度差額: (label, amount) lines whose sum is 本年度差額.
    「その他」 is the balancing figure (accruals, provisions used …), present only when not 0."""
    f = _flows(st)
    pl_lines = [
        ("減価償却費", "PL/経常費用/業務費用/物件費等/減価償却費"),
        ("賞与等引当金繰入額", "PL/経常費用/業務費用/人件費/賞与等引当金繰入額"),
        ("退職手当引当金繰入額", "PL/経常費用/業務費用/人件費/退職手当引当金繰入額"),
        ("徴収不能引当金繰入額", "PL/経常費用/業務費用/その他の業務費用/徴収不能引当金繰入額"),
        ("投資損失引当金繰入額", "PL/臨時損失/投資損失引当金繰入額"),
        ("損失補償等引当金繰入額", "PL/臨時損失/損失補償等引当金繰入額"),
    ]
    lines = [("投資活動収入の国県等補助金収入", f.capital_grants)]
    lines += [(label, -_amount(st, path)) for label, path in pl_lines]
    lines.append(("資産除売却損益（売却益 − 除売却損）", _amount(st, "PL/臨時利益/資産売却益") - _amount(st, "PL/臨時損失/資産除売却損")))
    lines = [(label, a) for label, a in lines if a]
    other = f.difference - f.business - sum(a for _l, a in lines)
    if other:
        lines.append(("その他（未収金・未払金等の増減、引当金の取崩し等）", other))
    return [("資金収支計算書の業務活動収支", f.business), *lines]


def note_tables(
    *,
    statements: Statements,
    closing_figures: Mapping[str, object] | None = None,
    settled: Settled | None = None,
    saleable: Sequence[SaleableLine] = (),
) -> dict[str, Table | None]:
    """Every table of :data:`TABLE_NAMES` (None when there is nothing to print), exact yen."""
    st = statements
    f = _flows(st)
    out: dict[str, Table | None] = {}

    rows = [Row(label, (amount,), level=2 if label.startswith("うち") else 1)
            for label, amount in guarantee_rows(closing_figures or {})]
    out["保証債務及び損失補償債務"] = (
        _table("保証債務及び損失補償債務", ("金額",), rows) if any(r.values[0] for r in rows) else None
    )

    if saleable:
        rows = [Row(s.label, (s.count, s.book_value), level=2) for s in saleable]
        rows.append(_total("合計", len(rows), 2))
        out["売却可能資産"] = _table("売却可能資産", ("件数", "貸借対照表計上額"), _filled(rows, 2), kinds=(COUNT, YEN))
    else:
        out["売却可能資産"] = None

    rows = [
        Row("業務活動収支", (f.business,)),
        Row("支払利息支出（加算）", (f.interest,), level=2),
        Row("投資活動収支", (f.investing,)),
        Row("基金積立金支出（加算）", (f.fund_in,), level=2),
        Row("基金取崩収入（減算）", (-f.fund_out,), level=2),
    ]
    rows.append(_total("基礎的財政収支", len(rows)))
    out["基礎的財政収支の内訳"] = _table("基礎的財政収支の内訳", ("金額",), _filled(rows, 1))

    if settled is None:
        out["既存の決算情報との関連性"] = None
    else:
        cf_in, cf_out = cf_totals(st)
        other_in = cf_in - (settled.revenue - settled.carried_forward)
        other_out = cf_out - settled.expenditure
        rows = [
            Row("歳入歳出決算額", (settled.revenue, settled.expenditure)),
            Row("繰越金に伴う差額", (-settled.carried_forward, None), level=2),
        ]
        notes: tuple[str, ...] = ()
        if other_in or other_out:
            rows.append(Row("その他の差額", (other_in, other_out), level=2))
            notes = ("「その他の差額」は、資金収支計算書の額と歳入歳出決算額（繰越金に伴う差額を除く。）との差額です。",)
        rows.append(_total("資金収支計算書", len(rows), 2))
        out["既存の決算情報との関連性"] = _table(
            "既存の決算情報との関連性", ("収入（歳入）", "支出（歳出）"), _filled(rows, 2), notes=notes
        )

    lines = difference_rows(st)
    rows = [Row(label, (a,), level=1 if i == 0 else 2) for i, (label, a) in enumerate(lines)]
    rows.append(_total("純資産変動計算書の本年度差額", len(rows)))
    notes = ()
    if lines[-1][0].startswith("その他"):
        notes = ("「その他」は、本年度差額と業務活動収支との差額から上記の各項目を差し引いた額です。",)
    out["業務活動収支と本年度差額の差額内訳"] = _table(
        "業務活動収支と本年度差額の差額内訳", ("金額",), _filled(rows, 1), notes=notes
    )
    return out
