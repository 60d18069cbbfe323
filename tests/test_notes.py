"""The 注記 as an editable template the system fills in: the markup, the policy sentences
read off the settings, and the CF notes (基礎的財政収支, C17, C18) as worked examples.

The worked example (fiscal 2024, yen, no opening balance) — eleven entries:

 1 税収等 received                  Dr CF 税収等収入 1,000          / Cr NW 税収等 1,000
 2 capital grant received          Dr CF 投資 国県等補助金収入 200  / Cr NW 国県等補助金 200
 3 salaries paid                   Dr PL 職員給与費 400            / Cr CF 人件費支出 400
 4 interest paid                   Dr PL 支払利息 10               / Cr CF 支払利息支出 10
 5 depreciation                    Dr PL 減価償却費 90             / Cr BS 建物減価償却累計額 90
 6 bonus provision                 Dr PL 賞与等引当金繰入額 30     / Cr BS 賞与等引当金 30
 7 goods received, not yet paid    Dr PL 物件費 50                 / Cr BS 未払金 50
 8 a building retired              Dr PL 資産除売却損 20           / Cr BS 建物 20
 9 works paid                      Dr BS 建物 300                  / Cr CF 公共施設等整備費支出 300
10 fund deposit                    Dr BS 財政調整基金 150          / Cr CF 基金積立金支出 150
11 fund withdrawal                 Dr CF 基金取崩収入 40           / Cr BS 財政調整基金 40

CF 業務活動収支 = 1,000 − 400 − 10 = 590.
PL 純行政コスト = 400 + 10 + 90 + 30 + 50 + 20 = 600; NW 財源 = 1,000 + 200 = 1,200;
NW 本年度差額 = 1,200 − 600 = 600. 差額 = 600 − 590 = 10.
CF 投資活動収支 = 200 + 40 − 300 − 150 = −210.
"""

from __future__ import annotations

import pytest

from kokai.core.chart import standard_chart
from kokai.core.issues import InputRejected
from kokai.core.notes import (
    SETTINGS,
    TABLE_NAMES,
    VALUE_NAMES,
    SaleableLine,
    Settled,
    check_template,
    default_template,
    note_tables,
    note_values,
    parse_template,
    provision_policy,
    provisions_sentence,
    render_notes,
    review_items,
)
from kokai.core.statements import build, totals_from_entries
from kokai.report.document import Paragraph, Row, Table

from .conftest import entry, write
from .tiny_city import JOURNALS_CSV, OPENING_CSV

TAX_CF = "CF/業務活動収支/業務収入/税収等収入"
TAX_NW = "NW/財源/税収等"
GRANT_CF = "CF/投資活動収支/投資活動収入/国県等補助金収入"
GRANT_NW = "NW/財源/国県等補助金"
SALARY = "PL/経常費用/業務費用/人件費/職員給与費"
SALARY_CF = "CF/業務活動収支/業務支出/業務費用支出/人件費支出"
INTEREST = "PL/経常費用/業務費用/その他の業務費用/支払利息"
INTEREST_CF = "CF/業務活動収支/業務支出/業務費用支出/支払利息支出"
DEPRECIATION = "PL/経常費用/業務費用/物件費等/減価償却費"
BUILDING = "BS/固定資産/有形固定資産/事業用資産/建物"
BUILDING_ACC = "BS/固定資産/有形固定資産/事業用資産/建物減価償却累計額"
BONUS = "PL/経常費用/業務費用/人件費/賞与等引当金繰入額"
BONUS_BS = "BS/流動負債/賞与等引当金"
GOODS = "PL/経常費用/業務費用/物件費等/物件費"
UNPAID = "BS/流動負債/未払金"
LOSS = "PL/臨時損失/資産除売却損"
WORKS_CF = "CF/投資活動収支/投資活動支出/公共施設等整備費支出"
FUND = "BS/流動資産/基金/財政調整基金"
FUND_IN_CF = "CF/投資活動収支/投資活動支出/基金積立金支出"
FUND_OUT_CF = "CF/投資活動収支/投資活動収入/基金取崩収入"


def statements_of(*entries):
    chart = standard_chart()
    return build(chart, totals_from_entries(chart, entries, 2024), lg_code="999999")


@pytest.fixture(scope="module")
def example():
    return statements_of(
        entry("1", (TAX_CF, 1000), (TAX_NW, -1000)),
        entry("2", (GRANT_CF, 200), (GRANT_NW, -200)),
        entry("3", (SALARY, 400), (SALARY_CF, -400)),
        entry("4", (INTEREST, 10), (INTEREST_CF, -10)),
        entry("5", (DEPRECIATION, 90), (BUILDING_ACC, -90)),
        entry("6", (BONUS, 30), (BONUS_BS, -30)),
        entry("7", (GOODS, 50), (UNPAID, -50)),
        entry("8", (LOSS, 20), (BUILDING, -20)),
        entry("9", (BUILDING, 300), (WORKS_CF, -300)),
        entry("10", (FUND, 150), (FUND_IN_CF, -150)),
        entry("11", (FUND_OUT_CF, 40), (FUND, -40)),
    )


def rows(table: Table) -> list[tuple]:
    return [(r.label, *r.values) for r in table.rows]


def texts(section) -> list[tuple[int, str]]:
    return [(p.level, p.text) for p in section.paragraphs if isinstance(p, Paragraph)]


# --- the template -------------------------------------------------------------------------

TINY = """\
; a comment, not printed
# 重要な会計方針
## 減価償却の方法
{減価償却の方法}

# 追加情報
本年度の基礎的財政収支は{基礎的財政収支}です。
{{table:内訳}}
! 該当事項はありません。
"""


def test_a_tiny_template_renders_headings_paragraphs_and_the_table_in_place():
    table = Table("注記_内訳", "内訳", ("金額",), (Row("業務活動収支", (500,)),))
    values = {"減価償却の方法": "定額法によっています。\n耐用年数は省令によります。", "基礎的財政収支": "500円"}
    sections, issues = render_notes(TINY, values, {"内訳": table})
    assert issues == []
    [notes] = sections
    assert notes.title == "注記"
    assert notes.paragraphs == (
        Paragraph("重要な会計方針", 1),
        Paragraph("減価償却の方法", 2),
        Paragraph("定額法によっています。", 3),  # a value of two lines makes two paragraphs
        Paragraph("耐用年数は省令によります。", 3),
        Paragraph("追加情報", 1),
        Paragraph("本年度の基礎的財政収支は500円です。", 3),
        table,
        Paragraph("該当事項はありません。", 3),  # the 団体's own paragraph, printed as written
    )


def test_a_table_with_nothing_to_show_is_left_out_but_its_name_must_be_known():
    sections, issues = render_notes(TINY, {"減価償却の方法": "x", "基礎的財政収支": "0円"}, {"内訳": None})
    assert issues == []
    assert not any(isinstance(p, Table) for p in sections[0].paragraphs)


def test_an_unknown_placeholder_is_refused_with_its_line_never_printed_blank():
    sections, issues = render_notes(TINY, {"減価償却の方法": "x"}, {"内訳": None}, file="notes.txt")
    assert sections == []
    [issue] = issues
    assert (issue.file, issue.row) == ("notes.txt", 7)  # 本年度の基礎的財政収支は{基礎的財政収支}です。
    assert "{基礎的財政収支}" in issue.message
    _sections, issues = render_notes(TINY, {"減価償却の方法": "x", "基礎的財政収支": "0円"}, {})
    assert [(i.row, "table:内訳" in i.message) for i in issues] == [(8, True)]


def test_syntax_errors_are_reported_line_by_line():
    text = "本文が先\n# 見出し\n### 三段目\n閉じない {波かっこ\n{{table:表}} のあとに文\n{}\n# \n"
    parts, issues = parse_template(text, file="t.txt")
    expected = [
        (1, "最初の見出し（# …）より前に本文があります"),
        (3, "見出しは「#」（見出し）と「##」（小見出し）の2段階です"),
        (4, "波かっこ { } が対になっていません"),
        (5, "表の差し込みは {{table:名前}} だけを1行に書いてください"),
        (6, "{ } の中に名前がありません"),
        (7, "見出しの文がありません"),
    ]
    assert len(issues) == len(expected)
    for issue, (row, start) in zip(issues, expected, strict=True):
        assert (issue.file, issue.row) == ("t.txt", row) and issue.message.startswith(start)
    assert [p.text for p in parts] == ["見出し"]


def test_full_width_markers_are_accepted():
    parts, issues = parse_template("＃ 偶発債務\n！ 該当事項はありません。\n")
    assert issues == []
    assert [(p.kind, p.text) for p in parts] == [("heading", "偶発債務"), ("own", "該当事項はありません。")]


def test_the_default_template_follows_the_note_list_and_knows_every_name(example):
    text = default_template()
    assert check_template(text) == []
    parts, _ = parse_template(text)
    headings = [p.text for p in parts if p.kind == "heading"]
    assert headings == ["重要な会計方針", "重要な会計方針の変更等", "重要な後発事象", "偶発債務", "追加情報"]
    used_tables = {p.text for p in parts if p.kind == "table"}
    assert used_tables == set(TABLE_NAMES)
    values = note_values(statements=example, settings={})
    assert set(values) == set(VALUE_NAMES)
    assert set(note_tables(statements=example)) == set(TABLE_NAMES)
    sections, issues = render_notes(text, values, note_tables(statements=example))
    assert issues == [] and len(sections) == 1
    # paragraphs the 団体 must complete are listed, those with 【要記載】 first
    review = review_items(text)
    assert "【要記載】" in review[0].message and "健全化判断比率" in review[0].message
    assert any("重要な後発事象" in i.message for i in review)


# --- policy sentences from the settings ---------------------------------------------------


def test_the_depreciation_sentence_follows_the_start_year_setting(example):
    default = note_values(statements=example, settings={"assets.convention": "next_year"})["減価償却の方法"]
    assert "定額法により、供用開始の翌年度から行っています。" in default
    assert "1円未満の端数は切り捨てています" in default
    assert "有形固定資産は備忘価額1円を残し、無形固定資産は残存価額を零としています" in default
    monthly = note_values(statements=example, settings={"assets.convention": "monthly", "assets.rounding": "half_up"})
    assert "供用開始の年度から月割り（供用開始の月を含む。）で行っています" in monthly["減価償却の方法"]
    assert "四捨五入しています" in monthly["減価償却の方法"]


def test_thresholds_lease_and_repairs_print_the_amounts_in_force(example):
    v = note_values(statements=example, settings={
        "assets.movable_threshold": "1000000", "assets.lease_min_months": "24", "notes.repair_amount": "200000",
        "notes.consumption_tax": "税抜方式",
    })
    assert v["物品及びソフトウェアの計上基準"].startswith("物品は、取得価額又は見積価格が100万円（美術品は300万円）以上")
    assert v["物品の計上基準額"] == "100万円"
    assert "リース期間が2年を超え、かつ、リース料総額が300万円を超える" in v["リース取引の処理方法"]
    assert "1件の支出額が20万円未満" in v["資本的支出と修繕費の区分基準"]
    assert v["消費税等の会計処理"] == "消費税及び地方消費税の会計処理は、税抜方式によっています。"
    defaults = {s.key: s.default for s in SETTINGS}
    assert defaults["notes.consumption_tax"] == "税込方式"


def test_provisions_listed_are_those_the_books_hold(example):
    """The example holds 賞与等引当金 30 only; a closing run of 徴収不能引当金 adds it even at 0.
    The order is that of the published notes (徴収不能引当金 before 賞与等引当金)."""
    only_bonus = provisions_sentence(example, {}, {}).split("\n")
    assert len(only_bonus) == 1 and only_bonus[0].startswith("① 賞与等引当金　翌年度6月支給予定の期末手当")
    both = provisions_sentence(example, {}, {"doubtful": [["不納欠損率", 0]]}).split("\n")
    assert [line[:9] for line in both] == ["① 徴収不能引当金", "② 賞与等引当金　"]
    nothing = statements_of(entry("1", (TAX_CF, 1), (TAX_NW, -1)))
    assert provisions_sentence(nothing, {}, {}) == "計上している引当金はありません。"


def test_each_provision_prints_the_method_its_closing_item_computes_with():
    """The keys and defaults are those of kokai.core.closing (bonus, doubtful, retirement,
    investments): changing a setting changes the sentence."""
    assert "（支給対象期間の4/6）" in provision_policy("bonus", {})
    assert "洗替法" in provision_policy("bonus", {"bonus.method": "洗替"})
    assert "充当しています" in provision_policy("bonus", {"bonus.method": "充当", "bonus.ratio": "2/3"})
    assert "過去5年間の各年度の不納欠損率の平均" in provision_policy("doubtful", {})
    pooled = provision_policy("doubtful", {"doubtful.method": "欠損額合計÷基準額合計", "doubtful.years": "3"})
    assert "過去3年間の不納欠損額の合計を基準額の合計で除した不納欠損率" in pooled
    assert "期末自己都合要支給額" in provision_policy("retirement", {"retirement.union": "非加入"})
    assert provision_policy("retirement", {"retirement.union": "加入"}).startswith("退職手当組合に加入しているため")
    assert "30％以上低下した場合" in provision_policy("investments", {})
    # a value this module does not know yet is printed, never dropped
    assert "（bonus.method：新方式）" in provision_policy("bonus", {"bonus.method": "新方式"})


# --- CF notes -----------------------------------------------------------------------------


def test_c17_reconciles_business_cash_to_the_year_difference_line_by_line(example):
    """590 (業務活動収支) + 200 (capital grant: a 財源, but 投資活動 cash) − 90 (減価償却費)
    − 30 (賞与等引当金繰入額) − 20 (資産除売却損) − 50 (その他: the unpaid 物件費, found as
    the balancing figure) = 600 = 本年度差額."""
    table = note_tables(statements=example)["業務活動収支と本年度差額の差額内訳"]
    assert rows(table) == [
        ("資金収支計算書の業務活動収支", 590),
        ("投資活動収入の国県等補助金収入", 200),
        ("減価償却費", -90),
        ("賞与等引当金繰入額", -30),
        ("資産除売却損益（売却益 − 除売却損）", -20),
        ("その他（未収金・未払金等の増減、引当金の取崩し等）", -50),
        ("純資産変動計算書の本年度差額", 600),
    ]
    total = table.rows[-1]
    assert total.sum_of == tuple((1, i) for i in range(6))
    assert sum(r.values[0] for r in table.rows[:-1]) == total.values[0] == example.amount("NW/本年度差額")
    assert "その他" in table.notes[0]
    v = note_values(statements=example, settings={})
    assert v["業務活動収支と本年度差額の差額"] == "10円"
    assert v["業務活動収支と本年度差額の差額の説明"].startswith("資金収支計算書の業務活動収支（590円）と純資産変動計算書の本年度差額（600円）")


def test_primary_balance_excludes_interest_and_fund_movements(example):
    """590 + 10 (支払利息支出) − 210 (投資活動収支) + 150 (基金積立金支出) − 40 (基金取崩収入) = 500;
    i.e. 業務 without interest 600 + 投資 without funds (200 − 300 = −100) = 500."""
    table = note_tables(statements=example)["基礎的財政収支の内訳"]
    assert rows(table) == [
        ("業務活動収支", 590), ("支払利息支出（加算）", 10), ("投資活動収支", -210),
        ("基金積立金支出（加算）", 150), ("基金取崩収入（減算）", -40), ("基礎的財政収支", 500),
    ]
    assert note_values(statements=example, settings={})["基礎的財政収支"] == "500円"


def test_c18_settled_totals_against_cf_receipts_and_payments(example):
    """CF 収入 = 1,000 + 200 + 40 = 1,240; 支出 = 410 + 300 + 150 = 860.
    決算: 歳入 1,500 of which 繰越金 250, 歳出 870.
    収入: 1,500 − 250 = 1,250, so その他 = 1,240 − 1,250 = −10; 支出: 860 − 870 = −10."""
    table = note_tables(statements=example, settled=Settled(1500, 870, 250))["既存の決算情報との関連性"]
    assert table.columns == ("収入（歳入）", "支出（歳出）")
    assert rows(table) == [
        ("歳入歳出決算額", 1500, 870),
        ("繰越金に伴う差額", -250, None),
        ("その他の差額", -10, -10),
        ("資金収支計算書", 1240, 860),
    ]
    exact = note_tables(statements=example, settled=Settled(1490, 860, 250))["既存の決算情報との関連性"]
    assert [r.label for r in exact.rows] == ["歳入歳出決算額", "繰越金に伴う差額", "資金収支計算書"]
    assert exact.notes == ()
    assert note_tables(statements=example)["既存の決算情報との関連性"] is None
    assert "取り込まれていない" in note_values(statements=example, settings={})["既存の決算情報との関連性"]


def test_amounts_in_the_text_are_rounded_once_in_the_display_unit():
    """業務活動収支 1,234,567 yen: 1,235千円 (四捨五入), 1,234千円 (切り捨て); the table keeps yen."""
    st = statements_of(entry("1", (TAX_CF, 1_234_567), (TAX_NW, -1_234_567)))
    assert note_values(statements=st, settings={}, unit="千円")["業務活動収支"] == "1,235千円"
    assert note_values(statements=st, settings={}, unit="千円", rounding="切り捨て")["業務活動収支"] == "1,234千円"
    assert note_tables(statements=st)["基礎的財政収支の内訳"].rows[0].values == (1_234_567,)


def test_guarantees_and_saleable_assets_from_the_closing_run_and_the_register(example):
    """The guarantees item's figures (one loss compensation of 5,000, 1,000 of it fixed, 400
    counted in the provision): 5,000 − 1,000 = 4,000 not yet fixed, of which 400 provided and
    3,600 off the balance sheet. Its working figures about the provision are not printed."""
    figures = {"guarantees": [
        ["保証債務及び損失補償債務の総額", 5000], ["うち損失補償債務", 5000], ["うち保証債務", 0],
        ["確定債務額", 1000], ["履行すべき額が確定していないもの", 4000], ["うち損失補償等引当金計上額", 400],
        ["うち貸借対照表未計上額", 3600], ["損失補償等引当金繰入額（減少は負）", 400],
    ]}
    saleable = [SaleableLine("事業用資産　土地", 1, 600), SaleableLine("事業用資産　建物", 2, 700)]
    v = note_values(statements=example, settings={}, closing_figures=figures, saleable=saleable)
    t = note_tables(statements=example, closing_figures=figures, saleable=saleable)
    assert v["偶発債務"] == "保証債務及び損失補償債務の状況は、次のとおりです。"
    assert rows(t["保証債務及び損失補償債務"]) == [
        ("保証債務及び損失補償債務の総額", 5000), ("うち損失補償債務", 5000), ("うち保証債務", 0),
        ("確定債務額", 1000), ("履行すべき額が確定していないもの", 4000), ("うち損失補償等引当金計上額", 400),
        ("うち貸借対照表未計上額", 3600),
    ]
    assert [r.level for r in t["保証債務及び損失補償債務"].rows] == [1, 2, 2, 1, 1, 2, 2]
    assert rows(t["売却可能資産"]) == [("事業用資産　土地", 1, 600), ("事業用資産　建物", 2, 700), ("合計", 3, 1300)]
    assert t["売却可能資産"].kinds == ("count", "yen")
    none = note_values(statements=example, settings={})
    assert none["偶発債務"] == "保証債務及び損失補償債務については、該当事項はありません。"
    assert none["売却可能資産"] == "該当事項はありません。"
    assert note_tables(statements=example)["保証債務及び損失補償債務"] is None


# --- the Django side: a small ledger ----------------------------------------------------

SETTLED_CSV = """\
会計年度,会計区分,歳入歳出区分,款,項,目,節,決算額,款名
2024,一般会計,歳入,1,1,1,1,900,市税
2024,一般会計,歳入,20,1,1,1,500,繰越金
2024,一般会計,歳出,2,1,1,2,300,総務費
2024,一般会計,歳出,2,1,1,15,400,総務費
"""
REGISTER_CSV = (
    "資産番号,枝番,資産名称,所在地,管理所属,資産区分,種目,耐用年数,取得年月日,供用開始年月日,取得価額,"
    "減価償却累計額,数量,単位,行政目的,所有区分,所有者,美術品,売却可能\n"
    "L001,0,旧倉庫敷地,本町2-1,財政課,事業用資産,土地,,2000-04-01,2000-04-01,600,0,300,m2,総務,所有,,,○\n"
    "B001,0,旧倉庫,本町2-1,財政課,事業用資産,建物,38,2000-04-01,2000-04-01,1000,400,100,m2,総務,所有,,,○\n"
    "A001,0,庁舎,本町1-1,総務課,事業用資産,建物,38,2000-04-01,2000-04-01,2000,800,500,m2,総務,所有,,,\n"
)


@pytest.fixture
def town(lg, tmp_path):
    """テスト市 (tests/tiny_city.py) with its 決算額 and a register of three assets, two saleable."""
    from kokai.assets.services import import_register
    from kokai.cash.services import import_settled
    from kokai.ledger.imports import import_journals, import_opening

    import_opening(lg=lg, path=write(tmp_path, "open.csv", OPENING_CSV), fiscal_year=2024)
    import_journals(lg=lg, path=write(tmp_path, "j.csv", JOURNALS_CSV))
    import_settled(lg=lg, path=write(tmp_path, "settled.csv", SETTLED_CSV))
    import_register(lg=lg, path=write(tmp_path, "register.csv", REGISTER_CSV), fiscal_year=2024)
    return lg


def section_of(lg, **kw):
    from kokai.report.notes import notes_sections

    [section] = notes_sections(lg=lg, fiscal_year=2024, **kw)
    tables = {p.title: p for p in section.paragraphs if isinstance(p, Table)}
    return [t for _l, t in texts(section)], tables


def test_notes_sections_on_the_tiny_city(town):
    """テスト市 2024: 業務活動収支 = 900 (税収等収入) − 300 (人件費支出) = 600; 本年度差額 =
    900 − (300 + 100 減価償却費) = 500, so C17 is 600 − 100 = 500 with nothing left over.
    投資活動収支 = −400, so 基礎的財政収支 = 600 − 400 = 200.
    決算額: 歳入 900 + 500 (繰越金) = 1,400, 歳出 700; CF 収入 900 = 1,400 − 500, 支出 700.
    歳計外現金 50 + 20 = 70. 無償所管換等 70 (the donated land) is a non-cash transaction.
    売却可能資産: 旧倉庫敷地 600 and 旧倉庫 1,000 − 400 = 600 (the 庁舎 is not saleable)."""
    paragraphs, tables = section_of(town)
    assert rows(tables["業務活動収支と本年度差額の差額内訳"]) == [
        ("資金収支計算書の業務活動収支", 600), ("減価償却費", -100), ("純資産変動計算書の本年度差額", 500),
    ]
    assert rows(tables["基礎的財政収支の内訳"])[-1] == ("基礎的財政収支", 200)
    assert rows(tables["既存の決算情報との関連性"]) == [
        ("歳入歳出決算額", 1400, 700), ("繰越金に伴う差額", -500, None), ("資金収支計算書", 900, 700),
    ]
    assert rows(tables["売却可能資産"]) == [
        ("事業用資産　土地", 1, 600), ("事業用資産　建物", 1, 600), ("合計", 2, 1200),
    ]
    assert "本年度末の歳計外現金残高は70円（前年度末残高50円、本年度増減額20円）です。" in paragraphs[paragraphs.index("歳計外現金の状況") + 1]
    assert "重要な非資金取引として、無償所管換等70円を純資産変動計算書に計上しています。" in paragraphs
    assert "本財務書類は一般会計等を対象としており、対象とする会計は一般会計です。" in paragraphs
    assert any("令和7年4月1日から令和7年5月31日まで" in p for p in paragraphs)
    assert "保証債務及び損失補償債務については、該当事項はありません。" in paragraphs


def test_a_setting_changes_the_printed_policy(town):
    from kokai.ledger.lg_settings import set_setting

    before, _ = section_of(town)
    assert any("物品は、取得価額又は見積価格が50万円" in p for p in before)
    set_setting(lg=town, key="assets.movable_threshold", value="1,000,000")
    set_setting(lg=town, key="notes.consumption_tax", value="税抜方式")
    after, _ = section_of(town, unit="千円")
    assert any("物品は、取得価額又は見積価格が100万円" in p for p in after)
    assert "消費税及び地方消費税の会計処理は、税抜方式によっています。" in after
    assert any(p.startswith("金額は千円単位で表示し、千円未満を四捨五入しています。") for p in after)
    # 繰越金 found by its 款 instead of its name: 款1 (市税 900) taken as 繰越金 shows the
    # setting is used — 1,400 − 900 = 500 ≠ CF 収入 900, so その他の差額 400 appears
    set_setting(lg=town, key="notes.carryover_kan", value="1")
    _p, tables = section_of(town)
    assert rows(tables["既存の決算情報との関連性"])[1:3] == [("繰越金に伴う差額", -900, None), ("その他の差額", 400, 0)]


def test_the_template_is_exported_edited_and_imported_with_checks(town, tmp_path):
    from kokai.closing.models import NoteTemplate
    from kokai.report.notes import export_template, import_template, reset_template

    path = export_template(town, tmp_path / "notes.txt")
    text = path.read_text(encoding="utf-8")
    assert text == default_template()

    lines = text.splitlines()
    at = lines.index("! 該当事項はありません。", lines.index("# 重要な後発事象")) + 1  # 1-based line number
    lines[at - 1] = "! 令和7年4月1日に、○○町と合併しました。{合併の日}"
    bad = write(tmp_path, "bad.txt", "\n".join(lines) + "\n")
    with pytest.raises(InputRejected) as refused:
        import_template(town, bad)
    [issue] = refused.value.issues
    assert (issue.file, issue.row) == ("bad.txt", at) and "{合併の日}" in issue.message
    assert not NoteTemplate.objects.filter(lg=town).exists()  # nothing stored

    lines[at - 1] = "! 令和7年4月1日に、○○町と合併しました。"
    good = write(tmp_path, "good.txt", "\n".join(lines) + "\n", encoding="cp932")
    assert import_template(town, good) is True
    assert import_template(town, good) is False  # the same text again changes nothing
    paragraphs, _ = section_of(town)
    after = paragraphs.index("重要な後発事象")
    assert paragraphs[after + 1:after + 3] == ["令和7年4月1日に、○○町と合併しました。", "偶発債務"]
    assert export_template(town, tmp_path / "again.txt").read_text(encoding="utf-8") == "\n".join(lines) + "\n"

    assert reset_template(town) is True
    paragraphs, _ = section_of(town)
    assert paragraphs[paragraphs.index("重要な後発事象") + 1] == "該当事項はありません。"
