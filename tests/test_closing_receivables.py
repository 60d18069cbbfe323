"""Closing items as worked examples: 未収金・長期延滞債権 (with 不納欠損) and 徴収不能引当金.

Pure kernel, no database: ``python3 -m pytest tests/test_closing_receivables.py -q -p no:django``.
Balances are signed as in the ledger (debit +): an asset of 100 is 100, a provision
(contra asset) of 25 is −25, a revenue of 480 is −480.
"""

from __future__ import annotations

from decimal import Decimal

from kokai.core.closing import doubtful, receivables

from .closing_helpers import CHART, booked, context, figure, inputs, where

U = "BS/流動資産/未収金"
L = "BS/固定資産/投資その他の資産/長期延滞債権"
LOANS = "BS/固定資産/投資その他の資産/長期貸付金"
P_CUR = "BS/流動資産/徴収不能引当金"
P_FIX = "BS/固定資産/投資その他の資産/徴収不能引当金"
TAX = "NW/財源/税収等"
FEES = "PL/経常収益/使用料及び手数料"
CHARGE = "PL/経常費用/業務費用/その他の業務費用/徴収不能引当金繰入額"
OTHER = "PL/経常費用/業務費用/その他の業務費用/その他"
SHEET = "未収金・長期延滞債権"


def after(balances: dict[str, int], outcome) -> dict[str, int]:
    """The balances once an item's entries are posted (what the next item of the run sees)."""
    out = dict(balances)
    for e in outcome.entries:
        for p in e.postings:
            path = CHART[p.account].qualified_path
            out[path] = out.get(path, 0) + p.amount
    return out


def row(name, kind, assessed, received, loss=None, account="税収等", **kw):
    return {"税目・科目": name, "収益科目": account, "区分": kind, "調定額": assessed, "収入済額": received,
            "不納欠損額": loss, **kw}


# ------------------------------------------------------------------ 未収金・長期延滞債権

def test_arrears_collected_into_revenue_are_not_revenue_twice():
    """The brief's example. Last year's 長期延滞債権 100; this year 30 of it collected and
    the conversion credited 税収等 30; 10 written off; 60 left. 現年 調定 500, 収入 450:
    50 unpaid. 徴収不能引当金 (投資その他) holds 25.
    Books before closing: 長期延滞債権 100, 未収金 0, 税収等 −480 (450 + 30).
    Tie: 滞繰 調定 100 − receipts credited to the receivable 0 = 100 = the books.
    (1) Dr 未収金 50 / Cr 税収等 50           — 現年 収入未済
    (2) Dr 税収等 30 / Cr 長期延滞債権 30      — the 30 was a collection, not revenue
    (4) Dr 徴収不能引当金 10 / Cr 長期延滞債権 10 — 不納欠損 within the provision (25)
    Result: 未収金 50; 長期延滞債権 100 − 30 − 10 = 60; 税収等 480 + 50 − 30 = 500 = 現年 調定."""
    rows = [row("市民税", "現年", 500, 450), row("市民税", "滞納繰越", 100, 30, 10)]
    books = {L: 100, TAX: -480, P_FIX: -25}
    out = receivables.compute(inputs(**{SHEET: rows}),
                              context(books, **{"receivables.arrears_receipts": "収益"}))
    assert out.ok
    assert booked(out) == [{U: 50, TAX: -50}, {TAX: 30, L: -30}, {P_FIX: 10, L: -10}]
    assert [e.voucher_no for e in out.entries] == ["決算-receivables-1", "決算-receivables-2", "決算-receivables-4"]
    end = after(books, out)
    assert (end[U], end[L], end[TAX], end[P_FIX]) == (50, 60, -500, -15)


CITY_ROWS = [
    row("固定資産税", "現年", 1_000, 940, 5, 徴収不能引当金計上額=1),
    row("公営住宅使用料", "現年", 300, 290, account="使用料及び手数料"),
    row("固定資産税", "滞納繰越", 280, 90, 20),
]
# Last year's closing: 未収金 150 (last year's 現年 unpaid), 長期延滞債権 130 (older), so
# this year's 滞繰 調定 is 150 + 130 = 280. The conversion credited the 90 collected to
# 未収金 (the default rule): 未収金 150 − 90 = 60. Provisions: 流動 3, 投資その他 12.
CITY_BOOKS = {U: 60, L: 130, P_CUR: -3, P_FIX: -12}


def test_current_year_accrual_write_offs_beyond_the_provision_and_the_move_to_long_term():
    """Tie: 滞繰 調定 280 − 90 credited to the receivable = 190 = 60 + 130.
    (1) 現年 調定 − 収入 per revenue account: 税収等 1,000 − 940 = 60, 使用料 300 − 290 = 10:
        Dr 未収金 70 / Cr 税収等 60, 使用料及び手数料 10.
    (3) 現年 不納欠損 5, 流動 provision 3: Dr 引当金 3 + 繰入額 2 / Cr 未収金 5.
    (4) 滞繰 不納欠損 20, 投資その他 provision 12: Dr 引当金 12 + 繰入額 8 / Cr 長期延滞債権 20.
    (5) 未収金 is now 60 + 70 − 5 = 125 but must be the 現年 unpaid 55 + 10 = 65:
        the 60 left of last year's 未収金 moves: Dr 長期延滞債権 60 / Cr 未収金 60.
    長期延滞債権 = 130 − 20 + 60 = 170 = 滞繰 280 − 90 − 20."""
    out = receivables.compute(inputs(**{SHEET: CITY_ROWS}), context(CITY_BOOKS))
    assert booked(out) == [
        {U: 70, TAX: -60, FEES: -10},
        {P_CUR: 3, CHARGE: 2, U: -5},
        {P_FIX: 12, CHARGE: 8, L: -20},
        {L: 60, U: -60},
    ]
    end = after(CITY_BOOKS, out)
    assert (end[U], end[L], end[P_CUR], end[P_FIX]) == (65, 170, 0, 0)
    assert figure(out, "未収金から長期延滞債権への振替") == 60
    assert figure(out, "不納欠損のうち徴収不能引当金の取崩し") == 15


def test_collections_of_older_arrears_credited_to_last_years_receivable_are_moved_back():
    """Last year: 未収金 80, 長期延滞債権 200 (滞繰 調定 280). The conversion credited all 90
    collected to 未収金, which now shows −10. 現年 is fully paid (no 未収金 wanted), so
    10 of the collections belong to 長期延滞債権: Dr 未収金 10 / Cr 長期延滞債権 10.
    End: 未収金 0, 長期延滞債権 190 = 280 − 90."""
    rows = [row("市民税", "現年", 100, 100), row("市民税", "滞納繰越", 280, 90)]
    books = {U: -10, L: 200}
    out = receivables.compute(inputs(**{SHEET: rows}), context(books))
    assert booked(out) == [{L: -10, U: 10}]
    assert "回収 10円" in out.entries[0].description
    end = after(books, out)
    assert (end[U], end[L]) == (0, 190)


def test_excess_write_off_can_go_to_other_expenses():
    """Setting doubtful.excess = その他の業務費用その他: the 2 and 8 above go there."""
    out = receivables.compute(inputs(**{SHEET: CITY_ROWS}),
                              context(CITY_BOOKS, **{"doubtful.excess": "その他の業務費用その他"}))
    assert booked(out)[1:3] == [{P_CUR: 3, OTHER: 2, U: -5}, {P_FIX: 12, OTHER: 8, L: -20}]


def test_receivable_schedules():
    """未収金の明細: 固定資産税 55 (税等未収金, 徴収不能引当金計上額 1 from the sheet),
    公営住宅使用料 10 (その他の未収金); 合計 65 = the BS 未収金. 長期延滞債権の明細:
    固定資産税 170 = the BS 長期延滞債権."""
    out = receivables.compute(inputs(**{SHEET: CITY_ROWS}), context(CITY_BOOKS))
    current, long_term = out.tables
    assert current.title == "未収金の明細" and current.group == "附属明細書"
    assert [(r.label, r.values) for r in current.rows] == [
        ("【未収金】", ()),
        ("税等未収金", ()),
        ("固定資産税", (55, 1)),
        ("小計", (55, 1)),
        ("その他の未収金", ()),
        ("公営住宅使用料", (10, None)),
        ("小計", (10, 0)),
        ("合計", (65, 1)),
    ]
    assert current.rows[3].sum_of == ((1, 2),) and current.rows[7].sum_of == ((1, 3), (1, 6))
    assert [(r.label, r.values) for r in long_term.rows if not r.heading] == [
        ("固定資産税", (170, None)), ("小計", (170, 0)), ("合計", (170, 0))]


def test_books_that_do_not_tie_to_the_arrears_input_stop_the_item():
    """Last year left 100 of 長期延滞債権; the conversion credited this year's 30 collected to
    未収金 (books 100 − 30 = 70). The 滞繰 調定 says 90, so the input expects 90 − 30 = 60:
    10 is unexplained (a 調定 correction, a missing 税目?) — an issue, nothing booked."""
    rows = [row("市民税", "現年", 500, 450), row("市民税", "滞納繰越", 90, 30)]
    out = receivables.compute(inputs(**{SHEET: rows}), context({U: -30, L: 100}))
    assert out.entries == ()
    assert where(out) == [(SHEET, None, "調定額")]
    assert "10円" in out.issues[0].message


def test_receivables_bad_rows():
    rows = [
        row("市民税", "現年", 100, 120),  # received more than assessed
        row("市民税", "滞繰", 100, 10),  # unknown kind
        row("", "現年", 100, 10),  # no name
        row("手数料", "現年", 100, 10, account="物件費"),  # an expense is not a revenue
        row("使用料", "現年", 100, 10, 5, 収入未済額=80),  # 100 − 10 − 5 = 85, not 80
        row("使用料", "現年", None, 10),  # missing 調定額
    ]
    out = receivables.compute(inputs(**{SHEET: rows}), context())
    assert out.entries == ()
    assert where(out) == [
        (SHEET, 2, "収入済額"),
        (SHEET, 3, "区分"),
        (SHEET, 4, "税目・科目"),
        (SHEET, 5, "収益科目"),
        (SHEET, 6, "収入未済額"),
        (SHEET, 7, "調定額"),
    ]
    assert "85円" in out.issues[4].message


def test_receivables_repeat_and_stay_quiet_when_the_books_hold_the_result():
    """Same inputs twice → the same entries. Books already holding 未収金 50 and
    長期延滞債権 60 (the accrual booked by hand) → nothing to book."""
    data = inputs(**{SHEET: CITY_ROWS})
    assert receivables.compute(data, context(CITY_BOOKS)).entries == receivables.compute(data, context(CITY_BOOKS)).entries
    rows = [row("市民税", "現年", 500, 450), row("市民税", "滞納繰越", 100, 40)]
    assert receivables.compute(inputs(**{SHEET: rows}), context({U: 50, L: 60})).entries == ()


# ------------------------------------------------------------------ 徴収不能引当金

HISTORY = [  # 未収金: 2019 is outside the five latest years and is not used
    {"債権区分": "未収金", "年度": 2019, "不納欠損額": 50, "基準額": 100},
    {"債権区分": "未収金", "年度": 2020, "不納欠損額": 2, "基準額": 100},
    {"債権区分": "未収金", "年度": 2021, "不納欠損額": 3, "基準額": 100},
    {"債権区分": "未収金", "年度": 2022, "不納欠損額": 1, "基準額": 200},
    {"債権区分": "未収金", "年度": 2023, "不納欠損額": 4, "基準額": 100},
    {"債権区分": "未収金", "年度": 2024, "不納欠損額": 5, "基準額": 250},
]


def test_doubtful_five_year_average_rate_tops_up_the_provision():
    """Rates 2020–2024: 2%, 3%, 0.5%, 4%, 2% → average 11.5% / 5 = 2.3%.
    未収金 1,000,000 × 2.3% = 23,000 required; the books hold 10,000 → Dr 繰入額 13,000."""
    data = inputs(徴収不能引当金=[{"債権区分": "未収金", "本年度末残高": 1_000_000}], 不納欠損実績=HISTORY)
    out = doubtful.compute(data, context({P_CUR: -10_000}, {P_CUR: -10_000}))
    assert booked(out) == [{CHARGE: 13_000, P_CUR: -13_000}]
    assert figure(out, "未収金 徴収不能引当金（1,000,000円 × 2.3000%）") == 23_000
    assert figure(out, "徴収不能引当金（流動資産） 本年度末残高") == 23_000


def test_doubtful_pooled_rate():
    """Σ欠損 2 + 3 + 1 + 4 + 5 = 15 over Σ基準 100 + 100 + 200 + 100 + 250 = 750 → 2%:
    1,000,000 × 2% = 20,000; held 10,000 → 10,000."""
    data = inputs(徴収不能引当金=[{"債権区分": "未収金", "本年度末残高": 1_000_000}], 不納欠損実績=HISTORY)
    out = doubtful.compute(data, context({P_CUR: -10_000}, **{"doubtful.method": "欠損額合計÷基準額合計"}))
    assert booked(out) == [{CHARGE: 10_000, P_CUR: -10_000}]


def test_doubtful_direct_rate_books_only_the_difference():
    """[S2]'s example: required 30 (長期延滞債権 1,000 × 3%) − existing 10 = 20."""
    data = inputs(徴収不能引当金=[{"債権区分": "長期延滞債権", "本年度末残高": 1_000, "徴収不能率": Decimal("0.03")}])
    out = doubtful.compute(data, context({P_FIX: -10}))
    assert booked(out) == [{CHARGE: 20, P_FIX: -20}]
    assert out.entries[0].voucher_no == "決算-doubtful-3"


def test_doubtful_writes_off_loans_against_the_provision_and_the_excess_to_pl():
    """長期貸付金 5,000 in the books, 700 written off; the 投資その他 provision holds 500:
    Dr 引当金 500 + 繰入額 200 / Cr 長期貸付金 700. Then 4,300 × 10% = 430 required, the
    provision holds 0 → Dr 繰入額 430. 目的使用 500."""
    data = inputs(徴収不能引当金=[{"債権区分": "長期貸付金", "徴収不能率": Decimal("0.1"), "本年度不納欠損額": 700}])
    out = doubtful.compute(data, context({LOANS: 5_000, P_FIX: -500}, {P_FIX: -500}))
    assert booked(out) == [{P_FIX: 500, CHARGE: 200, LOANS: -700}, {CHARGE: 430, P_FIX: -430}]
    assert figure(out, "長期貸付金 本年度末残高（帳簿）") == 4_300
    assert figure(out, "徴収不能引当金（投資その他の資産） 本年度減少額（目的使用）") == 500


def test_receivables_then_doubtful_agree_on_the_write_offs():
    """The run order: receivables first, then 徴収不能引当金 on the balances it leaves
    (未収金 65, 長期延滞債権 170, both provisions used up by the write-offs 3 and 12).
    未収金 65 × 10% = 6.5 → 6; 長期延滞債権 170 × 20% = 34. The 引当金の明細 figures show
    the write-offs as 目的使用 (3 and 12) though this item booked none of them."""
    first = receivables.compute(inputs(**{SHEET: CITY_ROWS}), context(CITY_BOOKS))
    books = after(CITY_BOOKS, first)
    prior = {P_CUR: -3, P_FIX: -12}
    data = inputs(徴収不能引当金=[{"債権区分": "未収金", "徴収不能率": Decimal("0.1")},
                               {"債権区分": "長期延滞債権", "徴収不能率": Decimal("0.2")}])
    out = doubtful.compute(data, context(books, prior))
    assert booked(out) == [{CHARGE: 34, P_FIX: -34}, {CHARGE: 6, P_CUR: -6}]
    assert figure(out, "徴収不能引当金（流動資産） 本年度減少額（目的使用）") == 3
    assert figure(out, "徴収不能引当金（投資その他の資産） 本年度減少額（目的使用）") == 12
    # 3 − 3 + 6 = 6 and 12 − 12 + 34 = 34: the provisions roll forward
    assert figure(out, "徴収不能引当金（投資その他の資産） 本年度末残高") == 34


def test_doubtful_bad_inputs():
    sheet = [
        {"債権区分": "貸付金", "徴収不能率": Decimal("0.1")},  # unknown class
        {"債権区分": "未収金", "本年度不納欠損額": 5, "徴収不能率": Decimal("0.1")},  # belongs on the receivables sheet
        {"債権区分": "未収金", "徴収不能率": Decimal("0.1")},  # twice
        {"債権区分": "長期貸付金"},  # no rate, no history
        {"債権区分": "短期貸付金", "徴収不能率": Decimal("1.5")},  # above 100%
    ]
    history = [
        {"債権区分": "長期延滞債権", "年度": 2025, "不納欠損額": 1, "基準額": 10},  # a future year
        {"債権区分": "長期延滞債権", "年度": 2023, "不納欠損額": 1, "基準額": 0},  # no base
    ]
    out = doubtful.compute(inputs(徴収不能引当金=sheet, 不納欠損実績=history), context(**{"doubtful.years": "五"}))
    assert out.entries == ()
    assert where(out) == [
        ("設定", None, "doubtful.years"),
        ("不納欠損実績", 2, "年度"),
        ("不納欠損実績", 3, "基準額"),
        ("徴収不能引当金", 2, "債権区分"),
        ("徴収不能引当金", 3, "本年度不納欠損額"),
        ("徴収不能引当金", 4, "債権区分"),
        ("徴収不能引当金", 5, "徴収不能率"),
        ("徴収不能引当金", 6, "徴収不能率"),
    ]


def test_doubtful_repeats_and_stays_quiet_when_the_provision_is_already_right():
    data = inputs(徴収不能引当金=[{"債権区分": "未収金", "本年度末残高": 1_000_000}], 不納欠損実績=HISTORY)
    assert doubtful.compute(data, context({P_CUR: -10_000})).entries == doubtful.compute(data, context({P_CUR: -10_000})).entries
    assert doubtful.compute(data, context({P_CUR: -23_000})).entries == ()
