"""The 固定資産台帳: an existing register imported, a year's depreciation posted once, and the
register tied to the balance sheet line by line.

Register (as of 2024-04-01), matching the opening balance sheet:
    庁舎     事業用 建物   取得 470,000,000  累計 200,000,000  47年 (0.022)
    市道1号  インフラ 工作物 取得 100,000,000  累計  90,000,000  10年 (0.100)
    庁舎敷地 事業用 土地   取得  50,000,000
    財務会計システム ソフトウェア 取得 5,000,000 累計 4,000,000 5年 (0.200)
FY2024 depreciation, worked by hand:
    庁舎   470,000,000 × 0.022 = 10,340,000
    市道   100,000,000 × 0.100 = 10,000,000, limited to the book value less 1 yen = 9,999,999
    ソフト   5,000,000 × 0.200 =  1,000,000 (intangible: down to 0)
    土地   not depreciated
    total 21,339,999 = PL 減価償却費
"""

from __future__ import annotations

import pytest

from kokai.assets.models import Asset, AssetChange
from kokai.assets.services import depreciate, import_register, ledger_ties
from kokai.core.issues import InputRejected
from kokai.ledger.imports import import_opening
from kokai.ledger.reporting import statements_for

from .conftest import write

HEADER = "資産番号,枝番,資産名称,所在地,管理所属,資産区分,種目,耐用年数,取得年月日,供用開始年月日,取得価額,減価償却累計額,数量,単位,行政目的,所有区分,所有者,美術品\n"
REGISTER = HEADER + (
    "A001,0,庁舎,本町1-1,総務課,事業用資産,建物,47,1990-04-01,1990-04-01,470000000,200000000,5000,m2,総務,所有,,\n"
    "B001,0,市道1号線,本町,建設課,インフラ資産,工作物,10,2015-04-01,2015-04-01,100000000,90000000,1200,m,生活インフラ・国土保全,所有,,\n"
    "A002,0,庁舎敷地,本町1-1,総務課,事業用資産,土地,,1990-04-01,1990-04-01,50000000,0,8000,m2,総務,所有,,\n"
    "S001,0,財務会計システム,本町1-1,財政課,無形固定資産,ソフトウェア,5,2020-04-01,2020-04-01,5000000,4000000,1,式,総務,所有,,\n"
)
OPENING = """path,amount
BS/固定資産/有形固定資産/事業用資産/建物,470000000
BS/固定資産/有形固定資産/事業用資産/建物減価償却累計額,-200000000
BS/固定資産/有形固定資産/インフラ資産/工作物,100000000
BS/固定資産/有形固定資産/インフラ資産/工作物減価償却累計額,-90000000
BS/固定資産/有形固定資産/事業用資産/土地,50000000
BS/固定資産/無形固定資産/ソフトウェア,1000000
BS/流動資産/現金預金,10000000
BS/固定負債/地方債,100000000
BS/固定資産等形成分,331000000
BS/余剰分（不足分）,-90000000
"""


@pytest.fixture
def town(lg, tmp_path):
    import_opening(lg=lg, path=write(tmp_path, "open.csv", OPENING), fiscal_year=2024)
    result = import_register(lg=lg, path=write(tmp_path, "register.csv", REGISTER, "cp932"), fiscal_year=2024)
    assert (result.assets, result.cost, result.accumulated) == (4, 625_000_000, 294_000_000)
    return lg


def test_the_imported_register_ties_to_the_opening_balance_sheet(town):
    ties = ledger_ties(lg=town, fiscal_year=2024)
    assert ties and all(c.ok for c in ties), [str(c) for c in ties if not c.ok]


def test_a_years_depreciation_is_posted_once(town):
    run = depreciate(lg=town, fiscal_year=2024)
    assert (run.charged, run.total, run.entries) == (3, 21_339_999, 3)
    st, checks = statements_for(lg=town, fiscal_year=2024)
    assert st.amount("PL/経常費用/業務費用/物件費等/減価償却費") == 21_339_999
    assert st.amount("BS/固定資産/有形固定資産/事業用資産/建物減価償却累計額") == -210_340_000
    assert st.amount("BS/固定資産/有形固定資産/インフラ資産/工作物減価償却累計額") == -99_999_999
    assert st.amount("BS/固定資産/無形固定資産/ソフトウェア") == 0
    assert st.amount("NW/固定資産等の変動（内部変動）/有形固定資産等の減少", "固定資産等形成分") == -21_339_999
    assert all(c.ok for c in checks)
    assert all(c.ok for c in ledger_ties(lg=town, fiscal_year=2024))
    again = depreciate(lg=town, fiscal_year=2024)
    assert again.charged == 0 and "計上済み" in again.summary()
    assert AssetChange.objects.filter(reason="depreciation").count() == 3


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("X1,0,謎,,,公園資産,建物,10,2020-04-01,2020-04-01,100,0,,,,所有,,", "資産区分", "資産区分「公園資産」は使えません"),
        ("X1,0,倉庫,,,事業用資産,建物,,2020-04-01,2020-04-01,100,0,,,,所有,,", "耐用年数", "耐用年数が必要"),
        ("X1,0,倉庫,,,事業用資産,建物,10,2020-04-01,2020-04-01,-100,0,,,,所有,,", "取得価額", "負の数"),
        ("X1,0,倉庫,,,事業用資産,建物,10,2021-04-01,2020-04-01,100,0,,,,所有,,", "供用開始年月日", "取得年月日"),
        ("A001,0,倉庫,,,事業用資産,建物,10,2020-04-01,2020-04-01,100,0,,,,所有,,", "資産番号", "登録済みの台帳"),
        ("X1,0,国道,,,インフラ資産,工作物,10,2020-04-01,2020-04-01,100,0,,,,所有外,,", "所有者", "所有者"),
    ],
)
def test_a_bad_register_row_is_refused_with_its_place_and_nothing_is_stored(town, tmp_path, row, column, message):
    before = Asset.objects.count()
    with pytest.raises(InputRejected) as e:
        import_register(lg=town, path=write(tmp_path, "bad.csv", HEADER + row + "\n"), fiscal_year=2024)
    issue = e.value.issues[0]
    assert (issue.row, issue.column) == (2, column) and message in issue.message
    assert Asset.objects.count() == before


def test_a_road_managed_but_not_owned_is_recorded_with_its_owner(town, tmp_path):
    """A 県道 section the town manages (所有外): kept in the register with its legal owner."""
    import_register(lg=town, path=write(tmp_path, "r2.csv", HEADER +
                    "K001,0,県道改良区間,本町,建設課,インフラ資産,工作物,10,2024-04-01,2024-04-01,0,0,300,m,生活インフラ・国土保全,所有外,高知県,\n"),
                    fiscal_year=2024)
    road = Asset.objects.get(asset_no="K001")
    assert (road.ownership, road.legal_owner, road.get_ownership_display()) == ("not_owned", "高知県", "所有外（管理のみ）")


def test_the_asset_commands_end_to_end(tmp_path):
    import csv
    import os
    import subprocess
    import sys

    import openpyxl

    env = {k: v for k, v in os.environ.items() if not k.startswith("KOKAI_")}

    def kokai(*args):
        proc = subprocess.run([sys.executable, "-m", "kokai", "--db", f"sqlite:///{tmp_path}/k.sqlite3", *args],
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    write(tmp_path, "open.csv", OPENING)
    write(tmp_path, "register.csv", REGISTER, "cp932")
    kokai("init", "--lg-code", "999999", "--name", "テスト町")
    kokai("import", "opening", "open.csv", "--year", "2024")
    assert "固定資産 4 件" in kokai("import", "assets", "register.csv", "--year", "2024")
    assert "減価償却費 21,339,999円（3件）" in kokai("assets", "depreciate", "--year", "2024")
    assert "計上済み" in kokai("assets", "depreciate", "--year", "2024")
    out = kokai("check", "--year", "2024")
    assert "OK A1 固定資産台帳 = 貸借対照表（固定資産/有形固定資産/事業用資産/建物減価償却累計額）" in out
    kokai("assets", "schedules", "--year", "2024", "--out", "s.xlsx")
    assert openpyxl.load_workbook(tmp_path / "s.xlsx").sheetnames
    kokai("assets", "export", "--year", "2024", "--format", "opendata", "--out", "open.csv")
    with open(tmp_path / "open.csv", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert {r["資産名称"] for r in rows} >= {"庁舎", "市道1号線"} and "減価償却累計額" in rows[0]
    assert "減価償却" in kokai("assets", "history", "A001")
