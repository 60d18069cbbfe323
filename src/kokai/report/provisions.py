"""The ledger's figures for 引当金の明細: each 引当金 line's printed balance at the start and
the end of the year, and its 目的使用 (the year's payments charged against it: debits by
cash entries, e.g. 退職手当 paid as Dr 退職手当引当金 / Cr 人件費支出)."""

from __future__ import annotations

from django.db.models import Sum

from kokai.core.closing.provisions_table import provision_lines
from kokai.core.journal import Kind
from kokai.ledger.models import Account, Fund, JournalLine, LedgerBalance, LocalGovernment


def provision_figures(*, lg: LocalGovernment, fiscal_year: int, chart) -> tuple[dict, dict, dict]:
    lines = provision_lines(chart)
    codes = {ln.code for ln in lines}
    ids = dict(Account.objects.filter(code__in=codes).values_list("id", "code"))
    funds = list(Fund.objects.filter(lg=lg, scope=Fund.GENERAL).values_list("id", flat=True))
    prior: dict[str, int] = {}
    end: dict[str, int] = {}
    for acc, fy, amount in LedgerBalance.objects.filter(
        lg=lg, fiscal_year__lte=fiscal_year, fund_id__in=funds, account_id__in=list(ids)
    ).values_list("account_id", "fiscal_year", "amount"):
        code = ids[acc]
        end[code] = end.get(code, 0) - amount  # credit balances print positive
        if fy < fiscal_year:
            prior[code] = prior.get(code, 0) - amount
    for acc, amount in LedgerBalance.objects.filter(
        lg=lg, fiscal_year=fiscal_year, fund_id__in=funds, account_id__in=list(ids), opening=True
    ).values_list("account_id", "amount"):
        prior[ids[acc]] = prior.get(ids[acc], 0) - amount  # a first year's opening balance sheet
    used = {
        ids[acc]: int(total)
        for acc, total in JournalLine.objects.filter(
            lg=lg, fiscal_year=fiscal_year, fund_id__in=funds, account_id__in=list(ids), amount__gt=0,
            opening=False, entry__kind=Kind.CASH,
        ).values_list("account_id").annotate(total=Sum("amount")).values_list("account_id", "total")
    }
    keep = {c for c in codes if prior.get(c) or end.get(c) or used.get(c)}
    return ({c: v for c, v in prior.items() if c in keep}, {c: end.get(c, 0) for c in keep},
            {c: v for c, v in used.items() if c in keep})
