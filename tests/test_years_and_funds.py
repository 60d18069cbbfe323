"""The second year starts where the first ended, and 一般会計等 leaves out 公営事業会計."""

from __future__ import annotations

import pytest

from kokai.core.issues import InputRejected
from kokai.core.statements import NW_COLUMNS
from kokai.ledger.imports import import_journals, import_opening
from kokai.ledger.masters import add_fund
from kokai.ledger.models import Fund
from kokai.ledger.reporting import statements_for

from .conftest import write
from .example_town import JOURNAL_HEADER as HEADER
from .example_town import load_town, opening_csv


@pytest.fixture
def town(lg, tmp_path):
    load_town(lg, tmp_path)
    return lg


def test_the_second_year_opens_with_the_first_years_closing_figures(town, tmp_path):
    """2025: 給料 1,000 and 税 1,500. Its 前年度末 figures are 2024's 本年度末 (C14)."""
    import_journals(lg=town, path=write(tmp_path, "j2025.csv", HEADER
        + "1,2025-04-25,2025,一般会計,0101,職員給与費,1000,人件費支出,1000,4月分給料\n"
        + "2,2025-05-10,2025,一般会計,0103,税収等収入,1500,NW/財源/税収等,1500,市民税\n"))
    y1, _ = statements_for(lg=town, fiscal_year=2024)
    y2, checks = statements_for(lg=town, fiscal_year=2025)
    assert [str(c) for c in checks if not c.ok] == []
    for col in NW_COLUMNS:
        assert y2.amount("NW/前年度末純資産残高", col) == y1.amount("NW/本年度末純資産残高", col)
    assert y2.amount("CF/前年度末資金残高") == y1.amount("CF/本年度末資金残高") == 2_540
    assert y2.amount("CF/前年度末歳計外現金残高") == y1.amount("CF/本年度末歳計外現金残高") == 130
    assert y2.amount("PL/純行政コスト") == 1_000  # only this year's cost
    assert y2.amount("BS/純資産合計") == 20_890 + 500
    assert y2.amount("BS/流動資産/現金預金") == 2_670 + 500
    # with no movement of fixed assets, 固定資産等形成分 carries over unchanged
    assert y2.amount("BS/固定資産等形成分") == y1.amount("BS/固定資産等形成分") == 26_450


def test_a_public_enterprise_fund_is_left_out_of_general_scope(town, tmp_path):
    add_fund(lg=town, code="10", name="下水道事業会計", scope=Fund.WHOLE)
    add_fund(lg=town, code="02", name="公共用地先行取得事業特別会計", scope=Fund.GENERAL)
    import_journals(lg=town, path=write(tmp_path, "other.csv", HEADER
        + "W1,2024-06-01,2024,下水道事業会計,0901,職員給与費,700,人件費支出,700,下水道職員給与\n"
        + "G1,2024-06-01,2024,02,0402,職員給与費,40,人件費支出,40,特会職員給与\n"))
    st, checks = statements_for(lg=town, fiscal_year=2024)
    assert st.amount("PL/経常費用/業務費用/人件費/職員給与費") == 3_000 + 40  # 一般会計 + 特別会計, no 下水道
    assert all(c.ok for c in checks)


def test_each_fund_has_its_own_opening_once(town, tmp_path):
    add_fund(lg=town, code="02", name="公共用地先行取得事業特別会計")
    text = ("path,amount\nBS/流動資産/現金預金,100\nBS/固定資産/有形固定資産/事業用資産/土地,400\n"
            "BS/固定資産等形成分,400\nBS/余剰分（不足分）,100\n")
    assert import_opening(lg=town, path=write(tmp_path, "o2.csv", text), fiscal_year=2024, fund="02").entries == 1
    with pytest.raises(InputRejected, match="既にあります"):
        changed = opening_csv().replace("現金預金,800", "現金預金,810").replace("（不足分）,-6800", "（不足分）,-6790")
        import_opening(lg=town, path=write(tmp_path, "o3.csv", changed), fiscal_year=2025)
    st, _ = statements_for(lg=town, fiscal_year=2024)
    assert st.amount("BS/資産合計") == 29_170 + 500


def test_a_wrong_opening_is_reversed_and_replaced(town, tmp_path):
    """The opening had 未収金 200 where it should have been 250 (and 余剰分 −6,750)."""
    import datetime as dt

    from kokai.ledger.masters import chart_for
    from kokai.ledger.posting import reverse_entry

    reverse_entry(lg=town, fiscal_year=2024, voucher_no="開始残高", fund_code="01", date=dt.date(2024, 4, 1),
                  chart=chart_for(town), reason="未収金の誤り")
    fixed = opening_csv().replace("未収金,200", "未収金,250").replace("（不足分）,-6800", "（不足分）,-6750")
    assert import_opening(lg=town, path=write(tmp_path, "o-fixed.csv", fixed), fiscal_year=2024).entries == 1
    st, checks = statements_for(lg=town, fiscal_year=2024)
    assert st.amount("BS/流動資産/未収金") == 50 + 50 and st.amount("NW/前年度末純資産残高") == 18_250
    assert [str(c) for c in checks if not c.ok] == []


def test_no_opening_for_a_fund_that_already_has_earlier_years(town, tmp_path):
    with pytest.raises(InputRejected, match="2024年度の開始残高が既にあります"):
        changed = opening_csv().replace("現金預金,800", "現金預金,810").replace("（不足分）,-6800", "（不足分）,-6790")
        import_opening(lg=town, path=write(tmp_path, "o25.csv", changed), fiscal_year=2025)


def test_a_reversed_acquisition_lowers_the_increase_row(town):
    """Reversing 工作物 2,000 (voucher 4) takes 有形固定資産等の増加 back to 0, not to a 減少."""
    import datetime as dt

    from kokai.ledger.masters import chart_for
    from kokai.ledger.posting import reverse_entry

    reverse_entry(lg=town, fiscal_year=2024, voucher_no="4", fund_code="01", date=dt.date(2025, 3, 31),
                  chart=chart_for(town))
    st, checks = statements_for(lg=town, fiscal_year=2024)
    row = "NW/固定資産等の変動（内部変動）/有形固定資産等"
    assert st.amount(f"{row}の増加", "固定資産等形成分") == 0
    assert st.amount(f"{row}の減少", "固定資産等形成分") == -1_100
    assert all(c.ok for c in checks)
