"""徴収不能引当金 and 不納欠損 (conversion.md §9 行9, 9b; 手引き 第102項 [S2]).

Per class of receivable, the provision wanted is the class's year-end balance × its
不納欠損率 (円未満切捨て). The rate is the past years' 不納欠損実績 (sheet
「不納欠損実績」: each year's 不納欠損額 and the balance it is measured against), over the
latest ``doubtful.years`` years (default 5) up to this year, either the average of the
yearly rates (default: 「過去5年間の平均不納欠損率」, the wording of [S2]) or Σ欠損 ÷ Σ基準額
(``doubtful.method``); or typed directly on the class's row (it then wins).

The provision lines [S2]: 未収金 and 短期貸付金 → BS 流動資産 徴収不能引当金; 長期延滞債権 and
長期貸付金 → BS 投資その他の資産 徴収不能引当金. Only the difference to what the line holds
is booked (required 30 − held 10 = 20 → Dr 徴収不能引当金繰入額 20 / Cr 徴収不能引当金 20; a
negative difference credits 繰入額: 戻入). A line none of whose classes has a row is left
alone; list a class with balance 0 to release its provision.

不納欠損 (9b), :func:`write_off`: Dr 徴収不能引当金 up to what the line holds, the excess to
the PL account of ``doubtful.excess`` (default 徴収不能引当金繰入額 [U-M]) / Cr the receivable.
The write-offs of 未収金 and 長期延滞債権 are entered per 税目 on the receivables item's sheet
(kokai.core.closing.receivables, which runs first and books them with this function), so
the two items agree by construction; this item's sheet takes the write-offs of 貸付金 only.

The year-end balance of a class is the row's 本年度末残高 or, left empty, the ledger's
balance seen by this item (the run passes the balances after the items before it: after the
receivables item's entries), less this item's own write-offs of that class.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from math import floor

from ..issues import Issue
from ..journal import Entry
from .base import (
    CHOICE,
    INT,
    RATE,
    YEN,
    Column,
    Context,
    Figure,
    Inputs,
    InputSheet,
    Outcome,
    SettingSpec,
)
from .cells import RECEIVABLE_WORDS, Cells

KEY = "doubtful"
TITLE = "徴収不能引当金"

LONG_ARREARS, LONG_LOANS, RECEIVABLES, SHORT_LOANS = "長期延滞債権", "長期貸付金", "未収金", "短期貸付金"
CURRENT_PROVISION = "BS/流動資産/徴収不能引当金"
FIXED_PROVISION = "BS/固定資産/投資その他の資産/徴収不能引当金"
# class → (the receivable, its provision line), in the order of the BS
CLASSES = {
    LONG_ARREARS: ("BS/固定資産/投資その他の資産/長期延滞債権", FIXED_PROVISION),
    LONG_LOANS: ("BS/固定資産/投資その他の資産/長期貸付金", FIXED_PROVISION),
    RECEIVABLES: ("BS/流動資産/未収金", CURRENT_PROVISION),
    SHORT_LOANS: ("BS/流動資産/短期貸付金", CURRENT_PROVISION),
}
PROVISION_LABELS = {FIXED_PROVISION: "徴収不能引当金（投資その他の資産）", CURRENT_PROVISION: "徴収不能引当金（流動資産）"}
OWN_WRITE_OFFS = (LONG_LOANS, SHORT_LOANS)  # the others are written off by the receivables item

SHEET, HISTORY = "徴収不能引当金", "不納欠損実績"
C_CLASS, C_BALANCE, C_RATE, C_WRITE_OFF = "債権区分", "本年度末残高", "徴収不能率", "本年度不納欠損額"
C_YEAR, C_LOSS, C_BASE = "年度", "不納欠損額", "基準額"

SHEETS = (
    InputSheet(
        SHEET, "債権区分ごとの徴収不能引当金",
        (
            Column(C_CLASS, CHOICE, True, "引当の対象とする債権の区分", tuple(CLASSES), width=14),
            Column(C_BALANCE, YEN, False, "不納欠損後の本年度末残高。空欄なら帳簿の残高（未収金の決算整理の後）", width=18),
            Column(C_RATE, RATE, False, "徴収不能率を直接決めるとき（例 1.25%）。空欄なら不納欠損実績から計算"),
            Column(C_WRITE_OFF, YEN, False, "貸付金の本年度の不納欠損額（未収金・長期延滞債権の分は未収金のシートに税目ごとに入力）",
                   width=18),
        ),
        notes=(
            "引当の対象とする債権区分ごとに1行入力します。行のない区分の引当金はそのままです。",
            "引当額は 本年度末残高 × 徴収不能率（円未満切捨て）で、帳簿の引当金との差額だけを繰り入れます。",
        ),
    ),
    InputSheet(
        HISTORY, "過去の不納欠損額と基準額（不納欠損率の計算）",
        (
            Column(C_CLASS, CHOICE, True, "債権の区分", tuple(CLASSES), width=14),
            Column(C_YEAR, INT, True, "年度（西暦。例 2023）", width=8),
            Column(C_LOSS, YEN, True, "その年度の不納欠損額", width=16),
            Column(C_BASE, YEN, True, "率の分母（その年度の不納欠損前の債権残高など、団体の定める額）", width=18),
        ),
        notes=("区分ごとに過去の年度（本年度を含めてよい）を1行ずつ入力します。直近の年数分（既定5年）を使います。",),
    ),
)

MEAN, POOLED = "各年度の率の平均", "欠損額合計÷基準額合計"
CHARGE = "PL/経常費用/業務費用/その他の業務費用/徴収不能引当金繰入額"
EXCESS = {"徴収不能引当金繰入額": CHARGE, "その他の業務費用その他": "PL/経常費用/業務費用/その他の業務費用/その他"}
SETTINGS = (
    SettingSpec("doubtful.method", "不納欠損率の算定方法", MEAN,
                "各年度の率の平均: 各年度の不納欠損額÷基準額の平均。欠損額合計÷基準額合計: 期間の合計どうしの比。",
                (MEAN, POOLED)),
    SettingSpec("doubtful.years", "不納欠損率の算定期間（年）", "5", "直近の何年度分の不納欠損実績で率を算定するか。"),
    SettingSpec("doubtful.excess", "引当金を超える不納欠損額の計上科目", "徴収不能引当金繰入額",
                "不納欠損額が徴収不能引当金の残高を超える部分を計上する行政コスト計算書の科目。", tuple(EXCESS)),
)


def setting(ctx: Context, key: str) -> str:
    spec = next(s for s in SETTINGS if s.key == key)
    return str(ctx.settings.get(key, spec.default)).strip() or spec.default


def write_off(ctx: Context, *, cls: str, amount: int, available: int, voucher: str, description: str
              ) -> tuple[Entry | None, int]:
    """不納欠損 of ``amount`` yen of a class: against its provision line up to ``available``
    (what the line still holds), the excess to the ``doubtful.excess`` account.
    Returns the entry and the part charged to the provision."""
    receivable, provision = CLASSES[cls]
    take = min(amount, max(available, 0))
    excess = EXCESS.get(setting(ctx, "doubtful.excess"), CHARGE)
    entry = ctx.entry(voucher, [(provision, take), (excess, amount - take), (receivable, -amount)], description)
    return entry, take


def percent(rate: Fraction) -> str:
    """A rate for a label: 1.2345%. Display only."""
    return f"{Decimal(rate.numerator) / Decimal(rate.denominator) * 100:.4f}%"


def _history(inputs: Inputs, ctx: Context, issues: list[Issue]) -> dict[str, list[tuple[int, int, int]]]:
    """class → [(year, loss, base)], newest first."""
    out: dict[str, list[tuple[int, int, int]]] = {}
    seen = set()
    cells = Cells(inputs, HISTORY, issues, wording=RECEIVABLE_WORDS)
    for row in inputs.sheet(HISTORY):
        cls, year = row.get(C_CLASS), row.get(C_YEAR)
        if cls not in CLASSES:
            cells.bad(row, C_CLASS, f"{C_CLASS}は {' / '.join(CLASSES)} から選んでください")
            continue
        if not isinstance(year, int) or isinstance(year, bool) or not 1900 < year <= ctx.fiscal_year:
            cells.bad(row, C_YEAR, f"{C_YEAR}「{year if year is not None else ''}」は{ctx.fiscal_year}年度以前の"
                                   "西暦年度（例 2023）で入力してください")
            continue
        if (cls, year) in seen:
            cells.bad(row, C_YEAR, f"{cls}の{year}年度が2行あります。1行にまとめてください")
            continue
        seen.add((cls, year))
        loss = cells.amount(row, C_LOSS, required=True)
        base = cells.amount(row, C_BASE, required=True)
        if loss is None or base is None:
            continue
        if base == 0 or loss > base:
            cells.bad(row, C_BASE, f"{C_BASE}は0より大きく、{C_LOSS}以上の額を入力してください"
                                   f"（{C_LOSS} {loss:,}円、{C_BASE} {base:,}円）")
            continue
        out.setdefault(cls, []).append((year, loss, base))
    for rows in out.values():
        rows.sort(reverse=True)
    return out


def past_rate(history: list[tuple[int, int, int]], *, years: int, method: str) -> Fraction:
    """The 不納欠損率 of the latest ``years`` years (exact; no rounding)."""
    used = history[:years]
    if method == POOLED:
        return Fraction(sum(loss for _y, loss, _b in used), sum(b for _y, _l, b in used))
    return sum((Fraction(loss, base) for _y, loss, base in used), Fraction(0)) / len(used)


def _settings(ctx: Context, issues: list[Issue]) -> tuple[str, int]:
    method = setting(ctx, "doubtful.method")
    if method not in (MEAN, POOLED):
        issues.append(Issue(f"設定「不納欠損率の算定方法」の「{method}」は選べません（{MEAN} / {POOLED}）",
                            sheet="設定", column="doubtful.method"))
    if setting(ctx, "doubtful.excess") not in EXCESS:
        issues.append(Issue(f"設定「引当金を超える不納欠損額の計上科目」は {' / '.join(EXCESS)} から選んでください",
                            sheet="設定", column="doubtful.excess"))
    text = setting(ctx, "doubtful.years")
    if not text.isdigit() or not 1 <= int(text) <= 30:
        issues.append(Issue(f"設定「不納欠損率の算定期間（年）」の「{text}」は1〜30の整数で書いてください",
                            sheet="設定", column="doubtful.years"))
        return method, 5
    return method, int(text)


def _rate(cells: Cells, row: Mapping, cls: str, history: dict, years: int, method: str) -> Fraction | None:
    r = row.get(C_RATE)
    if r is not None and r != "":
        try:
            value = Fraction(Decimal(str(r)))
        except InvalidOperation:
            value = Fraction(-1)
        if not 0 <= value <= 1:
            cells.bad(row, C_RATE, f"{C_RATE}「{r}」は0以上1以下（例 0.0125 または 1.25%）で入力してください")
            return None
        return value
    if not history.get(cls):
        cells.bad(row, C_RATE, f"{cls}の{C_RATE}を入力するか、「{HISTORY}」シートに過去の不納欠損額と基準額を"
                               "入力してください")
        return None
    return past_rate(history[cls], years=years, method=method)


def compute(inputs: Inputs, ctx: Context) -> Outcome:
    issues: list[Issue] = []
    method, years = _settings(ctx, issues)
    history = _history(inputs, ctx, issues)
    plans: dict[str, tuple[int, Fraction, int, bool]] = {}  # class → (write-off, rate, balance, from ledger)
    cells = Cells(inputs, SHEET, issues, wording=RECEIVABLE_WORDS)
    for row in inputs.sheet(SHEET):
        cls = row.get(C_CLASS)
        if cls not in CLASSES:
            cells.bad(row, C_CLASS, f"{C_CLASS}は {' / '.join(CLASSES)} から選んでください")
            continue
        if cls in plans:
            cells.bad(row, C_CLASS, f"{cls}の行が2行あります。1行にまとめてください")
            continue
        loss = cells.yen(row, C_WRITE_OFF)
        if loss and cls not in OWN_WRITE_OFFS:
            cells.bad(row, C_WRITE_OFF, f"{cls}の不納欠損額は「未収金・長期延滞債権」シートに税目ごとに入力してください"
                                        "（ここには貸付金の分だけ入力します）")
            loss = 0
        balance = cells.amount(row, C_BALANCE)
        from_ledger = balance is None
        if from_ledger:
            balance = ctx.balance(ctx.code(CLASSES[cls][0])) - loss
            if balance < 0:
                cells.bad(row, C_BALANCE, f"帳簿の{cls}の残高（不納欠損後）が負の {balance:,}円 です。"
                                          f"仕訳を確かめるか、{C_BALANCE}を入力してください")
        rate = _rate(cells, row, cls, history, years, method)
        plans[cls] = (loss, rate or Fraction(0), balance, from_ledger)
    if issues:
        return Outcome(issues=tuple(issues))

    entries: list[Entry | None] = []
    figures: list[Figure] = []
    used: dict[str, int] = {}
    held = {p: -ctx.balance(ctx.code(p)) for p in PROVISION_LABELS}
    for n, cls in enumerate(OWN_WRITE_OFFS, start=1):
        loss = plans.get(cls, (0,))[0]
        provision = CLASSES[cls][1]
        e, take = write_off(ctx, cls=cls, amount=loss, available=held[provision] - used.get(provision, 0),
                            voucher=f"決算-{KEY}-{n}", description=f"{cls}の不納欠損 {loss:,}円")
        entries.append(e)
        used[provision] = used.get(provision, 0) + take
        if loss:
            figures.append(Figure(f"{cls} 不納欠損額（うち引当金取崩し {take:,}円）", loss))
    required: dict[str, int] = {}
    for cls, (_loss, rate, balance, from_ledger) in sorted(plans.items(), key=lambda kv: list(CLASSES).index(kv[0])):
        amount = floor(balance * rate)
        provision = CLASSES[cls][1]
        required[provision] = required.get(provision, 0) + amount
        source = "帳簿" if from_ledger else "入力"
        figures.append(Figure(f"{cls} 本年度末残高（{source}）", balance))
        figures.append(Figure(f"{cls} 徴収不能引当金（{balance:,}円 × {percent(rate)}）", amount))
    for n, (provision, label) in enumerate(PROVISION_LABELS.items(), start=len(OWN_WRITE_OFFS) + 1):
        if provision not in required:
            continue
        after = held[provision] - used.get(provision, 0)
        top_up = required[provision] - after
        entries.append(ctx.entry(f"決算-{KEY}-{n}", [(CHARGE, top_up), (provision, -top_up)],
                                 f"{label}の繰入（必要額 {required[provision]:,}円 − 帳簿 {after:,}円）"))
        prior = -ctx.prior_balance(ctx.code(provision))
        figures += [
            Figure(f"{label} 前年度末残高", prior),
            Figure(f"{label} 本年度増加額", max(top_up, 0)),
            Figure(f"{label} 本年度減少額（目的使用）", max(prior - held[provision], 0) + used.get(provision, 0)),
            Figure(f"{label} 本年度減少額（その他）", max(-top_up, 0)),
            Figure(f"{label} 本年度末残高", required[provision]),
        ]
    return Outcome(entries=tuple(e for e in entries if e is not None), figures=tuple(figures))
