"""Reading 仕訳データ: bad rows are reported with row, column and a Japanese message, and
the fast columnar reader accepts exactly what the row-by-row parser accepts."""

from __future__ import annotations

import datetime as dt

import pytest

from kokai.core.journal_csv import parse_journals
from kokai.core.journal_frame import frame_from_entries, read_journals

HEADER = "伝票番号,日付,会計年度,会計区分,所属,借方科目,借方金額,貸方科目,貸方金額,摘要\n"
FUNDS = {"一般会計": "01", "01": "01"}


def parse(text: str, chart, encoding="utf-8"):
    return parse_journals((HEADER + text).encode(encoding), file="j.csv", chart=chart, funds=FUNDS)


def where(issues):
    return [(i.row, i.column) for i in issues]


def test_a_salary_payment_becomes_a_cash_entry(chart):
    entries, issues = parse("1,2024-04-25,2024,一般会計,0101,職員給与費,300000,人件費支出,300000,4月分給料\n", chart)
    assert issues == []
    (e,) = entries
    assert (e.kind.label, e.date, e.dept, e.description) == ("資金仕訳", dt.date(2024, 4, 25), "0101", "4月分給料")
    assert [(chart[p.account].qualified_path, p.amount) for p in e.postings] == [
        ("PL/経常費用/業務費用/人件費/職員給与費", 300_000),
        ("CF/業務活動収支/業務支出/業務費用支出/人件費支出", -300_000),
    ]


def test_a_compound_voucher_over_several_rows(chart):
    """Depreciation of two classes in one voucher: one debit row, two credit rows."""
    text = (
        "D1,令和7年3月31日,令和6年度,01,0102,減価償却費,900,,,減価償却\n"
        "D1,R7.3.31,2024,01,0102,,,BS/固定資産/有形固定資産/事業用資産/建物減価償却累計額,300,\n"
        "D1,2025/3/31,2024,01,0102,,,BS/固定資産/有形固定資産/インフラ資産/工作物減価償却累計額,600,\n"
    )
    entries, issues = parse(text, chart)
    assert issues == [] and len(entries) == 1
    assert entries[0].kind.label == "非資金仕訳" and entries[0].debit_total == 900


def test_cp932_file_with_full_width_digits_and_commas(chart):
    entries, issues = parse('1,２０２４－０４－０１,2024,一般会計,0101,職員給与費,"１,２３４",人件費支出,"1,234",髙橋 ①\n', chart, "cp932")
    assert issues == [] and entries[0].debit_total == 1_234 and entries[0].description == "髙橋 ①"


@pytest.mark.parametrize(
    ("row", "place", "message"),
    [
        ("1,2024-04-01,2024,一般会計,0101,土地,100,人件費支出,100,", (2, "借方科目"), "パス（例: BS/固定資産/有形固定資産/事業用資産/土地）かコードで指定"),
        ("1,2024-04-01,2024,一般会計,0101,職員給与費,100.5,人件費支出,100,", (2, "借方金額"), "1円未満の端数"),
        ("1,2024-04-01,2024,一般会計,0101,職員給与費,-100,人件費支出,100,", (2, "借方金額"), "借方と貸方を入れ替えて"),
        ("1,2024-13-01,2024,一般会計,0101,職員給与費,100,人件費支出,100,", (2, "日付"), "日付「2024-13-01」を読めません"),
        ("1,2025-06-01,2024,一般会計,0101,職員給与費,100,人件費支出,100,", (2, ""), "出納整理期間を含む）の外です"),
        ("1,2024-04-01,2024,下水道会計,0101,職員給与費,100,人件費支出,100,", (2, "会計区分"), "kokai fund add"),
        ("1,2024-04-01,2024,一般会計,0101,職員給与費,100,人件費支出,90,", (2, ""), "借方合計 100円 と貸方合計 90円 が一致しません"),
        ("1,2024-04-01,2024,一般会計,0101,BS/流動資産/現金預金,100,NW/財源/税収等,100,", (2, ""), "開始残高でのみ使えます"),
        ("1,2024-04-01,2024,一般会計,0101,PL/経常費用,100,人件費支出,100,", (2, ""), "集計行のため仕訳できません"),
        ("1,2024-04-01,2024,一般会計,0101,職員給与費,100,人件費支出", (2, ""), "見出しと同じ10列"),
        ("1,2024-04-01,2024,一般会計,0101,職員給与費,,人件費支出,100,", (2, "借方金額"), "両方を入力"),
        ('" ",2024-04-01,2024,一般会計,0101,職員給与費,100,人件費支出,100,', (2, "伝票番号"), "伝票番号が空欄です"),
        ('1,2024-04-01,2024,一般会計,0101,職員給与費,1000,人件費支出,"1,000"', (2, ""), "見出しと同じ10列"),
        ("1,2024-04-01,2024,一般会計,0101,職員給与費,99999999999999999999,人件費支出,100,", (2, "借方金額"), "大きすぎます"),
        ("1,2024-04-01,2024,一般会計,012345678901234567890,職員給与費,100,人件費支出,100,", (2, "所属"), "20文字以内"),
    ],
)
def test_a_bad_row_is_reported_where_it_is(chart, row, place, message):
    entries, issues = parse(row + "\n", chart)
    assert issues, "the row must be refused"
    assert (issues[0].row, issues[0].column) == place
    assert message in issues[0].message
    assert read_journals_text(HEADER + row + "\n", chart) is None  # the fast reader refuses it too


def test_every_bad_row_is_reported_not_only_the_first(chart):
    text = (
        "1,2024-04-01,2024,一般会計,0101,職員給与費,100,人件費支出,100,\n"
        "2,2024-04-01,2024,一般会計,0101,存在しない科目,100,人件費支出,100,\n"
        "3,2024-04-01,2024,一般会計,0101,職員給与費,abc,人件費支出,100,\n"
    )
    _entries, issues = parse(text, chart)
    assert where(issues) == [(3, "借方科目"), (4, "借方金額")]
    assert str(issues[0]).startswith("j.csv 3行目 列「借方科目」: 科目「存在しない科目」は勘定科目表にありません")


def test_an_empty_or_headerless_file_is_refused(chart):
    assert parse_journals(b"", file="j.csv", chart=chart, funds=FUNDS)[1][0].message == "ファイルが空です"
    _e, issues = parse_journals(b"1,2,3\n", file="j.csv", chart=chart, funds=FUNDS)
    assert "見出し行に列" in issues[0].message


def test_a_binary_file_is_refused(chart):
    _e, issues = parse_journals(bytes(range(256)) * 10, file="j.xlsx", chart=chart, funds=FUNDS)
    assert "文字コードを判別できません" in issues[0].message


def read_journals_text(text: str, chart, tmp=None):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "j.csv"
        path.write_text(text, encoding="utf-8")
        return read_journals(path, file="j.csv", chart=chart, funds=FUNDS)


def test_the_fast_reader_gives_the_same_entries_as_the_row_parser(chart):
    from .example_town import journals_csv

    text = journals_csv()
    slow, issues = parse_journals(text.encode(), file="j.csv", chart=chart, funds=FUNDS)
    fast = read_journals_text(text, chart)
    assert issues == [] and fast is not None
    expected = frame_from_entries(slow)
    assert fast.entries.drop("idx").to_dicts() == expected.entries.drop("idx").to_dicts()
    assert fast.lines.to_dicts() == expected.lines.to_dicts()
