"""The book of the example town: every statement subtotal is exactly the signed sum of the
rows it names (in yen, before display), a second year carries 前年度 figures, and
`write_book` writes a workbook and a PDF that say the same 資産合計; the charts' figures
from hand-made statements and from the town's ledger and register."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest
from pypdf import PdfReader

from kokai.core.statements import StatementLine, Statements
from kokai.ledger.imports import import_journals
from kokai.report.book import build_document, write_book
from kokai.report.charts import (
    asset_mix,
    chart_parts,
    cost_mix,
    depreciation_chart,
    year_comparison,
)
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


# --- charts -------------------------------------------------------------------------------


def statements(year: int, amounts: dict[str, int]) -> Statements:
    """Hand-made statements holding only the lines the charts read."""
    lines: dict[str, list[StatementLine]] = {"BS": [], "PL": [], "NW": [], "CF": []}
    for path, amount in amounts.items():
        stmt, rest = path.split("/", 1)
        lines[stmt].append(StatementLine(path, rest.rsplit("/", 1)[-1], rest, rest.count("/") + 1, amount=amount))
    return Statements("000000", year, "一般会計等", {k: tuple(v) for k, v in lines.items()})


T = "BS/固定資産/有形固定資産"
C = "PL/経常費用"


def this_year(changes: dict[str, int] | None = None) -> Statements:
    """BS: 事業用資産 10,000 + インフラ資産 20,000 + 物品 (3,000 − 累計額 1,200 = 1,800)
    + 無形固定資産 0 + 投資その他の資産 500 + 流動資産 2,700 + 繰延資産 0 = 資産合計 35,000;
    負債合計 7,900; 純資産合計 35,000 − 7,900 = 27,100.
    PL: 人件費 3,100 + 物件費等 900 + その他の業務費用 60 + 補助金等 1,000 + 社会保障給付 0
    + 他会計への繰出金 440 + その他 0 = 経常費用 5,500."""
    amounts = {
        f"{T}/事業用資産": 10_000, f"{T}/インフラ資産": 20_000, f"{T}/物品": 3_000, f"{T}/物品減価償却累計額": -1_200,
        "BS/固定資産/無形固定資産": 0, "BS/固定資産/投資その他の資産": 500, "BS/流動資産": 2_700, "BS/繰延資産": 0,
        "BS/資産合計": 35_000, "BS/負債合計": 7_900, "BS/純資産合計": 27_100,
        f"{C}/業務費用/人件費": 3_100, f"{C}/業務費用/物件費等": 900, f"{C}/業務費用/その他の業務費用": 60,
        f"{C}/移転費用/補助金等": 1_000, f"{C}/移転費用/社会保障給付": 0, f"{C}/移転費用/他会計への繰出金": 440,
        f"{C}/移転費用/その他": 0,
    }
    return statements(2025, {**amounts, **(changes or {})})


def test_the_asset_mix_adds_up_to_the_total_assets_and_leaves_out_empty_kinds():
    chart = asset_mix(this_year())
    assert chart.kind == "pie" and chart.total_label == "資産合計"
    assert chart.categories == ("事業用資産", "インフラ資産", "物品", "投資その他の資産", "流動資産")
    assert chart.series == (("金額", (10_000, 20_000, 1_800, 500, 2_700)),)
    assert sum(chart.series[0][1]) == 35_000                     # = BS 資産合計
    assert any("無形固定資産" in n for n in chart.notes)          # 0 yen: no slice, said so
    total = chart.data_table().rows[-1]
    assert (total.label, total.values, total.sum_of) == ("資産合計", (35_000,), tuple((1, i) for i in range(5)))


def test_the_cost_mix_is_the_ordinary_costs_by_line():
    chart = cost_mix(this_year())
    assert chart.title == "行政コストの内訳（経常費用）" and chart.kind == "pie"
    assert chart.categories == ("人件費", "物件費等", "その他の業務費用", "補助金等", "他会計への繰出金")
    assert chart.series[0][1] == (3_100, 900, 60, 1_000, 440)     # 5,500 = 経常費用
    assert "社会保障給付、その他の移転費用" in chart.notes[-1]


def test_a_negative_line_turns_the_pie_into_bars():
    """補助金等 −200 (a year of refunds above payments): a pie cannot show it."""
    chart = cost_mix(this_year({f"{C}/移転費用/補助金等": -200}))
    assert chart.kind == "bar"
    assert chart.categories[3] == "補助金等" and chart.series[0][1][3] == -200
    assert "社会保障給付" in chart.categories                       # bars keep every line, 0 included
    assert "棒グラフ" in chart.notes[-1]


def test_the_year_comparison_needs_last_year():
    prior = statements(2024, {"BS/資産合計": 33_000, "BS/負債合計": 8_000, "BS/純資産合計": 25_000})
    assert year_comparison(this_year(), None) is None
    chart = year_comparison(this_year(), prior)
    assert chart.kind == "column_clustered" and chart.categories == ("資産合計", "負債合計", "純資産合計")
    assert chart.series == (("本年度", (35_000, 7_900, 27_100)), ("前年度", (33_000, 8_000, 25_000)))
    assert chart.subtitle == "本年度（令和8年3月31日現在）・前年度（令和7年3月31日現在）"


def test_the_depreciation_ratio_chart_from_the_registers_figures():
    """事業用資産 4,000 / 10,000 = 40.0%; インフラ資産 7,000 / 21,000 = 33.3%; 合計 11,000 /
    31,000 = 35.48… → 35.5% (depreciation_ratio rounds to 0.1); no 物品 in the register."""
    ratio = {
        "事業用資産/建物": {"取得価額": 10_000, "減価償却累計額": 4_000, "率": Decimal("40.0")},
        "事業用資産": {"取得価額": 10_000, "減価償却累計額": 4_000, "率": Decimal("40.0")},
        "インフラ資産": {"取得価額": 21_000, "減価償却累計額": 7_000, "率": Decimal("33.3")},
        "合計": {"取得価額": 31_000, "減価償却累計額": 11_000, "率": Decimal("35.5")},
        "物品を含む": True,
    }
    chart = depreciation_chart(ratio, 2025)
    assert (chart.kind, chart.value_kind) == ("bar", "percent")
    assert chart.categories == ("事業用資産", "インフラ資産", "合計")
    assert chart.series == (("減価償却率", (4_000, 3_330, 3_550)),)   # hundredths of a percent
    assert depreciation_chart({"合計": {"取得価額": 0, "減価償却累計額": 0, "率": None}, "物品を含む": True}, 2025) is None


def test_chart_parts_in_print_order():
    prior = statements(2024, {"BS/資産合計": 33_000, "BS/負債合計": 8_000, "BS/純資産合計": 25_000})
    assert [c.title for c in chart_parts(this_year(), prior)] == [
        "資産の構成", "行政コストの内訳（経常費用）", "資産・負債・純資産の比較"]
    assert [c.key for c in chart_parts(this_year(), None)] == ["グラフ 資産の構成", "グラフ 行政コストの内訳"]


def test_the_book_has_charts_after_the_statements(town, tmp_path):
    """The town's 2025 (after 2024, tests/test_cli.py): 資産 28,170 = 事業用資産 10,750
    (土地 5,250 + 建物 8,800 − 累計額 3,300) + インフラ資産 13,400 (工作物 22,000 − 8,600)
    + 長期貸付金 500 + 流動資産 3,520 (2024's 4,520 less the 1,000 paid in salaries);
    負債 8,280 both years (地方債 6,350 + 1年内 650 + 退職手当引当金 1,150 + 預り金 130);
    純資産 29,170 − 8,280 = 20,890 in 2024, 28,170 − 8,280 = 19,890 in 2025.
    The PL of 2025 is the 1,000 of 人件費 only; the town has no register: no ratio chart."""
    doc = build_document(lg=town, fiscal_year=2025, unit="円")
    keys = [p.key for p in doc.parts]
    assert keys[:7] == ["様式第1号", "様式第2号", "様式第3号", "様式第4号",
                        "グラフ 資産の構成", "グラフ 行政コストの内訳", "グラフ 資産負債純資産の比較"]
    assert "グラフ 減価償却率" not in keys
    mix = doc.part("グラフ 資産の構成")
    assert dict(zip(mix.categories, mix.series[0][1], strict=True)) == {
        "事業用資産": 10_750, "インフラ資産": 13_400, "投資その他の資産": 500, "流動資産": 3_520}
    assert doc.part("グラフ 行政コストの内訳").series[0][1] == (1_000,)
    assert doc.part("グラフ 資産負債純資産の比較").series == (
        ("本年度", (28_170, 8_280, 19_890)), ("前年度", (29_170, 8_280, 20_890)))

    xlsx, pdf, _secs = write_book(lg=town, fiscal_year=2025, out_dir=tmp_path, unit="円")
    ws = openpyxl.load_workbook(xlsx)["グラフ 資産負債純資産の比較"]
    assert len(ws._charts) == 1 and [ws["B5"].value, ws["C5"].value] == [28_170, 29_170]
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "資産・負債・純資産の比較" in text and "19,890" in text and "20,890" in text


@pytest.fixture
def register_town(lg, tmp_path):
    """tests/test_asset_register.py's town after its FY2024 depreciation."""
    from kokai.assets.services import depreciate, import_register
    from kokai.ledger.imports import import_opening

    from .test_asset_register import OPENING, REGISTER

    import_opening(lg=lg, path=write(tmp_path, "open.csv", OPENING), fiscal_year=2024)
    import_register(lg=lg, path=write(tmp_path, "register.csv", REGISTER, "cp932"), fiscal_year=2024)
    depreciate(lg=lg, fiscal_year=2024)
    return lg


def test_the_ratio_chart_reads_the_register(register_town):
    """test_asset_reports.py: 建物 210,340,000 / 470,000,000 = 44.8% (土地 left out);
    工作物 99,999,999 / 100,000,000 = 100.0%; 合計 310,339,999 / 570,000,000 = 54.4%."""
    from kokai.ledger.reporting import statements_for
    from kokai.report.book import chart_parts as book_charts

    st, _ = statements_for(lg=register_town, fiscal_year=2024)
    charts = {c.key: c for c in book_charts(st, None, lg=register_town, fiscal_year=2024)}
    ratio = charts["グラフ 減価償却率"]
    assert ratio.categories == ("事業用資産", "インフラ資産", "合計")
    assert ratio.series[0][1] == (4_480, 10_000, 5_440)
