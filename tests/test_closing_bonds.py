"""地方債: the register, the 1年内償還予定地方債 reclassification and the four schedules.

The worked example (令和6年度 = fiscal year 2024, closing date 2025-03-31):

| 番号 | 借入先 | 種類 | 利率 | 前年度末 | 借入 | 償還 | 本年度末 | 1年内 | 最終償還 |
|---|---|---|---|---|---|---|---|---|---|
| A | 財政融資資金 | 一般公共事業 | 0.8% | 400,000,000 | 0 | 40,000,000 | 360,000,000 | 40,000,000 | 2033 |
| B | 地方公共団体金融機構 | 臨時財政対策債 | 1.8% | 330,000,000 | 0 | 30,000,000 | 300,000,000 | 30,000,000 | (償還予定シート) |
| C | 市中銀行 | 教育・福祉施設 | 2.3% | 260,000,000 | 100,000,000 | 20,000,000 | 340,000,000 | 28,000,000 | 2049 |
| 計 | | | | 990,000,000 | 100,000,000 | 90,000,000 | 1,000,000,000 | 98,000,000 | |

Last year's closing moved 90,000,000 (40 + 30 + 20) to 1年内償還予定地方債 and left
900,000,000 on 地方債. This year the conversion booked the new bond Cr 地方債 100,000,000
and the repayments Dr 1年内償還予定地方債 90,000,000, so before closing the books hold
地方債 1,000,000,000 and 1年内 0: total 1,000,000,000 = the register's total.
"""

from __future__ import annotations

from decimal import Decimal

from kokai.core.chart import standard_chart
from kokai.core.closing import bonds
from kokai.core.closing.base import Context, Inputs
from kokai.core.journal import problems

CHART = standard_chart()
LONG = CHART.resolve(bonds.LONG).code
CURRENT = CHART.resolve(bonds.CURRENT).code
CF_ISSUE = CHART.resolve(bonds.CF_ISSUE).code
CF_REPAY = CHART.resolve(bonds.CF_REPAY).code
M = 1_000_000


def bond(row, no, lender, kind, rate, opening, borrowed, repaid, closing, due, last=None, **extra):
    r = {"_row": row, "番号": no, "借入先": lender, "種類": kind, "名称・事業": f"{kind}事業債{no}",
         "利率": Decimal(rate), "前年度末残高": opening, "本年度借入額": borrowed, "本年度償還額": repaid,
         "本年度末残高": closing, "1年内償還予定額": due, "最終償還年度": last}
    r.update(extra)
    return r


def register():
    return (
        bond(2, "A", "財政融資資金", "一般公共事業", "0.008", 400 * M, 0, 40 * M, 360 * M, 40 * M, 2033),
        bond(3, "B", "地方公共団体金融機構", "", "0.018", 330 * M, 0, 30 * M, 300 * M, 30 * M,
             臨時財政対策債=True),
        bond(4, "C", "市中銀行", "教育・福祉施設", "0.023", 260 * M, 100 * M, 20 * M, 340 * M, 28 * M, 2049,
             特定の契約条項="金利見直し時に全額繰上償還できる"),
    )


def schedule():
    # B: 30,000,000 a year for years 2–5 and 150,000,000 in years 6–10:
    # 30 × 4 + 150 = 270 = 300 − 30 (the 1年内 part).
    return ({"_row": 2, "番号": "B", "1年超2年以内": 30 * M, "2年超3年以内": 30 * M, "3年超4年以内": 30 * M,
             "4年超5年以内": 30 * M, "5年超10年以内": 150 * M},)


def inputs(rows=None, sched=None):
    return Inputs(rows={bonds.BONDS: register() if rows is None else rows,
                        bonds.SCHEDULE: schedule() if sched is None else sched}, file="決算整理.xlsx")


def context(long=-1000 * M, current=0, *, method="差額"):
    now = {LONG: long, CURRENT: current, CF_ISSUE: 100 * M, CF_REPAY: -90 * M}
    before = {LONG: -900 * M, CURRENT: -90 * M}
    return Context(fiscal_year=2024, chart=CHART, balance=lambda c: now.get(c, 0),
                   prior_balance=lambda c: before.get(c, 0), settings={"bonds.reclass_method": method})


def lines(entry):
    return {CHART[p.account].qualified_path: p.amount for p in entry.postings}


def figure(out, label):
    return next(f.amount for f in out.figures if f.label == label)


def table(out, key):
    return next(t for t in out.tables if t.key == key)


def row(t, label):
    return next(r for r in t.rows if r.label == label)


def test_difference_method_moves_next_years_principal():
    """1年内 wanted = 40 + 30 + 28 = 98,000,000; the books hold 0 on the 1年内 line, so
    差額 = 98,000,000 − 0: Dr 地方債 98,000,000 / Cr 1年内償還予定地方債 98,000,000."""
    out = bonds.compute(inputs(), context())
    assert out.ok, [str(i) for i in out.issues]
    assert [e.voucher_no for e in out.entries] == ["決算-bonds-1"]
    (e,) = out.entries
    assert lines(e) == {bonds.LONG: 98 * M, bonds.CURRENT: -98 * M}
    assert problems(e, CHART) == []
    assert figure(out, "地方債残高（台帳の本年度末残高合計）") == 1000 * M
    assert figure(out, "うち1年内償還予定額（翌年度の元金償還予定）") == 98 * M
    # B is the only 臨時財政対策債: 300,000,000; the rest 360 + 340 = 700,000,000.
    assert figure(out, "臨時財政対策債残高") == 300 * M
    assert figure(out, "臨時財政対策債を除く地方債残高") == 700 * M
    # register flows against the CF lines: 100 借入 = 発行収入 100; 90 償還 = 償還支出 90.
    assert figure(out, "本年度借入額（台帳）") == figure(out, "地方債発行収入（資金収支）") == 100 * M
    assert figure(out, "本年度償還額（台帳）") == figure(out, "地方債償還支出（資金収支）") == 90 * M
    assert figure(out, "前年度末残高（台帳）") == figure(out, "前年度末の地方債＋1年内償還予定地方債（帳簿）") == 990 * M


def test_reverse_and_rebook_when_part_of_last_years_reclass_is_left():
    """Suppose 5,000,000 of this year's repayment was booked against 地方債 instead of the
    1年内 line: the books hold 地方債 995,000,000 and 1年内 5,000,000 (total still 1,000,000,000).

    洗替: (1) Dr 1年内 5,000,000 / Cr 地方債 5,000,000 (what is left goes back);
          (2) Dr 地方債 98,000,000 / Cr 1年内 98,000,000.
    差額: Dr 地方債 93,000,000 / Cr 1年内 93,000,000 (98 − 5).
    Either way 1年内 = 5 − 5 + 98 = 98 (or 5 + 93) and 地方債 = 995 + 5 − 98 = 902."""
    wash = bonds.compute(inputs(), context(-995 * M, -5 * M, method="洗替"))
    assert [e.voucher_no for e in wash.entries] == ["決算-bonds-1", "決算-bonds-2"]
    assert lines(wash.entries[0]) == {bonds.CURRENT: 5 * M, bonds.LONG: -5 * M}
    assert lines(wash.entries[1]) == {bonds.LONG: 98 * M, bonds.CURRENT: -98 * M}
    diff = bonds.compute(inputs(), context(-995 * M, -5 * M))
    assert [lines(e) for e in diff.entries] == [{bonds.LONG: 93 * M, bonds.CURRENT: -93 * M}]
    for out in (wash, diff):
        assert all(problems(e, CHART) == [] for e in out.entries)
        after = {bonds.LONG: -995 * M, bonds.CURRENT: -5 * M}
        for e in out.entries:
            for path, amount in lines(e).items():
                after[path] += amount
        assert after == {bonds.LONG: -902 * M, bonds.CURRENT: -98 * M}


def test_books_already_holding_the_result_post_nothing_and_reruns_repeat():
    """Books: 地方債 902,000,000 and 1年内 98,000,000 — already the wanted split: no entry
    under either method. Computing twice gives the same outcome."""
    for method in ("差額", "洗替"):
        out = bonds.compute(inputs(), context(-902 * M, -98 * M, method=method))
        assert out.ok and out.entries == ()
    assert bonds.compute(inputs(), context()) == bonds.compute(inputs(), context())


def test_lender_schedule_splits_balance_by_kind_and_lender():
    """借入先別: 一般公共事業 A 360,000,000 (財政融資資金), 教育・福祉施設 C 340,000,000
    (市中銀行) → 通常分 700,000,000; 臨時財政対策債 B 300,000,000 (機構) → 特別分; 合計
    1,000,000,000 of which 1年内 40 + 28 = 68 (通常分) and 30 (特別分) = 98."""
    t = table(bonds.compute(inputs(), context()), "地方債_借入先別")
    assert t.group == "附属明細書" and t.title == "地方債（借入先別）の明細"
    assert t.columns[:5] == ("地方債残高", "うち1年内償還予定", "財政融資資金", "地方公共団体金融機構", "市中銀行")
    assert row(t, "一般公共事業").values[:5] == (360 * M, 40 * M, 360 * M, 0, 0)
    assert row(t, "臨時財政対策債").values[:5] == (300 * M, 30 * M, 0, 300 * M, 0)
    normal, special = [r for r in t.rows if r.label == "小計"]
    assert normal.values[:2] == (700 * M, 68 * M) and special.values[:2] == (300 * M, 30 * M)
    total = row(t, "合計")
    assert total.values == (1000 * M, 98 * M, 360 * M, 300 * M, 340 * M, 0, 0, 0)
    assert total.sum_of == ((1, t.rows.index(normal)), (1, t.rows.index(special)))
    # every 小計 sums its printed members, and 残高 = the sum of the lender columns
    for r in t.rows:
        if r.sum_of:
            assert r.values == tuple(sum(t.rows[i].values[c] for _s, i in r.sum_of) for c in range(len(r.values)))
        if not r.heading:
            assert r.values[0] == sum(r.values[2:])


def test_rate_schedule_bands_and_weighted_average():
    """A 0.8% → 1.5%以下 360,000,000; B 1.8% → 1.5%超2.0%以下 300,000,000;
    C 2.3% → 2.0%超2.5%以下 340,000,000. 加重平均 = (360 × 0.8 + 300 × 1.8 + 340 × 2.3) / 1000
    = (288 + 540 + 782) / 1000 = 1.610%."""
    t = table(bonds.compute(inputs(), context()), "地方債_利率別")
    (r,) = t.rows
    assert r.values == (1000 * M, 360 * M, 300 * M, 340 * M, 0, 0, 0, 0, "1.610%")
    assert r.values[0] == sum(r.values[1:8])


def test_period_schedule_from_given_and_even_repayments():
    """A: 360 − 40 = 320 over 2026–2033 (k = 2…9, 8 years) = 40 a year:
       1–2, 2–3, 3–4, 4–5: 40 each; 5–10 (k 6…9): 160.
    B: as given: 30, 30, 30, 30, 150.
    C: 340 − 28 = 312 over 2026–2049 (k = 2…25, 24 years) = 13 a year:
       1–2 … 4–5: 13 each; 5–10, 10–15, 15–20, 20超 (k 21…25): 65 each.
    Bands: 1年以内 40+30+28 = 98; 1–2 … 4–5: 40+30+13 = 83 each; 5–10: 160+150+65 = 375;
    10–15, 15–20, 20超: 65 each. 98 + 4 × 83 + 375 + 3 × 65 = 1,000."""
    t = table(bonds.compute(inputs(), context()), "地方債_返済期間別")
    (r,) = t.rows
    assert t.columns[1] == "1年以内" and t.columns[-1] == "20年超"
    assert r.values == tuple(x * M for x in (1000, 98, 83, 83, 83, 83, 375, 65, 65, 65))
    assert r.values[0] == sum(r.values[1:])


def test_even_schedule_keeps_the_remainder_for_the_last_year_and_bullets_pay_at_maturity():
    # 100 yen over k = 2…4: 100 // 3 = 33, 33, and 100 − 66 = 34 in the last year.
    assert bonds._even_schedule(100, 4, bullet=False) == {2: 33, 3: 33, 4: 34}
    assert bonds._even_schedule(100, 4, bullet=True) == {4: 100}
    # 満期一括 bond C (no schedule row): 312,000,000 all in k = 25 → 20年超.
    rows = list(register())
    rows[2] = {**rows[2], "償還方法": "満期一括"}
    (r,) = table(bonds.compute(inputs(tuple(rows)), context()), "地方債_返済期間別").rows
    assert r.values[-1] == 312 * M and r.values[1] == 98 * M


def test_clause_schedule_lists_bonds_with_special_terms():
    t = table(bonds.compute(inputs(), context()), "地方債_特定契約条項")
    assert [(r.label, r.values) for r in t.rows] == [
        ("教育・福祉施設事業債C", ("市中銀行", 340 * M, "金利見直し時に全額繰上償還できる")),
        ("合計", (None, 340 * M, None)),
    ]


def test_bad_rows_are_reported_with_sheet_row_and_column_and_nothing_is_posted():
    rows = list(register())
    # row 2: 400 + 0 − 40 = 360, but 370 entered
    rows[0] = {**rows[0], "本年度末残高": 370 * M}
    # row 3: a negative repayment and a rate typed as 1.8 (= 180%)
    rows[1] = {**rows[1], "本年度償還額": -30 * M, "利率": Decimal("1.8")}
    # row 4: next year's principal above the balance, an unknown lender
    rows[2] = {**rows[2], "1年内償還予定額": 341 * M, "借入先": "ゆうちょ"}
    out = bonds.compute(inputs(tuple(rows)), context())
    assert out.entries == () and out.tables == ()
    where = {(i.sheet, i.row, i.column) for i in out.issues}
    assert where == {
        ("地方債台帳", 2, "本年度末残高"),
        ("地方債台帳", 3, "本年度償還額"),
        ("地方債台帳", 3, "本年度末残高"),  # with the bad repayment read as 0: 330 + 0 − 0 ≠ 300
        ("地方債台帳", 3, "利率"),
        ("地方債台帳", 4, "1年内償還予定額"),
        ("地方債台帳", 4, "借入先"),
    }
    msg = next(str(i) for i in out.issues if i.row == 2)
    assert "400,000,000 ＋ 本年度借入額 0 － 本年度償還額 40,000,000 ＝ 360,000,000円" in msg
    assert msg.startswith("決算整理.xlsx シート「地方債台帳」 2行目 列「本年度末残高」")


def test_register_against_ledger_difference_is_an_issue():
    """The books hold 地方債 990,000,000 + 1年内 0 (say a 10,000,000 issue was never
    converted); the register says 1,000,000,000: 10,000,000 apart."""
    out = bonds.compute(inputs(), context(-990 * M))
    assert out.entries == ()
    (issue,) = out.issues
    assert (issue.sheet, issue.row, issue.column) == ("地方債台帳", None, "本年度末残高")
    assert "1,000,000,000円" in issue.message and "10,000,000円 違います" in issue.message


def test_schedule_sheet_must_add_up_and_name_a_known_bond():
    bad = ({**schedule()[0], "5年超10年以内": 140 * M}, {"_row": 3, "番号": "Z", "1年超2年以内": 1})
    out = bonds.compute(inputs(sched=bad), context())
    assert out.entries == ()
    assert {(i.sheet, i.row, i.column) for i in out.issues} == {
        ("地方債償還予定", 2, "1年超2年以内"),  # 260 + 30 ≠ 300
        ("地方債償還予定", 3, "番号"),
    }


def test_missing_or_too_early_final_year():
    rows = list(register())
    rows[0] = {**rows[0], "最終償還年度": None}
    rows[2] = {**rows[2], "最終償還年度": 2025}  # 340 due by 2025 but only 28 next year
    out = bonds.compute(inputs(tuple(rows)), context())
    assert {(i.row, i.column) for i in out.issues} == {(2, "最終償還年度"), (4, "最終償還年度")}


def test_rinzai_flag_contradicting_a_normal_kind():
    rows = list(register())
    rows[0] = {**rows[0], "臨時財政対策債": True}
    out = bonds.compute(inputs(tuple(rows)), context())
    assert [(i.row, i.column) for i in out.issues] == [(2, "種類")]


def test_setting_is_documented():
    (spec,) = bonds.SETTINGS
    assert spec.key == "bonds.reclass_method" and spec.default == "差額"
    assert spec.choices == ("差額", "洗替") and spec.help.endswith("。")
