"""Runs that can be repeated (the cash conversion, the closing run): post what a run wants
now, against what its earlier runs posted.

An entry an earlier run posted with the same content is left alone; a changed one is
reversed (逆仕訳 ``取消-<voucher>``) and posted again as ``<voucher>#2``, ``#3`` …; an
entry the run no longer wants is reversed. So running twice gives the same ledger as
running once, and a changed input changes exactly the entries it touches.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from kokai.core.chart import Chart
from kokai.core.journal import Entry, Kind, Posting, digest
from kokai.core.journal_frame import JournalFrame

from .models import JournalEntry, LocalGovernment, Reversal
from .posting import post_entries, posted_entries


def base_voucher(voucher: str) -> str:
    return voucher.split("#", 1)[0]


def effective_entries(*, lg: LocalGovernment, fiscal_year: int, batch_kind: str) -> dict[str, tuple[int, str]]:
    """The entries earlier runs of ``batch_kind`` posted and did not reverse, by base voucher."""
    return {
        base_voucher(no): (pk, no)
        for pk, no in JournalEntry.objects.filter(
            lg=lg, fiscal_year=fiscal_year, batch__kind=batch_kind, reversal__isnull=True
        ).exclude(kind=Kind.REVERSAL).values_list("id", "voucher_no")
    }


def against_earlier_runs(
    *, lg: LocalGovernment, fiscal_year: int, frame: JournalFrame, batch_kind: str
) -> tuple[JournalFrame, int, list[int]]:
    """Drop the entries an earlier run posted identically; renumber changed ones; list the
    earlier entries to reverse (changed or no longer wanted). Returns (frame to post,
    entries unchanged, entry ids to reverse)."""
    earlier = effective_entries(lg=lg, fiscal_year=fiscal_year, batch_kind=batch_kind)
    if not earlier:
        return frame, 0, []
    new = frame_entries(frame)
    old = posted_entries([pk for pk, _no in earlier.values()])
    unchanged, renumber, reverse = set(), {}, []
    for idx, entry in new.items():
        if entry.voucher_no not in earlier:
            continue
        pk, old_no = earlier[entry.voucher_no]
        if digest(entry) == digest(old[pk]):
            unchanged.add(idx)
        else:
            reverse.append(pk)
            n = int(old_no.split("#", 1)[1]) + 1 if "#" in old_no else 2
            renumber[idx] = f"{entry.voucher_no}#{n}"
    kept_vouchers = {e.voucher_no for e in new.values()}
    reverse += [pk for base, (pk, _no) in earlier.items() if base not in kept_vouchers]
    entries = frame.entries.filter(~pl.col("idx").is_in(list(unchanged))).with_columns(
        pl.col("idx").replace_strict(renumber, default=None, return_dtype=pl.String)
        .fill_null(pl.col("voucher_no")).alias("voucher_no")
    )
    lines = frame.lines.filter(~pl.col("idx").is_in(list(unchanged)))
    return JournalFrame(entries, lines), len(unchanged), reverse


def frame_entries(frame: JournalFrame) -> dict[int, Entry]:
    postings: dict[int, list] = {}
    for idx, acc, amt in frame.lines.iter_rows():
        postings.setdefault(idx, []).append(Posting(acc, amt))
    return {
        idx: Entry(fy, d, fund, Kind(kind), no, tuple(postings.get(idx, ())), dept, desc)
        for idx, fy, d, fund, dept, kind, no, desc in frame.entries.select(
            "idx", "fiscal_year", "date", "fund", "dept", "kind", "voucher_no", "description"
        ).iter_rows()
    }


def post_reversals(*, lg: LocalGovernment, pks: list[int], chart: Chart, batch_id: int, reason: str) -> None:
    """Reverse earlier entries within the run's batch, each dated no later than 5月31日."""
    old = posted_entries(pks)
    reversals = [
        old[pk].reversed(voucher_no=f"取消-{old[pk].voucher_no}",
                         date=min(old[pk].date, dt.date(old[pk].fiscal_year + 1, 5, 31)),
                         description=f"{reason}: {old[pk].description}")
        for pk in pks
    ]
    post_entries(lg=lg, entries=reversals, chart=chart, batch_id=batch_id)
    ids = dict(JournalEntry.objects.filter(lg=lg, batch_id=batch_id, kind=Kind.REVERSAL).values_list("voucher_no", "id"))
    Reversal.objects.bulk_create([Reversal(original_id=pk, reversing_id=ids[f"取消-{old[pk].voucher_no}"]) for pk in pks])
