"""Journal entries (仕訳) as immutable values, and the rules every entry obeys.

Amounts are integer yen, signed: a debit (借方) is positive, a credit (貸方) negative, so an
entry balances when its amounts sum to zero. In 統一的な基準 bookkeeping the cash side of
a cash entry is a 資金収支計算書 account (Dr 職員給与費 / Cr 人件費支出): CF accounts stand
in for cash, and BS 現金預金 is never posted to except in the opening balance sheet.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from enum import IntEnum

from .chart import Chart
from .parse import in_year_or_closing_period


class Kind(IntEnum):
    """What produced an entry."""

    OPENING = 1  # 開始残高
    CASH = 2  # 資金仕訳
    NON_CASH = 3  # 非資金仕訳
    CLOSING = 4  # 決算整理仕訳
    REVERSAL = 5  # 逆仕訳（訂正）

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    Kind.OPENING: "開始残高",
    Kind.CASH: "資金仕訳",
    Kind.NON_CASH: "非資金仕訳",
    Kind.CLOSING: "決算整理仕訳",
    Kind.REVERSAL: "逆仕訳",
}

# Roles of BS lines that only an opening balance sheet may post to.
OPENING_ONLY_ROLES = ("cash", "custodial_cash", "fixed_portion", "surplus", "minority")


@dataclass(frozen=True, slots=True)
class Posting:
    """One line of an entry: an account code and a signed amount (debit +, credit −)."""

    account: str
    amount: int


@dataclass(frozen=True, slots=True)
class Entry:
    """One balanced journal entry (仕訳)."""

    fiscal_year: int
    date: dt.date
    fund: str  # 会計区分 code
    kind: Kind
    voucher_no: str
    postings: tuple[Posting, ...]
    dept: str = ""  # 所属 code
    description: str = ""  # 摘要
    source: str = ""  # where it came from (file name, or the reversed entry)
    reverses_kind: Kind | None = None  # for a reversal: the kind of the entry it reverses

    @property
    def debit_total(self) -> int:
        return sum(p.amount for p in self.postings if p.amount > 0)

    @property
    def credit_total(self) -> int:
        return -sum(p.amount for p in self.postings if p.amount < 0)

    @property
    def opening(self) -> bool:
        """True for the opening balance sheet, and for its reversal."""
        return Kind.OPENING in (self.kind, self.reverses_kind)

    def reversed(self, *, voucher_no: str, date: dt.date, description: str = "") -> Entry:
        """The reversal (赤黒訂正の赤): the same lines with sides swapped."""
        return Entry(
            fiscal_year=self.fiscal_year,
            date=date,
            fund=self.fund,
            kind=Kind.REVERSAL,
            voucher_no=voucher_no,
            postings=tuple(Posting(p.account, -p.amount) for p in self.postings),
            dept=self.dept,
            description=(description or f"逆仕訳: {self.description}")[:200],
            source=self.voucher_no,
            reverses_kind=self.kind,
        )


def problems(entry: Entry, chart: Chart) -> list[str]:
    """Everything wrong with an entry, as Japanese messages (empty when it is valid)."""
    out = []
    if len(entry.postings) < 2:
        out.append("仕訳には借方と貸方の明細が少なくとも1行ずつ必要です")
    if sum(p.amount for p in entry.postings) != 0:
        out.append(
            f"伝票「{entry.voucher_no}」の借方合計 {entry.debit_total:,}円 と"
            f"貸方合計 {entry.credit_total:,}円 が一致しません"
        )
    if entry.kind != Kind.OPENING and not in_year_or_closing_period(entry.date, entry.fiscal_year):
        out.append(
            f"日付 {entry.date.isoformat()} は{entry.fiscal_year}年度"
            f"（{entry.fiscal_year}-04-01〜{entry.fiscal_year + 1}-05-31、出納整理期間を含む）の外です"
        )
    for p in entry.postings:
        if p.account not in chart:
            out.append(f"科目コード「{p.account}」は勘定科目表にありません")
            continue
        line = chart[p.account]
        if not line.postable:
            out.append(f"「{line.qualified_path}」は集計行のため仕訳できません。その内訳の科目を使ってください")
        elif not entry.opening and set(line.roles) & set(OPENING_ONLY_ROLES):
            out.append(
                f"「{line.qualified_path}」は開始残高でのみ使えます。"
                "現金の増減は資金収支計算書の科目で、純資産の内訳は自動で計算されます"
            )
        elif entry.kind == Kind.OPENING and line.statement != "BS":
            out.append(f"開始残高に貸借対照表以外の科目「{line.qualified_path}」は使えません")
        if p.amount == 0:
            out.append("金額0円の明細は仕訳できません")
    return out


def digest(entry: Entry) -> str:
    """A fingerprint of an entry's content, to tell a re-import from a conflicting one."""
    lines = sorted((p.account, p.amount) for p in entry.postings)
    text = f"{entry.date}|{entry.kind}|{entry.dept}|{entry.description}|{lines}"
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
