"""The book's charts (グラフ), in the style of the 財務書類等活用の手引き, built from the
statements as plain data (:class:`~kokai.report.document.Chart`): no Django here.

* 資産の構成 — the BS assets by kind: 事業用資産, インフラ資産, 物品 (net of its
  減価償却累計額), 無形固定資産, 投資その他の資産, 流動資産 (and 繰延資産 when there is
  one); they add up to 資産合計, printed under them.
* 行政コストの内訳 — 経常費用 by the 様式's lines: 人件費, 物件費等, その他の業務費用 and
  the 移転費用 (補助金等, 社会保障給付, 他会計への繰出金, その他); they add up to 経常費用.
* 資産・負債・純資産の比較 — 資産合計, 負債合計, 純資産合計 of this year and the last
  (only when the last year's statements exist).
* 有形固定資産減価償却率 — per class from the 固定資産台帳 (the dict of
  :func:`kokai.assets.reports.depreciation_ratio`, passed in as plain data).

The two breakdowns are pies; a category of 0 yen is left out (it would be an empty slice)
and a breakdown with a negative category is drawn as bars instead (a pie cannot show it).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from kokai.core.statements import Statements

from .document import BAR, COLUMN_CLUSTERED, PERCENT, PIE, Chart
from .statement_tables import period

TANGIBLE = "BS/固定資産/有形固定資産"
ASSET_PARTS = (
    ("事業用資産", (f"{TANGIBLE}/事業用資産",)),
    ("インフラ資産", (f"{TANGIBLE}/インフラ資産",)),
    ("物品", (f"{TANGIBLE}/物品", f"{TANGIBLE}/物品減価償却累計額")),
    ("無形固定資産", ("BS/固定資産/無形固定資産",)),
    ("投資その他の資産", ("BS/固定資産/投資その他の資産",)),
    ("流動資産", ("BS/流動資産",)),
    ("繰延資産", ("BS/繰延資産",)),
)
BUSINESS = "PL/経常費用/業務費用"
TRANSFERS = "PL/経常費用/移転費用"
COST_PARTS = (
    ("人件費", (f"{BUSINESS}/人件費",)),
    ("物件費等", (f"{BUSINESS}/物件費等",)),
    ("その他の業務費用", (f"{BUSINESS}/その他の業務費用",)),
    ("補助金等", (f"{TRANSFERS}/補助金等",)),
    ("社会保障給付", (f"{TRANSFERS}/社会保障給付",)),
    ("他会計への繰出金", (f"{TRANSFERS}/他会計への繰出金",)),
    ("その他の移転費用", (f"{TRANSFERS}/その他",)),
)
TOTALS = (("資産合計", "BS/資産合計"), ("負債合計", "BS/負債合計"), ("純資産合計", "BS/純資産合計"))
RATIO_CLASSES = ("事業用資産", "インフラ資産", "物品")

ASSET_MIX, COST_MIX, YEAR_COMPARISON, DEPRECIATION = (
    "グラフ 資産の構成", "グラフ 行政コストの内訳", "グラフ 資産負債純資産の比較", "グラフ 減価償却率",
)


def chart_parts(st: Statements, prior: Statements | None, *, ratio: Mapping | None = None) -> list[Chart]:
    """Every chart the figures allow, in print order (an empty breakdown is left out)."""
    out = [asset_mix(st), cost_mix(st), year_comparison(st, prior),
           depreciation_chart(ratio, st.fiscal_year)]
    return [c for c in out if c is not None]


def _breakdown(st: Statements, parts) -> list[tuple[str, int]]:
    return [(name, sum(st.amount(p) for p in paths)) for name, paths in parts]


def _mix(key: str, title: str, subtitle: str, items: list[tuple[str, int]], total_label: str,
         notes: tuple[str, ...]) -> Chart | None:
    if all(v == 0 for _n, v in items):
        return None
    negative = any(v < 0 for _n, v in items)
    shown = items if negative else [(n, v) for n, v in items if v != 0]
    left_out = [n for n, v in items if v == 0 and not negative]
    if left_out:
        notes += (f"金額が0の区分（{'、'.join(left_out)}）は省略しています。",)
    if negative:
        notes += ("負の金額の区分があるため、円グラフではなく棒グラフで示しています。",)
    return Chart(
        key=key, title=title, kind=BAR if negative else PIE, subtitle=subtitle,
        categories=tuple(n for n, _v in shown), series=(("金額", tuple(v for _n, v in shown)),),
        total_label=total_label, notes=notes,
    )


def asset_mix(st: Statements) -> Chart | None:
    """資産の構成: the assets by kind, adding up to 資産合計 (物品 net of its 減価償却累計額)."""
    items = _breakdown(st, ASSET_PARTS)
    if items[-1][1] == 0:
        items = items[:-1]  # 繰延資産: a line most 団体 never use
    return _mix(ASSET_MIX, "資産の構成", period(st.fiscal_year, "BS"), items, "資産合計",
                ("有形固定資産は減価償却累計額を差し引いた額です。",))


def cost_mix(st: Statements) -> Chart | None:
    """行政コストの内訳: 経常費用 by the 様式's lines, adding up to 経常費用."""
    return _mix(COST_MIX, "行政コストの内訳（経常費用）", period(st.fiscal_year, "PL"), _breakdown(st, COST_PARTS),
                "経常費用", ("臨時損失は含みません。",))


def year_comparison(st: Statements, prior: Statements | None) -> Chart | None:
    """資産合計・負債合計・純資産合計, this year beside the last (None without a last year)."""
    if prior is None:
        return None
    return Chart(
        key=YEAR_COMPARISON, title="資産・負債・純資産の比較", kind=COLUMN_CLUSTERED,
        subtitle=f"本年度{period(st.fiscal_year, 'BS')}・前年度{period(prior.fiscal_year, 'BS')}",
        categories=tuple(n for n, _p in TOTALS),
        series=(("本年度", tuple(st.amount(p) for _n, p in TOTALS)),
                ("前年度", tuple(prior.amount(p) for _n, p in TOTALS))),
    )


def _hundredths(pct: Decimal | float | int) -> int:
    return int((Decimal(str(pct)) * 100).to_integral_value())


def depreciation_chart(ratio: Mapping | None, fiscal_year: int) -> Chart | None:
    """有形固定資産減価償却率 per class and in total, from the register's figures (the dict
    of ``depreciation_ratio``); None when the register has no depreciable asset."""
    if not ratio:
        return None
    names = [c for c in RATIO_CLASSES if c in ratio and ratio[c]["率"] is not None]
    if not names:
        return None
    total = ratio.get("合計", {}).get("率")
    cats = [*names, "合計"] if total is not None else names
    values = tuple(_hundredths(ratio[c]["率"]) for c in cats)
    movables = "含めています" if ratio.get("物品を含む", True) else "含めていません"
    return Chart(
        key=DEPRECIATION, title="有形固定資産減価償却率", kind=BAR, category_header="資産の区分",
        subtitle=period(fiscal_year, "BS"),
        categories=tuple(cats), series=(("減価償却率", values),), value_kind=PERCENT,
        notes=("減価償却率＝減価償却累計額÷償却資産の取得価額等（土地、立木竹、建設仮勘定及び美術品を除く）。"
               "固定資産台帳の年度末の金額によります。",
               f"合計には物品を{movables}。"),
    )
