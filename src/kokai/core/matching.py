"""マッチングワークシート: deciding where each capital-or-expense payment is booked.

The conversion table books a payment whose rule says ``matching`` (工事請負費, 公有財産購入費,
備品購入費, 委託料 …) provisionally. Staff decide each such payment on the worksheet, one row
per part of the payment; the parts of a payment add up to its amount exactly. What a
decision books (借方 / 貸方):

====================  =============================================  ===========================
判断                  借方                                            貸方
====================  =============================================  ===========================
資産計上（新規資産）  the asset line given (有形・無形固定資産)        公共施設等整備費支出
資産計上（既存資産）  the asset line given                           公共施設等整備費支出
建設仮勘定            建設仮勘定 (事業用; インフラ if the line says so) 公共施設等整備費支出
費用                  物件費                                          物件費等支出
修繕費                維持補修費                                      物件費等支出
対象外                the rule's own booking                          the rule's own booking
====================  =============================================  ===========================

**科目の判断** (kind ``account``, 「勘定科目を指定」). A record whose rule says ``classify``,
``purpose`` or ``split`` (and a 歳入 record whose rule says ``matching``, e.g. 財産売払収入)
is decided by choosing one of the rule's ``candidates`` for each part:

* a CF candidate (``purpose``: 業務 or 投資活動の国県等補助金収入) replaces the rule's CF
  side (歳入: the debit, 歳出: the credit);
* any other candidate replaces the rule's non-CF side (歳出: the debit, 歳入: the credit),
  and moves the CF side where the account implies another CF line (:data:`CF_OF_ACCOUNT`:
  a 繰出金 paid into a 基金 pays from 基金積立金支出, the 利子 part of a 償還金 from
  支払利息支出 …); otherwise the rule's CF line stays.

So 積立金 classified to 財政調整基金 books 借 財政調整基金 / 貸 基金積立金支出, and a 国庫支出金
for 普通建設事業 books 借 投資活動収入/国県等補助金収入 / 貸 国県等補助金.

This module is Django-free: :func:`validate_rows` turns the rows read from a sheet into a
decisions frame (or issues), :func:`apply_decisions` puts decisions into ruled records.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import polars as pl

from .assets import INTANGIBLE_ROOT, Settings
from .cells import cell_date, cell_int, cell_text
from .chart import Chart, ChartError, Line
from .issues import InputRejected, Issue

KINDS: dict[str, str] = {
    "asset_new": "資産計上（新規資産）",
    "asset_existing": "資産計上（既存資産）",
    "cip": "建設仮勘定",
    "expense": "費用",
    "repair": "修繕費",
    "excluded": "対象外",
}
ACCOUNT_KIND = "account"
ACCOUNT_LABEL = "勘定科目を指定"
ALL_KINDS: dict[str, str] = {**KINDS, ACCOUNT_KIND: ACCOUNT_LABEL}
ACCOUNT_DECISIONS = ("classify", "purpose", "split")  # and 歳入 matching: see takes_account
ASSET_KINDS = ("asset_new", "asset_existing")
CAPITAL_KINDS = (*ASSET_KINDS, "cip")

CAPITAL_CREDIT = "CF/投資活動収支/投資活動支出/公共施設等整備費支出"
EXPENSE_DEBIT = "PL/経常費用/業務費用/物件費等/物件費"
REPAIR_DEBIT = "PL/経常費用/業務費用/物件費等/維持補修費"
EXPENSE_CREDIT = "CF/業務活動収支/業務支出/業務費用支出/物件費等支出"
CIP_BUSINESS = "BS/固定資産/有形固定資産/事業用資産/建設仮勘定"
CIP_INFRA = "BS/固定資産/有形固定資産/インフラ資産/建設仮勘定"
ASSET_ROOTS = ("BS/固定資産/有形固定資産/", "BS/固定資産/無形固定資産/")
INFRA_ROOT = "BS/固定資産/有形固定資産/インフラ資産/"
BUSINESS_ROOT = "BS/固定資産/有形固定資産/事業用資産/"
SHORT_PREFIXES = ("BS/固定資産/有形固定資産/", "BS/固定資産/")
NO_LIFE_NAMES = ("土地", "立木竹", "建設仮勘定")  # not depreciated: no 耐用年数 needed
NO_LIFE_CLASSES = ("美術品", "借地権", "地上権")  # 資産区分 values that are not depreciated either

# The CF line that goes with a non-CF account chosen on a 科目の判断 row: (direction, path prefix, CF line).
# The first matching prefix wins; an account not listed keeps the rule's CF line.
_CFB = "CF/業務活動収支/業務支出"
CF_OF_ACCOUNT: tuple[tuple[str, str, str], ...] = (
    ("E", "PL/経常費用/業務費用/その他の業務費用/支払利息", f"{_CFB}/業務費用支出/支払利息支出"),
    ("E", "PL/経常費用/業務費用/その他の業務費用/その他", f"{_CFB}/業務費用支出/その他の支出"),
    ("E", "PL/経常費用/移転費用/他会計への繰出金", f"{_CFB}/移転費用支出/他会計への繰出支出"),
    ("E", "NW/財源/", f"{_CFB}/業務費用支出/その他の支出"),
    ("E", "BS/流動資産/基金/", "CF/投資活動収支/投資活動支出/基金積立金支出"),
    ("E", "BS/固定資産/投資その他の資産/基金/", "CF/投資活動収支/投資活動支出/基金積立金支出"),
    ("E", "BS/固定資産/投資その他の資産/長期貸付金", "CF/投資活動収支/投資活動支出/貸付金支出"),
    ("E", "BS/流動資産/短期貸付金", "CF/投資活動収支/投資活動支出/貸付金支出"),
    ("E", "BS/固定負債/地方債", "CF/財務活動収支/財務活動支出/地方債償還支出"),
    ("E", "BS/流動負債/1年内償還予定地方債", "CF/財務活動収支/財務活動支出/地方債償還支出"),
    ("R", "BS/流動資産/基金/", "CF/投資活動収支/投資活動収入/基金取崩収入"),
    ("R", "BS/固定資産/投資その他の資産/基金/", "CF/投資活動収支/投資活動収入/基金取崩収入"),
    ("R", "BS/固定資産/投資その他の資産/長期貸付金", "CF/投資活動収支/投資活動収入/貸付金元金回収収入"),
    ("R", "BS/流動資産/短期貸付金", "CF/投資活動収支/投資活動収入/貸付金元金回収収入"),
    ("R", "PL/経常収益/その他", "CF/業務活動収支/業務収入/その他の収入"),
)

KEY = ["fund", "direction", "voucher_no", "line_no"]
DECISION_SCHEMA = {
    "fund": pl.String, "direction": pl.String, "voucher_no": pl.String, "line_no": pl.Int64, "seq": pl.Int64,
    "kind": pl.String, "amount": pl.Int64, "account": pl.String, "asset_no": pl.String, "asset_name": pl.String,
    "asset_class": pl.String, "structure": pl.String, "use": pl.String, "useful_life": pl.Int64,
    "in_service": pl.Date, "quantity": pl.String, "unit": pl.String, "note": pl.String,
}

# The worksheet's columns: (header, width, field). Source columns are locked; decision columns are filled in.
SOURCE_COLUMNS = (
    ("会計区分", 10), ("伝票番号", 12), ("行番号", 6), ("日付", 11), ("予算科目", 12), ("予算科目名", 34),
    ("所属", 8), ("相手方", 18), ("摘要", 28), ("支出金額", 14), ("変換規則", 16), ("仮の仕訳", 40),
)
DECISION_COLUMNS = (
    ("判断", 20, "kind"), ("金額", 14, "amount"), ("勘定科目", 24, "account"), ("資産番号", 12, "asset_no"),
    ("資産名称", 24, "asset_name"), ("資産区分", 12, "asset_class"), ("構造", 12, "structure"), ("用途", 12, "use"),
    ("耐用年数", 8, "useful_life"), ("供用開始日", 12, "in_service"), ("数量", 8, "quantity"), ("単位", 6, "unit"),
    ("備考", 30, "note"),
)
REQUIRED_HEADERS = ("会計区分", "伝票番号", "行番号", *(h for h, _w, _f in DECISION_COLUMNS))
MAX_LENGTHS = {"asset_no": 40, "asset_name": 200, "asset_class": 20, "structure": 60, "use": 60, "quantity": 30,
               "unit": 10, "note": 200}
HEADER_OF = {f: h for h, _w, f in DECISION_COLUMNS}
ROW = "_row"  # key of the sheet row number in a row dict

_ALIASES = {
    **{label: kind for kind, label in KINDS.items()}, **{kind: kind for kind in KINDS},
    "資産計上（新規）": "asset_new", "資産計上（既存）": "asset_existing", "新規資産": "asset_new",
    "既存資産": "asset_existing", "資産計上": "asset_new", "費用（物件費）": "expense", "物件費": "expense",
    "維持補修費": "repair",
}


def takes_account(direction: str | None, decision: str | None) -> bool:
    """Whether a record is decided on the 科目の判断 sheet (by choosing a candidate account)."""
    return decision in ACCOUNT_DECISIONS or (decision == "matching" and direction == "R")


def account_booking(direction: str, account: str, rule_debit: str | None, rule_credit: str | None
                    ) -> tuple[str | None, str | None]:
    """(借方, 貸方) of a 科目の判断 part booked to ``account`` (a candidate path); see the module docstring."""
    if account.startswith("CF/"):
        return (rule_debit, account) if direction == "E" else (account, rule_credit)
    cf = next((c for d, prefix, c in CF_OF_ACCOUNT if d == direction and account.startswith(prefix)), None)
    if direction == "E":
        return account, cf or rule_credit
    return cf or rule_debit, account


def resolve_candidate(text: str, candidates: Iterable[str]) -> str:
    """The candidate path a 勘定科目 cell names: the path itself or a unique ending (「財政調整基金」).
    ValueError (Japanese, listing the candidates) otherwise."""
    cands = list(candidates)
    want = unicodedata.normalize("NFKC", text).strip().replace("／", "/").replace(" ", "")
    norm = {c: unicodedata.normalize("NFKC", c) for c in cands}
    exact = [c for c, n in norm.items() if n == want]
    if exact:
        return exact[0]
    ends = [c for c, n in norm.items() if n.endswith("/" + want)]
    if len(ends) == 1:
        return ends[0]
    if len(ends) > 1:
        raise ValueError(f"勘定科目「{text}」に当たる候補が{len(ends)}件あります（{'、'.join(ends)}）。一覧から選んでください")
    raise ValueError(f"勘定科目「{text}」はこの記録の候補ではありません。候補: {'、'.join(cands) or '（なし）'}")


def kind_of(text: str) -> str | None:
    """The decision kind a 判断 cell names (label, short label or code); None if unknown."""
    return _ALIASES.get(unicodedata.normalize("NFKC", text).replace("(", "（").replace(")", "）").strip()) \
        or _ALIASES.get(text.strip())


# ---------------------------------------------------------------------------- accounts

def asset_lines(chart: Chart) -> list[Line]:
    """The postable 有形・無形固定資産 lines a decision may book to (no 減価償却累計額)."""
    return [
        ln for ln in chart.lines
        if ln.statement == "BS" and ln.postable and not ln.contra and ln.qualified_path.startswith(ASSET_ROOTS)
    ]


def short_label(path: str) -> str:
    """「インフラ資産/工作物」 for BS/固定資産/有形固定資産/インフラ資産/工作物 (the worksheet's list)."""
    for prefix in SHORT_PREFIXES:
        if path.startswith(prefix):
            return path.removeprefix(prefix)
    return path


def asset_labels(chart: Chart) -> dict[str, str]:
    """Worksheet label → qualified path, for every asset line."""
    return {short_label(ln.qualified_path): ln.qualified_path for ln in asset_lines(chart)}


def resolve_asset(chart: Chart, text: str) -> Line:
    """An asset line from a worksheet label, a qualified path, a code, or a unique path ending."""
    text = unicodedata.normalize("NFKC", text).strip().replace("／", "/")
    lines = asset_lines(chart)
    by_label = {short_label(ln.qualified_path): ln for ln in lines}
    if text in by_label:
        return by_label[text]
    try:
        ln = chart.resolve(text)
    except ChartError:
        ends = [ln for ln in lines if ln.qualified_path.endswith("/" + text)]
        if len(ends) == 1:
            return ends[0]
        if len(ends) > 1:
            raise ChartError(
                f"勘定科目「{text}」は{len(ends)}件あります。一覧から選んでください（例: {short_label(ends[0].qualified_path)}）"
            ) from None
        raise ChartError(f"勘定科目「{text}」は固定資産の科目にありません。一覧から選んでください") from None
    if ln not in lines:
        raise ChartError(f"勘定科目「{text}」は有形・無形固定資産の科目ではありません。一覧から選んでください")
    return ln


def needs_life(line: Line, asset_class: str) -> bool:
    """Whether an asset booked to ``line`` needs a 耐用年数 (土地・立木竹・建設仮勘定・美術品 do not)."""
    return line.name not in NO_LIFE_NAMES and not any(c in asset_class for c in NO_LIFE_CLASSES)


def booking(kind: str, account: str, rule_debit: str | None, rule_credit: str | None) -> tuple[str | None, str | None]:
    """(借方, 貸方) paths a decision books; ``account`` is the stored qualified path."""
    if kind in CAPITAL_KINDS:
        return account, CAPITAL_CREDIT
    if kind == "expense":
        return EXPENSE_DEBIT, EXPENSE_CREDIT
    if kind == "repair":
        return REPAIR_DEBIT, EXPENSE_CREDIT
    if kind == "excluded":
        return rule_debit, rule_credit
    raise ValueError(f"unknown decision kind {kind!r}")


# ---------------------------------------------------------------------------- validating

@dataclass(frozen=True)
class _Payment:
    fund: str
    direction: str
    voucher_no: str
    line_no: int
    amount: int


def payment_lookup(records: pl.DataFrame) -> tuple[dict[tuple[str, str, int], _Payment], dict[str, str]]:
    """Payments needing a decision by (fund code, 伝票番号, 行番号), and fund name/code → code.

    ``records`` has ``fund`` (code), ``direction``, ``voucher_no``, ``line_no``, ``amount`` and
    optionally ``fund_name``.
    """
    funds: dict[str, str] = {}
    payments = {}
    cols = ["fund", "direction", "voucher_no", "line_no", "amount"]
    names = records["fund_name"].to_list() if "fund_name" in records.columns else [None] * records.height
    for (fund, direction, voucher, line, amount), name in zip(records.select(cols).iter_rows(), names, strict=True):
        payments[(fund, voucher, int(line))] = _Payment(fund, direction, voucher, int(line), int(amount))
        funds[fund] = fund
        if name:
            funds[unicodedata.normalize("NFKC", name)] = fund
    return payments, funds


def row_key(row: Mapping[str, object], funds: Mapping[str, str]) -> tuple[str, str, int] | None:
    """(fund code, 伝票番号, 行番号) a sheet row points at; None if it cannot be read."""
    fund = funds.get(cell_text(row.get("会計区分")))
    voucher = cell_text(row.get("伝票番号"))
    try:
        line = cell_int(row.get("行番号"), "行番号")
    except ValueError:
        return None
    return (fund, voucher, line) if fund and voucher else None


def validate_rows(
    rows: Iterable[Mapping[str, object]], *, records: pl.DataFrame, chart: Chart, file: str = "", sheet: str = "",
    thresholds: Settings | None = None,
) -> tuple[pl.DataFrame, list[Issue]]:
    """Check the rows read from a worksheet; return the decisions (schema DECISION_SCHEMA) and issues.

    ``rows`` are dicts by header, each with its sheet row number under ``"_row"``; ``records``
    are the payments needing a decision (see :func:`payment_lookup`). A payment whose rows all
    have an empty 判断 gets no decision (it stays provisional). A new 物品 or 無形固定資産
    whose cost (all its payments, by 資産番号 or else 資産名称) is below the 団体's 計上基準額
    (``thresholds``: kokai.core.assets.Settings) is refused: it is an expense.
    """
    payments, funds = payment_lookup(records)
    issues: list[Issue] = []

    def bad(message: str, row: int | None, column: str = "") -> None:
        issues.append(Issue(message, file=file, sheet=sheet, row=row, column=column))

    groups: dict[tuple[str, str, int], list[Mapping[str, object]]] = {}
    for row in rows:
        r = row.get(ROW)
        if all(cell_text(v) == "" for k, v in row.items() if k != ROW):
            continue
        fund_text, voucher = cell_text(row.get("会計区分")), cell_text(row.get("伝票番号"))
        if fund_text and fund_text not in funds:
            bad(f"会計区分「{fund_text}」の支出で判断が必要なものはありません", r, "会計区分")
            continue
        if not voucher:
            bad("伝票番号が空欄です", r, "伝票番号")
            continue
        try:
            cell_int(row.get("行番号"), "行番号")
        except ValueError as e:
            bad(str(e).replace("金額", "行番号"), r, "行番号")
            continue
        key = row_key(row, funds)
        if key is None:
            bad("会計区分が空欄です", r, "会計区分")
            continue
        if key not in payments:
            bad(f"伝票番号「{key[1]}」行番号 {key[2]} に該当する支出がありません（判断が必要な支出ではないか、"
                "データにありません）", r, "伝票番号")
            continue
        groups.setdefault(key, []).append(row)

    out: list[dict[str, object]] = []
    rows_of: dict[int, object] = {}  # id(part) → its sheet row
    assets: dict[str, tuple[int | None, str, int | None]] = {}  # 資産番号 → (row, account, life)
    for key, group in groups.items():
        pay = payments[key]
        decided = [g for g in group if cell_text(g.get("判断"))]
        if not decided:
            continue  # no decision yet
        if len(decided) < len(group):
            for g in group:
                if not cell_text(g.get("判断")):
                    bad("同じ支出の他の行には判断がありますが、この行の判断が空欄です。判断を選ぶか、行を削除してください",
                        g.get(ROW), "判断")
            continue
        parts, seen, ok = [], {}, True
        for seq, g in enumerate(group, start=1):
            part = _part(g, pay, seq, single=len(group) == 1, chart=chart, bad=bad)
            if part is None:
                ok = False
                continue
            sig = tuple(v for k, v in part.items() if k != "seq")
            if sig in seen:
                bad(f"{seen[sig]}行目と同じ内容の行です（重複）。1行にまとめてください", g.get(ROW), "判断")
                ok = False
            seen.setdefault(sig, g.get(ROW))
            parts.append((g, part))
        if not ok:
            continue
        total = sum(p["amount"] for _g, p in parts)
        if total != pay.amount:
            first = parts[0][0].get(ROW)
            bad(f"伝票番号「{pay.voucher_no}」行番号 {pay.line_no} の金額の合計 {total:,}円 が支出金額 "
                f"{pay.amount:,}円 と一致しません（差額 {pay.amount - total:,}円）", first, "金額")
            continue
        for g, p in parts:
            no = p["asset_no"]
            if p["kind"] == "asset_new" and no:
                prev = assets.setdefault(no, (g.get(ROW), p["account"], p["useful_life"]))
                if prev[1:] != (p["account"], p["useful_life"]):
                    bad(f"資産番号「{no}」は{prev[0]}行目と勘定科目か耐用年数が違います。同じ資産には同じ値を入れてください",
                        g.get(ROW), "資産番号")
            out.append(p)
            rows_of[id(p)] = g.get(ROW)
    issues += _below_threshold(out, rows_of, thresholds or Settings(), chart, file=file, sheet=sheet)
    frame = pl.DataFrame(out, schema=DECISION_SCHEMA, orient="row") if out else pl.DataFrame(schema=DECISION_SCHEMA)
    return frame, issues


def _below_threshold(parts: list[dict], rows_of: dict[int, object], settings: Settings, chart: Chart, *,
                     file: str, sheet: str) -> list[Issue]:
    """New 物品 / 無形固定資産 whose total cost is under the 団体's 計上基準額 (assets.md §4)."""
    totals: dict[tuple[str, str], list] = {}
    for p in parts:
        if p["kind"] != "asset_new" or not p["account"]:
            continue
        account = p["account"]
        cls = "物品" if account.endswith("/物品") else "無形固定資産" if account.startswith(INTANGIBLE_ROOT) else ""
        if not cls:
            continue
        key = (p["account"], p["asset_no"] or p["asset_name"])
        entry = totals.setdefault(key, [0, rows_of[id(p)], cls, p["asset_name"]])
        entry[0] += p["amount"]
    out = []
    for (_account, _name), (cost, row, cls, name) in totals.items():
        if not settings.capitalised(cost, cls):
            limit = settings.movable_threshold if cls == "物品" else settings.software_threshold
            out.append(Issue(
                f"「{name}」の取得価額 {cost:,}円 は{cls}の計上基準額 {limit:,}円 未満です。費用（備品購入費等）と"
                "してください（基準額は `kokai settings` で団体ごとに変更できます）", file=file, sheet=sheet, row=row,
                column="判断"))
    return out


def _part(g, pay: _Payment, seq: int, *, single: bool, chart: Chart, bad) -> dict[str, object] | None:
    r = g.get(ROW)
    n_issues = []

    def err(message: str, column: str) -> None:
        n_issues.append(1)
        bad(message, r, column)

    label = cell_text(g.get("判断"))
    kind = kind_of(label)
    if kind is None:
        err(f"判断「{label}」は選べません。{'・'.join(KINDS.values())} のどれかを選んでください", "判断")
        return None
    amount_cell = g.get("金額")
    if cell_text(amount_cell) == "":
        if single:
            amount = pay.amount
        else:
            err("支出を分けたときは、各行に金額を入れてください", "金額")
            amount = 0
    else:
        try:
            amount = cell_int(amount_cell, "金額")
        except ValueError as e:
            err(str(e), "金額")
            amount = 0
    fields = {f: cell_text(g.get(HEADER_OF[f])) for f in MAX_LENGTHS}
    for f, limit in MAX_LENGTHS.items():
        if len(fields[f]) > limit:
            err(f"{HEADER_OF[f]}が長すぎます（{limit}文字まで）", HEADER_OF[f])
    account_text = cell_text(g.get("勘定科目"))
    account = ""
    line: Line | None = None
    if kind in CAPITAL_KINDS and account_text:
        try:
            line = resolve_asset(chart, account_text)
        except ChartError as e:
            err(str(e), "勘定科目")
    if kind in ASSET_KINDS:
        if not account_text:
            err("資産計上には勘定科目（固定資産の科目）が必要です", "勘定科目")
        elif line is not None and line.name == "建設仮勘定":
            err("建設仮勘定に計上するときは、判断で「建設仮勘定」を選んでください", "判断")
        elif line is not None:
            account = line.qualified_path
        if not fields["asset_name"]:
            err("資産計上には資産名称が必要です", "資産名称")
        if kind == "asset_existing" and not fields["asset_no"]:
            err("既存資産への計上には資産番号が必要です", "資産番号")
    elif kind == "cip":
        if line is None and not account_text:
            account = CIP_BUSINESS
        elif line is not None:
            if line.qualified_path.startswith(INFRA_ROOT):
                account = CIP_INFRA
            elif line.qualified_path.startswith(BUSINESS_ROOT):
                account = CIP_BUSINESS
            else:
                err("建設仮勘定は事業用資産かインフラ資産のものです。「事業用資産/建設仮勘定」か"
                    "「インフラ資産/建設仮勘定」を選んでください", "勘定科目")
    elif account_text:
        err(f"判断「{KINDS[kind]}」では勘定科目は使いません（計上先は判断で決まります）。空欄にしてください", "勘定科目")
    life: int | None = None
    life_cell = g.get("耐用年数")
    if cell_text(life_cell):
        try:
            life = cell_int(life_cell, "耐用年数")
            if not 1 <= life <= 100:
                raise ValueError(f"耐用年数「{life}」は1〜100年で入力してください")
        except ValueError as e:
            err(str(e).replace("金額", "耐用年数"), "耐用年数")
            life = None
    elif kind in ASSET_KINDS and line is not None and needs_life(line, fields["asset_class"]):
        err(f"耐用年数が必要です（{short_label(line.qualified_path)}）。土地・建設仮勘定・美術品のほかは入力してください",
            "耐用年数")
    in_service: dt.date | None = None
    if cell_text(g.get("供用開始日")):
        try:
            in_service = cell_date(g.get("供用開始日"))
        except ValueError as e:
            err(str(e), "供用開始日")
    elif kind in ASSET_KINDS:
        err("資産計上には供用開始日が必要です", "供用開始日")
    if n_issues:
        return None
    return {
        "fund": pay.fund, "direction": pay.direction, "voucher_no": pay.voucher_no, "line_no": pay.line_no,
        "seq": seq, "kind": kind, "amount": amount, "account": account, **fields, "useful_life": life,
        "in_service": in_service,
    }


# ---------------------------------------------------------------------------- 科目の判断 rows

ACCOUNT_SOURCE_COLUMNS = (
    ("会計区分", 10), ("歳入歳出", 6), ("伝票番号", 12), ("行番号", 6), ("日付", 11), ("予算科目", 12),
    ("予算科目名", 34), ("所属", 8), ("相手方", 18), ("摘要", 28), ("収支金額", 14), ("変換規則", 22),
    ("要判断", 14), ("仮の仕訳", 44),
)
ACCOUNT_DECISION_COLUMNS = (("勘定科目", 48, "account"), ("金額", 14, "amount"), ("備考", 30, "note"))
ACCOUNT_REQUIRED_HEADERS = ("会計区分", "歳入歳出", "伝票番号", "行番号", "勘定科目", "金額")
ACCOUNT_OPTIONAL_HEADERS = ("備考",)
_DIRECTION_OF = {"歳出": "E", "歳入": "R", "E": "E", "R": "R", "e": "E", "r": "R"}


def record_lookup(records: pl.DataFrame) -> tuple[dict[tuple[str, str, str, int], tuple[int, str | None]], dict[str, str]]:
    """Records needing a 科目の判断 by (fund code, direction, 伝票番号, 行番号) → (amount, rule_id),
    and fund name/code → code. ``records`` as for :func:`payment_lookup`, with ``rule_id``."""
    funds: dict[str, str] = {}
    out = {}
    names = records["fund_name"].to_list() if "fund_name" in records.columns else [None] * records.height
    cols = ["fund", "direction", "voucher_no", "line_no", "amount", "rule_id"]
    for (fund, direction, voucher, line, amount, rule_id), name in zip(
            records.select(cols).iter_rows(), names, strict=True):
        out[(fund, direction, voucher, int(line))] = (int(amount), rule_id)
        funds[fund] = fund
        if name:
            funds[unicodedata.normalize("NFKC", name)] = fund
    return out, funds


def account_row_key(row: Mapping[str, object], funds: Mapping[str, str]) -> tuple[str, str, str, int] | None:
    """(fund code, direction, 伝票番号, 行番号) a 科目の判断 row points at; None if it cannot be read."""
    fund = funds.get(cell_text(row.get("会計区分")))
    direction = _DIRECTION_OF.get(cell_text(row.get("歳入歳出")))
    voucher = cell_text(row.get("伝票番号"))
    try:
        line = cell_int(row.get("行番号"), "行番号")
    except ValueError:
        return None
    return (fund, direction, voucher, line) if fund and direction and voucher else None


def validate_account_rows(
    rows: Iterable[Mapping[str, object]], *, records: pl.DataFrame, candidates: Mapping[str, tuple[str, ...]],
    file: str = "", sheet: str = "",
) -> tuple[pl.DataFrame, list[Issue]]:
    """Check the rows of the 科目の判断 sheet; return decisions (kind ``account``, schema DECISION_SCHEMA)
    and issues. ``records`` are those needing such a decision (:func:`record_lookup`), ``candidates``
    the candidate paths by rule id. A record whose rows all have an empty 勘定科目 stays provisional."""
    lookup, funds = record_lookup(records)
    issues: list[Issue] = []

    def bad(message: str, row: object, column: str = "") -> None:
        issues.append(Issue(message, file=file, sheet=sheet, row=row, column=column))  # type: ignore[arg-type]

    groups: dict[tuple[str, str, str, int], list[Mapping[str, object]]] = {}
    for row in rows:
        r = row.get(ROW)
        if all(cell_text(v) == "" for k, v in row.items() if k != ROW):
            continue
        fund_text, voucher = cell_text(row.get("会計区分")), cell_text(row.get("伝票番号"))
        if not fund_text:
            bad("会計区分が空欄です", r, "会計区分")
            continue
        if fund_text not in funds:
            bad(f"会計区分「{fund_text}」の記録で科目の判断が必要なものはありません", r, "会計区分")
            continue
        if cell_text(row.get("歳入歳出")) not in _DIRECTION_OF:
            bad(f"歳入歳出「{cell_text(row.get('歳入歳出'))}」は 歳入 か 歳出 で書いてください", r, "歳入歳出")
            continue
        if not voucher:
            bad("伝票番号が空欄です", r, "伝票番号")
            continue
        try:
            cell_int(row.get("行番号"), "行番号")
        except ValueError as e:
            bad(str(e), r, "行番号")
            continue
        key = account_row_key(row, funds)
        if key is None or key not in lookup:
            bad(f"伝票番号「{voucher}」行番号 {cell_text(row.get('行番号'))} に該当する記録がありません"
                "（科目の判断が必要な記録ではないか、データにありません）", r, "伝票番号")
            continue
        groups.setdefault(key, []).append(row)

    out: list[dict[str, object]] = []
    for key, group in groups.items():
        amount, rule_id = lookup[key]
        decided = [g for g in group if cell_text(g.get("勘定科目"))]
        if not decided:
            continue
        if len(decided) < len(group):
            for g in group:
                if not cell_text(g.get("勘定科目")):
                    bad("同じ記録の他の行には勘定科目がありますが、この行が空欄です。勘定科目を選ぶか、行を削除してください",
                        g.get(ROW), "勘定科目")
            continue
        cands = candidates.get(rule_id or "", ())
        parts, seen, ok = [], {}, True
        for seq, g in enumerate(group, start=1):
            r = g.get(ROW)
            n = len(issues)
            try:
                account = resolve_candidate(cell_text(g.get("勘定科目")), cands)
            except ValueError as e:
                bad(str(e), r, "勘定科目")
                account = ""
            cell = g.get("金額")
            part_amount = 0
            if cell_text(cell) == "":
                if len(group) == 1:
                    part_amount = amount
                else:
                    bad("記録を分けたときは、各行に金額を入れてください", r, "金額")
            else:
                try:
                    part_amount = cell_int(cell, "金額")
                except ValueError as e:
                    bad(str(e), r, "金額")
            note = cell_text(g.get("備考"))
            if len(note) > MAX_LENGTHS["note"]:
                bad(f"備考が長すぎます（{MAX_LENGTHS['note']}文字まで）", r, "備考")
            if len(issues) > n:
                ok = False
                continue
            sig = (account, part_amount, note)
            if sig in seen:
                bad(f"{seen[sig]}行目と同じ内容の行です（重複）。1行にまとめてください", r, "勘定科目")
                ok = False
            seen.setdefault(sig, r)
            parts.append((g, {
                "fund": key[0], "direction": key[1], "voucher_no": key[2], "line_no": key[3], "seq": seq,
                "kind": ACCOUNT_KIND, "amount": part_amount, "account": account,
                **{f: "" for f in MAX_LENGTHS}, "note": note, "useful_life": None, "in_service": None,
            }))
        if not ok:
            continue
        total = sum(p["amount"] for _g, p in parts)
        if total != amount:
            bad(f"伝票番号「{key[2]}」行番号 {key[3]} の金額の合計 {total:,}円 が記録の金額 {amount:,}円 と"
                f"一致しません（差額 {amount - total:,}円）", parts[0][0].get(ROW), "金額")
            continue
        out.extend(p for _g, p in parts)
    frame = pl.DataFrame(out, schema=DECISION_SCHEMA, orient="row") if out else pl.DataFrame(schema=DECISION_SCHEMA)
    return frame, issues


# ---------------------------------------------------------------------------- applying

def apply_decisions(ruled: pl.DataFrame, decisions: pl.DataFrame, rules=None) -> pl.DataFrame:
    """Ruled records with each decided record replaced by one row per part.

    A part keeps the record's columns, takes its own ``amount``, the decision's ``debit`` /
    ``credit`` and ``decision`` "". Records without a decision are unchanged (still booked
    provisionally). The matching kinds apply only to 歳出 records their rule marks
    ``matching``; kind ``account`` only to records :func:`takes_account` (classify, purpose,
    split, 歳入 matching); other stored decisions are ignored (the record stays provisional).
    The parts of a record must add up to its amount, or the whole is refused (the data changed
    since the worksheet was filled in). With ``rules`` (a RuleTable), an ``account`` that is
    not among its rule's candidates is refused too. Row order is kept, parts in their order.
    """
    if decisions.height == 0:
        return ruled
    cols = ruled.columns
    d = decisions.select(
        pl.col("fund").cast(pl.String), pl.col("direction").cast(pl.String), pl.col("voucher_no").cast(pl.String),
        pl.col("line_no").cast(pl.Int64), pl.col("seq").cast(pl.Int64), pl.col("kind").cast(pl.String),
        pl.col("amount").cast(pl.Int64).alias("_part"), pl.col("account").cast(pl.String).fill_null(""),
    )
    indexed = ruled.with_row_index("_idx").with_columns(pl.col("line_no").cast(pl.Int64).alias("_line"))
    decision = pl.col("decision").fill_null("")
    target = indexed.filter(~decision.is_in(["", "none"]))
    joined = target.join(d.rename({"line_no": "_line"}), on=["fund", "direction", "voucher_no", "_line"], how="inner")
    is_account = pl.col("kind") == ACCOUNT_KIND
    fits_account = decision.is_in(list(ACCOUNT_DECISIONS)) | ((decision == "matching") & (pl.col("direction") == "R"))
    fits_matching = (decision == "matching") & (pl.col("direction") == "E")
    joined = joined.filter(pl.when(is_account).then(fits_account).otherwise(fits_matching & pl.col("kind").is_in(list(KINDS))))
    if rules is not None:
        allowed = {r.id: set(r.candidates) for r in rules}
        bad = [row for row in joined.filter(is_account).select("voucher_no", "_line", "rule_id", "account").unique()
               .sort("voucher_no", "_line").iter_rows() if row[3] not in allowed.get(row[2], set())]
        if bad:
            raise InputRejected([
                Issue(f"伝票番号「{v}」行番号 {n} の勘定科目「{a}」は変換規則 {rid} の候補ではありません"
                      f"（候補: {'、'.join(sorted(allowed.get(rid, ())))}）。ワークシートを出力し直して判断し直してください")
                for v, n, rid, a in bad[:100]
            ])
    sums = joined.group_by("_idx").agg(pl.col("_part").sum().alias("_sum"), pl.col("amount").first())
    wrong = sums.filter(pl.col("_sum") != pl.col("amount"))
    if wrong.height:
        show = joined.join(wrong.select("_idx", "_sum"), on="_idx").unique("_idx").sort("_idx").head(100)
        raise InputRejected([
            Issue(f"伝票番号「{v}」行番号 {n} の判断の金額の合計 {s:,}円 が記録の金額 {a:,}円 と一致しません。"
                  "マッチングワークシートを出力し直して判断し直してください")
            for v, n, s, a in show.select("voucher_no", "_line", "_sum", "amount").iter_rows()
        ])
    # the 科目の判断 bookings, one per distinct (direction, account, rule debit, rule credit)
    combos = joined.filter(is_account).select("direction", "account", "debit", "credit").unique()
    booked = [(dr, acc, deb, cre, *account_booking(dr, acc, deb, cre)) for dr, acc, deb, cre in combos.iter_rows()]
    book = pl.DataFrame(booked, schema={"direction": pl.String, "account": pl.String, "debit": pl.String,
                                        "credit": pl.String, "_adebit": pl.String, "_acredit": pl.String},
                        orient="row")
    joined = joined.join(book, on=["direction", "account", "debit", "credit"], how="left", nulls_equal=True)
    kind = pl.col("kind")
    parts = joined.with_columns(
        pl.col("_part").cast(ruled.schema["amount"]).alias("amount"),
        pl.when(is_account).then(pl.col("_adebit"))
        .when(kind.is_in(list(CAPITAL_KINDS))).then(pl.col("account"))
        .when(kind == "expense").then(pl.lit(EXPENSE_DEBIT))
        .when(kind == "repair").then(pl.lit(REPAIR_DEBIT))
        .otherwise(pl.col("debit")).alias("debit"),
        pl.when(is_account).then(pl.col("_acredit"))
        .when(kind.is_in(list(CAPITAL_KINDS))).then(pl.lit(CAPITAL_CREDIT))
        .when(kind.is_in(["expense", "repair"])).then(pl.lit(EXPENSE_CREDIT))
        .otherwise(pl.col("credit")).alias("credit"),
        pl.lit("").alias("decision"),
    )
    kept = indexed.join(joined.select("_idx").unique(), on="_idx", how="anti").with_columns(pl.lit(0, pl.Int64).alias("seq"))
    return (
        pl.concat([kept.select("_idx", "seq", *cols), parts.select("_idx", "seq", *cols)], how="vertical_relaxed")
        .sort("_idx", "seq")
        .select(cols)
    )
