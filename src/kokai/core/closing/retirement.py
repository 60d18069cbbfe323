"""退職手当引当金 (conversion.md §9 行8, 8b; 作成要領 第125項・第126項 [S3]).

The provision wanted at the year end (X):

* staff the body pays itself (a body not in a 退職手当組合, and in a member body any staff
  the union does not cover): the **期末自己都合要支給額** — what every employee would be
  paid on retiring at their own request on 3月31日. 一般職 from 勤続年数 and 支給率, 特別職
  separately; sheet 「退職手当引当金」, one row per person or group, either the computed
  要支給額 or 給料月額 × 支給率 (月数, 円未満切捨て);
* members of a 退職手当組合 (``retirement.union`` = 加入): **D − {(E − F) + G}**, sheet
  「退職手当組合」: D 期末自己都合要支給額, E 加入時からの負担金の累計額, F 既に支給された
  退職手当の累計額, G 組合の運用益のうち団体への按分額 (G's meaning [U-M]). A negative
  result (the contributions exceed the obligation) gives no provision and no asset [U-L];
  the figure shows it.

The year's payments: the 資金仕訳変換表 already charges them to the provision (細節
「退職手当」 → Dr 退職手当引当金 / Cr 人件費支出, conversion_rules.csv E-職員手当等-退職手当),
so the books' balance (Y, ``ctx.balance``) is last year's provision less the year's
payments. Payments the conversion charged to an expense instead (a 細節 without the word)
are listed on sheet 「退職手当の支払」 and re-classified against the provision, up to what
it still holds (Dr 退職手当引当金 / Cr that expense; 目的使用); any rest stays an expense.
Then X − Y′ is booked to 退職手当引当金繰入額 (a negative difference credits it: 戻入).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from math import floor

from ..chart import ChartError
from ..issues import Issue
from .base import (
    CHOICE,
    INT,
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

KEY = "retirement"
TITLE = "退職手当引当金"

STAFF, UNION, PAID = "退職手当引当金", "退職手当組合", "退職手当の支払"
GENERAL, SPECIAL = "一般職", "特別職"
C_CLASS, C_NAME, C_PEOPLE, C_DUE, C_SALARY, C_RATE = "職員区分", "氏名・区分", "人数", "期末自己都合要支給額", "給料月額", "支給率"
C_LABEL, C_D, C_E, C_F, C_G = "区分", "期末自己都合要支給額(D)", "負担金累計額(E)", "支給累計額(F)", "運用益等按分額(G)"
C_WHAT, C_PAID, C_ACCOUNT = "内容", "支給額", "計上科目"

SHEETS = (
    InputSheet(
        STAFF, "期末自己都合要支給額（団体が自ら支給する職員）",
        (
            Column(C_CLASS, CHOICE, True, "一般職か特別職か", (GENERAL, SPECIAL), width=10),
            Column(C_NAME, TEXT, True, "職員の氏名、または職種・所属などのまとまり", width=20),
            Column(C_PEOPLE, INT, False, "人数（参考）", width=8),
            Column(C_DUE, YEN, False, "3月31日に全員が自己都合で退職したとして支給する額。空欄なら給料月額×支給率", width=18),
            Column(C_SALARY, YEN, False, "給料月額（まとまりならその合計）", width=14),
            Column(C_RATE, TEXT, False, "勤続年数に応じた自己都合退職の支給率（月数。例 47.709）", width=10),
        ),
        notes=(
            "退職手当組合に加入していない団体、または組合の対象外の職員（特別職など）について入力します。",
            "期末自己都合要支給額を直接入力するか、給料月額と支給率（月数）を入力します（円未満切捨て）。",
        ),
    ),
    InputSheet(
        UNION, "退職手当組合に加入している場合の D −｛(E − F) + G｝",
        (
            Column(C_LABEL, TEXT, True, "職員区分など（1行でもかまいません）", width=16),
            Column(C_D, YEN, True, "期末自己都合要支給額", width=18),
            Column(C_E, YEN, True, "組合加入時からの負担金の累計額", width=18),
            Column(C_F, YEN, True, "組合が既に支給した退職手当の累計額", width=18),
            Column(C_G, YEN, False, "組合の運用益のうち団体への按分額（空欄は0）", width=18),
        ),
        notes=("組合から通知される D・E・F・G を入力します。引当額は D −｛(E − F) + G｝です。",),
    ),
    InputSheet(
        PAID, "本年度の退職手当のうち費用に計上された支払",
        (
            Column(C_WHAT, TEXT, True, "支払の内容（氏名・支給日など）", width=24),
            Column(C_PAID, YEN, True, "支給額", width=14),
            Column(C_ACCOUNT, TEXT, False, "資金仕訳で計上された科目（空欄は職員給与費）。科目名・パス・コード", width=30),
        ),
        notes=(
            "資金仕訳変換で細節「退職手当」の支払は退職手当引当金の取崩しとして計上済みです。"
            "それ以外の科目（職員給与費など）に計上された退職手当だけを入力すると、引当金の取崩しに振り替えます。",
        ),
    ),
)

NOT_MEMBER, MEMBER = "非加入", "加入"
SETTINGS = (
    SettingSpec(
        "retirement.union", "退職手当組合への加入", NOT_MEMBER,
        "非加入: 期末自己都合要支給額を退職手当引当金とする。"
        "加入: 組合の期末自己都合要支給額から負担金累計額と支給累計額の差額及び運用益等按分額を控除した額を退職手当引当金とする。",
        (NOT_MEMBER, MEMBER),
    ),
)

LIABILITY = "BS/固定負債/退職手当引当金"
CHARGE = "PL/経常費用/業務費用/人件費/退職手当引当金繰入額"
SALARIES = "PL/経常費用/業務費用/人件費/職員給与費"


def _setting(ctx: Context) -> str:
    return str(ctx.settings.get("retirement.union", NOT_MEMBER)).strip() or NOT_MEMBER


def _staff(inputs: Inputs, issues: list[Issue]) -> dict[str, int]:
    s = Cells(inputs, STAFF, issues, wording=PROVISION_WORDS)
    due = {GENERAL: 0, SPECIAL: 0}
    for row in inputs.sheet(STAFF):
        cls = row.get(C_CLASS)
        if cls not in due:
            s.bad(row, C_CLASS, f"{C_CLASS}は「{GENERAL}」か「{SPECIAL}」を選んでください")
            cls = GENERAL
        s.text(row, C_NAME, required=True)
        amount = s.amount(row, C_DUE)
        salary = s.amount(row, C_SALARY)
        text = str(row.get(C_RATE) or "").strip().replace(",", "")
        if amount is None:
            if salary is None or not text:
                s.bad(row, C_DUE, f"{C_DUE}を入力するか、{C_SALARY}と{C_RATE}の両方を入力してください")
                continue
            try:
                months = Decimal(text)
            except InvalidOperation:
                months = Decimal(-1)
            if months <= 0:
                s.bad(row, C_RATE, f"{C_RATE}「{text}」は正の月数（例 47.709）で入力してください")
                continue
            amount = floor(salary * months)
        due[cls] += amount
    return due


def _union(inputs: Inputs, issues: list[Issue]) -> tuple[int, int, int, int]:
    s = Cells(inputs, UNION, issues, wording=PROVISION_WORDS)
    d = e = f = g = 0
    for row in inputs.sheet(UNION):
        s.text(row, C_LABEL, required=True)
        d += s.yen(row, C_D, required=True)
        e += s.yen(row, C_E, required=True)
        f += s.yen(row, C_F, required=True)
        g += s.yen(row, C_G)
    return d, e, f, g


def _payments(inputs: Inputs, ctx: Context, issues: list[Issue]) -> list[tuple[str, int]]:
    s = Cells(inputs, PAID, issues, wording=PROVISION_WORDS)
    out = []
    for row in inputs.sheet(PAID):
        s.text(row, C_WHAT, required=True)
        amount = s.amount(row, C_PAID, required=True)
        ref = str(row.get(C_ACCOUNT) or "").strip() or SALARIES
        try:
            line = ctx.chart.resolve(ref)
        except ChartError as e:
            s.bad(row, C_ACCOUNT, f"{e}。空欄（職員給与費）か、行政コスト計算書の科目を書いてください")
            continue
        if line.statement != "PL" or not line.postable:
            s.bad(row, C_ACCOUNT, f"「{line.qualified_path}」には振り替えられません。"
                                  "退職手当を計上した行政コスト計算書の科目（例 職員給与費）を書いてください")
            continue
        if amount:
            out.append((line.code, amount))
    return out


def compute(inputs: Inputs, ctx: Context) -> Outcome:
    issues: list[Issue] = []
    membership = _setting(ctx)
    if membership not in (NOT_MEMBER, MEMBER):
        issues.append(Issue(f"設定「退職手当組合への加入」の「{membership}」は選べません（{NOT_MEMBER} / {MEMBER}）",
                            sheet="設定", column="retirement.union"))
    due = _staff(inputs, issues)
    d, e, f, g = _union(inputs, issues)
    payments = _payments(inputs, ctx, issues)
    if membership == NOT_MEMBER and inputs.sheet(UNION):
        issues.append(inputs.issue("退職手当組合に「非加入」の設定ですが、このシートに入力があります。"
                                   "加入しているなら設定を「加入」に、そうでなければ行を削除してください", sheet=UNION))
    if membership == MEMBER and not inputs.sheet(UNION):
        issues.append(inputs.issue("退職手当組合に「加入」の設定です。組合から通知された D・E・F・G を入力してください",
                                   sheet=UNION))
    if issues:
        return Outcome(issues=tuple(issues))

    formula = d - ((e - f) + g)
    union = max(formula, 0)
    wanted = due[GENERAL] + due[SPECIAL] + union
    liab = ctx.code(LIABILITY)
    held = -ctx.balance(liab)
    prior = -ctx.prior_balance(liab)
    room, moved = max(held, 0), []
    for code, amount in payments:
        take = min(amount, room)
        room -= take
        if take:
            moved.append((code, take))
    reclassed = sum(a for _c, a in moved)
    entries = [
        ctx.entry(f"決算-{KEY}-1", [(liab, reclassed), *((c, -a) for c, a in moved)],
                  f"費用に計上された退職手当 {reclassed:,}円 を退職手当引当金の取崩しに振替"),
    ]
    after = held - reclassed
    charge = wanted - after
    entries.append(ctx.entry(f"決算-{KEY}-2", [(CHARGE, charge), (liab, -charge)],
                             f"退職手当引当金の繰入（本年度末 {wanted:,}円 − 帳簿 {after:,}円）"))
    used = max(prior - held, 0) + reclassed
    figures = [
        Figure("期末自己都合要支給額（一般職）", due[GENERAL]),
        Figure("期末自己都合要支給額（特別職）", due[SPECIAL]),
    ]
    if membership == MEMBER:
        figures += [
            Figure("組合 期末自己都合要支給額 D", d),
            Figure("組合 負担金累計額 E", e),
            Figure("組合 支給累計額 F", f),
            Figure("組合 運用益等按分額 G", g),
            Figure("組合 D −｛(E − F) + G｝", formula),
            Figure("組合分の引当額（負の額は0）", union),
        ]
    figures += [
        Figure("退職手当引当金 前年度末残高", prior),
        Figure("退職手当引当金 決算整理前の帳簿残高", held),
        Figure("費用から引当金の取崩しに振り替えた退職手当", reclassed),
        Figure("費用のまま残した退職手当（引当金の残高超過分）", sum(a for _c, a in payments) - reclassed),
        Figure("退職手当引当金 本年度増加額", max(charge, 0)),
        Figure("退職手当引当金 本年度減少額（目的使用）", used),
        Figure("退職手当引当金 本年度減少額（その他）", max(-charge, 0)),
        Figure("退職手当引当金 本年度末残高", wanted),
        Figure("退職手当引当金繰入額", charge),
    ]
    return Outcome(entries=tuple(x for x in entries if x is not None), figures=tuple(figures))
