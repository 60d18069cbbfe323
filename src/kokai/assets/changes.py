"""異動: the changes to the 固定資産台帳 that are not depreciation, each with its journal.

Every function here is one transaction: the asset record(s), the change(s) (``AssetChange``)
and the journal entry (非資金仕訳, one ImportBatch of kind ``asset_change``) are stored
together or not at all. The entry's 伝票番号 is ``異動-<change id>``; the change points at it.
Amounts are integer yen; a change's ``cost`` and ``accumulated`` are the movements of the
asset's 取得価額 and 減価償却累計額 (assets.md §8, §9, §12).

The entries (Dr / Cr, amounts in yen; BV = book value = cost − accumulated to date):

========================  ==============================================================
receive_free              Dr asset account  value / Cr ``NW/無償所管換等``  value
  (寄附受入・無償所管換・   (調査判明 uses the same NW row by default; its row is not
  調査判明)                  confirmed, assets.md §12.2, so ``credit_account`` is an argument)
retire (除却)             Dr 累計額 A + Dr ``PL/臨時損失/資産除売却損`` BV / Cr asset C
give_away (払出)          Dr 累計額 A + Dr ``NW/無償所管換等`` BV / Cr asset C
sell (売却)               the non-cash part only, see :func:`sell`
complete_construction     Dr final asset account / Cr 建設仮勘定 (amount transferred)
add_capital_expenditure   none by default (the cash conversion booked Dr asset); with
                          ``from_account``: Dr asset / Cr that account (reclassified 修繕費)
acquisitions_from_matching none (the cash conversion booked Dr asset / Cr 公共施設等整備費支出)
correct                   the reversal (逆仕訳) of the change's entry
========================  ==============================================================

Intangible assets (direct method, no 累計額 line) take their accumulated depreciation off
the asset line itself, so a retirement credits the asset with its book value.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Sum

from kokai.core.assets import (
    ALLOWED_KINDS,
    AssetClass,
    AssetError,
    AssetKind,
    account_for,
    contra_for,
    depreciable,
)
from kokai.core.chart import standard_chart
from kokai.core.journal import Entry, Kind, Posting
from kokai.core.parse import fiscal_year_of
from kokai.ledger.masters import chart_for, fund_lookup
from kokai.ledger.models import Fund, ImportBatch, JournalEntry, LocalGovernment
from kokai.ledger.posting import reverse_entry

from .models import Asset, AssetChange

BATCH_KIND = "asset_change"
FREE_RECEIPT_CREDIT = "NW/無償所管換等"
# 調査判明: the NW row (その他, 資産評価差額 or 無償所管換等) is unconfirmed (assets.md §12.2);
# this default is a setting: pass ``credit_account`` to receive_free to use another row.
FOUND_CREDIT = "NW/無償所管換等"
DISPOSAL_LOSS = "PL/臨時損失/資産除売却損"
SALE_GAIN = "PL/臨時利益/資産売却益"
MATCHING_NOTE = "マッチング:"  # prefix of the notes of matching-derived changes
FREE_IN_REASONS = ("donation_in", "transfer_in", "found")
FREE_OUT_REASONS = ("transfer_out", "donation_out")
CIP = AssetKind.CONSTRUCTION_IN_PROGRESS.value
REASON_LABEL = dict(AssetChange.REASONS)


# ------------------------------------------------------------------------------ helpers

def _year(date: dt.date, fiscal_year: int | None) -> int:
    return fiscal_year if fiscal_year is not None else fiscal_year_of(date)


def _fund(lg: LocalGovernment, fund: str) -> Fund:
    code = fund_lookup(lg).get(fund)
    if code is None:
        raise AssetError(f"会計区分「{fund}」は登録されていません")
    return Fund.objects.get(lg=lg, code=code)


def _asset(lg: LocalGovernment, asset_no: str, branch_no: int) -> Asset:
    try:
        return Asset.objects.select_related("fund").get(lg=lg, asset_no=asset_no, branch_no=branch_no)
    except Asset.DoesNotExist:
        raise AssetError(f"資産番号 {asset_no}-{branch_no} は台帳にありません") from None


def _live(asset: Asset, date: dt.date) -> None:
    if asset.disposed_on is not None:
        raise AssetError(f"資産番号 {asset.asset_no}-{asset.branch_no}（{asset.name}）は {asset.disposed_on} に"
                         "除売却・振替済みです")
    if asset.acquired_on and date < asset.acquired_on:
        raise AssetError(f"異動日 {date} が資産番号 {asset.asset_no}-{asset.branch_no} の取得年月日 "
                         f"{asset.acquired_on} より前です")


def balances(asset: Asset, fiscal_year: int) -> tuple[int, int]:
    """(cost, accumulated depreciation) of an asset at the end of ``fiscal_year``; refuses when
    a later year already has changes (a change must not rewrite a closed history)."""
    if asset.changes.filter(fiscal_year__gt=fiscal_year).exists():
        raise AssetError(f"資産番号 {asset.asset_no}-{asset.branch_no} には{fiscal_year}年度より後の異動があります")
    s = asset.changes.filter(fiscal_year__lte=fiscal_year).aggregate(c=Sum("cost"), a=Sum("accumulated"))
    return int(s["c"] or 0), int(s["a"] or 0)


def _next_branch(lg: LocalGovernment, asset_no: str) -> int:
    top = Asset.objects.filter(lg=lg, asset_no=asset_no).aggregate(m=Max("branch_no"))["m"]
    return 0 if top is None else top + 1


def class_and_kind(account: str) -> tuple[str, str]:
    """(class code, kind) of an asset account path (the inverse of ``account_for``)."""
    chart = standard_chart()
    try:
        path = chart.resolve(account).qualified_path
    except ValueError:
        path = account
    for cls, kinds in ALLOWED_KINDS.items():
        for kind in kinds:
            if account_for(cls, kind, chart)[0] == path:
                return cls.value, kind.value
    raise AssetError(f"「{account}」は固定資産の勘定科目ではありません")


def _post(*, lg: LocalGovernment, fund: Fund, fiscal_year: int, date: dt.date, voucher: str,
          postings: Mapping[str, int] | list[tuple[str, int]], description: str) -> JournalEntry | None:
    """Post one 非資金仕訳 (lines merged by account, zeros dropped); None when nothing is left."""
    chart = chart_for(lg)
    merged: dict[str, int] = {}
    for path, amount in (postings.items() if isinstance(postings, Mapping) else postings):
        code = chart.resolve(path).code
        merged[code] = merged.get(code, 0) + int(amount)
    lines = tuple(Posting(code, amt) for code, amt in merged.items() if amt)
    if not lines:
        return None
    entry = Entry(fiscal_year=fiscal_year, date=date, fund=fund.code, kind=Kind.NON_CASH, voucher_no=voucher,
                  postings=lines, description=description[:200])
    key = f"{lg.id}/{fiscal_year}/{fund.code}/{voucher}"
    batch = ImportBatch.objects.create(lg=lg, kind=BATCH_KIND, file_name=f"固定資産の異動 {voucher}"[:255],
                                       sha256=hashlib.sha256(key.encode()).hexdigest(), entries=1, lines=len(lines))
    from kokai.ledger.posting import post_entries

    post_entries(lg=lg, entries=[entry], chart=chart, batch_id=batch.id)
    return JournalEntry.objects.get(lg=lg, fiscal_year=fiscal_year, fund=fund, voucher_no=voucher)


def _change(asset: Asset, *, fiscal_year: int, date: dt.date, reason: str, cost: int = 0, accumulated: int = 0,
            note: str = "") -> AssetChange:
    return AssetChange.objects.create(lg_id=asset.lg_id, asset=asset, fiscal_year=fiscal_year, date=date,
                                      reason=reason, cost=cost, accumulated=accumulated, note=note[:200])


def _book(changes: list[AssetChange], *, lg, fund: Fund, postings, description: str) -> JournalEntry | None:
    """Post the entry of one or more changes (voucher 異動-<first change id>) and link it."""
    first = changes[0]
    entry = _post(lg=lg, fund=fund, fiscal_year=first.fiscal_year, date=first.date, voucher=f"異動-{first.pk}",
                  postings=postings, description=description)
    if entry is not None:
        for c in changes:
            c.entry = entry
            c.save(update_fields=["entry"])
    return entry


# ------------------------------------------------------------------------------ increases

@transaction.atomic
def receive_free(
    *, lg: LocalGovernment, date: dt.date, value: int, asset_no: str, name: str, asset_class: str, kind: str,
    branch_no: int = 0, reason: str = "donation_in", fund: str = "01", useful_life: int | None = None,
    acquired_on: dt.date | None = None, in_service: dt.date | None = None, location: str = "", dept: str = "",
    quantity=None, unit: str = "", purpose: str = "", is_art: bool = False, valuation: str = "replacement",
    credit_account: str | None = None, fiscal_year: int | None = None, note: str = "",
) -> AssetChange:
    """A new asset received free: 寄附受入 (``donation_in``), 無償所管換（受入） (``transfer_in``)
    or 調査判明 (``found``, an asset found in a stocktake), valued at ``value`` (再調達価額).

    Entry: Dr the asset's account ``value`` / Cr ``credit_account``, by default
    ``NW/無償所管換等`` (Deloitte local20, assets.md §12.2). For 調査判明 the NW row is not
    confirmed (その他, 資産評価差額 or 無償所管換等): the default :data:`FOUND_CREDIT` is
    無償所管換等 and ``credit_account`` chooses another. A value of 0 makes no entry.
    """
    if reason not in FREE_IN_REASONS:
        raise AssetError(f"異動事由「{reason}」は無償の受入ではありません（{'・'.join(REASON_LABEL[r] for r in FREE_IN_REASONS)}）")
    if value < 0:
        raise AssetError(f"評価額 {value:,}円 が負の数です。0以上で入力してください")
    cls = AssetClass.parse(asset_class)
    account, _contra = account_for(cls, kind)
    kind = AssetKind.parse(kind).value
    if cls is AssetClass.INTANGIBLE and kind == AssetKind.OTHER.value:
        kind = AssetKind.INTANGIBLE_OTHER.value
    if Asset.objects.filter(lg=lg, asset_no=asset_no, branch_no=branch_no).exists():
        raise AssetError(f"資産番号 {asset_no}-{branch_no} は既に台帳にあります")
    if useful_life is None and depreciable(kind, cls, is_art):
        raise AssetError("償却資産には耐用年数が必要です")
    acquired_on = acquired_on or date
    in_service = in_service or acquired_on
    if in_service < acquired_on:
        raise AssetError(f"供用開始年月日 {in_service} が取得年月日 {acquired_on} より前です")
    f = _fund(lg, fund)
    fy = _year(date, fiscal_year)
    asset = Asset.objects.create(
        lg=lg, fund=f, asset_no=asset_no[:40], branch_no=branch_no, name=name[:200], location=location[:200],
        dept=dept[:60], asset_class=cls.value, kind=kind, account=account, useful_life=useful_life,
        acquired_on=acquired_on, in_service=in_service, valuation=valuation, quantity=quantity, unit=unit[:10],
        purpose=purpose[:30], is_art=is_art,
    )
    change = _change(asset, fiscal_year=fy, date=date, reason=reason, cost=value,
                     note=note or f"{REASON_LABEL[reason]} {name}")
    credit = credit_account or (FOUND_CREDIT if reason == "found" else FREE_RECEIPT_CREDIT)
    _book([change], lg=lg, fund=f, postings=[(account, value), (credit, -value)],
          description=f"{REASON_LABEL[reason]} {asset_no}-{branch_no} {name}")
    return change


# ------------------------------------------------------------------------------ decreases

def _dispose(*, lg, asset_no, branch_no, date, fiscal_year, fund, reason, extra: list[tuple[str, int]],
             debit_rest: str, credit_rest: str, note: str) -> AssetChange:
    asset = _asset(lg, asset_no, branch_no)
    _live(asset, date)
    if asset.kind == CIP and reason != "retirement":
        raise AssetError(f"資産番号 {asset_no}-{branch_no} は建設仮勘定です。完成したら本勘定へ振り替えてください")
    fy = _year(date, fiscal_year)
    cost, acc = balances(asset, fy)
    contra = contra_for(asset.account)
    postings = [(asset.account, -cost), (contra or asset.account, acc), *extra]
    rest = -sum(a for _p, a in postings)  # what balances the entry: + debit, − credit
    if rest > 0:
        postings.append((debit_rest, rest))
    elif rest < 0:
        postings.append((credit_rest, rest))
    change = _change(asset, fiscal_year=fy, date=date, reason=reason, cost=-cost, accumulated=-acc,
                     note=note or f"{REASON_LABEL[reason]} {asset.name}")
    asset.disposed_on = date
    asset.save(update_fields=["disposed_on"])
    f = _fund(lg, fund) if fund else asset.fund
    _book([change], lg=lg, fund=f, postings=postings,
          description=f"{REASON_LABEL[reason]} {asset_no}-{branch_no} {asset.name}")
    return change


@transaction.atomic
def retire(*, lg: LocalGovernment, asset_no: str, branch_no: int = 0, date: dt.date, fund: str | None = None,
           fiscal_year: int | None = None, note: str = "") -> AssetChange:
    """除却: the whole asset leaves the register on ``date``.

    Entry: Dr 減価償却累計額 (accumulated to date) + Dr ``PL/臨時損失/資産除売却損`` (book
    value) / Cr asset (cost). The change takes off the cost and the accumulated
    depreciation; the asset gets ``disposed_on`` (no depreciation for that year). An asset
    already disposed of is refused.
    """
    return _dispose(lg=lg, asset_no=asset_no, branch_no=branch_no, date=date, fiscal_year=fiscal_year, fund=fund,
                    reason="retirement", extra=[], debit_rest=DISPOSAL_LOSS, credit_rest=DISPOSAL_LOSS, note=note)


@transaction.atomic
def give_away(*, lg: LocalGovernment, asset_no: str, branch_no: int = 0, date: dt.date,
              reason: str = "transfer_out", fund: str | None = None, fiscal_year: int | None = None,
              note: str = "") -> AssetChange:
    """無償所管換（払出） (``transfer_out``) or 寄附（払出） (``donation_out``): the reverse of a
    free receipt at book value (assets.md §8, [U]).

    Entry: Dr 減価償却累計額 + Dr ``NW/無償所管換等`` (book value) / Cr asset (cost).
    """
    if reason not in FREE_OUT_REASONS:
        raise AssetError(f"異動事由「{reason}」は無償の払出ではありません")
    return _dispose(lg=lg, asset_no=asset_no, branch_no=branch_no, date=date, fiscal_year=fiscal_year, fund=fund,
                    reason=reason, extra=[], debit_rest=FREE_RECEIPT_CREDIT, credit_rest=FREE_RECEIPT_CREDIT,
                    note=note)


@transaction.atomic
def sell(*, lg: LocalGovernment, asset_no: str, branch_no: int = 0, date: dt.date, proceeds: int,
         fund: str | None = None, fiscal_year: int | None = None, cash_booked: Mapping[str, int] | None = None,
         note: str = "") -> AssetChange:
    """売却: the asset leaves the register against ``proceeds`` received in cash.

    The cash receipt is not booked here: it comes from the 歳入 data. The standard rule for
    財産売払収入 (conversion_rules.csv, R-財産収入-財産売払収入) books the whole receipt
    provisionally as **Dr CF 資産売却収入 P / Cr PL 資産売却益 P**. ``cash_booked`` says what the
    cash conversion credited for this sale, by account (default ``{資産売却益: proceeds}``;
    when the 科目の判断 split the receipt, e.g. ``{土地: 15,000,000, 資産売却益: 5,000,000}``,
    pass that split). This function then posts the rest, so that in the end the asset is
    gone and PL shows only the gain or the loss:

        Dr 減価償却累計額 A, Dr each ``cash_booked`` account its amount (undoing the
        provisional credit) / Cr asset C, and the difference P − BV as
        Cr 資産売却益 (a gain) or Dr 資産除売却損 (a loss); lines on one account are netted.

    Worked example (the default): cost 100,000,000, accumulated 60,000,000 (BV 40,000,000),
    proceeds 50,000,000. Cash: Dr 資産売却収入 50,000,000 / Cr 資産売却益 50,000,000. Here:
    Dr 累計額 60,000,000 + Dr 資産売却益 40,000,000 / Cr 建物 100,000,000. Net PL 資産売却益
    10,000,000; at proceeds 30,000,000 instead: Dr 累計額 60,000,000 + Dr 資産売却益 30,000,000
    + Dr 資産除売却損 10,000,000 / Cr 建物 100,000,000. When nothing is left to book (the
    split already credited the asset with its book value) only the change is stored.
    """
    if proceeds < 0:
        raise AssetError(f"売却代金 {proceeds:,}円 が負の数です")
    booked = dict(cash_booked) if cash_booked is not None else {SALE_GAIN: proceeds}
    if sum(booked.values()) != proceeds:
        raise AssetError(f"資金仕訳で計上した額の合計 {sum(booked.values()):,}円 が売却代金 {proceeds:,}円 と一致しません")
    for path in booked:
        if path.startswith("CF/"):
            raise AssetError("cash_booked には資金仕訳の貸方（資金収支計算書以外の科目）を指定してください")
    return _dispose(lg=lg, asset_no=asset_no, branch_no=branch_no, date=date, fiscal_year=fiscal_year, fund=fund,
                    reason="sale", extra=list(booked.items()), debit_rest=DISPOSAL_LOSS, credit_rest=SALE_GAIN,
                    note=note or f"売却 代金 {proceeds:,}円")


# ------------------------------------------------------------------------------ transfers

@transaction.atomic
def complete_construction(
    *, lg: LocalGovernment, asset_no: str, branch_no: int = 0, date: dt.date, to_kind: str,
    to_class: str | None = None, amount: int | None = None, new_asset_no: str | None = None,
    new_branch_no: int | None = None, name: str | None = None, useful_life: int | None = None,
    in_service: dt.date | None = None, fiscal_year: int | None = None, note: str = "",
) -> tuple[AssetChange, AssetChange]:
    """建設仮勘定 → 本勘定 on completion (供用開始): ``amount`` (default: the whole balance) of a
    建設仮勘定 record moves to the final asset, a new record (``new_asset_no``, default the
    same number with the next free 枝番; class ``to_class``, default the CIP's; kind
    ``to_kind``). Both sides are ``cip_transfer`` changes (CIP −amount, final +amount), and
    the CIP record is closed (``disposed_on``) when nothing is left on it.

    Entry: Dr final asset account / Cr 建設仮勘定, the amount.

    Why a new record rather than re-labelling the CIP one: a record has one account for its
    whole history, and the register of earlier years (ledger_ties) must still show the
    amount on 建設仮勘定.
    """
    cip = _asset(lg, asset_no, branch_no)
    _live(cip, date)
    if cip.kind != CIP:
        raise AssetError(f"資産番号 {asset_no}-{branch_no} は建設仮勘定ではありません（種目: {cip.kind}）")
    fy = _year(date, fiscal_year)
    balance, _acc = balances(cip, fy)
    amount = balance if amount is None else amount
    if not 0 < amount <= balance:
        raise AssetError(f"振替額 {amount:,}円 は1円以上、建設仮勘定の残高 {balance:,}円 以下にしてください")
    cls = AssetClass.parse(to_class or cip.asset_class)
    account, _contra = account_for(cls, to_kind)
    kind = AssetKind.parse(to_kind).value
    if kind == CIP:
        raise AssetError("振替先の種目に建設仮勘定は使えません")
    if useful_life is None and depreciable(kind, cls):
        raise AssetError(f"振替先の{kind}には耐用年数が必要です")
    new_no = new_asset_no or asset_no
    new_branch = new_branch_no if new_branch_no is not None else _next_branch(lg, new_no)
    if Asset.objects.filter(lg=lg, asset_no=new_no, branch_no=new_branch).exists():
        raise AssetError(f"資産番号 {new_no}-{new_branch} は既に台帳にあります")
    in_service = in_service or date
    final = Asset.objects.create(
        lg=lg, fund=cip.fund, asset_no=new_no[:40], branch_no=new_branch, name=(name or cip.name)[:200],
        location=cip.location, dept=cip.dept, asset_class=cls.value, kind=kind, account=account,
        ownership=cip.ownership, legal_owner=cip.legal_owner, useful_life=useful_life, acquired_on=date,
        in_service=in_service, quantity=cip.quantity, unit=cip.unit, purpose=cip.purpose, funding=cip.funding,
        extra={"建設仮勘定": f"{asset_no}-{branch_no}"},
    )
    text = note or f"建設仮勘定から本勘定へ {asset_no}-{branch_no} → {new_no}-{new_branch}"
    out = _change(cip, fiscal_year=fy, date=date, reason="cip_transfer", cost=-amount, note=text)
    into = _change(final, fiscal_year=fy, date=date, reason="cip_transfer", cost=amount, note=text)
    if amount == balance:
        cip.disposed_on = date
        cip.save(update_fields=["disposed_on"])
    _book([out, into], lg=lg, fund=cip.fund, postings=[(account, amount), (cip.account, -amount)], description=text)
    return out, into


@transaction.atomic
def add_capital_expenditure(
    *, lg: LocalGovernment, asset_no: str, branch_no: int = 0, amount: int, date: dt.date,
    name: str | None = None, useful_life: int | None = None, in_service: dt.date | None = None,
    new_branch_no: int | None = None, from_account: str | None = None, fiscal_year: int | None = None,
    note: str = "",
) -> AssetChange:
    """資本的支出 on an asset, recorded as its own record (手引き ¶41): same 資産番号, the
    next free 枝番 (or ``new_branch_no``), the parent's class, kind, account and useful life
    (``useful_life`` may differ), in service from ``in_service`` (default ``date``), and a
    ``capital`` change of ``amount``. ``extra["親資産"]`` names the parent.

    Journal: **none by default**, because the payment's cash conversion already booked
    Dr the asset account / Cr 公共施設等整備費支出 (matching decision 資産計上（既存資産）).
    When the payment was booked as an expense and is reclassified now, pass that account as
    ``from_account`` (e.g. ``PL/経常費用/業務費用/物件費等/維持補修費``): Dr asset / Cr it.
    """
    parent = _asset(lg, asset_no, branch_no)
    _live(parent, date)
    if parent.kind == CIP:
        raise AssetError("建設仮勘定への支出は資本的支出ではありません。建設仮勘定に加えてください")
    if amount <= 0:
        raise AssetError(f"資本的支出の額 {amount:,}円 は1円以上にしてください")
    if from_account and from_account.startswith("CF/"):
        raise AssetError("from_account に資金収支計算書の科目は使えません（資金の動きは資金仕訳で計上済みです）")
    fy = _year(date, fiscal_year)
    branch = new_branch_no if new_branch_no is not None else _next_branch(lg, asset_no)
    if Asset.objects.filter(lg=lg, asset_no=asset_no, branch_no=branch).exists():
        raise AssetError(f"資産番号 {asset_no}-{branch} は既に台帳にあります")
    life = useful_life or parent.useful_life
    if life is None and depreciable(parent.kind, parent.asset_class, parent.is_art):
        raise AssetError("償却資産には耐用年数が必要です")
    record = Asset.objects.create(
        lg=lg, fund=parent.fund, asset_no=asset_no, branch_no=branch, name=(name or f"{parent.name}（資本的支出）")[:200],
        location=parent.location, dept=parent.dept, asset_class=parent.asset_class, kind=parent.kind,
        account=parent.account, ownership=parent.ownership, legal_owner=parent.legal_owner,
        life_category=parent.life_category, useful_life=life, acquired_on=date, in_service=in_service or date,
        unit=parent.unit, purpose=parent.purpose, is_art=parent.is_art, extra={"親資産": f"{asset_no}-{branch_no}"},
    )
    change = _change(record, fiscal_year=fy, date=date, reason="capital", cost=amount,
                     note=note or f"資本的支出（{asset_no}-{branch_no} {parent.name}）")
    if from_account:
        _book([change], lg=lg, fund=parent.fund, postings=[(parent.account, amount), (from_account, -amount)],
              description=f"資本的支出への振替 {asset_no}-{branch}")
    return change


# ------------------------------------------------------------------------------ corrections

@transaction.atomic
def correct(*, lg: LocalGovernment, change_id: int, date: dt.date, reason: str = "") -> list[AssetChange]:
    """訂正: cancel a change by a negating ``correction`` change and the reversal (逆仕訳) of its
    entry (``kokai.ledger.posting.reverse_entry``); nothing is edited in place. Changes that
    share the entry (both sides of a 建設仮勘定 transfer) are cancelled together, and a
    disposal's ``disposed_on`` is cleared. ``date`` must lie in the change's fiscal year
    (or its 出納整理期間), as the reversal is posted to that year. A sale's cash receipt is
    not touched (it belongs to the cash data).

    Refused: 開始残高 and 減価償却 (re-import / per-account runs), matching-derived
    acquisitions (fix the decision and run :func:`acquisitions_from_matching` again), a
    correction, and a change already corrected.
    """
    try:
        change = AssetChange.objects.select_related("asset", "entry__fund").get(lg=lg, pk=change_id)
    except AssetChange.DoesNotExist:
        raise AssetError(f"異動 #{change_id} はありません") from None
    if change.reason in ("opening", "depreciation", "correction"):
        raise AssetError(f"{REASON_LABEL[change.reason]}の異動は訂正できません")
    if change.note.startswith(MATCHING_NOTE):
        raise AssetError("マッチングから作った取得は、マッチングの判断を直して取り込み直してください")
    group = [change] if change.entry_id is None else list(
        AssetChange.objects.select_related("asset").filter(lg=lg, entry_id=change.entry_id).order_by("pk"))
    marks = [f"取消: 異動 #{c.pk}" for c in group]
    if AssetChange.objects.filter(lg=lg, reason="correction", note__in=marks).exists():
        raise AssetError(f"異動 #{change_id} は既に訂正されています")
    if change.entry_id is not None:
        e = change.entry
        reverse_entry(lg=lg, fiscal_year=e.fiscal_year, voucher_no=e.voucher_no, fund_code=e.fund.code, date=date,
                      chart=chart_for(lg), reason=reason or f"固定資産の異動 #{change_id} の訂正")
        reversing = JournalEntry.objects.get(lg=lg, fiscal_year=e.fiscal_year, fund=e.fund,
                                             voucher_no=f"取消-{e.voucher_no}")
    else:
        reversing = None
    out = []
    for c, mark in zip(group, marks, strict=True):
        neg = AssetChange.objects.create(lg=lg, asset=c.asset, fiscal_year=c.fiscal_year, date=date,
                                         reason="correction", cost=-c.cost, accumulated=-c.accumulated,
                                         entry=reversing, note=mark)
        if c.reason in ("retirement", "sale", *FREE_OUT_REASONS) or (c.reason == "cip_transfer" and c.cost < 0):
            c.asset.disposed_on = None
            c.asset.save(update_fields=["disposed_on"])
        out.append(neg)
    return out


# ------------------------------------------------------------------------------ matching

@dataclass(frozen=True)
class MatchingAcquisitions:
    assets: int  # records created
    changes: int  # changes made (purchase and capital)
    total: int  # yen

    def summary(self) -> str:
        return f"マッチングの判断から固定資産 {self.assets}件を登録し、{self.changes}件の取得（計 {self.total:,}円）を台帳に記録しました。"


def _matching_date(fiscal_year: int, dates: list[dt.date]) -> dt.date:
    return max(dates) if dates else dt.date(fiscal_year + 1, 3, 31)


@transaction.atomic
def acquisitions_from_matching(*, lg: LocalGovernment, fiscal_year: int) -> MatchingAcquisitions:
    """The year's paid acquisitions (有償取得) from the matching decisions, into the register.

    - ``asset_new``: one record per 資産番号 (decisions sharing it are the parts of one
      asset: design + works + supervision); a blank 資産番号 makes one record per decision,
      numbered ``M<年度>-<伝票番号>-<行番号>-<分割番号>``. Class and kind follow from the
      decision's account; name, useful life, in-service date, quantity and unit from the
      first part that has them. One ``purchase`` change of the parts' sum, dated the last
      payment date (取得年月日 too, or the in-service date if earlier).
    - ``asset_existing``: a ``capital`` record under the named asset (手引き ¶41, as
      :func:`add_capital_expenditure`), or, when the named asset is one this run creates, a
      part of its purchase.
    - ``cip``: added to the 建設仮勘定 record named by 資産番号 (created when new, numbered as
      above when blank) as a ``purchase`` change.

    No journal: the cash conversion of those payments already booked Dr asset (or 建設仮勘定)
    / Cr 公共施設等整備費支出. Idempotent: the year's matching-derived changes (notes starting
    with ``マッチング:``) are deleted first, with the records they created that have no other
    change, and everything is made again from the current decisions, in one transaction;
    a record that has other changes since (depreciation, disposal) is kept and its
    attributes are not updated.
    """
    from kokai.cash.models import CashRecord, MatchingDecision

    old = AssetChange.objects.filter(lg=lg, fiscal_year=fiscal_year, entry__isnull=True,
                                     reason__in=("purchase", "capital"), note__startswith=MATCHING_NOTE)
    touched = set(old.values_list("asset_id", flat=True))
    old.delete()
    orphans = [a.pk for a in Asset.objects.filter(pk__in=touched)
               if (a.extra or {}).get("出典") == "マッチング" and not a.changes.exists()]
    Asset.objects.filter(pk__in=orphans).delete()

    decisions = list(MatchingDecision.objects.filter(lg=lg, fiscal_year=fiscal_year,
                                                     kind__in=("asset_new", "asset_existing", "cip"))
                     .select_related("fund").order_by("fund__code", "voucher_no", "line_no", "seq"))
    if not decisions:
        return MatchingAcquisitions(0, 0, 0)
    dates = {(f, v, n): d for f, v, n, d in CashRecord.objects.filter(
        lg=lg, fiscal_year=fiscal_year, direction="E",
        voucher_no__in={d.voucher_no for d in decisions}).values_list("fund_id", "voucher_no", "line_no", "date")}
    groups: dict[str, list] = {}
    existing: list = []
    for d in decisions:
        if d.kind == "asset_existing":
            existing.append(d)
            continue
        no = d.asset_no or f"M{fiscal_year}-{d.voucher_no}-{d.line_no}-{d.seq}"[:40]
        groups.setdefault(no, []).append(d)
    created = changes = total = 0
    made: dict[str, Asset] = {}
    for no, parts in groups.items():
        first = parts[0]
        account = first.account
        cls, kind = class_and_kind(account)
        amount = sum(p.amount for p in parts)
        pay = [dates[k] for p in parts if (k := (p.fund_id, p.voucher_no, p.line_no)) in dates]
        when = _matching_date(fiscal_year, pay)
        asset = Asset.objects.filter(lg=lg, asset_no=no).order_by("branch_no").first()
        if asset is None:
            def pick(f, parts=parts):
                return next((getattr(p, f) for p in parts if getattr(p, f)), None)

            in_service = pick("in_service") if kind != CIP else None
            acquired = min(when, in_service) if in_service else when
            asset = Asset.objects.create(
                lg=lg, fund_id=first.fund_id, asset_no=no, branch_no=0,
                name=(pick("asset_name") or f"{kind} {first.voucher_no}")[:200], asset_class=cls, kind=kind,
                account=account, useful_life=pick("useful_life"), acquired_on=acquired, in_service=in_service,
                quantity=(pick("quantity") or "").replace(",", "") or None, unit=(pick("unit") or "")[:10],
                extra={"出典": "マッチング", "年度": fiscal_year},
            )
            created += 1
            made[no] = asset
        elif asset.account != account:
            raise AssetError(f"資産番号 {no} は台帳で「{asset.account}」の資産です。マッチングの判断の勘定科目"
                             f"「{account}」と一致しません")
        refs = " ".join(f"{p.voucher_no}-{p.line_no}-{p.seq}" for p in parts)
        _change(asset, fiscal_year=fiscal_year, date=when, reason="purchase", cost=amount,
                note=f"{MATCHING_NOTE} {refs}")
        changes += 1
        total += amount
    for d in existing:
        when = dates.get((d.fund_id, d.voucher_no, d.line_no)) or _matching_date(fiscal_year, [])
        ref = f"{MATCHING_NOTE} {d.voucher_no}-{d.line_no}-{d.seq}"
        if d.asset_no in made:
            _change(made[d.asset_no], fiscal_year=fiscal_year, date=when, reason="purchase", cost=d.amount, note=ref)
        else:
            parent = Asset.objects.filter(lg=lg, asset_no=d.asset_no).order_by("branch_no").first()
            if parent is None:
                raise AssetError(f"伝票番号「{d.voucher_no}」行番号 {d.line_no} の資産番号 {d.asset_no} は台帳にありません")
            change = add_capital_expenditure(lg=lg, asset_no=parent.asset_no, branch_no=parent.branch_no,
                                             amount=d.amount, date=when, name=d.asset_name or None,
                                             useful_life=d.useful_life, in_service=d.in_service,
                                             fiscal_year=fiscal_year, note=ref)
            Asset.objects.filter(pk=change.asset_id).update(extra={"親資産": f"{parent.asset_no}-{parent.branch_no}",
                                                                   "出典": "マッチング", "年度": fiscal_year})
            created += 1
        changes += 1
        total += d.amount
    return MatchingAcquisitions(created, changes, total)
