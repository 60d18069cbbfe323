"""異動 of the 固定資産台帳 as worked examples, each ending with the statements' checks and the
register's tie to the balance sheet (the town of test_asset_register: 庁舎 A001 470,000,000
less 200,000,000, 市道1号線 B001 100,000,000 less 90,000,000, 庁舎敷地 A002 50,000,000,
財務会計システム S001 5,000,000 less 4,000,000, as of 2024-04-01).
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from kokai.assets.changes import (
    acquisitions_from_matching,
    add_capital_expenditure,
    complete_construction,
    correct,
    give_away,
    receive_free,
    reclassify,
    retire,
    revalue,
    sell,
)
from kokai.assets.models import Asset, AssetChange
from kokai.assets.services import depreciate, ledger_ties
from kokai.core.assets import AssetError
from kokai.core.journal import Kind
from kokai.ledger.masters import chart_for
from kokai.ledger.models import Fund, ImportBatch, JournalEntry
from kokai.ledger.posting import post_entries
from kokai.ledger.reporting import statements_for

from .conftest import entry, write
from .test_asset_register import OPENING, REGISTER

BUILDING = "BS/固定資産/有形固定資産/事業用資産/建物"
BUILDING_ACC = "BS/固定資産/有形固定資産/事業用資産/建物減価償却累計額"
LAND = "BS/固定資産/有形固定資産/事業用資産/土地"
ROAD = "BS/固定資産/有形固定資産/インフラ資産/工作物"
ROAD_CIP = "BS/固定資産/有形固定資産/インフラ資産/建設仮勘定"
CAPEX = "CF/投資活動収支/投資活動支出/公共施設等整備費支出"
SALE_CF = "CF/投資活動収支/投資活動収入/資産売却収入"
GAIN = "PL/臨時利益/資産売却益"
LOSS = "PL/臨時損失/資産除売却損"
BONDS_CF = "CF/財務活動収支/財務活動収入/地方債発行収入"
BONDS = "BS/固定負債/地方債"


@pytest.fixture
def town(lg, tmp_path):
    from kokai.assets.services import import_register
    from kokai.ledger.imports import import_opening

    import_opening(lg=lg, path=write(tmp_path, "open.csv", OPENING), fiscal_year=2024)
    import_register(lg=lg, path=write(tmp_path, "register.csv", REGISTER), fiscal_year=2024)
    return lg


def cash(lg, voucher: str, year: int, date: dt.date, *lines) -> None:
    """What the cash conversion would have posted for one payment or receipt."""
    key = hashlib.sha256(f"{voucher}{year}".encode()).hexdigest()
    batch = ImportBatch.objects.create(lg=lg, kind="test_cash", file_name=voucher, sha256=key)
    post_entries(lg=lg, entries=[entry(voucher, *lines, year=year, date=date, kind=Kind.CASH)],
                 chart=chart_for(lg), batch_id=batch.id)


def decide(lg, year: int, voucher: str, kind: str, amount: int, account: str, **fields) -> None:
    """A stored マッチングワークシート decision (as import_matching stores it)."""
    from kokai.cash.models import MatchingDecision

    MatchingDecision.objects.create(lg=lg, fiscal_year=year, fund=Fund.objects.get(lg=lg, code="01"),
                                    voucher_no=voucher, line_no=1, seq=1, kind=kind, amount=amount,
                                    account=account, **fields)


def all_ok(lg, *years: int):
    for year in years:
        st, checks = statements_for(lg=lg, fiscal_year=year)
        assert all(c.ok for c in checks), [str(c) for c in checks if not c.ok]
        ties = ledger_ties(lg=lg, fiscal_year=year)
        assert ties and all(c.ok for c in ties), [str(c) for c in ties if not c.ok]
    return st


def test_a_donation_of_land_is_received_at_its_value(town):
    """寄附受入: 公園用地 600 m², valued at 30,000,000 (再調達価額).
    Entry: Dr 事業用資産/土地 30,000,000 / Cr NW 無償所管換等 30,000,000.
    BS 土地 50,000,000 + 30,000,000 = 80,000,000; 固定資産等形成分 331,000,000 + 30,000,000."""
    change = receive_free(lg=town, date=dt.date(2024, 10, 1), value=30_000_000, asset_no="A100", name="公園用地",
                          asset_class="事業用資産", kind="土地", quantity="600", unit="m2")
    assert (change.reason, change.cost, change.entry.voucher_no) == ("donation_in", 30_000_000, f"異動-{change.pk}")
    land = Asset.objects.get(asset_no="A100")
    assert (land.valuation, land.acquired_on, land.account) == ("replacement", dt.date(2024, 10, 1), LAND)
    st = all_ok(town, 2024)
    assert st.amount(LAND) == 80_000_000
    assert st.amount("NW/無償所管換等") == 30_000_000
    assert st.amount("BS/固定資産等形成分") == 361_000_000
    assert st.amount("NW/無償所管換等", "固定資産等形成分") == 30_000_000


def test_a_retired_building_books_its_book_value_as_a_loss(town):
    """除却 of 庁舎 A001 on 2024-12-01: cost 470,000,000, accumulated 200,000,000.
    Entry: Dr 建物減価償却累計額 200,000,000 + Dr 資産除売却損 270,000,000 / Cr 建物 470,000,000.
    The year's depreciation then leaves A001 out: 9,999,999 (市道) + 1,000,000 (ソフト) = 10,999,999."""
    change = retire(lg=town, asset_no="A001", date=dt.date(2024, 12, 1))
    assert (change.cost, change.accumulated) == (-470_000_000, -200_000_000)
    assert Asset.objects.get(asset_no="A001").disposed_on == dt.date(2024, 12, 1)
    assert depreciate(lg=town, fiscal_year=2024).total == 10_999_999
    st = all_ok(town, 2024)
    assert st.amount(LOSS) == 270_000_000
    assert st.amount(BUILDING) == 0 and st.amount(BUILDING_ACC) == 0
    with pytest.raises(AssetError, match="除売却・振替済み"):
        retire(lg=town, asset_no="A001", date=dt.date(2025, 1, 10))
    with pytest.raises(AssetError, match="台帳にありません"):
        retire(lg=town, asset_no="Z999", date=dt.date(2025, 1, 10))


def test_a_correction_reverses_the_retirement(town):
    """A retirement made by mistake is cancelled by a 訂正: the reversal of its entry and a
    negating change; the building is back at 470,000,000 less 200,000,000."""
    change = retire(lg=town, asset_no="A001", date=dt.date(2024, 12, 1))
    (neg,) = correct(lg=town, change_id=change.pk, date=dt.date(2024, 12, 5))
    assert (neg.reason, neg.cost, neg.accumulated) == ("correction", 470_000_000, 200_000_000)
    assert neg.entry.voucher_no == f"取消-異動-{change.pk}"
    assert Asset.objects.get(asset_no="A001").disposed_on is None
    st = all_ok(town, 2024)
    assert st.amount(BUILDING) == 470_000_000 and st.amount(LOSS) == 0
    with pytest.raises(AssetError, match="既に訂正"):
        correct(lg=town, change_id=change.pk, date=dt.date(2024, 12, 6))


def test_a_free_transfer_out_goes_through_net_assets(town):
    """無償所管換（払出） of 市道1号線 B001 (100,000,000 less 90,000,000): Dr 累計額 90,000,000 +
    Dr NW 無償所管換等 10,000,000 / Cr 工作物 100,000,000."""
    give_away(lg=town, asset_no="B001", date=dt.date(2024, 9, 1))
    st = all_ok(town, 2024)
    assert st.amount("NW/無償所管換等") == -10_000_000 and st.amount(ROAD) == 0


def test_the_full_life_of_a_building(town):
    """A new 公民館 N001: paid 300,000,000 in FY2024 (地方債 300,000,000), life 50 (0.020), in
    service 2024-07-01; 資本的支出 20,000,000 in FY2025 (record N001-1, in service 2025-10-01);
    sold in FY2027.

    Depreciation (from the year after entry into service):
        FY2024  none
        FY2025  N001-0 300,000,000 × 0.020 = 6,000,000
        FY2026  N001-0 6,000,000; N001-1 20,000,000 × 0.020 = 400,000
    At the sale (2027-06-01): N001-0 book value 300,000,000 − 12,000,000 = 288,000,000, sold for
    300,000,000 (gain 12,000,000); N001-1 book value 20,000,000 − 400,000 = 19,600,000, sold for
    20,000,000 (gain 400,000). The cash conversion credits 資産売却益 with the proceeds; sell()
    debits 累計額 and 資産売却益 by the book value and credits 建物 with the cost: net gain 12,400,000.
    """
    cash(town, "P1", 2024, dt.date(2024, 5, 1), (BONDS_CF, 300_000_000), (BONDS, -300_000_000))
    cash(town, "P2", 2024, dt.date(2024, 6, 30), (BUILDING, 300_000_000), (CAPEX, -300_000_000))
    decide(town, 2024, "P2", "asset_new", 300_000_000, BUILDING, asset_no="N001", asset_name="公民館",
           useful_life=50, in_service=dt.date(2024, 7, 1))
    made = acquisitions_from_matching(lg=town, fiscal_year=2024)
    assert (made.assets, made.changes, made.total) == (1, 1, 300_000_000)
    again = acquisitions_from_matching(lg=town, fiscal_year=2024)
    assert (again.assets, again.changes) == (1, 1)
    assert AssetChange.objects.filter(asset__asset_no="N001", reason="purchase").count() == 1
    depreciate(lg=town, fiscal_year=2024)
    all_ok(town, 2024)

    cash(town, "C1", 2025, dt.date(2025, 9, 30), (BUILDING, 20_000_000), (CAPEX, -20_000_000))
    decide(town, 2025, "C1", "asset_existing", 20_000_000, BUILDING, asset_no="N001", asset_name="公民館 空調更新",
           useful_life=50, in_service=dt.date(2025, 10, 1))
    acquisitions_from_matching(lg=town, fiscal_year=2025)
    extra = Asset.objects.get(asset_no="N001", branch_no=1)
    assert (extra.extra["親資産"], extra.useful_life, extra.in_service) == ("N001-0", 50, dt.date(2025, 10, 1))
    depreciate(lg=town, fiscal_year=2025)
    depreciate(lg=town, fiscal_year=2026)
    charges = list(AssetChange.objects.filter(asset__asset_no="N001", asset__branch_no=0, reason="depreciation")
                   .order_by("fiscal_year").values_list("fiscal_year", "accumulated"))
    assert charges == [(2025, 6_000_000), (2026, 6_000_000)]
    assert AssetChange.objects.get(asset__asset_no="N001", asset__branch_no=1, reason="depreciation").accumulated == 400_000
    all_ok(town, 2025, 2026)

    cash(town, "S1", 2027, dt.date(2027, 6, 1), (SALE_CF, 300_000_000), (GAIN, -300_000_000))
    cash(town, "S2", 2027, dt.date(2027, 6, 1), (SALE_CF, 20_000_000), (GAIN, -20_000_000))
    first = sell(lg=town, asset_no="N001", date=dt.date(2027, 6, 1), proceeds=300_000_000)
    sell(lg=town, asset_no="N001", branch_no=1, date=dt.date(2027, 6, 1), proceeds=20_000_000)
    assert (first.cost, first.accumulated) == (-300_000_000, -12_000_000)
    lines = dict(first.entry.lines.values_list("account__path", "amount"))
    assert lines == {"固定資産/有形固定資産/事業用資産/建物減価償却累計額": 12_000_000,
                     "臨時利益/資産売却益": 288_000_000, "固定資産/有形固定資産/事業用資産/建物": -300_000_000}
    st = all_ok(town, 2027)
    assert st.amount(GAIN) == 12_400_000 and st.amount(LOSS) == 0
    assert st.amount(BUILDING) == 470_000_000  # only 庁舎 A001 is left on the line


def test_a_sale_below_book_value_is_a_loss(town):
    """市道1号線 B001 (book value 10,000,000) sold for 4,000,000: the provisional 資産売却益
    4,000,000 is undone and 資産除売却損 6,000,000 is booked."""
    cash(town, "S9", 2024, dt.date(2024, 11, 1), (SALE_CF, 4_000_000), (GAIN, -4_000_000))
    sell(lg=town, asset_no="B001", date=dt.date(2024, 11, 1), proceeds=4_000_000)
    st = all_ok(town, 2024)
    assert (st.amount(GAIN), st.amount(LOSS)) == (0, 6_000_000)


def test_a_road_built_through_construction_in_progress_over_two_years(town):
    """市道2号線 R100: FY2024 design 5,000,000 and works 40,000,000 paid to インフラ/建設仮勘定;
    FY2025 works 55,000,000 more; completed 2025-12-01 → インフラ/工作物 R100-1 100,000,000,
    life 30 (0.034): first charge FY2026 = 3,400,000.
    Entry on completion: Dr 工作物 100,000,000 / Cr 建設仮勘定 100,000,000."""
    for v, amount in (("R1", 5_000_000), ("R2", 40_000_000)):
        cash(town, v, 2024, dt.date(2024, 9, 1), (ROAD_CIP, amount), (CAPEX, -amount))
        decide(town, 2024, v, "cip", amount, ROAD_CIP, asset_no="R100", asset_name="市道2号線")
    acquisitions_from_matching(lg=town, fiscal_year=2024)
    cip = Asset.objects.get(asset_no="R100", branch_no=0)
    assert (cip.kind, cip.asset_class, cip.account) == ("建設仮勘定", "infrastructure", ROAD_CIP)
    st = all_ok(town, 2024)
    assert st.amount(ROAD_CIP) == 45_000_000

    cash(town, "R3", 2025, dt.date(2025, 8, 1), (ROAD_CIP, 55_000_000), (CAPEX, -55_000_000))
    decide(town, 2025, "R3", "cip", 55_000_000, ROAD_CIP, asset_no="R100", asset_name="市道2号線")
    acquisitions_from_matching(lg=town, fiscal_year=2025)
    out, into = complete_construction(lg=town, asset_no="R100", date=dt.date(2025, 12, 1), to_kind="工作物",
                                      useful_life=30)
    assert (out.cost, into.cost, into.asset.branch_no, into.asset.account) == (-100_000_000, 100_000_000, 1, ROAD)
    assert out.entry_id == into.entry_id
    with pytest.raises(AssetError, match="除売却・振替済み"):
        complete_construction(lg=town, asset_no="R100", date=dt.date(2025, 12, 2), to_kind="工作物", useful_life=30)
    acquisitions_from_matching(lg=town, fiscal_year=2024)  # re-run of a closed year keeps the history
    for year in (2024, 2025, 2026):
        depreciate(lg=town, fiscal_year=year)
    st = all_ok(town, 2024)
    assert st.amount(ROAD_CIP) == 45_000_000
    st = all_ok(town, 2025, 2026)
    assert st.amount(ROAD_CIP) == 0 and st.amount(ROAD) == 200_000_000
    assert AssetChange.objects.get(asset=into.asset, reason="depreciation").accumulated == 3_400_000


def test_matching_rerun_follows_changed_decisions(town):
    """Decisions changed after a first run: the year's purchase is made again from them."""
    from kokai.cash.models import MatchingDecision

    cash(town, "B1", 2024, dt.date(2024, 9, 1), (BUILDING, 8_000_000), (CAPEX, -8_000_000))
    decide(town, 2024, "B1", "asset_new", 8_000_000, BUILDING, asset_name="倉庫", useful_life=24,
           in_service=dt.date(2024, 10, 1))
    acquisitions_from_matching(lg=town, fiscal_year=2024)
    assert Asset.objects.filter(asset_no="M2024-B1-1-1").exists()
    MatchingDecision.objects.filter(voucher_no="B1").update(asset_no="W001", asset_name="第二倉庫")
    acquisitions_from_matching(lg=town, fiscal_year=2024)
    assert not Asset.objects.filter(asset_no="M2024-B1-1-1").exists()
    assert Asset.objects.get(asset_no="W001").name == "第二倉庫"
    all_ok(town, 2024)


def test_bad_changes_are_refused(town):
    with pytest.raises(AssetError, match="耐用年数が必要"):
        receive_free(lg=town, date=dt.date(2024, 10, 1), value=1_000_000, asset_no="X1", name="寄附の倉庫",
                     asset_class="事業用資産", kind="建物")
    with pytest.raises(AssetError, match="負の数"):
        receive_free(lg=town, date=dt.date(2024, 10, 1), value=-1, asset_no="X1", name="土地",
                     asset_class="事業用資産", kind="土地")
    with pytest.raises(AssetError, match="既に台帳"):
        receive_free(lg=town, date=dt.date(2024, 10, 1), value=1, asset_no="A001", name="土地",
                     asset_class="事業用資産", kind="土地")
    with pytest.raises(AssetError, match="建設仮勘定ではありません"):
        complete_construction(lg=town, asset_no="A001", date=dt.date(2024, 10, 1), to_kind="建物", useful_life=47)
    with pytest.raises(AssetError, match="1円以上"):
        add_capital_expenditure(lg=town, asset_no="A001", amount=0, date=dt.date(2024, 10, 1))
    assert not JournalEntry.objects.filter(voucher_no__startswith="異動").exists()
    assert Asset.objects.count() == 4


def fill(tmp_path, lg, rows, name="changes.xlsx"):
    """Export the 異動データワークシート and fill its 「異動」 sheet as a department would."""
    import openpyxl

    from kokai.assets.change_sheet import HEADERS, SHEET, export_change_sheet

    path = tmp_path / name
    assert export_change_sheet(lg=lg, fiscal_year=2024, path=path) == Asset.objects.filter(lg=lg).count()
    wb = openpyxl.load_workbook(path)
    assert wb["台帳"]["A2"].value == "A001" and wb["台帳"].protection.sheet
    ws = wb[SHEET]
    for r, values in enumerate(rows, start=2):
        for h, v in values.items():
            ws.cell(row=r, column=HEADERS.index(h) + 1, value=v)
    wb.save(path)
    return path


def test_the_change_sheet_round_trip(town, tmp_path):
    """Three rows: 寄附受入 of a 倉庫 (5,000,000, life 24), 除却 of 市道1号線 B001 (loss 10,000,000),
    売却 of 庁舎敷地 A002 for 60,000,000 (book value 50,000,000: gain 10,000,000)."""
    from kokai.assets.change_sheet import import_change_sheet

    cash(town, "L1", 2024, dt.date(2025, 1, 20), (SALE_CF, 60_000_000), (GAIN, -60_000_000))
    path = fill(tmp_path, town, [
        {"異動事由": "寄附受入", "資産番号": "D001", "日付": dt.datetime(2024, 11, 1), "金額": 5_000_000,
         "資産名称": "寄附の倉庫", "資産区分": "事業用資産", "種目": "建物", "耐用年数": 24},
        {"異動事由": "除却", "資産番号": "B001", "日付": dt.datetime(2024, 12, 1)},
        {"異動事由": "売却", "資産番号": "A002", "日付": "2025-01-20", "金額": 60_000_000, "摘要": "旧庁舎敷地"},
    ])
    assert import_change_sheet(lg=town, fiscal_year=2024, path=path) == 3
    st = all_ok(town, 2024)
    assert (st.amount(GAIN), st.amount(LOSS), st.amount("NW/無償所管換等")) == (10_000_000, 10_000_000, 5_000_000)
    assert Asset.objects.get(asset_no="D001").useful_life == 24


def test_the_change_sheet_refuses_bad_rows_by_row_and_column(town, tmp_path):
    from kokai.assets.change_sheet import import_change_sheet
    from kokai.core.issues import InputRejected

    day = dt.datetime(2024, 11, 1)
    path = fill(tmp_path, town, [
        {"異動事由": "除却", "資産番号": "Z999", "日付": day},
        {"異動事由": "除却", "資産番号": "A001", "日付": day},
        {"異動事由": "売却", "資産番号": "A001", "日付": day, "金額": 1},
        {"異動事由": "寄附受入", "資産番号": "D1", "日付": day, "金額": 1, "資産名称": "倉庫", "資産区分": "事業用資産",
         "種目": "建物"},
        {"異動事由": "調査判明", "資産番号": "D2", "日付": day, "金額": 1, "資産名称": "用地", "資産区分": "事業用資産",
         "種目": "土地", "取得年月日": dt.datetime(2024, 10, 1), "供用開始年月日": dt.datetime(2024, 9, 1)},
        {"異動事由": "寄附受入", "資産番号": "D3", "日付": day, "金額": -5, "資産名称": "用地", "資産区分": "事業用資産",
         "種目": "土地"},
        {"異動事由": "盗難", "資産番号": "A002", "日付": day},
        {"異動事由": "除却", "資産番号": "A002", "日付": dt.datetime(2026, 4, 1)},
    ])
    with pytest.raises(InputRejected) as e:
        import_change_sheet(lg=town, fiscal_year=2024, path=path)
    found = {(i.row, i.column): i.message for i in e.value.issues}
    assert all(i.sheet == "異動" and i.file == "changes.xlsx" for i in e.value.issues)
    assert "台帳にありません" in found[(2, "資産番号")]
    assert (3, "資産番号") not in found
    assert "除売却・振替済み" in found[(4, "資産番号")]
    assert "耐用年数が必要" in found[(5, "耐用年数")]
    assert "取得年月日" in found[(6, "供用開始年月日")]
    assert "負の数" in found[(7, "金額")]
    assert "使えません" in found[(8, "異動事由")]
    assert "年度" in found[(9, "日付")]
    assert len(found) == 7
    assert Asset.objects.get(asset_no="A001").disposed_on is None
    assert not AssetChange.objects.exclude(reason="opening").exists()
    assert not JournalEntry.objects.filter(voucher_no__startswith="異動").exists()


def test_the_change_sheet_refuses_what_is_not_an_xlsx(town, tmp_path):
    from kokai.assets.change_sheet import import_change_sheet
    from kokai.core.issues import InputRejected

    path = write(tmp_path, "changes.xlsx", "資産番号,金額\n")
    with pytest.raises(InputRejected, match="Excel"):
        import_change_sheet(lg=town, fiscal_year=2024, path=path)


# ------------------------------------------------------------------ 科目振替 and 評価替

INFRA_BUILDING = "BS/固定資産/有形固定資産/インフラ資産/建物"
INFRA_BUILDING_ACC = "BS/固定資産/有形固定資産/インフラ資産/建物減価償却累計額"
INFRA_LAND = "BS/固定資産/有形固定資産/インフラ資産/土地"
MOVABLES = "BS/固定資産/有形固定資産/物品"
MOVABLES_ACC = "BS/固定資産/有形固定資産/物品減価償却累計額"
OTHER = "BS/固定資産/有形固定資産/事業用資産/その他"
OTHER_ACC = "BS/固定資産/有形固定資産/事業用資産/その他減価償却累計額"
REVALUATION = "NW/資産評価差額"
FIXED = "固定資産等形成分"


def register_ties(lg, year: int) -> dict[str, int]:
    """The register per BS line, each change on the account it was booked to
    (reports.register_lines), equals the balance sheet line by line, for any year."""
    from kokai.assets.reports import register_lines

    st, _checks = statements_for(lg=lg, fiscal_year=year)
    lines = register_lines(lg=lg, fiscal_year=year)
    assert {p: (v, st.amount(p)) for p, v in lines.items() if v != st.amount(p)} == {}
    return lines


def schedule_row(lg, year: int, group: str, name: str) -> tuple[int, ...]:
    from kokai.assets.reports import tangible_schedule

    row = next(r for r in tangible_schedule(lg=lg, fiscal_year=year) if (r["区分"], r["科目"]) == (group, name))
    return tuple(row[c] for c in "ABCDEFG")


def test_a_building_reclassified_from_business_to_infrastructure(town):
    """科目振替 of 庁舎 A001 on 2024-10-01: 事業用資産/建物 → インフラ資産/建物, cost 470,000,000,
    累計額 200,000,000. One entry:
        Dr インフラ資産/建物 470,000,000            / Cr 事業用資産/建物 470,000,000
        Dr 事業用資産/建物減価償却累計額 200,000,000 / Cr インフラ資産/建物減価償却累計額 200,000,000
    No NW movement: the entry nets to 0 on 有形固定資産. The year's depreciation, run after,
    goes to the new line: 470,000,000 × 0.022 = 10,340,000 (the run still totals 21,339,999).
    附属明細書 FY2024: 事業用/建物 A 470,000,000, C 470,000,000, D 0; インフラ/建物 B 470,000,000,
    D 470,000,000, E 200,000,000 + 10,340,000 = 210,340,000, F 10,340,000, G 259,660,000."""
    out, into = reclassify(lg=town, asset_no="A001", date=dt.date(2024, 10, 1), to_class="インフラ資産")
    assert (out.reason, out.cost, out.accumulated) == ("reclass", -470_000_000, -200_000_000)
    assert (into.cost, into.accumulated, into.entry_id) == (470_000_000, 200_000_000, out.entry_id)
    lines = dict(out.entry.lines.values_list("account__path", "amount"))
    assert lines == {"固定資産/有形固定資産/インフラ資産/建物": 470_000_000,
                     "固定資産/有形固定資産/事業用資産/建物": -470_000_000,
                     "固定資産/有形固定資産/事業用資産/建物減価償却累計額": 200_000_000,
                     "固定資産/有形固定資産/インフラ資産/建物減価償却累計額": -200_000_000}
    a001 = Asset.objects.get(asset_no="A001")
    assert (a001.asset_class, a001.kind, a001.account, a001.useful_life) == ("infrastructure", "建物", INFRA_BUILDING, 47)
    assert depreciate(lg=town, fiscal_year=2024).total == 21_339_999
    assert AssetChange.objects.get(asset=a001, reason="depreciation").accumulated == 10_340_000
    st = all_ok(town, 2024)
    register_ties(town, 2024)
    assert (st.amount(BUILDING), st.amount(BUILDING_ACC)) == (0, 0)
    assert (st.amount(INFRA_BUILDING), st.amount(INFRA_BUILDING_ACC)) == (470_000_000, -210_340_000)
    assert st.amount("NW/固定資産等の変動（内部変動）/有形固定資産等の増加", FIXED) == 0
    assert schedule_row(town, 2024, "事業用資産", "建物") == (470_000_000, 0, 470_000_000, 0, 0, 0, 0)
    assert schedule_row(town, 2024, "インフラ資産", "建物") == (
        0, 470_000_000, 0, 470_000_000, 210_340_000, 10_340_000, 259_660_000)

    from kokai.assets.reports import asset_history

    h = asset_history(lg=town, asset_no="A001")
    assert [(x["事由"], x["勘定科目"], x["取得価額"]) for x in h] == [
        ("開始残高", BUILDING, 470_000_000), ("科目振替", BUILDING, 0), ("科目振替", INFRA_BUILDING, 470_000_000),
        ("減価償却", INFRA_BUILDING, 470_000_000)]
    assert h[-1]["伝票番号"] == f"減価償却-2024-{chart_for(town).resolve(INFRA_BUILDING).code}"
    assert JournalEntry.objects.filter(lg=town, voucher_no=h[-1]["伝票番号"]).exists()

    depreciate(lg=town, fiscal_year=2025)  # FY2025: 10,340,000 more on インフラ → 220,680,000
    st = all_ok(town, 2025)
    assert st.amount(INFRA_BUILDING_ACC) == -220_680_000
    assert schedule_row(town, 2025, "インフラ資産", "建物")[:5] == (470_000_000, 0, 0, 470_000_000, 220_680_000)
    assert schedule_row(town, 2025, "事業用資産", "建物") == (0,) * 7


def test_a_reclassification_keeps_the_earlier_years_on_the_old_line(town):
    """物品 P001 (消防ポンプ車) received 2024-06-01 at 6,000,000, life 6 (0.167): first charge
    FY2025 = 6,000,000 × 0.167 = 1,002,000 on 物品減価償却累計額. On 2026-07-01 it becomes
    事業用資産/その他: Dr その他 6,000,000 / Cr 物品 6,000,000; Dr 物品減価償却累計額 1,002,000 /
    Cr その他減価償却累計額 1,002,000; FY2026 charges 1,002,000 more on その他 (2,004,000).
    The register read for FY2025 still shows P001 on 物品, as the FY2025 balance sheet does."""
    receive_free(lg=town, date=dt.date(2024, 6, 1), value=6_000_000, asset_no="P001", name="消防ポンプ車",
                 asset_class="物品", kind="その他", useful_life=6)
    for year in (2024, 2025):
        depreciate(lg=town, fiscal_year=year)
    reclassify(lg=town, asset_no="P001", date=dt.date(2026, 7, 1), to_class="事業用資産")
    depreciate(lg=town, fiscal_year=2026)
    lines = register_ties(town, 2025)
    assert (lines[MOVABLES], lines[MOVABLES_ACC], lines.get(OTHER, 0)) == (6_000_000, -1_002_000, 0)
    lines = register_ties(town, 2026)
    assert (lines[MOVABLES], lines[MOVABLES_ACC]) == (0, 0)
    assert (lines[OTHER], lines[OTHER_ACC]) == (6_000_000, -2_004_000)
    all_ok(town, 2026)
    assert schedule_row(town, 2025, "物品", "物品")[3:6] == (6_000_000, 1_002_000, 1_002_000)
    assert schedule_row(town, 2026, "物品", "物品") == (6_000_000, 0, 6_000_000, 0, 0, 0, 0)
    assert schedule_row(town, 2026, "事業用資産", "その他") == (
        0, 6_000_000, 0, 6_000_000, 2_004_000, 1_002_000, 3_996_000)

    from kokai.assets.reports import open_data_rows

    def cls(year):
        return next(r[2] for r in open_data_rows(lg=town, fiscal_year=year) if r[0] == "P001")

    assert (cls(2025), cls(2026)) == ("物品", "事業用資産")


def test_a_reclassification_is_cancelled_by_a_correction(town):
    """A001 reclassified to インフラ on 2024-10-01 by mistake, corrected 2024-10-05: the
    reversal (Dr 事業用建物 470,000,000 / Cr インフラ建物 …; Dr インフラ累計額 200,000,000 / Cr
    事業用累計額 …) and two negations, the インフラ one first. A001 is 事業用資産/建物 again and
    FY2024's 10,340,000 goes to 事業用資産/建物減価償却累計額 (210,340,000)."""
    out, into = reclassify(lg=town, asset_no="A001", date=dt.date(2024, 10, 1), to_class="インフラ資産")
    undo_in, undo_out = correct(lg=town, change_id=into.pk, date=dt.date(2024, 10, 5))
    assert (undo_in.cost, undo_out.cost) == (-470_000_000, 470_000_000)
    assert undo_in.entry.voucher_no == f"取消-異動-{out.pk}"
    a001 = Asset.objects.get(asset_no="A001")
    assert (a001.asset_class, a001.account) == ("business", BUILDING)
    depreciate(lg=town, fiscal_year=2024)
    st = all_ok(town, 2024)
    register_ties(town, 2024)
    assert (st.amount(BUILDING), st.amount(BUILDING_ACC), st.amount(INFRA_BUILDING)) == (
        470_000_000, -210_340_000, 0)
    with pytest.raises(AssetError, match="既に訂正"):
        correct(lg=town, change_id=out.pk, date=dt.date(2024, 10, 6))

    # reclassified again after the year's depreciation; FY2025's charge then follows it, so
    # the 振替 cannot be cancelled any more (a 振替 back is the way)
    _out2, into2 = reclassify(lg=town, asset_no="A001", date=dt.date(2025, 4, 15), fiscal_year=2024,
                              to_class="インフラ資産")
    depreciate(lg=town, fiscal_year=2025)
    with pytest.raises(AssetError, match="後に異動"):
        correct(lg=town, change_id=into2.pk, date=dt.date(2025, 4, 20))
    reclassify(lg=town, asset_no="A001", date=dt.date(2025, 6, 1), to_class="事業用資産")
    all_ok(town, 2025)
    register_ties(town, 2024)


def test_a_change_before_a_reclassification_is_corrected_only_after_it(town):
    """A002 庁舎敷地 (土地 50,000,000) revalued to 45,000,000 (Dr 資産評価差額 5,000,000 / Cr 土地
    5,000,000), then reclassified to インフラ資産/土地: the revaluation was booked on 事業用資産/土地,
    so its correction is refused until the 振替 is cancelled."""
    change = revalue(lg=town, asset_no="A002", date=dt.date(2024, 8, 1), value=45_000_000, reason="地価の再評価")
    _out, into = reclassify(lg=town, asset_no="A002", date=dt.date(2024, 9, 1), to_class="インフラ資産")
    with pytest.raises(AssetError, match="科目振替の前の勘定科目"):
        correct(lg=town, change_id=change.pk, date=dt.date(2024, 9, 2))
    correct(lg=town, change_id=into.pk, date=dt.date(2024, 9, 3))
    correct(lg=town, change_id=change.pk, date=dt.date(2024, 9, 4))
    st = all_ok(town, 2024)
    assert (st.amount(LAND), st.amount(INFRA_LAND), st.amount(REVALUATION)) == (50_000_000, 0, 0)
    assert Asset.objects.get(asset_no="A002").valuation == "cost"


def test_bad_reclassifications_are_refused(town):
    retire(lg=town, asset_no="S001", date=dt.date(2024, 9, 1))
    with pytest.raises(AssetError, match="除売却・振替済み"):
        reclassify(lg=town, asset_no="S001", date=dt.date(2024, 10, 1), to_kind="無形その他")
    with pytest.raises(AssetError, match="既に事業用資産の建物"):
        reclassify(lg=town, asset_no="A001", date=dt.date(2024, 10, 1), to_class="事業用資産", to_kind="建物")
    with pytest.raises(AssetError, match="物品に種目「建物」はありません"):
        reclassify(lg=town, asset_no="A001", date=dt.date(2024, 10, 1), to_class="物品", to_kind="建物")
    with pytest.raises(AssetError, match="耐用年数が必要"):
        reclassify(lg=town, asset_no="A002", date=dt.date(2024, 10, 1), to_kind="建物")
    with pytest.raises(AssetError, match="償却しない種目"):
        reclassify(lg=town, asset_no="B001", date=dt.date(2024, 10, 1), to_kind="土地")
    with pytest.raises(AssetError, match="建設仮勘定は使えません"):
        reclassify(lg=town, asset_no="A001", date=dt.date(2024, 10, 1), to_kind="建設仮勘定")
    assert not AssetChange.objects.filter(reason="reclass").exists()
    assert JournalEntry.objects.filter(voucher_no__startswith="異動").count() == 1  # the retirement's
    # a 工作物 found to be a 建物: B001 100,000,000 less 90,000,000 moves within インフラ資産
    reclassify(lg=town, asset_no="B001", date=dt.date(2024, 10, 1), to_kind="建物")
    st = all_ok(town, 2024)
    assert (st.amount(INFRA_BUILDING), st.amount(INFRA_BUILDING_ACC), st.amount(ROAD)) == (
        100_000_000, -90_000_000, 0)


def test_land_at_a_memo_value_is_revalued_at_its_replacement_cost(town):
    """道路の底地 L001 received by 無償所管換 at 備忘価額 1 yen (Dr インフラ資産/土地 1 / Cr NW
    無償所管換等 1); its 再調達原価 is then found to be 8,000,000:
        Dr インフラ資産/土地 7,999,999 / Cr NW 資産評価差額 7,999,999.
    NW 資産評価差額: 合計 7,999,999, 固定資産等形成分 7,999,999, 余剰分 0 (the summary carries the
    entry's fixed-asset movement on that row). BS 固定資産等形成分 331,000,000 + 1 + 7,999,999 =
    339,000,000 = NW 本年度末残高の固定資産等形成分 (C4), and C9 adds up in every column."""
    receive_free(lg=town, date=dt.date(2024, 5, 1), value=1, asset_no="L001", name="市道1号線 底地",
                 asset_class="インフラ資産", kind="土地", reason="transfer_in", valuation="memo")
    change = revalue(lg=town, asset_no="L001", date=dt.date(2024, 12, 1), value=8_000_000,
                     reason="再調達原価の算定（近傍の路線価 × 面積）")
    assert (change.reason, change.cost, change.accumulated) == ("revaluation", 7_999_999, 0)
    assert "再調達原価" in change.note
    assert dict(change.entry.lines.values_list("account__path", "amount")) == {
        "固定資産/有形固定資産/インフラ資産/土地": 7_999_999, "資産評価差額": -7_999_999}
    assert Asset.objects.get(asset_no="L001").valuation == "replacement"
    st, checks = statements_for(lg=town, fiscal_year=2024)
    assert [c.ok for c in checks if c.id in ("C4", "C9")] == [True] * 5
    assert (st.amount(REVALUATION), st.amount(REVALUATION, FIXED), st.amount(REVALUATION, "余剰分（不足分）")) == (
        7_999_999, 7_999_999, 0)
    assert st.amount(INFRA_LAND) == 8_000_000
    assert st.amount("BS/固定資産等形成分") == 339_000_000
    assert st.amount("NW/本年度末純資産残高", FIXED) == 339_000_000
    all_ok(town, 2024)


def test_a_write_down_and_its_correction(town):
    """庁舎 A001 (470,000,000 less 200,000,000, book value 270,000,000) revalued on 2024-12-01 at
    再調達原価 420,000,000 less 210,000,000 (book value 210,000,000):
        ΔC = −50,000,000, ΔA = +10,000,000, book value −60,000,000;
        Dr NW 資産評価差額 60,000,000 / Cr 建物 50,000,000, Cr 建物減価償却累計額 10,000,000.
    Cancelled by a 訂正 (NW back to 0, 評価方法 back to 取得原価), then booked again; FY2024's
    charge is on the new cost: 420,000,000 × 0.022 = 9,240,000 (run: 9,240,000 + 9,999,999 +
    1,000,000 = 20,239,999). BS 固定資産等形成分 331,000,000 − 60,000,000 − 20,239,999 = 250,760,001."""
    def write_down():
        return revalue(lg=town, asset_no="A001", date=dt.date(2024, 12, 1), value=420_000_000,
                       accumulated=210_000_000, reason="耐震診断に基づく再調達原価の見直し")

    first = write_down()
    assert (first.cost, first.accumulated) == (-50_000_000, 10_000_000)
    assert dict(first.entry.lines.values_list("account__path", "amount")) == {
        "固定資産/有形固定資産/事業用資産/建物": -50_000_000,
        "固定資産/有形固定資産/事業用資産/建物減価償却累計額": -10_000_000, "資産評価差額": 60_000_000}
    assert Asset.objects.get(asset_no="A001").valuation == "replacement"
    (neg,) = correct(lg=town, change_id=first.pk, date=dt.date(2024, 12, 10))
    assert (neg.cost, neg.accumulated) == (50_000_000, -10_000_000)
    assert Asset.objects.get(asset_no="A001").valuation == "cost"
    st = all_ok(town, 2024)
    assert (st.amount(REVALUATION), st.amount(REVALUATION, FIXED), st.amount(BUILDING)) == (0, 0, 470_000_000)

    write_down()
    assert depreciate(lg=town, fiscal_year=2024).total == 20_239_999
    st = all_ok(town, 2024)
    assert (st.amount(BUILDING), st.amount(BUILDING_ACC)) == (420_000_000, -219_240_000)
    assert (st.amount(REVALUATION), st.amount(REVALUATION, FIXED)) == (-60_000_000, -60_000_000)
    assert st.amount("BS/固定資産等形成分") == 250_760_001


def test_bad_revaluations_are_refused(town):
    day = dt.date(2024, 12, 1)
    with pytest.raises(AssetError, match="理由"):
        revalue(lg=town, asset_no="A001", date=day, value=400_000_000, reason=" ")
    with pytest.raises(AssetError, match="帳簿価額が負"):  # 累計額 200,000,000 stays above 100,000,000
        revalue(lg=town, asset_no="A001", date=day, value=100_000_000, reason="再評価")
    with pytest.raises(AssetError, match="台帳と同じ"):
        revalue(lg=town, asset_no="A001", date=day, value=470_000_000, reason="再評価")
    with pytest.raises(AssetError, match="償却しない"):
        revalue(lg=town, asset_no="A002", date=day, value=50_000_000, accumulated=1, reason="再評価")
    with pytest.raises(AssetError, match="計上先"):
        revalue(lg=town, asset_no="A002", date=day, value=1, reason="再評価", nw_account=LOSS)
    with pytest.raises(AssetError, match="評価方法「時価」"):
        revalue(lg=town, asset_no="A002", date=day, value=1, reason="再評価", valuation="時価")
    retire(lg=town, asset_no="B001", date=dt.date(2024, 9, 1))
    with pytest.raises(AssetError, match="除売却・振替済み"):
        revalue(lg=town, asset_no="B001", date=day, value=1, reason="再評価")
    assert not AssetChange.objects.filter(reason="revaluation").exists()
    # the NW row is a setting: 調査判明-like corrections may go to NW その他
    other = revalue(lg=town, asset_no="A002", date=day, value=48_000_000, reason="面積の誤りの訂正",
                    valuation="取得原価", nw_account="NW/その他")
    assert dict(other.entry.lines.values_list("account__path", "amount"))["その他"] == 2_000_000
    st = all_ok(town, 2024)
    assert (st.amount("NW/その他"), st.amount("NW/その他", FIXED)) == (-2_000_000, -2_000_000)


def test_the_change_sheet_reclassifies_and_revalues(town, tmp_path):
    """Three rows: 科目振替 of A001 to インフラ資産 (資産区分 only; 種目 stays 建物), 評価替 of
    A002 to 45,000,000 (Dr 資産評価差額 5,000,000 / Cr 土地 5,000,000), and a 無償所管換（受入）
    of a 倉庫 (5,000,000, life 24; the full-width brackets of the list value are read fine)."""
    from kokai.assets.change_sheet import import_change_sheet

    path = fill(tmp_path, town, [
        {"異動事由": "科目振替", "資産番号": "A001", "日付": dt.datetime(2024, 10, 1), "資産区分": "インフラ資産"},
        {"異動事由": "評価替", "資産番号": "A002", "日付": dt.datetime(2024, 10, 1), "金額": 45_000_000,
         "評価方法": "再調達原価", "摘要": "地価の再評価"},
        {"異動事由": "無償所管換（受入）", "資産番号": "D001", "日付": dt.datetime(2024, 11, 1), "金額": 5_000_000,
         "資産名称": "倉庫", "資産区分": "事業用資産", "種目": "建物", "耐用年数": 24},
    ])
    assert import_change_sheet(lg=town, fiscal_year=2024, path=path) == 3
    st = all_ok(town, 2024)
    assert (st.amount(INFRA_BUILDING), st.amount(INFRA_BUILDING_ACC), st.amount(BUILDING)) == (
        470_000_000, -200_000_000, 5_000_000)
    assert (st.amount(LAND), st.amount(REVALUATION), st.amount("NW/無償所管換等")) == (
        45_000_000, -5_000_000, 5_000_000)
    change = AssetChange.objects.get(reason="revaluation")
    assert change.note == "評価替（再調達原価）: 地価の再評価"
    assert Asset.objects.get(asset_no="A001").kind == "建物"


def test_the_change_sheet_refuses_bad_reclassifications_and_revaluations(town, tmp_path):
    from kokai.assets.change_sheet import import_change_sheet
    from kokai.core.issues import InputRejected

    day = dt.datetime(2024, 11, 1)
    path = fill(tmp_path, town, [
        {"異動事由": "科目振替", "資産番号": "A001", "日付": day},
        {"異動事由": "科目振替", "資産番号": "A001", "日付": day, "資産区分": "事業用資産", "種目": "建物"},
        {"異動事由": "科目振替", "資産番号": "A001", "日付": day, "資産区分": "インフラ資産", "金額": 1},
        {"異動事由": "科目振替", "資産番号": "A002", "日付": day, "種目": "建物"},
        {"異動事由": "評価替", "資産番号": "A002", "日付": day, "金額": 1},
        {"異動事由": "評価替", "資産番号": "A001", "日付": day, "金額": 300_000_000, "評価後減価償却累計額": 300_000_001,
         "摘要": "再評価"},
        {"異動事由": "評価替", "資産番号": "A001", "日付": day, "金額": 300_000_000, "評価方法": "時価", "摘要": "再評価"},
        {"異動事由": "評価替", "資産番号": "A002", "日付": day, "摘要": "再評価"},
        {"異動事由": "科目振替", "資産番号": "B001", "日付": day, "種目": "土地"},
    ])
    with pytest.raises(InputRejected) as e:
        import_change_sheet(lg=town, fiscal_year=2024, path=path)
    found = {(i.row, i.column): i.message for i in e.value.issues}
    assert "振替先の資産区分か種目" in found[(2, "種目")]
    assert "既に事業用資産の建物" in found[(3, "種目")]
    assert "金額は空欄" in found[(4, "金額")]
    assert "耐用年数が必要" in found[(5, "耐用年数")]
    assert "理由" in found[(6, "摘要")]
    assert "帳簿価額が負" in found[(7, "評価後減価償却累計額")]
    assert "取得原価・再調達原価・備忘価額" in found[(8, "評価方法")]
    assert "評価後の取得価額" in found[(9, "金額")]
    assert "償却しない種目" in found[(10, "種目")]
    assert len(found) == 9
    assert not AssetChange.objects.exclude(reason="opening").exists()
    assert not JournalEntry.objects.filter(voucher_no__startswith="異動").exists()
