"""デモ市's FY 歳入歳出データ: the cash records a 財務会計 system would export, in Kokai's standard
profile layout (CP932 CSV), with the 決算額 they settle to, the matching decisions staff
would write on the worksheet, and the few non-cash year-end journals.

The records are derived from :mod:`kokai.demo.city`'s vouchers, so the year has the same
totals and shares: every cash voucher becomes one 伝票 whose records carry realistic
款・項・目・節 (2020 numbering) codes and names; the 歳計外現金 vouchers become records of the
会計区分 歳計外現金. A few payments get a 歳出戻入 and a few tax receipts a 歳入還付 (戻出),
with the original amount raised by the same sum, so the net stays the voucher's.

The 科目の判断 staff would write are returned too (:attr:`CashYear.accounts`): which 基金 a
積立金 or 基金繰入金 is, 長期 or 短期 for a 貸付金, 業務 or 投資活動 for each 国県支出金 (the
普通建設事業 grants are 投資), and the 財産売払収入 split into the land's book value and the gain.

Non-cash vouchers (引当金, 振替 …) are returned as journals, with one adjustment
for how the conversion table books the cash side: the 6月期 期末・勤勉手当 are paid as
職員給与費 (洗替法), so last year's 賞与等引当金 is washed out at year end. A voucher a closing
item books from the demo's closing inputs is not among them (:mod:`kokai.demo.closing_city`:
with every item's module present none is left). 減価償却 is not among them either: the demo posts it from its 固定資産台帳 (:mod:`kokai.demo.assets_city`) with the register's
depreciation run. Nor are the year's changes (異動) of the register — the two 建設仮勘定
completions, the 除却 of 旧第二倉庫 and the donated road land: they are returned apart
(:attr:`CashYear.asset_changes`, for reference) and the demo records them with
``kokai.assets.changes``, which posts their journals (:func:`kokai.demo.run._year_changes`).

A year after the first starts from the balance sheet it is given (``build(..., opening=...)``:
the demo passes the ledger's year end of the year before), so its 繰越金, the bonds it repays
and the provisions it washes out follow the books.

Pure standard library and ``kokai.core``; no Django.
"""

from __future__ import annotations

import csv
import datetime as _dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import city, closing_city

__all__ = [
    "CASH_HEADER",
    "ASSET_CHANGE_MEMOS",
    "CUSTODIAL_FUND",
    "Accounts",
    "Decision",
    "build",
    "write_cash_csv",
    "write_journals_csv",
    "write_settled_csv",
]

CASH_HEADER = (
    "会計年度", "会計区分", "歳入歳出区分", "款", "款名", "項", "項名", "目", "目名", "節", "節名", "細節", "細節名",
    "伝票番号", "行番号", "日付", "金額", "伝票種別", "所属", "相手方", "摘要", "事業コード", "繰越区分", "現年滞繰区分",
)
SETTLED_HEADER = ("会計年度", "会計区分", "歳入歳出区分", "款", "項", "目", "節", "款名", "項名", "目名", "節名", "決算額")
GENERAL_FUND = "一般会計"
CUSTODIAL_FUND = "歳計外現金"
CUSTODIAL_CODE = "90"
A = city.ACCOUNTS
M = city.M

# ---------------------------------------------------------------------------- 歳出 budget items

# 款, 款名, 項, 項名, 目, 目名
_LOC: dict[str, tuple[int, str, int, str, int, str]] = {
    "議会": (1, "議会費", 1, "議会費", 1, "議会費"),
    "一般管理": (2, "総務費", 1, "総務管理費", 1, "一般管理費"),
    "財政管理": (2, "総務費", 1, "総務管理費", 3, "財政管理費"),
    "会計管理": (2, "総務費", 1, "総務管理費", 4, "会計管理費"),
    "財産管理": (2, "総務費", 1, "総務管理費", 5, "財産管理費"),
    "企画": (2, "総務費", 1, "総務管理費", 6, "企画費"),
    "基金": (2, "総務費", 1, "総務管理費", 10, "基金費"),
    "徴税": (2, "総務費", 2, "徴税費", 2, "賦課徴収費"),
    "戸籍": (2, "総務費", 3, "戸籍住民基本台帳費", 1, "戸籍住民基本台帳費"),
    "社会福祉": (3, "民生費", 1, "社会福祉費", 1, "社会福祉総務費"),
    "障害": (3, "民生費", 1, "社会福祉費", 2, "障害者福祉費"),
    "国保": (3, "民生費", 1, "社会福祉費", 3, "国民健康保険事業費"),
    "老人": (3, "民生費", 1, "社会福祉費", 4, "老人福祉費"),
    "後期": (3, "民生費", 1, "社会福祉費", 5, "後期高齢者医療費"),
    "介護": (3, "民生費", 1, "社会福祉費", 6, "介護保険事業費"),
    "児童": (3, "民生費", 2, "児童福祉費", 1, "児童福祉総務費"),
    "児童措置": (3, "民生費", 2, "児童福祉費", 2, "児童措置費"),
    "保育": (3, "民生費", 2, "児童福祉費", 3, "保育所費"),
    "生活保護": (3, "民生費", 3, "生活保護費", 2, "扶助費"),
    "保健": (4, "衛生費", 1, "保健衛生費", 1, "保健衛生総務費"),
    "予防": (4, "衛生費", 1, "保健衛生費", 2, "予防費"),
    "環境": (4, "衛生費", 1, "保健衛生費", 4, "環境衛生費"),
    "清掃": (4, "衛生費", 2, "清掃費", 2, "塵芥処理費"),
    "農業": (6, "農林水産業費", 1, "農業費", 3, "農業振興費"),
    "商工": (7, "商工費", 1, "商工費", 2, "商工振興費"),
    "観光": (7, "商工費", 1, "商工費", 3, "観光費"),
    "道路維持": (8, "土木費", 2, "道路橋りょう費", 2, "道路維持費"),
    "道路新設": (8, "土木費", 2, "道路橋りょう費", 3, "道路新設改良費"),
    "橋りょう": (8, "土木費", 2, "道路橋りょう費", 4, "橋りょう維持費"),
    "都市計画": (8, "土木費", 4, "都市計画費", 1, "都市計画総務費"),
    "街路": (8, "土木費", 4, "都市計画費", 2, "街路事業費"),
    "公園": (8, "土木費", 4, "都市計画費", 3, "公園費"),
    "下水道": (8, "土木費", 4, "都市計画費", 4, "下水道費"),
    "住宅": (8, "土木費", 5, "住宅費", 1, "住宅管理費"),
    "消防": (9, "消防費", 1, "消防費", 1, "常備消防費"),
    "教育総務": (10, "教育費", 1, "教育総務費", 2, "事務局費"),
    "小学校": (10, "教育費", 2, "小学校費", 1, "学校管理費"),
    "中学校": (10, "教育費", 3, "中学校費", 1, "学校管理費"),
    "社会教育": (10, "教育費", 5, "社会教育費", 1, "社会教育総務費"),
    "公民館": (10, "教育費", 5, "社会教育費", 2, "公民館費"),
    "図書館": (10, "教育費", 5, "社会教育費", 3, "図書館費"),
    "保健体育": (10, "教育費", 6, "保健体育費", 1, "保健体育総務費"),
    "給食": (10, "教育費", 6, "保健体育費", 2, "学校給食費"),
    "元金": (12, "公債費", 1, "公債費", 1, "元金"),
    "利子": (12, "公債費", 1, "公債費", 2, "利子"),
}
_DEPT_LOC = {
    "0101": "一般管理", "0102": "財政管理", "0103": "徴税", "0104": "企画", "0105": "戸籍", "0106": "会計管理",
    "0201": "社会福祉", "0202": "児童", "0203": "保健", "0204": "国保", "0205": "老人", "0301": "清掃",
    "0302": "農業", "0303": "商工", "0401": "道路維持", "0402": "都市計画", "0403": "下水道", "0501": "教育総務",
    "0502": "小学校", "0503": "社会教育", "0901": "議会",
}
# (substring of the 摘要, item) tried in order before the 所属's own item
_MEMO_LOC = (
    ("給料", None), ("職員手当", None), ("共済費", None), ("期末・勤勉", None), ("会計年度任用", None),
    ("中学校", "中学校"), ("小学校", "小学校"), ("給食", "給食"), ("公民館", "公民館"), ("図書館", "図書館"),
    ("体育", "保健体育"), ("スポーツ", "保健体育"), ("生活保護", "生活保護"), ("扶助", "生活保護"),
    ("施設型給付", "保育"), ("保育", "保育"), ("こども園", "保育"), ("児童手当", "児童措置"),
    ("児童扶養手当", "児童措置"), ("障害", "障害"), ("自立支援", "障害"), ("補装具", "障害"),
    ("日常生活用具", "障害"), ("重度心身", "障害"), ("介護保険", "介護"), ("後期高齢", "後期"),
    ("消防", "消防"), ("観光", "観光"), ("予防接種", "予防"), ("感染症", "予防"), ("健康診査", "予防"),
    ("市営住宅", "住宅"), ("住宅リフォーム", "住宅"), ("公園", "公園"), ("橋", "橋りょう"),
    ("道路改良", "道路新設"), ("用地", "道路新設"), ("都市計画道路", "街路"), ("浄化槽", "環境"),
    ("太陽光", "環境"), ("普通財産", "財産管理"),
)
_SETSU = {
    1: "報酬", 2: "給料", 3: "職員手当等", 4: "共済費", 7: "報償費", 8: "旅費", 10: "需用費", 11: "役務費",
    12: "委託料", 13: "使用料及び賃借料", 14: "工事請負費", 15: "原材料費", 16: "公有財産購入費", 17: "備品購入費",
    18: "負担金補助及び交付金", 19: "扶助費", 20: "貸付金", 21: "補償補てん及び賠償金", 22: "償還金利子及び割引料",
    23: "投資及び出資金", 24: "積立金", 27: "繰出金",
}
_SAISETSU = {  # 細節名 → 細節 code (this 団体's own numbering)
    "会計年度任用職員報酬": 2, "議員報酬": 1, "扶養手当・時間外勤務手当等": 1, "期末手当": 5, "勤勉手当": 6,
    "退職手当": 9, "消耗品費": 1, "燃料費": 2, "印刷製本費": 4, "光熱水費": 5, "修繕料": 6, "通信運搬費": 1,
    "手数料": 3, "保険料": 4, "報償金": 1, "普通旅費": 1, "費用弁償": 2, "元金": 1, "利子": 2,
}
# 物件費 etc. spreads (expense side) → (節, 細節名)
_SPREAD_SETSU = {
    "消耗品費": (10, "消耗品費"), "光熱水費": (10, "光熱水費"), "燃料費": (10, "燃料費"),
    "印刷製本費": (10, "印刷製本費"), "通信運搬費": (11, "通信運搬費"), "手数料": (11, "手数料"),
    "保険料": (11, "保険料"), "委託料": (12, ""), "使用料及び賃借料": (13, ""), "旅費": (8, "普通旅費"),
    "報償費": (7, "報償金"), "備品購入費": (17, ""), "原材料費": (15, ""),
}
# CF line of a voucher → 節 of the 歳出 spreads not listed above
_CF_SETSU = {A["社会保障給付支出"]: 19, A["補助金等支出"]: 18, A["他会計への繰出支出"]: 27}

# ---------------------------------------------------------------------------- 歳入 budget items

# 款 → 款名 (2020 numbering of the standard table)
_KAN_R = {
    1: "市税", 2: "地方譲与税", 3: "利子割交付金", 4: "配当割交付金", 5: "株式等譲渡所得割交付金",
    6: "法人事業税交付金", 7: "地方消費税交付金", 9: "環境性能割交付金", 10: "地方特例交付金", 11: "地方交付税",
    12: "交通安全対策特別交付金", 13: "分担金及び負担金", 14: "使用料及び手数料", 15: "国庫支出金", 16: "県支出金",
    17: "財産収入", 18: "寄附金", 19: "繰入金", 20: "繰越金", 21: "諸収入", 22: "市債",
}
# (款, 項, 項名, 目, 目名, 節, 節名)
_R = tuple[int, int, str, int, str, int, str]
_TAX: dict[str, _R] = {
    "市民税（個人）": (1, 1, "市民税", 1, "個人", 1, "現年課税分"),
    "市民税（法人）": (1, 1, "市民税", 2, "法人", 1, "現年課税分"),
    "固定資産税": (1, 2, "固定資産税", 1, "固定資産税", 1, "現年課税分"),
    "軽自動車税": (1, 3, "軽自動車税", 1, "種別割", 1, "現年課税分"),
    "市たばこ税": (1, 4, "市たばこ税", 1, "市たばこ税", 1, "現年課税分"),
    "都市計画税": (1, 5, "都市計画税", 1, "都市計画税", 1, "現年課税分"),
}
_SHARED: dict[str, _R] = {
    "地方揮発油譲与税": (2, 1, "地方揮発油譲与税", 1, "地方揮発油譲与税", 1, "地方揮発油譲与税"),
    "自動車重量譲与税": (2, 2, "自動車重量譲与税", 1, "自動車重量譲与税", 1, "自動車重量譲与税"),
    "森林環境譲与税": (2, 3, "森林環境譲与税", 1, "森林環境譲与税", 1, "森林環境譲与税"),
    "利子割交付金": (3, 1, "利子割交付金", 1, "利子割交付金", 1, "利子割交付金"),
    "配当割交付金": (4, 1, "配当割交付金", 1, "配当割交付金", 1, "配当割交付金"),
    "株式等譲渡所得割交付金": (5, 1, "株式等譲渡所得割交付金", 1, "株式等譲渡所得割交付金", 1, "株式等譲渡所得割交付金"),
    "法人事業税交付金": (6, 1, "法人事業税交付金", 1, "法人事業税交付金", 1, "法人事業税交付金"),
    "地方消費税交付金": (7, 1, "地方消費税交付金", 1, "地方消費税交付金", 1, "地方消費税交付金"),
    "環境性能割交付金": (9, 1, "環境性能割交付金", 1, "環境性能割交付金", 1, "環境性能割交付金"),
    "地方特例交付金": (10, 1, "地方特例交付金", 1, "地方特例交付金", 1, "地方特例交付金"),
    "交通安全対策特別交付金": (12, 1, "交通安全対策特別交付金", 1, "交通安全対策特別交付金", 1, "交通安全対策特別交付金"),
    "普通交付税": (11, 1, "地方交付税", 1, "地方交付税", 1, "普通交付税"),
    "特別交付税": (11, 1, "地方交付税", 1, "地方交付税", 2, "特別交付税"),
}


@dataclass(frozen=True)
class Decision:
    """What staff write on the matching worksheet for one payment."""

    kind: str  # 判断 as the worksheet lists it
    account: str = ""  # 勘定科目 label (事業用資産/建物 …)
    asset_no: str = ""
    asset_name: str = ""
    useful_life: int | None = None
    in_service: _dt.date | None = None
    quantity: str = ""
    unit: str = ""
    note: str = ""

    @property
    def capital(self) -> bool:
        return self.kind in ("資産計上（新規資産）", "資産計上（既存資産）", "建設仮勘定")


EXPENSE = Decision("費用")
REPAIR = Decision("修繕費")


@dataclass(frozen=True)
class Accounts:
    """What staff write on the sheet 「科目の判断」 for one record: (勘定科目 path, amount) per part;
    amount None for the whole record."""

    parts: tuple[tuple[str, int | None], ...]


def _one(path: str) -> Accounts:
    return Accounts(((path, None),))


@dataclass
class _Voucher:
    date: str
    fund: str  # 一般会計 / 歳計外現金
    direction: str  # 歳入 / 歳出
    dept: str
    memo: str
    lines: list[tuple] = field(default_factory=list)  # (item, 節, 節名, 細節名, amount, arrears, decision)
    vtype: str = ""
    party: str = ""
    order: int = 0


@dataclass(frozen=True)
class CashYear:
    records: list[tuple]  # rows of CASH_HEADER
    decisions: dict[tuple[str, int], Decision]  # (伝票番号, 行番号) → decision, for matching payments
    accounts: dict[tuple[str, int], Accounts]  # (伝票番号, 行番号) → 科目の判断
    journals: list[tuple]  # non-cash journals, rows of city.JOURNAL_HEADER
    # the vouchers that are changes (異動) of the register, not journals: (date, dept, memo, lines)
    asset_changes: list[tuple] = field(default_factory=list)


@lru_cache(maxsize=4096)
def _item_key(dept: str, memo: str) -> str:
    for needle, key in _MEMO_LOC:
        if needle in memo:
            return key or _DEPT_LOC[dept]
    return _DEPT_LOC[dept]


def _is_cf(path: str | None) -> bool:
    return bool(path) and path.startswith("CF/")


def _cf_total(lines, side: str) -> int:
    i = 2 if side == "cr" else 0
    return sum(ln[i + 1] for ln in lines if _is_cf(ln[i]))


# ---------------------------------------------------------------------------- works (decisions)

_CONTRACTORS = ("㈱デモ建設", "デモ土木㈱", "㈱みどり工務店", "中央建設工業㈱", "㈲髙橋組", "㈱東日本設計")
# the works that are one new asset each: name → (number within the year, account, asset, useful life);
# the asset number is A<年度>-<number>
_WORKS_ASSETS = {
    "第一小学校 大規模改修工事": (1, "事業用資産/建物", "第一小学校 校舎大規模改修", 20),
    "第一小学校 大規模改修工事 設計監理委託料": (1, "事業用資産/建物", "第一小学校 校舎大規模改修", 20),
    "中学校体育館 空調設備設置工事": (2, "事業用資産/建物", "第二中学校体育館 空調設備", 15),
    "中央公民館 改修工事": (3, "事業用資産/建物", "中央公民館 改修", 20),
    "北保育所 改修工事": (4, "事業用資産/建物", "北保育所 改修", 20),
    "本庁舎 空調設備改修工事": (5, "事業用資産/建物", "本庁舎 空調設備", 15),
    "市道1-23号線 道路改良工事": (11, "インフラ資産/工作物", "市道1-23号線 道路改良", 45),
    "みどり橋 橋梁長寿命化修繕工事": (12, "インフラ資産/工作物", "みどり橋 長寿命化", 30),
    "中央公園 施設整備工事": (13, "インフラ資産/工作物", "中央公園 施設", 15),
    "基幹業務システム標準化 対応改修委託料": (31, "無形固定資産/ソフトウェア", "基幹業務システム（標準化対応）", 5),
    # the second year's
    "第二小学校 大規模改修工事": (1, "事業用資産/建物", "第二小学校 校舎大規模改修", 20),
    "第二小学校 大規模改修工事 設計監理委託料": (1, "事業用資産/建物", "第二小学校 校舎大規模改修", 20),
    "市民図書館 空調設備改修工事": (2, "事業用資産/建物", "市民図書館 空調設備", 15),
    "南保育所 改修工事": (4, "事業用資産/建物", "南保育所 改修", 20),
    "本庁舎 別館 外壁改修工事": (5, "事業用資産/建物", "本庁舎 別館 外壁改修", 20),
    "市道3-5号線 道路改良工事": (11, "インフラ資産/工作物", "市道3-5号線 道路改良", 45),
    "さくら橋 橋梁長寿命化修繕工事": (12, "インフラ資産/工作物", "さくら橋 長寿命化", 30),
    "運動公園 施設整備工事": (13, "インフラ資産/工作物", "運動公園 施設", 15),
}
# 建設仮勘定: one record per project, whichever year pays: name → (record, account, asset, note)
_CIP = {
    "都市計画道路3・4・5号線 整備工事": ("C0001", "インフラ資産/建設仮勘定", "都市計画道路3・4・5号線（建設仮勘定）",
                                 "令和8年度完成予定"),
    "学校給食センター 基本設計委託料": ("C0002", "事業用資産/建設仮勘定", "学校給食センター（建設仮勘定）",
                                "学校給食センター建設事業（設計）"),
    "学校給食センター 実施設計委託料": ("C0002", "事業用資産/建設仮勘定", "学校給食センター（建設仮勘定）",
                                "学校給食センター建設事業（実施設計）"),
}
_PATCHES = ("市道4-15号線", "市道3-108号線")  # 舗装補修 that are patches, not renewals: 修繕費


def in_service(fy: int) -> _dt.date:
    """The works of a year are taken into service at its end."""
    return _dt.date(fy + 1, 3, 31)


def _works_decision(name: str, memo: str, amount: int, fy: int) -> Decision:
    """The worksheet decision for a payment of one of the year's works (city.works)."""
    done = in_service(fy)
    if name in _WORKS_ASSETS:
        seq, account, asset, years = _WORKS_ASSETS[name]
        return Decision("資産計上（新規資産）", account, f"A{fy}-{seq:03d}", asset, years, done)
    if name == "市道舗装補修工事":
        road = memo[memo.index("（") + 1: memo.index("）")]
        if road in _PATCHES:
            return Decision("修繕費", note="部分的な補修のため修繕費")
        return Decision("資産計上（新規資産）", "インフラ資産/工作物", "", f"{road} 舗装打換え", 10, done,
                        f"{amount // 6_000:,}", "㎡")
    if name == "側溝整備工事":
        area = memo[memo.index("（") + 1: memo.index("）")]
        return Decision("資産計上（新規資産）", "インフラ資産/工作物", "", f"側溝整備（{area}）", 30, done,
                        f"{amount // 60_000:,}", "m")
    if name in _CIP:
        no, account, asset, note = _CIP[name]
        return Decision("建設仮勘定", account, no, asset, note=note)
    vehicles = {"（軽貨物車）": ("公用車（軽貨物車）", 4), "（電気自動車）": ("公用車（電気自動車）", 6)}
    if name == "公用車 購入":
        asset, years = vehicles[memo.removeprefix(name)]
        return Decision("資産計上（新規資産）", "物品", "", asset, years, _dt.date(fy, 11, 1), "1", "台")
    items = {
        "ごみ収集車 購入": ("ごみ収集車（パッカー車）", 4, "1", "台"),
        "学校ICT機器 購入": ("電子黒板" + memo.removeprefix(name), 5, "", "式"),
        "移動図書館車 購入": ("移動図書館車", 5, "1", "台"),
        "給食室 回転釜 購入": ("給食室 回転釜", 10, "2", "基"),
    }
    if name in items:
        asset, years, qty, unit = items[name]
        return Decision("資産計上（新規資産）", "物品", "", asset, years, done, qty, unit)
    raise KeyError(name)


def _works_setsu(name: str) -> int:
    """The 節 of a work's payments: 委託料, 公有財産購入費 (land), 備品購入費, else 工事請負費."""
    if name.endswith("委託料"):
        return 12
    if name.endswith("用地購入費・物件移転補償費"):
        return 16
    if name.endswith("購入"):
        return 17
    return 14


_WORK_NAMES = sorted({w[1] for fy in (2024, 2025) for w in city.works(fy)}, key=len, reverse=True)


# ---------------------------------------------------------------------------- vouchers → budget records

def _expense(v: _Voucher, item: str, setsu: int, amount: int, saisetsu: str = "",
             decision: Decision | Accounts | None = None):
    v.lines.append((item, setsu, _SETSU[setsu], saisetsu, amount, "", decision))


def _revenue(v: _Voucher, r: _R, amount: int, arrears: str = "", decision: Accounts | None = None):
    v.lines.append((r, r[5], r[6], "", amount, arrears, decision))


def _custodial(date: str, memo: str, amount: int, receipt: bool) -> _Voucher:
    kou = (1, "源泉所得税") if "所得税" in memo else (2, "住民税") if "住民税" in memo else (3, "保証金")
    v = _Voucher(date, CUSTODIAL_FUND, "歳入" if receipt else "歳出", "0106", memo)
    r = (1, kou[0], kou[1], 1, kou[1], 1, kou[1])
    v.lines.append((r, 1, kou[1], "", amount, "", None))
    return v


def _from_spread(s: city.Spread, date: str, dept: str, memo: str, lines) -> _Voucher:
    cr_cf = _is_cf(lines[0][2]) or any(_is_cf(ln[2]) for ln in lines)
    if cr_cf:  # 歳出: one record per debit line
        v = _Voucher(date, GENERAL_FUND, "歳出", dept, memo)
        item = _item_key(dept, memo)
        cf = next(ln[2] for ln in lines if ln[2])
        for dr, da, _cr, _ca in lines:
            if dr is None:
                continue
            if s.key in _SPREAD_SETSU and s.cr == "物件費等支出":
                setsu, ss = _SPREAD_SETSU[s.key]
                if setsu == 17:
                    dec = EXPENSE if "未満" in memo or da < 500_000 else Decision(
                        "資産計上（新規資産）", "物品", "", memo.replace("購入", "").replace("（50万円未満）", "").strip(),
                        5, _dt.date.fromisoformat(date), "1", "式")
                else:
                    dec = EXPENSE
                if s.key == "旅費" and "費用弁償" in memo:
                    ss = "費用弁償"
                _expense(v, item, setsu, da, ss, dec if setsu in (12, 13, 15, 17) else None)
            elif s.key == "維持補修費":
                if "工事" in memo:
                    _expense(v, item, 14, da, "", REPAIR)
                else:
                    _expense(v, item, 10, da, "修繕料", REPAIR)
            else:
                setsu = _CF_SETSU[cf]
                _expense(v, item, setsu, da, "", _one(dr) if setsu == 27 else None)  # 繰出金: 他会計への繰出金
        return v
    v = _Voucher(date, GENERAL_FUND, "歳入", dept, memo)
    for _dr, _da, cr, ca in lines:
        if cr is None:
            continue
        r, arrears = _revenue_item(s.key, memo, cr)
        grant = s.key in ("国庫支出金", "県支出金")  # current purposes: 業務活動の国県等補助金収入
        _revenue(v, r, ca, arrears, _one(A["業務国県等補助金収入"]) if grant else None)
    return v


@lru_cache(maxsize=4096)
def _revenue_item(key: str, memo: str, credit: str) -> tuple[_R, str]:
    if credit == A["未収金"]:  # 滞納繰越分
        for name, r in _TAX.items():
            if name in memo:
                return (r[0], r[1], r[2], r[3], r[4], 2, "滞納繰越分"), "滞納繰越"
        raise KeyError(memo)
    if credit == A["税収等"] and key != "寄附金":
        for name, r in _TAX.items():
            if name in memo:
                return r, "現年"
        raise KeyError(memo)
    if key == "使用料":
        moku = (4, "土木使用料") if any(w in memo for w in ("住宅", "道路", "駐車場")) else \
            (5, "教育使用料") if any(w in memo for w in ("体育館", "公民館")) else (1, "総務使用料")
        return (14, 1, "使用料", *moku, 1, memo.split()[0]), "現年"
    if key == "手数料":
        moku = (2, "衛生手数料") if "ごみ" in memo else (1, "総務手数料")
        return (14, 2, "手数料", *moku, 1, memo.split()[0]), "現年"
    if key == "負担金":
        return (13, 2, "負担金", 1, "民生費負担金", 1, "児童福祉費負担金" if "保育" in memo or "児童" in memo
                else "老人福祉費負担金"), ""
    if key == "財産運用収入":
        if "利子" in memo:
            return (17, 1, "財産運用収入", 2, "利子及び配当金", 1, "基金運用利子"), ""
        return (17, 1, "財産運用収入", 1, "財産貸付収入", 1, "土地貸付収入"), ""
    if key == "寄附金":
        if "ふるさと" in memo:
            return (18, 1, "寄附金", 2, "ふるさと応援寄附金", 1, "ふるさと応援寄附金"), ""
        return (18, 1, "寄附金", 1, "一般寄附金", 1, "一般寄附金"), ""
    if key == "延滞金":
        return (21, 1, "延滞金加算金及び過料", 1, "延滞金", 1, "延滞金"), ""
    if key == "受託事業収入":
        return (21, 4, "受託事業収入", 1, "県受託事業収入", 1, "県受託事業収入"), ""
    if key == "雑入":
        return (21, 5, "雑入", 1, "雑入", 1, "雑入"), ""
    if key in ("国庫支出金", "県支出金"):
        kan = 15 if key == "国庫支出金" else 16
        pre = "国庫" if kan == 15 else "県"
        if "委託金" in memo:
            return (kan, 3, f"{pre}委託金", 1, f"総務費{pre}委託金", 1, memo.split()[0]), ""
        kou = (1, f"{pre}負担金") if "負担金" in memo else (2, f"{pre}補助金")
        moku = (2, f"衛生費{pre}{kou[1][len(pre):]}") if any(w in memo for w in ("感染症", "医療", "健康")) else \
            (1, f"総務費{pre}{kou[1][len(pre):]}") if any(w in memo for w in ("個人番号", "デジタル", "徴収", "選挙")) \
            else (4, f"農林水産業費{pre}{kou[1][len(pre):]}") if "農業" in memo \
            else (3, f"民生費{pre}{kou[1][len(pre):]}")
        return (kan, *kou, *moku, 1, memo.split()[0]), ""
    raise KeyError((key, memo))


def _structural(date: str, dept: str, memo: str, lines, fy: int) -> _Voucher | None:
    """The budget records of one of city's structural vouchers; None for a non-cash voucher."""
    if not any(_is_cf(ln[0]) or _is_cf(ln[2]) for ln in lines):
        return None
    custodial = A["歳計外増減"]
    if any(ln[0] == custodial for ln in lines):
        return _custodial(date, memo, lines[0][1], True)
    if any(ln[2] == custodial for ln in lines):
        return _custodial(date, memo, lines[0][1], False)
    item = _item_key(dept, memo)
    paid = _cf_total(lines, "cr")
    if paid:
        v = _Voucher(date, GENERAL_FUND, "歳出", dept, memo)
        if "給料・職員手当" in memo:
            kyuryo, teate = lines[0][1], lines[1][1]
            _expense(v, item, 2, kyuryo)
            _expense(v, item, 3, teate, "扶養手当・時間外勤務手当等")
        elif "会計年度任用職員報酬" in memo:
            _expense(v, item, 1, paid, "会計年度任用職員報酬")
        elif "議員報酬" in memo:
            _expense(v, item, 1, paid, "議員報酬")
        elif "共済費" in memo:
            _expense(v, item, 4, paid)
        elif "期末" in memo:  # 期末・勤勉手当 (議員は期末手当のみ)
            if "議員" in memo:
                _expense(v, item, 3, paid, "期末手当")
            else:
                kimatsu = paid * 55 // 100
                _expense(v, item, 3, kimatsu, "期末手当")
                _expense(v, item, 3, paid - kimatsu, "勤勉手当")
        elif "退職手当" in memo:
            _expense(v, item, 3, paid, "退職手当")
        elif "償還金" in memo:
            v.party = memo.split()[0]
            for dr, da, _cr, _ca in lines:
                which = "元金" if dr == A["1年内償還予定地方債"] else "利子"
                _expense(v, which, 22, da, which)
        elif "積立金" in memo:
            _expense(v, "基金", 24, paid, "", _one(lines[0][0]))  # which 基金: the voucher's debit
        elif "出資金" in memo:
            _expense(v, item, 23, paid)
        elif "貸付金" in memo or "預託金" in memo:
            _expense(v, item, 20, paid, "", _one(lines[0][0]))  # 長期 or 短期
        else:
            name = next(n for n in _WORK_NAMES if memo.startswith(n))
            v.party = _CONTRACTORS[len(name) % len(_CONTRACTORS)] if "購入" not in name else ""
            if name.endswith("用地購入費・物件移転補償費"):
                land = paid * 4 // 5
                road = name.split()[0]
                _expense(v, item, 16, land, "", Decision(
                    "資産計上（新規資産）", "インフラ資産/土地", f"A{fy}-021", f"{road} 道路用地", None,
                    in_service(fy), f"{land // 25_000:,}", "㎡"))
                _expense(v, item, 21, paid - land, "", Decision("費用", note="物件移転補償"))
            else:
                _expense(v, item, _works_setsu(name), paid, "", _works_decision(name, memo, paid, fy))
        return v
    v = _Voucher(date, GENERAL_FUND, "歳入", dept, memo)
    received = _cf_total(lines, "dr")
    name = memo.split("（")[0]
    if name in _SHARED:
        _revenue(v, _SHARED[name], received)
    elif "借入" in memo:
        purpose = memo.split()[1]
        moku = {"臨時財政対策債": 1, "緊急防災・減災事業債": 2, "公共事業等債": 3, "学校教育施設等整備事業債": 4,
                "公共施設等適正管理推進事業債": 5}[purpose]
        _revenue(v, (22, 1, "市債", moku, purpose, 1, purpose), received)
    elif "繰入金" in memo:
        fund = memo.split()[0]
        moku = {"減債基金": 2, "財政調整基金": 1, "公共施設整備基金": 3}[fund]
        _revenue(v, (19, 2, "基金繰入金", moku, f"{fund}繰入金", 1, f"{fund}繰入金"), received, "",
                 _one(lines[0][2]))
    elif "元金収入" in memo:
        moku = (2, "奨学金貸付金元利収入") if "奨学金" in memo else (1, "中小企業振興資金貸付金元利収入")
        _revenue(v, (21, 3, "貸付金元利収入", *moku, 1, "元金"), received)
    elif "売払収入" in memo:  # the land's book value (台帳) and the gain
        parts = tuple((cr, ca) for _dr, _da, cr, ca in lines if cr)
        _revenue(v, (17, 2, "財産売払収入", 1, "不動産売払収入", 1, "土地売払収入"), received, "", Accounts(parts))
    elif "交付金" in memo and ("社会資本" in memo or "学校施設" in memo):  # 普通建設事業: 投資活動
        moku = (2, "教育費国庫補助金") if "学校" in memo else (1, "土木費国庫補助金")
        _revenue(v, (15, 2, "国庫補助金", *moku, 1, memo.split("（")[0]), received, "",
                 _one(A["投資国県等補助金収入"]))
    elif "県単" in memo:
        _revenue(v, (16, 2, "県補助金", 5, "土木費県補助金", 1, "県単道路整備事業補助金"), received, "",
                 _one(A["投資国県等補助金収入"]))
    else:
        raise KeyError(memo)
    return v


# ---------------------------------------------------------------------------- the year

def _later(date: str, days: int, fy: int) -> str:
    d = min(_dt.date.fromisoformat(date) + _dt.timedelta(days=days), _dt.date(fy + 1, 5, 31))
    return d.isoformat()


@lru_cache(maxsize=4)
def build(fiscal_year: int = 2024, scale: int = 1, opening: city.Opening = None) -> CashYear:
    """デモ市's year as cash records, worksheet decisions and non-cash journals.

    ``opening`` is the balance sheet the year starts from, as (path, amount) pairs (None: the
    demo's opening balance sheet, :func:`kokai.demo.city.opening_rows`). A later year passes the
    ledger's year end of the year before: its 繰越金 is that year's closing 資金 (give
    ``BS/流動資産/現金預金`` as the CF 本年度末資金残高), it repays the 1年内償還予定地方債
    and its provisions and receivables start from there."""
    fy = int(fiscal_year)
    op = {**dict(city.opening_rows(fy)), **dict(opening or ())}
    vouchers: list[_Voucher] = []
    noncash: list[tuple[str, str, str, tuple]] = []
    n_refund = 0
    for date, order, batch in city._batches(fy, scale, None, 2024, opening)[1]:
        s = city._SPREADS[order - 1] if order else None
        for dept, memo, lines in batch:
            if s is None:
                v = _structural(date, dept, memo, lines, fy)
                if v is None:
                    noncash.append((date, dept, memo, lines))
                    continue
            else:
                v = _from_spread(s, date, dept, memo, lines)
            v.order = len(vouchers)
            vouchers.append(v)
            # a few 歳出戻入 (消耗品・旅費) and 歳入還付 (市民税・固定資産税)
            if s is not None and s.key in ("消耗品費", "旅費", "個人市民税", "固定資産税") and len(v.lines) == 1:
                n_refund += 1
                if n_refund % 41:
                    continue
                item, setsu, sname, ss, amount, arrears, dec = v.lines[0]
                back = max(1, amount // 8)
                v.lines[0] = (item, setsu, sname, ss, amount + back, arrears, dec)
                expense = v.direction == "歳出"
                memo2 = ("返品・精算 戻入: " if expense else "過誤納 還付: ") + memo
                r = _Voucher(_later(date, 12, fy), GENERAL_FUND, v.direction, dept, memo2,
                             [(item, setsu, sname, ss, back, arrears, dec)], "歳出戻入" if expense else "歳入還付",
                             order=len(vouchers))
                vouchers.append(r)
    # 繰越金: last year's closing 資金 (no journal)
    opening_cash = op[A["現金預金"]]
    carry = _Voucher(f"{fy}-05-31", GENERAL_FUND, "歳入", "0102", "前年度繰越金", order=-1)
    _revenue(carry, (20, 1, "繰越金", 1, "繰越金", 1, "前年度繰越金"), opening_cash)
    vouchers.append(carry)
    vouchers.sort(key=lambda v: (v.date, v.order))

    records: list[tuple] = []
    decisions: dict[tuple[str, int], Decision] = {}
    accounts: dict[tuple[str, int], Accounts] = {}
    counters = {("一般会計", "歳出"): 0, ("一般会計", "歳入"): 0, (CUSTODIAL_FUND, "歳出"): 0, (CUSTODIAL_FUND, "歳入"): 0}
    prefix = {("一般会計", "歳出"): "E", ("一般会計", "歳入"): "R", (CUSTODIAL_FUND, "歳出"): "CE",
              (CUSTODIAL_FUND, "歳入"): "CR"}
    for v in vouchers:
        key = (v.fund, v.direction)
        counters[key] += 1
        no = f"{prefix[key]}{counters[key]:07d}"
        vtype = v.vtype or ("支出" if v.direction == "歳出" else "収入")
        for line_no, (item, setsu, sname, ss, amount, arrears, dec) in enumerate(v.lines, start=1):
            if v.direction == "歳出" and v.fund == GENERAL_FUND:
                kan, kname, kou, kouname, moku, mokuname = _LOC[item]
            elif v.fund == GENERAL_FUND:
                kan, kou, kouname, moku, mokuname = item[:5]
                kname = _KAN_R[kan]
            else:
                kan, kou, kouname, moku, mokuname = item[:5]
                kname = "歳計外現金"
            records.append((
                fy, v.fund, v.direction, kan, kname, kou, kouname, moku, mokuname, setsu, sname,
                _SAISETSU.get(ss, "") if ss else "", ss, no, line_no, v.date, amount, vtype, v.dept, v.party,
                v.memo, "", "", arrears,
            ))
            if isinstance(dec, Accounts):
                accounts[(no, line_no)] = dec
            elif dec is not None:
                decisions[(no, line_no)] = dec
    changes = [v for v in noncash if is_asset_change(v[2])]
    return CashYear(records, decisions, accounts,
                    _journals(fy, [v for v in noncash if not is_asset_change(v[2])], op), changes)


# memos (prefixes) of city's non-cash vouchers that are changes (異動) of the register: the demo
# books them through kokai.assets.changes, which posts their journals, so they are no journals here
ASSET_CHANGE_MEMOS = (
    "建設仮勘定 本勘定振替（",  # 市民体育館 改修工事, 市道2-8号線 道路改良工事: complete_construction
    "旧第二倉庫 解体除却",  # retire
    "開発行為に伴う道路用地 帰属（寄附受）",  # receive_free
)


def is_asset_change(memo: str) -> bool:
    return memo.startswith(ASSET_CHANGE_MEMOS)


def _journals(fy: int, noncash, op: dict[str, int]) -> list[tuple]:
    date = f"{fy + 1}-03-31"
    # 減価償却費 is not journaled by hand: the 固定資産台帳's depreciation run posts it (kokai.demo.run);
    # nor is what a closing item books from the demo's closing inputs (kokai.demo.closing_city)
    by_closing = closing_city.hand_memos()
    items = [(d, dept, memo, lines) for d, dept, memo, lines in noncash
             if "奨学金貸付金 1年内回収" not in memo and not memo.startswith("減価償却費（")
             and not memo.startswith(by_closing)]
    # 洗替法: the 6月期 期末・勤勉手当 were paid as 職員給与費, so last year's provision is washed out
    bonus = op[A["賞与等引当金"]]
    washout = "賞与等引当金 戻入（洗替: 6月期 期末・勤勉手当 支給済分）"
    if bonus and not washout.startswith(by_closing):
        items.append((date, "0101", washout, ((A["賞与等引当金"], bonus, A["職員給与費"], bonus),)))
    rows = []
    for i, (d, dept, memo, lines) in enumerate(items, start=1):
        no = f"N{fy}-{i:04d}"
        for dr, da, cr, ca in lines:
            rows.append((no, d, fy, GENERAL_FUND, dept, dr or "", da or "", cr or "", ca or "", memo))
    return rows


# ---------------------------------------------------------------------------- files

def write_cash_csv(path: Path, year: CashYear) -> int:
    with open(path, "w", encoding="cp932", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(CASH_HEADER)
        w.writerows(year.records)
    return len(year.records)


def settled_rows(year: CashYear) -> list[tuple]:
    """決算額 per 節 (歳入 and 歳出, both 会計区分), summed from the records (戻入・戻出 netted)."""
    sums: dict[tuple, list] = {}
    for r in year.records:
        key = (r[0], r[1], r[2], r[3], r[5], r[7], r[9])
        amount = -r[16] if r[17] in ("歳出戻入", "歳入還付") else r[16]
        if key in sums:
            sums[key][4] += amount
        else:
            sums[key] = [r[4], r[6], r[8], r[10], amount]
    return [(*k, *v) for k, v in sorted(sums.items(), key=lambda kv: (kv[0][1], kv[0][2], kv[0][3:]))]


def write_settled_csv(path: Path, year: CashYear) -> int:
    rows = settled_rows(year)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(SETTLED_HEADER)
        w.writerows(rows)
    return len(rows)


def write_journals_csv(path: Path, year: CashYear) -> int:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(city.JOURNAL_HEADER)
        w.writerows(year.journals)
    return len(year.journals)
