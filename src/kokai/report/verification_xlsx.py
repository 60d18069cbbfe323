"""The certified accountant's working paper (検証調書): every check with both sides, their
sources and the difference; the key figures of the statements; the cash records against
the 決算額 per 節; and a sign-off block. To the yen, printable on A4."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter

from kokai.core.chart import FORM_NUMBERS, STATEMENT_NAMES
from kokai.core.checks import Check
from kokai.core.checks_more import (
    CAUTION,
    MATCH,
    MISMATCH,
    NOT_APPLICABLE,
    NOTED,
    SOURCES,
    status_of,
)
from kokai.core.parse import wareki_date, wareki_year
from kokai.core.reconcile import DIRECTION_LABELS, Reconciliation
from kokai.core.statements import NW_COLUMNS, Statements

NUMBER = '#,##0;"△"#,##0;0'
RESULTS = (MATCH, MISMATCH, CAUTION, NOTED, NOT_APPLICABLE)
LEGEND = {
    MATCH: "両辺が一致しています。",
    MISMATCH: "両辺が一致しません。公表の前に原因を調べて解消してください。",
    CAUTION: "警告です。差額の理由を確かめ、必要なら注記で説明してください。",
    NOTED: "注記事項です。差額の内訳を注記で説明してください。",
    NOT_APPLICABLE: "検証に必要なデータがないため、検証していません。",
}
CHECK_COLUMNS = (("番号", 6), ("内容", 46), ("結果", 7), ("左辺", 30), ("左辺の金額（円）", 15),
                 ("左辺の出所", 24), ("右辺", 30), ("右辺の金額（円）", 15), ("右辺の出所", 24),
                 ("差額（左辺−右辺）", 14))
# The figures the checks read, with the checks that read them.
KEY_FIGURES = (
    ("BS/資産合計", "C1"), ("BS/固定資産", "C6, C15"), ("BS/流動資産/現金預金", "C5"),
    ("BS/流動資産/短期貸付金", "C6, C15"), ("BS/流動資産/基金", "C6, C15"), ("BS/負債合計", "C1"),
    ("BS/流動負債/預り金", "C16"), ("BS/固定資産等形成分", "C4, C6, C7"),
    ("BS/余剰分（不足分）", "C4, C7"), ("BS/純資産合計", "C1, C3, C7"),
    ("PL/経常費用", ""), ("PL/経常収益", ""), ("PL/純経常行政コスト", ""), ("PL/純行政コスト", "C2"),
    ("NW/前年度末純資産残高", "C9, C14"), ("NW/純行政コスト（△）", "C2, C8"), ("NW/財源", "C8"),
    ("NW/本年度差額", "C8, C9, C17"), ("NW/固定資産等の変動（内部変動）", "C9, C11, C15"),
    ("NW/資産評価差額", "C9, C15"), ("NW/無償所管換等", "C9, C15"), ("NW/その他", "C9, C15"),
    ("NW/本年度純資産変動額", "C9"), ("NW/本年度末純資産残高", "C3, C4, C9"),
    ("CF/業務活動収支", "C12, C17"), ("CF/投資活動収支", "C12"), ("CF/財務活動収支", "C12"),
    ("CF/本年度資金収支額", "C12"), ("CF/前年度末資金残高", "C12, C14, C18"),
    ("CF/本年度末資金残高", "C12, C18"), ("CF/前年度末歳計外現金残高", "C13, C14"),
    ("CF/本年度末歳計外現金残高", "C13, C16"), ("CF/本年度末現金預金残高", "C5"),
)
SIGN_OFF = ("作成者", "確認者", "監査人")


def write_verification(
    path: Path, checks: list[Check], *, lg_name: str, fiscal_year: int, statements: Statements,
    reconciliation: Reconciliation | None = None, created_at: dt.datetime | None = None,
) -> None:
    created_at = created_at or dt.datetime.now()
    wb = xlsxwriter.Workbook(str(path))
    try:
        fmt = _formats(wb)
        heading = (lg_name, fiscal_year, created_at)
        _checks_sheet(wb, fmt, checks, heading, statements.scope)
        _figures_sheet(wb, fmt, statements, heading)
        _reconciliation_sheet(wb, fmt, reconciliation, heading)
        wb.set_properties({"title": f"{lg_name} {wareki_year(fiscal_year)} 財務書類 検証調書", "author": "Kokai"})
    finally:
        wb.close()


def _formats(wb) -> dict:
    base = {"font_name": "IPAexゴシック", "font_size": 9, "valign": "vcenter"}
    cell = {**base, "border": 1, "text_wrap": True}
    f = {
        "title": wb.add_format({**base, "bold": True, "font_size": 14}),
        "label": wb.add_format({**base, "bold": True}),
        "text": wb.add_format(base),
        "head": wb.add_format({**cell, "bold": True, "align": "center", "bg_color": "#E8EEF4"}),
        "cell": wb.add_format(cell),
        "num": wb.add_format({**cell, "num_format": NUMBER}),
        "bad": wb.add_format({**cell, "num_format": NUMBER, "bold": True, "font_color": "#B00020", "bg_color": "#FDE7EA"}),
        "bad_text": wb.add_format({**cell, "bg_color": "#FDE7EA"}),
        "sign": wb.add_format({**base, "border": 1}),
    }
    colours = {MATCH: None, MISMATCH: ("#FDE7EA", "#B00020"), CAUTION: ("#FFF4CC", "#7A5A00"),
               NOTED: ("#E8F1FB", "#1A4F8B"), NOT_APPLICABLE: ("#EEEEEE", "#555555")}
    for result, colour in colours.items():
        extra = {"bg_color": colour[0], "font_color": colour[1], "bold": True} if colour else {}
        f[result] = wb.add_format({**cell, "align": "center", **extra})
    return f


def _page(ws, heading, *, landscape: bool, header_rows: int) -> None:
    lg_name, fiscal_year, _created = heading
    ws.set_paper(9)  # A4
    if landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.repeat_rows(header_rows)
    name = lg_name.replace("&", "&&")
    ws.set_header(f"&L{name} {wareki_year(fiscal_year)}&R財務書類 検証調書")
    ws.set_footer("&C&P / &N")


def _top(ws, fmt, title: str, heading, width: int) -> int:
    """Title and 団体名 / 年度 / 作成日時; returns the next free row."""
    lg_name, fiscal_year, created = heading
    ws.merge_range(0, 0, 0, width - 1, title, fmt["title"])
    for r, (label, value) in enumerate((("団体名", lg_name),
                                         ("年度", f"{wareki_year(fiscal_year)}（{fiscal_year}年度）"),
                                         ("作成日時", f"{wareki_date(created.date())} {created:%H:%M}")), start=1):
        ws.write(r, 0, label, fmt["label"])
        ws.write(r, 1, value, fmt["text"])
    return 4


def _checks_sheet(wb, fmt, checks: list[Check], heading, scope: str) -> None:
    ws = wb.add_worksheet("検証結果")
    for i, (_h, w) in enumerate(CHECK_COLUMNS):
        ws.set_column(i, i, w)
    row = _top(ws, fmt, f"財務書類 検証調書（{scope}）", heading, len(CHECK_COLUMNS))
    results = [status_of(c) for c in checks]
    ws.write(row, 0, "集計", fmt["label"])
    ws.write(row, 1, "　".join(f"{r} {results.count(r)}件" for r in RESULTS), fmt["text"])
    row += 2
    head = row
    for i, (h, _w) in enumerate(CHECK_COLUMNS):
        ws.write(row, i, h, fmt["head"])
    ws.freeze_panes(head + 1, 0)
    _page(ws, heading, landscape=True, header_rows=head)
    for c, result in zip(checks, results, strict=True):
        row += 1
        left_src, right_src = SOURCES.get(c.id, ("", ""))
        ws.write(row, 0, c.id, fmt["cell"])
        ws.write(row, 1, c.name, fmt["cell"])
        ws.write(row, 2, result, fmt[result])
        ws.write(row, 3, c.left_label, fmt["cell"])
        ws.write(row, 5, left_src, fmt["cell"])
        ws.write(row, 6, c.right_label, fmt["cell"])
        ws.write(row, 8, right_src, fmt["cell"])
        if result == NOT_APPLICABLE:
            for col in (4, 7, 9):
                ws.write_blank(row, col, None, fmt["cell"])
            continue
        ws.write_number(row, 4, c.left, fmt["num"])
        ws.write_number(row, 7, c.right, fmt["num"])
        ws.write_number(row, 9, c.left - c.right, fmt["bad"] if result == MISMATCH else fmt["num"])
    row += 2
    ws.write(row, 0, "結果の見方", fmt["label"])
    for result in RESULTS:
        row += 1
        ws.write(row, 0, result, fmt[result])
        ws.write(row, 1, LEGEND[result], fmt["text"])
    _sign_off(ws, fmt, row + 2)


def _sign_off(ws, fmt, row: int) -> None:
    ws.write(row, 0, "確認欄", fmt["label"])
    row += 1
    ws.write(row, 0, "役割", fmt["head"])
    ws.merge_range(row, 1, row, 2, "所属・氏名", fmt["head"])
    ws.write(row, 3, "日付", fmt["head"])
    ws.write(row, 4, "印・署名", fmt["head"])
    for role in SIGN_OFF:
        row += 1
        ws.set_row(row, 30)
        ws.write(row, 0, role, fmt["cell"])
        ws.merge_range(row, 1, row, 2, "", fmt["sign"])
        ws.write_blank(row, 3, None, fmt["sign"])
        ws.write_blank(row, 4, None, fmt["sign"])


def _figures_sheet(wb, fmt, st: Statements, heading) -> None:
    ws = wb.add_worksheet("財務書類")
    cols = (("様式", 22), ("科目コード", 10), ("科目", 44), ("金額・合計（円）", 16),
            (f"{NW_COLUMNS[1]}（円）", 16), (f"{NW_COLUMNS[2]}（円）", 16), ("参照するチェック", 18))
    for i, (_h, w) in enumerate(cols):
        ws.set_column(i, i, w)
    row = _top(ws, fmt, f"財務書類の主要な数値（{st.scope}）", heading, len(cols))
    ws.write(row, 0, "単位: 円（端数処理なし）", fmt["text"])
    row += 2
    head = row
    for i, (h, _w) in enumerate(cols):
        ws.write(row, i, h, fmt["head"])
    _page(ws, heading, landscape=False, header_rows=head)
    for qualified, refs in KEY_FIGURES:
        row += 1
        stmt, _path = qualified.split("/", 1)
        ln = st.line(qualified)
        ws.write(row, 0, f"{FORM_NUMBERS[stmt]} {STATEMENT_NAMES[stmt]}", fmt["cell"])
        ws.write(row, 1, ln.code, fmt["cell"])
        ws.write(row, 2, ln.path, fmt["cell"])
        if ln.amounts is not None:
            for i, col in enumerate(NW_COLUMNS, start=3):
                ws.write_number(row, i, ln.amounts[col], fmt["num"])
        else:
            ws.write_number(row, 3, ln.amount or 0, fmt["num"])
            ws.write_blank(row, 4, None, fmt["cell"])
            ws.write_blank(row, 5, None, fmt["cell"])
        ws.write(row, 6, refs, fmt["cell"])


def _reconciliation_sheet(wb, fmt, rec: Reconciliation | None, heading) -> None:
    ws = wb.add_worksheet("決算額との照合")
    cols = (("会計区分", 8), ("歳入歳出", 8), ("款", 5), ("項", 5), ("目", 5), ("節", 5), ("科目名", 30),
            ("件数", 7), ("支出・収入額（円）", 15), ("戻入・戻出額（円）", 15), ("差引（円）", 15),
            ("決算額（円）", 15), ("差額（円）", 13))
    for i, (_h, w) in enumerate(cols):
        ws.set_column(i, i, w)
    row = _top(ws, fmt, "歳入歳出データと決算額の照合（節別）", heading, len(cols))
    if rec is None:
        ws.write(row, 0, "歳入歳出データ・決算額が取り込まれていないため、照合していません（対象外）。", fmt["text"])
        _page(ws, heading, landscape=True, header_rows=row)
        return
    n, bad = rec.items.height, rec.differences.height
    ws.write(row, 0, f"{n}節中 一致 {n - bad}節・不一致 {bad}節。差額のある行を色付きで示します。", fmt["text"])
    row += 2
    head = row
    for i, (h, _w) in enumerate(cols):
        ws.write(row, i, h, fmt["head"])
    ws.freeze_panes(head + 1, 0)
    _page(ws, heading, landscape=True, header_rows=head)
    for item in rec.items.iter_rows(named=True):
        row += 1
        differs = item["difference"] != 0
        text, num = (fmt["bad_text"], fmt["bad"]) if differs else (fmt["cell"], fmt["num"])
        for i, v in enumerate((item["fund"], DIRECTION_LABELS[item["direction"]], item["kan"], item["kou"],
                               item["moku"], item["setsu"], item["name"])):
            ws.write_string(row, i, str(v or ""), text)
        for i, key in enumerate(("records", "gross", "refunds", "net", "settled", "difference"), start=7):
            ws.write_number(row, i, item[key], num)
    ws.autofilter(head, 0, row, len(cols) - 1)
