"""End to end in a real browser: the ``kokai`` command builds a ledger, serves it with
waitress, and Debian's Chromium logs in, reads 資産合計 off the 貸借対照表 and downloads
the 財務書類一式 as a PDF.

Nothing is downloaded: the browser is Debian's (``KOKAI_CHROMIUM`` or /usr/bin/chromium);
without it the test is skipped. Set ``KOKAI_SCREENSHOT=/path/file.png`` to keep a copy
of the full-page screenshot (e.g. for docs/screenshot-statements.png).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .tiny_city import JOURNALS_CSV, OPENING_CSV

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("KOKAI_CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "kaikei-kensa-2024"



def _env() -> dict[str, str]:
    """The environment of the ``kokai`` subprocesses: only --db chooses the database."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("KOKAI_TEST_DATABASE_URL", "KOKAI_DATABASE_URL")
    }
    env["KOKAI_PASSWORD"] = PASSWORD
    env.pop("KOKAI_DEBUG", None)
    return env


def _kokai(db: str, *args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kokai", "--db", db, *args],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=check,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen, log: Path, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"kokai serve ended (code {server.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    pytest.fail(f"kokai serve did not answer at {url} within {timeout}s:\n{log.read_text()}")


@pytest.fixture
def chromium() -> str:
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"Chromium not found at {CHROMIUM} (install Debian's chromium or set KOKAI_CHROMIUM)"
        )
    return CHROMIUM


@pytest.fixture
def served_ledger(chromium, tmp_path):
    """A fresh SQLite ledger of テスト市 made with the CLI, served on a free port."""
    db = f"sqlite:///{tmp_path}/k.sqlite3"
    (tmp_path / "open.csv").write_text(OPENING_CSV, encoding="utf-8")
    (tmp_path / "j.csv").write_text(JOURNALS_CSV, encoding="utf-8")
    _kokai(db, "init", "--lg-code", "999999", "--name", "テスト市", cwd=tmp_path)
    _kokai(db, "import", "opening", "open.csv", "--year", "2024", cwd=tmp_path)
    _kokai(db, "import", "journals", "j.csv", cwd=tmp_path)
    _kokai(db, "user", "create", "kaikei", cwd=tmp_path)

    port = _free_port()
    log = tmp_path / "serve.log"
    with open(log, "w") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kokai",
                "--db",
                db,
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=tmp_path,
            env=_env(),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base}/login/", server, log)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_log_in_and_read_the_balance_sheet_in_chromium(chromium, served_ledger, tmp_path):
    from playwright.sync_api import sync_playwright

    base = served_ledger
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="ja-JP")
            page.set_default_timeout(10_000)

            # An anonymous visitor lands on the login form.
            page.goto(base + "/")
            assert page.url.startswith(base + "/login/")
            assert page.locator("h1").inner_text() == "ログイン"

            # A wrong password is refused, the right one lets the 会計担当 in.
            page.fill("#id_username", "kaikei")
            page.fill("#id_password", "machigai-desu")
            page.click("button[type=submit]")
            assert "利用者名またはパスワードが正しくありません" in page.inner_text("body")
            page.fill("#id_username", "kaikei")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(base + "/")
            assert "テスト市" in page.inner_text("body")

            # Open 令和6年度 and read the balance sheet.
            page.click("a[data-year='2024']")
            page.wait_for_url(base + "/999999/2024/")
            assert page.locator("h1").inner_text() == "令和6年度 財務書類（一般会計等）"
            total = page.locator('td[data-path="BS/資産合計"][data-col="本年度"]')
            assert total.inner_text() == "4,140"
            liabilities = 'td[data-path="BS/負債及び純資産合計"][data-col="本年度"]'
            assert page.locator(liabilities).inner_text() == "4,140"
            deficit = page.locator('td[data-path="BS/余剰分（不足分）"][data-col="本年度"]')
            assert deficit.inner_text() == "△800"
            end = page.locator('td[data-path="NW/本年度末純資産残高"][data-col="固定資産等形成分"]')
            assert end.inner_text() == "3,370"
            assert "整合性チェック すべてOK" in page.inner_text("body")

            # The stylesheet is served (whitenoise): totals bold and right-aligned, △ in red.
            style = total.evaluate(
                "e => { const s = getComputedStyle(e); return [s.textAlign, s.fontWeight]; }"
            )
            assert style == ["right", "700"]
            assert deficit.evaluate("e => getComputedStyle(e).color") != total.evaluate(
                "e => getComputedStyle(e).color"
            )

            shot = tmp_path / "statements.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
            if keep := os.environ.get("KOKAI_SCREENSHOT"):
                shutil.copyfile(shot, keep)

            # Switch to 千円: each figure is rounded on its own, and the page says so.
            page.click("a[data-unit='千円']")
            page.wait_for_url("**unit=*")
            assert page.locator('td[data-path="BS/資産合計"][data-col="本年度"]').inner_text() == "4"
            assert "千円未満を四捨五入" in page.inner_text(".rounding-note")

            # Log out: back to the login form, and the statements are closed again.
            page.click("text=ログアウト")
            page.wait_for_url(base + "/login/")
            page.goto(base + "/999999/2024/")
            assert page.url.startswith(base + "/login/")
        finally:
            browser.close()


def test_download_the_book_as_pdf_in_chromium(chromium, served_ledger, tmp_path):
    """The 財務書類一式（PDF） link on the statements page gives an attachment named in
    Japanese whose bytes are a PDF."""
    from playwright.sync_api import sync_playwright

    base = served_ledger
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(accept_downloads=True, locale="ja-JP")
            page.set_default_timeout(30_000)
            page.goto(base + "/999999/2024/")
            page.fill("#id_username", "kaikei")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(base + "/999999/2024/")
            assert "未確定" in page.inner_text(".year-status")

            link = page.locator("a[data-download='book-pdf']")
            assert link.inner_text().replace("\n", "") == "財務書類一式PDF"
            with page.expect_download() as info:
                link.click()
            download = info.value
            assert download.failure() is None
            assert download.suggested_filename == "財務書類一式_テスト市_令和6年度.pdf"
            saved = tmp_path / "book.pdf"
            download.save_as(saved)
            assert saved.read_bytes()[:5] == b"%PDF-"
        finally:
            browser.close()
