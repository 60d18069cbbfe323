"""The four statements as document tables (kokai.report.document), with 前年度 columns.

Each printed line becomes a row; a line that the 様式 computes from others (a heading's
subtotal, 資産合計, 純行政コスト, 本年度末資金残高 …) says which rows it sums, so the
workbook writes it as a formula and the PDF's subtotals can be checked against their
printed children.
"""

from __future__ import annotations

import datetime as dt

from kokai.core.chart import FORM_NUMBERS, STATEMENT_NAMES, Chart
from kokai.core.parse import wareki_date
from kokai.core.statements import NW_COLUMNS, NW_TOTAL, Statements

from .document import Row, Table

# Section headings printed before the first line of each section (not lines themselves).
HEADINGS = {
    "BS": {"固定資産": "【資産の部】", "固定負債": "【負債の部】", "固定資産等形成分": "【純資産の部】"},
    "CF": {
        "業務活動収支/業務支出": "【業務活動収支】",
        "投資活動収支/投資活動支出": "【投資活動収支】",
        "財務活動収支/財務活動支出": "【財務活動収支】",
    },
}
# NW rows the 様式 computes from other rows (by code); the rest follow the chart.
NW_FORMULAS = {
    "NW0060": ("NW0020", "NW0030"),  # 本年度差額 = 純行政コスト（△） + 財源
    "NW0180": ("NW0060", "NW0070", "NW0120", "NW0130", "NW0140", "NW0150", "NW0160", "NW0170"),
    "NW0190": ("NW0010", "NW0180"),  # 本年度末 = 前年度末 + 本年度純資産変動額
}


def period(fiscal_year: int, stmt: str) -> str:
    end = dt.date(fiscal_year + 1, 3, 31)
    if stmt == "BS":
        return f"（{wareki_date(end)}現在）"
    return f"自 {wareki_date(dt.date(fiscal_year, 4, 1))}　至 {wareki_date(end)}"


def statement_tables(st: Statements, prior: Statements | None, chart: Chart, *, lg_name: str) -> list[Table]:
    return [_table(st, prior, chart, stmt, lg_name=lg_name) for stmt in ("BS", "PL", "NW", "CF")]


def _table(st: Statements, prior: Statements | None, chart: Chart, stmt: str, *, lg_name: str) -> Table:
    nw = stmt == "NW"
    columns = (*NW_COLUMNS, f"前年度（{NW_TOTAL}）") if nw else ("本年度", "前年度", "増減")
    before = {ln.code: ln for ln in prior.lines[stmt]} if prior else {}
    printed = st.lines[stmt]
    index: dict[str, int] = {}
    rows: list[Row] = []
    headings = HEADINGS.get(stmt, {})
    for ln in printed:
        if ln.path in headings:
            rows.append(Row(headings[ln.path], heading=True, level=0))
        index[ln.code] = len(rows)
        old = before.get(ln.code)
        if nw:
            prev = old.amounts[NW_TOTAL] if old else None
            values = (*(ln.amounts[c] for c in NW_COLUMNS), prev)
        else:
            prev = old.amount if old else None
            values = (ln.amount, prev, None if prev is None else ln.amount - prev)
        rows.append(Row(ln.name, values, level=ln.level, bold=ln.level == 1))
    out = []
    for ln, row in ((ln, rows[index[ln.code]]) for ln in printed):
        sum_of = _sum_of(chart, ln.code, index, stmt)
        out.append((index[ln.code], Row(row.label, row.values, row.level, row.bold or bool(sum_of), sum_of)))
    for i, row in out:
        rows[i] = row
    # first year on Kokai: the 前年度 columns stay empty, the 増減 too
    note = ("前年度の財務書類がないため前年度欄は空欄です。",) if prior is None else ()
    return Table(
        key=f"{FORM_NUMBERS[stmt]}",
        title=f"{STATEMENT_NAMES[stmt]}（{st.scope}）",
        subtitle=period(st.fiscal_year, stmt),
        columns=columns,
        rows=tuple(rows),
        group="財務書類",
        landscape=nw,
        notes=note,
    )


def _sum_of(chart: Chart, code: str, index: dict[str, int], stmt: str) -> tuple[tuple[int, int], ...]:
    line = chart[code]
    if line.kind == "formula":
        return tuple((sign, index[c]) for sign, c in line.formula if c in index)
    if stmt == "NW" and code in NW_FORMULAS:
        return tuple((1, index[c]) for c in NW_FORMULAS[code] if c in index)
    if line.kind in ("sum", "computed"):
        kids = [c.code for c in chart.children(code) if c.code in index and c.kind != "sub"]
        return tuple((1, index[c]) for c in kids)
    return ()
