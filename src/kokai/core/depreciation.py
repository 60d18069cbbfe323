"""The year's depreciation (減価償却), set-based over a polars frame of assets.

定額法 at the statutory rate of the useful-life master (:mod:`kokai.core.assets`)::

    charge = floor(cost × rate × months / 12)     computed in integers as
           = cost × rate_per_mille × months // 12_000

so 3,600 yen over 6 years (rate 0.167) is 601 a year, not 600. ``months`` is 12 except in
the first year under the ``monthly`` convention. The charge is then limited so that the
book value never goes below the memo value (備忘価額: 1 yen for tangible assets, 0 for
intangibles), and it is zero for 土地, 立木竹, 建設仮勘定 and 美術品, for an asset disposed of
on or before the year end, for an asset not yet in service under the convention, and for
an asset whose depreciation for the year is already in its accumulated amount.

Input frame (one row per asset record; names as in ``kokai.assets.models.Asset``)
---------------------------------------------------------------------------------
Required:

``asset_no`` (String, unique)
    the asset number; include the 枝番 when the register splits an asset (``"1203-2"``).
``asset_class`` (String)
    ``business`` / ``infrastructure`` / ``movable`` / ``intangible`` or their labels
    (事業用資産 / インフラ資産 / 物品 / 無形固定資産).
``kind`` (String)
    土地, 立木竹, 建物, 工作物, 船舶, 浮標等, 航空機, その他, 建設仮勘定, ソフトウェア, 無形その他.
``cost`` (Int64)
    取得価額等 in yen, never negative.
``accumulated`` (Int64, null = 0)
    減価償却累計額 **to date**, i.e. everything booked before this run.
``useful_life`` (Int, null allowed only where no charge is needed)
    years; its rate comes from the master (2–100).
``in_service`` (Date, null = not yet in service)
    供用開始年月日.

Optional:

``account`` (String)
    the BS asset line's qualified path; if given it must agree with class and kind.
``disposed`` (Date, null)
    除売却日. An asset disposed of on or before March 31 of the year gets no charge for
    the year (its book value is what the 除却・売却 entry takes off).
``is_art`` (Boolean, default false)
    美術品: never depreciated.
``intangible`` (Boolean, default: class is 無形固定資産)
    decides the memo value (0 instead of 1) and the direct method.
``depreciated_through`` (Int, null)
    the last fiscal year whose depreciation ``accumulated`` already includes.

The idempotency contract
------------------------
The caller passes ``accumulated`` to date **and** ``depreciated_through``. A row whose
``depreciated_through`` is this fiscal year or later gets no charge (status 計上済), so
running the year again over the updated register (:func:`apply_charges` does the update:
``accumulated += charge``, ``depreciated_through = fiscal_year``) charges nothing and
:func:`depreciation_journals` returns no entries. Without the column every row is taken as
not yet depreciated for the year. The journals' voucher numbers are also deterministic
(``減価償却-<年度>-<科目コード>``), so a ledger that refuses a second voucher with the same
number and different content catches a caller that breaks the contract.

Speed: vectorised polars, no Python per asset: 300,000 assets in about 0.2 s on 2 cores,
about 50 MB above the input frame.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from .assets import (
    ALLOWED_KINDS,
    DEPRECIATION_EXPENSE,
    NON_DEPRECIABLE_KINDS,
    AssetClass,
    AssetError,
    AssetKind,
    Rounding,
    Settings,
    StartConvention,
    UsefulLifeMaster,
    account_for,
    standard_useful_lives,
)
from .chart import Chart, standard_chart
from .journal import Entry, Kind, Posting
from .journal_frame import JournalFrame, frame_from_entries

REQUIRED = ("asset_no", "asset_class", "kind", "cost", "accumulated", "useful_life", "in_service")

# Status of each row of the result (shown to users as is).
CHARGED = "償却"
NOT_DEPRECIABLE = "非償却資産"
DISPOSED = "除売却済"
ALREADY_POSTED = "計上済"
NOT_IN_SERVICE = "供用前"
FULLY_DEPRECIATED = "償却済"

CHARGE_SCHEMA = {
    "asset_no": pl.String, "account": pl.String, "accumulated_account": pl.String,
    "cost": pl.Int64, "accumulated": pl.Int64, "charge": pl.Int64, "accumulated_end": pl.Int64,
    "book_value": pl.Int64, "status": pl.String,
}
MAX_NAMED = 5  # asset numbers named in one error message
_SEP = "\x1f"


class DepreciationError(AssetError):
    """The asset frame cannot be depreciated; the message names the assets to fix."""


def compute_charges(
    assets: pl.DataFrame | pl.LazyFrame,
    fiscal_year: int,
    settings: Settings | None = None,
    *,
    master: UsefulLifeMaster | None = None,
    chart: Chart | None = None,
) -> pl.DataFrame:
    """The year's depreciation per asset, in the input's order.

    Returns one row per asset with ``asset_no``, ``account`` (BS asset line path),
    ``accumulated_account`` (its 累計額 line; null for intangibles and non-depreciable
    lines), ``cost``, ``accumulated`` (as given), ``charge``, ``accumulated_end``,
    ``book_value`` (after the charge) and ``status`` (償却, 非償却資産, 除売却済, 計上済,
    供用前, 償却済). Raises :class:`DepreciationError` for bad input, naming the assets.
    """
    settings = settings or Settings()
    master = master or standard_useful_lives()
    chart = chart or standard_chart()
    lf = assets.lazy()
    cols = lf.collect_schema().names()
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise DepreciationError(f"固定資産データに列がありません: {'、'.join(missing)}")

    fy_start, fy_end = dt.date(fiscal_year, 4, 1), dt.date(fiscal_year + 1, 3, 31)
    defaults = {
        "disposed": pl.lit(None, pl.Date), "is_art": pl.lit(False), "depreciated_through": pl.lit(None, pl.Int32),
        "account": pl.lit(None, pl.String),
    }
    lf = lf.with_columns(expr.alias(c) for c, expr in defaults.items() if c not in cols)
    lf = lf.with_row_index("_row").with_columns(
        pl.col("asset_no").cast(pl.String),
        pl.col("asset_class").cast(pl.String).str.strip_chars(),
        pl.col("kind").cast(pl.String).str.strip_chars(),
        pl.col("cost").cast(pl.Int64),
        pl.col("accumulated").cast(pl.Int64).fill_null(0),
        pl.col("useful_life").cast(pl.Int32),
        pl.col("in_service").cast(pl.Date),
        pl.col("disposed").cast(pl.Date),
        pl.col("is_art").cast(pl.Boolean).fill_null(False),
        pl.col("depreciated_through").cast(pl.Int32),
        pl.col("account").cast(pl.String),
    )
    # Map (class, kind) through a small table with replace_strict on one key: a join on
    # two string columns sometimes peaks at ~0.5 GB for 300,000 rows (polars 1.x/2.x).
    accounts = _account_table(lf, chart)
    key = pl.concat_str("asset_class", pl.lit(_SEP), "kind")
    keys = [f"{a}{_SEP}{k}" for a, k in zip(accounts["asset_class"], accounts["kind"], strict=True)]
    lf = lf.with_columns(
        key.replace_strict(keys, accounts[c], return_dtype=accounts.schema[c]).alias(c)
        for c in ("_kind", "_account", "_contra", "_intangible_class")
    )
    if "intangible" not in cols:
        lf = lf.with_columns(pl.col("_intangible_class").alias("intangible"))
    lf = lf.with_columns(pl.col("intangible").cast(pl.Boolean).fill_null(pl.col("_intangible_class")))

    rate = pl.col("useful_life").replace_strict(master.rates, default=None, return_dtype=pl.Int64)
    disposed = pl.col("disposed").is_not_null() & (pl.col("disposed") <= fy_end)
    non_depreciable = pl.col("_kind").is_in([k.value for k in NON_DEPRECIABLE_KINDS]) | pl.col("is_art")
    posted = pl.col("depreciated_through").is_not_null() & (pl.col("depreciated_through") >= fiscal_year)
    first_year = pl.col("in_service") >= fy_start
    if settings.convention is StartConvention.NEXT_YEAR:
        not_in_service = pl.col("in_service").is_null() | first_year
    else:
        not_in_service = pl.col("in_service").is_null() | (pl.col("in_service") > fy_end)
    if settings.convention is StartConvention.MONTHLY:
        months = pl.when(first_year).then(12 - (pl.col("in_service").dt.month().cast(pl.Int64) - 4) % 12)
        months = months.otherwise(12)
    else:
        months = pl.lit(12, pl.Int64)
    memo = pl.when(pl.col("intangible")).then(settings.memo_value_intangible).otherwise(settings.memo_value_tangible)
    lf = lf.with_columns(
        rate.alias("_rate"), disposed.alias("_disposed"), non_depreciable.alias("_non_dep"),
        posted.alias("_posted"), not_in_service.alias("_not_in_service"), months.alias("_months"),
        memo.cast(pl.Int64).alias("_memo"),
    )
    df = lf.collect()
    _check(df)

    numerator = pl.col("cost") * pl.col("_rate") * pl.col("_months")
    full = {
        Rounding.FLOOR: numerator // 12_000,
        Rounding.CEIL: -((-numerator) // 12_000),
        Rounding.HALF_UP: (numerator * 2 + 12_000) // 24_000,
    }[settings.rounding]
    remaining = pl.max_horizontal(pl.col("cost") - pl.col("accumulated") - pl.col("_memo"), pl.lit(0, pl.Int64))
    status = (
        pl.when(pl.col("_non_dep")).then(pl.lit(NOT_DEPRECIABLE))
        .when(pl.col("_disposed")).then(pl.lit(DISPOSED))
        .when(pl.col("_posted")).then(pl.lit(ALREADY_POSTED))
        .when(pl.col("_not_in_service")).then(pl.lit(NOT_IN_SERVICE))
        .when(remaining == 0).then(pl.lit(FULLY_DEPRECIATED))
        .otherwise(pl.lit(CHARGED))
    )
    charge = pl.when(pl.col("status") == CHARGED).then(pl.min_horizontal(full, remaining)).otherwise(0)
    return (
        df.lazy()
        .with_columns(status.alias("status"))
        .with_columns(charge.cast(pl.Int64).alias("charge"))
        .with_columns((pl.col("accumulated") + pl.col("charge")).alias("accumulated_end"))
        .with_columns((pl.col("cost") - pl.col("accumulated_end")).alias("book_value"))
        .select(pl.col("asset_no"), pl.col("_account").alias("account"),
                pl.col("_contra").alias("accumulated_account"), *list(CHARGE_SCHEMA)[3:])
        .collect()
    )


def _account_table(lf: pl.LazyFrame, chart: Chart) -> pl.DataFrame:
    """(asset_class, kind) as found in the data → normalised kind, account, contra."""
    pairs = lf.select("asset_class", "kind").unique().collect()
    rows = []
    bad_class, bad_pair = [], []
    for cls_text, kind_text in pairs.iter_rows():
        try:
            cls = AssetClass.parse(cls_text or "")
        except AssetError:
            bad_class.append(cls_text)
            continue
        try:
            kind = AssetKind.parse(kind_text or "")
            if cls is AssetClass.INTANGIBLE and kind is AssetKind.OTHER:
                kind = AssetKind.INTANGIBLE_OTHER
            path, contra = account_for(cls, kind, chart)
        except AssetError:
            bad_pair.append((cls, kind_text))
            continue
        rows.append((cls_text, kind_text, kind.value, path, contra, cls is AssetClass.INTANGIBLE))
    if bad_class or bad_pair:
        problems = [f"資産区分「{c}」は使えません（{'・'.join(x.label for x in AssetClass)}）" for c in bad_class]
        for cls, k in bad_pair:
            allowed = "・".join(x.value for x in ALLOWED_KINDS[cls])
            problems.append(f"{cls.label}に種目「{k}」はありません（使える種目: {allowed}）")
        raise DepreciationError("。".join(problems))
    return pl.DataFrame(
        rows,
        schema={"asset_class": pl.String, "kind": pl.String, "_kind": pl.String, "_account": pl.String,
                "_contra": pl.String, "_intangible_class": pl.Boolean},
        orient="row",
    )


def _check(df: pl.DataFrame) -> None:
    """Refuse the whole run on bad rows, with a Japanese message naming the assets."""
    needs_life = ~pl.col("_non_dep") & ~pl.col("_disposed") & ~pl.col("_posted") & ~pl.col("_not_in_service")
    rules = [
        (pl.col("asset_no").is_null() | (pl.col("asset_no").str.strip_chars() == ""), "資産番号が空欄です"),
        (pl.col("asset_no").is_duplicated(), "資産番号が重複しています"),
        (pl.col("cost").is_null(), "取得価額等が空欄です"),
        (pl.col("cost") < 0, "取得価額等が負の値です"),
        (pl.col("accumulated") < 0, "減価償却累計額が負の値です"),
        (pl.col("accumulated") > pl.col("cost"), "減価償却累計額が取得価額等を超えています"),
        (pl.col("account").is_not_null() & (pl.col("account") != pl.col("_account")),
         "勘定科目が資産区分・種目と合いません"),
        (needs_life & pl.col("useful_life").is_null(), "耐用年数が空欄です（償却する資産には必要です）"),
        (needs_life & pl.col("useful_life").is_not_null() & pl.col("_rate").is_null(),
         "耐用年数の償却率が耐用年数表にありません"),
        (pl.col("disposed").is_not_null() & pl.col("in_service").is_not_null()
         & (pl.col("disposed") < pl.col("in_service")), "除売却日が供用開始日より前です"),
    ]
    flags = df.select(cond.fill_null(False).any().alias(str(i)) for i, (cond, _) in enumerate(rules)).row(0)
    messages = []
    for hit, (cond, text) in zip(flags, rules, strict=True):
        if not hit:
            continue
        bad = df.filter(cond.fill_null(False))
        names = "、".join(str(x) for x in bad["asset_no"].head(MAX_NAMED).to_list())
        more = f" ほか{bad.height - MAX_NAMED}件" if bad.height > MAX_NAMED else ""
        messages.append(f"{text}: 資産番号 {names}{more}（{bad.height}件）")
    if messages:
        raise DepreciationError("。".join(messages))


def apply_charges(assets: pl.DataFrame, charges: pl.DataFrame, fiscal_year: int) -> pl.DataFrame:
    """The register after posting: ``accumulated`` plus the charge, and
    ``depreciated_through`` raised to the fiscal year (the idempotency key)."""
    if "depreciated_through" not in assets.columns:
        assets = assets.with_columns(pl.lit(None, pl.Int32).alias("depreciated_through"))
    joined = assets.join(
        charges.select("asset_no", pl.col("charge").alias("_charge")), on="asset_no", how="left",
        maintain_order="left",
    )
    return joined.with_columns(
        (pl.col("accumulated").fill_null(0) + pl.col("_charge").fill_null(0)).alias("accumulated"),
        pl.max_horizontal(pl.col("depreciated_through").cast(pl.Int32), pl.lit(fiscal_year, pl.Int32))
        .alias("depreciated_through"),
    ).drop("_charge")


def charges_by_account(charges: pl.DataFrame) -> pl.DataFrame:
    """Σ charge per (asset line, 累計額 line), charged lines only, in path order."""
    return (
        charges.filter(pl.col("charge") > 0)
        .group_by("account", "accumulated_account")
        .agg(pl.col("charge").sum(), pl.len().alias("assets"))
        .sort("account")
    )


def depreciation_journals(
    charges: pl.DataFrame, chart: Chart | None, fiscal_year: int, fund: str, *, dept: str = ""
) -> list[Entry]:
    """One 非資金仕訳 per BS asset line: Dr 減価償却費 / Cr its 減価償却累計額, or the asset
    line itself for intangibles (direct method). Dated March 31 of the year's end, voucher
    ``減価償却-<fiscal_year>-<asset line code>``; lines in chart order; no entry for a line
    with nothing to charge (so a second run yields an empty list)."""
    chart = chart or standard_chart()
    expense = chart.resolve(DEPRECIATION_EXPENSE).code
    order = {ln.code: i for i, ln in enumerate(chart.lines)}
    out = []
    for account, contra, amount, n in charges_by_account(charges).iter_rows():
        asset = chart.resolve(account)
        credit = chart.resolve(contra) if contra else asset
        out.append((order[asset.code], Entry(
            fiscal_year=fiscal_year, date=dt.date(fiscal_year + 1, 3, 31), fund=fund, kind=Kind.NON_CASH,
            voucher_no=f"減価償却-{fiscal_year}-{asset.code}",
            postings=(Posting(expense, int(amount)), Posting(credit.code, -int(amount))),
            dept=dept, description=f"{fiscal_year}年度 減価償却費（{_label(asset.path)}、{n:,}件）",
            source="減価償却",
        )))
    return [e for _, e in sorted(out, key=lambda x: x[0])]


def depreciation_journal_frame(
    charges: pl.DataFrame, chart: Chart | None, fiscal_year: int, fund: str, *, dept: str = ""
) -> JournalFrame:
    """:func:`depreciation_journals` as a :class:`JournalFrame`, for the ledger's poster."""
    return frame_from_entries(depreciation_journals(charges, chart, fiscal_year, fund, dept=dept))


def _label(path: str) -> str:
    """「インフラ資産/工作物」 for 固定資産/有形固定資産/インフラ資産/工作物."""
    for prefix in ("固定資産/有形固定資産/", "固定資産/"):
        if path.startswith(prefix):
            return path.removeprefix(prefix)
    return path


def assets_frame(rows: Sequence[dict]) -> pl.DataFrame:
    """A frame with the input schema from dicts (tests, small registers)."""
    schema = {
        "asset_no": pl.String, "asset_class": pl.String, "kind": pl.String, "cost": pl.Int64,
        "accumulated": pl.Int64, "useful_life": pl.Int32, "in_service": pl.Date, "disposed": pl.Date,
        "is_art": pl.Boolean, "depreciated_through": pl.Int32,
    }
    filled = [{**{"accumulated": 0, "disposed": None, "is_art": False, "depreciated_through": None}, **r}
              for r in rows]
    return pl.DataFrame(filled, schema=schema)
