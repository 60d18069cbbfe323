"""Importing 歳入歳出データ and 決算額, and reconciling them: whole files, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.db import connection, transaction

from kokai.core.issues import InputRejected, Issue
from kokai.core.reconcile import ITEM, Reconciliation, parse_settled
from kokai.ledger.bulk import insert_rows
from kokai.ledger.imports import MAX_FILE_BYTES, file_sha256
from kokai.ledger.masters import fund_lookup
from kokai.ledger.models import Fund, ImportBatch, LocalGovernment

from .models import CashRecord, SettledAmount

TEXT_COLUMNS = (
    "kan", "kou", "moku", "setsu", "saisetsu", "kan_name", "kou_name", "moku_name", "setsu_name", "saisetsu_name",
    "voucher_no", "voucher_type", "dept", "counterparty", "description", "program", "carryover", "arrears",
)
RECORD_COLUMNS = (
    "lg_id", "batch_id", "row", "fiscal_year", "fund_id", "direction", *TEXT_COLUMNS, "line_no", "date", "amount",
    "custodial",
)
KEY = ["fiscal_year", "fund_id", "direction", "voucher_no", "line_no"]


@dataclass(frozen=True)
class CashImportResult:
    file: str
    records: int
    skipped: int
    already_imported: bool
    years: tuple[int, ...] = ()
    # the imported records (fund as its code) when they are all of their years' records,
    # so that a conversion in the same run need not read them back
    whole_years: pl.DataFrame | None = field(default=None, repr=False, compare=False)

    def summary(self) -> str:
        if self.already_imported:
            return f"{self.file}: 同じファイルは取込済みです。変更はありません"
        extra = f"（取込済みと同じ内容の {self.skipped:,} 件は変更なし）" if self.skipped else ""
        return f"{self.file}: 歳入歳出データ {self.records:,} 件を取り込みました{extra}"


def import_cash(*, lg: LocalGovernment, path: Path, profile: str = "standard", fiscal_year: int | None = None) -> CashImportResult:
    """Import a 財務会計 export read through a profile; refuse the whole file on any issue."""
    from kokai.core.cash import read_cash
    from kokai.core.profiles import load_profile

    if path.stat().st_size > MAX_FILE_BYTES:
        raise InputRejected([Issue("ファイルが大きすぎます（2GB まで）", file=path.name)])
    with open(path, "rb") as f:
        magic = f.read(4)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls") and magic not in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):
        raise InputRejected([Issue(
            "拡張子は Excel ですが、中身は Excel ファイルではありません（CSV などのテキストです）。"
            "拡張子を .csv にして取り込んでください", file=path.name,
        )])
    sha = file_sha256(path)
    if ImportBatch.objects.filter(lg=lg, kind="cash", sha256=sha).exists():
        return CashImportResult(path.name, 0, 0, True)
    frame, issues = read_cash(path, profile=load_profile(profile), fiscal_year=fiscal_year, file=path.name)
    if issues or frame is None:
        raise InputRejected(issues or [Issue("取り込めるデータがありません", file=path.name)])
    funds = fund_lookup(lg)
    unknown = frame.filter(~pl.col("fund").is_in(list(funds)))
    if unknown.height:
        raise InputRejected([
            Issue(f"会計区分「{f}」は登録されていません。`kokai fund add` で登録してください", file=path.name, row=r,
                  column="会計区分")
            for r, f in unknown.select("row", "fund").head(100).iter_rows()
        ])
    ids = dict(Fund.objects.filter(lg=lg).values_list("code", "id"))
    frame = frame.with_columns(
        pl.col("fund").replace_strict({k: ids[v] for k, v in funds.items()}, return_dtype=pl.Int64).alias("fund_id"),
        *(pl.col(c).fill_null("") for c in TEXT_COLUMNS),
    )
    fresh = not CashRecord.objects.filter(lg=lg, fiscal_year__in=frame["fiscal_year"].unique().to_list()).exists()
    with transaction.atomic():
        frame, skipped = _drop_already_imported(lg, frame, path.name)
        batch = ImportBatch.objects.create(lg=lg, kind="cash", file_name=path.name[:255], sha256=sha,
                                           entries=frame.height)
        if frame.height:
            date_type = pl.Date if connection.vendor == "postgresql" else pl.String
            rows = frame.with_columns(
                pl.lit(lg.id).alias("lg_id"), pl.lit(batch.id).alias("batch_id"), pl.col("date").cast(date_type),
            ).select(RECORD_COLUMNS)
            with connection.cursor() as cur:
                insert_rows(cur, CashRecord._meta.db_table, RECORD_COLUMNS, rows.iter_rows())
    whole = frame.with_columns(pl.col("fund").replace_strict(funds, return_dtype=pl.String)) if fresh else None
    years = tuple(sorted(frame["fiscal_year"].unique().to_list()))
    return CashImportResult(path.name, frame.height, skipped, False, years, whole)


def _drop_already_imported(lg, frame: pl.DataFrame, file: str) -> tuple[pl.DataFrame, int]:
    """Records already imported with the same content are skipped; different content is refused."""
    years = frame["fiscal_year"].unique().to_list()
    existing = CashRecord.objects.filter(lg=lg, fiscal_year__in=years)
    if not existing.exists():
        return frame, 0
    compare = ["amount", "date", "kan", "kou", "moku", "setsu", "saisetsu", "voucher_type"]
    old = pl.DataFrame(
        list(existing.values_list(*KEY, *compare)),
        schema={"fiscal_year": pl.Int32, "fund_id": pl.Int64, "direction": pl.String, "voucher_no": pl.String,
                "line_no": pl.Int32, "amount": pl.Int64, "date": pl.Date, **{c: pl.String for c in compare[2:]}},
        orient="row",
    )
    both = frame.join(old, on=KEY, how="inner", suffix="_old")
    differs = both.filter(pl.any_horizontal([pl.col(c) != pl.col(f"{c}_old") for c in compare]))
    if differs.height:
        raise InputRejected([
            Issue(f"伝票番号「{v}」行番号 {n} は既に別の内容で取り込まれています", file=file, row=r)
            for r, v, n in differs.select("row", "voucher_no", "line_no").head(100).iter_rows()
        ])
    return frame.join(old.select(KEY), on=KEY, how="anti"), both.height


def import_settled(*, lg: LocalGovernment, path: Path) -> int:
    """Import 決算額; a year and 会計区分 given again replaces its earlier figures."""
    frame, issues = parse_settled(path.read_bytes(), file=path.name, funds=fund_lookup(lg))
    if issues or frame is None:
        raise InputRejected(issues)
    ids = dict(Fund.objects.filter(lg=lg).values_list("code", "id"))
    with transaction.atomic():
        for fy, fund in frame.select("fiscal_year", "fund").unique().iter_rows():
            SettledAmount.objects.filter(lg=lg, fiscal_year=fy, fund_id=ids[fund]).delete()
        SettledAmount.objects.bulk_create(
            [
                SettledAmount(lg=lg, fiscal_year=fy, fund_id=ids[fund], direction=d, kan=kan, kou=kou, moku=moku,
                              setsu=setsu, amount=amount, name=name or "")
                for _r, fy, fund, d, kan, kou, moku, setsu, amount, name in frame.iter_rows()
            ],
            batch_size=1000,
        )
    return frame.height


def records_frame(*, lg: LocalGovernment, fiscal_year: int, columns: tuple[str, ...]) -> pl.DataFrame:
    """A year's cash records as a frame, fetched in batches (fund as its code)."""
    codes = dict(Fund.objects.filter(lg=lg).values_list("id", "code"))
    cols = [c if c != "fund" else "fund_id" for c in columns]
    parts = []
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT {', '.join(cols)} FROM {CashRecord._meta.db_table} WHERE lg_id = %s AND fiscal_year = %s",
            [lg.id, fiscal_year],
        )
        while batch := cur.fetchmany(200_000):
            parts.append(pl.DataFrame(batch, schema=cols, orient="row", infer_schema_length=None))
    if not parts:
        return pl.DataFrame(schema=list(columns))
    frame = pl.concat(parts, how="vertical_relaxed")
    if "fund_id" in frame.columns:
        frame = frame.with_columns(pl.col("fund_id").replace_strict(codes, return_dtype=pl.String).alias("fund")).drop("fund_id")
    if "fiscal_year" in frame.columns:
        frame = frame.with_columns(pl.col("fiscal_year").cast(pl.Int32))
    return frame.select(list(columns))


def settled_frame(*, lg: LocalGovernment, fiscal_year: int) -> pl.DataFrame:
    codes = dict(Fund.objects.filter(lg=lg).values_list("id", "code"))
    return pl.DataFrame(
        [
            (fy, codes[f], d, kan, kou, moku, setsu, amount, name)
            for fy, f, d, kan, kou, moku, setsu, amount, name in SettledAmount.objects.filter(
                lg=lg, fiscal_year=fiscal_year
            ).values_list("fiscal_year", "fund_id", "direction", "kan", "kou", "moku", "setsu", "amount", "name")
        ],
        schema={"fiscal_year": pl.Int32, "fund": pl.String, "direction": pl.String, "kan": pl.String,
                "kou": pl.String, "moku": pl.String, "setsu": pl.String, "settled": pl.Int64, "name": pl.String},
        orient="row",
    )


def reconciliation_for(*, lg: LocalGovernment, fiscal_year: int, behind_limit: int = 200) -> Reconciliation:
    """Item totals summed by the database (GROUP BY on the short code columns), compared
    with the 決算額; only the records of differing items are fetched."""
    from kokai.core.reconcile import compare

    codes = dict(Fund.objects.filter(lg=lg).values_list("id", "code"))
    refund = "voucher_type IN ('戻入', '戻出')"
    group = "fiscal_year, fund_id, direction, kan, kou, moku, setsu"
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT {group}, SUM(CASE WHEN {refund} THEN 0 ELSE amount END), "
            f"SUM(CASE WHEN {refund} THEN -amount ELSE 0 END), SUM(amount), COUNT(*), "
            "MAX(kan_name), MAX(kou_name), MAX(moku_name), MAX(setsu_name) "
            f"FROM {CashRecord._meta.db_table} WHERE lg_id = %s AND fiscal_year = %s GROUP BY {group}",
            [lg.id, fiscal_year],
        )
        rows = [
            (fy, codes[f], d, kan, kou or None, moku or None, setsu or None, int(g), int(r), int(n), c,
             " ".join(x for x in names if x) or None)
            for fy, f, d, kan, kou, moku, setsu, g, r, n, c, *names in cur.fetchall()
        ]
    per_item = pl.DataFrame(
        rows, orient="row",
        schema={"fiscal_year": pl.Int32, "fund": pl.String, "direction": pl.String, "kan": pl.String,
                "kou": pl.String, "moku": pl.String, "setsu": pl.String, "gross": pl.Int64, "refunds": pl.Int64,
                "net": pl.Int64, "records": pl.Int64, "record_name": pl.String},
    )
    items = compare(per_item, settled_frame(lg=lg, fiscal_year=fiscal_year))
    ids = {v: k for k, v in codes.items()}
    parts = []
    cols = (*ITEM, "amount", "voucher_type", "voucher_no", "line_no", "date", "description")
    for fy, fund, d, kan, kou, moku, setsu in items.filter(pl.col("difference") != 0).select(ITEM).head(behind_limit).iter_rows():
        qs = CashRecord.objects.filter(lg=lg, fiscal_year=fy, fund_id=ids[fund], direction=d, kan=kan,
                                       kou=kou or "", moku=moku or "", setsu=setsu or "")
        parts += [(fy, fund, *r) for r in qs.values_list(*cols[2:])[:10_000]]
    behind = pl.DataFrame(
        parts, orient="row",
        schema={"fiscal_year": pl.Int32, "fund": pl.String, "direction": pl.String, "kan": pl.String,
                "kou": pl.String, "moku": pl.String, "setsu": pl.String, "amount": pl.Int64,
                "voucher_type": pl.String, "voucher_no": pl.String, "line_no": pl.Int64, "date": pl.Date,
                "description": pl.String},
    )
    return Reconciliation(items=items, behind=behind)


def rules_for(lg: LocalGovernment):
    """The 団体's conversion table: its own if it imported one, else the standard one."""
    from kokai.core.conversion import load_rules, standard_rules

    from .models import ConversionTable

    own = ConversionTable.objects.filter(lg=lg).first()
    return load_rules(own.text, file=own.file_name) if own else standard_rules()


def import_rules(*, lg: LocalGovernment, path: Path) -> int:
    """Check a whole conversion table file (every bad row reported) and make it the 団体's."""
    from kokai.core.parse import decode

    try:
        text, _enc = decode(path.read_bytes())
    except ValueError as e:
        raise InputRejected([Issue(str(e), file=path.name)]) from e
    return register_rules(lg=lg, text=text, file_name=path.name)


def register_rules(*, lg: LocalGovernment, text: str, file_name: str) -> int:
    """Make a conversion table (CSV text) the 団体's after checking every row; raises
    InputRejected with every issue. Used by `kokai rules import` and the admin."""
    from kokai.core.conversion import load_rules

    from .models import ConversionTable

    table = load_rules(text, file=file_name)
    ConversionTable.objects.create(lg=lg, text=text, file_name=file_name[:255], rules=len(table))
    return len(table)
