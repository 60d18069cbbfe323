"""C14–C18 and the verification working paper, on the worked town of tests/example_town.py.

2024 (example_town.py): 固定資産 23,500 + 基金 1,500 = 25,000 at the start; 24,650 + 1,800 =
26,450 at the end. CF: 業務活動収支 2,840 (収入 6,050 − 支出 3,210), 投資 −1,500 (800 − 2,300),
財務 400 (1,000 − 600); 資金 800 → 2,540; 歳計外 100 → 130; 預り金 130. NW 本年度差額 2,440.

2025 (YEAR_2025 below): 給料 500 paid; 税 700 received; 財政調整基金 200 drawn (基金取崩収入);
工作物 depreciated 600. 業務活動収支 700 − 500 = 200; 本年度差額 700 − (500 + 600) = −400.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from kokai.core.checks_more import (
    CAUTION,
    MATCH,
    MISMATCH,
    NOT_APPLICABLE,
    NOTED,
    SettlementTotals,
    blocking,
    custodial_check,
    fixed_portion_check,
    more_checks,
    opening_totals,
    operating_note,
    prior_year_checks,
    settlement_checks,
    status_of,
)
from kokai.core.journal import Kind
from kokai.core.statements import as_json, build, totals_from_entries

from .conftest import entry, write
from .example_town import journals_csv, opening_csv, opening_entry, year_entries

T = "BS/固定資産/有形固定資産"
CF_B, CF_I = "CF/業務活動収支", "CF/投資活動収支"
YEAR_2025 = [
    ("1", ("PL/経常費用/業務費用/人件費/職員給与費", 500), (f"{CF_B}/業務支出/業務費用支出/人件費支出", -500)),
    ("2", (f"{CF_B}/業務収入/税収等収入", 700), ("NW/財源/税収等", -700)),
    ("3", (f"{CF_I}/投資活動収入/基金取崩収入", 200), ("BS/流動資産/基金/財政調整基金", -200)),
    ("4", ("PL/経常費用/業務費用/物件費等/減価償却費", 600), (f"{T}/インフラ資産/工作物減価償却累計額", -600)),
]


def town_2024():
    return [opening_entry(), *year_entries()]


def town_2025():
    return [entry(v, *lines, year=2025, kind=Kind.CASH if any(p.startswith("CF/") for p, _ in lines) else Kind.NON_CASH)
            for v, *lines in YEAR_2025]


def statements(chart, entries, year, **kw):
    return build(chart, totals_from_entries(chart, entries, year, **kw), lg_code="999999")


@pytest.fixture(scope="module")
def y2024(chart):
    return statements(chart, town_2024(), 2024)


@pytest.fixture(scope="module")
def y2025(chart):
    """(2025 statements, 2025 opening statements from the ledger)."""
    totals = totals_from_entries(chart, town_2024() + town_2025(), 2025)
    return build(chart, totals, lg_code="999999"), build(chart, opening_totals(totals), lg_code="999999")


# ------------------------------------------------------------------------------- C15


def test_c15_the_fixed_portion_moves_tie_to_the_balance_sheet(chart, y2024):
    """BS: (24,650 + 0 + 1,800) − (23,500 + 0 + 1,500) = 26,450 − 25,000 = 1,450.
    NW 固定資産等形成分: 有形増加 2,000 − 有形減少 1,100 (減価償却 900 + 除却 200)
    + 基金増加 300 − 0 + 無償所管換等 250 = 1,450."""
    opening = statements(chart, [opening_entry()], 2024)
    c = fixed_portion_check(y2024, opening)
    assert (c.left, c.right, status_of(c)) == (1_450, 1_450, MATCH)
    # without last year's BS the NW 前年度末 固定資産等形成分 (25,000) is the start
    c = fixed_portion_check(y2024, None)
    assert (c.left, c.right, c.ok) == (1_450, 1_450, True)


def test_c15_catches_a_fixed_asset_move_the_net_assets_statement_missed(chart, y2024):
    """If the 工作物 2,000 bought in entry 4 were not classified as 有形固定資産等の増加, the
    NW side would be −1,100 + 300 + 250 = −550 while the BS still grew by 1,450: 2,000 apart."""
    totals = totals_from_entries(chart, town_2024(), 2024)
    moves = {k: v for k, v in totals.nw_moves.items() if k != "tangible_increase"}
    broken = build(chart, dataclasses.replace(totals, nw_moves=moves), lg_code="999999")
    c = fixed_portion_check(broken, statements(chart, [opening_entry()], 2024))
    assert (c.left, c.right, c.left - c.right, status_of(c)) == (1_450, -550, 2_000, MISMATCH)
    assert c in blocking([c])


def test_c15_across_two_years(y2024, y2025):
    """2025: BS (24,650 − 600) + (1,800 − 200) − 26,450 = 25,650 − 26,450 = −800;
    NW: 有形減少 −600 + 基金減少 −200 = −800."""
    c = fixed_portion_check(y2025[0], y2024)
    assert (c.left, c.right, c.ok) == (-800, -800, True)


# ------------------------------------------------------------------------------- C16


def test_c16_deposits_move_with_custodial_cash(y2024):
    """預り金 100 + 30 (entry 16, 源泉 held as 歳計外) = 130 = 歳計外現金 100 + 30."""
    c = custodial_check(y2024)
    assert (c.left, c.right, status_of(c)) == (130, 130, MATCH)


def test_c16_a_deposit_held_in_budget_cash_is_a_warning_not_a_failure(chart):
    """A 預り金 of 10 received into 歳計現金 (CF その他の収入) raises 預り金 to 140 while
    歳計外現金 stays 130: 注意 with 10 apart, and it does not block publication."""
    extra = entry("19", (f"{CF_B}/業務収入/その他の収入", 10), ("BS/流動負債/預り金", -10))
    c = custodial_check(statements(chart, [*town_2024(), extra], 2024))
    assert (c.left, c.right, c.ok, status_of(c)) == (140, 130, False, CAUTION)
    assert blocking([c]) == []


# ------------------------------------------------------------------------------- C17


def test_c17_reports_the_operating_balance_against_the_difference(y2024):
    """業務活動収支 2,840 − 本年度差額 2,440 = 400, which the 注記 explains:
    2,440 + 減価償却費 900 + 資産除売却損 200 + 退職手当引当金繰入 100 − 引当金から支払 150
    − 投資活動の国県等補助金 800 + 前年度の未収金回収 150 = 2,840."""
    c = operating_note(y2024)
    assert (c.left, c.right, c.ok, status_of(c)) == (2_840, 2_440, True, NOTED)
    assert "400 円" in c.name
    assert c.left == 2_440 + 900 + 200 + 100 - 150 - 800 + 150


# ------------------------------------------------------------------------------- C18

# The town's 決算: 歳入 = CF 収入 7,850 (業務 6,050 + 投資 800 + 財務 1,000) + 繰越金 800 = 8,650;
# 歳出 = CF 支出 3,210 + 2,300 + 600 = 6,110; 差引 8,650 − 6,110 = 2,540 = 本年度末資金残高.
SETTLED = SettlementTotals(revenue=8_650, expenditure=6_110, carried_forward=800)


def test_c18_the_cash_flow_agrees_with_the_settlement(y2024):
    got = [(c.left, c.right, status_of(c)) for c in settlement_checks(y2024, SETTLED)]
    assert got == [(7_850, 7_850, MATCH), (6_110, 6_110, MATCH), (800, 800, MATCH), (2_540, 2_540, MATCH)]


def test_c18_a_settlement_one_yen_higher_is_a_warning(y2024):
    """歳出決算額 6,111: 支出 6,110 − 6,111 = −1; 差引 8,650 − 6,111 = 2,539, so 2,540 − 2,539 = +1."""
    checks = settlement_checks(y2024, dataclasses.replace(SETTLED, expenditure=6_111))
    assert [(c.left - c.right, status_of(c)) for c in checks] == [(0, MATCH), (-1, CAUTION), (0, MATCH), (1, CAUTION)]
    assert blocking(checks) == []
    assert all(c.ok for c in settlement_checks(y2024, dataclasses.replace(SETTLED, expenditure=6_111), tolerance=1))


def test_c18_without_settlement_figures_is_not_applicable(y2024):
    [c] = settlement_checks(y2024, None)
    assert status_of(c) == NOT_APPLICABLE and c.ok and "決算額" in c.name


# ------------------------------------------------------------------------------- C14


def test_c14_this_years_opening_figures_tie_to_last_years_published(y2024, y2025):
    """2025 前年度末: 純資産 20,890 (固定 26,450, 不足 −5,560), 資金 2,540, 歳計外 130, and every
    BS line's opening balance = the 2024 statements as published."""
    st, opening = y2025
    checks = prior_year_checks(st, as_json(y2024), opening=opening)
    assert [(c.left, c.right) for c in checks[:5]] == [
        (20_890, 20_890), (26_450, 26_450), (-5_560, -5_560), (2_540, 2_540), (130, 130)]
    assert checks[5].name.endswith("（全78行）") and (checks[5].left, checks[5].ok) == (0, True)
    assert len(checks) == 6 and all(status_of(c) == MATCH for c in checks)


def test_c14_a_published_figure_one_yen_off_is_a_mismatch(y2024, y2025):
    """Published 本年度末純資産残高 20,891 (合計) and 現金預金 2,671: each 1 yen from the ledger."""
    st, opening = y2025
    published = as_json(y2024)
    for ln in published["statements"]["NW"]:
        if ln["name"] == "本年度末純資産残高":
            ln["amounts"]["合計"] += 1
    for ln in published["statements"]["BS"]:
        if ln["path"] == "流動資産/現金預金":
            ln["amount"] += 1
    bad = [c for c in prior_year_checks(st, published, opening=opening) if not c.ok]
    assert [(c.left, c.right, c.left - c.right, status_of(c)) for c in bad] == [
        (20_890, 20_891, -1, MISMATCH),  # NW 前年度末純資産残高 (合計)
        (1, 0, 1, MISMATCH),  # BS: one line differs
        (2_670, 2_671, -1, MISMATCH),  # BS 現金預金 at the start of 2025
    ]
    assert "現金預金" in bad[2].name
    assert bad == blocking(bad)


def test_c14_in_the_first_year_is_not_applicable_and_a_wrong_year_fails(y2024, y2025):
    [c] = prior_year_checks(y2024, None)
    assert status_of(c) == NOT_APPLICABLE and c.ok
    [c] = prior_year_checks(y2024, as_json(y2024))  # 2024's own figures given as last year's
    assert (c.left, c.right, status_of(c)) == (2024, 2023, MISMATCH)


def test_more_checks_lists_c14_to_c18_in_order(y2024, y2025):
    st, opening = y2025
    ids = [c.id for c in more_checks(st, published_prior=as_json(y2024), opening=opening)]
    assert ids == ["C14"] * 6 + ["C15", "C16", "C17", "C18"]
    c15 = next(c for c in more_checks(st, published_prior=as_json(y2024), opening=opening) if c.id == "C15")
    assert "前年度公表" in c15.left_label and (c15.left, c15.right) == (-800, -800)


# --------------------------------------------------------------- the ledger and the paper

CASH_HEADER = ("会計年度,会計区分,歳入歳出区分,款,款名,項,項名,目,目名,節,節名,細節,細節名,伝票番号,行番号,"
               "日付,金額,伝票種別,所属,相手方,摘要,事業コード,繰越区分,現年滞繰区分")
# (歳入歳出, 款, 節, 節名, [records], 決算額): the town's year as the 財務会計 system saw it.
# 歳入 4,650 + 400 + 1,800 + 800 + 1,000 = 8,650; 歳出 3,000 + 150 + 2,000 + 300 + 660 = 6,110.
# The 工事請負費 records sum to 1,999: the 決算書 says 2,000.
BUDGET = [
    ("歳入", "1", "1", "市民税", [4_500, 150], 4_650),
    ("歳入", "14", "1", "使用料", [400], 400),
    ("歳入", "15", "1", "国庫補助金", [1_000, 800], 1_800),
    ("歳入", "20", "1", "繰越金", [800], 800),
    ("歳入", "22", "1", "市債", [1_000], 1_000),
    ("歳出", "2", "2", "給料", [3_000], 3_000),
    ("歳出", "2", "3", "職員手当等", [150], 150),
    ("歳出", "8", "14", "工事請負費", [1_999], 2_000),
    ("歳出", "2", "24", "積立金", [300], 300),
    ("歳出", "12", "22", "償還金利子及び割引料", [600, 60], 660),
]


@pytest.fixture
def town(lg, tmp_path):
    from kokai.cash.services import import_cash, import_settled
    from kokai.ledger.imports import import_journals, import_opening

    import_opening(lg=lg, path=write(tmp_path, "open.csv", opening_csv()), fiscal_year=2024)
    import_journals(lg=lg, path=write(tmp_path, "j.csv", journals_csv(), "cp932"))
    cash, settled, n = [CASH_HEADER], ["会計年度,会計区分,歳入歳出区分,款,項,目,節,決算額,節名"], 0
    for d, kan, setsu, name, amounts, total in BUDGET:
        for amount in amounts:
            n += 1
            cash.append(f"2024,01,{d},{kan},款,1,項,1,目,{setsu},{name},,,V{n},1,2024-07-01,{amount},通常,"
                        f"財政課,,{name},,,")
        settled.append(f"2024,01,{d},{kan},1,1,{setsu},{total},{name}")
    import_cash(lg=lg, path=write(tmp_path, "cash.csv", "\n".join(cash) + "\n"))
    import_settled(lg=lg, path=write(tmp_path, "settled.csv", "\n".join(settled) + "\n"))
    return lg


def test_the_settlement_totals_come_from_the_imported_amounts(town):
    """繰越金 is 款20 (FY2020 on), found through the conversion rule that books no journal."""
    from kokai.ledger.verification import settlement_totals

    assert settlement_totals(lg=town, fiscal_year=2024) == SETTLED
    assert settlement_totals(lg=town, fiscal_year=2025) is None


def test_verification_gathers_every_check_with_its_two_sides(town):
    """C1–C13 and C15–C18 agree; C14 is 対象外 (first year); L1 and L2 agree; no register,
    so A1 is 対象外; R1 finds 1 of 10 節 off (工事請負費 1,999 vs 2,000) and R2 歳出
    6,109 vs 6,110, while R2 歳入 8,650 = 8,650."""
    from kokai.ledger.verification import gather

    v = gather(lg=town, fiscal_year=2024)
    ids = [c.id for c in v.checks]
    assert ids[:19] == ["C1", "C2", "C3", "C4", "C4", "C5", "C6", "C7", "C8", "C9", "C9", "C9", "C10", "C11",
                        "C12", "C12", "C13", "C14", "C15"]
    assert ids[19:] == ["C16", "C17", "C18", "C18", "C18", "C18", "L1", "L2", "A1", "R1", "R2", "R2"]
    status = {(c.id, c.name): status_of(c) for c in v.checks}
    assert [k for k, s in status.items() if s == NOT_APPLICABLE] == [
        (c.id, c.name) for c in v.checks if c.id in ("C14", "A1")]
    assert [(c.id, c.left, c.right) for c in blocking(v.checks)] == [("R1", 1, 0), ("R2", 6_109, 6_110)]
    r1 = next(c for c in v.checks if c.id == "R1")
    assert "10節中 一致 9節・不一致 1節" in r1.name
    assert v.reconciliation.differences["difference"].to_list() == [-1]


def test_the_working_paper_reads_back(town, tmp_path):
    import openpyxl

    from kokai.ledger.verification import gather
    from kokai.report.verification_xlsx import write_verification

    v = gather(lg=town, fiscal_year=2024)
    path = tmp_path / "検証調書.xlsx"
    write_verification(path, list(v.checks), lg_name="テスト市", fiscal_year=2024, statements=v.statements,
                       reconciliation=v.reconciliation, created_at=dt.datetime(2025, 6, 30, 10, 15))
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["検証結果", "財務書類", "決算額との照合"]
    ws = wb["検証結果"]
    assert (ws["B2"].value, ws["B3"].value, ws["B4"].value) == ("テスト市", "令和6年度（2024年度）", "令和7年6月30日 10:15")
    head = next(r for r in range(1, 20) if ws.cell(r, 1).value == "番号")
    rows = [[ws.cell(r, c).value for c in range(1, 11)] for r in range(head + 1, head + 1 + len(v.checks))]
    assert [r[0] for r in rows] == [c.id for c in v.checks]  # one row per check, in order
    c17 = next(r for r in rows if r[0] == "C17")
    assert (c17[2], c17[4], c17[7], c17[9]) == (NOTED, 2_840, 2_440, 400)
    assert c17[5] == "様式第4号 資金収支計算書" and c17[8] == "様式第3号 純資産変動計算書"
    r2 = [r for r in rows if r[0] == "R2"][1]
    assert (r2[2], r2[4], r2[7], r2[9]) == (MISMATCH, 6_109, 6_110, -1)
    c14 = next(r for r in rows if r[0] == "C14")
    assert c14[2] == NOT_APPLICABLE and c14[4] is None
    # 31 checks: 不一致 R1 and R2 歳出, 注記 C17, 対象外 C14 and A1, so 一致 31 − 5 = 26
    assert len(v.checks) == 31
    assert ws.cell(head - 2, 2).value == "一致 26件　不一致 2件　注意 0件　注記 1件　対象外 2件"
    roles = [ws.cell(r, 1).value for r in range(head + len(v.checks), ws.max_row + 1)]
    assert roles[-3:] == ["作成者", "確認者", "監査人"]
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"

    figures = {ws2[2]: ws2[3:6] for ws2 in wb["財務書類"].iter_rows(values_only=True)}
    assert figures["資産合計"] == (29_170, None, None)
    assert figures["本年度末純資産残高"] == (20_890, 26_450, -5_560)

    ws = wb["決算額との照合"]
    body = [r for r in ws.iter_rows(values_only=True) if r[0] == "01"]
    assert len(body) == 10
    bad = [r for r in body if r[12]]
    assert [(r[6], r[10], r[11], r[12]) for r in bad] == [("工事請負費", 1_999, 2_000, -1)]
    red = next(row for row in ws.iter_rows() if row[6].value == "工事請負費")
    assert red[12].font.color.rgb.endswith("B00020")
