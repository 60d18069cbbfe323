"""Bulk writes: all rows of a table in one statement (COPY on PostgreSQL, executemany on
SQLite), never one ORM object per row."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from django.db import connection

ANALYZE_AFTER = 1_000  # rows; a bulk load this size refreshes PostgreSQL's statistics


def insert_rows(cur, table: str, columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """Insert rows through a Django cursor. On PostgreSQL one COPY is one statement, so a
    statement-level trigger (the ledger's balance check) sees all of them at once; after a
    large load the table is analysed, so the next queries in the same run are planned on
    real figures (without it, a year's cash records looked empty to the planner and a
    join with the worksheet's decisions took seconds instead of milliseconds)."""
    cols = ", ".join(columns)
    if connection.vendor == "postgresql":
        n = 0
        with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                n += 1
        if n >= ANALYZE_AFTER:
            analyze(table)
    else:
        marks = ", ".join(["?"] * len(columns))
        # the plain sqlite3 method: Django's wrapper would tee the generator and rewrite the SQL
        sqlite3.Cursor.executemany(cur.cursor, f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)


def analyze(*tables: str) -> None:
    """Refresh PostgreSQL's planner statistics for tables just loaded (no-op on SQLite,
    whose planner does not need them for these queries)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        for table in tables:
            cur.execute(f"ANALYZE {table}")
