"""Posting to the ledger, set-based: a whole batch of entries as one frame, written with
one executemany (SQLite) or COPY (PostgreSQL) per table, never one ORM object per line,
and the running totals (kokai.core.summary) updated in the same transaction.

Callers wrap an import in one transaction, so a failure (or a kill -9) leaves nothing
half-posted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence

import polars as pl
from django.db import connection, transaction

from kokai.core.chart import Chart
from kokai.core.issues import InputRejected, Issue
from kokai.core.journal import Entry, Kind, Posting, digest, problems
from kokai.core.journal_frame import JournalFrame, frame_from_entries
from kokai.core.summary import summarise

from .bulk import insert_rows
from .models import (
    Account,
    Fund,
    ImportBatch,
    JournalEntry,
    JournalLine,
    LedgerBalance,
    LocalGovernment,
    NetAssetMove,
    Reversal,
    YearLock,
)

ENTRY_COLUMNS = ("id", "lg_id", "fiscal_year", "date", "fund_id", "dept", "kind", "voucher_no", "description", "batch_id")
LINE_COLUMNS = ("entry_id", "lg_id", "fiscal_year", "fund_id", "opening", "account_id", "amount")


def post_entries(
    *, lg: LocalGovernment, entries: Sequence[Entry], chart: Chart, batch_id: int, file: str = "",
) -> tuple[int, int, int]:
    """Check and post Entry values (small batches); see :func:`post_frame`."""
    issues = [Issue(m, file=file) for e in entries for m in problems(e, chart)]
    if issues:
        raise InputRejected(issues)
    return post_frame(lg=lg, frame=frame_from_entries(entries), chart=chart, batch_id=batch_id, file=file)


def post_frame(
    *, lg: LocalGovernment, frame: JournalFrame, chart: Chart, batch_id: int, file: str = "",
) -> tuple[int, int, int]:
    """Post the entries of a checked frame; return (entries posted, already there, lines).

    An entry whose 伝票番号 is already posted with the same content is skipped (that is
    what makes a re-import change nothing); with different content the whole call is
    refused. Must run inside a transaction.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("post_frame must run inside transaction.atomic()")
    funds = dict(Fund.objects.filter(lg=lg).values_list("code", "id"))
    accounts = dict(Account.objects.values_list("code", "id"))
    _refuse_too_long(frame, file)
    _refuse_locked_years(lg, frame, batch_id, file)
    with connection.cursor() as cur:
        first_id = _lock_and_next_id(cur)
        frame, skipped = _drop_already_posted(lg, frame, funds, file)
        if not len(frame):
            return 0, skipped, 0
        date_type = pl.Date if connection.vendor == "postgresql" else pl.String  # SQLite: ISO text
        entries = frame.entries.with_columns(
            (pl.col("idx").rank("ordinal").cast(pl.Int64) - 1 + first_id).alias("id"),
            pl.lit(lg.id).alias("lg_id"),
            pl.col("date").cast(date_type),
            pl.col("fund").replace_strict(funds, return_dtype=pl.Int64).alias("fund_id"),
            pl.lit(batch_id, pl.Int64).alias("batch_id"),
        )
        lines = frame.lines.join(
            entries.select("idx", "id", "fiscal_year", "fund_id", "opening"), on="idx", how="inner",
            maintain_order="left",
        ).with_columns(
            pl.col("id").alias("entry_id"),
            pl.lit(lg.id).alias("lg_id"),
            pl.col("account").replace_strict(accounts, return_dtype=pl.Int64).alias("account_id"),
        )
        entry_rows = entries.select(ENTRY_COLUMNS).iter_rows()
        line_rows = lines.select(LINE_COLUMNS).iter_rows()
        insert_rows(cur, JournalEntry._meta.db_table, ENTRY_COLUMNS, entry_rows)
        insert_rows(cur, JournalLine._meta.db_table, LINE_COLUMNS, line_rows)
        _advance_sequence(cur, first_id + len(frame) - 1)
    _add_to_totals(lg, frame, chart, funds, accounts)
    return len(frame), skipped, lines.height


def _refuse_locked_years(lg, frame: JournalFrame, batch_id: int, file: str) -> None:
    """A closed year (YearLock) takes only its closing run's entries; the database refuses
    the rest too (migration 0004), this says so in words first."""
    years = set(frame.entries["fiscal_year"].unique().to_list())
    locked = sorted(YearLock.objects.filter(lg=lg, fiscal_year__in=years).values_list("fiscal_year", flat=True))
    if locked and ImportBatch.objects.filter(pk=batch_id).values_list("kind", flat=True).first() != "close":
        raise InputRejected([Issue(
            f"{'、'.join(f'{y}年度' for y in locked)}は決算が確定しているため仕訳を追加できません。"
            "訂正は翌年度の仕訳として計上してください", file=file)])


SMALL_FRAME = 1_000  # entries; above this, one pass over the year's vouchers is cheaper


def _drop_already_posted(lg, frame: JournalFrame, funds: dict, file: str) -> tuple[JournalFrame, int]:
    """Remove entries already posted with the same content; refuse conflicting ones."""
    years = frame.entries["fiscal_year"].unique().to_list()
    candidates = JournalEntry.objects.filter(lg=lg, fiscal_year__in=years)
    if len(frame) <= SMALL_FRAME:  # a few entries (closing, depreciation, a change): look up just theirs
        candidates = candidates.filter(voucher_no__in=frame.entries["voucher_no"].unique().to_list())
    posted = dict(
        ((fy, fund, no), pk)
        for fy, fund, no, pk in candidates.values_list("fiscal_year", "fund__code", "voucher_no", "id")
    )
    if not posted:
        _refuse_duplicates_within(frame, file)
        return frame, 0
    keys = frame.entries.select("idx", "fiscal_year", "fund", "voucher_no")
    clash = [(idx, posted[(fy, f, no)]) for idx, fy, f, no in keys.iter_rows() if (fy, f, no) in posted]
    if not clash:
        _refuse_duplicates_within(frame, file)
        return frame, 0
    new = _entries_of(frame, [i for i, _ in clash])
    old = posted_entries([pk for _, pk in clash])
    bad = [e.voucher_no for (i, pk) in clash if digest(new[i]) != digest(old[pk]) for e in (new[i],)]
    if bad:
        raise InputRejected([
            Issue(f"伝票番号「{no}」は既に別の内容で転記されています。転記済みの仕訳は変更できません。"
                  "訂正は逆仕訳と新しい伝票番号で行ってください", file=file)
            for no in bad[:100]
        ])
    same = [i for i, _ in clash]
    kept = JournalFrame(
        frame.entries.filter(~pl.col("idx").is_in(same)), frame.lines.filter(~pl.col("idx").is_in(same))
    )
    _refuse_duplicates_within(kept, file)
    return kept, len(same)


def _refuse_too_long(frame: JournalFrame, file: str) -> None:
    """Never cut text silently: the readers check lengths, this guards other callers."""
    limits = {"voucher_no": 50, "dept": 20, "description": 200}
    for col, limit in limits.items():
        long = frame.entries.filter(pl.col(col).str.len_chars() > limit)
        if long.height:
            raise InputRejected([Issue(f"{col} が{limit}文字を超えています: {long[col][0][:60]}…", file=file)])


def _refuse_duplicates_within(frame: JournalFrame, file: str) -> None:
    dup = frame.entries.filter(pl.struct("fiscal_year", "fund", "voucher_no").is_duplicated())
    if dup.height:
        raise InputRejected([Issue(f"伝票番号「{no}」が重複しています", file=file) for no in dup["voucher_no"].unique()[:100]])


def _entries_of(frame: JournalFrame, idxs: Iterable[int]) -> dict[int, Entry]:
    wanted = list(idxs)
    postings: dict[int, list[Posting]] = {}
    for idx, acc, amt in frame.lines.filter(pl.col("idx").is_in(wanted)).iter_rows():
        postings.setdefault(idx, []).append(Posting(acc, amt))
    out = {}
    for idx, fy, d, fund, dept, kind, no, desc in frame.entries.filter(pl.col("idx").is_in(wanted)).select(
        "idx", "fiscal_year", "date", "fund", "dept", "kind", "voucher_no", "description"
    ).iter_rows():
        out[idx] = Entry(fy, d, fund, Kind(kind), no, tuple(postings.get(idx, ())), dept, desc)
    return out


def posted_entries(pks: list[int]) -> dict[int, Entry]:
    postings: dict[int, list[Posting]] = {}
    for pk, acc, amt in JournalLine.objects.filter(entry_id__in=pks).values_list("entry_id", "account__code", "amount"):
        postings.setdefault(pk, []).append(Posting(acc, amt))
    return {
        e.id: Entry(e.fiscal_year, e.date, e.fund.code, Kind(e.kind), e.voucher_no, tuple(postings.get(e.id, ())),
                    e.dept, e.description)
        for e in JournalEntry.objects.filter(id__in=pks).select_related("fund")
    }


def _add_to_totals(lg, frame: JournalFrame, chart: Chart, funds: dict, accounts: dict) -> None:
    """Add the frame's balances and NW movements to the running totals."""
    balances, moves = summarise(frame, chart)
    existing = {
        (b.fiscal_year, b.fund_id, b.account_id, b.opening): b
        for b in LedgerBalance.objects.filter(lg=lg, fiscal_year__in=balances["fiscal_year"].unique().to_list())
    }
    new, changed = [], []
    for fy, fund, acc, opening, amount in balances.iter_rows():
        key = (fy, funds[fund], accounts[acc], opening)
        if key in existing:
            existing[key].amount += amount
            changed.append(existing[key])
        else:
            new.append(LedgerBalance(lg=lg, fiscal_year=fy, fund_id=key[1], account_id=key[2], opening=opening, amount=amount))
    LedgerBalance.objects.bulk_create(new, batch_size=500)
    LedgerBalance.objects.bulk_update(changed, ["amount"], batch_size=500)
    existing_moves = {
        (m.fiscal_year, m.fund_id, m.category): m
        for m in NetAssetMove.objects.filter(lg=lg, fiscal_year__in=moves["fiscal_year"].unique().to_list())
    }
    new, changed = [], []
    for fy, fund, category, amount in moves.iter_rows():
        key = (fy, funds[fund], category)
        if key in existing_moves:
            existing_moves[key].amount += amount
            changed.append(existing_moves[key])
        else:
            new.append(NetAssetMove(lg=lg, fiscal_year=fy, fund_id=key[1], category=category, amount=amount))
    NetAssetMove.objects.bulk_create(new, batch_size=500)
    NetAssetMove.objects.bulk_update(changed, ["amount"], batch_size=500)


def _lock_and_next_id(cur) -> int:
    """Lock the entry table against other writers and return the first free id."""
    table = JournalEntry._meta.db_table
    if connection.vendor == "postgresql":
        cur.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
    # SQLite: the transaction began IMMEDIATE, so this connection already holds the write lock.
    cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
    return cur.fetchone()[0] + 1


def _advance_sequence(cur, last_id: int) -> None:
    if connection.vendor == "postgresql":
        table = JournalEntry._meta.db_table
        cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [last_id])


@transaction.atomic
def reverse_entry(
    *, lg: LocalGovernment, fiscal_year: int, voucher_no: str, fund_code: str, date: dt.date, chart: Chart,
    reason: str = "",
) -> JournalEntry:
    """Post the reversal (逆仕訳) of a posted entry; an entry can be reversed only once."""
    original = JournalEntry.objects.get(lg=lg, fiscal_year=fiscal_year, fund__code=fund_code, voucher_no=voucher_no)
    if Reversal.objects.filter(original=original).exists():
        raise ValueError(f"伝票「{voucher_no}」は既に取り消されています")
    entry = posted_entries([original.id])[original.id]
    rev = entry.reversed(voucher_no=f"取消-{voucher_no}", date=date, description=reason and f"逆仕訳: {reason}")
    key = f"{fiscal_year}/{fund_code}/{voucher_no}"
    batch = ImportBatch.objects.create(
        lg=lg, kind="reversal", file_name=f"逆仕訳 {key}", sha256=hashlib.sha256(key.encode()).hexdigest()
    )
    post_entries(lg=lg, entries=[rev], chart=chart, batch_id=batch.id)
    reversing = JournalEntry.objects.get(lg=lg, fiscal_year=fiscal_year, fund=original.fund, voucher_no=rev.voucher_no)
    Reversal.objects.create(original=original, reversing=reversing)
    return reversing
