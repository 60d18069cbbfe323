"""マッチングワークシート (XLSX) round trip: export the payments that need a decision, import the
decisions staff filled in, and hand the stored decisions to the conversion.

The sheet 「マッチング」 has one row per 歳出 payment whose rule says ``matching`` (one per
part once decided); the sheet 「科目の判断」 one row per record (歳入 and 歳出) whose rule says
``classify``, ``purpose`` or ``split`` (and the 歳入 ``matching`` records such as 財産売払収入),
decided by choosing one of its rule's candidate accounts (kind ``account``). The source
columns are locked, the decision columns are unlocked with drop-down lists (the candidates
of each rule are a column of the hidden sheet 「リスト」). An import is all or nothing; every
problem is reported with its sheet, row and column.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import zipfile
from pathlib import Path

import polars as pl
from django.db import transaction

from kokai.core import matching as m
from kokai.core.issues import InputRejected, Issue
from kokai.core.parse import wareki_year
from kokai.ledger.bulk import ANALYZE_AFTER, analyze
from kokai.ledger.masters import chart_for
from kokai.ledger.models import Fund, LocalGovernment

from .models import MatchingDecision
from .services import records_frame

SHEET = "マッチング"
ACCOUNT_SHEET = "科目の判断"
HELP_SHEET = "説明"
LIST_SHEET = "リスト"
MAX_XLSX_BYTES = 200 * 1024**2  # the file itself
MAX_UNPACKED_BYTES = 200 * 1024**2  # sum of the members' uncompressed sizes
MAX_RATIO = 500  # uncompressed / compressed, over the whole file
MAX_MEMBERS = 10_000
LAST_ROW = 1_048_575
NUMBER = '#,##0;"△"#,##0;0'

PAYMENT_COLUMNS = (
    "fiscal_year", "fund", "direction", "kan", "kou", "moku", "setsu", "saisetsu", "kan_name", "kou_name",
    "moku_name", "setsu_name", "saisetsu_name", "voucher_no", "line_no", "date", "amount", "voucher_type", "dept",
    "counterparty", "description", "arrears", "custodial",
)
NULLABLE = ("kou", "moku", "setsu", "saisetsu", "kan_name", "kou_name", "moku_name", "setsu_name", "saisetsu_name",
            "arrears")


def _ruled(*, lg: LocalGovernment, fiscal_year: int, rules=None) -> pl.DataFrame:
    from kokai.core.conversion import apply_rules

    records = records_frame(lg=lg, fiscal_year=fiscal_year, columns=PAYMENT_COLUMNS)
    if records.height == 0:
        return records.with_columns(*(pl.lit(None, pl.String).alias(c)
                                      for c in ("rule_id", "debit", "credit", "decision", "fund_name")))
    records = records.with_columns(
        *(pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c) for c in NULLABLE)
    )
    if records.schema["date"] == pl.String:
        records = records.with_columns(pl.col("date").str.to_date())
    ruled = apply_rules(rules, records)
    names = dict(Fund.objects.filter(lg=lg).values_list("code", "name"))
    return ruled.with_columns(pl.col("fund").replace_strict(names, default=pl.col("fund"), return_dtype=pl.String)
                              .alias("fund_name"))


def matching_payments(*, lg: LocalGovernment, fiscal_year: int, rules=None) -> pl.DataFrame:
    """The year's 歳出 records whose conversion rule needs a matching decision, ruled
    (``rule_id``, ``debit``, ``credit``, ``decision``), with ``fund_name``."""
    from .services import rules_for

    ruled = _ruled(lg=lg, fiscal_year=fiscal_year, rules=rules or rules_for(lg))
    return (
        ruled.filter((pl.col("decision") == "matching") & (pl.col("direction") == "E"))
        .sort("fund", "date", "voucher_no", "line_no")
    )


def account_records(*, lg: LocalGovernment, fiscal_year: int, rules=None) -> pl.DataFrame:
    """The year's records (歳入 and 歳出) decided on the 科目の判断 sheet (:func:`kokai.core.matching.takes_account`),
    ruled, with ``fund_name`` and ``rule_pos`` (the rule's position in the table), in table order then date."""
    from .services import rules_for

    table = rules or rules_for(lg)
    ruled = _ruled(lg=lg, fiscal_year=fiscal_year, rules=table)
    pos = {r.id: i for i, r in enumerate(table)}
    decision, direction = pl.col("decision"), pl.col("direction")
    return (
        ruled.filter(decision.is_in(list(m.ACCOUNT_DECISIONS)) | ((decision == "matching") & (direction == "R")))
        .with_columns(pl.col("rule_id").replace_strict(pos, default=None, return_dtype=pl.Int64).alias("rule_pos"))
        .sort("rule_pos", "fund", "date", "voucher_no", "line_no")
    )


def decisions_frame(*, lg: LocalGovernment, fiscal_year: int) -> pl.DataFrame:
    """The stored decisions of a year (fund as its code), for :func:`kokai.core.matching.apply_decisions`."""
    codes = dict(Fund.objects.filter(lg=lg).values_list("id", "code"))
    fields = [f for f in m.DECISION_SCHEMA if f != "fund"]
    rows = [
        (codes[fund_id], *rest)
        for fund_id, *rest in MatchingDecision.objects.filter(lg=lg, fiscal_year=fiscal_year)
        .order_by("fund_id", "direction", "voucher_no", "line_no", "seq").values_list("fund_id", *fields)
    ]
    return pl.DataFrame(rows, schema=m.DECISION_SCHEMA, orient="row")


# ---------------------------------------------------------------------------- export

HELP = """\
マッチングワークシートの使い方（{year}）

このシートには、変換表で「資産か費用かの判断」が必要とされた歳出（工事請負費、公有財産購入費、備品購入費、委託料など）が
1支出1行で並んでいます。左側（会計区分〜仮の仕訳）は財務会計のデータで、変更できません。
右側の黄色の列（判断〜備考）に記入し、`kokai worksheet matching import` で取り込んでください。

■ 判断（一覧から選ぶ）と仕訳
・資産計上（新規資産）: 借方 勘定科目の固定資産 / 貸方 公共施設等整備費支出。資産名称・勘定科目・耐用年数・供用開始日が必要です。
・資産計上（既存資産）: 既存資産への資本的支出。上に加えて資産番号が必要です。
・建設仮勘定: 借方 建設仮勘定 / 貸方 公共施設等整備費支出。勘定科目が空欄なら事業用資産の建設仮勘定、
  「インフラ資産/…」を選べばインフラ資産の建設仮勘定です。
・費用: 借方 物件費 / 貸方 物件費等支出。
・修繕費: 借方 維持補修費 / 貸方 物件費等支出。
・対象外: 変換表の仮の仕訳のままとします（仮の仕訳の列を見てください）。
・判断が空欄の支出は未判断のままで、仮の仕訳で計上されます。取り込むと、その支出の以前の判断は消えます。

■ 1つの支出を分ける（例: 1,000,000円を工事700,000円と修繕300,000円に）
1. 分けたい行をコピーし、表の下の空いた行に貼り付けます（並び順は問いません）。
   隣に挿入したいときは「校閲」→「シート保護の解除」（パスワードなし）をしてから行を挿入してください。
2. 各行の「金額」にその部分の金額を入れます。分けた行の金額の合計は支出金額とちょうど一致しなければなりません。
3. 各行に判断を選びます。
分けない支出は金額を空欄にしてもかまいません（支出金額の全額になります）。

■ 複数の支出で1つの資産を作る（例: 設計委託料と工事請負費）
各支出の行に、同じ「資産番号」と同じ勘定科目・耐用年数を入れてください。資産番号が同じ行は1つの資産として扱います。

■ 入力の決まり
・勘定科目: 一覧（事業用資産/建物、インフラ資産/工作物、物品、無形固定資産/ソフトウェア など）から選びます。
・耐用年数: 1〜100 の整数。土地・立木竹・建設仮勘定と、資産区分が美術品・借地権・地上権のものは不要です。
・供用開始日: 日付（例: 2025-03-01）。
・数量・単位・構造・用途・資産区分・備考は任意です。

取込は全部か無しかです。誤りが1つでもあれば何も登録せず、シート・行・列ごとに誤りを表示します。
取り込んだ判断は、ワークシートを出力し直しても残ります（分けた支出は分けた行で出力されます）。

■ シート「科目の判断」（どの基金か、長期か短期か、業務活動か投資活動かなど）
変換表で「科目区分の判断」「充当先による区分」「内訳の判断」が必要とされた記録（歳入・歳出）と、
資産の売払収入が1記録1行で並んでいます（変換規則ごとにまとめ、その中は日付順）。
・勘定科目: 一覧（その記録の変換規則の候補）から選びます。空欄の記録は未判断のままで、仮の仕訳で計上されます。
  資金収支計算書の科目（CF/…）を選ぶと、仮の仕訳の資金の側（歳入は借方、歳出は貸方）が置き換わります
  （例: 国庫支出金のうち普通建設事業に充てるものは CF/投資活動収支/投資活動収入/国県等補助金収入）。
  それ以外の科目は、反対側（歳出は借方、歳入は貸方）が置き換わります（例: 財政調整基金への積立金は
  借方 BS/流動資産/基金/財政調整基金 / 貸方 基金積立金支出）。基金への繰出金は基金積立金支出、償還金の利子は
  支払利息支出というように、科目に応じて資金の側の区分も変わります。
・1つの記録を分けるときは、マッチングと同じく行をコピーして下に貼り付け、各行に金額と勘定科目を入れます
  （例: 土地の売払収入 20,000,000円を 帳簿価額 15,000,000円は 土地、差額 5,000,000円は 資産売却益）。
・候補にない科目は取り込めません（誤りには候補を示します）。
"""


def export_matching(*, lg: LocalGovernment, fiscal_year: int, path: Path) -> int:
    """Write the worksheet for a year; return the number of payments on it."""
    import xlsxwriter
    from xlsxwriter.utility import xl_col_to_name

    from .services import rules_for

    chart = chart_for(lg)
    table = rules_for(lg)
    payments = matching_payments(lg=lg, fiscal_year=fiscal_year, rules=table)
    decisions = decisions_frame(lg=lg, fiscal_year=fiscal_year)
    matching_decisions = decisions.filter(pl.col("kind") != m.ACCOUNT_KIND)
    rows = payments.join(matching_decisions.drop("direction"), on=["fund", "voucher_no", "line_no"], how="left",
                         suffix="_part").sort("fund", "date", "voucher_no", "line_no", "seq", nulls_last=True)
    labels = m.asset_labels(chart)
    accounts = account_records(lg=lg, fiscal_year=fiscal_year, rules=table)
    account_rows = accounts.join(
        decisions.filter(pl.col("kind") == m.ACCOUNT_KIND).select("fund", "direction", "voucher_no", "line_no", "seq",
                                                                 "amount", "account", "note"),
        on=["fund", "direction", "voucher_no", "line_no"], how="left", suffix="_part",
    ).sort("rule_pos", "fund", "date", "voucher_no", "line_no", "seq", nulls_last=True)
    used_rules = [table[rid] for rid in accounts.unique("rule_id", maintain_order=True)["rule_id"].to_list()]

    wb = xlsxwriter.Workbook(str(path))
    try:
        base = {"font_name": "IPAexゴシック", "font_size": 10, "border": 1, "valign": "top"}
        head = wb.add_format({**base, "bold": True, "bg_color": "#E8EEF4", "text_wrap": True})
        head_in = wb.add_format({**base, "bold": True, "bg_color": "#FFF2B3", "text_wrap": True})
        text = wb.add_format({**base, "bg_color": "#F4F4F4"})
        num = wb.add_format({**base, "bg_color": "#F4F4F4", "num_format": NUMBER})
        date = wb.add_format({**base, "bg_color": "#F4F4F4", "num_format": "yyyy-mm-dd"})
        open_fmt = {"locked": False}
        in_text = wb.add_format({**base, **open_fmt})
        in_num = wb.add_format({**base, **open_fmt, "num_format": NUMBER})
        in_date = wb.add_format({**base, **open_fmt, "num_format": "yyyy-mm-dd"})
        blank = wb.add_format({"font_name": "IPAexゴシック", "font_size": 10, **open_fmt})
        blank_date = wb.add_format({"font_name": "IPAexゴシック", "font_size": 10, "num_format": "yyyy-mm-dd", **open_fmt})

        ws = wb.add_worksheet(SHEET)
        acc_ws = wb.add_worksheet(ACCOUNT_SHEET)
        lst = wb.add_worksheet(LIST_SHEET)
        help_ws = wb.add_worksheet(HELP_SHEET)

        # the lists behind the drop-downs: 判断, 勘定科目 (assets), then one column per rule's candidates
        lst.write(0, 0, "判断")
        lst.write(0, 1, "勘定科目")
        for i, label in enumerate(m.KINDS.values(), start=1):
            lst.write_string(i, 0, label)
        for i, label in enumerate(labels, start=1):
            lst.write_string(i, 1, label)
        candidate_ref = {}
        for j, rule in enumerate(used_rules, start=2):
            lst.write_string(0, j, rule.id)
            for i, path in enumerate(rule.candidates, start=1):
                lst.write_string(i, j, path)
            letter = xl_col_to_name(j)
            candidate_ref[rule.id] = f"='{LIST_SHEET}'!${letter}$2:${letter}${max(len(rule.candidates), 1) + 1}"
        lst.hide()
        lst.protect()

        n_src = len(m.SOURCE_COLUMNS)
        col = {h: i for i, h in enumerate([h for h, _w in m.SOURCE_COLUMNS] + [h for h, _w, _f in m.DECISION_COLUMNS])}
        for i, (h, w) in enumerate(m.SOURCE_COLUMNS):
            ws.write_string(0, i, h, head)
            ws.set_column(i, i, w, blank)
        for j, (h, w, f) in enumerate(m.DECISION_COLUMNS):
            ws.write_string(0, n_src + j, h, head_in)
            ws.set_column(n_src + j, n_src + j, w, blank_date if f == "in_service" else blank)
        ws.set_row(0, 30)
        ws.freeze_panes(1, 3)

        r = 0
        for p in rows.iter_rows(named=True):
            r += 1
            item = "-".join(x for x in (p["kan"], p["kou"], p["moku"], p["setsu"], p["saisetsu"]) if x)
            item_name = " ".join(x for x in (p["kan_name"], p["kou_name"], p["moku_name"], p["setsu_name"],
                                             p["saisetsu_name"]) if x)
            ws.write_string(r, 0, p["fund_name"] or p["fund"], text)
            ws.write_string(r, 1, p["voucher_no"], text)
            ws.write_number(r, 2, p["line_no"], text)
            ws.write_datetime(r, 3, dt.datetime.combine(p["date"], dt.time()), date)
            ws.write_string(r, 4, item, text)
            ws.write_string(r, 5, item_name, text)
            ws.write_string(r, 6, p["dept"] or "", text)
            ws.write_string(r, 7, p["counterparty"] or "", text)
            ws.write_string(r, 8, p["description"] or "", text)
            ws.write_number(r, 9, p["amount"], num)
            ws.write_string(r, 10, p["rule_id"] or "", text)
            ws.write_string(r, 11, f"借 {m.short_label(p['debit'] or '')} / 貸 {m.short_label(p['credit'] or '')}", text)
            kind = p["kind"]
            values = {
                "判断": m.KINDS.get(kind, "") if kind else "",
                "勘定科目": m.short_label(p["account"] or "") if kind in m.CAPITAL_KINDS else "",
                **{h: (p[f] or "") if kind else "" for h, _w, f in m.DECISION_COLUMNS
                   if f in m.MAX_LENGTHS},
            }
            for h, v in values.items():
                if v:
                    ws.write_string(r, col[h], v, in_text)
                else:
                    ws.write_blank(r, col[h], None, in_text)
            if kind:
                ws.write_number(r, col["金額"], p["amount_part"], in_num)
            else:
                ws.write_blank(r, col["金額"], None, in_num)
            if kind and p["useful_life"] is not None:
                ws.write_number(r, col["耐用年数"], p["useful_life"], in_text)
            else:
                ws.write_blank(r, col["耐用年数"], None, in_text)
            if kind and p["in_service"] is not None:
                ws.write_datetime(r, col["供用開始日"], dt.datetime.combine(p["in_service"], dt.time()), in_date)
            else:
                ws.write_blank(r, col["供用開始日"], None, in_date)

        kinds_ref = f"='{LIST_SHEET}'!$A$2:$A${len(m.KINDS) + 1}"
        accounts_ref = f"='{LIST_SHEET}'!$B$2:$B${len(labels) + 1}"
        ws.data_validation(1, col["判断"], LAST_ROW, col["判断"], {
            "validate": "list", "source": kinds_ref, "input_title": "判断",
            "input_message": "一覧から選びます。空欄は未判断（仮の仕訳のまま）です。",
            "error_title": "判断", "error_message": "一覧にある判断を選んでください。",
        })
        ws.data_validation(1, col["勘定科目"], LAST_ROW, col["勘定科目"], {
            "validate": "list", "source": accounts_ref, "input_title": "勘定科目",
            "input_message": "資産計上・建設仮勘定のときに固定資産の科目を選びます。",
            "error_title": "勘定科目", "error_message": "一覧にある固定資産の科目を選んでください。",
        })
        ws.data_validation(1, col["耐用年数"], LAST_ROW, col["耐用年数"], {
            "validate": "integer", "criteria": "between", "minimum": 1, "maximum": 100,
            "error_title": "耐用年数", "error_message": "耐用年数は1〜100の整数で入力してください。",
        })
        ws.data_validation(1, col["供用開始日"], LAST_ROW, col["供用開始日"], {
            "validate": "date", "criteria": "between", "minimum": dt.date(1900, 1, 1),
            "maximum": dt.date(2200, 12, 31), "error_title": "供用開始日",
            "error_message": "日付（例: 2025-03-01）で入力してください。",
        })
        ws.data_validation(1, col["金額"], LAST_ROW, col["金額"], {
            "validate": "integer", "criteria": "between", "minimum": -(10**15), "maximum": 10**15,
            "error_title": "金額", "error_message": "円単位の整数で入力してください。",
        })
        ws.autofilter(0, 0, max(r, 1), len(col) - 1)
        ws.protect("", {"autofilter": True, "format_columns": True, "format_rows": True, "insert_rows": True,
                        "delete_rows": True, "select_locked_cells": True, "select_unlocked_cells": True})
        ws.set_landscape()
        ws.set_paper(8)  # A3
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0)
        ws.set_header(f"&L{lg.name} {wareki_year(fiscal_year)} マッチングワークシート")
        ws.set_footer("&C&P / &N")
        ws.activate()

        fmt = {"head": head, "head_in": head_in, "text": text, "num": num, "date": date, "in_text": in_text,
               "in_num": in_num, "blank": blank}
        _write_account_sheet(acc_ws, account_rows, candidate_ref, fmt, lg=lg, fiscal_year=fiscal_year)

        help_ws.set_column(0, 0, 120)
        wrap = wb.add_format({"font_name": "IPAexゴシック", "font_size": 10, "text_wrap": True, "valign": "top"})
        for i, line in enumerate(HELP.format(year=f"{lg.name} {wareki_year(fiscal_year)}").splitlines()):
            help_ws.write_string(i, 0, line, wrap)
        help_ws.set_paper(9)
        help_ws.fit_to_pages(1, 0)
    finally:
        wb.close()
    return payments.height + accounts.height


def _write_account_sheet(ws, rows: pl.DataFrame, candidate_ref: dict[str, str], fmt, *, lg, fiscal_year: int) -> None:
    """The sheet 「科目の判断」: one row per record (per part once decided), a drop-down of its rule's candidates."""
    from kokai.core.conversion import DECISIONS

    n_src = len(m.ACCOUNT_SOURCE_COLUMNS)
    headers = [h for h, _w in m.ACCOUNT_SOURCE_COLUMNS] + [h for h, _w, _f in m.ACCOUNT_DECISION_COLUMNS]
    col = {h: i for i, h in enumerate(headers)}
    for i, (h, w) in enumerate(m.ACCOUNT_SOURCE_COLUMNS):
        ws.write_string(0, i, h, fmt["head"])
        ws.set_column(i, i, w, fmt["blank"])
    for j, (h, w, _f) in enumerate(m.ACCOUNT_DECISION_COLUMNS):
        ws.write_string(0, n_src + j, h, fmt["head_in"])
        ws.set_column(n_src + j, n_src + j, w, fmt["blank"])
    ws.set_row(0, 30)
    ws.freeze_panes(1, 4)
    runs: list[tuple[str, int, int]] = []  # (rule id, first row, last row) for the drop-downs
    r = 0
    for p in rows.iter_rows(named=True):
        r += 1
        item = "-".join(x for x in (p["kan"], p["kou"], p["moku"], p["setsu"], p["saisetsu"]) if x)
        item_name = " ".join(x for x in (p["kan_name"], p["kou_name"], p["moku_name"], p["setsu_name"],
                                         p["saisetsu_name"]) if x)
        values = (p["fund_name"] or p["fund"], "歳出" if p["direction"] == "E" else "歳入", p["voucher_no"])
        for i, v in enumerate(values):
            ws.write_string(r, i, v, fmt["text"])
        ws.write_number(r, col["行番号"], p["line_no"], fmt["text"])
        ws.write_datetime(r, col["日付"], dt.datetime.combine(p["date"], dt.time()), fmt["date"])
        ws.write_string(r, col["予算科目"], item, fmt["text"])
        ws.write_string(r, col["予算科目名"], item_name, fmt["text"])
        ws.write_string(r, col["所属"], p["dept"] or "", fmt["text"])
        ws.write_string(r, col["相手方"], p["counterparty"] or "", fmt["text"])
        ws.write_string(r, col["摘要"], p["description"] or "", fmt["text"])
        ws.write_number(r, col["収支金額"], p["amount"], fmt["num"])
        ws.write_string(r, col["変換規則"], p["rule_id"] or "", fmt["text"])
        ws.write_string(r, col["要判断"], DECISIONS.get(p["decision"] or "", "").split("（")[0], fmt["text"])
        ws.write_string(r, col["仮の仕訳"], f"借 {p['debit'] or ''} / 貸 {p['credit'] or ''}", fmt["text"])
        decided = p["seq"] is not None
        if decided:
            ws.write_string(r, col["勘定科目"], p["account"] or "", fmt["in_text"])
            ws.write_number(r, col["金額"], p["amount_part"], fmt["in_num"])
        else:
            ws.write_blank(r, col["勘定科目"], None, fmt["in_text"])
            ws.write_blank(r, col["金額"], None, fmt["in_num"])
        if decided and p["note"]:
            ws.write_string(r, col["備考"], p["note"], fmt["in_text"])
        else:
            ws.write_blank(r, col["備考"], None, fmt["in_text"])
        if runs and runs[-1][0] == p["rule_id"]:
            runs[-1] = (p["rule_id"], runs[-1][1], r)
        else:
            runs.append((p["rule_id"], r, r))
    for rule_id, first, last in runs:
        if rule_id in candidate_ref:
            ws.data_validation(first, col["勘定科目"], last, col["勘定科目"], {
                "validate": "list", "source": candidate_ref[rule_id], "input_title": "勘定科目",
                "input_message": f"変換規則 {rule_id} の候補から選びます。空欄は未判断（仮の仕訳のまま）です。"[:255],
                "error_title": "勘定科目", "error_message": "この記録の変換規則の候補から選んでください。",
            })
    ws.data_validation(1, col["金額"], LAST_ROW, col["金額"], {
        "validate": "integer", "criteria": "between", "minimum": -(10**15), "maximum": 10**15,
        "error_title": "金額", "error_message": "円単位の整数で入力してください。",
    })
    ws.autofilter(0, 0, max(r, 1), len(col) - 1)
    ws.protect("", {"autofilter": True, "format_columns": True, "format_rows": True, "insert_rows": True,
                    "delete_rows": True, "select_locked_cells": True, "select_unlocked_cells": True})
    ws.set_landscape()
    ws.set_paper(8)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    ws.set_header(f"&L{lg.name} {wareki_year(fiscal_year)} 科目の判断")
    ws.set_footer("&C&P / &N")


# ---------------------------------------------------------------------------- import

def check_xlsx(path: Path) -> list[Issue]:
    """Refuse what is not a plain xlsx, before anything unpacks it: zip magic, member count,
    total uncompressed size and compression ratio (zip bombs)."""
    name = path.name
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            magic = f.read(4)
    except OSError as e:
        return [Issue(f"ファイルを開けません（{e.strerror}）", file=name)]
    if magic != b"PK\x03\x04":
        return [Issue("Excel ファイル（.xlsx）ではありません。Excel で .xlsx 形式で保存してください", file=name)]
    if size > MAX_XLSX_BYTES:
        return [Issue(f"ファイルが大きすぎます（{MAX_XLSX_BYTES // 1024**2}MB まで）", file=name)]
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return [Issue("Excel ファイル（.xlsx）として読めません。ファイルが壊れていないか確かめてください", file=name)]
    if len(infos) > MAX_MEMBERS:
        return [Issue("Excel ファイルとして中身が多すぎます", file=name)]
    unpacked = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if unpacked > MAX_UNPACKED_BYTES or unpacked > MAX_RATIO * max(packed, 1024):
        return [Issue(f"展開後の大きさが {unpacked / 1024**2:,.0f}MB になるため読み込みません（{MAX_UNPACKED_BYTES // 1024**2}MB まで、"
                      "圧縮率も確認しています）。ワークシートを分けてください", file=name)]
    if "[Content_Types].xml" not in {i.filename for i in infos}:
        return [Issue("Excel ファイル（.xlsx）ではありません。Excel で .xlsx 形式で保存してください", file=name)]
    return []


def _sheet_rows(wb, sheet: str, required, optional, file: str) -> tuple[list[dict[str, object]], list[Issue]]:
    it = wb[sheet].iter_rows(values_only=True)
    header = next(it, None) or ()
    names = [unicodedata.normalize("NFKC", str(h)).strip() if h is not None else "" for h in header]
    missing = [h for h in required if h not in names]
    if missing:
        return [], [Issue(f"列「{h}」がありません（1行目が見出しです）", file=file, sheet=sheet, row=1, column=h)
                    for h in missing]
    index = {h: names.index(h) for h in (*required, *optional) if h in names}
    rows = []
    for r, values in enumerate(it, start=2):
        if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        row: dict[str, object] = {h: values[i] if i < len(values) else None for h, i in index.items()}
        row[m.ROW] = r
        rows.append(row)
    return rows, []


def read_sheets(path: Path) -> tuple[list[dict[str, object]], list[dict[str, object]] | None, list[Issue]]:
    """The rows of 「マッチング」 and of 「科目の判断」 (None when the file has no such sheet, as files
    exported before it existed) as dicts by header, each with its sheet row number under ``"_row"``."""
    import openpyxl

    issues = check_xlsx(path)
    if issues:
        return [], None, issues
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file
        return [], None, [Issue("Excel ファイル（.xlsx）として読めません。ファイルが壊れていないか確かめてください",
                                file=path.name)]
    try:
        if SHEET not in wb.sheetnames:
            return [], None, [Issue(f"シート「{SHEET}」がありません。`kokai worksheet matching export` で出力したファイルを"
                                    "使ってください", file=path.name)]
        rows, issues = _sheet_rows(wb, SHEET, m.REQUIRED_HEADERS, (), path.name)
        account_rows = None
        if ACCOUNT_SHEET in wb.sheetnames:
            account_rows, more = _sheet_rows(wb, ACCOUNT_SHEET, m.ACCOUNT_REQUIRED_HEADERS,
                                             m.ACCOUNT_OPTIONAL_HEADERS, path.name)
            issues += more
        return rows, account_rows, issues
    finally:
        wb.close()


def import_matching(*, lg: LocalGovernment, fiscal_year: int, path: Path) -> int:
    """Store the decisions of a filled-in worksheet (all or nothing); return how many parts were stored.

    The decisions of every record on the sheets are replaced; a record whose 判断 (or, on
    「科目の判断」, 勘定科目) is empty loses any earlier decision (it is booked provisionally again).
    A file without the sheet 「科目の判断」 leaves those decisions alone.
    """
    from .services import rules_for

    rows, account_rows, issues = read_sheets(path)
    if issues:
        raise InputRejected(issues)
    table = rules_for(lg)
    payments = matching_payments(lg=lg, fiscal_year=fiscal_year, rules=table)
    from kokai.ledger.lg_settings import asset_settings

    decisions, issues = m.validate_rows(rows, records=payments, chart=chart_for(lg), file=path.name, sheet=SHEET,
                                        thresholds=asset_settings(lg))
    lookup, funds = m.payment_lookup(payments)
    present = {(k[0], "E", k[1], k[2]) for row in rows if (k := m.row_key(row, funds)) in lookup}
    if account_rows is not None:
        records = account_records(lg=lg, fiscal_year=fiscal_year, rules=table)
        candidates = {r.id: r.candidates for r in table}
        more, more_issues = m.validate_account_rows(account_rows, records=records, candidates=candidates,
                                                    file=path.name, sheet=ACCOUNT_SHEET)
        issues += more_issues
        decisions = pl.concat([decisions, more])
        alookup, afunds = m.record_lookup(records)
        present |= {k for row in account_rows if (k := m.account_row_key(row, afunds)) in alookup}
    if issues:
        raise InputRejected(issues)
    fund_ids = dict(Fund.objects.filter(lg=lg).values_list("code", "id"))
    fund_codes = {pk: code for code, pk in fund_ids.items()}
    source = path.name[:200]
    with transaction.atomic():
        old = [
            pk for pk, fund_id, direction, voucher, line in MatchingDecision.objects.filter(
                lg=lg, fiscal_year=fiscal_year
            ).values_list("id", "fund_id", "direction", "voucher_no", "line_no")
            if (fund_codes.get(fund_id), direction, voucher, line) in present
        ]
        for i in range(0, len(old), 5000):
            MatchingDecision.objects.filter(pk__in=old[i:i + 5000]).delete()
        MatchingDecision.objects.bulk_create(
            [
                MatchingDecision(
                    lg=lg, fiscal_year=fiscal_year, fund_id=fund_ids[d["fund"]], direction=d["direction"],
                    voucher_no=d["voucher_no"], line_no=d["line_no"], seq=d["seq"], kind=d["kind"],
                    amount=d["amount"], account=d["account"], asset_no=d["asset_no"], asset_name=d["asset_name"],
                    asset_class=d["asset_class"], structure=d["structure"], use=d["use"],
                    useful_life=d["useful_life"], in_service=d["in_service"], quantity=d["quantity"],
                    unit=d["unit"], note=d["note"], source=source,
                )
                for d in decisions.iter_rows(named=True)
            ],
            batch_size=2000,
        )
        if decisions.height >= ANALYZE_AFTER:
            analyze(MatchingDecision._meta.db_table)
    return decisions.height
