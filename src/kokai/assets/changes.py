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
reclassify (科目振替)     Dr new asset C / Cr old asset C; Dr old 累計額 A / Cr new 累計額 A
revalue (評価替)          Dr (Cr) asset ΔC, Cr (Dr) 累計額 ΔA, the book-value change ΔC − ΔA to
                          ``NW/資産評価差額`` (:data:`REVALUATION_ACCOUNT`, a setting)
acquisitions_from_matching none (the cash conversion booked Dr asset / Cr 公共施設等整備費支出)
correct                   the reversal (逆仕訳) of the change's entry
========================  ==============================================================

Intangible assets (direct method, no 累計額 line) take their accumulated depreciation off
the asset line itself, so a retirement credits the asset with its book value.

The account history of a record. A record normally keeps one account for life; a 科目振替
(:func:`reclassify`) changes its class, kind and account in place and appends a period to
``Asset.extra["勘定科目の履歴"]``: ``[{"から": <first change id>, "勘定科目": path, "資産区分":
…, "種目": …, "耐用年数": …}, …]``. A change belongs to the account of the last period whose
``から`` is not above its id (:func:`account_of`), so the reclass-out change (−C, −A) sits on the
old account and the reclass-in change (+C, +A) and everything after it on the new one; the
register's per-line figures of any year (``reports.register_lines``, the 附属明細書) split the
record accordingly.
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
    ValuationBasis,
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
CLASS_LABEL = dict(Asset.CLASSES)
# 評価替 of a fixed asset: the NW row is not confirmed (statements.md §4 describes 資産評価差額
# as the remeasurement of securities and similar assets; assets.md §12.1 lists 評価等増・評価等減
# as 異動 without their entry). Default 資産評価差額; ``nw_account`` of revalue() chooses
# NW/その他 or NW/無償所管換等 instead.
REVALUATION_ACCOUNT = "NW/資産評価差額"
ACCOUNT_LOG = "勘定科目の履歴"  # Asset.extra: the record's account periods (科目振替)
VALUATION_LOG = "評価方法の履歴"  # Asset.extra: [{"異動": id, "前": code, "後": code}] (評価替)
VALUATION_CODES = {**{v.value: v.value for v in ValuationBasis}, **{v.label: v.value for v in ValuationBasis}}


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


def account_of(extra: Mapping | None, change_id: int, current: str) -> str:
    """The account a change of a record belongs to: ``current`` unless the record was
    reclassified (``extra["勘定科目の履歴"]``), then that of the period the change falls in."""
    periods = (extra or {}).get(ACCOUNT_LOG) or []
    account = current
    for p in periods:
        if int(p["から"]) <= change_id:
            account = p["勘定科目"]
    return account


def account_periods(extra: Mapping | None) -> list[dict]:
    """The record's account periods (empty when it was never reclassified)."""
    return list((extra or {}).get(ACCOUNT_LOG) or [])


def _state(asset: Asset) -> dict:
    return {"勘定科目": asset.account, "資産区分": asset.asset_class, "種目": asset.kind,
            "耐用年数": asset.useful_life}


def _enter_period(asset: Asset, first_change: int, state: dict) -> None:
    """Start a new account period at ``first_change`` and put the record in that state."""
    extra = dict(asset.extra or {})
    periods = list(extra.get(ACCOUNT_LOG) or [{"から": 0, **_state(asset)}])
    periods.append({"から": first_change, **state})
    extra[ACCOUNT_LOG] = periods
    asset.extra = extra
    asset.account, asset.asset_class, asset.kind = state["勘定科目"], state["資産区分"], state["種目"]
    asset.useful_life = state["耐用年数"]
    asset.save(update_fields=["extra", "account", "asset_class", "kind", "useful_life"])


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


# ------------------------------------------------------------------------------ reclassification

def reclass_target(asset_class: str, kind_now: str, to_class: str | None,
                   to_kind: str | None) -> tuple[AssetClass, str, str]:
    """(class, kind, account) a record of ``asset_class``/``kind_now`` is reclassified to
    (blank ``to_*``: unchanged; その他 for 物品, 無形その他 for 無形固定資産); refuses pairs the
    chart lacks (AssetError)."""
    cls = AssetClass.parse(to_class or asset_class)
    if to_kind:
        kind = to_kind
    elif cls is AssetClass.MOVABLE:
        kind = AssetKind.OTHER.value
    elif cls is AssetClass.INTANGIBLE and asset_class != cls.value:
        kind = AssetKind.INTANGIBLE_OTHER.value
    else:
        kind = kind_now
    account, _contra = account_for(cls, kind)
    kind = AssetKind.parse(kind).value
    if cls is AssetClass.INTANGIBLE and kind == AssetKind.OTHER.value:
        kind = AssetKind.INTANGIBLE_OTHER.value
    return cls, kind, account


@transaction.atomic
def reclassify(
    *, lg: LocalGovernment, asset_no: str, branch_no: int = 0, date: dt.date, to_class: str | None = None,
    to_kind: str | None = None, useful_life: int | None = None, fiscal_year: int | None = None, note: str = "",
) -> tuple[AssetChange, AssetChange]:
    """科目振替: the record moves to another class and/or kind (事業用資産 ⇄ インフラ資産, a 工作物
    found to be a 建物, 物品 → 事業用資産/その他 …) with its whole cost C and accumulated
    depreciation A at ``date`` (assets.md §12.1 振替). ``to_class`` defaults to the record's
    class; ``to_kind`` to its kind (その他 when moving to 物品, 無形その他 to 無形固定資産).

    Entry (one, balanced): Dr new asset C / Cr old asset C; Dr old 累計額 A / Cr new 累計額 A
    (an intangible's 累計額 is its own asset line: direct method). The record keeps its
    number and history: two ``reclass`` changes, (−C, −A) on the old account and (+C, +A) on
    the new one (:func:`account_of`), then its class, kind and account change going forward,
    so the year's depreciation, if run after, is charged to the new line. ``useful_life``
    replaces the record's life (required when the old kind had none, e.g. 土地 → 建物).

    Refused: a disposed record, the same class and kind, a pair the 様式 has not (物品 建物),
    建設仮勘定 on either side (use :func:`complete_construction`), a depreciable target
    without a useful life, accumulated depreciation moved to a kind that is not depreciated
    (土地・立木竹), and a record with nothing on it.

    Worked example: 庁舎 cost 10,000,000, 累計額 4,000,000, 事業用資産 → インフラ資産:
    Dr インフラ資産/建物 10,000,000 / Cr 事業用資産/建物 10,000,000; Dr 事業用資産/建物減価償却累計額
    4,000,000 / Cr インフラ資産/建物減価償却累計額 4,000,000. No NW movement (net 0 on 有形固定資産).
    """
    asset = _asset(lg, asset_no, branch_no)
    _live(asset, date)
    label = f"資産番号 {asset_no}-{branch_no}"
    if asset.kind == CIP:
        raise AssetError(f"{label} は建設仮勘定です。完成したら「建設仮勘定から本勘定へ」で振り替えてください")
    cls, kind, account = reclass_target(asset.asset_class, asset.kind, to_class, to_kind)
    if kind == CIP:
        raise AssetError("振替先の種目に建設仮勘定は使えません")
    if (cls.value, kind) == (asset.asset_class, asset.kind):
        raise AssetError(f"{label} は既に{cls.label}の{kind}です。振替先の資産区分か種目を変えてください")
    fy = _year(date, fiscal_year)
    cost, acc = balances(asset, fy)
    if cost == 0 and acc == 0:
        raise AssetError(f"{label} の取得価額・減価償却累計額が0円です。振り替えるものがありません")
    life = useful_life or asset.useful_life
    if depreciable(kind, cls, asset.is_art):
        if life is None:
            raise AssetError(f"振替先の{kind}には耐用年数が必要です（{asset.kind}には耐用年数がありません）。"
                             "耐用年数を指定してください")
    elif acc:
        raise AssetError(f"減価償却累計額 {acc:,}円 のある資産は、償却しない種目（{kind}）に振り替えられません")
    old, old_contra = asset.account, contra_for(asset.account)
    new_contra = contra_for(account)
    text = note or f"科目振替 {CLASS_LABEL[asset.asset_class]}/{asset.kind} → {cls.label}/{kind}"
    out = _change(asset, fiscal_year=fy, date=date, reason="reclass", cost=-cost, accumulated=-acc, note=text)
    into = _change(asset, fiscal_year=fy, date=date, reason="reclass", cost=cost, accumulated=acc, note=text)
    _enter_period(asset, into.pk, {"勘定科目": account, "資産区分": cls.value, "種目": kind, "耐用年数": life})
    _book([out, into], lg=lg, fund=asset.fund, description=f"{text} {asset_no}-{branch_no} {asset.name}",
          postings=[(account, cost), (old, -cost), (old_contra or old, acc), (new_contra or account, -acc)])
    return out, into


# ------------------------------------------------------------------------------ revaluation

@transaction.atomic
def revalue(
    *, lg: LocalGovernment, asset_no: str, branch_no: int = 0, date: dt.date, value: int, reason: str,
    accumulated: int | None = None, valuation: str = "replacement", nw_account: str = REVALUATION_ACCOUNT,
    fiscal_year: int | None = None, note: str = "",
) -> AssetChange:
    """評価替 (評価等増・評価等減, assets.md §5, §12.1): the record is valued anew at ``value``
    (its 取得価額 after the change) and ``accumulated`` (its 減価償却累計額 after; default
    unchanged), on the basis ``valuation`` (取得原価 ``cost`` / 再調達原価 ``replacement`` /
    備忘価額 ``memo``, stored on the record). ``reason`` (why, and how the value was found)
    is required and goes to the change's 摘要.

    The cases: a record carried at 備忘価額 1 yen whose 再調達原価 is now determined (道路の
    底地); a 取得原価 found for an estimated one; a write-down where the manual allows it
    (統一的な基準 has no 減損会計, assets.md §8 [U]: book it only where the 団体's rule says so).
    有価証券-style 評価替 (時価評価) does not apply: 有価証券 are not in the register.

    Entry, with ΔC = value − cost and ΔA = accumulated after − before: Dr asset ΔC (Cr when
    negative), Cr 累計額 ΔA (Dr when negative; an intangible's own line), and the book-value
    change ΔC − ΔA to ``nw_account``: Cr ``NW/資産評価差額`` on an increase, Dr on a decrease.
    The NW row is a setting (:data:`REVALUATION_ACCOUNT`; any NW row for direct movements:
    資産評価差額, 無償所管換等, その他). The ledger's summary carries the entry's fixed-asset
    movement on that row, so NW 資産評価差額 moves in 合計 and 固定資産等形成分 alike.

    Refused: no reason, a negative value or 累計額, a 累計額 above the value (negative book
    value), a 累計額 on a kind that is not depreciated, no change at all, 建設仮勘定, a
    disposed record. Worked example: 道路底地 at 1 yen, 再調達原価 8,000,000: Dr インフラ資産/土地
    7,999,999 / Cr NW 資産評価差額 7,999,999.
    """
    asset = _asset(lg, asset_no, branch_no)
    _live(asset, date)
    label = f"資産番号 {asset_no}-{branch_no}"
    if not reason.strip():
        raise AssetError("評価替の理由（評価の根拠）を入力してください。例: 再調達原価の算定、取得原価の判明")
    if asset.kind == CIP:
        raise AssetError(f"{label} は建設仮勘定です。建設仮勘定は評価替の対象ではありません")
    basis = VALUATION_CODES.get(str(valuation).strip())
    if basis is None:
        raise AssetError(f"評価方法「{valuation}」は使えません。{'・'.join(v.label for v in ValuationBasis)}のいずれかです")
    chart = chart_for(lg)
    try:
        line = chart.resolve(nw_account)
    except ValueError:
        line = None
    if line is None or "nw_direct" not in line.roles or line.consolidated_only:
        names = "・".join(f"NW/{ln.name}" for ln in chart.with_role("nw_direct") if not ln.consolidated_only)
        raise AssetError(f"評価差額の計上先「{nw_account}」は使えません。{names} のいずれかにしてください")
    fy = _year(date, fiscal_year)
    cost, acc = balances(asset, fy)
    new_acc = acc if accumulated is None else accumulated
    if value < 0 or new_acc < 0:
        raise AssetError(f"評価後の取得価額 {value:,}円・減価償却累計額 {new_acc:,}円 に負の数は使えません")
    if new_acc > value:
        raise AssetError(f"評価後の帳簿価額が負になります（取得価額 {value:,}円 − 減価償却累計額 {new_acc:,}円）。"
                         "減価償却累計額を取得価額以下にしてください")
    if new_acc and not depreciable(asset.kind, asset.asset_class, asset.is_art):
        raise AssetError(f"{asset.kind}は償却しないので、減価償却累計額は0円にしてください")
    d_cost, d_acc = value - cost, new_acc - acc
    if d_cost == 0 and d_acc == 0:
        raise AssetError(f"評価後の額が台帳と同じです（取得価額 {cost:,}円・減価償却累計額 {acc:,}円）")
    before = asset.valuation
    change = _change(asset, fiscal_year=fy, date=date, reason="revaluation", cost=d_cost, accumulated=d_acc,
                     note=note or f"評価替（{ValuationBasis(basis).label}）: {reason.strip()}")
    extra = dict(asset.extra or {})
    extra[VALUATION_LOG] = [*extra.get(VALUATION_LOG, []), {"異動": change.pk, "前": before, "後": basis}]
    asset.extra, asset.valuation = extra, basis
    asset.save(update_fields=["extra", "valuation"])
    book = d_cost - d_acc
    _book([change], lg=lg, fund=asset.fund, description=f"評価替 {asset_no}-{branch_no} {asset.name}",
          postings=[(asset.account, d_cost), (contra_for(asset.account) or asset.account, -d_acc),
                    (line.qualified_path, -book)])
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

    A 科目振替 is cancelled by its two negations, the new account's first and then the old
    one's, and the record goes back to its former class, kind, account and useful life (a new
    account period from the old account's negation); a 評価替 puts the former 評価方法 back.

    Refused: 開始残高 and 減価償却 (re-import / per-account runs), matching-derived
    acquisitions (fix the decision and run :func:`acquisitions_from_matching` again), a
    correction, a change already corrected, a change booked on an account the record has
    since been reclassified from (correct the 科目振替 first), and a 科目振替 with changes
    after it (depreciation …: reclassify back instead).
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
    if change.reason == "reclass" and change.entry_id is None:  # book value 0 on the direct method: no entry
        pairs = list(AssetChange.objects.select_related("asset").filter(asset_id=change.asset_id, reason="reclass")
                     .order_by("pk"))  # made in (out, in) pairs by reclassify()
        i = pairs.index(change)
        group = pairs[i - i % 2:i - i % 2 + 2]
    marks = [f"取消: 異動 #{c.pk}" for c in group]
    if AssetChange.objects.filter(lg=lg, reason="correction", note__in=marks).exists():
        raise AssetError(f"異動 #{change_id} は既に訂正されています")
    for c in group:
        booked = account_of(c.asset.extra, c.pk, c.asset.account)
        if c.reason != "reclass" and booked != c.asset.account:
            raise AssetError(f"異動 #{c.pk} は科目振替の前の勘定科目（{booked}）で計上されています。"
                             "先に科目振替を訂正してください")
    if change.reason == "reclass":
        if AssetChange.objects.filter(asset_id=change.asset_id, pk__gt=group[-1].pk).exists():
            raise AssetError(f"異動 #{change_id}（科目振替）の後に異動（減価償却など）があるため訂正できません。"
                             "元の資産区分・種目へ科目振替をしてください")
        group, marks = group[::-1], marks[::-1]  # the new account's negation first
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
    if change.reason == "reclass":
        _undo_reclass(Asset.objects.get(pk=change.asset_id), into=group[0], first=out[-1])
    elif change.reason == "revaluation":
        _undo_revaluation(Asset.objects.get(pk=change.asset_id), change=change, neg=out[0])
    return out


def _undo_reclass(asset: Asset, *, into: AssetChange, first: AssetChange) -> None:
    """Back to the period before the reclass-in change ``into``, from change ``first`` on."""
    periods = account_periods(asset.extra)
    at = next(i for i, p in enumerate(periods) if int(p["から"]) == into.pk)
    before = periods[at - 1]
    _enter_period(asset, first.pk, {k: before.get(k) for k in ("勘定科目", "資産区分", "種目", "耐用年数")})


def _undo_revaluation(asset: Asset, *, change: AssetChange, neg: AssetChange) -> None:
    """The former 評価方法 back, when the cancelled 評価替 is the record's latest."""
    extra = dict(asset.extra or {})
    log = list(extra.get(VALUATION_LOG) or [])
    if not log or log[-1]["異動"] != change.pk:
        return
    log.append({"異動": neg.pk, "前": log[-1]["後"], "後": log[-1]["前"]})
    extra[VALUATION_LOG] = log
    asset.extra, asset.valuation = extra, log[-1]["後"]
    asset.save(update_fields=["extra", "valuation"])


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
