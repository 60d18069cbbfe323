"""Load an opening balance sheet (開始貸借対照表): columns ``path,amount``.

One row per BS leaf line, named as any 科目 is (path, unique name or code), amounts as
printed: contra lines such as 減価償却累計額 and 徴収不能引当金 negative. The 固定資産等形成分
and 余剰分（不足分） rows are required. The row ``BS/流動資産/現金預金/歳計外現金`` gives the
歳計外現金 part of 現金預金; the 現金預金 row is then the 歳計現金 (資金) part. A line that is
absent is zero. The result is one entry of kind 開始残高 dated April 1 of the year.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from .chart import FA_FINANCIAL, FA_TANGIBLE, Chart, ChartError
from .issues import Issue, Issues
from .journal import Entry, Kind, Posting
from .parse import decode, parse_amount

OPENING_VOUCHER = "開始残高"


def parse_opening(
    data: bytes, *, file: str, chart: Chart, fiscal_year: int, fund: str
) -> tuple[Entry | None, list[Issue]]:
    issues = Issues(file)
    issue = issues.add
    try:
        text, _enc = decode(data)
    except ValueError as e:
        issue(str(e))
        return None, issues
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    if header[:2] != ["path", "amount"]:
        issue("1行目は見出し path,amount にしてください", 1)
        return None, issues
    seen: dict[str, int] = {}
    printed: dict[str, int] = {}
    for lineno, row in enumerate(reader, start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != 2:
            issue(f"列の数が{len(row)}です。path,amount の2列にしてください", lineno)
            continue
        ref, amt = row[0].strip(), row[1].strip()
        try:
            line = chart.resolve(ref)
        except ChartError as e:
            issue(str(e), lineno, "path")
            continue
        if line.statement != "BS" or not line.postable:
            issue(f"「{line.qualified_path}」は貸借対照表の勘定科目ではありません（集計行や他の表の行は入力できません）", lineno, "path")
            continue
        if line.code in seen:
            issue(f"「{line.qualified_path}」が{seen[line.code]}行目にもあります。1科目1行にしてください", lineno, "path")
            continue
        seen[line.code] = lineno
        try:
            value = parse_amount(amt)
        except ValueError as e:
            issue(str(e), lineno, "amount")
            continue
        if line.contra and value > 0:
            issue(f"「{line.name}」は控除科目です。貸借対照表の表示どおり負の数（例: -{value}）で入力してください", lineno, "amount")
            continue
        printed[line.code] = value

    for role in ("fixed_portion", "surplus"):
        line = chart.one(role)
        if line.code not in seen:
            issue(f"「{line.qualified_path}」の行がありません。純資産の内訳も入力してください")
    if issues:
        return None, issues

    postings = tuple(
        Posting(code, chart[code].sign * value) for code, value in printed.items() if value != 0
    )
    total = sum(p.amount for p in postings)
    if total != 0:
        assets = sum(p.amount for p in postings if chart[p.account].side == "D")
        issue(f"資産合計 {assets:,}円 と 負債及び純資産合計 {assets - total:,}円 が一致しません（差額 {total:,}円）")
    fixed = chart.one("fixed_portion")
    expected = sum(v for c, v in printed.items() if chart[c].fa_group in (FA_TANGIBLE, FA_FINANCIAL))
    if printed.get(fixed.code, 0) != expected:
        issue(
            f"固定資産等形成分 {printed.get(fixed.code, 0):,}円 が 固定資産＋短期貸付金＋流動資産の基金 "
            f"{expected:,}円 と一致しません",
            seen[fixed.code], "amount",
        )
    if issues:
        return None, issues
    entry = Entry(
        fiscal_year=fiscal_year, date=dt.date(fiscal_year, 4, 1), fund=fund, kind=Kind.OPENING,
        voucher_no=OPENING_VOUCHER, postings=postings, description=f"{fiscal_year}年度 開始貸借対照表",
        source=file,
    )
    return entry, issues
