"""Typing the cells of a filled-in closing template, and keeping typed rows as JSON.

Pure functions over plain rows (header → raw cell value, plus ``_row``), so the same rules
apply to a workbook, a stored input and a test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from ..cells import cell_date, cell_int, cell_text
from ..issues import Issue
from .base import CHOICE, DATE, FLAG, INT, RATE, TEXT, YEN, Column, Inputs, InputSheet

TRUE_WORDS = {"○", "〇", "1", "はい", "true", "yes", "y", "◯", "有", "対象"}
FALSE_WORDS = {"", "×", "0", "いいえ", "false", "no", "n", "無", "-", "－"}


def type_cell(col: Column, value: object) -> object:
    """A raw cell as the column's type; ValueError with a Japanese message if it cannot be."""
    text = cell_text(value)
    if col.kind == TEXT:
        return text
    if col.kind in (YEN, INT):
        if text == "":
            return None
        n = cell_int(value, col.header)
        if col.kind == YEN and n < 0:
            raise ValueError(f"{col.header}に負の金額「{n:,}」は入力できません")
        return n
    if col.kind == DATE:
        return cell_date(value) if text else None
    if col.kind == RATE:
        if text == "":
            return None
        try:
            if text.endswith("%"):
                return Decimal(text[:-1].replace(",", "")) / 100
            return Decimal(str(value)) if isinstance(value, (int, float)) else Decimal(text.replace(",", ""))
        except InvalidOperation:
            raise ValueError(f"{col.header}「{text}」を率として読めません（0.05 または 5% のように入力）") from None
    if col.kind == CHOICE:
        if text and text not in col.choices:
            raise ValueError(f"{col.header}「{text}」は選べません（{' / '.join(col.choices)}）")
        return text
    if col.kind == FLAG:
        low = text.lower()
        if low in TRUE_WORDS:
            return True
        if low in FALSE_WORDS:
            return False
        raise ValueError(f"{col.header}「{text}」は ○ か空欄で入力してください")
    raise ValueError(f"列の種類「{col.kind}」は不明です")


def typed_rows(sheet: InputSheet, rows: Iterable[Mapping[str, object]], *, file: str = "") -> tuple[list[dict], list[Issue]]:
    """Every row typed per column; empty required cells and untypable cells as issues."""
    out, issues = [], []
    for raw in rows:
        row: dict[str, object] = {"_row": raw.get("_row")}
        for col in sheet.columns:
            try:
                value = type_cell(col, raw.get(col.header))
            except ValueError as e:
                issues.append(Issue(str(e), file=file, sheet=sheet.name, row=raw.get("_row"), column=col.header))
                continue
            if col.required and value in (None, ""):
                issues.append(Issue(f"{col.header}を入力してください", file=file, sheet=sheet.name,
                                    row=raw.get("_row"), column=col.header))
            row[col.header] = value
        out.append(row)
    return out, issues


def to_json(rows: Iterable[Mapping[str, object]]) -> list[dict]:
    """Typed rows as JSON-safe dicts (dates ISO, rates as text)."""
    def plain(v):
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, Decimal):
            return str(v)
        return v
    return [{k: plain(v) for k, v in r.items()} for r in rows]


def from_json(sheet: InputSheet, rows: Iterable[Mapping[str, object]]) -> list[dict]:
    """Typed rows back from :func:`to_json`."""
    kinds = {c.header: c.kind for c in sheet.columns}
    out = []
    for r in rows:
        row = dict(r)
        for k, v in r.items():
            if v is None:
                continue
            if kinds.get(k) == DATE:
                row[k] = dt.date.fromisoformat(v)
            elif kinds.get(k) == RATE:
                row[k] = Decimal(v)
        out.append(row)
    return out


def inputs_from_json(sheets: Iterable[InputSheet], stored: Mapping[str, list], *, file: str = "") -> Inputs:
    by_name = {s.name: s for s in sheets}
    return Inputs(rows={name: tuple(from_json(by_name[name], rows)) for name, rows in stored.items() if name in by_name},
                  file=file)
