"""Posting entries to the ledger, set-based: one executemany (SQLite) or COPY (PostgreSQL)
per table, never one ORM object per line.

Callers wrap a whole import in one transaction, so a failure (or a kill -9) leaves
nothing half-posted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, transaction
from django.utils import timezone

from kokai.core.chart import Chart
from kokai.core.issues import InputRejected, Issue
from kokai.core.journal import Entry, Kind, digest, problems

from .models import Account, Fund, JournalEntry, JournalLine, LocalGovernment

ENTRY_COLUMNS = (
    "id", "lg_id", "fiscal_year", "date", "fund_id", "dept", "kind", "voucher_no",
    "description", "source", "digest", "batch_id", "reverses_id", "posted_at",
)
LINE_COLUMNS = ("entry_id", "lg_id", "fiscal_year", "fund_id", "opening", "account_id", "amount")


def existing_digests(lg: LocalGovernment, years: Iterable[int]) -> dict[tuple[int, int, str], str]:
    """(fiscal year, fund id, voucher no) -> digest of the entries already posted."""
    rows = JournalEntry.objects.filter(lg=lg, fiscal_year__in=sorted(set(years))).values_list(
        "fiscal_year", "fund_id", "voucher_no", "digest"
    )
    return {(fy, fund, no): d for fy, fund, no, d in rows}


def post_entries(
    *,
    lg: LocalGovernment,
    entries: Sequence[Entry],
    chart: Chart,
    batch_id: int | None = None,
    reverses: dict[int, int] | None = None,
    file: str = "",
) -> tuple[int, int, int]:
    """Post entries not yet in the ledger; return (entries posted, already there, lines posted).

    An entry whose 伝票番号 is already posted with the same content is skipped (that is
    what makes a re-import change nothing); with different content the whole call is
    refused. ``reverses`` maps an index in ``entries`` to the id of the entry it reverses.
    Must run inside a transaction.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("post_entries must run inside transaction.atomic()")
    issues = [Issue(m, file=file) for e in entries for m in problems(e, chart)]
    if issues:
        raise InputRejected(issues)
    funds = dict(Fund.objects.filter(lg=lg).values_list("code", "id"))
    accounts = dict(Account.objects.values_list("code", "id"))
    known = existing_digests(lg, (e.fiscal_year for e in entries))
    todo: list[tuple[int, Entry, str]] = []
    skipped = 0
    for i, e in enumerate(entries):
        d = digest(e)
        old = known.get((e.fiscal_year, funds[e.fund], e.voucher_no))
        if old == d:
            skipped += 1
        elif old is not None:
            issues.append(Issue(
                f"伝票番号「{e.voucher_no}」（{e.fiscal_year}年度）は既に別の内容で転記されています。"
                "転記済みの仕訳は変更できません。訂正は逆仕訳と新しい伝票番号で行ってください", file=file,
            ))
        else:
            todo.append((i, e, d))
            known[(e.fiscal_year, funds[e.fund], e.voucher_no)] = d
    if issues:
        raise InputRejected(issues)
    if not todo:
        return 0, skipped, 0

    reverses = reverses or {}
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    dates = {e.date: ops.adapt_datefield_value(e.date) for _i, e, _d in todo}
    with connection.cursor() as cur:
        first_id = _reserve_ids(cur, len(todo))
        entry_rows = (
            (first_id + n, lg.id, e.fiscal_year, dates[e.date], funds[e.fund], e.dept[:20], int(e.kind),
             e.voucher_no, e.description[:200], e.source[:255], d, batch_id, reverses.get(i), now)
            for n, (i, e, d) in enumerate(todo)
        )
        line_rows = (
            (first_id + n, lg.id, e.fiscal_year, funds[e.fund], e.opening, accounts[p.account], p.amount)
            for n, (_i, e, _d) in enumerate(todo)
            for p in e.postings
        )
        _insert(cur, JournalEntry._meta.db_table, ENTRY_COLUMNS, entry_rows)
        _insert(cur, JournalLine._meta.db_table, LINE_COLUMNS, line_rows)
        _advance_sequence(cur, first_id + len(todo) - 1)
    return len(todo), skipped, sum(len(e.postings) for _i, e, _d in todo)


def _reserve_ids(cur, n: int) -> int:
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


def _insert(cur, table: str, columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """Bulk insert: COPY on PostgreSQL (all lines in one statement, which the balance
    trigger checks at once), executemany on SQLite."""
    cols = ", ".join(columns)
    if connection.vendor == "postgresql":
        with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join(["%s"] * len(columns))
        cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)


@transaction.atomic
def reverse_entry(
    *, lg: LocalGovernment, fiscal_year: int, voucher_no: str, fund_code: str, date, chart: Chart, reason: str = ""
) -> JournalEntry:
    """Post the reversal (逆仕訳) of a posted entry; an entry can be reversed only once."""
    original = JournalEntry.objects.select_related("fund").get(
        lg=lg, fiscal_year=fiscal_year, fund__code=fund_code, voucher_no=voucher_no
    )
    if JournalEntry.objects.filter(reverses=original).exists():
        raise ValueError(f"伝票「{voucher_no}」は既に取り消されています")
    codes = dict(Account.objects.values_list("id", "code"))
    from kokai.core.journal import Posting

    entry = Entry(
        fiscal_year=original.fiscal_year, date=original.date, fund=fund_code, kind=Kind(original.kind),
        voucher_no=original.voucher_no,
        postings=tuple(Posting(codes[a], amt) for a, amt in original.lines.values_list("account_id", "amount")),
        dept=original.dept, description=original.description,
    )
    rev = entry.reversed(voucher_no=f"取消-{voucher_no}", date=date, description=reason and f"逆仕訳: {reason}")
    post_entries(lg=lg, entries=[rev], chart=chart, reverses={0: original.id})
    return JournalEntry.objects.get(lg=lg, fiscal_year=fiscal_year, fund=original.fund, voucher_no=rev.voucher_no)
