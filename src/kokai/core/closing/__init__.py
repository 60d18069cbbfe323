"""決算整理仕訳: one module per closing item (see base.py for the shape of an item).

``ITEM_MODULES`` lists them in the order the run computes and the template shows them.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

ITEM_MODULES = (
    "bonus",  # 賞与等引当金
    "retirement",  # 退職手当引当金
    "receivables",  # 未収金・長期延滞債権（調定 − 収入 − 不納欠損）
    "loans",  # 長期貸付金 → 短期貸付金 (before doubtful: its provision reads the reclassified balances)
    "doubtful",  # 徴収不能引当金・不納欠損
    "payables",  # 未払金・未払費用・前受金
    "bonds",  # 地方債（1年内償還予定地方債への振替）
    "funds",  # 基金の流動・固定の区分
    "guarantees",  # 損失補償等引当金
    "investments",  # 投資損失引当金・有価証券の評価替
)


def items() -> list[ModuleType]:
    """The closing item modules that exist, in run order."""
    out = []
    for name in ITEM_MODULES:
        try:
            out.append(import_module(f"{__name__}.{name}"))
        except ModuleNotFoundError as e:
            if e.name != f"{__name__}.{name}":
                raise
    return out


def item(key: str) -> ModuleType:
    for m in items():
        if key == m.KEY:
            return m
    raise KeyError(f"決算整理の項目「{key}」はありません")
