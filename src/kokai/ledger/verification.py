"""Everything the certified accountant verifies for one year, each check with both sides:
C1–C18 on the printed statements, L1–L2 on the ledger's running totals, A1–A3 on the
fixed-asset register, R1–R2 on the cash records against the 決算額."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kokai.core.checks import Check, run_checks
from kokai.core.checks_more import (
    SettlementTotals,
    more_checks,
    not_applicable,
    opening_totals,
    reconciliation_checks,
)
from kokai.core.reconcile import Reconciliation
from kokai.core.statements import Statements, build

from .masters import chart_for
from .models import Fund, LocalGovernment
from .reporting import ledger_check, ledger_totals, nw_moves_check


@dataclass(frozen=True)
class Verification:
    statements: Statements
    checks: tuple[Check, ...]
    reconciliation: Reconciliation | None
    settlement: SettlementTotals | None


def general_budget_funds(lg: LocalGovernment, fiscal_year: int):
    """The 一般会計等 funds whose 決算額 make the 歳入歳出決算: not the 歳計外現金 funds (their
    records are flagged custodial on import), which are outside the budget."""
    from kokai.cash.models import CashRecord

    custodial = CashRecord.objects.filter(lg=lg, fiscal_year=fiscal_year, custodial=True).values("fund_id")
    return Fund.objects.filter(lg=lg, scope=Fund.GENERAL).exclude(id__in=custodial)


def settlement_totals(*, lg: LocalGovernment, fiscal_year: int) -> SettlementTotals | None:
    """The 歳入歳出決算 totals of the 一般会計等 funds from the imported 決算額
    (cash.SettledAmount, one row per 節); None if none were imported for the year.

    前年度繰越金 is the 歳入 items whose conversion rule books no journal (decision
    ``none``: 款 繰越金 in the standard table, 款19 to FY2019 and 款20 from FY2020)."""
    from kokai.cash.models import SettledAmount
    from kokai.cash.services import rules_for

    funds = general_budget_funds(lg, fiscal_year)
    rows = list(SettledAmount.objects.filter(lg=lg, fiscal_year=fiscal_year, fund__in=funds).values_list(
        "direction", "kan", "kou", "moku", "setsu", "amount"))
    if not rows:
        return None
    rules = rules_for(lg)
    revenue = expenditure = carried = 0
    for direction, kan, kou, moku, setsu, amount in rows:
        if direction == "E":
            expenditure += amount
            continue
        revenue += amount
        rule = rules.match(fiscal_year=fiscal_year, direction="R", kan=kan, kou=kou, moku=moku, setsu=setsu,
                           saisetsu=None)
        if rule is not None and not rule.journal:
            carried += amount
    return SettlementTotals(revenue=revenue, expenditure=expenditure, carried_forward=carried)


def _reconciliation(lg: LocalGovernment, fiscal_year: int) -> Reconciliation | None:
    from kokai.cash.services import reconciliation_for

    rec = reconciliation_for(lg=lg, fiscal_year=fiscal_year)
    return rec if rec.items.height else None


def gather(*, lg: LocalGovernment, fiscal_year: int, published_prior: Mapping | None = None) -> Verification:
    """The year's statements, every check in order (C1–C18, L1, L2, A1–A3, R1–R2), and the
    per-節 reconciliation behind R1 (None when no cash records or 決算額 were imported).

    ``published_prior`` is last year's statements as published (the JSON of
    ``kokai.core.statements.as_json``); None in the first year on Kokai (C14 対象外)."""
    from kokai.assets.services import ledger_ties

    chart = chart_for(lg)
    totals = ledger_totals(lg=lg, fiscal_year=fiscal_year)
    st = build(chart, totals, lg_code=lg.lg_code)
    opening = build(chart, opening_totals(totals), lg_code=lg.lg_code)
    settlement = settlement_totals(lg=lg, fiscal_year=fiscal_year)
    rec = _reconciliation(lg, fiscal_year)
    checks = [
        *run_checks(st),
        *more_checks(st, published_prior=published_prior, opening=opening, settlement=settlement),
        ledger_check(lg=lg, fiscal_year=fiscal_year),
        nw_moves_check(lg=lg, fiscal_year=fiscal_year),
        *(ledger_ties(lg=lg, fiscal_year=fiscal_year)
          or [not_applicable("A1", "固定資産台帳 = 貸借対照表", "固定資産台帳が取り込まれていません")]),
        *reconciliation_checks(rec),
    ]
    return Verification(statements=st, checks=tuple(checks), reconciliation=rec, settlement=settlement)


def verification(*, lg: LocalGovernment, fiscal_year: int, published_prior: Mapping | None = None) -> list[Check]:
    """C1–C18, L1, L2, A1–A3 and R1–R2 for one year, each with its two sides."""
    return list(gather(lg=lg, fiscal_year=fiscal_year, published_prior=published_prior).checks)
