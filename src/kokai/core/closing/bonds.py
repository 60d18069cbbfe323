"""地方債: the 地方債台帳, the 1年内償還予定地方債 reclassification (決算整理 §9 行13) and
the four 地方債 schedules of the 附属明細書.

Input: one row per bond (sheet 地方債台帳) — 借入先, 種類, 利率, the year's roll-forward
(前年度末残高 + 本年度借入額 − 本年度償還額 = 本年度末残高) and the principal due next year
(1年内償還予定額, from the 償還予定表). The optional sheet 地方債償還予定 gives, per bond
(by 番号), the rest of the schedule in the 返済期間別 bands; a bond without it is spread
evenly over the years up to its 最終償還年度 (満期一括 bonds: all in the final year) —
an approximation for 元利均等 bonds, stated in the schedule's notes.

Ledger: the cash conversion credits 地方債 (固定負債) with 地方債発行収入 and debits the
principal repaid (地方債償還支出, 細節「元金」) to **1年内償還予定地方債**, on the view
that this year's repayments are what last year's closing moved there (conversion_rules.csv
E-償還金利子及び割引料-元金). So before closing, 1年内償還予定地方債 holds what is left of
last year's reclassification (0 when the schedule held) and 地方債 the rest.

Checks: every row rolls forward; 1年内償還予定額 ≤ 本年度末残高; the register's 本年度末残高
total equals the books' 地方債 + 1年内償還予定地方債 (before this reclassification).

Entry (setting ``bonds.reclass_method``):
* 差額 (default): Dr 地方債 / Cr 1年内償還予定地方債 for (next year's principal − what the
  1年内 line holds now) — one entry; a negative difference runs the other way.
* 洗替: first move what the 1年内 line still holds back to 地方債 (the part of last year's
  reclassification this year's repayments did not use up), then reclassify next year's
  principal in full — two entries.
Both leave the 1年内 line equal to next year's principal and the total unchanged; when the
books already hold that amount nothing is posted under either method.

Figures: the register totals, 臨時財政対策債 残高 (the indicators exclude it from 将来世代
負担比率), the ledger before and after, and the year's 借入・償還 against the CF lines.
Rate bands (利率別): 1.5%以下, then 0.5-point steps to 4.0%超 — the bands of the 総務省
様式 as remembered [U]; a 変動金利 bond is banded by its year-end rate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from ...report.document import PERCENT, Row, Table
from .base import (
    CHOICE,
    DATE,
    FLAG,
    INT,
    RATE,
    TEXT,
    YEN,
    Column,
    Context,
    Figure,
    Inputs,
    InputSheet,
    Outcome,
    SettingSpec,
)
from .cells import Cells

KEY = "bonds"
TITLE = "地方債（1年内償還予定地方債への振替）"

BONDS = "地方債台帳"
SCHEDULE = "地方債償還予定"

LONG = "BS/固定負債/地方債"
CURRENT = "BS/流動負債/1年内償還予定地方債"
CF_ISSUE = "CF/財務活動収支/財務活動収入/地方債発行収入"
CF_REPAY = "CF/財務活動収支/財務活動支出/地方債償還支出"

LENDERS = ("財政融資資金", "地方公共団体金融機構", "市中銀行", "その他の金融機関", "市場公募債", "その他")
KINDS_NORMAL = ("一般公共事業", "公営住宅建設", "災害復旧", "教育・福祉施設", "一般単独事業", "その他")
KINDS_SPECIAL = ("臨時財政対策債", "減税補てん債", "退職手当債", "その他（特別分）")
RINZAI = "臨時財政対策債"
RATE_KINDS = ("固定金利", "変動金利")
METHODS = ("元利均等", "元金均等", "満期一括", "その他")
BULLET = "満期一括"

# (label, upper bound inclusive); None: no upper bound.
RATE_BANDS = (
    ("1.5%以下", Decimal("0.015")),
    ("1.5%超2.0%以下", Decimal("0.020")),
    ("2.0%超2.5%以下", Decimal("0.025")),
    ("2.5%超3.0%以下", Decimal("0.030")),
    ("3.0%超3.5%以下", Decimal("0.035")),
    ("3.5%超4.0%以下", Decimal("0.040")),
    ("4.0%超", None),
)
# (label, last year k of the band), k = 1 for the year after the closing year.
PERIOD_BANDS = (
    ("1年以内", 1), ("1年超2年以内", 2), ("2年超3年以内", 3), ("3年超4年以内", 4), ("4年超5年以内", 5),
    ("5年超10年以内", 10), ("10年超15年以内", 15), ("15年超20年以内", 20), ("20年超", None),
)
LATER_BANDS = tuple(label for label, _k in PERIOD_BANDS[1:])
MAX_RATE = Decimal("0.2")  # a rate above 20% is taken for a typo (1.5 meant as 1.5%)

NO, LENDER, KIND, NAME = "番号", "借入先", "種類", "名称・事業"
BORROWED_ON, ORIGINAL, RATE_COL, RATE_KIND, METHOD = "借入年月日", "当初借入額", "利率", "利率の種類", "償還方法"
OPENING, BORROWED, REPAID, CLOSING = "前年度末残高", "本年度借入額", "本年度償還額", "本年度末残高"
DUE_1Y, LAST_YEAR, RINZAI_FLAG, CLAUSE = "1年内償還予定額", "最終償還年度", "臨時財政対策債", "特定の契約条項"

SHEETS = (
    InputSheet(
        name=BONDS,
        title="地方債台帳（1件1行）",
        columns=(
            Column(NO, TEXT, required=True, help="地方債を区別する管理番号（台帳の番号）。地方債償還予定シートと対応させます", width=10),
            Column(LENDER, CHOICE, required=True, choices=LENDERS, help="借入先（資金の区分）"),
            Column(KIND, CHOICE, choices=KINDS_NORMAL + KINDS_SPECIAL,
                   help="事業の種類（附属明細書の行）。空欄は「その他」（臨時財政対策債に○があれば臨時財政対策債）"),
            Column(NAME, TEXT, required=True, help="地方債の名称または充当した事業", width=24),
            Column(BORROWED_ON, DATE, help="借入年月日"),
            Column(ORIGINAL, YEN, help="当初借入額（円）"),
            Column(RATE_COL, RATE, help="年利率（1.5% または 0.015）。変動金利は年度末の利率。残高のある地方債は必須"),
            Column(RATE_KIND, CHOICE, choices=RATE_KINDS, help="空欄は固定金利"),
            Column(METHOD, CHOICE, choices=METHODS, help="償還方法。償還予定シートがない満期一括の地方債は最終償還年度に全額を償還するものとします"),
            Column(OPENING, YEN, required=True, help="前年度末の未償還元金（円）。なければ 0"),
            Column(BORROWED, YEN, help="本年度の借入額（円）"),
            Column(REPAID, YEN, help="本年度に償還した元金（円）。利子は含めません"),
            Column(CLOSING, YEN, required=True, help="本年度末の未償還元金（円）＝前年度末残高＋本年度借入額－本年度償還額"),
            Column(DUE_1Y, YEN, required=True, help="翌年度に償還予定の元金（償還予定表から、円）。なければ 0"),
            Column(LAST_YEAR, INT, help="最終償還の年度（西暦、例 2045）。地方債償還予定シートに行がない地方債は必須", width=10),
            Column(RINZAI_FLAG, FLAG, help="臨時財政対策債なら ○", width=10),
            Column(CLAUSE, TEXT, help="繰上償還条項など特定の契約条項の内容（あれば）", width=30),
        ),
        notes=(
            "地方債1件を1行に入力します。金額は円単位、本年度末残高は出納整理期間後（5月31日）の未償還元金です。",
            "本年度末残高の合計は帳簿の地方債＋1年内償還予定地方債（決算整理前）と一致する必要があります。",
        ),
    ),
    InputSheet(
        name=SCHEDULE,
        title="地方債の償還予定（返済期間別、任意）",
        columns=(Column(NO, TEXT, required=True, help="地方債台帳の番号", width=10),)
        + tuple(Column(label, YEN, help=f"本年度末残高のうち{label}に償還予定の元金（円）") for label in LATER_BANDS),
        notes=(
            "償還予定表がある地方債は、本年度末残高を翌々年度以降の返済期間に分けて入力します（1年以内は地方債台帳の1年内償還予定額）。",
            "行のない地方債は、1年内償還予定額の残りを最終償還年度まで毎年同額で償還するものとして返済期間別の明細を作ります。",
        ),
    ),
)

RECLASS_DIFF, RECLASS_REVERSE = "差額", "洗替"
SETTINGS = (
    SettingSpec(
        "bonds.reclass_method",
        "1年内償還予定地方債への振替方法",
        RECLASS_DIFF,
        "地方債のうち翌年度に償還予定の元金を1年内償還予定地方債に振り替えています。振替は、"
        "差額（帳簿の1年内償還予定地方債との差額のみを振り替える）または洗替（前年度の振替額の残りを"
        "地方債に戻してから翌年度の償還予定額を改めて振り替える）によります。",
        (RECLASS_DIFF, RECLASS_REVERSE),
    ),
)


def _band_index(k: int) -> int:
    for i, (_label, last) in enumerate(PERIOD_BANDS):
        if last is None or k <= last:
            return i
    raise AssertionError(k)


def _rate_band(r: Decimal) -> int:
    for i, (_label, upper) in enumerate(RATE_BANDS):
        if upper is None or r <= upper:
            return i
    raise AssertionError(r)


def _even_schedule(rest: int, years: int, *, bullet: bool) -> dict[int, int]:
    """``rest`` yen repaid over years k = 2 … ``years``: equal amounts with the remainder in
    the last year, or all in the last year for a bullet bond."""
    if rest == 0:
        return {}
    if bullet or years == 2:
        return {years: rest}
    n = years - 1
    each = rest // n
    out = {k: each for k in range(2, years)}
    out[years] = rest - each * (n - 1)
    return out


def _percent(r: Decimal) -> str:
    return f"{(r * 100).quantize(Decimal('0.001'), ROUND_HALF_UP)}%"


def compute(inputs: Inputs, ctx: Context) -> Outcome:
    cells = Cells(inputs, BONDS)
    sched = Cells(inputs, SCHEDULE)
    bonds = []
    seen: dict[str, Mapping[str, object]] = {}
    for row in cells.rows():
        no = cells.text(row, NO, required=True)
        if no in seen:
            cells.bad(row, NO, f"番号「{no}」が{seen[no].get('_row')}行目と重複しています。地方債ごとに別の番号にしてください")
        seen.setdefault(no, row)
        lender = cells.choice(row, LENDER, LENDERS, required=True)
        kind = cells.choice(row, KIND, KINDS_NORMAL + KINDS_SPECIAL)
        name = cells.text(row, NAME, required=True)
        cells.choice(row, RATE_KIND, RATE_KINDS)
        method = cells.choice(row, METHOD, METHODS)
        original = cells.yen(row, ORIGINAL)
        opening = cells.yen(row, OPENING, required=True)
        borrowed, repaid = cells.yen(row, BORROWED), cells.yen(row, REPAID)
        closing = cells.yen(row, CLOSING, required=True)
        due = cells.yen(row, DUE_1Y, required=True)
        rinzai = bool(row.get(RINZAI_FLAG)) or kind == RINZAI
        if row.get(RINZAI_FLAG) and kind in KINDS_NORMAL:
            cells.bad(row, KIND, f"臨時財政対策債に○がありますが、種類が通常分の「{kind}」です。種類を臨時財政対策債にするか○を外してください")
        kind = kind or (RINZAI if rinzai else "その他")
        if opening + borrowed - repaid != closing:
            cells.bad(row, CLOSING, f"前年度末残高 {opening:,} ＋ 本年度借入額 {borrowed:,} － 本年度償還額 {repaid:,} ＝ "
                                    f"{opening + borrowed - repaid:,}円 ですが、本年度末残高は {closing:,}円 です。"
                                    "どちらかを直してください")
        if due > closing:
            cells.bad(row, DUE_1Y, f"1年内償還予定額 {due:,}円 が本年度末残高 {closing:,}円 を超えています")
        r = row.get(RATE_COL)
        if r is None or r == "":
            if closing:
                cells.bad(row, RATE_COL, "利率が空欄です。残高のある地方債は年利率（例 1.5%）を入力してください")
            r = Decimal(0)
        elif not isinstance(r, Decimal) or r < 0 or r > MAX_RATE:
            cells.bad(row, RATE_COL, f"利率「{r}」は使えません。年利率を 1.5% または 0.015 のように入力してください")
            r = Decimal(0)
        last = row.get(LAST_YEAR)
        if last not in (None, "") and (isinstance(last, bool) or not isinstance(last, int) or last < 1900):
            cells.bad(row, LAST_YEAR, f"最終償還年度「{last}」は西暦の年度（例 2045）で入力してください")
            last = None
        bonds.append({"row": row, "no": no, "lender": lender, "kind": kind, "rinzai": rinzai, "rate": r,
                      "bullet": method == BULLET, "last": last or None, "opening": opening, "borrowed": borrowed,
                      "repaid": repaid, "closing": closing, "due": due, "clause": cells.text(row, CLAUSE),
                      "name": name, "original": original})

    total = sum(b["closing"] for b in bonds)
    wanted = sum(b["due"] for b in bonds)
    long_now, current_now = -ctx.balance(ctx.code(LONG)), -ctx.balance(ctx.code(CURRENT))
    if total != long_now + current_now and not cells.issues:
        cells.bad(None, CLOSING,
                  f"台帳の本年度末残高の合計 {total:,}円 が帳簿の地方債残高 {long_now + current_now:,}円"
                  f"（地方債 {long_now:,}円 ＋ 1年内償還予定地方債 {current_now:,}円）と "
                  f"{abs(total - long_now - current_now):,}円 違います。台帳の残高か、地方債発行収入・地方債償還支出の"
                  "資金仕訳を確かめてください")
    given = _read_schedule(sched, seen)
    for b in bonds:
        b["bands"] = _bands(b, given.get(b["no"]), ctx.fiscal_year, cells, sched)

    figures = _figures(bonds, ctx, long_now, current_now, wanted)
    issues = tuple(cells.issues + sched.issues)
    if issues:
        return Outcome(issues=issues, figures=figures)
    method = ctx.settings.get("bonds.reclass_method", RECLASS_DIFF)
    entries = []
    if wanted != current_now:
        if method == RECLASS_REVERSE:
            back = ctx.entry(f"決算-{KEY}-1", [(CURRENT, current_now), (LONG, -current_now)],
                             f"前年度に1年内償還予定地方債へ振り替えた額の残り {current_now:,}円 を地方債に戻す（洗替）")
            entries.append(back)
            entries.append(ctx.entry(f"決算-{KEY}-2", [(LONG, wanted), (CURRENT, -wanted)],
                                     f"翌年度の元金償還予定額 {wanted:,}円 を1年内償還予定地方債に振替（洗替）"))
        else:
            diff = wanted - current_now
            entries.append(ctx.entry(f"決算-{KEY}-1", [(LONG, diff), (CURRENT, -diff)],
                                     f"1年内償還予定地方債への振替: 翌年度の元金償還予定額 {wanted:,}円 － "
                                     f"振替前の残高 {current_now:,}円"))
    return Outcome(entries=tuple(e for e in entries if e is not None), figures=figures,
                   tables=tables(bonds))


def _read_schedule(sched: Cells, bonds: Mapping[str, Mapping[str, object]]) -> dict[str, tuple[Mapping, list[int]]]:
    out: dict[str, tuple[Mapping, list[int]]] = {}
    for row in sched.rows():
        no = sched.text(row, NO, required=True)
        if not no:
            continue
        if no not in bonds:
            sched.bad(row, NO, f"番号「{no}」は地方債台帳にありません。台帳の番号を入力してください")
            continue
        if no in out:
            sched.bad(row, NO, f"番号「{no}」の償還予定が{out[no][0].get('_row')}行目にもあります。1行にまとめてください")
            continue
        out[no] = (row, [sched.yen(row, label) for label in LATER_BANDS])
    return out


def _bands(b: dict, given: tuple[Mapping, list[int]] | None, year: int, cells: Cells, sched: Cells) -> list[int]:
    """The bond's 本年度末残高 in the 返済期間別 bands."""
    bands = [0] * len(PERIOD_BANDS)
    bands[0] = b["due"]
    rest = b["closing"] - b["due"]
    if given is not None:
        row, later = given
        if sum(later) != rest:
            sched.bad(row, LATER_BANDS[0],
                      f"償還予定の合計 {sum(later):,}円 ＋ 1年内償還予定額 {b['due']:,}円 が本年度末残高 "
                      f"{b['closing']:,}円 と一致しません（番号「{b['no']}」）。返済期間別の金額を直してください")
        bands[1:] = later
        return bands
    if rest <= 0:
        return bands
    if b["last"] is None:
        cells.bad(b["row"], LAST_YEAR, "最終償還年度が空欄です。入力するか、地方債償還予定シートに返済期間別の元金を入力してください")
        return bands
    years = b["last"] - year
    if years < 2:
        cells.bad(b["row"], LAST_YEAR,
                  f"最終償還年度 {b['last']} までに翌年度の1年内償還予定額 {b['due']:,}円 では本年度末残高 "
                  f"{b['closing']:,}円 を償還できません。最終償還年度か1年内償還予定額を直してください")
        return bands
    for k, amount in _even_schedule(rest, years, bullet=b["bullet"]).items():
        bands[_band_index(k)] += amount
    return bands


def _figures(bonds: list[dict], ctx: Context, long_now: int, current_now: int, wanted: int) -> tuple[Figure, ...]:
    total = sum(b["closing"] for b in bonds)
    rinzai = sum(b["closing"] for b in bonds if b["rinzai"])
    return (
        Figure("地方債残高（台帳の本年度末残高合計）", total),
        Figure("うち1年内償還予定額（翌年度の元金償還予定）", wanted),
        Figure("臨時財政対策債残高", rinzai),
        Figure("臨時財政対策債を除く地方債残高", total - rinzai),
        Figure("前年度末残高（台帳）", sum(b["opening"] for b in bonds)),
        Figure("前年度末の地方債＋1年内償還予定地方債（帳簿）",
               -ctx.prior_balance(ctx.code(LONG)) - ctx.prior_balance(ctx.code(CURRENT))),
        Figure("前年度末の1年内償還予定地方債（帳簿）", -ctx.prior_balance(ctx.code(CURRENT))),
        Figure("本年度借入額（台帳）", sum(b["borrowed"] for b in bonds)),
        Figure("地方債発行収入（資金収支）", ctx.balance(ctx.code(CF_ISSUE))),
        Figure("本年度償還額（台帳）", sum(b["repaid"] for b in bonds)),
        Figure("地方債償還支出（資金収支）", -ctx.balance(ctx.code(CF_REPAY))),
        Figure("振替前の地方債（帳簿）", long_now),
        Figure("振替前の1年内償還予定地方債（帳簿）", current_now),
        Figure("1年内償還予定地方債への振替額（差額）", wanted - current_now),
    )


def tables(bonds: list[dict]) -> tuple[Table, ...]:
    """The four 地方債 schedules of the 附属明細書."""
    return (_by_lender(bonds), _by_rate(bonds), _by_period(bonds), _clauses(bonds))


def _by_lender(bonds: list[dict]) -> Table:
    columns = ("地方債残高", "うち1年内償還予定") + LENDERS
    cells: dict[str, list[int]] = defaultdict(lambda: [0] * len(columns))
    for b in bonds:
        v = cells[b["kind"]]
        v[0] += b["closing"]
        v[1] += b["due"]
        v[2 + LENDERS.index(b["lender"])] += b["closing"]
    rows: list[Row] = []
    subtotals = []
    for heading, kinds in (("【通常分】", KINDS_NORMAL), ("【特別分】", KINDS_SPECIAL)):
        rows.append(Row(heading, heading=True))
        start = len(rows)
        for k in kinds:
            rows.append(Row(k.replace("（特別分）", ""), tuple(cells[k]), level=2))
        members = range(start, len(rows))
        subtotals.append(len(rows))
        rows.append(Row("小計", _sum(rows, members), bold=True, sum_of=tuple((1, i) for i in members)))
    rows.append(Row("合計", _sum(rows, subtotals), bold=True, sum_of=tuple((1, i) for i in subtotals)))
    return Table(key="地方債_借入先別", title="地方債（借入先別）の明細", columns=columns, rows=tuple(rows),
                 label_header="種類", group="附属明細書", landscape=True,
                 notes=("借入先の列は本年度末残高の内訳です。臨時財政対策債は特別分に示します。",))


def _sum(rows: list[Row], members) -> tuple[int, ...]:
    return tuple(sum(rows[i].values[c] for i in members) for c in range(len(rows[members[0]].values)))


def _by_rate(bonds: list[dict]) -> Table:
    bands = [0] * len(RATE_BANDS)
    for b in bonds:
        bands[_rate_band(b["rate"])] += b["closing"]
    total = sum(bands)
    weighted = sum(b["closing"] * b["rate"] for b in bonds)
    average = _percent(weighted / total) if total else None
    return Table(key="地方債_利率別", title="地方債（利率別）の明細",
                 columns=("地方債残高",) + tuple(label for label, _u in RATE_BANDS) + ("（参考）加重平均利率",),
                 kinds=(YEN,) * (1 + len(RATE_BANDS)) + (PERCENT,),
                 rows=(Row("地方債", (total, *bands, average)),), label_header="区分", group="附属明細書",
                 landscape=True,
                 notes=("変動金利の地方債は年度末の利率で区分しています。加重平均利率は本年度末残高による加重平均です。",))


def _by_period(bonds: list[dict]) -> Table:
    bands = [sum(b["bands"][i] for b in bonds) for i in range(len(PERIOD_BANDS))]
    return Table(key="地方債_返済期間別", title="地方債（返済期間別）の明細",
                 columns=("地方債残高",) + tuple(label for label, _k in PERIOD_BANDS),
                 rows=(Row("地方債", (sum(bands), *bands)),), label_header="区分", group="附属明細書",
                 landscape=True,
                 notes=("本年度末残高を翌年度以降の元金償還予定額により返済期間で区分しています。償還予定の入力がない"
                        "地方債は、翌々年度から最終償還年度まで毎年同額（満期一括は最終年度に一括）で償還するものとしています。",))


def _clauses(bonds: list[dict]) -> Table:
    rows = [Row(b["name"], (b["lender"], b["closing"], b["clause"])) for b in bonds if b["clause"]]
    if rows:
        rows.append(Row("合計", (None, sum(v.values[1] for v in rows), None), bold=True,
                        sum_of=tuple((1, i) for i in range(len(rows)))))
    else:
        rows.append(Row("該当なし", (None, None, None)))
    return Table(key="地方債_特定契約条項", title="特定の契約条項が付された地方債の概要",
                 columns=("借入先", "本年度末残高", "契約条項の概要"), kinds=(TEXT, YEN, TEXT),
                 rows=tuple(rows), label_header="名称・事業", group="附属明細書")
