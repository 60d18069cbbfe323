"""固定資産台帳 services: importing an existing register, the year's depreciation run, and
the tie between the register and the balance sheet.

The register CSV is read through a register profile (:mod:`kokai.core.asset_profiles`;
``standard`` is our layout with Japanese headers, ``opendata`` the layout cities publish,
``kokai-opendata`` our own open-data export). The standard header row:

    資産番号,枝番,資産名称,所在地,管理所属,資産区分,種目,耐用年数,取得年月日,供用開始年月日,
    取得価額,減価償却累計額,数量,単位,行政目的,所有区分,所有者,美術品
    (optional: 耐用年数の種類, 評価方法, 財源, 売却可能, 帳簿価額; any other column is a 追加項目)

資産区分 is 事業用資産 / インフラ資産 / 物品 / 無形固定資産; 種目 is 土地, 立木竹, 建物, 工作物,
船舶, 浮標等, 航空機, その他, 建設仮勘定, ソフトウェア …; 所有区分 is 所有 / リース / 所有外.
The 勘定科目 follows from 資産区分 and 種目. Opening figures (取得価額, 減価償却累計額 to date)
become the asset's 開始残高 change; they are already in the opening balance sheet, so no
journal is made for them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.db import connection, transaction

from kokai.core.checks import Check
from kokai.core.depreciation import compute_charges, depreciation_journals
from kokai.core.issues import InputRejected, Issue
from kokai.ledger.masters import chart_for, fund_lookup
from kokai.ledger.models import Account, Fund, ImportBatch, LedgerBalance, LocalGovernment
from kokai.ledger.posting import post_entries

from .models import Asset, AssetChange


@dataclass(frozen=True)
class RegisterImport:
    assets: int
    cost: int
    accumulated: int
    file: str = ""
    already_imported: bool = False

    def summary(self) -> str:
        if self.already_imported:
            return f"{self.file}: 同じファイルは取込済みです。変更はありません"
        return (f"{self.file}: 固定資産 {self.assets:,} 件（取得価額 {self.cost:,}円、"
                f"減価償却累計額 {self.accumulated:,}円）を登録しました。")


def import_register(*, lg: LocalGovernment, path: Path, fiscal_year: int, fund: str = "01",
                    profile: str | Path = "standard") -> RegisterImport:
    """Import an existing register as of the start of ``fiscal_year``, read through a register
    profile. The whole file is refused on any bad row (row and column named); an asset number
    already registered is refused; the same file (same SHA-256) imported again changes nothing."""
    from kokai.core.asset_profiles import load_asset_profile, read_register
    from kokai.core.profiles import ProfileError
    from kokai.ledger.imports import MAX_FILE_BYTES, file_sha256

    def refuse(message: str):
        return InputRejected([Issue(message, file=path.name)])

    try:
        prof = load_asset_profile(profile)
    except ProfileError as e:
        raise refuse(str(e)) from None
    if path.stat().st_size > MAX_FILE_BYTES:
        raise refuse("ファイルが大きすぎます（2GB まで）")
    sha = file_sha256(path)
    if ImportBatch.objects.filter(lg=lg, kind="assets", sha256=sha).exists():
        return RegisterImport(0, 0, 0, path.name, True)
    funds = fund_lookup(lg)
    if fund not in funds:
        raise refuse(f"会計区分「{fund}」は登録されていません")
    fund_id = Fund.objects.get(lg=lg, code=funds[fund]).id
    known = Asset.objects.filter(lg=lg).values_list("asset_no", "branch_no")
    frame, issues = read_register(path, profile=prof, file=path.name, known=known.iterator(chunk_size=20_000))
    if issues or frame is None:
        raise InputRejected(issues or [Issue("資産の行がありません", file=path.name)])
    if frame.height == 0:
        raise refuse("資産の行がありません")
    with transaction.atomic():
        ImportBatch.objects.create(lg=lg, kind="assets", file_name=path.name[:255], sha256=sha, entries=frame.height)
        _insert_assets(lg, fund_id, frame, fiscal_year, dt.date(fiscal_year, 4, 1))
    return RegisterImport(frame.height, int(frame["cost"].sum()), int(frame["accumulated"].sum()), path.name)


ASSET_COLUMNS = ("id", "lg_id", "fund_id", "asset_no", "branch_no", "name", "location", "dept", "asset_class", "kind",
                 "account", "ownership", "legal_owner", "life_category", "useful_life", "acquired_on", "in_service",
                 "valuation", "quantity", "unit", "purpose", "funding", "saleable", "is_art", "disposed_on", "extra")
CHANGE_COLUMNS = ("lg_id", "asset_id", "fiscal_year", "date", "reason", "cost", "accumulated", "entry_id", "note")


def _insert_assets(lg, fund_id: int, frame: pl.DataFrame, fiscal_year: int, start: dt.date) -> None:
    """Assets (the register frame of kokai.core.asset_profiles) and their 開始残高 changes,
    one bulk insert each (ids reserved under the write lock, as the ledger's posting does)."""
    from kokai.ledger.bulk import insert_rows

    table = Asset._meta.db_table
    if connection.vendor != "postgresql":  # SQLite stores dates as ISO text (as Django adapts them)
        frame = frame.with_columns(pl.col("acquired_on", "in_service").dt.to_string("%Y-%m-%d"))
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        first = cur.fetchone()[0] + 1
        rows = frame.select(
            (pl.int_range(pl.len(), dtype=pl.Int64) + first).alias("id"), pl.lit(lg.id).alias("lg_id"),
            pl.lit(fund_id).alias("fund_id"), *(c for c in ASSET_COLUMNS[3:-2]), pl.lit(None).alias("disposed_on"),
            "extra",
        )
        insert_rows(cur, table, ASSET_COLUMNS, rows.iter_rows())
        if connection.vendor == "postgresql":
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [first + frame.height - 1])
        day = connection.ops.adapt_datefield_value(start)
        insert_rows(cur, AssetChange._meta.db_table, CHANGE_COLUMNS, (
            (lg.id, first + i, fiscal_year, day, "opening", cost, acc, None, "台帳の取込")
            for i, (cost, acc) in enumerate(frame.select("cost", "accumulated").iter_rows())
        ))


def register_frame(*, lg: LocalGovernment, fiscal_year: int) -> pl.DataFrame:
    """The register as of ``fiscal_year``: cost and accumulated depreciation summed from the
    changes through that year, and the last year already depreciated (the idempotency key
    of kokai.core.depreciation). One query; the sums are done by the database."""
    changes, assets = AssetChange._meta.db_table, Asset._meta.db_table
    sql = (
        f"SELECT a.id, a.asset_no, a.branch_no, a.asset_class, a.kind, a.account, a.useful_life, a.in_service, "
        f"a.disposed_on, a.is_art, COALESCE(c.cost, 0), COALESCE(c.acc, 0), c.dep "
        f"FROM {assets} a LEFT JOIN (SELECT asset_id, SUM(cost) AS cost, SUM(accumulated) AS acc, "
        f"MAX(CASE WHEN reason = 'depreciation' THEN fiscal_year END) AS dep FROM {changes} "
        f"WHERE lg_id = %s AND fiscal_year <= %s GROUP BY asset_id) c ON c.asset_id = a.id WHERE a.lg_id = %s"
    )
    schema = {
        "id": pl.Int64, "asset_no": pl.String, "branch_no": pl.Int64, "asset_class": pl.String, "kind": pl.String,
        "account": pl.String, "useful_life": pl.Int32, "in_service": pl.Date, "disposed": pl.Date,
        "is_art": pl.Boolean, "cost": pl.Int64, "accumulated": pl.Int64, "depreciated_through": pl.Int32,
    }
    parts = []
    with connection.cursor() as cur:
        cur.execute(sql, [lg.id, fiscal_year, lg.id])
        while batch := cur.fetchmany(100_000):
            parts.append(pl.DataFrame(batch, schema=list(schema), orient="row", infer_schema_length=None))
    if not parts:
        return pl.DataFrame(schema=schema)
    frame = pl.concat(parts, how="vertical_relaxed")
    dates = [c for c in ("in_service", "disposed") if frame.schema[c] == pl.String]
    frame = frame.with_columns(*(pl.col(c).str.to_date() for c in dates)).cast(schema)
    return frame.with_columns((pl.col("asset_no") + "-" + pl.col("branch_no").cast(pl.String)).alias("asset_no")).drop(
        "branch_no")


@dataclass(frozen=True)
class DepreciationRun:
    assets: int
    charged: int
    total: int
    entries: int

    def summary(self) -> str:
        if not self.charged:
            return "この年度の減価償却は計上済みです（新たな計上はありません）。"
        return f"減価償却費 {self.total:,}円（{self.charged:,}件）を {self.entries} 件の仕訳で計上しました。"


def depreciate(*, lg: LocalGovernment, fiscal_year: int, fund: str = "01") -> DepreciationRun:
    """The year's depreciation for the whole register: one change per asset charged and one
    journal per BS line (Dr 減価償却費 / Cr 累計額). A second run posts nothing."""
    register = register_frame(lg=lg, fiscal_year=fiscal_year)
    from kokai.ledger.lg_settings import asset_settings

    charges = compute_charges(register, fiscal_year, asset_settings(lg), chart=chart_for(lg))
    charged = charges.filter(pl.col("charge") > 0)
    if charged.height == 0:
        return DepreciationRun(register.height, 0, 0, 0)
    entries = depreciation_journals(charges, chart_for(lg), fiscal_year, fund_lookup(lg)[fund])
    key = f"depreciation:{fiscal_year}:{charged.height}:{int(charged['charge'].sum())}"
    with transaction.atomic():
        batch = ImportBatch.objects.create(lg=lg, kind="depreciation", file_name=f"{fiscal_year}年度 減価償却",
                                           sha256=hashlib.sha256(key.encode()).hexdigest())
        post_entries(lg=lg, entries=entries, chart=chart_for(lg), batch_id=batch.id)
        from kokai.ledger.bulk import insert_rows

        end = connection.ops.adapt_datefield_value(dt.date(fiscal_year + 1, 3, 31))
        rows = charged.join(register.select("asset_no", "id"), on="asset_no", how="left").select("id", "charge")
        with connection.cursor() as cur:
            insert_rows(cur, AssetChange._meta.db_table, CHANGE_COLUMNS, (
                (lg.id, asset_id, fiscal_year, end, "depreciation", 0, int(charge), None, "減価償却")
                for asset_id, charge in rows.iter_rows()
            ))
    return DepreciationRun(register.height, charged.height, int(charged["charge"].sum()), len(entries))


def ledger_ties(*, lg: LocalGovernment, fiscal_year: int) -> list[Check]:
    """A1: per BS asset line, the register's cost (and accumulated depreciation) at the year
    end equal the balance sheet's (the 一般会計等 funds, all entries to the year)."""
    if not Asset.objects.filter(lg=lg).exists():
        return []
    from .reports import register_lines

    chart = chart_for(lg)
    per_line = register_lines(lg=lg, fiscal_year=fiscal_year, chart=chart)  # by the account in force then
    funds = list(Fund.objects.filter(lg=lg, scope=Fund.GENERAL).values_list("id", flat=True))
    codes = dict(Account.objects.values_list("id", "code"))
    books: dict[str, int] = {}
    for acc_id, amount in LedgerBalance.objects.filter(lg=lg, fiscal_year__lte=fiscal_year, fund_id__in=funds).values_list(
        "account_id", "amount"
    ):
        books[codes[acc_id]] = books.get(codes[acc_id], 0) + amount
    out = []
    for path in sorted(per_line):
        line = chart.resolve(path)
        book = books.get(line.code, 0)
        out.append(Check("A1", f"固定資産台帳 = 貸借対照表（{line.path}）", per_line[path] == book,
                         "台帳", per_line[path], "貸借対照表", book))
    return out + _year_ties(lg, fiscal_year, chart, funds)


def _year_ties(lg, fiscal_year: int, chart, funds: list[int]) -> list[Check]:
    """A2: the register's depreciation of the year = PL 減価償却費. A3: the year's paid
    acquisitions recorded from the matching worksheet = CF 公共施設等整備費支出."""
    from django.db.models import Sum

    from kokai.core.assets import DEPRECIATION_EXPENSE

    from .changes import MATCHING_NOTE

    def moved(path: str) -> int:
        acc = Account.objects.get(code=chart.resolve(path).code)
        return LedgerBalance.objects.filter(lg=lg, fiscal_year=fiscal_year, fund_id__in=funds, account=acc,
                                            opening=False).aggregate(s=Sum("amount"))["s"] or 0

    year = AssetChange.objects.filter(lg=lg, fiscal_year=fiscal_year)
    depreciation = year.filter(reason="depreciation").aggregate(s=Sum("accumulated"))["s"] or 0
    acquired = year.filter(note__startswith=MATCHING_NOTE).aggregate(s=Sum("cost"))["s"] or 0
    expense = moved(DEPRECIATION_EXPENSE)
    capital = -moved("CF/投資活動収支/投資活動支出/公共施設等整備費支出")
    return [
        Check("A2", "台帳の本年度償却額 = 行政コスト計算書の減価償却費", depreciation == expense,
              "台帳", depreciation, "行政コスト計算書", expense),
        Check("A3", "台帳の有償取得（マッチング） = 資金収支計算書の公共施設等整備費支出", acquired == capital,
              "台帳", acquired, "資金収支計算書", capital),
    ]
