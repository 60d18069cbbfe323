"""未収金 and 長期延滞債権 (conversion.md §9 行10, 10b, 10c; 不納欠損 行9b).

Input: the 歳入 決算 per 税目 or 科目 after the 出納整理期間 — 調定額, 収入済額, 不納欠損額,
現年度分 or 滞納繰越分, and the revenue account the receipts were converted to (NW 税収等,
PL 使用料及び手数料 …). 収入未済額 = 調定 − 収入済 − 不納欠損.

Wanted at the year end: 未収金 = Σ 現年度分の収入未済, 長期延滞債権 = Σ 滞納繰越分の収入未済
(last year's 未収金 still uncollected is 滞納繰越 this year, so it lands in 長期延滞債権:
行10b is part of this item; whether it was already moved by hand during the year does not
matter, only what is left is moved).

What the books hold: the cash conversion credited 現年 receipts to revenue and, by default,
滞納繰越 receipts to the receivable (conversion_rules.csv R-…-滞納繰越: "収益にしない");
where the cash data could not tell 現年 from 滞繰 the receipt may have gone to revenue
(``receivables.arrears_receipts`` = 収益, or the row's own column). So, per revenue account:

* Dr 未収金 / Cr revenue: 現年 調定 − 収入済 (the 収入未済 plus this year's 不納欠損 of
  現年分: revenue is the 調定, the loss is a write-off);
* Dr revenue / Cr 長期延滞債権: 滞繰 receipts that were credited to revenue (行10c: a
  prior-year receivable collected is not revenue twice);
* 不納欠損 with :func:`kokai.core.closing.doubtful.write_off` (Dr 徴収不能引当金 up to its
  balance, excess to PL / Cr 未収金 or 長期延滞債権), so it agrees with the 徴収不能引当金
  item, which runs next and sees these entries;
* Dr 長期延滞債権 / Cr 未収金: whatever makes 未収金 equal the 現年 収入未済.

The books must tie to the input: 未収金 + 長期延滞債権 before closing = Σ 滞繰 調定 − Σ 滞繰
receipts credited to the receivable. Otherwise (滞繰 調定 ≠ last year's 収入未済, a missing
税目) the item stops with an issue — unless the books already hold the wanted balances
(nothing left to book).

Worked example (one 税目, NW 税収等, receipts on arrears credited to revenue):
last year's 長期延滞債権 100 (from 未収金 moved in earlier years); this year 30 of it
collected (the conversion credited 税収等 30), 10 written off (徴収不能引当金 holds 25),
60 left; 現年 調定 500, 収入済 450, so 50 unpaid.
Books before closing: 長期延滞債権 100, 未収金 0, 税収等 −480 (450 + 30 credited).
Input ties: 滞繰 調定 100 − receipts credited to the receivable 0 = 100 = books.
Entries: (1) Dr 未収金 50 / Cr 税収等 50; (2) Dr 税収等 30 / Cr 長期延滞債権 30;
(4) Dr 徴収不能引当金 10 / Cr 長期延滞債権 10; no reclassification (未収金 is 50).
Result: 未収金 50, 長期延滞債権 100 − 30 − 10 = 60, 税収等 450 + 50 = 500 = the 現年 調定,
徴収不能引当金 15 (the next item tops it up).

Tables (附属明細書): 未収金の明細 (現年分) and 長期延滞債権の明細 (滞繰分) by 税目, grouped
税等未収金 (revenue NW 税収等) / その他の未収金; the 徴収不能引当金計上額 column is the optional
column of the sheet. 延滞した貸付金 are not in these rows (the loans item).
"""

from __future__ import annotations

from dataclasses import dataclass

from kokai.report.document import Row, Table

from ..chart import ChartError
from ..issues import Issue
from .base import (
    CHOICE,
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
from .cells import RECEIVABLE_WORDS, Cells
from .doubtful import CLASSES, LONG_ARREARS, RECEIVABLES, write_off

KEY = "receivables"
TITLE = "未収金・長期延滞債権"

SHEET = "未収金・長期延滞債権"
CURRENT, ARREARS = "現年", "滞納繰越"
TO_RECEIVABLE, TO_REVENUE = "債権の減少", "収益"
C_NAME, C_ACCOUNT, C_KIND, C_ASSESSED, C_RECEIVED, C_LOSS, C_UNPAID, C_BOOKED, C_PROVISION = (
    "税目・科目", "収益科目", "区分", "調定額", "収入済額", "不納欠損額", "収入未済額", "滞繰収入の仕訳", "徴収不能引当金計上額")

REVENUE_SHORT = {
    "税収等": "NW/財源/税収等",
    "国県等補助金": "NW/財源/国県等補助金",
    "使用料及び手数料": "PL/経常収益/使用料及び手数料",
    "経常収益その他": "PL/経常収益/その他",
}
TAXES = "NW/財源/税収等"

SHEETS = (
    InputSheet(
        SHEET, "歳入の調定・収入・不納欠損（税目・科目別、出納整理期間後）",
        (
            Column(C_NAME, TEXT, True, "税目または歳入科目（例 固定資産税、保育料）", width=18),
            Column(C_ACCOUNT, TEXT, True, f"収入を計上した科目: {' / '.join(REVENUE_SHORT)}、または科目パス・コード",
                   width=18),
            Column(C_KIND, CHOICE, True, "現年度分か滞納繰越分か", (CURRENT, ARREARS), width=10),
            Column(C_ASSESSED, YEN, True, "調定額（出納整理期間後）", width=16),
            Column(C_RECEIVED, YEN, True, "収入済額（出納整理期間後、還付未済を除く）", width=16),
            Column(C_LOSS, YEN, False, "不納欠損額（空欄は0）", width=14),
            Column(C_UNPAID, YEN, False, "収入未済額（入力すると 調定−収入済−不納欠損 と照合）", width=16),
            Column(C_BOOKED, CHOICE, False, "滞納繰越分の収入を資金仕訳でどう計上したか（空欄は設定のとおり）",
                   (TO_RECEIVABLE, TO_REVENUE), width=12),
            Column(C_PROVISION, YEN, False, "附属明細書に載せる徴収不能引当金計上額（任意）", width=16),
        ),
        notes=(
            "歳入決算の税目・科目ごとに、現年度分と滞納繰越分を別の行に入力します。",
            "未収金＝現年度分の収入未済、長期延滞債権＝滞納繰越分の収入未済になるよう決算整理します。",
            "不納欠損額は徴収不能引当金を取り崩して消し込みます（引当金を超える分は費用）。",
        ),
    ),
)

SETTINGS = (
    SettingSpec(
        "receivables.arrears_receipts", "滞納繰越分の収入の資金仕訳", TO_RECEIVABLE,
        "債権の減少: 滞納繰越分の収入は資金仕訳で未収金・長期延滞債権の回収として計上されている。"
        "収益: 税収等などの収益に計上されているので、決算整理で債権の回収に振り替える。",
        (TO_RECEIVABLE, TO_REVENUE),
    ),
)

RECEIVABLE = CLASSES[RECEIVABLES][0]
LONG = CLASSES[LONG_ARREARS][0]


@dataclass
class _Line:
    name: str
    account: str  # revenue account code
    kind: str
    assessed: int
    received: int
    loss: int
    booked: str
    provision: int | None
    tax: bool  # a 税等 receivable (revenue NW 税収等) for the schedules

    @property
    def unpaid(self) -> int:
        return self.assessed - self.received - self.loss


def _revenue(ctx: Context, ref: str) -> str:
    """The code of a revenue account named on the sheet (ChartError if it is not one)."""
    line = ctx.chart.resolve(REVENUE_SHORT.get(ref, ref))
    if line.statement not in ("PL", "NW") or line.side != "C" or not line.postable:
        raise ChartError(f"「{line.qualified_path}」は収益・財源の科目ではありません")
    return line.code


def _read(inputs: Inputs, ctx: Context, issues: list[Issue]) -> list[_Line]:
    default = str(ctx.settings.get("receivables.arrears_receipts", TO_RECEIVABLE)).strip() or TO_RECEIVABLE
    if default not in (TO_RECEIVABLE, TO_REVENUE):
        issues.append(Issue(f"設定「滞納繰越分の収入の資金仕訳」の「{default}」は選べません（{TO_RECEIVABLE} / {TO_REVENUE}）",
                            sheet="設定", column="receivables.arrears_receipts"))
    out = []
    cells = Cells(inputs, SHEET, issues, wording=RECEIVABLE_WORDS)
    for row in inputs.sheet(SHEET):
        n = len(issues)
        name = cells.text(row, C_NAME, required=True)
        ref = cells.text(row, C_ACCOUNT, required=True,
                         blank=f"{C_ACCOUNT}を入力してください（{' / '.join(REVENUE_SHORT)} または科目パス）")
        account = ""
        if ref:
            try:
                account = _revenue(ctx, ref)
            except ChartError as e:
                cells.bad(row, C_ACCOUNT, f"{e}。{' / '.join(REVENUE_SHORT)} か、収益・財源の科目パスを書いてください")
        kind = row.get(C_KIND)
        if kind not in (CURRENT, ARREARS):
            cells.bad(row, C_KIND, f"{C_KIND}は「{CURRENT}」か「{ARREARS}」を選んでください")
        booked = row.get(C_BOOKED) or default
        if booked not in (TO_RECEIVABLE, TO_REVENUE):
            cells.bad(row, C_BOOKED, f"{C_BOOKED}は「{TO_RECEIVABLE}」か「{TO_REVENUE}」を選ぶか空欄にしてください")
        assessed, received = cells.amount(row, C_ASSESSED, required=True), cells.amount(row, C_RECEIVED, required=True)
        loss, unpaid, provision = cells.yen(row, C_LOSS), cells.amount(row, C_UNPAID), cells.amount(row, C_PROVISION)
        if len(issues) > n:
            continue
        line = _Line(name, account, kind, assessed, received, loss, booked, provision, account == ctx.code(TAXES))
        if line.unpaid < 0:
            cells.bad(row, C_RECEIVED, f"収入済額 {received:,}円 と不納欠損額 {loss:,}円 の合計が調定額 {assessed:,}円 "
                                       "を超えています。過誤納（還付未済）は収入済額から除いてください")
        elif unpaid is not None and unpaid != line.unpaid:
            cells.bad(row, C_UNPAID, f"収入未済額 {unpaid:,}円 が 調定額 {assessed:,} − 収入済額 {received:,} − "
                                     f"不納欠損額 {loss:,} = {line.unpaid:,}円 と一致しません")
        else:
            out.append(line)
    return out


def _sum_by(lines: list[_Line], value) -> dict[str, int]:
    out: dict[str, int] = {}
    for ln in lines:
        v = value(ln)
        if v:
            out[ln.account] = out.get(ln.account, 0) + v
    return out


def compute(inputs: Inputs, ctx: Context) -> Outcome:
    issues: list[Issue] = []
    lines = _read(inputs, ctx, issues)
    if issues:
        return Outcome(issues=tuple(issues))
    current = [ln for ln in lines if ln.kind == CURRENT]
    arrears = [ln for ln in lines if ln.kind == ARREARS]
    accrual = _sum_by(current, lambda ln: ln.assessed - ln.received)
    back = _sum_by(arrears, lambda ln: ln.received if ln.booked == TO_REVENUE else 0)
    want_current = sum(ln.unpaid for ln in current)
    want_long = sum(ln.unpaid for ln in arrears)
    loss_current = sum(ln.loss for ln in current)
    loss_long = sum(ln.loss for ln in arrears)
    implied = sum(ln.assessed - (ln.received if ln.booked == TO_RECEIVABLE else 0) for ln in arrears)
    u, lg = ctx.code(RECEIVABLE), ctx.code(LONG)
    books = ctx.balance(u) + ctx.balance(lg)
    gap = books - implied
    to_book = want_current + want_long + loss_current + loss_long - books
    revenue_entries = gap == 0
    if not revenue_entries and to_book != 0:
        return Outcome(issues=(inputs.issue(
            f"帳簿の未収金と長期延滞債権の合計 {books:,}円 が、滞納繰越分の調定額から債権の回収として計上された収入済額を"
            f"引いた額 {implied:,}円 と {gap:,}円 違います。滞納繰越分の調定額が前年度末の収入未済額と一致しているか、"
            f"すべての税目の滞納繰越分の行があるか、「{C_BOOKED}」が資金仕訳と合っているかを確かめてください",
            sheet=SHEET, column=C_ASSESSED),))

    entries = []
    if revenue_entries:
        entries.append(ctx.entry(f"決算-{KEY}-1", [(u, sum(accrual.values())), *((a, -v) for a, v in accrual.items())],
                                 "現年度分の収入未済（不納欠損を含む）を未収金に計上"))
        entries.append(ctx.entry(f"決算-{KEY}-2", [*back.items(), (lg, -sum(back.values()))],
                                 "収益に計上された滞納繰越分の収入を長期延滞債権の回収に振替"))
    used = {}
    for n, (cls, loss) in enumerate(((RECEIVABLES, loss_current), (LONG_ARREARS, loss_long)), start=3):
        provision = CLASSES[cls][1]
        held = -ctx.balance(ctx.code(provision)) - used.get(provision, 0)
        e, take = write_off(ctx, cls=cls, amount=loss, available=held, voucher=f"決算-{KEY}-{n}",
                            description=f"{cls}（{'現年度分' if cls == RECEIVABLES else '滞納繰越分'}）の不納欠損 {loss:,}円")
        entries.append(e)
        used[provision] = used.get(provision, 0) + take
    u_after = ctx.balance(u) + (sum(accrual.values()) if revenue_entries else 0) - loss_current
    move = u_after - want_current
    entries.append(ctx.entry(f"決算-{KEY}-5", [(lg, move), (u, -move)],
                             f"前年度以前の未収金のうち収入未済の {move:,}円 を長期延滞債権に振替" if move >= 0 else
                             f"未収金の減少として計上された長期延滞債権の回収 {-move:,}円 を振替"))

    figures = (
        Figure("現年度分 調定額", sum(ln.assessed for ln in current)),
        Figure("現年度分 収入済額", sum(ln.received for ln in current)),
        Figure("現年度分 不納欠損額", loss_current),
        Figure("現年度分 収入未済額（本年度末の未収金）", want_current),
        Figure("滞納繰越分 調定額", sum(ln.assessed for ln in arrears)),
        Figure("滞納繰越分 収入済額", sum(ln.received for ln in arrears)),
        Figure("滞納繰越分 不納欠損額", loss_long),
        Figure("滞納繰越分 収入未済額（本年度末の長期延滞債権）", want_long),
        Figure("決算整理前の帳簿 未収金＋長期延滞債権", books),
        Figure("入力から見た決算整理前の債権（滞繰調定−債権で受けた収入）", implied),
        Figure("未収金に計上した現年度分（収益）", sum(accrual.values()) if revenue_entries else 0),
        Figure("収益から債権の回収に振り替えた滞納繰越分の収入", sum(back.values()) if revenue_entries else 0),
        Figure("不納欠損のうち徴収不能引当金の取崩し", sum(used.values())),
        Figure("未収金から長期延滞債権への振替", move),
    )
    tables = (
        schedule("未収金の明細", "未収金", current),
        schedule("長期延滞債権の明細", "長期延滞債権", arrears),
    )
    return Outcome(entries=tuple(e for e in entries if e is not None), figures=figures, tables=tables)


def schedule(title: str, column: str, lines: list[_Line]) -> Table:
    """未収金の明細 / 長期延滞債権の明細: 収入未済 by 税目, 税等未収金 and その他の未収金."""
    groups: dict[str, dict[str, list[int | None]]] = {"税等未収金": {}, "その他の未収金": {}}
    for ln in lines:
        if not ln.unpaid:
            continue
        group = groups["税等未収金" if ln.tax else "その他の未収金"]
        cell = group.setdefault(ln.name, [0, None])
        cell[0] += ln.unpaid
        if ln.provision is not None:
            cell[1] = (cell[1] or 0) + ln.provision
    rows: list[Row] = [Row("【未収金】", heading=True)]
    subtotals = []
    for name, items in groups.items():
        if not items:
            continue
        rows.append(Row(name, heading=True, level=2))
        first = len(rows)
        rows += [Row(label, (v[0], v[1]), level=3) for label, v in items.items()]
        members = range(first, len(rows))
        total = (sum(rows[i].values[0] for i in members), sum(rows[i].values[1] or 0 for i in members))
        subtotals.append(len(rows))
        rows.append(Row("小計", total, level=2, bold=True, sum_of=tuple((1, i) for i in members)))
    grand = (sum(rows[i].values[0] for i in subtotals), sum(rows[i].values[1] for i in subtotals))
    rows.append(Row("合計", grand, level=1, bold=True, sum_of=tuple((1, i) for i in subtotals)))
    return Table(key=title, title=title, columns=(column, "徴収不能引当金計上額"), rows=tuple(rows),
                 label_header="相手先名または種別", group="附属明細書",
                 notes=("延滞した貸付金は貸付金の明細に記載しています。",))

