"""Display units (円 / 千円 / 百万円) and the one rounding step, applied at display only.

Each printed figure is rounded on its own from the exact yen amount, as published
statements do; a subtotal may therefore differ from the sum of its rounded children by
at most (number of children) × half a unit (四捨五入) or a whole unit (切り捨て). The
statement says so in its footnote (:func:`rounding_note`).
"""

from __future__ import annotations

UNITS = {"円": 1, "千円": 1_000, "百万円": 1_000_000}
ROUNDINGS = ("四捨五入", "切り捨て")


def to_unit(amount: int, unit: str = "円", rounding: str = "四捨五入") -> int:
    """Round an integer yen amount to the display unit (on its absolute value)."""
    div = UNITS[unit]
    if div == 1:
        return amount
    sign = -1 if amount < 0 else 1
    q, r = divmod(abs(amount), div)
    if rounding == "四捨五入" and r * 2 >= div:
        q += 1
    elif rounding not in ROUNDINGS:
        raise ValueError(f"端数処理「{rounding}」は 四捨五入 か 切り捨て で指定してください")
    return sign * q


def format_amount(amount: int | None, unit: str = "円", rounding: str = "四捨五入") -> str:
    """``1,234`` / ``△1,234`` (negative with △ as the 様式 prints it) / '' for None."""
    if amount is None:
        return ""
    v = to_unit(amount, unit, rounding)
    return f"△{-v:,}" if v < 0 else f"{v:,}"


def rounding_note(unit: str, rounding: str) -> str:
    if unit == "円":
        return "金額は円単位で表示しています（端数処理なし）。"
    return (
        f"金額は{unit}単位で表示し、{unit}未満を{rounding}しています。各金額を個別に{rounding}しているため、"
        "合計が内訳の合計と一致しない場合があります。"
    )
