"""Journals as columnar frames (polars): the fast path for large files and for posting.

A :class:`JournalFrame` holds entries and their lines as two data frames. It is what the
ledger posts. :func:`read_journals` turns a clean 仕訳データ CSV into a frame with
vectorised checks; it returns ``None`` as soon as anything is off, and the caller then
runs the row-by-row parser (:mod:`kokai.core.journal_csv`), which finds and words every
problem. Both apply the same rules; the fast path only ever accepts what the slow path
would accept.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from .chart import Chart, ChartError
from .journal import OPENING_ONLY_ROLES, Entry, Kind
from .journal_csv import COLUMNS, MAX_LENGTHS, REQUIRED
from .parse import parse_date, parse_fiscal_year, transcode_to_utf8

ENTRY_SCHEMA = {
    "idx": pl.Int64, "fiscal_year": pl.Int32, "date": pl.Date, "fund": pl.String, "dept": pl.String,
    "kind": pl.Int8, "voucher_no": pl.String, "description": pl.String,
    "opening": pl.Boolean,
}
LINE_SCHEMA = {"idx": pl.Int64, "account": pl.String, "amount": pl.Int64}


@dataclass(frozen=True)
class JournalFrame:
    """Entries (one row each, ``idx`` 0..n-1) and their lines (``idx`` = the entry)."""

    entries: pl.DataFrame
    lines: pl.DataFrame

    def __len__(self) -> int:
        return self.entries.height


def frame_from_entries(entries: Sequence[Entry]) -> JournalFrame:
    """A frame from Entry values (small batches: openings, reversals, the slow path)."""
    e = pl.DataFrame(
        {
            "idx": range(len(entries)),
            "fiscal_year": [x.fiscal_year for x in entries],
            "date": [x.date for x in entries],
            "fund": [x.fund for x in entries],
            "dept": [x.dept for x in entries],
            "kind": [int(x.kind) for x in entries],
            "voucher_no": [x.voucher_no for x in entries],
            "description": [x.description for x in entries],
            "opening": [x.opening for x in entries],
        },
        schema=ENTRY_SCHEMA,
    )
    lines = pl.DataFrame(
        {
            "idx": [i for i, x in enumerate(entries) for _ in x.postings],
            "account": [p.account for x in entries for p in x.postings],
            "amount": [p.amount for x in entries for p in x.postings],
        },
        schema=LINE_SCHEMA,
    )
    return JournalFrame(e, lines)


def read_journals(
    path: Path, *, file: str, chart: Chart, funds: Mapping[str, str]
) -> JournalFrame | None:
    """A frame from a clean journal CSV, or None if the slow path must look at it.

    The file is transcoded to a temporary UTF-8 file that polars reads directly, so
    memory stays near the size of the frame, not of several copies of the text."""
    with open(path, "rb") as src, tempfile.NamedTemporaryFile(suffix=".csv") as utf8:
        if not transcode_to_utf8(src, utf8) or not _same_width_everywhere(utf8.name):
            return None
        try:
            df = pl.read_csv(utf8.name, infer_schema=False, has_header=True, raise_if_empty=True)
        except Exception:  # noqa: BLE001  (any parse problem: the slow path explains it)
            return None
    if len({c.strip() for c in df.columns}) != len(df.columns):
        return None
    df = df.rename({c: c.strip() for c in df.columns})
    if any(c not in df.columns for c in REQUIRED):
        return None
    for c in COLUMNS:
        if c not in df.columns:
            df = df.with_columns(pl.lit(None, pl.String).alias(c))
    stripped = pl.all().str.strip_chars()
    df = df.select(COLUMNS).with_columns(pl.when(stripped == "").then(None).otherwise(stripped).name.keep())
    df = df.filter(~pl.all_horizontal(pl.all().is_null()))
    if df.height == 0:
        return None

    mapped = {}
    for col, fn in (("日付", parse_date), ("会計年度", parse_fiscal_year), ("会計区分", funds.__getitem__)):
        table = _map_uniques(df[col], fn)
        if table is None:
            return None
        mapped[col] = table
    accounts = _map_uniques(
        pl.concat([df["借方科目"], df["貸方科目"]]).drop_nulls(), lambda ref: _postable(chart, ref)
    )
    if accounts is None:
        return None
    df = df.with_row_index("row").with_columns(
        pl.col("日付").replace_strict(mapped["日付"], return_dtype=pl.Date, default=None).alias("date"),
        pl.col("会計年度").replace_strict(mapped["会計年度"], return_dtype=pl.Int32, default=None).alias("fiscal_year"),
        pl.col("会計区分").replace_strict(mapped["会計区分"], return_dtype=pl.String, default=None).alias("fund"),
        *(_amount(c).alias(c) for c in ("借方金額", "貸方金額")),
    )
    if df.select(pl.any_horizontal(pl.col("date", "fiscal_year", "fund", "伝票番号").is_null()).any()).item():
        return None
    too_long = [pl.col(c).str.len_chars() > n for c, n in MAX_LENGTHS.items()]
    if df.select(pl.any_horizontal(too_long).any()).item():
        return None
    sides = []
    for sign, acc, amt in ((1, "借方科目", "借方金額"), (-1, "貸方科目", "貸方金額")):
        has_acc, has_amt = pl.col(acc).is_not_null(), pl.col(amt).is_not_null()
        bad = df.filter((has_acc != has_amt) | (has_amt & (pl.col(amt) <= 0)))
        if bad.height:
            return None
        sides.append(
            df.filter(has_acc).select(
                "row", pl.lit(0 if sign > 0 else 1).alias("side"),
                pl.col(acc).replace_strict(accounts, return_dtype=pl.String).alias("account"),
                (pl.col(amt) * sign).alias("amount"),
            )
        )
    lines = pl.concat(sides).sort("row", "side")
    if lines["row"].n_unique() != df.height:
        return None  # a row with neither side
    key = ["fiscal_year", "fund", "伝票番号"]
    entries = (
        df.group_by(key, maintain_order=True)
        .agg(
            pl.col("row").first(), pl.col("date").first(), pl.col("date").n_unique().alias("n_dates"),
            pl.col("所属").first(), pl.col("所属").n_unique().alias("n_depts"), pl.col("摘要").first(),
        )
        .with_row_index("idx")
    )
    if entries.filter((pl.col("n_dates") > 1) | (pl.col("n_depts") > 1)).height:
        return None
    rows = df.select("row", *key).join(entries.select(*key, "idx"), on=key, how="left", maintain_order="left")
    lines = lines.join(rows.select("row", "idx"), on="row", how="left", maintain_order="left").select(
        pl.col("idx").cast(pl.Int64), "account", pl.col("amount").cast(pl.Int64)
    )
    cf = [ln.code for ln in chart.lines if ln.statement == "CF"]
    per_entry = lines.group_by("idx").agg(
        pl.col("amount").cast(pl.Int128).sum().alias("net"),  # no wrap-around, however many lines
        pl.len().alias("n"),
        pl.col("account").is_in(cf).any().alias("cash"),
    )
    if per_entry.filter((pl.col("net") != 0) | (pl.col("n") < 2)).height:
        return None
    entries = entries.join(per_entry.select("idx", "cash"), on="idx", how="left", maintain_order="left")
    start = pl.date(pl.col("fiscal_year"), 4, 1)
    end = pl.date(pl.col("fiscal_year") + 1, 5, 31)
    if entries.filter((pl.col("date") < start) | (pl.col("date") > end)).height:
        return None
    out = entries.select(
        pl.col("idx").cast(pl.Int64), "fiscal_year", "date", "fund",
        pl.col("所属").fill_null("").alias("dept"),
        pl.when(pl.col("cash")).then(int(Kind.CASH)).otherwise(int(Kind.NON_CASH)).cast(pl.Int8).alias("kind"),
        pl.col("伝票番号").alias("voucher_no"), pl.col("摘要").fill_null("").alias("description"),
        pl.lit(False).alias("opening"),
    )
    return JournalFrame(out, lines)


def _same_width_everywhere(path: str) -> bool:
    """Every non-blank line has as many fields as the header: counted on the raw lines
    when the file has no quotes at all, through the csv module when it has any."""
    with open(path, "rb") as f:
        header = f.readline()
        width = header.count(b",")
        quoted = b'"' in header
        for line in f:
            if b'"' in line:
                quoted = True
            elif not quoted and line.count(b",") != width and line.strip():
                return False
    return _same_width_quoted(path) if quoted else True


def _same_width_quoted(path: str) -> bool:
    import csv

    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        width = len(next(reader, []))
        return all(len(r) == width for r in reader if any(r))


def _map_uniques(col: pl.Series, fn) -> dict | None:
    out = {}
    for value in col.drop_nulls().unique().to_list():
        try:
            out[value] = fn(value)
        except (ValueError, KeyError, ChartError):
            return None
    return out


def _postable(chart: Chart, ref: str) -> str:
    line = chart.resolve(ref)
    if not line.postable or set(line.roles) & set(OPENING_ONLY_ROLES):
        raise ValueError(ref)
    return line.code


def _amount(col: str) -> pl.Expr:
    """Plain integer amounts with optional thousands separators; anything else → null,
    which sends the file to the slow path (full-width digits, fractions, signs …)."""
    cleaned = pl.col(col).str.replace_all(",", "", literal=True)
    ok = cleaned.str.contains(r"^\d{1,15}$")
    return pl.when(ok).then(cleaned.cast(pl.Int64, strict=False)).otherwise(
        pl.when(pl.col(col).is_null()).then(None).otherwise(pl.lit(-1, pl.Int64))
    )
