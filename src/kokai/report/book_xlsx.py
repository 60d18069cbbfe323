"""The book (財務書類, グラフ, 附属明細書, 注記) as one XLSX workbook: 「目次」 first, then one
sheet per :class:`~kokai.report.document.Table` (sheet name = key), one per
:class:`~kokai.report.document.Chart` (its figures as a table, and below them a native
chart that reads exactly those cells, so the data behind every chart is in the workbook)
and one text sheet per :class:`~kokai.report.document.TextSection`, each set up to print
on A4, one page wide.

How the display unit and the subtotal formulas agree ("rounding happens once"):

* 円, or 千円/百万円 with 四捨五入: every amount cell holds **exact yen** and the number
  format scales it (``#,##0,`` shows 千円, ``#,##0,,`` 百万円; Excel and LibreOffice both
  divide by 1,000 per trailing comma and round half away from zero, which is
  :func:`kokai.core.units.to_unit` on the absolute value). A subtotal row is a formula over
  its children's cells (``=B5+B6-B9``) so it sums exact yen and is rounded once, on
  display, exactly like the PDF. A conditional format shows a negative amount that rounds
  to zero as ``0`` (not ``△0``). The sheet note says the cells are in yen, so a user who
  edits a figure types yen.
* 千円/百万円 with 切り捨て (or any rule a number format cannot do): each plain row's cell
  holds its amount already converted with ``to_unit`` and the subtotal formulas sum those
  printed figures, so a subtotal always equals the sum of its printed children; the note
  says so, and that such a subtotal can be lower than the truncated exact total by up to
  one unit per child (the PDF prints the truncated exact total).

Every formula is written with its result (``write_formula(..., value=...)``) so readers
that do not recalculate show the figure. Percent cells hold the fraction with a ``%``
format; negatives print with △ as the 様式 does.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from kokai.core.parse import wareki_year
from kokai.core.units import UNITS, rounding_note, to_unit
from kokai.report.document import (
    BAR,
    COLUMN_CLUSTERED,
    COUNT,
    PERCENT,
    PIE,
    TEXT,
    YEN,
    Chart,
    Document,
    Paragraph,
    Table,
    TextSection,
)

TOC_SHEET = "目次"
FONT = "IPAexゴシック"
COUNT_FORMAT = '#,##0;"△"#,##0;0'
PERCENT_FORMAT = '0.00%;"△"0.00%;0.00%'
SCALED_FORMAT = {1: COUNT_FORMAT, 1_000: '#,##0,;"△"#,##0,;0', 1_000_000: '#,##0,,;"△"#,##0,,;0'}
SMALL_NEGATIVE_FORMAT = {1_000: "#,##0,;#,##0,;0", 1_000_000: "#,##0,,;#,##0,,;0"}
TITLE_ROWS = 3  # title, 団体・期間, 単位; the header row follows
LABEL_WIDTH = (20, 60)
VALUE_WIDTH = 14
FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
CHART_WIDTH = 80  # characters: a chart sheet is at least this wide, the chart as wide as the sheet
CHART_HEIGHT = 340  # pixels
ROW_PX = 20  # a default row (15 points)
CHART_TYPES = {BAR: {"type": "bar"}, PIE: {"type": "pie"}, COLUMN_CLUSTERED: {"type": "column", "subtype": "clustered"}}
SERIES_COLORS = ("#4472C4", "#ED7D31", "#A5A5A5", "#FFC000", "#5B9BD5", "#70AD47", "#264478", "#9E480E")


def cells_hold_yen(doc: Document) -> bool:
    """True when amount cells hold exact yen and the number format does the rounding."""
    return UNITS[doc.unit] == 1 or doc.rounding == "四捨五入"


def amount_note(doc: Document) -> str:
    """The rounding rule as the workbook applies it (stated on every sheet)."""
    if UNITS[doc.unit] == 1:
        return rounding_note(doc.unit, doc.rounding) + "合計行は内訳のセルを足す数式です。"
    if cells_hold_yen(doc):
        return (
            rounding_note(doc.unit, doc.rounding)
            + f"セルには円単位の金額が入っており、表示形式で{doc.unit}単位に四捨五入して表示しています"
            "（金額を直すときは円単位で入力してください）。合計行は内訳のセルを足す数式です。"
        )
    return (
        f"金額は{doc.unit}単位で表示し、{doc.unit}未満を{doc.rounding}しています。セルには各内訳を個別に"
        f"{doc.rounding}した{doc.unit}単位の金額が入っており、合計行はその内訳を足す数式です。"
        f"このため合計行は円単位の合計を{doc.rounding}した額と、内訳の数×1{doc.unit}まで違うことがあります。"
    )


def write_book_xlsx(doc: Document, path: Path) -> None:
    for part in doc.parts:
        if part.key == TOC_SHEET:
            raise ValueError(f"表のキー「{TOC_SHEET}」は目次のシート名なので使えません。別のキーにしてください。")
    wb = xlsxwriter.Workbook(str(path))
    try:
        fmt = _Formats(wb)
        toc = wb.add_worksheet(TOC_SHEET)
        for part in doc.parts:
            ws = wb.add_worksheet(part.key)
            if isinstance(part, Table):
                _table_sheet(ws, fmt, doc, part)
            elif isinstance(part, Chart):
                _chart_sheet(wb, ws, fmt, doc, part)
            else:
                _text_sheet(ws, fmt, doc, part)
        _toc_sheet(toc, fmt, doc)
        wb.set_properties({"title": book_title(doc), "author": doc.lg_name, "comments": "Kokai"})
    finally:
        wb.close()


def book_title(doc: Document) -> str:
    return f"{doc.lg_name}　{wareki_year(doc.fiscal_year)}　財務書類（{doc.scope}）"


class _Formats:
    """XlsxWriter formats made once per workbook and shared by every sheet."""

    def __init__(self, wb) -> None:
        self.wb = wb
        self.base = {"font_name": FONT, "font_size": 10, "valign": "vcenter"}
        self.cache: dict[tuple, object] = {}

    def get(self, *key) -> object:
        if key not in self.cache:
            self.cache[key] = self.wb.add_format({**self.base, **_FORMATS[key[0]](*key[1:])})
        return self.cache[key]

    def conditional(self, num_format: str) -> object:
        key = ("cond", num_format)
        if key not in self.cache:
            self.cache[key] = self.wb.add_format({"num_format": num_format})
        return self.cache[key]


_FORMATS = {
    "title": lambda: {"bold": True, "font_size": 14, "align": "center"},
    "sub": lambda: {"align": "center"},
    "unit": lambda: {"align": "right"},
    "head": lambda: {"bold": True, "align": "center", "border": 1, "bg_color": "#E8EEF4", "text_wrap": True},
    "heading": lambda: {"bold": True, "border": 1},
    "caption": lambda: {"bold": True, "font_size": 11},
    "note": lambda: {"font_size": 9, "text_wrap": True, "valign": "top"},
    "para": lambda level: {
        "text_wrap": True,
        "valign": "top",
        "bold": level <= 2,
        "font_size": 11 if level == 1 else 10,
        "indent": max(level - 1, 0),
    },
    "label": lambda level, bold: {"indent": max(level - 1, 0), "border": 1, "bold": bold},
    "text": lambda bold: {"border": 1, "bold": bold},
    "num": lambda num_format, bold: {"num_format": num_format, "border": 1, "bold": bold},
    "link": lambda: {"font_color": "blue", "underline": 1},
    "plain": lambda: {},
}


def _width(text: str) -> int:
    """Display width in half-width characters (a full-width character counts 2)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


def _span(ws, row: int, first: int, last: int, text: str, fmt) -> None:
    if last > first:
        ws.merge_range(row, first, row, last, text, fmt)
    else:
        ws.write_string(row, first, text, fmt)


def _lines(text: str, width_chars: float) -> int:
    per_line = max(width_chars * 0.95, 10)
    return sum(max(1, -(-_width(part) // int(per_line))) for part in text.split("\n"))


def _note_row(ws, fmt, row: int, last_col: int, text: str, width_chars: float) -> None:
    ws.set_row(row, 13.5 * _lines(text, width_chars) + 2)
    _span(ws, row, 0, last_col, text, fmt.get("note"))


def _print_setup(ws, landscape: bool) -> None:
    ws.set_paper(9)  # A4
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    ws.set_footer("&C- &P -")
    ws.hide_gridlines(2)


def _num_format(doc: Document, kind: str) -> str:
    if kind == YEN:
        return SCALED_FORMAT[UNITS[doc.unit]] if cells_hold_yen(doc) else COUNT_FORMAT
    if kind == PERCENT:
        return PERCENT_FORMAT
    return COUNT_FORMAT


def _cell_values(doc: Document, table: Table, col: int) -> list[int | None]:
    """What each row's cell holds in a yen or count column (sums for subtotal rows).

    Checks that every subtotal's own figure is the signed sum of its children, so that a
    recalculated workbook shows the same figure as the document.
    """
    kind = table.kinds[col]
    scale = kind == YEN and not cells_hold_yen(doc)
    done: dict[int, int | None] = {}

    def exact(i: int, seen: tuple[int, ...] = ()) -> int:
        row = table.rows[i]
        if not row.sum_of:
            v = row.values[col] if not row.heading else None
            return v if isinstance(v, int) else 0
        if i in seen:
            raise ValueError(f"{table.key}: {i}行目「{row.label}」の合計対象が循環しています")
        return sum(sign * exact(j, (*seen, i)) for sign, j in row.sum_of)

    def shown(i: int, seen: tuple[int, ...] = ()) -> int | None:
        if i in done:
            return done[i]
        row = table.rows[i]
        v = None if row.heading else row.values[col]
        if not isinstance(v, int):
            out = None
        elif row.sum_of:
            s = exact(i)
            if s != v:
                raise ValueError(
                    f"{table.key}: {i}行目「{row.label}」の「{table.columns[col]}」{v:,} が"
                    f"内訳の合計 {s:,} と一致しません。合計行の金額か sum_of を直してください。"
                )
            out = sum(sign * (shown(j) or 0) for sign, j in row.sum_of)
        else:
            out = to_unit(v, doc.unit, doc.rounding) if scale else v
        done[i] = out
        return out

    return [shown(i) for i in range(len(table.rows))]


def _formula(table: Table, i: int, col: int, first_data_row: int) -> str:
    terms = []
    for sign, j in table.rows[i].sum_of:
        ref = xl_rowcol_to_cell(first_data_row + j, col + 1)
        terms.append(("-" if sign < 0 else "+") + ref)
    text = "".join(terms)
    return "=" + (text[1:] if text.startswith("+") else text)


def _percent(v: int | str | None):
    return v / 10_000 if isinstance(v, int) else v


def _write_table(ws, fmt, doc: Document, table: Table, top: int) -> int:
    """Header row at ``top``, the rows below; returns the row after the last one."""
    ws.write_string(top, 0, table.label_header, fmt.get("head"))
    for c, name in enumerate(table.columns, start=1):
        ws.write_string(top, c, name, fmt.get("head"))
    first = top + 1
    last_col = len(table.columns)
    sums = {c: _cell_values(doc, table, c) for c, k in enumerate(table.kinds) if k in (YEN, COUNT)}
    for i, row in enumerate(table.rows):
        r = first + i
        if row.heading:
            _span(ws, r, 0, last_col, row.label, fmt.get("heading"))
            continue
        ws.write_string(r, 0, row.label, fmt.get("label", min(row.level, 8), row.bold))
        for c, kind in enumerate(table.kinds):
            cell_fmt = fmt.get("num", _num_format(doc, kind), row.bold)
            if kind in (YEN, COUNT):
                v = sums[c][i]
                if v is None:
                    ws.write_blank(r, c + 1, None, cell_fmt)
                elif row.sum_of:
                    ws.write_formula(r, c + 1, _formula(table, i, c, first), cell_fmt, v)
                else:
                    ws.write_number(r, c + 1, v, cell_fmt)
                continue
            v = _percent(row.values[c]) if kind == PERCENT else row.values[c]
            if v is None:
                ws.write_blank(r, c + 1, None, fmt.get("text", row.bold))
            elif isinstance(v, str) or kind == TEXT:
                ws.write_string(r, c + 1, str(v), fmt.get("text", row.bold))
            else:
                ws.write_number(r, c + 1, v, cell_fmt)
    end = first + len(table.rows)
    div = UNITS[doc.unit]
    if cells_hold_yen(doc) and div > 1 and table.rows:
        for c, kind in enumerate(table.kinds):
            if kind != YEN:
                continue
            ref = xl_rowcol_to_cell(first, c + 1)
            ws.conditional_format(
                first, c + 1, end - 1, c + 1,
                {
                    "type": "formula",
                    "criteria": f"=AND({ref}<0,{ref}>-{div // 2})",
                    "format": fmt.conditional(SMALL_NEGATIVE_FORMAT[div]),
                },
            )
    return end


def _set_widths(ws, tables: list[Table], min_label: int = LABEL_WIDTH[0]) -> float:
    """Column widths for these tables; returns the total width in characters."""
    label = max(
        [min_label]
        + [_width(t.label_header) + 2 for t in tables]
        + [_width(r.label) + 2 * r.level + 2 for t in tables for r in t.rows if not r.heading]
    )
    label = min(label, LABEL_WIDTH[1])
    ws.set_column(0, 0, label)
    ncols = max([len(t.columns) for t in tables] + [0])
    widths = [VALUE_WIDTH] * ncols
    for t in tables:
        for c, name in enumerate(t.columns):
            widths[c] = max(widths[c], min(_width(name) + 2, 24))
    for c, w in enumerate(widths, start=1):
        ws.set_column(c, c, w)
    return label + sum(widths)


def _heading_lines(ws, fmt, doc: Document, title: str, subtitle: str, last_col: int, unit: str = "") -> None:
    _span(ws, 0, 0, last_col, title, fmt.get("title"))
    ws.set_row(0, 22)
    sub = "　".join(s for s in (doc.lg_name, doc.scope, subtitle) if s)
    _span(ws, 1, 0, last_col, sub, fmt.get("sub"))
    _span(ws, 2, 0, last_col, f"（単位：{unit or doc.unit}）", fmt.get("unit"))


def _table_sheet(ws, fmt, doc: Document, table: Table) -> None:
    last_col = len(table.columns)
    width = _set_widths(ws, [table])
    _print_setup(ws, table.landscape)
    _heading_lines(ws, fmt, doc, table.title, table.subtitle, last_col)
    header = TITLE_ROWS
    end = _write_table(ws, fmt, doc, table, header)
    ws.repeat_rows(header)
    ws.freeze_panes(header + 1, 0)
    row = end + 1
    for note in table.notes:
        _note_row(ws, fmt, row, last_col, note, width)
        row += 1
    _note_row(ws, fmt, row, last_col, amount_note(doc), width)


def _chart_sheet(wb, ws, fmt, doc: Document, chart: Chart) -> None:
    """The chart's figures as a table (header on row 4, as on every table sheet), its notes,
    then the chart below, as wide as the sheet (a column of w characters is 7w + 5 pixels
    in Excel's default font), reading the category and value cells."""
    table = chart.data_table()
    width = _set_widths(ws, [table], min_label=24)
    last_col = len(table.columns)
    while width < CHART_WIDTH:  # blank columns so the chart (and the title over it) has room
        last_col += 1
        ws.set_column(last_col, last_col, VALUE_WIDTH)
        width += VALUE_WIDTH
    _print_setup(ws, chart.landscape)
    yen = chart.value_kind == YEN
    _heading_lines(ws, fmt, doc, chart.title, chart.subtitle, last_col, "" if yen else "％")
    header = TITLE_ROWS
    end = _write_table(ws, fmt, doc, table, header)
    row = end + 1
    for note in (*chart.notes, amount_note(doc)) if yen else chart.notes:
        _note_row(ws, fmt, row, last_col, note, width)
        row += 1
    first, last = header + 1, header + len(chart.categories)
    num_format = _num_format(doc, chart.value_kind)
    font = {"name": FONT, "size": 9}
    xl = wb.add_chart(CHART_TYPES[chart.kind])
    for c in range(1, len(chart.series) + 1):
        series = {
            "name": [ws.name, header, c],
            "categories": [ws.name, first, 0, last, 0],
            "values": [ws.name, first, c, last, c],
            "data_labels": {"value": True, "num_format": num_format, "font": font},
        }
        if chart.kind == PIE:
            # shares on the slices, names in the legend (as the PDF does)
            series["data_labels"] = {"percentage": True, "leader_lines": True, "position": "best_fit", "font": font}
            series["points"] = [{"fill": {"color": SERIES_COLORS[i % len(SERIES_COLORS)]}}
                                for i in range(len(chart.categories))]
        else:
            series["fill"] = {"color": SERIES_COLORS[(c - 1) % len(SERIES_COLORS)]}
            series["gap"] = 60
        xl.add_series(series)
    xl.set_title({"name": chart.title, "name_font": {"name": FONT, "size": 12, "bold": True}})
    if chart.kind == PIE:
        xl.set_legend({"position": "right", "font": font})
    else:
        # XlsxWriter's x axis is the horizontal one: the value axis of a bar chart
        value_axis = {"num_format": num_format, "num_font": font, "major_gridlines": {"visible": True},
                      **({"name": f"（{doc.unit}）", "name_font": font} if yen else {})}
        category_axis = {"num_font": font}
        if chart.kind == BAR:
            # the first category at the top, as in the table, and the value axis still at the bottom
            category_axis.update(reverse=True, crossing="max")
            xl.set_x_axis(value_axis)
            xl.set_y_axis(category_axis)
        else:
            xl.set_x_axis(category_axis)
            xl.set_y_axis(value_axis)
        xl.set_legend({"none": True} if len(chart.series) == 1 else {"position": "bottom", "font": font})
    xl.set_size({"width": int(width * 7 + 5 * (last_col + 1)), "height": CHART_HEIGHT})
    ws.insert_chart(row + 1, 0, xl, {"object_position": 1})
    ws.print_area(0, 0, row + 1 + -(-CHART_HEIGHT // ROW_PX), last_col)


def _text_sheet(ws, fmt, doc: Document, section: TextSection) -> None:
    tables = [p for p in section.paragraphs if isinstance(p, Table)]
    last_col = max([len(t.columns) for t in tables] + [3])
    width = _set_widths(ws, tables, min_label=40 if tables else 50)
    for c in range(max([len(t.columns) for t in tables] + [0]) + 1, last_col + 1):
        ws.set_column(c, c, VALUE_WIDTH)
        width += VALUE_WIDTH
    _print_setup(ws, False)
    _heading_lines(ws, fmt, doc, section.title, "", last_col)
    row = TITLE_ROWS + 1
    n1 = n2 = 0
    for p in section.paragraphs:
        if isinstance(p, Paragraph):
            if p.level == 1:
                n1, n2 = n1 + 1, 0
                text = f"{str(n1).translate(FULLWIDTH_DIGITS)}．{p.text}"
            elif p.level == 2:
                n2 += 1
                text = f"({n2}) {p.text}"
            else:
                text = p.text
            ws.set_row(row, 15 * _lines(text, width - 2 * max(p.level - 1, 0)) + 3)
            _span(ws, row, 0, last_col, text, fmt.get("para", p.level))
            row += 1
            continue
        row += 0 if row == TITLE_ROWS + 1 else 1
        caption = "　".join(s for s in (p.title, p.subtitle) if s)
        _span(ws, row, 0, last_col, caption, fmt.get("caption"))
        ncols = len(p.columns)
        _span(ws, row + 1, 0, max(ncols, 1), f"（単位：{doc.unit}）", fmt.get("unit"))
        row = _write_table(ws, fmt, doc, p, row + 2)
        for note in p.notes:
            _note_row(ws, fmt, row, last_col, note, width)
            row += 1
        row += 1
    _note_row(ws, fmt, row + 1, last_col, amount_note(doc), width)


def _toc_sheet(ws, fmt, doc: Document) -> None:
    ws.set_column(0, 0, 14)
    ws.set_column(1, 1, 50)
    ws.set_column(2, 2, 24)
    _print_setup(ws, False)
    _span(ws, 0, 0, 2, book_title(doc), fmt.get("title"))
    ws.set_row(0, 22)
    _span(ws, 1, 0, 2, TOC_SHEET, fmt.get("sub"))
    _span(ws, 2, 0, 2, f"（単位：{doc.unit}）", fmt.get("unit"))
    for c, h in enumerate(("区分", "表", "シート")):
        ws.write_string(3, c, h, fmt.get("head"))
    ws.repeat_rows(3)
    for r, part in enumerate(doc.parts, start=4):
        ws.write_string(r, 0, part.group, fmt.get("text", False))
        sheet = part.key.replace("'", "''")
        ws.write_url(r, 1, f"internal:'{sheet}'!A1", fmt.get("link"), string=part.title)
        ws.write_string(r, 2, part.key, fmt.get("text", False))
    _note_row(ws, fmt, len(doc.parts) + 5, 2, amount_note(doc), 88)
