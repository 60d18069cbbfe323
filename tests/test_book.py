"""The book of the example town: every statement subtotal is exactly the signed sum of the
rows it names (in yen, before display), a second year carries 前年度 figures, and
`write_book` writes a workbook and a PDF that say the same 資産合計."""

from __future__ import annotations

import openpyxl
import pytest
from pypdf import PdfReader

from kokai.ledger.imports import import_journals
from kokai.report.book import build_document, write_book
from kokai.report.document import Table

from .conftest import write
from .example_town import JOURNAL_HEADER as HEADER
from .example_town import load_town


@pytest.fixture
def town(lg, tmp_path):
    load_town(lg, tmp_path)
    import_journals(lg=lg, path=write(tmp_path, "j2025.csv", HEADER
        + "1,2025-04-25,2025,一般会計,0101,職員給与費,1000,人件費支出,1000,4月分給料\n"))
    return lg


def test_every_subtotal_is_the_sum_of_the_rows_it_names(town):
    doc = build_document(lg=town, fiscal_year=2025, unit="円")
    tables = [p for p in doc.parts if isinstance(p, Table)]
    assert [t.key for t in tables[:4]] == ["様式第1号", "様式第2号", "様式第3号", "様式第4号"]
    checked = 0
    for t in tables:
        for row in t.rows:
            for c, kind in enumerate(t.kinds):
                if not row.sum_of or kind != "yen" or row.values[c] is None:
                    continue
                assert row.values[c] == sum(s * (t.rows[j].values[c] or 0) for s, j in row.sum_of), (t.key, row.label)
                checked += 1
    assert checked > 100


def test_the_second_year_shows_last_years_figures(town):
    bs = build_document(lg=town, fiscal_year=2025, unit="円").part("様式第1号")
    total = next(r for r in bs.rows if r.label == "資産合計")
    # 2024's 資産合計 29,170 (tests/test_cli.py); 2025 paid 1,000 of salaries in cash
    assert total.values == (28_170, 29_170, -1_000)


def test_write_book_gives_a_workbook_and_a_pdf_with_the_same_total(town, tmp_path):
    xlsx, pdf, _secs = write_book(lg=town, fiscal_year=2025, out_dir=tmp_path, unit="円")
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames[0] == "目次" and "様式第1号" in wb.sheetnames and "注記" in wb.sheetnames
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "資産合計" in text and "28,170" in text and "29,170" in text
    assert "重要な会計方針" in text
