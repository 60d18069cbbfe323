"""The 資金仕訳変換表 (kokai.core.conversion) as accounting examples: a cash record in, the
journal the standard table books for it out. No database."""

from __future__ import annotations

import random

import polars as pl
import pytest

from kokai.core.chart import standard_chart
from kokai.core.conversion import (
    DECISIONS,
    Rule,
    RuleTable,
    RuleTableError,
    apply_rules,
    load_rules,
    standard_rules,
)
from kokai.core.issues import Issue

PL_ = "PL/経常費用/業務費用"
CF_B = "CF/業務活動収支/業務支出/業務費用支出"
CF_BR = "CF/業務活動収支/業務収入"
CF_I = "CF/投資活動収支"
CF_F = "CF/財務活動収支"
JINKEN = f"{CF_B}/人件費支出"
BUKKEN = f"{CF_B}/物件費等支出"
HEADER = "id,from_year,to_year,direction,kan,kou,moku,setsu,saisetsu,debit,credit,decision,candidates,note\n"


@pytest.fixture(scope="module")
def rules() -> RuleTable:
    return standard_rules()


def spend(rules, year, setsu, saisetsu=None, *, saisetsu_name=None, kan="2", **kw) -> Rule | None:
    """The rule for a 歳出 record (款 2 総務費 項 1 目 1 unless given)."""
    return rules.match(fiscal_year=year, direction="E", kan=kan, kou="1", moku="1", setsu=setsu,
                       saisetsu=saisetsu, saisetsu_name=saisetsu_name, **kw)


def receive(rules, year, kan, kou="1", moku="1", setsu="1", **kw) -> Rule | None:
    return rules.match(fiscal_year=year, direction="R", kan=kan, kou=kou, moku=moku, setsu=setsu,
                       saisetsu=None, **kw)


# ------------------------------------------------------------------ 歳出


def test_salary_is_staff_pay(rules):
    r = spend(rules, 2024, "2")
    assert (r.debit, r.credit, r.decision) == (f"{PL_}/人件費/職員給与費", JINKEN, "")
    assert spend(rules, 2019, "02") == r  # leading zeros do not matter


@pytest.mark.parametrize("year, setsu", [(2019, "13"), (2024, "12")])
def test_commission_is_goods_pending_a_matching(rules, year, setsu):
    r = spend(rules, year, setsu)
    assert (r.debit, r.credit) == (f"{PL_}/物件費等/物件費", BUKKEN)
    assert r.decision == "matching"
    assert "BS/固定資産/有形固定資産/事業用資産/建設仮勘定" in r.candidates


def test_works_contract_by_year(rules):
    """工事請負費 is 節 15 up to FY2019 and 節 14 from FY2020 (節 07 賃金 abolished)."""
    old, new = spend(rules, 2019, "15"), spend(rules, 2024, "14")
    for r in (old, new):
        assert r.debit == "BS/固定資産/有形固定資産/事業用資産/建設仮勘定"
        assert r.credit == f"{CF_I}/投資活動支出/公共施設等整備費支出"
        assert r.decision == "matching"
        assert f"{PL_}/物件費等/維持補修費" in r.candidates
    assert old.id != new.id
    # the same code means something else in the other numbering
    assert spend(rules, 2024, "15").id.startswith("E-原材料費")
    assert spend(rules, 2019, "14").id.startswith("E-使用料及び賃借料")


def test_wages_exist_only_to_2019(rules):
    r = spend(rules, 2019, "7")
    assert (r.id, r.debit, r.credit) == ("E-賃金", f"{PL_}/物件費等/物件費", BUKKEN)
    assert spend(rules, 2020, "7").id == "E-報償費"  # new 節 07 報償費


def test_retirement_allowance_draws_on_the_provision(rules):
    r = spend(rules, 2024, "3", "5", saisetsu_name="退職手当")
    assert (r.debit, r.credit) == ("BS/固定負債/退職手当引当金", JINKEN)
    other = spend(rules, 2024, "3", "1", saisetsu_name="扶養手当")
    assert other.debit == f"{PL_}/人件費/職員給与費"
    assert spend(rules, 2024, "3", "8", saisetsu_name="期末手当").id == "E-職員手当等-期末勤勉手当"


def test_repairs_are_maintenance(rules):
    r = spend(rules, 2024, "10", "3", saisetsu_name="修繕料")
    assert r.debit == f"{PL_}/物件費等/維持補修費"
    assert spend(rules, 2024, "10", "1", saisetsu_name="消耗品費").debit == f"{PL_}/物件費等/物件費"


def test_bond_principal_and_interest(rules):
    kw = {"kan": "12"}  # 公債費
    principal = spend(rules, 2024, "22", "1", saisetsu_name="元金", **kw)
    interest = spend(rules, 2024, "22", "2", saisetsu_name="利子", **kw)
    assert (principal.debit, principal.credit) == (
        "BS/流動負債/1年内償還予定地方債", f"{CF_F}/財務活動支出/地方債償還支出")
    assert (interest.debit, interest.credit) == (
        f"{PL_}/その他の業務費用/支払利息", f"{CF_B}/支払利息支出")
    # old numbering: 節 23
    assert spend(rules, 2019, "23", "2", saisetsu_name="利子", **kw).debit == interest.debit
    # without a 細節 the record is booked as principal and flagged for a split
    unsplit = spend(rules, 2024, "22", **kw)
    assert unsplit.debit == principal.debit and unsplit.decision == "split"


def test_capital_rows_have_candidates_and_a_provisional_booking(rules):
    for r in rules:
        if r.decision in ("matching", "purpose", "classify"):
            assert r.candidates, r.id
        if r.decision != "none":
            assert r.debit and r.credit, r.id


# ------------------------------------------------------------------ 歳入


def test_local_tax_current_year_vs_arrears(rules):
    current = receive(rules, 2024, "1", arrears="現年")
    arrears = receive(rules, 2024, "1", arrears="滞納繰越")
    unknown = receive(rules, 2024, "1")
    assert (current.debit, current.credit) == (f"{CF_BR}/税収等収入", "NW/財源/税収等")
    # arrears collected are not revenue again: they clear last year's receivable
    assert (arrears.debit, arrears.credit) == (f"{CF_BR}/税収等収入", "BS/流動資産/未収金")
    assert unknown.credit == "NW/財源/税収等" and unknown.decision == "split"


def test_fees_current_year_vs_arrears(rules):
    assert receive(rules, 2024, "14", arrears="現年").credit == "PL/経常収益/使用料及び手数料"
    assert receive(rules, 2024, "14", arrears="滞納繰越").credit == "BS/流動資産/未収金"
    assert receive(rules, 2019, "13", arrears="現年").credit == "PL/経常収益/使用料及び手数料"


def test_grants_need_a_purpose(rules):
    r = receive(rules, 2024, "15")  # 国庫支出金
    assert (r.debit, r.credit, r.decision) == (f"{CF_BR}/国県等補助金収入", "NW/財源/国県等補助金", "purpose")
    assert f"{CF_I}/投資活動収入/国県等補助金収入" in r.candidates
    assert receive(rules, 2019, "14").id == "R-国庫支出金-旧"


def test_carried_forward_balance_is_no_journal(rules):
    r = receive(rules, 2024, "20")  # 繰越金
    assert r.decision == "none" and not r.journal
    assert (r.debit, r.credit) == ("", "")
    assert receive(rules, 2019, "19").decision == "none"


def test_property_income_and_transfers_by_kou(rules):
    assert receive(rules, 2024, "17", kou="1").credit == "PL/経常収益/その他"
    sale = receive(rules, 2024, "17", kou="2")
    assert sale.debit == f"{CF_I}/投資活動収入/資産売却収入" and sale.decision == "matching"
    fund = receive(rules, 2024, "19", kou="2")
    assert fund.debit == f"{CF_I}/投資活動収入/基金取崩収入"
    assert receive(rules, 2024, "22").credit == "BS/固定負債/地方債"  # 市町村債


def test_loan_repayment_split_by_setsu_name(rules):
    principal = receive(rules, 2024, "21", kou="3", setsu_name="貸付金元金収入")
    interest = receive(rules, 2024, "21", kou="3", setsu_name="貸付金利子収入")
    assert principal.credit == "BS/固定資産/投資その他の資産/長期貸付金"
    assert interest.credit == "PL/経常収益/その他"


# ------------------------------------------------------------------ 歳計外現金


def test_custodial_receipt_and_payment(rules):
    kw = {"kan": "1", "kou": "1", "moku": "1", "setsu": "1", "saisetsu": None, "custodial": True}
    receipt = rules.match(fiscal_year=2024, direction="R", **kw)
    payment = rules.match(fiscal_year=2024, direction="E", **kw)
    assert (receipt.debit, receipt.credit) == ("CF/本年度歳計外現金増減額", "BS/流動負債/預り金")
    assert (payment.debit, payment.credit) == ("BS/流動負債/預り金", "CF/本年度歳計外現金増減額")
    # a budget rule never takes a custodial record, nor the reverse
    assert receive(rules, 2024, "1", arrears="現年").id == "R-市町村税-現年"


def test_unmatched_record(rules):
    assert spend(rules, 2024, "99") is None
    assert spend(rules, 2024, None) is None


# ------------------------------------------------------------------ precedence


def _table(*rows: str) -> RuleTable:
    return load_rules(HEADER + "".join(r + "\n" for r in rows))


GOODS = f"{PL_}/物件費等/物件費,{BUKKEN}"
REPAIR = f"{PL_}/物件費等/維持補修費,{BUKKEN}"
STAFF = f"{PL_}/人件費/職員給与費,{JINKEN}"


def test_most_specific_wins():
    t = _table(
        f"a,,,E,*,*,*,10,*,{GOODS},,,",
        f"b,,,E,*,*,*,10,3,{REPAIR},,,",
        f"c,,,E,2,*,*,*,*,{STAFF},,,",
    )
    assert spend(t, 2024, "10", "3").id == "b"
    assert spend(t, 2024, "10", "1").id == "a"
    # 款+節 outranks 節 alone (two fields against one)
    t2 = _table(f"a,,,E,*,*,*,10,*,{GOODS},,,", f"k,,,E,2,*,*,10,*,{REPAIR},,,")
    assert spend(t2, 2024, "10").id == "k"
    # equal counts: 節 (16) outranks 款 (2)
    t3 = _table(f"k,,,E,2,*,*,*,*,{STAFF},,,", f"s,,,E,*,*,*,10,*,{GOODS},,,")
    assert spend(t3, 2024, "10").id == "s"


def test_later_row_wins_a_tie():
    first = _table(f"std,,,E,*,*,*,10,*,{GOODS},,,", f"mine,,,E,*,*,*,10,*,{REPAIR},,,")
    assert spend(first, 2024, "10").id == "mine"
    # appending an override to the standard table
    text = standard_rules().to_csv() + f"団体-委託料,2020,,E,,*,*,*,12,*,*,*,{REPAIR},,,\n"
    assert spend(load_rules(text), 2024, "12").id == "団体-委託料"


def test_years_bound_a_rule():
    t = _table(f"old,,2019,E,*,*,*,7,*,{GOODS},,,", f"new,2020,,E,*,*,*,7,*,{STAFF},,,")
    assert spend(t, 2019, "7").id == "old"
    assert spend(t, 2020, "7").id == "new"


def test_explain_names_the_winner(rules):
    lines = rules.explain(fiscal_year=2024, direction="E", kan="2", kou="1", moku="1", setsu="3",
                          saisetsu="5", saisetsu_name="退職手当")
    text = "\n".join(lines)
    assert lines[0].startswith("記録: 2024年度 歳出")
    assert "○ E-職員手当等（" in text and "○ E-職員手当等-退職手当（" in text
    assert lines[-1].startswith("→ 採用: E-職員手当等-退職手当")
    assert "退職手当引当金" in lines[-1]
    assert any("× E-賃金" in ln and "適用年度" in ln for ln in lines)
    none = rules.explain(fiscal_year=2024, direction="E", kan="2", kou="1", moku="1", setsu="99",
                         saisetsu=None)
    assert "変換規則がありません" in none[-1]


def test_explain_tie_break_is_said():
    t = _table(f"std,,,E,*,*,*,10,*,{GOODS},,,", f"mine,,,E,*,*,*,10,*,{REPAIR},,,")
    last = t.explain(fiscal_year=2024, direction="E", kan="2", kou="1", moku="1", setsu="10",
                     saisetsu=None)[-1]
    assert "採用: mine" in last and "後の行" in last


# ------------------------------------------------------------------ the file


def test_round_trip(rules):
    again = load_rules(rules.to_csv())
    assert again == rules
    assert again.to_csv() == rules.to_csv()


def test_every_path_resolves_to_a_postable_account(rules):
    chart = standard_chart()
    assert len(rules) > 100
    for r in rules:
        for path in (r.debit, r.credit, *r.candidates):
            if path:
                line = chart.resolve(path)
                assert line.postable and line.qualified_path == path, (r.id, path)
        assert r.decision in DECISIONS


def test_minimal_columns_are_enough():
    t = _table(f"x,,,E,*,*,*,07,*,{GOODS},,,")
    r = t.rules[0]
    assert (r.setsu, r.name, r.arrears, r.custodial) == ("7", "*", "*", False)


def test_bad_rows_are_refused_with_row_and_column():
    text = HEADER + "\n".join([
        f"ok,,,E,*,*,*,1,*,{STAFF},,,",
        f"a,,,E,*,*,*,2,*,PL/経常費用/業務費用/人件費/給与,{JINKEN},,,",
        f"b,2021,2019,E,*,*,*,3,*,{STAFF},,,",
        f"c,二〇二〇,,E,*,*,*,4,*,{STAFF},,,",
        f"d,,,X,*,*,*,5,*,{STAFF},,,",
        f"ok,,,E,*,*,*,6,*,{STAFF},,,",
        f"e,,,E,*,*,*,8,*,{JINKEN},{PL_}/人件費/職員給与費,,,",
        f"f,,,E,*,*,*,9,*,{PL_}/人件費,{JINKEN},,,",
        f"g,,,E,*,*,,10,*,{STAFF},maybe,,",
        "h,,,R,*,*,*,11,*,,,none,,",
        f"i,,,R,*,*,*,11,*,{STAFF},none,,",
        "j,,,E,*,*,*,12",
    ]) + "\n"
    with pytest.raises(RuleTableError) as err:
        load_rules(text, file="rules.csv")
    assert isinstance(err.value, ValueError)
    found = {(i.row, i.column) for i in err.value.issues}
    assert all(isinstance(i, Issue) and i.file == "rules.csv" for i in err.value.issues)
    assert (3, "debit") in found  # unknown account path
    assert (4, "to_year") in found  # from_year after to_year
    assert (5, "from_year") in found  # not a year
    assert (6, "direction") in found
    assert (7, "id") in found  # duplicate id
    assert (8, "credit") in found and (8, "debit") in found  # sides swapped
    assert (9, "debit") in found  # a sum line, not postable
    assert (10, "moku") in found and (10, "decision") in found
    assert (11, "debit") not in found  # R with none and no accounts is fine
    assert (12, "debit") in found  # none with accounts
    assert (13, None) not in found and any(i.row == 13 and not i.column for i in err.value.issues)
    messages = "\n".join(str(i) for i in err.value.issues)
    assert "rules.csv 3行目 列「debit」" in messages
    assert "勘定科目表にありません" in messages


def test_bad_header_is_refused():
    with pytest.raises(RuleTableError) as err:
        load_rules("id,direction,kan,setsu,debit,credit,colour\n")
    assert err.value.issues[0].row == 1
    assert "kou" in str(err.value) and "colour" in str(err.value)


def test_custodial_rules_use_the_custodial_cash_line():
    bad = ("id,direction,custodial,kan,kou,moku,setsu,saisetsu,debit,credit,decision\n"
           f"x,R,1,*,*,*,*,*,{CF_BR}/税収等収入,BS/流動負債/預り金,\n"
           "y,R,,*,*,*,*,*,CF/本年度歳計外現金増減額,BS/流動負債/預り金,\n")
    with pytest.raises(RuleTableError) as err:
        load_rules(bad)
    assert {(i.row, i.column) for i in err.value.issues} == {(2, "debit"), (3, "debit")}


# ------------------------------------------------------------------ apply_rules


def _records(n: int, seed: int = 7) -> pl.DataFrame:
    rnd = random.Random(seed)
    spend_items = [("3", "5", "退職手当"), ("3", "1", "扶養手当"), ("10", "3", "修繕料"), ("22", "1", "元金"),
                   ("22", "2", "利子"), ("14", None, None), ("12", None, None), ("7", None, None),
                   ("99", None, None), ("2", None, None)]
    rows = {c: [] for c in ("fiscal_year", "direction", "kan", "kou", "moku", "setsu", "saisetsu",
                            "setsu_name", "saisetsu_name", "arrears", "custodial", "amount")}
    for _ in range(n):
        year = rnd.choice([2019, 2024])
        custodial = rnd.random() < 0.05
        if rnd.random() < 0.5:
            setsu, saisetsu, name = rnd.choice(spend_items)
            rec = ("E", str(rnd.randint(1, 12)), "1", str(rnd.randint(1, 3)), setsu, saisetsu, None, name, None)
        else:
            kan = str(rnd.randint(1, 23))
            arrears = rnd.choice(["現年", "滞納繰越", None])
            setsu_name = rnd.choice(["貸付金元金収入", "貸付金利子収入", None])
            rec = ("R", kan, rnd.choice(["1", "2", "3"]), "1", "1", None, setsu_name, None, arrears)
        direction, kan, kou, moku, setsu, saisetsu, setsu_name, saisetsu_name, arrears = rec
        for c, v in zip(rows, (year, direction, kan, kou, moku, setsu, saisetsu, setsu_name,
                               saisetsu_name, arrears, custodial, rnd.randint(-1000, 100000)), strict=True):
            rows[c].append(v)
    return pl.DataFrame(rows, schema_overrides={"fiscal_year": pl.Int32, "amount": pl.Int64})


def test_apply_rules_matches_per_row(rules):
    frame = _records(100_000)
    out = apply_rules(rules, frame)
    assert out.height == frame.height
    assert out.select(frame.columns).equals(frame)  # order and data kept
    assert out.schema["rule_id"] == pl.String and out.schema["decision"] == pl.String
    for i in random.Random(1).sample(range(frame.height), 500):
        row = out.row(i, named=True)
        rule = rules.match(**{k: row[k] for k in ("fiscal_year", "direction", "kan", "kou", "moku",
                                                   "setsu", "saisetsu", "setsu_name", "saisetsu_name",
                                                   "arrears", "custodial")})
        if rule is None:
            assert (row["rule_id"], row["debit"], row["credit"], row["decision"]) == (None,) * 4
        else:
            assert row["rule_id"] == rule.id
            assert row["debit"] == (rule.debit or None) and row["credit"] == (rule.credit or None)
            assert row["decision"] == rule.decision
    # some of each kind occur in the sample
    assert out.filter(pl.col("rule_id").is_null()).height > 0
    assert out.filter(pl.col("decision") == "none")["debit"].is_null().all()
    assert out.filter(pl.col("custodial"))["rule_id"].str.starts_with("C-").all()


def test_apply_rules_small_example(rules):
    frame = pl.DataFrame({
        "fiscal_year": [2024, 2019, 2024],
        "direction": ["E", "E", "R"],
        "kan": ["2", "2", "20"], "kou": ["1", "1", "1"], "moku": ["1", "1", "1"],
        "setsu": ["14", "7", None], "saisetsu": [None, None, None],
        "setsu_name": [None, None, None], "saisetsu_name": [None, None, None],
        "voucher_type": ["通常", "戻入", "通常"], "arrears": [None, None, None],
        "custodial": [False, False, False], "amount": [1_000, -50, 300],
    }, schema_overrides={"fiscal_year": pl.Int32, "amount": pl.Int64})
    out = apply_rules(rules, frame)
    assert out["rule_id"].to_list() == ["E-工事請負費", "E-賃金", "R-繰越金"]
    assert out["decision"].to_list() == ["matching", "", "none"]
    assert out["credit"].to_list() == [f"{CF_I}/投資活動支出/公共施設等整備費支出", BUKKEN, None]
