"""デモ市's 地方債台帳: one row per bond, rolled forward year by year, so that the year's
repayments (the 公債費 records of :mod:`kokai.demo.city`), the balance sheet's 地方債 and
1年内償還予定地方債 and the closing item 地方債 (:mod:`kokai.core.closing.bonds`) all tell
the same story.

The first year (2024, the year the demo's opening balance sheet opens) has the 112 bonds
the demo city has always repaid: their 2024 principal is the opening 1年内償還予定地方債
(1,850百万円) split by weight, exactly as the 公債費 vouchers have always been. Each bond
repays its principal in equal yearly amounts (元金均等) up to its 最終償還年度, so its balance
at 4/1/2024 is its yearly principal × the instalments left; the bonds still in their
据置期間 (2 years, no principal yet) hold the rest of the opening 地方債 + 1年内償還予定地方債
(19,862.5百万円). Each year adds the bonds it borrows (:data:`kokai.demo.city.NEW_LOANS`,
3 years' 据置, 20 years in all).

Next year's principal of a bond is its balance ÷ the instalments left (0 while it is in
its 据置期間), 円未満切捨て, the last instalment taking the rest: that is the bond's
1年内償還予定額 at the year end and what it repays in cash the year after.

Pure standard library; no Django. Deterministic.
"""

from __future__ import annotations

import datetime as _dt
import random
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from . import city

BASE_YEAR = 2024  # the year of the demo's opening balance sheet
GRACE = 2  # years after borrowing without principal (据置期間) of the opening bonds
NEW_GRACE, NEW_TERM = 3, 20  # bonds borrowed in the demo years: 3 years' 据置, last 20 years on

# the city's lender labels (memos) → the 借入先 of the 地方債 schedules
LENDER = {"財政融資資金": "財政融資資金", "地方公共団体金融機構": "地方公共団体金融機構", "市中銀行（縁故債）": "市中銀行"}
# 事業 (the 市債's 目) → 種類 of the 地方債（借入先別）の明細
KIND = {
    "臨時財政対策債": "臨時財政対策債", "公共事業等債": "一般公共事業", "学校教育施設等整備事業債": "教育・福祉施設",
    "一般単独事業債": "一般単独事業", "緊急防災・減災事業債": "一般単独事業", "公共施設等適正管理推進事業債": "一般単独事業",
    "合併特例債": "その他", "辺地対策事業債": "その他",
}


@dataclass(frozen=True)
class Bond:
    """One bond as the register knows it; its balance is kept apart (:class:`BondYear`)."""

    no: str
    issued_fy: int
    purpose: str
    lender: str  # the city's label (財政融資資金, 地方公共団体金融機構, 市中銀行（縁故債）)
    borrowed_on: _dt.date
    original: int
    rate: Decimal
    first_fy: int  # the first year it repays principal
    last_fy: int  # 最終償還年度
    pay_month: int  # the first of the year's two repayments (the second is in March)
    pay_day: int
    interest_weight: float

    @property
    def memo(self) -> str:
        return f"{self.lender} 償還金（{city._wareki_fy(self.issued_fy)} {self.purpose}）"

    def due(self, fy: int, balance: int) -> int:
        """The principal repaid in ``fy`` from ``balance`` (the balance at the start of ``fy``)."""
        if fy < self.first_fy or balance <= 0:
            return 0
        return balance if fy >= self.last_fy else balance // (self.last_fy - fy + 1)


@dataclass(frozen=True)
class BondYear:
    """A bond's year in the register: 前年度末残高 + 本年度借入額 − 本年度償還額 = 本年度末残高."""

    bond: Bond
    opening: int
    borrowed: int
    repaid: int
    closing: int
    due_next: int  # 1年内償還予定額


def _rate(rng: random.Random, issued: int) -> Decimal:
    low, high = (0.001, 0.006) if issued >= 2016 else (0.006, 0.015) if issued >= 2008 else (0.015, 0.025)
    return Decimal(str(round(rng.uniform(low, high), 4)))


@lru_cache(maxsize=4)
def _opening_bonds(fy: int = BASE_YEAR) -> tuple[tuple[Bond, int], ...]:
    """The bonds at 4/1 of ``fy`` (BASE_YEAR, or an earlier year standing alone) with their
    balances, from the demo's opening balance sheet."""
    rnd = random.Random(f"demo-city/debt/{fy}")  # the same draws the 公債費 vouchers always used
    loans = []
    for i in range(112):
        age = 1 + i % 24
        purpose = city._LOAN_PURPOSES[(i * 5 + age) % len(city._LOAN_PURPOSES)]
        lender = city._LENDERS[i % 3]
        p_w = 0.0 if age <= 2 and purpose != "臨時財政対策債" else rnd.uniform(0.5, 1.5)
        i_w = rnd.uniform(0.3, 1.2) * (1.8 if age > 14 else 1.0)
        loans.append((fy - age, purpose, lender, p_w, i_w))
    opening = city._OPENING
    principal = city._split(opening[city.A["1年内償還予定地方債"]], [ln[3] for ln in loans])
    total = opening[city.A["地方債"]] + opening[city.A["1年内償還予定地方債"]]
    rng = random.Random("demo-city/bonds")
    repaying, grace = [], []
    for i, ((issued, purpose, (lender, m1, d), _p_w, i_w), p) in enumerate(zip(loans, principal, strict=True)):
        term = 18 + (i % 3) * 3  # years of repayment after the 据置期間
        if p:
            left = max(2, term - (fy - issued) + 1)  # instalments left, this year's included
            first, last, balance = fy, fy + left - 1, p * left
        else:
            first, last, balance = issued + GRACE + 1, issued + GRACE + term, None
        rate = _rate(rng, issued)
        row = [f"{i + 1:03d}", issued, purpose, lender, _dt.date(issued + 1, 3, 25), rate, first, last, m1, d, i_w, p,
               balance]
        (repaying if p else grace).append(row)
    rest = total - sum(r[-1] for r in repaying)
    for r, amount in zip(grace, city._split(rest, [1.0 + 0.25 * (k % 4) for k in range(len(grace))]), strict=True):
        r[-1] = amount
    out = []
    for no, issued, purpose, lender, on, rate, first, last, m1, d, i_w, p, balance in sorted(repaying + grace):
        paid_before = p * max(0, fy - (issued + GRACE + 1)) if p else 0
        original = (balance + paid_before + 99_999) // 100_000 * 100_000
        out.append((Bond(no, issued, purpose, lender, on, original, rate, first, last, m1, d, i_w), balance))
    return tuple(out)


def _new_bonds(fy: int) -> list[Bond]:
    """The bonds borrowed for ``fy``'s budget (city.NEW_LOANS), numbered <年度>-<n>."""
    rng = random.Random(f"demo-city/bonds/{fy}")
    out = []
    for k, ((month, day, next_year), purpose, lender, amount) in enumerate(city.NEW_LOANS, start=1):
        on = _dt.date.fromisoformat(city._bizday(fy, city._mi(month, next_year), day))
        pay = next((m1, d) for label, m1, d in city._LENDERS if label == lender)
        out.append(Bond(f"{fy}-{k}", fy, purpose, lender, on, amount, Decimal(str(round(rng.uniform(0.004, 0.012), 4))),
                        fy + NEW_GRACE + 1, fy + NEW_TERM, pay[0], pay[1], 1.0))
    return out


@lru_cache(maxsize=16)
def register(fiscal_year: int) -> tuple[BondYear, ...]:
    """The register of ``fiscal_year``, one row per bond with a balance at the start or the
    end of the year: BASE_YEAR's (or an earlier year's) from the opening balance sheet, a later
    year's rolled forward from the year before."""
    fy = int(fiscal_year)
    if fy <= BASE_YEAR:
        start = list(_opening_bonds(fy))
    else:
        start = [(r.bond, r.closing) for r in register(fy - 1) if r.closing]
    rows = []
    new = {b.no: b for b in _new_bonds(fy)}
    for bond, balance in start + [(b, 0) for b in new.values()]:
        borrowed = bond.original if bond.no in new else 0
        repaid = bond.due(fy, balance)
        closing = balance + borrowed - repaid
        rows.append(BondYear(bond, balance, borrowed, repaid, closing, bond.due(fy + 1, closing)))
    return tuple(rows)


def payments(fiscal_year: int, principal: int, interest: int) -> list[tuple[Bond, int, int]]:
    """The year's 公債費 per bond: (bond, principal, interest). ``principal`` is the year's
    total (the 1年内償還予定地方債 at the start of the year, as the ledger holds it), split
    over the bonds by what the register says each repays — exactly the register's figures
    when the two agree; ``interest`` is split by each bond's weight."""
    rows = [r for r in register(fiscal_year) if r.opening]
    weights = [r.repaid for r in rows]
    principal_split = city._split(principal, weights) if sum(weights) else [0] * len(rows)
    interest_split = city._split(interest, [r.bond.interest_weight for r in rows])
    return [(r.bond, p, i) for r, p, i in zip(rows, principal_split, interest_split, strict=True)]
