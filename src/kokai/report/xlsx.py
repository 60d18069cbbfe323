"""The four statements as an XLSX workbook in the 様式 layout (one sheet per 様式).

Figures are written as numbers rounded to the chosen display unit, with a number format
that prints negatives with △ as the 様式 does; the rounding rule is stated on each sheet.
"""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from kokai.core.chart import FORM_NUMBERS, STATEMENT_NAMES
from kokai.core.checks import Check
from kokai.core.parse import wareki_year
from kokai.core.statements import NW_COLUMNS, Statements
from kokai.core.units import rounding_note, to_unit

from .statement_tables import HEADINGS, period

NUMBER_FORMAT = '#,##0;"△"#,##0;0'


def write_statements(
    path: Path, st: Statements, checks: list[Check], *, lg_name: str, unit: str = "円", rounding: str = "四捨五入"
) -> None:
    wb = xlsxwriter.Workbook(str(path))
    try:
        fmt = _formats(wb)
        for stmt in ("BS", "PL", "NW", "CF"):
            _statement_sheet(wb, fmt, st, stmt, lg_name=lg_name, unit=unit, rounding=rounding)
        _checks_sheet(wb, fmt, checks)
        wb.set_properties({"title": f"{lg_name} {wareki_year(st.fiscal_year)} 財務書類", "author": "Kokai"})
    finally:
        wb.close()


def _formats(wb) -> dict:
    base = {"font_name": "IPAexゴシック", "font_size": 10, "valign": "vcenter"}
    f = {
        "title": wb.add_format({**base, "bold": True, "font_size": 14, "align": "center"}),
        "sub": wb.add_format({**base, "align": "center"}),
        "unit": wb.add_format({**base, "align": "right"}),
        "head": wb.add_format({**base, "bold": True, "align": "center", "border": 1, "bg_color": "#E8EEF4"}),
        "heading": wb.add_format({**base, "bold": True, "border": 1}),
        "note": wb.add_format({**base, "font_size": 9, "text_wrap": True, "valign": "top"}),
        "text": wb.add_format(base),
    }
    for bold in (False, True):
        f[("num", bold)] = wb.add_format({**base, "num_format": NUMBER_FORMAT, "border": 1, "bold": bold})
        for level in range(1, 6):
            f[("name", level, bold)] = wb.add_format({**base, "indent": level - 1, "border": 1, "bold": bold})
    return f


def _statement_sheet(wb, fmt, st: Statements, stmt: str, *, lg_name: str, unit: str, rounding: str) -> None:
    ws = wb.add_worksheet(f"{FORM_NUMBERS[stmt]} {STATEMENT_NAMES[stmt]}")
    nw = stmt == "NW"
    last_col = 3 if nw else 1
    ws.set_column(0, 0, 46)
    ws.set_column(1, last_col, 18)
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.hide_gridlines(2)
    ws.merge_range(0, 0, 0, last_col, f"{STATEMENT_NAMES[stmt]}（{st.scope}）", fmt["title"])
    ws.merge_range(1, 0, 1, last_col, f"{lg_name}　{period(st.fiscal_year, stmt)}", fmt["sub"])
    ws.merge_range(2, 0, 2, last_col, f"（単位：{unit}）", fmt["unit"])
    ws.write(3, 0, "科目", fmt["head"])
    if nw:
        for i, col in enumerate(NW_COLUMNS, start=1):
            ws.write(3, i, col, fmt["head"])
    else:
        ws.write(3, 1, "金額", fmt["head"])
    ws.repeat_rows(3)
    row = 4
    headings = HEADINGS.get(stmt, {})
    for ln in st.lines[stmt]:
        if ln.path in headings:
            ws.merge_range(row, 0, row, last_col, headings[ln.path], fmt["heading"])
            row += 1
        bold = ln.level == 1
        ws.write(row, 0, ln.name, fmt[("name", min(ln.level, 5), bold)])
        if nw:
            for i, col in enumerate(NW_COLUMNS, start=1):
                ws.write_number(row, i, to_unit(ln.amounts[col], unit, rounding), fmt[("num", bold)])
        else:
            ws.write_number(row, 1, to_unit(ln.amount, unit, rounding), fmt[("num", bold)])
        row += 1
    ws.merge_range(row + 1, 0, row + 2, last_col, rounding_note(unit, rounding), fmt["note"])


def _checks_sheet(wb, fmt, checks: list[Check]) -> None:
    ws = wb.add_worksheet("整合性チェック")
    ws.set_column(0, 0, 6)
    ws.set_column(1, 1, 60)
    ws.set_column(2, 2, 8)
    ws.set_column(3, 3, 40)
    ws.set_column(4, 4, 18)
    ws.set_column(5, 5, 40)
    ws.set_column(6, 6, 18)
    for i, h in enumerate(("番号", "チェック", "結果", "左辺", "金額（円）", "右辺", "金額（円）")):
        ws.write(0, i, h, fmt["head"])
    for r, c in enumerate(checks, start=1):
        ws.write(r, 0, c.id, fmt["text"])
        ws.write(r, 1, c.name, fmt["text"])
        ws.write(r, 2, "一致" if c.ok else "不一致", fmt["text"])
        ws.write(r, 3, c.left_label, fmt["text"])
        ws.write_number(r, 4, c.left, fmt[("num", False)])
        ws.write(r, 5, c.right_label, fmt["text"])
        ws.write_number(r, 6, c.right, fmt[("num", False)])
