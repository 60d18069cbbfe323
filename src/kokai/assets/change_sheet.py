"""異動データワークシート (XLSX): departments report the year's non-cash changes to the
固定資産台帳 (assets.md §12.4), and the filled-in sheet is applied with its journals.

The workbook has the input sheet 「異動」 (one row per change, drop-downs for 異動事由,
資産区分 and 種目, the register's asset numbers offered for 資産番号), the locked sheet
「台帳」 listing the register's records as at the end of the year for reference, a hidden
「リスト」 behind the drop-downs and 「説明」.

Columns of 「異動」 and what each 異動事由 needs:

=====================  ==========================================================
寄附受入・無償所管換（受入）・調査判明
                       a new 資産番号 (+ 枝番), 日付, 金額 (再調達価額), 資産名称,
                       資産区分, 種目, 耐用年数 (償却資産), 取得年月日 and
                       供用開始年月日 (default 日付), 数量, 単位, 所在地, 管理所属
除却・無償所管換（払出）・寄附（払出）
                       an existing 資産番号 + 枝番, 日付 (金額 is not used)
売却                   an existing 資産番号 + 枝番, 日付, 金額 (売却代金, received in the
                       歳入 data as 財産売払収入 and booked provisionally to 資産売却益)
建設仮勘定から本勘定へ the 建設仮勘定 record's 資産番号 + 枝番, 日付, 種目 (the final kind),
                       資産区分 (default: the same), 耐用年数, 金額 (blank: the whole
                       balance), 振替先資産番号 (default: the same number, next 枝番),
                       資産名称 (default: the same)
科目振替               an existing 資産番号 + 枝番, 日付, the new 資産区分 and/or 種目
                       (blank: unchanged), 耐用年数 (blank: unchanged; needed when the
                       old kind had none, e.g. 土地 → 建物); 金額 is not used (the whole
                       record moves)
評価替                 an existing 資産番号 + 枝番, 日付, 金額 (評価後の取得価額),
                       評価後減価償却累計額 (blank: unchanged), 評価方法 (blank: 再調達原価)
                       and the reason in 摘要 (required)
=====================  ==========================================================

An import checks every row first (unknown 資産番号, a disposal of an asset already gone, a
useful life missing, an in-service date before acquisition, a negative amount, an unknown
異動事由, a date outside the year, a 振替 to the same or a missing line, a 評価替 without a
reason or leaving a negative book value) and reports each problem with its sheet, row and column;
only a sheet without problems is applied, all in one transaction, through
:mod:`kokai.assets.changes`.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from kokai.core.assets import (
    AssetClass,
    AssetError,
    AssetKind,
    ValuationBasis,
    account_for,
    depreciable,
)
from kokai.core.cells import cell_date, cell_int, cell_text
from kokai.core.issues import InputRejected, Issue
from kokai.core.parse import in_year_or_closing_period, wareki_year
from kokai.ledger.models import LocalGovernment

from . import changes as ch
from .models import Asset, AssetChange
from .services import register_frame

SHEET = "異動"
REGISTER_SHEET = "台帳"
LIST_SHEET = "リスト"
HELP_SHEET = "説明"
LAST_ROW = 1_048_575
NUMBER = '#,##0;"△"#,##0;0'

REASONS = {
    "寄附受入": "donation_in", "無償所管換（受入）": "transfer_in", "調査判明": "found", "除却": "retirement",
    "売却": "sale", "無償所管換（払出）": "transfer_out", "寄附（払出）": "donation_out",
    "建設仮勘定から本勘定へ": "cip_transfer", "科目振替": "reclass", "評価替": "revaluation",
}
# cells are read NFKC-normalised (full-width brackets become ASCII), so look reasons up that way
REASON_BY_TEXT = {unicodedata.normalize("NFKC", k): v for k, v in REASONS.items()}
RECEIPTS = ("donation_in", "transfer_in", "found")
DISPOSALS = ("retirement", "sale", "transfer_out", "donation_out")
COLUMNS = (
    ("異動事由", 22), ("資産番号", 14), ("枝番", 6), ("日付", 12), ("金額", 16), ("資産名称", 28), ("資産区分", 14),
    ("種目", 12), ("耐用年数", 8), ("取得年月日", 12), ("供用開始年月日", 12), ("数量", 10), ("単位", 6),
    ("所在地", 20), ("管理所属", 14), ("振替先資産番号", 14), ("評価方法", 12), ("評価後減価償却累計額", 16),
    ("摘要", 30),
)
HEADERS = tuple(h for h, _w in COLUMNS)
REQUIRED = ("異動事由", "資産番号", "日付", "金額")
DATE_COLUMNS = ("日付", "取得年月日", "供用開始年月日")
AMOUNT_COLUMNS = ("金額", "評価後減価償却累計額")
CLASS_LABELS = {c.value: c.label for c in AssetClass}

HELP = """異動データワークシート（{year}）

固定資産台帳の、お金の動きのない異動（寄附・無償所管換・調査判明・除却・売却・建設仮勘定の完成・科目振替・評価替）を1行に1件ずつ入力します。
有償の取得と資本的支出はマッチングワークシートで判断するので、ここには書きません。
・異動事由: 一覧から選びます（寄附受入、無償所管換（受入）、調査判明、除却、売却、無償所管換（払出）、寄附（払出）、建設仮勘定から本勘定へ、科目振替、評価替）。
・資産番号・枝番: 除却・売却・払出・建設仮勘定の振替は、シート「台帳」にある資産を指定します。受入・調査判明は台帳にない新しい番号を付けます。
・日付: 異動の年月日。この年度（出納整理期間を含む）の日付にします。
・金額: 受入・調査判明は評価額（再調達価額）、売却は売却代金（歳入の財産売払収入と同じ額）。除却・払出は空欄で構いません（台帳の帳簿価額で計上します）。
  建設仮勘定から本勘定へは振替額で、空欄なら建設仮勘定の残高全部です。
・資産名称・資産区分・種目・耐用年数・取得年月日・供用開始年月日: 受入・調査判明で入力します（土地・立木竹・美術品のほかは耐用年数が必要）。
  建設仮勘定から本勘定へは、種目（完成した資産の種目）と耐用年数を入力します。
・科目振替: 資産区分・種目に振替先を入力します（変わらない方は空欄）。取得価額と減価償却累計額の全部が振替先の科目に移ります（金額は空欄）。
  土地から建物へのように耐用年数のない種目から振り替えるときは耐用年数も入力します。
・評価替: 金額に評価後の取得価額、評価後減価償却累計額（変わらなければ空欄）、評価方法（空欄なら再調達原価）を入力し、摘要に理由（評価の根拠）を必ず書きます。
  差額は純資産変動計算書の資産評価差額に計上します。帳簿価額が負になる評価はできません。
・取り込むと、全部の行を確かめてから、誤りがなければまとめて台帳と仕訳に反映します。誤りがあれば何も反映せず、シート・行・列ごとに理由を示します。
・間違えて取り込んだ異動は、行を直すのではなく訂正（取消の異動）で取り消します。
"""


# ------------------------------------------------------------------------------ export

def export_change_sheet(*, lg: LocalGovernment, fiscal_year: int, path: Path) -> int:
    """Write the worksheet for a year; return the number of register records listed on 「台帳」."""
    import xlsxwriter

    register = register_frame(lg=lg, fiscal_year=fiscal_year)
    sums = {pk: (c, a) for pk, c, a in register.select("id", "cost", "accumulated").iter_rows()}
    assets = list(Asset.objects.filter(lg=lg).order_by("asset_no", "branch_no").values_list(
        "id", "asset_no", "branch_no", "name", "asset_class", "kind", "useful_life", "disposed_on"))
    wb = xlsxwriter.Workbook(str(path))
    try:
        base = {"font_name": "IPAexゴシック", "font_size": 10, "border": 1, "valign": "top"}
        head = wb.add_format({**base, "bold": True, "bg_color": "#E8EEF4", "text_wrap": True})
        head_in = wb.add_format({**base, "bold": True, "bg_color": "#FFF2B3", "text_wrap": True})
        text = wb.add_format({**base, "bg_color": "#F4F4F4"})
        num = wb.add_format({**base, "bg_color": "#F4F4F4", "num_format": NUMBER})
        date = wb.add_format({**base, "bg_color": "#F4F4F4", "num_format": "yyyy-mm-dd"})
        blank = wb.add_format({"font_name": "IPAexゴシック", "font_size": 10, "locked": False})
        blank_date = wb.add_format({"font_name": "IPAexゴシック", "font_size": 10, "locked": False,
                                    "num_format": "yyyy-mm-dd"})
        blank_num = wb.add_format({"font_name": "IPAexゴシック", "font_size": 10, "locked": False, "num_format": NUMBER})

        ws = wb.add_worksheet(SHEET)
        reg = wb.add_worksheet(REGISTER_SHEET)
        lst = wb.add_worksheet(LIST_SHEET)
        help_ws = wb.add_worksheet(HELP_SHEET)

        lists = {"異動事由": list(REASONS), "資産区分": [c.label for c in AssetClass],
                 "種目": [k.value for k in AssetKind], "評価方法": [v.label for v in ValuationBasis]}
        refs = {}
        for j, (name, values) in enumerate(lists.items()):
            lst.write_string(0, j, name)
            for i, v in enumerate(values, start=1):
                lst.write_string(i, j, v)
            letter = chr(ord("A") + j)
            refs[name] = f"='{LIST_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
        lst.hide()
        lst.protect()

        reg_cols = (("資産番号", 14), ("枝番", 6), ("資産名称", 30), ("資産区分", 14), ("種目", 12), ("耐用年数", 8),
                    ("取得価額", 16), ("減価償却累計額", 16), ("帳簿価額", 16), ("除売却日", 12))
        for i, (h, w) in enumerate(reg_cols):
            reg.write_string(0, i, h, head)
            reg.set_column(i, i, w)
        for r, (pk, no, br, name, cls, kind, life, disposed) in enumerate(assets, start=1):
            cost, acc = sums.get(pk, (0, 0))
            reg.write_string(r, 0, no, text)
            reg.write_number(r, 1, br, text)
            reg.write_string(r, 2, name, text)
            reg.write_string(r, 3, CLASS_LABELS.get(cls, cls), text)
            reg.write_string(r, 4, kind, text)
            if life is None:
                reg.write_blank(r, 5, None, text)
            else:
                reg.write_number(r, 5, life, text)
            reg.write_number(r, 6, cost, num)
            reg.write_number(r, 7, acc, num)
            reg.write_number(r, 8, cost - acc, num)
            if disposed:
                reg.write_datetime(r, 9, dt.datetime.combine(disposed, dt.time()), date)
            else:
                reg.write_blank(r, 9, None, text)
        reg.freeze_panes(1, 3)
        reg.autofilter(0, 0, max(len(assets), 1), len(reg_cols) - 1)
        reg.protect("", {"autofilter": True, "select_locked_cells": True})
        reg.set_header(f"&L{lg.name} {wareki_year(fiscal_year)} 固定資産台帳（参照用）")

        col = {h: i for i, h in enumerate(HEADERS)}
        for i, (h, w) in enumerate(COLUMNS):
            ws.write_string(0, i, h, head_in if h in REQUIRED else head)
            fmt = blank_date if h in DATE_COLUMNS else blank_num if h in AMOUNT_COLUMNS else blank
            ws.set_column(i, i, w, fmt)
        ws.set_row(0, 30)
        ws.freeze_panes(1, 2)
        for name in ("異動事由", "資産区分", "種目", "評価方法"):
            ws.data_validation(1, col[name], LAST_ROW, col[name], {
                "validate": "list", "source": refs[name], "input_title": name,
                "input_message": "一覧から選びます。", "error_title": name,
                "error_message": "一覧にあるものを選んでください。",
            })
        if assets:
            ws.data_validation(1, col["資産番号"], LAST_ROW, col["資産番号"], {
                "validate": "list", "source": f"='{REGISTER_SHEET}'!$A$2:$A${len(assets) + 1}",
                "error_type": "information", "input_title": "資産番号",
                "input_message": "除却・売却・振替は台帳の番号を選びます。受入・調査判明は新しい番号を入力します。",
                "error_title": "資産番号", "error_message": "台帳にない番号です。新しい資産の受入ならそのまま進めてください。",
            })
        for name in DATE_COLUMNS:
            ws.data_validation(1, col[name], LAST_ROW, col[name], {
                "validate": "date", "criteria": "between", "minimum": dt.date(1900, 1, 1),
                "maximum": dt.date(2200, 12, 31), "error_title": name,
                "error_message": "日付（例: 2025-03-01）で入力してください。",
            })
        for name in AMOUNT_COLUMNS:
            ws.data_validation(1, col[name], LAST_ROW, col[name], {
                "validate": "integer", "criteria": "between", "minimum": 0, "maximum": 10**15,
                "error_title": name, "error_message": "0以上の円単位の整数で入力してください。",
            })
        ws.data_validation(1, col["耐用年数"], LAST_ROW, col["耐用年数"], {
            "validate": "integer", "criteria": "between", "minimum": 1, "maximum": 100,
            "error_title": "耐用年数", "error_message": "耐用年数は1〜100の整数で入力してください。",
        })
        ws.protect("", {"autofilter": True, "format_columns": True, "format_rows": True, "insert_rows": True,
                        "delete_rows": True, "select_locked_cells": True, "select_unlocked_cells": True})
        ws.set_landscape()
        ws.set_paper(8)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0)
        ws.set_header(f"&L{lg.name} {wareki_year(fiscal_year)} 異動データワークシート")
        ws.set_footer("&C&P / &N")
        ws.activate()

        help_ws.set_column(0, 0, 120)
        wrap = wb.add_format({"font_name": "IPAexゴシック", "font_size": 10, "text_wrap": True, "valign": "top"})
        for i, line in enumerate(HELP.format(year=f"{lg.name} {wareki_year(fiscal_year)}").splitlines()):
            help_ws.write_string(i, 0, line, wrap)
    finally:
        wb.close()
    return len(assets)


# ------------------------------------------------------------------------------ import

def _date(value: object) -> dt.date | None:
    return None if cell_text(value) == "" else cell_date(value)


def _int(value: object) -> int | None:
    return None if cell_text(value) == "" else cell_int(value)


@dataclass
class _Row:
    row: int
    reason: str
    asset_no: str
    branch_no: int
    date: dt.date
    amount: int | None
    cells: dict[str, str]
    life: int | None
    acquired_on: dt.date | None
    in_service: dt.date | None
    accumulated: int | None = None  # 評価替: 評価後減価償却累計額 (None: unchanged)


def read_change_sheet(path: Path) -> tuple[list[dict[str, object]], list[Issue]]:
    """The non-empty rows of 「異動」 as dicts by header, with their sheet row under ``"_row"``."""
    import openpyxl

    from kokai.cash.worksheet import check_xlsx

    issues = check_xlsx(path)
    if issues:
        return [], issues
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file
        return [], [Issue("Excel ファイル（.xlsx）として読めません。ファイルが壊れていないか確かめてください", file=path.name)]
    try:
        if SHEET not in wb.sheetnames:
            return [], [Issue(f"シート「{SHEET}」がありません。異動データワークシートを出力して使ってください", file=path.name)]
        it = wb[SHEET].iter_rows(values_only=True)
        names = [cell_text(h) for h in (next(it, None) or ())]
        missing = [h for h in REQUIRED if h not in names]
        if missing:
            return [], [Issue(f"列「{h}」がありません（1行目が見出しです）", file=path.name, sheet=SHEET, row=1, column=h)
                        for h in missing]
        index = {h: names.index(h) for h in HEADERS if h in names}
        rows = []
        for r, values in enumerate(it, start=2):
            if values is None or all(cell_text(v) == "" for v in values):
                continue
            row: dict[str, object] = {h: values[i] if i < len(values) else None for h, i in index.items()}
            row["_row"] = r
            rows.append(row)
        return rows, []
    finally:
        wb.close()


def validate_rows(rows: list[dict[str, object]], *, lg: LocalGovernment, fiscal_year: int,
                  file: str = "") -> tuple[list[_Row], list[Issue]]:
    """Every row checked against the register and the rows before it (Japanese messages)."""
    issues: list[Issue] = []
    known = {(no, br): (kind, cls, disposed, acquired, life, art) for no, br, kind, cls, disposed, acquired, life, art
             in Asset.objects.filter(lg=lg).values_list("asset_no", "branch_no", "kind", "asset_class", "disposed_on",
                                                        "acquired_on", "useful_life", "is_art")}
    sums = _Balances(lg, fiscal_year)
    gone: set[tuple[str, int]] = {k for k, v in known.items() if v[2] is not None}
    new: set[tuple[str, int]] = set()
    out: list[_Row] = []
    for raw in rows:
        r = int(raw["_row"])
        n = len(issues)

        def bad(message: str, column: str, r=r) -> None:
            issues.append(Issue(message, file=file, sheet=SHEET, row=r, column=column))

        cells = {h: cell_text(raw.get(h)) for h in HEADERS}
        reason = REASON_BY_TEXT.get(cells["異動事由"])
        if reason is None:
            bad(f"異動事由「{cells['異動事由']}」は使えません。{'・'.join(REASONS)} のどれかを選んでください", "異動事由")
            continue
        dates: dict[str, dt.date | None] = {}
        for h in DATE_COLUMNS:
            try:
                dates[h] = _date(raw.get(h))
            except ValueError as e:
                bad(str(e), h)
                dates[h] = None
        date = dates["日付"]
        if date is None and "日付" not in [i.column for i in issues[n:]]:
            bad("日付を入力してください", "日付")
        elif date is not None and not in_year_or_closing_period(date, fiscal_year):
            bad(f"日付 {date} は{fiscal_year}年度（{fiscal_year}-04-01〜{fiscal_year + 1}-05-31）の外です", "日付")
        amount = life = None
        try:
            amount = _int(raw.get("金額"))
            if amount is not None and amount < 0:
                bad(f"金額 {amount:,}円 が負の数です。0以上で入力してください", "金額")
        except ValueError as e:
            bad(str(e), "金額")
        try:
            life = _int(raw.get("耐用年数"))
            if life is not None and not 1 <= life <= 100:
                bad(f"耐用年数「{life}」は1〜100の整数で入力してください", "耐用年数")
        except ValueError:
            bad(f"耐用年数「{cells['耐用年数']}」は1〜100の整数で入力してください", "耐用年数")
        acc_after = None
        if reason == "revaluation":
            try:
                acc_after = _int(raw.get("評価後減価償却累計額"))
                if acc_after is not None and acc_after < 0:
                    bad(f"評価後減価償却累計額 {acc_after:,}円 が負の数です。0以上で入力してください", "評価後減価償却累計額")
            except ValueError as e:
                bad(str(e), "評価後減価償却累計額")
        try:
            branch = int(cells["枝番"] or 0)
        except ValueError:
            bad(f"枝番「{cells['枝番']}」は整数で入力してください", "枝番")
            branch = 0
        no = cells["資産番号"]
        key = (no, branch)
        if not no:
            bad("資産番号を入力してください", "資産番号")
        elif reason in RECEIPTS:
            if key in known or key in new:
                bad(f"資産番号 {no}-{branch} は既に台帳{'' if key in known else '（このシートの前の行）'}にあります。"
                    "新しい番号を付けてください", "資産番号")
            new.add(key)
            if amount is None:
                bad("受入・調査判明には金額（評価額）を入力してください", "金額")
            if not cells["資産名称"]:
                bad("資産名称を入力してください", "資産名称")
            cls = kind = None
            try:
                cls = AssetClass.parse(cells["資産区分"])
                kind = AssetKind.parse(cells["種目"])
                account_for(cls, kind)
            except AssetError as e:
                bad(str(e), "資産区分" if cls is None else "種目")
            if cls is not None and kind is not None and life is None and depreciable(kind, cls) \
                    and not cells["耐用年数"]:
                bad(f"{kind.value}には耐用年数が必要です（土地・立木竹・建設仮勘定・美術品のほか）", "耐用年数")
            acquired = dates["取得年月日"] or date
            if acquired and dates["供用開始年月日"] and dates["供用開始年月日"] < acquired:
                bad(f"供用開始年月日 {dates['供用開始年月日']} が取得年月日 {acquired} より前です", "供用開始年月日")
        else:
            if key not in known and key not in new:
                bad(f"資産番号 {no}-{branch} は台帳にありません（シート「{REGISTER_SHEET}」を見てください）", "資産番号")
            elif key in gone:
                bad(f"資産番号 {no}-{branch} は既に除売却・振替済みです（このシートの前の行か台帳）", "資産番号")
            else:
                kind_now = known[key][0] if key in known else None
                if reason == "cip_transfer":
                    if kind_now != ch.CIP:
                        bad(f"資産番号 {no}-{branch} は建設仮勘定ではありません（種目: {kind_now}）", "資産番号")
                    try:
                        cls = AssetClass.parse(cells["資産区分"] or known[key][1])
                        kind = AssetKind.parse(cells["種目"])
                        account_for(cls, kind)
                        if kind.value == ch.CIP:
                            bad("振替先の種目に建設仮勘定は使えません。完成した資産の種目を選んでください", "種目")
                        elif life is None and depreciable(kind, cls) and not cells["耐用年数"]:
                            bad(f"振替先の{kind.value}には耐用年数が必要です", "耐用年数")
                    except AssetError as e:
                        bad(str(e), "種目" if cells["資産区分"] == "" or "種目" in str(e) else "資産区分")
                    if amount == 0:
                        bad("振替額は1円以上にしてください（空欄なら残高全部）", "金額")
                else:
                    if kind_now == ch.CIP:
                        bad(f"資産番号 {no}-{branch} は建設仮勘定です。完成したら「建設仮勘定から本勘定へ」にしてください",
                            "異動事由")
                    if reason == "sale" and amount is None:
                        bad("売却には金額（売却代金）を入力してください", "金額")
                    acquired_at = known[key][3] if key in known else None
                    if date and acquired_at and date < acquired_at:
                        bad(f"日付 {date} が取得年月日 {acquired_at} より前です", "日付")
                    if key in known and kind_now != ch.CIP and len(issues) == n:
                        if reason == "reclass":
                            problems = _reclass_issues(cells, key, known, sums, life)
                        elif reason == "revaluation":
                            problems = _revaluation_issues(cells, key, known, sums, amount, acc_after)
                        else:
                            problems = []
                        for message, column in problems:
                            bad(message, column)
                if reason in DISPOSALS or (reason == "cip_transfer" and amount is None):
                    gone.add(key)
        if len(issues) > n:
            continue
        out.append(_Row(r, reason, no, branch, date, amount, cells, life, dates["取得年月日"], dates["供用開始年月日"],
                        acc_after))
    return out, issues


class _Balances:
    """(cost, accumulated) of registered records at the year end, read once when first
    needed; a 評価替 row updates them for the rows after it."""

    def __init__(self, lg: LocalGovernment, fiscal_year: int) -> None:
        self.lg, self.fiscal_year, self.sums = lg, fiscal_year, None

    def __getitem__(self, key: tuple[str, int]) -> tuple[int, int]:
        if self.sums is None:
            self.sums = {}
            from django.db.models import Sum

            for no, br, c, a in (AssetChange.objects.filter(lg=self.lg, fiscal_year__lte=self.fiscal_year)
                                 .values("asset__asset_no", "asset__branch_no")
                                 .annotate(c=Sum("cost"), a=Sum("accumulated"))
                                 .values_list("asset__asset_no", "asset__branch_no", "c", "a")):
                self.sums[(no, br)] = (int(c or 0), int(a or 0))
        return self.sums.get(key, (0, 0))

    def __setitem__(self, key: tuple[str, int], value: tuple[int, int]) -> None:
        self.__getitem__(key)  # read the register first
        self.sums[key] = value


def _reclass_issues(cells: dict[str, str], key: tuple[str, int], known: dict, sums: _Balances,
                    life: int | None) -> list[tuple[str, str]]:
    """(message, column) for each problem of a 科目振替 row; a good row updates ``known``."""
    kind_now, cls_now, disposed, acquired, life_now, art = known[key]
    label = f"資産番号 {key[0]}-{key[1]}"
    if cells["金額"]:
        return [("科目振替は資産の全部（取得価額と減価償却累計額）を振り替えます。金額は空欄にしてください", "金額")]
    if not cells["資産区分"] and not cells["種目"]:
        return [("振替先の資産区分か種目を入力してください", "種目")]
    try:
        cls, kind, _account = ch.reclass_target(cls_now, kind_now, cells["資産区分"] or None, cells["種目"] or None)
    except AssetError as e:
        return [(str(e), "資産区分" if str(e).startswith("資産区分") else "種目")]
    cost, acc = sums[key]
    if kind == ch.CIP:
        return [("振替先の種目に建設仮勘定は使えません", "種目")]
    if (cls.value, kind) == (cls_now, kind_now):
        return [(f"{label} は既に{cls.label}の{kind}です。振替先の資産区分か種目を変えてください", "種目")]
    if cost == 0 and acc == 0:
        return [(f"{label} の取得価額・減価償却累計額が0円です。振り替えるものがありません", "資産番号")]
    if depreciable(kind, cls, art):
        if life is None and life_now is None:
            return [(f"振替先の{kind}には耐用年数が必要です（{kind_now}には耐用年数がありません）", "耐用年数")]
    elif acc:
        return [(f"減価償却累計額 {acc:,}円 のある資産は、償却しない種目（{kind}）に振り替えられません", "種目")]
    known[key] = (kind, cls.value, disposed, acquired, life or life_now, art)
    return []


def _revaluation_issues(cells: dict[str, str], key: tuple[str, int], known: dict, sums: _Balances,
                        value: int | None, acc_after: int | None) -> list[tuple[str, str]]:
    """(message, column) for each problem of a 評価替 row; a good row updates ``sums``."""
    kind_now, cls_now, _d, _a, _life, art = known[key]
    out = []
    if value is None:
        out.append(("評価替には金額（評価後の取得価額）を入力してください", "金額"))
    if not cells["摘要"]:
        out.append(("評価替の理由（評価の根拠）を摘要に入力してください", "摘要"))
    if cells["評価方法"] and cells["評価方法"] not in ch.VALUATION_CODES:
        out.append((f"評価方法「{cells['評価方法']}」は {'・'.join(v.label for v in ValuationBasis)} のどれかにしてください",
                    "評価方法"))
    if value is None:
        return out
    cost, acc = sums[key]
    new_acc = acc if acc_after is None else acc_after
    if new_acc > value:
        out.append((f"評価後の帳簿価額が負になります（取得価額 {value:,}円 − 減価償却累計額 {new_acc:,}円）",
                    "評価後減価償却累計額" if acc_after is not None else "金額"))
    elif new_acc and not depreciable(kind_now, cls_now, art):
        out.append((f"{kind_now}は償却しないので、評価後減価償却累計額は0円にしてください", "評価後減価償却累計額"))
    elif (value, new_acc) == (cost, acc):
        out.append((f"評価後の額が台帳と同じです（取得価額 {cost:,}円・減価償却累計額 {acc:,}円）", "金額"))
    if not out:
        sums[key] = (value, new_acc)
    return out


def import_change_sheet(*, lg: LocalGovernment, fiscal_year: int, path: Path) -> int:
    """Apply a filled-in worksheet (all or nothing); return the number of changes applied."""
    rows, issues = read_change_sheet(path)
    if issues:
        raise InputRejected(issues)
    if not rows:
        raise InputRejected([Issue("異動の行がありません", file=path.name, sheet=SHEET)])
    checked, issues = validate_rows(rows, lg=lg, fiscal_year=fiscal_year, file=path.name)
    if issues:
        raise InputRejected(issues)
    with transaction.atomic():
        for row in checked:
            try:
                _apply(lg, fiscal_year, row)
            except (AssetError, InputRejected) as e:
                message = str(e) if isinstance(e, AssetError) else "; ".join(i.message for i in e.issues[:3])
                raise InputRejected([Issue(message, file=path.name, sheet=SHEET, row=row.row)]) from e
    return len(checked)


def _apply(lg: LocalGovernment, fiscal_year: int, row: _Row) -> None:
    c = row.cells
    common = dict(lg=lg, date=row.date, fiscal_year=fiscal_year, note=c["摘要"])
    if row.reason in RECEIPTS:
        ch.receive_free(**common, reason=row.reason, value=row.amount or 0, asset_no=row.asset_no,
                        branch_no=row.branch_no, name=c["資産名称"], asset_class=c["資産区分"], kind=c["種目"],
                        useful_life=row.life, acquired_on=row.acquired_on, in_service=row.in_service,
                        location=c["所在地"], dept=c["管理所属"], quantity=c["数量"].replace(",", "") or None,
                        unit=c["単位"])
    elif row.reason == "retirement":
        ch.retire(**common, asset_no=row.asset_no, branch_no=row.branch_no)
    elif row.reason in ch.FREE_OUT_REASONS:
        ch.give_away(**common, asset_no=row.asset_no, branch_no=row.branch_no, reason=row.reason)
    elif row.reason == "sale":
        ch.sell(**common, asset_no=row.asset_no, branch_no=row.branch_no, proceeds=row.amount or 0)
    elif row.reason == "reclass":
        ch.reclassify(**common, asset_no=row.asset_no, branch_no=row.branch_no, to_class=c["資産区分"] or None,
                      to_kind=c["種目"] or None, useful_life=row.life)
    elif row.reason == "revaluation":
        ch.revalue(**{**common, "note": ""}, asset_no=row.asset_no, branch_no=row.branch_no, value=row.amount or 0,
                   accumulated=row.accumulated, reason=c["摘要"],
                   valuation=ch.VALUATION_CODES.get(c["評価方法"], "replacement"))
    elif row.reason == "cip_transfer":
        ch.complete_construction(**common, asset_no=row.asset_no, branch_no=row.branch_no, to_kind=c["種目"],
                                 to_class=c["資産区分"] or None, amount=row.amount,
                                 new_asset_no=c["振替先資産番号"] or None, name=c["資産名称"] or None,
                                 useful_life=row.life, in_service=row.in_service)
