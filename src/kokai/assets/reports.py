"""固定資産台帳 outputs: the register as XLSX and as open-data CSV, each asset's history, and the
附属明細書 built from the register (有形固定資産の明細, 有形固定資産の行政目的別明細) with the
有形固定資産減価償却率.

All figures are sums of the assets' changes (異動, ``AssetChange``), never stored totals:

- 前年度末残高 (A): cost from changes of earlier years, plus this year's 開始残高 (a register
  imported at the start of its first year: its opening cost is last year's closing).
- 本年度増加額 (B) / 本年度減少額 (C): this year's other changes that raise / lower cost
  (有償取得, 無償所管換, 寄附, 調査判明, 振替 in; 除却, 売却, 振替 out …; a correction counts by
  its sign).
- 本年度末残高 (D) = A + B − C; 本年度末減価償却累計額 (E): accumulated depreciation through the
  year; 本年度償却額 (F): this year's ``depreciation`` changes; 差引本年度末残高 (G) = D − E.

A record reclassified (科目振替, ``changes.reclassify``) is split by account: each change
counts on the account it was booked to (``changes.account_of``), so in the year of a 振替 the
old line shows it in C (本年度減少額) and the new line in B (本年度増加額), earlier years show the
record on the old line, and the register export shows the class and kind at the year end.
:func:`register_lines` gives the register's figure per BS line on that basis (A1).

The 附属明細書 and the ratio are read set-based (:func:`schedule_figures`): the database sums
the changes GROUP BY class, kind, 行政目的 and 美術品 (short code columns), only the few
reclassified records are read one by one; a caller wanting more than one of the three builds
the figures once and passes them (``figures=``), reading the register once.

行政目的 (statements.md §8): an asset whose ``purpose`` is blank or not one of the seven
columns is counted under :data:`DEFAULT_PURPOSE` (総務), and the schedule says how many.

有形固定資産減価償却率 (statements.md §10) = 減価償却累計額 ÷ 償却資産の取得価額, where the
償却資産 are the tangible assets other than 土地, 立木竹, 建設仮勘定 and 美術品. Whether 物品
counts is a setting (``include_movables``, default True: 物品 are depreciable tangible assets
on the balance sheet; whether 総務省's published figure includes them is unconfirmed, [U-L]).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.db import connection, models
from django.db.models import Case, Count, Q, Sum, Value, When

from kokai.core.assets import NON_DEPRECIABLE_KINDS
from kokai.ledger.models import LocalGovernment

from .changes import ACCOUNT_LOG, VALUATION_LOG, account_of, account_periods
from .models import Asset, AssetChange

PURPOSES = ("生活インフラ・国土保全", "教育", "福祉", "環境衛生", "産業振興", "消防", "総務")
DEFAULT_PURPOSE = "総務"  # blank or other 行政目的 go here (and the schedule says so)

BUSINESS_KINDS = ("土地", "立木竹", "建物", "工作物", "船舶", "浮標等", "航空機", "その他", "建設仮勘定")
INFRA_KINDS = ("土地", "建物", "工作物", "その他", "建設仮勘定")
SCHEDULE_COLUMNS = (
    ("A", "前年度末残高"), ("B", "本年度増加額"), ("C", "本年度減少額"), ("D", "本年度末残高"),
    ("E", "本年度末減価償却累計額"), ("F", "本年度償却額"), ("G", "差引本年度末残高"),
)
# The open-data layout: the columns cities publish first, then the register's other attributes;
# after them one column per 追加項目 key (:func:`open_data_header`).
OPEN_DATA_COLUMNS = ("資産番号", "枝番", "資産区分", "種目", "所属名", "資産名称", "用途", "所在地", "取得年月日",
                     "供用開始年月日", "取得価額等", "耐用年数", "減価償却累計額", "帳簿価額", "数量", "単位", "財産区分",
                     "所有区分", "所有者", "行政目的", "売却可能", "美術品", "評価方法", "財源", "耐用年数の種類")
OPEN_DATA_CARRIED = ("用途", "財産区分")  # columns with no field of their own: they hold the 追加項目 of that name
OPEN_DATA_SKIPPED = (ACCOUNT_LOG, VALUATION_LOG)  # the register's logs of its own 異動, not attributes
CLASS_LABELS = dict(Asset.CLASSES)
REASON_LABELS = dict(AssetChange.REASONS)


# ------------------------------------------------------------------ sums per asset

def _sums(lg: LocalGovernment, fiscal_year: int) -> dict[int, tuple[int, int, int, int, int]]:
    """asset id → (A, B, C, E, F) from the changes through ``fiscal_year``."""
    table = AssetChange._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT asset_id, "
            f"SUM(CASE WHEN fiscal_year < %s OR reason = 'opening' THEN cost ELSE 0 END), "
            f"SUM(CASE WHEN fiscal_year = %s AND reason <> 'opening' AND cost > 0 THEN cost ELSE 0 END), "
            f"SUM(CASE WHEN fiscal_year = %s AND reason <> 'opening' AND cost < 0 THEN -cost ELSE 0 END), "
            f"SUM(accumulated), "
            f"SUM(CASE WHEN fiscal_year = %s AND reason = 'depreciation' THEN accumulated ELSE 0 END) "
            f"FROM {table} WHERE lg_id = %s AND fiscal_year <= %s GROUP BY asset_id",
            [fiscal_year, fiscal_year, fiscal_year, fiscal_year, lg.id, fiscal_year],
        )
        return {r[0]: tuple(int(x or 0) for x in r[1:]) for r in cur.fetchall()}


_FIELDS = ("id", "asset_no", "branch_no", "name", "location", "dept", "asset_class", "kind", "account", "ownership",
           "legal_owner", "life_category", "useful_life", "acquired_on", "in_service", "valuation", "quantity", "unit",
           "purpose", "funding", "saleable", "is_art", "disposed_on", "extra")


def _reclassified_ids(lg: LocalGovernment):
    """The ids of the records ever reclassified (a subquery: the database keeps the list)."""
    return AssetChange.objects.filter(lg=lg, reason="reclass").values("asset_id")


def _reclassified(lg: LocalGovernment, fiscal_year: int) -> dict[int, tuple[str, dict[str, tuple]]]:
    """Reclassified records: asset id → (account at the year end, {account: ((class, kind),
    (A, B, C, E, F))}), each change summed on the account it was booked to."""
    ids = _reclassified_ids(lg)
    records = {a.pk: a for a in Asset.objects.filter(pk__in=ids)}
    if not records:
        return {}
    out: dict[int, tuple[str, dict[str, tuple]]] = {}
    slices: dict[int, dict[str, list[int]]] = {pk: {} for pk in records}
    last: dict[int, str] = {}
    for asset_id, pk, year, reason, cost, acc in AssetChange.objects.filter(
            asset_id__in=ids, fiscal_year__lte=fiscal_year).order_by("pk").values_list(
            "asset_id", "pk", "fiscal_year", "reason", "cost", "accumulated"):
        a = records[asset_id]
        account = account_of(a.extra, pk, a.account)
        last[asset_id] = account
        v = slices[asset_id].setdefault(account, [0, 0, 0, 0, 0])
        this_year = year == fiscal_year and reason != "opening"
        v[0] += cost if not this_year else 0
        v[1] += cost if this_year and cost > 0 else 0
        v[2] += -cost if this_year and cost < 0 else 0
        v[3] += acc
        v[4] += acc if year == fiscal_year and reason == "depreciation" else 0
    for pk, a in records.items():
        kinds = {p["勘定科目"]: (p["資産区分"], p["種目"]) for p in account_periods(a.extra)}
        end = last.get(pk) or account_of(a.extra, 0, a.account)
        out[pk] = (end, {acct: (kinds[acct], tuple(v)) for acct, v in slices[pk].items()} or
                   {end: (kinds[end], (0, 0, 0, 0, 0))})
    return out


def _assets(lg: LocalGovernment, fiscal_year: int):
    """(asset dict, (A, B, C, E, F)) for every asset, in asset-number order; a reclassified
    record with the class, kind and account it had at the year end."""
    sums = _sums(lg, fiscal_year)
    moved = _reclassified(lg, fiscal_year)
    for a in Asset.objects.filter(lg=lg).order_by("asset_no", "branch_no").values(*_FIELDS).iterator(chunk_size=5000):
        if a["id"] in moved:
            end, parts = moved[a["id"]]
            (cls, kind), _s = parts[end]
            a = {**a, "asset_class": cls, "kind": kind, "account": end}
        yield a, sums.get(a["id"], (0, 0, 0, 0, 0))


def register_lines(*, lg: LocalGovernment, fiscal_year: int, chart=None) -> dict[str, int]:
    """The register's figure per BS line at the end of ``fiscal_year``, signed as the balance
    sheet's ledger balance: an asset line its cost (less the accumulated depreciation of the
    direct method), a 累計額 line minus the accumulated depreciation. Each change counts on
    the account it was booked to, so the figures hold for the years before a 科目振替 too."""
    from kokai.core.assets import contra_for
    from kokai.ledger.masters import chart_for

    chart = chart or chart_for(lg)
    table, assets = AssetChange._meta.db_table, Asset._meta.db_table
    with connection.cursor() as cur:  # every record on its current account …
        cur.execute(
            f"SELECT a.account, COALESCE(SUM(c.cost), 0), COALESCE(SUM(c.accumulated), 0) FROM {assets} a "
            f"LEFT JOIN {table} c ON c.asset_id = a.id AND c.fiscal_year <= %s WHERE a.lg_id = %s GROUP BY a.account",
            [fiscal_year, lg.id],
        )
        rows = [(account, int(cost), int(acc)) for account, cost, acc in cur.fetchall()]
    current = dict(Asset.objects.filter(lg=lg, changes__reason="reclass").values_list("id", "account").distinct())
    for pk, (_end, parts) in _reclassified(lg, fiscal_year).items():  # … then reclassified ones moved to theirs
        for account, (_k, (a, b, c, e, _f)) in parts.items():
            rows += [(current[pk], -(a + b - c), -e), (account, a + b - c, e)]
    per_account: dict[str, list[int]] = {}
    for account, cost, acc in rows:
        v = per_account.setdefault(account, [0, 0])
        v[0] += cost
        v[1] += acc
    out: dict[str, int] = {}
    for account, (cost, acc) in per_account.items():
        contra = contra_for(account, chart)
        out[account] = out.get(account, 0) + cost - (0 if contra else acc)
        if contra:
            out[contra] = out.get(contra, 0) - acc
    return out


def _end(s: tuple) -> tuple[int, int]:
    """(cost at year end D, accumulated E)."""
    a, b, c, e, _f = s
    return a + b - c, e


# ------------------------------------------------------------------ register exports

REGISTER_HEADERS = (
    ("資産番号", 12), ("枝番", 5), ("資産名称", 34), ("所在地", 28), ("管理所属", 14), ("資産区分", 12), ("種目", 10),
    ("勘定科目", 44), ("所有区分", 10), ("所有者", 10), ("耐用年数", 8), ("取得年月日", 11), ("供用開始年月日", 11),
    ("評価方法", 10), ("数量", 10), ("単位", 6), ("行政目的", 16), ("売却可能", 8), ("美術品", 6), ("除売却日", 11),
    ("前年度末取得価額", 16), ("本年度増加額", 14), ("本年度減少額", 14), ("取得価額等", 16), ("本年度償却額", 14),
    ("減価償却累計額", 16), ("期末簿価", 16),
)


def export_register(*, lg: LocalGovernment, fiscal_year: int, path: Path) -> int:
    """The whole register at the end of ``fiscal_year`` as XLSX, one row per asset; returns the rows."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
    yen = wb.add_format({"num_format": "#,##0"})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    qty = wb.add_format({"num_format": "#,##0.##"})
    ws = wb.add_worksheet("固定資産台帳")
    ws.write(0, 0, f"{lg.name} 固定資産台帳（{fiscal_year}年度末: {fiscal_year + 1}年3月31日現在、単位: 円）")
    for c, (h, w) in enumerate(REGISTER_HEADERS):
        ws.write(1, c, h, head)
        ws.set_column(c, c, w)
    ws.freeze_panes(2, 3)
    ownership, valuation = dict(Asset.OWNERSHIP), dict(Asset.VALUATION)
    r = 1
    for a, s in _assets(lg, fiscal_year):
        r += 1
        cost, acc = _end(s)
        texts = (a["asset_no"], a["branch_no"], a["name"], a["location"], a["dept"], CLASS_LABELS[a["asset_class"]],
                 a["kind"], a["account"], ownership.get(a["ownership"], a["ownership"]), a["legal_owner"])
        for c, v in enumerate(texts):
            ws.write(r, c, v)
        if a["useful_life"]:
            ws.write_number(r, 10, a["useful_life"])
        for c, d in ((11, a["acquired_on"]), (12, a["in_service"]), (19, a["disposed_on"])):
            if d:
                ws.write_datetime(r, c, dt.datetime.combine(d, dt.time()), date)
        ws.write(r, 13, valuation.get(a["valuation"], a["valuation"]))
        if a["quantity"] is not None:
            ws.write_number(r, 14, float(a["quantity"]), qty)
        ws.write(r, 15, a["unit"])
        ws.write(r, 16, a["purpose"])
        ws.write(r, 17, "○" if a["saleable"] else "")
        ws.write(r, 18, "○" if a["is_art"] else "")
        for c, v in zip(range(20, 27), (s[0], s[1], s[2], cost, s[4], acc, cost - acc), strict=True):
            ws.write_number(r, c, v, yen)
    ws.autofilter(1, 0, max(r, 2), len(REGISTER_HEADERS) - 1)
    wb.close()
    return r - 1


def open_data_extra_keys(*, lg: LocalGovernment) -> tuple[str, ...]:
    """Every 追加項目 key in the register, sorted (one set-based DISTINCT over the JSON keys), but
    :data:`OPEN_DATA_CARRIED` (written in their own columns) and :data:`OPEN_DATA_SKIPPED`."""
    table = Asset._meta.db_table
    if connection.vendor == "postgresql":  # JSONField is jsonb there; anything but an object counts as {}
        sql = (f"SELECT DISTINCT k FROM {table}, jsonb_object_keys(CASE WHEN jsonb_typeof(extra) = 'object' "
               f"THEN extra ELSE '{{}}'::jsonb END) AS k WHERE lg_id = %s")
    else:
        sql = (f"SELECT DISTINCT j.key FROM {table} AS a, json_each(CASE WHEN json_type(a.extra) = 'object' "
               f"THEN a.extra ELSE '{{}}' END) AS j WHERE a.lg_id = %s")
    with connection.cursor() as cur:
        cur.execute(sql, [lg.id])
        keys = {k for (k,) in cur.fetchall()}
    return tuple(sorted(k for k in keys if k.strip() and k not in OPEN_DATA_CARRIED and k not in OPEN_DATA_SKIPPED))


def open_data_header(keys: tuple[str, ...]) -> tuple[str, ...]:
    """:data:`OPEN_DATA_COLUMNS` and a column per 追加項目 key, headed by the key; a key that is
    already a column's name (a 種目 kept as 追加項目 …) is headed 「種目（追加項目）」, so no header repeats."""
    header = list(OPEN_DATA_COLUMNS)
    for key in keys:
        name = key
        while name in header:
            name += "（追加項目）"
        header.append(name)
    return tuple(header)


def _text(value) -> str:
    """A 追加項目 value as a cell: text as it is, anything else (a number, a list) as JSON."""
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def open_data_rows(*, lg: LocalGovernment, fiscal_year: int, keys: tuple[str, ...] | None = None):
    """The register in the open-data layout (:func:`open_data_header` of ``keys``, by default
    :func:`open_data_extra_keys`), as tuples."""
    keys = open_data_extra_keys(lg=lg) if keys is None else keys
    ownership, valuation = dict(Asset.OWNERSHIP), dict(Asset.VALUATION)
    for a, s in _assets(lg, fiscal_year):
        cost, acc = _end(s)
        extra = a["extra"] or {}
        q = a["quantity"]
        yield (
            a["asset_no"], a["branch_no"], CLASS_LABELS[a["asset_class"]], a["kind"], a["dept"], a["name"],
            _text(extra.get("用途")), a["location"], a["acquired_on"] or "", a["in_service"] or "", cost,
            a["useful_life"] or "", acc, cost - acc, "" if q is None else f"{q:f}".rstrip("0").rstrip("."), a["unit"],
            _text(extra.get("財産区分")), ownership.get(a["ownership"], a["ownership"]),
            a["legal_owner"], a["purpose"], "○" if a["saleable"] else "", "○" if a["is_art"] else "",
            valuation.get(a["valuation"], a["valuation"]), a["funding"], a["life_category"],
            *(_text(extra.get(k)) for k in keys),
        )


def export_open_data(*, lg: LocalGovernment, fiscal_year: int, path: Path) -> int:
    """The register as open-data CSV (UTF-8 with BOM, CRLF): first the column layout cities
    publish (資産区分, 所属名, 資産名称, 用途, 所在地, 取得年月日, 取得価額等, 耐用年数, 減価償却累計額, 数量,
    財産区分, with the asset number, 種目, 帳簿価額, 単位 and 所有区分), then every other attribute
    of the register (所有者, 行政目的, 売却可能, 美術品, 評価方法, 財源, 耐用年数の種類), then one
    column per 追加項目 key (sorted), so the profile ``kokai-opendata`` reads it back whole.

    用途 and 財産区分 have no field of their own: they hold the 追加項目 「用途」 and 「財産区分」
    (blank if the asset has none); the 行政目的 and the 売却可能 flag have their own columns.
    The logs of the register's own 異動 (勘定科目の履歴, 評価方法の履歴) are not written: the
    export is the register at the year end. Returns the rows written."""
    keys = open_data_extra_keys(lg=lg)
    n = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(open_data_header(keys))
        for row in open_data_rows(lg=lg, fiscal_year=fiscal_year, keys=keys):
            w.writerow(row)
            n += 1
    return n


def asset_history(*, lg: LocalGovernment, asset_no: str, branch_no: int = 0) -> list[dict]:
    """Each change of one asset in date order: 異動日, 年度, 事由, the cost and 累計額 changes, the
    running 取得価額 / 累計額 / 簿価 after it, the 仕訳 (voucher) it made and its 摘要."""
    asset = Asset.objects.filter(lg=lg, asset_no=asset_no, branch_no=branch_no).first()
    if asset is None:
        raise LookupError(f"資産番号 {asset_no}-{branch_no} は台帳にありません")
    from kokai.ledger.masters import chart_for

    # the depreciation run posts one journal per BS line, numbered 減価償却-<年度>-<科目コード>
    chart = chart_for(lg)
    out, cost, acc = [], 0, 0
    changes = asset.changes.select_related("entry").order_by("date", "fiscal_year", "id")
    for ch in changes:
        cost += ch.cost
        acc += ch.accumulated
        account = account_of(asset.extra, ch.pk, asset.account)
        out.append({
            "異動日": ch.date, "年度": ch.fiscal_year, "事由": REASON_LABELS.get(ch.reason, ch.reason), "reason": ch.reason,
            "勘定科目": account, "取得価額の増減": ch.cost, "減価償却累計額の増減": ch.accumulated, "取得価額": cost,
            "減価償却累計額": acc, "簿価": cost - acc, "伝票番号": ch.entry.voucher_no if ch.entry_id else (
                f"減価償却-{ch.fiscal_year}-{chart.resolve(account).code}" if ch.reason == "depreciation" else ""),
            "摘要": ch.note,
        })
    return out


# ------------------------------------------------------------------ 附属明細書

@dataclass(frozen=True, slots=True)
class RegisterGroup:
    """The register summed over the records (or, for a reclassified record, the slices booked
    to one account) alike in what the schedules read: class, kind, 行政目的 and 美術品."""

    asset_class: str
    kind: str
    purpose: str
    is_art: bool
    unset: int  # records in the group (by their year-end slice) whose 行政目的 is blank or not one of the seven
    sums: tuple[int, int, int, int, int]  # (A, B, C, E, F)


@dataclass(frozen=True, slots=True)
class ScheduleFigures:
    """The register of one 団体 at the end of one year in groups: what :func:`tangible_schedule`,
    :func:`purpose_schedule` and :func:`depreciation_ratio` are read from. Build it once with
    :func:`schedule_figures` and pass it to each (``figures=``) to read the register once."""

    lg_id: int
    fiscal_year: int
    groups: tuple[RegisterGroup, ...]


_GROUP_BY = ("asset_class", "kind", "purpose", "is_art")


def schedule_figures(*, lg: LocalGovernment, fiscal_year: int) -> ScheduleFigures:
    """The register in groups, set-based: GROUP BY the short code columns (class, kind, 行政目的,
    美術品; never the account path or free text) over every record never reclassified, plus the
    per-account slices of the reclassified ones (few; :func:`_reclassified`, one by one).

    One pass each: the changes through the year (cost → D, accumulated → E); this year's
    changes other than the opening (B, C, F; then A = D − B + C); the groups the records fall
    in (DISTINCT: a group of records without changes still shows, as each record did); and,
    only if some group's 行政目的 is blank or not one of the seven, those records counted."""
    fy, keys = fiscal_year, [f"asset__{k}" for k in _GROUP_BY]
    reclassified = _reclassified(lg, fiscal_year)  # usually none: then no NOT IN below
    changes, records = AssetChange.objects.filter(lg=lg, asset__lg=lg), Asset.objects.filter(lg=lg)
    if reclassified:
        moved = _reclassified_ids(lg)
        changes, records = changes.exclude(asset_id__in=moved), records.exclude(pk__in=moved)

    def when(condition: Q, value) -> Sum:
        return Sum(Case(When(condition, then=value), default=Value(0), output_field=models.BigIntegerField()))

    through = {tuple(r[:4]): (int(r[4] or 0), int(r[5] or 0)) for r in (
        changes.filter(fiscal_year__lte=fy).values(*keys).order_by()
        .annotate(d=Sum("cost"), e=Sum("accumulated")).values_list(*keys, "d", "e"))}
    # reason <> 'opening' as two index ranges, so the year's opening rows are not even read
    this_year = {tuple(r[:4]): tuple(int(x or 0) for x in r[4:]) for r in (
        changes.filter(Q(reason__lt="opening") | Q(reason__gt="opening"), fiscal_year=fy).values(*keys).order_by()
        .annotate(b=when(Q(cost__gt=0), models.F("cost")), c=when(Q(cost__lt=0), -models.F("cost")),
                  f=when(Q(reason="depreciation"), models.F("accumulated"))).values_list(*keys, "b", "c", "f"))}
    present = list(records.order_by().values_list(*_GROUP_BY).distinct())
    unset = {tuple(r[:4]): r[4] for r in (records.exclude(purpose__in=PURPOSES).values(*_GROUP_BY).order_by()
                                          .annotate(n=Count("id")).values_list(*_GROUP_BY, "n"))
             } if any(purpose not in PURPOSES for _c, _k, purpose, _a in present) else {}
    groups = []
    for key in present:
        d, e = through.get(key, (0, 0))
        b, c, f = this_year.get(key, (0, 0, 0))
        groups.append(RegisterGroup(*key, unset.get(key, 0), (d - b + c, b, c, e, f)))
    if reclassified:
        held = {pk: (purpose, is_art) for pk, purpose, is_art in
                Asset.objects.filter(pk__in=moved).values_list("id", "purpose", "is_art")}
        for pk, (end, parts) in reclassified.items():
            purpose, is_art = held[pk]
            for account, ((cls, kind), s) in parts.items():
                at_end_unset = int(account == end and purpose not in PURPOSES)
                groups.append(RegisterGroup(cls, kind, purpose, is_art, at_end_unset, tuple(s)))
    return ScheduleFigures(lg.id, fiscal_year, tuple(groups))


def _figures(lg: LocalGovernment, fiscal_year: int, figures: ScheduleFigures | None) -> ScheduleFigures:
    if figures is None:
        return schedule_figures(lg=lg, fiscal_year=fiscal_year)
    if (figures.lg_id, figures.fiscal_year) != (lg.id, fiscal_year):
        raise ValueError(f"この集計は団体 {figures.lg_id} の{figures.fiscal_year}年度のもので、団体 {lg.id} の"
                         f"{fiscal_year}年度には使えません。schedule_figures をその団体・年度で作り直してください")
    return figures


def _row_key(asset_class: str, kind: str) -> tuple[str, str] | None:
    if asset_class == "business":
        return ("事業用資産", kind)
    if asset_class == "infrastructure":
        return ("インフラ資産", kind)
    if asset_class == "movable":
        return ("物品", "物品")
    return None  # intangible: not in the tangible schedules


def _schedule_rows() -> list[tuple[str, str]]:
    return [("事業用資産", k) for k in BUSINESS_KINDS] + [("インフラ資産", k) for k in INFRA_KINDS] + [("物品", "物品")]


def tangible_schedule(*, lg: LocalGovernment, fiscal_year: int, figures: ScheduleFigures | None = None) -> list[dict]:
    """有形固定資産の明細: one dict per row with 区分, 科目 and the columns A–G (yen). Rows: the
    事業用資産 lines, 事業用資産 計, the インフラ資産 lines, インフラ資産 計, 物品, 合計."""
    sums = {k: [0] * 7 for k in _schedule_rows()}
    for g in _figures(lg, fiscal_year, figures).groups:
        key = _row_key(g.asset_class, g.kind)
        if key is None:
            continue
        A, B, C, E, F = g.sums
        row = sums[key]
        for i, v in enumerate((A, B, C, A + B - C, E, F, A + B - C - E)):
            row[i] += v

    def line(group: str, name: str, vals) -> dict:
        return {"区分": group, "科目": name, **{c: v for (c, _), v in zip(SCHEDULE_COLUMNS, vals, strict=True)}}

    def total(keys) -> list[int]:
        return [sum(sums[k][i] for k in keys) for i in range(7)]

    out = []
    for group, kinds in (("事業用資産", BUSINESS_KINDS), ("インフラ資産", INFRA_KINDS)):
        out += [line(group, k, sums[(group, k)]) for k in kinds]
        out.append(line(group, f"{group} 計", total([(group, k) for k in kinds])))
    out.append(line("物品", "物品", sums[("物品", "物品")]))
    out.append(line("合計", "合計", total(list(sums))))
    return out


def purpose_schedule(*, lg: LocalGovernment, fiscal_year: int, figures: ScheduleFigures | None = None) -> list[dict]:
    """有形固定資産の行政目的別明細: the year-end book value (G) per row of
    :func:`tangible_schedule`, split over the seven 行政目的 columns, with 合計. Assets with a
    blank or other purpose go to :data:`DEFAULT_PURPOSE`; the 合計 row's ``"目的未設定"`` is their
    count (and each row's too; a reclassified record counts once, on its year-end line)."""
    sums = {k: dict.fromkeys(PURPOSES, 0) for k in _schedule_rows()}
    unset = dict.fromkeys(_schedule_rows(), 0)
    for g in _figures(lg, fiscal_year, figures).groups:
        key = _row_key(g.asset_class, g.kind)
        if key is None:
            continue
        cost, acc = _end(g.sums)
        purpose = g.purpose if g.purpose in PURPOSES else DEFAULT_PURPOSE
        unset[key] += g.unset
        sums[key][purpose] += cost - acc

    def line(group: str, name: str, keys) -> dict:
        vals = {p: sum(sums[k][p] for k in keys) for p in PURPOSES}
        return {"区分": group, "科目": name, **vals, "合計": sum(vals.values()), "目的未設定": sum(unset[k] for k in keys)}

    out = []
    for group, kinds in (("事業用資産", BUSINESS_KINDS), ("インフラ資産", INFRA_KINDS)):
        out += [line(group, k, [(group, k)]) for k in kinds]
        out.append(line(group, f"{group} 計", [(group, k) for k in kinds]))
    out.append(line("物品", "物品", [("物品", "物品")]))
    out.append(line("合計", "合計", list(sums)))
    return out


def depreciation_ratio(*, lg: LocalGovernment, fiscal_year: int, include_movables: bool = True,
                       figures: ScheduleFigures | None = None) -> dict:
    """有形固定資産減価償却率 at the year end: per BS line, per class (事業用資産, インフラ資産, 物品)
    and in total (``"合計"``), each ``{"取得価額": …, "減価償却累計額": …, "率": Decimal percent to
    0.1}`` over the depreciable tangible assets (not 土地, 立木竹, 建設仮勘定, 美術品).
    ``include_movables`` decides whether 物品 count in 合計 (the 物品 line is shown either way);
    the result says which under ``"物品を含む"``."""
    lines: dict[str, list[int]] = {}
    classes: dict[str, list[int]] = {}
    non_dep = {k.value for k in NON_DEPRECIABLE_KINDS}
    for g in _figures(lg, fiscal_year, figures).groups:
        key = _row_key(g.asset_class, g.kind)
        if key is None or g.kind in non_dep or g.is_art:
            continue
        cost, acc = _end(g.sums)
        name = "物品" if key[0] == "物品" else f"{key[0]}/{key[1]}"
        for d, k in ((lines, name), (classes, key[0])):
            v = d.setdefault(k, [0, 0])
            v[0] += cost
            v[1] += acc

    def ratio(v) -> dict:
        pct = (Decimal(v[1]) * 100 / Decimal(v[0])).quantize(Decimal("0.1"), ROUND_HALF_UP) if v[0] else None
        return {"取得価額": v[0], "減価償却累計額": v[1], "率": pct}

    out = {k: ratio(v) for k, v in sorted(lines.items(), key=lambda kv: (_line_order(kv[0]), kv[0]))}
    for c in ("事業用資産", "インフラ資産", "物品"):
        if c in classes:
            out[c] = ratio(classes[c])
    counted = [v for c, v in classes.items() if include_movables or c != "物品"]
    out["合計"] = ratio([sum(v[0] for v in counted), sum(v[1] for v in counted)])
    out["物品を含む"] = include_movables
    return out


def _line_order(name: str) -> int:
    rows = [f"{g}/{k}" if g != "物品" else "物品" for g, k in _schedule_rows()]
    return rows.index(name) if name in rows else len(rows)


def write_schedules(path: Path, tangible: list[dict], purpose: list[dict], *, lg_name: str, fiscal_year: int,
                    ratio: dict | None = None) -> None:
    """The two schedules (and the ratio, if given) as XLSX in the 様式 layout, in yen."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    title = wb.add_format({"bold": True, "font_size": 12})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "align": "center",
                          "valign": "vcenter"})
    yen = wb.add_format({"num_format": "#,##0", "border": 1})
    text = wb.add_format({"border": 1})
    bold_yen = wb.add_format({"num_format": "#,##0", "border": 1, "bold": True, "bg_color": "#F2F2F2"})
    bold_text = wb.add_format({"border": 1, "bold": True, "bg_color": "#F2F2F2"})
    period = f"（{fiscal_year + 1}年3月31日現在）"

    ws = wb.add_worksheet("有形固定資産の明細")
    ws.write(0, 0, f"{lg_name} 附属明細書 有形固定資産の明細", title)
    ws.write(1, 0, f"{period}（単位: 円）")
    ws.write(3, 0, "区分", head)
    for c, (letter, name) in enumerate(SCHEDULE_COLUMNS, start=1):
        formula = {"D": "\n(A)+(B)-(C)", "G": "\n(D)-(E)"}.get(letter, "")
        ws.write(3, c, f"{name}\n({letter}){formula}", head)
    ws.set_row(3, 48)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 7, 17)
    for r, row in enumerate(tangible, start=4):
        subtotal = row["科目"].endswith("計") or row["区分"] in ("合計",) or row["区分"] == "物品"
        label = row["科目"] if subtotal else f"  {row['科目']}"
        ws.write(r, 0, label, bold_text if subtotal else text)
        for c, (letter, _) in enumerate(SCHEDULE_COLUMNS, start=1):
            ws.write_number(r, c, row[letter], bold_yen if subtotal else yen)

    ws = wb.add_worksheet("行政目的別明細")
    ws.write(0, 0, f"{lg_name} 附属明細書 有形固定資産の行政目的別明細", title)
    ws.write(1, 0, f"{period}（単位: 円）")
    ws.write(3, 0, "区分", head)
    for c, name in enumerate((*PURPOSES, "合計"), start=1):
        ws.write(3, c, name, head)
    ws.set_row(3, 32)
    ws.set_column(0, 0, 22)
    ws.set_column(1, len(PURPOSES) + 1, 16)
    for r, row in enumerate(purpose, start=4):
        subtotal = row["科目"].endswith("計") or row["区分"] in ("合計", "物品")
        ws.write(r, 0, row["科目"] if subtotal else f"  {row['科目']}", bold_text if subtotal else text)
        for c, name in enumerate((*PURPOSES, "合計"), start=1):
            ws.write_number(r, c, row[name], bold_yen if subtotal else yen)
    unset = purpose[-1]["目的未設定"] if purpose else 0
    note = len(purpose) + 5
    ws.write(note, 0, f"注: 行政目的が未設定または7区分以外の資産は「{DEFAULT_PURPOSE}」に計上しています（{unset:,}件）。"
             "各欄は本年度末の簿価（差引本年度末残高 (G)）です。")

    if ratio:
        ws = wb.add_worksheet("有形固定資産減価償却率")
        ws.write(0, 0, f"{lg_name} 有形固定資産減価償却率{period}", title)
        for c, h in enumerate(("区分", "償却資産の取得価額", "減価償却累計額", "減価償却率（%）")):
            ws.write(2, c, h, head)
        ws.set_column(0, 0, 26)
        ws.set_column(1, 3, 18)
        pct = wb.add_format({"num_format": "0.0", "border": 1})
        r = 3
        for k, v in ratio.items():
            if not isinstance(v, dict):
                continue
            ws.write(r, 0, k, text)
            ws.write_number(r, 1, v["取得価額"], yen)
            ws.write_number(r, 2, v["減価償却累計額"], yen)
            if v["率"] is not None:
                ws.write_number(r, 3, float(v["率"]), pct)
            r += 1
        ws.write(r + 1, 0, "算式: 減価償却累計額 ÷ 償却資産の取得価額（土地・立木竹・建設仮勘定・美術品を除く）。"
                 + ("物品を含みます。" if ratio.get("物品を含む", True) else "合計に物品を含みません。"))
    wb.close()
