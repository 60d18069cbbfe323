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
    retire,
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
