"""The closing run's frame: the year lock in the database, closing a year only after the
one before it, settings per 団体, and the closing template written and read back.

The example town (tests/example_town.py) closes 2024; afterwards a journal of 2024 is
refused by the database itself, while 2025 takes entries as before.
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from django.db import IntegrityError, transaction

from kokai.closing.services import close_year, export_template, import_inputs, published_statements
from kokai.core.closing import items
from kokai.core.issues import InputRejected
from kokai.ledger.imports import import_journals
from kokai.ledger.lg_settings import asset_settings, set_setting, settings_for
from kokai.ledger.models import JournalEntry, YearLock

from .conftest import write
from .example_town import JOURNAL_HEADER as HEADER
from .example_town import load_town


@pytest.fixture
def town(lg, tmp_path):
    load_town(lg, tmp_path)
    return lg


def test_a_closed_year_refuses_new_journals_and_the_next_year_takes_them(town, tmp_path):
    close_year(lg=town, fiscal_year=2024)
    assert YearLock.objects.filter(lg=town, fiscal_year=2024).exists()
    late = write(tmp_path, "late.csv", HEADER + "L1,2025-03-31,2024,一般会計,0101,職員給与費,100,人件費支出,100,遅れた給料\n")
    with pytest.raises((IntegrityError, InputRejected)), transaction.atomic():
        import_journals(lg=town, path=late)
    assert not JournalEntry.objects.filter(lg=town, voucher_no="L1").exists()
    nxt = write(tmp_path, "next.csv", HEADER + "L1,2025-04-30,2025,一般会計,0101,職員給与費,100,人件費支出,100,翌年度で訂正\n")
    import_journals(lg=town, path=nxt)
    assert JournalEntry.objects.filter(lg=town, fiscal_year=2025, voucher_no="L1").exists()


def test_the_closed_statements_are_kept_for_the_next_years_prior_year_tie(town):
    close_year(lg=town, fiscal_year=2024)
    published = published_statements(town, 2024)
    cf = {ln["name"]: ln["amount"] for ln in published["statements"]["CF"]}
    assert cf["本年度末資金残高"] == 2_540  # the example town's year-end 資金 (see test_years_and_funds)
    assert published_statements(town, 2023) is None


def test_closing_again_changes_nothing_and_a_later_year_waits_for_the_earlier(town, tmp_path):
    import_journals(lg=town, path=write(tmp_path, "n.csv", HEADER
                                        + "1,2025-04-25,2025,一般会計,0101,職員給与費,1000,人件費支出,1000,4月分給料\n"))
    with pytest.raises(InputRejected, match="2024年度の決算が確定していません"):
        close_year(lg=town, fiscal_year=2025)
    first = close_year(lg=town, fiscal_year=2024)
    again = close_year(lg=town, fiscal_year=2024)
    assert (again.posted, again.reversed) == (0, 0)
    assert again.kept == first.posted + first.kept
    close_year(lg=town, fiscal_year=2025)


def test_settings_have_documented_defaults_and_refuse_bad_values(lg):
    values = settings_for(lg)
    assert values["assets.movable_threshold"] == "500000"
    assert values["assets.convention"] == "next_year"
    set_setting(lg=lg, key="assets.movable_threshold", value="1,000,000")
    assert asset_settings(lg).movable_threshold == 1_000_000
    with pytest.raises(ValueError, match="next_year / monthly / same_year"):
        set_setting(lg=lg, key="assets.convention", value="翌年度")
    with pytest.raises(ValueError, match="ありません"):
        set_setting(lg=lg, key="assets.no_such_thing", value="1")


def test_the_template_has_a_sheet_per_input_and_reads_back_what_it_wrote(town, tmp_path):
    out = tmp_path / "closing.xlsx"
    export_template(lg=town, fiscal_year=2024, path=out)
    wb = openpyxl.load_workbook(out)
    expected = ["説明", *(s.name for m in items() for s in m.SHEETS)]
    assert wb.sheetnames == expected
    assert import_inputs(lg=town, fiscal_year=2024, path=out) == {}  # empty sheets: no item entered
    r = close_year(lg=town, fiscal_year=2024)
    assert r.items == () and set(r.skipped) == {m.TITLE for m in items()}


def test_a_template_that_is_not_an_xlsx_is_refused(town, tmp_path):
    bad = write(tmp_path, "closing.xlsx", "伝票番号,金額\n1,100\n")
    with pytest.raises(InputRejected, match="xlsx"):
        import_inputs(lg=town, fiscal_year=2024, path=bad)


def test_the_database_itself_refuses_an_entry_for_a_closed_year(town):
    """Past the services: an entry written straight into the table (as a buggy script or a
    SQL client might) is refused by the trigger, unless it belongs to a closing run."""
    from kokai.ledger.models import Fund, ImportBatch

    close_year(lg=town, fiscal_year=2024)
    fund = Fund.objects.get(lg=town, code="01")
    hand = ImportBatch.objects.create(lg=town, kind="journals", file_name="手入力", sha256="x" * 64)
    with pytest.raises(IntegrityError, match="決算が確定"), transaction.atomic():
        JournalEntry.objects.create(lg=town, fiscal_year=2024, date=dt.date(2025, 3, 31), fund=fund, kind=3,
                                    voucher_no="SQL-1", batch=hand)
    closing = ImportBatch.objects.create(lg=town, kind="close", file_name="決算整理", sha256="y" * 64)
    with transaction.atomic():
        JournalEntry.objects.create(lg=town, fiscal_year=2024, date=dt.date(2025, 3, 31), fund=fund, kind=4,
                                    voucher_no="SQL-2", batch=closing)
        transaction.set_rollback(True)  # an entry without lines is refused on PostgreSQL at commit; not kept here


def _fill(path, sheet: str, rows: list[dict]) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    headers = [str(c.value).removesuffix("（必須）") if c.value else "" for c in ws[1]]
    for r, row in enumerate(rows, start=2):
        for h, v in row.items():
            ws.cell(r, headers.index(h) + 1).value = v
    wb.save(path)


def test_a_bonus_provision_through_the_template_then_changed_and_closed_again(town, tmp_path):
    """賞与等引当金 of the town, 洗替 (the default), share 4/6 (the default):

    first input   (期末・勤勉手当 1,200 + 法定福利費 300) × 4/6 = 1,000
                  → Dr 賞与等引当金繰入額 1,000 / Cr 賞与等引当金 1,000
    re-run        nothing posted, nothing reversed
    new estimate  (1,500 + 300) × 4/6 = 1,200: the 1,000 entry is reversed (取消-…) and
                  the entry posted again as …#2 with 1,200; BS shows 1,200, PL 繰入額 1,200.
    """
    from kokai.ledger.reporting import statements_for

    path = tmp_path / "closing.xlsx"
    export_template(lg=town, fiscal_year=2024, path=path)
    _fill(path, "賞与等引当金", [{"区分": "全職員", "期末・勤勉手当見込額": 1_200, "法定福利費見込額": 300}])
    import_inputs(lg=town, fiscal_year=2024, path=path)
    first = close_year(lg=town, fiscal_year=2024)
    assert first.posted == 1 and "賞与等引当金" in first.items
    st, checks = statements_for(lg=town, fiscal_year=2024)
    assert st.amount("BS/流動負債/賞与等引当金") == 1_000
    assert st.amount("PL/経常費用/業務費用/人件費/賞与等引当金繰入額") == 1_000
    assert [str(c) for c in checks if not c.ok] == []

    again = close_year(lg=town, fiscal_year=2024)
    assert (again.posted, again.reversed) == (0, 0)

    export_template(lg=town, fiscal_year=2024, path=path)  # this year's stored inputs come back filled in
    wb = openpyxl.load_workbook(path)
    assert [c.value for c in wb["賞与等引当金"][2]][:3] == ["全職員", None, 1_200]
    _fill(path, "賞与等引当金", [{"期末・勤勉手当見込額": 1_500}])
    import_inputs(lg=town, fiscal_year=2024, path=path)
    changed = close_year(lg=town, fiscal_year=2024)
    assert (changed.posted, changed.reversed) == (1, 1)
    st, _ = statements_for(lg=town, fiscal_year=2024)
    assert st.amount("BS/流動負債/賞与等引当金") == 1_200
    assert st.amount("PL/経常費用/業務費用/人件費/賞与等引当金繰入額") == 1_200
    vouchers = set(JournalEntry.objects.filter(lg=town, fiscal_year=2024, batch__kind="close")
                   .values_list("voucher_no", flat=True))
    assert vouchers == {"決算-bonus-1", "取消-決算-bonus-1", "決算-bonus-1#2"}


def test_a_bad_template_row_is_refused_with_sheet_row_and_column(town, tmp_path):
    path = tmp_path / "closing.xlsx"
    export_template(lg=town, fiscal_year=2024, path=path)
    _fill(path, "賞与等引当金", [{"区分": "全職員", "期末・勤勉手当見込額": "たくさん"}])
    with pytest.raises(InputRejected) as e:
        import_inputs(lg=town, fiscal_year=2024, path=path)
    issue = e.value.issues[0]
    assert (issue.sheet, issue.row, issue.column) == ("賞与等引当金", 2, "期末・勤勉手当見込額")
    assert not close_year(lg=town, fiscal_year=2024).items  # nothing was stored
