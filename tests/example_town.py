"""A worked example: a small town's opening balance sheet and one year of entries, with
every expected figure worked out by hand (see test_statements.py)."""

from __future__ import annotations

import datetime as dt

from kokai.core.journal import Kind

from .conftest import entry

T = "BS/固定資産/有形固定資産"
OPENING = [  # printed amounts, contra lines negative
    (f"{T}/事業用資産/土地", 5_000),
    (f"{T}/事業用資産/建物", 10_000),
    (f"{T}/事業用資産/建物減価償却累計額", -4_000),
    (f"{T}/インフラ資産/工作物", 20_000),
    (f"{T}/インフラ資産/工作物減価償却累計額", -8_000),
    ("BS/固定資産/投資その他の資産/長期貸付金", 500),
    ("BS/流動資産/現金預金", 800),  # 歳計現金 (資金)
    ("BS/流動資産/現金預金/歳計外現金", 100),
    ("BS/流動資産/未収金", 200),
    ("BS/流動資産/基金/財政調整基金", 1_500),
    ("BS/固定負債/地方債", 6_000),
    ("BS/流動負債/1年内償還予定地方債", 600),
    ("BS/固定負債/退職手当引当金", 1_200),
    ("BS/流動負債/預り金", 100),
    # 固定資産 24,500 (5,000 + 10,000 − 4,000 + 20,000 − 8,000 + 500) + 基金 1,500
    ("BS/固定資産等形成分", 25_000),
    # 純資産 18,200 (資産 26,100 − 負債 7,900) − 25,000
    ("BS/余剰分（不足分）", -6_800),
]

PL_ = "PL/経常費用/業務費用"
CF_B = "CF/業務活動収支"
CF_I = "CF/投資活動収支"
CF_F = "CF/財務活動収支"
YEAR = [
    ("1", (f"{PL_}/人件費/職員給与費", 3_000), (f"{CF_B}/業務支出/業務費用支出/人件費支出", -3_000)),
    ("2", (f"{CF_B}/業務収入/税収等収入", 4_500), ("NW/財源/税収等", -4_500)),
    ("3", (f"{CF_B}/業務収入/国県等補助金収入", 1_000), ("NW/財源/国県等補助金", -1_000)),
    ("4", (f"{T}/インフラ資産/工作物", 2_000), (f"{CF_I}/投資活動支出/公共施設等整備費支出", -2_000)),
    ("5", (f"{CF_I}/投資活動収入/国県等補助金収入", 800), ("NW/財源/国県等補助金", -800)),
    ("6", (f"{CF_F}/財務活動収入/地方債発行収入", 1_000), ("BS/固定負債/地方債", -1_000)),
    ("7", ("BS/流動負債/1年内償還予定地方債", 600), (f"{CF_F}/財務活動支出/地方債償還支出", -600)),
    ("8", (f"{PL_}/その他の業務費用/支払利息", 60), (f"{CF_B}/業務支出/業務費用支出/支払利息支出", -60)),
    ("9", ("BS/流動資産/基金/財政調整基金", 300), (f"{CF_I}/投資活動支出/基金積立金支出", -300)),
    ("10", (f"{PL_}/物件費等/減価償却費", 900), (f"{T}/事業用資産/建物減価償却累計額", -300),
     (f"{T}/インフラ資産/工作物減価償却累計額", -600)),
    ("11", ("BS/固定負債/退職手当引当金", 150), (f"{CF_B}/業務支出/業務費用支出/人件費支出", -150)),
    ("12", (f"{PL_}/人件費/退職手当引当金繰入額", 100), ("BS/固定負債/退職手当引当金", -100)),
    ("13", (f"{T}/事業用資産/土地", 250), ("NW/無償所管換等", -250)),  # land donated to the town
    ("14", (f"{T}/事業用資産/建物減価償却累計額", 1_000), ("PL/臨時損失/資産除売却損", 200),
     (f"{T}/事業用資産/建物", -1_200)),  # a building retired at book value 200
    ("15", ("BS/固定負債/地方債", 650), ("BS/流動負債/1年内償還予定地方債", -650)),
    ("16", ("CF/本年度歳計外現金増減額", 30), ("BS/流動負債/預り金", -30)),
    ("17", (f"{CF_B}/業務収入/使用料及び手数料収入", 400), ("PL/経常収益/使用料及び手数料", -400)),
    ("18", (f"{CF_B}/業務収入/税収等収入", 150), ("BS/流動資産/未収金", -150)),  # last year's tax arrears
]


def opening_entry():
    from kokai.core.chart import standard_chart
    from kokai.core.journal import Entry, Posting

    from .conftest import account

    chart = standard_chart()
    return Entry(
        fiscal_year=2024, date=dt.date(2024, 4, 1), fund="01", kind=Kind.OPENING, voucher_no="開始残高",
        postings=tuple(Posting(account(p), chart.resolve(p).sign * a) for p, a in OPENING),
    )


def year_entries():
    out = []
    for voucher, *lines in YEAR:
        kind = Kind.CASH if any(p.startswith("CF/") for p, _ in lines) else Kind.NON_CASH
        out.append(entry(voucher, *lines, kind=kind))
    return out


def opening_csv() -> str:
    return "path,amount\n" + "".join(f"{p},{a}\n" for p, a in OPENING)


def journals_csv() -> str:
    rows = ["伝票番号,日付,会計年度,会計区分,所属,借方科目,借方金額,貸方科目,貸方金額,摘要"]
    for voucher, *lines in YEAR:
        for p, a in lines:
            side = f"{p},{a},," if a > 0 else f",,{p},{-a}"
            rows.append(f"{voucher},2024-07-01,2024,一般会計,0102,{side},例{voucher}")
    return "\n".join(rows) + "\n"


# Every figure below is worked out by hand in test_statements.py's docstring.
EXPECTED = {
    "PL/経常費用/業務費用/人件費": 3_100,
    "PL/経常費用/業務費用/物件費等/減価償却費": 900,
    "PL/経常費用": 4_060,
    "PL/経常収益": 400,
    "PL/純経常行政コスト": 3_660,
    "PL/臨時損失": 200,
    "PL/純行政コスト": 3_860,
    "CF/業務活動収支/業務支出": 3_210,
    "CF/業務活動収支/業務収入": 6_050,
    "CF/業務活動収支": 2_840,
    "CF/投資活動収支": -1_500,
    "CF/財務活動収支": 400,
    "CF/本年度資金収支額": 1_740,
    "CF/前年度末資金残高": 800,
    "CF/本年度末資金残高": 2_540,
    "CF/前年度末歳計外現金残高": 100,
    "CF/本年度末歳計外現金残高": 130,
    "CF/本年度末現金預金残高": 2_670,
    "BS/固定資産/有形固定資産/事業用資産": 10_750,
    "BS/固定資産/有形固定資産/事業用資産/建物減価償却累計額": -3_300,
    "BS/固定資産/有形固定資産/インフラ資産": 13_400,
    "BS/固定資産": 24_650,
    "BS/流動資産/現金預金": 2_670,
    "BS/流動資産": 4_520,
    "BS/資産合計": 29_170,
    "BS/固定負債": 7_500,
    "BS/流動負債": 780,
    "BS/負債合計": 8_280,
    "BS/固定資産等形成分": 26_450,
    "BS/余剰分（不足分）": -5_560,
    "BS/純資産合計": 20_890,
    "BS/負債及び純資産合計": 29_170,
}
EXPECTED_NW = {  # (合計, 固定資産等形成分, 余剰分（不足分）)
    "NW/前年度末純資産残高": (18_200, 25_000, -6_800),
    "NW/純行政コスト（△）": (-3_860, 0, -3_860),
    "NW/財源": (6_300, 0, 6_300),
    "NW/本年度差額": (2_440, 0, 2_440),
    "NW/固定資産等の変動（内部変動）/有形固定資産等の増加": (0, 2_000, -2_000),
    "NW/固定資産等の変動（内部変動）/有形固定資産等の減少": (0, -1_100, 1_100),
    "NW/固定資産等の変動（内部変動）/貸付金・基金等の増加": (0, 300, -300),
    "NW/固定資産等の変動（内部変動）/貸付金・基金等の減少": (0, 0, 0),
    "NW/無償所管換等": (250, 250, 0),
    "NW/本年度純資産変動額": (2_690, 1_450, 1_240),
    "NW/本年度末純資産残高": (20_890, 26_450, -5_560),
}

JOURNAL_HEADER = "伝票番号,日付,会計年度,会計区分,所属,借方科目,借方金額,貸方科目,貸方金額,摘要\n"


def load_town(lg, tmp_path):
    """The example town in the ledger: its opening balance sheet and its 2024 entries,
    imported through the CSV loaders as a user would."""
    from kokai.ledger.imports import import_journals, import_opening

    from .conftest import write

    import_opening(lg=lg, path=write(tmp_path, "open.csv", opening_csv()), fiscal_year=2024)
    import_journals(lg=lg, path=write(tmp_path, "j.csv", journals_csv()))
    return lg
