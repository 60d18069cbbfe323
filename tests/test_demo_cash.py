"""デモ市 from its 歳入歳出データ: the demo's cash data reconciles to its 決算額, every record has a
conversion rule, every payment on the matching worksheet is decided, the checks pass, and the
statements show what the decisions say."""

from __future__ import annotations

import polars as pl
import pytest

from kokai.demo import assets_city, city, city_cash, closing_city

YEAR = 2024


def test_the_records_reproduce_the_demo_city_year():
    year = city_cash.build(YEAR)
    gen = [r for r in year.records if r[1] == city_cash.GENERAL_FUND]

    def net(direction: str) -> int:
        return sum(-r[16] if r[17] in ("歳出戻入", "歳入還付") else r[16] for r in gen if r[2] == direction)

    carried = dict(city.opening_rows(YEAR))[city.ACCOUNTS["現金預金"]]
    assert 197e8 < net("歳出") < 199e8 and 199e8 < net("歳入") - carried < 201e8
    types = {r[17] for r in year.records}
    assert {"歳出戻入", "歳入還付", "支出", "収入"} <= types
    assert any(r[15] >= f"{YEAR + 1}-04-01" for r in gen)  # 出納整理期間
    assert any(r[1] == city_cash.CUSTODIAL_FUND for r in year.records)
    assert all(r[16] > 0 for r in year.records)
    # 決算額 are summed from the records, so the two agree by construction
    assert sum(r[-1] for r in city_cash.settled_rows(year) if r[1] == "一般会計" and r[2] == "歳出") == net("歳出")
    assert city_cash.build(YEAR, 2).records != year.records and len(city_cash.build(YEAR, 2).records) > len(gen)


def test_the_register_ties_to_the_opening_balance_sheet():
    """デモ市's 固定資産台帳: per BS line, Σ 取得価額 and Σ 累計額 equal the opening balance sheet
    (intangibles net), and no 減価償却費 is journaled by hand any more."""
    from kokai.core.assets import account_for, contra_for

    opening = dict(city.opening_rows(YEAR))
    lines: dict[str, int] = {}
    for it in assets_city.register():
        path, contra = account_for(it.cls, it.kind)
        lines[path] = lines.get(path, 0) + it.cost_ - (0 if contra else it.acc_)
        if contra_for(path):
            lines[contra] = lines.get(contra, 0) - it.acc_
        assert 0 <= it.acc_ <= it.cost_ and (it.acc_ < it.cost_ or it.cls == "無形固定資産"), it
    fixed = {p: v for p, v in opening.items() if p.startswith("BS/固定資産/有形固定資産") or p.startswith("BS/固定資産/無形")}
    assert lines == {p: v for p, v in fixed.items() if v}
    kinds = {(it.cls, it.kind) for it in assets_city.register()}
    assert {("事業用資産", "建物"), ("インフラ資産", "工作物"), ("インフラ資産", "土地"), ("物品", "その他"),
            ("無形固定資産", "ソフトウェア"), ("事業用資産", "建設仮勘定"), ("インフラ資産", "建設仮勘定")} <= kinds
    road_land = [it for it in assets_city.register() if it.name.endswith("道路敷")]
    assert len(road_land) > 500 and {it.cost_ for it in road_land} == {1}  # 備忘価額
    assert not any("減価償却" in r[-1] for r in city_cash.build(YEAR).journals)


def test_the_years_changes_of_the_register_are_no_journals():
    """The 建設仮勘定 completions, the 除却 and the donated road land are changes (異動) of the
    register, booked by kokai.assets.changes: not among the non-cash journals, so not twice."""
    year = city_cash.build(YEAR)
    assert not any(r[-1].startswith(city_cash.ASSET_CHANGE_MEMOS) for r in year.journals)
    assert sorted(memo for _d, _dept, memo, _lines in year.asset_changes) == [
        "建設仮勘定 本勘定振替（市民体育館 改修工事 完成）", "建設仮勘定 本勘定振替（市道2-8号線 道路改良工事 完成）",
        "旧第二倉庫 解体除却", "開発行為に伴う道路用地 帰属（寄附受）"]


def test_what_a_closing_item_books_is_no_hand_journal():
    """Every year-end entry city writes by hand (引当金, 未収金, 1年内償還予定 …) has a closing
    item now: the demo fills its template rows and ``kokai close`` books it, so no hand journal
    is left (a memo of an item without a module or without the demo's rows would stay)."""
    assert set(closing_city.active()) == {"bonus", "retirement", "receivables", "doubtful", "bonds", "loans", "funds",
                                          "investments"}
    assert city_cash.build(YEAR).journals == []
    b = city._Book(YEAR)
    city._year_end(b, dict(city.opening_rows(YEAR)))
    hand = [memo for _d, _dept, memo, _lines in b.items
            if not memo.startswith("減価償却費（") and not city_cash.is_asset_change(memo)]
    assert len(hand) == 9 and all(m.startswith(closing_city.hand_memos()) for m in hand)


def test_the_bonus_rows_are_next_junes_estimate_per_department():
    """Next June's 期末・勤勉手当 296,000,000 (city.next_june_bonus: 290,000,000 + 6,000,000) split
    over the 21 所属 by staff, 法定福利費 16.5% on each."""
    rows = closing_city.bonus_rows(closing_city.DemoYear(YEAR, {}))["賞与等引当金"]
    assert len(rows) == 21 and sum(r["期末・勤勉手当見込額"] for r in rows) == 296_000_000
    assert {r["法定福利費率"] for r in rows} == {"16.5%"}
    first = rows[0]  # 総務課: 32 of the 427 staff → 296,000,000 × 32 / 427 = 22,182,669.79 → 22,182,669
    assert (first["区分"], first["人数"], first["期末・勤勉手当見込額"]) == ("総務課", 32, 22_182_669)


def test_the_bond_register_rolls_forward_to_the_ledger():
    """2024: 112 bonds open with 地方債 18,012,500,000 + 1年内償還予定地方債 1,850,000,000 =
    19,862,500,000 and repay 1,850,000,000 (the opening 1年内, as the 公債費 records do); 5 bonds
    are borrowed (300 + 150 + 400 + 520 + 250 = 1,620,000,000), so the year ends at 19,862,500,000
    + 1,620,000,000 − 1,850,000,000 = 19,632,500,000, of which 1,904,782,254 is due next year."""
    from kokai.demo import city_bonds

    reg = city_bonds.register(YEAR)
    assert len(reg) == 117 and sum(r.opening for r in reg) == 19_862_500_000
    assert sum(r.borrowed for r in reg) == 1_620_000_000 and sum(r.repaid for r in reg) == 1_850_000_000
    assert sum(r.closing for r in reg) == 19_632_500_000 and sum(r.due_next for r in reg) == 1_904_782_254
    assert all(r.opening + r.borrowed - r.repaid == r.closing and 0 <= r.due_next <= r.closing for r in reg)
    # the year's repayments are the 公債費 records' 元金, bond by bond
    paid = sum(r[16] for r in city_cash.build(YEAR).records if r[10] == "償還金利子及び割引料" and r[12] == "元金")
    assert paid == 1_850_000_000
    # next year repays what this year's register says is due
    nxt = {r.bond.no: r for r in city_bonds.register(YEAR + 1)}
    assert all(nxt[r.bond.no].repaid == r.due_next for r in reg if r.closing)


def test_the_second_year_starts_from_what_it_is_given_and_has_its_own_programme():
    """2025 from the first year's year end (as the demo reads it off the ledger): its 繰越金 is
    the carried 資金, it repays the carried 1年内償還予定地方債, its June bonus is the estimate
    2024 made (296,000,000), the land sold in 2024 has no receipt, its works are new assets
    A2025-… in service on 2026-03-31, and the 2024-only changes (completions, demolition,
    donation) are not among its vouchers."""
    import datetime as dt

    carried = ((city.A["現金預金"], 1_112_436_512), (city.A["1年内償還予定地方債"], 1_904_782_254))
    year = city_cash.build(2025, 1, carried)
    assert [r[16] for r in year.records if r[2] == "歳入" and r[3] == 20] == [1_112_436_512]  # 款20 繰越金
    principal = sum(r[16] for r in year.records if r[10] == "償還金利子及び割引料" and r[12] == "元金")
    assert principal == 1_904_782_254
    assert sum(r[16] for r in year.records if r[20] == "6月期 期末・勤勉手当") == 296_000_000
    memos = {r[20] for r in year.records}
    assert not any("旧職員住宅用地" in m for m in memos) and "普通財産（南町地区用地）売払収入" in memos
    numbered = {d.asset_no for d in year.decisions.values() if d.asset_no}
    assert "A2025-001" in numbered and all(n.startswith(("A2025-", "C000")) for n in numbered)
    assert {d.in_service for d in year.decisions.values() if d.asset_no.startswith("A2025-")} == {dt.date(2026, 3, 31)}
    assert year.asset_changes == []


@pytest.fixture
def demo(db, tmp_path):
    from kokai.demo.run import run_demo
    from kokai.ledger.models import LocalGovernment

    assert run_demo(out=tmp_path / "out", years=1) == 0
    return LocalGovernment.objects.get(lg_code=city.LG_CODE), tmp_path / "out"


def test_the_demo_goes_from_cash_data_to_statements(demo):
    from kokai.cash.convert import RECORD_COLUMNS
    from kokai.cash.services import reconciliation_for, records_frame
    from kokai.cash.worksheet import decisions_frame, matching_payments
    from kokai.core.conversion import apply_rules, standard_rules
    from kokai.core.matching import apply_decisions
    from kokai.ledger.reporting import statements_for

    lg, out = demo
    rec = reconciliation_for(lg=lg, fiscal_year=YEAR)
    assert rec.ok and rec.differences.height == 0 and rec.items.height > 200

    # every record has a rule; every record needing a decision is decided (none left provisional):
    # the matching payments on 「マッチング」, which 基金 / 貸付金, each 国県支出金's purpose and the
    # 財産売払収入 (split into the land's book value and the gain) on 「科目の判断」
    records = records_frame(lg=lg, fiscal_year=YEAR, columns=RECORD_COLUMNS).with_columns(
        *(pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c)
          for c in ("kou", "moku", "setsu", "saisetsu", "saisetsu_name", "setsu_name", "arrears"))
    )
    ruled = apply_rules(standard_rules(), records)
    assert ruled.filter(pl.col("rule_id").is_null()).height == 0
    decisions = decisions_frame(lg=lg, fiscal_year=YEAR)
    applied = apply_decisions(ruled, decisions, standard_rules())
    left = applied.filter(~pl.col("decision").fill_null("").is_in(["", "none"]))  # none: 繰越金
    assert left.height == 0
    payments = matching_payments(lg=lg, fiscal_year=YEAR)
    matching = decisions.filter(pl.col("kind") != "account")
    assert payments.height == matching.height > 3000
    chosen = decisions.filter(pl.col("kind") == "account")
    assert chosen.height == 410  # 409 records, the land sale in two parts
    assert set(chosen["direction"].unique().to_list()) == {"E", "R"}

    st, checks = statements_for(lg=lg, fiscal_year=YEAR)
    assert [str(c) for c in checks if not c.ok] == [] and len(checks) == 17
    from kokai.closing.services import locked

    assert locked(lg, YEAR)
    # A1: the register ties to the balance sheet at the year end on every line, as the year's
    # acquisitions (matching) and changes (異動) went through the register's services
    from kokai.assets.services import ledger_ties

    ties = ledger_ties(lg=lg, fiscal_year=YEAR)
    assert len(ties) == 19 and {c.id for c in ties} == {"A1", "A2", "A3"} and [str(c) for c in ties if not c.ok] == []
    # 減価償却費 comes from the register's depreciation run, close to the figures once journaled by hand
    from kokai.assets.models import AssetChange

    charged = sum(AssetChange.objects.filter(lg=lg, fiscal_year=YEAR, reason="depreciation")
                  .values_list("accumulated", flat=True))
    assert st.amount("PL/経常費用/業務費用/物件費等/減価償却費") == charged
    hand = sum(v for _, v in city._DEPRECIATION) + city._SOFTWARE_AMORTISATION
    assert 0.9 < charged / hand < 1.1
    for name in ("assets-2024.xlsx", "assets-opendata-2024.csv", "assets-schedules-2024.xlsx"):
        assert (out / name).exists()
    capital = decisions.filter(pl.col("kind").is_in(["asset_new", "asset_existing", "cip"]))["amount"].sum()
    assert st.amount("CF/投資活動収支/投資活動支出/公共施設等整備費支出") == capital
    cip = decisions.filter(pl.col("kind") == "cip")
    business = cip.filter(pl.col("account").str.contains("事業用"))["amount"].sum()
    infra = cip.filter(pl.col("account").str.contains("インフラ"))["amount"].sum()
    assert (business, infra) == (50 * city.M, 150 * city.M)
    tangible = "BS/固定資産/有形固定資産"
    assert st.amount(f"{tangible}/事業用資産/建設仮勘定") == business  # last year's was completed and moved
    assert st.amount(f"{tangible}/インフラ資産/建設仮勘定") == infra
    # 賞与等引当金 from the bonus item: per 所属, (見込額 + 16.5% 法定福利費) × 4/6, floored; in all
    # 296,000,000 × 1.165 × 4/6 = 229,893,333.3, less the 21 rows' flooring: 229,893,320
    assert st.amount("BS/流動負債/賞与等引当金") == 229_893_320
    # 洗替: the opening 194,880,000 is reversed and 229,893,320 booked, 繰入額 35,013,320
    assert st.amount("PL/経常費用/業務費用/人件費/賞与等引当金繰入額") == 229_893_320 - 194_880_000
    # 地方債 from the bond register: 1年内 = next year's principal 1,904,782,254, the rest 地方債
    assert st.amount("BS/流動負債/1年内償還予定地方債") == 1_904_782_254
    assert st.amount("BS/固定負債/地方債") == 19_632_500_000 - 1_904_782_254
    # 退職手当引当金 from the retirement item: the 期末自己都合要支給額 2,507,300,000; the books held
    # 2,512,300,000 − 150,000,000 paid, so 繰入額 2,507,300,000 − 2,362,300,000 = 145,000,000
    assert st.amount("BS/固定負債/退職手当引当金") == 2_507_300_000
    assert st.amount(city.A["退職手当引当金繰入額"]) == 145 * city.M
    # 未収金・長期延滞債権 from the receivables item: 現年 unpaid 158,400,000 is 未収金; the 滞納繰越分
    # (160,230,000 + 281,340,000 = 441,570,000) less 80,000,000 collected and 24,000,000 不納欠損
    # leaves 337,570,000 in 長期延滞債権; 徴収不能引当金 15% of it (the 5 years' average 不納欠損率
    # 14, 16, 15, 13, 17%) = 50,635,500, and 2% of 未収金 = 3,168,000
    assert (st.amount(city.A["未収金"]), st.amount(city.A["長期延滞債権"])) == (158_400_000, 337_570_000)
    assert st.amount(city.A["徴収不能引当金固定"]) == -50_635_500
    assert st.amount(city.A["徴収不能引当金流動"]) == -3_168_000
    # 貸付金 from the loans item: 短期 = next year's 奨学金 collections 10,000,000, the rest 長期
    # (the 預託金 140,000,000 lent on 4/1 and back on 3/31 leaves nothing)
    assert (st.amount(city.A["短期貸付金"]), st.amount(city.A["長期貸付金"])) == (10 * city.M, 152 * city.M)
    # 投資及び出資金 from the investments item: デモ電力㈱ shares from 52,000,000 to their 時価
    # 54,600,000 (+2,600,000 to 資産評価差額); デモ市観光開発㈱'s 実質価額 (180,000,000 + 48,333,334 −
    # 180,000,000) × 60% = 29,000,000 leaves the 投資損失引当金 at 60,000,000 − 29,000,000 = 31,000,000
    io = "BS/固定資産/投資その他の資産"
    assert st.amount(f"{io}/投資及び出資金/有価証券") == 54_600_000 and st.amount("NW/資産評価差額") == 2_600_000
    assert st.amount(f"{io}/投資損失引当金") == -31_000_000
    assert st.amount(city.A["出資金"]) == 1_108_450_000 + 50 * city.M  # 下水道事業会計 出資金

    # the 基金 move as the vouchers say: 財政調整基金 +250 −200, 減債基金 +100 −100, その他 +250 −100;
    # the funds item puts next year's 減債基金 繰入金 (100) in 流動資産 and the rest (1,000) in 固定
    opening = dict(city.opening_rows(YEAR))
    for key, change in (("財政調整基金", 50), ("減債基金流動", -400), ("その他基金", 150), ("減債基金固定", 400)):
        assert st.amount(city.A[key]) == opening[city.A[key]] + change * city.M, key
    assert st.amount("CF/投資活動収支/投資活動支出/基金積立金支出") == 600 * city.M
    assert st.amount("CF/投資活動収支/投資活動収入/基金取崩収入") == 400 * city.M
    # 貸付金: the 預託金 is 短期 (lent and repaid within the year), the 奨学金 長期
    assert st.amount("CF/投資活動収支/投資活動支出/貸付金支出") == 150 * city.M
    # the 普通建設事業 grants (国庫 340, 県 70) are 投資活動収入; the rest 業務
    assert st.amount("CF/投資活動収支/投資活動収入/国県等補助金収入") == 410 * city.M
    assert st.amount("CF/業務活動収支/業務収入/国県等補助金収入") == (2_960 + 1_380) * city.M
    # the land sold: book value 15 off the 土地, gain 5; all 20 is 資産売却収入
    assert st.amount("PL/臨時利益/資産売却益") == 5 * city.M
    assert st.amount("CF/投資活動収支/投資活動収入/資産売却収入") == 20 * city.M

    spend = sum(st.amount(p) for p in ("CF/業務活動収支/業務支出", "CF/業務活動収支/臨時支出",
                                       "CF/投資活動収支/投資活動支出", "CF/財務活動収支/財務活動支出"))
    assert 190e8 < spend < 205e8
    assert 0.13 < st.amount("CF/業務活動収支/業務支出/業務費用支出/人件費支出") / spend < 0.20
    assert 0.18 < st.amount("CF/業務活動収支/業務支出/移転費用支出/社会保障給付支出") / spend < 0.28
    assert 0.08 < capital / spend < 0.15
    assert 800e8 < st.amount("BS/資産合計") < 1_200e8
    assert st.amount("CF/本年度末資金残高") > 0 and st.amount("BS/流動負債/預り金") > 0
    for name in ("reconciliation-2024.xlsx", "matching-2024.xlsx", "matching-2024-記入済.xlsx",
                 "statements-2024.json", "statements-2024.xlsx", "closing-2024-記入済.xlsx", "verification-2024.xlsx"):
        assert (out / name).exists()


def test_the_demo_records_the_years_changes_in_the_register(demo):
    """The matching worksheet's acquisitions and the year's changes (異動) reach the register,
    each change with the journal its service posted; running the demo again changes nothing."""
    from kokai.assets.models import Asset, AssetChange
    from kokai.demo.run import run_demo
    from kokai.ledger.models import JournalEntry

    lg, out = demo
    year = AssetChange.objects.filter(lg=lg, fiscal_year=YEAR)
    bought = year.filter(reason__in=("purchase", "capital"), note__startswith="マッチング:")
    assert bought.count() == 36 and sum(c.cost for c in bought) == 2_333_956_320

    def change(key, reason):
        no, br = assets_city.KNOWN[key]
        return year.get(reason=reason, asset__asset_no=no, asset__branch_no=br)

    for key, amount, account in (("市民体育館 改修工事", 350 * city.M, city.A["事業用建物"]),
                                 ("市道2-8号線 道路改良工事", 180 * city.M, city.A["インフラ工作物"])):
        out_of = change(key, "cip_transfer")
        assert out_of.cost == -amount and out_of.asset.disposed_on is not None
        into = year.get(entry=out_of.entry, cost=amount)
        assert into.asset.account == account and into.asset.branch_no == 1
    gone = change("旧第二倉庫", "retirement")
    assert (gone.cost, gone.accumulated) == (-80 * city.M, -78_500_000) and gone.entry is not None
    sold = change("旧職員住宅用地", "sale")
    assert sold.cost == -15 * city.M and sold.entry is None  # the cash conversion booked it all (科目の判断)
    assert sold.asset.disposed_on == sold.date < sold.date.replace(year=YEAR + 1, month=1, day=1)
    no, br, _name = assets_city.DONATED_ROAD_LAND
    donated = Asset.objects.get(lg=lg, asset_no=no, branch_no=br)
    gift = donated.changes.get()
    assert (gift.reason, gift.cost, donated.account) == ("donation_in", 12_345_000, city.A["インフラ土地"])
    assert gift.entry is not None
    # none of them was depreciated this year: the warehouse is gone, the new records start next year
    assert not year.filter(reason="depreciation", asset__in=[gone.asset, sold.asset, donated]).exists()

    before = (AssetChange.objects.filter(lg=lg).count(), JournalEntry.objects.filter(lg=lg).count(),
              Asset.objects.filter(lg=lg).count())
    assert run_demo(out=out, years=1) == 0
    assert (AssetChange.objects.filter(lg=lg).count(), JournalEntry.objects.filter(lg=lg).count(),
            Asset.objects.filter(lg=lg).count()) == before
