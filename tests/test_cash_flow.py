"""From 歳入歳出データ to statements: import, reconcile to the 決算額, convert (期末一括仕訳).

A small town's FY2024 (令和6年度) export in Kokai's standard layout:

    歳出 給料 300,000 · 需用費 50,000 less a 戻入 of 5,000 · 工事請負費 1,000,000
         (not yet matched: booked provisionally to 建設仮勘定) · 公債費 元金 200,000 and
         利子 10,000 on one voucher
    歳入 市民税 現年 900,000 less a 還付 (戻出) of 2,000 · 滞納繰越 30,000 (collects last
         year's 未収金) · 地方交付税 400,000 · 繰越金 120,000 (no journal)
    歳計外 源泉所得税 received 50,000

Opening: 現金預金 1,000,000, 未収金 50,000, 土地 5,000,000, 地方債 2,000,000 and 1年内償還
200,000: 純資産 3,850,000 (固定資産等形成分 5,000,000, 不足分 −1,150,000).

Expected, by hand: PL 職員給与費 300,000 + 物件費 45,000 + 支払利息 10,000 = 純行政コスト
355,000. NW 税収等 898,000 + 400,000 = 1,298,000; 本年度差額 943,000. CF 業務収入 1,328,000
(税収等収入 900,000 − 2,000 + 30,000 + 400,000), 業務支出 355,000 → 業務活動収支 973,000;
投資 −1,000,000; 財務 −200,000; 資金 1,000,000 − 227,000 = 773,000; 歳計外 50,000.
BS 建設仮勘定 1,000,000, 未収金 20,000, 1年内償還 0, 預り金 50,000, 純資産 4,793,000.
"""

from __future__ import annotations

import polars as pl
import pytest

from kokai.cash.convert import convert_year
from kokai.cash.services import import_cash, import_settled, reconciliation_for
from kokai.ledger.imports import import_opening
from kokai.ledger.masters import add_fund
from kokai.ledger.models import JournalEntry
from kokai.ledger.reporting import statements_for

from .conftest import write

HEADER = ("会計年度,会計区分,歳入歳出区分,款,款名,項,項名,目,目名,節,節名,細節,細節名,伝票番号,行番号,日付,金額,"
          "伝票種別,所属,相手方,摘要,事業コード,繰越区分,現年滞繰区分\n")
ROWS = [
    "2024,一般会計,歳出,2,総務費,1,総務管理費,1,一般管理費,2,給料,,,E001,1,2024-04-21,300000,支出,0101,,4月分給料,,,",
    "2024,一般会計,歳出,2,総務費,1,総務管理費,1,一般管理費,10,需用費,,,E002,1,令和6年6月10日,50000,支出,0101,㈱文具,消耗品,,,",
    "2024,一般会計,歳出,2,総務費,1,総務管理費,1,一般管理費,10,需用費,,,E003,1,R6.7.1,5000,歳出戻入,0101,㈱文具,返品,,,",
    "2024,一般会計,歳出,8,土木費,2,道路橋りょう費,1,道路新設改良費,14,工事請負費,,,E004,1,2024-10-01,\"1,000,000\",支出,0401,,市道改良工事,,,",
    "2024,一般会計,歳出,12,公債費,1,公債費,1,元金,22,償還金利子及び割引料,1,元金,E005,1,2025-03-25,200000,支出,0102,,元金償還,,,",
    "2024,一般会計,歳出,12,公債費,1,公債費,2,利子,22,償還金利子及び割引料,2,利子,E005,2,2025-03-25,10000,支出,0102,,利子支払,,,",
    "2024,一般会計,歳入,1,市町村税,1,市民税,1,個人,1,現年課税分,,,R001,1,2024-06-30,900000,収入,0103,,市民税,,,現年",
    "2024,一般会計,歳入,1,市町村税,1,市民税,1,個人,2,滞納繰越分,,,R002,1,2024-08-01,30000,収入,0103,,市民税,,,滞納繰越",
    "2024,一般会計,歳入,1,市町村税,1,市民税,1,個人,1,現年課税分,,,R003,1,2024-09-01,2000,歳入還付,0103,,過誤納還付,,,現年",
    "2024,一般会計,歳入,11,地方交付税,1,地方交付税,1,地方交付税,1,普通交付税,,,R004,1,2024-07-20,400000,収入,0102,,普通交付税,,,",
    "2024,一般会計,歳入,20,繰越金,1,繰越金,1,繰越金,1,繰越金,,,R005,1,2024-05-31,120000,収入,0102,,前年度繰越金,,,",
    "2024,歳計外現金,歳入,1,歳計外,1,源泉,1,所得税,1,所得税,,,C001,1,2025-05-10,50000,収入,0102,,源泉所得税,,,",
]
SETTLED = ("会計年度,会計区分,歳入歳出区分,款,項,目,節,決算額\n"
           "2024,一般会計,歳出,2,1,1,2,300000\n2024,一般会計,歳出,2,1,1,10,45000\n2024,一般会計,歳出,8,2,1,14,1000000\n"
           "2024,一般会計,歳出,12,1,1,22,200000\n2024,一般会計,歳出,12,1,2,22,10000\n"
           "2024,一般会計,歳入,1,1,1,1,898000\n2024,一般会計,歳入,1,1,1,2,30000\n2024,一般会計,歳入,11,1,1,1,400000\n"
           "2024,一般会計,歳入,20,1,1,1,120000\n2024,歳計外現金,歳入,1,1,1,1,50000\n")
OPENING = ("path,amount\nBS/流動資産/現金預金,1000000\nBS/流動資産/未収金,50000\n"
           "BS/固定資産/有形固定資産/事業用資産/土地,5000000\nBS/固定負債/地方債,2000000\n"
           "BS/流動負債/1年内償還予定地方債,200000\nBS/固定資産等形成分,5000000\nBS/余剰分（不足分）,-1150000\n")


@pytest.fixture
def town(lg, tmp_path):
    add_fund(lg=lg, code="90", name="歳計外現金")
    import_opening(lg=lg, path=write(tmp_path, "open.csv", OPENING), fiscal_year=2024)
    result = import_cash(lg=lg, path=write(tmp_path, "cash.csv", HEADER + "\n".join(ROWS) + "\n", "cp932"))
    assert result.records == 12
    import_settled(lg=lg, path=write(tmp_path, "settled.csv", SETTLED))
    return lg


def test_the_export_reconciles_to_the_settlement(town):
    rec = reconciliation_for(lg=town, fiscal_year=2024)
    assert rec.ok, rec.differences
    supplies = rec.items.filter((pl.col("direction") == "E") & (pl.col("setsu") == "10")).row(0, named=True)
    assert (supplies["gross"], supplies["refunds"], supplies["net"]) == (50_000, 5_000, 45_000)


def test_conversion_gives_the_statements_worked_out_by_hand(town):
    result = convert_year(lg=town, fiscal_year=2024)
    assert (result.records, result.no_journal, result.pending) == (12, 1, 1)
    st, checks = statements_for(lg=town, fiscal_year=2024)
    assert [str(c) for c in checks if not c.ok] == []
    expected = {
        "PL/経常費用/業務費用/人件費/職員給与費": 300_000,
        "PL/経常費用/業務費用/物件費等/物件費": 45_000,
        "PL/経常費用/業務費用/その他の業務費用/支払利息": 10_000,
        "PL/純行政コスト": 355_000,
        "CF/業務活動収支/業務収入/税収等収入": 1_328_000,
        "CF/業務活動収支": 973_000,
        "CF/投資活動収支": -1_000_000,
        "CF/財務活動収支": -200_000,
        "CF/本年度末資金残高": 773_000,
        "CF/本年度末歳計外現金残高": 50_000,
        "BS/固定資産/有形固定資産/事業用資産/建設仮勘定": 1_000_000,
        "BS/流動資産/未収金": 20_000,
        "BS/流動負債/1年内償還予定地方債": 0,
        "BS/流動負債/預り金": 50_000,
        "BS/流動資産/現金預金": 823_000,
        "BS/純資産合計": 4_793_000,
    }
    assert {p: st.amount(p) for p in expected} == expected
    assert st.amount("NW/財源/税収等") == 1_298_000 and st.amount("NW/本年度差額") == 943_000
    refund = JournalEntry.objects.get(voucher_no="歳出-E003")
    assert sorted(refund.lines.values_list("account__path", "amount")) == [
        ("業務活動収支/業務支出/業務費用支出/物件費等支出", 5_000), ("経常費用/業務費用/物件費等/物件費", -5_000),
    ]


def test_converting_again_changes_nothing(town):
    convert_year(lg=town, fiscal_year=2024)
    n = JournalEntry.objects.count()
    again = convert_year(lg=town, fiscal_year=2024)
    assert (again.posted, again.reversed, again.unchanged) == (0, 0, 11 - 1)
    assert JournalEntry.objects.count() == n


def test_a_difference_is_reported_with_the_records_behind_it(town, tmp_path):
    """The 決算書 says 需用費 40,000; the data nets to 45,000 (50,000 − 戻入 5,000)."""
    import_settled(lg=town, path=write(tmp_path, "settled2.csv", SETTLED.replace(",10,45000", ",10,40000")))
    rec = reconciliation_for(lg=town, fiscal_year=2024)
    assert not rec.ok
    (diff,) = rec.differences.iter_rows(named=True)
    assert (diff["setsu"], diff["net"], diff["settled"], diff["difference"]) == ("10", 45_000, 40_000, 5_000)
    assert sorted(rec.behind["voucher_no"].to_list()) == ["E002", "E003"]


def test_import_with_convert_in_one_run(lg, tmp_path):
    import os
    import subprocess
    import sys

    db = f"sqlite:///{tmp_path}/k.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOKAI_")}

    def kokai(*args):
        proc = subprocess.run([sys.executable, "-m", "kokai", "--db", db, *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    write(tmp_path, "open.csv", OPENING)
    write(tmp_path, "cash.csv", HEADER + "\n".join(ROWS) + "\n", "cp932")
    write(tmp_path, "settled.csv", SETTLED)
    kokai("init", "--lg-code", "999999", "--name", "テスト町")
    kokai("fund", "add", "--code", "90", "--name", "歳計外現金")
    kokai("import", "opening", "open.csv", "--year", "2024")
    kokai("import", "settled", "settled.csv")
    out = kokai("import", "cash", "cash.csv", "--convert")
    assert "10/10 科目が決算額と一致しました" in out and "仕訳 10 件を転記" in out
    assert "OK C1" in kokai("check", "--year", "2024")


def test_the_town_edits_its_conversion_table(town, tmp_path):
    """The town books its 総務費 需用費 (款2 節10) to 維持補修費: it exports the table, adds a
    more specific row, and imports it back. A broken row is refused with its place."""
    from kokai.cash.services import import_rules, rules_for
    from kokai.core.issues import InputRejected

    text = rules_for(town).to_csv()
    override = ("X-総務費-需用費,2020,,E,,2,*,*,10,*,*,*,PL/経常費用/業務費用/物件費等/維持補修費,"
                "CF/業務活動収支/業務支出/業務費用支出/物件費等支出,,,庁舎の維持管理\n")
    with pytest.raises(InputRejected) as bad:
        import_rules(lg=town, path=write(tmp_path, "bad.csv", text + override.replace("維持補修費,", "維持補修,")))
    assert bad.value.issues[0].column == "debit"
    assert import_rules(lg=town, path=write(tmp_path, "rules.csv", text + override)) == len(rules_for(town))
    convert_year(lg=town, fiscal_year=2024)
    st, _ = statements_for(lg=town, fiscal_year=2024)
    assert st.amount("PL/経常費用/業務費用/物件費等/維持補修費") == 45_000
    assert st.amount("PL/経常費用/業務費用/物件費等/物件費") == 0


def test_an_item_without_a_rule_stops_the_conversion_and_says_which(lg, tmp_path):
    """歳入 款99 is not in the table: nothing is posted and the message names the item."""
    from kokai.core.issues import InputRejected

    add_fund(lg=lg, code="90", name="歳計外現金")
    odd = ROWS[0].replace("2024,一般会計,歳出,2,総務費", "2024,一般会計,歳入,99,謎の収入").replace(",E001,", ",R099,")
    import_cash(lg=lg, path=write(tmp_path, "cash.csv", HEADER + odd + "\n"))
    with pytest.raises(InputRejected) as e:
        convert_year(lg=lg, fiscal_year=2024)
    assert "歳入 款99 項1 目1 節2 細節- の変換規則がありません（1件、例: 伝票番号 R099 行番号 1）" in str(e.value)
    assert JournalEntry.objects.count() == 0
