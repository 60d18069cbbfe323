"""基金: the 基金台帳, the split between 流動資産 and 投資その他の資産 (決算整理 §9 行15)
and the 附属明細書 基金の明細.

Input: one row per fund (sheet 基金台帳) — 基金名, 種類 (財政調整基金 / 減債基金 /
その他特定目的基金), 年度末残高, for a 減債基金 the part to be drawn within the next year,
and optionally the assets the fund holds (現金預金, 有価証券, 土地, その他); a fund without
that breakdown is printed as 現金預金.

Wanted balances: 流動資産/基金/財政調整基金 = every 財政調整基金; 流動資産/基金/減債基金 =
the 1-year part of the 減債基金; 投資その他の資産/基金/減債基金 = the rest of the 減債基金;
投資その他の資産/基金/その他 = every other fund. The cash conversion books 積立 and 取崩
provisionally to 投資その他の資産/基金/その他 unless a decision chose the line, so the
books hold the right total on the wrong lines: check the register's total against the four
lines, then one entry moves each line to its wanted balance (wanted − what it holds).

The 明細's columns (holdings, 合計 = 貸借対照表計上額, （参考）財産に関する調書記載額)
follow the 総務省 様式 as remembered [U].
"""

from __future__ import annotations

from ...report.document import Row, Table
from .base import CHOICE, TEXT, YEN, Column, Context, Figure, Inputs, InputSheet, Outcome
from .cells import Cells

KEY = "funds"
TITLE = "基金（流動・固定の区分）"

FUNDS = "基金台帳"
FISCAL = "BS/流動資産/基金/財政調整基金"
REDEMPTION_CURRENT = "BS/流動資産/基金/減債基金"
REDEMPTION_FIXED = "BS/固定資産/投資その他の資産/基金/減債基金"
OTHER_FIXED = "BS/固定資産/投資その他の資産/基金/その他"
LINES = (FISCAL, REDEMPTION_CURRENT, REDEMPTION_FIXED, OTHER_FIXED)

ADJUSTMENT, REDEMPTION, OTHER = "財政調整基金", "減債基金", "その他特定目的基金"
KINDS = (ADJUSTMENT, REDEMPTION, OTHER)

NAME, KIND, BALANCE, DRAW_1Y = "基金名", "種類", "年度末残高", "うち1年内取崩予定額"
HOLDINGS = ("現金預金", "有価証券", "土地", "その他")
REGISTER_AMOUNT = "（参考）財産に関する調書記載額"

SHEETS = (
    InputSheet(
        name=FUNDS,
        title="基金台帳（1基金1行）",
        columns=(
            Column(NAME, TEXT, required=True, help="基金の名称（条例の名称）", width=24),
            Column(KIND, CHOICE, required=True, choices=KINDS,
                   help="財政調整基金・減債基金は流動資産（減債基金は1年内取崩予定額のみ）、その他は投資その他の資産"),
            Column(BALANCE, YEN, required=True, help="年度末（出納整理期間後）の基金残高（円）"),
            Column(DRAW_1Y, YEN, help="減債基金のうち翌年度中に取り崩して償還に充てる予定の額（円）。減債基金以外は空欄"),
        )
        + tuple(Column(h, YEN, help=f"基金が保有する{h}（円）。内訳を入力する場合は4列の合計を年度末残高に合わせる") for h in HOLDINGS)
        + (Column(REGISTER_AMOUNT, YEN, help="決算書の財産に関する調書に記載した額（円、参考表示）"),),
        notes=("基金1件を1行に入力します。年度末残高の合計は帳簿の基金（流動資産・投資その他の資産）の合計と一致する必要があります。",
               "内訳（現金預金・有価証券・土地・その他）が空欄の基金は、全額を現金預金として基金の明細に表示します。"),
    ),
)
SETTINGS = ()


def compute(inputs: Inputs, ctx: Context) -> Outcome:
    cells = Cells(inputs, FUNDS)
    funds = []
    for row in cells.rows():
        name = cells.text(row, NAME, required=True)
        kind = cells.choice(row, KIND, KINDS, required=True)
        balance = cells.yen(row, BALANCE, required=True)
        draw = cells.yen(row, DRAW_1Y)
        if draw and kind != REDEMPTION:
            cells.bad(row, DRAW_1Y, "1年内取崩予定額は減債基金だけに入力します（財政調整基金は全額が流動資産、その他の基金は全額が固定資産）")
        elif draw > balance:
            cells.bad(row, DRAW_1Y, f"1年内取崩予定額 {draw:,}円 が年度末残高 {balance:,}円 を超えています")
        holdings = [cells.yen(row, h) for h in HOLDINGS]
        if not any(row.get(h) not in (None, "") for h in HOLDINGS):
            holdings = [balance, 0, 0, 0]
        elif sum(holdings) != balance:
            cells.bad(row, BALANCE, f"内訳（{' ＋ '.join(f'{h} {a:,}' for h, a in zip(HOLDINGS, holdings, strict=True))}"
                                    f" ＝ {sum(holdings):,}円）が年度末残高 {balance:,}円 と一致しません")
        reference = cells.yen(row, REGISTER_AMOUNT) if row.get(REGISTER_AMOUNT) not in (None, "") else None
        funds.append({"name": name, "kind": kind, "balance": balance, "draw": draw, "holdings": holdings,
                      "reference": reference})

    wanted = {
        FISCAL: sum(f["balance"] for f in funds if f["kind"] == ADJUSTMENT),
        REDEMPTION_CURRENT: sum(f["draw"] for f in funds if f["kind"] == REDEMPTION),
        REDEMPTION_FIXED: sum(f["balance"] - f["draw"] for f in funds if f["kind"] == REDEMPTION),
        OTHER_FIXED: sum(f["balance"] for f in funds if f["kind"] == OTHER),
    }
    now = {line: ctx.balance(ctx.code(line)) for line in LINES}
    total, books = sum(f["balance"] for f in funds), sum(now.values())
    if not cells.issues and total != books:
        parts = "、".join(f"{line.split('/')[1]}の{line.split('/')[-1]} {now[line]:,}円" for line in LINES)
        cells.bad(None, BALANCE, f"台帳の年度末残高の合計 {total:,}円 が帳簿の基金 {books:,}円（{parts}）と "
                                 f"{abs(total - books):,}円 違います。台帳の残高か、基金積立金支出・基金取崩収入の資金仕訳を確かめてください")
    figures = (
        Figure("基金残高（台帳の年度末残高合計）", total),
        Figure("流動資産 財政調整基金", wanted[FISCAL]),
        Figure("流動資産 減債基金（1年内取崩予定）", wanted[REDEMPTION_CURRENT]),
        Figure("投資その他の資産 減債基金", wanted[REDEMPTION_FIXED]),
        Figure("投資その他の資産 その他の基金", wanted[OTHER_FIXED]),
        Figure("減債基金 計", wanted[REDEMPTION_CURRENT] + wanted[REDEMPTION_FIXED]),
    ) + tuple(Figure(f"振替前の{line.split('/')[1]} {line.split('/')[-1]}（帳簿）", now[line]) for line in LINES)
    if cells.issues:
        return Outcome(issues=tuple(cells.issues), figures=figures)
    e = ctx.entry(f"決算-{KEY}-1", [(line, wanted[line] - now[line]) for line in LINES],
                  "基金の流動・固定の区分: 財政調整基金と減債基金の1年内取崩予定額を流動資産、その他を投資その他の資産へ")
    return Outcome(entries=(e,) if e else (), figures=figures, tables=(table(funds),))


def table(funds: list[dict]) -> Table:
    """基金の明細: the funds by 種類 (財政調整基金, 減債基金, その他), then the total."""
    rows = []
    for kind in KINDS:
        for f in funds:
            if f["kind"] == kind:
                rows.append(Row(f["name"], (*f["holdings"], f["balance"], f["reference"])))
    if rows:
        refs = [f["reference"] for f in funds if f["reference"] is not None]
        rows.append(Row("合計", (*(sum(r.values[c] for r in rows) for c in range(5)), sum(refs) if refs else None),
                        bold=True, sum_of=tuple((1, i) for i in range(len(rows)))))
    return Table(key="基金明細", title="基金の明細", label_header="種類（基金名）",
                 columns=(*HOLDINGS, "合計（貸借対照表計上額）", REGISTER_AMOUNT), rows=tuple(rows),
                 group="附属明細書", landscape=True,
                 notes=("内訳の入力がない基金は全額を現金預金として表示しています。",))
