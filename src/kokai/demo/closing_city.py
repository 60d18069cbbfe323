"""デモ市's closing inputs (決算整理の入力シート), filled in as the 財政課 would: one function per
closing item (:mod:`kokai.core.closing`) returning that item's rows, sheet by sheet.

An item is *active* when its module exists and this file has its rows (:data:`FILLERS`);
the demo then imports its rows and lets ``kokai close`` book it, and the hand-written
year-end journal it replaces (:data:`HAND_MEMOS`) is left out of
:mod:`kokai.demo.city_cash`'s non-cash journals, so nothing is booked twice. An item whose
module does not exist yet stays a hand journal; when its module appears, adding its function
to :data:`FILLERS` is all it takes.

Pure Python (openpyxl only to fill the workbook); no Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from . import city, city_bonds

Rows = dict[str, list[dict[str, object]]]  # sheet name → rows (column header → value)


@dataclass(frozen=True)
class DemoYear:
    """What a filler may read: the year, the balance sheet it starts from (city paths →
    amounts: the ledger's year end of the year before, or the demo's opening balance sheet)
    and its cash records (rows of :data:`kokai.demo.city_cash.CASH_HEADER`)."""

    fy: int
    opening: Mapping[str, int]
    records: Sequence[tuple] = ()


# The hand-written year-end journals (memo prefixes, kokai.demo.city._year_end and
# city_cash._journals) each closing item replaces.
HAND_MEMOS: dict[str, tuple[str, ...]] = {
    "bonus": ("賞与等引当金 繰入", "賞与等引当金 戻入"),
    "retirement": ("退職手当引当金 繰入",),
    "receivables": ("市税 現年課税分 収入未済額", "市税 滞納繰越分 長期延滞債権へ振替", "市税 不納欠損"),
    "doubtful": ("徴収不能引当金 繰入", "徴収不能引当金 戻入"),
    "bonds": ("地方債 1年内償還予定額 振替",),
    "loans": ("奨学金貸付金 1年内回収予定額 振替",),
}
A = city.ACCOUNTS
M = city.M
WELFARE_RATE = "16.5%"  # 共済費等の事業主負担 on the 期末・勤勉手当 (demo figure)


def bonus_rows(y: DemoYear) -> Rows:
    """賞与等引当金: next June's 期末・勤勉手当 (:func:`kokai.demo.city.next_june_bonus`) per 所属,
    split by its staff as the June payment is, with the 法定福利費 at :data:`WELFARE_RATE`."""
    depts = dict(city.DEPARTMENTS)
    staff = list(city._STAFF)
    amounts = city._split(city.next_june_bonus(y.fy), [city._STAFF[d] for d in staff])
    return {"賞与等引当金": [
        {"区分": depts[d], "人数": city._STAFF[d], "期末・勤勉手当見込額": amount, "法定福利費率": WELFARE_RATE}
        for d, amount in zip(staff, amounts, strict=True)
    ]}


# 期末自己都合要支給額 at each year end (the 人事課's figure); 特別職 (市長・副市長・教育長) apart
RETIREMENT_DUE = {2024: 2_507_300_000, 2025: 2_521_800_000}
SPECIAL_DUE = 38_400_000


def retirement_rows(y: DemoYear) -> Rows:
    """退職手当引当金: the 期末自己都合要支給額 of the 一般職 per 所属 (split by staff) and of the
    特別職; a year without a figure keeps the provision the books hold."""
    total = RETIREMENT_DUE.get(y.fy, y.opening[A["退職手当引当金"]])
    depts = dict(city.DEPARTMENTS)
    staff = list(city._STAFF)
    amounts = city._split(total - SPECIAL_DUE, [city._STAFF[d] for d in staff])
    rows = [{"職員区分": "一般職", "氏名・区分": depts[d], "人数": city._STAFF[d], "期末自己都合要支給額": amount}
            for d, amount in zip(staff, amounts, strict=True)]
    rows.append({"職員区分": "特別職", "氏名・区分": "市長・副市長・教育長", "人数": 3, "期末自己都合要支給額": SPECIAL_DUE})
    return {"退職手当引当金": rows}


# 市税: the share of each 税目 in the unpaid 現年課税分 and in the 滞納繰越分 (demo figures)
TAX_SHARES = {"市民税（個人）": 40, "市民税（法人）": 5, "固定資産税": 45, "軽自動車税": 5, "都市計画税": 5, "市たばこ税": 0}


def _tax_receipts(records: Sequence[tuple]) -> dict[tuple[str, str], int]:
    """(税目, 現年 / 滞納繰越) → net receipts (還付 deducted) of the 一般会計's 市税 records."""
    from .city_cash import _TAX, GENERAL_FUND

    names = {(r[1], r[3]): name for name, r in _TAX.items()}
    out: dict[tuple[str, str], int] = {}
    for r in records:
        if r[1] == GENERAL_FUND and r[2] == "歳入" and r[3] == 1:
            key = (names[(r[5], r[7])], "滞納繰越" if r[23] == "滞納繰越" else "現年")
            out[key] = out.get(key, 0) + (-r[16] if r[17] == "歳入還付" else r[16])
    return out


def receivables_rows(y: DemoYear) -> Rows:
    """未収金・長期延滞債権 per 税目: 現年度分 調定 = the year's receipts + the unpaid
    (:data:`kokai.demo.city.NEW_RECEIVABLE` split by :data:`TAX_SHARES`); 滞納繰越分 調定 = what
    the year started with (未収金 + 長期延滞債権, split the same way), its receipts from the cash
    records and :data:`kokai.demo.city.WRITE_OFF` written off (不納欠損)."""
    got = _tax_receipts(y.records)
    names = list(TAX_SHARES)
    unpaid = dict(zip(names, city._split(city.NEW_RECEIVABLE, TAX_SHARES.values()), strict=True))
    arrears = [n for n in names if TAX_SHARES[n]]
    weights = [TAX_SHARES[n] for n in arrears]
    assessed = city._split(y.opening[A["未収金"]] + y.opening[A["長期延滞債権"]], weights)
    losses = city._split(city.WRITE_OFF, weights)
    rows = [{"税目・科目": n, "収益科目": "税収等", "区分": "現年", "調定額": got.get((n, "現年"), 0) + unpaid[n],
             "収入済額": got.get((n, "現年"), 0), "収入未済額": unpaid[n]} for n in names]
    rows += [{"税目・科目": n, "収益科目": "税収等", "区分": "滞納繰越", "調定額": a, "収入済額": got.get((n, "滞納繰越"), 0),
              "不納欠損額": loss} for n, a, loss in zip(arrears, assessed, losses, strict=True)]
    return {"未収金・長期延滞債権": rows}


# 長期延滞債権's 不納欠損 in the five years before the demo: (year, 不納欠損額, 基準額 = the 滞納繰越分
# 調定); the rates are 14%, 16%, 15%, 13% and 17%, 15% on average
ARREARS_HISTORY = ((2019, 42 * M, 300 * M), (2020, 48 * M, 300 * M), (2021, 45 * M, 300 * M),
                   (2022, 39 * M, 300 * M), (2023, 51 * M, 300 * M))
RECEIVABLE_RATE = "2%"  # 未収金 (現年度分): a rate the 団体 sets (no write-off history of its own)


def doubtful_rows(y: DemoYear) -> Rows:
    """徴収不能引当金: 長期延滞債権 at the average 不納欠損率 of the last five years (the demo's
    own years added as they pass: the 滞納繰越分 written off against what it started with),
    未収金 at :data:`RECEIVABLE_RATE`; the balances are the books' after the receivables item."""
    history = list(ARREARS_HISTORY)
    if y.fy > city.FIRST_YEAR:  # the first demo year's own write-off, against its 滞納繰越分 調定
        first = dict(city.opening_rows(city.FIRST_YEAR))
        history.append((city.FIRST_YEAR, city.WRITE_OFF, first[A["未収金"]] + first[A["長期延滞債権"]]))
    return {
        "徴収不能引当金": [{"債権区分": "長期延滞債権"}, {"債権区分": "未収金", "徴収不能率": RECEIVABLE_RATE}],
        "不納欠損実績": [{"債権区分": "長期延滞債権", "年度": yr, "不納欠損額": loss, "基準額": base}
                   for yr, loss, base in history],
    }


def bonds_rows(y: DemoYear) -> Rows:
    """地方債: the register of the year (:func:`kokai.demo.city_bonds.register`), one row per bond."""
    from kokai.core.closing import bonds as item

    rows = []
    for r in city_bonds.register(y.fy):
        b = r.bond
        rows.append({
            item.NO: b.no, item.LENDER: city_bonds.LENDER[b.lender], item.KIND: city_bonds.KIND[b.purpose],
            item.NAME: f"{city._wareki_fy(b.issued_fy)} {b.purpose}", item.BORROWED_ON: b.borrowed_on,
            item.ORIGINAL: b.original, item.RATE_COL: b.rate, item.RATE_KIND: "固定金利", item.METHOD: "元金均等",
            item.OPENING: r.opening, item.BORROWED: r.borrowed, item.REPAID: r.repaid, item.CLOSING: r.closing,
            item.DUE_1Y: r.due_next, item.LAST_YEAR: b.last_fy, item.RINZAI_FLAG: b.purpose == item.RINZAI,
        })
    return {item.BONDS: rows}


WELFARE_LOAN = 40 * M  # 社会福祉協議会への福祉資金原資貸付金: no repayment yet
SCHOLARSHIP_DUE = 10 * M  # 奨学金: next year's collections (two of 5,000,000)


def loans_rows(y: DemoYear) -> Rows:
    """貸付金: the 奨学金 (what the year started with, less the 福祉資金 loan, plus the year's
    奨学金 lent less collected, from the cash records; 10,000,000 due next year) and the
    社会福祉協議会's loan. The 預託金 lent on 4/1 and repaid on 3/31 leaves nothing."""
    lent = sum(r[16] for r in y.records if r[2] == "歳出" and r[9] == 20 and "奨学金" in r[20])
    back = sum(r[16] for r in y.records if r[2] == "歳入" and r[3] == 21 and r[5] == 3 and "奨学金" in r[20])
    start = y.opening[A["長期貸付金"]] + y.opening[A["短期貸付金"]]
    return {"貸付金台帳": [
        {"貸付先": "奨学生", "名称": "奨学金貸付金", "本年度末残高": start - WELFARE_LOAN + lent - back,
         "うち1年内回収予定額": SCHOLARSHIP_DUE},
        {"貸付先": "デモ市社会福祉協議会", "名称": "福祉資金原資貸付金", "本年度末残高": WELFARE_LOAN, "うち1年内回収予定額": 0},
    ]}


# the funds at the start of the first demo year (the opening balance sheet's 基金 lines, by fund)
FUNDS_OPENING = {
    "財政調整基金": ("財政調整基金", 2_503_120_000),
    "減債基金": ("減債基金", 1_100_000_000),
    "公共施設整備基金": ("その他特定目的基金", 1_500_000_000),
    "ふるさと応援基金": ("その他特定目的基金", 312_680_000),
    "地域福祉基金": ("その他特定目的基金", 400_000_000),
    "奨学基金": ("その他特定目的基金", 200_000_000),
}


def _fund_moves(fy: int) -> dict[str, int]:
    """Net 積立 − 取崩 per fund over the demo years up to ``fy`` (city.FUND_DEPOSITS / FUND_DRAWS)."""
    years = fy - city.FIRST_YEAR + 1
    out = dict.fromkeys(FUNDS_OPENING, 0)
    for sign, vouchers in ((1, city.FUND_DEPOSITS), (-1, city.FUND_DRAWS)):
        for _when, memo, _line, amount in vouchers:
            out[memo.split()[0]] += sign * amount * years
    return out


def funds_rows(y: DemoYear) -> Rows:
    """基金: each fund's year-end balance; the 減債基金's 1年内取崩予定額 is next year's 繰入金."""
    moves = _fund_moves(y.fy)
    draw = sum(a for _w, memo, _l, a in city.FUND_DRAWS if memo.startswith("減債基金"))
    return {"基金台帳": [
        {"基金名": name, "種類": kind, "年度末残高": amount + moves[name],
         "うち1年内取崩予定額": draw if kind == "減債基金" else None}
        for name, (kind, amount) in FUNDS_OPENING.items()
    ]}


# 投資及び出資金: the listed shares' year-end 時価 (帳簿価額 is last year's), and the 出資金 at the
# start of the demo (the opening balance sheet's 有価証券 52,000,000 and 出資金 1,108,450,000)
SHARES_FAIR = {2023: 52_000_000, 2024: 54_600_000, 2025: 53_100_000}
SEWER = "デモ市下水道事業会計"
TOURISM_NET = {2024: 48_333_334, 2025: 55_000_000}  # デモ市観光開発㈱'s 資産 − 負債


def investments_rows(y: DemoYear) -> Rows:
    """投資及び出資金: デモ電力㈱ shares at 時価 (the change to 資産評価差額); the 出資金 — the
    下水道事業会計 grows by the year's 出資金 (50,000,000 a year, city's voucher), デモ市観光開発㈱
    (連結対象, 60% of 100,000,000) has fallen to a 実質価額 of 29,000,000 in 2024 (投資損失引当金
    31,000,000, as opened) and recovers to 33,000,000 in 2025; the others hold their value."""
    years = y.fy - city.FIRST_YEAR + 1
    sewer = 800 * M + 50 * M * years
    fair = SHARES_FAIR.get(y.fy, SHARES_FAIR[max(SHARES_FAIR)])
    book = SHARES_FAIR.get(y.fy - 1, SHARES_FAIR[max(SHARES_FAIR)])
    net = TOURISM_NET.get(y.fy, TOURISM_NET[max(TOURISM_NET)])
    return {"投資及び出資金台帳": [
        {"相手先・銘柄": "デモ電力㈱ 株式", "市場価格": "あり", "科目": "有価証券", "株数・口数": 20_000,
         "取得価額・出資金額": 40 * M, "帳簿価額": book, "時価": fair},
        {"相手先・銘柄": SEWER, "市場価格": "なし", "科目": "出資金", "連結対象": True, "取得価額・出資金額": sewer,
         "帳簿価額": sewer, "実質価額": sewer},
        {"相手先・銘柄": "デモ市観光開発㈱", "市場価格": "なし", "科目": "出資金", "連結対象": True,
         "取得価額・出資金額": 60 * M, "帳簿価額": 60 * M, "資産": 180 * M + net, "負債": 180 * M,
         "資本金・出資総額": 100 * M},
        {"相手先・銘柄": "デモ市土地開発公社", "市場価格": "なし", "科目": "出資金", "連結対象": True,
         "取得価額・出資金額": 5 * M, "帳簿価額": 5 * M, "資産": 1_250 * M, "負債": 1_220 * M, "資本金・出資総額": 5 * M},
        {"相手先・銘柄": "公益財団法人デモ市地域振興財団", "市場価格": "なし", "科目": "出資金",
         "取得価額・出資金額": 200 * M, "帳簿価額": 200 * M, "資産": 320 * M, "負債": 30 * M, "資本金・出資総額": 250 * M},
        {"相手先・銘柄": "地方公共団体金融機構", "市場価格": "なし", "科目": "出資金", "取得価額・出資金額": 23_450_000,
         "帳簿価額": 23_450_000, "実質価額": 23_450_000},
        {"相手先・銘柄": "県信用保証協会（出えん金）", "市場価格": "なし", "科目": "出資金", "取得価額・出資金額": 20 * M,
         "帳簿価額": 20 * M, "実質価額": 20 * M},
    ]}


FILLERS: dict[str, Callable[[DemoYear], Rows]] = {
    "bonus": bonus_rows,
    "retirement": retirement_rows,
    "receivables": receivables_rows,
    "doubtful": doubtful_rows,
    "bonds": bonds_rows,
    "loans": loans_rows,
    "funds": funds_rows,
    "investments": investments_rows,
}


def active() -> tuple[str, ...]:
    """The keys of the closing items the demo books through ``kokai close``, in run order."""
    from kokai.core.closing import items

    return tuple(m.KEY for m in items() if m.KEY in FILLERS)


def hand_memos() -> tuple[str, ...]:
    """The memo prefixes of the hand journals the active items replace."""
    return tuple(memo for key in active() for memo in HAND_MEMOS.get(key, ()))


def rows_for(year: DemoYear) -> dict[str, Rows]:
    """item key → its rows, for every active item."""
    return {key: FILLERS[key](year) for key in active()}


def _cell(value: object) -> object:
    if isinstance(value, bool):
        return "○" if value else None
    if isinstance(value, Decimal):
        return float(value)  # read back as its shortest text (kokai.closing.template_xlsx)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    return value


def fill_template(src: Path, dst: Path, rows: Mapping[str, Rows]) -> dict[str, int]:
    """Write ``rows`` (item key → sheet → rows) into an exported template, as staff would:
    each of those sheets is cleared below its header and filled; the sheets of every other
    item are removed, so importing the file leaves those items alone. Returns sheet → rows."""
    import openpyxl

    from kokai.core.closing import items

    wb = openpyxl.load_workbook(src)
    wanted = {name: sheet for by_sheet in rows.values() for name, sheet in by_sheet.items()}
    filled = {}
    for m in items():
        for s in m.SHEETS:
            if s.name not in wb.sheetnames:
                continue
            ws = wb[s.name]
            if m.KEY not in rows or s.name not in wanted:
                wb.remove(ws)
                continue
            if ws.max_row > 1:
                ws.delete_rows(2, ws.max_row - 1)
            col = {str(c.value).removesuffix("（必須）"): c.column for c in ws[1] if c.value}
            for r, row in enumerate(wanted[s.name], start=2):
                for header, value in row.items():
                    if header not in col:
                        raise KeyError(f"{s.name}: 列「{header}」がありません")
                    ws.cell(r, col[header]).value = _cell(value)
            filled[s.name] = len(wanted[s.name])
    wb.save(dst)
    return filled
