"""The 資金仕訳変換表 (作成要領 別表6) as data, and the engine that matches cash records to it.

The table is a CSV file (``data/conversion_rules.csv`` for the standard table; a 団体 may
load its own edited copy with :func:`load_rules`). Each row is one :class:`Rule`:

==============  ===========================================================================
column          meaning
==============  ===========================================================================
id              unique name of the rule (shown in 「変換規則」 columns and by ``explain``)
from_year       first 会計年度 the rule applies to; blank = no lower bound
to_year         last 会計年度 the rule applies to; blank = no upper bound
direction       ``E`` 歳出 or ``R`` 歳入
custodial       ``1`` for 歳計外現金 records, blank or ``0`` for budget (歳計) records.
                Not a pattern: a rule matches only records with the same flag.
kan … saisetsu  款・項・目・節・細節: a code or ``*`` (any). Codes are compared in canonical
                form (digits without leading zeros, so ``07`` = ``7``).
name            optional; ``*`` (or blank) = any. ``[節名:]pattern``: the pattern is matched
                against the record's 細節名 (or its 節名 with the ``節名:`` prefix). A
                pattern is one or more alternatives separated by ``|`` each matched as a
                substring (``期末|勤勉``), or ``=text`` for an exact match. Names are
                compared after NFKC normalisation; a record with no such name never matches.
arrears         optional; ``*`` (or blank), ``現年`` or ``滞納繰越`` (the record's 現年/滞繰 区分)
debit, credit   account paths in the chart (``PL/経常費用/業務費用/人件費/職員給与費``);
                both blank only when decision is ``none``
decision        what the cash record cannot say (see :data:`DECISIONS`); blank = nothing
candidates      ``;``-separated account paths a decision may choose among (either side).
                Choosing a PL candidate for a capital 節 also moves the CF line (e.g.
                工事請負費 → 維持補修費 pays from 物件費等支出); that is the decision's job.
note            free text: the reason for the provisional booking, and its source tag
==============  ===========================================================================

Every account path must resolve in the chart to a postable line (勘定科目 or 補助科目).
For a 歳出 rule the credit is a CF 支出 line (a CF line whose normal side is 貸方) and the
debit is not a CF line; for a 歳入 rule the debit is a CF 収入 line and the credit is not a
CF line. 歳計外現金 rules use ``CF/本年度歳計外現金増減額`` as their CF line, and only they do.

**Sign.** The journal of a rule is written for a normal record: a 歳出 record with
amount > 0 is 借 ``debit`` / 貸 ``credit`` for ``amount``; a 歳入 record with amount > 0 is
likewise 借 ``debit`` (the CF 収入 line) / 貸 ``credit``. A record with amount < 0 (歳出戻入,
歳入還付 / 戻出, 訂正) is the reverse booking for ``-amount``. The caller applies the sign.

**Which rule wins** (:meth:`RuleTable.match`). A rule is a candidate when the year lies in
[from_year, to_year], direction and custodial equal the record's, and each non-``*`` field
equals (or, for ``name``, matches) the record's. Among candidates the highest
*specificity* wins, compared as the pair (count, weight):

* count: the number of non-``*`` fields among 款, 項, 目, 節, 細節, name, arrears;
* weight (tie-breaker): 細節 64 + name 32 + 節 16 + 目 8 + 項 4 + 款 2 + arrears 1, summing
  the fields that are not ``*``. So 細節 > 名称 > 節 > 目 > 項 > 款 > 現年滞繰.

If two candidates still tie, **the later row in the file wins**, so a 団体 can override a
standard rule by appending a row with the same pattern at the end of its copy.

**Assumptions of the standard table** (each a [U] setting the 団体 edits in its copy):

* 歳出 are keyed on the 節, in the old numbering up to FY2019 (07 賃金 … 28 繰出金) and the
  new one from FY2020 (賃金 abolished, later 節 moved up by one) — conversion.md §7.2.
* 細節 numbering is each 団体's own, so the standard table splits 細節 **by 細節名**, not by
  code: 職員手当等 「退職手当」 → BS 退職手当引当金, 「期末」「勤勉」 → 職員給与費 (洗替法
  for 賞与等引当金 assumed); 需用費 「修繕」 → 維持補修費; 償還金、利子及び割引料 「元金」 →
  1年内償還予定地方債, 「利子」「利息」 → 支払利息, 「割引料」 → その他, 「還付」「返還」 →
  税収等 (to be classified). A 団体 that splits by code adds rows with its 細節 codes in the
  ``saisetsu`` column (e.g. ``E,…,setsu=3,saisetsu=5`` for its 細節 05 退職手当); a code row
  outranks a name row of the same 節.
* 歳入 are keyed on the 款 in this assumed 市町村 numbering [U] (many 団体 omit unused 款
  and renumber; edit the ``kan`` column to your own):

  - to FY2019: 1 市町村税, 2 地方譲与税, 3 利子割交付金, 4 配当割交付金, 5 株式等譲渡所得割交付金,
    6 地方消費税交付金, 7 ゴルフ場利用税交付金, 8 自動車取得税交付金, 9 地方特例交付金,
    10 地方交付税, 11 交通安全対策特別交付金, 12 分担金及び負担金, 13 使用料及び手数料,
    14 国庫支出金, 15 都道府県支出金, 16 財産収入, 17 寄附金, 18 繰入金, 19 繰越金,
    20 諸収入, 21 市町村債;
  - from FY2020 (法人事業税交付金 inserted as 款6, 環境性能割交付金 replacing
    自動車取得税交付金): 1 市町村税 … 5 株式等譲渡所得割交付金, 6 法人事業税交付金,
    7 地方消費税交付金, 8 ゴルフ場利用税交付金, 9 環境性能割交付金, 10 地方特例交付金,
    11 地方交付税, 12 交通安全対策特別交付金, 13 分担金及び負担金, 14 使用料及び手数料,
    15 国庫支出金, 16 都道府県支出金, 17 財産収入, 18 寄附金, 19 繰入金, 20 繰越金,
    21 諸収入, 22 市町村債.
  - 項 (地方自治法施行規則の款項に倣う想定): 財産収入 1 財産運用収入 / 2 財産売払収入;
    繰入金 1 特別会計繰入金 / 2 基金繰入金 / 3 財産区繰入金; 諸収入 3 貸付金元利収入
    (split by 節名 「元金」 / 「利子」).
* 地方税 and 使用料及び手数料 split 現年 vs 滞納繰越 by the record's ``arrears``; a record
  without it is booked as 現年 with decision ``split``. 滞納繰越 receipts credit BS 未収金.
* Provisional bookings where a decision is needed (the note of each row says why):
  工事請負費 → 事業用資産 建設仮勘定 / 公共施設等整備費支出 (stays visibly on the BS until
  matched); 公有財産購入費 → 事業用資産 土地; 委託料, 原材料費, 備品購入費, 使用料及び賃借料
  → 物件費 / 物件費等支出; 補償、補塡及び賠償金 → その他の業務費用 その他; 積立金 and
  基金繰入金 → 固定資産の基金 その他; 国庫支出金 / 都道府県支出金 → 業務活動の
  国県等補助金収入; 財産売払収入 → 資産売却益 (the book value comes from the 台帳).
* 繰越金 has decision ``none``: no journal (it is the 前年度末資金残高).
* 歳計外現金 (custodial) receipt: 借 CF 本年度歳計外現金増減額 / 貸 BS 預り金; payment the reverse.

Every row is a reconstruction [U-M] until checked against the official 別表6.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import polars as pl

from .chart import Chart, ChartError, standard_chart
from .issues import InputRejected, Issues

WILD = "*"
DIRECTIONS = {"E": "歳出", "R": "歳入"}
ARREARS = ("現年", "滞納繰越")
DECISIONS = {
    "": "判断不要",
    "none": "仕訳なし",
    "matching": "資産か費用かの判断（固定資産台帳・工事台帳・リース台帳との照合）",
    "purpose": "充当先による区分（業務活動か投資活動か）",
    "split": "内訳の判断（現年・滞納繰越、元金・利子など）",
    "classify": "科目区分の判断（どの基金か、長期か短期かなど）",
}
COLUMNS = (
    "id", "from_year", "to_year", "direction", "custodial",
    "kan", "kou", "moku", "setsu", "saisetsu", "name", "arrears",
    "debit", "credit", "decision", "candidates", "note",
)
REQUIRED = ("id", "direction", "kan", "kou", "moku", "setsu", "saisetsu", "debit", "credit", "decision")
LEVELS = (("kan", "款"), ("kou", "項"), ("moku", "目"), ("setsu", "節"), ("saisetsu", "細節"))
WEIGHTS = {"saisetsu": 64, "name": 32, "setsu": 16, "moku": 8, "kou": 4, "kan": 2, "arrears": 1}
CUSTODIAL_CF = "CF/本年度歳計外現金増減額"
SETSU_NAME_PREFIX = "節名:"
YEAR_MIN, YEAR_MAX = 1900, 2200


def canonical_code(value: object) -> str | None:
    """A budget code in canonical form: stripped, digits without leading zeros; None if empty."""
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    if text.isdigit():
        return str(int(text))
    return text


def _norm_name(value: str | None) -> str | None:
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    return text or None


@dataclass(frozen=True)
class Rule:
    """One row of the 資金仕訳変換表. Patterns are a code or ``*``; see the module docstring."""

    id: str
    direction: str  # E or R
    debit: str  # account path, '' when decision is none
    credit: str
    from_year: int | None = None
    to_year: int | None = None
    custodial: bool = False
    kan: str = WILD
    kou: str = WILD
    moku: str = WILD
    setsu: str = WILD
    saisetsu: str = WILD
    name: str = WILD
    arrears: str = WILD
    decision: str = ""
    candidates: tuple[str, ...] = ()
    note: str = ""
    row: int = field(default=0, compare=False)  # line in the file it was loaded from

    @property
    def specificity(self) -> tuple[int, int]:
        """(count of non-``*`` key fields, weight); see the module docstring."""
        fields = [f for f in WEIGHTS if getattr(self, f) != WILD]
        return len(fields), sum(WEIGHTS[f] for f in fields)

    @property
    def journal(self) -> bool:
        """Whether a record matched by this rule becomes a journal (not ``none``)."""
        return self.decision != "none"

    def valid_in(self, fiscal_year: int) -> bool:
        return (self.from_year is None or self.from_year <= fiscal_year) and (
            self.to_year is None or fiscal_year <= self.to_year
        )

    def label(self) -> str:
        return f"{self.id}（{self.row}行目）" if self.row else self.id

    def pattern_text(self) -> str:
        """The rule's pattern in words, e.g. 「歳出 節 14（2020年度〜）」."""
        parts = [DIRECTIONS.get(self.direction, self.direction)]
        if self.custodial:
            parts.append("歳計外")
        for f, ja in LEVELS:
            v = getattr(self, f)
            if v != WILD:
                parts.append(f"{ja} {v}")
        if self.name != WILD:
            target, pat = _split_name(self.name)
            parts.append(f"{target}「{pat}」")
        if self.arrears != WILD:
            parts.append(self.arrears)
        if self.from_year is not None or self.to_year is not None:
            lo = f"{self.from_year}年度" if self.from_year is not None else ""
            hi = f"{self.to_year}年度" if self.to_year is not None else ""
            parts.append(f"（{lo}〜{hi}）")
        return " ".join(parts)

    def booking_text(self) -> str:
        if not self.journal:
            return "仕訳なし"
        text = f"借方 {self.debit} / 貸方 {self.credit}"
        if self.decision:
            text += f"（仮仕訳。要判断: {DECISIONS[self.decision]}）"
        return text


@dataclass(frozen=True)
class _Record:
    fiscal_year: int
    direction: str
    kan: str | None
    kou: str | None
    moku: str | None
    setsu: str | None
    saisetsu: str | None
    setsu_name: str | None
    saisetsu_name: str | None
    arrears: str | None
    custodial: bool

    def text(self) -> str:
        parts = [f"{self.fiscal_year}年度", DIRECTIONS.get(self.direction, self.direction)]
        if self.custodial:
            parts.append("歳計外")
        for f, ja in LEVELS:
            v = getattr(self, f)
            parts.append(f"{ja} {v if v is not None else '（なし）'}")
        if self.setsu_name:
            parts.append(f"節名「{self.setsu_name}」")
        if self.saisetsu_name:
            parts.append(f"細節名「{self.saisetsu_name}」")
        if self.arrears:
            parts.append(self.arrears)
        return " ".join(parts)


def _split_name(pattern: str) -> tuple[str, str]:
    if pattern.startswith(SETSU_NAME_PREFIX):
        return "節名", pattern[len(SETSU_NAME_PREFIX):]
    return "細節名", pattern


def _name_matches(pattern: str, rec: _Record) -> bool:
    target, pat = _split_name(pattern)
    text = rec.setsu_name if target == "節名" else rec.saisetsu_name
    if text is None:
        return False
    if pat.startswith("="):
        return text == pat[1:]
    return any(alt and alt in text for alt in pat.split("|"))


def _mismatch(rule: Rule, rec: _Record) -> str | None:
    """Why ``rule`` does not apply to ``rec`` (Japanese), or None if it does."""
    if rule.direction != rec.direction:
        return f"{DIRECTIONS[rule.direction]}の規則です"
    if rule.custodial != rec.custodial:
        return "歳計外現金の規則です" if rule.custodial else "歳計外現金には使いません"
    if not rule.valid_in(rec.fiscal_year):
        lo = rule.from_year if rule.from_year is not None else ""
        hi = rule.to_year if rule.to_year is not None else ""
        return f"適用年度 {lo}〜{hi} の外です"
    for f, ja in LEVELS:
        want = getattr(rule, f)
        if want != WILD and want != getattr(rec, f):
            have = getattr(rec, f)
            return f"{ja}が {want} ではありません（記録は {have if have is not None else 'なし'}）"
    if rule.name != WILD and not _name_matches(rule.name, rec):
        target, pat = _split_name(rule.name)
        return f"{target}が「{pat}」に当たりません"
    if rule.arrears != WILD and rule.arrears != rec.arrears:
        return f"現年・滞納繰越の区分が {rule.arrears} ではありません"
    return None


class RuleTableError(InputRejected, ValueError):
    """A conversion table was refused; ``issues`` lists every bad row and column."""


@dataclass(frozen=True)
class RuleTable:
    """The 資金仕訳変換表: rules in file order (later rows win ties)."""

    rules: tuple[Rule, ...]

    def __post_init__(self) -> None:
        index: dict[tuple[str, bool], list[tuple[int, Rule]]] = {}
        for i, r in enumerate(self.rules):
            index.setdefault((r.direction, r.custodial), []).append((i, r))
        object.__setattr__(self, "_index", index)

    def __len__(self) -> int:
        return len(self.rules)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __getitem__(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def _candidates(self, rec: _Record) -> list[tuple[int, Rule]]:
        return self._index.get((rec.direction, rec.custodial), [])  # type: ignore[attr-defined]

    def _match(self, rec: _Record) -> Rule | None:
        best: tuple[tuple[int, int, int], Rule] | None = None
        for i, rule in self._candidates(rec):
            if _mismatch(rule, rec) is None:
                key = (*rule.specificity, i)
                if best is None or key > best[0]:
                    best = (key, rule)
        return best[1] if best else None

    def match(
        self,
        *,
        fiscal_year: int,
        direction: str,
        kan: object,
        kou: object,
        moku: object,
        setsu: object,
        saisetsu: object,
        setsu_name: str | None = None,
        saisetsu_name: str | None = None,
        arrears: str | None = None,
        custodial: bool = False,
    ) -> Rule | None:
        """The rule for one cash record, or None (「変換規則がありません」)."""
        return self._match(
            _record(fiscal_year, direction, kan, kou, moku, setsu, saisetsu,
                    setsu_name, saisetsu_name, arrears, custodial)
        )

    def explain(
        self,
        *,
        fiscal_year: int,
        direction: str,
        kan: object,
        kou: object,
        moku: object,
        setsu: object,
        saisetsu: object,
        setsu_name: str | None = None,
        saisetsu_name: str | None = None,
        arrears: str | None = None,
        custodial: bool = False,
    ) -> list[str]:
        """Japanese lines: the record, each rule considered with why it matches or not, the winner."""
        rec = _record(fiscal_year, direction, kan, kou, moku, setsu, saisetsu,
                      setsu_name, saisetsu_name, arrears, custodial)
        lines = [f"記録: {rec.text()}"]
        considered = self._candidates(rec)
        others = len(self.rules) - len(considered)
        if others:
            lines.append(f"（{DIRECTIONS.get(rec.direction, rec.direction)}"
                         f"{'・歳計外' if rec.custodial else ''}以外の規則 {others} 件は対象外）")
        matched: list[tuple[tuple[int, int, int], Rule]] = []
        for i, rule in considered:
            why = _mismatch(rule, rec)
            if why is None:
                count, weight = rule.specificity
                matched.append(((count, weight, i), rule))
                lines.append(f"○ {rule.label()} {rule.pattern_text()}: 一致"
                             f"（具体度 {count}、重み {weight}）")
            else:
                lines.append(f"× {rule.label()} {rule.pattern_text()}: {why}")
        if not matched:
            lines.append("→ 一致する規則がありません（変換規則がありません）。"
                         "変換規則表に行を追加してください")
            return lines
        matched.sort(key=lambda m: m[0], reverse=True)
        (count, weight, _), win = matched[0]
        reason = "一致した規則は1件だけです"
        if len(matched) > 1:
            (c2, w2, _), second = matched[1]
            if (c2, w2) == (count, weight):
                reason = f"{second.id} と具体度・重みが同じで、後の行にあるため"
            elif c2 == count:
                reason = f"{second.id} と具体度が同じで、重みが大きいため（{weight} > {w2}）"
            else:
                reason = f"{second.id} より具体的なため（具体度 {count} > {c2}）"
        lines.append(f"→ 採用: {win.label()}（{reason}）: {win.booking_text()}")
        return lines

    def to_csv(self) -> str:
        """The table as CSV text in the standard column order; ``load_rules`` reads it back."""
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(COLUMNS)
        for r in self.rules:
            w.writerow([
                r.id,
                "" if r.from_year is None else r.from_year,
                "" if r.to_year is None else r.to_year,
                r.direction,
                "1" if r.custodial else "",
                r.kan, r.kou, r.moku, r.setsu, r.saisetsu, r.name, r.arrears,
                r.debit, r.credit, r.decision, ";".join(r.candidates), r.note,
            ])
        return out.getvalue()


def _record(fiscal_year, direction, kan, kou, moku, setsu, saisetsu,
            setsu_name, saisetsu_name, arrears, custodial) -> _Record:
    return _Record(
        fiscal_year=int(fiscal_year),
        direction=str(direction).strip().upper(),
        kan=canonical_code(kan),
        kou=canonical_code(kou),
        moku=canonical_code(moku),
        setsu=canonical_code(setsu),
        saisetsu=canonical_code(saisetsu),
        setsu_name=_norm_name(setsu_name),
        saisetsu_name=_norm_name(saisetsu_name),
        arrears=_norm_name(arrears),
        custodial=bool(custodial),
    )


# ---------------------------------------------------------------------------- loading


def load_rules(text: str, *, file: str = "conversion_rules.csv", chart: Chart | None = None) -> RuleTable:
    """Parse a conversion table from CSV text.

    Blank rows and rows whose first cell starts with ``#`` are skipped. Every problem is
    collected with its row and column; if there is any, :class:`RuleTableError` is raised
    with all of them. Account references are stored as qualified paths.
    """
    chart = chart or standard_chart()
    issues = Issues(file)
    text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        issues.add("ファイルが空です")
        raise RuleTableError(list(issues))
    header = [h.strip() for h in header]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [h for h in header if h not in COLUMNS]
    dup = sorted({h for h in header if header.count(h) > 1})
    if missing:
        issues.add(f"見出し行に列 {'、'.join(missing)} がありません（列: {','.join(COLUMNS)}）", 1)
    if unknown:
        issues.add(f"見出し行の列 {'、'.join(unknown)} は変換規則表の列ではありません"
                   f"（列: {','.join(COLUMNS)}）", 1)
    if dup:
        issues.add(f"見出し行に列 {'、'.join(dup)} が2回以上あります", 1)
    if issues:
        raise RuleTableError(list(issues))
    width = len(header)
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    accounts: dict[str, object] = {}

    def account(ref: str):
        if ref not in accounts:
            try:
                ln = chart.resolve(ref)
                accounts[ref] = ln if ln.postable else ChartError(
                    f"「{ref}」は集計行です。仕訳できる科目（勘定科目・補助科目）を指定してください")
            except ChartError as e:
                accounts[ref] = e
        return accounts[ref]

    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            issues.add(f"CSV の形式が正しくありません（{e}）", reader.line_num)
            break
        lineno = reader.line_num
        if not any(c.strip() for c in row) or row[0].lstrip().startswith("#"):
            continue
        if len(row) != width:
            issues.add(f"列の数が{len(row)}です。見出しと同じ{width}列にしてください", lineno)
            continue
        cells = {h: row[i].strip() for i, h in enumerate(header)}
        n_before = len(issues)

        def bad(msg: str, col: str, lineno: int = lineno) -> None:
            issues.add(msg, lineno, col)

        rule_id = cells["id"]
        if not rule_id:
            bad("id が空欄です。規則ごとに一意の名前を付けてください", "id")
        elif rule_id in seen:
            bad(f"id「{rule_id}」は{seen[rule_id]}行目と重複しています", "id")
        else:
            seen[rule_id] = lineno

        years: dict[str, int | None] = {}
        for col in ("from_year", "to_year"):
            v = cells.get(col, "")
            years[col] = None
            if v:
                try:
                    y = int(unicodedata.normalize("NFKC", v))
                except ValueError:
                    bad(f"年度「{v}」は西暦の整数で書いてください（例: 2020）。空欄は制限なし", col)
                    continue
                if not YEAR_MIN <= y <= YEAR_MAX:
                    bad(f"年度 {y} は範囲外です（{YEAR_MIN}〜{YEAR_MAX}）", col)
                    continue
                years[col] = y
        if years["from_year"] is not None and years["to_year"] is not None \
                and years["from_year"] > years["to_year"]:
            bad(f"適用年度が逆です: from_year {years['from_year']} が to_year {years['to_year']} より後です",
                "to_year")

        direction = cells["direction"].upper()
        if direction not in DIRECTIONS:
            bad(f"direction「{cells['direction']}」は E（歳出）か R（歳入）で書いてください", "direction")

        custodial_text = cells.get("custodial", "")
        if custodial_text not in ("", "0", "1"):
            bad(f"custodial「{custodial_text}」は 1（歳計外現金）か 0・空欄で書いてください", "custodial")
        custodial = custodial_text == "1"

        codes: dict[str, str] = {}
        for col, ja in LEVELS:
            v = cells[col]
            if not v:
                bad(f"{ja}（{col}）が空欄です。コードか、すべてに一致させるなら * を書いてください", col)
                codes[col] = WILD
            else:
                codes[col] = WILD if v == WILD else (canonical_code(v) or WILD)

        name = cells.get("name", "") or WILD
        if name != WILD:
            name = unicodedata.normalize("NFKC", name)
            _target, pat = _split_name(name)
            alts = [pat[1:]] if pat.startswith("=") else pat.split("|")
            if not all(a.strip() for a in alts):
                bad(f"名称の条件「{name}」に空の候補があります（例: 退職手当、期末|勤勉、=修繕料、節名:元金）", "name")

        arrears = cells.get("arrears", "") or WILD
        if arrears not in (WILD, *ARREARS):
            bad(f"arrears「{arrears}」は 現年・滞納繰越・* のどれかで書いてください", "arrears")

        decision = cells["decision"]
        if decision not in DECISIONS:
            allowed = "、".join(d for d in DECISIONS if d)
            bad(f"decision「{decision}」は使えません。空欄か {allowed} のどれかにしてください", "decision")

        paths: dict[str, str] = {}
        lines = {}
        for col in ("debit", "credit"):
            v = cells[col]
            paths[col] = ""
            if decision == "none":
                if v:
                    bad("decision が none（仕訳なし）の規則には科目を書かないでください", col)
                continue
            if not v:
                bad(f"{'借方' if col == 'debit' else '貸方'}科目（{col}）が空欄です。"
                    "仕訳しない規則なら decision を none にしてください", col)
                continue
            ln = account(v)
            if isinstance(ln, Exception):
                bad(str(ln), col)
                continue
            lines[col] = ln
            paths[col] = ln.qualified_path

        if len(lines) == 2 and direction in DIRECTIONS:
            cash_col = "credit" if direction == "E" else "debit"
            other_col = "debit" if direction == "E" else "credit"
            cash, other = lines[cash_col], lines[other_col]
            want_side = "C" if direction == "E" else "D"
            kind = "支出" if direction == "E" else "収入"
            cash_side = "貸方" if direction == "E" else "借方"
            if custodial:
                if cash.qualified_path != CUSTODIAL_CF:
                    bad(f"歳計外現金の規則では{cash_side}を {CUSTODIAL_CF} にしてください", cash_col)
            else:
                if cash.statement != "CF":
                    bad(f"{DIRECTIONS[direction]}の規則では{cash_side}を"
                        f"資金収支計算書の{kind}の科目（CF/…）にしてください", cash_col)
                elif cash.qualified_path == CUSTODIAL_CF:
                    bad(f"{CUSTODIAL_CF} は歳計外現金の規則（custodial=1）だけで使えます", cash_col)
                elif chart.statement_line(cash.code).side != want_side:
                    bad(f"「{cash.qualified_path}」は{kind}の科目ではありません", cash_col)
            if other.statement == "CF":
                bad(f"{('借方' if direction == 'E' else '貸方')}に資金収支計算書の科目は使えません。"
                    "行政コスト・純資産変動・貸借対照表の科目を指定してください", other_col)

        candidates: list[str] = []
        for ref in (c.strip() for c in cells.get("candidates", "").split(";")):
            if not ref:
                continue
            ln = account(ref)
            if isinstance(ln, Exception):
                bad(f"候補: {ln}", "candidates")
            elif ln.qualified_path not in candidates:
                candidates.append(ln.qualified_path)

        if len(issues) > n_before:
            continue
        rules.append(Rule(
            id=rule_id, direction=direction, debit=paths["debit"], credit=paths["credit"],
            from_year=years["from_year"], to_year=years["to_year"], custodial=custodial,
            name=name, arrears=arrears, decision=decision, candidates=tuple(candidates),
            note=cells.get("note", ""), row=lineno, **codes,
        ))
    if issues:
        raise RuleTableError(list(issues))
    return RuleTable(tuple(rules))


@cache
def standard_rules() -> RuleTable:
    """The standard table shipped with Kokai (``data/conversion_rules.csv``)."""
    text = resources.files("kokai.core").joinpath("data/conversion_rules.csv").read_text(encoding="utf-8")
    return load_rules(text, file="conversion_rules.csv")


# ---------------------------------------------------------------------------- applying

KEY_COLUMNS = (
    "fiscal_year", "direction", "kan", "kou", "moku", "setsu", "saisetsu",
    "setsu_name", "saisetsu_name", "arrears", "custodial",
)
OUTPUT_COLUMNS = ("rule_id", "debit", "credit", "decision")


def apply_rules(table: RuleTable, records: pl.DataFrame) -> pl.DataFrame:
    """``records`` with the columns ``rule_id``, ``debit``, ``credit``, ``decision`` added.

    Matching runs once per distinct key (年度, 方向, 款項目節細節, 節名, 細節名, 現年滞繰,
    歳計外), then the results are joined back, so a million records cost a few thousand
    matches. ``debit``/``credit`` are account paths, null when the rule makes no journal
    (decision ``none``). ``decision`` is "" when nothing needs deciding. A record that no
    rule matches gets null in all four columns (the caller reports 「変換規則がありません」).
    Row order is kept. The amount's sign is not applied here (see the module docstring).
    """
    clash = [c for c in OUTPUT_COLUMNS if c in records.columns]
    if clash:
        raise ValueError(f"records already has columns {clash}")
    key_exprs = []
    for c in KEY_COLUMNS:
        if c == "custodial":
            expr = pl.col(c).fill_null(False).cast(pl.Boolean) if c in records.columns else pl.lit(False)
        elif c == "fiscal_year":
            expr = pl.col(c).cast(pl.Int32)
        else:
            expr = pl.col(c).cast(pl.String) if c in records.columns else pl.lit(None, dtype=pl.String)
        key_exprs.append(expr.alias(f"_k_{c}"))
    keyed = records.with_columns(key_exprs)
    key_names = [f"_k_{c}" for c in KEY_COLUMNS]
    keys = keyed.select(key_names).unique()

    out: dict[str, list] = {c: [] for c in OUTPUT_COLUMNS}
    for row in keys.iter_rows():
        rec = dict(zip(KEY_COLUMNS, row, strict=True))
        rule = table._match(_record(**rec)) if rec["fiscal_year"] is not None and rec["direction"] else None
        out["rule_id"].append(rule.id if rule else None)
        out["debit"].append((rule.debit or None) if rule else None)
        out["credit"].append((rule.credit or None) if rule else None)
        out["decision"].append(rule.decision if rule else None)
    results = keys.with_columns(
        [pl.Series(c, v, dtype=pl.String) for c, v in out.items()]
    )
    joined = keyed.join(results, on=key_names, how="left", nulls_equal=True, maintain_order="left")
    return joined.drop(key_names)
