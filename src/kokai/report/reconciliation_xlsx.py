"""The processed 歳入歳出データ reconciled to the 決算額, as a workbook 財政課 hands over:
one sheet per item (節) with gross, 戻入・戻出, net, 決算額 and difference, one with the
records behind each difference."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from kokai.core.parse import wareki_year
from kokai.core.reconcile import DIRECTION_LABELS, Reconciliation

NUMBER = '#,##0;"△"#,##0;0'


def write_reconciliation(path: Path, rec: Reconciliation, *, lg_name: str, fiscal_year: int) -> None:
    wb = xlsxwriter.Workbook(str(path))
    try:
        base = {"font_name": "IPAexゴシック", "font_size": 10}
        title = wb.add_format({**base, "bold": True, "font_size": 13})
        head = wb.add_format({**base, "bold": True, "border": 1, "bg_color": "#E8EEF4", "text_wrap": True})
        text = wb.add_format({**base, "border": 1})
        num = wb.add_format({**base, "border": 1, "num_format": NUMBER})
        bad = wb.add_format({**base, "border": 1, "num_format": NUMBER, "font_color": "#B00020", "bold": True})

        ws = wb.add_worksheet("決算額との照合")
        ws.write(0, 0, f"{lg_name} {wareki_year(fiscal_year)} 歳入歳出データと決算額の照合", title)
        diff = rec.differences.height
        ws.write(1, 0, "すべての科目が決算額と一致しました。" if diff == 0 else f"決算額と一致しない科目が {diff} 件あります（「差額の明細」を参照）。")
        cols = ("会計区分", "歳入歳出", "款", "項", "目", "節", "科目名", "件数", "支出・収入額", "戻入・戻出額",
                "差引（歳入歳出データ）", "決算額", "差額")
        widths = (8, 8, 6, 6, 6, 6, 36, 8, 16, 16, 18, 16, 14)
        for i, (c, w) in enumerate(zip(cols, widths, strict=True)):
            ws.write(3, i, c, head)
            ws.set_column(i, i, w)
        ws.freeze_panes(4, 0)
        for r, row in enumerate(rec.items.iter_rows(named=True), start=4):
            for i, v in enumerate((row["fund"], DIRECTION_LABELS[row["direction"]], row["kan"], row["kou"],
                                   row["moku"], row["setsu"], row["name"] or "")):
                ws.write_string(r, i, str(v or ""), text)
            ws.write_number(r, 7, row["records"], num)
            for i, key in enumerate(("gross", "refunds", "net", "settled"), start=8):
                ws.write_number(r, i, row[key], num)
            ws.write_number(r, 12, row["difference"], bad if row["difference"] else num)
        ws.autofilter(3, 0, 3 + rec.items.height, len(cols) - 1)

        ws = wb.add_worksheet("差額の明細")
        cols = ("会計区分", "歳入歳出", "款", "項", "目", "節", "伝票番号", "行番号", "日付", "伝票種別", "金額", "摘要")
        for i, c in enumerate(cols):
            ws.write(0, i, c, head)
        ws.set_column(0, 9, 10)
        ws.set_column(10, 10, 16)
        ws.set_column(11, 11, 40)
        for r, row in enumerate(rec.behind.head(100_000).iter_rows(named=True), start=1):
            values = (row["fund"], DIRECTION_LABELS[row["direction"]], row["kan"], row["kou"], row["moku"],
                      row["setsu"], row.get("voucher_no"), str(row.get("line_no") or ""), str(row.get("date") or ""),
                      row.get("voucher_type"))
            for i, v in enumerate(values):
                ws.write_string(r, i, str(v or ""), text)
            ws.write_number(r, 10, row["amount"], num)
            ws.write_string(r, 11, str(row.get("description") or ""), text)
    finally:
        wb.close()
