"""Closing items from registers: 貸付金, 基金, 損失補償等引当金, 投資及び出資金.

Each test is a worked example for fiscal year 2024 (closing date 2025-03-31): a small
register in, the ledger before closing as a dict of balances (debit +, credit −), and the
entries, figures and 附属明細書 worked out by hand in the docstring.
"""

from __future__ import annotations

from decimal import Decimal

from kokai.core.chart import standard_chart
from kokai.core.closing import funds, guarantees, investments, loans
from kokai.core.closing.base import Context, Inputs
from kokai.core.journal import problems

CHART = standard_chart()
M = 1_000_000


def code(path):
    return CHART.resolve(path).code


def context(module, balances, prior=None, **settings):
    now = {code(p): a for p, a in balances.items()}
    before = {code(p): a for p, a in (prior or {}).items()}
    values = {s.key: s.default for s in module.SETTINGS} | settings
    return Context(fiscal_year=2024, chart=CHART, balance=lambda c: now.get(c, 0),
                   prior_balance=lambda c: before.get(c, 0), settings=values)


def lines(entry):
    assert problems(entry, CHART) == []
    return {CHART[p.account].qualified_path: p.amount for p in entry.postings}


def figure(out, label):
    return next(f.amount for f in out.figures if f.label == label)


def where(out):
    return {(i.sheet, i.row, i.column) for i in out.issues}


def check_totals(table):
    """Every total row equals the sum of the rows it names, column by column."""
    for r in table.rows:
        if r.sum_of:
            for c, kind in enumerate(table.kinds):
                if kind in ("yen", "count") and r.values[c] is not None:
                    assert r.values[c] == sum(table.rows[i].values[c] or 0 for _s, i in r.sum_of), (table.key, c)


# ---------------------------------------------------------------- 貸付金

LOANS = {"BS/固定資産/投資その他の資産/長期貸付金": 280 * M, "BS/流動資産/短期貸付金": 120 * M}


def loan_rows():
    return (
        {"_row": 2, "貸付先": "土地開発公社", "名称": "公有地先行取得資金", "本年度末残高": 300 * M, "うち1年内回収予定額": 50 * M},
        {"_row": 3, "貸付先": "中小企業者", "名称": "制度融資預託金", "本年度末残高": 80 * M, "うち1年内回収予定額": 80 * M,
         "徴収不能引当金（短期分）": 1_600_000},
        {"_row": 4, "貸付先": "奨学生", "名称": "奨学金", "本年度末残高": 20 * M, "うち1年内回収予定額": 4 * M,
         "徴収不能引当金（長期分）": 800_000, "徴収不能引当金（短期分）": 200_000},
    )


def loan_inputs(rows=None):
    return Inputs(rows={loans.LOANS: loan_rows() if rows is None else rows})


def test_loans_move_the_one_year_part_to_short_term():
    """Register 300 + 80 + 20 = 400,000,000; 1年内 50 + 80 + 4 = 134,000,000.
    Books: 長期 280,000,000 + 短期 120,000,000 (last year's reclass; this year's collections
    were booked against 長期) = 400 ✓. Wanted 短期 134 − held 120 = 14,000,000:
    Dr 短期貸付金 14,000,000 / Cr 長期貸付金 14,000,000 → 長期 266 = 250 + 0 + 16."""
    out = loans.compute(loan_inputs(), context(loans, LOANS))
    assert out.ok
    (e,) = out.entries
    assert e.voucher_no == "決算-loans-1"
    assert lines(e) == {loans.SHORT: 14 * M, loans.LONG: -14 * M}
    assert figure(out, "うち1年内回収予定額（短期貸付金）") == 134 * M
    assert figure(out, "長期貸付金（振替後）") == 266 * M


def test_loans_table_by_borrower_with_allowances():
    """公社 (250, 0, 50, 0, 300); 中小企業者 (0, 0, 80, 1.6, 80); 奨学生 (16, 0.8, 4, 0.2, 20);
    合計 (266, 0.8, 134, 1.8, 400) — in 円."""
    (t,) = loans.compute(loan_inputs(), context(loans, LOANS)).tables
    assert (t.title, t.group) == ("貸付金の明細", "附属明細書")
    assert [(r.label, r.values) for r in t.rows] == [
        ("土地開発公社", (250 * M, 0, 50 * M, 0, 300 * M)),
        ("中小企業者", (0, 0, 80 * M, 1_600_000, 80 * M)),
        ("奨学生", (16 * M, 800_000, 4 * M, 200_000, 20 * M)),
        ("合計", (266 * M, 800_000, 134 * M, 1_800_000, 400 * M)),
    ]
    check_totals(t)


def test_loans_reverse_direction_and_repeatability():
    """短期 held 150,000,000 (長期 250): 134 − 150 = −16,000,000 → Dr 長期 / Cr 短期 16,000,000.
    Books already at 短期 134 / 長期 266: nothing to post."""
    out = loans.compute(loan_inputs(), context(loans, {loans.LONG: 250 * M, loans.SHORT: 150 * M}))
    assert [lines(e) for e in out.entries] == [{loans.SHORT: -16 * M, loans.LONG: 16 * M}]
    done = loans.compute(loan_inputs(), context(loans, {loans.LONG: 266 * M, loans.SHORT: 134 * M}))
    assert done.ok and done.entries == ()


def test_loans_bad_rows_and_ledger_difference():
    rows = list(loan_rows())
    rows[0] = {**rows[0], "うち1年内回収予定額": 301 * M}  # more than the balance
    rows[2] = {**rows[2], "本年度末残高": -20 * M}  # negative
    out = loans.compute(loan_inputs(tuple(rows)), context(loans, LOANS))
    assert out.entries == ()
    assert where(out) == {("貸付金台帳", 2, "うち1年内回収予定額"), ("貸付金台帳", 4, "本年度末残高"),
                          ("貸付金台帳", 4, "うち1年内回収予定額")}  # 4 > 0 once the balance reads as 0
    # books 390,000,000 against the register's 400,000,000
    out = loans.compute(loan_inputs(), context(loans, {**LOANS, loans.LONG: 270 * M}))
    (issue,) = out.issues
    assert (issue.sheet, issue.row, issue.column) == ("貸付金台帳", None, "本年度末残高")
    assert "10,000,000円 違います" in issue.message and out.entries == ()


# ---------------------------------------------------------------- 基金

FUNDS_BOOKS = {funds.FISCAL: 1100 * M, funds.REDEMPTION_CURRENT: 120 * M, funds.REDEMPTION_FIXED: 680 * M,
               funds.OTHER_FIXED: 660 * M}


def fund_rows():
    return (
        {"_row": 2, "基金名": "財政調整基金", "種類": "財政調整基金", "年度末残高": 1200 * M,
         "現金預金": 1000 * M, "有価証券": 200 * M},
        {"_row": 3, "基金名": "減債基金", "種類": "減債基金", "年度末残高": 800 * M, "うち1年内取崩予定額": 150 * M},
        {"_row": 4, "基金名": "公共施設整備基金", "種類": "その他特定目的基金", "年度末残高": 500 * M,
         "現金預金": 300 * M, "土地": 200 * M, "（参考）財産に関する調書記載額": 500 * M},
        {"_row": 5, "基金名": "ふるさと応援基金", "種類": "その他特定目的基金", "年度末残高": 60 * M},
    )


def fund_inputs(rows=None):
    return Inputs(rows={funds.FUNDS: fund_rows() if rows is None else rows})


def test_funds_are_split_between_current_and_fixed():
    """Wanted: 流動 財政調整基金 1,200; 流動 減債基金 150 (1年内); 固定 減債基金 800 − 150 = 650;
    固定 その他 500 + 60 = 560; total 2,560 (百万円).
    Books (this year's 積立 100 went to 固定 その他 provisionally): 1,100 + 120 + 680 + 660 = 2,560 ✓.
    Entry: 財調 +100, 流動減債 +30, 固定減債 −30, 固定その他 −100 (sum 0)."""
    out = funds.compute(fund_inputs(), context(funds, FUNDS_BOOKS))
    assert out.ok
    (e,) = out.entries
    assert lines(e) == {funds.FISCAL: 100 * M, funds.REDEMPTION_CURRENT: 30 * M,
                        funds.REDEMPTION_FIXED: -30 * M, funds.OTHER_FIXED: -100 * M}
    assert figure(out, "基金残高（台帳の年度末残高合計）") == 2560 * M
    assert figure(out, "減債基金 計") == 800 * M


def test_funds_table_with_holdings():
    """Rows in 種類 order; 減債基金 and ふるさと have no breakdown → all 現金預金.
    合計: 現金預金 1,000 + 800 + 300 + 60 = 2,160; 有価証券 200; 土地 200; 合計 2,560;
    参考 500 (only one fund gave it)."""
    (t,) = funds.compute(fund_inputs(), context(funds, FUNDS_BOOKS)).tables
    assert t.title == "基金の明細"
    assert [(r.label, r.values) for r in t.rows] == [
        ("財政調整基金", (1000 * M, 200 * M, 0, 0, 1200 * M, None)),
        ("減債基金", (800 * M, 0, 0, 0, 800 * M, None)),
        ("公共施設整備基金", (300 * M, 0, 200 * M, 0, 500 * M, 500 * M)),
        ("ふるさと応援基金", (60 * M, 0, 0, 0, 60 * M, None)),
        ("合計", (2160 * M, 200 * M, 200 * M, 0, 2560 * M, 500 * M)),
    ]
    check_totals(t)


def test_funds_already_classified_post_nothing():
    books = {funds.FISCAL: 1200 * M, funds.REDEMPTION_CURRENT: 150 * M, funds.REDEMPTION_FIXED: 650 * M,
             funds.OTHER_FIXED: 560 * M}
    out = funds.compute(fund_inputs(), context(funds, books))
    assert out.ok and out.entries == ()


def test_funds_bad_rows_and_ledger_difference():
    rows = list(fund_rows())
    rows[0] = {**rows[0], "うち1年内取崩予定額": 10 * M}  # only for 減債基金
    rows[2] = {**rows[2], "土地": 150 * M}  # 300 + 150 = 450 ≠ 500
    rows[3] = {**rows[3], "種類": "特定目的基金"}  # not a choice
    out = funds.compute(fund_inputs(tuple(rows)), context(funds, FUNDS_BOOKS))
    assert out.entries == ()
    assert where(out) == {("基金台帳", 2, "うち1年内取崩予定額"), ("基金台帳", 4, "年度末残高"), ("基金台帳", 5, "種類")}
    assert "450,000,000円）が年度末残高 500,000,000円 と一致しません" in next(i.message for i in out.issues if i.row == 4)
    out = funds.compute(fund_inputs(), context(funds, {**FUNDS_BOOKS, funds.OTHER_FIXED: 600 * M}))
    (issue,) = out.issues
    assert issue.row is None and "60,000,000円 違います" in issue.message


# ---------------------------------------------------------------- 損失補償等引当金

PROVISION = guarantees.PROVISION


def guarantee_rows(fixed_now=40 * M):
    return (
        {"_row": 2, "相手先": "観光開発株式会社", "区分": "損失補償", "債務総額": 500 * M, "将来負担額算入額": 120 * M},
        {"_row": 3, "相手先": "土地開発公社", "区分": "債務保証", "債務総額": 300 * M, "将来負担額算入額": 0},
        {"_row": 4, "相手先": "第三セクター振興会", "債務総額": 100 * M, "確定債務額": 40 * M,
         "うち本年度確定額": fixed_now, "将来負担額算入額": 30 * M},
    )


def guarantee_inputs(rows=None):
    return Inputs(rows={guarantees.GUARANTEES: guarantee_rows() if rows is None else rows})


def test_guarantee_provision_and_fixed_amount():
    """Last year: provision 150,000,000 (観光 90 + 振興会 60). This year 40 of 振興会 became
    fixed; 30 is still counted in 将来負担額; 観光 now counts 120.
    Entry 1: Dr 損失補償等引当金 40,000,000 / Cr 未払金 40,000,000 (the default 計上先).
    Wanted provision 120 + 0 + 30 = 150; after entry 1 the books hold 150 − 40 = 110, so
    Entry 2: Dr 損失補償等引当金繰入額 40,000,000 / Cr 損失補償等引当金 40,000,000
    (= +30 on 観光 and +10 on 振興会: 40 + 30 − 60)."""
    out = guarantees.compute(guarantee_inputs(), context(guarantees, {PROVISION: -150 * M}, {PROVISION: -150 * M}))
    assert out.ok
    assert [e.voucher_no for e in out.entries] == ["決算-guarantees-1", "決算-guarantees-2"]
    assert lines(out.entries[0]) == {PROVISION: 40 * M, "BS/流動負債/未払金": -40 * M}
    assert lines(out.entries[1]) == {guarantees.CHARGE: 40 * M, PROVISION: -40 * M}
    assert figure(out, "損失補償等引当金繰入額（減少は負）") == 40 * M


def test_guarantee_figures_for_the_contingent_liability_note():
    """総額 500 + 300 + 100 = 900 (損失補償 600, 保証 300); 確定 40; 未確定 900 − 40 = 860,
    of which 引当金 150 and 未計上 860 − 150 = 710 (百万円)."""
    out = guarantees.compute(guarantee_inputs(), context(guarantees, {PROVISION: -150 * M}))
    assert {f.label: f.amount for f in out.figures[:7]} == {
        "保証債務及び損失補償債務の総額": 900 * M, "うち損失補償債務": 600 * M, "うち保証債務": 300 * M,
        "確定債務額": 40 * M, "履行すべき額が確定していないもの": 860 * M,
        "うち損失補償等引当金計上額": 150 * M, "うち貸借対照表未計上額": 710 * M,
    }


def test_guarantee_decrease_goes_to_extraordinary_gain_or_nets_the_charge():
    """Provision before 200,000,000; after moving 40 to 未払金 160; wanted 150 → −10,000,000:
    Dr 損失補償等引当金 10,000,000 / Cr 臨時利益 その他 (default) or Cr 繰入額 (setting).
    The fixed part goes to 長期未払金 when the row says so."""
    rows = list(guarantee_rows())
    rows[2] = {**rows[2], "計上先": "長期未払金"}
    out = guarantees.compute(guarantee_inputs(tuple(rows)), context(guarantees, {PROVISION: -200 * M}))
    assert lines(out.entries[0]) == {PROVISION: 40 * M, "BS/固定負債/長期未払金": -40 * M}
    assert lines(out.entries[1]) == {PROVISION: 10 * M, guarantees.GAIN: -10 * M}
    net = guarantees.compute(guarantee_inputs(), context(guarantees, {PROVISION: -200 * M},
                                                         **{"guarantees.decrease": "繰入額から控除"}))
    assert lines(net.entries[1]) == {PROVISION: 10 * M, guarantees.CHARGE: -10 * M}


def test_guarantee_nothing_new_posts_nothing():
    """振興会's 40 was fixed last year (already in 未払金): no 本年度確定額; the books hold the
    wanted provision 150,000,000 → no entries."""
    out = guarantees.compute(guarantee_inputs(guarantee_rows(fixed_now=0)), context(guarantees, {PROVISION: -150 * M}))
    assert out.ok and out.entries == ()


def test_guarantee_bad_rows():
    rows = list(guarantee_rows())
    rows[0] = {**rows[0], "将来負担額算入額": 501 * M}  # 0 + 501 > 500
    rows[1] = {**rows[1], "債務総額": -1}
    rows[2] = {**rows[2], "うち本年度確定額": 41 * M}  # > 確定債務額 40
    out = guarantees.compute(guarantee_inputs(tuple(rows)), context(guarantees, {PROVISION: -150 * M}))
    assert out.entries == ()
    assert where(out) == {("損失補償等台帳", 2, "将来負担額算入額"), ("損失補償等台帳", 3, "債務総額"),
                          ("損失補償等台帳", 4, "うち本年度確定額")}


# ---------------------------------------------------------------- 投資及び出資金

SECURITIES, CAPITAL_LINE = investments.LINES["有価証券"], investments.LINES["出資金"]
INV_PROVISION = investments.PROVISION


def holding_rows():
    return (
        {"_row": 2, "相手先・銘柄": "A電力株式会社", "市場価格": "あり", "株数・口数": 10_000,
         "取得価額・出資金額": 20 * M, "帳簿価額": 25 * M, "時価": 23 * M},
        {"_row": 3, "相手先・銘柄": "B銀行株式会社", "市場価格": "あり", "株数・口数": 5_000,
         "取得価額・出資金額": 4 * M, "帳簿価額": 4 * M, "時価": 4_500_000},
        {"_row": 4, "相手先・銘柄": "土地開発公社", "市場価格": "なし", "連結対象": True,
         "取得価額・出資金額": 10 * M, "帳簿価額": 10 * M, "資産": 50 * M, "負債": 35 * M, "資本金・出資総額": 20 * M},
        {"_row": 5, "相手先・銘柄": "観光開発株式会社", "市場価格": "なし", "連結対象": True,
         "取得価額・出資金額": 30 * M, "帳簿価額": 30 * M, "資産": 100 * M, "負債": 80 * M, "資本金・出資総額": 60 * M},
        {"_row": 6, "相手先・銘柄": "振興財団", "市場価格": "なし", "取得価額・出資金額": 6 * M, "帳簿価額": 6 * M,
         "資産": 12 * M, "負債": 9 * M, "出資割合": Decimal("0.4")},
        {"_row": 7, "相手先・銘柄": "文化協会", "市場価格": "なし", "取得価額・出資金額": 1 * M, "帳簿価額": 1 * M,
         "実質価額": 900_000},
    )


# 有価証券 25 + 4 = 29; 出資金 10 + 30 + 6 + 1 = 47; 投資損失引当金 12 (credit) from last year.
INV_BOOKS = {SECURITIES: 29 * M, CAPITAL_LINE: 47 * M, INV_PROVISION: -12 * M}


def holding_inputs(rows=None):
    return Inputs(rows={investments.HOLDINGS: holding_rows() if rows is None else rows})


def test_investments_revaluation_writedown_and_provision():
    """Listed: A 23 − 25 = −2,000,000; B 4.5 − 4 = +500,000 → 有価証券 −1,500,000 against
    NW 資産評価差額 (Dr 1,500,000).
    Unlisted (実質価額 = (資産 − 負債) × 出資割合):
      公社 (50 − 35) × 10/20 = 7,500,000: down 25% < 30% → nothing.
      観光 (100 − 80) × 30/60 = 10,000,000: down 20/30 = 66.7% → 連結対象 → provision 20,000,000.
      財団 (12 − 9) × 40% = 1,200,000: down 80% → not consolidated → write down 6 − 1.2 = 4,800,000.
      協会 given 900,000: down 10% → nothing.
    Provision wanted 20,000,000 − held 12,000,000 = 8,000,000 → 繰入額."""
    out = investments.compute(holding_inputs(), context(investments, INV_BOOKS))
    assert out.ok, [str(i) for i in out.issues]
    assert [e.voucher_no for e in out.entries] == ["決算-investments-1", "決算-investments-2", "決算-investments-3"]
    revalue, writedown, provision = (lines(e) for e in out.entries)
    assert revalue == {SECURITIES: -1_500_000, investments.REVALUATION: 1_500_000}
    assert writedown == {"PL/臨時損失/その他": 4_800_000, CAPITAL_LINE: -4_800_000}
    assert provision == {investments.CHARGE: 8 * M, INV_PROVISION: -8 * M}
    assert figure(out, "強制評価減額") == 4_800_000
    assert figure(out, "投資損失引当金（本年度末の必要額）") == 20 * M


def test_investments_tables_in_three_parts():
    """市場価格あり: A (20, 23, +3), B (4, 4.5, +0.5) → 合計 取得 24, 時価 27.5, 差額 3.5 (百万円).
    連結対象: 公社 (10; 50, 35, 15; 20; 50.00%; 7.5; 引当 0; BS 10), 観光 (30; 100, 80, 20; 60;
    50.00%; 10; 引当 20; BS 30) → 合計 出資 40, 実質 17.5, 引当 20, BS 40.
    それ以外: 財団 (6; 12, 9, 3; —; 40.00%; 1.2; 評価減 4.8; BS 1.2), 協会 (1; —; 0.9; 0; BS 1)
    → 合計 出資 7, 実質 2.1, 評価減 4.8, BS 2.2."""
    listed, consolidated, others = investments.compute(holding_inputs(), context(investments, INV_BOOKS)).tables
    assert [(r.label, r.values) for r in listed.rows] == [
        ("A電力株式会社", ("10,000", 20 * M, 23 * M, 3 * M)),
        ("B銀行株式会社", ("5,000", 4 * M, 4_500_000, 500_000)),
        ("合計", (None, 24 * M, 27_500_000, 3_500_000)),
    ]
    assert [(r.label, r.values) for r in consolidated.rows] == [
        ("土地開発公社", (10 * M, 50 * M, 35 * M, 15 * M, 20 * M, 5000, 7_500_000, 0, 10 * M)),
        ("観光開発株式会社", (30 * M, 100 * M, 80 * M, 20 * M, 60 * M, 5000, 10 * M, 20 * M, 30 * M)),
        ("合計", (40 * M, 150 * M, 115 * M, 35 * M, 80 * M, None, 17_500_000, 20 * M, 40 * M)),
    ]
    assert [(r.label, r.values) for r in others.rows] == [
        ("振興財団", (6 * M, 12 * M, 9 * M, 3 * M, None, 4000, 1_200_000, 4_800_000, 1_200_000)),
        ("文化協会", (1 * M, None, None, None, None, None, 900_000, 0, 1 * M)),
        ("合計", (7 * M, 12 * M, 9 * M, 3 * M, None, None, 2_100_000, 4_800_000, 2_200_000)),
    ]
    for t in (listed, consolidated, others):
        assert t.group == "附属明細書" and t.title.startswith("投資及び出資金の明細")
        check_totals(t)


def test_investments_next_year_view_posts_nothing():
    """After the run the books carry 有価証券 27.5 (時価), 出資金 47 − 4.8 = 42.2 and the
    provision 20. A register showing those 帳簿価額 (時価 unchanged) needs no entry:
    財団 already stands at its 実質価額 1,200,000."""
    rows = list(holding_rows())
    rows[0] = {**rows[0], "帳簿価額": 23 * M}
    rows[1] = {**rows[1], "帳簿価額": 4_500_000}
    rows[4] = {**rows[4], "帳簿価額": 1_200_000}
    books = {SECURITIES: 27_500_000, CAPITAL_LINE: 42_200_000, INV_PROVISION: -20 * M}
    out = investments.compute(holding_inputs(tuple(rows)), context(investments, books))
    assert out.ok and out.entries == ()


def test_investments_settings_threshold_and_writedown_line():
    """With a 70% threshold 観光 (66.7%) no longer needs a provision: 0 − 12 = −12,000,000 →
    Dr 投資損失引当金 12,000,000 / Cr 臨時利益 その他. 財団 (80%) is still written down, to
    資産除売却損 when chosen."""
    ctx = context(investments, INV_BOOKS, **{"investments.decline_percent": "70",
                                             "investments.writedown_line": "資産除売却損"})
    out = investments.compute(holding_inputs(), ctx)
    assert lines(out.entries[1]) == {"PL/臨時損失/資産除売却損": 4_800_000, CAPITAL_LINE: -4_800_000}
    assert lines(out.entries[2]) == {INV_PROVISION: 12 * M, investments.GAIN: -12 * M}


def test_investments_bad_rows_and_ledger_difference():
    rows = list(holding_rows())
    rows[0] = {**rows[0], "時価": None}  # listed without 時価
    rows[3] = {**rows[3], "資産": None, "負債": None}  # unlisted without the counterparty's figures
    rows[4] = {**rows[4], "出資割合": Decimal("1.5")}  # 150%
    rows[5] = {**rows[5], "帳簿価額": -1}
    out = investments.compute(holding_inputs(tuple(rows)), context(investments, INV_BOOKS))
    assert out.entries == ()
    assert where(out) == {("投資及び出資金台帳", 2, "時価"), ("投資及び出資金台帳", 5, "資産"),
                          ("投資及び出資金台帳", 6, "出資割合"), ("投資及び出資金台帳", 7, "帳簿価額")}
    # the books say 出資金 48,000,000; the register 47,000,000
    out = investments.compute(holding_inputs(), context(investments, {**INV_BOOKS, CAPITAL_LINE: 48 * M}))
    (issue,) = out.issues
    assert (issue.row, issue.column) == (None, "帳簿価額")
    assert "科目「出資金」の帳簿価額の合計 47,000,000円 が帳簿の出資金 48,000,000円" in issue.message
    assert "1,000,000円 違います" in issue.message
