"""The ledger in the database: imports are all-or-nothing and idempotent, posted entries
are immutable even to SQL, and the statements summed by SQL equal the worked example."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction

from kokai.core.issues import InputRejected
from kokai.core.statements import NW_COLUMNS
from kokai.ledger.imports import import_journals, import_opening
from kokai.ledger.masters import chart_for
from kokai.ledger.models import ImportBatch, JournalEntry, JournalLine
from kokai.ledger.posting import reverse_entry
from kokai.ledger.reporting import statements_for

from .conftest import write
from .example_town import EXPECTED, EXPECTED_NW, journals_csv, opening_csv


@pytest.fixture
def town(lg, tmp_path):
    import_opening(lg=lg, path=write(tmp_path, "open.csv", opening_csv()), fiscal_year=2024)
    import_journals(lg=lg, path=write(tmp_path, "j.csv", journals_csv(), "cp932"))
    return lg


def test_sql_totals_give_the_worked_example(town):
    st, checks = statements_for(lg=town, fiscal_year=2024)
    assert {p: st.amount(p) for p in EXPECTED} == EXPECTED
    assert {p: tuple(st.amount(p, c) for c in NW_COLUMNS) for p in EXPECTED_NW} == EXPECTED_NW
    assert [str(c) for c in checks if not c.ok] == []


def test_reimporting_the_same_file_changes_nothing(town, tmp_path):
    before = JournalLine.objects.count()
    again = import_journals(lg=town, path=write(tmp_path, "j.csv", journals_csv(), "cp932"))
    assert again.already_imported
    # the same vouchers in a file saved differently (UTF-8 instead of CP932) are skipped too
    same = import_journals(lg=town, path=write(tmp_path, "j2.csv", journals_csv(), "utf-8"))
    assert (same.entries, same.skipped) == (0, 18)
    assert JournalLine.objects.count() == before


def test_a_voucher_posted_with_other_content_is_refused(town, tmp_path):
    changed = journals_csv().replace("職員給与費,3000", "職員給与費,3001").replace("人件費支出,3000", "人件費支出,3001")
    with pytest.raises(InputRejected) as e:
        import_journals(lg=town, path=write(tmp_path, "j3.csv", changed))
    assert "既に別の内容で転記されています" in str(e.value)


def test_a_file_with_one_bad_row_stores_nothing(lg, tmp_path):
    bad = journals_csv().replace("2024-07-01,2024,一般会計,0102,,,NW/財源/税収等,4500", "2024-07-01,2024,一般会計,0102,,,NW/財源/税収等,4400")
    with pytest.raises(InputRejected) as e:
        import_journals(lg=lg, path=write(tmp_path, "bad.csv", bad))
    assert "伝票「2」の借方合計 4,500円 と貸方合計 4,400円 が一致しません" in str(e.value)
    assert JournalEntry.objects.count() == 0 and ImportBatch.objects.count() == 0


def test_a_posted_entry_cannot_be_changed_or_deleted_even_by_sql(town):
    line = JournalLine.objects.filter(entry__voucher_no="1").first()
    table, etable = JournalLine._meta.db_table, JournalEntry._meta.db_table
    for sql, params in (
        (f"UPDATE {table} SET amount = amount + 1 WHERE id = %s", [line.id]),
        (f"DELETE FROM {table} WHERE id = %s", [line.id]),
        (f"UPDATE {etable} SET description = 'x' WHERE id = %s", [line.entry_id]),
        (f"DELETE FROM {etable} WHERE id = %s", [line.entry_id]),
    ):
        with (
            pytest.raises(DatabaseError, match="転記済みの仕訳は変更・削除できません"),
            transaction.atomic(),
            connection.cursor() as cur,
        ):
            cur.execute(sql, params)
    assert JournalLine.objects.get(id=line.id).amount == line.amount


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE and the balance trigger are PostgreSQL's")
def test_postgresql_refuses_truncate_and_unbalanced_lines(town):
    line = JournalLine.objects.filter(entry__voucher_no="1").first()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"TRUNCATE {JournalLine._meta.db_table}")
    # one more debit line on entry 1 by hand: the entry no longer balances
    with pytest.raises(DatabaseError, match="借方と貸方が一致しません"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {JournalLine._meta.db_table} (entry_id, lg_id, fiscal_year, fund_id, opening, account_id, amount) "
            "VALUES (%s, %s, 2024, %s, false, %s, 5)",
            [line.entry_id, line.lg_id, line.fund_id, line.account_id],
        )


def test_a_correction_is_a_reversal(town):
    rev = reverse_entry(lg=town, fiscal_year=2024, voucher_no="17", fund_code="01",
                        date=dt.date(2025, 3, 31), chart=chart_for(town), reason="誤計上")
    assert rev.voucher_no == "取消-17" and rev.kind == 5
    st, checks = statements_for(lg=town, fiscal_year=2024)
    assert st.amount("PL/経常収益") == 0  # 使用料 400 reversed
    assert st.amount("PL/純行政コスト") == 3_860 + 400
    assert all(c.ok for c in checks)
    with pytest.raises(ValueError, match="既に取り消されています"):
        reverse_entry(lg=town, fiscal_year=2024, voucher_no="17", fund_code="01",
                      date=dt.date(2025, 3, 31), chart=chart_for(town))


def test_opening_balances_that_do_not_balance_are_refused(lg, tmp_path):
    text = opening_csv().replace("BS/流動負債/預り金,100", "BS/流動負債/預り金,90")
    with pytest.raises(InputRejected) as e:
        import_opening(lg=lg, path=write(tmp_path, "o.csv", text), fiscal_year=2024)
    assert "が一致しません（差額 10円）" in str(e.value)
    assert JournalEntry.objects.count() == 0


def test_opening_contra_line_given_positive_is_refused(lg, tmp_path):
    text = opening_csv().replace("建物減価償却累計額,-4000", "建物減価償却累計額,4000")
    with pytest.raises(InputRejected) as e:
        import_opening(lg=lg, path=write(tmp_path, "o.csv", text), fiscal_year=2024)
    issue = e.value.issues[0]
    assert (issue.row, issue.column) == (4, "amount") and "負の数" in issue.message


def test_a_sub_account_rolls_up_into_its_leaf(town, tmp_path):
    """財政課 keeps 物件費 by purpose: a 補助科目 「委託料」 beneath 物件費."""
    from kokai.ledger.masters import add_sub_account

    sub = add_sub_account(lg=town, parent_ref="PL/経常費用/業務費用/物件費等/物件費", name="委託料")
    assert sub.path == "経常費用/業務費用/物件費等/物件費/委託料"
    text = ("伝票番号,日付,会計年度,会計区分,所属,借方科目,借方金額,貸方科目,貸方金額,摘要\n"
            "S1,2024-09-30,2024,一般会計,0401,PL/経常費用/業務費用/物件費等/物件費/委託料,500,物件費等支出,500,清掃委託\n")
    import_journals(lg=town, path=write(tmp_path, "s.csv", text))
    st, checks = statements_for(lg=town, fiscal_year=2024)
    assert st.amount("PL/経常費用/業務費用/物件費等/物件費") == 500
    assert st.amount("PL/純行政コスト") == 3_860 + 500
    assert all(c.ok for c in checks)


def test_the_running_totals_agree_with_the_lines(town):
    from kokai.ledger.reporting import ledger_check, nw_moves_check

    assert ledger_check(lg=town, fiscal_year=2024).ok
    assert nw_moves_check(lg=town, fiscal_year=2024).ok
