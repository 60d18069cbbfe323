"""The book (財務書類一式) of one year: the four statements with 前年度 columns, every
附属明細書 and the 注記, as one Document (kokai.report.document), written to XLSX and PDF.

The parts come from where the figures live: the statements from the ledger; the
有形固定資産 and PL/NW/CF schedules from the ledger, the cash records and the register
(kokai.report.schedules); the registers' schedules (地方債, 基金, 貸付金, 投資及び出資金,
未収金 …) from the closing items' inputs (kokai.closing); the 引当金の明細 from the
ledger's 引当金 lines; the notes from the 団体's template (kokai.report.notes).

The charts (kokai.report.charts: 資産の構成, 行政コストの内訳, 資産・負債・純資産の比較,
有形固定資産減価償却率) follow the four statements they draw, before the 附属明細書: a
reader turns from the statements to their picture, and the 附属明細書 and 注記 keep their
places at the end as the 様式 set prints them.
"""

from __future__ import annotations

import time
from pathlib import Path

from kokai.assets.reports import depreciation_ratio, schedule_figures
from kokai.closing.services import outcomes
from kokai.core.statements import SCOPE_GENERAL
from kokai.ledger.masters import chart_for
from kokai.ledger.models import LocalGovernment
from kokai.ledger.reporting import fiscal_years, statements_for

from .charts import chart_parts as build_charts
from .document import Chart, Document, Table, TextSection
from .notes import notes_sections
from .schedules import schedule_tables
from .statement_tables import statement_tables

# 附属明細書 in the primer's order (statements.md §8); a table whose title is not listed
# goes after these, in the order produced.
SCHEDULE_ORDER = (
    "有形固定資産の明細", "有形固定資産の行政目的別明細", "投資及び出資金の明細", "基金の明細", "貸付金の明細",
    "長期延滞債権の明細", "未収金の明細", "地方債（借入先別）の明細", "地方債（利率別）の明細",
    "地方債（返済期間別）の明細", "特定の契約条項が付された地方債の概要", "引当金の明細", "補助金等の明細",
    "財源の明細", "財源情報の明細", "資金の明細",
)


def _order(t: Table) -> int:
    for i, name in enumerate(SCHEDULE_ORDER):
        if t.title.startswith(name) or t.key.startswith(name):
            return i
    return len(SCHEDULE_ORDER)


def build_document(
    *, lg: LocalGovernment, fiscal_year: int, unit: str = "千円", rounding: str = "四捨五入",
    scope: str = SCOPE_GENERAL,
) -> Document:
    chart = chart_for(lg)
    st, _checks = statements_for(lg=lg, fiscal_year=fiscal_year, scope=scope)
    prior = None
    if fiscal_year - 1 in fiscal_years(lg):
        prior, _ = statements_for(lg=lg, fiscal_year=fiscal_year - 1, scope=scope)
    figures = schedule_figures(lg=lg, fiscal_year=fiscal_year)  # one pass over the register for all
    parts: list[Table | TextSection | Chart] = list(statement_tables(st, prior, chart, lg_name=lg.name))
    parts += chart_parts(st, prior, lg=lg, fiscal_year=fiscal_year, figures=figures)
    schedules: list[Table] = schedule_tables(lg=lg, fiscal_year=fiscal_year, statements=st, figures=figures)

    done, _skipped = outcomes(lg=lg, fiscal_year=fiscal_year)
    for _m, out in done:
        schedules += list(out.tables)
    schedules.append(_provisions_table(lg, fiscal_year, chart, [f for _m, out in done for f in out.figures]))
    seen = set()
    for t in sorted(schedules, key=_order):
        if t.key not in seen:  # one sheet per schedule
            seen.add(t.key)
            parts.append(t)
    parts += notes_sections(lg=lg, fiscal_year=fiscal_year, unit=unit, rounding=rounding)
    return Document(lg_name=lg.name, fiscal_year=fiscal_year, scope=scope, unit=unit, rounding=rounding,
                    parts=tuple(parts))


def chart_parts(st, prior, *, lg: LocalGovernment, fiscal_year: int, figures=None) -> list[Chart]:
    """The book's charts from the statements (and 前年度's, when there are), with the
    有形固定資産減価償却率 per class read from the 固定資産台帳 (left out when the register
    has no depreciable asset)."""
    figures = figures or schedule_figures(lg=lg, fiscal_year=fiscal_year)
    ratio = depreciation_ratio(lg=lg, fiscal_year=fiscal_year, figures=figures)
    return build_charts(st, prior, ratio=ratio)


def _provisions_table(lg: LocalGovernment, fiscal_year: int, chart, figures=()) -> Table:
    """引当金の明細 from the ledger: each 引当金 line's balance at the start and end of the
    year and its 目的使用 from the year's postings; where a closing item reports the gross
    movement (a 洗替 posts one netted entry), its figures 「<引当金> 本年度減少額（目的使用）／
    （その他）」 are used instead."""
    from kokai.core.chart import ChartError
    from kokai.core.closing.provisions_table import provisions_table

    from .provisions import provision_figures

    prior, end, used = provision_figures(lg=lg, fiscal_year=fiscal_year, chart=chart)
    other: dict[str, int] = {}
    for f in figures:
        for suffix, target in ((" 本年度減少額（目的使用）", used), (" 本年度減少額（その他）", other)):
            if f.label.endswith(suffix):
                try:
                    code = chart.resolve(f.label.removesuffix(suffix)).code
                except (ChartError, KeyError):
                    continue  # a label naming no single line (e.g. a class of receivable)
                if code in end:
                    target[code] = f.amount
    return provisions_table(prior, end, used, other, chart=chart)


def write_book(
    *, lg: LocalGovernment, fiscal_year: int, out_dir: Path, unit: str = "千円", rounding: str = "四捨五入",
) -> tuple[Path, Path, float]:
    """Write 財務書類-<団体コード>-<年度>.xlsx and .pdf; return both paths and the seconds taken."""
    from .book_pdf import write_book_pdf
    from .book_xlsx import write_book_xlsx

    t0 = time.perf_counter()
    doc = build_document(lg=lg, fiscal_year=fiscal_year, unit=unit, rounding=rounding)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"財務書類-{lg.lg_code}-{fiscal_year}"
    xlsx, pdf = out_dir / f"{stem}.xlsx", out_dir / f"{stem}.pdf"
    write_book_xlsx(doc, xlsx)
    write_book_pdf(doc, pdf)
    return xlsx, pdf, time.perf_counter() - t0
