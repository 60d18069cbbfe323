"""Importing 歳入歳出データ (cash records) through profiles: accounting examples and bad files."""

from __future__ import annotations

import datetime as dt

import pytest

from kokai.core.cash import CASH_SCHEMA, preview, read_cash, write_sample
from kokai.core.profiles import ProfileError, load_profile, shipped_profiles

HEADER = ("会計年度,会計区分,歳入歳出区分,款,款名,項,項名,目,目名,節,節名,細節,細節名,伝票番号,行番号,"
          "日付,金額,伝票種別,所属,相手方,摘要,事業コード,繰越区分,現年滞繰区分")


def rec(voucher="E001", line="1", date="2024-04-10", amount="10000", vt="通常", direction="歳出",
        kan="02", kou="01", moku="01", setsu="07", year="2024", fund="01", party="山田太郎",
        desc="講師謝礼", carry="", arrears="", setsu_name="報償費"):
    return (f"{year},{fund},{direction},{kan},総務費,{kou},総務管理費,{moku},一般管理費,{setsu},{setsu_name},,,"
            f"{voucher},{line},{date},{amount},{vt},総務課,{party},{desc},,{carry},{arrears}")


def write(tmp_path, *rows, name="cash.csv", encoding="utf-8", header=HEADER):
    path = tmp_path / name
    path.write_bytes(("\r\n".join(([header] if header else []) + list(rows)) + "\r\n").encode(encoding))
    return path


def refused(path, profile="standard", **kw):
    df, issues = read_cash(path, profile=profile, **kw)
    assert df is None and issues
    return issues


# --- profiles --------------------------------------------------------------------------

def test_shipped_profiles_load():
    assert {"standard", "vendor-a"} <= set(shipped_profiles())
    std = load_profile("standard")
    assert std.header and std.columns["kan"] == "款"
    a = load_profile("vendor-a")
    assert not a.header and a.encoding == "cp932" and a.voucher_types["2"] == "戻入"


def test_profile_errors_are_japanese(tmp_path):
    with pytest.raises(ProfileError, match="ありません"):
        load_profile("no-such-vendor")
    p = tmp_path / "x.toml"
    p.write_text('encodng = "cp932"\n[columns]\nfund = "会計"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="不明なキー encodng"):
        load_profile(p)
    p.write_text('[columns]\nfund = "会計"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="必須の項目 .*direction"):
        load_profile(p)
    p.write_text('[columns]\nfund="a"\ndirection="b"\nkan="c"\nkou="d"\nmoku="e"\nsetsu="f"\n'
                 'voucher_no="g"\ndate="h"\namount="i"\n[voucher_types]\n1 = "支払"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="通常、戻入、戻出、振替、訂正"):
        load_profile(p)


# --- a small year of a town, standard layout -------------------------------------------

def test_standard_layout_accounting_examples(tmp_path):
    path = write(
        tmp_path,
        rec("E001", amount="\"12,000\""),                                        # a payment
        rec("E002", date="R6.6.1", amount="3000", vt="戻入", desc="過払分の戻入"),  # 戻入: −
        rec("R001", direction="歳入", kan="01", setsu="01", setsu_name="現年課税分", date="令和6年5月1日",
            amount="50000", vt="収入", arrears="現年"),
        rec("R002", direction="歳入", kan="01", setsu="02", setsu_name="滞納繰越分", date="H31.4.30".replace(
            "H31.4.30", "2024/12/1"), amount="８，０００", arrears="滞納繰越"),
        rec("R003", direction="歳入", kan="01", setsu="01", date="2024-07-01", amount="1000", vt="還付"),  # 戻出
        rec("E003", date="2025-05-20", amount="77000", desc="3月分 出納整理期間"),  # FY2024 in May 2025
        rec("E004", date="令和７年３月３１日", amount="１００", carry="明許"),
        rec("E005", date="R7.3.1", amount="－500", vt="訂正"),  # a red correction slip
        rec("E006", date="20240415", amount="1", fund="90", party="㈱髙島建設①"),
    )
    df, issues = read_cash(path, profile="standard")
    assert issues == []
    assert df.schema == CASH_SCHEMA
    by = {r["voucher_no"]: r for r in df.to_dicts()}
    assert by["E001"]["amount"] == 12000 and by["E001"]["direction"] == "E"
    assert by["E001"]["kan"] == "2" and by["E001"]["setsu"] == "7" and by["E001"]["row"] == 2
    assert by["E002"]["amount"] == -3000 and by["E002"]["voucher_type"] == "戻入"
    assert by["R001"]["amount"] == 50000 and by["R001"]["arrears"] == "現年" and by["R001"]["direction"] == "R"
    assert by["R002"]["amount"] == 8000 and by["R002"]["arrears"] == "滞納繰越"
    assert by["R003"]["amount"] == -1000 and by["R003"]["voucher_type"] == "戻出"
    assert by["E003"]["date"] == dt.date(2025, 5, 20) and by["E003"]["fiscal_year"] == 2024
    assert by["E004"]["date"] == dt.date(2025, 3, 31) and by["E004"]["carryover"] == "繰越明許"
    assert by["E005"]["amount"] == -500 and by["E005"]["voucher_type"] == "訂正"
    assert by["E006"]["custodial"] and by["E006"]["counterparty"] == "㈱髙島建設①"
    assert by["E001"]["arrears"] is None and by["E001"]["carryover"] == "現年"
    # 歳出 total = payments − 戻入
    spent = df.filter(df["direction"] == "E", ~df["custodial"])["amount"].sum()
    assert spent == 12000 - 3000 + 77000 + 100 - 500


@pytest.mark.parametrize("text", ["令和6年4月1日", "令和６年４月１日", "R6.4.1", "R6/4/1", "r6.4.1", "2024-04-01",
                                  "2024/4/1", "20240401", "２０２４年４月１日"])
def test_dates_in_every_form(tmp_path, text):
    df, issues = read_cash(write(tmp_path, rec(date=text)), profile="standard")
    assert issues == [] and df["date"][0] == dt.date(2024, 4, 1)


def test_reiwa_gannen_and_heisei_31(tmp_path):
    path = write(tmp_path, rec("A", year="2019", date="令和元年5月1日"), rec("B", year="2019", date="H31.4.30"),
                 rec("C", year="令和元年度", date="R1.5.7"))
    df, issues = read_cash(path, profile="standard")
    assert issues == []
    assert df["date"].to_list() == [dt.date(2019, 5, 1), dt.date(2019, 4, 30), dt.date(2019, 5, 7)]
    assert set(df["fiscal_year"]) == {2019}


def test_cp932_with_vendor_characters(tmp_path):
    path = write(tmp_path, rec(party="㈱髙島建設", desc="第①回 ｶﾝﾄｸ料"), encoding="cp932")
    df, issues = read_cash(path, profile="standard")
    assert issues == []
    assert df["counterparty"][0] == "㈱髙島建設" and df["description"][0] == "第①回 ｶﾝﾄｸ料"


def test_fiscal_year_from_the_argument_when_the_file_has_none(tmp_path):
    header = HEADER.removeprefix("会計年度,")
    row = rec(date="2025-05-31").split(",", 1)[1]
    df, issues = read_cash(write(tmp_path, row, header=header), profile="standard", fiscal_year=2024)
    assert issues == [] and df["fiscal_year"][0] == 2024
    issues = refused(write(tmp_path, row, header=header), profile="standard")
    assert "会計年度がわかりません" in issues[0].message


def test_blank_rows_are_ignored_but_rows_keep_their_line_numbers(tmp_path):
    path = write(tmp_path, rec("A"), "", ",,,,,,,,,,,,,,,,,,,,,,,", rec("B"))
    df, issues = read_cash(path, profile="standard")
    assert issues == [] and df["row"].to_list() == [2, 5]


def test_vendor_a_headerless_cp932(tmp_path):
    rows = [
        '2024,01,2,1,0000101,1,R6.4.5,2,1,1,12,,総務費,総務管理費,一般管理費,委託料,,"1,234,000",001,㈱髙島建設,'
        '庁舎清掃業務委託,A01,0,',
        '2024,01,2,2,0000102,1,R6.6.10,2,1,1,12,,総務費,総務管理費,一般管理費,委託料,,"34,000",001,㈱髙島建設,'
        '過払戻入,A01,0,',
        '2024,01,1,1,0000001,1,R7.5.20,1,1,1,2,,市税,市民税,個人,滞納繰越分,,"500",002,,,,,1',
        '2024,01,1,3,0000002,1,R6.9.1,1,1,1,1,,市税,市民税,個人,現年課税分,,"2,000",002,,過誤納還付,,,0',
        '2024,90,1,1,0000003,1,R6.4.10,1,1,1,1,,歳計外,,,,,"15,000",002,,源泉所得税,,,',
    ]
    path = write(tmp_path, *rows, encoding="cp932", header=None)
    df, issues = read_cash(path, profile="vendor-a")
    assert issues == []
    assert df["amount"].to_list() == [1234000, -34000, 500, -2000, 15000]
    assert df["voucher_type"].to_list() == ["通常", "戻入", "通常", "戻出", "通常"]
    assert df["arrears"].to_list() == [None, None, "滞納繰越", "現年", "現年"]
    assert df["custodial"].to_list() == [False, False, False, False, True]
    assert df["row"].to_list() == [1, 2, 3, 4, 5] and df["setsu"][0] == "12"


def test_write_sample_round_trips(tmp_path):
    for name in ("standard", "vendor-a"):
        path = tmp_path / f"{name}.csv"
        write_sample(path, 3000, name)
        df, issues = read_cash(path, profile=name)
        assert issues == [] and df.height == 3000
        assert df.filter(df["voucher_type"] == "戻入")["amount"].max() < 0


# --- bad input: refused as a whole, with row, column and a Japanese reason ------------

def test_not_utf8_nor_cp932(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes((HEADER + "\r\n").encode() + rec().encode() + b"\x81\x7f\xff\xfe\r\n")
    (i,) = refused(path)
    assert "文字コード" in i.message and i.row == 2


def test_xlsx_zip_and_binary_are_refused_by_their_first_bytes(tmp_path):
    p = tmp_path / "book.csv"
    p.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    assert refused(p)[0].message == "Excelファイル(xlsx)です。CSVで保存してください"
    p.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    assert "xls" in refused(p)[0].message
    p.write_bytes(b"\x00\x01\x02binary")
    assert "バイナリ" in refused(p)[0].message
    p.write_bytes(b"")
    assert refused(p)[0].message == "ファイルが空です"


def test_truncated_last_line(tmp_path):
    path = write(tmp_path, rec("A"), rec("B")[:40])
    (i,) = refused(path)
    assert i.row == 3 and "最後の行が途中で切れている" in i.message


def test_wrong_column_count(tmp_path):
    path = write(tmp_path, rec("A"), rec("B") + ",余分", rec("C"))
    (i,) = refused(path)
    assert i.row == 3 and "列の数が25です" in i.message


def test_missing_required_columns(tmp_path):
    header = HEADER.replace("金額", "支出額").replace("伝票番号", "番号")
    (i,) = refused(write(tmp_path, rec(), header=header))
    assert i.row == 1 and "伝票番号" in i.message and "金額" in i.message


def test_amount_problems(tmp_path):
    path = write(tmp_path, rec("A", amount="1000.5"), rec("B", amount="千円"), rec("C", amount="1000.00"))
    issues = refused(path)
    assert [(i.row, i.column) for i in issues] == [(2, "金額"), (3, "金額")]
    assert "端数" in issues[0].message and "数値として読めません" in issues[1].message


def test_dates_outside_the_year_and_unreadable(tmp_path):
    path = write(tmp_path, rec("A", date="2025-06-01"), rec("B", date="2024-03-31"), rec("C", date="2024-13-01"),
                 rec("D", date="2025-05-31"))
    issues = refused(path)
    assert [(i.row, i.column) for i in issues] == [(2, "日付"), (3, "日付"), (4, "日付")]
    assert "2024年度の外" in issues[0].message and "出納整理期間" in issues[0].message
    assert "読めません" in issues[2].message


def test_year_given_must_match_the_file(tmp_path):
    (i,) = refused(write(tmp_path, rec(year="2023", date="2023-04-01")), fiscal_year=2024)
    assert i.row == 2 and "2023年度" in i.message


def test_duplicate_voucher_lines_report_both_rows(tmp_path):
    path = write(tmp_path, rec("A"), rec("B"), rec("A"), rec("A", direction="歳入", vt="通常"))
    issues = refused(path)
    assert [i.row for i in issues] == [2, 4]
    assert "4行目と同じ" in issues[0].message and "2行目と同じ" in issues[1].message


def test_total_rows_are_refused_not_skipped(tmp_path):
    total = ",,,,,,,,,,,,,,,,\"99,000\",,,,合計,,,"
    subtotal = ",,,02,総務費計,,,,,,,,,,,,,,,,,,,"
    path = write(tmp_path, rec("A"), total, subtotal, rec("合計", amount="5"))
    issues = refused(path)
    assert [(i.row, i.column) for i in issues] == [(3, "伝票番号"), (4, "伝票番号"), (5, "伝票番号")]
    assert all(i.message == "合計行のようです。データ行だけにしてください" for i in issues)


def test_unknown_codes_list_the_allowed_ones(tmp_path):
    path = write(tmp_path, rec("A", vt="支払"), rec("B", direction="3"))
    issues = refused(path)
    assert [(i.row, i.column) for i in issues] == [(2, "伝票種別"), (3, "歳入歳出区分")]
    assert "通常、戻入、戻出、振替、訂正" in issues[0].message
    assert "R(歳入), E(歳出)" in issues[1].message


def test_vendor_a_unknown_code_names_position(tmp_path):
    row = '2024,01,2,9,0000101,1,R6.4.5,2,1,1,12,,総務費,総務管理費,一般管理費,委託料,,"1,000",001,,,,0,'
    (i,) = refused(write(tmp_path, row, encoding="cp932", header=None), profile="vendor-a")
    assert i.row == 1 and i.column == "伝票種別（4列目）"
    assert "1(通常), 2(戻入), 3(戻出), 4(振替), 5(訂正)" in i.message


def test_refund_sign_and_side(tmp_path):
    path = write(tmp_path, rec("A", vt="戻入", amount="-100"), rec("B", vt="戻入", direction="歳入"))
    issues = refused(path)
    assert [(i.row, i.column) for i in issues] == [(2, "金額"), (3, "伝票種別")]


def test_all_issues_are_collected_up_to_a_cap(tmp_path):
    rows = [rec(f"V{i}", amount="x") for i in range(1200)]
    issues = refused(write(tmp_path, *rows))
    assert len(issues) == 1001 and "1,000件を超えた" in issues[-1].message


# --- preview -----------------------------------------------------------------------------

def test_preview_shows_parsed_rows_and_their_issues(tmp_path):
    path = write(tmp_path, rec("A"), rec("B", amount="abc"), rec("C"), rec("D"))
    rows = preview(path, profile="standard", n=2)
    assert [r["row"] for r in rows] == [2, 3]
    assert rows[0]["amount"] == 10000 and rows[0]["issues"] == []
    assert rows[1]["amount"] is None and "数値として読めません" in rows[1]["issues"][0]


def test_preview_of_a_wrong_file(tmp_path):
    p = tmp_path / "b.csv"
    p.write_bytes(b"PK\x03\x04zzzz")
    (r,) = preview(p, profile="standard")
    assert r["row"] is None and "xlsx" in r["issues"][0]
