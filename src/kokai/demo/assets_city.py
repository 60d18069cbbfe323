"""デモ市's 固定資産台帳 (fixed-asset register) as of the start of the demo year.

A plausible register for a city of about 50,000 people, in the standard register CSV layout
of :mod:`kokai.assets.services` (``import_register``): schools (校舎, 屋内運動場, their 附属設備
as branch numbers, pools), the city hall, community centres, nursery schools, municipal
housing, fire-brigade stations; roads as インフラ 工作物 in segments (one branch number per
construction stage) on 1-yen road-land parcels (備忘価額), bridges, a tunnel, drainage
channels, parks with their toilets and play equipment; land parcels (事業用 and インフラ);
vehicles, ICT equipment and works of art (物品); software and a facility-use right (無形).
Sewers are not here: デモ市's 公共下水道 is the 下水道事業会計 (a 公営企業, outside 一般会計等;
the demo's 出資金 goes to it).

The register ties to the demo's opening balance sheet (:func:`kokai.demo.city.opening_rows`)
**exactly**: per BS line, Σ 取得価額 equals the asset line and Σ 減価償却累計額 its 累計額 line
(intangibles: Σ (取得価額 − 累計額) equals the net line). Each line's amount is split over its
assets by weight (cumulative floor, so the total is exact); each asset's accumulated
depreciation is what 定額法 at the statutory rate gives for the years since it entered
service (first charge the year after, the default convention), and the line's small
remainder against the balance sheet is spread over the assets with room (the opening
values were partly estimates: 開始時見積資産). The lives and in-service years are chosen so
that the year's depreciation is close to the figures the demo used to journal by hand
(:data:`kokai.demo.city._DEPRECIATION`).

Assets the year's changes (異動) act on are in the register under fixed numbers
(:data:`KNOWN`): 旧第二倉庫 (demolished at the year end: cost 80,000,000, 累計 78,500,000),
the two 建設仮勘定 completed at the year end (市民体育館 改修工事 350,000,000 and 市道2-8号線
道路改良工事 180,000,000), and 旧職員住宅用地 (sold, book value 15,000,000). The road land
donated at the year end enters the register then, as :data:`DONATED_ROAD_LAND`
(:func:`kokai.demo.run._year_changes` records all five with ``kokai.assets.changes``).

Pure standard library and ``kokai.core``; no Django. Deterministic.
"""

from __future__ import annotations

import csv
import datetime as _dt
import random
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kokai.core.assets import standard_useful_lives

from . import city

A = city.ACCOUNTS
M = city.M
YEAR = 2024  # the register is as of April 1 of the demo year
HEADER = ("資産番号", "枝番", "資産名称", "所在地", "管理所属", "資産区分", "種目", "耐用年数", "取得年月日",
          "供用開始年月日", "取得価額", "減価償却累計額", "数量", "単位", "行政目的", "所有区分", "所有者", "美術品")
INTANGIBLE_OTHER = "BS/固定資産/無形固定資産/その他"

# asset numbers of the opening register that the year's changes (異動) refer to
KNOWN = {
    "旧第二倉庫": ("130901", 0),
    "市民体育館 改修工事": ("190001", 0),
    "市道2-8号線 道路改良工事": ("290001", 0),
    "旧職員住宅用地": ("110901", 0),
}
# the road land received at the year end (開発行為に伴う帰属, 寄附受): not in the opening register
DONATED_ROAD_LAND = ("2190001", 0, "開発行為に伴う道路用地（帰属）")


@dataclass(frozen=True)
class YearChanges:
    """The changes (異動) of the register a demo year makes besides its acquisitions (those
    come from the matching worksheet): 建設仮勘定 completed (KNOWN key, kind it becomes),
    assets retired ((asset_no, branch_no, note)), the land sold ((label, asset_no, branch_no,
    (month, day), proceeds); the receipt is among the year's cash records, split on 「科目の
    判断」 into the book value and the gain) and the road land donated ((asset_no, branch_no,
    name, value))."""

    completions: tuple[tuple[str, str], ...] = ()
    retirements: tuple[tuple[str, int, str], ...] = ()
    sale: tuple[str, str, int, tuple[int, int], int] | None = None
    donation: tuple[str, int, str, int] | None = None


CHANGES = {
    2024: YearChanges(
        completions=(("市民体育館 改修工事", "建物"), ("市道2-8号線 道路改良工事", "工作物")),
        retirements=((*KNOWN["旧第二倉庫"], "旧第二倉庫 解体除却"),),
        sale=("旧職員住宅用地", *KNOWN["旧職員住宅用地"], (11, 15), 20 * M),
        donation=(*DONATED_ROAD_LAND, 12_345_000),
    ),
    # the second year: the old ごみ収集車 (replaced by last year's purchase) is scrapped, a plot
    # of 普通財産 is sold, and road land is handed over with another development
    2025: YearChanges(
        retirements=(("310106", 0, "ごみ収集車（1） 廃車（更新による除却）"),),
        sale=("南町地区用地", "110804", 0, (10, 17), 15_200_000),
        donation=("2190002", 0, "開発行為に伴う道路用地（帰属、桜台地区）", 8_760_000),
    ),
}


def cost_of(asset_no: str, branch_no: int = 0) -> int:
    """An opening register asset's 取得価額 (its book value, for land)."""
    return next(it.cost_ for it in register() if (it.asset_no, it.branch_no) == (asset_no, branch_no))

_TOWNS = ("本町", "中央", "東町", "西町", "南町", "北町", "緑町", "桜台", "川端", "山手", "新田", "岡崎")


@dataclass
class Item:
    """One register row before its amounts are fixed."""

    asset_no: str
    branch_no: int
    name: str
    location: str
    dept: str
    cls: str  # 事業用資産 / インフラ資産 / 物品 / 無形固定資産
    kind: str
    life: int | None
    year: int | None  # fiscal year it entered service (None: not yet, e.g. 建設仮勘定)
    weight: float
    purpose: str
    quantity: float | None = None
    unit: str = ""
    art: bool = False
    cost: int | None = None  # fixed amounts (KNOWN assets); others are split by weight
    accumulated: int | None = None
    cost_: int = 0
    acc_: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def in_service(self) -> _dt.date | None:
        return None if self.year is None else _dt.date(self.year + 1, 3, 31)


def _loc(rng: random.Random) -> str:
    return f"デモ市{rng.choice(_TOWNS)}{rng.randint(1, 5)}丁目{rng.randint(1, 30)}-{rng.randint(1, 20)}"


# ------------------------------------------------------------------ 事業用資産

_SCHOOLS = [(f"{n}小学校", 1962 + 3 * i) for i, n in enumerate(
    ("第一", "第二", "第三", "第四", "第五", "東", "西", "みどり"))] + [
    (f"{n}中学校", 1966 + 4 * i) for i, n in enumerate(("第一", "第二", "東", "西"))]
_FACILITIES = (  # name, dept, purpose, built, life, weight (建物), 附属設備 (life, weight, year)
    ("本庁舎", "総務課", "総務", 1978, 50, 60.0, ((15, 6.0, 2006), (15, 4.0, 2012))),
    ("本庁舎 別館", "総務課", "総務", 1996, 50, 12.0, ((15, 1.5, 2013),)),
    ("中央公民館", "生涯学習課", "教育", 1984, 50, 14.0, ((15, 1.6, 2009),)),
    ("市民図書館", "生涯学習課", "教育", 1992, 50, 16.0, ((15, 1.8, 2014),)),
    ("市民体育館", "スポーツ振興課", "教育", 1982, 47, 18.0, ((15, 2.0, 2011),)),
    ("市民会館", "生涯学習課", "教育", 1976, 41, 22.0, ((15, 3.0, 2008),)),
    ("学校給食センター", "学校教育課", "教育", 1988, 31, 9.0, ((8, 1.5, 2016),)),
    ("保健センター", "健康づくり課", "福祉", 1998, 50, 8.0, ((15, 1.0, 2015),)),
    ("老人福祉センター", "高齢福祉課", "福祉", 1986, 47, 6.0, ()),
    ("斎場", "環境課", "環境衛生", 1994, 50, 9.0, ((15, 1.2, 2017),)),
    ("リサイクルセンター", "環境課", "環境衛生", 2002, 38, 7.0, ()),
    ("観光物産館", "商工観光課", "産業振興", 2008, 24, 3.5, ()),
    ("農業研修センター", "農林課", "産業振興", 1999, 38, 3.0, ()),
)


def _business(rng: random.Random) -> list[Item]:
    out: list[Item] = []
    land, building, structure = [], [], []
    for n, (school, built) in enumerate(_SCHOOLS, start=1):
        no = f"13{n:04d}"
        big = 1.3 if "中学校" in school else 1.0
        building.append(Item(no, 0, f"{school} 校舎", _loc(rng), "教育総務課", "事業用資産", "建物", 47, built,
                             48.0 * big, "教育", 5200 * big, "m2"))
        building.append(Item(no, 1, f"{school} 校舎 増築棟", _loc(rng), "教育総務課", "事業用資産", "建物", 47,
                             built + 24, 14.0 * big, "教育", 1400 * big, "m2"))
        building.append(Item(no, 2, f"{school} 校舎 電気・給排水設備", "", "教育総務課", "事業用資産", "建物", 15,
                             2010 + n % 8, 5.0 * big, "教育"))
        building.append(Item(f"13{n + 20:04d}", 0, f"{school} 屋内運動場", _loc(rng), "教育総務課", "事業用資産",
                             "建物", 47, built + 10, 13.0 * big, "教育", 1100 * big, "m2"))
        structure.append(Item(f"14{n:04d}", 0, f"{school} プール", "", "教育総務課", "事業用資産", "工作物", 30,
                              built + 12, 8.0, "教育", 1, "式"))
        structure.append(Item(f"14{n + 20:04d}", 0, f"{school} 外構・フェンス", "", "教育総務課", "事業用資産",
                              "工作物", 15, 1992 + (5 * n) % 30, 3.0, "教育", 1, "式"))
        land.append(Item(f"11{n:04d}", 0, f"{school} 敷地", _loc(rng), "教育総務課", "事業用資産", "土地", None,
                         built, 30.0 * big, "教育", 18000 * big, "m2"))
    for i, (name, dept, purpose, built, life, w, fixtures) in enumerate(_FACILITIES, start=1):
        no = f"13{100 + i:04d}"
        building.append(Item(no, 0, name, _loc(rng), dept, "事業用資産", "建物", life, built, w * 4, purpose,
                             round(w * 350), "m2"))
        for b, (flife, fw, fyear) in enumerate(fixtures, start=1):
            building.append(Item(no, b, f"{name} 附属設備（{'空調' if b == 1 else '電気'}）", "", dept, "事業用資産",
                                 "建物", flife, fyear, fw * 4, purpose))
        land.append(Item(f"11{100 + i:04d}", 0, f"{name} 敷地", _loc(rng), dept, "事業用資産", "土地", None, built,
                         w * 1.6, purpose, round(w * 900), "m2"))
        structure.append(Item(f"14{100 + i:04d}", 0, f"{name} 駐車場・外構", "", dept, "事業用資産", "工作物", 15,
                              1990 + (7 * i) % 30, w * 0.35, purpose, 1, "式"))
    for kind, count, dept, purpose, life, y0, w, area in (
        ("保育所", 5, "子育て支援課", "福祉", 47, 1972, 9.0, 900),
        ("児童館", 3, "子育て支援課", "福祉", 22, 2001, 2.0, 300),
        ("地区公民館", 5, "生涯学習課", "教育", 50, 1979, 5.0, 600),
        ("市営住宅", 12, "建築住宅課", "生活インフラ・国土保全", 47, 1968, 16.0, 2400),
        ("消防団詰所", 10, "防災安全課", "消防", 31, 1990, 0.9, 90),
        ("倉庫", 4, "総務課", "総務", 31, 1985, 1.2, 300),
    ):
        names = ("北", "南", "東", "西", "中央", "みどり", "桜台", "川端", "山手", "新田", "岡崎", "本町")
        for j in range(count):
            no = f"13{200 + len(building):04d}"
            label = f"{names[j]}{kind}" if kind != "市営住宅" else f"市営{names[j]}団地"
            if kind == "消防団詰所":
                label = f"消防団第{j + 1}分団詰所"
            year = y0 + (j * 5) % 26
            building.append(Item(no, 0, label, _loc(rng), dept, "事業用資産", "建物", life, year,
                                 w * (0.8 + 0.4 * rng.random()) * 4, purpose, area, "m2"))
            land.append(Item(f"11{200 + len(land):04d}", 0, f"{label} 敷地", _loc(rng), dept, "事業用資産", "土地", None,
                             year, w * 1.2, purpose, area * 3, "m2"))
    no, br = KNOWN["旧第二倉庫"]
    building.append(Item(no, br, "旧第二倉庫", _loc(rng), "総務課", "事業用資産", "建物", 31, 1975, 0, "総務", 640,
                         "m2", cost=80 * M, accumulated=78_500_000))
    no, br = KNOWN["旧職員住宅用地"]
    land.append(Item(no, br, "旧職員住宅用地", _loc(rng), "財政課", "事業用資産", "土地", None, 1970, 0, "総務", 620,
                     "m2", cost=15 * M, extra={"財産区分": "普通財産", "用途": "未利用地"}))
    for j in range(30):  # 普通財産 and small parcels
        land.append(Item(f"1108{j:02d}", 0, f"普通財産 {_TOWNS[j % 12]}地区用地（{j + 1}）", _loc(rng), "財政課",
                         "事業用資産", "土地", None, 1960 + j, 0.4 + rng.random(), "総務", 300 + 37 * j, "m2",
                         extra={"財産区分": "普通財産", "用途": "未利用地"}))
    timber = [Item(f"12{j + 1:04d}", 0, f"市有林（分収林）{j + 1}林班", f"デモ市山手字奥山{j + 1}", "農林課", "事業用資産",
                   "立木竹", None, 1975 + 3 * j, 1 + j % 3, "産業振興", 12 + 3 * j, "ha") for j in range(6)]
    no, br = KNOWN["市民体育館 改修工事"]
    cip = [Item(no, br, "市民体育館 改修工事（建設仮勘定）", _loc(rng), "スポーツ振興課", "事業用資産", "建設仮勘定", 47,
                None, 1, "教育", cost=350 * M)]
    lines = ((land, "事業用土地", None), (timber, "立木竹", None), (building, "事業用建物", "事業用建物累計"),
             (structure, "事業用工作物", "事業用工作物累計"), (cip, "事業用建設仮勘定", None))
    for items, key, contra in lines:
        _amounts(items, A[key], A[contra] if contra else None)
        out += items
    return out


# ------------------------------------------------------------------ インフラ資産

_BRIDGES = ("みどり橋", "さくら橋", "中央橋", "新田橋", "川端橋", "岡崎橋", "東大橋", "西大橋", "ひかり橋", "あおば橋")


def _infrastructure(rng: random.Random) -> list[Item]:
    land, building, structure = [], [], []
    roads = [(1, k) for k in range(1, 36)] + [(2, k) for k in range(1, 56)] + [(3, k) for k in range(1, 701)]
    for grade, k in roads:
        name = f"市道{grade}-{k}号線"
        length = {1: 2400, 2: 1300, 3: 380}[grade] * (0.5 + rng.random())
        width = {1: 12, 2: 8, 3: 5}[grade]
        no = f"24{grade}{k:04d}"
        segments = {1: 3, 2: 2, 3: 1}[grade] if k % 4 else 1
        built = 1955 + rng.randint(0, 62) if grade == 3 else 1958 + rng.randint(0, 50)
        for s in range(segments):
            share = length / segments
            year = min(2023, built + 9 * s)
            structure.append(Item(no, s, f"{name}（{s + 1}工区）" if segments > 1 else name, f"デモ市{rng.choice(_TOWNS)}",
                                  "道路課", "インフラ資産", "工作物", 48, year,
                                  share * width * {1: 5.5, 2: 4.0, 3: 2.6}[grade] * (1.6 if year > 1998 else 1.0),
                                  "生活インフラ・国土保全", round(share * width), "m2"))
        land.append(Item(f"21{grade}{k:04d}", 0, f"{name} 道路敷", f"デモ市{rng.choice(_TOWNS)}", "道路課", "インフラ資産",
                         "土地", None, built, 0, "生活インフラ・国土保全", round(length * width), "m2",
                         cost=1, extra={"評価": "備忘価額（道路敷地）"}))
    for j in range(120):  # road land bought for improvements since 1985: at cost
        land.append(Item(f"215{j:04d}", 0, f"道路改良用地（市道1-{1 + j % 35}号線 {j // 35 + 1}）",
                         f"デモ市{rng.choice(_TOWNS)}", "道路課", "インフラ資産", "土地", None, 1986 + j % 38,
                         0.5 + rng.random(), "生活インフラ・国土保全", 150 + 20 * (j % 17), "m2"))
    for j in range(90):
        name = f"{_BRIDGES[j % 10]}" + ("" if j < 10 else f"（第{j // 10 + 1}）")
        long_span = j < 10
        structure.append(Item(f"246{j:04d}", 0, name, f"デモ市{rng.choice(_TOWNS)}", "道路課", "インフラ資産", "工作物",
                              60 if long_span or j % 3 else 45, 1962 + (j * 7) % 58,
                              (1000 if long_span else 120) * (0.6 + rng.random()), "生活インフラ・国土保全",
                              round((400 if long_span else 60) * (0.6 + rng.random())), "m2"))
    structure.append(Item("247001", 0, "山手トンネル", "デモ市山手", "道路課", "インフラ資産", "工作物", 75, 1996, 2600,
                          "生活インフラ・国土保全", 4200, "m2"))
    for j in range(40):
        structure.append(Item(f"248{j:04d}", 0, f"{_TOWNS[j % 12]}排水路（{j // 12 + 1}）", f"デモ市{_TOWNS[j % 12]}",
                              "河川水路課", "インフラ資産", "工作物", 30, 1970 + (j * 11) % 50, 160 * (0.6 + rng.random()),
                              "生活インフラ・国土保全", 300 + 40 * j, "m"))
        land.append(Item(f"218{j:04d}", 0, f"{_TOWNS[j % 12]}排水路 敷地（{j // 12 + 1}）", f"デモ市{_TOWNS[j % 12]}",
                         "河川水路課", "インフラ資産", "土地", None, 1970, 0, "生活インフラ・国土保全", 900 + 100 * j, "m2",
                         cost=1, extra={"評価": "備忘価額（水路敷地）"}))
    for j in range(12):
        structure.append(Item(f"249{j:04d}", 0, f"道路照明灯（{_TOWNS[j]}地区）", f"デモ市{_TOWNS[j]}", "道路課", "インフラ資産",
                              "工作物", 15, 2010 + j, 25, "生活インフラ・国土保全", 40 + 3 * j, "基"))
    parks = ["中央公園", "運動公園", "桜台公園", "川端緑地"] + [f"{_TOWNS[j % 12]}第{j // 12 + 1}児童公園" for j in range(41)]
    for j, park in enumerate(parks):
        big = 8.0 if j < 4 else 1.0
        built = 1972 + (j * 13) % 48
        land.append(Item(f"217{j:04d}", 0, f"{park} 用地", _loc(rng), "都市計画課", "インフラ資産", "土地", None, built,
                         big * (0.7 + rng.random()) * 9, "生活インフラ・国土保全", round(2500 * big), "m2"))
        structure.append(Item(f"245{j:04d}", 0, f"{park} 園路・広場", "", "都市計画課", "インフラ資産", "工作物", 30,
                              built, big * 60, "生活インフラ・国土保全", round(1200 * big), "m2"))
        structure.append(Item(f"245{j:04d}", 1, f"{park} 遊具", "", "都市計画課", "インフラ資産", "工作物", 10,
                              2012 + j % 12, big * 3, "生活インフラ・国土保全", 5, "基"))
        if j < 25:
            building.append(Item(f"23{j:04d}", 0, f"{park} 便所", "", "都市計画課", "インフラ資産", "建物", 38,
                                 1985 + (j * 7) % 36, 1.0, "生活インフラ・国土保全", 30, "m2"))
    for j, name in enumerate(("中央公園 管理棟", "運動公園 管理棟", "運動公園 クラブハウス")):
        building.append(Item(f"2301{j:02d}", 0, name, "", "都市計画課", "インフラ資産", "建物", 38, 1990 + 6 * j, 6.0,
                             "生活インフラ・国土保全", 200, "m2"))
    building.append(Item("230200", 0, "川端排水機場 ポンプ棟", "デモ市川端", "河川水路課", "インフラ資産", "建物", 50, 1994,
                         18.0, "生活インフラ・国土保全", 450, "m2"))
    no, br = KNOWN["市道2-8号線 道路改良工事"]
    cip = [Item(no, br, "市道2-8号線 道路改良工事（建設仮勘定）", "デモ市中央", "道路課", "インフラ資産", "建設仮勘定", 48,
                None, 1, "生活インフラ・国土保全", cost=180 * M)]
    out: list[Item] = []
    for items, key, contra in ((land, "インフラ土地", None), (building, "インフラ建物", "インフラ建物累計"),
                               (structure, "インフラ工作物", "インフラ工作物累計"), (cip, "インフラ建設仮勘定", None)):
        _amounts(items, A[key], A[contra] if contra else None)
        out += items
    return out


# ------------------------------------------------------------------ 物品・無形固定資産

def _movables(rng: random.Random) -> list[Item]:
    items: list[Item] = []
    specs = (  # name, count, dept, purpose, life, weight, oldest in-service year
        ("公用車", 70, "総務課", "総務", 6, 2.2, 2004),
        ("軽貨物車", 25, "道路課", "生活インフラ・国土保全", 4, 1.2, 2008),
        ("消防ポンプ自動車", 10, "防災安全課", "消防", 5, 14.0, 2000),
        ("ごみ収集車", 8, "環境課", "環境衛生", 4, 8.0, 2006),
        ("スクールバス", 5, "学校教育課", "教育", 5, 9.0, 2005),
        ("除雪ドーザ", 4, "道路課", "生活インフラ・国土保全", 5, 12.0, 2003),
        ("移動図書館車", 1, "生涯学習課", "教育", 5, 10.0, 2009),
        ("庁内ネットワーク機器", 12, "情報政策課", "総務", 5, 6.0, 2015),
        ("学校ICTサーバ・校内LAN", 12, "学校教育課", "教育", 5, 9.0, 2014),
        ("給食調理機器", 20, "学校教育課", "教育", 8, 2.5, 2004),
        ("体育器具", 30, "スポーツ振興課", "教育", 10, 1.2, 2000),
        ("グランドピアノ", 14, "教育総務課", "教育", 5, 2.0, 1995),
        ("舞台照明・音響設備", 6, "生涯学習課", "教育", 8, 8.0, 2005),
        ("検診車", 2, "健康づくり課", "福祉", 5, 12.0, 2008),
        ("防災行政無線 屋外子局", 40, "防災安全課", "消防", 10, 2.6, 2006),
        ("事務用機器（大型複合機等）", 60, "総務課", "総務", 5, 0.8, 2010),
    )
    n = 0
    for name, count, dept, purpose, life, w, oldest in specs:
        for j in range(count):
            n += 1
            year = oldest - 6 + (j * 7 + n) % (2023 - oldest + 7)
            items.append(Item(f"31{n:04d}", 0, f"{name}（{j + 1}）" if count > 1 else name, "", dept, "物品", "その他",
                              life, year, w * (0.8 + 0.4 * rng.random()), purpose, 1, "台"))
    for j, name in enumerate(("油彩画「デモ川の四季」", "彫刻「未来へ」", "日本画「山手の桜」", "書「和」", "陶芸作品群",
                              "油彩画「港の朝」", "ブロンズ像「母子」", "版画連作「市街」")):
        items.append(Item(f"319{j:03d}", 0, name, "市民会館", "生涯学習課", "物品", "その他", None, 1980 + 4 * j,
                          1.5 + 0.3 * j, "教育", 1, "点", art=True))
    _amounts(items, A["物品"], A["物品累計"])
    software = [Item(f"41{j + 1:04d}", 0, name, "", dept, "無形固定資産", "ソフトウェア", 5, year, w, purpose, 1, "式")
                for j, (name, dept, purpose, year, w) in enumerate((
                    ("基幹業務システム（住民記録・税）", "情報政策課", "総務", 2021, 130.0),
                    ("財務会計システム", "財政課", "総務", 2022, 40.0),
                    ("人事給与システム", "職員課", "総務", 2020, 25.0),
                    ("福祉総合システム", "福祉総務課", "福祉", 2022, 45.0),
                    ("図書館システム", "生涯学習課", "教育", 2019, 12.0),
                    ("校務支援システム", "学校教育課", "教育", 2021, 20.0),
                    ("統合型GIS", "都市計画課", "生活インフラ・国土保全", 2018, 14.0),
                    ("文書管理・電子決裁システム", "総務課", "総務", 2023, 22.0),
                ))]
    other = [Item("420001", 0, "工業用水道 施設利用権", "", "商工観光課", "無形固定資産", "無形その他", 20, 2011, 1.0,
                  "産業振興", 1, "式")]
    _amounts(software, A["ソフトウェア"], None)
    _amounts(other, INTANGIBLE_OTHER, None)
    return items + software + other


# ------------------------------------------------------------------ amounts

def _charged_years(it: Item) -> int:
    """Years of depreciation booked before the demo year (first charge the year after service)."""
    return 0 if it.year is None else max(0, YEAR - 1 - it.year)


def _amounts(items: list[Item], line: str, contra: str | None) -> None:
    """Fix each item's cost and accumulated depreciation so that the line ties exactly."""
    opening = dict(city.opening_rows(YEAR))
    rates = standard_useful_lives().rates
    intangible = line.startswith("BS/固定資産/無形固定資産")
    fixed_cost = sum(it.cost for it in items if it.cost is not None)
    free = [it for it in items if it.cost is None]
    for it, c in zip(free, city._split(opening[line] - fixed_cost,
                                       [it.weight for it in free]) if free else [], strict=True):
        it.cost_ = c
    for it in items:
        if it.cost is not None:
            it.cost_ = it.cost
    memo = 0 if intangible else 1
    depreciable = [it for it in items if it.life and it.kind not in ("土地", "立木竹", "建設仮勘定") and not it.art]

    def formula(it: Item) -> int:
        return min(it.cost_ * rates[it.life] // 1000 * _charged_years(it), max(0, it.cost_ - memo))

    if contra is not None:
        # move the whole line's in-service years (same shift for all) so that 定額法 alone comes
        # closest to the balance sheet's 累計額; the remainder is spread below
        target = -opening[contra] - sum(it.accumulated for it in depreciable if it.accumulated is not None)
        rest = [it for it in depreciable if it.accumulated is None]
        base = {id(it): it.year for it in rest}

        def gap(shift: int) -> int:
            for it in rest:
                it.year = min(YEAR - 1, base[id(it)] + shift)
            return abs(target - sum(formula(it) for it in rest))

        best = min(range(-25, 26), key=lambda s: (gap(s), abs(s)))
        gap(best)
    for it in depreciable:
        it.acc_ = it.accumulated if it.accumulated is not None else formula(it)
    if intangible:
        # the BS line is the net amount (direct method): scale the costs up so that cost − 累計 ties
        net = opening[line]
        gross = list(items)
        for _ in range(50):
            diff = net - sum(it.cost_ - it.acc_ for it in gross)
            if diff == 0:
                break
            for it, d in zip(gross, city._split(diff, [it.cost_ or 1 for it in gross]), strict=True):
                it.cost_ += d
                it.acc_ = min(it.cost_ * rates[it.life] // 1000 * _charged_years(it), it.cost_)
        # last yen: on the accumulated amount of the largest asset
        diff = net - sum(it.cost_ - it.acc_ for it in gross)
        max(gross, key=lambda it: it.cost_).acc_ -= diff
        return
    if contra is None:
        return
    target = -opening[contra]
    rest = [it for it in depreciable if it.accumulated is None]
    diff = target - sum(it.acc_ for it in depreciable)
    room = [(it.cost_ - memo - it.acc_) if diff > 0 else it.acc_ for it in rest]
    if diff and sum(room) < abs(diff):
        raise ValueError(f"{line}: 累計額を{diff:,}円合わせられません")
    for it, d in zip(rest, city._split(abs(diff), room), strict=True):
        it.acc_ += d if diff > 0 else -d
    assert sum(it.acc_ for it in depreciable) == target, line


@lru_cache(maxsize=1)
def register() -> tuple[Item, ...]:
    """デモ市's register, each item with its cost (``cost_``) and 累計額 (``acc_``)."""
    rng = random.Random(20240401)
    return tuple(_business(rng) + _infrastructure(rng) + _movables(rng))


def register_rows() -> list[tuple]:
    """The register as rows of the standard register CSV (:data:`HEADER`)."""
    rows = []
    for it in register():
        d = it.in_service
        q = "" if it.quantity is None else (f"{it.quantity:.2f}".rstrip("0").rstrip("."))
        rows.append((it.asset_no, it.branch_no, it.name, it.location, it.dept, it.cls, it.kind, it.life or "",
                     d or "", d or "", it.cost_, it.acc_, q, it.unit, it.purpose, "所有", "", "1" if it.art else ""))
    return rows


def write_register_csv(path: Path) -> int:
    """The register as a CP932 CSV, as a 財務会計 or 台帳 system would export it."""
    rows = register_rows()
    with open(path, "w", encoding="cp932", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(HEADER)
        w.writerows(rows)
    return len(rows)
