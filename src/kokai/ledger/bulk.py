"""Bulk writes: all rows of a table in one statement (COPY on PostgreSQL, executemany on
SQLite), never one ORM object per row."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from django.db import connection


def insert_rows(cur, table: str, columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """Insert rows through a Django cursor. On PostgreSQL one COPY is one statement, so a
    statement-level trigger (the ledger's balance check) sees all of them at once."""
    cols = ", ".join(columns)
    if connection.vendor == "postgresql":
        with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join(["?"] * len(columns))
        # the plain sqlite3 method: Django's wrapper would tee the generator and rewrite the SQL
        sqlite3.Cursor.executemany(cur.cursor, f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)
