"""附属明細書 from the ledger, the 歳入歳出データ and the 固定資産台帳, worked by hand.

The town (FY2024, yen). Opening: 事業用 土地 5,000,000, 建物 10,000,000 (累計 4,000,000),
インフラ 工作物 20,000,000 (累計 8,000,000), 物品 1,000,000 (累計 600,000), 現金預金 3,000,000
+ 歳計外現金 100,000, 地方債 6,000,000, 預り金 100,000; the register holds the same four assets.

歳出 records                                                      booked to
  E001/E002 社会福祉協議会運営費補助金 600,000 + 400,000, 戻入 E003 −50,000  補助金等 950,000
  E004 消防組合負担金 (広域消防組合) 2,500,000                              補助金等
  E005 県営道路整備事業負担金 (県) 700,000 — 「整備事業」: 所有外資産分     補助金等
  E006 給料 300,000                                                       職員給与費
  E007 市道2号線改良工事 2,000,000, decided 資産計上 (B100, 40年)          インフラ 工作物
歳入 records
  R001 市民税 5,000,000 + R002 固定資産税 3,000,000 − R003 還付 100,000   税収等 7,900,000 (款1 市町村税)
  R004 普通交付税 4,000,000                                               税収等 (款11 地方交付税)
  R005 民生費国庫補助金 800,000 (undecided: 業務)                         国県等補助金 経常的 国庫
  R006 社会資本整備総合交付金 1,200,000, decided 投資活動                  国県等補助金 資本的 国庫
  R007 民生費県補助金 300,000                                             国県等補助金 経常的 都道府県等
  R008 臨時財政対策債 1,000,000 (地方債) · R009 繰越金 (no journal) · 歳計外 C001 50,000
Other: a journal N1 補助金等 120,000 / 未払金 (not from the records); a donated road site
B200 1,000,000 (寄附受入); depreciation 建物 200,000 + 工作物 500,000 + 物品 200,000 = 900,000
(B100 starts next year).

So PL 補助金等 = 950,000 + 2,500,000 + 700,000 + 120,000 = 4,270,000; 純行政コスト =
4,270,000 + 300,000 + 900,000 = 5,470,000; NW 税収等 11,900,000 + 国県等補助金 2,300,000 = 財源
14,200,000; CF 業務 13,000,000 − 4,450,000 = 8,550,000, 投資 −2,000,000 + 1,200,000, 財務
+1,000,000: 資金 3,000,000 + 8,750,000 = 11,750,000; 歳計外 150,000; 現金預金 11,900,000.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kokai.core.chart import standard_chart
from kokai.core.schedules import (
    GrantFlow,
    RevenueFlow,
    ScheduleSettings,
    cash_table,
    financing_info_table,
    grants_table,
    revenue_table,
)
from kokai.core.statements import build, totals_from_entries
from kokai.report.document import YEN, Table

from .conftest import entry, write
from .example_town import opening_entry, year_entries

NOT_FROM_RECORDS = "歳入歳出データによらない計上（決算整理仕訳など）"


def rows(table: Table) -> list[tuple]:
    """(label, *values) per printed row; a heading row is its label alone."""
    return [(r.label, *r.values) for r in table.rows]


def assert_totals_are_sums(table: Table) -> None:
    """Every row with ``sum_of`` equals the signed sum of its rows in each yen column."""
    for r in table.rows:
        for c, kind in enumerate(table.kinds):
            if r.sum_of and kind == YEN:
                assert r.values[c] == sum(s * table.rows[i].values[c] for s, i in r.sum_of), (table.key, r.label)


# ------------------------------------------------------------------ pure builders


def test_grants_are_grouped_listed_largest_first_and_the_rest_summed():
    """Capital: 施設整備 in the name (900) or booked to 投資活動 (400). Others: 1,000 + 200 (one
    name, two payments) = 1,200, 500, 300 and 100 — with grant_rows=2 the 300 and 100 become
    「その他（2件）」 400. The ledger says 3,500: 900 + 400 + 1,200 + 500 + 400 = 3,400 from the
    records, so 100 is 「歳入歳出データによらない計上」."""
    flows = [
        GrantFlow("保育所施設整備補助金", "社会福祉法人A", "児童福祉総務費", 900),
        GrantFlow("ごみ処理場建設分担金", "衛生組合", "清掃総務費", 400, investing=True),
        GrantFlow("自治会補助金", "自治会連合会", "一般管理費", 1_000),
        GrantFlow("自治会補助金", "自治会連合会", "一般管理費", 200),
        GrantFlow("観光協会補助金", "観光協会", "観光費", 500),
        GrantFlow("老人クラブ補助金", "老人クラブ", "老人福祉費", 300),
        GrantFlow("スポーツ少年団補助金", "スポーツ協会", "体育施設費", 100),
    ]
    t = grants_table(flows, ledger_total=3_500, fiscal_year=2024, settings=ScheduleSettings(grant_rows=2))
    assert (t.key, t.group, t.label_header, t.columns) == ("補助金等の明細", "附属明細書", "名称", ("相手先", "金額", "支出目的"))
    assert rows(t) == [
        ("他団体への公共施設等整備補助金等（所有外資産分）",),
        ("保育所施設整備補助金", "社会福祉法人A", 900, "児童福祉総務費"),
        ("ごみ処理場建設分担金", "衛生組合", 400, "清掃総務費"),
        ("計", None, 1_300, None),
        ("その他の補助金等",),
        ("自治会補助金", "自治会連合会", 1_200, "一般管理費"),
        ("観光協会補助金", "観光協会", 500, "観光費"),
        ("その他（2件）", "", 400, ""),
        (NOT_FROM_RECORDS, "", 100, ""),
        ("計", None, 2_200, None),
        ("合計", None, 3_500, None),
    ]
    assert t.rows[-1].sum_of == ((1, 3), (1, 9)) and t.rows[3].sum_of == ((1, 1), (1, 2))
    assert_totals_are_sums(t)
    # a threshold lists only payments of at least 1,000 yen: 自治会 alone, the rest 900
    t = grants_table(flows, ledger_total=3_400, fiscal_year=2024, settings=ScheduleSettings(grant_threshold=1_000))
    other = [r for r in rows(t) if r[0] not in ("他団体への公共施設等整備補助金等（所有外資産分）",)][3:]
    assert other[:3] == [("自治会補助金", "自治会連合会", 1_200, "一般管理費"), ("その他（3件）", "", 900, ""),
                         ("計", None, 2_100, None)]


def test_a_grants_name_is_its_memo_without_the_instalment():
    """Instalments of one grant make one row: 「（第4四半期）」「（8月分）」「（第 3 回）」 are dropped;
    a bracket that is part of the name stays; a blank 摘要 falls back to the 細節名, then the 節名;
    the 支出目的 is the 目名 (else 項名, 款名)."""
    from kokai.core.schedules import grant_name, grant_purpose

    assert grant_name({"description": "広域消防組合 負担金（第4四半期）"}) == "広域消防組合 負担金"
    assert grant_name({"description": "療養給付費負担金（8月分）"}) == "療養給付費負担金"
    assert grant_name({"description": "自治会補助金(第 3 回)"}) == "自治会補助金"
    assert grant_name({"description": "社会福祉協議会（本所）補助金"}) == "社会福祉協議会（本所）補助金"
    assert grant_name({"description": "", "saisetsu_name": "補助金", "setsu_name": "負担金補助及び交付金"}) == "補助金"
    assert grant_name({"setsu_name": "負担金補助及び交付金"}) == "負担金補助及び交付金"
    assert grant_name({"description": "負担金（第1回）"}, ScheduleSettings(grant_name_period="")) == "負担金（第1回）"
    assert grant_purpose({"moku_name": "", "kou_name": "社会福祉費", "kan_name": "民生費"}) == "社会福祉費"


def _example_town_statements():
    chart = standard_chart()
    return build(chart, totals_from_entries(chart, [opening_entry(), *year_entries()], 2024), lg_code="999999")


def test_revenue_from_a_ledger_without_cash_records_is_all_journals():
    """tests/example_town.py posts 仕訳データ only: NW 税収等 4,500; 国県等補助金 1,000 (業務) + 800
    (投資活動: 資本的). Nothing comes from records, so each block is one 「によらない計上」 row;
    合計 6,300 = NW 財源."""
    st = _example_town_statements()
    t = revenue_table([], st)
    assert rows(t) == [
        ("税収等", 4_500), (NOT_FROM_RECORDS, 4_500),
        ("国県等補助金", 1_800),
        ("資本的補助金", 800), (NOT_FROM_RECORDS, 800),
        ("経常的補助金", 1_000), (NOT_FROM_RECORDS, 1_000),
        ("合計", 6_300),
    ]
    assert t.rows[-1].values[0] == st.amount("NW/財源")
    assert_totals_are_sums(t)


def test_revenue_records_by_kan_and_by_grant_source():
    """税収等: 款1 市町村税 900 + (−20 還付) and 款11 地方交付税 400 → 880 and 400, in 款 order;
    the ledger's 税収等 4,500 leaves 3,220 to journals. 国県等補助金: 国庫 800 capital and 1,000
    current (「国庫支出金」), nothing to journals."""
    st = _example_town_statements()
    flows = [
        RevenueFlow("税収等", "地方交付税", 11, 400),
        RevenueFlow("税収等", "市町村税", 1, 900),
        RevenueFlow("税収等", "市町村税", 1, -20),
        RevenueFlow("国県等補助金", "国庫支出金", 15, 800, capital=True),
        RevenueFlow("国県等補助金", "国庫支出金", 15, 1_000),
    ]
    assert rows(revenue_table(flows, st)) == [
        ("税収等", 4_500), ("市町村税", 880), ("地方交付税", 400), (NOT_FROM_RECORDS, 3_220),
        ("国県等補助金", 1_800), ("資本的補助金", 800), ("国庫支出金", 800),
        ("経常的補助金", 1_000), ("国庫支出金", 1_000),
        ("合計", 6_300),
    ]


def test_the_cash_schedule_ties_to_the_balance_sheet():
    """example_town: 歳計現金 800 → 2,540 (+1,740), 歳計外現金 100 → 130 (+30); 合計 2,670 = BS 現金預金."""
    st = _example_town_statements()
    t = cash_table(st)
    assert rows(t) == [("歳計現金（資金）", 800, 1_740, 2_540), ("歳計外現金", 100, 30, 130), ("合計", 900, 1_770, 2_670)]
    assert t.rows[-1].values[2] == st.amount("BS/流動資産/現金預金") == st.amount("CF/本年度末現金預金残高")
    assert_totals_are_sums(t)


def test_financing_info_of_the_example_town():
    """Uses: 純行政コスト 3,860, 有形固定資産等の増加 2,000, 貸付金・基金等の増加 300 (基金 積立).
    資本的補助金 800 → 有形 (1,200 left); 経常的 1,000 → 純行政コスト (2,860 left); 地方債 1,000 →
    有形 (200 left); 税収等 4,500 → 純行政コスト 2,860, 有形 200, 基金 300, 1,140 left → 「その他」."""
    t = financing_info_table(_example_town_statements())
    assert t.columns == ("金額", "国県等補助金", "地方債等", "税収等", "その他")
    assert rows(t) == [
        ("純行政コスト", 3_860, 1_000, 0, 2_860, 0),
        ("有形固定資産等の増加", 2_000, 800, 1_000, 200, 0),
        ("貸付金・基金等の増加", 300, 0, 0, 300, 0),
        ("その他", 1_140, 0, 0, 1_140, 0),
        ("合計", 7_300, 1_800, 1_000, 4_500, 0),
    ]
    assert_totals_are_sums(t)


def test_financing_info_when_the_uses_exceed_the_sources():
    """物件費 1,000 paid, a building 500 bought with a 地方債 of 300, 税収等 600: 地方債 300 → 有形
    (200 left), 税収等 600 → 純行政コスト (400 left). The gaps, 400 and 200, are 「その他」 (paid from
    the opening cash)."""
    chart = standard_chart()
    cf_b, t = "CF/業務活動収支", "BS/固定資産/有形固定資産/事業用資産/建物"
    entries = [
        entry("1", ("PL/経常費用/業務費用/物件費等/物件費", 1_000), (f"{cf_b}/業務支出/業務費用支出/物件費等支出", -1_000)),
        entry("2", (t, 500), ("CF/投資活動収支/投資活動支出/公共施設等整備費支出", -500)),
        entry("3", ("CF/財務活動収支/財務活動収入/地方債発行収入", 300), ("BS/固定負債/地方債", -300)),
        entry("4", (f"{cf_b}/業務収入/税収等収入", 600), ("NW/財源/税収等", -600)),
    ]
    st = build(chart, totals_from_entries(chart, entries, 2024), lg_code="999999")
    assert rows(financing_info_table(st)) == [
        ("純行政コスト", 1_000, 0, 0, 600, 400),
        ("有形固定資産等の増加", 500, 0, 300, 0, 200),
        ("貸付金・基金等の増加", 0, 0, 0, 0, 0),
        ("その他", 0, 0, 0, 0, 0),
        ("合計", 1_500, 0, 300, 600, 600),
    ]


# ------------------------------------------------------------------ the town, from the database

T = "BS/固定資産/有形固定資産"
OPENING = f"""path,amount
{T}/事業用資産/土地,5000000
{T}/事業用資産/建物,10000000
{T}/事業用資産/建物減価償却累計額,-4000000
{T}/インフラ資産/工作物,20000000
{T}/インフラ資産/工作物減価償却累計額,-8000000
{T}/物品,1000000
{T}/物品減価償却累計額,-600000
BS/流動資産/現金預金,3000000
BS/流動資産/現金預金/歳計外現金,100000
BS/固定負債/地方債,6000000
BS/流動負債/預り金,100000
BS/固定資産等形成分,23400000
BS/余剰分（不足分）,-3000000
"""
REGISTER = (
    "資産番号,枝番,資産名称,所在地,管理所属,資産区分,種目,耐用年数,取得年月日,供用開始年月日,取得価額,減価償却累計額,"
    "数量,単位,行政目的,所有区分,所有者,美術品\n"
    "A001,0,庁舎,本町1-1,総務課,事業用資産,建物,50,1994-04-01,1994-04-01,10000000,4000000,1000,m2,総務,所有,,\n"
    "A002,0,庁舎敷地,本町1-1,総務課,事業用資産,土地,,1994-04-01,1994-04-01,5000000,0,2000,m2,総務,所有,,\n"
    "B001,0,市道1号線,本町,建設課,インフラ資産,工作物,40,2008-04-01,2008-04-01,20000000,8000000,500,m,"
    "生活インフラ・国土保全,所有,,\n"
    "M001,0,公用車,本町1-1,総務課,物品,その他,5,2022-04-01,2022-04-01,1000000,600000,1,台,,所有,,\n"
)
CASH_HEADER = ("会計年度,会計区分,歳入歳出区分,款,款名,項,項名,目,目名,節,節名,細節,細節名,伝票番号,行番号,日付,金額,"
               "伝票種別,所属,相手方,摘要,事業コード,繰越区分,現年滞繰区分\n")
WELFARE = "2024,一般会計,歳出,3,民生費,1,社会福祉費,1,社会福祉総務費,18,負担金補助及び交付金,1,補助金"
CASH = [
    f"{WELFARE},E001,1,2024-05-15,600000,支出,0201,社会福祉協議会,社会福祉協議会運営費補助金,,,",
    f"{WELFARE},E002,1,2024-10-15,400000,支出,0201,社会福祉協議会,社会福祉協議会運営費補助金,,,",
    f"{WELFARE},E003,1,2025-03-10,50000,歳出戻入,0201,社会福祉協議会,社会福祉協議会運営費補助金,,,",
    "2024,一般会計,歳出,9,消防費,1,消防費,1,常備消防費,18,負担金補助及び交付金,2,負担金,E004,1,2024-06-30,2500000,"
    "支出,0106,広域消防組合,消防組合負担金,,,",
    "2024,一般会計,歳出,8,土木費,1,土木管理費,1,土木総務費,18,負担金補助及び交付金,2,負担金,E005,1,2024-12-20,700000,"
    "支出,0401,県,県営道路整備事業負担金,,,",
    "2024,一般会計,歳出,2,総務費,1,総務管理費,1,一般管理費,2,給料,,,E006,1,2024-04-21,300000,支出,0101,,4月分給料,,,",
    "2024,一般会計,歳出,8,土木費,2,道路橋りょう費,2,道路新設改良費,14,工事請負費,,,E007,1,2025-03-25,2000000,支出,"
    "0401,㈱デモ建設,市道2号線改良工事,,,",
    "2024,一般会計,歳入,1,市町村税,1,市民税,1,個人,1,現年課税分,,,R001,1,2024-06-30,5000000,収入,0103,,市民税,,,現年",
    "2024,一般会計,歳入,1,市町村税,2,固定資産税,1,固定資産税,1,現年課税分,,,R002,1,2024-05-31,3000000,収入,0103,,"
    "固定資産税,,,現年",
    "2024,一般会計,歳入,1,市町村税,1,市民税,1,個人,1,現年課税分,,,R003,1,2024-09-01,100000,歳入還付,0103,,過誤納還付,,,現年",
    "2024,一般会計,歳入,11,地方交付税,1,地方交付税,1,地方交付税,1,普通交付税,,,R004,1,2024-07-20,4000000,収入,0102,,"
    "普通交付税,,,",
    "2024,一般会計,歳入,15,国庫支出金,2,国庫補助金,3,民生費国庫補助金,1,社会福祉費補助金,,,R005,1,2024-08-10,800000,"
    "収入,0201,,民生費国庫補助金,,,",
    "2024,一般会計,歳入,15,国庫支出金,2,国庫補助金,4,土木費国庫補助金,1,社会資本整備総合交付金,,,R006,1,2025-03-28,"
    "1200000,収入,0401,,社会資本整備総合交付金,,,",
    "2024,一般会計,歳入,16,県支出金,2,県補助金,1,民生費県補助金,1,社会福祉費補助金,,,R007,1,2024-09-10,300000,収入,"
    "0201,,民生費県補助金,,,",
    "2024,一般会計,歳入,22,市債,1,市債,1,臨時財政対策債,1,臨時財政対策債,,,R008,1,2025-05-20,1000000,収入,0102,,"
    "臨時財政対策債,,,",
    "2024,一般会計,歳入,20,繰越金,1,繰越金,1,繰越金,1,繰越金,,,R009,1,2024-05-31,3000000,収入,0102,,前年度繰越金,,,",
    "2024,歳計外現金,歳入,1,歳計外,1,源泉,1,所得税,1,所得税,,,C001,1,2025-05-10,50000,収入,0102,,源泉所得税,,,",
]
ACCRUAL = ("伝票番号,日付,会計年度,会計区分,所属,借方科目,借方金額,貸方科目,貸方金額,摘要\n"
           "N1,2025-03-31,2024,一般会計,0201,PL/経常費用/移転費用/補助金等,120000,BS/流動負債/未払金,120000,補助金の未払計上\n")


@pytest.fixture
def town(lg, tmp_path):
    from kokai.assets.changes import acquisitions_from_matching, receive_free
    from kokai.assets.services import depreciate, import_register
    from kokai.cash.convert import convert_year
    from kokai.cash.models import MatchingDecision
    from kokai.cash.services import import_cash
    from kokai.ledger.imports import import_journals, import_opening
    from kokai.ledger.masters import add_fund
    from kokai.ledger.models import Fund

    add_fund(lg=lg, code="90", name="歳計外現金")
    import_opening(lg=lg, path=write(tmp_path, "open.csv", OPENING), fiscal_year=2024)
    import_register(lg=lg, path=write(tmp_path, "register.csv", REGISTER, "cp932"), fiscal_year=2024)
    assert import_cash(lg=lg, path=write(tmp_path, "cash.csv", CASH_HEADER + "\n".join(CASH) + "\n", "cp932")).records == 17
    general = Fund.objects.get(lg=lg, code="01")
    MatchingDecision.objects.create(
        lg=lg, fiscal_year=2024, fund=general, direction="E", voucher_no="E007", line_no=1, kind="asset_new",
        amount=2_000_000, account=f"{T}/インフラ資産/工作物", asset_no="B100", asset_name="市道2号線改良",
        useful_life=40, in_service=dt.date(2025, 3, 31))
    MatchingDecision.objects.create(
        lg=lg, fiscal_year=2024, fund=general, direction="R", voucher_no="R006", line_no=1, kind="account",
        amount=1_200_000, account="CF/投資活動収支/投資活動収入/国県等補助金収入")
    convert_year(lg=lg, fiscal_year=2024)
    acquisitions_from_matching(lg=lg, fiscal_year=2024)
    receive_free(lg=lg, date=dt.date(2024, 9, 1), value=1_000_000, asset_no="B200", name="寄附道路用地",
                 asset_class="インフラ資産", kind="土地", purpose="生活インフラ・国土保全")
    import_journals(lg=lg, path=write(tmp_path, "accrual.csv", ACCRUAL))
    assert depreciate(lg=lg, fiscal_year=2024).total == 900_000
    return lg


@pytest.fixture
def tables(town):
    from kokai.report.schedules import schedule_tables

    return {t.key: t for t in schedule_tables(lg=town, fiscal_year=2024)}


@pytest.fixture
def st(town):
    from kokai.ledger.reporting import statements_for

    st, checks = statements_for(lg=town, fiscal_year=2024)
    assert all(c.ok for c in checks), [str(c) for c in checks if not c.ok]
    return st


def test_the_schedules_come_in_print_order_in_the_book_group(tables):
    assert list(tables) == ["有形固定資産の明細", "有形固定資産の行政目的別明細", "補助金等の明細", "財源の明細",
                            "財源情報の明細", "資金の明細"]
    for t in tables.values():
        assert t.group == "附属明細書" and len(t.key) <= 31
        assert_totals_are_sums(t)


def test_the_tangible_schedule_by_hand_and_equal_to_the_balance_sheet(tables, st):
    """(A) opening, (B) B100 2,000,000 bought and B200 1,000,000 donated, (F) the year's
    depreciation; (D) = A + B − C, (G) = D − E on every row."""
    t = tables["有形固定資産の明細"]
    assert t.columns[3] == "本年度末残高(D)=(A)+(B)−(C)"
    zero = (0,) * 7
    assert rows(t) == [
        ("事業用資産", 15_000_000, 0, 0, 15_000_000, 4_200_000, 200_000, 10_800_000),
        ("土地", 5_000_000, 0, 0, 5_000_000, 0, 0, 5_000_000),
        ("立木竹", *zero),
        ("建物", 10_000_000, 0, 0, 10_000_000, 4_200_000, 200_000, 5_800_000),
        ("工作物", *zero), ("船舶", *zero), ("浮標等", *zero), ("航空機", *zero), ("その他", *zero), ("建設仮勘定", *zero),
        ("インフラ資産", 20_000_000, 3_000_000, 0, 23_000_000, 8_500_000, 500_000, 14_500_000),
        ("土地", 0, 1_000_000, 0, 1_000_000, 0, 0, 1_000_000),
        ("建物", *zero),
        ("工作物", 20_000_000, 2_000_000, 0, 22_000_000, 8_500_000, 500_000, 13_500_000),
        ("その他", *zero), ("建設仮勘定", *zero),
        ("物品", 1_000_000, 0, 0, 1_000_000, 800_000, 200_000, 200_000),
        ("合計", 36_000_000, 3_000_000, 0, 39_000_000, 13_500_000, 900_000, 25_500_000),
    ]
    for r in t.rows:
        a, b, c, d, e, _f, g = r.values
        assert d == a + b - c and g == d - e
    assert t.rows[-1].sum_of == ((1, 0), (1, 10), (1, 16))
    # (D) and (E) per line = the BS line and its 減価償却累計額; (G) per class = the BS subtotal
    lines = {f"{T}/{g}/{r.label}": r.values for g, part in (("事業用資産", t.rows[1:10]), ("インフラ資産", t.rows[11:16]))
             for r in part} | {f"{T}/物品": t.rows[16].values}
    for path, (_a, _b, _c, d, e, _f, _g) in lines.items():
        contra = f"{path}減価償却累計額"
        assert (d, e) == (st.amount(path), -st.amount(contra) if _has(st, contra) else 0), path
    for i, path in ((0, f"{T}/事業用資産"), (10, f"{T}/インフラ資産"), (17, T)):
        assert t.rows[i].values[6] == st.amount(path), path


def _has(st, path: str) -> bool:
    try:
        st.line(path)
    except KeyError:
        return False
    return True


def test_the_purpose_schedule_splits_the_book_value(tables):
    """総務: 土地 5,000,000, 建物 5,800,000, the 公用車 200,000 and the new B100 2,000,000 (both
    without a 行政目的); 生活インフラ・国土保全: B001 11,500,000 and B200 1,000,000."""
    t = tables["有形固定資産の行政目的別明細"]
    assert t.columns == ("生活インフラ・国土保全", "教育", "福祉", "環境衛生", "産業振興", "消防", "総務", "合計")
    by = {(i, r.label): r.values for i, r in enumerate(t.rows)}
    assert by[(3, "建物")] == (0, 0, 0, 0, 0, 0, 5_800_000, 5_800_000)
    assert by[(11, "土地")] == (1_000_000, 0, 0, 0, 0, 0, 0, 1_000_000)
    assert by[(13, "工作物")] == (11_500_000, 0, 0, 0, 0, 0, 2_000_000, 13_500_000)
    assert by[(16, "物品")] == (0, 0, 0, 0, 0, 0, 200_000, 200_000)
    assert by[(17, "合計")] == (12_500_000, 0, 0, 0, 0, 0, 13_000_000, 25_500_000)
    assert any("2件" in n and "総務" in n for n in t.notes)


def test_grants_by_name_and_counterparty_total_the_pl(tables, st):
    """The 県営道路整備事業負担金 is 所有外資産分 (「整備事業」); the 社協 payments net to 950,000
    after the 戻入; the accrual N1 120,000 is the row not from the records. 合計 4,270,000 = PL."""
    t = tables["補助金等の明細"]
    assert rows(t) == [
        ("他団体への公共施設等整備補助金等（所有外資産分）",),
        ("県営道路整備事業負担金", "県", 700_000, "土木総務費"),
        ("計", None, 700_000, None),
        ("その他の補助金等",),
        ("消防組合負担金", "広域消防組合", 2_500_000, "常備消防費"),
        ("社会福祉協議会運営費補助金", "社会福祉協議会", 950_000, "社会福祉総務費"),
        (NOT_FROM_RECORDS, "", 120_000, ""),
        ("計", None, 3_570_000, None),
        ("合計", None, 4_270_000, None),
    ]
    assert t.rows[-1].values[1] == st.amount("PL/経常費用/移転費用/補助金等") == 4_270_000


def test_financing_sources_by_tax_and_grant_total_the_nw(tables, st):
    """市町村税 5,000,000 + 3,000,000 − 100,000 = 7,900,000 (款1), 地方交付税 4,000,000 (款11);
    国庫 1,200,000 capital (decided 投資活動), 国庫 800,000 and 県 300,000 current. Nothing left
    to journals; 合計 14,200,000 = NW 財源."""
    t = tables["財源の明細"]
    assert rows(t) == [
        ("税収等", 11_900_000), ("市町村税", 7_900_000), ("地方交付税", 4_000_000),
        ("国県等補助金", 2_300_000),
        ("資本的補助金", 1_200_000), ("国庫支出金", 1_200_000),
        ("経常的補助金", 1_100_000), ("国庫支出金", 800_000), ("都道府県等支出金", 300_000),
        ("合計", 14_200_000),
    ]
    assert t.rows[-1].values[0] == st.amount("NW/財源") == 14_200_000


def test_financing_info_of_the_town(tables):
    """Uses: 純行政コスト 5,470,000, 有形固定資産等の増加 2,000,000 (B100; the donation is 無償所管換等).
    資本的 1,200,000 → 有形 (800,000 left); 経常的 1,100,000 → 純行政コスト (4,370,000 left);
    臨財債 1,000,000 → 有形 800,000, 純行政コスト 200,000; 税収等 11,900,000 → 純行政コスト
    4,170,000, the remaining 7,730,000 → 「その他」."""
    assert rows(tables["財源情報の明細"]) == [
        ("純行政コスト", 5_470_000, 1_100_000, 200_000, 4_170_000, 0),
        ("有形固定資産等の増加", 2_000_000, 1_200_000, 800_000, 0, 0),
        ("貸付金・基金等の増加", 0, 0, 0, 0, 0),
        ("その他", 7_730_000, 0, 0, 7_730_000, 0),
        ("合計", 15_200_000, 2_300_000, 1_000_000, 11_900_000, 0),
    ]


def test_cash_by_kind_totals_the_balance_sheet(tables, st):
    assert rows(tables["資金の明細"]) == [
        ("歳計現金（資金）", 3_000_000, 8_750_000, 11_750_000),
        ("歳計外現金", 100_000, 50_000, 150_000),
        ("合計", 3_100_000, 8_800_000, 11_900_000),
    ]
    assert st.amount("BS/流動資産/現金預金") == 11_900_000


def test_a_scope_without_cash_records_has_only_journal_rows(lg, tmp_path):
    """テスト市 of tests/tiny_city.py (仕訳データ only): 税収等 900 all from journals; no 補助金等."""
    from kokai.ledger.imports import import_journals, import_opening
    from kokai.report.schedules import schedule_tables

    from .tiny_city import JOURNALS_CSV, OPENING_CSV

    import_opening(lg=lg, path=write(tmp_path, "o.csv", OPENING_CSV), fiscal_year=2024)
    import_journals(lg=lg, path=write(tmp_path, "j.csv", JOURNALS_CSV))
    tables = {t.key: t for t in schedule_tables(lg=lg, fiscal_year=2024)}
    assert rows(tables["財源の明細"])[:2] == [("税収等", 900), (NOT_FROM_RECORDS, 900)]
    assert rows(tables["補助金等の明細"])[-1] == ("合計", None, 0, None)
    # 資金 500 − 300 (給料) + 900 (税) − 400 (工事) = 700; 歳計外 50 + 20 = 70
    assert rows(tables["資金の明細"])[-1] == ("合計", 550, 220, 770)
