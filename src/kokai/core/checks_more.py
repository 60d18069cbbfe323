"""The cross-statement checks C14–C18 (statements.md §6), each with both of its sides.

C14 and C15 are hard rules; C16 and C18 are warnings (注意: a difference is to be
explained, not a reason to stop publication); C17 is a 注記 item (the difference is the
note's subject, so it always "passes" and shows both figures).

Until :class:`kokai.core.checks.Check` carries its own severity, :func:`status_of` derives
the printed result (一致 / 不一致 / 注意 / 注記 / 対象外) from the check's id
(:data:`SEVERITY`) and, for a check that does not apply, from :data:`NOT_APPLICABLE`
written as both labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .checks import Check
from .statements import (
    NW_COLUMNS,
    NW_FIXED,
    NW_TOTAL,
    LedgerTotals,
    StatementLine,
    Statements,
)

HARD, WARNING, NOTE = "hard", "warning", "note"
SEVERITY = {"C16": WARNING, "C17": NOTE, "C18": WARNING}  # every other check is HARD
MATCH, MISMATCH, CAUTION, NOTED, NOT_APPLICABLE = "一致", "不一致", "注意", "注記", "対象外"

# The rows whose 固定資産等形成分 column moves the fixed portion (C15), as printed.
NW_FIXED_MOVES = (
    "固定資産等の変動（内部変動）/有形固定資産等の増加",
    "固定資産等の変動（内部変動）/有形固定資産等の減少",
    "固定資産等の変動（内部変動）/貸付金・基金等の増加",
    "固定資産等の変動（内部変動）/貸付金・基金等の減少",
    "資産評価差額", "無償所管換等", "他団体出資等分の増加", "他団体出資等分の減少",
    "比例連結割合変更に伴う差額", "その他",
)
FIXED_PORTION_ASSETS = ("BS/固定資産", "BS/流動資産/短期貸付金", "BS/流動資産/基金")
CF_RECEIPTS = ("CF/業務活動収支/業務収入", "CF/業務活動収支/臨時収入",
               "CF/投資活動収支/投資活動収入", "CF/財務活動収支/財務活動収入")
CF_PAYMENTS = ("CF/業務活動収支/業務支出", "CF/業務活動収支/臨時支出",
               "CF/投資活動収支/投資活動支出", "CF/財務活動収支/財務活動支出")

# Where each side of a check is read, in words, for the certified accountant's paper.
_BS, _PL, _NW, _CF = ("様式第1号 貸借対照表", "様式第2号 行政コスト計算書",
                      "様式第3号 純資産変動計算書", "様式第4号 資金収支計算書")
SOURCES = {
    "C1": (_BS, _BS), "C2": (_PL, _NW), "C3": (_NW, _BS), "C4": (_NW, _BS), "C5": (_CF, _BS),
    "C6": (_BS, _BS), "C7": (_BS, _BS), "C8": (_NW, _NW), "C9": (_NW, _NW), "C10": (_NW, "（期待値）"),
    "C11": (_NW, "（期待値）"), "C12": (_CF, _CF), "C13": (_CF, _CF),
    "C14": ("本年度の財務書類（前年度末・期首の欄）", "前年度の公表財務書類（本年度末の欄）"),
    "C15": (f"{_BS}（本年度末と前年度末の差）", f"{_NW}（固定資産等形成分の列）"),
    "C16": (_BS, _CF), "C17": (_CF, _NW), "C18": (_CF, "歳入歳出決算書（決算額）"),
    "L1": ("科目残高の集計（転記時に更新）", "仕訳明細の再集計"),
    "L2": ("固定資産等の変動の集計（転記時に更新）", "仕訳明細からの再計算"),
    "A1": ("固定資産台帳", f"{_BS}（総勘定元帳の残高）"),
    "A2": ("固定資産台帳（本年度の償却）", f"{_PL}（減価償却費）"),
    "A3": ("固定資産台帳（マッチングによる取得）", f"{_CF}（公共施設等整備費支出）"),
    "R1": ("歳入歳出データ（財務会計システム）の節別合計", "歳入歳出決算書（決算額）"),
    "R2": ("歳入歳出データ（財務会計システム）の合計", "歳入歳出決算書（決算額）の合計"),
}


def severity_of(check: Check) -> str:
    return getattr(check, "severity", None) or SEVERITY.get(check.id, HARD)


def status_of(check: Check) -> str:
    """一致 / 不一致 / 注意 (a warning that differs) / 注記 / 対象外."""
    if getattr(check, "applicable", True) is False or (
        check.left_label == NOT_APPLICABLE and check.right_label == NOT_APPLICABLE
    ):
        return NOT_APPLICABLE
    sev = severity_of(check)
    if sev == NOTE:
        return NOTED
    if check.ok:
        return MATCH
    return CAUTION if sev == WARNING else MISMATCH


def blocking(checks) -> list[Check]:
    """The hard failures: the checks that stop publication (not warnings nor notes)."""
    return [c for c in checks if status_of(c) == MISMATCH]


def not_applicable(cid: str, name: str, reason: str) -> Check:
    """A check that cannot be made (no data for it): shown as 対象外 with the reason."""
    return Check(cid, f"{name}（{reason}）", True, NOT_APPLICABLE, 0, NOT_APPLICABLE, 0)


def _check(cid: str, name: str, left_label: str, left: int, right_label: str, right: int,
           tolerance: int = 0) -> Check:
    return Check(cid, name, abs(left - right) <= tolerance, left_label, left, right_label, right)


# ------------------------------------------------------------------ prior year (C14)


def statements_from_json(data: Mapping) -> Statements:
    """Statements back from the JSON of :func:`kokai.core.statements.as_json`."""
    lines = {
        stmt: tuple(
            StatementLine(ln["code"], ln["name"], ln["path"], ln["level"], amount=ln.get("amount"),
                          amounts=dict(ln["amounts"]) if "amounts" in ln else None)
            for ln in rows
        )
        for stmt, rows in data["statements"].items()
    }
    return Statements(lg_code=str(data["lg_code"]), fiscal_year=int(data["fiscal_year"]),
                      scope=str(data.get("scope", "")), lines=lines)


def opening_totals(totals: LedgerTotals) -> LedgerTotals:
    """The ledger as it stood at the start of ``totals.fiscal_year`` (earlier years and
    this year's 開始残高 only): built into statements, its BS is this year's opening BS."""
    rows = tuple(r for r in totals.rows if r[1] < totals.fiscal_year or (r[1] == totals.fiscal_year and r[2]))
    return LedgerTotals(fiscal_year=totals.fiscal_year, rows=rows, nw_moves={})


# (this year's line, this year's column, last year's line, last year's column)
_PRIOR_TIES = (
    [("NW/前年度末純資産残高", col, "NW/本年度末純資産残高", col) for col in NW_COLUMNS]
    + [("CF/前年度末資金残高", None, "CF/本年度末資金残高", None),
       ("CF/前年度末歳計外現金残高", None, "CF/本年度末歳計外現金残高", None)]
)


def prior_year_checks(current: Statements, published: Mapping | None, *,
                      opening: Statements | None = None) -> list[Check]:
    """C14: this year's 前年度末 figures equal last year's published year-end figures.

    ``published`` is last year's statements as published (the JSON of ``as_json``);
    None in the first year on Kokai (one check, 対象外). NW 前年度末純資産残高 is compared
    in all three columns with last year's 本年度末純資産残高, CF 前年度末資金残高 and
    前年度末歳計外現金残高 with last year's 本年度末 balances. With ``opening`` (this
    year's statements built from :func:`opening_totals`) every BS line's opening balance
    is compared with last year's printed balance: one check counting the lines that
    differ, then one check per differing line with both figures.
    """
    name = "前年度末の数値 = 前年度に公表した本年度末の数値"
    if published is None:
        return [not_applicable("C14", name, "前年度の公表データがありません。Kokai での初年度は対象外です")]
    prior = statements_from_json(published)
    if prior.lg_code != current.lg_code or prior.fiscal_year != current.fiscal_year - 1:
        return [Check("C14", f"{name}: 公表データの団体・年度（団体コード {prior.lg_code}）",
                      False, "公表データの会計年度", prior.fiscal_year, "前年度", current.fiscal_year - 1)]
    out: list[Check] = []
    for this_path, col, last_path, last_col in _PRIOR_TIES:
        suffix = f"（{col}）" if col else ""
        left = current.amount(this_path, col or NW_TOTAL)
        try:
            right = prior.amount(last_path, last_col or NW_TOTAL)
        except KeyError:
            out.append(Check("C14", f"{this_path}{suffix}: 公表データに {last_path} がありません",
                             False, f"本年度 {this_path}", left, "前年度公表（行なし）", 0))
            continue
        out.append(_check("C14", f"{this_path.split('/', 1)[1]}{suffix} = 前年度公表の{last_path.split('/', 1)[1]}",
                          f"本年度 {this_path}", left, f"前年度公表 {last_path}", right))
    if opening is not None:
        out += _bs_opening_checks(opening, prior)
    return out


def _bs_opening_checks(opening: Statements, prior: Statements) -> list[Check]:
    published = {ln.code: ln for ln in prior.lines.get("BS", ())}
    differ = []
    for ln in opening.lines["BS"]:
        last = published.get(ln.code)
        right = last.amount if last is not None and last.amount is not None else 0
        if ln.amount != right:
            differ.append(Check("C14", f"貸借対照表 {ln.path} の期首残高 = 前年度公表の残高", False,
                                "本年度の期首残高", ln.amount or 0, "前年度公表の残高", right))
    total = Check("C14", f"貸借対照表の期首残高 = 前年度公表の残高（全{len(opening.lines['BS'])}行）",
                  not differ, "一致しない行数", len(differ), "期待値", 0)
    return [total, *differ]


# -------------------------------------------------------------- fixed portion (C15)


def fixed_portion_check(current: Statements, prior: Statements | None, *,
                        prior_label: str = "前年度末の貸借対照表") -> Check:
    """C15: Δ(固定資産 + 短期貸付金 + 流動資産の基金) over the year = the NW 固定資産等形成分
    column of 有形固定資産等の増加 − 減少 + 貸付金・基金等の増加 − 減少 + 資産評価差額 +
    無償所管換等 + その他 (+ the 連結 rows), the 減少 rows as printed (negative).

    The start is last year's BS (``prior``, named by ``prior_label``); without it the NW
    前年度末純資産残高 固定資産等形成分 stands in for it, which C6 ties to the same sum.
    """
    a = current.amount
    end = sum(a(p) for p in FIXED_PORTION_ASSETS)
    if prior is not None:
        start = sum(prior.amount(p) for p in FIXED_PORTION_ASSETS)
        start_label = prior_label
    else:
        start = a("NW/前年度末純資産残高", NW_FIXED)
        start_label = "純資産変動計算書の前年度末固定資産等形成分"
    moves = sum(a(f"NW/{row}", NW_FIXED) for row in NW_FIXED_MOVES)
    return _check("C15", "固定資産＋短期貸付金＋基金の増減 = 純資産変動計算書の固定資産等形成分の変動",
                  f"本年度末 {end:,} − {start_label} {start:,}", end - start,
                  "内部変動（増加−減少）＋資産評価差額＋無償所管換等＋その他", moves)


# ------------------------------------------------------------ warnings and notes


def custodial_check(current: Statements) -> Check:
    """C16 (warning): BS 預り金 normally equals the 歳計外現金 held, CF 本年度末歳計外現金残高.
    A difference is not an error by itself (預り金 may also be held in 歳計現金); explain it."""
    a = current.amount
    return _check("C16", "預り金（流動負債） ≒ 本年度末歳計外現金残高",
                  "BS 預り金", a("BS/流動負債/預り金"), "CF 本年度末歳計外現金残高", a("CF/本年度末歳計外現金残高"))


def operating_note(current: Statements) -> Check:
    """C17 (注記): CF 業務活動収支 against NW 本年度差額. Never an equality: the difference
    (non-cash costs such as 減価償却費 and 引当金繰入額, 投資活動の国県等補助金 that is 財源
    but not 業務収入, 未収金・未払金 movements …) is what the 注記 explains. Always ok."""
    a = current.amount
    left, right = a("CF/業務活動収支"), a("NW/本年度差額")
    return Check("C17", f"業務活動収支と本年度差額の差 {left - right:,} 円（注記で内訳を説明）", True,
                 "CF 業務活動収支", left, "NW 本年度差額", right)


@dataclass(frozen=True, slots=True)
class SettlementTotals:
    """The 歳入歳出決算 totals of the funds in the statements' scope, in yen.

    ``revenue`` 歳入決算額 (収入済額, including 前年度繰越金), ``expenditure`` 歳出決算額
    (支出済額), ``carried_forward`` 前年度繰越金 (the 歳入 款 繰越金).
    """

    revenue: int
    expenditure: int
    carried_forward: int = 0


def settlement_checks(current: Statements, settlement: SettlementTotals | None, *,
                      tolerance: int = 0) -> list[Check]:
    """C18 (warning): the CF by kind against the 歳入歳出決算 totals.

    * CF 収入の合計 (業務収入 + 臨時収入 + 投資活動収入 + 財務活動収入) = 歳入決算額 − 前年度繰越金
      (繰越金 is last year's cash, not a receipt of the year);
    * CF 支出の合計 (業務支出 + 臨時支出 + 投資活動支出 + 財務活動支出) = 歳出決算額;
    * CF 前年度末資金残高 = 前年度繰越金;
    * CF 本年度末資金残高 = 歳入決算額 − 歳出決算額 (歳入歳出差引額, 形式収支).

    歳計外現金 is outside both. Differences arise from the scope (一般会計等 funds whose
    transfers to each other are not eliminated, 繰替運用 …) and are explained in the 注記
    「既存の決算情報との関連性」; each side agrees within ``tolerance`` yen (default 0).
    """
    name = "資金収支計算書 ≒ 歳入歳出決算"
    if settlement is None:
        return [not_applicable("C18", name, "決算額が取り込まれていません")]
    a = current.amount
    s = settlement
    receipts = sum(a(p) for p in CF_RECEIPTS)
    payments = sum(a(p) for p in CF_PAYMENTS)
    return [
        _check("C18", "資金収支計算書の収入合計 ≒ 歳入決算額 − 前年度繰越金", "CF 収入合計", receipts,
               f"歳入決算額 {s.revenue:,} − 前年度繰越金 {s.carried_forward:,}", s.revenue - s.carried_forward,
               tolerance),
        _check("C18", "資金収支計算書の支出合計 ≒ 歳出決算額", "CF 支出合計", payments,
               "歳出決算額", s.expenditure, tolerance),
        _check("C18", "前年度末資金残高 ≒ 前年度繰越金", "CF 前年度末資金残高", a("CF/前年度末資金残高"),
               "前年度繰越金", s.carried_forward, tolerance),
        _check("C18", "本年度末資金残高 ≒ 歳入歳出差引額（形式収支）", "CF 本年度末資金残高",
               a("CF/本年度末資金残高"), f"歳入決算額 {s.revenue:,} − 歳出決算額 {s.expenditure:,}",
               s.revenue - s.expenditure, tolerance),
    ]


def more_checks(current: Statements, *, published_prior: Mapping | None = None,
                opening: Statements | None = None, settlement: SettlementTotals | None = None) -> list[Check]:
    """C14–C18 in order. C15 starts from last year's published BS when it is last year's
    of the same 団体, else from ``opening`` (this year's opening BS from the ledger)."""
    prior, label = opening, "期首の貸借対照表（帳簿）"
    if published_prior is not None:
        published = statements_from_json(published_prior)
        if (published.lg_code, published.fiscal_year) == (current.lg_code, current.fiscal_year - 1):
            prior, label = published, "前年度公表の貸借対照表"
    return [
        *prior_year_checks(current, published_prior, opening=opening),
        fixed_portion_check(current, prior, prior_label=label),
        custodial_check(current),
        operating_note(current),
        *settlement_checks(current, settlement),
    ]


# ------------------------------------------------- cash records vs 決算額 (R1, R2)


def reconciliation_checks(rec) -> list[Check]:
    """R1: every 節's net cash records equal its 決算額 (counts of items agreeing and
    differing); R2: per 歳入 / 歳出, the records' net total and the 決算額 total.
    ``rec`` is a :class:`kokai.core.reconcile.Reconciliation` or None."""
    name = "歳入歳出データの節別合計 = 決算額"
    if rec is None or rec.items.height == 0:
        return [not_applicable("R1", name, "歳入歳出データ・決算額が取り込まれていません")]
    items = rec.items
    n, bad = items.height, rec.differences.height
    out = [Check("R1", f"{name}（{n}節中 一致 {n - bad}節・不一致 {bad}節）", bad == 0,
                 "不一致の節数", bad, "期待値", 0)]
    for direction, label in (("R", "歳入"), ("E", "歳出")):
        part = items.filter(items["direction"] == direction)
        if part.height:
            out.append(_check("R2", f"{label}: 歳入歳出データの差引合計 = 決算額の合計",
                              f"{label}データ（戻入・戻出控除後）", int(part["net"].sum()),
                              f"{label}決算額", int(part["settled"].sum())))
    return out
