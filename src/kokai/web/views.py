"""Server-rendered screens: the list of 団体 and years, and the four statements of a year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import urlencode

from kokai.core.chart import FORM_NUMBERS, STATEMENT_NAMES
from kokai.core.parse import wareki_date, wareki_year
from kokai.core.statements import NW_COLUMNS, SCOPE_GENERAL
from kokai.core.units import ROUNDINGS, UNITS, format_amount, rounding_note
from kokai.ledger.masters import chart_for
from kokai.ledger.models import LocalGovernment
from kokai.ledger.reporting import fiscal_years, statements_for

STATEMENT_ORDER = ("BS", "PL", "NW", "CF")
DEFAULT_UNIT, DEFAULT_ROUNDING = "円", "四捨五入"
# NW lines that close a block of the 様式 (printed bold, like the formula lines elsewhere).
NW_TOTAL_NAMES = {"本年度差額", "本年度純資産変動額", "本年度末純資産残高"}
# Headings of the two sides of the 貸借対照表, inserted before the first line of each part.
BS_PARTS = {"固定資産": "資産の部", "固定負債": "負債の部", "固定資産等形成分": "純資産の部"}


@dataclass(frozen=True)
class Cell:
    text: str
    negative: bool
    column: str = ""


@dataclass(frozen=True)
class Row:
    qualified_path: str
    name: str
    level: int
    style: str  # "total" | "subtotal" | ""
    cells: tuple[Cell, ...]
    part: str = ""  # heading before this row: BS 資産の部 etc., CF 業務活動収支 etc.


def _show(amount: int | None, unit: str, rounding: str) -> Cell:
    """'-' for nothing at all; otherwise the rounded figure (△ for negatives)."""
    if amount is None:
        return Cell("", False)
    if amount == 0:
        return Cell("-", False)
    text = format_amount(amount, unit, rounding)
    return Cell(text, text.startswith("△"))


def _style(stmt: str, line, kind: str) -> str:
    if kind == "formula" or (stmt == "NW" and line.path in NW_TOTAL_NAMES):
        return "total"
    if kind == "sum" and line.level == 1:
        return "subtotal"
    return ""


def _root(chart, code: str) -> str:
    while chart[code].parent:
        code = chart[code].parent
    return code


def _rows(stmt: str, lines, chart, unit: str, rounding: str) -> list[Row]:
    top = min((ln.level for ln in lines), default=1)
    rows = []
    current_root = ""
    for ln in lines:
        kind = chart[ln.code].kind if ln.code in chart else ""
        if ln.amounts is not None:
            cells = tuple(
                replace(_show(ln.amounts.get(c), unit, rounding), column=c) for c in NW_COLUMNS
            )
        else:
            cells = (_show(ln.amount, unit, rounding),)
        part = ""
        if stmt == "BS":
            part = BS_PARTS.get(ln.path, "")
        elif stmt == "CF" and ln.code in chart:
            # 【業務活動収支】 etc. before each block of 様式第4号 (its total comes after it)
            root = _root(chart, ln.code)
            if root != ln.code and root != current_root:
                part = chart[root].name
            current_root = root
        rows.append(
            Row(f"{stmt}/{ln.path}", ln.name, ln.level - top, _style(stmt, ln, kind), cells, part)
        )
    return rows


def _choice(request: HttpRequest, name: str, allowed, default: str) -> str:
    value = request.GET.get(name, default)
    return value if value in allowed else default


def years(request: HttpRequest) -> HttpResponse:
    """Each registered 団体 with the fiscal years that have entries."""
    groups = [
        {"lg": lg, "years": [(y, wareki_year(y)) for y in reversed(fiscal_years(lg))]}
        for lg in LocalGovernment.objects.order_by("lg_code")
    ]
    return render(request, "kokai/years.html", {"groups": groups})


def statements(request: HttpRequest, lg_code: str, year: int) -> HttpResponse:
    """The four statements (様式第1号〜第4号) of one year, with the checks C1–C13."""
    lg = get_object_or_404(LocalGovernment, lg_code=lg_code)
    if year not in fiscal_years(lg):
        raise Http404(f"{wareki_year(year)}の仕訳はありません")
    unit = _choice(request, "unit", UNITS, DEFAULT_UNIT)
    rounding = _choice(request, "rounding", ROUNDINGS, DEFAULT_ROUNDING)
    st, checks = statements_for(lg=lg, fiscal_year=year)
    chart = chart_for(lg)
    year_end = wareki_date(dt.date(year + 1, 3, 31))
    period = f"自 {wareki_date(dt.date(year, 4, 1))}　至 {year_end}"
    sections = []
    for stmt in STATEMENT_ORDER:
        rows = _rows(stmt, st.lines.get(stmt, ()), chart, unit, rounding)
        section = {
            "code": stmt,
            "form": FORM_NUMBERS[stmt],
            "name": STATEMENT_NAMES[stmt],
            "as_of": f"（{year_end}現在）" if stmt == "BS" else f"（{period}）",
            "rows": rows,
            "columns": NW_COLUMNS if stmt == "NW" else (),
        }
        if stmt == "BS":  # 資産の部 | 負債及び純資産の部, side by side as in 様式第1号
            split = next((i for i, r in enumerate(rows) if r.part == "負債の部"), len(rows))
            section["left"], section["right"] = rows[:split], rows[split:]
        sections.append(section)

    def link(**change: str) -> str:
        return "?" + urlencode({"unit": unit, "rounding": rounding} | change)

    context = {
        "lg": lg,
        "year": year,
        "year_label": wareki_year(year),
        "scope": SCOPE_GENERAL,
        "sections": sections,
        "checks": [
            {
                "id": c.id,
                "name": c.name,
                "ok": c.ok,
                "left_label": c.left_label,
                "left": format_amount(c.left),
                "right_label": c.right_label,
                "right": format_amount(c.right),
            }
            for c in checks
        ],
        "checks_ok": all(c.ok for c in checks),
        "unit": unit,
        "rounding": rounding,
        "unit_links": [(u, link(unit=u), u == unit) for u in UNITS],
        "rounding_links": [(r, link(rounding=r), r == rounding) for r in ROUNDINGS],
        "note": rounding_note(unit, rounding),
        "other_years": [(y, wareki_year(y)) for y in fiscal_years(lg)],
    }
    return render(request, "kokai/statements.html", context)
