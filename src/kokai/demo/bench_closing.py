"""Closing inputs for the benchmark city (``kokai bench --close``): every closing item's sheets
filled with prefecture-sized figures that fit the benchmark's ledger, so that ``kokai close``
books every item the ledger allows.

The figures are read off the ledger before closing (:func:`kokai.closing.services._balances`)
and split over registers of a prefecture's size with a fixed seed: ~2,000 bonds whose year-end
total is the books' 地方債 + 1年内償還予定地方債 and whose repayments are the year's
地方債償還支出, ~250 funds summing to the 基金 lines, ~300 loans to 貸付金, ~50 revenue classes
whose receipts are the revenue the cash conversion booked, 200 所属 for the provisions.

A register item is left empty (and said so) when the ledger gives it nothing to tie to: no
基金, 貸付金 or 投資及び出資金 on the books, or a 地方債 total that is negative (the year's
repayments exceed the opening debt), which no register of non-negative balances can match.
Likewise 滞納繰越 rows need receivables on the books, and 未払金等（前年度分） last year's
balances. Pure Python apart from the balances; openpyxl fills the exported template.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from pathlib import Path

from kokai.core.closing import bonds as B
from kokai.core.closing import funds as F
from kokai.core.closing import investments as I
from kokai.core.closing import loans as L

Rows = dict[str, list[dict[str, object]]]  # sheet → rows (column header → value)
Balance = Callable[[str], int]  # account path → signed balance (debit +) before closing

SALARIES = "PL/経常費用/業務費用/人件費/職員給与費"
SUPPLIES = "PL/経常費用/業務費用/物件費等/物件費"
REPAIRS = "PL/経常費用/業務費用/物件費等/維持補修費"
INTEREST = "PL/経常費用/業務費用/その他の業務費用/支払利息"
FEES = "PL/経常収益/使用料及び手数料"
RECEIVABLE, LONG_ARREARS = "BS/流動資産/未収金", "BS/固定資産/投資その他の資産/長期延滞債権"

BUREAUS = ("総務局", "企画局", "財政局", "市民局", "福祉局", "健康局", "こども局", "環境局", "経済局", "農林局",
           "建設局", "都市局", "港湾局", "消防局", "教育委員会", "議会事務局", "選挙管理委員会", "監査事務局")
SECTIONS = ("総務課", "企画課", "管理課", "第一課", "第二課", "第三課", "調整課", "指導課", "施設課", "事業課",
            "振興課", "保全課")
TAXES = ("個人市民税", "法人市民税", "固定資産税", "都市計画税", "軽自動車税（種別割）", "軽自動車税（環境性能割）",
         "市たばこ税", "入湯税", "事業所税", "特別土地保有税", "鉱産税", "宿泊税")
TRANSFERS = ("地方交付税", "地方譲与税", "地方消費税交付金", "利子割交付金", "配当割交付金", "株式等譲渡所得割交付金",
             "法人事業税交付金", "環境性能割交付金", "地方特例交付金", "交通安全対策特別交付金")
CHARGES = ("道路占用料", "市営住宅使用料", "市営住宅駐車場使用料", "保育所保育料", "放課後児童クラブ利用料", "公園使用料",
           "体育施設使用料", "文化施設使用料", "行政財産使用料", "河川占用料", "霊園使用料", "戸籍手数料", "住民票手数料",
           "印鑑証明手数料", "税務証明手数料", "廃棄物処理手数料", "屋外広告物手数料", "建築確認手数料")
SUBSIDIES = ("生活保護費負担金", "児童福祉費負担金", "障害者自立支援給付費負担金", "社会資本整備総合交付金",
             "学校施設環境改善交付金", "県社会福祉費補助金", "県衛生費補助金", "県農林水産業費補助金", "県委託金")
LOAN_KINDS = (("中小企業制度融資預託", 100), ("社会福祉法人施設整備資金", 8), ("奨学金", 6), ("災害援護資金", 10),
              ("住宅新築資金等", 7), ("土地開発公社運営資金", 20))


def split(total: int, weights: Sequence[int]) -> list[int]:
    """``total`` yen over ``weights`` in whole yen, summing exactly (the rest on the largest)."""
    w = sum(weights)
    parts = [total * x // w for x in weights]
    parts[max(range(len(weights)), key=weights.__getitem__)] += total - sum(parts)
    return parts


def departments() -> list[str]:
    return [f"{b}{s}" for b in BUREAUS for s in SECTIONS][:200]


def bonus(bal: Balance, rnd: random.Random) -> Rows:
    """June's 期末・勤勉手当 ≈ 13.4 % of the year's 職員給与費 (2.2 of 16.4 months), by 所属."""
    depts = departments()
    staff = [rnd.randint(5, 400) for _ in depts]
    amounts = split(bal(SALARIES) * 134 // 1000, staff)
    rows = []
    for i, (d, n, a) in enumerate(zip(depts, staff, amounts, strict=True)):
        row = {"区分": d, "人数": n, "期末・勤勉手当見込額": a}
        row.update({"法定福利費見込額": a * 165 // 1000} if i % 10 == 9 else {"法定福利費率": 0.165})
        rows.append(row)
    return {"賞与等引当金": rows}


def retirement(bal: Balance, rnd: random.Random) -> Rows:
    """期末自己都合要支給額 per 所属 (一般職) and for the 特別職; 給料月額 scaled to 職員給与費."""
    depts = departments()
    staff = [rnd.randint(5, 400) for _ in depts]
    monthly = bal(SALARIES) // (16 * sum(staff))
    rows = []
    for i, (d, n) in enumerate(zip(depts, staff, strict=True)):
        salary, months = monthly * n, f"{rnd.uniform(8, 42):.3f}"
        row = {"職員区分": "一般職", "氏名・区分": d, "人数": n}
        row.update({"給料月額": salary, "支給率": months} if i % 2 else
                   {"期末自己都合要支給額": salary * int(float(months) * 1000) // 1000})
        rows.append(row)
    for name, salary, months in (("市長", 1_170_000, "14.40"), ("副市長（1）", 950_000, "10.80"),
                                 ("副市長（2）", 950_000, "7.20"), ("教育長", 780_000, "9.00"),
                                 ("常勤監査委員", 650_000, "5.40")):
        rows.append({"職員区分": "特別職", "氏名・区分": name, "人数": 1, "給料月額": salary, "支給率": months})
    return {"退職手当引当金": rows}


def receivables(bal: Balance, rnd: random.Random) -> Rows:
    """現年 rows whose 収入済額 are the revenue the conversion booked (税収等, 国県等補助金,
    使用料及び手数料), with 1–3 % unpaid and a little 不納欠損; 滞納繰越 rows only when the books
    hold 未収金 or 長期延滞債権 (their 調定 is that balance; receipts, booked as revenue by the
    bench's conversion, are moved back by the item)."""
    arrears_books = bal(RECEIVABLE) + bal(LONG_ARREARS)
    groups = (("税収等", TAXES, 20, True), ("税収等", TRANSFERS, 0, False), ("使用料及び手数料", CHARGES, 30, True),
              ("国県等補助金", SUBSIDIES, 0, False))
    revenue = {"税収等": -bal("NW/財源/税収等"), "国県等補助金": -bal("NW/財源/国県等補助金"), "使用料及び手数料": -bal(FEES)}
    classes = [(acc, name, unpaid, arrears) for acc, names, unpaid, arrears in groups for name in names
               if revenue[acc] > 0]
    weights = [rnd.randint(1, 100) for _ in classes]
    owed = [w if c[3] else 0 for w, c in zip(weights, classes, strict=True)]
    arrears = split(arrears_books, owed) if arrears_books > 0 and any(owed) else [0] * len(classes)
    got = [0] * len(classes)  # 滞繰 receipts, within the revenue the conversion booked
    for acc in revenue:
        idx = [k for k, c in enumerate(classes) if c[0] == acc and arrears[k]]
        back = min(revenue[acc] // 10, sum(arrears[k] // 4 for k in idx))
        for k, amount in zip(idx, split(back, [arrears[k] for k in idx]) if back else [], strict=False):
            got[k] = amount
    parts = {acc: iter(split(revenue[acc] - sum(g for g, c in zip(got, classes, strict=True) if c[0] == acc),
                             [w for w, c in zip(weights, classes, strict=True) if c[0] == acc]))
             for acc in revenue if revenue[acc] > 0}
    current, late = [], []
    for k, (acc, name, unpaid_pm, _a) in enumerate(classes):
        received = next(parts[acc])
        unpaid, loss = received * unpaid_pm // 1000, received * (unpaid_pm // 10) // 1000
        current.append({"税目・科目": name, "収益科目": acc, "区分": "現年", "調定額": received + unpaid + loss,
                        "収入済額": received, "不納欠損額": loss or None, "収入未済額": unpaid})
        if arrears[k]:
            loss_a = (arrears[k] - got[k]) // 20
            late.append({"税目・科目": name, "収益科目": acc, "区分": "滞納繰越", "調定額": arrears[k], "収入済額": got[k],
                         "不納欠損額": loss_a, "収入未済額": arrears[k] - got[k] - loss_a, "滞繰収入の仕訳": "収益"})
    return {"未収金・長期延滞債権": current + late}


def doubtful(bal: Balance, rnd: random.Random, estimates: dict[str, int]) -> Rows:
    """One row per class with a balance (its balance read from the ledger after the items
    before it), the rate from five years of 不納欠損実績 around 0.5–3 %."""
    rows, history = [], []
    for cls, estimate in estimates.items():
        if estimate <= 0:
            continue
        rows.append({"債権区分": cls})
        for year in range(2020, 2025):
            base = max(1, estimate * rnd.randint(90, 110) // 100)
            history.append({"債権区分": cls, "年度": year, "不納欠損額": base * rnd.randint(5, 30) // 1000, "基準額": base})
    return {"徴収不能引当金": rows, "不納欠損実績": history} if rows else {}


def payables(bal: Balance, rnd: random.Random) -> Rows:
    """This year's 未払金 (物件費・維持補修費, ~4 % of 物件費), 未払費用 (支払利息) and 前受金
    (~1 % of 使用料及び手数料); last year's rows (前年度分) are what the books hold on those lines."""
    supplies, fees = bal(SUPPLIES), -bal(FEES)
    plan = [("未払金", f"{m}月分 {what}", acc, supplies * 4 // 100 // 400)
            for i, (m, what, acc) in enumerate([(3, "委託料", SUPPLIES), (3, "光熱水費", SUPPLIES), (3, "修繕料", REPAIRS),
                                                (2, "需用費", SUPPLIES)] * 100) if supplies > 0 and i < 400]
    plan += [("未払費用", f"地方債利子 第{i + 1}回（経過分）", INTEREST, supplies * 2 // 1000 // 30)
             for i in range(30) if supplies > 0]
    plan += [("前受金", f"4月分 {CHARGES[i % len(CHARGES)]}の前納", FEES, fees // 100 // 50) for i in range(50) if fees > 0]
    now = [{"区分": kind, "内容": what, "相手先": f"取引先{i + 1:04d}", "科目": acc,
            "金額": max(1, each * rnd.randint(20, 180) // 100)} for i, (kind, what, acc, each) in enumerate(plan)]
    last = []  # what the books hold is last year's 未払金等, reversed this year (洗替)
    for kind, (acc, what, n) in {"未払金": (SUPPLIES, "3月分 委託料", 400), "未払費用": (INTEREST, "地方債利子（経過分）", 30),
                                 "前受金": (FEES, "4月分 使用料の前納", 50),
                                 "前受収益": ("PL/経常収益/その他", "4月分 貸付料の前受", 10)}.items():
        held = -bal(f"BS/流動負債/{kind}")
        if held > 0:
            for i, amount in enumerate(split(held, [rnd.randint(20, 180) for _ in range(n)])):
                last.append({"区分": kind, "内容": f"前年度 {what}", "相手先": f"取引先{i + 1:04d}", "科目": acc,
                             "金額": amount})
    return {"未払金等（本年度）": now, "未払金等（前年度分）": last}


def bonds(bal: Balance, rnd: random.Random, fy: int, n: int = 2_000) -> tuple[Rows, str]:
    """~2,000 bonds: old ones carry the books' total less this year's issues and split the
    year's 地方債償還支出 in proportion to their annual installment; new ones are this year's
    地方債発行収入. Every other bond has its 償還予定 by period band."""
    total = -bal(B.LONG) - bal(B.CURRENT)
    repaid, issued = -bal(B.CF_REPAY), bal(B.CF_ISSUE)
    if total <= 0 or total < issued:
        return {}, (f"地方債: 帳簿の地方債＋1年内償還予定地方債が {total:,}円（本年度の償還 {repaid:,}円 が開始残高を超えています）"
                    "で、残高が0以上の台帳では一致させられないため入力しません")
    new = n // 25 if issued else 0
    old = []
    for i in range(n - new):
        year = rnd.randint(1995, fy - 1)
        last = max(year + rnd.choice((10, 15, 20, 25, 30)), fy + 2)
        bullet = i % 20 == 7
        old.append((i, year, last, bullet, rnd.randint(1, 100) * (last - fy)))
    closing = split(total - issued, [w for *_x, w in old])
    repay = split(repaid, [0 if b else c // (last - fy) + 1 for (_i, _y, last, b, _w), c in zip(old, closing, strict=True)])
    rows, sched = [], []
    for (i, year, last, bullet, _w), c, r in zip(old, closing, repay, strict=True):
        rinzai = i % 3 == 0 and year >= 2001
        due = 0 if bullet else c // (last - fy)
        rate = round(max(0.001, 0.035 - (year - 1995) * 0.0011 + rnd.uniform(-0.003, 0.003)), 4)
        rows.append(_bond(f"B{i + 1:05d}", year, B.LENDERS[4] if bullet else B.LENDERS[i % 4],
                          B.RINZAI if rinzai else B.KINDS_NORMAL[i % 6], rate, "満期一括" if bullet else B.METHODS[i % 2],
                          c + r, 0, r, c, due, last, rnd, clause=i % 97 == 0))
        if i % 2 == 0 and not bullet and c - due:
            sched.append({B.NO: f"B{i + 1:05d}", **_bands(c - due, last - fy)})
    for j, amount in enumerate(split(issued, [rnd.randint(1, 100) for _ in range(new)]) if new else []):
        rows.append(_bond(f"N{j + 1:05d}", fy, B.LENDERS[j % 3], B.KINDS_NORMAL[j % 5], 0.009, "元利均等",
                          0, amount, 0, amount, 0, fy + 20, rnd))
    return {B.BONDS: rows, B.SCHEDULE: sched}, ""


def _bond(no, year, lender, kind, rate, method, opening, borrowed, repaid, closing, due, last, rnd, clause=False):
    return {B.NO: no, B.LENDER: lender, B.KIND: kind, B.NAME: f"{year}年度 {kind}", B.BORROWED_ON: dt.date(year + 1, 3, 25),
            B.ORIGINAL: max(opening, borrowed) * rnd.randint(100, 200) // 100, B.RATE_COL: rate,
            B.RATE_KIND: "変動金利" if no.endswith("3") else "固定金利", B.METHOD: method, B.OPENING: opening,
            B.BORROWED: borrowed, B.REPAID: repaid, B.CLOSING: closing, B.DUE_1Y: due, B.LAST_YEAR: last,
            B.RINZAI_FLAG: "○" if kind == B.RINZAI else None,
            B.CLAUSE: "繰上償還には貸主の承認を要する" if clause else None}


def _bands(rest: int, years: int) -> dict[str, int]:
    """``rest`` repaid evenly over years 2 … ``years`` after the closing year, by period band."""
    out = dict.fromkeys(B.LATER_BANDS, 0)
    if years < 2:
        return out
    each = rest // (years - 1)
    for k in range(2, years + 1):
        label = next(lb for lb, end in B.PERIOD_BANDS[1:] if end is None or k <= end)
        out[label] += each if k < years else rest - each * (years - 2)
    return out


def loans(bal: Balance, rnd: random.Random, n: int = 300) -> tuple[Rows, str]:
    total = bal(L.LONG) + bal(L.SHORT)
    if total <= 0:
        return {}, f"貸付金: 帳簿の長期貸付金＋短期貸付金が {total:,}円 のため貸付金台帳は入力しません"
    kinds = [LOAN_KINDS[i % len(LOAN_KINDS)] for i in range(n)]
    balances = split(total, [rnd.randint(1, 100) * (5 if k[1] == 100 else 1) for k in kinds])
    rows = [{L.BORROWER: f"{kind}（{i // len(LOAN_KINDS) + 1}号）", L.NAME: kind, L.BALANCE: b,
             L.DUE_1Y: b * pct // 100} for i, ((kind, pct), b) in enumerate(zip(kinds, balances, strict=True))]
    return {L.LOANS: rows}, ""


def funds(bal: Balance, rnd: random.Random, n: int = 250) -> tuple[Rows, str]:
    total = sum(bal(line) for line in F.LINES)
    if total <= 0:
        return {}, f"基金: 帳簿の基金が {total:,}円 のため基金台帳は入力しません"
    weights = [35_000, 15_000, 10_000] + [rnd.randint(1, 160) for _ in range(n - 3)]
    rows = []
    for i, amount in enumerate(split(total, weights)):
        kind = F.ADJUSTMENT if i == 0 else F.REDEMPTION if i < 3 else F.OTHER
        name = "財政調整基金" if i == 0 else ("減債基金（定時償還分）", "減債基金（満期一括償還分）")[i - 1] if i < 3 else \
            f"特定目的基金 第{i - 2}号"
        row = {F.NAME: name, F.KIND: kind, F.BALANCE: amount, F.DRAW_1Y: amount // 10 if kind == F.REDEMPTION else None,
               F.REGISTER_AMOUNT: amount}
        if i % 5 == 0:
            row.update({"現金預金": amount - amount * 3 // 10, "有価証券": amount * 3 // 10, "土地": 0, "その他": 0})
        rows.append(row)
    return {F.FUNDS: rows}, ""


def investments(bal: Balance, rnd: random.Random) -> tuple[Rows, str]:
    """Listed holdings (有価証券) at 時価 85–125 % of book; unlisted (出資金, その他) with their
    counterparty's figures, one in ten fallen by 70 % (a provision if consolidated, else a
    write-down)."""
    books = {acc: bal(path) for acc, path in I.LINES.items()}
    if all(v <= 0 for v in books.values()):
        return {}, "投資及び出資金: 帳簿の有価証券・出資金・その他がいずれも0のため台帳は入力しません"
    rows = []
    for acc, count in (("有価証券", 40), ("出資金", 150), ("その他", 10)):
        if books[acc] <= 0:
            continue
        for i, book in enumerate(split(books[acc], [rnd.randint(1, 100) for _ in range(count)])):
            row = {I.NAME: f"{acc} 第{i + 1}号", I.ACCOUNT: acc, I.BOOK: book}
            if acc == "有価証券":
                row.update({I.MARKET: I.LISTED, I.UNITS: rnd.randint(1, 500) * 1000, I.COST: book * 9 // 10,
                            I.FAIR: book * rnd.randint(85, 125) // 100})
            else:
                capital = book * rnd.randint(2, 20)
                net = capital * (3 if i % 10 == 4 else rnd.randint(10, 15)) // 10
                row.update({I.MARKET: I.UNLISTED, I.COST: book, I.CONSOLIDATED: "○" if i % 4 == 0 else None,
                            I.ASSETS: net * 3, I.LIABILITIES: net * 2, I.CAPITAL: capital})
            rows.append(row)
    return {I.HOLDINGS: rows}, ""


def guarantees(bal: Balance, rnd: random.Random, n: int = 30) -> Rows:
    scale = max(bal(SALARIES), 1_000_000_000)
    rows = []
    for i in range(n):
        total = scale * rnd.randint(1, 40) // 1000
        fixed = total // 20 if i % 10 == 3 else 0
        rows.append({"相手先": f"第三セクター{i + 1:02d}（公社・株式会社）", "内容": "金融機関からの借入金",
                     "区分": "債務保証" if i % 4 == 0 else "損失補償", "債務総額": total, "確定債務額": fixed or None,
                     "うち本年度確定額": fixed or None, "将来負担額算入額": (total - fixed) // 10 if i % 3 == 0 else 0})
    return {"損失補償等台帳": rows}


def closing_rows(bal: Balance, fy: int) -> tuple[dict[str, Rows], list[str]]:
    """item key → sheet → rows, and a note for each item or sheet left empty."""
    rnd = random.Random(fy)
    out: dict[str, Rows] = {"bonus": bonus(bal, rnd), "retirement": retirement(bal, rnd)}
    notes = ["退職手当引当金: 退職手当の支払（費用計上分）はベンチの仕訳にないため入力しません"]
    out["receivables"] = receivables(bal, rnd)
    held = bal(RECEIVABLE) + bal(LONG_ARREARS)
    if not out["receivables"]["未収金・長期延滞債権"]:
        notes.append("未収金: 帳簿に税収等・国県等補助金・使用料及び手数料の収入がないため入力しません")
    elif not any(r["区分"] == "滞納繰越" for r in out["receivables"]["未収金・長期延滞債権"]):
        notes.append(f"未収金: 帳簿の未収金＋長期延滞債権が {held:,}円 のため滞納繰越分の行は入力しません（現年度分のみ）")
    out["loans"], note = loans(bal, rnd)
    notes += [note] if note else []
    current = [r for r in out["receivables"]["未収金・長期延滞債権"] if r["区分"] == "現年"]
    late = [r for r in out["receivables"]["未収金・長期延滞債権"] if r["区分"] == "滞納繰越"]
    loan_rows = out["loans"].get(L.LOANS, [])
    out["doubtful"] = doubtful(bal, rnd, {
        "未収金": sum(r["収入未済額"] for r in current), "長期延滞債権": sum(r["収入未済額"] for r in late),
        "長期貸付金": sum(r[L.BALANCE] - r[L.DUE_1Y] for r in loan_rows), "短期貸付金": sum(r[L.DUE_1Y] for r in loan_rows)})
    out["payables"] = payables(bal, rnd)
    if not out["payables"]["未払金等（前年度分）"]:
        notes.append("未払金等: 帳簿に前年度末の未払金・未払費用・前受金・前受収益がないため前年度分（洗替）は入力しません")
    for key, fill in (("bonds", lambda: bonds(bal, rnd, fy)), ("funds", lambda: funds(bal, rnd)),
                      ("investments", lambda: investments(bal, rnd))):
        out[key], note = fill()
        notes += [note] if note else []
    out["guarantees"] = guarantees(bal, rnd)
    return {k: v for k, v in out.items() if any(v.values())}, notes


def write_rows(path: Path, rows: dict[str, Rows]) -> dict[str, int]:
    """Each filled sheet of the exported template cleared below its header and written;
    the other sheets are left as they are. Returns sheet → rows written."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    written = {}
    for by_sheet in rows.values():
        for name, sheet_rows in by_sheet.items():
            if not sheet_rows:
                continue
            ws = wb[name]
            if ws.max_row > 1:
                ws.delete_rows(2, ws.max_row - 1)
            col = {str(c.value).removesuffix("（必須）"): c.column for c in ws[1] if c.value}
            for r, row in enumerate(sheet_rows, start=2):
                for header, value in row.items():
                    if value is not None:
                        ws.cell(r, col[header]).value = value
            written[name] = len(sheet_rows)
    wb.save(path)
    return written


def fill_closing_template(lg, path: Path, *, fiscal_year: int = 2024) -> int:
    """Fill the exported template in place from the ledger of ``lg`` before closing; print
    what was left out and why; return the rows written."""
    from kokai.closing.services import _balances
    from kokai.ledger.masters import chart_for

    chart = chart_for(lg)
    now, _before = _balances(lg, fiscal_year, chart)

    def bal(ref: str) -> int:
        return now.get(chart.resolve(ref).code, 0)

    rows, notes = closing_rows(bal, fiscal_year)
    written = write_rows(path, rows)
    print(f"決算整理の入力シート: {len(written)} シート {sum(written.values()):,} 行（"
          + "、".join(f"{k} {v:,}" for k, v in written.items()) + "）")
    for note in notes:
        print(f"  {note}")
    return sum(written.values())
