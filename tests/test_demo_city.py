"""デモ市 demo data, checked as an accountant would check a year of journals.

Pure Python: no database, no Django.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter, defaultdict

import pytest

from kokai.demo import city

FY = 2024
OKU = 100_000_000  # 1億円

CUSTODIAL_CF = "CF/本年度歳計外現金増減額"
DEPOSITS = "BS/流動負債/預り金"


@pytest.fixture(scope="module")
def rows():
    return list(city.journal_rows(FY))


@pytest.fixture(scope="module")
def vouchers(rows):
    out = defaultdict(list)
    for r in rows:
        out[r[0]].append(r)
    return out


@pytest.fixture(scope="module")
def debits(rows):
    c = Counter()
    for r in rows:
        if r[5] is not None:
            c[r[5]] += r[6]
    return c


@pytest.fixture(scope="module")
def credits(rows):
    c = Counter()
    for r in rows:
        if r[7] is not None:
            c[r[7]] += r[8]
    return c


@pytest.fixture(scope="module")
def opening():
    return dict(city.opening_rows(FY))


def _sum(counter, prefix):
    return sum(v for p, v in counter.items() if p == prefix or p.startswith(prefix + "/"))


def _spending(credits):
    """歳出: every CF payment line (歳計外 excluded)."""
    return sum(v for p, v in credits.items() if p.startswith("CF/") and p != CUSTODIAL_CF)


def _receipts(debits):
    """歳入: every CF receipt line (歳計外 excluded)."""
    return sum(v for p, v in debits.items() if p.startswith("CF/") and p != CUSTODIAL_CF)


def _is_cash(voucher):
    return any((r[5] or "").startswith("CF/") or (r[7] or "").startswith("CF/") for r in voucher)


# ---------------------------------------------------------------- bookkeeping rules


def test_rows_have_the_journal_layout(rows):
    depts = {code for code, _ in city.DEPARTMENTS}
    assert city.JOURNAL_HEADER == ("伝票番号", "日付", "会計年度", "会計区分", "所属",
                                   "借方科目", "借方金額", "貸方科目", "貸方金額", "摘要")
    for r in rows:
        assert len(r) == len(city.JOURNAL_HEADER)
        assert r[2] == FY and r[3] == "一般会計"
        assert r[4] in depts
        assert r[9]
        assert (r[5] is None) == (r[6] is None) and (r[7] is None) == (r[8] is None)
        assert r[5] is not None or r[7] is not None


def test_every_voucher_balances_in_positive_integer_yen(vouchers):
    for no, lines in vouchers.items():
        dr = cr = 0
        for r in lines:
            for amount in (r[6], r[8]):
                if amount is not None:
                    assert type(amount) is int and amount > 0, (no, r)
            dr += r[6] or 0
            cr += r[8] or 0
        assert dr == cr, no


def test_a_voucher_is_contiguous_with_one_date_and_one_department(rows, vouchers):
    order = [r[0] for r in rows]
    starts = [no for i, no in enumerate(order) if i == 0 or order[i - 1] != no]
    assert len(starts) == len(vouchers), "a voucher's rows are not adjacent"
    assert starts == sorted(starts), "voucher numbers are not ascending"
    for lines in vouchers.values():
        assert len({(r[1], r[4], r[9]) for r in lines}) == 1
    assert [r[1] for r in rows] == sorted(r[1] for r in rows), "rows are in date order"


def test_every_account_is_a_postable_line_of_the_chart(rows):
    postable = city.postable_paths()
    used = {r[5] for r in rows if r[5]} | {r[7] for r in rows if r[7]}
    assert used <= postable, sorted(used - postable)
    assert set(city.ACCOUNTS.values()) <= postable
    # the paths quoted in the brief
    for p in ("BS/固定資産/有形固定資産/事業用資産/建物減価償却累計額", "BS/流動資産/現金預金/歳計外現金",
              "PL/経常費用/業務費用/人件費/職員給与費", "NW/財源/税収等", "NW/無償所管換等",
              "CF/業務活動収支/業務支出/業務費用支出/人件費支出", "CF/本年度歳計外現金増減額",
              "CF/財務活動収支/財務活動収入/地方債発行収入"):
        assert p in postable, p


def test_journals_never_touch_cash_or_the_net_asset_split(rows):
    forbidden = {"BS/流動資産/現金預金", "BS/流動資産/現金預金/歳計外現金",
                 "BS/固定資産等形成分", "BS/余剰分（不足分）"}
    assert forbidden == set(city.OPENING_ONLY)
    assert not [r for r in rows if r[5] in forbidden or r[7] in forbidden]


def test_dates_lie_in_the_year_or_its_closing_period(vouchers):
    first, last = dt.date(FY, 4, 1), dt.date(FY + 1, 5, 31)
    year_end = f"{FY + 1}-03-31"
    for no, lines in vouchers.items():
        date = dt.date.fromisoformat(lines[0][1])
        assert first <= date <= last, no
        if not _is_cash(lines):
            assert lines[0][1] == year_end, f"non-cash voucher {no} not dated 3/31"
        else:
            assert date.weekday() < 5, f"cash voucher {no} on a weekend"
        if any(CUSTODIAL_CF in (r[5], r[7]) for r in lines):
            # 歳計外 has no 出納整理期間 and pairs only with 預り金
            assert date <= dt.date(FY + 1, 3, 31), no
            assert {r[5] for r in lines} | {r[7] for r in lines} == {CUSTODIAL_CF, DEPOSITS}, no


def test_cash_entries_take_the_cash_side_from_the_cf(vouchers):
    """Payments credit a CF 支出 line, receipts debit a CF 収入 line."""
    chart = city.chart_paths()
    for no, lines in vouchers.items():
        for r in lines:
            if r[7] and r[7].startswith("CF/") and r[7] != CUSTODIAL_CF:
                assert chart[r[7]]["side"] == "C", (no, r[7])
            if r[5] and r[5].startswith("CF/") and r[5] != CUSTODIAL_CF:
                assert chart[r[5]]["side"] == "D", (no, r[5])


# ---------------------------------------------------------------- opening balance sheet


def test_opening_balance_sheet_balances(opening):
    chart = city.chart_paths()
    bs_lines = [p for p, r in chart.items()
                if r["statement"] == "BS" and r["kind"] in ("leaf", "sub") and not r["consolidated_only"]]
    assert [p for p, _ in city.opening_rows(FY)] == bs_lines
    assets = sum(v for p, v in opening.items() if chart[p]["side"] == "D")
    liabilities = _sum(opening, "BS/固定負債") + _sum(opening, "BS/流動負債")
    net_assets = opening["BS/固定資産等形成分"] + opening["BS/余剰分（不足分）"]
    assert assets == liabilities + net_assets
    fixed = (_sum(opening, "BS/固定資産") + opening["BS/流動資産/短期貸付金"]
             + _sum(opening, "BS/流動資産/基金"))
    assert opening["BS/固定資産等形成分"] == fixed
    assert opening["BS/余剰分（不足分）"] == net_assets - fixed < 0
    for p, v in opening.items():
        if chart[p]["contra"]:
            assert v <= 0, p
        else:
            assert v >= 0 or p == "BS/余剰分（不足分）", p
    assert opening["BS/流動資産/現金預金/歳計外現金"] == opening[DEPOSITS]


def test_opening_balance_sheet_looks_like_a_city_of_50000(opening):
    assert 45_000 <= city.POPULATION <= 55_000
    assets = _sum(opening, "BS/固定資産") + _sum(opening, "BS/流動資産")
    tangible = _sum(opening, "BS/固定資産/有形固定資産")
    accumulated = -sum(v for p, v in opening.items() if p.endswith("減価償却累計額"))
    depreciable = sum(v for p, v in opening.items() if p.startswith("BS/固定資産/有形固定資産")
                      and v > 0 and not p.endswith(("土地", "立木竹", "建設仮勘定")))
    funds = _sum(opening, "BS/固定資産/投資その他の資産/基金") + _sum(opening, "BS/流動資産/基金")
    bonds = opening["BS/固定負債/地方債"] + opening["BS/流動負債/1年内償還予定地方債"]
    net_assets = opening["BS/固定資産等形成分"] + opening["BS/余剰分（不足分）"]
    assert 900 * OKU <= assets <= 1_100 * OKU
    assert 850 * OKU <= tangible <= 950 * OKU
    assert 0.55 <= accumulated / depreciable <= 0.65  # 有形固定資産減価償却率
    assert 55 * OKU <= funds <= 65 * OKU
    assert 20 * OKU <= opening["BS/流動資産/基金/財政調整基金"] <= 30 * OKU
    assert 8 * OKU <= _sum(opening, "BS/流動資産/現金預金") <= 12 * OKU
    assert 0.5 * OKU <= opening["BS/流動資産/現金預金/歳計外現金"] <= 1.5 * OKU
    assert 190 * OKU <= bonds <= 210 * OKU
    assert 15 * OKU <= opening["BS/流動負債/1年内償還予定地方債"] <= 20 * OKU
    assert 20 * OKU <= opening["BS/固定負債/退職手当引当金"] <= 30 * OKU
    assert 1.5 * OKU <= opening["BS/流動負債/賞与等引当金"] <= 2.5 * OKU
    assert 700 * OKU <= net_assets <= 800 * OKU


# ---------------------------------------------------------------- the year's figures


def test_spending_is_about_20_billion_yen_with_realistic_shares(credits, opening):
    total = _spending(credits)
    assert 180 * OKU <= total <= 230 * OKU
    cf = "CF/業務活動収支/業務支出"

    def share(path):
        return credits[path] / total

    assert 0.13 <= share(f"{cf}/業務費用支出/人件費支出") <= 0.20
    assert 0.18 <= share(f"{cf}/移転費用支出/社会保障給付支出") <= 0.28  # 扶助費
    assert 0.13 <= share(f"{cf}/業務費用支出/物件費等支出") <= 0.18  # 物件費 + 維持補修費
    assert 0.08 <= share(f"{cf}/移転費用支出/補助金等支出") <= 0.12
    assert 0.08 <= share(f"{cf}/移転費用支出/他会計への繰出支出") <= 0.11
    assert 0.005 <= share(f"{cf}/業務費用支出/支払利息支出") <= 0.012
    debt_service = (credits["CF/財務活動収支/財務活動支出/地方債償還支出"]
                    + credits[f"{cf}/業務費用支出/支払利息支出"])
    assert 0.08 <= debt_service / total <= 0.12  # 公債費
    assert 0.09 <= share("CF/投資活動収支/投資活動支出/公共施設等整備費支出") <= 0.14
    assert 0.02 <= share("CF/投資活動収支/投資活動支出/基金積立金支出") <= 0.04
    # the principal repaid is the opening 1年内償還予定地方債
    assert credits["CF/財務活動収支/財務活動支出/地方債償還支出"] == opening["BS/流動負債/1年内償還予定地方債"]


def test_revenue_shares_and_a_small_surplus(rows, debits, credits):
    total = _receipts(debits)
    assert 1 * OKU <= total - _spending(credits) <= 5 * OKU
    taxes = ("市民税", "固定資産税", "軽自動車税", "市たばこ税", "都市計画税")
    local_tax = sum(r[6] for r in rows if r[5] == "CF/業務活動収支/業務収入/税収等収入"
                    and r[9].startswith(taxes))
    assert 0.30 <= local_tax / total <= 0.33  # 地方税
    assert 0.55 <= debits["CF/業務活動収支/業務収入/税収等収入"] / total <= 0.65  # + 交付税・譲与税
    grants = (debits["CF/業務活動収支/業務収入/国県等補助金収入"]
              + debits["CF/投資活動収支/投資活動収入/国県等補助金収入"])
    assert 0.21 <= grants / total <= 0.26
    assert 0.07 <= debits["CF/財務活動収支/財務活動収入/地方債発行収入"] / total <= 0.09
    assert 0.015 <= debits["CF/業務活動収支/業務収入/使用料及び手数料収入"] / total <= 0.02
    assert 0.015 <= debits["CF/投資活動収支/投資活動収入/基金取崩収入"] / total <= 0.025  # 繰入金


def test_cost_statement_and_year_end_entries(debits, credits):
    def net_debit(prefix):
        return _sum(debits, prefix) - _sum(credits, prefix)

    depreciation = debits["PL/経常費用/業務費用/物件費等/減価償却費"]
    assert 25 * OKU <= depreciation <= 30 * OKU
    net_cost = (net_debit("PL/経常費用") + net_debit("PL/経常収益")
                + net_debit("PL/臨時損失") + net_debit("PL/臨時利益"))
    assert 150 * OKU <= net_cost <= 185 * OKU  # 純行政コスト
    financing = -net_debit("NW/財源")
    assert -10 * OKU <= financing - net_cost <= 10 * OKU  # 本年度差額
    for p in ("PL/経常費用/業務費用/人件費/賞与等引当金繰入額", "PL/経常費用/業務費用/人件費/退職手当引当金繰入額",
              "PL/臨時損失/資産除売却損", "NW/無償所管換等"):
        assert debits[p] or credits[p], p


def test_closing_balance_sheet_stays_plausible(opening, debits, credits):
    chart = city.chart_paths()
    closing = {}
    for p, v in opening.items():
        move = debits[p] - credits[p]
        closing[p] = v + (move if chart[p]["side"] == "D" else -move)
    closing["BS/流動資産/現金預金"] += _receipts(debits) - _spending(credits)
    closing["BS/流動資産/現金預金/歳計外現金"] += debits[CUSTODIAL_CF] - credits[CUSTODIAL_CF]
    for p, v in closing.items():
        if chart[p]["contra"]:
            assert v <= 0, p
        elif p != "BS/余剰分（不足分）":
            assert v >= 0, p
    assert closing["BS/流動資産/現金預金/歳計外現金"] == closing[DEPOSITS]
    assert 1 * OKU <= debits[CUSTODIAL_CF] <= 5 * OKU  # a few 億円 gross
    assert abs(debits[CUSTODIAL_CF] - credits[CUSTODIAL_CF]) <= 0.2 * OKU  # small net
    assert 1.5 * OKU <= closing["BS/流動負債/賞与等引当金"] <= 2.5 * OKU
    assert 20 * OKU <= closing["BS/固定負債/退職手当引当金"] <= 30 * OKU
    assert 15 * OKU <= closing["BS/流動負債/1年内償還予定地方債"] <= 22 * OKU
    assert 8 * OKU <= closing["BS/流動資産/現金預金"] <= 15 * OKU
    # opening 建設仮勘定 is transferred on completion; this year's advances remain
    assert closing["BS/固定資産/有形固定資産/事業用資産/建設仮勘定"] == 50_000_000


# ---------------------------------------------------------------- determinism and size


def test_journals_are_deterministic(rows):
    again = list(city.journal_rows(FY))
    assert again == rows
    other_seed = list(city.journal_rows(FY, seed=7))
    assert other_seed != rows

    def totals(rs):
        c = Counter()
        for r in rs:
            if r[5]:
                c[r[5]] += r[6]
            if r[7]:
                c[r[7]] -= r[8]
        return c

    assert totals(other_seed) == totals(rows)


def test_scale_one_has_a_realistic_size(rows, vouchers):
    assert 20_000 <= len(rows) <= 40_000
    assert city.estimate_rows(FY) == len(rows)
    assert len(vouchers) > 25_000


def test_target_rows_sizes_the_year_without_changing_its_totals(rows):
    big = list(city.journal_rows(FY, target_rows=60_000))
    assert abs(len(big) - 60_000) <= 600
    assert city.estimate_rows(FY, target_rows=60_000) == len(big)

    def totals(rs):
        c = Counter()
        for r in rs:
            if r[5]:
                c[r[5]] += r[6]
            if r[7]:
                c[r[7]] -= r[8]
        return c

    assert totals(big) == totals(rows)
    for target in (1_000_000, 250_000):
        assert abs(city.estimate_rows(FY, target_rows=target) - target) <= target // 100
    assert city.estimate_rows(FY, scale=3) > 2.5 * len(rows)


def test_journal_rows_is_a_lazy_stream():
    it = city.journal_rows(FY, target_rows=1_000_000)
    first = next(it)
    assert first[0] == "J2024-000001" and first[1] == "2024-04-01"


def test_another_fiscal_year():
    rs = list(city.journal_rows(2025))
    assert all("2025-04-01" <= r[1] <= "2026-05-31" and r[2] == 2025 for r in rs)
    assert rs[0][0].startswith("J2025-")


def test_csv_files(tmp_path, rows):
    path = tmp_path / "journals.csv"
    n = city.write_journals_csv(path, FY, encoding="cp932")
    assert n == len(rows)
    with open(path, encoding="cp932", newline="") as fh:
        read = list(csv.reader(fh))
    assert tuple(read[0]) == city.JOURNAL_HEADER
    expected = [["" if c is None else str(c) for c in r] for r in rows]
    assert read[1:] == expected
    opening_path = tmp_path / "opening.csv"
    city.write_opening_csv(opening_path, FY)
    with open(opening_path, encoding="utf-8", newline="") as fh:
        op = list(csv.reader(fh))
    assert op[0] == ["path", "amount"]
    assert [(p, int(a)) for p, a in op[1:]] == city.opening_rows(FY)
