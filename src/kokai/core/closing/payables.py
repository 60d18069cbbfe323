"""未払金・未払費用・前受金・前受収益 (conversion.md §9 行11, 12), by 洗替.

Input rows (内容, 区分, 科目, 金額): obligations that arose by 3月31日 and are paid from the
next year's budget (未払金; accrued interest and the like: 未払費用), and cash received this
year for next year's service (前受金; 前受収益). 科目 is where the amount belongs: the
expense (or the asset, for a work finished but unpaid) of a 未払金, the revenue of a 前受金.

洗替 (the only method; [U-M]): last year's rows (sheet 「未払金等（前年度分）」, the rows of last
year's 本年度 sheet) are reversed and this year's booked. Next year's cash conversion books
the payment (receipt) in full as an expense (revenue) again, so without the reversal it
would count twice:

* this year:  Dr 科目 / Cr 未払金 (未払費用);   Dr 科目 (revenue) / Cr 前受金 (前受収益);
* next year:  the reversal, Dr 未払金 / Cr 科目;  Dr 前受金 / Cr 科目.

One entry per 区分, netted by account: when last year's rows equal this year's, nothing is
booked. The books' balance of each line is shown beside the rows as a figure (the ledger may
hold other amounts there, e.g. lease principal in 未払金, so it is not required to agree).
A 未払金 for an asset also matters to the 固定資産台帳 (the asset is registered from the
matching worksheet when paid): register it there too.
"""

from __future__ import annotations

from ..chart import ChartError
from ..issues import Issue
from ..journal import OPENING_ONLY_ROLES
from .base import CHOICE, TEXT, YEN, Column, Context, Figure, Inputs, InputSheet, Outcome
from .cells import RECEIVABLE_WORDS, Cells

KEY = "payables"
TITLE = "未払金・未払費用・前受金"

THIS, LAST = "未払金等（本年度）", "未払金等（前年度分）"
LINES = {
    "未払金": "BS/流動負債/未払金",
    "未払費用": "BS/流動負債/未払費用",
    "前受金": "BS/流動負債/前受金",
    "前受収益": "BS/流動負債/前受収益",
}
PAYABLE = ("未払金", "未払費用")  # the counter-account is an expense or an asset; else a revenue
C_KIND, C_WHAT, C_PARTY, C_ACCOUNT, C_AMOUNT = "区分", "内容", "相手先", "科目", "金額"


def _columns(amount_help: str) -> tuple[Column, ...]:
    return (
        Column(C_KIND, CHOICE, True, "未払金・未払費用・前受金・前受収益のどれか", tuple(LINES), width=10),
        Column(C_WHAT, TEXT, True, "内容（例 3月分電気料、○○工事、4月分使用料の前納）", width=28),
        Column(C_PARTY, TEXT, False, "相手先（任意）", width=16),
        Column(C_ACCOUNT, TEXT, True, "未払金・未払費用は費用（または資産）の科目、前受金・前受収益は収益の科目。"
                                     "科目名・パス・コード（例 物件費、PL/経常費用/業務費用/その他の業務費用/支払利息）",
               width=30),
        Column(C_AMOUNT, YEN, True, amount_help, width=14),
    )


SHEETS = (
    InputSheet(THIS, "本年度末の未払金・未払費用・前受金・前受収益",
               _columns("本年度末の金額"),
               notes=("3月31日までに発生し翌年度の予算で支払うもの（未払金・未払費用）、"
                      "本年度に受け取った翌年度分（前受金・前受収益）を1件ずつ入力します。",)),
    InputSheet(LAST, "前年度末に計上した未払金等（洗い替えて戻します）",
               _columns("前年度末に計上した金額"),
               notes=("前年度の「未払金等（本年度）」の行をそのまま入力します。本年度の決算整理で戻し入れます"
                      "（翌年度の資金仕訳で費用・収益に計上されるため）。",)),
)
SETTINGS = ()


def _rows(inputs: Inputs, ctx: Context, sheet: str, issues: list[Issue]) -> dict[str, list[tuple[str, int]]]:
    """区分 → [(counter-account code, amount)]."""
    out: dict[str, list[tuple[str, int]]] = {}
    cells = Cells(inputs, sheet, issues, wording=RECEIVABLE_WORDS)
    for row in inputs.sheet(sheet):
        n = len(issues)
        kind = row.get(C_KIND)
        if kind not in LINES:
            cells.bad(row, C_KIND, f"{C_KIND}は {' / '.join(LINES)} から選んでください")
        cells.text(row, C_WHAT, required=True)
        amount = cells.amount(row, C_AMOUNT, required=True)
        ref = str(row.get(C_ACCOUNT) or "").strip()
        code = ""
        try:
            line = ctx.chart.resolve(ref)
        except ChartError as e:
            cells.bad(row, C_ACCOUNT, f"{e}。費用・収益の科目名かパスを書いてください")
        else:
            if kind in LINES and not _fits(line, kind):
                want = "費用（行政コスト計算書の経常費用・臨時損失）か資産（貸借対照表の資産）" if kind in PAYABLE else \
                    "収益・財源（行政コスト計算書の経常収益・臨時利益、純資産変動計算書の財源）"
                cells.bad(row, C_ACCOUNT, f"「{line.qualified_path}」は{kind}の相手科目に使えません。{want}の科目を書いてください")
            code = line.code
        if len(issues) == n and amount:
            out.setdefault(kind, []).append((code, amount))
    return out


def _fits(line, kind: str) -> bool:
    if not line.postable or line.statement == "CF" or set(line.roles) & set(OPENING_ONLY_ROLES):
        return False
    if kind in PAYABLE:
        return line.side == "D" and line.statement in ("PL", "BS") and not line.contra
    return line.side == "C" and line.statement in ("PL", "NW")


def compute(inputs: Inputs, ctx: Context) -> Outcome:
    issues: list[Issue] = []
    now = _rows(inputs, ctx, THIS, issues)
    last = _rows(inputs, ctx, LAST, issues)
    if issues:
        return Outcome(issues=tuple(issues))
    entries, figures = [], []
    for n, (kind, path) in enumerate(LINES.items(), start=1):
        new, old = now.get(kind, []), last.get(kind, [])
        x, y = sum(a for _c, a in new), sum(a for _c, a in old)
        lines = [(path, y - x), *((c, a) for c, a in new), *((c, -a) for c, a in old)]
        entries.append(ctx.entry(f"決算-{KEY}-{n}", lines,
                                 f"{kind}の洗替（前年度分 {y:,}円 戻入、本年度分 {x:,}円 計上）"))
        if x or y:
            figures += [
                Figure(f"{kind} 前年度分（戻入）", y),
                Figure(f"{kind} 本年度分（計上）", x),
                Figure(f"{kind} 決算整理前の帳簿残高", -ctx.balance(ctx.code(path))),
                Figure(f"{kind} 前年度末の帳簿残高", -ctx.prior_balance(ctx.code(path))),
            ]
    return Outcome(entries=tuple(e for e in entries if e is not None), figures=tuple(figures))
