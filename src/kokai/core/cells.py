"""Reading the cells of a filled-in worksheet (openpyxl values): text, whole numbers, dates.

Shared by the matching worksheet (kokai.core.matching) and the 異動 worksheet
(kokai.assets.change_sheet)."""

from __future__ import annotations

import datetime as dt
import unicodedata

from .parse import parse_amount, parse_date


def cell_text(value: object) -> str:
    """A cell as trimmed NFKC text ('' for empty; 12.0 → '12'; a datetime → its date)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    return unicodedata.normalize("NFKC", str(value)).strip()


def cell_int(value: object, what: str = "") -> int:
    """A whole number from a number cell or text such as ``1,000`` (ValueError otherwise)."""
    if isinstance(value, bool):
        raise ValueError(f"{what}「{value}」を数値として読めません")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"{what}「{value:g}」に端数があります。整数で入力してください")
        return int(value)
    return parse_amount(cell_text(value))


def cell_date(value: object) -> dt.date:
    """A date from a date cell or text (西暦 or 和暦)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return parse_date(cell_text(value))
