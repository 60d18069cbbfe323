"""Build the four statements (BS, PL, NW, CF) of one fiscal year from ledger totals.

The input is plain data summed by the database (:class:`LedgerTotals`); the output is
plain data (:class:`Statements`). Nothing here knows about Django or SQL.

How the figures come from the ledger:

* BS leaf lines are balances at the year end (every entry of this and earlier years).
  BS 現金預金 is the opening cash plus the net of every CF account: CF accounts stand in
  for cash. 純資産合計 is the opening net assets plus every PL and NW movement since.
  固定資産等形成分 is its opening balance plus every later movement of the 固定資産等形成分
  accounts (固定資産, 短期貸付金, 流動資産の基金); 余剰分（不足分） is the rest.
* PL, NW 財源 and CF leaf lines are the movements of the year.
* The NW 固定資産等の変動 rows are derived from the movements entry by entry when they
  are posted (kokai.core.summary), never typed in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import polars as pl

from .chart import FA_FINANCIAL, FA_TANGIBLE, Chart, Line
from .summary import DIRECT_PREFIX, INTERNAL

NW_TOTAL, NW_FIXED, NW_SURPLUS = "合計", "固定資産等形成分", "余剰分（不足分）"
NW_COLUMNS = (NW_TOTAL, NW_FIXED, NW_SURPLUS)

SCOPE_GENERAL = "一般会計等"


@dataclass(frozen=True)
class LedgerTotals:
    """What the ledger says about one fiscal year, summed per account.

    ``rows`` are (account code, fiscal year, opening?, net debit) for every year up to and
    including ``fiscal_year``. ``nw_moves`` are the year's 固定資産等形成分 movements by NW
    category (kokai.core.summary): tangible_increase, tangible_decrease (positive
    numbers), financial_increase, financial_decrease, and ``direct:<code>`` for the
    movements carried by an NW account such as 無償所管換等.
    """

    fiscal_year: int
    rows: tuple[tuple[str, int, bool, int], ...]
    nw_moves: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StatementLine:
    code: str
    name: str
    path: str
    level: int
    amount: int | None = None
    amounts: Mapping[str, int] | None = None  # NW only: 合計 / 固定資産等形成分 / 余剰分（不足分）

    def as_json(self) -> dict:
        out = {"code": self.code, "name": self.name, "path": self.path, "level": self.level}
        if self.amounts is not None:
            out["amounts"] = dict(self.amounts)
        else:
            out["amount"] = self.amount
        return out


@dataclass(frozen=True)
class Statements:
    lg_code: str
    fiscal_year: int
    scope: str
    lines: Mapping[str, tuple[StatementLine, ...]]  # BS, PL, NW, CF in 様式 order
    _index: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for stmt, lines in self.lines.items():
            for ln in lines:
                self._index[f"{stmt}/{ln.path}"] = ln

    def line(self, qualified_path: str) -> StatementLine:
        try:
            return self._index[qualified_path]
        except KeyError:
            raise KeyError(f"{qualified_path} は財務書類にありません") from None

    def amount(self, qualified_path: str, column: str = NW_TOTAL) -> int:
        ln = self.line(qualified_path)
        if ln.amounts is not None:
            return ln.amounts[column]
        assert ln.amount is not None
        return ln.amount


class _Sums:
    """Per-account sums split by period, folded from LedgerTotals.rows."""

    def __init__(self, chart: Chart, totals: LedgerTotals):
        self.year = totals.fiscal_year
        self.before: dict[str, int] = defaultdict(int)  # all entries of earlier years
        self.opening: dict[str, int] = defaultdict(int)  # opening entries of this year
        self.movement: dict[str, int] = defaultdict(int)  # other entries of this year
        self.movement_before: dict[str, int] = defaultdict(int)  # non-opening, earlier years
        for code, fy, opening, amount in totals.rows:
            line = chart[code]
            if line.kind == "sub" and not line.roles:  # a 団体's 補助科目 rolls into its leaf
                code = line.parent
            if fy < self.year:
                self.before[code] += amount
                if not opening:
                    self.movement_before[code] += amount
            elif fy == self.year:
                (self.opening if opening else self.movement)[code] += amount

    def end(self, code: str) -> int:
        return self.before[code] + self.opening[code] + self.movement[code]

    def start(self, code: str) -> int:
        """Balance at the start of the year (earlier years plus this year's opening)."""
        return self.before[code] + self.opening[code]


def _codes(chart: Chart, predicate) -> list[str]:
    return [ln.code for ln in chart.lines if ln.postable and predicate(ln)]


def build(chart: Chart, totals: LedgerTotals, *, lg_code: str, scope: str = SCOPE_GENERAL) -> Statements:
    """The four statements of ``totals.fiscal_year`` in 様式 order, amounts in yen."""
    s = _Sums(chart, totals)
    printed: dict[str, int] = {}

    def leaf(ln: Line, balance) -> int:
        return ln.sign * balance(ln.code)

    # --- cash: BS 現金預金 = own opening lines + every CF account
    cash = chart.one("cash")
    custodial = chart.one("custodial_cash")
    cf_custodial = chart.one("cf_custodial_change")
    cf_leaves = _codes(chart, lambda ln: ln.statement == "CF")
    fund_leaves = [c for c in cf_leaves if c != cf_custodial.code]
    fund_open = s.start(cash.code) + sum(s.before[c] for c in fund_leaves)
    custodial_open = s.start(custodial.code) + s.before[cf_custodial.code]
    fund_end = fund_open + sum(s.movement[c] for c in fund_leaves)
    custodial_end = custodial_open + s.movement[cf_custodial.code]

    # --- net assets
    na_codes = _codes(chart, lambda ln: ln.statement == "BS" and set(ln.roles) & {"fixed_portion", "surplus", "minority"})
    flow_codes = _codes(chart, lambda ln: ln.statement in ("PL", "NW"))
    fa_codes = _codes(chart, lambda ln: ln.statement == "BS" and ln.fa_group in (FA_TANGIBLE, FA_FINANCIAL))
    fixed = chart.one("fixed_portion")
    minority = chart.one("minority")
    na_open = -(sum(s.start(c) for c in na_codes) + sum(s.before[c] for c in flow_codes))
    na_end = na_open - sum(s.movement[c] for c in flow_codes)
    fixed_open = -s.start(fixed.code) + sum(s.movement_before[c] for c in fa_codes)
    fixed_moves = sum(s.movement[c] for c in fa_codes)
    fixed_end = fixed_open + fixed_moves
    minority_end = -s.end(minority.code)

    special_bs = {
        cash.code: fund_end + custodial_end,
        fixed.code: fixed_end,
        chart.one("surplus").code: na_end - fixed_end - minority_end,
        minority.code: minority_end,
    }

    out: dict[str, tuple[StatementLine, ...]] = {}
    for stmt in ("BS", "PL", "CF"):
        balance = s.end if stmt == "BS" else (lambda c: s.movement[c])
        for ln in chart.statement(stmt):
            if ln.code in special_bs:
                printed[ln.code] = special_bs[ln.code]
            elif ln.kind == "leaf":
                printed[ln.code] = leaf(ln, balance)
        printed[chart.one("cf_opening_cash").code] = fund_open
        printed[chart.one("cf_opening_custodial").code] = custodial_open
        _roll_up(chart, stmt, printed)
        out[stmt] = tuple(
            StatementLine(ln.code, ln.name, ln.path, ln.level, amount=printed[ln.code])
            for ln in chart.statement(stmt)
        )

    net_cost = printed[_top(chart, "PL", "純行政コスト").code]
    out["NW"] = _net_assets_statement(
        chart, s, totals, net_cost=net_cost, opening=(na_open, fixed_open)
    )
    return Statements(lg_code=lg_code, fiscal_year=totals.fiscal_year, scope=scope, lines=out)


def _top(chart: Chart, stmt: str, name: str) -> Line:
    return next(ln for ln in chart.statement(stmt) if ln.name == name and ln.level == 1)


def _roll_up(chart: Chart, stmt: str, printed: dict[str, int]) -> None:
    """Fill sum lines (children, deepest first) and formula lines (in dependency order)."""
    lines = chart.statement(stmt)
    for ln in sorted((x for x in lines if x.kind == "sum"), key=lambda x: -x.level):
        printed[ln.code] = sum(printed[c.code] for c in chart.children(ln.code) if c.kind != "sub")
    pending = [ln for ln in lines if ln.kind == "formula"]
    while pending:
        ready = [ln for ln in pending if all(c in printed for _sign, c in ln.formula)]
        if not ready:
            raise ValueError(f"計算式が循環しています: {[ln.name for ln in pending]}")
        for ln in ready:
            printed[ln.code] = sum(sign * printed[c] for sign, c in ln.formula)
            pending.remove(ln)


def _net_assets_statement(
    chart: Chart, s: _Sums, totals: LedgerTotals, *, net_cost: int, opening: tuple[int, int]
) -> tuple[StatementLine, ...]:
    """The NW matrix: each row has 合計, 固定資産等形成分 and 余剰分（不足分）."""
    moves = totals.nw_moves
    rows: dict[str, tuple[int, int]] = {}  # code -> (total, fixed); surplus = total - fixed

    def row(role: str, total: int, fixed: int) -> None:
        rows[chart.one(role).code] = (total, fixed)

    na_open, fixed_open = opening
    row("nw_opening", na_open, fixed_open)
    row("nw_net_cost", -net_cost, 0)
    financing_total = 0
    for ln in chart.with_role("nw_financing"):
        amount = -s.movement[ln.code]
        rows[ln.code] = (amount, 0)
        financing_total += amount
    financing = chart[chart.with_role("nw_financing")[0].parent]
    rows[financing.code] = (financing_total, 0)
    difference = financing_total - net_cost
    row("nw_difference", difference, 0)
    inc_t, dec_t, inc_f, dec_f = (moves.get(k, 0) for k in INTERNAL)
    row("nw_tangible_increase", 0, inc_t)
    row("nw_tangible_decrease", 0, -dec_t)
    row("nw_financial_increase", 0, inc_f)
    row("nw_financial_decrease", 0, -dec_f)
    internal_net = inc_t - dec_t + inc_f - dec_f
    row("nw_internal", 0, internal_net)
    direct_total = direct_fixed_total = 0
    for ln in chart.with_role("nw_direct"):
        total = -s.movement[ln.code]
        fixed = moves.get(DIRECT_PREFIX + ln.code, 0)
        rows[ln.code] = (total, fixed)
        direct_total += total
        direct_fixed_total += fixed
    change = (difference + direct_total, internal_net + direct_fixed_total)
    row("nw_change", *change)
    row("nw_closing", na_open + change[0], fixed_open + change[1])

    out = []
    for ln in chart.statement("NW"):
        total, fixed = rows[ln.code]
        amounts = {NW_TOTAL: total, NW_FIXED: fixed, NW_SURPLUS: total - fixed}
        out.append(StatementLine(ln.code, ln.name, ln.path, ln.level, amounts=amounts))
    return tuple(out)


def as_json(statements: Statements, checks: Iterable[dict] = ()) -> dict:
    """The JSON contract of ``kokai statements --format json`` (docs/json-contract.md)."""
    return {
        "lg_code": statements.lg_code,
        "fiscal_year": statements.fiscal_year,
        "scope": statements.scope,
        "unit": "円",
        "statements": {k: [ln.as_json() for ln in v] for k, v in statements.lines.items()},
        "checks": list(checks),
    }


def totals_from_entries(chart: Chart, entries: Iterable, fiscal_year: int) -> LedgerTotals:
    """LedgerTotals from Entry values, through the same summary the ledger keeps: a way to
    build statements without a database (worked examples, tests)."""
    from .journal_frame import frame_from_entries
    from .summary import summarise

    entries = [e for e in entries if e.fiscal_year <= fiscal_year]
    balances, moves = summarise(frame_from_entries(entries), chart)
    rows = (
        balances.group_by("account", "fiscal_year", "opening").agg(pl.col("amount").sum())
        .filter(pl.col("amount") != 0).iter_rows()
    )
    this_year = moves.filter(pl.col("fiscal_year") == fiscal_year).group_by("category").agg(pl.col("amount").sum())
    return LedgerTotals(
        fiscal_year=fiscal_year, rows=tuple(rows), nw_moves=dict(this_year.iter_rows())
    )
