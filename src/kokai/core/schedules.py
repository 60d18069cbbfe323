"""附属明細書 (statements.md §8) as :class:`kokai.report.document.Table`s, from plain data.

Each builder takes what the ledger, the 歳入歳出データ and the 固定資産台帳 say (summed by the
database on the Django side, :mod:`kokai.report.schedules`) and returns one table, amounts in
integer yen; every total row says which rows it sums (``Row.sum_of``), so the workbook writes a
formula and the PDF can be checked against its children.

=====================================  =====================================================
table (key)                            figures
=====================================  =====================================================
有形固定資産の明細                     the register (A)–(G) per BS line [S7]; (D) and (E) tie
                                       to the BS line and its 減価償却累計額 (check A1)
有形固定資産の行政目的別明細           the register's year-end book value (G) by 行政目的 [S7]
補助金等の明細                         歳出 records converted to PL 補助金等, by 名称・相手先・
                                       支出目的; total = PL 補助金等
財源の明細                             歳入 records converted to NW 税収等 (by 款) and
                                       国県等補助金 (資本的 / 経常的, 国庫 / 都道府県等);
                                       total = NW 財源
財源情報の明細                         純行政コスト and the asset increases with the 財源
                                       that paid for them (a first version, see below)
資金の明細                             歳計現金 and 歳計外現金; total = BS 現金預金
=====================================  =====================================================

What a cash record says is not always all the ledger holds (決算整理仕訳, journals imported
as 仕訳データ, a ledger converted with an older table): the difference between the ledger
line and the records' sum is printed as its own row, 「歳入歳出データによらない計上」, so
every schedule ties to its statement line and the gap is visible rather than hidden.

Assumptions, each a setting of :class:`ScheduleSettings` or marked here [U]:

* 補助金等 group [U-L]: 「他団体への公共施設等整備補助金等（所有外資産分）」 holds a payment
  whose conversion books its cash side to 投資活動 (the 団体's table treats it as capital,
  conversion.md §7.3 row 18), or whose 名称 contains one of
  ``ScheduleSettings.capital_grant_markers`` (default 施設整備, 建設費, 整備事業, 整備費);
  everything else is 「その他の補助金等」.
* 補助金等 名称 [Proposal]: the first non-blank of 摘要, 細節名, 節名 (``grant_name_from``),
  less a trailing instalment such as 「（第4四半期）」 or 「（8月分）」 (``grant_name_period``);
  相手先 the record's 相手方; 支出目的 its 目名 (else 項名, 款名). Each group lists its
  ``grant_rows`` largest rows (default 50) at or above ``grant_threshold`` yen (default 0);
  the rest are summed into 「その他（n件）」.
* 財源の明細 [U-M]: 税収等 by 款名 in 款 order; 国県等補助金 split 資本的 / 経常的 by the
  CF side (投資活動収入 = 資本的), and 国庫支出金 / 都道府県等支出金 by 款名 (「国庫」 /
  「都」「道」「府」「県」 + 「支出金」); the ledger's 資本的補助金 is CF 投資活動収入の
  国県等補助金収入 and its 経常的補助金 the rest of NW 国県等補助金.
* 財源情報の明細 [U-L], a documented first version (the manual's method, which uses the
  財源充当 of each 事業, is not yet available): uses are 純行政コスト (PL),
  有形固定資産等の増加 and 貸付金・基金等の増加 (NW, 固定資産等形成分); 財源 are
  国県等補助金 (資本的 / 経常的), 地方債等 (CF 地方債発行収入) and 税収等 (NW). They are
  allotted in this order: 資本的補助金 → 有形固定資産等の増加, 経常的補助金 → 純行政コスト
  (what is left of either → the other uses in row order); 地方債等 → 有形固定資産等の増加,
  then 純行政コスト (赤字地方債 such as 臨時財政対策債), then 貸付金・基金等の増加; 税収等 →
  純行政コスト, then 有形固定資産等の増加, then 貸付金・基金等の増加. A use's part not met by
  these is 「その他」 (資産売却収入, 基金取崩, 前年度からの資金 …); 財源 left after every
  use go to the row 「その他」 (地方債の償還, 資金・基金の増加 …), so each 財源 column totals
  its statement line.
* 資金の明細 [U-H]: 資金 = 歳計現金 (CF 本年度末資金残高); 歳計外現金 is the BS 補助科目
  beneath 現金預金 (CF 本年度末歳計外現金残高). A 団体 cannot add other 補助科目 beneath
  現金預金 (its amount is computed), so these are its only kinds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from kokai.report.document import TEXT, YEN, Row, Table

from .chart import standard_chart
from .statements import NW_FIXED, Statements

GROUP = "附属明細書"
NOT_FROM_RECORDS = "歳入歳出データによらない計上（決算整理仕訳など）"

PL_GRANTS = "PL/経常費用/移転費用/補助金等"
NW_TAX = "NW/財源/税収等"
NW_GRANTS = "NW/財源/国県等補助金"
CF_CAPITAL_GRANTS = "CF/投資活動収支/投資活動収入/国県等補助金収入"
CF_BONDS = "CF/財務活動収支/財務活動収入/地方債発行収入"
PL_NET_COST = "PL/純行政コスト"
CF_INVESTING = "CF/投資活動収支/"

CAPITAL_GRANTS = "他団体への公共施設等整備補助金等（所有外資産分）"
OTHER_GRANTS = "その他の補助金等"
TAX, STATE_GRANTS = "税収等", "国県等補助金"
CAPITAL, CURRENT = "資本的補助金", "経常的補助金"
NATIONAL, PREFECTURAL = "国庫支出金", "都道府県等支出金"

GRANT_KINDS = (TEXT, YEN, TEXT)
TANGIBLE_COLUMNS = (
    ("A", "前年度末残高(A)"), ("B", "本年度増加額(B)"), ("C", "本年度減少額(C)"),
    ("D", "本年度末残高(D)=(A)+(B)−(C)"), ("E", "本年度末減価償却累計額(E)"), ("F", "本年度償却額(F)"),
    ("G", "差引本年度末残高(G)=(D)−(E)"),
)


# a trailing 「（第4四半期）」「（8月分）」「（第2回）」 names the instalment, not the grant
PERIOD_SUFFIX = r"[（(][^（）()]*(?:月分|四半期|期分|第\s*[0-9０-９一二三四五六七八九十]+\s*回)[^（）()]*[）)]\s*$"


@dataclass(frozen=True)
class ScheduleSettings:
    """The 団体's choices for the schedules (module docstring); defaults are the documented ones."""

    capital_grant_markers: tuple[str, ...] = ("施設整備", "建設費", "整備事業", "整備費")
    grant_name_from: tuple[str, ...] = ("description", "saisetsu_name", "setsu_name")
    grant_name_period: str = PERIOD_SUFFIX
    grant_rows: int = 50
    grant_threshold: int = 0


@dataclass(frozen=True, slots=True)
class GrantFlow:
    """補助金等 paid: 歳出 records whose conversion debits PL 補助金等 (or a 補助科目 of it),
    summed per 名称・相手先・支出目的; ``investing`` if their cash side is a 投資活動 line."""

    name: str
    counterparty: str
    purpose: str
    amount: int
    investing: bool = False


@dataclass(frozen=True, slots=True)
class RevenueFlow:
    """財源 received: records whose conversion credits NW 税収等 or 国県等補助金 (``source``),
    summed per 款 (``label`` its 款名, ``order`` its number); ``capital`` for a 国県等補助金
    whose cash side is 投資活動収入. 歳出 records (還付金, 返還金) come in negative."""

    source: str
    label: str
    order: int
    amount: int
    capital: bool = False


def year_end(fiscal_year: int) -> str:
    return f"（{fiscal_year + 1}年3月31日現在）"


def year_span(fiscal_year: int) -> str:
    return f"（自 {fiscal_year}年4月1日 至 {fiscal_year + 1}年3月31日）"


def _total(label: str, parts: Iterable[int], rows: Sequence[Row], kinds: Sequence[str], *, level: int = 1) -> Row:
    """A bold row summing ``parts`` (row indices) in every yen column (``kinds``); text columns empty."""
    parts = list(parts)
    values = tuple(sum(int(rows[i].values[c] or 0) for i in parts) if k == YEN else None for c, k in enumerate(kinds))
    return Row(label, values, level=level, bold=True, sum_of=tuple((1, i) for i in parts))


# ------------------------------------------------------------------ 有形固定資産

def _register_table(rows: Sequence[Mapping], keys: Sequence[str], *, key: str, title: str,
                    columns: Sequence[str], fiscal_year: int, notes: tuple[str, ...] = ()) -> Table:
    """The register's rows (assets.reports) as a table: each 区分 a subtotal above its lines, then
    物品, then 合計. The input's own 計 and 合計 rows are recomputed (as sums of the lines)."""
    out: list[Row] = []
    tops: list[int] = []
    groups: dict[str, list[Mapping]] = {}
    for r in rows:
        if r["区分"] == "合計" or str(r["科目"]).endswith(" 計"):
            continue
        groups.setdefault(r["区分"], []).append(r)
    for group, lines in groups.items():
        if len(lines) == 1 and lines[0]["科目"] == group:  # 物品: a line of its own
            tops.append(len(out))
            out.append(Row(group, tuple(int(lines[0][k]) for k in keys)))
            continue
        head = len(out)
        out.append(Row(group, ()))  # placeholder, replaced once its lines are known
        for r in lines:
            out.append(Row(str(r["科目"]), tuple(int(r[k]) for k in keys), level=2))
        out[head] = _total(group, range(head + 1, len(out)), out, [YEN] * len(keys))
        tops.append(head)
    out.append(_total("合計", tops, out, [YEN] * len(keys)))
    return Table(key=key, title=title, columns=tuple(columns), rows=tuple(out), subtitle=year_end(fiscal_year),
                 label_header="区分", group=GROUP, landscape=True, notes=notes)


def tangible_table(rows: Sequence[Mapping], *, fiscal_year: int) -> Table:
    """有形固定資産の明細 from :func:`kokai.assets.reports.tangible_schedule`'s rows."""
    return _register_table(
        rows, [k for k, _ in TANGIBLE_COLUMNS], key="有形固定資産の明細", title="有形固定資産の明細",
        columns=[c for _, c in TANGIBLE_COLUMNS], fiscal_year=fiscal_year,
    )


def purpose_table(rows: Sequence[Mapping], *, purposes: Sequence[str], default_purpose: str,
                  fiscal_year: int) -> Table:
    """有形固定資産の行政目的別明細 from :func:`kokai.assets.reports.purpose_schedule`'s rows."""
    unset = next((int(r["目的未設定"]) for r in rows if r["区分"] == "合計"), 0)
    notes = ("各欄は本年度末の簿価（有形固定資産の明細の差引本年度末残高(G)）です。",)
    if unset:
        notes += (f"行政目的が未設定または7区分以外の資産 {unset:,}件 は「{default_purpose}」に計上しています。"
                  "固定資産台帳の行政目的を入力すると正しい区分に計上されます。",)
    return _register_table(
        rows, [*purposes, "合計"], key="有形固定資産の行政目的別明細", title="有形固定資産の行政目的別明細",
        columns=[*purposes, "合計"], fiscal_year=fiscal_year, notes=notes,
    )


# ------------------------------------------------------------------ 補助金等の明細

def grant_name(record: Mapping[str, object], settings: ScheduleSettings = ScheduleSettings()) -> str:
    """A payment's 名称: the first non-blank of the record fields ``settings.grant_name_from``,
    without a trailing instalment in brackets (``grant_name_period``: 「（第4四半期）」「（8月分）」),
    so the instalments of one grant make one row."""
    for f in settings.grant_name_from:
        text = str(record.get(f) or "").strip()
        if text:
            short = re.sub(settings.grant_name_period, "", text).strip() if settings.grant_name_period else text
            return short or text
    return "（名称なし）"


def grant_purpose(record: Mapping[str, object]) -> str:
    """A payment's 支出目的: its 目名, else 項名, else 款名."""
    for f in ("moku_name", "kou_name", "kan_name"):
        text = str(record.get(f) or "").strip()
        if text:
            return text
    return ""


def is_capital_grant(flow: GrantFlow, settings: ScheduleSettings) -> bool:
    return flow.investing or any(m and m in flow.name for m in settings.capital_grant_markers)


def grants_table(flows: Iterable[GrantFlow], *, ledger_total: int, fiscal_year: int,
                 settings: ScheduleSettings = ScheduleSettings()) -> Table:
    """補助金等の明細: the two groups with their 計 and the 合計 (= ``ledger_total``, PL 補助金等).
    What the records do not explain is a row of its own in その他の補助金等."""
    sums: dict[tuple[str, str, str, str], int] = {}
    explained = 0
    for f in flows:
        group = CAPITAL_GRANTS if is_capital_grant(f, settings) else OTHER_GRANTS
        k = (group, f.name, f.counterparty, f.purpose)
        sums[k] = sums.get(k, 0) + f.amount
        explained += f.amount
    rows: list[Row] = []
    subtotals = []
    for group in (CAPITAL_GRANTS, OTHER_GRANTS):
        rows.append(Row(group, heading=True))
        first = len(rows)
        items = sorted(((k, v) for k, v in sums.items() if k[0] == group and v),
                       key=lambda kv: (-kv[1], kv[0][1], kv[0][2], kv[0][3]))
        shown = [(k, v) for k, v in items if v >= settings.grant_threshold][:max(settings.grant_rows, 0)]
        listed = {k for k, _v in shown}
        rest = [v for k, v in items if k not in listed]
        for (_g, name, party, purpose), v in shown:
            rows.append(Row(name, (party, v, purpose), level=2))
        if rest:
            rows.append(Row(f"その他（{len(rest):,}件）", ("", sum(rest), ""), level=2))
        if group == OTHER_GRANTS and ledger_total != explained:
            rows.append(Row(NOT_FROM_RECORDS, ("", ledger_total - explained, ""), level=2))
        subtotals.append(len(rows))
        rows.append(_total("計", range(first, len(rows)), rows, GRANT_KINDS, level=2))
    rows.append(_total("合計", subtotals, rows, GRANT_KINDS))
    notes = (
        "行政コスト計算書の補助金等に計上した支出を、歳入歳出データの名称（摘要）・相手方・目別に集計しています。",
        f"「{CAPITAL_GRANTS}」は、資金仕訳変換表で投資活動支出とした支出と、名称に"
        f"「{'」「'.join(settings.capital_grant_markers)}」を含む支出です。",
    )
    return Table(key="補助金等の明細", title="補助金等の明細", columns=("相手先", "金額", "支出目的"), rows=tuple(rows),
                 subtitle=year_span(fiscal_year), label_header="名称", kinds=GRANT_KINDS, group=GROUP,
                 notes=notes)


# ------------------------------------------------------------------ 財源の明細

def grant_source(kan_name: str) -> str:
    """国庫支出金 / 都道府県等支出金 by the 款名; another 款's own name otherwise."""
    name = kan_name.strip()
    if "国庫" in name:
        return NATIONAL
    if "支出金" in name and any(c in name for c in ("都", "道", "府", "県")):
        return PREFECTURAL
    return name or "（款名なし）"


def capital_grants(st: Statements) -> tuple[int, int]:
    """(資本的, 経常的) 国県等補助金 of the ledger: CF 投資活動収入の国県等補助金収入, and the rest
    of NW 国県等補助金 [U-M]."""
    capital = st.amount(CF_CAPITAL_GRANTS)
    return capital, st.amount(NW_GRANTS) - capital


def revenue_table(flows: Iterable[RevenueFlow], st: Statements) -> Table:
    """財源の明細: 税収等 by 款, 国県等補助金 by 資本的 / 経常的 and 国庫 / 都道府県等; 合計 = NW 財源."""
    tax: dict[str, list[int]] = {}  # label -> [order, amount]
    grants: dict[tuple[bool, str], list[int]] = {}
    for f in flows:
        if f.source == TAX:
            v = tax.setdefault(f.label or "（款名なし）", [f.order, 0])
        else:
            v = grants.setdefault((f.capital, grant_source(f.label)), [f.order, 0])
        v[0] = min(v[0], f.order)
        v[1] += f.amount
    rows: list[Row] = []

    def block(label: str, items: dict[str, list[int]], ledger: int, level: int) -> int:
        head = len(rows)
        rows.append(Row(label, ()))
        for name, (_o, amount) in sorted(items.items(), key=lambda kv: (kv[1][0], kv[0])):
            if amount:
                rows.append(Row(name, (amount,), level=level + 1))
        explained = sum(a for _o, a in items.values())
        if ledger != explained:
            rows.append(Row(NOT_FROM_RECORDS, (ledger - explained,), level=level + 1))
        rows[head] = _total(label, range(head + 1, len(rows)), rows, (YEN,), level=level)
        return head

    tops = [block(TAX, tax, st.amount(NW_TAX), 1)]
    head = len(rows)
    rows.append(Row(STATE_GRANTS, ()))
    capital, current = capital_grants(st)
    parts = []
    for is_capital, label, ledger in ((True, CAPITAL, capital), (False, CURRENT, current)):
        items = {name: v for (c, name), v in grants.items() if c == is_capital}
        parts.append(block(label, items, ledger, 2))
    rows[head] = _total(STATE_GRANTS, parts, rows, (YEN,))
    tops.append(head)
    rows.append(_total("合計", tops, rows, (YEN,)))
    return Table(key="財源の明細", title="財源の明細", columns=("金額",), rows=tuple(rows),
                 subtitle=year_span(st.fiscal_year), label_header="区分", group=GROUP,
                 notes=("合計は純資産変動計算書の財源に一致します。税収等は歳入の款別、国県等補助金は資金収支計算書の"
                        "区分（投資活動収入は資本的補助金）別です。",))


# ------------------------------------------------------------------ 財源情報の明細

def _nw_fixed(st: Statements, role: str) -> int:
    return st.amount(standard_chart().one(role).qualified_path, NW_FIXED)


def financing_info_table(st: Statements) -> Table:
    """財源情報の明細: each use with the 財源 allotted to it (module docstring, [U-L])."""
    uses = [
        ["純行政コスト", st.amount(PL_NET_COST)],
        ["有形固定資産等の増加", _nw_fixed(st, "nw_tangible_increase")],
        ["貸付金・基金等の増加", _nw_fixed(st, "nw_financial_increase")],
    ]
    need = [max(u[1], 0) for u in uses]
    capital, current = capital_grants(st)
    # (column, amount, order of uses it goes to)
    sources = [(0, capital, (1, 0, 2)), (0, current, (0, 1, 2)), (1, st.amount(CF_BONDS), (1, 0, 2)),
               (2, st.amount(NW_TAX), (0, 1, 2))]
    alloc = [[0, 0, 0] for _ in uses]
    left = [0, 0, 0]
    for col, amount, order in sources:
        rest = amount
        for u in order:
            take = min(need[u], max(rest, 0))
            alloc[u][col] += take
            need[u] -= take
            rest -= take
        left[col] += rest
    rows = [Row(name, (amount, *alloc[i], amount - sum(alloc[i])), level=2) for i, (name, amount) in enumerate(uses)]
    rows.append(Row("その他", (sum(left), *left, 0), level=2))
    rows.append(_total("合計", range(len(rows)), rows, (YEN,) * 5))
    return Table(
        key="財源情報の明細", title="財源情報の明細", columns=("金額", "国県等補助金", "地方債等", "税収等", "その他"),
        rows=tuple(rows), subtitle=year_span(st.fiscal_year), label_header="区分", group=GROUP,
        notes=("国県等補助金（資本的補助金は有形固定資産等の増加、経常的補助金は純行政コストへ）、地方債等"
               "（有形固定資産等の増加、次に純行政コスト）、税収等（純行政コスト、次に資産の増加）の順に充当した"
               "簡便な配分です。各事業の財源充当によるものではありません。",
               "「その他」の列は他の財源（資産売却収入、基金取崩、前年度からの資金など）、「その他」の行は"
               "純行政コストと資産の増加に充当されなかった財源（地方債の償還、資金の増加など）です。"),
    )


# ------------------------------------------------------------------ 資金の明細

def cash_table(st: Statements) -> Table:
    """資金の明細: 歳計現金 (資金) and 歳計外現金 at the start and end of the year; 合計 = BS 現金預金."""
    rows = [
        Row("歳計現金（資金）", (st.amount("CF/前年度末資金残高"), st.amount("CF/本年度末資金残高")
                              - st.amount("CF/前年度末資金残高"), st.amount("CF/本年度末資金残高"))),
        Row("歳計外現金", (st.amount("CF/前年度末歳計外現金残高"), st.amount("CF/本年度歳計外現金増減額"),
                        st.amount("CF/本年度末歳計外現金残高"))),
    ]
    rows.append(_total("合計", (0, 1), rows, (YEN,) * 3))
    return Table(key="資金の明細", title="資金の明細", columns=("前年度末残高", "本年度増減額", "本年度末残高"),
                 rows=tuple(rows), subtitle=year_end(st.fiscal_year), label_header="種類", group=GROUP,
                 notes=("資金は歳計現金です。本年度末残高の合計は貸借対照表の現金預金に一致します。",))
