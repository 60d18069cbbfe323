"""The マッチングワークシート round trip, on the example town of test_cash_flow.

The town's 工事請負費 payment E004 of 1,000,000 (市道改良工事) is booked provisionally to
事業用資産/建設仮勘定. 財政課 exports the worksheet; the 土木課 splits the payment:
700,000 is the 市道1号線改良 (インフラ資産/工作物, 45年, 供用開始 2025-03-01), 300,000 a
repair (修繕費 → 維持補修費). Imported, the ruled records then book
    借 インフラ資産/工作物 700,000 / 貸 公共施設等整備費支出 700,000
    借 維持補修費 300,000        / 貸 物件費等支出 300,000.
"""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import polars as pl
import pytest

from kokai.cash.models import MatchingDecision
from kokai.cash.services import import_cash
from kokai.cash.worksheet import (
    SHEET,
    decisions_frame,
    export_matching,
    import_matching,
    matching_payments,
)
from kokai.core import matching as m
from kokai.core.issues import InputRejected
from kokai.ledger.imports import import_opening

from .conftest import write
from .test_cash_flow import HEADER, OPENING, ROWS

INFRA_WORKS = "BS/固定資産/有形固定資産/インフラ資産/工作物"


@pytest.fixture
def town(lg, tmp_path):
    import_opening(lg=lg, path=write(tmp_path, "open.csv", OPENING), fiscal_year=2024)
    rows = [r for r in ROWS if ",歳計外現金," not in r]
    import_cash(lg=lg, path=write(tmp_path, "cash.csv", HEADER + "\n".join(rows) + "\n", "cp932"))
    return lg


@pytest.fixture
def sheet(town, tmp_path):
    path = tmp_path / "matching.xlsx"
    assert export_matching(lg=town, fiscal_year=2024, path=path) == 1
    return path


def headers(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[1]}


def fill(path, parts: list[dict[str, object]], *, out=None):
    """Write decisions for the payment on row 2: the first part there, the others copied below."""
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    col = headers(ws)
    source = [ws.cell(2, c).value for c in range(1, col["判断"])]
    for i, part in enumerate(parts):
        r = 2 + i
        for c, v in enumerate(source, start=1):
            ws.cell(r, c).value = v
        for h, v in part.items():
            ws.cell(r, col[h]).value = v
    wb.save(out or path)
    return out or path


SPLIT = [
    {"判断": "資産計上（新規資産）", "金額": 700_000, "勘定科目": "インフラ資産/工作物", "資産名称": "市道1号線改良",
     "耐用年数": 45, "供用開始日": dt.datetime(2025, 3, 1), "数量": 120, "単位": "m"},
    {"判断": "修繕費", "金額": 300_000},
]


def errors(exc) -> list[tuple[str, int | None, str, str]]:
    return [(i.sheet, i.row, i.column, i.message) for i in exc.value.issues]


def test_the_export_lists_the_works_payment_with_its_provisional_booking(sheet):
    wb = openpyxl.load_workbook(sheet)
    assert wb.sheetnames == ["マッチング", "科目の判断", "リスト", "説明"]
    ws = wb[SHEET]
    col = headers(ws)
    assert ws.max_row == 2  # one payment needs a decision: the 工事請負費
    row = {h: ws.cell(2, c).value for h, c in col.items()}
    assert (row["会計区分"], row["伝票番号"], row["行番号"], row["支出金額"]) == ("一般会計", "E004", 1, 1_000_000)
    assert row["日付"] == dt.datetime(2024, 10, 1)
    assert row["予算科目"] == "8-2-1-14" and "工事請負費" in row["予算科目名"]
    assert row["仮の仕訳"] == "借 事業用資産/建設仮勘定 / 貸 CF/投資活動収支/投資活動支出/公共施設等整備費支出"
    assert row["判断"] in (None, "") and row["金額"] is None

    # source columns locked, decision columns open, the sheet protected
    assert ws.protection.sheet
    assert all(ws.cell(2, c).protection.locked for c in range(1, col["判断"]))
    assert not any(ws.cell(2, c).protection.locked for c in range(col["判断"], col["備考"] + 1))
    assert ws.freeze_panes == "D2"

    dvs = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    letter = {h: openpyxl.utils.get_column_letter(c) for h, c in col.items()}
    assert dvs[f"{letter['判断']}2"].type == "list" and "リスト" in dvs[f"{letter['判断']}2"].formula1
    assert dvs[f"{letter['勘定科目']}2"].type == "list"
    life = dvs[f"{letter['耐用年数']}2"]
    assert (life.type, life.formula1, life.formula2) == ("whole", "1", "100")
    assert dvs[f"{letter['供用開始日']}2"].type == "date"

    lists = wb["リスト"]
    assert lists.sheet_state == "hidden"
    assert [c.value for c in lists["A"][1:] if c.value] == list(m.KINDS.values())
    accounts = [c.value for c in lists["B"][1:] if c.value]
    assert "インフラ資産/工作物" in accounts and "物品" in accounts and "無形固定資産/ソフトウェア" in accounts
    assert not any("減価償却累計額" in a for a in accounts)
    assert "1つの支出を分ける" in "\n".join(str(c.value) for c in wb["説明"]["A"])


def test_a_split_payment_is_stored_and_books_two_parts(town, sheet):
    assert import_matching(lg=town, fiscal_year=2024, path=fill(sheet, SPLIT)) == 2
    stored = list(MatchingDecision.objects.order_by("seq").values_list(
        "voucher_no", "line_no", "seq", "kind", "amount", "account", "asset_name", "useful_life", "in_service",
        "quantity", "unit"))
    assert stored == [
        ("E004", 1, 1, "asset_new", 700_000, INFRA_WORKS, "市道1号線改良", 45, dt.date(2025, 3, 1), "120", "m"),
        ("E004", 1, 2, "repair", 300_000, "", "", None, None, "", ""),
    ]

    ruled = matching_payments(lg=town, fiscal_year=2024)
    assert ruled.select("debit", "amount").row(0) == ("BS/固定資産/有形固定資産/事業用資産/建設仮勘定", 1_000_000)
    applied = m.apply_decisions(ruled, decisions_frame(lg=town, fiscal_year=2024))
    assert applied.columns == ruled.columns
    assert applied.select("voucher_no", "amount", "debit", "credit", "decision").rows() == [
        ("E004", 700_000, INFRA_WORKS, m.CAPITAL_CREDIT, ""),
        ("E004", 300_000, m.REPAIR_DEBIT, m.EXPENSE_CREDIT, ""),
    ]


def test_apply_decisions_leaves_undecided_records_and_keeps_order():
    ruled = pl.DataFrame({
        "fund": ["01", "01", "01"], "direction": ["E", "E", "E"], "voucher_no": ["A", "B", "C"],
        "line_no": [1, 1, 1], "amount": [100, 50, 30], "rule_id": ["r1", "r2", "r3"],
        "debit": ["X", m.CIP_BUSINESS, "Y"], "credit": ["XC", m.CAPITAL_CREDIT, "YC"],
        "decision": ["", "matching", "matching"],
    })
    decisions = pl.DataFrame([
        {"fund": "01", "direction": "E", "voucher_no": "B", "line_no": 1, "seq": 1, "kind": "expense", "amount": 20,
         "account": ""},
        {"fund": "01", "direction": "E", "voucher_no": "B", "line_no": 1, "seq": 2, "kind": "cip", "amount": 30,
         "account": m.CIP_INFRA},
    ], schema={k: m.DECISION_SCHEMA[k] for k in ("fund", "direction", "voucher_no", "line_no", "seq", "kind",
                                                 "amount", "account")})
    out = m.apply_decisions(ruled, decisions)
    assert out.select("voucher_no", "amount", "debit", "credit", "decision").rows() == [
        ("A", 100, "X", "XC", ""),
        ("B", 20, m.EXPENSE_DEBIT, m.EXPENSE_CREDIT, ""),
        ("B", 30, m.CIP_INFRA, m.CAPITAL_CREDIT, ""),
        ("C", 30, "Y", "YC", "matching"),  # still provisional
    ]
    wrong = decisions.with_columns(pl.lit(10, pl.Int64).alias("amount"))
    with pytest.raises(InputRejected, match="合計 20円 が記録の金額 50円"):
        m.apply_decisions(ruled, wrong)


def test_parts_that_do_not_add_up_are_refused_with_both_figures(town, sheet):
    parts = [SPLIT[0], {**SPLIT[1], "金額": 290_000}]
    with pytest.raises(InputRejected) as exc:
        import_matching(lg=town, fiscal_year=2024, path=fill(sheet, parts))
    (issue,) = exc.value.issues
    assert (issue.sheet, issue.row, issue.column, issue.file) == ("マッチング", 2, "金額", "matching.xlsx")
    assert "990,000円" in issue.message and "1,000,000円" in issue.message
    assert not MatchingDecision.objects.exists()


def test_every_bad_row_is_reported_and_nothing_is_stored(town, sheet):
    wb = openpyxl.load_workbook(fill(sheet, [{**SPLIT[0], "耐用年数": None}, {**SPLIT[1], "判断": "たぶん修繕"}]))
    ws = wb[SHEET]
    col = headers(ws)
    ws.cell(4, col["会計区分"]).value = "一般会計"
    ws.cell(4, col["伝票番号"]).value = "E999"
    ws.cell(4, col["行番号"]).value = 1
    ws.cell(4, col["判断"]).value = "費用"
    wb.save(sheet)
    with pytest.raises(InputRejected) as exc:
        import_matching(lg=town, fiscal_year=2024, path=sheet)
    got = errors(exc)
    assert [(s, r, c) for s, r, c, _m in got] == [
        ("マッチング", 4, "伝票番号"), ("マッチング", 2, "耐用年数"), ("マッチング", 3, "判断"),
    ]
    assert "該当する支出がありません" in got[0][3]
    assert "耐用年数が必要です" in got[1][3]
    assert "「たぶん修繕」は選べません" in got[2][3]
    assert not MatchingDecision.objects.exists()


def test_asset_rows_need_their_attributes(town, sheet):
    rows = [
        {"判断": "資産計上（既存資産）", "金額": 400_000, "勘定科目": "インフラ資産/工作物", "資産名称": "市道2号線",
         "耐用年数": 45, "供用開始日": "2025-03-01"},  # no 資産番号
        {"判断": "資産計上（新規）", "金額": 300_000, "勘定科目": "インフラ資産/減価償却", "資産名称": "",
         "供用開始日": "いつか"},
        {"判断": "資産計上（新規）", "金額": 200_000, "勘定科目": "インフラ資産/土地", "資産名称": "道路用地",
         "供用開始日": "令和7年3月1日"},  # land: no 耐用年数 needed
        {"判断": "費用", "金額": 100_000, "勘定科目": "物品"},
    ]
    with pytest.raises(InputRejected) as exc:
        import_matching(lg=town, fiscal_year=2024, path=fill(sheet, rows))
    assert [(r, c) for _s, r, c, _m in errors(exc)] == [
        (2, "資産番号"), (3, "勘定科目"), (3, "資産名称"), (3, "供用開始日"), (5, "勘定科目"),
    ]


def test_reexport_keeps_the_decisions_and_importing_it_again_changes_nothing(town, sheet, tmp_path):
    import_matching(lg=town, fiscal_year=2024, path=fill(sheet, SPLIT))
    again = tmp_path / "again.xlsx"
    assert export_matching(lg=town, fiscal_year=2024, path=again) == 1
    ws = openpyxl.load_workbook(again)[SHEET]
    col = headers(ws)
    assert ws.max_row == 3
    assert [(ws.cell(r, col["伝票番号"]).value, ws.cell(r, col["判断"]).value, ws.cell(r, col["金額"]).value,
             ws.cell(r, col["勘定科目"]).value, ws.cell(r, col["耐用年数"]).value) for r in (2, 3)] == [
        ("E004", "資産計上（新規資産）", 700_000, "インフラ資産/工作物", 45),
        ("E004", "修繕費", 300_000, None, None),
    ]
    before = list(MatchingDecision.objects.order_by("seq").values_list("kind", "amount", "account", "in_service"))
    assert import_matching(lg=town, fiscal_year=2024, path=again) == 2
    after = list(MatchingDecision.objects.order_by("seq").values_list("kind", "amount", "account", "in_service"))
    assert after == before


def test_an_empty_decision_removes_the_earlier_one(town, sheet, tmp_path):
    import_matching(lg=town, fiscal_year=2024, path=fill(sheet, SPLIT))
    undecided = tmp_path / "undecided.xlsx"
    export_matching(lg=town, fiscal_year=2024, path=undecided)
    wb = openpyxl.load_workbook(undecided)
    ws = wb[SHEET]
    ws.delete_rows(3)
    for c in range(headers(ws)["判断"], ws.max_column + 1):
        ws.cell(2, c).value = None
    wb.save(undecided)
    assert import_matching(lg=town, fiscal_year=2024, path=undecided) == 0
    assert not MatchingDecision.objects.exists()


def test_a_whole_payment_needs_no_amount(town, sheet):
    one = [{"判断": "建設仮勘定", "勘定科目": "インフラ資産/工作物"}]
    assert import_matching(lg=town, fiscal_year=2024, path=fill(sheet, one)) == 1
    assert MatchingDecision.objects.get().amount == 1_000_000
    assert MatchingDecision.objects.get().account == m.CIP_INFRA


def test_a_csv_renamed_xlsx_is_refused(town, tmp_path):
    path = write(tmp_path, "matching.xlsx", "判断,金額\n費用,1000\n")
    with pytest.raises(InputRejected, match=r"\.xlsx）ではありません"):
        import_matching(lg=town, fiscal_year=2024, path=path)


def test_a_workbook_without_the_sheet_or_columns_is_refused(town, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.save(tmp_path / "other.xlsx")
    with pytest.raises(InputRejected, match="シート「マッチング」がありません"):
        import_matching(lg=town, fiscal_year=2024, path=tmp_path / "other.xlsx")
    wb.active.title = SHEET
    wb.active.append(["会計区分", "伝票番号", "行番号", "判断"])
    wb.save(tmp_path / "cols.xlsx")
    with pytest.raises(InputRejected) as exc:
        import_matching(lg=town, fiscal_year=2024, path=tmp_path / "cols.xlsx")
    assert ("マッチング", 1, "金額") in [(s, r, c) for s, r, c, _m in errors(exc)]


def test_a_zip_bomb_is_refused_without_being_unpacked(town, tmp_path, monkeypatch):
    path = tmp_path / "bomb.xlsx"
    zeros = bytes(1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            for _ in range(210):
                f.write(zeros)
    assert path.stat().st_size < 2 * 1024**2

    def never(*_a, **_k):
        raise AssertionError("openpyxl must not open a zip bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    with pytest.raises(InputRejected, match="展開後の大きさ"):
        import_matching(lg=town, fiscal_year=2024, path=path)


def test_a_duplicated_part_is_refused(town, sheet):
    twice = [{"判断": "修繕費", "金額": 500_000}, {"判断": "修繕費", "金額": 500_000}]
    with pytest.raises(InputRejected) as exc:
        import_matching(lg=town, fiscal_year=2024, path=fill(sheet, twice))
    assert [(r, c) for _s, r, c, _m in errors(exc)] == [(3, "判断")]
    assert "2行目と同じ内容" in exc.value.issues[0].message


def test_the_decided_parts_become_journal_lines(town, sheet):
    """What convert_year will do once wired: apply_rules → apply_decisions → to_journals."""
    from kokai.cash.convert import to_journals
    from kokai.cash.services import records_frame
    from kokai.cash.worksheet import NULLABLE, PAYMENT_COLUMNS
    from kokai.core.chart import standard_chart
    from kokai.core.conversion import apply_rules, standard_rules

    import_matching(lg=town, fiscal_year=2024, path=fill(sheet, SPLIT))
    records = records_frame(lg=town, fiscal_year=2024, columns=PAYMENT_COLUMNS).with_columns(
        *(pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c) for c in NULLABLE))
    ruled = m.apply_decisions(apply_rules(standard_rules(), records), decisions_frame(lg=town, fiscal_year=2024))
    chart = standard_chart()
    frame, _no_journal, pending = to_journals(records, ruled, chart)
    assert pending == 0
    idx = frame.entries.filter(pl.col("voucher_no") == "歳出-E004")["idx"].item()
    lines = frame.lines.filter(pl.col("idx") == idx).select(
        pl.col("account").map_elements(lambda c: chart[c].qualified_path, return_dtype=pl.String), "amount").rows()
    assert sorted(lines) == sorted([
        (INFRA_WORKS, 700_000), (m.CAPITAL_CREDIT, -700_000), (m.REPAIR_DEBIT, 300_000), (m.EXPENSE_CREDIT, -300_000),
    ])


def test_a_decision_after_conversion_is_reversed_in_and_ties_out(town, sheet):
    """The town converts first (工事 1,000,000 provisionally to 建設仮勘定), then decides:
    700,000 is a new インフラ 工作物, 300,000 is 修繕費. Converting again reverses 歳出-E004
    and posts 歳出-E004#2; the statements then show the decision and still tie out."""
    from kokai.cash.convert import convert_year
    from kokai.ledger.models import JournalEntry
    from kokai.ledger.reporting import statements_for

    first = convert_year(lg=town, fiscal_year=2024)
    assert first.pending == 1
    import_matching(lg=town, fiscal_year=2024, path=fill(sheet, SPLIT))
    second = convert_year(lg=town, fiscal_year=2024)
    assert (second.posted, second.reversed, second.pending) == (1, 1, 0)
    assert JournalEntry.objects.filter(voucher_no__in=["歳出-E004", "取消-歳出-E004", "歳出-E004#2"]).count() == 3
    st, checks = statements_for(lg=town, fiscal_year=2024)
    assert [str(c) for c in checks if not c.ok] == []
    assert st.amount("BS/固定資産/有形固定資産/事業用資産/建設仮勘定") == 0
    assert st.amount(INFRA_WORKS) == 700_000
    assert st.amount("PL/経常費用/業務費用/物件費等/維持補修費") == 300_000
    assert st.amount("CF/投資活動収支/投資活動支出/公共施設等整備費支出") == 700_000
    increase = "NW/固定資産等の変動（内部変動）/有形固定資産等の増加"
    assert st.amount(increase, "固定資産等形成分") == 700_000  # the reversed 建設仮勘定 is not a disposal
    assert convert_year(lg=town, fiscal_year=2024).posted == 0  # and a third run changes nothing


# ---------------------------------------------------------------------------- 科目の判断 (classify / purpose)
#
# The town also pays 500,000 into its 財政調整基金 (節24 積立金, provisionally 固定 基金/その他) and
# receives a 社会資本整備総合交付金 of 600,000 (款15 国庫支出金, provisionally 業務 国県等補助金収入).
# On the sheet 「科目の判断」 財政課 classifies the first to BS/流動資産/基金/財政調整基金 and moves the
# second to 投資活動収入/国県等補助金収入 (it pays for the 道路改良工事):
#     借 財政調整基金 500,000             / 貸 基金積立金支出 500,000
#     借 投資活動収入/国県等補助金収入 600,000 / 貸 国県等補助金 600,000
# and the NW shows 貸付金・基金等の増加 500,000 in the 固定資産等形成分 column.

from kokai.cash.worksheet import ACCOUNT_SHEET  # noqa: E402

FISCAL_FUND = "BS/流動資産/基金/財政調整基金"
OTHER_FUND = "BS/固定資産/投資その他の資産/基金/その他"
RESERVE_CF = "CF/投資活動収支/投資活動支出/基金積立金支出"
GRANT_INVEST = "CF/投資活動収支/投資活動収入/国県等補助金収入"
GRANT_BUSINESS = "CF/業務活動収支/業務収入/国県等補助金収入"
MORE_ROWS = [
    "2024,一般会計,歳出,2,総務費,1,総務管理費,10,基金費,24,積立金,,,E006,1,2025-03-24,500000,支出,0102,,"
    "財政調整基金 積立金,,,",
    "2024,一般会計,歳入,15,国庫支出金,2,国庫補助金,1,土木費国庫補助金,1,社会資本整備総合交付金,,,R006,1,"
    "2025-03-28,600000,収入,0401,,社会資本整備総合交付金（道路）,,,",
]


@pytest.fixture
def town2(lg, tmp_path):
    import_opening(lg=lg, path=write(tmp_path, "open.csv", OPENING), fiscal_year=2024)
    rows = [r for r in ROWS if ",歳計外現金," not in r] + MORE_ROWS
    import_cash(lg=lg, path=write(tmp_path, "cash.csv", HEADER + "\n".join(rows) + "\n", "cp932"))
    return lg


@pytest.fixture
def sheet2(town2, tmp_path):
    path = tmp_path / "matching.xlsx"
    assert export_matching(lg=town2, fiscal_year=2024, path=path) == 3  # 1 matching + 2 科目の判断
    return path


def fill_accounts(path, rows: dict[str, list[dict[str, object]]], *, out=None):
    """Write 科目の判断 decisions by 伝票番号: the first part on the record's row, the others at the bottom."""
    wb = openpyxl.load_workbook(path)
    ws = wb[ACCOUNT_SHEET]
    col = headers(ws)
    by_voucher = {ws.cell(r, col["伝票番号"]).value: r for r in range(2, ws.max_row + 1)}
    bottom = ws.max_row
    for voucher, parts in rows.items():
        r0 = by_voucher[voucher]
        source = [ws.cell(r0, c).value for c in range(1, col["勘定科目"])]
        for i, part in enumerate(parts):
            if i:
                bottom += 1
                r = bottom
                for c, v in enumerate(source, start=1):
                    ws.cell(r, c).value = v
            else:
                r = r0
            for h, v in part.items():
                ws.cell(r, col[h]).value = v
    wb.save(out or path)
    return out or path


def test_the_account_sheet_lists_classify_and_purpose_records_with_their_candidates(sheet2):
    wb = openpyxl.load_workbook(sheet2)
    ws = wb[ACCOUNT_SHEET]
    col = headers(ws)
    got = [{h: ws.cell(r, c).value for h, c in col.items()} for r in range(2, ws.max_row + 1)]
    assert [(g["歳入歳出"], g["伝票番号"], g["収支金額"], g["変換規則"]) for g in got] == [
        ("歳出", "E006", 500_000, "E-積立金"), ("歳入", "R006", 600_000, "R-国庫支出金"),
    ]
    assert got[0]["仮の仕訳"] == f"借 {OTHER_FUND} / 貸 {RESERVE_CF}"
    assert got[1]["要判断"] == "充当先による区分"
    assert got[0]["勘定科目"] is None
    assert ws.protection.sheet and not ws.cell(2, col["勘定科目"]).protection.locked
    assert ws.cell(2, col["伝票番号"]).protection.locked

    # each row's drop-down is its rule's column of candidates on the list sheet
    lists = wb["リスト"]
    columns = {c[0].value: [x.value for x in c[1:] if x.value] for c in lists.iter_cols()}
    assert columns["E-積立金"][0] == FISCAL_FUND and OTHER_FUND in columns["E-積立金"]
    assert columns["R-国庫支出金"] == [GRANT_BUSINESS, GRANT_INVEST]
    letter = openpyxl.utils.get_column_letter(col["勘定科目"])
    dvs = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert len(dvs) == 2
    for cell, formula in dvs.items():
        row = int(cell.removeprefix(letter))
        rule = ws.cell(row, col["変換規則"]).value
        rule_col = openpyxl.utils.get_column_letter(list(columns).index(rule) + 1)
        assert f"${rule_col}$2" in formula
    assert "科目の判断" in "\n".join(str(c.value) for c in wb["説明"]["A"])


def test_a_reserve_and_a_capital_grant_are_booked_as_decided(town2, sheet2):
    from kokai.cash.convert import convert_year
    from kokai.ledger.models import JournalEntry
    from kokai.ledger.reporting import statements_for

    assert convert_year(lg=town2, fiscal_year=2024).pending == 3
    filled = fill_accounts(sheet2, {"E006": [{"勘定科目": FISCAL_FUND}],
                                    "R006": [{"勘定科目": "投資活動収支/投資活動収入/国県等補助金収入"}]})
    assert import_matching(lg=town2, fiscal_year=2024, path=filled) == 2
    stored = list(MatchingDecision.objects.order_by("direction").values_list(
        "direction", "voucher_no", "seq", "kind", "amount", "account"))
    assert stored == [("E", "E006", 1, "account", 500_000, FISCAL_FUND),
                      ("R", "R006", 1, "account", 600_000, GRANT_INVEST)]

    second = convert_year(lg=town2, fiscal_year=2024)
    assert second.pending == 1  # only the 工事請負費 on the matching sheet is left
    assert JournalEntry.objects.filter(voucher_no__in=["取消-歳出-E006", "歳出-E006#2", "歳入-R006#2"]).count() == 3
    st, checks = statements_for(lg=town2, fiscal_year=2024)
    assert [str(c) for c in checks if not c.ok] == []
    assert st.amount(FISCAL_FUND) == 500_000 and st.amount(OTHER_FUND) == 0
    assert st.amount(RESERVE_CF) == 500_000
    assert st.amount("NW/固定資産等の変動（内部変動）/貸付金・基金等の増加", "固定資産等形成分") == 500_000
    assert st.amount(GRANT_INVEST) == 600_000 and st.amount(GRANT_BUSINESS) == 0
    assert st.amount("NW/財源/国県等補助金") == 600_000


def test_the_decided_account_becomes_the_journal_lines(town2, sheet2):
    from kokai.cash.convert import to_journals
    from kokai.cash.services import records_frame
    from kokai.cash.worksheet import NULLABLE, PAYMENT_COLUMNS
    from kokai.core.chart import standard_chart
    from kokai.core.conversion import apply_rules, standard_rules

    import_matching(lg=town2, fiscal_year=2024, path=fill_accounts(sheet2, {"E006": [{"勘定科目": "財政調整基金"}]}))
    records = records_frame(lg=town2, fiscal_year=2024, columns=PAYMENT_COLUMNS).with_columns(
        *(pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c) for c in NULLABLE))
    ruled = m.apply_decisions(apply_rules(standard_rules(), records), decisions_frame(lg=town2, fiscal_year=2024),
                              standard_rules())
    chart = standard_chart()
    frame, _none, pending = to_journals(records, ruled, chart)
    assert pending == 2  # the 工事 and the grant
    idx = frame.entries.filter(pl.col("voucher_no") == "歳出-E006")["idx"].item()
    lines = frame.lines.filter(pl.col("idx") == idx).select(
        pl.col("account").map_elements(lambda c: chart[c].qualified_path, return_dtype=pl.String), "amount").rows()
    assert sorted(lines) == sorted([(FISCAL_FUND, 500_000), (RESERVE_CF, -500_000)])


def test_an_account_outside_the_candidates_is_refused_with_the_candidates(town2, sheet2):
    filled = fill_accounts(sheet2, {"E006": [{"勘定科目": "BS/流動資産/現金預金"}],
                                    "R006": [{"勘定科目": GRANT_INVEST, "金額": 500_000}]})
    with pytest.raises(InputRejected) as exc:
        import_matching(lg=town2, fiscal_year=2024, path=filled)
    got = errors(exc)
    assert [(s, r, c) for s, r, c, _m in got] == [(ACCOUNT_SHEET, 2, "勘定科目"), (ACCOUNT_SHEET, 3, "金額")]
    assert "「BS/流動資産/現金預金」はこの記録の候補ではありません" in got[0][3]
    assert f"候補: {FISCAL_FUND}、BS/流動資産/基金/減債基金、" in got[0][3] and OTHER_FUND in got[0][3]
    assert "500,000円" in got[1][3] and "600,000円" in got[1][3]
    assert not MatchingDecision.objects.exists()
    # 減債基金 is in two places (流動・固定): an ending that is not unique is refused too
    with pytest.raises(InputRejected, match="2件あります"):
        import_matching(lg=town2, fiscal_year=2024, path=fill_accounts(sheet2, {"E006": [{"勘定科目": "減債基金"}]}))


def test_reexport_keeps_the_account_decisions_and_a_split(town2, sheet2, tmp_path):
    split = [{"勘定科目": GRANT_INVEST, "金額": 400_000, "備考": "道路改良工事に充当"},
             {"勘定科目": GRANT_BUSINESS, "金額": 200_000}]
    filled = fill_accounts(sheet2, {"E006": [{"勘定科目": FISCAL_FUND}], "R006": split})
    assert import_matching(lg=town2, fiscal_year=2024, path=filled) == 3
    again = tmp_path / "again.xlsx"
    assert export_matching(lg=town2, fiscal_year=2024, path=again) == 3
    ws = openpyxl.load_workbook(again)[ACCOUNT_SHEET]
    col = headers(ws)
    assert [(ws.cell(r, col["伝票番号"]).value, ws.cell(r, col["勘定科目"]).value, ws.cell(r, col["金額"]).value,
             ws.cell(r, col["備考"]).value) for r in range(2, ws.max_row + 1)] == [
        ("E006", FISCAL_FUND, 500_000, None),
        ("R006", GRANT_INVEST, 400_000, "道路改良工事に充当"),
        ("R006", GRANT_BUSINESS, 200_000, None),
    ]
    before = list(MatchingDecision.objects.order_by("direction", "seq").values_list("kind", "amount", "account", "note"))
    assert import_matching(lg=town2, fiscal_year=2024, path=again) == 3
    assert list(MatchingDecision.objects.order_by("direction", "seq").values_list(
        "kind", "amount", "account", "note")) == before

    # the split moves 400,000 to 投資活動収入 and leaves 200,000 in 業務
    applied = m.apply_decisions(
        pl.DataFrame({"fund": ["01"], "direction": ["R"], "voucher_no": ["R006"], "line_no": [1], "amount": [600_000],
                      "rule_id": ["R-国庫支出金"], "debit": [GRANT_BUSINESS], "credit": ["NW/財源/国県等補助金"],
                      "decision": ["purpose"]}),
        decisions_frame(lg=town2, fiscal_year=2024))
    assert applied.select("amount", "debit", "credit", "decision").rows() == [
        (400_000, GRANT_INVEST, "NW/財源/国県等補助金", ""), (200_000, GRANT_BUSINESS, "NW/財源/国県等補助金", ""),
    ]

    # a file exported before the sheet existed leaves the 科目の判断 alone
    wb = openpyxl.load_workbook(again)
    del wb[ACCOUNT_SHEET]
    wb.save(tmp_path / "old.xlsx")
    import_matching(lg=town2, fiscal_year=2024, path=tmp_path / "old.xlsx")
    assert MatchingDecision.objects.filter(kind="account").count() == 3


def test_account_bookings_move_the_cf_line_where_the_account_implies_it():
    ruled = pl.DataFrame({
        "fund": ["01"] * 3, "direction": ["E", "E", "R"], "voucher_no": ["A", "B", "C"], "line_no": [1, 1, 1],
        "amount": [100, 80, 60], "rule_id": ["E-繰出金", "E-貸付金", "R-繰入金-基金繰入金"],
        "debit": ["PL/経常費用/移転費用/他会計への繰出金", "BS/固定資産/投資その他の資産/長期貸付金",
                  "CF/投資活動収支/投資活動収入/基金取崩収入"],
        "credit": ["CF/業務活動収支/業務支出/移転費用支出/他会計への繰出支出", "CF/投資活動収支/投資活動支出/貸付金支出",
                   OTHER_FUND],
        "decision": ["classify"] * 3,
    })
    part = {"line_no": 1, "seq": 1, "kind": "account", "fund": "01"}
    decisions = pl.DataFrame([
        {**part, "direction": "E", "voucher_no": "A", "amount": 100, "account": OTHER_FUND},
        {**part, "direction": "E", "voucher_no": "B", "amount": 80, "account": "BS/流動資産/短期貸付金"},
        {**part, "direction": "R", "voucher_no": "C", "amount": 60, "account": FISCAL_FUND},
    ], schema={k: m.DECISION_SCHEMA[k] for k in ("fund", "direction", "voucher_no", "line_no", "seq", "kind",
                                                 "amount", "account")})
    from kokai.core.conversion import standard_rules

    out = m.apply_decisions(ruled, decisions, standard_rules())
    assert out.select("debit", "credit", "decision").rows() == [
        (OTHER_FUND, RESERVE_CF, ""),  # a 繰出金 into a 定額運用基金 pays from 基金積立金支出
        ("BS/流動資産/短期貸付金", "CF/投資活動収支/投資活動支出/貸付金支出", ""),
        ("CF/投資活動収支/投資活動収入/基金取崩収入", FISCAL_FUND, ""),
    ]
    # a matching kind on a classify record is ignored; an account outside the candidates is refused
    assert m.apply_decisions(ruled, decisions.with_columns(pl.lit("expense").alias("kind")))["decision"].to_list() \
        == ["classify"] * 3
    with pytest.raises(InputRejected, match="候補ではありません"):
        m.apply_decisions(ruled, decisions.with_columns(pl.lit("BS/流動資産/現金預金").alias("account")),
                          standard_rules())


def test_movables_below_the_threshold_are_refused_and_the_threshold_is_the_towns(town, sheet):
    """The 1,000,000 payment split in two 物品 of 400,000 and 600,000 (計上基準額 50万円, the
    default): the 400,000 one is an expense — refused on its row; the same two rows pass
    once the town sets the threshold to 30万円; at 100万円 both are refused."""
    from kokai.ledger.lg_settings import set_setting

    rows = [
        {"判断": "資産計上（新規資産）", "金額": 400_000, "勘定科目": "物品", "資産名称": "公用車ナビ一式",
         "耐用年数": 5, "供用開始日": "2025-03-01"},
        {"判断": "資産計上（新規資産）", "金額": 600_000, "勘定科目": "物品", "資産名称": "除雪機",
         "耐用年数": 5, "供用開始日": "2025-03-01"},
    ]
    path = fill(sheet, rows)
    with pytest.raises(InputRejected) as exc:
        import_matching(lg=town, fiscal_year=2024, path=path)
    assert [(r, c) for _s, r, c, _m in errors(exc)] == [(2, "判断")]
    assert "400,000円 は物品の計上基準額 500,000円 未満" in errors(exc)[0][3]
    set_setting(lg=town, key="assets.movable_threshold", value="300000")
    assert import_matching(lg=town, fiscal_year=2024, path=path) == 2
    set_setting(lg=town, key="assets.movable_threshold", value="1000000")
    with pytest.raises(InputRejected) as exc:
        import_matching(lg=town, fiscal_year=2024, path=path)
    assert [(r, c) for _s, r, c, _m in errors(exc)] == [(2, "判断"), (3, "判断")]
