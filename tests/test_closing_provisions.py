"""Closing items as worked examples: 賞与等引当金, 退職手当引当金, 未払金等 and the
引当金の明細 — a small table in, the entries an accountant would write out.

Pure kernel, no database: ``python3 -m pytest tests/test_closing_provisions.py -q -p no:django``.
Balances are signed as in the ledger (debit +): a liability of 65,000,000 is −65_000_000.
"""

from __future__ import annotations

from decimal import Decimal

from kokai.core.closing import bonus, payables, retirement
from kokai.core.closing.provisions_table import provisions_table

from .closing_helpers import booked, context, figure, inputs, where

BONUS_LIAB = "BS/流動負債/賞与等引当金"
BONUS_CHARGE = "PL/経常費用/業務費用/人件費/賞与等引当金繰入額"
SALARIES = "PL/経常費用/業務費用/人件費/職員給与費"
RET_LIAB = "BS/固定負債/退職手当引当金"
RET_CHARGE = "PL/経常費用/業務費用/人件費/退職手当引当金繰入額"


# ------------------------------------------------------------------ 賞与等引当金

BONUS_ROWS = [
    {"区分": "一般行政職", "期末・勤勉手当見込額": 60_000_000, "法定福利費率": Decimal("0.165")},
    {"区分": "教育職", "期末・勤勉手当見込額": 30_000_000, "法定福利費見込額": 4_950_000},
]


def test_bonus_renewal_books_only_the_difference_in_one_entry():
    """洗替 (the default). 一般行政職: 法定福利費 60,000,000 × 16.5% = 9,900,000;
    (60,000,000 + 9,900,000) × 4/6 = 69,900,000 × 2/3 = 46,600,000.
    教育職: (30,000,000 + 4,950,000) × 4/6 = 34,950,000 × 2/3 = 23,300,000.
    Wanted 46,600,000 + 23,300,000 = 69,900,000; the books hold last year's 65,000,000.
    Reverse 65,000,000 (Cr 繰入額) and book 69,900,000 (Dr 繰入額), netted:
    Dr 繰入額 4,900,000 / Cr 賞与等引当金 4,900,000."""
    out = bonus.compute(inputs(賞与等引当金=BONUS_ROWS),
                        context({BONUS_LIAB: -65_000_000}, {BONUS_LIAB: -65_000_000}))
    assert out.ok
    assert booked(out) == [{BONUS_CHARGE: 4_900_000, BONUS_LIAB: -4_900_000}]
    assert out.entries[0].voucher_no == "決算-bonus-1"
    assert figure(out, "法定福利費見込額") == 9_900_000 + 4_950_000
    assert figure(out, "賞与等引当金 本年度末残高") == 69_900_000
    assert figure(out, "賞与等引当金 本年度減少額（その他）") == 65_000_000
    assert figure(out, "賞与等引当金繰入額") == 4_900_000


def test_bonus_use_method_reclassifies_last_years_provision_against_salaries():
    """充当: the June payment was charged to 職員給与費 by the cash conversion, so last
    year's 65,000,000 is taken up against it (Dr 賞与等引当金 / Cr 職員給与費 65,000,000),
    and this year's 69,900,000 is booked in full (Dr 繰入額 / Cr 賞与等引当金)."""
    out = bonus.compute(inputs(賞与等引当金=BONUS_ROWS), context({BONUS_LIAB: -65_000_000}, **{"bonus.method": "充当"}))
    assert booked(out) == [
        {BONUS_LIAB: 65_000_000, SALARIES: -65_000_000},
        {BONUS_CHARGE: 69_900_000, BONUS_LIAB: -69_900_000},
    ]
    assert figure(out, "賞与等引当金 本年度減少額（目的使用）") == 65_000_000


def test_bonus_ratio_setting_and_rounding_down_per_row():
    """Ratio 3/6 (a body whose bonus period is counted from January): 1,000,001 × 1/2 =
    500,000.5 → 500,000 (切捨て). With 4/6: 1,000,001 × 2/3 = 666,667.33 → 666,667."""
    rows = [{"区分": "全体", "期末・勤勉手当見込額": 1_000_001}]
    half = bonus.compute(inputs(賞与等引当金=rows), context(**{"bonus.ratio": "3/6"}))
    assert booked(half) == [{BONUS_CHARGE: 500_000, BONUS_LIAB: -500_000}]
    two_thirds = bonus.compute(inputs(賞与等引当金=rows), context())
    assert booked(two_thirds) == [{BONUS_CHARGE: 666_667, BONUS_LIAB: -666_667}]


def test_bonus_bad_inputs_are_reported_with_their_place_and_nothing_is_booked():
    rows = [
        {"区分": "", "期末・勤勉手当見込額": 100},  # no group
        {"区分": "A", "期末・勤勉手当見込額": -5},  # negative
        {"区分": "B", "期末・勤勉手当見込額": 100, "法定福利費率": Decimal("0.1"), "法定福利費見込額": 10},  # both
        {"区分": "C", "期末・勤勉手当見込額": None},  # missing
    ]
    out = bonus.compute(inputs(賞与等引当金=rows), context(**{"bonus.ratio": "7/6", "bonus.method": "月割"}))
    assert out.entries == ()
    assert where(out) == [
        ("設定", None, "bonus.method"),
        ("設定", None, "bonus.ratio"),
        ("賞与等引当金", 2, "区分"),
        ("賞与等引当金", 3, "期末・勤勉手当見込額"),
        ("賞与等引当金", 4, "法定福利費見込額"),
        ("賞与等引当金", 5, "期末・勤勉手当見込額"),
    ]
    assert "負の金額 -5円" in out.issues[3].message
    assert "どちらか一方" in out.issues[4].message


def test_bonus_is_repeatable_and_books_nothing_when_the_books_already_hold_it():
    """Same inputs twice → the same entries. Books already at 69,900,000 → 洗替 reverses
    69,900,000 and books 69,900,000: nothing is left to post."""
    data, ctx = inputs(賞与等引当金=BONUS_ROWS), context({BONUS_LIAB: -65_000_000})
    assert bonus.compute(data, ctx).entries == bonus.compute(data, ctx).entries
    assert bonus.compute(data, context({BONUS_LIAB: -69_900_000})).entries == ()


# ------------------------------------------------------------------ 退職手当引当金

STAFF_ROWS = [
    {"職員区分": "一般職", "氏名・区分": "総務課長", "期末自己都合要支給額": 25_000_000},
    {"職員区分": "一般職", "氏名・区分": "主事（12人）", "人数": 12, "給料月額": 3_000_000, "支給率": "10.5"},
    {"職員区分": "特別職", "氏名・区分": "市長", "期末自己都合要支給額": 12_345_678},
]


def test_retirement_non_member_books_the_difference_after_reclassifying_payments():
    """一般職 25,000,000 + 3,000,000 × 10.5 = 31,500,000 → 56,500,000; 特別職 12,345,678;
    wanted 68,845,678. Last year's provision 70,000,000; the conversion charged 8,000,000 of
    payments to it (books 62,000,000). One more payment of 1,500,000 went to 職員給与費:
    Dr 退職手当引当金 / Cr 職員給与費 1,500,000 → the books hold 60,500,000.
    繰入額 = 68,845,678 − 60,500,000 = 8,345,678. 目的使用 = 8,000,000 + 1,500,000."""
    paid = [{"内容": "3月退職 A", "支給額": 1_500_000}]
    out = retirement.compute(inputs(退職手当引当金=STAFF_ROWS, 退職手当の支払=paid),
                             context({RET_LIAB: -62_000_000}, {RET_LIAB: -70_000_000}))
    assert booked(out) == [
        {RET_LIAB: 1_500_000, SALARIES: -1_500_000},
        {RET_CHARGE: 8_345_678, RET_LIAB: -8_345_678},
    ]
    assert figure(out, "期末自己都合要支給額（一般職）") == 56_500_000
    assert figure(out, "期末自己都合要支給額（特別職）") == 12_345_678
    assert figure(out, "退職手当引当金 本年度減少額（目的使用）") == 9_500_000
    # 引当金の明細 ties: 70,000,000 + 8,345,678 − 9,500,000 = 68,845,678
    assert figure(out, "退職手当引当金 本年度末残高") == 70_000_000 + 8_345_678 - 9_500_000


def test_retirement_reclassifies_payments_only_up_to_the_provision():
    """The books hold 1,000,000; a 1,500,000 payment charged to 職員給与費 is re-classified
    for 1,000,000 only; 500,000 stays an expense. Wanted 0 → nothing more to book."""
    paid = [{"内容": "B", "支給額": 1_500_000, "計上科目": "職員給与費"}]
    out = retirement.compute(inputs(退職手当の支払=paid), context({RET_LIAB: -1_000_000}))
    assert booked(out) == [{RET_LIAB: 1_000_000, SALARIES: -1_000_000}]
    assert figure(out, "費用のまま残した退職手当（引当金の残高超過分）") == 500_000


def test_retirement_union_member_formula():
    """組合加入: D 500,000,000 − {(E 420,000,000 − F 60,000,000) + G 15,000,000}
    = 500,000,000 − 375,000,000 = 125,000,000, plus the 市長 (特別職, paid by the body)
    12,000,000 → 137,000,000. The books hold 120,000,000 → 繰入額 17,000,000."""
    union = [{"区分": "全職員", "期末自己都合要支給額(D)": 500_000_000, "負担金累計額(E)": 420_000_000,
              "支給累計額(F)": 60_000_000, "運用益等按分額(G)": 15_000_000}]
    staff = [{"職員区分": "特別職", "氏名・区分": "市長", "期末自己都合要支給額": 12_000_000}]
    out = retirement.compute(inputs(退職手当組合=union, 退職手当引当金=staff),
                             context({RET_LIAB: -120_000_000}, **{"retirement.union": "加入"}))
    assert booked(out) == [{RET_CHARGE: 17_000_000, RET_LIAB: -17_000_000}]
    assert figure(out, "組合 D −｛(E − F) + G｝") == 125_000_000


def test_retirement_union_with_contributions_above_the_obligation_gives_no_provision():
    """D 100 − {(300 − 50) + 0} = −150 → no provision; the books' 40 is released
    (Cr 繰入額 40: 戻入)."""
    union = [{"区分": "全職員", "期末自己都合要支給額(D)": 100, "負担金累計額(E)": 300, "支給累計額(F)": 50}]
    out = retirement.compute(inputs(退職手当組合=union), context({RET_LIAB: -40}, **{"retirement.union": "加入"}))
    assert figure(out, "組合 D −｛(E − F) + G｝") == -150
    assert booked(out) == [{RET_CHARGE: -40, RET_LIAB: 40}]
    assert figure(out, "退職手当引当金 本年度減少額（その他）") == 40


def test_retirement_bad_inputs():
    staff = [
        {"職員区分": "臨時職", "氏名・区分": "X", "期末自己都合要支給額": 1},  # unknown class
        {"職員区分": "一般職", "氏名・区分": "Y", "給料月額": 300_000},  # no rate, no amount
        {"職員区分": "一般職", "氏名・区分": "Z", "給料月額": 300_000, "支給率": "約10"},  # bad rate
    ]
    union = [{"区分": "全職員", "期末自己都合要支給額(D)": 1, "負担金累計額(E)": 1, "支給累計額(F)": 1}]
    paid = [{"内容": "C", "支給額": 10, "計上科目": "BS/固定負債/地方債"}]
    out = retirement.compute(inputs(退職手当引当金=staff, 退職手当組合=union, 退職手当の支払=paid), context())
    assert out.entries == ()
    assert where(out) == [
        ("退職手当引当金", 2, "職員区分"),
        ("退職手当引当金", 3, "期末自己都合要支給額"),
        ("退職手当引当金", 4, "支給率"),
        ("退職手当の支払", 2, "計上科目"),
        ("退職手当組合", None, ""),  # rows on the union sheet while the setting says 非加入
    ]


def test_retirement_member_without_union_figures_is_an_issue():
    out = retirement.compute(inputs(退職手当引当金=STAFF_ROWS), context(**{"retirement.union": "加入"}))
    assert where(out) == [("退職手当組合", None, "")]


def test_retirement_is_repeatable_and_quiet_when_the_books_hold_the_result():
    data = inputs(退職手当引当金=STAFF_ROWS)
    ctx = context({RET_LIAB: -62_000_000})
    assert retirement.compute(data, ctx).entries == retirement.compute(data, ctx).entries
    assert retirement.compute(data, context({RET_LIAB: -68_845_678})).entries == ()


# ------------------------------------------------------------------ 未払金・未払費用・前受金

PAYABLES_NOW = [
    {"区分": "未払金", "内容": "3月分電気料", "科目": "物件費", "金額": 120_000},
    {"区分": "未払金", "内容": "○○集会所改修（3月完成）", "科目": "BS/固定資産/有形固定資産/事業用資産/建物",
     "金額": 5_000_000},
    {"区分": "未払費用", "内容": "地方債利子（1〜3月分）", "科目": "支払利息", "金額": 300_000},
    {"区分": "前受金", "内容": "4月分施設使用料の前納", "科目": "PL/経常収益/使用料及び手数料", "金額": 80_000},
]
PAYABLES_LAST = [
    {"区分": "未払金", "内容": "3月分電気料", "科目": "物件費", "金額": 100_000},
    {"区分": "未払費用", "内容": "地方債利子（1〜3月分）", "科目": "支払利息", "金額": 280_000},
]
PPE = "BS/固定資産/有形固定資産/事業用資産/建物"
SUPPLIES = "PL/経常費用/業務費用/物件費等/物件費"
INTEREST = "PL/経常費用/業務費用/その他の業務費用/支払利息"


def test_payables_renewal_reverses_last_years_rows_and_books_this_years():
    """未払金: reverse last year's 電気料 100,000 (Dr 未払金 / Cr 物件費) and book this year's
    120,000 + 5,000,000 (Dr 物件費 120,000, Dr 建物 5,000,000 / Cr 未払金): netted
    Dr 物件費 20,000, Dr 建物 5,000,000 / Cr 未払金 5,020,000.
    未払費用: 300,000 − 280,000 → Dr 支払利息 20,000 / Cr 未払費用 20,000.
    前受金: Dr 使用料及び手数料 80,000 / Cr 前受金 80,000 (not this year's revenue)."""
    out = payables.compute(inputs(**{"未払金等（本年度）": PAYABLES_NOW, "未払金等（前年度分）": PAYABLES_LAST}),
                           context({"BS/流動負債/未払金": -100_000, "BS/流動負債/未払費用": -280_000}))
    assert booked(out) == [
        {"BS/流動負債/未払金": -5_020_000, SUPPLIES: 20_000, PPE: 5_000_000},
        {"BS/流動負債/未払費用": -20_000, INTEREST: 20_000},
        {"BS/流動負債/前受金": -80_000, "PL/経常収益/使用料及び手数料": 80_000},
    ]
    assert [e.voucher_no for e in out.entries] == ["決算-payables-1", "決算-payables-2", "決算-payables-3"]
    assert figure(out, "未払金 決算整理前の帳簿残高") == 100_000


def test_payables_same_rows_as_last_year_book_nothing_and_repeat_identically():
    data = inputs(**{"未払金等（本年度）": PAYABLES_LAST, "未払金等（前年度分）": PAYABLES_LAST})
    assert payables.compute(data, context()).entries == ()
    data = inputs(**{"未払金等（本年度）": PAYABLES_NOW})
    assert payables.compute(data, context()).entries == payables.compute(data, context()).entries


def test_payables_bad_rows():
    rows = [
        {"区分": "前受金", "内容": "使用料", "科目": "物件費", "金額": 1},  # an expense for 前受金
        {"区分": "未払金", "内容": "工事", "科目": "CF/業務活動収支/業務支出/業務費用支出/物件費等支出", "金額": 1},
        {"区分": "未払金", "内容": "", "科目": "物件費", "金額": 1},
        {"区分": "未払金", "内容": "X", "科目": "ない科目", "金額": 1},
        {"区分": "未払", "内容": "X", "科目": "物件費", "金額": -3},
        {"区分": "未払金", "内容": "X", "科目": "BS/流動資産/現金預金", "金額": 1},  # cash: opening only
    ]
    out = payables.compute(inputs(**{"未払金等（前年度分）": rows}), context())
    assert out.entries == ()
    assert where(out) == [
        ("未払金等（前年度分）", 2, "科目"),
        ("未払金等（前年度分）", 3, "科目"),
        ("未払金等（前年度分）", 4, "内容"),
        ("未払金等（前年度分）", 5, "科目"),
        ("未払金等（前年度分）", 6, "区分"),
        ("未払金等（前年度分）", 6, "金額"),
        ("未払金等（前年度分）", 7, "科目"),
    ]


# ------------------------------------------------------------------ 引当金の明細

def test_provisions_table_rows_and_total():
    """賞与等引当金 (洗替): 65,000,000 → 69,900,000 with the 戻入 65,000,000 as その他:
    増加 = 69,900,000 − 65,000,000 + 65,000,000 = 69,900,000.
    退職手当引当金: 70,000,000 − 目的使用 9,500,000 + 増加 8,345,678 = 68,845,678.
    徴収不能引当金（流動資産）: 3 − 3 + 6 = 6. 損失補償等引当金 50 → 20 with nothing used:
    the fall of 30 is an その他 decrease (増加 0). Rows in 様式 order, then 合計."""
    t = provisions_table(
        prior={"BS0700": 65_000_000, RET_LIAB: 70_000_000, "BS/流動資産/徴収不能引当金": 3,
               "BS/固定負債/損失補償等引当金": 50},
        end={"BS0700": 69_900_000, RET_LIAB: 68_845_678, "BS/流動資産/徴収不能引当金": 6,
             "BS/固定負債/損失補償等引当金": 20},
        used={RET_LIAB: 9_500_000, "BS/流動資産/徴収不能引当金": 3},
        other={"BS0700": 65_000_000},
    )
    assert t.group == "附属明細書" and t.key == "引当金の明細"
    assert [(r.label, r.values) for r in t.rows] == [
        ("徴収不能引当金（流動資産）", (3, 6, 3, 0, 6)),
        ("退職手当引当金", (70_000_000, 8_345_678, 9_500_000, 0, 68_845_678)),
        ("損失補償等引当金", (50, 0, 0, 30, 20)),
        ("賞与等引当金", (65_000_000, 69_900_000, 0, 65_000_000, 69_900_000)),
        ("合計", (135_000_053, 78_245_684, 9_500_003, 65_000_030, 138_745_704)),
    ]
    assert t.rows[-1].sum_of == ((1, 0), (1, 1), (1, 2), (1, 3))
    for r in t.rows:  # every row rolls forward: A + B − C1 − C2 = D
        a, b, c1, c2, d = r.values
        assert a + b - c1 - c2 == d
