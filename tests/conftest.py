"""Shared fixtures. The database is chosen by KOKAI_TEST_DATABASE_URL (see scripts/test):
``sqlite`` for an in-memory SQLite database, or a postgresql:// URL."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from kokai.core.chart import standard_chart
from kokai.core.journal import Entry, Kind, Posting

# pytest-playwright's sync API runs an event loop; Django then refuses ORM calls in tests
# that also use a page unless told this is fine (it is: the tests are synchronous).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chart():
    return standard_chart()


def account(path: str) -> str:
    """The code of an account given by its qualified path."""
    return standard_chart().resolve(path).code


def entry(voucher: str, *lines: tuple[str, int], year: int = 2024, kind: Kind = Kind.CASH,
          date: dt.date | None = None, fund: str = "01") -> Entry:
    """An entry from (path, amount) pairs: debit positive, credit negative."""
    return Entry(
        fiscal_year=year, date=date or dt.date(year, 7, 1), fund=fund, kind=kind, voucher_no=voucher,
        postings=tuple(Posting(account(p), a) for p, a in lines),
    )


@pytest.fixture
def lg(db):
    from kokai.ledger.masters import register

    return register(lg_code="999999", name="テスト市")


def write(tmp_path, name: str, text: str, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path
