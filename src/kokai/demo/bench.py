"""``kokai bench``: time the import of N journal lines and the building of the statements,
each in its own ``kokai`` process, and report wall time and peak memory (max RSS)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import city

YEAR = 2024


def _run(args: list[str], db: str) -> tuple[float, int, str]:
    """Run ``python -m kokai --db DB ARGS``; return (seconds, max RSS in MiB, stdout)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "kokai", "--db", db, *args], stdout=out, stderr=err)
        _pid, status, usage = os.wait4(proc.pid, 0)  # reaps the child and gives its own rusage
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text, error = out.read().decode(), err.read().decode()
    if proc.returncode not in (0, 3):
        raise SystemExit(f"kokai {' '.join(args)} failed ({proc.returncode}):\n{error[-3000:]}")
    return seconds, usage.ru_maxrss // 1024, text


def run_bench(*, lines: int, workdir: Path, db: str | None = None) -> int:
    workdir.mkdir(parents=True, exist_ok=True)
    if db is None:
        path = workdir / "bench.sqlite3"
        for p in workdir.glob("bench.sqlite3*"):
            p.unlink()
        db = f"sqlite:///{path.resolve()}"
    csv = workdir / f"bench-journals-{lines}.csv"
    t0 = time.perf_counter()
    if not csv.exists():
        city.write_journals_csv(csv, YEAR, target_rows=lines, encoding="cp932")
    opening = workdir / "bench-opening.csv"
    city.write_opening_csv(opening, YEAR)
    gen = time.perf_counter() - t0
    size = csv.stat().st_size / 1024**2
    print(f"仕訳データ {csv.name}（{size:.0f} MB, CP932）: 作成 {gen:.1f} 秒（計測対象外）")
    _run(["init", "--lg-code", city.LG_CODE, "--name", city.NAME], db)
    _run(["import", "opening", str(opening), "--year", str(YEAR)], db)
    t_imp, rss_imp, out = _run(["import", "journals", str(csv)], db)
    print(f"取込      {t_imp:6.1f} 秒  最大メモリ {rss_imp:5d} MiB  {out.strip()}")
    t_st, rss_st, _ = _run(["statements", "--year", str(YEAR), "--format", "json", "--out", str(workdir / "bench.json")], db)
    print(f"財務書類  {t_st:6.1f} 秒  最大メモリ {rss_st:5d} MiB  （コマンド起動を含む）")
    t_ck, _rss, out = _run(["check", "--year", str(YEAR)], db)
    print(f"チェック  {t_ck:6.1f} 秒  {out.strip().splitlines()[-1]}")
    print(f"取込＋財務書類 {t_imp + t_st:.1f} 秒、最大メモリ {max(rss_imp, rss_st)} MiB")
    return 0


def run_cash_bench(*, records: int, workdir: Path) -> int:
    """Time 歳入歳出データ: import, 決算額 import, reconciliation and conversion to journals."""
    workdir.mkdir(parents=True, exist_ok=True)
    for p in workdir.glob("bench-cash.sqlite3*"):
        p.unlink()
    db = f"sqlite:///{(workdir / 'bench-cash.sqlite3').resolve()}"
    csv = workdir / f"bench-cash-{records}.csv"
    settled = workdir / f"bench-settled-{records}.csv"
    t0 = time.perf_counter()
    if not (csv.exists() and settled.exists()):  # in a child process, so this process stays small
        subprocess.run([sys.executable, "-c", _PREPARE, str(csv), str(settled), str(records)], check=True)
    size = csv.stat().st_size / 1024**2
    print(f"歳入歳出データ {csv.name}（{size:.0f} MB, CP932）と決算額: 作成 {time.perf_counter() - t0:.1f} 秒（計測対象外）")
    _run(["init", "--lg-code", city.LG_CODE, "--name", city.NAME], db)
    _run(["fund", "add", "--code", "90", "--name", "歳計外現金"], db)
    total, peak = 0.0, 0
    for label, args in (
        ("決算額", ["import", "settled", str(settled)]),
        ("取込・照合・変換", ["import", "cash", str(csv), "--convert"]),
        ("照合表", ["reconcile", "--year", str(YEAR), "--out", str(workdir / "bench-reconciliation.xlsx")]),
    ):
        seconds, rss, out = _run(args, db)
        total += seconds
        peak = max(peak, rss)
        print(f"{label:8s} {seconds:6.1f} 秒  最大メモリ {rss:5d} MiB")
        for line in out.strip().splitlines():
            print(f"           {line}")
    print(f"取込＋照合＋変換 {total:.1f} 秒、最大メモリ {peak} MiB")
    return 0


_PREPARE = """
import sys
import polars as pl
from kokai.core.cash import read_cash, write_sample
csv, settled, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
write_sample(csv, n, "standard")
frame, issues = read_cash(csv, profile="standard")
assert not issues, issues[:3]
item = ["fiscal_year", "fund", "direction", "kan", "kou", "moku", "setsu"]
totals = frame.group_by(item).agg(pl.col("amount").sum()).sort(item)
totals.with_columns(pl.col("direction").replace_strict({"E": "歳出", "R": "歳入"})).rename({
    "fiscal_year": "会計年度", "fund": "会計区分", "direction": "歳入歳出区分", "kan": "款", "kou": "項",
    "moku": "目", "setsu": "節", "amount": "決算額"}).write_csv(settled)
"""


def run_assets_bench(*, assets: int, workdir: Path) -> int:
    """Time the fixed-asset ledger: import a register of N assets, then a year's depreciation."""
    workdir.mkdir(parents=True, exist_ok=True)
    for p in workdir.glob("bench-assets.sqlite3*"):
        p.unlink()
    db = f"sqlite:///{(workdir / 'bench-assets.sqlite3').resolve()}"
    register, opening = workdir / f"bench-register-{assets}.csv", workdir / f"bench-register-opening-{assets}.csv"
    t0 = time.perf_counter()
    if not (register.exists() and opening.exists()):
        subprocess.run([sys.executable, "-c", _PREPARE_ASSETS, str(register), str(opening), str(assets)], check=True)
    print(f"固定資産台帳 {register.name}（{register.stat().st_size / 1024**2:.0f} MB）: 作成 {time.perf_counter() - t0:.1f} 秒（計測対象外）")
    _run(["init", "--lg-code", city.LG_CODE, "--name", city.NAME], db)
    _run(["import", "opening", str(opening), "--year", str(YEAR)], db)
    total, peak = 0.0, 0
    for label, args in (
        ("台帳取込", ["import", "assets", str(register), "--year", str(YEAR)]),
        ("減価償却", ["assets", "depreciate", "--year", str(YEAR)]),
        ("再実行", ["assets", "depreciate", "--year", str(YEAR)]),
    ):
        seconds, rss, out = _run(args, db)
        total += seconds
        peak = max(peak, rss)
        print(f"{label:6s} {seconds:6.1f} 秒  最大メモリ {rss:5d} MiB  {out.strip().splitlines()[-1] if out.strip() else ''}")
    seconds, _rss, out = _run(["check", "--year", str(YEAR)], db)
    print(f"チェック {seconds:6.1f} 秒  {out.strip().splitlines()[-1]}")
    return 0


_PREPARE_ASSETS = """
import random, sys
from kokai.core.assets import account_for
register, opening, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rnd = random.Random(2024)
kinds = [("事業用資産", "建物", 47), ("事業用資産", "工作物", 30), ("事業用資産", "土地", None),
         ("インフラ資産", "工作物", 15), ("インフラ資産", "土地", None), ("物品", "その他", 6),
         ("無形固定資産", "ソフトウェア", 5)]
weights = [8, 4, 15, 35, 30, 6, 2]
lines = {}
header = "資産番号,枝番,資産名称,所在地,管理所属,資産区分,種目,耐用年数,取得年月日,供用開始年月日,取得価額,減価償却累計額,数量,単位,行政目的,所有区分,所有者,美術品"
with open(register, "w", encoding="cp932", newline="") as f:
    f.write(header + "\\r\\n")
    for i in range(n):
        cls, kind, life = rnd.choices(kinds, weights)[0]
        year = rnd.randint(1975, 2023)
        cost = rnd.randint(1, 5000) * 10_000 if kind != "土地" or rnd.random() > 0.3 else 1
        used = min(2024 - year - 1, life or 0)
        acc = 0 if not life else min(cost - (0 if cls == "無形固定資産" else 1), cost * (1000 // life + (1 if 1000 % life else 0)) * used // 1000)
        acc = max(acc, 0)
        asset, contra = account_for(cls, kind)
        lines[asset] = lines.get(asset, 0) + cost - (acc if contra is None else 0)
        if contra:
            lines[contra] = lines.get(contra, 0) - acc
        f.write(f"B{i:07d},0,資産{i},本町,管財課,{cls},{kind},{life or ''},{year}-04-01,{year}-04-01,{cost},{acc},1,件,総務,所有,,\\r\\n")
fixed = sum(lines.values())
with open(opening, "w", encoding="utf-8") as f:
    f.write("path,amount\\n")
    for path, amount in lines.items():
        f.write(f"{path},{amount}\\n")
    f.write("BS/流動資産/現金預金,1000000000\\nBS/固定負債/地方債,1000000000\\n")
    f.write(f"BS/固定資産等形成分,{fixed}\\nBS/余剰分（不足分）,0\\n")
"""


def run_close_bench(*, records: int, assets: int, workdir: Path) -> int:
    """Time the year-end close of a prefecture-scale year: N cash records converted and a
    register of M assets in one database (prepared, not timed), then ``kokai close`` (the
    register's depreciation and every closing item with inputs) and ``kokai book`` (the
    statements, 附属明細書 and 注記 as XLSX and PDF)."""
    workdir.mkdir(parents=True, exist_ok=True)
    for p in workdir.glob("bench-close.sqlite3*"):
        p.unlink()
    db = f"sqlite:///{(workdir / 'bench-close.sqlite3').resolve()}"
    csv, settled = workdir / f"bench-cash-{records}.csv", workdir / f"bench-settled-{records}.csv"
    register, opening = workdir / f"bench-register-{assets}.csv", workdir / f"bench-register-opening-{assets}.csv"
    t0 = time.perf_counter()
    if not (csv.exists() and settled.exists()):
        subprocess.run([sys.executable, "-c", _PREPARE, str(csv), str(settled), str(records)], check=True)
    if not (register.exists() and opening.exists()):
        subprocess.run([sys.executable, "-c", _PREPARE_ASSETS, str(register), str(opening), str(assets)], check=True)
    # last year's closing balances of a body this size (bonds, funds, loans, investments,
    # receivables, provisions), so that every closing item has a ledger to tie to
    rich = workdir / f"bench-close-opening-{records}-{assets}.csv"
    subprocess.run([sys.executable, "-c", _PREPARE_CLOSE_OPENING, str(opening), str(settled), str(rich)], check=True)
    for args in (["init", "--lg-code", city.LG_CODE, "--name", city.NAME], ["fund", "add", "--code", "90", "--name", "歳計外現金"],
                 ["import", "opening", str(rich), "--year", str(YEAR)],
                 ["import", "assets", str(register), "--year", str(YEAR)],
                 ["import", "settled", str(settled)], ["import", "cash", str(csv), "--convert"]):
        _run(args, db)
    print(f"準備（歳入歳出データ {records:,} 件の取込・変換、固定資産 {assets:,} 件の台帳）: "
          f"{time.perf_counter() - t0:.1f} 秒（計測対象外）")
    inputs = workdir / "bench-closing-inputs.xlsx"
    subprocess.run([sys.executable, "-c", _PREPARE_CLOSING, db, str(inputs)], check=True)
    _run(["close", "--year", str(YEAR), "--inputs", str(inputs), "--inputs-only"], db)
    for label, args in (
        ("決算整理", ["close", "--year", str(YEAR)]),
        ("再実行", ["close", "--year", str(YEAR)]),
        ("財務書類一式", ["book", "--year", str(YEAR), "--out", str(workdir)]),
    ):
        seconds, rss, out = _run(args, db)
        print(f"{label:6s} {seconds:6.1f} 秒  最大メモリ {rss:5d} MiB")
        for line in out.strip().splitlines():
            print(f"           {line}")
    return 0


_PREPARE_CLOSE_OPENING = """
import csv, sys
from kokai.core.chart import FA_FINANCIAL, FA_TANGIBLE, standard_chart
reg, settled, out = sys.argv[1:4]
chart = standard_chart()
# R: the year's bond repayments (歳出 款12 目1 元金 of the settled amounts)
R = sum(int(r["決算額"]) for r in csv.DictReader(open(settled, encoding="utf-8"))
        if r["会計区分"] == "01" and r["歳入歳出区分"] == "歳出" and r["款"] == "12" and r["目"] == "1")
lines = {}
for r in csv.DictReader(open(reg, encoding="utf-8")):
    if r["path"] not in ("BS/固定資産等形成分", "BS/余剰分（不足分）"):
        lines[r["path"]] = int(r["amount"])
IO, CUR = "BS/固定資産/投資その他の資産", "BS/流動資産"
extra = {  # per mille of R
    "BS/流動負債/1年内償還予定地方債": 1000, "BS/固定負債/地方債": 12000,
    f"{CUR}/基金/財政調整基金": 300, f"{IO}/基金/減債基金": 500, f"{IO}/基金/その他": 1000,
    f"{IO}/長期貸付金": 400, f"{CUR}/短期貸付金": 100,
    f"{IO}/投資及び出資金/有価証券": 50, f"{IO}/投資及び出資金/出資金": 200, f"{IO}/投資及び出資金/その他": 10,
    f"{CUR}/未収金": 20, f"{IO}/長期延滞債権": 30, f"{CUR}/徴収不能引当金": -1, f"{IO}/徴収不能引当金": -2,
    f"{IO}/投資損失引当金": -5, "BS/流動負債/未払金": 50, "BS/流動負債/未払費用": 5, "BS/流動負債/前受金": 10,
    "BS/流動負債/賞与等引当金": 200, "BS/固定負債/退職手当引当金": 2500, "BS/固定負債/損失補償等引当金": 10,
}
for p, pm in extra.items():
    lines[p] = lines.get(p, 0) + R * pm // 1000
fixed = sum(v for p, v in lines.items() if chart.resolve(p).fa_group in (FA_TANGIBLE, FA_FINANCIAL))
assets = sum(v for p, v in lines.items() if chart.resolve(p).side == "D")
liab = sum(v for p, v in lines.items() if chart.resolve(p).side == "C")
with open(out, "w", encoding="utf-8") as f:
    f.write("path,amount\\n")
    for p, v in lines.items():
        f.write(f"{p},{v}\\n")
    f.write(f"BS/固定資産等形成分,{fixed}\\nBS/余剰分（不足分）,{assets - liab - fixed}\\n")
"""


_PREPARE_CLOSING = """
import os, sys
os.environ["KOKAI_DATABASE_URL"] = sys.argv[1]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kokai.settings")
import django
django.setup()
from pathlib import Path
from kokai.closing.services import export_template
from kokai.demo.bench_closing import fill_closing_template
from kokai.ledger.models import LocalGovernment
lg = LocalGovernment.objects.get()
path = Path(sys.argv[2])
export_template(lg=lg, fiscal_year=2024, path=path)
fill_closing_template(lg, path)
"""
