"""Fixed assets (固定資産) as Django-free values: classes, kinds, accounts, settings, lives.

This is the kernel the 固定資産台帳 (``kokai.assets``) builds on; the yearly depreciation
itself is in :mod:`kokai.core.depreciation`. Facts: ``shared/domain/assets.md`` §3–9, 15.

Classes and kinds
-----------------
An asset has a class (:class:`AssetClass`: 事業用資産 / インフラ資産 / 物品 / 無形固定資産)
and a kind (:class:`AssetKind`: 土地, 立木竹, 建物, 工作物, 船舶, 浮標等, 航空機, その他,
建設仮勘定, ソフトウェア, 無形その他). Together they name one BS line of the standard chart
(:func:`account_for`), e.g. (インフラ資産, 工作物) → ``BS/固定資産/有形固定資産/インフラ資産/工作物``
with its contra line ``…/工作物減価償却累計額``. Intangibles have no 累計額 line (direct
method: depreciation credits the asset itself), nor do 土地, 立木竹 and 建設仮勘定.
Allowed pairs (統一的な基準 様式第1号):

- 事業用資産: 土地, 立木竹, 建物, 工作物, 船舶, 浮標等, 航空機, その他, 建設仮勘定
- インフラ資産: 土地, 建物, 工作物, その他, 建設仮勘定
- 物品: その他 (one BS line, 物品, with 物品減価償却累計額; 美術品 are 物品 flagged ``is_art``)
- 無形固定資産: ソフトウェア, 無形その他 (``その他`` is accepted as an alias here)

Class codes match the ``Asset.CLASSES`` choices of ``kokai.assets.models`` (business,
infrastructure, movable, intangible); kinds are stored by their Japanese name.

Not depreciated (:func:`depreciable`): 土地, 立木竹, 建設仮勘定 and 美術品 (assets.md §6;
建設仮勘定 and 美術品 are [U] there, the usual practice).

The useful-life master (``data/useful_lives.csv``)
--------------------------------------------------
One CSV, UTF-8, editable; columns:

``table``
    ``償却率`` for a row of the straight-line rate table, ``耐用年数`` for a row of the
    category table.
``years``
    the useful life (integer years).
``rate``
    ``償却率`` rows only: the statutory 定額法 rate with exactly three decimals (0.167).
``category``, ``structure``, ``use``
    ``耐用年数`` rows only: 種類 (建物, 構築物, インフラ, 車両, 器具備品, 無形), 構造 and 用途,
    e.g. 建物 / 鉄骨鉄筋コンクリート造・鉄筋コンクリート造 / 学校 → 47.
``confidence``
    the primer's tags: S (checked against a cited source), S-2nd, U-H / U-M / U-L, U.
``source``
    where the figure comes from, in words.

The rate table is 別表第八 of the 耐用年数省令 (平成19年4月1日以後に取得をされた減価償却資産の
定額法の償却率表): the rate is 1 ÷ life rounded **up** to three decimals (6 → 0.167,
3 → 0.334, 9 → 0.112), so 3,600 × 0.167 = 601, not 600 (手引き ¶42–45, assets.md §6).
Lives 2–74 were checked against a published copy of the 省令; 75–100 follow the same rule
and are tagged U-H. Every ``耐用年数`` row's life must have a rate row. Rates are held as
integer thousandths internally (0.167 → 167) so that all arithmetic stays in integers.

Settings
--------
:class:`Settings` holds the 団体's choices, each with a documented default (thresholds
from 都留市・矢板市・安中市, assets.md §4; the start-year convention is unconfirmed in the
sources, assets.md §6, so it is a setting and the notes print the one in force).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path

from .chart import Chart, standard_chart

TANGIBLE_ROOT = "BS/固定資産/有形固定資産"
INTANGIBLE_ROOT = "BS/固定資産/無形固定資産"
CONTRA_SUFFIX = "減価償却累計額"
DEPRECIATION_EXPENSE = "PL/経常費用/業務費用/物件費等/減価償却費"


class AssetError(ValueError):
    """Bad asset data; the message is Japanese and says what to fix."""


class AssetClass(StrEnum):
    """資産区分. Values are the codes used in the database; ``label`` is the BS group."""

    BUSINESS = "business"
    INFRASTRUCTURE = "infrastructure"
    MOVABLE = "movable"
    INTANGIBLE = "intangible"

    @property
    def label(self) -> str:
        return _CLASS_LABELS[self]

    @property
    def tangible(self) -> bool:
        return self is not AssetClass.INTANGIBLE

    @classmethod
    def parse(cls, text: str | AssetClass) -> AssetClass:
        """A class from its code (``business``) or its label (事業用資産)."""
        if isinstance(text, AssetClass):
            return text
        key = str(text).strip()
        found = _CLASS_BY_TEXT.get(key)
        if found is None:
            raise AssetError(
                f"資産区分「{text}」は使えません。{'・'.join(c.label for c in cls)}のいずれかを指定してください"
            )
        return found


_CLASS_LABELS = {
    AssetClass.BUSINESS: "事業用資産",
    AssetClass.INFRASTRUCTURE: "インフラ資産",
    AssetClass.MOVABLE: "物品",
    AssetClass.INTANGIBLE: "無形固定資産",
}
_CLASS_BY_TEXT = {**{c.value: c for c in AssetClass}, **{v: k for k, v in _CLASS_LABELS.items()}}


class AssetKind(StrEnum):
    """種目: the BS line within a class. Values are the Japanese names."""

    LAND = "土地"
    STANDING_TIMBER = "立木竹"
    BUILDING = "建物"
    STRUCTURE = "工作物"
    VESSEL = "船舶"
    BUOY = "浮標等"
    AIRCRAFT = "航空機"
    OTHER = "その他"
    CONSTRUCTION_IN_PROGRESS = "建設仮勘定"
    SOFTWARE = "ソフトウェア"
    INTANGIBLE_OTHER = "無形その他"

    @classmethod
    def parse(cls, text: str | AssetKind) -> AssetKind:
        if isinstance(text, AssetKind):
            return text
        try:
            return cls(str(text).strip())
        except ValueError:
            names = "・".join(k.value for k in cls)
            raise AssetError(f"種目「{text}」は使えません。{names}のいずれかを指定してください") from None


NON_DEPRECIABLE_KINDS = frozenset(
    {AssetKind.LAND, AssetKind.STANDING_TIMBER, AssetKind.CONSTRUCTION_IN_PROGRESS}
)

ALLOWED_KINDS: dict[AssetClass, tuple[AssetKind, ...]] = {
    AssetClass.BUSINESS: (
        AssetKind.LAND, AssetKind.STANDING_TIMBER, AssetKind.BUILDING, AssetKind.STRUCTURE,
        AssetKind.VESSEL, AssetKind.BUOY, AssetKind.AIRCRAFT, AssetKind.OTHER,
        AssetKind.CONSTRUCTION_IN_PROGRESS,
    ),
    AssetClass.INFRASTRUCTURE: (
        AssetKind.LAND, AssetKind.BUILDING, AssetKind.STRUCTURE, AssetKind.OTHER,
        AssetKind.CONSTRUCTION_IN_PROGRESS,
    ),
    AssetClass.MOVABLE: (AssetKind.OTHER,),
    AssetClass.INTANGIBLE: (AssetKind.SOFTWARE, AssetKind.INTANGIBLE_OTHER),
}


class OwnershipStatus(StrEnum):
    """所有区分 (codes as in ``Asset.OWNERSHIP``)."""

    OWNED = "owned"  # 所有
    LEASED = "leased"  # リース（ファイナンス・リースで計上するもの）
    NOT_OWNED = "not_owned"  # 所有外（管理のみ）: assets.md §15

    @property
    def label(self) -> str:
        return {"owned": "所有", "leased": "リース", "not_owned": "所有外（管理のみ）"}[self.value]


@dataclass(frozen=True, slots=True)
class Ownership:
    """Who owns an asset. A 所有外 asset (managed, not owned) names its legal owner (国,
    another 団体 …) and, optionally, the legal basis of the management (道路法 指定区間外 …)."""

    status: OwnershipStatus = OwnershipStatus.OWNED
    legal_owner: str = ""
    basis: str = ""  # 管理根拠

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", OwnershipStatus(self.status))
        if self.status is OwnershipStatus.NOT_OWNED and not self.legal_owner.strip():
            raise AssetError("所有外の資産には所有者（国・他団体など）を入力してください")
        if self.status is not OwnershipStatus.NOT_OWNED and self.legal_owner.strip():
            raise AssetError("所有者の欄は所有外の資産のときだけ入力します")


class ValuationBasis(StrEnum):
    """評価方法 (codes as in ``Asset.VALUATION``; assets.md §5)."""

    ACQUISITION_COST = "cost"  # 取得原価
    REPLACEMENT_COST = "replacement"  # 再調達原価（無償取得、昭和59年度以前の開始残高）
    MEMO_VALUE = "memo"  # 備忘価額（道路・河川の底地 1円 など）

    @property
    def label(self) -> str:
        return {"cost": "取得原価", "replacement": "再調達原価", "memo": "備忘価額"}[self.value]


class StartConvention(StrEnum):
    """When depreciation starts (初年度の扱い). Unconfirmed in the sources (assets.md §6)."""

    NEXT_YEAR = "next_year"  # 供用開始の翌年度から、1年分（既定）
    MONTHLY = "monthly"  # 供用開始の年度から、月割り（供用月を含む月数 ÷ 12、端数切捨て）
    SAME_YEAR = "same_year"  # 供用開始の年度から、1年分

    @property
    def label(self) -> str:
        return {
            "next_year": "供用開始の翌年度から償却",
            "monthly": "供用開始の年度から月割りで償却",
            "same_year": "供用開始の年度から1年分を償却",
        }[self.value]


class Rounding(StrEnum):
    """How a yen fraction of the yearly charge is treated (sources silent, assets.md §6)."""

    FLOOR = "floor"  # 切捨て（既定）
    HALF_UP = "half_up"  # 四捨五入
    CEIL = "ceil"  # 切上げ


@dataclass(frozen=True, slots=True)
class Settings:
    """A 団体's asset-accounting choices. Defaults:

    - ``movable_threshold`` 500,000 yen: 物品 are capitalised from 50万円 (都留市, 矢板市,
      安中市; 鹿児島市 and 下松市 use 1,000,000).
    - ``art_threshold`` 3,000,000 yen: 美術品 from 300万円.
    - ``software_threshold`` 500,000 yen: ソフトウェア from 50万円 (都留市).
    - ``lease_min_months`` 12 and ``lease_min_total`` 3,000,000: a finance lease is
      capitalised when its term is **more than** 12 months and its total payments **more
      than** 300万円.
    - ``convention`` ``next_year``: depreciation starts in the fiscal year after the one
      the asset entered service in (thought to be the 統一的な基準 rule, [U-L]); ``monthly``
      charges the months in service in the first year (the month of entry counts whole)
      ÷ 12; ``same_year`` charges a full year in the year of entry.
    - ``rounding`` ``floor``: fractions of a yen dropped (3,600 × 0.167 = 601.2 → 601).
    - ``memo_value_tangible`` 1 yen, ``memo_value_intangible`` 0: the book value a
      fully depreciated asset keeps (財務書類作成要領 ¶56).
    """

    movable_threshold: int = 500_000
    art_threshold: int = 3_000_000
    software_threshold: int = 500_000
    lease_min_months: int = 12
    lease_min_total: int = 3_000_000
    convention: StartConvention = StartConvention.NEXT_YEAR
    rounding: Rounding = Rounding.FLOOR
    memo_value_tangible: int = 1
    memo_value_intangible: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "convention", StartConvention(self.convention))
        object.__setattr__(self, "rounding", Rounding(self.rounding))
        for name in ("movable_threshold", "art_threshold", "software_threshold", "lease_min_total",
                     "lease_min_months", "memo_value_tangible", "memo_value_intangible"):
            if getattr(self, name) < 0:
                raise AssetError(f"設定「{name}」に負の値は使えません")

    def memo_value(self, asset_class: AssetClass | str) -> int:
        return self.memo_value_tangible if AssetClass.parse(asset_class).tangible else self.memo_value_intangible

    def capitalised(self, cost: int, asset_class: AssetClass | str, *, is_art: bool = False) -> bool:
        """Whether an acquisition of ``cost`` yen is recorded as a fixed asset: 物品 from
        the 物品 threshold (美術品 from the art threshold), ソフトウェア and other
        intangibles from the software threshold; 事業用・インフラ資産 always."""
        cls = AssetClass.parse(asset_class)
        if cls is AssetClass.MOVABLE:
            return cost >= (self.art_threshold if is_art else self.movable_threshold)
        if cls is AssetClass.INTANGIBLE:
            return cost >= self.software_threshold
        return True

    def lease_capitalised(self, term_months: int, total_payments: int) -> bool:
        """A finance lease is recorded as an asset when term > 1 year and total > 300万円."""
        return term_months > self.lease_min_months and total_payments > self.lease_min_total


# ------------------------------------------------------------------------------ accounts

def account_for(
    asset_class: AssetClass | str, kind: AssetKind | str, chart: Chart | None = None
) -> tuple[str, str | None]:
    """(asset account path, accumulated-depreciation path or None) for a class and kind.

    >>> account_for("インフラ資産", "工作物")
    ('BS/固定資産/有形固定資産/インフラ資産/工作物', 'BS/固定資産/有形固定資産/インフラ資産/工作物減価償却累計額')
    >>> account_for("無形固定資産", "ソフトウェア")
    ('BS/固定資産/無形固定資産/ソフトウェア', None)
    """
    chart = chart or standard_chart()
    cls = AssetClass.parse(asset_class)
    k = AssetKind.parse(kind)
    if cls is AssetClass.INTANGIBLE and k is AssetKind.OTHER:
        k = AssetKind.INTANGIBLE_OTHER
    if k not in ALLOWED_KINDS[cls]:
        allowed = "・".join(x.value for x in ALLOWED_KINDS[cls])
        raise AssetError(f"{cls.label}に種目「{k.value}」はありません。使える種目: {allowed}")
    if cls is AssetClass.MOVABLE:
        path = f"{TANGIBLE_ROOT}/物品"
    elif cls is AssetClass.INTANGIBLE:
        path = f"{INTANGIBLE_ROOT}/{'その他' if k is AssetKind.INTANGIBLE_OTHER else k.value}"
    else:
        path = f"{TANGIBLE_ROOT}/{cls.label}/{k.value}"
    return path, contra_for(path, chart)


def contra_for(path: str, chart: Chart | None = None) -> str | None:
    """The 減価償却累計額 line of an asset line, or None if the chart has none for it."""
    chart = chart or standard_chart()
    line = chart.resolve(path)
    if line.statement != "BS" or not line.postable or line.contra:
        raise AssetError(f"「{path}」は固定資産の勘定科目ではありません")
    contra = f"{line.qualified_path}{CONTRA_SUFFIX}"
    try:
        chart.resolve(contra)
    except ValueError:
        return None
    return contra


def asset_accounts(chart: Chart | None = None) -> dict[str, str | None]:
    """Every asset line a class and kind can name → its 累計額 line (None: direct method
    or not depreciated)."""
    chart = chart or standard_chart()
    out: dict[str, str | None] = {}
    for cls, kinds in ALLOWED_KINDS.items():
        for k in kinds:
            path, contra = account_for(cls, k, chart)
            out[path] = contra
    return out


def depreciable(kind: AssetKind | str, asset_class: AssetClass | str, is_art: bool = False) -> bool:
    """Whether an asset is depreciated at all: not 土地, 立木竹, 建設仮勘定 or 美術品."""
    AssetClass.parse(asset_class)
    return AssetKind.parse(kind) not in NON_DEPRECIABLE_KINDS and not is_art


# ------------------------------------------------------------------------- useful lives

@dataclass(frozen=True, slots=True)
class UsefulLife:
    """A row of the category table: structure and use → years."""

    category: str
    structure: str
    use: str
    years: int
    confidence: str
    source: str


@dataclass(frozen=True)
class UsefulLifeMaster:
    """The useful-life master: the 定額法 rate per life (in thousandths) and the categories."""

    rates: dict[int, int]  # years → rate × 1000 (6 → 167)
    categories: tuple[UsefulLife, ...]

    def rate(self, years: int) -> Decimal:
        """The statutory straight-line rate for a life, e.g. 6 → Decimal('0.167')."""
        return Decimal(self.per_mille(years)).scaleb(-3)

    def per_mille(self, years: int) -> int:
        try:
            return self.rates[int(years)]
        except (KeyError, TypeError, ValueError):
            lo, hi = min(self.rates), max(self.rates)
            raise AssetError(f"耐用年数 {years} 年の償却率は耐用年数表にありません（{lo}〜{hi}年）") from None

    def find(self, text: str) -> list[UsefulLife]:
        """Categories whose structure or use contains ``text`` (学校, 舗装, ソフトウェア …)."""
        return [c for c in self.categories if text in c.category or text in c.structure or text in c.use]


def load_useful_lives(rows: Iterable[dict[str, str]]) -> UsefulLifeMaster:
    """A master from CSV rows (see the module docstring); Japanese errors name the line."""
    rates: dict[int, int] = {}
    cats: list[UsefulLife] = []
    for n, r in enumerate(rows, start=2):
        table = (r.get("table") or "").strip()
        try:
            years = int((r.get("years") or "").strip())
        except ValueError:
            raise AssetError(f"耐用年数表 {n}行目: 耐用年数「{r.get('years')}」は整数ではありません") from None
        if years < 1:
            raise AssetError(f"耐用年数表 {n}行目: 耐用年数は1年以上です")
        if table == "償却率":
            text = (r.get("rate") or "").strip()
            try:
                rate = Decimal(text)
            except ArithmeticError:
                rate = Decimal(-1)
            if not (Decimal(0) < rate <= 1) or rate.as_tuple().exponent < -3:
                raise AssetError(f"耐用年数表 {n}行目: 償却率「{text}」は0より大きく1以下、小数点以下3桁までです")
            if years in rates:
                raise AssetError(f"耐用年数表 {n}行目: 耐用年数 {years} 年の償却率が重複しています")
            rates[years] = int(rate * 1000)
        elif table == "耐用年数":
            cats.append(UsefulLife(
                category=r.get("category") or "", structure=r.get("structure") or "",
                use=r.get("use") or "", years=years, confidence=r.get("confidence") or "",
                source=r.get("source") or "",
            ))
        else:
            raise AssetError(f"耐用年数表 {n}行目: 区分「{table}」は「償却率」か「耐用年数」です")
    for c in cats:
        if c.years not in rates:
            raise AssetError(f"耐用年数表: {c.structure}{c.use} の {c.years} 年に償却率の行がありません")
    return UsefulLifeMaster(rates, tuple(cats))


def read_useful_lives(path: Path) -> UsefulLifeMaster:
    """A 団体's edited copy of the master."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        return load_useful_lives(csv.DictReader(f))


@cache
def standard_useful_lives() -> UsefulLifeMaster:
    """The master shipped with Kokai (``data/useful_lives.csv``)."""
    text = resources.files("kokai.core").joinpath("data/useful_lives.csv").read_text(encoding="utf-8")
    return load_useful_lives(csv.DictReader(text.splitlines()))


def useful_life_rate(years: int, master: UsefulLifeMaster | None = None) -> Decimal:
    """The statutory 定額法 rate for a useful life: 6 → 0.167, 47 → 0.022."""
    return (master or standard_useful_lives()).rate(years)
