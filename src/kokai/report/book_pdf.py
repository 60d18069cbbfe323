"""The book (財務書類, 附属明細書, 注記) as one A4 PDF with an embedded Japanese font.

A cover with the table of contents (page numbers), then each
:class:`~kokai.report.document.Table` on its own pages (landscape where the table says so)
with title, 団体・期間, unit line, a header row repeated on every page, labels indented by
level, right-aligned figures with △ for negatives and bold totals; each
:class:`~kokai.report.document.Chart` on its own page, drawn with ``reportlab.graphics``
(bars or a pie, Japanese labels in the embedded font, values in the display unit) above
the table of its figures; then the
:class:`~kokai.report.document.TextSection` s as flowing text with numbered headings. Every
page has 「- n -」 in its footer.

Each printed amount is converted once, from its own yen amount, with
:func:`kokai.core.units.format_amount`; the rounding rule is printed under every table.

The font (a subset of IPAexゴシック, see :mod:`kokai.report.fonts`) is embedded as
TrueType (``/FontFile2``), so the PDF looks the same in Edge, Acrobat and poppler on a
machine without Japanese fonts. IPAex has no bold face: bold is drawn as fill + a thin
stroke of the same glyphs (text render mode 2), which every viewer supports.

The table of contents needs the page each part starts on, so the book is laid out twice:
once to learn the pages, once to write the file.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Indenter,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
)
from reportlab.platypus import Table as PdfTable

from kokai.core.parse import wareki_year
from kokai.core.units import format_amount, rounding_note, to_unit
from kokai.report.book_xlsx import SERIES_COLORS, book_title
from kokai.report.document import BAR, PERCENT, PIE, TEXT, YEN, Chart, Document, Table, TextSection
from kokai.report.document import Paragraph as TextParagraph
from kokai.report.fonts import japanese_font_path

FONT = "KokaiGothic"
MARGIN = 15 * mm
FOOTER_Y = 8 * mm
LABEL_MAX = 95 * mm
MIN_LABEL = 40 * mm
MIN_FIGURE = 18 * mm
BASE_SIZE = 9
PAD = 4  # left and right padding of a table cell, points
INDENT = 20  # points: body text and tables inside the 注記
FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
HEAD_BG = colors.HexColor("#E8EEF4")
GRID = colors.HexColor("#808080")
CHART_COLORS = tuple(colors.HexColor(c) for c in SERIES_COLORS)
CHART_FONT_SIZE = 8


def register_font() -> str:
    """Register the Japanese TrueType font with ReportLab once per process."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(japanese_font_path())))
    return FONT


def write_book_pdf(doc: Document, path: Path) -> None:
    register_font()
    pages: dict[str, int] = {}
    _build(doc, io.BytesIO(), {}, pages, dry=True)
    for _ in range(3):  # the first real pass normally confirms the pages the dry one found
        found: dict[str, int] = {}
        buf = io.BytesIO()
        _build(doc, buf, pages, found)
        if found == pages:
            break
        pages = found
    Path(path).write_bytes(buf.getvalue())


# --- text -----------------------------------------------------------------------------------


def _style(name: str, size: float, *, align=TA_LEFT, leading: float | None = None, **kw) -> ParagraphStyle:
    return ParagraphStyle(
        name, fontName=FONT, fontSize=size, leading=leading or size * 1.45, alignment=align, wordWrap="CJK", **kw
    )


STYLES = {
    "cover": _style("cover", 20, align=TA_CENTER, leading=30),
    "cover_sub": _style("cover_sub", 12, align=TA_CENTER, leading=20),
    "toc_head": _style("toc_head", 14, align=TA_CENTER, spaceBefore=18, spaceAfter=8),
    "title": _style("title", 14, align=TA_CENTER, leading=20),
    "sub": _style("sub", 9.5, align=TA_CENTER),
    "unit": _style("unit", 9, align=TA_RIGHT),
    "note": _style("note", 8, leading=11),
    "h1": _style("h1", 11, spaceBefore=9, spaceAfter=3),
    "h2": _style("h2", 10, leftIndent=10, spaceBefore=4, spaceAfter=2),
    "body": _style("body", 9.5, leftIndent=20, firstLineIndent=9.5, spaceAfter=3),
    "caption": _style("caption", 10, spaceBefore=6, spaceAfter=1),
    "cell": _style("cell", 9, leading=11),
}


def _para(text: str, style: str) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), STYLES[style])


class _Bold(Flowable):
    """One line of text drawn bold (fill + stroke); IPAex has no bold face."""

    def __init__(self, text: str, size: float) -> None:
        super().__init__()
        self.text, self.size = text, size
        self.leading = size * 1.2
        self.text_width = pdfmetrics.stringWidth(text, FONT, size)

    def wrap(self, avail_width, avail_height):
        return self.text_width, self.leading

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        c.setFont(FONT, self.size)
        c.setLineWidth(self.size * 0.025)
        c.drawString(0, self.leading - self.size, self.text, mode=2)
        c.restoreState()


class _Anchor(Flowable):
    """Zero-size mark: records the page a part starts on and adds a PDF bookmark."""

    def __init__(self, key: str, title: str, found: dict[str, int]) -> None:
        super().__init__()
        self.key, self.title, self.found = key, title, found

    def wrap(self, avail_width, avail_height):
        return 0, 0

    def draw(self) -> None:
        self.found[self.key] = self.canv.getPageNumber()
        name = f"part{len(self.found)}"
        self.canv.bookmarkPage(name)
        self.canv.addOutlineEntry(self.title, name, level=0)


# --- figures --------------------------------------------------------------------------------


def _signed(v: int) -> str:
    return f"△{-v:,}" if v < 0 else f"{v:,}"


def _percent(v: int) -> str:
    a = abs(v)
    return f"{'△' if v < 0 else ''}{a // 100}.{a % 100:02d}%"


def cell_text(doc: Document, kind: str, v: int | str | None) -> str:
    """The printed text of one value cell (each amount rounded once from its own yen)."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if kind == YEN:
        return format_amount(v, doc.unit, doc.rounding)
    if kind == PERCENT:
        return _percent(v)
    if kind == TEXT:
        return str(v)
    return _signed(v)


# --- tables ---------------------------------------------------------------------------------


def _text_width(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, FONT, size)


def _widths(table: Table, texts: list[list[str] | None], avail: float) -> tuple[list[float], float]:
    """Column widths (label first) and the font size, from the printed texts: the figure
    columns share one width that fits the longest figure; the label column takes the rest
    (at most LABEL_MAX); when the page is too narrow everything is scaled down."""
    size = BASE_SIZE
    widths = []
    for c, kind in enumerate(table.kinds):
        longest = max((t[c] for t in texts if t is not None), key=len, default="")
        need = _text_width(longest, size) * 1.03 + 2 * PAD + 2
        widths.append(min(max(need, 20 * mm), 60 * mm) if kind == TEXT else need)
    figure = max([w for w, k in zip(widths, table.kinds, strict=True) if k != TEXT] + [MIN_FIGURE])
    widths = [figure if k != TEXT else w for w, k in zip(widths, table.kinds, strict=True)]
    room = avail - sum(widths)
    if room >= MIN_LABEL:
        return [min(room, LABEL_MAX), *widths], size
    k = (avail - MIN_LABEL) / sum(widths)
    return [MIN_LABEL, *(w * k for w in widths)], max(size * k, 6)


def _label_cell(row, width: float, size: float, indent: float):
    if _text_width(row.label, size) + indent + 2 * PAD > width:
        style = ParagraphStyle("label", parent=STYLES["cell"], fontSize=size, leading=size * 1.2)
        return Paragraph(escape(row.label), style)
    return _Bold(row.label, size) if row.bold else row.label


class _LayoutOnlyTable(PdfTable):
    """A table that is laid out (wrapped, split across pages) but not drawn: the pass
    that only finds the page each part starts on does not pay for drawing every cell."""

    def draw(self) -> None:
        pass


def table_flowable(
    doc: Document, table: Table, avail: float, *, align: str = "CENTER", dry: bool = False
) -> PdfTable:
    """The table as a ReportLab table (header row repeated on each page); ``_width`` on it
    is its total width."""
    texts = [None if r.heading else [cell_text(doc, k, v) for k, v in zip(table.kinds, r.values, strict=True)]
             for r in table.rows]
    widths, size = _widths(table, texts, avail)
    n = len(table.columns)
    head_style = ParagraphStyle("head", parent=STYLES["cell"], fontSize=size, leading=size * 1.2, alignment=TA_CENTER)
    header = [table.label_header] + [
        Paragraph(escape(c), head_style) if _text_width(c, size) + 2 * PAD > widths[i + 1] else c
        for i, c in enumerate(table.columns)
    ]
    data = [header]
    cmds = [
        ("FONT", (0, 0), (-1, -1), FONT, size, size * 1.2),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 1.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.6),
        ("INNERGRID", (0, 0), (-1, -1), 0.25, GRID),
        ("BOX", (0, 0), (-1, -1), 0.7, colors.black),
        ("LINEBELOW", (0, 0), (-1, 0), 0.7, colors.black),
    ]
    for c, kind in enumerate(table.kinds, start=1):
        if kind == TEXT:
            cmds.append(("ALIGN", (c, 1), (c, -1), "LEFT"))
    for r, row in enumerate(table.rows, start=1):
        if row.heading:
            data.append([_Bold(row.label, size)] + [""] * n)
            cmds.append(("SPAN", (0, r), (-1, r)))
            cmds.append(("ALIGN", (0, r), (-1, r), "LEFT"))
            continue
        indent = (max(row.level, 1) - 1) * size
        if indent:
            cmds.append(("LEFTPADDING", (0, r), (0, r), PAD + indent))
        cells = [_label_cell(row, widths[0], size, indent)]
        for c, kind in enumerate(table.kinds):
            text = texts[r - 1][c]
            if kind == TEXT and _text_width(text, size) + 2 * PAD > widths[c + 1]:
                cells.append(Paragraph(escape(text), ParagraphStyle("t", parent=STYLES["cell"], fontSize=size)))
            elif row.bold and text:
                cells.append(_Bold(text, size))
            else:
                cells.append(text)
        data.append(cells)
        if row.bold:
            cmds.append(("LINEABOVE", (0, r), (-1, r), 0.5, colors.black))
    out = (_LayoutOnlyTable if dry else PdfTable)(data, colWidths=widths, repeatRows=1, style=cmds, hAlign=align)
    out.total_width = sum(widths)
    return out


def _unit_line(doc: Document, right_indent: float, unit: str = "") -> Paragraph:
    style = ParagraphStyle("unit_at", parent=STYLES["unit"], rightIndent=max(right_indent, 0))
    return Paragraph(escape(f"（単位：{unit or doc.unit}）"), style)


def _table_story(doc: Document, table: Table, avail: float, found: dict[str, int], dry: bool) -> list:
    sub = "　".join(s for s in (doc.lg_name, doc.scope, table.subtitle) if s)
    body = table_flowable(doc, table, avail, dry=dry)
    margin = (avail - body.total_width) / 2
    story = [
        _Anchor(table.key, table.title, found),
        _para(table.title, "title"),
        _para(sub, "sub"),
        _unit_line(doc, margin),
        Spacer(1, 2),
        body,
        Spacer(1, 4),
        Indenter(left=margin, right=margin),
    ]
    story += [_para(n, "note") for n in table.notes]
    story += [_para(rounding_note(doc.unit, doc.rounding), "note"), Indenter(left=-margin, right=-margin)]
    return story


def _chart_story(doc: Document, chart: Chart, avail: float, found: dict[str, int], dry: bool) -> list:
    """Title, 団体・期間, the chart (as wide as the page, values in the display unit), then
    the table of its figures with the unit line, the notes and the rounding rule."""
    sub = "　".join(s for s in (doc.lg_name, doc.scope, chart.subtitle) if s)
    height = min(avail * 0.62, 110 * mm)
    body = table_flowable(doc, chart.data_table(), avail, dry=dry)
    margin = (avail - body.total_width) / 2
    story = [
        _Anchor(chart.key, chart.title, found),
        _para(chart.title, "title"),
        _para(sub, "sub"),
        Spacer(1, 6),
        Spacer(avail, height) if dry else chart_drawing(doc, chart, avail, height),
        Spacer(1, 8),
        _unit_line(doc, margin, "％" if chart.value_kind == PERCENT else doc.unit),
        Spacer(1, 2),
        body,
        Spacer(1, 4),
        Indenter(left=margin, right=margin),
    ]
    story += [_para(n, "note") for n in chart.notes]
    if chart.value_kind == YEN:
        story.append(_para(rounding_note(doc.unit, doc.rounding), "note"))
    return [*story, Indenter(left=-margin, right=-margin)]


def _section_story(doc: Document, section: TextSection, avail: float, found: dict[str, int], dry: bool) -> list:
    story = [
        _Anchor(section.key, section.title, found),
        _para(section.title, "title"),
        _para("　".join(s for s in (doc.lg_name, doc.scope) if s), "sub"),
        Spacer(1, 6),
    ]
    n1 = n2 = 0
    for p in section.paragraphs:
        if isinstance(p, TextParagraph):
            if p.level == 1:
                n1, n2 = n1 + 1, 0
                story.append(_para(f"{str(n1).translate(FULLWIDTH_DIGITS)}．{p.text}", "h1"))
            elif p.level == 2:
                n2 += 1
                story.append(_para(f"({n2}) {p.text}", "h2"))
            else:
                story.append(_para(p.text, "body"))
            continue
        caption = "　".join(s for s in (p.title, p.subtitle) if s)
        body = table_flowable(doc, p, avail - INDENT, align="LEFT", dry=dry)
        block = [_para(caption, "caption"), _unit_line(doc, avail - INDENT - body.total_width), body]
        block += [_para(n, "note") for n in p.notes]
        story += [Indenter(left=INDENT)]
        story += [KeepTogether(block)] if len(p.rows) < 25 else block
        story += [Indenter(left=-INDENT)]
    story += [Spacer(1, 6), _para(rounding_note(doc.unit, doc.rounding), "note")]
    return story


# --- charts ---------------------------------------------------------------------------------


def chart_values(doc: Document, chart: Chart) -> list[list[float | None]]:
    """The values a chart draws, per series: yen converted once to the display unit
    (:func:`~kokai.core.units.to_unit`, as the table prints them), percent as a number."""
    def one(v: int | None) -> float | None:
        if v is None:
            return None
        return to_unit(v, doc.unit, doc.rounding) if chart.value_kind == YEN else v / 100

    return [[one(v) for v in values] for _name, values in chart.series]


def _share_texts(values: tuple[int | None, ...]) -> list[str]:
    """Each slice's share of the total, in percent to 0.1 (half up), from the yen amounts."""
    total = sum(v for v in values if v)
    return [f"{(2000 * (v or 0) + total) // (2 * total) / 10:.1f}%" if total else "" for v in values]


def chart_drawing(doc: Document, chart: Chart, width: float, height: float) -> Drawing:
    """The chart as a ReportLab drawing ``width`` × ``height`` points, every label in the
    embedded Japanese font; bars carry the same text as the table's cells."""
    d = Drawing(width, height, initialFontName=FONT, initialFontSize=CHART_FONT_SIZE)  # no Helvetica
    data = chart_values(doc, chart)
    size = CHART_FONT_SIZE
    if chart.kind == PIE:  # the pie on the left, a legend with each slice's share on the right
        _, values = chart.series[0]
        shown = [i for i, v in enumerate(values) if v]
        shares = _share_texts(values)
        pie = Pie()
        diameter = min(height - 20, width * 0.45)
        pie.x, pie.y, pie.width, pie.height = width * 0.08, (height - diameter) / 2, diameter, diameter
        pie.data = [values[i] for i in shown]
        pie.labels = None
        pie.startAngle, pie.direction = 90, "clockwise"
        pie.slices.strokeColor, pie.slices.strokeWidth = colors.white, 0.8
        for n, i in enumerate(shown):
            pie.slices[n].fillColor = CHART_COLORS[i % len(CHART_COLORS)]
        d.add(pie)
        legend = Legend()
        legend.fontName, legend.fontSize = FONT, size + 2
        legend.alignment, legend.boxAnchor, legend.columnMaximum = "right", "w", len(shown)
        legend.x, legend.y = pie.x + diameter + 30, height / 2
        legend.dx = legend.dy = 9
        legend.deltay, legend.strokeColor = 16, None
        legend.subCols[0].minWidth = max(_text_width(chart.categories[i], size + 2) for i in shown) + 12
        legend.subCols[1].align, legend.subCols[1].minWidth = "right", _text_width("100.0%", size + 2)
        legend.colorNamePairs = [(CHART_COLORS[i % len(CHART_COLORS)], (chart.categories[i], shares[i])) for i in shown]
        d.add(legend)
        return d
    texts = [[cell_text(doc, chart.value_kind, v) for v in values] for _name, values in chart.series]
    legend_h = 18 if len(chart.series) > 1 else 0
    if chart.kind == BAR:
        bc = HorizontalBarChart()
        label_w = max(_text_width(c, size) for c in chart.categories) + 8
        bc.x, bc.y = label_w, 22 + legend_h
        bc.width, bc.height = width - label_w - 40, height - bc.y - 16
        bc.categoryAxis.reverseDirection = 1  # the first category at the top, as in the table
        bc.barLabels.boxAnchor, bc.barLabels.dx = "w", 3
    else:
        bc = VerticalBarChart()
        bc.x, bc.y = 58, 20 + legend_h
        bc.width, bc.height = width - 70, height - bc.y - 16
        bc.barLabels.boxAnchor, bc.barLabels.dy = "s", 2
    bc.data = [[v if v is not None else 0 for v in series] for series in data]
    bc.categoryAxis.categoryNames = list(chart.categories)
    bc.categoryAxis.labels.fontName, bc.categoryAxis.labels.fontSize = FONT, size + 1
    bc.valueAxis.labels.fontName, bc.valueAxis.labels.fontSize = FONT, size
    bc.valueAxis.labelTextFormat = (lambda v: _signed(round(v))) if chart.value_kind == YEN else "%g%%"
    bc.valueAxis.visibleGrid, bc.valueAxis.gridStrokeColor, bc.valueAxis.gridStrokeWidth = 1, colors.lightgrey, 0.3
    low = min([0.0, *(v for series in data for v in series if v is not None)])
    high = max([0.0, *(v for series in data for v in series if v is not None)])
    if chart.value_kind == PERCENT:
        bc.valueAxis.valueMin, bc.valueAxis.valueMax = 0, 100
    elif high == low:
        bc.valueAxis.valueMin, bc.valueAxis.valueMax = 0, 1
    else:
        bc.valueAxis.valueMin = low * 1.12 if low < 0 else 0
        bc.valueAxis.valueMax = high * 1.12 if high > 0 else 0
    bc.barLabelFormat, bc.barLabelArray = "values", texts
    bc.barLabels.fontName, bc.barLabels.fontSize = FONT, size
    bc.groupSpacing, bc.barSpacing = 8, 1
    bc.bars.strokeColor = None
    for i in range(len(chart.series)):
        bc.bars[i].fillColor = CHART_COLORS[i % len(CHART_COLORS)]
    d.add(bc)
    if chart.value_kind == YEN:  # a percent axis says % on every tick
        at = (bc.x + bc.width, "end") if chart.kind == BAR else (bc.x - 4, "end")
        d.add(String(at[0], bc.y + bc.height + 6, f"（{doc.unit}）", fontName=FONT, fontSize=size, textAnchor=at[1]))
    if legend_h:
        legend = Legend()
        legend.fontName, legend.fontSize = FONT, size + 1
        legend.alignment, legend.boxAnchor, legend.columnMaximum = "right", "s", 1
        legend.x, legend.y = width / 2, 2
        legend.dx = legend.dy = 8
        legend.colorNamePairs = [(CHART_COLORS[i % len(CHART_COLORS)], name)
                                 for i, (name, _v) in enumerate(chart.series)]
        d.add(legend)
    return d


# --- the book -------------------------------------------------------------------------------


def _cover(doc: Document, pages: dict[str, int], avail: float) -> list:
    story = [
        Spacer(1, 40 * mm),
        _para(doc.lg_name, "cover"),
        _para(f"{wareki_year(doc.fiscal_year)}　財務書類", "cover"),
        _para(f"（{doc.scope}）", "cover_sub"),
        _para("目次", "toc_head"),
    ]
    rows, group = [], None
    cmds = [("FONT", (0, 0), (-1, -1), FONT, 10.5, 14), ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5)]
    for part in doc.parts:
        if part.group != group:
            group = part.group
            cmds.append(("TOPPADDING", (0, len(rows)), (-1, len(rows)), 8))
            rows.append([_Bold(group, 10.5), ""])
        page = pages.get(part.key)
        rows.append([part.title, f"{page}" if page else ""])
        cmds.append(("LEFTPADDING", (0, len(rows) - 1), (0, len(rows) - 1), 18))
    cmds += [("ALIGN", (1, 0), (1, -1), "RIGHT"), ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey)]
    if rows:
        story.append(PdfTable(rows, colWidths=[avail * 0.7, 20 * mm], style=cmds, hAlign="CENTER"))
    story += [Spacer(1, 10 * mm), _para(rounding_note(doc.unit, doc.rounding), "note")]
    return story


def _footer(canvas, _doc) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 9)
    width = canvas._pagesize[0]
    canvas.drawCentredString(width / 2, FOOTER_Y, f"- {canvas.getPageNumber()} -")
    canvas.restoreState()


def _templates() -> list[PageTemplate]:
    out = []
    for name, size in (("portrait", A4), ("landscape", landscape(A4))):
        frame = Frame(MARGIN, MARGIN, size[0] - 2 * MARGIN, size[1] - 2 * MARGIN, id=name, leftPadding=0, rightPadding=0)
        out.append(PageTemplate(id=name, frames=[frame], onPage=_footer, pagesize=size))
    return out


def _build(doc: Document, target, pages: dict[str, int], found: dict[str, int], *, dry: bool = False) -> None:
    pdf = BaseDocTemplate(
        target,
        pagesize=A4,
        title=book_title(doc),
        author=doc.lg_name,
        subject=f"財務書類・附属明細書・注記（{doc.scope}）",
        creator="Kokai",
        lang="ja-JP",
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        invariant=1,
        initialFontName=FONT,  # no reference to a non-embedded Helvetica
        initialFontSize=9,
    )
    pdf.addPageTemplates(_templates())
    portrait_w = A4[0] - 2 * MARGIN
    story = _cover(doc, pages, portrait_w)
    for part in doc.parts:
        wide = isinstance(part, Table | Chart) and part.landscape
        story += [NextPageTemplate("landscape" if wide else "portrait"), PageBreak()]
        avail = (A4[1] if wide else A4[0]) - 2 * MARGIN
        if isinstance(part, Table):
            story += _table_story(doc, part, avail, found, dry)
        elif isinstance(part, Chart):
            story += _chart_story(doc, part, avail, found, dry)
        else:
            story += _section_story(doc, part, avail, found, dry)
    pdf.build(story)


# --- a page as a picture --------------------------------------------------------------------


def render_page_png(pdf: Path, page: int, out: Path, *, dpi: int = 110) -> Path:
    """Page ``page`` (1-based) of ``pdf`` as a PNG at ``out``, with poppler's ``pdftoppm``."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise RuntimeError("pdftoppm が見つかりません。poppler-utils を入れてください（apt-get install poppler-utils）。")
    out = Path(out)
    stem = out.with_suffix("")
    subprocess.run(
        [exe, "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(stem)],
        check=True,
        capture_output=True,
    )
    made = stem.with_suffix(".png")
    if made != out:
        made.replace(out)
    return out


if __name__ == "__main__":  # python3 -m kokai.report.book_pdf BOOK.pdf N PAGE.png
    if len(sys.argv) != 4:
        sys.exit("使い方: python3 -m kokai.report.book_pdf 帳票.pdf ページ番号 出力.png")
    print(render_page_png(Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])))
