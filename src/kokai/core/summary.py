"""What a batch of entries adds to the ledger's running totals, computed set-based.

Posting keeps two small tables beside the append-only lines, so that statements never
rescan the ledger (peers.md §5.3):

* balances: net debit per (fiscal year, fund, account, opening?);
* NW movements: the 固定資産等形成分 movements per (fiscal year, fund, category), already
  split into the NW rows they belong to. An entry's net movement on 有形・無形固定資産 is an
  増加 when positive and a 減少 when negative (so depreciation and the book value of a
  disposal are 減少, a 建設仮勘定 transfer nets to nothing); likewise for 貸付金・基金等. An
  entry that posts to 資産評価差額, 無償所管換等 or NW その他 (role ``nw_direct``) carries its
  fixed-asset movement on that row instead (category ``direct:<code>``); if it posts to
  several, the largest one. A reversal (逆仕訳) lowers the row its original was counted
  on, so reversing an acquisition does not also show as a disposal.

Both are sums over entries, so totals of several batches add up; ``kokai check`` (L1)
recomputes the balances from the lines.
"""

from __future__ import annotations

import polars as pl

from .chart import FA_FINANCIAL, FA_TANGIBLE, Chart
from .journal import Kind
from .journal_frame import JournalFrame

INTERNAL = ("tangible_increase", "tangible_decrease", "financial_increase", "financial_decrease")
DIRECT_PREFIX = "direct:"


def summarise(frame: JournalFrame, chart: Chart) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(balances, nw_moves) added by the entries of a frame."""
    keys = frame.entries.select("idx", "fiscal_year", "fund", "opening", "kind")
    lines = frame.lines.join(keys, on="idx", how="left", maintain_order="left")
    balances = (
        lines.group_by("fiscal_year", "fund", "account", "opening")
        .agg(pl.col("amount").sum())
        .filter(pl.col("amount") != 0)
        .sort("fiscal_year", "fund", "account", "opening")
    )
    group = {ln.code: ln.fa_group for ln in chart.lines if ln.fa_group in (FA_TANGIBLE, FA_FINANCIAL)}
    direct_codes = [ln.code for ln in chart.lines if "nw_direct" in ln.roles]
    fa = (
        lines.filter(pl.col("account").is_in(list(group)) & ~pl.col("opening"))
        .with_columns(pl.col("account").replace_strict(group, return_dtype=pl.String).alias("group"))
        .group_by("idx", "group")
        .agg(pl.col("amount").sum().alias("net"))
        .filter(pl.col("net") != 0)
    )
    owner = (
        lines.filter(pl.col("account").is_in(direct_codes))
        .group_by("idx", "account")
        .agg(pl.col("amount").sum().abs().alias("size"))
        .sort("idx", "size", "account", descending=[False, True, False])
        .group_by("idx", maintain_order=True)
        .agg(pl.col("account").first().alias("owner"))
    )
    group_name = pl.when(pl.col("group") == FA_TANGIBLE).then(pl.lit("tangible")).otherwise(pl.lit("financial"))
    # A reversal undoes its original on the original's row: it lowers 増加 (or 減少)
    # instead of adding a 減少 (or 増加) of the same size.
    reversal = pl.col("kind") == int(Kind.REVERSAL)
    moves = (
        fa.join(owner, on="idx", how="left")
        .join(keys.select("idx", "kind"), on="idx", how="left")
        .with_columns(
            pl.when(pl.col("owner").is_not_null())
            .then(pl.lit(DIRECT_PREFIX) + pl.col("owner"))
            .when((pl.col("net") > 0) != reversal)
            .then(group_name + pl.lit("_increase"))
            .otherwise(group_name + pl.lit("_decrease"))
            .alias("category"),
            pl.when(pl.col("owner").is_not_null())
            .then(pl.col("net"))
            .when(reversal)
            .then(-pl.col("net").abs())
            .otherwise(pl.col("net").abs())
            .alias("amount"),
        )
        .join(keys.select("idx", "fiscal_year", "fund"), on="idx", how="left")
        .group_by("fiscal_year", "fund", "category")
        .agg(pl.col("amount").sum())
        .sort("fiscal_year", "fund", "category")
    )
    return balances, moves
