"""固定資産台帳 services: importing an existing register, the year's depreciation run, and
the tie between the register and the balance sheet.

The register CSV (standard layout, one header row):

    資産番号,枝番,資産名称,所在地,管理所属,資産区分,種目,耐用年数,取得年月日,供用開始年月日,
    取得価額,減価償却累計額,数量,単位,行政目的,所有区分,所有者,美術品

資産区分 is 事業用資産 / インフラ資産 / 物品 / 無形固定資産; 種目 is 土地, 立木竹, 建物, 工作物,
船舶, 浮標等, 航空機, その他, 建設仮勘定, ソフトウェア …; 所有区分 is 所有 / リース / 所有外.
The 勘定科目 follows from 資産区分 and 種目. Opening figures (取得価額, 減価償却累計額 to date)
become the asset's 開始残高 change; they are already in the opening balance sheet, so no
journal is made for them.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.db import connection, transaction

from kokai.core.assets import AssetClass, AssetError, account_for, depreciable
from kokai.core.checks import Check
from kokai.core.depreciation import compute_charges, depreciation_journals
from kokai.core.issues import InputRejected, Issues
from kokai.core.parse import decode, parse_amount, parse_date
from kokai.ledger.masters import chart_for, fund_lookup
from kokai.ledger.models import Account, Fund, ImportBatch, LedgerBalance, LocalGovernment
from kokai.ledger.posting import post_entries

from .models import Asset, AssetChange

COLUMNS = ("資産番号", "枝番", "資産名称", "所在地", "管理所属", "資産区分", "種目", "耐用年数", "取得年月日",
           "供用開始年月日", "取得価額", "減価償却累計額", "数量", "単位", "行政目的", "所有区分", "所有者", "美術品")
REQUIRED = ("資産番号", "資産名称", "資産区分", "種目", "取得価額")
OWNERSHIP = {"": "owned", "所有": "owned", "リース": "leased", "所有外": "not_owned", "所有外（管理のみ）": "not_owned"}
CLASS_CODES = {AssetClass.BUSINESS: "business", AssetClass.INFRASTRUCTURE: "infrastructure",
               AssetClass.MOVABLE: "movable", AssetClass.INTANGIBLE: "intangible"}


@dataclass(frozen=True)
class RegisterImport:
    assets: int
    cost: int
    accumulated: int


def import_register(*, lg: LocalGovernment, path: Path, fiscal_year: int, fund: str = "01") -> RegisterImport:
    """Import an existing register as of the start of ``fiscal_year``; refuse the whole file on
    any bad row (row and column named); an asset number already registered is refused."""
    issues = Issues(path.name)
    try:
        text, _enc = decode(path.read_bytes())
    except ValueError as e:
        issues.add(str(e))
        raise InputRejected(issues) from e
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        issues.add(f"見出し行に列 {'、'.join(missing)} がありません（{','.join(COLUMNS)}）", 1)
        raise InputRejected(issues)
    at = {c: header.index(c) for c in COLUMNS if c in header}
    funds = fund_lookup(lg)
    if fund not in funds:
        issues.add(f"会計区分「{fund}」は登録されていません")
        raise InputRejected(issues)
    fund_id = Fund.objects.get(lg=lg, code=funds[fund]).id
    known = set(Asset.objects.filter(lg=lg).values_list("asset_no", "branch_no"))
    start = dt.date(fiscal_year, 4, 1)
    assets, seen = [], {}
    for lineno, row in enumerate(reader, start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            issues.add(f"列の数が{len(row)}です。見出しと同じ{len(header)}列にしてください", lineno)
            continue
        cell = {c: row[i].strip() for c, i in at.items()}
        a = _asset_row(cell, lineno, issues, start)
        if a is None:
            continue
        key = (a["asset_no"], a["branch_no"])
        if key in seen or key in known:
            where = f"{seen[key]}行目" if key in seen else "登録済みの台帳"
            issues.add(f"資産番号 {key[0]}-{key[1]} が{where}にもあります", lineno, "資産番号")
            continue
        seen[key] = lineno
        assets.append(a)
        if len(issues) >= 1000:
            break
    if issues:
        raise InputRejected(issues)
    if not assets:
        issues.add("資産の行がありません")
        raise InputRejected(issues)
    sha = hashlib.sha256(text.encode()).hexdigest()
    with transaction.atomic():
        ImportBatch.objects.create(lg=lg, kind="assets", file_name=path.name[:255], sha256=sha, entries=len(assets))
        _insert_assets(lg, fund_id, assets, fiscal_year, start)
    return RegisterImport(len(assets), sum(a["_cost"] for a in assets), sum(a["_accumulated"] for a in assets))


ASSET_COLUMNS = ("id", "lg_id", "fund_id", "asset_no", "branch_no", "name", "location", "dept", "asset_class", "kind",
                 "account", "ownership", "legal_owner", "life_category", "useful_life", "acquired_on", "in_service",
                 "valuation", "quantity", "unit", "purpose", "funding", "saleable", "is_art", "disposed_on", "extra")
CHANGE_COLUMNS = ("lg_id", "asset_id", "fiscal_year", "date", "reason", "cost", "accumulated", "entry_id", "note")


def _insert_assets(lg, fund_id: int, assets: list[dict], fiscal_year: int, start: dt.date) -> None:
    """Assets and their 開始残高 changes, one bulk insert each (ids reserved under the
    write lock, as the ledger's posting does)."""
    from kokai.ledger.bulk import insert_rows

    ops = connection.ops
    day = ops.adapt_datefield_value
    table = Asset._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        first = cur.fetchone()[0] + 1
        insert_rows(cur, table, ASSET_COLUMNS, (
            (first + i, lg.id, fund_id, a["asset_no"], a["branch_no"], a["name"], a["location"], a["dept"],
             a["asset_class"], a["kind"], a["account"], a["ownership"], a["legal_owner"], "", a["useful_life"],
             day(a["acquired_on"]), day(a["in_service"]), "cost", a["quantity"], a["unit"], a["purpose"], "",
             False, a["is_art"], None, "{}")
            for i, a in enumerate(assets)
        ))
        if connection.vendor == "postgresql":
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [first + len(assets) - 1])
        insert_rows(cur, AssetChange._meta.db_table, CHANGE_COLUMNS, (
            (lg.id, first + i, fiscal_year, day(start), "opening", a["_cost"], a["_accumulated"], None, "台帳の取込")
            for i, a in enumerate(assets)
        ))


def _asset_row(cell: dict, row: int, issues: Issues, start: dt.date) -> dict | None:
    bad = len(issues)

    def get(c):
        return cell.get(c, "")

    def date(c):
        if not get(c):
            return None
        try:
            return parse_date(get(c))
        except ValueError as e:
            issues.add(str(e), row, c)

    def amount(c):
        try:
            v = parse_amount(get(c) or "0")
        except ValueError as e:
            issues.add(str(e), row, c)
            return 0
        if v < 0:
            issues.add(f"{c}が負の数です。0以上で入力してください", row, c)
        return v

    try:
        cls = AssetClass.parse(get("資産区分"))
        account, _contra = account_for(cls, get("種目"))
    except (AssetError, ValueError) as e:
        issues.add(str(e), row, "資産区分" if "区分" in str(e) else "種目")
        return None
    cost, acc = amount("取得価額"), amount("減価償却累計額")
    acquired, in_service = date("取得年月日"), date("供用開始年月日")
    life = None
    if get("耐用年数"):
        try:
            life = int(get("耐用年数"))
            if not 1 <= life <= 100:
                raise ValueError
        except ValueError:
            issues.add(f"耐用年数「{get('耐用年数')}」は1〜100の整数で入力してください", row, "耐用年数")
    is_art = get("美術品") in ("1", "○", "はい", "true", "True", "美術品")
    if life is None and depreciable(get("種目"), cls, is_art) and not get("耐用年数"):
        issues.add("償却資産には耐用年数が必要です", row, "耐用年数")
    if acquired and in_service and in_service < acquired:
        issues.add(f"供用開始年月日 {in_service} が取得年月日 {acquired} より前です", row, "供用開始年月日")
    if acc > cost:
        issues.add(f"減価償却累計額 {acc:,}円 が取得価額 {cost:,}円 を超えています", row, "減価償却累計額")
    ownership = OWNERSHIP.get(get("所有区分"))
    if ownership is None:
        issues.add(f"所有区分「{get('所有区分')}」は 所有・リース・所有外 のいずれかにしてください", row, "所有区分")
    if ownership == "not_owned" and not get("所有者"):
        issues.add("所有外の資産には所有者（国・県など）を入力してください", row, "所有者")
    try:
        branch = int(get("枝番") or 0)
    except ValueError:
        issues.add(f"枝番「{get('枝番')}」は整数で入力してください", row, "枝番")
        branch = 0
    if not get("資産番号") or not get("資産名称"):
        issues.add("資産番号と資産名称は必ず入力してください", row, "資産番号" if not get("資産番号") else "資産名称")
    if len(issues) > bad:
        return None
    quantity = get("数量").replace(",", "") or None
    return dict(
        asset_no=get("資産番号")[:40], branch_no=branch, name=get("資産名称")[:200], location=get("所在地")[:200],
        dept=get("管理所属")[:60], asset_class=CLASS_CODES[cls], kind=get("種目"), account=account,
        ownership=ownership, legal_owner=get("所有者")[:100], useful_life=life, acquired_on=acquired,
        in_service=in_service, quantity=quantity, unit=get("単位")[:10], purpose=get("行政目的")[:30], is_art=is_art,
        _cost=cost, _accumulated=acc,
    )


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
    charges = compute_charges(register, fiscal_year, chart=chart_for(lg))
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
    register = register_frame(lg=lg, fiscal_year=fiscal_year)
    from kokai.core.assets import contra_for

    chart = chart_for(lg)
    per_line: dict[str, int] = {}
    for account, cost, acc in register.select("account", "cost", "accumulated").iter_rows():
        per_line[account] = per_line.get(account, 0) + cost
        contra = contra_for(account, chart)
        if contra:
            per_line[contra] = per_line.get(contra, 0) - acc
        elif acc:
            per_line[account] -= acc  # intangibles: written down directly
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
