"""Summing the ledger for the statements: three GROUP BY queries over the lines table
(integer columns only, served by the covering index), then the Django-free kernel."""

from __future__ import annotations

from django.db import connection

from kokai.core.chart import FA_FINANCIAL, FA_TANGIBLE
from kokai.core.checks import Check, run_checks
from kokai.core.statements import SCOPE_GENERAL, LedgerTotals, Statements, build

from .masters import chart_for
from .models import Account, Fund, JournalEntry, JournalLine, LocalGovernment

LINES = JournalLine._meta.db_table


def fiscal_years(lg: LocalGovernment) -> list[int]:
    return sorted(set(JournalEntry.objects.filter(lg=lg).values_list("fiscal_year", flat=True).distinct()))


def ledger_totals(*, lg: LocalGovernment, fiscal_year: int, scope: str = SCOPE_GENERAL) -> LedgerTotals:
    if scope != SCOPE_GENERAL:
        raise ValueError(f"範囲「{scope}」はまだ作成できません（一般会計等のみ）")
    fund_ids = list(Fund.objects.filter(lg=lg, scope=Fund.GENERAL).values_list("id", flat=True)) or [0]
    accounts = list(Account.objects.values_list("id", "code", "fa_group", "nw_direct"))
    code = {i: c for i, c, _g, _d in accounts}
    group = {1: FA_TANGIBLE, 2: FA_FINANCIAL}
    fa_ids = [i for i, _c, g, _d in accounts if g]
    direct_ids = [i for i, _c, _g, d in accounts if d]
    funds = ", ".join(["%s"] * len(fund_ids))
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT account_id, fiscal_year, opening, SUM(amount) FROM {LINES} "
            f"WHERE lg_id = %s AND fiscal_year <= %s AND fund_id IN ({funds}) "
            "GROUP BY account_id, fiscal_year, opening",
            [lg.id, fiscal_year, *fund_ids],
        )
        rows = tuple((code[a], fy, bool(op), int(amt)) for a, fy, op, amt in cur.fetchall() if amt)
        fa_entries = direct = ()
        if fa_ids:
            marks = ", ".join(["%s"] * len(fa_ids))
            cur.execute(
                f"SELECT l.entry_id, a.fa_group, SUM(l.amount) FROM {LINES} l "
                f"JOIN {Account._meta.db_table} a ON a.id = l.account_id "
                f"WHERE l.lg_id = %s AND l.fiscal_year = %s AND l.account_id IN ({marks}) "
                f"AND l.fund_id IN ({funds}) AND l.opening = %s "
                "GROUP BY l.entry_id, a.fa_group HAVING SUM(l.amount) <> 0",
                [lg.id, fiscal_year, *fa_ids, *fund_ids, False],
            )
            fa_entries = tuple((e, group[g], int(n)) for e, g, n in cur.fetchall())
        if direct_ids:
            marks = ", ".join(["%s"] * len(direct_ids))
            cur.execute(
                f"SELECT entry_id, account_id, SUM(amount) FROM {LINES} "
                f"WHERE lg_id = %s AND fiscal_year = %s AND account_id IN ({marks}) AND fund_id IN ({funds}) "
                "GROUP BY entry_id, account_id",
                [lg.id, fiscal_year, *direct_ids, *fund_ids],
            )
            direct = tuple((e, code[a], int(n)) for e, a, n in cur.fetchall())
    return LedgerTotals(fiscal_year=fiscal_year, rows=rows, fa_entries=fa_entries, direct=direct)


def statements_for(
    *, lg: LocalGovernment, fiscal_year: int, scope: str = SCOPE_GENERAL
) -> tuple[Statements, list[Check]]:
    """The four statements of a year and the results of checks C1–C13."""
    totals = ledger_totals(lg=lg, fiscal_year=fiscal_year, scope=scope)
    st = build(chart_for(lg), totals, lg_code=lg.lg_code, scope=scope)
    return st, run_checks(st)
