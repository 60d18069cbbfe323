"""Reading the typed cells of one input sheet, every problem kept as an :class:`Issue` with
its place (file, sheet, row, column) and a Japanese message saying how to fix it.

The sheets arrive typed (:mod:`kokai.core.closing.sheets`): a yen cell is an ``int`` or
``None``, a text or choice cell a ``str``. What is checked here is what the item needs:
required cells, whole non-negative yen, one of the choices.

The items word their messages in one of three ways (:class:`Wording`); each keeps its own,
so what a user reads does not change with this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..issues import Issue
from .base import Inputs


@dataclass(frozen=True)
class Wording:
    """The messages of the cell checks, as ``str.format`` templates of ``column``,
    ``value`` (the cell) and ``choices`` (the allowed values, joined by " / ")."""

    blank_yen: str
    not_integer: str
    negative: str
    blank_text: str
    bad_choice: str = "{column}「{value}」は選べません。{choices} のいずれかを入力してください"


# The registers: 地方債, 基金, 貸付金, 損失補償等, 投資及び出資金.
REGISTER_WORDS = Wording(
    blank_yen="{column}が空欄です。円単位の金額を入力してください（ない場合は 0）",
    not_integer="{column}「{value}」は円単位の整数ではありません。整数で入力してください",
    negative="{column}が負の値（{value:,}円）です。0 以上の金額を入力してください",
    blank_text="{column}が空欄です。入力してください",
)
# The provisions: 賞与等引当金, 退職手当引当金.
PROVISION_WORDS = Wording(
    blank_yen="{column}を入力してください（円単位の金額）",
    not_integer="{column}「{value}」は円単位の整数で入力してください",
    negative="{column}に負の金額 {value:,}円 は入力できません。0以上で入力してください",
    blank_text="{column}を入力してください",
)
# 未収金・長期延滞債権, 徴収不能引当金, 未払金等: one message for anything but whole yen ≥ 0.
RECEIVABLE_WORDS = Wording(
    blank_yen=PROVISION_WORDS.blank_yen,
    not_integer="{column}「{value}」は0以上の円単位の整数で入力してください",
    negative="{column}「{value}」は0以上の円単位の整数で入力してください",
    blank_text=PROVISION_WORDS.blank_text,
)


class Cells:
    """The cells of one sheet read with checks. Problems go to ``issues`` (a new list, or
    the one given, so that several sheets can share one list in order)."""

    def __init__(self, inputs: Inputs, sheet: str, issues: list[Issue] | None = None, *,
                 wording: Wording = REGISTER_WORDS):
        self.inputs, self.sheet, self.wording = inputs, sheet, wording
        self.issues: list[Issue] = [] if issues is None else issues

    def rows(self) -> list[Mapping[str, object]]:
        """The sheet's rows, those with every cell blank left out."""
        return [r for r in self.inputs.sheet(self.sheet)
                if any(v not in (None, "", False) for k, v in r.items() if k != "_row")]

    def bad(self, row: Mapping[str, object] | None, column: str, message: str) -> None:
        self.issues.append(self.inputs.issue(message, sheet=self.sheet, row=row, column=column))

    def amount(self, row: Mapping[str, object], column: str, *, required: bool = False) -> int | None:
        """Whole yen ≥ 0; ``None`` when the cell is blank or wrong (wrong, or blank and
        required, is an issue)."""
        v = row.get(column)
        if v is None or v == "":
            if required:
                self.bad(row, column, self.wording.blank_yen.format(column=column))
            return None
        if isinstance(v, bool) or not isinstance(v, int):
            self.bad(row, column, self.wording.not_integer.format(column=column, value=v))
            return None
        if v < 0:
            self.bad(row, column, self.wording.negative.format(column=column, value=v))
            return None
        return v

    def yen(self, row: Mapping[str, object], column: str, *, required: bool = False) -> int:
        """:meth:`amount`, 0 when blank or wrong."""
        return self.amount(row, column, required=required) or 0

    def text(self, row: Mapping[str, object], column: str, *, required: bool = False,
             blank: str = "") -> str:
        """The cell's text, trimmed; ``blank`` replaces the message for an empty required cell."""
        v = row.get(column)
        text = "" if v is None else str(v).strip()
        if required and not text:
            self.bad(row, column, blank or self.wording.blank_text.format(column=column))
        return text

    def choice(self, row: Mapping[str, object], column: str, choices: tuple[str, ...], *,
               required: bool = False, blank: str = "", default: str = "") -> str:
        """One of ``choices``; ``default`` when blank, ``""`` when not one of them (an issue)."""
        text = self.text(row, column, required=required, blank=blank)
        if text and text not in choices:
            self.bad(row, column, self.wording.bad_choice.format(column=column, value=text,
                                                                  choices=" / ".join(choices)))
            return ""
        return text or default
