"""Load journals (仕訳データ) from the usual Japanese CSV layout.

Columns: 伝票番号, 日付, 会計年度, 会計区分, 所属, 借方科目, 借方金額, 貸方科目, 貸方金額, 摘要.
Rows sharing 会計年度 + 会計区分 + 伝票番号 form one entry; a row may carry a debit, a
credit, or both. A 科目 is its code, a name unique in the chart, or its path
(``PL/経常費用/業務費用/人件費/職員給与費``). The file is UTF-8 (with or without BOM) or CP932.

Every problem is collected as an :class:`Issue` with its row and column; the caller
refuses the whole file if there is any.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass

from .chart import Chart, ChartError
from .issues import Issue, Issues
from .journal import Entry, Kind, Posting, problems
from .parse import decode, parse_amount, parse_date, parse_fiscal_year

COLUMNS = ("伝票番号", "日付", "会計年度", "会計区分", "所属", "借方科目", "借方金額", "貸方科目", "貸方金額", "摘要")
REQUIRED = ("伝票番号", "日付", "会計年度", "会計区分", "借方科目", "借方金額", "貸方科目", "貸方金額")
MAX_ISSUES = 1000
MAX_LENGTHS = {"伝票番号": 40, "所属": 20, "摘要": 200}  # the ledger's column sizes


@dataclass
class _Voucher:
    row: int
    fiscal_year: int
    date: dt.date
    fund: str
    dept: str
    voucher_no: str
    description: str
    postings: list


class _Cache(dict):
    """Memoise a parser that may raise ValueError (few distinct values, many rows)."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def __missing__(self, key):
        try:
            value = self.fn(key)
        except (ValueError, ChartError) as e:
            value = e
        self[key] = value
        return value


def parse_journals(
    data: bytes, *, file: str, chart: Chart, funds: Mapping[str, str]
) -> tuple[list[Entry], list[Issue]]:
    """Parse a journal CSV into entries; ``funds`` maps a 会計区分 code or name to its code."""
    issues = Issues(file)
    issue = issues.add
    try:
        text, _enc = decode(data)
    except ValueError as e:
        issue(str(e))
        return [], issues
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        issue("ファイルが空です")
        return [], issues
    header = [h.strip() for h in header]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        issue(f"見出し行に列 {'、'.join(missing)} がありません。1行目に列名（{','.join(COLUMNS)}）を置いてください", 1)
        return [], issues
    idx = {c: header.index(c) if c in header else None for c in COLUMNS}
    width = len(header)

    accounts = _Cache(lambda ref: chart.resolve(ref).code)
    amounts = _Cache(_positive_amount)
    dates = _Cache(parse_date)
    years = _Cache(parse_fiscal_year)
    vouchers: dict[tuple[int, str, str], _Voucher] = {}

    def cell(row: list[str], col: str) -> str:
        i = idx[col]
        return row[i].strip() if i is not None else ""

    for lineno, row in enumerate(reader, start=2):
        if len(issues) >= MAX_ISSUES:
            issue(f"エラーが{MAX_ISSUES}件を超えたため、以降の行は確認していません")
            break
        if not any(c.strip() for c in row):
            continue  # a blank row carries nothing
        if len(row) != width:
            issue(f"列の数が{len(row)}です。見出しと同じ{width}列にしてください", lineno)
            continue
        bad = False
        voucher_no = cell(row, "伝票番号")
        if not voucher_no:
            issue("伝票番号が空欄です", lineno, "伝票番号")
            bad = True
        fy = years[cell(row, "会計年度")]
        if isinstance(fy, Exception):
            issue(str(fy), lineno, "会計年度")
            bad = True
        date = dates[cell(row, "日付")]
        if isinstance(date, Exception):
            issue(str(date), lineno, "日付")
            bad = True
        fund_ref = cell(row, "会計区分")
        fund = funds.get(fund_ref)
        if fund is None:
            issue(f"会計区分「{fund_ref}」は登録されていません。`kokai fund add` で登録するか、登録済みの名称・コードを使ってください", lineno, "会計区分")
            bad = True
        for col, limit in MAX_LENGTHS.items():
            if len(cell(row, col)) > limit:
                issue(f"{col}が{len(cell(row, col))}文字あります。{limit}文字以内にしてください", lineno, col)
                bad = True
        postings = []
        for side, acc_col, amt_col in ((1, "借方科目", "借方金額"), (-1, "貸方科目", "貸方金額")):
            ref, amt = cell(row, acc_col), cell(row, amt_col)
            if not ref and not amt:
                continue
            if not ref or not amt:
                issue(f"{acc_col}と{amt_col}は両方を入力してください", lineno, acc_col if not ref else amt_col)
                bad = True
                continue
            code, value = accounts[ref], amounts[amt]
            if isinstance(code, Exception):
                issue(str(code), lineno, acc_col)
                bad = True
            if isinstance(value, Exception):
                issue(str(value), lineno, amt_col)
                bad = True
            if not bad:
                postings.append(Posting(code, side * value))
        if not postings and not bad:
            issue("借方・貸方のどちらにも科目と金額がありません", lineno)
            continue
        if bad:
            continue
        key = (fy, fund, voucher_no)
        v = vouchers.get(key)
        if v is None:
            vouchers[key] = _Voucher(lineno, fy, date, fund, cell(row, "所属"), voucher_no, cell(row, "摘要"), postings)
        else:
            if v.date != date:
                issue(f"伝票「{voucher_no}」の日付が{v.row}行目（{v.date}）と違います。1枚の伝票は同じ日付にしてください", lineno, "日付")
            if v.dept != cell(row, "所属"):
                issue(f"伝票「{voucher_no}」の所属が{v.row}行目と違います。1枚の伝票は同じ所属にしてください", lineno, "所属")
            v.postings.extend(postings)

    entries = []
    cf = {ln.code for ln in chart.lines if ln.statement == "CF"}
    for v in vouchers.values():
        kind = Kind.CASH if any(p.account in cf for p in v.postings) else Kind.NON_CASH
        entry = Entry(
            fiscal_year=v.fiscal_year, date=v.date, fund=v.fund, kind=kind, voucher_no=v.voucher_no,
            postings=tuple(v.postings), dept=v.dept, description=v.description, source=file,
        )
        for msg in problems(entry, chart):
            issue(msg, v.row)
        entries.append(entry)
    return entries, issues


def _positive_amount(text: str) -> int:
    value = parse_amount(text)
    if value <= 0:
        raise ValueError(f"金額「{text}」は正の整数で入力してください（マイナスは借方と貸方を入れ替えて表します）")
    return value
