"""貸付金: the 貸付金台帳, the 長期貸付金 → 短期貸付金 reclassification (決算整理 §9 行14)
and the 附属明細書 貸付金の明細.

Input: one row per loan (sheet 貸付金台帳) — 貸付先, 名称, 本年度末残高 and the part to be
collected within the next year (うち1年内回収予定額); optionally the 徴収不能引当金 each part
carries (the 徴収不能引当金 item books the provision; here it is only printed).

Ledger: the cash conversion debits new loans to 長期貸付金 (or 短期貸付金 where the
matching decided so) and credits principal collected to 長期貸付金 by default, so before
closing 短期貸付金 holds last year's reclassification less whatever collections were
booked against it. Check: the register's total equals 長期貸付金 + 短期貸付金.

Entry: Dr 短期貸付金 / Cr 長期貸付金 for (the 1年内回収予定 total − what 短期貸付金 holds
now); a negative difference runs the other way. Only the difference is booked (the totals
do not change and the result is the same as reversing and rebooking).

The 明細 has one row per 貸付先; its columns (貸借対照表計上額 and 徴収不能引当金計上額 for the
long and short parts) follow the 総務省 様式 as remembered [U]; the 様式 may group the rows
by kind of borrower.
"""

from __future__ import annotations

from ...report.document import Row, Table
from .base import TEXT, YEN, Column, Context, Figure, Inputs, InputSheet, Outcome
from .cells import Cells

KEY = "loans"
TITLE = "貸付金（長期貸付金から短期貸付金への振替）"

LOANS = "貸付金台帳"
LONG = "BS/固定資産/投資その他の資産/長期貸付金"
SHORT = "BS/流動資産/短期貸付金"

BORROWER, NAME, BALANCE, DUE_1Y = "貸付先", "名称", "本年度末残高", "うち1年内回収予定額"
ALLOW_LONG, ALLOW_SHORT = "徴収不能引当金（長期分）", "徴収不能引当金（短期分）"

SHEETS = (
    InputSheet(
        name=LOANS,
        title="貸付金台帳（1件1行）",
        columns=(
            Column(BORROWER, TEXT, required=True, help="貸付先（団体名・制度名など）。同じ貸付先の行は明細で1行にまとめます", width=20),
            Column(NAME, TEXT, help="貸付金の名称（制度融資、奨学金など）", width=20),
            Column(BALANCE, YEN, required=True, help="本年度末（出納整理期間後）の貸付金残高（円）"),
            Column(DUE_1Y, YEN, required=True, help="本年度末残高のうち翌年度中に回収予定の元金（円）。なければ 0"),
            Column(ALLOW_LONG, YEN, help="長期分に対する徴収不能引当金（円、明細の表示用。計上は徴収不能引当金の項目）"),
            Column(ALLOW_SHORT, YEN, help="短期分に対する徴収不能引当金（円、明細の表示用）"),
        ),
        notes=("貸付金1件（または貸付先ごと）を1行に入力します。本年度末残高の合計は帳簿の長期貸付金＋短期貸付金と一致する必要があります。",),
    ),
)
SETTINGS = ()


def compute(inputs: Inputs, ctx: Context) -> Outcome:
    cells = Cells(inputs, LOANS)
    loans = []
    for row in cells.rows():
        borrower = cells.text(row, BORROWER, required=True)
        cells.text(row, NAME)
        balance = cells.yen(row, BALANCE, required=True)
        due = cells.yen(row, DUE_1Y, required=True)
        allow_long, allow_short = cells.yen(row, ALLOW_LONG), cells.yen(row, ALLOW_SHORT)
        if due > balance:
            cells.bad(row, DUE_1Y, f"1年内回収予定額 {due:,}円 が本年度末残高 {balance:,}円 を超えています")
        elif allow_long > balance - due:
            cells.bad(row, ALLOW_LONG, f"長期分の徴収不能引当金 {allow_long:,}円 が長期分 {balance - due:,}円 を超えています")
        if allow_short > due:
            cells.bad(row, ALLOW_SHORT, f"短期分の徴収不能引当金 {allow_short:,}円 が短期分 {due:,}円 を超えています")
        loans.append((borrower, balance - due, allow_long, due, allow_short))

    total = sum(x[1] + x[3] for x in loans)
    wanted = sum(x[3] for x in loans)
    long_now, short_now = ctx.balance(ctx.code(LONG)), ctx.balance(ctx.code(SHORT))
    if not cells.issues and total != long_now + short_now:
        cells.bad(None, BALANCE,
                  f"台帳の本年度末残高の合計 {total:,}円 が帳簿の貸付金 {long_now + short_now:,}円（長期貸付金 "
                  f"{long_now:,}円 ＋ 短期貸付金 {short_now:,}円）と {abs(total - long_now - short_now):,}円 違います。"
                  "台帳の残高か、貸付金支出・貸付金元金回収収入の資金仕訳を確かめてください")
    figures = (
        Figure("貸付金残高（台帳の本年度末残高合計）", total),
        Figure("うち1年内回収予定額（短期貸付金）", wanted),
        Figure("長期貸付金（振替後）", total - wanted),
        Figure("振替前の長期貸付金（帳簿）", long_now),
        Figure("振替前の短期貸付金（帳簿）", short_now),
        Figure("前年度末の短期貸付金（帳簿）", ctx.prior_balance(ctx.code(SHORT))),
        Figure("短期貸付金への振替額（差額）", wanted - short_now),
    )
    if cells.issues:
        return Outcome(issues=tuple(cells.issues), figures=figures)
    diff = wanted - short_now
    e = ctx.entry(f"決算-{KEY}-1", [(SHORT, diff), (LONG, -diff)],
                  f"長期貸付金から短期貸付金への振替: 1年内回収予定額 {wanted:,}円 － 振替前の短期貸付金 {short_now:,}円")
    return Outcome(entries=(e,) if e else (), figures=figures, tables=(table(loans),))


def table(loans: list[tuple[str, int, int, int, int]]) -> Table:
    """貸付金の明細: one row per 貸付先 (rows of the same 貸付先 added up), in input order."""
    by_borrower: dict[str, list[int]] = {}
    for borrower, *amounts in loans:
        v = by_borrower.setdefault(borrower, [0, 0, 0, 0])
        for i, a in enumerate(amounts):
            v[i] += a
    rows = [Row(b, (*v, v[0] + v[2])) for b, v in by_borrower.items()]
    if rows:
        rows.append(Row("合計", tuple(sum(r.values[c] for r in rows) for c in range(5)), bold=True,
                        sum_of=tuple((1, i) for i in range(len(rows)))))
    return Table(
        key="貸付金明細", title="貸付金の明細", label_header="貸付先",
        columns=("長期貸付金 貸借対照表計上額", "長期貸付金 徴収不能引当金計上額",
                 "短期貸付金 貸借対照表計上額", "短期貸付金 徴収不能引当金計上額", "（参考）貸付金計"),
        rows=tuple(rows), group="附属明細書", landscape=True,
        notes=("短期貸付金は翌年度中に回収予定の元金です。徴収不能引当金は貸付金台帳の入力額を示します。",),
    )
