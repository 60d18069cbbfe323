"""Importing a 固定資産台帳 through register profiles: a city's open-data file, our own
open-data export read back, the 追加項目 and the other optional columns, bad rows, bad profiles.

The open-data file (CP932, 和暦 dates, amounts with commas, one amount in full-width digits),
figures as of 2024-04-01 (the rates are the 省令 rates: 50年 0.020, 15年 0.067, 5年 0.200):

    row 資産名称          財産区分      取得価額等   減価償却累計額 worked out
    2   本庁舎            建物         470,000,000 366,600,000   470,000,000 × 0.020 = 9,400,000 × 39 年 (S60〜R5)
    3   市道1号線         工作物       100,000,000  60,300,000   100,000,000 × 0.067 = 6,700,000 × 9 年 (H27〜R5)
    4   市道1号線 底地    土地                   1           0   備忘価額 1円, not depreciated
    5   消防ポンプ自動車  物品          30,000,000  24,000,000   30,000,000 × 0.200 = 6,000,000 × 4 年 (R2〜R5)
    6   財務会計システム  ソフトウエア   5,000,000   4,000,000   5,000,000 × 0.200 = 1,000,000 × 4 年 (R2〜R5; 供用 R1.10)
    7   中央公民館        建物         300,000,000 204,000,000   300,000,000 × 0.020 = 6,000,000 × 34 年 (H2〜R5)
    total                              905,000,001 658,900,000
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import subprocess
import sys

import pytest

from kokai.assets.models import Asset, AssetChange
from kokai.assets.reports import export_open_data, open_data_rows
from kokai.assets.services import depreciate, import_register
from kokai.core.asset_profiles import (
    _KEYS,
    FIELDS,
    asset_profile_from_dict,
    load_asset_profile,
    read_register,
    shipped_asset_profiles,
)
from kokai.core.issues import InputRejected
from kokai.core.profiles import ProfileError
from kokai.ledger.imports import import_opening
from kokai.ledger.models import ImportBatch

from .conftest import write

OD_HEADER = "資産区分,所属名,資産名称,用途,所在地,取得年月日,取得価額等,耐用年数,減価償却累計額,帳簿価額,数量,単位,財産区分,延床面積,利用者数\n"
OPEN_DATA = OD_HEADER + (
    '事業用資産,総務課,本庁舎,庁舎,本町1-1,昭和60年4月1日,"470,000,000",50,"366,600,000","103,400,000",1,棟,建物,"5,000㎡",\n'
    "インフラ資産,建設課,市道1号線,道路,本町,H27.4.1,１００，０００，０００,15,\"60,300,000\",\"39,700,000\",\"1,200\",m,工作物,,\n"
    'インフラ資産,建設課,市道1号線 底地,道路,本町,S50.4.1,1,,0,1,"3,600",㎡,土地,,\n'
    '物品,消防本部,消防ポンプ自動車,消防,本町2-3,令和2年4月1日,"30,000,000",5,"24,000,000","6,000,000",1,台,物品,,\n'
    '無形固定資産,財政課,財務会計システム,庁舎,本町1-1,令和元年10月1日,"5,000,000",5,"4,000,000","1,000,000",1,式,ソフトウエア,,\n'
    '事業用資産,教育委員会,中央公民館,公民館,緑町3-2,平成2年4月1日,"300,000,000",５０,"204,000,000","96,000,000",1,棟,建物,"2,400㎡","12,000"\n'
)
TANGIBLE = "BS/固定資産/有形固定資産"


def test_a_citys_open_data_register_is_imported_through_the_opendata_profile(lg, tmp_path):
    path = write(tmp_path, "koteishisan.csv", OPEN_DATA, "cp932")
    r = import_register(lg=lg, path=path, fiscal_year=2024, profile="opendata")
    assert (r.assets, r.cost, r.accumulated) == (6, 905_000_001, 658_900_000)
    got = {
        a.asset_no: (a.asset_class, a.kind, a.account, a.purpose, a.extra, a.useful_life, a.acquired_on, a.in_service)
        for a in Asset.objects.filter(lg=lg)
    }
    # No 資産番号 column: numbered from the rows. 財産区分 is the 種目; 用途 becomes the 行政目的
    # where it is one of the seven or a word of [purposes], and stays as the 追加項目 「用途」
    # unless it was already one of the seven (消防). 帳簿価額 is ignored, not kept. A blank
    # 供用開始年月日 is the 取得年月日 (in_service_default = "acquired").
    assert got == {
        "OD000002": ("business", "建物", f"{TANGIBLE}/事業用資産/建物", "総務", {"用途": "庁舎", "延床面積": "5,000㎡"},
                     50, dt.date(1985, 4, 1), dt.date(1985, 4, 1)),
        "OD000003": ("infrastructure", "工作物", f"{TANGIBLE}/インフラ資産/工作物", "生活インフラ・国土保全",
                     {"用途": "道路"}, 15, dt.date(2015, 4, 1), dt.date(2015, 4, 1)),
        "OD000004": ("infrastructure", "土地", f"{TANGIBLE}/インフラ資産/土地", "生活インフラ・国土保全", {"用途": "道路"},
                     None, dt.date(1975, 4, 1), dt.date(1975, 4, 1)),
        "OD000005": ("movable", "その他", f"{TANGIBLE}/物品", "消防", {}, 5, dt.date(2020, 4, 1), dt.date(2020, 4, 1)),
        "OD000006": ("intangible", "ソフトウェア", "BS/固定資産/無形固定資産/ソフトウェア", "総務", {"用途": "庁舎"}, 5,
                     dt.date(2019, 10, 1), dt.date(2019, 10, 1)),
        "OD000007": ("business", "建物", f"{TANGIBLE}/事業用資産/建物", "",
                     {"用途": "公民館", "延床面積": "2,400㎡", "利用者数": "12,000"}, 50, dt.date(1990, 4, 1),
                     dt.date(1990, 4, 1)),
    }
    road = Asset.objects.get(lg=lg, asset_no="OD000003")
    assert (road.dept, road.name, road.quantity, road.unit, road.valuation) == ("建設課", "市道1号線", 1200, "m", "cost")
    opening = {(c.asset.asset_no, c.cost, c.accumulated) for c in AssetChange.objects.filter(reason="opening")}
    assert ("OD000003", 100_000_000, 60_300_000) in opening and ("OD000004", 1, 0) in opening

    # The same file again changes nothing (recognised by its SHA-256).
    again = import_register(lg=lg, path=path, fiscal_year=2024, profile="opendata")
    assert again.already_imported and "取込済み" in again.summary()
    assert (Asset.objects.count(), AssetChange.objects.count(), ImportBatch.objects.filter(kind="assets").count()) == (
        6, 6, 1)


STD_HEADER = "資産番号,枝番,資産名称,所在地,管理所属,資産区分,種目,耐用年数,取得年月日,供用開始年月日,取得価額,減価償却累計額,数量,単位,行政目的,所有区分,所有者,美術品"


def test_funding_saleable_valuation_and_extra_columns_of_the_standard_layout(lg, tmp_path):
    """P001: 80,000,000 × 0.034 (30年) = 2,720,000 × 8 年 (供用 H27.6 → H28〜R5) = 21,760,000.
    P002: a 1975 house at its 1円 memo value (累計 = 取得価額 − 1). Other columns are 追加項目."""
    text = STD_HEADER + ",財源,売却可能,評価方法,利用者数,維持管理費\n" + (
        'P001,0,中央公園,緑町,都市計画課,インフラ資産,工作物,30,2015-04-01,2015-06-01,80000000,21760000,12000,m2,'
        '生活インフラ・国土保全,所有,,,国庫補助金1/2・地方債,,取得原価,"85,000","3,200,000"\n'
        "P002,0,旧職員住宅,栄町,管財課,事業用資産,建物,47,1975-04-01,1975-04-01,20000000,19999999,300,m2,総務,所有,,,"
        "一般財源,○,再調達原価,,\n"
        "P003,0,道路底地,北町,建設課,インフラ資産,土地,,1970-04-01,1970-04-01,1,0,500,m2,生活インフラ・国土保全,所有,,,,,"
        "備忘価額,,\n"
    )
    r = import_register(lg=lg, path=write(tmp_path, "std.csv", text), fiscal_year=2024)
    assert (r.assets, r.cost, r.accumulated) == (3, 100_000_001, 41_759_999)
    got = {a.asset_no: (a.funding, a.saleable, a.valuation, a.extra) for a in Asset.objects.filter(lg=lg)}
    assert got == {
        "P001": ("国庫補助金1/2・地方債", False, "cost", {"利用者数": "85,000", "維持管理費": "3,200,000"}),
        "P002": ("一般財源", True, "replacement", {}),
        "P003": ("", False, "memo", {}),
    }


# ----------------------------------------------------------------- round trip

ROUND_TRIP = STD_HEADER + ",売却可能\n" + (
    "A001,0,庁舎,本町1-1,総務課,事業用資産,建物,50,1990-04-01,1990-04-01,400000000,272000000,5000,m2,総務,所有,,,\n"
    "A002,0,旧倉庫敷地,本町2-5,総務課,事業用資産,土地,,1980-04-01,1980-04-01,30000000,0,800,m2,総務,所有,,,○\n"
    "B001,0,市道2号線,北町,建設課,インフラ資産,工作物,15,2010-04-01,2010-04-01,60000000,52000000,900.5,m,"
    "生活インフラ・国土保全,所有,,,\n"
    "C001,1,消防ポンプ自動車,本町,消防本部,物品,その他,5,2021-04-01,2021-06-01,25000000,10000000,1,台,消防,所有,,,\n"
)
ROUND_TRIP_OPENING = """path,amount
BS/固定資産/有形固定資産/事業用資産/建物,400000000
BS/固定資産/有形固定資産/事業用資産/建物減価償却累計額,-272000000
BS/固定資産/有形固定資産/事業用資産/土地,30000000
BS/固定資産/有形固定資産/インフラ資産/工作物,60000000
BS/固定資産/有形固定資産/インフラ資産/工作物減価償却累計額,-52000000
BS/固定資産/有形固定資産/物品,25000000
BS/固定資産/有形固定資産/物品減価償却累計額,-10000000
BS/流動資産/現金預金,10000000
BS/固定負債/地方債,10000000
BS/固定資産等形成分,181000000
BS/余剰分（不足分）,0
"""


def test_the_open_data_export_reads_back_through_the_kokai_opendata_profile(lg, tmp_path):
    """FY2024 depreciation: 庁舎 400,000,000 × 0.020 = 8,000,000; 市道 60,000,000 × 0.067 =
    4,020,000; ポンプ車 25,000,000 × 0.200 = 5,000,000; 土地 none. The export at the end of
    FY2024 (取得価額等 515,000,000; 累計 272,000,000 + 8,000,000 + 52,000,000 + 4,020,000 +
    10,000,000 + 5,000,000 = 351,020,000) imported into another 団体 as of 2025-04-01 gives a
    register whose own export is the same, row for row."""
    from kokai.ledger.masters import register

    import_opening(lg=lg, path=write(tmp_path, "open.csv", ROUND_TRIP_OPENING), fiscal_year=2024)
    import_register(lg=lg, path=write(tmp_path, "register.csv", ROUND_TRIP, "cp932"), fiscal_year=2024)
    assert depreciate(lg=lg, fiscal_year=2024).total == 17_020_000
    out = tmp_path / "opendata.csv"
    assert export_open_data(lg=lg, fiscal_year=2024, path=out) == 4

    other = register(lg_code="888888", name="読戻し町")
    r = import_register(lg=other, path=out, fiscal_year=2025, profile="kokai-opendata")
    assert (r.assets, r.cost, r.accumulated) == (4, 515_000_000, 351_020_000)
    assert list(open_data_rows(lg=other, fiscal_year=2025)) == list(open_data_rows(lg=lg, fiscal_year=2024))
    assert _attributes(other) == _attributes(lg)
    assert Asset.objects.get(lg=other, asset_no="A002").saleable  # 売却可能 ○


def _attributes(lg) -> list[tuple]:
    """Every field of every asset of a 団体 but its id, 団体 and 会計区分, in asset-number order."""
    fields = [f.name for f in Asset._meta.concrete_fields if f.name not in ("id", "lg", "fund")]
    return list(Asset.objects.filter(lg=lg).order_by("asset_no", "branch_no").values_list(*fields))


# A register with every attribute the open-data export carries (standard layout, as of 2024-04-01;
# 累計額 at the 省令 rates, 15年 0.067, 50年 0.020):
#   R001 県道 (所有外, 所有者 高知県) 90,000,000 × 0.067 = 6,030,000 × 10 年 (H26〜R5) = 60,300,000
#   M001 絵画 (美術品, no life)         5,000,000, not depreciated: 0
#   B001 旧公会堂 (再調達原価, 売却可能) 200,000,000 × 0.020 = 4,000,000 × 44 年 (S55〜R5) = 176,000,000
#   B002 中央公民館                     300,000,000 × 0.020 = 6,000,000 × 34 年 (H2〜R5) = 204,000,000
#   total                               595,000,000                                     440,300,000
# B001 and B002 have both a 行政目的 and a 用途; 財産区分, 延床面積 and 構造 are 追加項目 too.
EVERY_ATTRIBUTE = STD_HEADER + ",財源,売却可能,評価方法,耐用年数の種類,用途,財産区分,延床面積,構造\n" + (
    "R001,0,県道高知線（管理区間）,北町,建設課,インフラ資産,工作物,15,2014-04-01,2014-04-01,90000000,60300000,1500,m,"
    "生活インフラ・国土保全,所有外,高知県,,国庫補助金1/2・地方債,,取得原価,舗装道路,道路,,,\n"
    "M001,0,絵画「桂浜」,本町1-1,文化振興課,物品,その他,,2018-04-01,2018-04-01,5000000,0,1,点,教育,所有,,○,寄附,,"
    "取得原価,,,,,\n"
    "B001,0,旧公会堂,栄町,総務課,事業用資産,建物,50,1980-04-01,1980-04-01,200000000,176000000,1200,m2,総務,所有,,,"
    '一般財源,○,再調達原価,鉄筋コンクリート造（集会場）,公会堂,普通財産,"1,200㎡",RC造\n'
    "B002,0,中央公民館,緑町,教育委員会,事業用資産,建物,50,1990-04-01,1990-04-01,300000000,204000000,2400,m2,教育,所有,,,"
    ',,,,公民館,,"2,400㎡",\n'
)


def test_every_attribute_and_every_extra_item_survive_the_open_data_round_trip(lg, tmp_path):
    """The export at the end of FY2024 (no 異動 in the year: the figures are the opening ones,
    取得価額等 595,000,000, 累計額 440,300,000, 帳簿価額 595,000,000 − 440,300,000 = 154,700,000)
    read into another 団体 as of 2025-04-01 gives the same assets, field for field, and that
    団体's export at the end of FY2025 is the same file, byte for byte."""
    from kokai.ledger.masters import register

    r = import_register(lg=lg, path=write(tmp_path, "register.csv", EVERY_ATTRIBUTE), fiscal_year=2024)
    assert (r.assets, r.cost, r.accumulated) == (4, 595_000_000, 440_300_000)
    hall = Asset.objects.get(lg=lg, asset_no="B001")
    assert (hall.purpose, hall.valuation, hall.saleable, hall.extra) == (
        "総務", "replacement", True, {"用途": "公会堂", "財産区分": "普通財産", "延床面積": "1,200㎡", "構造": "RC造"})
    out = tmp_path / "opendata-2024.csv"
    assert export_open_data(lg=lg, fiscal_year=2024, path=out) == 4

    # The city layout first, then the other attributes, then the 追加項目 in key order
    # (延 U+5EF6 before 構 U+69CB); 用途 and 財産区分 are the 追加項目 of those names.
    rows = list(csv.reader(out.open(encoding="utf-8-sig", newline="")))
    assert rows[0] == [
        "資産番号", "枝番", "資産区分", "種目", "所属名", "資産名称", "用途", "所在地", "取得年月日", "供用開始年月日",
        "取得価額等", "耐用年数", "減価償却累計額", "帳簿価額", "数量", "単位", "財産区分", "所有区分",
        "所有者", "行政目的", "売却可能", "美術品", "評価方法", "財源", "耐用年数の種類", "延床面積", "構造"]
    by_no = {row[0]: row for row in rows[1:]}
    assert by_no["R001"] == [
        "R001", "0", "インフラ資産", "工作物", "建設課", "県道高知線（管理区間）", "道路", "北町", "2014-04-01",
        "2014-04-01", "90000000", "15", "60300000", "29700000", "1500", "m", "", "所有外（管理のみ）",
        "高知県", "生活インフラ・国土保全", "", "", "取得原価", "国庫補助金1/2・地方債", "舗装道路", "", ""]
    assert by_no["B001"][6] == "公会堂" and by_no["B001"][16:] == [
        "普通財産", "所有", "", "総務", "○", "", "再調達原価", "一般財源", "鉄筋コンクリート造（集会場）", "1,200㎡", "RC造"]
    assert by_no["M001"][11:14] == ["", "0", "5000000"] and by_no["M001"][19:22] == ["教育", "", "○"]
    assert sum(int(row[13]) for row in rows[1:]) == 154_700_000

    other = register(lg_code="888888", name="読戻し町")
    back = import_register(lg=other, path=out, fiscal_year=2025, profile="kokai-opendata")
    assert (back.assets, back.cost, back.accumulated) == (4, 595_000_000, 440_300_000)
    assert _attributes(other) == _attributes(lg)
    road = Asset.objects.get(lg=other, asset_no="R001")
    assert (road.ownership, road.legal_owner, road.purpose, road.extra) == (
        "not_owned", "高知県", "生活インフラ・国土保全", {"用途": "道路"})
    assert Asset.objects.get(lg=other, asset_no="B002").extra == {"用途": "公民館", "延床面積": "2,400㎡"}
    again = tmp_path / "opendata-2025.csv"
    assert export_open_data(lg=other, fiscal_year=2025, path=again) == 4
    assert list(csv.reader(again.open(encoding="utf-8-sig", newline=""))) == rows
    assert again.read_bytes() == out.read_bytes()


def test_extra_items_named_like_a_column_or_not_text_and_the_registers_own_logs(lg, tmp_path):
    """A 追加項目 「種目」 (kept from a city file that had both 財産区分 and 種目) cannot have a second
    「種目」 column: it is headed 「種目（追加項目）」 and comes back under that name. A number is
    written as text and comes back as text. The 勘定科目の履歴 (this register's 科目振替, by 異動 id)
    is not an attribute of the asset at the year end: not written."""
    import_register(lg=lg, path=write(tmp_path, "register.csv", EVERY_ATTRIBUTE), fiscal_year=2024)
    Asset.objects.filter(lg=lg, asset_no="M001").update(extra={
        "種目": "絵画", "年度": 2024, "勘定科目の履歴": [{"から": 0, "勘定科目": "BS/固定資産/有形固定資産/物品"}]})
    out = tmp_path / "opendata.csv"
    export_open_data(lg=lg, fiscal_year=2024, path=out)
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig", newline="")))
    assert list(rows[0])[25:] == ["年度", "延床面積", "構造", "種目（追加項目）"]  # 年 5E74 < 延 5EF6 < 構 69CB < 種 7A2E
    painting = next(r for r in rows if r["資産番号"] == "M001")
    assert (painting["種目"], painting["種目（追加項目）"], painting["年度"]) == ("その他", "絵画", "2024")

    from kokai.ledger.masters import register

    other = register(lg_code="888888", name="読戻し町")
    import_register(lg=other, path=out, fiscal_year=2025, profile="kokai-opendata")
    assert Asset.objects.get(lg=other, asset_no="M001").extra == {"年度": "2024", "種目（追加項目）": "絵画"}


# ----------------------------------------------------------------- bad rows

OD_BAD_HEADER = "資産区分,所属名,資産名称,取得年月日,供用開始年月日,取得価額等,耐用年数,減価償却累計額,財産区分\n"


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("公園資産,建設課,噴水,R2.4.1,,100,10,0,建物", "資産区分", "資産区分「公園資産」は使えません"),
        (",建設課,噴水,R2.4.1,,100,10,0,建物", "資産区分", "資産区分が空です"),
        ("事業用資産,総務課,源泉,R2.4.1,,100,10,0,温泉", "財産区分", "種目「温泉」は使えません"),
        ("物品,総務課,書庫,R2.4.1,,100,10,0,建物", "財産区分", "物品に種目「建物」はありません"),
        ("事業用資産,総務課,倉庫,R2.4.1,,100,,0,建物", "耐用年数", "償却資産には耐用年数が必要です"),
        ("事業用資産,総務課,倉庫,R2.4.1,,100,百年,0,建物", "耐用年数", "1〜100の整数"),
        ("事業用資産,総務課,倉庫,R2.4.1,,▲100,10,0,建物", "取得価額等", "取得価額が負の数です"),
        ('事業用資産,総務課,倉庫,R2.4.1,,"1,000.5",10,0,建物', "取得価額等", "1円未満の端数"),
        ("事業用資産,総務課,倉庫,R2.4.1,,100,10,200,建物", "減価償却累計額", "減価償却累計額 200円 が取得価額 100円 を超えています"),
        ("事業用資産,総務課,倉庫,R2.4.1,R1.4.1,100,10,0,建物", "供用開始年月日",
         "供用開始年月日 2019-04-01 が取得年月日 2020-04-01 より前です"),
        ("事業用資産,総務課,倉庫,令和2年13月1日,,100,10,0,建物", "取得年月日", "日付「令和2年13月1日」を読めません"),
        ("事業用資産,総務課,合計,,,100,,0,", "資産名称", "合計行のようです"),
    ],
)
def test_a_bad_open_data_row_is_named_by_row_and_column(tmp_path, row, column, message):
    path = write(tmp_path, "bad.csv", OD_BAD_HEADER + row + "\n", "cp932")
    frame, issues = read_register(path, profile="opendata")
    assert frame is None
    assert [(i.row, i.column) for i in issues] == [(2, column)], [str(i) for i in issues]
    assert message in issues[0].message and issues[0].file == "bad.csv"


def test_every_bad_row_is_listed_in_row_order_and_nothing_is_stored(lg, tmp_path):
    text = STD_HEADER + "\n" + (
        "X1,0,倉庫,,,事業用資産,建物,10,2020-04-01,2020-04-01,100,0,,,,所有,,\n"
        "X2,0,物置,,,事業用資産,建物,,2020-04-01,2020-04-01,100,0,,,,所有,,\n"
        "X1,0,倉庫（重複）,,,事業用資産,建物,10,2020-04-01,2020-04-01,100,0,,,,所有,,\n"
        "X3,0,国道,,,インフラ資産,工作物,10,2020-04-01,2020-04-01,100,0,1.234,,,所有外,,\n"
    )
    with pytest.raises(InputRejected) as e:
        import_register(lg=lg, path=write(tmp_path, "bad.csv", text), fiscal_year=2024)
    assert [(i.row, i.column, i.message) for i in e.value.issues] == [
        (3, "耐用年数", "償却資産には耐用年数が必要です"),
        (4, "資産番号", "資産番号 X1-0 が2行目にもあります"),
        (5, "数量", "数量「1.234」は0以上の数（小数点以下2桁まで）で入力してください"),
        (5, "所有者", "所有外の資産には所有者（国・県など）を入力してください"),
    ]
    assert "bad.csv 3行目 列「耐用年数」" in str(e.value.issues[0])
    assert (Asset.objects.count(), ImportBatch.objects.count()) == (0, 0)


def test_a_line_break_inside_a_quoted_cell_keeps_the_line_numbers_of_the_file(tmp_path):
    """Y1's 所在地 spans lines 2–3, so Y2 (no 耐用年数 for a 建物) is on line 4."""
    text = STD_HEADER + "\n" + (
        'Y1,0,倉庫,"本町1-1\n別棟",総務課,事業用資産,建物,10,2020-04-01,2020-04-01,100,0,,,,所有,,\n'
        "Y2,0,物置,本町,総務課,事業用資産,建物,,2020-04-01,2020-04-01,100,0,,,,所有,,\n"
    )
    _frame, issues = read_register(write(tmp_path, "multi.csv", text), profile="standard")
    assert [(i.row, i.column) for i in issues] == [(4, "耐用年数")]


def test_a_file_without_the_columns_the_profile_needs_is_refused_at_the_header(tmp_path):
    path = write(tmp_path, "wrong.csv", "資産名称,取得価額\n庁舎,100\n")
    _frame, issues = read_register(path, profile="standard")
    assert [(i.row, i.message) for i in issues] == [
        (1, "見出し行に列 資産番号、資産区分、種目 がありません。プロファイル「standard」の見出しと合わせてください")]


# ----------------------------------------------------------------- profiles

def test_the_standard_profile_documents_every_key_and_field():
    import tomllib
    from importlib import resources

    text = resources.files("kokai.core").joinpath("data/asset_profiles/standard.toml").read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    assert set(raw) == _KEYS and set(raw["columns"]) == set(FIELDS)
    assert set(shipped_asset_profiles()) >= {"standard", "opendata", "kokai-opendata"}
    for name in shipped_asset_profiles():
        assert load_asset_profile(name).name == name


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"colums": {}}, "不明なキー colums"),
        ({"columns": {"asset_no": "番号", "name": "名称", "asset_class": "区分", "kind": "種目", "cost": "取得価額",
                      "price": "価格"}}, "[columns] に不明な項目 price"),
        ({"columns": {"asset_no": "番号", "name": "名称", "asset_class": "区分", "cost": "取得価額"}}, "kind（種目）"),
        ({"kinds": {"車": "自動車"}}, "[kinds] の「車」の値「自動車」は使えません"),
        ({"saleable": {"普通財産": "はい"}}, "[saleable] は「ファイルの値 = true か false」"),
        ({"purpose_other": "drop"}, "purpose_other は keep、extra"),
        ({"extra": ["資産名称"]}, "extra の 資産名称 は [columns] で項目に割り当て済み"),
    ],
)
def test_a_bad_profile_is_refused_with_the_key_named(change, message):
    raw = {"name": "mine", "columns": {"asset_no": "資産番号", "name": "資産名称", "asset_class": "資産区分",
                                       "kind": "種目", "cost": "取得価額"}}
    with pytest.raises(ProfileError) as e:
        asset_profile_from_dict({**raw, **change})
    assert message in str(e.value)


def test_a_users_profile_file_with_an_unknown_key_refuses_the_import(lg, tmp_path):
    prof = write(tmp_path, "mine.toml", 'name = "mine"\nencodeing = "cp932"\n[columns]\nname = "資産名称"\n')
    with pytest.raises(InputRejected) as e:
        import_register(lg=lg, path=write(tmp_path, "r.csv", OPEN_DATA), fiscal_year=2024, profile=str(prof))
    assert "不明なキー encodeing" in e.value.issues[0].message
    with pytest.raises(InputRejected) as e:
        import_register(lg=lg, path=write(tmp_path, "r.csv", OPEN_DATA), fiscal_year=2024, profile="vendor-a")
    assert "固定資産台帳のプロファイル「vendor-a」はありません" in e.value.issues[0].message
    assert Asset.objects.count() == 0


def test_import_assets_with_a_profile_from_the_command_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOKAI_")}

    def kokai(*args, ok=True):
        proc = subprocess.run([sys.executable, "-m", "kokai", "--db", f"sqlite:///{tmp_path}/k.sqlite3", *args],
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert (proc.returncode == 0) == ok, proc.stderr
        return proc.stdout + proc.stderr

    write(tmp_path, "od.csv", OPEN_DATA, "cp932")
    kokai("init", "--lg-code", "999999", "--name", "テスト町")
    assert "固定資産 6 件（取得価額 905,000,001円、減価償却累計額 658,900,000円）" in kokai(
        "import", "assets", "od.csv", "--year", "2024", "--profile", "opendata")
    assert "取込済み" in kokai("import", "assets", "od.csv", "--year", "2024", "--profile", "opendata")
    assert "固定資産台帳のプロファイル「nosuch」はありません" in kokai(
        "import", "assets", "od.csv", "--year", "2024", "--profile", "nosuch", ok=False)
    write(tmp_path, "wrong.csv", "資産名称,取得価額\n庁舎,100\n")
    assert "wrong.csv 1行目: 見出し行に列 資産番号" in kokai("import", "assets", "wrong.csv", "--year", "2024", ok=False)
    assert "standard" in kokai("profile", "list")
