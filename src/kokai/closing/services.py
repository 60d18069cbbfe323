"""The closing run (決算整理, ``kokai close``): inputs in, closing entries posted, the year locked.

1. ``import_inputs``: the filled-in template, all or nothing; each item found replaces
   that item's stored rows (ClosingInput).
2. ``close_year``: the year's depreciation (if the 団体 keeps its register here), then
   every item that has inputs computes what it wants booked from the ledger *without*
   this year's earlier closing runs (kokai.core.closing); the wanted entries are posted
   against those earlier runs (kokai.ledger.reruns), so re-running replaces and never
   doubles. Then the year is locked (YearLock): from now on the database refuses every
   entry of that year except the closing run's own, and the statements as closed are kept
   for the next year's prior-year tie (C14).

A year cannot be closed while the previous year, if it has entries, is still open.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction

from kokai.core.closing import items
from kokai.core.closing.base import Context, Outcome
from kokai.core.closing.sheets import inputs_from_json, to_json
from kokai.core.issues import InputRejected, Issue
from kokai.core.journal_frame import frame_from_entries
from kokai.core.statements import as_json
from kokai.ledger.lg_settings import settings_for
from kokai.ledger.masters import chart_for, fund_lookup
from kokai.ledger.models import (
    Account,
    Fund,
    ImportBatch,
    JournalEntry,
    JournalLine,
    LedgerBalance,
    LocalGovernment,
    YearLock,
)
from kokai.ledger.posting import post_frame
from kokai.ledger.reporting import statements_for
from kokai.ledger.reruns import against_earlier_runs, post_reversals

from .models import ClosingInput, ClosingRun
from .template_xlsx import read_template, write_template

BATCH_KIND = "close"


@dataclass(frozen=True)
class ClosingResult:
    fiscal_year: int
    items: tuple[str, ...]  # titles of the items computed
    skipped: tuple[str, ...]  # titles of the items without inputs
    posted: int
    kept: int
    reversed: int
    depreciation: int  # yen charged by this run's depreciation (0 if already done)
    figures: dict = field(default_factory=dict)


# What a new year's template takes over from last year's inputs: the registers as they
# stood (the user rolls them forward), the write-off history, and last year's 未払金等 as
# this year's 前年度分 (洗い替え). The year's own figures (bonus, retirement, receivables,
# this year's 未払金等) start empty.
CARRIED_OVER = {
    "bonds": None, "loans": None, "funds": None, "guarantees": None, "investments": None,
    "doubtful": {"不納欠損実績": "不納欠損実績"},
    "payables": {"未払金等（本年度）": "未払金等（前年度分）"},
}


def carried_over(last_year: dict[str, dict[str, list]]) -> dict[str, dict[str, list]]:
    """Last year's stored inputs → what this year's template starts from."""
    out = {}
    for item, sheets in last_year.items():
        if item not in CARRIED_OVER:
            continue
        mapping = CARRIED_OVER[item]
        out[item] = dict(sheets) if mapping is None else {
            to: sheets[frm] for frm, to in mapping.items() if frm in sheets
        }
    return out


def export_template(*, lg: LocalGovernment, fiscal_year: int, path: Path) -> None:
    """The input template, with this year's stored inputs, or else what carries over from
    last year's (CARRIED_OVER)."""
    stored = {ci.item: ci.rows for ci in ClosingInput.objects.filter(lg=lg, fiscal_year=fiscal_year)}
    if not stored:
        stored = carried_over({ci.item: ci.rows for ci in ClosingInput.objects.filter(lg=lg, fiscal_year=fiscal_year - 1)})
    write_template(path, lg_name=lg.name, fiscal_year=fiscal_year, stored=stored)


def import_inputs(*, lg: LocalGovernment, fiscal_year: int, path: Path) -> dict[str, int]:
    """The filled-in template becomes the year's closing inputs (all or nothing): items with
    rows are stored, items left empty are removed (the template is written with every
    stored input, so a round trip keeps them). Returns item title → rows."""
    found, issues = read_template(path)
    if issues:
        raise InputRejected(issues)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    out = {}
    titles = {m.KEY: m.TITLE for m in items()}
    with transaction.atomic():
        ClosingInput.objects.filter(lg=lg, fiscal_year=fiscal_year).exclude(item__in=list(found)).delete()
        for key, sheets in found.items():
            ClosingInput.objects.update_or_create(
                lg=lg, fiscal_year=fiscal_year, item=key,
                defaults={"rows": {name: to_json(rows) for name, rows in sheets.items()},
                          "file_name": path.name[:255], "sha256": sha},
            )
            out[titles[key]] = sum(len(r) for r in sheets.values())
    return out


def _general_fund(lg: LocalGovernment, fund: str | None) -> str:
    if fund:
        codes = fund_lookup(lg)
        if fund not in codes:
            raise InputRejected([Issue(f"会計区分「{fund}」は登録されていません")])
        return codes[fund]
    f = Fund.objects.filter(lg=lg, scope=Fund.GENERAL).order_by("code").first()
    if f is None:
        raise InputRejected([Issue("一般会計等の会計区分がありません。`kokai fund add` で登録してください")])
    return f.code


def _balances(lg: LocalGovernment, fiscal_year: int, chart) -> tuple[dict[str, int], dict[str, int]]:
    """(this year, last year): signed balance per account code — BS cumulative, other
    statements the year's movement — leaving out this year's closing runs; a 補助科目's
    balance also counts in its leaf."""
    code = dict(Account.objects.values_list("id", "code"))
    now: dict[str, int] = defaultdict(int)
    before: dict[str, int] = defaultdict(int)
    for acc, fy, opening, amount in LedgerBalance.objects.filter(lg=lg, fiscal_year__lte=fiscal_year).values_list(
        "account_id", "fiscal_year", "opening", "amount"
    ):
        c = code[acc]
        bs = chart[c].statement == "BS"
        if fy == fiscal_year or bs:
            now[c] += amount
        if fy == fiscal_year - 1 or (bs and (fy < fiscal_year or opening)):  # a first year: its 開始残高
            before[c] += amount
    batches = list(ImportBatch.objects.filter(lg=lg, kind=BATCH_KIND).values_list("id", flat=True))
    closing = list(JournalEntry.objects.filter(lg=lg, fiscal_year=fiscal_year, batch_id__in=batches)
                   .values_list("id", flat=True))
    for acc, amount in JournalLine.objects.filter(entry_id__in=closing).values_list("account_id", "amount"):
        now[code[acc]] -= amount
    for d in (now, before):
        for c, amount in list(d.items()):
            line = chart[c]
            if line.kind == "sub":
                d[line.parent] += amount
    return now, before


def outcomes(*, lg: LocalGovernment, fiscal_year: int, fund: str | None = None) -> tuple[list[tuple], list[str]]:
    """Compute every item that has inputs: ([(module, Outcome)], titles skipped). Pure
    reading: nothing is posted. Each item sees the entries of the items before it."""
    chart = chart_for(lg)
    fund_code = _general_fund(lg, fund)
    now, before = _balances(lg, fiscal_year, chart)
    settings = settings_for(lg)
    stored = {ci.item: ci for ci in ClosingInput.objects.filter(lg=lg, fiscal_year=fiscal_year)}
    done, skipped = [], []
    for m in items():
        ci = stored.get(m.KEY)
        if ci is None:
            skipped.append(m.TITLE)
            continue
        ctx = Context(fiscal_year=fiscal_year, chart=chart, balance=lambda c, b=dict(now): b.get(c, 0),
                      prior_balance=lambda c: before.get(c, 0), settings=settings, fund=fund_code)
        out: Outcome = m.compute(inputs_from_json(m.SHEETS, ci.rows, file=ci.file_name), ctx)
        done.append((m, out))
        for e in out.entries:
            for p in e.postings:
                now[p.account] += p.amount
                line = chart[p.account]
                if line.kind == "sub":
                    now[line.parent] += p.amount
    return done, skipped


def _prior_year_open(lg: LocalGovernment, fiscal_year: int) -> bool:
    has_entries = JournalEntry.objects.filter(lg=lg, fiscal_year=fiscal_year - 1).exists()
    return has_entries and not YearLock.objects.filter(lg=lg, fiscal_year=fiscal_year - 1).exists()


def close_year(*, lg: LocalGovernment, fiscal_year: int, fund: str | None = None) -> ClosingResult:
    """Run the year's closing (re-runnable) and lock the year."""
    if _prior_year_open(lg, fiscal_year):
        raise InputRejected([Issue(f"{fiscal_year - 1}年度の決算が確定していません。先に "
                                   f"`kokai close --year {fiscal_year - 1}` を実行してください")])
    if not JournalEntry.objects.filter(lg=lg, fiscal_year=fiscal_year).exists():
        raise InputRejected([Issue(f"{fiscal_year}年度の仕訳がありません")])
    charged = _depreciate(lg, fiscal_year)
    done, skipped = outcomes(lg=lg, fiscal_year=fiscal_year, fund=fund)
    issues = [i for _m, out in done for i in out.issues]
    if issues:
        raise InputRejected(issues)
    chart = chart_for(lg)
    wanted = [e for _m, out in done for e in out.entries]
    figures = {m.KEY: [[f.label, f.amount] for f in out.figures] for m, out in done}
    with transaction.atomic():
        frame, kept, reverse = against_earlier_runs(lg=lg, fiscal_year=fiscal_year, frame=frame_from_entries(wanted),
                                                    batch_kind=BATCH_KIND)
        run_no = ClosingRun.objects.filter(lg=lg, fiscal_year=fiscal_year).count() + 1
        batch = ImportBatch.objects.create(
            lg=lg, kind=BATCH_KIND, file_name=f"{fiscal_year}年度 決算整理（{run_no}回目）",
            sha256=hashlib.sha256(f"close:{lg.id}:{fiscal_year}:{run_no}".encode()).hexdigest(),
        )
        if reverse:
            post_reversals(lg=lg, pks=reverse, chart=chart, batch_id=batch.id, reason="決算整理のやり直しによる取消")
        posted = post_frame(lg=lg, frame=frame, chart=chart, batch_id=batch.id)[0] if len(frame) else 0
        ImportBatch.objects.filter(pk=batch.pk).update(entries=posted + len(reverse))
        ClosingRun.objects.create(lg=lg, fiscal_year=fiscal_year, posted=posted, reversed=len(reverse), kept=kept,
                                  figures=figures)
        st, checks = statements_for(lg=lg, fiscal_year=fiscal_year)
        YearLock.objects.update_or_create(lg=lg, fiscal_year=fiscal_year,
                                          defaults={"statements": as_json(st, [c.as_json() for c in checks])})
    return ClosingResult(fiscal_year, tuple(m.TITLE for m, _o in done), tuple(skipped), posted, kept, len(reverse),
                         charged, figures)


def _depreciate(lg: LocalGovernment, fiscal_year: int) -> int:
    from kokai.assets.models import Asset
    from kokai.assets.services import depreciate

    if not Asset.objects.filter(lg=lg).exists():
        return 0
    try:
        return depreciate(lg=lg, fiscal_year=fiscal_year).total
    except IntegrityError as e:  # the year lock refuses a depreciation not posted before closing
        raise InputRejected([Issue(f"{fiscal_year}年度は確定済みのため減価償却を追加で計上できません（台帳が変わっています）: {e}")]) from e


def locked(lg: LocalGovernment, fiscal_year: int) -> bool:
    return YearLock.objects.filter(lg=lg, fiscal_year=fiscal_year).exists()


def published_statements(lg: LocalGovernment, fiscal_year: int) -> dict | None:
    """The statements as closed (JSON), or None when the year is not closed."""
    lock = YearLock.objects.filter(lg=lg, fiscal_year=fiscal_year).first()
    return lock.statements if lock else None
