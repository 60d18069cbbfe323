"""歳入歳出データ加工: net 戻入/戻出 against their budget items and reconcile to the 決算額.

The settlement totals (決算額) come in their own small CSV, one row per budget item:

    会計年度,会計区分,歳入歳出区分,款,項,目,節,決算額

(names may follow in extra columns 款名,項名,目名,節名; they are shown, not matched).
A 戻入 is a negative contribution to its 歳出 item and a 戻出 (還付) to its 歳入 item, so
an item's net is the plain sum of its records' signed amounts (kokai.core.cash). Each
item's net must equal its 決算額 exactly; every difference is reported with the records
behind it. Items are compared at the 節 level (款・項・目・節), where the 決算書 reports.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import jaconv
import polars as pl

from .issues import Issue, Issues
from .parse import decode, parse_amount

ITEM = ["fiscal_year", "fund", "direction", "kan", "kou", "moku", "setsu"]
SETTLED_COLUMNS = ("会計年度", "会計区分", "歳入歳出区分", "款", "項", "目", "節", "決算額")
SETTLED_SCHEMA = {
    "row": pl.Int64, "fiscal_year": pl.Int32, "fund": pl.String, "direction": pl.String, "kan": pl.String,
    "kou": pl.String, "moku": pl.String, "setsu": pl.String, "settled": pl.Int64, "name": pl.String,
}
DIRECTIONS = {"歳入": "R", "歳出": "E", "R": "R", "E": "E", "1": "R", "2": "E"}
DIRECTION_LABELS = {"R": "歳入", "E": "歳出"}


def canonical_code(text: str | None) -> str | None:
    """A budget code as compared: half-width, trimmed, digits without leading zeros."""
    if text is None:
        return None
    s = jaconv.z2h(str(text), kana=False, ascii=True, digit=True).strip()
    if not s:
        return None
    return str(int(s)) if s.isdigit() else s


def parse_settled(data: bytes, *, file: str, funds: dict[str, str]) -> tuple[pl.DataFrame | None, list[Issue]]:
    """Read a 決算額 CSV; ``funds`` maps a 会計区分 code or name to its code."""
    issues = Issues(file)
    try:
        text, _enc = decode(data)
    except ValueError as e:
        issues.add(str(e))
        return None, issues
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in SETTLED_COLUMNS if c not in header]
    if missing:
        issues.add(f"見出し行に列 {'、'.join(missing)} がありません（{','.join(SETTLED_COLUMNS)}）", 1)
        return None, issues
    at = {c: header.index(c) for c in header}
    names = [c for c in ("款名", "項名", "目名", "節名") if c in at]
    rows, seen = [], {}
    for lineno, row in enumerate(reader, start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            issues.add(f"列の数が{len(row)}です。見出しと同じ{len(header)}列にしてください", lineno)
            continue
        cell = {c: row[i].strip() for c, i in at.items()}
        try:
            fy = int(jaconv.z2h(cell["会計年度"], digit=True))
        except ValueError:
            issues.add(f"会計年度「{cell['会計年度']}」を読めません", lineno, "会計年度")
            continue
        fund = funds.get(cell["会計区分"])
        if fund is None:
            issues.add(f"会計区分「{cell['会計区分']}」は登録されていません", lineno, "会計区分")
            continue
        direction = DIRECTIONS.get(cell["歳入歳出区分"])
        if direction is None:
            issues.add(f"歳入歳出区分「{cell['歳入歳出区分']}」は 歳入 か 歳出 にしてください", lineno, "歳入歳出区分")
            continue
        try:
            amount = parse_amount(cell["決算額"])
        except ValueError as e:
            issues.add(str(e), lineno, "決算額")
            continue
        codes = [canonical_code(cell[c]) for c in ("款", "項", "目", "節")]
        if None in codes:
            issues.add("款・項・目・節のコードをすべて入力してください（節の単位で照合します）", lineno)
            continue
        key = (fy, fund, direction, *codes)
        if key in seen:
            issues.add(f"同じ予算科目が{seen[key]}行目にもあります", lineno)
            continue
        seen[key] = lineno
        rows.append((lineno, fy, fund, direction, *codes, amount, " ".join(cell[c] for c in names if cell[c])))
    if issues:
        return None, issues
    if not rows:
        issues.add("決算額の行がありません")
        return None, issues
    return pl.DataFrame(rows, schema=SETTLED_SCHEMA, orient="row"), issues


@dataclass(frozen=True)
class Reconciliation:
    """Per budget item: gross, refunds, net, 決算額 and difference; ``ok`` when all agree."""

    items: pl.DataFrame  # ITEM + name, gross, refunds, net, settled, difference
    behind: pl.DataFrame  # the records of the items that differ

    @property
    def ok(self) -> bool:
        return self.items.filter(pl.col("difference") != 0).height == 0

    @property
    def differences(self) -> pl.DataFrame:
        return self.items.filter(pl.col("difference") != 0)


def item_totals(records: pl.DataFrame) -> pl.DataFrame:
    """Per 節: gross (payments or receipts), refunds (戻入・戻出), net, record count, name."""
    refund = pl.col("voucher_type").is_in(["戻入", "戻出"])
    names = [c for c in ("kan_name", "kou_name", "moku_name", "setsu_name") if c in records.columns]
    return records.group_by(ITEM).agg(
        pl.col("amount").filter(~refund).sum().alias("gross"),
        (-pl.col("amount").filter(refund)).sum().alias("refunds"),
        pl.col("amount").sum().alias("net"),
        pl.len().cast(pl.Int64).alias("records"),
        pl.concat_str([pl.col(c).first() for c in names], separator=" ", ignore_nulls=True).alias("record_name")
        if names else pl.lit(None, pl.String).alias("record_name"),
    )


def compare(per_item: pl.DataFrame, settled: pl.DataFrame) -> pl.DataFrame:
    """Item totals against the 決算額 (an item missing on either side counts as 0 there)."""
    return (
        per_item.join(settled.select(*ITEM, "settled", "name"), on=ITEM, how="full", coalesce=True)
        .with_columns(
            pl.col("gross", "refunds", "net", "settled", "records").fill_null(0),
            pl.coalesce(pl.col("name").replace("", None), "record_name").alias("name"),
        )
        .with_columns((pl.col("net") - pl.col("settled")).alias("difference"))
        .drop("record_name")
        .sort(ITEM)
    )


def reconcile(records: pl.DataFrame, settled: pl.DataFrame) -> Reconciliation:
    """Net the records per 節 and compare with the 決算額. ``records`` needs ITEM, amount,
    voucher_type, and the columns to show for the records behind a difference."""
    items = compare(item_totals(records), settled)
    bad = items.filter(pl.col("difference") != 0).select(ITEM)
    behind = records.join(bad, on=ITEM, how="semi")
    return Reconciliation(items=items, behind=behind)
