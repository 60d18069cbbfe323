"""The book renderers (XLSX and PDF) on a small document worked out by hand.

貸借対照表 (yen → 千円, 四捨五入, each figure rounded from its own yen amount):

    土地 1,234,567 → 1,235;  建物 2,345,678 → 2,346
    有形固定資産 = 1,234,567 + 2,345,678 = 3,580,245 → 3,580
        (printed children 1,235 + 2,346 = 3,581: off by 1 ≤ 2 children × 0.5)
    投資その他の資産 499,500 → 500 (499.5 rounds up)
    固定資産 = 3,580,245 + 499,500 = 4,079,745 → 4,080   (printed 3,580 + 500 = 4,080)
    現金預金 10,400 → 10;  徴収不能引当金 −1,600 → △2 (1.6 rounds up, on the absolute value)
    流動資産 = 10,400 − 1,600 = 8,800 → 9   (printed 10 − 2 = 8: off by 1 ≤ 2 × 0.5)
    資産合計 = 4,079,745 + 8,800 = 4,088,545 → 4,089   (printed 4,080 + 9 = 4,089)
    固定負債 1,500,000 → 1,500 = 負債合計
    固定資産等形成分 4,079,745 → 4,080;  余剰分（不足分） −1,491,200 → △1,491
    純資産合計 = 4,079,745 − 1,491,200 = 2,588,545 → 2,589   (printed 4,080 − 1,491 = 2,589)
    負債及び純資産合計 = 1,500,000 + 2,588,545 = 4,088,545 → 4,089
    構成比 (of 資産合計 4,088,545): 土地 30.20%, 建物 57.37%, 徴収不能引当金 △0.04%.

行政コスト計算書: 人件費 3,100,400 + 物件費等 900,600 = 経常費用 4,001,000 → 4,001;
経常収益 = 使用料及び手数料 400,499 → 400; 純経常行政コスト = 4,001,000 − 400,499 = 3,600,501
→ 3,601 (printed 4,001 − 400 = 3,601), a subtotal with a minus sign.

基金の明細 (landscape, a count column): 財政調整基金 1件 499,500 → 500; 減債基金 2件
250,250 → 250; 合計 3件 749,750 → 750.

注記: two numbered headings, sub-headings, body text and a small table (損失補償債務
12,345,678 → 12,346).
"""

from __future__ import annotations

import re
import time

import openpyxl
import pypdf
import pytest

from kokai.core.units import to_unit
from kokai.report.book_xlsx import write_book_xlsx
from kokai.report.document import (
    BAR,
    COLUMN_CLUSTERED,
    COUNT,
    PERCENT,
    PIE,
    TEXT,
    YEN,
    Chart,
    Document,
    Paragraph,
    Row,
    Table,
    TextSection,
)


def bs_table() -> Table:
    r = Row
    rows = (
        r("【資産の部】", heading=True),                                     # 0  Excel row 5
        r("固定資産", (4_079_745, None), 1, True, ((1, 2), (1, 5))),          # 1  row 6
        r("有形固定資産", (3_580_245, 8757), 2, False, ((1, 3), (1, 4))),     # 2  row 7
        r("土地", (1_234_567, 3020), 3),                                     # 3  row 8
        r("建物", (2_345_678, 5737), 3),                                     # 4  row 9
        r("投資その他の資産", (499_500, None), 2),                           # 5  row 10
        r("流動資産", (8_800, None), 1, True, ((1, 7), (1, 8))),              # 6  row 11
        r("現金預金", (10_400, None), 2),                                    # 7  row 12
        r("徴収不能引当金", (-1_600, -4), 2),                                # 8  row 13
        r("資産合計", (4_088_545, 10000), 1, True, ((1, 1), (1, 6))),        # 9  row 14
        r("【負債の部】", heading=True),                                     # 10 row 15
        r("固定負債", (1_500_000, None), 1),                                 # 11 row 16
        r("負債合計", (1_500_000, None), 1, True, ((1, 11),)),               # 12 row 17
        r("【純資産の部】", heading=True),                                   # 13 row 18
        r("固定資産等形成分", (4_079_745, None), 1),                         # 14 row 19
        r("余剰分（不足分）", (-1_491_200, None), 1),                        # 15 row 20
        r("純資産合計", (2_588_545, None), 1, True, ((1, 14), (1, 15))),     # 16 row 21
        r("負債及び純資産合計", (4_088_545, None), 1, True, ((1, 12), (1, 16))),  # 17 row 22
    )
    return Table(
        key="様式第1号 貸借対照表", title="貸借対照表", subtitle="（令和7年3月31日現在）",
        columns=("金額", "構成比"), kinds=(YEN, PERCENT), rows=rows,
    )


def pl_table() -> Table:
    r = Row
    rows = (
        r("経常費用", (4_001_000,), 1, True, ((1, 1), (1, 2))),
        r("人件費", (3_100_400,), 2),
        r("物件費等", (900_600,), 2),
        r("経常収益", (400_499,), 1, True, ((1, 4),)),
        r("使用料及び手数料", (400_499,), 2),
        r("純経常行政コスト", (3_600_501,), 1, True, ((1, 0), (-1, 3))),
    )
    return Table(key="様式第2号 行政コスト計算書", title="行政コスト計算書",
                 subtitle="自 令和6年4月1日　至 令和7年3月31日", columns=("金額",), rows=rows)


def fund_table() -> Table:
    rows = (
        Row("財政調整基金", (1, 499_500, "取崩しなし")),
        Row("減債基金", (2, 250_250, None)),
        Row("合計", (3, 749_750, None), 1, True, ((1, 0), (1, 1))),
    )
    return Table(key="基金の明細", title="基金の明細", columns=("件数", "本年度末残高", "備考"),
                 kinds=(COUNT, YEN, TEXT), rows=rows, group="附属明細書", landscape=True,
                 label_header="基金名", notes=("減債基金は満期一括償還に備えるものです。",))


def notes_section() -> TextSection:
    guarantee = Table(
        key="損失補償", title="損失補償債務等", columns=("金額",),
        rows=(Row("損失補償債務", (12_345_678,)), Row("合計", (12_345_678,), 1, True, ((1, 0),))),
    )
    return TextSection(key="注記", title="注記", paragraphs=(
        Paragraph("重要な会計方針", 1),
        Paragraph("有形固定資産等の評価基準及び評価方法", 2),
        Paragraph("取得原価によっています。ただし、開始時の評価は「統一的な基準による地方公会計マニュアル」"
                  "の定めによっており、道路、河川及び水路の敷地は備忘価額1円としています。" * 2),
        Paragraph("有形固定資産等の減価償却の方法", 2),
        Paragraph("定額法によっています。"),
        Paragraph("偶発債務", 1),
        guarantee,
        Paragraph("重要な後発事象", 1),
        Paragraph("該当事項はありません。"),
    ))


def book(unit: str = "千円", rounding: str = "四捨五入") -> Document:
    return Document(lg_name="テスト市", fiscal_year=2024, scope="一般会計等", unit=unit,
                    rounding=rounding, parts=(bs_table(), pl_table(), fund_table(), notes_section()))


# --- XLSX ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    path = tmp_path_factory.mktemp("book") / "book.xlsx"
    write_book_xlsx(book(), path)
    return openpyxl.load_workbook(path)


def test_sheets_are_the_table_of_contents_then_one_per_part(workbook):
    assert workbook.sheetnames == ["目次", "様式第1号 貸借対照表", "様式第2号 行政コスト計算書", "基金の明細", "注記"]
    toc = workbook["目次"]
    assert [toc.cell(r, 2).value for r in range(5, 9)] == ["貸借対照表", "行政コスト計算書", "基金の明細", "注記"]
    assert toc.cell(6, 2).hyperlink.location == "'様式第2号 行政コスト計算書'!A1"


def test_bs_labels_yen_cells_and_subtotal_formulas(workbook):
    ws = workbook["様式第1号 貸借対照表"]
    assert ws["A1"].value == "貸借対照表"
    assert ws["A2"].value == "テスト市　一般会計等　（令和7年3月31日現在）"
    assert ws["A3"].value == "（単位：千円）"
    assert [ws["A4"].value, ws["B4"].value, ws["C4"].value] == ["科目", "金額", "構成比"]
    assert ws["A5"].value == "【資産の部】"
    # 四捨五入: the cells hold exact yen, the formulas sum yen, the format shows 千円.
    assert (ws["A8"].value, ws["B8"].value) == ("土地", 1_234_567)
    assert (ws["A9"].value, ws["B9"].value) == ("建物", 2_345_678)
    assert ws["B7"].value == "=B8+B9"          # 有形固定資産 = 土地 + 建物
    assert ws["B6"].value == "=B7+B10"         # 固定資産 = 有形 + 投資その他
    assert ws["B14"].value == "=B6+B11"        # 資産合計
    assert ws["B22"].value == "=B17+B21"       # 負債及び純資産合計
    assert ws["B8"].number_format == '#,##0,;"△"#,##0,;0'
    assert ws["B7"].number_format == '#,##0,;"△"#,##0,;0'
    assert ws["A7"].alignment.indent == 1 and ws["A8"].alignment.indent == 2
    assert ws["A6"].font.b and not ws["A8"].font.b
    # 構成比: 30.20% is the number 0.302 shown as a percent.
    assert ws["C8"].value == pytest.approx(0.302) and ws["C8"].number_format == '0.00%;"△"0.00%;0.00%'
    assert ws["C13"].value == pytest.approx(-0.0004)
    note = ws.cell(ws.max_row, 1).value
    assert "千円未満を四捨五入" in note and "円単位の金額" in note


def test_a_negative_amount_that_rounds_to_zero_is_shown_as_0_not_triangle_0(workbook):
    """−400 yen is 0 千円 (to_unit rounds the absolute value); the plain format would show
    △0, so a conditional format (−500 < x < 0) shows it as 0."""
    ws = workbook["様式第1号 貸借対照表"]
    rules = [(str(cf.sqref), r.formula[0], r.dxf.numFmt.formatCode)
             for cf in ws.conditional_formatting for r in cf.rules]
    assert rules == [("B5:B22", "AND(B5<0,B5>-500)", "#,##0,;#,##0,;0")]


def test_formula_results_are_cached_for_readers_that_do_not_recalculate(tmp_path):
    path = tmp_path / "book.xlsx"
    write_book_xlsx(book(), path)
    ws = openpyxl.load_workbook(path, data_only=True)["様式第1号 貸借対照表"]
    assert ws["B7"].value == 3_580_245      # 1,234,567 + 2,345,678
    assert ws["B14"].value == 4_088_545
    ws = openpyxl.load_workbook(path, data_only=True)["様式第2号 行政コスト計算書"]
    assert ws["B10"].value == 3_600_501     # 4,001,000 − 400,499


def test_a_minus_sign_in_sum_of_is_a_minus_in_the_formula(workbook):
    ws = workbook["様式第2号 行政コスト計算書"]
    assert ws["A10"].value == "純経常行政コスト"
    assert ws["B10"].value == "=B5-B8"


def test_count_and_text_columns_and_landscape(workbook):
    ws = workbook["基金の明細"]
    assert [ws.cell(4, c).value for c in range(1, 5)] == ["基金名", "件数", "本年度末残高", "備考"]
    assert ws["B7"].value == "=B5+B6" and ws["C7"].value == "=C5+C6"
    assert ws["B5"].number_format == '#,##0;"△"#,##0;0'   # 件数: not scaled
    assert ws["D5"].value == "取崩しなし"
    assert ws.page_setup.orientation == "landscape"
    assert "減債基金は満期一括償還" in ws.cell(9, 1).value


def test_print_setup(workbook):
    for name in workbook.sheetnames:
        ws = workbook[name]
        assert ws.page_setup.paperSize == 9, name                        # A4
        # one page wide (1 is the default, which XlsxWriter leaves out), any number tall
        assert (ws.page_setup.fitToWidth or 1) == 1 and ws.page_setup.fitToHeight == 0, name
        assert ws.sheet_properties.pageSetUpPr.fitToPage, name
        assert "- &P -" in ws.oddFooter.center.text, name
    bs = workbook["様式第1号 貸借対照表"]
    assert bs.page_setup.orientation == "portrait"
    assert bs.print_title_rows == "$4:$4"


def test_notes_sheet_numbers_headings_and_holds_its_table(workbook):
    ws = workbook["注記"]
    texts = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert "１．重要な会計方針" in texts
    assert "(1) 有形固定資産等の評価基準及び評価方法" in texts
    assert "(2) 有形固定資産等の減価償却の方法" in texts
    assert "２．偶発債務" in texts and "３．重要な後発事象" in texts
    r = texts.index("合計") + 1
    assert ws.cell(r, 2).value == f"={ws.cell(r - 1, 2).coordinate}"
    assert ws.cell(r - 1, 2).value == 12_345_678
    assert any(t and "千円未満を四捨五入" in t for t in texts)


def test_truncation_writes_rounded_children_and_sums_them(tmp_path):
    """切り捨て cannot be done by a number format: cells hold 千円 figures.

    土地 1,234,567 → 1,234; 建物 2,345,678 → 2,345; 有形固定資産 = 1,234 + 2,345 = 3,579
    (the truncated exact total 3,580,245 → 3,580 is one unit more: ≤ 2 children × 1).
    """
    path = tmp_path / "book.xlsx"
    write_book_xlsx(book(rounding="切り捨て"), path)
    ws = openpyxl.load_workbook(path)["様式第1号 貸借対照表"]
    assert (ws["B8"].value, ws["B9"].value, ws["B7"].value) == (1_234, 2_345, "=B8+B9")
    assert ws["B13"].value == -1                     # −1,600 → △1
    assert ws["B8"].number_format == '#,##0;"△"#,##0;0'
    assert "個別に切り捨て" in ws.cell(ws.max_row, 1).value
    cached = openpyxl.load_workbook(path, data_only=True)["様式第1号 貸借対照表"]
    assert cached["B7"].value == 3_579


def test_yen_unit_is_not_scaled(tmp_path):
    path = tmp_path / "book.xlsx"
    write_book_xlsx(book(unit="円"), path)
    ws = openpyxl.load_workbook(path)["様式第1号 貸借対照表"]
    assert ws["B8"].value == 1_234_567 and ws["B8"].number_format == '#,##0;"△"#,##0;0'


def test_million_yen_unit_scales_twice(tmp_path):
    """百万円: 土地 1,234,567 yen shows as 1 (1.23 百万円), formulas still sum yen."""
    path = tmp_path / "book.xlsx"
    write_book_xlsx(book(unit="百万円"), path)
    ws = openpyxl.load_workbook(path)["様式第1号 貸借対照表"]
    assert ws["B8"].value == 1_234_567 and ws["B7"].value == "=B8+B9"
    assert ws["B8"].number_format == '#,##0,,;"△"#,##0,,;0'
    assert [r.formula[0] for cf in ws.conditional_formatting for r in cf.rules] == ["AND(B5<0,B5>-500000)"]


def test_a_subtotal_that_is_not_the_sum_of_its_children_is_refused(tmp_path):
    """有形固定資産 written as 3,580,000 while 土地 + 建物 = 3,580,245: a recalculated
    workbook would show another figure than the document, so nothing is written."""
    t = bs_table()
    rows = list(t.rows)
    rows[2] = Row("有形固定資産", (3_580_000, None), 2, False, ((1, 3), (1, 4)))
    bad = Document("テスト市", 2024, "一般会計等", "千円", "四捨五入",
                   (Table(t.key, t.title, t.columns, tuple(rows), kinds=t.kinds),))
    with pytest.raises(ValueError, match="有形固定資産.*3,580,000.*3,580,245"):
        write_book_xlsx(bad, tmp_path / "bad.xlsx")


# --- PDF ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf_path(tmp_path_factory):
    from kokai.report.book_pdf import write_book_pdf

    path = tmp_path_factory.mktemp("book") / "book.pdf"
    write_book_pdf(book(), path)
    return path


@pytest.fixture(scope="module")
def pages(pdf_path):
    return [p.extract_text() for p in pypdf.PdfReader(pdf_path).pages]


def _figure(text: str, label: str) -> str:
    """The figure printed right after ``label`` (pypdf gives each table cell its own line)."""
    lines = [ln.strip() for ln in text.splitlines()]
    i = lines.index(label)
    assert re.fullmatch(r"△?[\d,]+", lines[i + 1]), (label, lines[i + 1])
    return lines[i + 1]


def _num(s: str) -> int:
    return -int(s[1:].replace(",", "")) if s.startswith("△") else int(s.replace(",", ""))


def test_pdf_has_a_cover_with_page_numbers_then_one_part_per_page(pages):
    cover = pages[0]
    assert "テスト市" in cover and "令和6年度" in cover and "目次" in cover
    assert re.search(r"貸借対照表\s*2", cover) and re.search(r"注記\s*5", cover)
    assert "貸借対照表" in pages[1] and "行政コスト計算書" in pages[2]
    assert "基金の明細" in pages[3] and "１．重要な会計方針" in pages[4]
    for n, text in enumerate(pages, start=1):
        assert f"- {n} -" in text


def test_pdf_figures_are_rounded_once_from_their_own_yen(pages):
    bs = pages[1]
    assert "（単位：千円）" in bs
    expected = {"土地": "1,235", "建物": "2,346", "有形固定資産": "3,580", "投資その他の資産": "500",
                "徴収不能引当金": "△2", "流動資産": "9", "資産合計": "4,089", "余剰分（不足分）": "△1,491",
                "純資産合計": "2,589", "負債及び純資産合計": "4,089"}
    assert {k: _figure(bs, k) for k in expected} == expected
    assert "30.20%" in bs and "△0.04%" in bs
    assert "千円未満を四捨五入" in bs
    assert _figure(pages[2], "純経常行政コスト") == "3,601"
    assert "取崩しなし" in pages[3] and "750" in pages[3]
    assert "12,346" in pages[4]


def test_every_printed_subtotal_is_within_half_a_unit_per_child(pages):
    """|printed subtotal − Σ printed children| ≤ (number of children) × 0.5 千円."""
    for table, text in ((bs_table(), pages[1]), (pl_table(), pages[2])):
        printed = {i: _num(_figure(text, r.label)) for i, r in enumerate(table.rows) if not r.heading}
        for i, r in enumerate(table.rows):
            if r.sum_of:
                children = sum(sign * printed[j] for sign, j in r.sum_of)
                assert printed[i] == to_unit(r.values[0], "千円")
                assert 2 * abs(printed[i] - children) <= len(r.sum_of), r.label


def test_pdf_embeds_a_japanese_truetype_subset_and_has_metadata(pdf_path):
    reader = pypdf.PdfReader(pdf_path)
    fonts = {}
    for page in reader.pages:
        for f in page["/Resources"]["/Font"].values():
            f = f.get_object()
            fonts[f["/BaseFont"]] = f
    # every font is a subset ("AAAAAA+…") of the Japanese TrueType font, embedded; none is
    # left for the viewer to find on the machine
    assert fonts and all(re.fullmatch(r"/[A-Z]{6}\+IPAexGothic", name) for name in fonts), list(fonts)
    for f in fonts.values():
        assert f["/Subtype"] == "/TrueType"
        assert "/FontFile2" in f["/FontDescriptor"].get_object()   # glyf outlines, embedded
        assert "/ToUnicode" in f                                    # text can be searched and copied
    assert reader.metadata.title == "テスト市　令和6年度　財務書類（一般会計等）"
    assert reader.metadata.author == "テスト市"
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages]
    assert sizes[1] == (595, 842) and sizes[3] == (842, 595)   # A4 portrait; 基金の明細 landscape


def test_a_long_table_repeats_its_header_on_every_page(tmp_path):
    from kokai.report.book_pdf import write_book_pdf

    rows = tuple(Row(f"資産{i:03d}", (i * 1000,)) for i in range(1, 121))
    total = Row("合計", (sum(i * 1000 for i in range(1, 121)),), 1, True, tuple((1, i) for i in range(120)))
    t = Table(key="長い表", title="長い表", columns=("金額",), rows=(*rows, total))
    path = tmp_path / "long.pdf"
    write_book_pdf(Document("テスト市", 2024, "一般会計等", "千円", "四捨五入", (t,)), path)
    texts = [p.extract_text() for p in pypdf.PdfReader(path).pages][1:]
    assert len(texts) >= 2
    assert all("科目" in t and "金額" in t for t in texts)
    assert "7,260" in texts[-1]         # 1,000 × (1 + … + 120) = 7,260,000 yen


def test_rendering_forty_tables_of_a_hundred_rows_is_fast(tmp_path):
    from kokai.report.book_pdf import write_book_pdf

    rows = tuple(Row(f"科目{i}", (i * 12_345, -i * 678, i)) for i in range(100))
    tables = tuple(
        Table(key=f"表{n}", title=f"附属明細書{n}", columns=("前年度末", "増減", "件数"),
              kinds=(YEN, YEN, COUNT), rows=rows, group="附属明細書", landscape=n % 2 == 0)
        for n in range(40)
    )
    doc = Document("テスト市", 2024, "一般会計等", "千円", "四捨五入", tables)
    start = time.process_time()
    write_book_xlsx(doc, tmp_path / "big.xlsx")
    xlsx_s = time.process_time() - start
    start = time.process_time()
    write_book_pdf(doc, tmp_path / "big.pdf")
    pdf_s = time.process_time() - start
    assert xlsx_s < 5 and pdf_s < 10, (xlsx_s, pdf_s)


def test_render_page_png(pdf_path, tmp_path):
    import shutil

    from kokai.report.book_pdf import render_page_png

    if shutil.which("pdftoppm") is None:
        with pytest.raises(RuntimeError, match="poppler-utils"):
            render_page_png(pdf_path, 2, tmp_path / "p2.png")
        return
    out = render_page_png(pdf_path, 2, tmp_path / "p2.png", dpi=72)
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert abs(width - 595) <= 1 and height == 842  # A4 portrait at 72 dpi (595.3 pt: poppler rounds up)


# --- the font -----------------------------------------------------------------------------


def test_font_named_by_the_environment_must_exist_and_be_truetype(tmp_path, monkeypatch):
    from kokai.report.fonts import FontNotFound, japanese_font_path

    monkeypatch.setenv("KOKAI_PDF_FONT", str(tmp_path / "none.ttf"))
    with pytest.raises(FontNotFound, match="がありません"):
        japanese_font_path()
    cff = tmp_path / "cff.otf"
    cff.write_bytes(b"OTTO" + bytes(100))
    monkeypatch.setenv("KOKAI_PDF_FONT", str(cff))
    with pytest.raises(FontNotFound, match="TrueType"):
        japanese_font_path()
    ttf = tmp_path / "ok.ttf"
    ttf.write_bytes(b"\x00\x01\x00\x00" + bytes(100))
    monkeypatch.setenv("KOKAI_PDF_FONT", str(ttf))
    assert japanese_font_path() == ttf


def test_the_default_font_is_a_truetype_ipaex(monkeypatch):
    from kokai.report.fonts import japanese_font_path

    monkeypatch.delenv("KOKAI_PDF_FONT", raising=False)
    path = japanese_font_path()
    assert path.name == "ipaexg.ttf"
    assert path.read_bytes()[:4] == b"\x00\x01\x00\x00"


# --- charts -------------------------------------------------------------------------------
#
# 資産の構成 (a pie), 千円, 四捨五入:
#     事業用資産 1,234,567 → 1,235;  インフラ資産 2,345,678 → 2,346;  流動資産 499,500 → 500
#     資産合計 = 1,234,567 + 2,345,678 + 499,500 = 4,079,745 → 4,080
#     shares: 1,234,567 / 4,079,745 = 30.26% → 30.3%;  2,345,678 / 4,079,745 = 57.50% → 57.5%;
#             499,500 / 4,079,745 = 12.24% → 12.2%
# 資産・負債・純資産の比較 (clustered columns):
#     本年度 4,088,545 → 4,089;  1,500,000 → 1,500;  2,588,545 → 2,589
#     前年度 4,000,000 → 4,000;  1,400,000 → 1,400;  2,600,000 → 2,600
# 有形固定資産減価償却率 (bars, percent in hundredths): 52.30%, 44.10%, 48.00%


def asset_chart() -> Chart:
    return Chart(key="グラフ 資産の構成", title="資産の構成", kind=PIE, subtitle="（令和7年3月31日現在）",
                 categories=("事業用資産", "インフラ資産", "流動資産"),
                 series=(("金額", (1_234_567, 2_345_678, 499_500)),), total_label="資産合計")


def comparison_chart() -> Chart:
    return Chart(key="グラフ 比較", title="資産・負債・純資産の比較", kind=COLUMN_CLUSTERED,
                 categories=("資産合計", "負債合計", "純資産合計"),
                 series=(("本年度", (4_088_545, 1_500_000, 2_588_545)), ("前年度", (4_000_000, 1_400_000, 2_600_000))))


def ratio_chart() -> Chart:
    return Chart(key="グラフ 減価償却率", title="有形固定資産減価償却率", kind=BAR, value_kind=PERCENT,
                 categories=("事業用資産", "インフラ資産", "合計"), series=(("減価償却率", (5230, 4410, 4800)),),
                 notes=("合計には物品を含めています。",))


def chart_book(rounding: str = "四捨五入") -> Document:
    return Document("テスト市", 2024, "一般会計等", "千円", rounding,
                    (bs_table(), asset_chart(), comparison_chart(), ratio_chart()))


@pytest.fixture(scope="module")
def chart_xlsx(tmp_path_factory):
    path = tmp_path_factory.mktemp("charts") / "charts.xlsx"
    write_book_xlsx(chart_book(), path)
    return path


def _refs(series) -> tuple[str, str, str]:
    """(name cell, category cells, value cells) a chart series reads."""
    cat = series.cat.strRef or series.cat.numRef
    return series.tx.strRef.f, cat.f, series.val.numRef.f


def test_a_chart_sheet_holds_its_figures_and_the_toc_lists_it(chart_xlsx):
    wb = openpyxl.load_workbook(chart_xlsx)
    assert wb.sheetnames == ["目次", "様式第1号 貸借対照表", "グラフ 資産の構成", "グラフ 比較", "グラフ 減価償却率"]
    toc = wb["目次"]
    assert [(toc.cell(r, 1).value, toc.cell(r, 2).value) for r in range(6, 9)] == [
        ("グラフ", "資産の構成"), ("グラフ", "資産・負債・純資産の比較"), ("グラフ", "有形固定資産減価償却率")]
    ws = wb["グラフ 資産の構成"]
    assert [ws["A1"].value, ws["A3"].value, ws["A4"].value, ws["B4"].value] == ["資産の構成", "（単位：千円）", "区分", "金額"]
    # the cells hold yen, the format shows 千円; the total is a formula over the three
    assert [(ws[f"A{r}"].value, ws[f"B{r}"].value) for r in range(5, 8)] == [
        ("事業用資産", 1_234_567), ("インフラ資産", 2_345_678), ("流動資産", 499_500)]
    assert (ws["A8"].value, ws["B8"].value) == ("資産合計", "=B5+B6+B7")
    assert ws["B5"].number_format == '#,##0,;"△"#,##0,;0'
    assert openpyxl.load_workbook(chart_xlsx, data_only=True)["グラフ 資産の構成"]["B8"].value == 4_079_745


def test_each_chart_reads_exactly_its_sheets_cells(chart_xlsx):
    wb = openpyxl.load_workbook(chart_xlsx)
    (pie,) = wb["グラフ 資産の構成"]._charts
    assert pie.tagname == "pieChart" and len(pie.series) == 1
    # the three categories, not the 資産合計 row under them
    assert _refs(pie.series[0]) == ("'グラフ 資産の構成'!$B$4", "'グラフ 資産の構成'!$A$5:$A$7", "'グラフ 資産の構成'!$B$5:$B$7")
    (columns,) = wb["グラフ 比較"]._charts
    assert (columns.tagname, columns.barDir, columns.grouping) == ("barChart", "col", "clustered")
    assert [_refs(s) for s in columns.series] == [
        ("'グラフ 比較'!$B$4", "'グラフ 比較'!$A$5:$A$7", "'グラフ 比較'!$B$5:$B$7"),
        ("'グラフ 比較'!$C$4", "'グラフ 比較'!$A$5:$A$7", "'グラフ 比較'!$C$5:$C$7")]
    ws = wb["グラフ 比較"]
    assert [[ws.cell(r, c).value for c in (1, 2, 3)] for r in (4, 5, 6, 7)] == [
        ["区分", "本年度", "前年度"], ["資産合計", 4_088_545, 4_000_000], ["負債合計", 1_500_000, 1_400_000],
        ["純資産合計", 2_588_545, 2_600_000]]
    (bars,) = wb["グラフ 減価償却率"]._charts
    assert (bars.tagname, bars.barDir) == ("barChart", "bar")
    assert _refs(bars.series[0])[2] == "'グラフ 減価償却率'!$B$5:$B$7"


def test_the_chart_xml_in_the_zip_names_the_cells_and_the_display_format(chart_xlsx):
    import zipfile

    with zipfile.ZipFile(chart_xlsx) as z:
        xml = z.read("xl/charts/chart2.xml").decode()   # the second chart: the comparison
    assert "<c:f>'グラフ 比較'!$B$5:$B$7</c:f>" in xml and "<c:f>'グラフ 比較'!$C$5:$C$7</c:f>" in xml
    # data labels and the value axis show 千円 with the cells' own number format
    assert 'formatCode="#,##0,;&quot;△&quot;#,##0,;0"' in xml
    assert "IPAexゴシック" in xml


def test_a_percent_chart_holds_fractions_and_says_percent(chart_xlsx):
    ws = openpyxl.load_workbook(chart_xlsx)["グラフ 減価償却率"]
    assert ws["A3"].value == "（単位：％）"
    assert [ws[f"B{r}"].value for r in (5, 6, 7)] == pytest.approx([0.523, 0.441, 0.48])
    assert ws["B5"].number_format == '0.00%;"△"0.00%;0.00%'
    texts = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert "合計には物品を含めています。" in texts
    assert not any(t and "千円未満" in t for t in texts)   # no rounding note: nothing is in yen


def test_a_chart_sheet_prints_on_one_a4_page_wide_with_the_chart(chart_xlsx):
    ws = openpyxl.load_workbook(chart_xlsx)["グラフ 資産の構成"]
    assert ws.page_setup.paperSize == 9 and ws.page_setup.fitToHeight == 0
    # columns: A 24 + B 14 characters, then C, D, E of 14 until the sheet is 80 wide (24 + 4 × 14);
    # rows: header 4, data 5–7, 資産合計 8, the rounding note 10, the chart from row 12 for
    # 340 px = 17 rows of 20 px, so the print area ends on row 12 + 17 = 29
    assert ws.print_area == "'グラフ 資産の構成'!$A$1:$E$29"


def test_truncated_chart_cells_hold_the_printed_figures(tmp_path):
    """切り捨て: 1,234,567 → 1,234; 2,345,678 → 2,345; 499,500 → 499; the chart reads those
    cells, and 資産合計 = 1,234 + 2,345 + 499 = 4,078 (the truncated exact total 4,079 is one
    more: ≤ 3 children × 1)."""
    path = tmp_path / "charts.xlsx"
    write_book_xlsx(chart_book("切り捨て"), path)
    ws = openpyxl.load_workbook(path, data_only=True)["グラフ 資産の構成"]
    assert [ws[f"B{r}"].value for r in range(5, 9)] == [1_234, 2_345, 499, 4_078]
    assert ws["B5"].number_format == '#,##0;"△"#,##0;0'


def test_a_pie_refuses_a_negative_slice_and_series_must_fit_the_categories():
    with pytest.raises(ValueError, match="負の値"):
        Chart(key="k", title="t", kind=PIE, categories=("a", "b"), series=(("s", (5, -1)),))
    with pytest.raises(ValueError, match="値の数 1 が区分の数 2"):
        Chart(key="k", title="t", kind=BAR, categories=("a", "b"), series=(("s", (5,)),))
    with pytest.raises(ValueError, match="整数"):
        Chart(key="k", title="t", kind=BAR, categories=("a",), series=(("s", (1.5,)),))


@pytest.fixture(scope="module")
def chart_pages(tmp_path_factory):
    from kokai.report.book_pdf import write_book_pdf

    path = tmp_path_factory.mktemp("charts") / "charts.pdf"
    write_book_pdf(chart_book(), path)
    return path, [p.extract_text() for p in pypdf.PdfReader(path).pages]


def test_a_chart_page_has_the_title_the_chart_and_its_figures_rounded_once(chart_pages):
    _path, pages = chart_pages
    assert re.search(r"資産の構成\s*3", pages[0])        # the cover lists the charts with their pages
    pie = pages[2]
    assert "資産の構成" in pie and "（令和7年3月31日現在）" in pie and "（単位：千円）" in pie
    # the legend: each category with its share of 4,079,745 yen
    assert re.search(r"事業用資産\s*30\.3%\s*インフラ資産\s*57\.5%\s*流動資産\s*12\.2%", pie)
    table = pie.split("（単位：千円）")[1]          # the figures under the chart
    assert {k: _figure(table, k) for k in ("事業用資産", "インフラ資産", "流動資産", "資産合計")} == {
        "事業用資産": "1,235", "インフラ資産": "2,346", "流動資産": "500", "資産合計": "4,080"}
    columns = pages[3]
    assert "資産・負債・純資産の比較" in columns and "本年度" in columns and "前年度" in columns
    for figure in ("4,089", "1,500", "2,589", "4,000", "1,400", "2,600"):   # bar labels and table
        assert columns.count(figure) >= 2, figure
    ratio = pages[4]
    assert "有形固定資産減価償却率" in ratio and "（単位：％）" in ratio
    assert "52.30%" in ratio and "44.10%" in ratio and "48.00%" in ratio
    assert "千円未満" not in ratio


def test_chart_labels_use_only_the_embedded_japanese_font(chart_pages):
    path, _pages = chart_pages
    reader = pypdf.PdfReader(path)
    for page in reader.pages[2:]:
        names = {f.get_object()["/BaseFont"] for f in page["/Resources"]["/Font"].values()}
        assert names and all(re.fullmatch(r"/[A-Z]{6}\+IPAexGothic", n) for n in names), names


def test_chart_values_are_in_the_display_unit():
    from kokai.report.book_pdf import chart_values

    doc = chart_book()
    assert chart_values(doc, asset_chart()) == [[1_235, 2_346, 500]]
    assert chart_values(doc, ratio_chart()) == [[52.3, 44.1, 48.0]]
