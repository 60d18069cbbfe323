"""The screens, through Django's test client, on a tiny ledger of テスト市 for 令和6年度.

The ledger: an opening 貸借対照表 (資産 4,750 / 負債 1,550 / 純資産 2,000 after netting the
建物減価償却累計額) and six journal entries (給料 300, 市民税 900, 工事 400, 減価償却 100,
歳計外現金 20, 寄附された土地 70). At the year end 資産合計 is 4,140. Some tests add
令和7年度 (給料 500, 市民税 1,200) to see the 前年度 column, close 令和6年度 to see it
確定済み, and download the deliverables.

Only the ``db`` fixture (a rolled-back transaction) is used: the journal tables refuse
DELETE, so a flush by TransactionTestCase would fail.
"""

from __future__ import annotations

import logging
import re
import tempfile
from html import unescape
from io import BytesIO
from urllib.parse import unquote, urlencode

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from pypdf import PdfReader

from kokai.ledger.imports import import_journals, import_opening
from kokai.ledger.masters import register
from kokai.ledger.models import ImportBatch, JournalEntry, JournalLine

from .conftest import account
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


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/999999/2024/",
        "/999999/2024/book.xlsx",
        "/999999/2024/book.pdf",
        "/999999/2024/verification.xlsx",
    ],
)
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
    c1 = re.search(r'data-check="C1"[^>]*>(.*?)</tr>', html, re.S).group(1)
    assert ">一致<" in c1 and "資産合計" in c1 and c1.count("4,140") == 2


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
    assert re.search(r'data-check="C1"[^>]*>.*?4,140', html, re.S)


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


@pytest.mark.parametrize(
    "url",
    [
        "/999999/2023/",
        "/123456/2024/",
        "/999999/nen/",
        "/999999/2023/book.pdf",
        "/123456/2024/book.xlsx",
        "/999999/2025/verification.xlsx",
    ],
)
def test_unknown_year_or_town_is_404(client_in, town, url):
    assert client_in.get(url).status_code == 404


# --- the second year: 前年度 column ----------------------------------------------------

# 令和7年度 of テスト市: 給料 500 paid and 市民税 1,200 received, both in cash.
JOURNALS_2025_CSV = """\
伝票番号,日付,会計年度,会計区分,所属,借方科目,借方金額,貸方科目,貸方金額,摘要
1,2025-04-25,2025,一般会計,0101,職員給与費,500,人件費支出,500,4月分給料
2,2025-05-10,2025,一般会計,0103,税収等収入,1200,NW/財源/税収等,1200,市民税
"""


@pytest.fixture
def second_year(town, tmp_path):
    journals = tmp_path / "j2025.csv"
    journals.write_text(JOURNALS_2025_CSV, encoding="utf-8")
    import_journals(lg=town, path=journals)
    return town


def test_the_first_year_has_an_empty_prior_year_column(client_in, town):
    html = client_in.get("/999999/2024/").content.decode()
    assert cell(html, "BS/資産合計", "本年度") == "4,140"
    assert cell(html, "BS/資産合計", "前年度") == ""
    assert cell(html, "PL/純行政コスト", "前年度") == ""
    assert cell(html, "NW/本年度末純資産残高", "前年度") == ""
    assert "令和5年度の仕訳がないため前年度欄は空欄です。" in html
    assert '<th scope="col" class="amount prior">前年度（合計）</th>' in html


def test_the_second_year_shows_last_years_figures_beside_this_years(client_in, second_year):
    """2025 (令和7年度) beside 2024:
    現金預金  770 − 給料 500 + 市民税 1,200 = 1,470   (2024: 770)
    資産合計  4,140 + 700 = 4,840                      (2024: 4,140)
    余剰分    △800 + 700 = △100                        (2024: △800)
    純行政コスト 500                                     (2024: 給料 300 + 減価償却 100 = 400)
    業務活動収支 1,200 − 500 = 700                       (2024: 900 − 300 = 600)
    本年度末純資産残高 合計 2,570 + 700 = 3,270           (2024: 2,000 + 570 = 2,570)"""
    html = client_in.get("/999999/2025/").content.decode()
    pairs = {
        "BS/流動資産/現金預金": ("1,470", "770"),
        "BS/資産合計": ("4,840", "4,140"),
        "BS/負債合計": ("1,570", "1,570"),
        "BS/余剰分（不足分）": ("△100", "△800"),
        "BS/繰延資産": ("-", "-"),
        "PL/純行政コスト": ("500", "400"),
        "CF/業務活動収支": ("700", "600"),
        "CF/本年度末現金預金残高": ("1,470", "770"),
    }
    for path, (now, before) in pairs.items():
        assert (cell(html, path, "本年度"), cell(html, path, "前年度")) == (now, before), path
    # NW: the three columns of this year, then last year's 合計 only
    end = "NW/本年度末純資産残高"
    assert [cell(html, end, c) for c in ("合計", "固定資産等形成分", "余剰分（不足分）", "前年度")] == [
        "3,270", "3,370", "△100", "2,570",
    ]
    assert cell(html, "NW/前年度末純資産残高", "前年度") == "2,000"
    assert "前年度欄は空欄です" not in html
    # the 前年度 figure is negative in red like this year's
    assert re.search(r'class="amount negative" data-path="BS/余剰分（不足分）" data-col="前年度"', html)


def test_the_prior_year_column_follows_the_unit_and_rounding(client_in, second_year):
    html = client_in.get("/999999/2025/", {"unit": "千円"}).content.decode()
    assert cell(html, "BS/資産合計", "本年度") == "5"  # 4,840円 rounds up
    assert cell(html, "BS/資産合計", "前年度") == "4"  # 4,140円 rounds down
    assert cell(html, "BS/余剰分（不足分）", "前年度") == "△1"  # △800円
    html = client_in.get("/999999/2025/", {"unit": "千円", "rounding": "切り捨て"}).content.decode()
    assert cell(html, "BS/資産合計", "本年度") == "4"
    assert cell(html, "BS/余剰分（不足分）", "前年度") == "0"  # △800円 truncates to 0


# --- the year's status and the full list of checks ---------------------------------


def statuses(html: str, check_id: str) -> list[str]:
    return re.findall(rf'data-check="{check_id}" data-status="([^"]+)"', html)


def test_every_check_of_the_verification_is_listed_with_its_status(client_in, town):
    """First year on Kokai: C14 (prior year as published) and the register / cash checks
    have nothing to compare (対象外, grey); C17 is a 注記 item. None of them is a failure."""
    html = client_in.get("/999999/2024/").content.decode()
    ids = set(re.findall(r'data-check="([A-Z]\d+)"', html))
    assert {f"C{i}" for i in range(1, 19)} | {"L1", "L2", "A1", "R1"} <= ids
    assert statuses(html, "C1") == ["一致"] and statuses(html, "L1") == ["一致"]
    assert statuses(html, "C14") == ["対象外"]
    assert re.search(r'<tr class="na" data-check="C14"', html)
    assert '<span class="pill na">対象外</span>' in html
    assert statuses(html, "C17") == ["注記"]
    assert statuses(html, "A1") == ["対象外"] and statuses(html, "R1") == ["対象外"]
    assert "不一致" not in "".join(re.findall(r'data-status="([^"]+)"', html))
    assert "整合性チェック すべてOK" in html


def test_a_warning_is_shown_as_caution_not_as_a_failure(client_in, town, tmp_path):
    """A withheld tax booked to 預り金 (30) but not set aside as 歳計外現金: BS 預り金
    70 + 30 = 100 against CF 本年度末歳計外現金残高 70 — C16 is a warning (注意)."""
    extra = tmp_path / "extra.csv"
    extra.write_text(
        "伝票番号,日付,会計年度,会計区分,所属,借方科目,借方金額,貸方科目,貸方金額,摘要\n"
        "7,2024-06-30,2024,一般会計,0101,職員給与費,30,預り金,30,源泉所得税（未納付）\n",
        encoding="utf-8",
    )
    import_journals(lg=town, path=extra)
    html = client_in.get("/999999/2024/").content.decode()
    assert statuses(html, "C16") == ["注意"]
    c16 = re.search(r'data-check="C16"[^>]*>(.*?)</tr>', html, re.S).group(1)
    assert c16.count(">100<") == 1 and c16.count(">70<") == 1
    assert "整合性チェック 不一致なし（注意 1件）" in html
    assert 'class="check-badge caution"' in html and "不一致があります" not in html


def test_a_running_total_that_drifted_is_a_failure(client_in, town):
    """The running total of 職員給与費 raised by 1 yen behind the ledger's back (300 → 301):
    L1 recounts the lines and disagrees; the statements read the totals, so the cost is
    1 yen too high and the 純資産 1 yen too low against unchanged assets (C1)."""
    from django.db.models import F

    from kokai.ledger.models import Account, LedgerBalance

    salary = Account.objects.get(code=account("PL/経常費用/業務費用/人件費/職員給与費"))
    assert LedgerBalance.objects.filter(lg=town, fiscal_year=2024, account=salary).update(
        amount=F("amount") + 1
    ) == 1
    html = client_in.get("/999999/2024/").content.decode()
    assert statuses(html, "L1") == ["不一致"] and statuses(html, "C1") == ["不一致"]
    assert re.search(r'<tr class="ng" data-check="L1"', html)
    failed = re.findall(r'data-status="不一致"', html)
    assert f"整合性チェックに不一致があります（{len(failed)}件）" in html
    assert 'class="check-badge ng"' in html and "すべてOK" not in html


def test_the_year_is_open_until_closed_then_locked_with_its_date(client_in, second_year):
    from django.utils import timezone

    from kokai.closing.services import close_year
    from kokai.core.parse import wareki_date
    from kokai.ledger.models import YearLock

    html = client_in.get("/999999/2024/").content.decode()
    assert 'data-status="open"><strong>未確定</strong>' in html
    # before 2024 is closed, 2025 has no published prior year to tie to: C14 対象外
    assert statuses(client_in.get("/999999/2025/").content.decode(), "C14") == ["対象外"]

    close_year(lg=second_year, fiscal_year=2024)
    when = timezone.localtime(YearLock.objects.get(lg=second_year, fiscal_year=2024).locked_at)
    html = client_in.get("/999999/2024/").content.decode()
    assert 'data-status="locked"><strong>確定済み</strong>' in html
    assert f"{wareki_date(when.date())} {when:%H:%M} 確定" in html
    assert "未確定" not in html
    # the year list marks it; 2025 stays open
    years = client_in.get("/").content.decode()
    assert re.search(r'data-year="2024">[^<]*<span class="muted">[^<]*</span> 財務書類 '
                     r'<span class="year-tag locked">確定済み</span>', years)
    assert not re.search(r'data-year="2025">[^<]*<span class="muted">[^<]*</span> 財務書類 <span', years)
    html = client_in.get("/999999/2025/").content.decode()
    assert "<strong>未確定</strong>" in html
    # C14 now ties 2025's 前年度末 figures to 2024 as closed, each of them 一致
    c14 = statuses(html, "C14")
    assert c14 and set(c14) == {"一致"}


# --- downloads -----------------------------------------------------------------------


def download_href(html: str, kind: str) -> str:
    m = re.search(rf'<a href="([^"]+)" data-download="{kind}"', html)
    assert m, f"no link {kind}"
    return unescape(m.group(1))


def attachment_name(response) -> str:
    """The Japanese file name of an attachment (RFC 5987 filename*)."""
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    m = re.search(r"filename\*=UTF-8''([A-Za-z0-9%._~-]+)$", disposition)
    assert m, disposition
    return unquote(m.group(1))


@pytest.fixture
def scratch(monkeypatch, tmp_path):
    """The temporary directory the downloads are generated in (to see nothing is left)."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_the_page_links_the_three_deliverables_with_its_unit(client_in, town):
    html = client_in.get("/999999/2024/", {"unit": "千円", "rounding": "切り捨て"}).content.decode()
    assert download_href(html, "book-xlsx") == "/999999/2024/book.xlsx?" + urlencode(
        {"unit": "千円", "rounding": "切り捨て"}
    )
    assert download_href(html, "book-pdf").startswith("/999999/2024/book.pdf?unit=%E5%8D%83%E5%86%86")
    assert download_href(html, "verification-xlsx") == "/999999/2024/verification.xlsx"


def test_the_book_as_pdf(client_in, town, scratch, caplog):
    caplog.set_level(logging.INFO, logger="kokai.web")
    html = client_in.get("/999999/2024/").content.decode()
    r = client_in.get(download_href(html, "book-pdf"))
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"].startswith('attachment; filename="kokai-999999-2024-book.pdf"; ')
    assert attachment_name(r) == "財務書類一式_テスト市_令和6年度.pdf"
    assert r.content[:5] == b"%PDF-"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(r.content)).pages)
    assert "資産合計" in text and "4,140" in text  # in yen, as the page was
    assert list(scratch.iterdir()) == []  # generated in a temporary directory, removed
    logged = [rec.getMessage() for rec in caplog.records if rec.name == "kokai.web"]
    assert any("kaikei" in m and "財務書類一式_テスト市_令和6年度.pdf" in m for m in logged)


def test_the_book_as_a_workbook_in_thousand_yen(client_in, second_year, scratch):
    """千円, 四捨五入: the cells keep the yen — 資産合計 4,840 (本年度), 4,140 (前年度),
    増減 700 — and the number format shows them in 千円 (5, 4, 1)."""
    r = client_in.get("/999999/2025/book.xlsx", {"unit": "千円"})
    assert r.status_code == 200
    assert r["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert attachment_name(r) == "財務書類一式_テスト市_令和7年度.xlsx"
    wb = openpyxl.load_workbook(BytesIO(r.content), data_only=True)
    assert wb.sheetnames[0] == "目次"
    bs = wb[next(n for n in wb.sheetnames if n.startswith("様式第1号"))]
    total = next(row for row in bs.iter_rows() if row[0].value == "資産合計")
    assert tuple(c.value for c in total[1:4]) == (4_840, 4_140, 700)
    assert total[1].number_format == '#,##0,;"△"#,##0,;0'  # shown in thousands
    assert list(scratch.iterdir()) == []


def test_the_verification_working_paper(client_in, town, scratch):
    r = client_in.get("/999999/2024/verification.xlsx")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert r["Content-Disposition"].startswith('attachment; filename="kokai-999999-2024-verification.xlsx"; ')
    assert attachment_name(r) == "検証調書_テスト市_令和6年度.xlsx"
    wb = openpyxl.load_workbook(BytesIO(r.content))
    rows = [row for ws in wb.worksheets for row in ws.iter_rows(values_only=True)]
    c1 = next(row for row in rows if row[0] == "C1")
    assert "資産合計" in str(c1) and c1.count(4140) == 2  # both sides, to the yen
    assert any(row[0] == "C14" and "対象外" in row for row in rows)
    assert list(scratch.iterdir()) == []


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
