"""The register's outputs, worked on the town of tests/test_asset_register.py after its FY2024
depreciation (庁舎 10,340,000; 市道 9,999,999 down to 1 yen; ソフトウェア 1,000,000; 土地 none):

有形固定資産の明細 (yen)             (A)          (B) (C)  (D)          (E)          (F)         (G)
  事業用資産 建物            470,000,000   0   0  470,000,000  210,340,000  10,340,000  259,660,000
  事業用資産 土地             50,000,000   0   0   50,000,000            0           0   50,000,000
  インフラ資産 工作物        100,000,000   0   0  100,000,000   99,999,999   9,999,999            1
  合計                       620,000,000   0   0  620,000,000  310,339,999  20,339,999  309,660,001
(the software is intangible: not in the tangible schedule; the register's opening is (A).)

有形固定資産減価償却率 = 累計額 ÷ 償却資産の取得価額: 建物 210,340,000 / 470,000,000 = 44.8%,
工作物 99,999,999 / 100,000,000 = 100.0%, total 310,339,999 / 570,000,000 = 54.4% (land excluded).
"""

from __future__ import annotations

import csv
from decimal import Decimal

import openpyxl
import pytest

from kokai.assets.reports import (
    OPEN_DATA_COLUMNS,
    asset_history,
    depreciation_ratio,
    export_open_data,
    export_register,
    purpose_schedule,
    tangible_schedule,
    write_schedules,
)
from kokai.assets.services import depreciate, import_register
from kokai.ledger.models import JournalEntry, LocalGovernment

from .conftest import write
from .test_asset_register import HEADER
from .test_asset_register import town as town  # noqa: F401  (fixture)

BIZ = "事業用資産"


@pytest.fixture
def year_end(town):  # noqa: F811
    depreciate(lg=town, fiscal_year=2024)
    return town


def _row(schedule, group, name):
    return next(r for r in schedule if r["区分"] == group and r["科目"] == name)


def test_the_tangible_schedule_follows_the_register(year_end):
    s = tangible_schedule(lg=year_end, fiscal_year=2024)
    cols = ("A", "B", "C", "D", "E", "F", "G")
    assert [_row(s, BIZ, "建物")[c] for c in cols] == [
        470_000_000, 0, 0, 470_000_000, 210_340_000, 10_340_000, 259_660_000]
    assert [_row(s, BIZ, "土地")[c] for c in cols] == [50_000_000, 0, 0, 50_000_000, 0, 0, 50_000_000]
    assert [_row(s, "インフラ資産", "工作物")[c] for c in cols] == [
        100_000_000, 0, 0, 100_000_000, 99_999_999, 9_999_999, 1]
    assert _row(s, BIZ, "事業用資産 計")["G"] == 309_660_000
    assert [_row(s, "合計", "合計")[c] for c in cols] == [
        620_000_000, 0, 0, 620_000_000, 310_339_999, 20_339_999, 309_660_001]
    # every row of the 様式, in order
    assert [r["科目"] for r in s] == ["土地", "立木竹", "建物", "工作物", "船舶", "浮標等", "航空機", "その他", "建設仮勘定",
                                     "事業用資産 計", "土地", "建物", "工作物", "その他", "建設仮勘定", "インフラ資産 計",
                                     "物品", "合計"]
    for r in s:
        assert r["D"] == r["A"] + r["B"] - r["C"] and r["G"] == r["D"] - r["E"]
    # before the run: no F, and E is the opening 累計額
    before = tangible_schedule(lg=year_end, fiscal_year=2023)
    assert _row(before, "合計", "合計")["A"] == 0  # the register starts in 2024


def test_a_years_acquisition_and_disposal_are_b_and_c(year_end, tmp_path):
    """Changes of the year other than the opening: a cost increase is (B), a decrease (C)."""
    import datetime as dt

    from kokai.assets.models import Asset, AssetChange

    hall = Asset.objects.get(asset_no="A001")
    AssetChange.objects.create(lg=year_end, asset=hall, fiscal_year=2024, date=dt.date(2025, 3, 31),
                               reason="capital", cost=30_000_000)
    AssetChange.objects.create(lg=year_end, asset=Asset.objects.get(asset_no="A002"), fiscal_year=2024,
                               date=dt.date(2024, 11, 15), reason="sale", cost=-5_000_000)
    s = tangible_schedule(lg=year_end, fiscal_year=2024)
    assert (_row(s, BIZ, "建物")["B"], _row(s, BIZ, "建物")["D"]) == (30_000_000, 500_000_000)
    assert (_row(s, BIZ, "土地")["C"], _row(s, BIZ, "土地")["G"]) == (5_000_000, 45_000_000)
    # next year, the year-end becomes (A)
    nxt = tangible_schedule(lg=year_end, fiscal_year=2025)
    assert (_row(nxt, BIZ, "建物")["A"], _row(nxt, BIZ, "建物")["B"], _row(nxt, BIZ, "建物")["F"]) == (500_000_000, 0, 0)


def test_the_purpose_schedule_splits_book_value(year_end, tmp_path):
    import_register(lg=year_end, path=write(tmp_path, "more.csv", HEADER +
                    "C001,0,倉庫,本町,総務課,事業用資産,建物,10,2020-04-01,2020-04-01,3000000,0,,,,所有,,\n"
                    "E001,0,給食センター,本町,教育課,事業用資産,建物,10,2020-04-01,2020-04-01,2000000,0,,,教育,所有,,\n"),
                    fiscal_year=2024)
    p = purpose_schedule(lg=year_end, fiscal_year=2024)
    building = _row(p, BIZ, "建物")
    assert (building["総務"], building["教育"], building["合計"]) == (259_660_000 + 3_000_000, 2_000_000, 264_660_000)
    assert building["目的未設定"] == 1  # the 倉庫 (blank purpose) counted under 総務
    assert _row(p, "インフラ資産", "工作物")["生活インフラ・国土保全"] == 1
    total = _row(p, "合計", "合計")
    assert total["合計"] == _row(tangible_schedule(lg=year_end, fiscal_year=2024), "合計", "合計")["G"]


def test_the_depreciation_ratio_by_class(year_end):
    r = depreciation_ratio(lg=year_end, fiscal_year=2024)
    assert r["事業用資産/建物"] == {"取得価額": 470_000_000, "減価償却累計額": 210_340_000, "率": Decimal("44.8")}
    assert r["インフラ資産/工作物"]["率"] == Decimal("100.0")
    assert "事業用資産/土地" not in r  # land is not depreciated
    assert r["合計"] == {"取得価額": 570_000_000, "減価償却累計額": 310_339_999, "率": Decimal("54.4")}
    assert r["物品を含む"] is True


def test_the_schedules_as_xlsx(year_end, tmp_path):
    path = tmp_path / "schedules.xlsx"
    write_schedules(path, tangible_schedule(lg=year_end, fiscal_year=2024), purpose_schedule(lg=year_end, fiscal_year=2024),
                    lg_name="テスト市", fiscal_year=2024, ratio=depreciation_ratio(lg=year_end, fiscal_year=2024))
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["有形固定資産の明細", "行政目的別明細", "有形固定資産減価償却率"]
    ws = wb["有形固定資産の明細"]
    assert "(A)" in ws.cell(4, 2).value and "(D)-(E)" in ws.cell(4, 8).value
    building = next(r for r in ws.iter_rows(min_row=5, values_only=True) if r[0] == "  建物")
    assert building[1:] == (470_000_000, 0, 0, 470_000_000, 210_340_000, 10_340_000, 259_660_000)
    assert [c.value for c in wb["行政目的別明細"][4]][1:] == [
        "生活インフラ・国土保全", "教育", "福祉", "環境衛生", "産業振興", "消防", "総務", "合計"]


def test_the_register_exports(year_end, tmp_path):
    xlsx = tmp_path / "register.xlsx"
    assert export_register(lg=year_end, fiscal_year=2024, path=xlsx) == 4
    ws = openpyxl.load_workbook(xlsx).active
    head = [c.value for c in ws[2]]
    row = {h: v for h, v in zip(head, [c.value for c in ws[3]], strict=True)}
    assert (row["資産番号"], row["資産名称"], row["取得価額等"], row["減価償却累計額"], row["期末簿価"]) == (
        "A001", "庁舎", 470_000_000, 210_340_000, 259_660_000)
    assert ws.cell(3, head.index("取得価額等") + 1).number_format == "#,##0"

    path = tmp_path / "open.csv"
    assert export_open_data(lg=year_end, fiscal_year=2024, path=path) == 4
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig", newline="")))
    assert tuple(rows[0]) == OPEN_DATA_COLUMNS
    for col in ("資産区分", "所属名", "資産名称", "用途", "所在地", "取得年月日", "取得価額等", "耐用年数", "減価償却累計額",
                "数量", "財産区分"):
        assert col in OPEN_DATA_COLUMNS
    road = next(r for r in rows if r["資産番号"] == "B001")
    assert (road["資産区分"], road["種目"], road["取得価額等"], road["減価償却累計額"], road["帳簿価額"]) == (
        "インフラ資産", "工作物", "100000000", "99999999", "1")
    # 用途 and 財産区分 hold only what the register records (追加項目); 行政目的 and 売却可能 have their own columns
    assert (road["所属名"], road["用途"], road["数量"], road["財産区分"], road["取得年月日"]) == (
        "建設課", "", "1200", "", "2015-04-01")
    assert (road["行政目的"], road["売却可能"], road["所有区分"]) == ("生活インフラ・国土保全", "", "所有")


def test_an_assets_history(year_end):
    h = asset_history(lg=year_end, asset_no="A001")
    assert [(x["事由"], x["取得価額の増減"], x["減価償却累計額の増減"], x["簿価"]) for x in h] == [
        ("開始残高", 470_000_000, 200_000_000, 270_000_000), ("減価償却", 0, 10_340_000, 259_660_000)]
    assert str(h[1]["異動日"]) == "2025-03-31" and h[1]["伝票番号"].startswith("減価償却-2024-")
    assert JournalEntry.objects.filter(lg=year_end, voucher_no=h[1]["伝票番号"]).exists()
    with pytest.raises(LookupError, match="Z9"):
        asset_history(lg=year_end, asset_no="Z9")
    assert LocalGovernment.objects.count() == 1


def test_a_reclassified_record_and_a_work_of_art_in_the_purpose_schedule_and_the_ratio(town, tmp_path):  # noqa: F811
    """Two records added to the town's FY2024 register (cost, 累計額 0):
        C001 倉庫  事業用資産/建物 3,000,000, life 10, 行政目的 blank;
        M001 絵画  物品/その他   5,000,000, 美術品, 教育.
    C001 is reclassified to インフラ資産/建物 on 2024-10-01, then the year is depreciated:
    C001 3,000,000 × 0.100 = 300,000 on the new line; 庁舎 10,340,000; 市道 9,999,999 (to 1 yen);
    the 絵画 is not depreciated.

    有形固定資産の明細 FY2024 — C001 on both lines, each change on the account it was booked to:
        事業用資産/建物   A 470,000,000 + 3,000,000 = 473,000,000, C 3,000,000, D 470,000,000,
                          E 210,340,000, F 10,340,000, G 259,660,000
        インフラ資産/建物 B 3,000,000, D 3,000,000, E 300,000, F 300,000, G 2,700,000
        物品              A 5,000,000, D 5,000,000, G 5,000,000
    行政目的別明細: C001 (blank → 総務) shows 0 on its old line and 2,700,000 on the new one,
    counted once as 目的未設定, on its year-end line; the 絵画 5,000,000 under 教育.
    減価償却率 (美術品 and 土地 out): 事業用資産/建物 210,340,000 / 470,000,000 = 44.8%;
    インフラ資産/建物 300,000 / 3,000,000 = 10.0%; インフラ資産 (300,000 + 99,999,999) /
    (3,000,000 + 100,000,000) = 100,299,999 / 103,000,000 = 97.4%; 物品 none;
    合計 310,639,999 / 573,000,000 = 54.2%."""
    import datetime as dt

    from kokai.assets.changes import reclassify
    from kokai.assets.reports import schedule_figures

    import_register(lg=town, path=write(tmp_path, "more.csv", HEADER +
                    "C001,0,倉庫,本町,総務課,事業用資産,建物,10,2020-04-01,2020-04-01,3000000,0,,,,所有,,\n"
                    "M001,0,絵画,本町,教育課,物品,その他,,2020-04-01,2020-04-01,5000000,0,1,点,教育,所有,,○\n"),
                    fiscal_year=2024)
    reclassify(lg=town, asset_no="C001", date=dt.date(2024, 10, 1), to_class="インフラ資産")
    assert depreciate(lg=town, fiscal_year=2024).total == 10_340_000 + 9_999_999 + 300_000 + 1_000_000  # + software

    figures = schedule_figures(lg=town, fiscal_year=2024)
    s = tangible_schedule(lg=town, fiscal_year=2024, figures=figures)
    cols = ("A", "B", "C", "D", "E", "F", "G")
    assert [_row(s, BIZ, "建物")[c] for c in cols] == [
        473_000_000, 0, 3_000_000, 470_000_000, 210_340_000, 10_340_000, 259_660_000]
    assert [_row(s, "インフラ資産", "建物")[c] for c in cols] == [0, 3_000_000, 0, 3_000_000, 300_000, 300_000, 2_700_000]
    assert [_row(s, "物品", "物品")[c] for c in cols] == [5_000_000, 0, 0, 5_000_000, 0, 0, 5_000_000]

    p = purpose_schedule(lg=town, fiscal_year=2024, figures=figures)
    assert (_row(p, BIZ, "建物")["総務"], _row(p, BIZ, "建物")["目的未設定"]) == (259_660_000, 0)
    assert (_row(p, "インフラ資産", "建物")["総務"], _row(p, "インフラ資産", "建物")["目的未設定"]) == (2_700_000, 1)
    assert (_row(p, "物品", "物品")["教育"], _row(p, "物品", "物品")["合計"]) == (5_000_000, 5_000_000)
    assert _row(p, "合計", "合計")["目的未設定"] == 1
    assert _row(p, "合計", "合計")["合計"] == _row(s, "合計", "合計")["G"] == 259_660_000 + 1 + 2_700_000 + 50_000_000 + 5_000_000

    r = depreciation_ratio(lg=town, fiscal_year=2024, figures=figures)
    assert r["事業用資産/建物"] == {"取得価額": 470_000_000, "減価償却累計額": 210_340_000, "率": Decimal("44.8")}
    assert r["インフラ資産/建物"] == {"取得価額": 3_000_000, "減価償却累計額": 300_000, "率": Decimal("10.0")}
    assert r["インフラ資産"] == {"取得価額": 103_000_000, "減価償却累計額": 100_299_999, "率": Decimal("97.4")}
    assert "物品" not in r  # the only 物品 is a work of art
    assert r["合計"] == {"取得価額": 573_000_000, "減価償却累計額": 310_639_999, "率": Decimal("54.2")}
    # each reads the register itself when not given the figures, with the same result
    assert (tangible_schedule(lg=town, fiscal_year=2024), purpose_schedule(lg=town, fiscal_year=2024),
            depreciation_ratio(lg=town, fiscal_year=2024)) == (s, p, r)
    with pytest.raises(ValueError, match="2025年度には使えません"):
        tangible_schedule(lg=town, fiscal_year=2025, figures=figures)
