"""The deliverable as plain data: one :class:`Document` of tables (statements, 附属明細書),
charts (グラフ, each with the figures it draws) and text sections (注記), rendered to XLSX (:mod:`kokai.report.book_xlsx`) and to PDF
(:mod:`kokai.report.book_pdf`) by renderers that know nothing about accounting.

Amounts are integer yen in every table; a renderer converts them to the display unit
(円 / 千円 / 百万円) once, at display, with the document's rounding rule. A row that is a
subtotal says which rows it sums (``sum_of``), so that the workbook can write a formula
and the PDF can be checked against its printed children.
"""

from __future__ import annotations

from dataclasses import dataclass, field

YEN, COUNT, TEXT, PERCENT = "yen", "count", "text", "percent"
COLUMN_KINDS = (YEN, COUNT, TEXT, PERCENT)


@dataclass(frozen=True, slots=True)
class Row:
    """One printed row.

    ``values`` has one cell per column of the table: ``int`` yen for a ``yen`` column,
    ``int`` for ``count``, ``str`` for ``text``, and for ``percent`` an ``int`` in
    hundredths of a percent (4567 = 45.67%) or a ``str``; ``None`` prints empty.
    ``sum_of`` lists (sign, row index in the same table) whose signed sum this row is,
    for every yen or count column (a workbook writes ``=B5+B6-B9``); empty for a plain row.
    A ``heading`` row prints its label across the table and has no values.
    """

    label: str
    values: tuple[int | str | None, ...] = ()
    level: int = 1
    bold: bool = False
    sum_of: tuple[tuple[int, int], ...] = ()
    heading: bool = False


@dataclass(frozen=True)
class Table:
    """A titled table: a 様式 or a 附属明細書.

    ``key`` is short and unique in the document (used as the XLSX sheet name, ≤ 31
    characters, no ``[]:*?/\\``). ``columns`` are the headers of the value columns,
    ``kinds`` their kind (one of COLUMN_KINDS; defaults to all ``yen``).
    ``group`` names the part of the book it belongs to (財務書類 / 附属明細書 / 注記).
    """

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    subtitle: str = ""
    label_header: str = "科目"
    kinds: tuple[str, ...] = ()
    group: str = "財務書類"
    landscape: bool = False
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.kinds:
            object.__setattr__(self, "kinds", (YEN,) * len(self.columns))
        if len(self.kinds) != len(self.columns):
            raise ValueError(f"{self.key}: kinds と columns の数が違います")
        for k in self.kinds:
            if k not in COLUMN_KINDS:
                raise ValueError(f"{self.key}: 列の種類「{k}」は使えません")
        for i, r in enumerate(self.rows):
            if not r.heading and len(r.values) != len(self.columns):
                raise ValueError(f"{self.key}: {i}行目「{r.label}」の値の数が列の数と違います")
            for _sign, j in r.sum_of:
                if not 0 <= j < len(self.rows) or j == i:
                    raise ValueError(f"{self.key}: {i}行目の合計対象 {j} がありません")


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of a text section: ``level`` 1 is a numbered heading (１．…),
    2 a sub-heading ((1) …), 3 body text."""

    text: str
    level: int = 3


@dataclass(frozen=True)
class TextSection:
    """A section of text (the 注記), optionally with small tables inside it."""

    key: str
    title: str
    paragraphs: tuple[Paragraph | Table, ...]
    group: str = "注記"


BAR, PIE, COLUMN_CLUSTERED = "bar", "pie", "column_clustered"
CHART_KINDS = (BAR, PIE, COLUMN_CLUSTERED)


@dataclass(frozen=True)
class Chart:
    """A chart and the figures behind it (グラフ).

    ``kind``: ``bar`` (horizontal bars, one bar per category and series), ``pie`` (one
    series, its shares) or ``column_clustered`` (vertical columns, the series side by side
    per category, e.g. 本年度 and 前年度). ``categories`` name the bars or slices;
    ``series`` are (name, one value per category). ``value_kind`` is ``yen`` (``int`` yen,
    converted to the display unit by the renderer, as in a table) or ``percent`` (``int``
    hundredths of a percent, 4567 = 45.67%); ``None`` draws nothing. ``total_label``, when
    set, adds a row summing the categories to the printed data (not to the chart).
    A pie's values must not be negative. ``key`` is the XLSX sheet name, as for a Table.
    """

    key: str
    title: str
    kind: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[int | None, ...]], ...]
    subtitle: str = ""
    value_kind: str = YEN
    category_header: str = "区分"
    total_label: str = ""
    group: str = "グラフ"
    landscape: bool = False
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in CHART_KINDS:
            raise ValueError(f"{self.key}: グラフの種類「{self.kind}」は使えません（{'、'.join(CHART_KINDS)}）")
        if self.value_kind not in (YEN, PERCENT):
            raise ValueError(f"{self.key}: グラフの値の種類「{self.value_kind}」は yen か percent にしてください")
        if not self.series or not self.categories:
            raise ValueError(f"{self.key}: グラフに系列か区分がありません")
        if self.kind == PIE and len(self.series) != 1:
            raise ValueError(f"{self.key}: 円グラフの系列は1つにしてください（{len(self.series)}個あります）")
        if self.total_label and self.value_kind != YEN:
            raise ValueError(f"{self.key}: 合計行は金額のグラフにだけ付けられます")
        for name, values in self.series:
            if len(values) != len(self.categories):
                raise ValueError(f"{self.key}: 系列「{name}」の値の数 {len(values)} が区分の数 {len(self.categories)} と違います")
            for category, v in zip(self.categories, values, strict=True):
                if v is not None and (not isinstance(v, int) or isinstance(v, bool)):
                    raise ValueError(f"{self.key}: 系列「{name}」の「{category}」の値 {v!r} は整数にしてください")
                if self.kind == PIE and v is not None and v < 0:
                    raise ValueError(f"{self.key}: 円グラフの「{category}」が負の値 {v:,} です。棒グラフにしてください")

    def data_table(self) -> Table:
        """The figures behind the chart as a table: one row per category, one column per
        series (then the total row, if any). Renderers print it with the chart; in the
        workbook the chart reads exactly these cells (rows 0 … len(categories) − 1)."""
        n = len(self.categories)
        rows = [Row(c, tuple(values[i] for _name, values in self.series)) for i, c in enumerate(self.categories)]
        if self.total_label:
            totals = tuple(
                sum(v for v in values if v is not None) if any(v is not None for v in values) else None
                for _name, values in self.series
            )
            rows.append(Row(self.total_label, totals, 1, True, tuple((1, i) for i in range(n))))
        return Table(
            key=self.key, title=self.title, columns=tuple(name for name, _v in self.series), rows=tuple(rows),
            subtitle=self.subtitle, label_header=self.category_header, kinds=(self.value_kind,) * len(self.series),
            group=self.group, landscape=self.landscape, notes=self.notes,
        )


@dataclass(frozen=True)
class Document:
    """The book for one 団体, year and scope, in print order."""

    lg_name: str
    fiscal_year: int
    scope: str
    unit: str
    rounding: str
    parts: tuple[Table | TextSection | Chart, ...] = field(default_factory=tuple)

    def part(self, key: str) -> Table | TextSection | Chart:
        for p in self.parts:
            if p.key == key:
                return p
        raise KeyError(key)
