"""The screens, through Django's test client, on a tiny ledger of テスト市 for 令和6年度.

The ledger: an opening 貸借対照表 (資産 4,750 / 負債 1,550 / 純資産 2,000 after netting the
建物減価償却累計額) and six journal entries (給料 300, 市民税 900, 工事 400, 減価償却 100,
歳計外現金 20, 寄附された土地 70). At the year end 資産合計 is 4,140.

Only the ``db`` fixture (a rolled-back transaction) is used: the journal tables refuse
DELETE, so a flush by TransactionTestCase would fail.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from kokai.ledger.imports import import_journals, import_opening
from kokai.ledger.masters import register
from kokai.ledger.models import ImportBatch, JournalEntry, JournalLine

from .tiny_city import JOURNALS_CSV, OPENING_CSV

PASSWORD = "kaikei-kensa-2024"


@pytest.fixture
def town(db, tmp_path):
    """テスト市 with its opening balance sheet and the year's journals imported."""
    lg = register(lg_code="999999", name="テスト市")
    opening = tmp_path / "open.csv"
    opening.write_text(OPENING_CSV, encoding="utf-8")
    journals = tmp_path / "j.csv"
    journals.write_text(JOURNALS_CSV, encoding="utf-8")
    import_opening(lg=lg, path=opening, fiscal_year=2024)
    import_journals(lg=lg, path=journals)
    return lg


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user("kaikei", password=PASSWORD)


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(
        "kanri", password=PASSWORD, is_staff=True, is_superuser=True
    )


@pytest.fixture
def client_in(client, user):
    client.force_login(user)
    return client


def cell(html: str, path: str, col: str | None = None) -> str:
    """The text of the amount cell for a qualified path (and NW column)."""
    attrs = f'data-path="{path}"' + (f' data-col="{col}"' if col else "")
    m = re.search(rf"<td [^>]*{re.escape(attrs)}[^>]*>([^<]*)</td>", html)
    assert m, f"no cell {attrs}"
    return m.group(1)


# --- login -------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/999999/2024/"])
def test_anonymous_user_is_sent_to_login(client, town, url):
    r = client.get(url)
    assert r.status_code == 302
    assert r["Location"] == f"/login/?next={url}"


def test_login_page_is_japanese_and_public(client, db):
    r = client.get("/login/")
    assert r.status_code == 200
    html = r.content.decode()
    assert '<html lang="ja">' in html
    assert "利用者名" in html and "パスワード" in html and "ログイン" in html


def test_login_through_the_form_then_logout(client, town, user):
    r = client.post("/login/", {"username": "kaikei", "password": PASSWORD, "next": "/"})
    assert r.status_code == 302 and r["Location"] == "/"
    assert "令和6年度" in client.get("/").content.decode()
    r = client.post("/logout/")
    assert r.status_code == 302 and r["Location"] == "/login/"
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_in_japanese(client, user):
    r = client.post("/login/", {"username": "kaikei", "password": "machigai-desu"})
    assert r.status_code == 200
    assert "利用者名またはパスワードが正しくありません" in r.content.decode()


def test_logout_needs_post(client_in):
    assert client_in.get("/logout/").status_code == 405


# --- year list ---------------------------------------------------------------------


def test_year_list_shows_each_town_and_its_years(client_in, town):
    register(lg_code="888888", name="まだ仕訳のない町")
    html = client_in.get("/").content.decode()
    assert "テスト市" in html and "999999" in html
    assert 'href="/999999/2024/"' in html and "令和6年度" in html
    assert "まだ仕訳のない町" in html and "仕訳がまだ取り込まれていません" in html


# --- statements --------------------------------------------------------------------


def test_statements_page_shows_the_four_statements(client_in, town):
    r = client_in.get("/999999/2024/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "令和6年度 財務書類（一般会計等）" in html
    for form, name in [
        ("様式第1号", "貸借対照表"),
        ("様式第2号", "行政コスト計算書"),
        ("様式第3号", "純資産変動計算書"),
        ("様式第4号", "資金収支計算書"),
    ]:
        assert re.search(rf"{form}</span>{name}</h2>", html), name
    assert "令和7年3月31日現在" in html
    assert "自 令和6年4月1日" in html


def test_balance_sheet_figures(client_in, town):
    html = client_in.get("/999999/2024/").content.decode()
    assert cell(html, "BS/資産合計") == "4,140"
    assert cell(html, "BS/負債及び純資産合計") == "4,140"
    assert cell(html, "BS/負債合計") == "1,570"
    assert cell(html, "BS/純資産合計") == "2,570"
    assert cell(html, "BS/流動資産/現金預金") == "770"
    # contra account and a deficit are printed with △, an empty line with "-"
    assert cell(html, "BS/固定資産/有形固定資産/事業用資産/建物減価償却累計額") == "△1,300"
    assert cell(html, "BS/余剰分（不足分）") == "△800"
    assert cell(html, "BS/繰延資産") == "-"


def test_cost_cash_flow_and_net_assets_figures(client_in, town):
    html = client_in.get("/999999/2024/").content.decode()
    assert cell(html, "PL/純行政コスト") == "400"
    assert cell(html, "CF/投資活動収支") == "△400"
    assert cell(html, "CF/本年度末現金預金残高") == "770"
    # NW: three columns; the internal movement moves 300 from 余剰分 to 固定資産等形成分
    nw = "NW/固定資産等の変動（内部変動）"
    assert [cell(html, nw, c) for c in ("合計", "固定資産等形成分", "余剰分（不足分）")] == [
        "-",
        "300",
        "△300",
    ]
    end = "NW/本年度末純資産残高"
    assert [cell(html, end, c) for c in ("合計", "固定資産等形成分", "余剰分（不足分）")] == [
        "2,570",
        "3,370",
        "△800",
    ]


def test_totals_are_marked_and_lines_indented(client_in, town):
    html = client_in.get("/999999/2024/").content.decode()
    assert re.search(r'<tr class="total">\s*<th scope="row" class="item lvl-0">資産合計</th>', html)
    assert re.search(r'class="item lvl-3">建物減価償却累計額</th>', html)
    for part in (
        "【資産の部】",
        "【負債の部】",
        "【純資産の部】",
        "【業務活動収支】",
        "【投資活動収支】",
        "【財務活動収支】",
    ):
        assert part in html


def test_checks_are_listed_with_both_sides(client_in, town):
    html = client_in.get("/999999/2024/").content.decode()
    assert "整合性チェック すべてOK" in html
    ids = re.findall(r'data-check="(C\d+)"', html)
    assert {f"C{i}" for i in range(1, 14)} <= set(ids)
    c1 = re.search(r'data-check="C1">(.*?)</tr>', html, re.S).group(1)
    assert ">OK<" in c1 and "資産合計" in c1 and c1.count("4,140") == 2


def test_unit_switch_to_thousand_yen_rounds_each_figure(client_in, town):
    r = client_in.get("/999999/2024/", {"unit": "千円"})
    html = r.content.decode()
    assert "（単位：千円）" in html
    assert "金額は千円単位で表示し、千円未満を四捨五入しています" in html
    assert cell(html, "BS/資産合計") == "4"  # 4,140円
    assert cell(html, "BS/固定資産/有形固定資産/事業用資産/建物減価償却累計額") == "△1"  # △1,300円
    assert cell(html, "BS/余剰分（不足分）") == "△1"  # △800円 rounds half away from zero
    assert cell(html, "PL/純行政コスト") == "0"  # 400円: small, but not nothing
    assert cell(html, "BS/繰延資産") == "-"
    # the checks stay exact, in yen
    assert re.search(r'data-check="C1">.*?4,140', html, re.S)


def test_unit_switch_with_truncation(client_in, town):
    html = client_in.get("/999999/2024/", {"unit": "千円", "rounding": "切り捨て"}).content.decode()
    assert "千円未満を切り捨てしています" in html
    assert cell(html, "BS/資産合計") == "4"
    assert cell(html, "BS/余剰分（不足分）") == "0"  # △800円 truncates to 0
    assert cell(html, "BS/流動資産/現金預金") == "0"


def test_million_yen_and_an_unknown_unit_falls_back_to_yen(client_in, town):
    html = client_in.get("/999999/2024/", {"unit": "百万円"}).content.decode()
    assert "（単位：百万円）" in html and cell(html, "BS/資産合計") == "0"
    html = client_in.get("/999999/2024/", {"unit": "ドル"}).content.decode()
    assert (
        "（単位：円）" in html and "端数処理なし" in html and cell(html, "BS/資産合計") == "4,140"
    )


@pytest.mark.parametrize("url", ["/999999/2023/", "/123456/2024/", "/999999/nen/"])
def test_unknown_year_or_town_is_404(client_in, town, url):
    assert client_in.get(url).status_code == 404


# --- admin -------------------------------------------------------------------------


def test_admin_lists_masters_and_journal_read_only(client, town, staff):
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
    r = client.get("/admin/ledger/account/", {"q": "減価償却累計額", "statement__exact": "BS"})
    assert r.status_code == 200 and "建物減価償却累計額" in r.content.decode()
    # the chart is data (chart.csv): viewable, not editable from the screen
    assert client.get("/admin/ledger/account/add/").status_code == 403
    assert client.get("/admin/ledger/localgovernment/").status_code == 200
    assert client.get("/admin/ledger/fund/").status_code == 200
    assert client.get("/admin/ledger/importbatch/").status_code == 200

    entry = JournalEntry.objects.get(lg=town, voucher_no="1")
    r = client.get("/admin/ledger/journalentry/")
    assert r.status_code == 200 and "4月分給料" in r.content.decode()
    r = client.get(f"/admin/ledger/journalentry/{entry.pk}/change/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "職員給与費" in html and "人件費支出" in html  # the inline lines
    assert 'name="_save"' not in html  # view only
    # no add, change or delete of posted entries, lines or import batches
    assert client.get("/admin/ledger/journalentry/add/").status_code == 403
    assert client.get(f"/admin/ledger/journalentry/{entry.pk}/delete/").status_code == 403
    batch = ImportBatch.objects.filter(lg=town).first()
    assert client.get(f"/admin/ledger/importbatch/{batch.pk}/delete/").status_code == 403
    n_lines = JournalLine.objects.count()
    client.post(f"/admin/ledger/journalentry/{entry.pk}/change/", {"description": "書き換え"})
    entry.refresh_from_db()
    assert entry.description == "4月分給料" and JournalLine.objects.count() == n_lines


def test_admin_is_for_staff_only(client_in):
    r = client_in.get("/admin/")
    assert r.status_code == 302 and "/admin/login/" in r["Location"]


def test_the_conversion_table_is_edited_in_the_admin_as_a_checked_new_version(db, client):
    """An admin pastes an edited table: a bad account is refused on the form; a good one
    becomes the 団体's table (rules_for returns it), saved as a new version."""
    from kokai.cash.models import ConversionTable
    from kokai.cash.services import rules_for
    from kokai.core.conversion import standard_rules

    lg = register(lg_code="999999", name="テスト市")
    admin_user = get_user_model().objects.create_superuser("kanri", password="kanri-password-2024")
    client.force_login(admin_user)
    text = standard_rules().to_csv()
    page = client.get("/admin/cash/conversiontable/add/")
    assert page.status_code == 200 and "E-給料" in page.content.decode()
    bad = client.post("/admin/cash/conversiontable/add/",
                      {"lg": lg.pk, "file_name": "bad", "text": text.replace("人件費/職員給与費,", "人件費/給与,", 1)})
    assert bad.status_code == 200 and "勘定科目表にありません" in bad.content.decode()
    assert ConversionTable.objects.count() == 0
    extra = ("X-需用費,2020,,E,,2,*,*,10,*,*,*,PL/経常費用/業務費用/物件費等/維持補修費,"
             "CF/業務活動収支/業務支出/業務費用支出/物件費等支出,,,\n")
    ok = client.post("/admin/cash/conversiontable/add/", {"lg": lg.pk, "file_name": "当市", "text": text + extra})
    assert ok.status_code == 302
    assert rules_for(lg)["X-需用費"].debit == "PL/経常費用/業務費用/物件費等/維持補修費"
