"""歳入歳出データ加工: 戻入 and 戻出 net against their items, and every item ties to its 決算額."""

from __future__ import annotations

import datetime as dt

import polars as pl

from kokai.core.reconcile import parse_settled, reconcile

FUNDS = {"一般会計": "01", "01": "01"}
D = dt.date(2024, 6, 1)


def records(*rows):
    """(direction, kan, kou, moku, setsu, voucher, type, amount)"""
    return pl.DataFrame(
        [(2024, "01", d, kan, kou, moku, setsu, v, t, a, D, 1, "") for d, kan, kou, moku, setsu, v, t, a in rows],
        schema={"fiscal_year": pl.Int32, "fund": pl.String, "direction": pl.String, "kan": pl.String, "kou": pl.String,
                "moku": pl.String, "setsu": pl.String, "voucher_no": pl.String, "voucher_type": pl.String,
                "amount": pl.Int64, "date": pl.Date, "line_no": pl.Int32, "description": pl.String},
        orient="row",
    )


def settled(text: str):
    frame, issues = parse_settled(("会計年度,会計区分,歳入歳出区分,款,項,目,節,決算額,節名\n" + text).encode("cp932"),
                                  file="決算額.csv", funds=FUNDS)
    assert issues == []
    return frame


def test_a_refund_nets_against_its_expenditure_item():
    """需用費 (款2項1目1節10): paid 120,000 and 30,000, 5,000 returned (戻入) → 決算額 145,000.
    市民税 (款1項1目1節1): received 900,000, 2,000 refunded (戻出) → 決算額 898,000."""
    rec = reconcile(
        records(("E", "2", "1", "1", "10", "100", "通常", 120_000), ("E", "2", "1", "1", "10", "101", "通常", 30_000),
                ("E", "2", "1", "1", "10", "102", "戻入", -5_000),
                ("R", "1", "1", "1", "1", "500", "通常", 900_000), ("R", "1", "1", "1", "1", "501", "戻出", -2_000)),
        settled("2024,一般会計,歳出,02,01,01,10,145000,需用費\n2024,一般会計,歳入,1,1,1,1,\"898,000\",現年課税分\n"),
    )
    assert rec.ok
    row = rec.items.filter(pl.col("direction") == "E").row(0, named=True)
    assert (row["gross"], row["refunds"], row["net"], row["settled"], row["difference"]) == (150_000, 5_000, 145_000, 145_000, 0)
    assert row["name"] == "需用費"


def test_every_difference_is_reported_with_the_records_behind_it():
    """決算書 says 需用費 140,000 but the data nets to 145,000; 委託料 has a 決算額 and no data."""
    rec = reconcile(
        records(("E", "2", "1", "1", "10", "100", "通常", 150_000), ("E", "2", "1", "1", "10", "102", "戻入", -5_000)),
        settled("2024,一般会計,歳出,2,1,1,10,140000,需用費\n2024,一般会計,歳出,2,1,1,12,80000,委託料\n"),
    )
    assert not rec.ok
    diffs = {r["setsu"]: r["difference"] for r in rec.differences.iter_rows(named=True)}
    assert diffs == {"10": 5_000, "12": -80_000}
    assert sorted(rec.behind["voucher_no"].to_list()) == ["100", "102"]


def test_bad_settlement_rows_are_reported_by_row_and_column():
    _frame, issues = parse_settled(
        "会計年度,会計区分,歳入歳出区分,款,項,目,節,決算額\n2024,一般会計,支出,2,1,1,10,1\n2024,一般会計,歳出,2,1,1,10,1.5\n"
        "2024,特別会計,歳出,2,1,1,10,1\n2024,一般会計,歳出,2,1,,10,1\n".encode(),
        file="決算額.csv", funds=FUNDS,
    )
    assert [(i.row, i.column) for i in issues] == [(2, "歳入歳出区分"), (3, "決算額"), (4, "会計区分"), (5, "")]
