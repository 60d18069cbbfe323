"""賞与等引当金 (conversion.md §9 行7): the part of next June's 期末・勤勉手当 earned by 3月31日.

Input, one row per 所属 or 職種 (or a single row for the whole body): next June's
期末・勤勉手当 estimate and its 法定福利費 (共済費等の事業主負担: a rate of the bonus, or the
amount). The provision is

    (期末・勤勉手当見込額 + 法定福利費見込額) × 引当対象期間の割合  (円未満切捨て, 行ごと)

where the share is the part of the June bonus's 支給対象期間 (12月1日〜5月31日, 6か月) that
falls in this year (12月〜3月, 4か月): ``bonus.ratio``, default 4/6 [U-M].

Method (``bonus.method``, [U-M], the 注記 prints it):

* 洗替 (default; the 資金仕訳変換表 assumes it: the June payment is 職員給与費, see
  conversion_rules.csv E-職員手当等-期末勤勉手当): the provision the books hold (Y) is
  reversed into 賞与等引当金繰入額 and this year's (X) booked from it, as one entry —
  Dr 賞与等引当金 Y / Cr 繰入額 Y and Dr 繰入額 X / Cr 賞与等引当金 X, netted, so the PL shows
  繰入額 X − Y and nothing is booked when X = Y.
* 充当: last year's provision paid this year's June bonus. The cash conversion charged that
  payment to 職員給与費, so the provision the books hold is re-classified against it
  (Dr 賞与等引当金 Y / Cr 職員給与費 Y: 目的使用) and this year's X is booked in full
  (Dr 繰入額 X / Cr 賞与等引当金 X). If the conversion charged the June payment to the
  provision instead, Y is what is left of it (or negative), and the same entry moves the
  rest to 職員給与費: either way the provision absorbs exactly last year's amount.

Y is the balance the books hold before this run (``ctx.balance``), normally last year's
closing provision.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from math import floor

from ..issues import Issue
from .base import (
    INT,
    RATE,
    TEXT,
    YEN,
    Column,
    Context,
    Figure,
    Inputs,
    InputSheet,
    Outcome,
    SettingSpec,
)
from .cells import PROVISION_WORDS, Cells

KEY = "bonus"
TITLE = "賞与等引当金"

SHEET = "賞与等引当金"
C_GROUP, C_PEOPLE, C_BONUS, C_RATE, C_WELFARE = "区分", "人数", "期末・勤勉手当見込額", "法定福利費率", "法定福利費見込額"

SHEETS = (
    InputSheet(
        SHEET, "翌年度6月支給の期末・勤勉手当の見込額",
        (
            Column(C_GROUP, TEXT, True, "所属または職種（全体で1行でもかまいません）", width=20),
            Column(C_PEOPLE, INT, False, "対象の職員数（参考）", width=8),
            Column(C_BONUS, YEN, True, "翌年度6月に支給する期末手当・勤勉手当の見込額（全額）", width=18),
            Column(C_RATE, RATE, False, "共済費等の事業主負担の率（例 16.5%）。見込額を入力するときは空欄"),
            Column(C_WELFARE, YEN, False, "6月支給分に係る共済費等の事業主負担の見込額（全額）。率を入力するときは空欄", width=18),
        ),
        notes=(
            "翌年度6月支給の期末・勤勉手当と、その法定福利費（共済費等の事業主負担）の見込額を入力します。",
            "引当額は（見込額＋法定福利費）×引当対象期間の割合（既定 4/6: 12月〜3月）で、円未満は切り捨てます。",
        ),
    ),
)

METHOD_RENEW, METHOD_USE = "洗替", "充当"
SETTINGS = (
    SettingSpec(
        "bonus.method", "賞与等引当金の処理方法", METHOD_RENEW,
        "洗替: 前年度末の引当金を戻し入れ、本年度末の見込額を繰り入れる。"
        "充当: 前年度末の引当金を6月支給の期末・勤勉手当に充当し、本年度末の見込額を繰り入れる。",
        (METHOD_RENEW, METHOD_USE),
    ),
    SettingSpec(
        "bonus.ratio", "引当対象期間の割合", "4/6",
        "6月支給の期末・勤勉手当の支給対象期間（12月〜5月の6か月）のうち本年度に属する期間（12月〜3月の4か月）の割合。"
        "「4/6」のような分数か小数で書く。",
    ),
)

LIABILITY = "BS/流動負債/賞与等引当金"
CHARGE = "PL/経常費用/業務費用/人件費/賞与等引当金繰入額"
SALARIES = "PL/経常費用/業務費用/人件費/職員給与費"


def setting(ctx: Context, key: str) -> str:
    spec = next(s for s in SETTINGS if s.key == key)
    return str(ctx.settings.get(key, spec.default)).strip() or spec.default


def parse_ratio(text: str) -> Fraction | None:
    """'4/6' or '0.6667' → a fraction in (0, 1]; None if it is not one."""
    try:
        if "/" in text:
            num, den = text.split("/", 1)
            value = Fraction(int(num), int(den))
        else:
            value = Fraction(Decimal(text))
    except (ValueError, ZeroDivisionError, InvalidOperation):
        return None
    return value if 0 < value <= 1 else None


def _welfare(cells: Cells, row: Mapping, bonus: int) -> int:
    amount = cells.amount(row, C_WELFARE)
    r = row.get(C_RATE)
    if r is None or r == "":
        return amount or 0
    if amount is not None:
        cells.bad(row, C_WELFARE, f"{C_RATE}と{C_WELFARE}はどちらか一方だけ入力してください")
        return 0
    try:
        rate = Fraction(Decimal(str(r)))
    except InvalidOperation:
        rate = Fraction(-1)
    if not 0 <= rate < 1:
        cells.bad(row, C_RATE, f"{C_RATE}「{r}」は0以上1未満（例 0.165 または 16.5%）で入力してください")
        return 0
    return floor(bonus * rate)


def compute(inputs: Inputs, ctx: Context) -> Outcome:
    issues: list[Issue] = []
    method = setting(ctx, "bonus.method")
    if method not in (METHOD_RENEW, METHOD_USE):
        issues.append(Issue(f"設定「賞与等引当金の処理方法」の「{method}」は選べません（{METHOD_RENEW} / {METHOD_USE}）",
                            sheet="設定", column="bonus.method"))
    ratio = parse_ratio(setting(ctx, "bonus.ratio"))
    if ratio is None:
        issues.append(Issue(f"設定「引当対象期間の割合」の「{setting(ctx, 'bonus.ratio')}」は 4/6 のような"
                            "0より大きく1以下の分数か小数で書いてください", sheet="設定", column="bonus.ratio"))
        ratio = Fraction(0)
    bonus_total = welfare_total = wanted = 0
    cells = Cells(inputs, SHEET, issues, wording=PROVISION_WORDS)
    for row in inputs.sheet(SHEET):
        cells.text(row, C_GROUP, required=True, blank=f"{C_GROUP}（所属または職種）を入力してください")
        bonus = cells.yen(row, C_BONUS, required=True)
        welfare = _welfare(cells, row, bonus)
        bonus_total += bonus
        welfare_total += welfare
        wanted += floor((bonus + welfare) * ratio)
    if issues:
        return Outcome(issues=tuple(issues))

    held = -ctx.balance(ctx.code(LIABILITY))  # a credit balance: the provision the books hold
    prior = -ctx.prior_balance(ctx.code(LIABILITY))
    entries = []
    if method == METHOD_RENEW:
        e = ctx.entry(f"決算-{KEY}-1", [(LIABILITY, held), (CHARGE, -held), (CHARGE, wanted), (LIABILITY, -wanted)],
                      f"賞与等引当金の洗替（前年度分 {held:,}円 戻入、本年度分 {wanted:,}円 繰入）")
        entries.append(e)
        used, other = 0, held
    else:
        entries.append(ctx.entry(f"決算-{KEY}-1", [(LIABILITY, held), (SALARIES, -held)],
                                 f"前年度末の賞与等引当金 {held:,}円 を6月支給の期末・勤勉手当に充当"))
        entries.append(ctx.entry(f"決算-{KEY}-2", [(CHARGE, wanted), (LIABILITY, -wanted)],
                                 f"賞与等引当金の繰入（本年度分 {wanted:,}円）"))
        used, other = held, 0
    figures = (
        Figure("期末・勤勉手当見込額（翌年度6月支給）", bonus_total),
        Figure("法定福利費見込額", welfare_total),
        Figure(f"引当額（見込額計 × {setting(ctx, 'bonus.ratio')}、行ごとに円未満切捨て）", wanted),
        Figure("賞与等引当金 前年度末残高", prior),
        Figure("賞与等引当金 決算整理前の帳簿残高", held),
        Figure("賞与等引当金 本年度増加額", wanted),
        Figure("賞与等引当金 本年度減少額（目的使用）", used),
        Figure("賞与等引当金 本年度減少額（その他）", other),
        Figure("賞与等引当金 本年度末残高", wanted),
        Figure("賞与等引当金繰入額", wanted - other),
    )
    return Outcome(entries=tuple(e for e in entries if e is not None), figures=figures)
