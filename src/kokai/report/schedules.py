"""附属明細書 of one 団体 and year, from the ledger, the 歳入歳出データ and the 固定資産台帳:
:func:`schedule_tables`. The tables are built by the Django-free :mod:`kokai.core.schedules`;
this module only asks the database, set-based:

* the statements from the running totals (:func:`kokai.ledger.reporting.statements_for`);
* the register's schedules (:mod:`kokai.assets.reports`, sums of the assets' changes);
* the cash records summed by the database per conversion key (年度, 方向, 款〜細節, 節名,
  細節名, 現年滞繰, 歳計外) with their 款名 — a few thousand rows whatever the year's size —,
  ruled by the 団体's 資金仕訳変換表 once per key, as the conversion does;
* for the keys that book PL 補助金等, their records summed again per 相手方, 摘要 and 目名
  (only the 節 those keys name are read);
* the records with a マッチングワークシート decision, one by one (they are few), ruled and
  decided exactly as :func:`kokai.cash.convert.convert_year` books them.

Only the 会計区分 of the 一般会計等 are read, as for the statements.
"""

from __future__ import annotations

import polars as pl
from django.db import connection

from kokai.assets.reports import (
    DEFAULT_PURPOSE,
    PURPOSES,
    purpose_schedule,
    schedule_figures,
    tangible_schedule,
)
from kokai.cash.models import CashRecord, MatchingDecision
from kokai.core.chart import Chart
from kokai.core.conversion import apply_rules
from kokai.core.matching import apply_decisions
from kokai.core.schedules import (
    CF_INVESTING,
    NW_GRANTS,
    NW_TAX,
    PL_GRANTS,
    STATE_GRANTS,
    TAX,
    GrantFlow,
    RevenueFlow,
    ScheduleSettings,
    cash_table,
    financing_info_table,
    grant_name,
    grant_purpose,
    grants_table,
    purpose_table,
    revenue_table,
    tangible_table,
)
from kokai.core.statements import Statements
from kokai.ledger.masters import chart_for
from kokai.ledger.models import Fund, LocalGovernment
from kokai.ledger.reporting import statements_for
from kokai.report.document import Table

KEY = ("direction", "kan", "kou", "moku", "setsu", "saisetsu", "setsu_name", "saisetsu_name", "arrears", "custodial")
DETAIL = ("kan_name", "kou_name", "moku_name", "counterparty", "description")
TARGETS = (PL_GRANTS, NW_TAX, NW_GRANTS)
REFUNDS = "還付金・返還金（歳出）"


def schedule_tables(*, lg: LocalGovernment, fiscal_year: int, settings: ScheduleSettings | None = None,
                    statements: Statements | None = None, figures=None) -> list[Table]:
    """This module's 附属明細書 in print order: 有形固定資産の明細, 有形固定資産の行政目的別明細,
    補助金等の明細, 財源の明細, 財源情報の明細, 資金の明細. ``statements`` (the year's, 一般会計等)
    may be given when the caller has built them already."""
    if settings is None:
        from kokai.ledger.lg_settings import schedule_settings

        settings = schedule_settings(lg)
    st = statements or statements_for(lg=lg, fiscal_year=fiscal_year)[0]
    grants, revenues = record_flows(lg=lg, fiscal_year=fiscal_year, settings=settings)
    figures = figures or schedule_figures(lg=lg, fiscal_year=fiscal_year)  # one pass over the register for both
    return [
        tangible_table(tangible_schedule(lg=lg, fiscal_year=fiscal_year, figures=figures), fiscal_year=fiscal_year),
        purpose_table(purpose_schedule(lg=lg, fiscal_year=fiscal_year, figures=figures), purposes=PURPOSES,
                      default_purpose=DEFAULT_PURPOSE, fiscal_year=fiscal_year),
        grants_table(grants, ledger_total=st.amount(PL_GRANTS), fiscal_year=fiscal_year, settings=settings),
        revenue_table(revenues, st),
        financing_info_table(st),
        cash_table(st),
    ]


def record_flows(*, lg: LocalGovernment, fiscal_year: int, settings: ScheduleSettings | None = None
                 ) -> tuple[list[GrantFlow], list[RevenueFlow]]:
    """The year's 補助金等 paid and 財源 received, as the conversion books the records. Stored
    decisions that no longer add up to their record are refused (InputRejected) as by the conversion."""
    from kokai.cash.services import rules_for
    from kokai.cash.worksheet import decisions_frame

    settings = settings or ScheduleSettings()
    funds = dict(Fund.objects.filter(lg=lg, scope=Fund.GENERAL).values_list("id", "code"))
    if not funds:
        return [], []
    table, hits = rules_for(lg), _Hits(chart_for(lg))
    decided = MatchingDecision.objects.filter(lg=lg, fiscal_year=fiscal_year).exists()
    where = _Where(lg.id, fiscal_year, list(funds), decided)
    grants: list[GrantFlow] = []
    revenues: list[RevenueFlow] = []

    # 1. undecided records per conversion key
    keys = _query(where, (*KEY, "kan_name"))
    grant_items: set[tuple[str, str]] = set()
    for row, debit, credit in _ruled(table, keys):
        for target, sign, cash in hits(debit, credit):
            if target == PL_GRANTS:
                grant_items.add((row["direction"], row["setsu"]))
            else:
                revenues.append(_revenue(row, target, sign * row["amount"], cash))

    # 2. the records of those keys that book 補助金等, per 相手方・摘要・目名
    if grant_items:
        details = _query(where, (*KEY, *DETAIL), items=sorted(grant_items))
        for row, debit, credit in _ruled(table, details):
            for target, sign, cash in hits(debit, credit):
                if target == PL_GRANTS:
                    grants.append(_grant(row, sign * row["amount"], cash, settings))

    # 3. decided records, one by one, as the worksheet decided them
    if decided:
        records = _query(where, ("fund", *KEY, *DETAIL, "voucher_no", "line_no"), decided_only=True, funds=funds)
        if records.height:
            ruled = apply_decisions(apply_rules(table, records), decisions_frame(lg=lg, fiscal_year=fiscal_year), table)
            for row in ruled.iter_rows(named=True):
                for target, sign, cash in hits(row["debit"], row["credit"]):
                    amount = sign * row["amount"]
                    if target == PL_GRANTS:
                        grants.append(_grant(row, amount, cash, settings))
                    else:
                        revenues.append(_revenue(row, target, amount, cash))
    return grants, revenues


class _Hits:
    """Which schedule lines a booking (借方, 貸方 paths) touches: (line, sign, its cash side),
    ``sign`` turning the record's amount into the line's printed amount. Memoised per pair."""

    def __init__(self, chart: Chart):
        self.chart = chart
        self.memo: dict[tuple[str | None, str | None], list[tuple[str, int, str]]] = {}

    def __call__(self, debit: str | None, credit: str | None) -> list[tuple[str, int, str]]:
        key = (debit, credit)
        if key not in self.memo:
            out = []
            if debit and credit:
                for path, other, side in ((debit, credit, 1), (credit, debit, -1)):
                    if path.startswith("CF/"):
                        continue
                    line = self.chart.statement_line(self.chart.resolve(path).code)
                    if line.qualified_path in TARGETS:
                        out.append((line.qualified_path, side * line.sign, other))
            self.memo[key] = out
        return self.memo[key]


class _Where:
    def __init__(self, lg_id: int, fiscal_year: int, fund_ids: list[int], decided: bool):
        self.lg_id, self.fiscal_year, self.fund_ids, self.decided = lg_id, fiscal_year, fund_ids, decided


def _query(where: _Where, columns: tuple[str, ...], *, items: list[tuple[str, str]] | None = None,
           decided_only: bool = False, funds: dict[int, str] | None = None) -> pl.DataFrame:
    """Cash records of the year, summed per ``columns`` (or, ``decided_only``, the records that
    have a worksheet decision, each on its own), as a frame with ``fiscal_year`` and ``amount``."""
    rec, dec = CashRecord._meta.db_table, MatchingDecision._meta.db_table
    cols = [("r.fund_id" if c == "fund" else f"r.{c}") for c in columns]
    sql = [f"r.lg_id = %s AND r.fiscal_year = %s AND r.fund_id IN ({', '.join(['%s'] * len(where.fund_ids))})"]
    params: list = [where.lg_id, where.fiscal_year, *where.fund_ids]
    if where.decided:
        exists = (f"EXISTS (SELECT 1 FROM {dec} d WHERE d.lg_id = r.lg_id AND d.fiscal_year = r.fiscal_year "
                  "AND d.fund_id = r.fund_id AND d.direction = r.direction AND d.voucher_no = r.voucher_no "
                  "AND d.line_no = r.line_no)")
        sql.append(exists if decided_only else f"NOT {exists}")
    if items:
        sql.append("(" + " OR ".join("(r.direction = %s AND r.setsu = %s)" for _ in items) + ")")
        params += [v or "" for item in items for v in item]
    text = f"SELECT {', '.join(cols)}, {'r.amount' if decided_only else 'SUM(r.amount)'} FROM {rec} r WHERE " + \
        " AND ".join(sql) + ("" if decided_only else f" GROUP BY {', '.join(cols)}")
    with connection.cursor() as cur:
        cur.execute(text, params)
        rows = cur.fetchall()
    ints, bools = ("fund", "line_no"), ("custodial",)
    schema = {c: pl.Int64 if c in ints else pl.Boolean if c in bools else pl.String for c in columns}
    frame = pl.DataFrame(
        [(*(bool(v) if c in bools else v for c, v in zip(columns, r[:-1], strict=True)), int(r[-1] or 0)) for r in rows],
        schema={**schema, "amount": pl.Int64}, orient="row",
    )
    if "fund" in frame.columns:
        frame = frame.with_columns(pl.col("fund").replace_strict(funds or {}, return_dtype=pl.String))
    return frame.with_columns(pl.lit(where.fiscal_year, pl.Int32).alias("fiscal_year"))


def _ruled(table, frame: pl.DataFrame):
    """(row, 借方, 貸方) of each row by the conversion table (rows without a journal skipped)."""
    if frame.height == 0:
        return
    for row in apply_rules(table, frame).iter_rows(named=True):
        if row["debit"] and row["credit"]:
            yield row, row["debit"], row["credit"]


def _revenue(row: dict, target: str, amount: int, cash: str) -> RevenueFlow:
    source = TAX if target == NW_TAX else STATE_GRANTS
    if row["direction"] == "E":
        return RevenueFlow(source, REFUNDS, 10_000, amount)
    kan = str(row.get("kan") or "").strip()
    label = (row.get("kan_name") or "").strip() or f"款 {kan}"
    return RevenueFlow(source, label, int(kan) if kan.isdigit() else 9_999, amount, cash.startswith(CF_INVESTING))


def _grant(row: dict, amount: int, cash: str, settings: ScheduleSettings) -> GrantFlow:
    return GrantFlow(grant_name(row, settings), (row.get("counterparty") or "").strip(), grant_purpose(row), amount,
                     cash.startswith(CF_INVESTING))
