"""A kill -9 in the middle of an import leaves nothing half-imported."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from kokai.demo import city

pytestmark = pytest.mark.skipif(
    os.environ.get("KOKAI_TEST_DATABASE_URL", "sqlite").startswith("postgres"),
    reason="runs on its own SQLite file; once per suite is enough",
)


def _kill_while_writing(proc, db):
    """Kill -9 the import once it is writing rows (its WAL has grown)."""
    wal = db.with_name(db.name + "-wal")
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        if wal.exists() and wal.stat().st_size > 4 * 1024**2:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the import finished before it could be killed; use a larger file"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def test_kill_9_during_a_cash_import_leaves_nothing(tmp_path):
    from kokai.core.cash import write_sample

    db = tmp_path / "k.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOKAI_")}

    def kokai(*args):
        return subprocess.Popen([sys.executable, "-m", "kokai", "--db", f"sqlite:///{db}", *args], cwd=tmp_path,
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    assert kokai("init", "--lg-code", city.LG_CODE, "--name", city.NAME).wait() == 0
    assert kokai("fund", "add", "--code", "90", "--name", "歳計外現金").wait() == 0
    write_sample(tmp_path / "cash.csv", 300_000, "standard")
    _kill_while_writing(kokai("import", "cash", "cash.csv"), db)
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT COUNT(*) FROM cash_cashrecord").fetchone()[0] == 0
        assert con.execute("SELECT COUNT(*) FROM ledger_importbatch").fetchone()[0] == 0
    done = kokai("import", "cash", "cash.csv")
    _out, err = done.communicate(timeout=300)
    assert done.returncode == 0, err.decode()


def test_kill_9_during_an_import_leaves_the_ledger_as_it_was(tmp_path):
    db = tmp_path / "k.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOKAI_")}

    def kokai(*args):
        return subprocess.Popen([sys.executable, "-m", "kokai", "--db", f"sqlite:///{db}", *args], cwd=tmp_path,
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    assert kokai("init", "--lg-code", city.LG_CODE, "--name", city.NAME).wait() == 0
    city.write_opening_csv(tmp_path / "open.csv", 2024)
    assert kokai("import", "opening", "open.csv", "--year", "2024").wait() == 0
    rows = city.write_journals_csv(tmp_path / "big.csv", 2024, target_rows=300_000)

    def counts():
        with sqlite3.connect(db) as con:
            return {t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                    for t in ("ledger_journalentry", "ledger_journalline", "ledger_importbatch",
                              "ledger_ledgerbalance", "ledger_netassetmove")}

    before = counts()
    proc = kokai("import", "journals", "big.csv")
    _kill_while_writing(proc, db)
    assert counts() == before  # nothing of the killed import is left

    done = kokai("import", "journals", "big.csv")  # and the same file imports cleanly afterwards
    out, err = done.communicate(timeout=300)
    assert done.returncode == 0, err.decode()
    assert counts()["ledger_journalentry"] > before["ledger_journalentry"] + rows // 2
