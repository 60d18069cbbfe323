"""The shape every closing item (決算整理仕訳の項目) has, Django-free.

A closing item is a module in this package with:

``KEY``        short identifier (``bonus``, ``bonds`` …), also the stored input's name;
``TITLE``      its Japanese name (賞与等引当金 …);
``SHEETS``     the input sheets (:class:`InputSheet`) of its XLSX template, in order;
``SETTINGS``   the 団体's choices it reads (:class:`SettingSpec`), each with a default;
``compute(inputs, ctx) -> Outcome``
               pure: the filled-in sheets (already read and typed, see :class:`Inputs`)
               and the ledger's figures (:class:`Context`) in, the entries it wants
               posted (and any 附属明細書 it produces) out.

A closing run (kokai.closing.services) computes every item from the ledger **without its
own earlier run**, compares the wanted entries with what that run posted, reverses what
changed and posts the rest: re-running replaces, never doubles. So ``compute`` states the
complete wanted result for the year every time ("the provision at the year end is X, the
books before closing say Y, so post X − Y").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from ..chart import Chart
from ..issues import Issue
from ..journal import Entry, Kind, Posting

# Column kinds of an input sheet, and the Python type a typed cell has.
TEXT, YEN, INT, DATE, RATE, CHOICE, FLAG = "text", "yen", "int", "date", "rate", "choice", "flag"
# text → str ('' when empty); yen and int → int (None when empty); date → datetime.date;
# rate → Decimal (e.g. 0.0123 or "1.23%" → Decimal("0.0123")); choice → one of the column's
# choices (str); flag → bool (○, 1, はい, true → True; empty, ×, 0, いいえ → False).


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    kind: str = TEXT
    required: bool = False
    help: str = ""  # printed as the cell comment of the header and in the sheet's notes
    choices: tuple[str, ...] = ()
    width: int = 14


@dataclass(frozen=True)
class InputSheet:
    """One sheet of an item's template. ``name`` is the sheet name (≤ 31 characters);
    ``notes`` are instructions printed above the table (how to fill it in, where the
    figures come from)."""

    name: str
    title: str
    columns: tuple[Column, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SettingSpec:
    """A choice of the 団体 with its default. ``key`` is namespaced by the item
    (``bonus.method``); ``choices`` empty means free text/number."""

    key: str
    label: str
    default: str
    help: str = ""
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Inputs:
    """The filled-in sheets of one item: sheet name → rows. Each row maps a column header
    to its typed value, plus ``_row`` (the 1-based row number in the sheet) for issues."""

    rows: Mapping[str, tuple[Mapping[str, object], ...]] = field(default_factory=dict)
    file: str = ""

    def sheet(self, name: str) -> tuple[Mapping[str, object], ...]:
        return self.rows.get(name, ())

    def issue(self, message: str, *, sheet: str, row: Mapping[str, object] | None = None, column: str = "") -> Issue:
        return Issue(message, file=self.file, sheet=sheet, row=(row or {}).get("_row"), column=column)


@dataclass(frozen=True)
class Context:
    """What the ledger says before this year's closing run.

    ``balance(code)`` is an account's signed balance (debit +) at the year end, every
    entry of this and earlier years counted except this year's closing run — but
    including the entries the items before this one (ITEM_MODULES order) want in the same
    run, so that e.g. 徴収不能引当金 sees the receivables the receivables item books; for
    PL/NW/CF accounts it is the year's movement. A leaf line's balance includes its
    補助科目. ``prior_balance(code)`` is the same at the end of
    the previous year (after its closing). Codes are those of the chart
    (``chart.resolve("BS/固定負債/地方債").code``); a 補助科目's balance is its own.
    ``settings`` holds every SettingSpec key (the 団体's value or the default).
    ``fund`` is the 会計区分 the entries go to; ``date`` the closing date (3月31日).
    """

    fiscal_year: int
    chart: Chart
    balance: Callable[[str], int]
    prior_balance: Callable[[str], int]
    settings: Mapping[str, str]
    fund: str = "01"

    @property
    def date(self) -> dt.date:
        return dt.date(self.fiscal_year + 1, 3, 31)

    def code(self, ref: str) -> str:
        """An account code from a path such as ``BS/流動負債/賞与等引当金``."""
        return self.chart.resolve(ref).code

    def entry(self, voucher: str, postings: Mapping[str, int] | list[tuple[str, int]], description: str) -> Entry | None:
        """A closing entry (決算整理仕訳) on the closing date; accounts by path or code,
        amounts signed (debit +). Lines of 0 are dropped; ``None`` if nothing is left."""
        items = postings.items() if isinstance(postings, Mapping) else postings
        lines: dict[str, int] = {}
        for ref, amount in items:
            code = ref if ref in self.chart else self.code(ref)
            lines[code] = lines.get(code, 0) + amount
        kept = tuple(Posting(c, a) for c, a in lines.items() if a)
        if not kept:
            return None
        return Entry(fiscal_year=self.fiscal_year, date=self.date, fund=self.fund, kind=Kind.CLOSING,
                     voucher_no=voucher, postings=kept, description=description[:200])


@dataclass(frozen=True)
class Figure:
    """A working figure for the verification report and the notes (label, yen)."""

    label: str
    amount: int


@dataclass(frozen=True)
class Outcome:
    entries: tuple[Entry, ...] = ()
    issues: tuple[Issue, ...] = ()
    figures: tuple[Figure, ...] = ()
    tables: tuple = ()  # kokai.report.document.Table values: this item's 附属明細書

    @property
    def ok(self) -> bool:
        return not self.issues


def rate(value: Decimal | int | str) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def floor_yen(value: Decimal) -> int:
    """Yen from a Decimal, fractions dropped toward zero (切捨て)."""
    return int(value)


def provision_entry(ctx: Context, voucher: str, *, name: str, provision: str, charge: str, gain: str,
                    wanted: int, held: int) -> Entry | None:
    """The change of a provision (引当金) ``name`` from what the books hold (``held``) to
    what is wanted at the year end: an increase Dr ``charge`` (its 繰入額) / Cr the provision;
    a decrease Dr the provision / Cr ``gain`` (臨時利益, or the 繰入額 where the 団体 nets the
    decrease against it). ``None`` when nothing changes."""
    diff = wanted - held
    if diff > 0:
        return ctx.entry(voucher, [(charge, diff), (provision, -diff)],
                         f"{name}の繰入: 必要額 {wanted:,}円 － 計上済 {held:,}円")
    if diff < 0:
        return ctx.entry(voucher, [(provision, -diff), (gain, diff)],
                         f"{name}の減少: 計上済 {held:,}円 － 必要額 {wanted:,}円")
    return None
