"""The deliverable as plain data: one :class:`Document` of tables (statements, 附属明細書)
and text sections (注記), rendered to XLSX (:mod:`kokai.report.book_xlsx`) and to PDF
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


@dataclass(frozen=True)
class Document:
    """The book for one 団体, year and scope, in print order."""

    lg_name: str
    fiscal_year: int
    scope: str
    unit: str
    rounding: str
    parts: tuple[Table | TextSection, ...] = field(default_factory=tuple)

    def part(self, key: str) -> Table | TextSection:
        for p in self.parts:
            if p.key == key:
                return p
        raise KeyError(key)
