"""The four statements of a small town, worked out by hand (tests/example_town.py).

Opening: 資産 26,100 = 負債 7,900 + 純資産 18,200 (固定資産等形成分 25,000, 不足分 −6,800).
The year: 給料 3,000; 税 4,500 (+ 未収金回収 150); 国県補助金 1,000 (業務) + 800 (投資);
工作物 2,000; 起債 1,000; 償還 600; 利子 60; 財政調整基金積立 300; 減価償却 900 (建物 300,
工作物 600); 退職手当 150 paid from the provision and 100 provided; 土地 250 donated;
建物 1,200 retired with 1,000 depreciated (loss 200); 地方債 650 reclassified to 1年内;
歳計外 +30; 使用料 400.

PL: 人件費 3,100 + 減価償却費 900 + 支払利息 60 = 経常費用 4,060; − 使用料 400 = 純経常
3,660; + 除売却損 200 = 純行政コスト 3,860. NW: 財源 6,300 − 3,860 = 本年度差額 2,440;
内部変動: 有形 +2,000 / −(900 + book value 200) = −1,100; 基金 +300; 無償所管換等 250, all
固定資産等形成分. 固定 25,000 + 1,200 + 250 = 26,450; 合計 18,200 + 2,440 + 250 = 20,890.
CF: 業務 6,050 − 3,210 = 2,840; 投資 800 − 2,300 = −1,500; 財務 1,000 − 600 = 400;
資金 800 + 1,740 = 2,540; 歳計外 130; 現金預金 2,670 = BS.
"""

from __future__ import annotations

import pytest

from kokai.core.checks import run_checks
from kokai.core.statements import NW_COLUMNS, build, totals_from_entries

from .example_town import EXPECTED, EXPECTED_NW, opening_entry, year_entries


@pytest.fixture(scope="module")
def statements(chart):
    entries = [opening_entry(), *year_entries()]
    return build(chart, totals_from_entries(chart, entries, 2024), lg_code="999999")


@pytest.mark.parametrize("path", EXPECTED)
def test_figure(statements, path):
    assert statements.amount(path) == EXPECTED[path]


@pytest.mark.parametrize("path", EXPECTED_NW)
def test_net_assets_row(statements, path):
    assert tuple(statements.amount(path, col) for col in NW_COLUMNS) == EXPECTED_NW[path]


def test_every_check_passes(statements):
    failed = [str(c) for c in run_checks(statements) if not c.ok]
    assert failed == []


def test_every_line_of_the_forms_is_printed_in_order(statements, chart):
    for stmt in ("BS", "PL", "NW", "CF"):
        assert [ln.code for ln in statements.lines[stmt]] == [ln.code for ln in chart.statement(stmt)]
    assert statements.line("BS/固定資産/有形固定資産/インフラ資産/土地").amount == 0


def test_a_ledger_that_lost_a_line_fails_c1(chart):
    """If the 税 credit of entry 2 were lost, assets would exceed liabilities + net assets."""
    import dataclasses

    entries = [opening_entry(), *year_entries()]
    entries[2] = dataclasses.replace(entries[2], postings=entries[2].postings[:1])
    st = build(chart, totals_from_entries(chart, entries, 2024), lg_code="999999")
    c1 = next(c for c in run_checks(st) if c.id == "C1")
    assert not c1.ok and c1.left - c1.right == 4_500


# The town's opening balance sheet as it would be published (様式第1号, in yen): the leaf
# lines are what Kokai imports, the subtotals what the printed form shows.
PUBLISHED_OPENING_SUBTOTALS = {
    "BS/固定資産/有形固定資産/事業用資産": 11_000,  # 5,000 + 10,000 − 4,000
    "BS/固定資産/有形固定資産/インフラ資産": 12_000,  # 20,000 − 8,000
    "BS/固定資産/有形固定資産": 23_000,
    "BS/固定資産/無形固定資産": 0,
    "BS/固定資産/投資その他の資産": 500,
    "BS/固定資産": 23_500,
    "BS/流動資産/基金": 1_500,
    "BS/流動資産": 2_600,  # 現金預金 900 (うち歳計外 100) + 未収金 200 + 基金 1,500
    "BS/資産合計": 26_100,
    "BS/固定負債": 7_200,  # 6,000 + 1,200
    "BS/流動負債": 700,  # 600 + 100
    "BS/負債合計": 7_900,
    "BS/純資産合計": 18_200,  # 25,000 − 6,800
    "BS/負債及び純資産合計": 26_100,
}


def test_published_leaf_lines_reproduce_the_published_subtotals(chart):
    st = build(chart, totals_from_entries(chart, [opening_entry()], 2024), lg_code="999999")
    assert {p: st.amount(p) for p in PUBLISHED_OPENING_SUBTOTALS} == PUBLISHED_OPENING_SUBTOTALS
    assert st.amount("BS/流動資産/現金預金") == 900
    assert st.amount("CF/前年度末歳計外現金残高") == 100 and st.amount("CF/本年度末資金残高") == 800
