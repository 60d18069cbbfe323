"""デモ市: a deterministic demo city for Kokai (統一的な基準).

デモ市 is a fictitious city of about 50,000 people with an 一般会計 of about
200億円 a year.  This module produces

* the opening balance sheet (as of 3/31, the day before the fiscal year starts),
  as ``(path, amount)`` rows, and
* a year of vouchers (伝票) already converted to journals by the 資金仕訳変換表:
  the cash side of every cash entry is a CF line, and the year-end non-cash
  entries (減価償却, 引当金, 地方債 reclassification …) are included.

Accounts are written as statement-qualified paths (``BS/流動資産/現金預金``).
Every path used here is checked against ``core/data/chart.csv`` when the
module is imported.

A later year (``journal_rows(2025)``) is the same city's next year: its own 普通建設事業
(:func:`works`), the bonds of the 地方債台帳 (:mod:`kokai.demo.city_bonds`) rolled forward;
the cash path (:func:`kokai.demo.city_cash.build`) can start it from the ledger's year end.

Amounts are integer yen.  The totals of the year do not depend on ``scale`` or
``target_rows``: those only change the NUMBER of vouchers of the bulk
categories (物件費, 扶助費, 補助金, tax and fee receipts …); each bulk total is
split over its vouchers by a deterministic, total-preserving split.  The
structural vouchers (salaries, 公債費, works, grants, funds, year-end entries)
are the same at any scale.

Pure standard library; no Django.
"""

from __future__ import annotations

import calendar
import csv
import datetime as _dt
import heapq
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = [
    "ACCOUNTS",
    "DEPARTMENTS",
    "JOURNAL_HEADER",
    "LG_CODE",
    "NAME",
    "OPENING_ONLY",
    "POPULATION",
    "chart_paths",
    "estimate_rows",
    "journal_rows",
    "opening_rows",
    "postable_paths",
    "write_journals_csv",
    "write_opening_csv",
]

JOURNAL_HEADER = (
    "伝票番号", "日付", "会計年度", "会計区分", "所属",
    "借方科目", "借方金額", "貸方科目", "貸方金額", "摘要",
)
NAME = "デモ市"
LG_CODE = "999999"
POPULATION = 50_124
ACCOUNTING_UNIT = "一般会計"
FIRST_YEAR = 2024  # the year the demo's opening balance sheet opens

DEPARTMENTS: list[tuple[str, str]] = [
    ("0101", "総務課"),
    ("0102", "財政課"),
    ("0103", "税務課"),
    ("0104", "企画政策課"),
    ("0105", "市民課"),
    ("0106", "会計課"),
    ("0201", "福祉課"),
    ("0202", "子育て支援課"),
    ("0203", "健康課"),
    ("0204", "保険年金課"),
    ("0205", "高齢介護課"),
    ("0301", "環境課"),
    ("0302", "農林課"),
    ("0303", "商工観光課"),
    ("0401", "建設課"),
    ("0402", "都市計画課"),
    ("0403", "下水道課"),
    ("0501", "教育総務課"),
    ("0502", "学校教育課"),
    ("0503", "生涯学習課"),
    ("0901", "議会事務局"),
]

# 一般職 staff by 所属 (weights for 給料, 手当, 共済費, 期末勤勉手当 and 賞与等引当金).
_STAFF = {
    "0101": 32, "0102": 14, "0103": 30, "0104": 16, "0105": 28, "0106": 6,
    "0201": 36, "0202": 44, "0203": 26, "0204": 15, "0205": 18,
    "0301": 20, "0302": 12, "0303": 10,
    "0401": 30, "0402": 15, "0403": 4,
    "0501": 15, "0502": 30, "0503": 20, "0901": 6,
}
# 会計年度任用職員 (part-time staff) by 所属.
_PART_TIME = {
    "0101": 8, "0103": 6, "0105": 12, "0201": 10, "0202": 40, "0203": 12,
    "0205": 6, "0301": 6, "0401": 4, "0502": 36, "0503": 20,
}

# --------------------------------------------------------------------------
# Chart of accounts and paths
# --------------------------------------------------------------------------

CHART_CSV = Path(__file__).resolve().parent.parent / "core" / "data" / "chart.csv"


@lru_cache(maxsize=1)
def chart_paths() -> dict[str, dict[str, str]]:
    """All rows of chart.csv keyed by their statement-qualified path, in chart order."""
    with CHART_CSV.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    by_code = {r["code"]: r for r in rows}
    out: dict[str, dict[str, str]] = {}
    for r in rows:
        names = []
        cur: dict[str, str] | None = r
        while cur is not None:
            names.append(cur["name"])
            cur = by_code.get(cur["parent"]) if cur["parent"] else None
        path = r["statement"] + "/" + "/".join(reversed(names))
        out[path] = r
    return out


def postable_paths() -> frozenset[str]:
    """Paths that may carry amounts: kind=leaf rows and kind=sub sub-accounts."""
    return frozenset(p for p, r in chart_paths().items() if r["kind"] in ("leaf", "sub"))


_TA = "BS/固定資産/有形固定資産"
_IO = "BS/固定資産/投資その他の資産"
_PLB = "PL/経常費用/業務費用"
_CFB = "CF/業務活動収支"
_CFI = "CF/投資活動収支"
_CFF = "CF/財務活動収支"

# Short keys -> paths.  Hand-typed, verified against chart.csv below.
ACCOUNTS: dict[str, str] = {
    # BS assets
    "事業用土地": f"{_TA}/事業用資産/土地",
    "立木竹": f"{_TA}/事業用資産/立木竹",
    "事業用建物": f"{_TA}/事業用資産/建物",
    "事業用建物累計": f"{_TA}/事業用資産/建物減価償却累計額",
    "事業用工作物": f"{_TA}/事業用資産/工作物",
    "事業用工作物累計": f"{_TA}/事業用資産/工作物減価償却累計額",
    "事業用建設仮勘定": f"{_TA}/事業用資産/建設仮勘定",
    "インフラ土地": f"{_TA}/インフラ資産/土地",
    "インフラ建物": f"{_TA}/インフラ資産/建物",
    "インフラ建物累計": f"{_TA}/インフラ資産/建物減価償却累計額",
    "インフラ工作物": f"{_TA}/インフラ資産/工作物",
    "インフラ工作物累計": f"{_TA}/インフラ資産/工作物減価償却累計額",
    "インフラ建設仮勘定": f"{_TA}/インフラ資産/建設仮勘定",
    "物品": f"{_TA}/物品",
    "物品累計": f"{_TA}/物品減価償却累計額",
    "ソフトウェア": "BS/固定資産/無形固定資産/ソフトウェア",
    "出資金": f"{_IO}/投資及び出資金/出資金",
    "長期延滞債権": f"{_IO}/長期延滞債権",
    "長期貸付金": f"{_IO}/長期貸付金",
    "減債基金固定": f"{_IO}/基金/減債基金",
    "その他基金": f"{_IO}/基金/その他",
    "徴収不能引当金固定": f"{_IO}/徴収不能引当金",
    "現金預金": "BS/流動資産/現金預金",
    "歳計外現金": "BS/流動資産/現金預金/歳計外現金",
    "未収金": "BS/流動資産/未収金",
    "短期貸付金": "BS/流動資産/短期貸付金",
    "財政調整基金": "BS/流動資産/基金/財政調整基金",
    "減債基金流動": "BS/流動資産/基金/減債基金",
    "徴収不能引当金流動": "BS/流動資産/徴収不能引当金",
    # BS liabilities / net assets
    "地方債": "BS/固定負債/地方債",
    "退職手当引当金": "BS/固定負債/退職手当引当金",
    "1年内償還予定地方債": "BS/流動負債/1年内償還予定地方債",
    "賞与等引当金": "BS/流動負債/賞与等引当金",
    "預り金": "BS/流動負債/預り金",
    "固定資産等形成分": "BS/固定資産等形成分",
    "余剰分": "BS/余剰分（不足分）",
    # PL
    "職員給与費": f"{_PLB}/人件費/職員給与費",
    "賞与等引当金繰入額": f"{_PLB}/人件費/賞与等引当金繰入額",
    "退職手当引当金繰入額": f"{_PLB}/人件費/退職手当引当金繰入額",
    "人件費その他": f"{_PLB}/人件費/その他",
    "物件費": f"{_PLB}/物件費等/物件費",
    "維持補修費": f"{_PLB}/物件費等/維持補修費",
    "減価償却費": f"{_PLB}/物件費等/減価償却費",
    "支払利息": f"{_PLB}/その他の業務費用/支払利息",
    "徴収不能引当金繰入額": f"{_PLB}/その他の業務費用/徴収不能引当金繰入額",
    "補助金等": "PL/経常費用/移転費用/補助金等",
    "社会保障給付": "PL/経常費用/移転費用/社会保障給付",
    "他会計への繰出金": "PL/経常費用/移転費用/他会計への繰出金",
    "使用料及び手数料": "PL/経常収益/使用料及び手数料",
    "経常収益その他": "PL/経常収益/その他",
    "資産除売却損": "PL/臨時損失/資産除売却損",
    "資産売却益": "PL/臨時利益/資産売却益",
    # NW
    "税収等": "NW/財源/税収等",
    "国県等補助金": "NW/財源/国県等補助金",
    "無償所管換等": "NW/無償所管換等",
    # CF: 業務活動
    "人件費支出": f"{_CFB}/業務支出/業務費用支出/人件費支出",
    "物件費等支出": f"{_CFB}/業務支出/業務費用支出/物件費等支出",
    "支払利息支出": f"{_CFB}/業務支出/業務費用支出/支払利息支出",
    "補助金等支出": f"{_CFB}/業務支出/移転費用支出/補助金等支出",
    "社会保障給付支出": f"{_CFB}/業務支出/移転費用支出/社会保障給付支出",
    "他会計への繰出支出": f"{_CFB}/業務支出/移転費用支出/他会計への繰出支出",
    "税収等収入": f"{_CFB}/業務収入/税収等収入",
    "業務国県等補助金収入": f"{_CFB}/業務収入/国県等補助金収入",
    "使用料及び手数料収入": f"{_CFB}/業務収入/使用料及び手数料収入",
    "業務その他の収入": f"{_CFB}/業務収入/その他の収入",
    # CF: 投資活動
    "公共施設等整備費支出": f"{_CFI}/投資活動支出/公共施設等整備費支出",
    "基金積立金支出": f"{_CFI}/投資活動支出/基金積立金支出",
    "投資及び出資金支出": f"{_CFI}/投資活動支出/投資及び出資金支出",
    "貸付金支出": f"{_CFI}/投資活動支出/貸付金支出",
    "投資国県等補助金収入": f"{_CFI}/投資活動収入/国県等補助金収入",
    "基金取崩収入": f"{_CFI}/投資活動収入/基金取崩収入",
    "貸付金元金回収収入": f"{_CFI}/投資活動収入/貸付金元金回収収入",
    "資産売却収入": f"{_CFI}/投資活動収入/資産売却収入",
    # CF: 財務活動
    "地方債償還支出": f"{_CFF}/財務活動支出/地方債償還支出",
    "地方債発行収入": f"{_CFF}/財務活動収入/地方債発行収入",
    # CF: 歳計外
    "歳計外増減": "CF/本年度歳計外現金増減額",
}


def _check_accounts() -> None:
    ok = postable_paths()
    bad = sorted(p for p in ACCOUNTS.values() if p not in ok or any(c in p for c in ',"\r\n'))
    if bad:
        raise RuntimeError(f"demo city uses paths missing from chart.csv (or needing CSV quoting): {bad}")


_check_accounts()
A = ACCOUNTS

# Accounts that only the opening balance sheet may carry.
OPENING_ONLY = frozenset({A["現金預金"], A["歳計外現金"], A["固定資産等形成分"], A["余剰分"]})

# --------------------------------------------------------------------------
# Opening balance sheet
# --------------------------------------------------------------------------

# Opening balances in yen (contra lines negative).  Lines not listed are 0.
_OPENING: dict[str, int] = {
    A["事業用土地"]: 15_986_412_000,
    A["立木竹"]: 118_250_000,
    A["事業用建物"]: 52_104_870_000,
    A["事業用建物累計"]: -31_612_930_000,
    A["事業用工作物"]: 4_812_560_000,
    A["事業用工作物累計"]: -2_903_118_000,
    A["事業用建設仮勘定"]: 350_000_000,
    A["インフラ土地"]: 24_536_780_000,
    A["インフラ建物"]: 1_203_400_000,
    A["インフラ建物累計"]: -702_115_000,
    A["インフラ工作物"]: 60_118_900_000,
    A["インフラ工作物累計"]: -35_834_600_000,
    A["インフラ建設仮勘定"]: 180_000_000,
    A["物品"]: 3_214_560_000,
    A["物品累計"]: -2_301_470_000,
    A["ソフトウェア"]: 182_300_000,
    "BS/固定資産/無形固定資産/その他": 21_600_000,
    f"{_IO}/投資及び出資金/有価証券": 52_000_000,
    A["出資金"]: 1_108_450_000,
    f"{_IO}/投資損失引当金": -31_000_000,
    A["長期延滞債権"]: 281_340_000,
    A["長期貸付金"]: 152_000_000,
    A["減債基金固定"]: 600_000_000,
    A["その他基金"]: 2_412_680_000,
    f"{_IO}/その他": 18_500_000,
    A["徴収不能引当金固定"]: -45_210_000,
    A["現金預金"]: 912_436_512,  # 歳計現金 (資金) only
    # A["歳計外現金"] is derived from the 預り金 detail below
    A["未収金"]: 160_230_000,
    A["短期貸付金"]: 10_000_000,
    A["財政調整基金"]: 2_503_120_000,
    A["減債基金流動"]: 500_000_000,
    A["徴収不能引当金流動"]: -3_010_000,
    A["地方債"]: 18_012_500_000,
    A["退職手当引当金"]: 2_512_300_000,
    A["1年内償還予定地方債"]: 1_850_000_000,
    A["賞与等引当金"]: 194_880_000,
}
# 預り金 / 歳計外現金 at the opening: 契約保証金等 held + last March's withholdings.
_OPENING_DEPOSITS = 86_400_000


def _fixed_asset_portion(bal: dict[str, int]) -> int:
    """固定資産等形成分 = 固定資産 (contra included) + 短期貸付金 + 流動資産の基金."""
    return sum(v for p, v in bal.items() if p.startswith("BS/固定資産/")) + sum(
        bal.get(A[k], 0) for k in ("短期貸付金", "財政調整基金", "減債基金流動")
    )


def opening_rows(fiscal_year: int = 2024) -> list[tuple[str, int]]:
    """The opening balance sheet of ``fiscal_year`` (as of 3/31 before 4/1) as (path, amount) rows.

    One row per postable BS line in chart order (zero rows included; the 連結-only
    他団体出資等分 is left out).  Contra lines are negative.  ``BS/流動資産/現金預金``
    is the 歳計現金 only; the 歳計外現金 is its own sub-account row.
    """
    del fiscal_year  # same balances for any year
    bal = dict(_OPENING)
    custodial = _OPENING_DEPOSITS + sum(_withholdings()[11])
    bal[A["歳計外現金"]] = custodial
    bal[A["預り金"]] = custodial
    assets = sum(v for p, v in bal.items() if chart_paths()[p]["side"] == "D")
    liabilities = sum(v for p, v in bal.items() if chart_paths()[p]["side"] == "C")
    net_assets = assets - liabilities
    fixed = _fixed_asset_portion(bal)
    bal[A["固定資産等形成分"]] = fixed
    bal[A["余剰分"]] = net_assets - fixed
    rows = []
    for path, r in chart_paths().items():
        if r["statement"] != "BS" or r["kind"] not in ("leaf", "sub"):
            continue
        if r["consolidated_only"]:
            continue
        rows.append((path, bal.get(path, 0)))
    return rows


# --------------------------------------------------------------------------
# Calendar
# --------------------------------------------------------------------------

# Month index m: 0..11 = April Y .. March Y+1; 12, 13 = April, May Y+1 (出納整理期間).
_N_MONTHS = 14


def _ym(fy: int, m: int) -> tuple[int, int]:
    if m < 9:
        return fy, m + 4
    if m < 12:
        return fy + 1, m - 8
    return fy + 1, m - 8


def _month_label(m: int) -> int:
    """Calendar month number of month index m."""
    return _ym(2000, m)[1]


def _nth_monday(y: int, mo: int, n: int) -> int:
    first = _dt.date(y, mo, 1).weekday()
    return 1 + (7 - first) % 7 + 7 * (n - 1)


@lru_cache(maxsize=64)
def _holidays(y: int) -> frozenset[_dt.date]:
    """Approximate Japanese public holidays plus the 年末年始 closure (good enough for a demo)."""
    md = [(1, 1), (1, 2), (1, 3), (2, 11), (2, 23), (3, 20), (4, 29), (5, 3), (5, 4),
          (5, 5), (8, 11), (9, 23), (11, 3), (11, 23), (12, 29), (12, 30), (12, 31)]
    days = {_dt.date(y, mo, d) for mo, d in md}
    for mo, n in ((1, 2), (7, 3), (9, 3), (10, 2)):
        days.add(_dt.date(y, mo, _nth_monday(y, mo, n)))
    # 振替休日 for holidays falling on a Sunday
    for d in list(days):
        if d.weekday() == 6:
            nd = d + _dt.timedelta(days=1)
            while nd in days:
                nd += _dt.timedelta(days=1)
            days.add(nd)
    return frozenset(days)


def _is_bizday(d: _dt.date) -> bool:
    return d.weekday() < 5 and d not in _holidays(d.year)


@lru_cache(maxsize=16)
def _calendar(fy: int) -> tuple[tuple[str, ...], ...]:
    """Business days (ISO strings) of each month index."""
    out = []
    for m in range(_N_MONTHS):
        y, mo = _ym(fy, m)
        n = calendar.monthrange(y, mo)[1]
        days = [_dt.date(y, mo, d) for d in range(1, n + 1)]
        out.append(tuple(d.isoformat() for d in days if _is_bizday(d)))
    return tuple(out)


def _bizday(fy: int, m: int, day: int) -> str:
    """The business day on or before ``day`` of month index m (or the first one after)."""
    y, mo = _ym(fy, m)
    day = min(day, calendar.monthrange(y, mo)[1])
    d = _dt.date(y, mo, day)
    while d.day > 1 and not _is_bizday(d):
        d -= _dt.timedelta(days=1)
    while not _is_bizday(d):
        d += _dt.timedelta(days=1)
    return d.isoformat()


def _mi(month: int, next_year: bool = False) -> int:
    """Month index of a calendar month (April..March); next_year for April/May Y+1."""
    if next_year:
        return {4: 12, 5: 13}[month]
    return month - 4 if month >= 4 else month + 8


def _wareki_fy(y: int) -> str:
    if y >= 2020:
        return f"令和{y - 2018}年度"
    if y == 2019:
        return "令和元年度"
    return f"平成{y - 1988}年度"


# --------------------------------------------------------------------------
# Total-preserving splits
# --------------------------------------------------------------------------


def _split(total: int, weights: Iterable[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (cumulative floor: exact total)."""
    ws = [max(0, round(w * 1_000_000)) for w in weights]
    wsum = sum(ws)
    if wsum == 0:
        raise ValueError("all weights are zero")
    out, cum, prev = [], 0, 0
    for w in ws:
        cum += w
        cur = total * cum // wsum
        out.append(cur - prev)
        prev = cur
    return out


_POOL = 509  # prime: cycle length of the per-category weight pool
_VTAB = 251  # cycle length of the per-category variant table


@dataclass(frozen=True)
class Spread:
    """A category whose total is spread over many vouchers.

    ``variants`` are (所属, 摘要 template, weight); a ``{m}`` in the template is the
    month (e.g. "4月分").  ``profile`` gives the voucher counts per month index
    (14 entries, the last two are April/May of the 出納整理期間).  ``day`` 0 spreads
    the vouchers over the business days of the month; d > 0 puts them on the
    business day on or before day d.  ``compound`` k > 0 makes every k-th voucher a
    3-row compound voucher (two rows on the side ``split``, one on the other).
    """

    key: str
    total: int
    n: int
    dr: str
    cr: str
    variants: tuple[tuple[str, str, int], ...]
    profile: tuple[float, ...]
    day: int = 0
    sigma: float = 0.9
    compound: int = 0
    split: str = "dr"
    scalable: bool = True

    def max_vouchers(self) -> int:
        # keep the average voucher at 500 yen or more so every amount stays positive
        return max(1, self.total // 500)


M = 1_000_000  # 百万円
# the balance sheet a year starts from, as (path, amount) pairs (None: opening_rows())
Opening = tuple[tuple[str, int], ...] | None

# Month profiles (Apr..Mar, Apr', May').
FLAT12 = (1,) * 12 + (0, 0)
P_EXP = (0.55, 0.9, 1, 1, 1, 0.9, 1, 1, 1.1, 0.85, 1, 1.4, 0.9, 0.3)
P_UTIL = (1,) * 12 + (0.9, 0)
P_FUJO = (0.8, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.1, 0.45, 0.1)
P_SUBSIDY = (1.2, 1.4, 1.1, 0.9, 0.9, 0.9, 0.9, 0.8, 0.8, 0.9, 1.1, 1.5, 0.5, 0.2)
P_KOTEI = (1.3, 0.6, 0.15, 1.1, 0.3, 0.2, 0.2, 0.3, 1.0, 0.3, 1.0, 0.35, 0.15, 0.08)
P_KOJIN = (0, 0, 1.4, 0.8, 1.3, 0.8, 1.3, 0.8, 0.8, 1.3, 0.8, 0.8, 0.8, 0.8)
P_HOJIN = (0.7, 1.8, 1.0, 0.6, 0.7, 0.6, 0.6, 1.3, 0.9, 0.6, 0.6, 0.9, 0, 0)
P_KEI = (0.4, 2.6, 0.8, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.4, 0.15, 0.1)
P_TAINO = (1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.2, 0.5, 0.3)
P_FEES = (1.1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.2, 0.3, 0.1)
P_FURUSATO = (0.5, 0.6, 0.8, 0.8, 0.9, 0.9, 1.0, 1.2, 3.0, 0.6, 0.6, 0.8, 0, 0)
P_GRANT = (0.3, 0.6, 0.8, 0.8, 1, 1, 0.8, 1, 1.2, 0.8, 1, 2.0, 1.5, 1.2)
P_QUARTER = (1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0)


def _months(*pairs: tuple[int, float]) -> tuple[float, ...]:
    p = [0.0] * _N_MONTHS
    for m, w in pairs:
        p[m] = w
    return tuple(p)


def _v(*items: tuple[str, str] | tuple[str, str, int]) -> tuple[tuple[str, str, int], ...]:
    return tuple((it[0], it[1], it[2] if len(it) > 2 else 1) for it in items)


# ---- 歳出: bulk categories ------------------------------------------------

_SPREADS: tuple[Spread, ...] = (
    # 物件費 (2,800百万円): Dr PL 物件費 / Cr CF 物件費等支出
    Spread("消耗品費", 265 * M, 2000, "物件費", "物件費等支出", _v(
        ("0101", "事務用消耗品購入", 3), ("0102", "事務用消耗品購入"), ("0103", "納税通知書用 封筒購入"),
        ("0104", "事務用消耗品購入"), ("0105", "住民票用 改ざん防止用紙購入"), ("0106", "事務用消耗品購入"),
        ("0201", "事務用消耗品購入"), ("0202", "保育所 消耗品購入", 3), ("0203", "予防接種用 消耗品購入", 2),
        ("0205", "介護予防教室 消耗品購入"), ("0301", "ごみ指定袋 購入", 2), ("0302", "農道管理用 消耗品購入"),
        ("0401", "道路維持用 消耗品購入"), ("0402", "公園管理用 消耗品購入"), ("0501", "事務用消耗品購入"),
        ("0502", "小学校 教材用消耗品購入", 4), ("0502", "中学校 教材用消耗品購入", 3),
        ("0503", "図書館 図書購入", 2), ("0503", "公民館 消耗品購入"), ("0901", "議会用 消耗品購入"),
    ), P_EXP, sigma=1.1, compound=8),
    Spread("光熱水費", 330 * M, 600, "物件費", "物件費等支出", _v(
        ("0101", "{m}月分 電気料（本庁舎）", 2), ("0101", "{m}月分 水道料（本庁舎）"),
        ("0502", "{m}月分 電気料（小学校）", 3), ("0502", "{m}月分 電気料（中学校）", 2),
        ("0502", "{m}月分 水道料（小中学校）", 2), ("0502", "{m}月分 ガス料（給食室）"),
        ("0503", "{m}月分 電気料（公民館）"), ("0503", "{m}月分 電気料（図書館）"),
        ("0202", "{m}月分 電気料（保育所）"), ("0401", "{m}月分 道路照明灯 電気料", 2),
        ("0402", "{m}月分 公園 水道料"), ("0301", "{m}月分 電気料（リサイクルセンター）"),
    ), P_UTIL, sigma=0.8),
    Spread("燃料費", 40 * M, 300, "物件費", "物件費等支出", _v(
        ("0101", "公用車 燃料費（{m}月分）", 2), ("0301", "ごみ収集車 燃料費（{m}月分）"),
        ("0502", "学校 暖房用灯油購入"), ("0503", "公民館 暖房用灯油購入"), ("0401", "道路維持車両 燃料費"),
    ), P_EXP, sigma=0.7),
    Spread("印刷製本費", 50 * M, 500, "物件費", "物件費等支出", _v(
        ("0104", "広報紙 {m}月号 印刷製本", 3), ("0901", "議会だより 印刷製本"), ("0103", "納税通知書 印刷"),
        ("0105", "各種申請書 印刷"), ("0203", "健康カレンダー 印刷"), ("0303", "観光パンフレット 印刷"),
        ("0101", "封筒 印刷"),
    ), P_EXP, sigma=1.0, compound=8),
    Spread("通信運搬費", 120 * M, 900, "物件費", "物件費等支出", _v(
        ("0101", "{m}月分 郵便料", 4), ("0101", "{m}月分 電話料", 2), ("0104", "{m}月分 インターネット回線使用料", 2),
        ("0103", "納税通知書 郵送料"), ("0105", "{m}月分 郵便料（市民課）"), ("0502", "{m}月分 電話料（学校）"),
    ), P_EXP, sigma=0.9),
    Spread("手数料", 30 * M, 600, "物件費", "物件費等支出", _v(
        ("0106", "口座振替手数料", 3), ("0301", "廃棄物処理手数料"), ("0203", "検査手数料"),
        ("0101", "公用車 車検手数料"), ("0401", "登記手数料"),
    ), P_EXP, sigma=1.0),
    Spread("保険料", 20 * M, 120, "物件費", "物件費等支出", _v(
        ("0101", "公用車 自動車損害共済 分担金"), ("0101", "建物総合損害共済 分担金", 2),
        ("0503", "行事 傷害保険料"), ("0502", "学校管理下 災害共済給付 掛金"),
    ), P_EXP, sigma=1.0),
    Spread("委託料", 1_555 * M, 1500, "物件費", "物件費等支出", _v(
        ("0301", "{m}月分 ごみ収集運搬業務委託料", 6), ("0502", "{m}月分 学校給食調理業務委託料", 5),
        ("0101", "{m}月分 庁舎清掃業務委託料", 2), ("0101", "{m}月分 庁舎警備業務委託料"),
        ("0104", "{m}月分 電算システム保守委託料", 4), ("0104", "基幹業務システム 運用支援委託料", 2),
        ("0503", "{m}月分 体育施設 指定管理料", 2), ("0503", "{m}月分 図書館 管理運営業務委託料"),
        ("0203", "健康診査業務委託料", 3), ("0203", "予防接種業務委託料", 3),
        ("0202", "{m}月分 放課後児童クラブ 運営業務委託料", 2), ("0205", "介護予防事業 委託料"),
        ("0401", "道路維持管理業務委託料", 2), ("0402", "公園 樹木剪定業務委託料"),
        ("0402", "都市計画基礎調査 委託料"), ("0103", "固定資産 評価業務委託料"),
        ("0301", "資源物 処理業務委託料", 2), ("0502", "スクールバス 運行業務委託料"),
    ), P_EXP, sigma=1.2),
    Spread("使用料及び賃借料", 260 * M, 1000, "物件費", "物件費等支出", _v(
        ("0101", "{m}月分 複合機使用料", 3), ("0104", "{m}月分 システム機器 借上料", 3),
        ("0502", "{m}月分 校務用パソコン 借上料", 2), ("0502", "{m}月分 学習用端末 借上料", 2),
        ("0101", "土地借上料（駐車場）"), ("0503", "会場使用料"), ("0301", "{m}月分 車両借上料"),
    ), P_EXP, sigma=1.0),
    Spread("旅費", 20 * M, 800, "物件費", "物件費等支出", _v(
        ("0101", "普通旅費（研修会出席）", 3), ("0102", "普通旅費（県市町村課 ヒアリング）"),
        ("0901", "費用弁償（議員 行政視察）"), ("0501", "費用弁償（教育委員）"),
        ("0203", "普通旅費（保健師 研修）"), ("0201", "普通旅費（ケースワーカー 研修）"),
    ), P_EXP, sigma=0.9),
    Spread("報償費", 35 * M, 500, "物件費", "物件費等支出", _v(
        ("0503", "講師謝礼（市民講座）", 3), ("0101", "委員謝礼"), ("0203", "講師謝礼（健康教室）"),
        ("0202", "記念品（子育て応援）"), ("0205", "敬老祝品"),
    ), P_EXP, sigma=1.0),
    Spread("備品購入費", 60 * M, 400, "物件費", "物件費等支出", _v(
        ("0502", "小学校 備品購入（50万円未満）", 3), ("0502", "中学校 備品購入（50万円未満）", 2),
        ("0202", "保育所 備品購入"), ("0101", "庁用備品 購入"), ("0503", "図書館 備品購入"),
    ), P_EXP, sigma=1.0, compound=8),
    Spread("原材料費", 15 * M, 120, "物件費", "物件費等支出", _v(
        ("0401", "道路補修用 原材料（アスファルト合材）", 3), ("0402", "公園補修用 原材料"),
    ), P_EXP, sigma=0.8),
    # 維持補修費 (300百万円): Dr PL 維持補修費 / Cr CF 物件費等支出
    Spread("維持補修費", 300 * M, 600, "維持補修費", "物件費等支出", _v(
        ("0401", "市道 補修工事（舗装 応急修繕）", 4), ("0502", "小学校 修繕料", 3),
        ("0502", "中学校 修繕料", 2), ("0101", "庁舎 修繕料"), ("0503", "公民館 修繕料"),
        ("0402", "公園遊具 修繕料"), ("0202", "保育所 修繕料"), ("0301", "ごみステーション 修繕料"),
    ), P_EXP, sigma=1.1),
    # 扶助費 (4,400百万円): Dr PL 社会保障給付 / Cr CF 社会保障給付支出
    Spread("生活保護定例", 720 * M, 12, "社会保障給付", "社会保障給付支出",
           _v(("0201", "{m}月分 生活保護費 定例支給")), FLAT12, day=1, scalable=False),
    Spread("医療扶助", 380 * M, 12, "社会保障給付", "社会保障給付支出",
           _v(("0201", "{m}月支払分 医療扶助・介護扶助費（社会保険診療報酬支払基金）")),
           FLAT12, day=20, scalable=False),
    Spread("生活保護随時", 150 * M, 900, "社会保障給付", "社会保障給付支出", _v(
        ("0201", "生活保護費 随時支給（一時扶助）", 3), ("0201", "生活保護費 住宅扶助（代理納付）", 2),
        ("0201", "生活保護費 教育扶助"), ("0201", "生活保護費 葬祭扶助"),
    ), P_FUJO, sigma=0.8),
    Spread("児童手当", 820 * M, 12, "社会保障給付", "社会保障給付支出", _v(
        ("0202", "児童手当 {m}月定期支払（市内金融機関 振込分）", 2),
        ("0202", "児童手当 {m}月定期支払（ゆうちょ銀行 振込分）"),
        ("0202", "児童手当 {m}月定期支払（その他金融機関 振込分）"),
    ), _months((2, 4), (6, 4), (8, 2), (10, 2)), day=10, sigma=0.3, scalable=False),
    Spread("児童扶養手当", 180 * M, 6, "社会保障給付", "社会保障給付支出",
           _v(("0202", "児童扶養手当 {m}月定期支払")),
           _months((1, 1), (3, 1), (5, 1), (7, 1), (9, 1), (11, 1)), day=11, sigma=0.2, scalable=False),
    Spread("自立支援給付国保連", 900 * M, 12, "社会保障給付", "社会保障給付支出",
           _v(("0201", "{m}月支払分 障害者自立支援給付費（国保連合会）")), FLAT12, day=15,
           sigma=0.3, scalable=False),
    Spread("自立支援給付随時", 250 * M, 1500, "社会保障給付", "社会保障給付支出", _v(
        ("0201", "補装具費 支給", 2), ("0201", "日常生活用具 給付費", 2), ("0201", "障害福祉サービス費 償還払"),
        ("0201", "地域生活支援事業 給付費"),
    ), P_FUJO, sigma=1.0),
    Spread("施設型給付費", 650 * M, 144, "社会保障給付", "社会保障給付支出", _v(
        *((("0202", f"{{m}}月分 施設型給付費（{n}）")) for n in (
            "あおば保育園", "さくら保育園", "ひまわり保育園", "すみれ保育園", "わかば保育園", "みどり保育園",
            "つくし保育園", "あさひ保育園", "認定こども園 ひかり", "認定こども園 のぞみ", "はなみずき保育園",
            "小規模保育事業所 こばと",
        )),
    ), FLAT12, day=15, sigma=0.5, scalable=False),
    Spread("子ども医療費国保連", 140 * M, 24, "社会保障給付", "社会保障給付支出", _v(
        ("0202", "{m}月支払分 子ども医療費助成（国保連合会）"),
        ("0202", "{m}月支払分 子ども医療費助成（社会保険診療報酬支払基金）"),
    ), FLAT12, day=20, sigma=0.4, scalable=False),
    Spread("子ども医療費償還", 40 * M, 1200, "社会保障給付", "社会保障給付支出",
           _v(("0202", "子ども医療費助成 償還払")), P_FUJO, sigma=1.0),
    Spread("重度心身障害者医療費", 60 * M, 600, "社会保障給付", "社会保障給付支出",
           _v(("0201", "重度心身障害者医療費助成 償還払")), P_FUJO, sigma=1.0),
    Spread("その他扶助", 110 * M, 900, "社会保障給付", "社会保障給付支出", _v(
        ("0202", "養育医療給付費"), ("0205", "紙おむつ 給付費"), ("0202", "出産・子育て応援給付金", 2),
        ("0201", "特別障害者手当"), ("0205", "高齢者 緊急通報装置 給付"),
    ), P_FUJO, sigma=0.9),
    # 補助費等 (2,000百万円): Dr PL 補助金等 / Cr CF 補助金等支出
    Spread("消防組合負担金", 560 * M, 4, "補助金等", "補助金等支出",
           _v(("0101", "広域消防組合 負担金（第{q}四半期）")), P_QUARTER, day=10, sigma=0.1,
           scalable=False),
    Spread("衛生組合負担金", 360 * M, 4, "補助金等", "補助金等支出",
           _v(("0301", "衛生組合 負担金（ごみ処理・し尿処理 第{q}四半期）")), P_QUARTER, day=10,
           sigma=0.1, scalable=False),
    Spread("後期高齢療養給付費負担金", 250 * M, 12, "補助金等", "補助金等支出",
           _v(("0204", "後期高齢者医療広域連合 療養給付費負担金（{m}月分）")), FLAT12, day=25,
           sigma=0.2, scalable=False),
    Spread("団体補助金", 580 * M, 1300, "補助金等", "補助金等支出", _v(
        ("0101", "自治会活動 補助金", 3), ("0201", "社会福祉協議会 運営費補助金", 2),
        ("0303", "商工会 運営費補助金"), ("0303", "観光協会 補助金"), ("0302", "農業振興 補助金", 2),
        ("0503", "スポーツ協会 補助金"), ("0201", "民生委員児童委員協議会 補助金"),
        ("0203", "病院群輪番制 運営費補助金"), ("0202", "放課後児童クラブ 運営費補助金"),
        ("0202", "私立保育所 運営費補助金", 2), ("0205", "老人クラブ 補助金"),
        ("0503", "文化協会 補助金"), ("0502", "私立学校 振興補助金"),
    ), P_SUBSIDY, sigma=1.3),
    Spread("個人向け補助金", 150 * M, 800, "補助金等", "補助金等支出", _v(
        ("0402", "住宅リフォーム 補助金", 2), ("0403", "合併処理浄化槽設置 補助金"),
        ("0301", "生ごみ処理機購入 補助金"), ("0301", "住宅用太陽光発電設備設置 補助金"),
        ("0104", "新婚世帯 住宅補助金"), ("0402", "空き家改修 補助金"), ("0402", "木造住宅耐震改修 補助金"),
    ), P_SUBSIDY, sigma=0.9),
    Spread("各種負担金", 100 * M, 400, "補助金等", "補助金等支出", _v(
        ("0101", "全国市長会 負担金"), ("0101", "県市長会 負担金"), ("0104", "広域行政推進協議会 負担金"),
        ("0301", "環境衛生協議会 負担金"), ("0401", "道路整備促進期成同盟会 負担金"),
        ("0501", "研修会 負担金"), ("0203", "医師会 負担金"),
    ), P_SUBSIDY, sigma=1.2),
    # 繰出金 (1,900百万円): Dr PL 他会計への繰出金 / Cr CF 他会計への繰出支出
    Spread("国保繰出金", 450 * M, 12, "他会計への繰出金", "他会計への繰出支出",
           _v(("0204", "国民健康保険特別会計 繰出金（{m}月分）")), FLAT12, day=25, sigma=0.3,
           scalable=False),
    Spread("介護繰出金", 520 * M, 12, "他会計への繰出金", "他会計への繰出支出",
           _v(("0205", "介護保険特別会計 繰出金（{m}月分）")), FLAT12, day=25, sigma=0.3,
           scalable=False),
    Spread("後期高齢繰出金", 380 * M, 12, "他会計への繰出金", "他会計への繰出支出",
           _v(("0204", "後期高齢者医療特別会計 繰出金（{m}月分）")), FLAT12, day=25, sigma=0.3,
           scalable=False),
    Spread("下水道繰出金", 550 * M, 4, "他会計への繰出金", "他会計への繰出支出",
           _v(("0403", "下水道事業会計 繰出金（第{q}四半期）")), P_QUARTER, day=25, sigma=0.1,
           scalable=False),
    # ---- 歳入 -------------------------------------------------------------
    # 地方税 (6,370百万円): 現年課税分 Dr CF 税収等収入 / Cr NW 税収等
    Spread("個人市民税", 2_450 * M, 1200, "税収等収入", "税収等", _v(
        ("0103", "市民税（個人）現年課税分 特別徴収", 4), ("0103", "市民税（個人）現年課税分 普通徴収", 2),
        ("0103", "市民税（個人）現年課税分 口座振替"), ("0103", "市民税（個人）現年課税分 コンビニ収納"),
        ("0103", "市民税（個人）現年課税分 スマホ決済"),
    ), P_KOJIN, sigma=1.1),
    Spread("法人市民税", 520 * M, 300, "税収等収入", "税収等",
           _v(("0103", "市民税（法人）現年課税分")), P_HOJIN, sigma=1.4),
    Spread("固定資産税", 2_610 * M, 1500, "税収等収入", "税収等", _v(
        ("0103", "固定資産税 現年課税分 口座振替", 3), ("0103", "固定資産税 現年課税分 窓口収納", 2),
        ("0103", "固定資産税 現年課税分 コンビニ収納"), ("0103", "固定資産税 現年課税分 金融機関収納", 2),
    ), P_KOTEI, sigma=1.1),
    Spread("軽自動車税", 150 * M, 300, "税収等収入", "税収等", _v(
        ("0103", "軽自動車税（種別割）現年課税分", 3), ("0103", "軽自動車税（環境性能割）"),
    ), P_KEI, sigma=0.9),
    Spread("市たばこ税", 300 * M, 36, "税収等収入", "税収等", _v(
        ("0103", "市たばこ税（{m}月申告分）"),
    ), FLAT12, day=31, sigma=0.4, scalable=False),
    Spread("都市計画税", 260 * M, 1000, "税収等収入", "税収等", _v(
        ("0103", "都市計画税 現年課税分 口座振替", 3), ("0103", "都市計画税 現年課税分 窓口収納", 2),
        ("0103", "都市計画税 現年課税分 コンビニ収納"),
    ), P_KOTEI, sigma=1.1),
    # 滞納繰越分: collects last year's 未収金 -> Cr BS 未収金, not revenue
    Spread("滞納繰越分", 80 * M, 1200, "税収等収入", "未収金", _v(
        ("0103", "市民税（個人）滞納繰越分", 3), ("0103", "固定資産税 滞納繰越分", 3),
        ("0103", "軽自動車税 滞納繰越分"), ("0103", "都市計画税 滞納繰越分"),
    ), P_TAINO, sigma=1.2),
    # 使用料及び手数料 (340百万円)
    Spread("使用料", 260 * M, 2000, "使用料及び手数料収入", "使用料及び手数料", _v(
        ("0402", "市営住宅使用料 現年度分", 5), ("0503", "体育館使用料"), ("0503", "公民館使用料"),
        ("0401", "道路占用料"), ("0101", "行政財産使用料"), ("0402", "市営駐車場使用料"),
    ), P_FEES, sigma=0.8, compound=10, split="cr"),
    Spread("手数料", 80 * M, 1000, "使用料及び手数料収入", "使用料及び手数料", _v(
        ("0105", "戸籍・住民票等 証明手数料", 4), ("0301", "ごみ処理手数料（指定袋）", 3),
        ("0103", "税務証明手数料"), ("0105", "印鑑登録証明手数料"), ("0301", "粗大ごみ処理手数料"),
    ), P_FEES, sigma=0.9),
    # 分担金及び負担金 (100), 財産運用収入 (40), 寄附金 (100), 諸収入 (雑入 210, 受託 40, 延滞金 50)
    Spread("負担金", 100 * M, 600, "業務その他の収入", "経常収益その他", _v(
        ("0202", "保育所 保護者負担金", 3), ("0202", "放課後児童クラブ 利用者負担金"),
        ("0205", "老人ホーム入所者 負担金"),
    ), P_FEES, sigma=0.7),
    Spread("財産運用収入", 40 * M, 60, "業務その他の収入", "経常収益その他", _v(
        ("0101", "土地貸付収入", 2), ("0106", "基金運用利子"), ("0101", "自動販売機設置場所 貸付料"),
    ), FLAT12, sigma=1.0),
    Spread("寄附金", 100 * M, 1200, "業務その他の収入", "経常収益その他", _v(
        ("0104", "ふるさと応援寄附金", 8), ("0101", "一般寄附金"),
    ), P_FURUSATO, sigma=1.0),
    Spread("雑入", 210 * M, 400, "業務その他の収入", "経常収益その他", _v(
        ("0301", "資源物 売払代金", 2), ("0104", "広報紙 広告料収入"), ("0101", "コピー代 等 雑入"),
        ("0101", "市町村振興協会 交付金"), ("0203", "がん検診 自己負担金"), ("0101", "弁償金"),
    ), P_FEES, sigma=1.2),
    Spread("受託事業収入", 40 * M, 24, "業務その他の収入", "経常収益その他", _v(
        ("0203", "県 受託事業収入（健康相談）"), ("0302", "県 受託事業収入（農地調査）"),
    ), P_GRANT, sigma=0.6, scalable=False),
    Spread("延滞金", 50 * M, 300, "業務その他の収入", "経常収益その他",
           _v(("0103", "市税 延滞金")), P_TAINO, sigma=1.2),
    # 国県支出金 for current purposes: Dr CF 業務 国県等補助金収入 / Cr NW 国県等補助金
    Spread("国庫支出金", 2_960 * M, 150, "業務国県等補助金収入", "国県等補助金", _v(
        ("0201", "生活保護費 国庫負担金", 4), ("0201", "障害者自立支援給付費 国庫負担金", 3),
        ("0202", "児童手当 国庫負担金", 2), ("0202", "子どものための教育・保育給付費 国庫負担金", 2),
        ("0202", "児童扶養手当 国庫負担金"), ("0105", "個人番号カード交付事務費 国庫補助金"),
        ("0203", "感染症予防事業費 国庫負担金"), ("0204", "基礎年金等事務 委託金"),
        ("0104", "デジタル田園都市国家構想交付金"),
    ), P_GRANT, sigma=0.9, scalable=False),
    Spread("県支出金", 1_380 * M, 200, "業務国県等補助金収入", "国県等補助金", _v(
        ("0204", "国民健康保険基盤安定 県負担金", 2), ("0201", "障害者自立支援給付費 県負担金", 2),
        ("0202", "児童手当 県負担金"), ("0202", "子どものための教育・保育給付費 県負担金", 2),
        ("0103", "県民税徴収取扱費 交付金", 2), ("0101", "県議会議員選挙 委託金"),
        ("0203", "地域医療 県補助金"), ("0302", "農業振興 県補助金"),
    ), P_GRANT, sigma=0.9, scalable=False),
)


# --------------------------------------------------------------------------
# Structural vouchers (salaries, 公債費, works, grants, funds, 歳計外, year end)
# --------------------------------------------------------------------------

# 人件費 (3,200百万円)
_SAL_KYURYO = 1_280 * M
_SAL_TEATE = 430 * M
_BONUS_JUNE = 290 * M  # June of the demo's first year; later Junes: see _bonus_june
_BONUS_DEC = 300 * M
_RETIREMENT = 150 * M
_KYOSAI = 400 * M
_PART_TIME_PAY = 250 * M
_GIIN = 100 * M  # 議員報酬 84 + 期末手当 16
_NEXT_BONUS_PROVISION = 197_333_333  # 4/6 of next June's 期末勤勉手当 (2025: 296百万円)
_RETIREMENT_PROVISION = 145 * M

_INTEREST = 150 * M

_DEPRECIATION = (
    ("事業用建物累計", 1_302_400_000),
    ("事業用工作物累計", 158_700_000),
    ("インフラ建物累計", 31_200_000),
    ("インフラ工作物累計", 1_046_800_000),
    ("物品累計", 184_600_000),
)
_SOFTWARE_AMORTISATION = 61_500_000


def _bonus_june(fy: int) -> int:
    """The June 期末・勤勉手当 paid in ``fy``: 290百万円 in 2024, then 6百万円 more a year (the
    estimate each year end makes of next June's, :func:`next_june_bonus`)."""
    return _BONUS_JUNE + 6 * M * max(0, fy - 2024)


def next_june_bonus(fy: int) -> int:
    """The year end's estimate of next June's 期末・勤勉手当 (the basis of 賞与等引当金)."""
    return _bonus_june(fy + 1)


def _teate_weights() -> list[float]:
    # 時間外 is heavier at the start and the end of the year and in the election month
    return [1.15, 1.0, 0.95, 1.0, 0.95, 0.95, 1.05, 0.95, 0.95, 1.0, 1.0, 1.15]


@lru_cache(maxsize=1)
def _salary_table() -> list[list[tuple[str, int, int]]]:
    """Per month: (所属, 給料, 手当) of 一般職."""
    depts = list(_STAFF)
    wts = [_STAFF[d] for d in depts]
    kyuryo_m = _split(_SAL_KYURYO, [1] * 12)
    teate_m = _split(_SAL_TEATE, _teate_weights())
    out = []
    for m in range(12):
        k = _split(kyuryo_m[m], wts)
        t = _split(teate_m[m], wts)
        out.append([(d, k[i], t[i]) for i, d in enumerate(depts)])
    return out


@lru_cache(maxsize=1)
def _withholdings() -> list[tuple[int, int]]:
    """Per month: (源泉所得税, 住民税特別徴収) withheld from 一般職 salaries."""
    out = []
    for m in range(12):
        gross = sum(k + t for _, k, t in _salary_table()[m])
        out.append((gross * 4 // 100, 7_850_000))
    return out


class _Book:
    """Collects structural vouchers: (date, dept, memo, lines)."""

    def __init__(self, fy: int) -> None:
        self.fy = fy
        self.items: list[tuple[str, str, str, tuple]] = []

    def day(self, month: int, day: int, next_year: bool = False) -> str:
        return _bizday(self.fy, _mi(month, next_year), day)

    def add(self, date: str, dept: str, memo: str, lines: Iterable[tuple]) -> None:
        lines = tuple(lines)
        _csv_safe(memo)
        for dr, da, cr, ca in lines:
            if (dr is None) != (da is None) or (cr is None) != (ca is None):
                raise ValueError(f"{memo}: a side needs both an account and an amount")
            if (da is not None and da <= 0) or (ca is not None and ca <= 0):
                raise ValueError(f"{memo}: amounts must be positive: {lines}")
        self.items.append((date, dept, memo, lines))

    def simple(self, date: str, dept: str, memo: str, dr: str, cr: str, amount: int) -> None:
        self.add(date, dept, memo, ((A[dr], amount, A[cr], amount),))

    def compound(self, date: str, dept: str, memo: str, debits: Iterable[tuple[str, int]],
                 credits: Iterable[tuple[str, int]]) -> None:
        debits = [(k, a) for k, a in debits if a]
        credits = [(k, a) for k, a in credits if a]
        if sum(a for _, a in debits) != sum(a for _, a in credits):
            raise ValueError(f"{memo}: debits and credits differ")
        lines = [(A[k], a, None, None) for k, a in debits]
        lines += [(None, None, A[k], a) for k, a in credits]
        self.add(date, dept, memo, lines)


def _personnel(b: _Book, op: dict[str, int]) -> None:
    depts = list(_STAFF)
    wts = [_STAFF[d] for d in depts]
    wh = _withholdings()
    kyosai_m = _split(_KYOSAI, [1] * 12)
    pt_depts = list(_PART_TIME)
    pt_m = _split(_PART_TIME_PAY, [1] * 12)
    for m in range(12):
        mo = _month_label(m)
        date = _bizday(b.fy, m, 21)
        for dept, kyuryo, teate in _salary_table()[m]:
            b.compound(date, dept, f"{mo}月分給料・職員手当",
                       [("職員給与費", kyuryo), ("職員給与費", teate)], [("人件費支出", kyuryo + teate)])
        for dept, amt in zip(pt_depts, _split(pt_m[m], [_PART_TIME[d] for d in pt_depts]), strict=True):
            b.simple(date, dept, f"{mo}月分 会計年度任用職員報酬", "職員給与費", "人件費支出", amt)
        b.simple(date, "0901", f"{mo}月分 議員報酬", "人件費その他", "人件費支出", 7 * M)
        kdate = _bizday(b.fy, m, 28)
        for dept, amt in zip(depts, _split(kyosai_m[m], wts), strict=True):
            b.simple(kdate, dept, f"{mo}月分 共済費（事業主負担金）", "職員給与費", "人件費支出", amt)
        # 歳計外: withholdings received on pay day, paid on the 10th of the next month
        itax, rtax = wh[m]
        b.simple(date, "0106", f"{mo}月分給与 源泉所得税 預り", "歳計外増減", "預り金", itax)
        b.simple(date, "0106", f"{mo}月分給与 住民税特別徴収 預り", "歳計外増減", "預り金", rtax)
        prev_itax, prev_rtax = wh[m - 1] if m else wh[11]  # last March = this March
        pm = _month_label(m - 1) if m else 3
        pdate = _bizday(b.fy, m, 10)
        b.simple(pdate, "0106", f"{pm}月分給与 源泉所得税 納付", "預り金", "歳計外増減", prev_itax)
        b.simple(pdate, "0106", f"{pm}月分給与 住民税特別徴収 払込", "預り金", "歳計外増減", prev_rtax)
    # 期末・勤勉手当: June uses last year's 賞与等引当金
    june = _split(_bonus_june(b.fy), wts)
    prov = _split(op[A["賞与等引当金"]], wts)
    d_june = b.day(6, 30)
    for dept, amt, p in zip(depts, june, prov, strict=True):
        b.compound(d_june, dept, "6月期 期末・勤勉手当", [("賞与等引当金", p), ("職員給与費", amt - p)],
                   [("人件費支出", amt)])
    d_dec = b.day(12, 10)
    for dept, amt in zip(depts, _split(_BONUS_DEC, wts), strict=True):
        b.simple(d_dec, dept, "12月期 期末・勤勉手当", "職員給与費", "人件費支出", amt)
    for d, mo, amt in ((d_june, 6, _bonus_june(b.fy)), (d_dec, 12, _BONUS_DEC)):
        b.simple(d, "0106", f"{mo}月期 期末・勤勉手当 源泉所得税 預り", "歳計外増減", "預り金", amt * 6 // 100)
        b.simple(b.day(mo + 1 if mo < 12 else 1, 10), "0106", f"{mo}月期 期末・勤勉手当 源泉所得税 納付",
                 "預り金", "歳計外増減", amt * 6 // 100)
    b.simple(d_june, "0901", "6月期 議員期末手当", "人件費その他", "人件費支出", 8 * M)
    b.simple(d_dec, "0901", "12月期 議員期末手当", "人件費その他", "人件費支出", 8 * M)
    # 退職手当: paid against the 退職手当引当金
    april = _split(126 * M, [1.05, 1.0, 0.98, 1.02, 0.97, 1.01, 0.99])
    for i, amt in enumerate(april):
        b.simple(b.day(4, 19), "0101", f"退職手当（定年退職 {i + 1}）", "退職手当引当金", "人件費支出", amt)
    for (mo, day), amt in zip(((8, 30), (11, 29), (1, 31)), _split(24 * M, [1.2, 0.8, 1.0]), strict=True):
        b.simple(b.day(mo, day), "0101", "退職手当（普通退職）", "退職手当引当金", "人件費支出", amt)


_LOAN_PURPOSES = (
    "臨時財政対策債", "公共事業等債", "学校教育施設等整備事業債", "一般単独事業債",
    "緊急防災・減災事業債", "公共施設等適正管理推進事業債", "合併特例債", "辺地対策事業債",
)
_LENDERS = (("財政融資資金", 9, 1), ("地方公共団体金融機構", 9, 20), ("市中銀行（縁故債）", 9, 25))


# 地方債 borrowed for each year's budget (1,620百万円): ((month, day, in 出納整理期間), 事業, 借入先, amount)
NEW_LOANS = (
    ((3, 25, False), "臨時財政対策債", "財政融資資金", 300 * M),
    ((3, 25, False), "緊急防災・減災事業債", "地方公共団体金融機構", 150 * M),
    ((5, 20, True), "公共事業等債", "財政融資資金", 400 * M),
    ((5, 20, True), "学校教育施設等整備事業債", "財政融資資金", 520 * M),
    ((5, 26, True), "公共施設等適正管理推進事業債", "市中銀行（縁故債）", 250 * M),
)


def _debt(b: _Book, op: dict[str, int]) -> None:
    """公債費 per bond of the 地方債台帳 (:mod:`kokai.demo.city_bonds`): the year's principal is
    the 1年内償還予定地方債 at the start of the year, paid in two halves; then the year's
    borrowing."""
    from . import city_bonds

    for bond, pr, it in city_bonds.payments(b.fy, op[A["1年内償還予定地方債"]], _INTEREST):
        for mo, prh, ith in ((bond.pay_month, pr // 2, it // 2), (3, pr - pr // 2, it - it // 2)):
            debits = [("1年内償還予定地方債", prh), ("支払利息", ith)]
            lines = [(A[k], a, A[cf], a) for (k, a), cf in zip(debits, ("地方債償還支出", "支払利息支出"),
                                                               strict=True) if a]
            if lines:
                b.add(b.day(mo, bond.pay_day), "0102", bond.memo, lines)
    w = _wareki_fy(b.fy)
    for (mo, day, ny), purpose, lender, amt in NEW_LOANS:
        b.simple(b.day(mo, day, ny), "0102", f"{w} {purpose} 借入（{lender}）", "地方債発行収入", "地方債", amt)


# (所属, 工事・事業名, asset key, amount, payments ((month, day, in_next_year, share, label), ...))
_PRE, _DONE = "前払金", "完成払"
_WORKS = (
    ("0502", "第一小学校 大規模改修工事", "事業用建物", 420 * M,
     ((7, 10, False, 0.4, _PRE), (3, 27, False, 0.6, _DONE))),
    ("0502", "第一小学校 大規模改修工事 設計監理委託料", "事業用建物", 18 * M, ((3, 27, False, 1.0, ""),)),
    ("0502", "中学校体育館 空調設備設置工事", "事業用建物", 160 * M,
     ((8, 9, False, 0.4, _PRE), (2, 27, False, 0.6, _DONE))),
    ("0503", "中央公民館 改修工事", "事業用建物", 120 * M,
     ((9, 10, False, 0.4, _PRE), (4, 25, True, 0.6, _DONE))),
    ("0202", "北保育所 改修工事", "事業用建物", 80 * M,
     ((10, 10, False, 0.4, _PRE), (3, 14, False, 0.6, _DONE))),
    ("0101", "本庁舎 空調設備改修工事", "事業用建物", 102 * M,
     ((6, 14, False, 0.4, _PRE), (1, 31, False, 0.6, _DONE))),
    ("0401", "市道1-23号線 道路改良工事", "インフラ工作物", 300 * M,
     ((6, 28, False, 0.4, _PRE), (12, 20, False, 0.3, "部分払"), (5, 16, True, 0.3, _DONE))),
    ("0401", "市道舗装補修工事", "インフラ工作物", 250 * M,
     ((10, 25, False, 0.16, "（市道2-4号線）完成払"), (11, 29, False, 0.17, "（市道2-11号線）完成払"),
      (12, 20, False, 0.16, "（市道3-2号線）完成払"), (1, 31, False, 0.17, "（市道1-7号線）完成払"),
      (2, 28, False, 0.17, "（市道4-15号線）完成払"), (3, 21, False, 0.17, "（市道2-30号線）完成払"))),
    ("0401", "みどり橋 橋梁長寿命化修繕工事", "インフラ工作物", 180 * M,
     ((7, 31, False, 0.4, _PRE), (3, 21, False, 0.6, _DONE))),
    ("0401", "側溝整備工事", "インフラ工作物", 120 * M,
     ((9, 27, False, 0.25, "（東地区）完成払"), (11, 15, False, 0.25, "（西地区）完成払"),
      (1, 24, False, 0.25, "（南地区）完成払"), (3, 14, False, 0.25, "（北地区）完成払"))),
    ("0402", "中央公園 施設整備工事", "インフラ工作物", 100 * M,
     ((8, 30, False, 0.4, _PRE), (2, 28, False, 0.6, _DONE))),
    ("0401", "市道1-23号線 用地購入費・物件移転補償費", "インフラ土地", 150 * M,
     ((7, 19, False, 0.2, "（1件目）"), (8, 23, False, 0.2, "（2件目）"), (10, 18, False, 0.25, "（3件目）"),
      (12, 13, False, 0.2, "（4件目）"), (2, 14, False, 0.15, "（5件目）"))),
    ("0101", "公用車 購入", "物品", 14 * M, ((6, 28, False, 0.5, "（軽貨物車）"), (10, 31, False, 0.5, "（電気自動車）"))),
    ("0301", "ごみ収集車 購入", "物品", 24 * M, ((9, 20, False, 1.0, ""),)),
    ("0502", "学校ICT機器 購入", "物品", 60 * M,
     ((8, 23, False, 0.6, "（小学校）"), (1, 17, False, 0.4, "（中学校）"))),
    ("0503", "移動図書館車 購入", "物品", 18 * M, ((11, 22, False, 1.0, ""),)),
    ("0502", "給食室 回転釜 購入", "物品", 14 * M, ((7, 26, False, 1.0, ""),)),
    ("0104", "基幹業務システム標準化 対応改修委託料", "ソフトウェア", 70 * M,
     ((10, 31, False, 0.3, "（第1期）"), (1, 31, False, 0.3, "（第2期）"), (3, 28, False, 0.4, "（第3期）"))),
    ("0402", "都市計画道路3・4・5号線 整備工事", "インフラ建設仮勘定", 150 * M, ((2, 14, False, 1.0, _PRE),)),
    ("0501", "学校給食センター 基本設計委託料", "事業用建設仮勘定", 50 * M, ((3, 19, False, 1.0, ""),)),
)


# the second demo year's programme: another school, the library's air conditioning, a
# road and its land, a bridge, a park, vehicles and ICT, and the two 建設仮勘定 go on
_WORKS_2025 = (
    ("0502", "第二小学校 大規模改修工事", "事業用建物", 380 * M,
     ((7, 10, False, 0.4, _PRE), (3, 26, False, 0.6, _DONE))),
    ("0502", "第二小学校 大規模改修工事 設計監理委託料", "事業用建物", 16 * M, ((3, 26, False, 1.0, ""),)),
    ("0503", "市民図書館 空調設備改修工事", "事業用建物", 140 * M,
     ((8, 8, False, 0.4, _PRE), (2, 27, False, 0.6, _DONE))),
    ("0202", "南保育所 改修工事", "事業用建物", 90 * M,
     ((9, 10, False, 0.4, _PRE), (3, 13, False, 0.6, _DONE))),
    ("0101", "本庁舎 別館 外壁改修工事", "事業用建物", 96 * M,
     ((6, 13, False, 0.4, _PRE), (4, 24, True, 0.6, _DONE))),
    ("0401", "市道3-5号線 道路改良工事", "インフラ工作物", 280 * M,
     ((6, 27, False, 0.4, _PRE), (12, 19, False, 0.3, "部分払"), (3, 19, False, 0.3, _DONE))),
    ("0401", "市道舗装補修工事", "インフラ工作物", 240 * M,
     ((10, 24, False, 0.2, "（市道2-15号線）完成払"), (11, 28, False, 0.2, "（市道3-41号線）完成払"),
      (1, 30, False, 0.2, "（市道1-12号線）完成払"), (2, 27, False, 0.2, "（市道2-22号線）完成払"),
      (3, 19, False, 0.2, "（市道3-108号線）完成払"))),
    ("0401", "さくら橋 橋梁長寿命化修繕工事", "インフラ工作物", 170 * M,
     ((7, 31, False, 0.4, _PRE), (3, 19, False, 0.6, _DONE))),
    ("0401", "側溝整備工事", "インフラ工作物", 110 * M,
     ((9, 26, False, 0.25, "（東地区）完成払"), (11, 14, False, 0.25, "（西地区）完成払"),
      (1, 23, False, 0.25, "（南地区）完成払"), (3, 13, False, 0.25, "（北地区）完成払"))),
    ("0402", "運動公園 施設整備工事", "インフラ工作物", 95 * M,
     ((8, 29, False, 0.4, _PRE), (2, 27, False, 0.6, _DONE))),
    ("0401", "市道3-5号線 用地購入費・物件移転補償費", "インフラ土地", 120 * M,
     ((7, 18, False, 0.3, "（1件目）"), (9, 19, False, 0.3, "（2件目）"), (11, 21, False, 0.4, "（3件目）"))),
    ("0101", "公用車 購入", "物品", 15 * M, ((6, 27, False, 0.5, "（軽貨物車）"), (10, 30, False, 0.5, "（電気自動車）"))),
    ("0301", "ごみ収集車 購入", "物品", 25 * M, ((9, 19, False, 1.0, ""),)),
    ("0502", "学校ICT機器 購入", "物品", 40 * M,
     ((8, 22, False, 0.5, "（小学校）"), (1, 16, False, 0.5, "（中学校）"))),
    ("0502", "給食室 回転釜 購入", "物品", 15 * M, ((7, 25, False, 1.0, ""),)),
    ("0104", "基幹業務システム標準化 対応改修委託料", "ソフトウェア", 60 * M,
     ((10, 31, False, 0.5, "（第4期）"), (2, 27, False, 0.5, "（第5期）"))),
    ("0402", "都市計画道路3・4・5号線 整備工事", "インフラ建設仮勘定", 260 * M,
     ((10, 10, False, 0.5, "部分払"), (2, 13, False, 0.5, "部分払"))),
    ("0501", "学校給食センター 実施設計委託料", "事業用建設仮勘定", 70 * M, ((3, 18, False, 1.0, ""),)),
)
def works(fy: int) -> tuple:
    """The year's 普通建設事業 (city._WORKS rows); a year without its own programme repeats
    the first year's."""
    return _WORKS_2025 if fy == 2025 else _WORKS


def _construction(b: _Book) -> None:
    for dept, name, asset, total, pays in works(b.fy):
        for (mo, day, ny, _, label), amt in zip(pays, _split(total, [p[3] for p in pays]), strict=True):
            memo = f"{name} {label}" if label and not label.startswith("（") else name + label
            b.simple(b.day(mo, day, ny), dept, memo, asset, "公共施設等整備費支出", amt)
    # capital-purpose grants (国庫 340, 県 70)
    for (mo, day, ny), dept, memo, amt in (
        ((3, 28, False), "0401", "社会資本整備総合交付金（道路）", 150 * M),
        ((5, 23, True), "0401", "社会資本整備総合交付金（道路・公園）", 100 * M),
        ((4, 25, True), "0502", "学校施設環境改善交付金", 90 * M),
        ((3, 26, False), "0401", "県単道路整備事業 補助金", 40 * M),
        ((5, 16, True), "0401", "県単道路整備事業 補助金", 30 * M),
    ):
        b.simple(b.day(mo, day, ny), dept, memo, "投資国県等補助金収入", "国県等補助金", amt)
    # 財産売払収入: the year's land sale (2024: 旧職員住宅用地, book value 15百万円, gain 5百万円)
    from . import assets_city

    sale = assets_city.CHANGES.get(b.fy) and assets_city.CHANGES[b.fy].sale
    if sale:
        label, no, br, (mo, day), proceeds = sale
        book = assets_city.cost_of(no, br)
        b.add(b.day(mo, day), "0101", f"普通財産（{label}）売払収入",
              ((A["資産売却収入"], proceeds, A["事業用土地"], book),
               (None, None, A["資産売却益"], proceeds - book)))


# 基金 積立 and 取崩 (繰入金), the same every year: (date, memo (<基金名> 積立金|繰入金 …), BS line, amount)
FUND_DEPOSITS = (
    ((9, 27, False), "財政調整基金 積立金（前年度決算剰余金）", "財政調整基金", 200 * M),
    ((3, 24, False), "財政調整基金 積立金", "財政調整基金", 50 * M),
    ((3, 24, False), "減債基金 積立金", "減債基金流動", 100 * M),
    ((3, 24, False), "公共施設整備基金 積立金", "その他基金", 150 * M),
    ((12, 20, False), "ふるさと応援基金 積立金", "その他基金", 40 * M),
    ((3, 24, False), "ふるさと応援基金 積立金", "その他基金", 35 * M),
    ((5, 20, True), "ふるさと応援基金 積立金", "その他基金", 25 * M),
)
FUND_DRAWS = (
    ((3, 25, False), "減債基金 繰入金", "減債基金流動", 100 * M),
    ((5, 20, True), "財政調整基金 繰入金", "財政調整基金", 200 * M),
    ((5, 20, True), "公共施設整備基金 繰入金", "その他基金", 100 * M),
)
# 市税 at the year end: 現年課税分 left unpaid (未収金) and 滞納繰越分 written off (不納欠損)
NEW_RECEIVABLE = 158_400_000
WRITE_OFF = 24 * M


def _general_revenue(b: _Book) -> None:
    # 地方交付税 (4,800): 普通交付税 4 installments, 特別交付税 December and March
    for (mo, day), amt in zip(((4, 8), (6, 5), (9, 5), (11, 6)), _split(4_560 * M, [23, 23, 27, 27]),
                              strict=True):
        b.simple(b.day(mo, day), "0102", f"普通交付税（{mo}月交付分）", "税収等収入", "税収等", amt)
    b.simple(b.day(12, 10), "0102", "特別交付税（12月交付分）", "税収等収入", "税収等", 80 * M)
    b.simple(b.day(3, 21), "0102", "特別交付税（3月交付分）", "税収等収入", "税収等", 160 * M)
    # 地方譲与税・交付金 (1,010)
    items = (
        ("地方揮発油譲与税", 56 * M, ((6, 10), (9, 10), (11, 11), (3, 10))),
        ("自動車重量譲与税", 124 * M, ((6, 10), (9, 10), (11, 11), (3, 10))),
        ("森林環境譲与税", 20 * M, ((9, 10), (3, 10))),
        ("利子割交付金", 5 * M, ((8, 20), (12, 13), (3, 14))),
        ("配当割交付金", 30 * M, ((8, 20), (12, 13), (3, 14))),
        ("株式等譲渡所得割交付金", 30 * M, ((8, 20), (12, 13), (3, 14))),
        ("法人事業税交付金", 60 * M, ((8, 20), (12, 13), (3, 14))),
        ("地方消費税交付金", 620 * M, ((6, 10), (8, 30), (11, 29), (3, 10))),
        ("環境性能割交付金", 20 * M, ((9, 10), (3, 10))),
        ("地方特例交付金", 35 * M, ((6, 14), (11, 15))),
        ("交通安全対策特別交付金", 10 * M, ((9, 13), (3, 13))),
    )
    for name, total, dates in items:
        for (mo, day), amt in zip(dates, _split(total, [1.0 + 0.07 * (i % 3) for i in range(len(dates))]),
                                  strict=True):
            b.simple(b.day(mo, day), "0102", f"{name}（{mo}月交付分）", "税収等収入", "税収等", amt)
    # 基金: 積立 600, 取崩 400
    for (mo, day, ny), memo, fund, amt in FUND_DEPOSITS:
        b.simple(b.day(mo, day, ny), "0102", memo, fund, "基金積立金支出", amt)
    for (mo, day, ny), memo, fund, amt in FUND_DRAWS:
        b.simple(b.day(mo, day, ny), "0102", memo, "基金取崩収入", fund, amt)
    # 出資金 and 貸付金
    b.simple(b.day(3, 24), "0403", "下水道事業会計 出資金", "出資金", "投資及び出資金支出", 50 * M)
    b.simple(b.day(4, 1), "0303", "中小企業振興資金融資 預託金", "短期貸付金", "貸付金支出", 140 * M)
    b.simple(b.day(3, 31), "0303", "中小企業振興資金融資 預託金 元金収入", "貸付金元金回収収入", "短期貸付金",
             140 * M)
    b.simple(b.day(5, 15), "0501", "奨学金 貸付金（前期）", "長期貸付金", "貸付金支出", 5 * M)
    b.simple(b.day(10, 15), "0501", "奨学金 貸付金（後期）", "長期貸付金", "貸付金支出", 5 * M)
    for mo in (4, 10):
        b.simple(b.day(mo, 30), "0501", "奨学金 貸付金 元金収入", "貸付金元金回収収入", "短期貸付金", 5 * M)


# 歳計外: 契約保証金 (and the like): (received (m, d) or None for opening balance, refunded or None, amount, memo)
_DEPOSITS = (
    (None, (5, 17), 16_500_000, "契約保証金 還付（前年度 道路改良工事）"),
    (None, (6, 21), 13_200_000, "契約保証金 還付（前年度 庁舎改修工事）"),
    (None, (7, 12), 10_300_000, "入札保証金 還付"),
    ((6, 20), (3, 28), 42_000_000, "契約保証金（第一小学校 大規模改修工事）"),
    ((7, 25), (3, 10), 16_000_000, "契約保証金（中学校体育館 空調設備設置工事）"),
    ((6, 14), None, 30_000_000, "契約保証金（市道1-23号線 道路改良工事）"),
    ((8, 30), (3, 21), 10_000_000, "契約保証金（中央公園 施設整備工事）"),
    ((7, 22), (3, 27), 18_000_000, "契約保証金（みどり橋 橋梁長寿命化修繕工事）"),
    ((2, 7), None, 15_000_000, "契約保証金（都市計画道路3・4・5号線 整備工事）"),
)


_DEPOSITS_2025 = (
    (None, (5, 16), 30_000_000, "契約保証金 還付（市道1-23号線 道路改良工事）"),
    (None, (6, 20), 10_300_000, "入札保証金 還付"),
    ((6, 19), (3, 27), 38_000_000, "契約保証金（第二小学校 大規模改修工事）"),
    ((7, 24), (3, 9), 14_000_000, "契約保証金（市民図書館 空調設備改修工事）"),
    ((6, 13), (3, 26), 28_000_000, "契約保証金（市道3-5号線 道路改良工事）"),
    ((7, 23), (3, 26), 17_000_000, "契約保証金（さくら橋 橋梁長寿命化修繕工事）"),
    ((8, 29), (3, 19), 9_500_000, "契約保証金（運動公園 施設整備工事）"),
)


def _custodial(b: _Book) -> None:
    for recv, refund, amt, memo in _DEPOSITS_2025 if b.fy == 2025 else _DEPOSITS:
        if recv:
            b.simple(b.day(*recv), "0106", f"{memo} 受入", "歳計外増減", "預り金", amt)
        if refund:
            text = memo if recv is None else f"{memo} 還付"
            b.simple(b.day(*refund), "0106", text, "預り金", "歳計外増減", amt)


def _year_end(b: _Book, op: dict[str, int]) -> None:
    """The non-cash entries of the year end. The changes (異動) of the register are the first
    year's only (its two 建設仮勘定 completions, the demolished warehouse and the donated
    road land); a later year's are made in the register by the demo itself
    (:mod:`kokai.demo.run`). Provisions and receivables start from ``op``, the balance sheet
    at the start of the year."""
    fy = b.fy
    date = f"{fy + 1}-03-31"  # non-cash entries: always 3/31
    for key, amt in _DEPRECIATION:
        name = key.removesuffix("累計").replace("インフラ", "インフラ資産 ").replace("事業用", "事業用資産 ")
        b.simple(date, "0101", f"減価償却費（{name}）", "減価償却費", key, amt)
    b.simple(date, "0104", "減価償却費（ソフトウェア）", "減価償却費", "ソフトウェア", _SOFTWARE_AMORTISATION)
    if fy == FIRST_YEAR:
        b.simple(date, "0101", "建設仮勘定 本勘定振替（市民体育館 改修工事 完成）", "事業用建物", "事業用建設仮勘定",
                 _OPENING[A["事業用建設仮勘定"]])
        b.simple(date, "0401", "建設仮勘定 本勘定振替（市道2-8号線 道路改良工事 完成）", "インフラ工作物",
                 "インフラ建設仮勘定", _OPENING[A["インフラ建設仮勘定"]])
        b.compound(date, "0101", "旧第二倉庫 解体除却",
                   [("事業用建物累計", 78_500_000), ("資産除売却損", 1_500_000)], [("事業用建物", 80 * M)])
        b.simple(date, "0401", "開発行為に伴う道路用地 帰属（寄附受）", "インフラ土地", "無償所管換等", 12_345_000)
    b.simple(date, "0101", "賞与等引当金 繰入（翌年6月期 期末・勤勉手当）", "賞与等引当金繰入額", "賞与等引当金",
             next_june_bonus(fy) * 4 // 6)
    b.simple(date, "0101", "退職手当引当金 繰入", "退職手当引当金繰入額", "退職手当引当金", _RETIREMENT_PROVISION)
    from . import city_bonds

    due = sum(r.due_next for r in city_bonds.register(fy))
    b.simple(date, "0102", "地方債 1年内償還予定額 振替", "地方債", "1年内償還予定地方債", due)
    b.simple(date, "0501", "奨学金貸付金 1年内回収予定額 振替", "短期貸付金", "長期貸付金", 10 * M)
    # receivables: 現年 収入未済 -> 未収金; last year's remainder -> 長期延滞債権; 不納欠損; 引当金
    arrears_collected = next(s.total for s in _SPREADS if s.key == "滞納繰越分")
    moved = op[A["未収金"]] - arrears_collected
    new_receivable = NEW_RECEIVABLE
    write_off = WRITE_OFF
    b.simple(date, "0103", "市税 現年課税分 収入未済額（未収金計上）", "未収金", "税収等", new_receivable)
    b.simple(date, "0103", "市税 滞納繰越分 長期延滞債権へ振替", "長期延滞債権", "未収金", moved)
    b.simple(date, "0103", "市税 不納欠損", "徴収不能引当金固定", "長期延滞債権", write_off)
    long_end = op[A["長期延滞債権"]] + moved - write_off
    need_long = long_end * 15 // 100
    have_long = -op[A["徴収不能引当金固定"]] - write_off
    _provide(b, date, "徴収不能引当金 繰入（長期延滞債権）", "徴収不能引当金固定", need_long - have_long)
    need_short = new_receivable * 2 // 100
    _provide(b, date, "徴収不能引当金 繰入（未収金）", "徴収不能引当金流動", need_short + op[A["徴収不能引当金流動"]])


def _provide(b: _Book, date: str, memo: str, provision: str, amount: int) -> None:
    """徴収不能引当金 up by ``amount`` (繰入), or down (戻入) when it is negative; nothing when 0."""
    if amount > 0:
        b.simple(date, "0103", memo, "徴収不能引当金繰入額", provision, amount)
    elif amount < 0:
        b.simple(date, "0103", memo.replace("繰入", "戻入"), provision, "徴収不能引当金繰入額", -amount)


@lru_cache(maxsize=8)
def _structural(fy: int, opening: Opening = None) -> tuple[tuple[str, int, list[tuple[str, str, tuple]]], ...]:
    """The structural vouchers grouped by date: (date, 0, [(dept, memo, lines), ...])."""
    b = _Book(fy)
    op = dict(opening_rows(fy)) if opening is None else {**dict(opening_rows(fy)), **dict(opening)}
    _personnel(b, op)
    _debt(b, op)
    _construction(b)
    _general_revenue(b)
    _custodial(b)
    _year_end(b, op)
    by_date: dict[str, list[tuple[str, str, tuple]]] = {}
    for date, dept, memo, lines in b.items:
        by_date.setdefault(date, []).append((dept, memo, lines))
    return tuple((date, 0, by_date[date]) for date in sorted(by_date))


def _structural_rows(fy: int, opening: Opening = None) -> int:
    return sum(len(v[2]) for _, _, batch in _structural(fy, opening) for v in batch)


def _structural_vouchers(fy: int, opening: Opening = None) -> int:
    return sum(len(batch) for _, _, batch in _structural(fy, opening))


# --------------------------------------------------------------------------
# Bulk vouchers
# --------------------------------------------------------------------------


def _rows_per_voucher(s: Spread) -> float:
    return 1 + (2 / s.compound if s.compound else 0)


def _voucher_counts(fy: int, scale: int, target_rows: int | None, opening: Opening = None) -> list[int]:
    """Number of vouchers of each Spread."""
    base = [s.n for s in _SPREADS]
    if target_rows is None:
        return [min(n * scale if s.scalable else n, s.max_vouchers())
                for s, n in zip(_SPREADS, base, strict=True)]
    per = [_rows_per_voucher(s) for s in _SPREADS]
    static = _structural_rows(fy, opening) + sum(
        n * p for s, n, p in zip(_SPREADS, base, per, strict=True) if not s.scalable)
    want = max(target_rows - static, 0)
    factor = want / sum(n * p for s, n, p in zip(_SPREADS, base, per, strict=True) if s.scalable)
    counts = base
    for _ in range(8):  # categories at their cap leave their share to the others
        counts = [n if not s.scalable else max(1, min(round(n * factor), s.max_vouchers()))
                  for s, n in zip(_SPREADS, base, strict=True)]
        got = sum(c * p for s, c, p in zip(_SPREADS, counts, per, strict=True) if s.scalable)
        free = sum(c * p for s, c, p in zip(_SPREADS, counts, per, strict=True)
                   if s.scalable and c < s.max_vouchers())
        if free <= 0 or abs(got - want) <= 0.0005 * max(want, 1):
            break
        factor *= 1 + (want - got) / free
    return counts


def estimate_rows(fiscal_year: int = 2024, *, scale: int = 1, target_rows: int | None = None) -> int:
    """The number of CSV data rows journal_rows() emits for these arguments (without generating them)."""
    total = _structural_rows(fiscal_year)
    for s, n in zip(_SPREADS, _voucher_counts(fiscal_year, scale, target_rows), strict=True):
        total += n + (2 * (n // s.compound) if s.compound else 0)
    return total


def _spread_batches(order: int, s: Spread, n: int, fy: int, seed: int) -> Iterator[tuple]:
    """Vouchers of one Spread, one batch per date: (date, order, [(dept, memo, lines), ...])."""
    rnd = random.Random(f"{seed}/{s.key}")
    raw = [rnd.lognormvariate(0.0, s.sigma) for _ in range(_POOL)]
    mean = sum(raw) / _POOL
    pool = [max(50, min(50_000, round(1000 * x / mean))) for x in raw]
    vtab = rnd.choices(range(len(s.variants)), weights=[v[2] for v in s.variants], k=_VTAB)
    ratios = [rnd.randint(25, 75) for _ in range(_VTAB)]
    total_w = (n // _POOL) * sum(pool) + sum(pool[: n % _POOL])
    if s.total * 50 <= total_w:
        raise ValueError(f"{s.key}: too many vouchers for its total")
    per_month = _split(n, s.profile)
    cal = _calendar(fy)
    depts = [v[0] for v in s.variants]
    memos = [[_csv_safe(tmpl.format(m=_month_label(min(m, 11)), q=m // 3 + 1)) for m in range(_N_MONTHS)]
             for _, tmpl, _ in s.variants]
    T = s.total
    dr, cr = A[s.dr], A[s.cr]
    k = s.compound or -1  # -1: j % k == k - 1 never holds
    split_cr = s.split == "cr"
    cum = prev = j = 0
    for m in range(_N_MONTHS):
        nm = per_month[m]
        if not nm:
            continue
        if s.day:
            slots = [(_bizday(fy, m, s.day), nm)]
        else:
            days = cal[m]
            nd = len(days)
            # voucher i of the month falls on day i * nd // nm
            slots = [(days[d], -(-(d + 1) * nm // nd) - -(-d * nm // nd)) for d in range(nd)]
        for date, cnt in slots:
            if not cnt:
                continue
            batch = []
            append = batch.append
            for _ in range(cnt):
                cum += pool[j % _POOL]
                cur = T * cum // total_w
                amt = cur - prev
                prev = cur
                v = vtab[j % _VTAB]
                if j % k == k - 1 and amt >= 2:
                    a = amt * ratios[j % _VTAB] // 100 or 1
                    if split_cr:
                        lines = ((dr, amt, None, None), (None, None, cr, a), (None, None, cr, amt - a))
                    else:
                        lines = ((dr, a, None, None), (dr, amt - a, None, None), (None, None, cr, amt))
                else:
                    lines = ((dr, amt, cr, amt),)
                append((depts[v], memos[v][m], lines))
                j += 1
            yield (date, order, batch)


def _batches(fy: int, scale: int, target_rows: int | None, seed: int,
             opening: Opening = None) -> tuple[int, Iterator[tuple]]:
    """The year's vouchers as batches by date; ``opening`` (the balance sheet at the start of
    the year as (path, amount) pairs, None for :func:`opening_rows`) sets what the year carries
    over: the bonds repaid, the provision the June bonus uses, the receivables."""
    counts = _voucher_counts(fy, scale, target_rows, opening)
    n_vouchers = _structural_vouchers(fy, opening) + sum(counts)
    streams = [iter(_structural(fy, opening))]
    streams += [_spread_batches(i + 1, s, n, fy, seed)
                for i, (s, n) in enumerate(zip(_SPREADS, counts, strict=True)) if n]
    # (date, order) is unique per batch, so the merge never compares the batches themselves
    return n_vouchers, heapq.merge(*streams)


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def journal_rows(fiscal_year: int = 2024, *, scale: int = 1, target_rows: int | None = None,
                 seed: int = 2024) -> Iterator[tuple]:
    """The year's journals as rows matching JOURNAL_HEADER, in date order.

    Amounts are ints; an empty side is (None, None).  ``scale`` multiplies the number
    of bulk vouchers; ``target_rows`` (which overrides ``scale``) sizes them so that
    about that many rows are emitted.  The totals do not change with either.
    Deterministic for the same arguments; streams with bounded memory.
    """
    if scale < 1:
        raise ValueError("scale must be >= 1")
    fy = int(fiscal_year)
    n_vouchers, batches = _batches(fy, scale, target_rows, seed)
    width = max(6, len(str(n_vouchers)))
    prefix = f"J{fy}-"
    unit = ACCOUNTING_UNIT
    no = 0
    for date, _order, batch in batches:
        for dept, memo, lines in batch:
            no += 1
            vno = f"{prefix}{no:0{width}d}"
            for dr, da, cr, ca in lines:
                yield (vno, date, fy, unit, dept, dr, da, cr, ca, memo)


_CSV_SPECIAL = (",", '"', "\r", "\n")


def _csv_safe(text: str) -> str:
    """Memos and paths must not need CSV quoting (the fast writer relies on it)."""
    if any(c in text for c in _CSV_SPECIAL):
        raise ValueError(f"text needs CSV quoting: {text!r}")
    return text


def _csv_lines(fy: int, scale: int, target_rows: int | None, seed: int) -> Iterator[list[str]]:
    """The rows of journal_rows() already rendered as CSV lines, one chunk per batch.

    No field needs quoting: paths and memos are checked when they are built.
    """
    n_vouchers, batches = _batches(fy, scale, target_rows, seed)
    numfmt = f"J{fy}-%0{max(6, len(str(n_vouchers)))}d"
    const = f",{fy},{_csv_safe(ACCOUNTING_UNIT)},"
    no = 0
    for date, _order, batch in batches:
        out: list[str] = []
        append = out.append
        dc = f",{date}{const}"
        for dept, memo, lines in batch:
            no += 1
            head = f"{numfmt % no}{dc}{dept},"
            if len(lines) == 1:
                dr, da, cr, ca = lines[0]
                append(f"{head}{dr},{da},{cr},{ca},{memo}\n")
                continue
            for dr, da, cr, ca in lines:
                if da is None:
                    append(f"{head},,{cr},{ca},{memo}\n")
                elif ca is None:
                    append(f"{head}{dr},{da},,,{memo}\n")
                else:
                    append(f"{head}{dr},{da},{cr},{ca},{memo}\n")
        yield out


def write_opening_csv(path, fiscal_year: int = 2024) -> None:
    """Write the opening balance sheet as CSV (header ``path,amount``, UTF-8)."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("path", "amount"))
        w.writerows(opening_rows(fiscal_year))


def write_journals_csv(path, fiscal_year: int = 2024, *, scale: int = 1, target_rows: int | None = None,
                       encoding: str = "utf-8") -> int:
    """Write JOURNAL_HEADER and the rows of journal_rows(); returns the number of data rows.

    Same content as csv.writer would produce (LF line ends, minimal quoting), rendered
    directly for speed.  ``encoding`` may be e.g. "cp932" or "utf-8-sig".
    """
    if scale < 1:
        raise ValueError("scale must be >= 1")
    n = 0
    with open(path, "w", encoding=encoding, newline="", buffering=1 << 20) as fh:
        fh.write(",".join(JOURNAL_HEADER) + "\n")
        for chunk in _csv_lines(int(fiscal_year), scale, target_rows, 2024):
            fh.write("".join(chunk))
            n += len(chunk)
    return n


if __name__ == "__main__":  # pragma: no cover
    import sys

    out = sys.argv[1] if len(sys.argv) > 1 else "demo_journals.csv"
    print(write_journals_csv(out), "rows written to", out)
