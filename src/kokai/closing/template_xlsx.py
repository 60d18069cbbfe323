"""The closing template (決算整理の入力シート): one XLSX with a sheet per input sheet of every
closing item, written from the items' own column specs, and read back typed.

Row 1 of each input sheet is the header (a comment on each header cell says what to enter);
the data start on row 2. A first sheet 「説明」 lists each item, its sheets and how to fill
them in. Stored inputs are written back into the template, so a 財政課 user edits last
run's figures rather than starting again.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import xlsxwriter

from kokai.cash.worksheet import check_xlsx
from kokai.core.cells import cell_text
from kokai.core.closing import items
from kokai.core.closing.base import CHOICE, DATE, FLAG, INT, RATE, YEN
from kokai.core.closing.sheets import typed_rows
from kokai.core.issues import Issue
from kokai.core.parse import wareki_year

GUIDE = "説明"


def write_template(path: Path, *, lg_name: str, fiscal_year: int, stored: Mapping[str, Mapping[str, list]]) -> None:
    """``stored``: item key → sheet name → typed rows (JSON form) already entered."""
    wb = xlsxwriter.Workbook(str(path))
    try:
        base = {"font_name": "IPAexゴシック", "font_size": 10}
        head = wb.add_format({**base, "bold": True, "bg_color": "#E8EEF4", "border": 1, "text_wrap": True})
        text = wb.add_format({**base, "border": 1})
        yen = wb.add_format({**base, "border": 1, "num_format": "#,##0"})
        rate = wb.add_format({**base, "border": 1, "num_format": "0.0000%"})
        date = wb.add_format({**base, "border": 1, "num_format": "yyyy/mm/dd"})
        title = wb.add_format({**base, "bold": True, "font_size": 13})
        wrap = wb.add_format({**base, "text_wrap": True, "valign": "top"})
        guide = wb.add_worksheet(GUIDE)
        guide.set_column(0, 0, 24)
        guide.set_column(1, 1, 100)
        guide.write(0, 0, f"{lg_name} {wareki_year(fiscal_year)} 決算整理の入力シート", title)
        guide.write(1, 0, "使い方", wrap)
        guide.write(1, 1, "項目ごとのシートに入力し、`kokai close --year 年度 --inputs このファイル` で取り込みます。"
                    "入力のない項目は決算整理を行いません。取込み・決算整理は何度でもやり直せます"
                    "（前回の決算整理仕訳を置き換えます）。", wrap)
        r = 3
        for m in items():
            guide.write(r, 0, m.TITLE, head)
            guide.write(r, 1, "、".join(s.name for s in m.SHEETS), text)
            r += 1
            for s in m.SHEETS:
                for note in s.notes:
                    guide.write(r, 1, f"［{s.name}］{note}", wrap)
                    r += 1
        for m in items():
            for s in m.SHEETS:
                ws = wb.add_worksheet(s.name)
                ws.freeze_panes(1, 0)
                for c, col in enumerate(s.columns):
                    ws.set_column(c, c, col.width)
                    ws.write(0, c, col.header + ("（必須）" if col.required else ""), head)
                    note = col.help + (f"\n選択肢: {' / '.join(col.choices)}" if col.choices else "")
                    if note:
                        ws.write_comment(0, c, note, {"x_scale": 2, "y_scale": 1.5})
                    if col.kind == CHOICE and col.choices:
                        ws.data_validation(1, c, 5000, c, {"validate": "list", "source": list(col.choices)})
                    elif col.kind in (YEN, INT):
                        ws.data_validation(1, c, 5000, c, {"validate": "integer", "criteria": ">=",
                                                           "value": 0 if col.kind == YEN else -10**15})
                rows = stored.get(m.KEY, {}).get(s.name, [])
                for i, row in enumerate(rows, start=1):
                    for c, col in enumerate(s.columns):
                        v = row.get(col.header)
                        if v is None or v == "":
                            continue
                        if col.kind in (YEN, INT):
                            ws.write_number(i, c, v, yen)
                        elif col.kind == RATE:
                            ws.write_number(i, c, float(v), rate)  # display only; read back exactly below
                        elif col.kind == DATE:
                            ws.write(i, c, str(v), date)
                        elif col.kind == FLAG:
                            ws.write(i, c, "○" if v else "", text)
                        else:
                            ws.write(i, c, str(v), text)
                ws.set_paper(9)
                ws.set_landscape()
                ws.fit_to_pages(1, 0)
                ws.repeat_rows(0)
                ws.set_header(f"&L{lg_name} {wareki_year(fiscal_year)} {m.TITLE}（{s.title}）")
    finally:
        wb.close()


def read_template(path: Path) -> tuple[dict[str, dict[str, list[dict]]], list[Issue]]:
    """item key → sheet name → typed rows, for every item with at least one row in the file
    (an item whose sheets are all empty is not entered: the run skips it and says so)."""
    import openpyxl

    issues = check_xlsx(path)
    if issues:
        return {}, issues
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file
        return {}, [Issue("Excel ファイル（.xlsx）として読めません。ファイルが壊れていないか確かめてください", file=path.name)]
    out: dict[str, dict[str, list[dict]]] = {}
    seen = 0
    try:
        for m in items():
            for s in m.SHEETS:
                if s.name not in wb.sheetnames:
                    continue
                seen += 1
                it = wb[s.name].iter_rows(values_only=True)
                # compared as NFKC text, as cell_text gives them (（必須） → (必須))
                names = [cell_text(h).removesuffix("(必須)") for h in (next(it, None) or ())]
                wanted = {c.header: cell_text(c.header) for c in s.columns}
                missing = [c.header for c in s.columns if c.required and wanted[c.header] not in names]
                if missing:
                    issues += [Issue(f"列「{h}」がありません（1行目が見出しです）", file=path.name, sheet=s.name, row=1,
                                     column=h) for h in missing]
                    continue
                index = {c.header: names.index(wanted[c.header]) for c in s.columns if wanted[c.header] in names}
                raw = []
                for r, values in enumerate(it, start=2):
                    if values is None or all(cell_text(v) == "" for v in values):
                        continue
                    row = {h: values[i] if i < len(values) else None for h, i in index.items()}
                    for col in s.columns:  # a rate cell: the float's shortest text (0.0123), not its binary value
                        if col.kind == RATE and isinstance(row.get(col.header), float):
                            row[col.header] = repr(row[col.header])
                    row["_row"] = r
                    raw.append(row)
                rows, bad = typed_rows(s, raw, file=path.name)
                issues += bad
                out.setdefault(m.KEY, {})[s.name] = rows
    finally:
        wb.close()
    out = {key: sheets for key, sheets in out.items() if any(sheets.values())}
    if not seen and not issues:
        issues.append(Issue("決算整理の入力シートが1つもありません。`kokai close --template` で出力したファイルを使ってください",
                            file=path.name))
    return out, issues
