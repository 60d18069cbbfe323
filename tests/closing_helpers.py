"""Helpers of the closing items' worked examples (tests/test_closing_provisions.py,
tests/test_closing_receivables.py): a ledger as a dict of balances by account path (debit +,
credit −), typed sheets in, entries out as {account path: signed amount}.

Pure kernel, no database.
"""

from __future__ import annotations

from kokai.core.chart import standard_chart
from kokai.core.closing.base import Context, Inputs
from kokai.core.journal import Kind, problems

CHART = standard_chart()


def code(path: str) -> str:
    return CHART.resolve(path).code


def context(balances=None, prior=None, **settings) -> Context:
    """Fiscal year 2024: ``balances`` before closing and ``prior`` at the end of 2023."""
    now = {code(k): v for k, v in (balances or {}).items()}
    before = {code(k): v for k, v in (prior or {}).items()}
    return Context(fiscal_year=2024, chart=CHART, balance=lambda c: now.get(c, 0),
                   prior_balance=lambda c: before.get(c, 0), settings=settings)


def inputs(**sheets) -> Inputs:
    """Sheets of typed rows, numbered from row 2 (row 1 is the header)."""
    return Inputs(rows={name: tuple({**r, "_row": i} for i, r in enumerate(rows, start=2))
                        for name, rows in sheets.items()}, file="決算整理.xlsx")


def booked(outcome) -> list[dict[str, int]]:
    """Each entry as {account path: signed amount}, after checking it is a valid closing entry."""
    out = []
    for e in outcome.entries:
        assert problems(e, CHART) == []
        assert e.kind == Kind.CLOSING and e.date.isoformat() == "2025-03-31"
        out.append({CHART[p.account].qualified_path: p.amount for p in e.postings})
    return out


def figure(outcome, label: str) -> int:
    return next(f.amount for f in outcome.figures if f.label == label)


def where(outcome) -> list[tuple]:
    """The places of the issues: (sheet, row, column)."""
    return [(i.sheet, i.row, i.column) for i in outcome.issues]
