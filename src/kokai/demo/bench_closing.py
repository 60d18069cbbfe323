"""Closing inputs for the benchmark city: every item's sheet filled with figures that fit
the benchmark's ledger (bonds equal to its 地方債, provisions of a prefecture's size)."""

from __future__ import annotations

from pathlib import Path


def fill_closing_template(lg, path: Path) -> int:
    """Fill the exported template in place; return the rows written (0 until the closing
    items define their sheets)."""
    return 0
