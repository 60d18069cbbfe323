"""Depreciation (減価償却) as worked examples: the kernel in kokai.core, no database.

Run with ``python3 -m pytest tests/test_depreciation.py -q -p no:django``.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import polars as pl
import pytest

from kokai.core.assets import (
    AssetError,
    Ownership,
    Settings,
    StartConvention,
    account_for,
    depreciable,
    standard_useful_lives,
    useful_life_rate,
)
from kokai.core.chart import standard_chart
from kokai.core.depreciation import (
    ALREADY_POSTED,
    CHARGED,
    DISPOSED,
    FULLY_DEPRECIATED,
    NOT_DEPRECIABLE,
    NOT_IN_SERVICE,
    DepreciationError,
    apply_charges,
    assets_frame,
    compute_charges,
    depreciation_journal_frame,
    depreciation_journals,
)
from kokai.core.journal import Kind, problems

TA = "BS/固定資産/有形固定資産"
OLD = dt.date(2000, 4, 1)  # in service long before the year: a full year's charge


def asset(no="1", cls="事業用資産", kind="建物", cost=3_600, life=6, in_service=OLD, **kw):
    return {"asset_no": no, "asset_class": cls, "kind": kind, "cost": cost, "useful_life": life,
            "in_service": in_service, **kw}


def charges(*rows, year=2024, **settings):
    return compute_charges(assets_frame(rows), year, Settings(**settings))


def charge_of(*rows, **kw) -> list[int]:
    return charges(*rows, **kw)["charge"].to_list()


def code(path: str) -> str:
    return standard_chart().resolve(path).code


def run_years(row, years, **settings) -> list[int]:
    """Depreciate one asset year after year, posting each result into the register."""
    reg = assets_frame([row])
    out = []
    for y in years:
        c = compute_charges(reg, y, Settings(**settings))
        out.append(c["charge"].item())
        reg = apply_charges(reg, c, y)
    return out


# ----------------------------------------------------------------- the useful-life master

def test_rates_are_one_over_n_rounded_up_to_three_decimals():
    """別表第八: 2 → 0.500, 3 → 0.334, 6 → 0.167, 9 → 0.112, 47 → 0.022, 60 → 0.017, for
    every life from 2 to 100 years."""
    master = standard_useful_lives()
    assert sorted(master.rates) == list(range(2, 101))
    for n in range(2, 101):
        assert master.rates[n] == -(-1000 // n), n
    published = {2: "0.500", 3: "0.334", 4: "0.250", 5: "0.200", 6: "0.167", 7: "0.143",
                 8: "0.125", 9: "0.112", 10: "0.100", 15: "0.067", 20: "0.050", 22: "0.046",
                 24: "0.042", 30: "0.034", 38: "0.027", 40: "0.025", 45: "0.023", 47: "0.022",
                 50: "0.020", 60: "0.017", 100: "0.010"}
    for years, rate in published.items():
        assert useful_life_rate(years) == Decimal(rate)
    with pytest.raises(AssetError, match="耐用年数 101 年"):
        useful_life_rate(101)


def test_categories_give_the_statutory_lives():
    """RC 学校 47 years, RC 庁舎 50, asphalt pavement 10, software (own use) 5."""
    master = standard_useful_lives()
    school = [c for c in master.find("学校") if c.structure.startswith("鉄骨鉄筋")]
    assert [c.years for c in school] == [47]
    assert master.find("事務所・庁舎")[0].years == 50
    assert master.find("アスファルト")[0].years == 10
    assert [c.years for c in master.find("ソフトウェア")] == [3, 5]
    assert all(c.years in master.rates and c.confidence for c in master.categories)


# ------------------------------------------------------------------ classes and accounts

def test_accounts_from_class_and_kind():
    """Tangibles have a 累計額 line; intangibles, land and 建設仮勘定 none."""
    assert account_for("事業用資産", "建物") == (f"{TA}/事業用資産/建物", f"{TA}/事業用資産/建物減価償却累計額")
    assert account_for("infrastructure", "工作物")[1] == f"{TA}/インフラ資産/工作物減価償却累計額"
    assert account_for("物品", "その他") == (f"{TA}/物品", f"{TA}/物品減価償却累計額")
    assert account_for("無形固定資産", "ソフトウェア") == ("BS/固定資産/無形固定資産/ソフトウェア", None)
    assert account_for("無形固定資産", "無形その他") == ("BS/固定資産/無形固定資産/その他", None)
    assert account_for("インフラ資産", "建設仮勘定") == (f"{TA}/インフラ資産/建設仮勘定", None)
    with pytest.raises(AssetError, match="インフラ資産に種目「船舶」はありません"):
        account_for("インフラ資産", "船舶")
    with pytest.raises(AssetError, match="資産区分「公共資産」"):
        account_for("公共資産", "建物")


def test_depreciable_kinds():
    assert depreciable("建物", "事業用資産")
    assert depreciable("ソフトウェア", "無形固定資産")
    for kind in ("土地", "立木竹", "建設仮勘定"):
        assert not depreciable(kind, "事業用資産")
    assert not depreciable("その他", "物品", is_art=True)


def test_settings_defaults_and_thresholds():
    """物品 from 500,000 yen, 美術品 from 3,000,000; leases > 1 year and > 3,000,000."""
    s = Settings()
    assert s.convention is StartConvention.NEXT_YEAR
    assert (s.memo_value("事業用資産"), s.memo_value("無形固定資産")) == (1, 0)
    assert not s.capitalised(499_999, "物品") and s.capitalised(500_000, "物品")
    assert not s.capitalised(2_999_999, "物品", is_art=True) and s.capitalised(3_000_000, "物品", is_art=True)
    assert s.capitalised(1, "インフラ資産")
    assert Settings(movable_threshold=1_000_000).capitalised(600_000, "物品") is False
    assert s.lease_capitalised(13, 3_000_001) and not s.lease_capitalised(12, 5_000_000)
    assert not s.lease_capitalised(60, 3_000_000)


def test_not_owned_asset_names_its_owner():
    """A 所有外 road (国道 指定区間外, managed by the city) records its legal owner."""
    road = Ownership("not_owned", legal_owner="国", basis="道路法 指定区間外")
    assert road.status.label == "所有外（管理のみ）"
    with pytest.raises(AssetError, match="所有者"):
        Ownership("not_owned")


# ----------------------------------------------------------------------- the yearly charge

def test_601_not_600():
    """3,600 yen over 6 years: 3,600 × 0.167 = 601.2 → 601 (not 3,600 ÷ 6 = 600)."""
    assert charge_of(asset(cost=3_600, life=6)) == [601]


def test_school_of_47_years():
    """An RC school, 470,000,000 yen, 47 years: rate 0.022 → 10,340,000 a year."""
    c = charges(asset(cost=470_000_000, life=47))
    assert c["charge"].to_list() == [10_340_000]
    assert c["book_value"].to_list() == [459_660_000]
    assert c["status"].to_list() == [CHARGED]


def test_tangible_stops_at_one_yen():
    """3,600 yen, 6 years, in service 2017-05-01 (FY2017), from FY2018: 601 × 5 = 3,005,
    then 594 (3,600 − 3,005 − 1), leaving the 備忘価額 of 1 yen; nothing after that."""
    row = asset(cost=3_600, life=6, in_service=dt.date(2017, 5, 1))
    assert run_years(row, range(2017, 2026)) == [0, 601, 601, 601, 601, 601, 594, 0, 0]
    last = charges(asset(cost=3_600, life=6, accumulated=3_599))
    assert last["charge"].to_list() == [0] and last["status"].to_list() == [FULLY_DEPRECIATED]
    assert last["book_value"].to_list() == [1]


def test_intangible_goes_to_zero():
    """Software, 1,000,000 yen, 5 years, rate 0.200: 200,000 a year for 5 years → 0.
    The same cost as a tangible 物品 keeps 1 yen: the fifth charge is 199,999."""
    sw = asset(cls="無形固定資産", kind="ソフトウェア", cost=1_000_000, life=5, in_service=dt.date(2019, 4, 1))
    assert run_years(sw, range(2020, 2026)) == [200_000] * 5 + [0]
    pc = {**sw, "asset_class": "物品", "kind": "その他"}
    assert run_years(pc, range(2020, 2026)) == [200_000] * 4 + [199_999, 0]
    odd = {**sw, "cost": 1_234_567}
    # 1,234,567 × 0.2 = 246,913.4 → 246,913; five years leave 2 yen, charged in year six.
    assert run_years(odd, range(2020, 2027)) == [246_913] * 5 + [2, 0]


def test_land_construction_in_progress_timber_and_art_are_not_depreciated():
    """No charge and no useful life needed for 土地, 立木竹, 建設仮勘定 or a 4,000,000-yen
    painting (美術品); a 物品 that is not art, 6 years, is charged 167,000."""
    rows = [
        asset("土地", "インフラ資産", "土地", 50_000_000, None),
        asset("立木", "事業用資産", "立木竹", 2_000_000, None),
        asset("建仮", "インフラ資産", "建設仮勘定", 80_000_000, None, None),
        asset("建仮2", "事業用資産", "建設仮勘定", 30_000_000, None, None),
        asset("絵画", "物品", "その他", 4_000_000, None, is_art=True),
        asset("車両", "物品", "その他", 1_000_000, 6),
    ]
    c = charges(*rows)
    assert c["charge"].to_list() == [0, 0, 0, 0, 0, 167_000]
    assert c["status"].to_list() == [NOT_DEPRECIABLE] * 5 + [CHARGED]


@pytest.mark.parametrize(
    ("convention", "fy2024", "fy2025"),
    [("next_year", 0, 120_000), ("monthly", 60_000, 120_000), ("same_year", 120_000, 120_000)],
)
def test_start_year_conventions(convention, fy2024, fy2025):
    """1,200,000 yen, 10 years (0.100), in service 2024-10-01 (FY2024):
    next_year: nothing in FY2024; monthly: October–March = 6 months, 120,000 × 6/12 =
    60,000; same_year: a full 120,000. From FY2025 a full year under all three."""
    row = asset(cost=1_200_000, life=10, in_service=dt.date(2024, 10, 1))
    assert run_years(row, [2024, 2025], convention=convention) == [fy2024, fy2025]
    if convention == "next_year":
        assert charges(row)["status"].to_list() == [NOT_IN_SERVICE]


def test_monthly_counts_the_month_of_entry_and_floors():
    """In service in March 2025 (FY2024): 1 month, 1,200,000 × 0.1 / 12 = 10,000; in
    April 2024: 12 months; 3,600 × 0.167 × 5/12 = 250.5 → 250 (in service 2024-11-30)."""
    rows = [asset("3月", cost=1_200_000, life=10, in_service=dt.date(2025, 3, 31)),
            asset("4月", cost=1_200_000, life=10, in_service=dt.date(2024, 4, 1)),
            asset("11月", cost=3_600, life=6, in_service=dt.date(2024, 11, 30)),
            asset("翌年度", cost=3_600, life=6, in_service=dt.date(2025, 4, 1))]
    assert charge_of(*rows, convention="monthly") == [10_000, 120_000, 250, 0]


def test_rounding_setting():
    """3,600 × 0.167 = 601.2: floor 601, ceil 602; 3,000 × 0.167 = 501.0 in all three."""
    rows = [asset("a", cost=3_600), asset("b", cost=3_000)]
    assert charge_of(*rows) == [601, 501]
    assert charge_of(*rows, rounding="ceil") == [602, 501]
    assert charge_of(*rows, rounding="half_up") == [601, 501]


def test_disposed_asset_gets_no_charge():
    """Disposed on 2024-12-01 (FY2024): no charge in FY2024. Disposed 2025-06-01: still
    in use all of FY2024, so charged 601; a disposed asset needs no useful life."""
    rows = [asset("除却", disposed=dt.date(2024, 12, 1)),
            asset("翌年度除却", disposed=dt.date(2025, 6, 1)),
            asset("耐用年数なし", life=None, disposed=dt.date(2020, 1, 1))]
    c = charges(*rows)
    assert c["charge"].to_list() == [0, 601, 0]
    assert c["status"].to_list() == [DISPOSED, CHARGED, DISPOSED]


# ---------------------------------------------------------------------------- journals

def _mixed_register():
    return [
        asset("庁舎", "事業用資産", "建物", 500_000_000, 50),  # 10,000,000
        asset("学校", "事業用資産", "建物", 470_000_000, 47),  # 10,340,000
        asset("道路", "インフラ資産", "工作物", 150_000_000, 15),  # 10,050,000
        asset("橋", "インフラ資産", "工作物", 600_000_000, 60),  # 10,200,000
        asset("消防車", "物品", "その他", 30_000_000, 5),  # 6,000,000
        asset("システム", "無形固定資産", "ソフトウェア", 50_000_000, 5),  # 10,000,000
        asset("底地", "インフラ資産", "土地", 1, None),  # nothing
    ]


def test_journals_group_by_account_and_balance():
    """Four entries, Dr 減価償却費 / Cr 累計額 per line; the software credits the asset:
    事業用建物 20,340,000; インフラ工作物 20,250,000; 物品 6,000,000; ソフトウェア 10,000,000."""
    c = charges(*_mixed_register())
    entries = depreciation_journals(c, standard_chart(), 2024, "01")
    expense = code("PL/経常費用/業務費用/物件費等/減価償却費")
    got = {e.voucher_no: [(p.account, p.amount) for p in e.postings] for e in entries}
    assert got == {
        f"減価償却-2024-{code(f'{TA}/事業用資産/建物')}": [
            (expense, 20_340_000), (code(f"{TA}/事業用資産/建物減価償却累計額"), -20_340_000)],
        f"減価償却-2024-{code(f'{TA}/インフラ資産/工作物')}": [
            (expense, 20_250_000), (code(f"{TA}/インフラ資産/工作物減価償却累計額"), -20_250_000)],
        f"減価償却-2024-{code(f'{TA}/物品')}": [
            (expense, 6_000_000), (code(f"{TA}/物品減価償却累計額"), -6_000_000)],
        f"減価償却-2024-{code('BS/固定資産/無形固定資産/ソフトウェア')}": [
            (expense, 10_000_000), (code("BS/固定資産/無形固定資産/ソフトウェア"), -10_000_000)],
    }
    assert [e.voucher_no for e in entries] == list(got)  # chart order
    for e in entries:
        assert e.kind is Kind.NON_CASH and e.date == dt.date(2025, 3, 31) and e.fiscal_year == 2024
        assert problems(e, standard_chart()) == []
    assert sum(e.debit_total for e in entries) == c["charge"].sum() == 56_590_000
    frame = depreciation_journal_frame(c, None, 2024, "01")
    assert frame.entries.height == 4 and frame.lines["amount"].sum() == 0


def test_second_run_posts_nothing():
    """After the year's run is applied (accumulated += charge, depreciated_through = 2024),
    running FY2024 again charges 0 and makes no entries; FY2025 charges again."""
    reg = assets_frame(_mixed_register())
    first = compute_charges(reg, 2024)
    reg = apply_charges(reg, first, 2024)
    again = compute_charges(reg, 2024)
    assert again["charge"].sum() == 0
    assert set(again["status"]) == {ALREADY_POSTED, NOT_DEPRECIABLE}
    assert depreciation_journals(again, None, 2024, "01") == []
    assert compute_charges(reg, 2025)["charge"].sum() == first["charge"].sum()


# --------------------------------------------------------------------------- bad input

@pytest.mark.parametrize(
    ("row", "message"),
    [
        (asset("A-1", cost=-1), "取得価額等が負の値です: 資産番号 A-1"),
        (asset("A-2", life=None), "耐用年数が空欄です.*A-2"),
        (asset("A-3", life=101), "償却率が耐用年数表にありません.*A-3"),
        (asset("A-4", accumulated=5_000), "減価償却累計額が取得価額等を超えています.*A-4"),
        (asset("A-5", cls="公共資産"), "資産区分「公共資産」"),
        (asset("A-6", cls="インフラ資産", kind="船舶"), "インフラ資産に種目「船舶」はありません"),
        (asset("A-7", disposed=dt.date(1999, 1, 1)), "除売却日が供用開始日より前です.*A-7"),
    ],
)
def test_bad_input_is_refused(row, message):
    with pytest.raises(DepreciationError, match=message):
        charges(row)


def test_duplicate_asset_numbers_and_wrong_account_are_refused():
    with pytest.raises(DepreciationError, match="資産番号が重複しています: 資産番号 X、X"):
        charges(asset("X"), asset("X"))
    frame = assets_frame([asset("Y")]).with_columns(pl.lit(f"{TA}/事業用資産/工作物").alias("account"))
    with pytest.raises(DepreciationError, match="勘定科目が資産区分・種目と合いません: 資産番号 Y"):
        compute_charges(frame, 2024)


# ------------------------------------------------------------------------------- scale

def test_300000_random_assets():
    """300,000 random assets of every class: the journals' total equals the sum of the
    per-asset charges, each charge is at most floor(cost × rate) and leaves at least the
    memo value (assert only correctness; the timing is in the report)."""
    rng = random.Random(4)
    pairs = [("事業用資産", "建物"), ("事業用資産", "工作物"), ("事業用資産", "土地"),
             ("インフラ資産", "工作物"), ("インフラ資産", "建設仮勘定"), ("物品", "その他"),
             ("無形固定資産", "ソフトウェア"), ("インフラ資産", "建物"), ("事業用資産", "船舶")]
    n = 300_000
    picks = [rng.randrange(len(pairs)) for _ in range(n)]
    costs = [rng.randrange(0, 2_000_000_000) for _ in range(n)]
    first = dt.date(1960, 4, 1).toordinal()
    in_service = [dt.date.fromordinal(first + rng.randrange(24_000)) for _ in range(n)]  # to 2025-11
    gone = dt.date(2024, 9, 1)
    df = pl.DataFrame({
        "asset_no": [f"{i:06d}" for i in range(n)],
        "asset_class": [pairs[p][0] for p in picks],
        "kind": [pairs[p][1] for p in picks],
        "cost": costs,
        "accumulated": [int(c * rng.random()) for c in costs],
        "useful_life": [rng.randrange(2, 101) for _ in range(n)],
        "in_service": in_service,
        "disposed": [gone if d <= gone and rng.random() < 0.01 else None for d in in_service],
        "is_art": [rng.random() < 0.001 for _ in range(n)],
    }, schema_overrides={"cost": pl.Int64, "accumulated": pl.Int64, "useful_life": pl.Int32})
    c = compute_charges(df, 2024, Settings(convention="monthly"))
    assert c.height == n
    entries = depreciation_journals(c, None, 2024, "01")
    assert sum(e.debit_total for e in entries) == sum(c["charge"].to_list()) > 0
    assert all(sum(p.amount for p in e.postings) == 0 for e in entries)
    rates = standard_useful_lives().rates
    check = c.with_columns(df["useful_life"].replace_strict(rates, return_dtype=pl.Int64).alias("rate"),
                           df["asset_class"].alias("cls"))
    assert check.filter(pl.col("charge") > pl.col("cost") * pl.col("rate") // 1000).height == 0
    memo = pl.when(pl.col("cls") == "無形固定資産").then(0).otherwise(1)
    assert check.filter((pl.col("charge") > 0) & (pl.col("book_value") < memo)).height == 0
