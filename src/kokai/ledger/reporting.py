"""Statements from the running totals (LedgerBalance, NetAssetMove): a few hundred rows
whatever the size of the ledger, then the Django-free kernel builds and checks them."""

from __future__ import annotations

from django.db import connection

from kokai.core.checks import Check, run_checks
from kokai.core.statements import SCOPE_GENERAL, LedgerTotals, Statements, build

from .masters import chart_for
from .models import (
    Account,
    Fund,
    JournalLine,
    LedgerBalance,
    LocalGovernment,
    NetAssetMove,
)


def fiscal_years(lg: LocalGovernment) -> list[int]:
    return sorted(set(LedgerBalance.objects.filter(lg=lg).values_list("fiscal_year", flat=True).distinct()))


def _funds(lg: LocalGovernment, scope: str) -> list[int]:
    if scope != SCOPE_GENERAL:
        raise ValueError(f"範囲「{scope}」はまだ作成できません（一般会計等のみ）")
    return list(Fund.objects.filter(lg=lg, scope=Fund.GENERAL).values_list("id", flat=True))


def ledger_totals(*, lg: LocalGovernment, fiscal_year: int, scope: str = SCOPE_GENERAL) -> LedgerTotals:
    funds = _funds(lg, scope)
    code = dict(Account.objects.values_list("id", "code"))
    sums: dict[tuple[str, int, bool], int] = {}
    for acc, fy, opening, amount in LedgerBalance.objects.filter(
        lg=lg, fiscal_year__lte=fiscal_year, fund_id__in=funds
    ).values_list("account_id", "fiscal_year", "opening", "amount"):
        key = (code[acc], fy, opening)
        sums[key] = sums.get(key, 0) + amount
    moves: dict[str, int] = {}
    for category, amount in NetAssetMove.objects.filter(
        lg=lg, fiscal_year=fiscal_year, fund_id__in=funds
    ).values_list("category", "amount"):
        moves[category] = moves.get(category, 0) + amount
    return LedgerTotals(
        fiscal_year=fiscal_year, rows=tuple((*k, v) for k, v in sums.items() if v), nw_moves=moves
    )


def ledger_check(*, lg: LocalGovernment, fiscal_year: int) -> Check:
    """L1: the running totals equal the sum of the posted lines (one pass over the year)."""
    table = JournalLine._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT fund_id, account_id, opening, SUM(amount) FROM {table} "
            "WHERE lg_id = %s AND fiscal_year = %s GROUP BY fund_id, account_id, opening",
            [lg.id, fiscal_year],
        )
        from_lines = {(f, a, bool(o)): int(s) for f, a, o, s in cur.fetchall() if s}
    kept = {
        (f, a, o): s
        for f, a, o, s in LedgerBalance.objects.filter(lg=lg, fiscal_year=fiscal_year).values_list(
            "fund_id", "account_id", "opening", "amount"
        )
        if s
    }
    differ = sum(1 for k in from_lines.keys() | kept.keys() if from_lines.get(k) != kept.get(k))
    return Check("L1", "科目残高の集計 = 仕訳明細の合計（全科目）", differ == 0, "一致しない科目数", differ, "期待値", 0)


def nw_moves_check(*, lg: LocalGovernment, fiscal_year: int) -> Check:
    """L2: the running NW movements equal those recomputed from the year's lines."""
    import polars as pl

    from kokai.core.journal_frame import JournalFrame
    from kokai.core.summary import summarise

    chart = chart_for(lg)
    wanted = [a.pk for a in Account.objects.all() if a.fa_group or a.nw_direct]
    rows = list(
        JournalLine.objects.filter(lg=lg, fiscal_year=fiscal_year, opening=False, account_id__in=wanted)
        .values_list("entry_id", "account__code", "amount", "entry__fund__code", "entry__kind")
    )
    lines = pl.DataFrame(
        [(e, a, n) for e, a, n, _f, _k in rows], schema={"idx": pl.Int64, "account": pl.String, "amount": pl.Int64},
        orient="row",
    )
    entries = pl.DataFrame(
        sorted({(e, fiscal_year, f, False, k) for e, _a, _n, f, k in rows}),
        schema={"idx": pl.Int64, "fiscal_year": pl.Int32, "fund": pl.String, "opening": pl.Boolean, "kind": pl.Int8},
        orient="row",
    )
    _b, moves = summarise(JournalFrame(entries, lines), chart)
    recomputed = {(f, c): n for _fy, f, c, n in moves.iter_rows() if n}
    kept = {
        (f, c): n
        for f, c, n in NetAssetMove.objects.filter(lg=lg, fiscal_year=fiscal_year).values_list("fund__code", "category", "amount")
        if n
    }
    differ = sum(1 for k in recomputed.keys() | kept.keys() if recomputed.get(k) != kept.get(k))
    return Check("L2", "固定資産等の変動の集計 = 仕訳明細からの再計算", differ == 0, "一致しない区分数", differ, "期待値", 0)


def statements_for(
    *, lg: LocalGovernment, fiscal_year: int, scope: str = SCOPE_GENERAL
) -> tuple[Statements, list[Check]]:
    """The four statements of a year and the results of checks C1–C13."""
    totals = ledger_totals(lg=lg, fiscal_year=fiscal_year, scope=scope)
    st = build(chart_for(lg), totals, lg_code=lg.lg_code, scope=scope)
    return st, run_checks(st)
