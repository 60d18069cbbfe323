"""デモ市 closes two consecutive fiscal years (2024, 2025) on one database: the second year
starts from the first year's closed ledger (繰越金, bonds, provisions), shows 前年度 figures
equal to the first year's closed statements (C14), both years are locked, every blocking
check passes in both, and running the demo again posts nothing.

The demo runs once for the module (about 30 seconds); each test reads it inside its own
savepoint.
"""

from __future__ import annotations

from fractions import Fraction
from math import floor

import pytest

from kokai.demo import city

M = city.M


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """Both years of the demo in one transaction, rolled back after the module's tests."""
    from django.db import transaction

    from kokai.demo.run import run_demo
    from kokai.ledger.models import LocalGovernment

    out = tmp_path_factory.mktemp("demo") / "out"
    with django_db_blocker.unblock(), transaction.atomic():
        code = run_demo(out=out)
        yield code, LocalGovernment.objects.get(lg_code=city.LG_CODE), out
        transaction.set_rollback(True)


def _statements(lg, fy):
    from kokai.ledger.reporting import statements_for

    return statements_for(lg=lg, fiscal_year=fy)[0]


def test_both_years_close_and_every_blocking_check_passes(demo, db):
    from kokai.closing.services import locked, published_statements
    from kokai.core.checks_more import MATCH, NOT_APPLICABLE, blocking, status_of
    from kokai.ledger.verification import gather

    code, lg, out = demo
    assert code == 0
    assert locked(lg, 2024) and locked(lg, 2025)
    for fy in (2024, 2025):
        v = gather(lg=lg, fiscal_year=fy, published_prior=published_statements(lg, fy - 1))
        assert [str(c) for c in blocking(v.checks)] == [], fy
        ids = {c.id for c in v.checks}
        assert {"C1", "C14", "C15", "L1", "L2", "A1", "A2", "A3", "R1", "R2"} <= ids
        c14 = [status_of(c) for c in v.checks if c.id == "C14"]
        # the first year on Kokai has nothing published before it; the second ties to the first
        assert c14 == [NOT_APPLICABLE] if fy == 2024 else (c14 and set(c14) == {MATCH})
    for fy in (2024, 2025):
        for name in (f"statements-{fy}.json", f"statements-{fy}.xlsx", f"verification-{fy}.xlsx",
                     f"closing-{fy}-記入済.xlsx", f"matching-{fy}-記入済.xlsx", f"assets-{fy}.xlsx"):
            assert (out / name).exists(), name


def test_the_second_years_prior_year_figures_are_the_first_years_closed_statements(demo, db):
    """C14 by hand: every BS line at the start of 2025 equals 2024's closed balance sheet, and
    the NW 前年度末純資産残高 and CF 前年度末資金残高 of 2025 are 2024's year-end figures."""
    from kokai.closing.services import published_statements
    from kokai.core.checks_more import opening_totals, statements_from_json
    from kokai.core.statements import build
    from kokai.ledger.masters import chart_for
    from kokai.ledger.reporting import ledger_totals

    _code, lg, _out = demo
    closed = statements_from_json(published_statements(lg, 2024))
    now = _statements(lg, 2025)
    start = build(chart_for(lg), opening_totals(ledger_totals(lg=lg, fiscal_year=2025)), lg_code=lg.lg_code)
    bs = {ln.path: ln.amount for ln in closed.lines["BS"]}
    assert len(bs) > 40 and {ln.path: ln.amount for ln in start.lines["BS"]} == bs
    assert now.amount("NW/前年度末純資産残高") == closed.amount("NW/本年度末純資産残高") == closed.amount("BS/純資産合計")
    assert now.amount("CF/前年度末資金残高") == closed.amount("CF/本年度末資金残高") == 1_112_436_512
    # what was closed is what the ledger still says of 2024 (nothing was posted to it since)
    assert _statements(lg, 2024).amount("BS/資産合計") == closed.amount("BS/資産合計")


def test_every_statement_of_the_second_year_shows_the_first_years_closed_figures_as_its_prior_year(demo, db):
    """The book's 様式第1号〜第4号 of 2025 (kokai.report.statement_tables, with the ledger's 2024
    as the prior year) print in their 前年度 column exactly the 本年度 column of 2024's
    statements as closed (the JSON kept by the year lock), line by line."""
    from kokai.closing.services import published_statements
    from kokai.core.checks_more import statements_from_json
    from kokai.ledger.masters import chart_for
    from kokai.report.statement_tables import statement_tables

    _code, lg, _out = demo
    chart = chart_for(lg)
    second = statement_tables(_statements(lg, 2025), _statements(lg, 2024), chart, lg_name=lg.name)
    closed = statement_tables(statements_from_json(published_statements(lg, 2024)), None, chart, lg_name=lg.name)
    assert len(second) == len(closed) == 4
    for now, then in zip(second, closed, strict=True):
        nw = "前年度（合計）" in now.columns
        prior, current = now.columns.index("前年度（合計）" if nw else "前年度"), then.columns.index("合計" if nw else "本年度")
        rows_now = [(r.label, r.values[prior]) for r in now.rows if r.values]
        rows_then = [(r.label, r.values[current]) for r in then.rows if r.values]
        assert len(rows_now) > 10 and rows_now == rows_then, now.key
        assert any(v for _label, v in rows_now)


def test_the_second_year_carries_the_first_years_cash_bonds_and_bonus(demo, db):
    from kokai.cash.models import SettledAmount

    _code, lg, _out = demo
    first, second = _statements(lg, 2024), _statements(lg, 2025)
    # 繰越金 (歳入 款20) of 2025 = 2024's CF 本年度末資金残高
    carried = SettledAmount.objects.get(lg=lg, fiscal_year=2025, direction="R", kan="20").amount
    assert carried == first.amount("CF/本年度末資金残高") == 1_112_436_512
    # 2025 repays in cash what 2024's closing moved to 1年内償還予定地方債: 1,904,782,254
    assert second.amount("CF/財務活動収支/財務活動支出/地方債償還支出") == first.amount(city.A["1年内償還予定地方債"])
    assert first.amount(city.A["1年内償還予定地方債"]) == 1_904_782_254
    # bonds at the end of 2025: 19,632,500,000 + 1,620,000,000 borrowed − 1,904,782,254 repaid
    # = 19,347,717,746, of which 1,606,445,211 is due in 2026 (the register's sum)
    assert second.amount(city.A["地方債"]) + second.amount(city.A["1年内償還予定地方債"]) == 19_347_717_746
    assert second.amount(city.A["1年内償還予定地方債"]) == 1_606_445_211
    # 賞与等引当金, 洗替: June 2025 paid 296,000,000 as 職員給与費; the year end reverses 229,893,320
    # and books (302,000,000 + 16.5%) × 4/6 = 234,553,333.3 → 234,553,320 per row floored,
    # so the PL shows 234,553,320 − 229,893,320 = 4,660,000
    assert first.amount(city.A["賞与等引当金"]) == 229_893_320
    assert second.amount(city.A["賞与等引当金"]) == 234_553_320
    assert second.amount(city.A["賞与等引当金繰入額"]) == 4_660_000
    # receivables: 2024's 未収金 158,400,000 less 80,000,000 collected goes to 長期延滞債権:
    # 337,570,000 + 78,400,000 − 24,000,000 不納欠損 = 391,970,000
    assert second.amount(city.A["長期延滞債権"]) == 391_970_000
    # 徴収不能引当金: the 5 years' average 不納欠損率 now takes in 2024's own (24,000,000 of
    # 441,570,000): (16% + 15% + 13% + 17% + 24/441.57) / 5 = 13.287…%, × 391,970,000 = 52,081,172
    rate = (Fraction(16, 100) + Fraction(15, 100) + Fraction(13, 100) + Fraction(17, 100)
            + Fraction(24_000_000, 441_570_000)) / 5
    assert second.amount(city.A["徴収不能引当金固定"]) == -floor(391_970_000 * rate) == -52_081_172
    # 退職手当引当金: 2,507,300,000 − 150,000,000 paid in 2025 = 2,357,300,000 held; the year end's
    # 期末自己都合要支給額 2,521,800,000 makes 繰入額 164,500,000
    assert second.amount(city.A["退職手当引当金"]) == 2_521_800_000
    assert second.amount(city.A["退職手当引当金繰入額"]) == 164_500_000
    # 貸付金 and 基金 keep their split: 短期 = next year's 10,000,000; 減債基金 流動 = next year's 繰入金
    assert (second.amount(city.A["短期貸付金"]), second.amount(city.A["長期貸付金"])) == (10 * M, 152 * M)
    assert (second.amount(city.A["減債基金流動"]), second.amount(city.A["減債基金固定"])) == (100 * M, 1_000 * M)
    # investments: the shares fall from 54,600,000 to 53,100,000 (資産評価差額 −1,500,000); デモ市観光開発㈱
    # recovers to a 実質価額 of 55,000,000 × 60% = 33,000,000, so the provision falls from 31,000,000 to
    # 27,000,000 and the 4,000,000 released is 臨時利益 その他
    io = "BS/固定資産/投資その他の資産"
    assert second.amount(f"{io}/投資及び出資金/有価証券") == 53_100_000
    assert second.amount("NW/資産評価差額") == -1_500_000
    assert second.amount(f"{io}/投資損失引当金") == -27_000_000
    assert second.amount("PL/臨時利益/その他") == 4_000_000


def test_the_second_year_has_its_own_register_changes(demo, db):
    from kokai.assets.models import Asset, AssetChange

    _code, lg, _out = demo
    st = _statements(lg, 2025)
    year = AssetChange.objects.filter(lg=lg, fiscal_year=2025)
    # 南町地区用地 (book value 11,696,709) sold for 15,200,000: gain 3,503,291
    sold = year.get(reason="sale", asset__asset_no="110804")
    assert sold.cost == -11_696_709
    assert st.amount(city.A["資産売却益"]) == 15_200_000 - 11_696_709 == 3_503_291
    assert st.amount("CF/投資活動収支/投資活動収入/資産売却収入") == 15_200_000
    # the old ごみ収集車 (fully depreciated to its 1-yen memo value) is scrapped
    assert year.filter(reason="retirement", asset__asset_no="310106").exists()
    # road land donated: 8,760,000 to 無償所管換等
    assert Asset.objects.get(lg=lg, asset_no="2190002").changes.get().cost == 8_760_000
    assert st.amount(city.A["無償所管換等"]) == 8_760_000
    # the two 建設仮勘定 go on: 150 + 260 (都市計画道路) and 50 + 70 (学校給食センター) 百万円,
    # each on one record whichever year paid
    assert st.amount(city.A["インフラ建設仮勘定"]) == 410 * M
    assert st.amount(city.A["事業用建設仮勘定"]) == 120 * M
    for no, cost in (("C0001", 410 * M), ("C0002", 120 * M)):
        assert sum(AssetChange.objects.filter(lg=lg, asset__asset_no=no).values_list("cost", flat=True)) == cost
    # the first year's changes are not made again; the second year's acquisitions are its own
    assert not year.filter(reason__in=("cip_transfer", "donation_in"), asset__asset_no__in=("190001", "2190001"))
    assert Asset.objects.filter(lg=lg, asset_no="A2025-001").exists()


def test_the_closing_items_book_what_no_hand_journal_does(demo, db):
    """No year-end journal is imported by hand in either year: every line on the provisions
    and the 1年内償還予定地方債 other than the opening balance comes from the cash conversion
    (payments, repayments) or the closing run."""
    from kokai.ledger.models import ImportBatch, JournalLine

    _code, lg, _out = demo
    assert not ImportBatch.objects.filter(lg=lg, kind="journals").exists()
    codes = [city.chart_paths()[city.A[k]]["code"] for k in ("賞与等引当金", "退職手当引当金", "1年内償還予定地方債")]
    kinds = set(JournalLine.objects.filter(lg=lg, account__code__in=codes, opening=False)
                .values_list("entry__batch__kind", flat=True))
    assert kinds == {"conversion", "close"}


def test_running_the_demo_again_posts_nothing(demo, db):
    from kokai.assets.models import Asset, AssetChange
    from kokai.closing.models import ClosingRun
    from kokai.demo.run import run_demo
    from kokai.ledger.models import ImportBatch, JournalEntry

    _code, lg, out = demo

    def counts():
        return tuple(m.objects.filter(lg=lg).count() for m in (JournalEntry, ImportBatch, ClosingRun, AssetChange, Asset))

    before = counts()
    assert run_demo(out=out) == 0
    assert counts() == before
