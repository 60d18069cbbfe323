"""損失補償等引当金 (決算整理 §9 行16) and the figures of the 注記 偶発債務.

Input: one row per guarantee or loss compensation (sheet 損失補償等台帳) — 相手先, 区分
(損失補償 / 債務保証), 債務総額 (the guaranteed debt at the year end), 確定債務額 (the part
whose performance is fixed and not yet paid), うち本年度確定額 (the part of that fixed this
year, booked by this run) with its 計上先, and 将来負担額算入額: the amount counted in the
健全化法 将来負担額 (設立法人以外の者のための債務負担行為に係る実質負担額) for the part
not yet fixed.

Entries:
1. 本年度確定額 → Dr 損失補償等引当金 / Cr 未払金 or 長期未払金 (the 計上先 column, else
   the setting ``guarantees.fixed_account``): the fixed part leaves the provision.
2. The provision wanted at the year end is Σ将来負担額算入額; after entry 1 the books hold
   (provision before closing − 本年度確定額); the difference is booked Dr 損失補償等引当金
   繰入額 (臨時損失) / Cr 損失補償等引当金, or when the provision falls, Dr 損失補償等引当金 /
   Cr 臨時利益 その他 (or a credit to the 繰入額: setting ``guarantees.decrease``).
A fixed amount that had no provision thus passes through 繰入額 — the net charge is the same.

Figures for the 注記 偶発債務 (保証債務及び損失補償債務負担の状況): 総額, 確定債務額,
履行すべき額が確定していないもの and, of that, 損失補償等引当金計上額 and 貸借対照表未計上額.
"""

from __future__ import annotations

from .base import (
    CHOICE,
    TEXT,
    YEN,
    Column,
    Context,
    Figure,
    Inputs,
    InputSheet,
    Outcome,
    SettingSpec,
    provision_entry,
)
from .cells import Cells

KEY = "guarantees"
TITLE = "損失補償等引当金"

GUARANTEES = "損失補償等台帳"
PROVISION = "BS/固定負債/損失補償等引当金"
CHARGE = "PL/臨時損失/損失補償等引当金繰入額"
GAIN = "PL/臨時利益/その他"
PAYABLE = {"未払金": "BS/流動負債/未払金", "長期未払金": "BS/固定負債/長期未払金"}

COMPENSATION, GUARANTEE = "損失補償", "債務保証"
PARTY, CONTENT, KIND, TOTAL = "相手先", "内容", "区分", "債務総額"
FIXED, FIXED_NOW, ACCOUNT, COUNTED = "確定債務額", "うち本年度確定額", "計上先", "将来負担額算入額"

SHEETS = (
    InputSheet(
        name=GUARANTEES,
        title="損失補償・債務保証の台帳（1件1行）",
        columns=(
            Column(PARTY, TEXT, required=True, help="損失補償・債務保証の相手先（第三セクター等）", width=24),
            Column(CONTENT, TEXT, help="対象の債務（金融機関からの借入など）", width=24),
            Column(KIND, CHOICE, choices=(COMPENSATION, GUARANTEE), help="空欄は損失補償"),
            Column(TOTAL, YEN, required=True, help="損失補償・保証の対象となる債務の年度末残高（円）"),
            Column(FIXED, YEN, help="履行すべき額が確定し、年度末に未払の額（円）"),
            Column(FIXED_NOW, YEN, help="確定債務額のうち本年度に確定した額（円）。決算整理で未払金・長期未払金に計上します"),
            Column(ACCOUNT, CHOICE, choices=tuple(PAYABLE), help="本年度確定額の計上先。空欄は設定の計上科目"),
            Column(COUNTED, YEN, required=True,
                   help="健全化法の将来負担額に算入した額（設立法人以外の者のための債務負担行為に係る実質負担額、確定した額を除く、円）"),
        ),
        notes=("損失補償・債務保証1件を1行に入力します。損失補償等引当金は将来負担額算入額の合計です。",),
    ),
)

DECREASE_GAIN, DECREASE_NET = "臨時利益", "繰入額から控除"
SETTINGS = (
    SettingSpec("guarantees.fixed_account", "確定した損失補償債務等の計上科目", "未払金",
                "履行すべき額が確定した損失補償債務等は、台帳で計上先を指定したものを除き、"
                "設定した科目（未払金または長期未払金）に計上しています。", tuple(PAYABLE)),
    SettingSpec("guarantees.decrease", "損失補償等引当金の減少額の計上", DECREASE_GAIN,
                "損失補償等引当金の必要額が減少した場合、その減少額は臨時利益（その他）に計上するか、"
                "損失補償等引当金繰入額から控除しています。", (DECREASE_GAIN, DECREASE_NET)),
)


def compute(inputs: Inputs, ctx: Context) -> Outcome:
    cells = Cells(inputs, GUARANTEES)
    default_account = ctx.settings.get("guarantees.fixed_account", "未払金")
    if default_account not in PAYABLE:
        default_account = "未払金"
    items = []
    for row in cells.rows():
        cells.text(row, PARTY, required=True)
        kind = cells.choice(row, KIND, (COMPENSATION, GUARANTEE), default=COMPENSATION)
        total, fixed, fixed_now = cells.yen(row, TOTAL, required=True), cells.yen(row, FIXED), cells.yen(row, FIXED_NOW)
        account = cells.choice(row, ACCOUNT, tuple(PAYABLE), default=default_account)
        counted = cells.yen(row, COUNTED, required=True)
        if fixed + counted > total:
            cells.bad(row, COUNTED, f"確定債務額 {fixed:,}円 ＋ 将来負担額算入額 {counted:,}円 ＝ {fixed + counted:,}円 が"
                                    f"債務総額 {total:,}円 を超えています")
        if fixed_now > fixed:
            cells.bad(row, FIXED_NOW, f"本年度確定額 {fixed_now:,}円 が確定債務額 {fixed:,}円 を超えています")
        items.append({"kind": kind, "total": total, "fixed": fixed, "fixed_now": fixed_now,
                      "account": account, "counted": counted})

    wanted = sum(i["counted"] for i in items)
    fixed_now = {a: sum(i["fixed_now"] for i in items if i["account"] == a) for a in PAYABLE}
    moved = sum(fixed_now.values())
    before = -ctx.balance(ctx.code(PROVISION))
    charge = wanted - (before - moved)
    figures = notes_figures(items) + (
        Figure("本年度確定額（未払金へ）", fixed_now["未払金"]),
        Figure("本年度確定額（長期未払金へ）", fixed_now["長期未払金"]),
        Figure("前年度末の損失補償等引当金（帳簿）", -ctx.prior_balance(ctx.code(PROVISION))),
        Figure("決算整理前の損失補償等引当金（帳簿）", before),
        Figure("損失補償等引当金（本年度末の必要額）", wanted),
        Figure("損失補償等引当金繰入額（減少は負）", charge),
    )
    if cells.issues:
        return Outcome(issues=tuple(cells.issues), figures=figures)
    fixed_entry = ctx.entry(f"決算-{KEY}-1", [(PROVISION, moved)] + [(PAYABLE[a], -x) for a, x in fixed_now.items()],
                            f"履行すべき額が確定した損失補償債務等 {moved:,}円 を未払金等へ振替")
    other = GAIN if ctx.settings.get("guarantees.decrease", DECREASE_GAIN) == DECREASE_GAIN else CHARGE
    change = provision_entry(ctx, f"決算-{KEY}-2", name="損失補償等引当金", provision=PROVISION, charge=CHARGE,
                             gain=other, wanted=wanted, held=before - moved)
    return Outcome(entries=tuple(e for e in (fixed_entry, change) if e is not None), figures=figures)


def notes_figures(items: list[dict]) -> tuple[Figure, ...]:
    """保証債務及び損失補償債務負担の状況 (注記 偶発債務)."""
    total = sum(i["total"] for i in items)
    fixed = sum(i["fixed"] for i in items)
    counted = sum(i["counted"] for i in items)
    return (
        Figure("保証債務及び損失補償債務の総額", total),
        Figure("うち損失補償債務", sum(i["total"] for i in items if i["kind"] == COMPENSATION)),
        Figure("うち保証債務", sum(i["total"] for i in items if i["kind"] == GUARANTEE)),
        Figure("確定債務額", fixed),
        Figure("履行すべき額が確定していないもの", total - fixed),
        Figure("うち損失補償等引当金計上額", counted),
        Figure("うち貸借対照表未計上額", total - fixed - counted),
    )
