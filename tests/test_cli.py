"""The kokai command end to end, each run in its own process on its own SQLite file:
the JSON contract, the XLSX in the 様式 layout, the checks' exit code, the demo city."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import openpyxl
import pytest

from .example_town import journals_csv, opening_csv


def kokai(tmp_path, *args, check=True):
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOKAI_")}
    proc = subprocess.run(
        [sys.executable, "-m", "kokai", "--db", f"sqlite:///{tmp_path}/k.sqlite3", *args],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"kokai {args} → {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture
def town(tmp_path):
    (tmp_path / "open.csv").write_text(opening_csv(), encoding="utf-8")
    (tmp_path / "j.csv").write_text(journals_csv(), encoding="cp932")
    kokai(tmp_path, "init", "--lg-code", "999999", "--name", "テスト町")
    kokai(tmp_path, "import", "opening", "open.csv", "--year", "2024")
    out = kokai(tmp_path, "import", "journals", "j.csv").stdout
    assert "仕訳 18 件（明細 38 行）を転記しました" in out
    return tmp_path


def test_json_contract(town):
    doc = json.loads(kokai(town, "statements", "--year", "2024", "--format", "json").stdout)
    assert (doc["lg_code"], doc["fiscal_year"], doc["scope"], doc["unit"]) == ("999999", 2024, "一般会計等", "円")
    bs = {ln["path"]: ln for ln in doc["statements"]["BS"]}
    assert bs["固定資産/有形固定資産/インフラ資産/土地"] == {
        "code": "BS0200", "name": "土地", "path": "固定資産/有形固定資産/インフラ資産/土地", "level": 4, "amount": 0,
    }
    assert bs["資産合計"]["level"] == 1 and bs["資産合計"]["amount"] == 29_170
    assert bs["固定資産/有形固定資産/事業用資産/建物減価償却累計額"]["amount"] == -3_300
    nw = {ln["path"]: ln for ln in doc["statements"]["NW"]}
    assert nw["本年度末純資産残高"]["amounts"] == {"合計": 20_890, "固定資産等形成分": 26_450, "余剰分（不足分）": -5_560}
    assert "amount" not in nw["本年度末純資産残高"]
    pl = {ln["path"]: ln["amount"] for ln in doc["statements"]["PL"]}
    assert pl["経常費用/業務費用/人件費/職員給与費"] == 3_000 and pl["純行政コスト"] == 3_860
    assert [len(doc["statements"][s]) for s in ("BS", "PL", "NW", "CF")] == [78, 35, 19, 49]
    assert all(c["ok"] for c in doc["checks"]) and {c["id"] for c in doc["checks"]} >= {f"C{i}" for i in range(1, 14)}


def test_xlsx_in_thousands_of_yen_states_its_rounding(town):
    kokai(town, "statements", "--year", "2024", "--format", "xlsx", "--unit", "千円", "--out", "s.xlsx")
    wb = openpyxl.load_workbook(town / "s.xlsx")
    assert wb.sheetnames[:4] == ["様式第1号 貸借対照表", "様式第2号 行政コスト計算書", "様式第3号 純資産変動計算書", "様式第4号 資金収支計算書"]
    bs = wb["様式第1号 貸借対照表"]
    rows = {r[0]: r[1] for r in bs.iter_rows(values_only=True) if r[0]}
    assert rows["（単位：千円）"] is None and rows["資産合計"] == 29  # 29,170 yen → 29 千円 (四捨五入)
    assert rows["純資産合計"] == 21  # 20,890 → 21
    notes = [r[0] for r in bs.iter_rows(values_only=True) if r[0] and "四捨五入" in str(r[0])]
    assert notes and "合計が内訳の合計と一致しない場合があります" in notes[0]
    nw = wb["様式第3号 純資産変動計算書"]
    header = next(r for r in nw.iter_rows(values_only=True) if r[0] == "科目")
    assert header == ("科目", "合計", "固定資産等形成分", "余剰分（不足分）")


def test_check_prints_both_sides_and_exits_zero_when_all_agree(town):
    out = kokai(town, "check", "--year", "2024").stdout
    assert "OK C1 資産合計 = 負債合計 + 純資産合計: 資産合計 29,170 / 負債合計＋純資産合計 29,170" in out
    assert "OK L1" in out and "（不一致 0件" in out
    assert "対象外 C14" in out  # the first year on Kokai has no published prior year


def test_check_report_writes_the_working_paper(town):
    res = kokai(town, "check", "--year", "2024", "--report", str(town / "検証調書.xlsx"))
    assert res.returncode == 0, res.stderr
    wb = openpyxl.load_workbook(town / "検証調書.xlsx")
    assert wb.sheetnames[0] == "検証結果"
    ids = [r[0] for r in wb["検証結果"].iter_rows(values_only=True) if r[0] in ("C1", "C14", "L1")]
    assert ids[:1] == ["C1"] and "C14" in ids and "L1" in ids


def test_a_refused_import_exits_2_and_stores_nothing(town):
    (town / "bad.csv").write_text("伝票番号,日付,会計年度,会計区分,所属,借方科目,借方金額,貸方科目,貸方金額,摘要\n"
                                  "X1,2024-05-01,2024,一般会計,0101,職員給与費,10,人件費支出,10,\n"
                                  "X2,2024-05-01,2024,一般会計,0101,職員給与費,10,人件費支出,11,\n", encoding="utf-8")
    proc = kokai(town, "import", "journals", "bad.csv", check=False)
    assert proc.returncode == 2
    assert "bad.csv 3行目: 伝票「X2」の借方合計 10円 と貸方合計 11円 が一致しません" in proc.stderr
    assert "データベースは変更していません" in proc.stderr
    doc = json.loads(kokai(town, "statements", "--year", "2024").stdout)
    assert next(ln for ln in doc["statements"]["PL"] if ln["path"] == "純行政コスト")["amount"] == 3_860


def test_commands_explain_what_is_missing(tmp_path):
    proc = kokai(tmp_path, "check", "--year", "2024", check=False)
    assert proc.returncode != 0 and "kokai init" in proc.stderr


def test_demo_city_closes_its_year(tmp_path):
    """デモ市: about 50,000 people and 200億円 a year, two years closed; no check fails and
    the second year ties to the first as it was closed (C14)."""
    proc = kokai(tmp_path, "demo")
    assert proc.stdout.count("（不一致 0件、注意 0件") == 2, proc.stdout
    assert "前年度との整合（C14）: 6/6 件一致" in proc.stdout
    doc = json.loads((tmp_path / "demo-output" / "statements-2024.json").read_text(encoding="utf-8"))
    cf = {ln["path"]: ln["amount"] for ln in doc["statements"]["CF"]}
    spend = sum(cf[p] for p in ("業務活動収支/業務支出", "業務活動収支/臨時支出", "投資活動収支/投資活動支出",
                                "財務活動収支/財務活動支出"))
    assert 180e8 < spend < 230e8
    assert 0.13 < cf["業務活動収支/業務支出/業務費用支出/人件費支出"] / spend < 0.20
    assert 0.18 < cf["業務活動収支/業務支出/移転費用支出/社会保障給付支出"] / spend < 0.28
    bs = {ln["path"]: ln["amount"] for ln in doc["statements"]["BS"]}
    assert 800e8 < bs["資産合計"] < 1_200e8
    assert (tmp_path / "demo-output" / "statements-2024.xlsx").exists()
    again = kokai(tmp_path, "demo")  # re-running changes nothing: both years are closed
    assert again.stdout.count("決算が確定しています。取込みと決算整理は行わず") == 2
