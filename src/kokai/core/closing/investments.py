"""投資及び出資金: 有価証券の評価替 and 投資損失引当金 / 強制評価減 (決算整理 §9 行17・18)
with the 附属明細書 投資及び出資金の明細.

Input: one row per holding (sheet 投資及び出資金台帳) — 相手先・銘柄, 市場価格 (あり / なし),
科目 (the BS line under 投資及び出資金 that carries it), 連結対象, 取得価額・出資金額, the
帳簿価額 before this year's closing (last year's 貸借対照表計上額 + this year's purchases −
sales), for a listed holding its year-end 時価 (総額), and for an unlisted one the counterparty's
資産・負債 and 資本金 (or the 出資割合, or the 実質価額 directly).

Check: for each of 有価証券 / 出資金 / その他, the register's 帳簿価額 total equals the
ledger's balance before closing.

Rules:
* 市場価格あり: the holding is carried at 時価. Entry 1 books 時価 − 帳簿価額 on its line
  against NW 資産評価差額 (a fall is the reverse). The books keep last year's 時価, so only
  this year's change is booked.
* 市場価格なし: 実質価額 = (資産 − 負債) × 出資割合 (出資割合 = 出資金額 ÷ 資本金 unless
  given), fractions of a yen dropped; a negative 実質価額 counts as 0. When it has fallen from
  the 出資金額 by the setting ``investments.decline_percent`` (default 30%) or more:
  - 連結対象団体（会計）: 投資損失引当金 = 出資金額 − 実質価額 (at most the 帳簿価額).
    Entry 3 books the change of the total provision against PL 投資損失引当金繰入額 (a fall:
    臨時利益 その他, or a credit to the 繰入額 — setting ``investments.decrease``).
  - others: 強制評価減 to the 実質価額. Entry 2: Dr the setting ``investments.writedown_line``
    (default 臨時損失 その他; or 資産除売却損) / Cr the holding's line, 帳簿価額 − 実質価額.
    A written-down value is not written back up.
The 明細's columns follow the 総務省 様式 as remembered (the primer lists only its three
parts) [U].
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from ...report.document import PERCENT, Row, Table
from .base import (
    CHOICE,
    FLAG,
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
    floor_yen,
    provision_entry,
)
from .cells import Cells

KEY = "investments"
TITLE = "投資損失引当金・有価証券の評価替"

HOLDINGS = "投資及び出資金台帳"
LINES = {
    "有価証券": "BS/固定資産/投資その他の資産/投資及び出資金/有価証券",
    "出資金": "BS/固定資産/投資その他の資産/投資及び出資金/出資金",
    "その他": "BS/固定資産/投資その他の資産/投資及び出資金/その他",
}
PROVISION = "BS/固定資産/投資その他の資産/投資損失引当金"
CHARGE = "PL/臨時損失/投資損失引当金繰入額"
GAIN = "PL/臨時利益/その他"
REVALUATION = "NW/資産評価差額"
WRITEDOWN_LINES = {"臨時損失その他": "PL/臨時損失/その他", "資産除売却損": "PL/臨時損失/資産除売却損"}

LISTED, UNLISTED = "あり", "なし"
NAME, MARKET, ACCOUNT, CONSOLIDATED, UNITS = "相手先・銘柄", "市場価格", "科目", "連結対象", "株数・口数"
COST, BOOK, FAIR = "取得価額・出資金額", "帳簿価額", "時価"
ASSETS, LIABILITIES, CAPITAL, SHARE, REAL = "資産", "負債", "資本金・出資総額", "出資割合", "実質価額"

SHEETS = (
    InputSheet(
        name=HOLDINGS,
        title="投資及び出資金の台帳（1銘柄・1出資先1行）",
        columns=(
            Column(NAME, TEXT, required=True, help="出資先の名称または銘柄名", width=24),
            Column(MARKET, CHOICE, required=True, choices=(LISTED, UNLISTED), help="市場価格（上場株式など）があるか"),
            Column(ACCOUNT, CHOICE, choices=tuple(LINES),
                   help="貸借対照表の科目。空欄は市場価格ありなら有価証券、なしなら出資金"),
            Column(CONSOLIDATED, FLAG, help="連結対象団体（会計）への出資なら ○", width=10),
            Column(UNITS, INT, help="株数・口数（市場価格のあるもの）", width=10),
            Column(COST, YEN, required=True, help="取得価額（出資金額）の合計（円）"),
            Column(BOOK, YEN, required=True,
                   help="本年度の決算整理前の帳簿価額（前年度末の貸借対照表計上額＋本年度取得－売却、円）"),
            Column(FAIR, YEN, help="市場価格のあるもの: 年度末の時価の総額（時価単価×株数、円）"),
            Column(ASSETS, YEN, help="市場価格のないもの: 出資先の直近の決算の資産合計（円）"),
            Column(LIABILITIES, YEN, help="市場価格のないもの: 出資先の負債合計（円）"),
            Column(CAPITAL, YEN, help="市場価格のないもの: 出資先の資本金・出資金の総額（円）。出資割合＝出資金額÷この額"),
            Column(SHARE, RATE, help="出資割合（資本金から計算しない場合、例 25%）"),
            Column(REAL, YEN, help="実質価額を別に算定した場合の額（円）。入力すると資産・負債からの計算に代わります"),
        ),
        notes=("有価証券・出資金を1件1行に入力します。科目ごとの帳簿価額の合計は帳簿の残高（決算整理前）と一致する必要があります。",
               "市場価格のないものは実質価額＝（資産－負債）×出資割合 で判定します。"),
    ),
)

DECREASE_GAIN, DECREASE_NET = "臨時利益", "繰入額から控除"
SETTINGS = (
    SettingSpec("investments.decline_percent", "実質価額の著しい低下とみなす低下率（%）", "30",
                "市場価格のない投資及び出資金は、実質価額が出資金額に比べて設定した率（既定は30%）以上低下したものについて、"
                "連結対象団体（会計）に対するものは投資損失引当金を計上し、それ以外は実質価額まで強制評価減を行っています。"),
    SettingSpec("investments.writedown_line", "強制評価減の計上科目", "臨時損失その他",
                "強制評価減の額は行政コスト計算書の臨時損失（その他、または資産除売却損）に計上しています。",
                tuple(WRITEDOWN_LINES)),
    SettingSpec("investments.decrease", "投資損失引当金の減少額の計上", DECREASE_GAIN,
                "投資損失引当金の必要額が減少した場合、その減少額は臨時利益（その他）に計上するか、"
                "投資損失引当金繰入額から控除しています。", (DECREASE_GAIN, DECREASE_NET)),
)


def compute(inputs: Inputs, ctx: Context) -> Outcome:
    cells = Cells(inputs, HOLDINGS)
    try:
        percent = int(str(ctx.settings.get("investments.decline_percent", "30")).rstrip("%"))
    except ValueError:
        cells.bad(None, "", "設定 investments.decline_percent（実質価額の低下率）は 30 のような整数（%）で指定してください")
        percent = 30
    holdings = [h for row in cells.rows() if (h := _holding(cells, row, percent)) is not None]

    now = {acc: ctx.balance(ctx.code(path)) for acc, path in LINES.items()}
    if not cells.issues:
        for acc in LINES:
            book = sum(h["book"] for h in holdings if h["account"] == acc)
            if book != now[acc]:
                cells.bad(None, BOOK, f"科目「{acc}」の帳簿価額の合計 {book:,}円 が帳簿の{acc} {now[acc]:,}円（決算整理前）と "
                                      f"{abs(book - now[acc]):,}円 違います。台帳の帳簿価額か、投資及び出資金支出などの仕訳を確かめてください")

    revalued = {acc: sum(h["fair"] - h["book"] for h in holdings if h["listed"] and h["account"] == acc) for acc in LINES}
    written = {acc: sum(h["writedown"] for h in holdings if h["account"] == acc) for acc in LINES}
    wanted = sum(h["provision"] for h in holdings)
    before = -ctx.balance(ctx.code(PROVISION))
    figures = (
        Figure("市場価格のあるもの 時価合計", sum(h["fair"] for h in holdings if h["listed"])),
        Figure("市場価格のあるもの 取得原価合計", sum(h["cost"] for h in holdings if h["listed"])),
        Figure("評価差額の本年度計上額（資産評価差額）", sum(revalued.values())),
        Figure("強制評価減額", sum(written.values())),
        Figure("投資損失引当金（本年度末の必要額）", wanted),
        Figure("決算整理前の投資損失引当金（帳簿）", before),
        Figure("投資損失引当金繰入額（減少は負）", wanted - before),
    ) + tuple(Figure(f"決算整理前の{acc}（帳簿）", now[acc]) for acc in LINES)
    if cells.issues:
        return Outcome(issues=tuple(cells.issues), figures=figures)

    entries = [
        ctx.entry(f"決算-{KEY}-1", [(LINES[a], x) for a, x in revalued.items()] + [(REVALUATION, -sum(revalued.values()))],
                  f"市場価格のある有価証券等の評価替（時価－帳簿価額 {sum(revalued.values()):,}円）"),
        ctx.entry(f"決算-{KEY}-2",
                  [(WRITEDOWN_LINES.get(ctx.settings.get("investments.writedown_line", ""), WRITEDOWN_LINES["臨時損失その他"]),
                    sum(written.values()))] + [(LINES[a], -x) for a, x in written.items()],
                  f"市場価格のない出資等の強制評価減（実質価額まで {sum(written.values()):,}円）"),
    ]
    other = GAIN if ctx.settings.get("investments.decrease", DECREASE_GAIN) == DECREASE_GAIN else CHARGE
    entries.append(provision_entry(ctx, f"決算-{KEY}-3", name="投資損失引当金", provision=PROVISION, charge=CHARGE,
                                   gain=other, wanted=wanted, held=before))
    return Outcome(entries=tuple(e for e in entries if e is not None), figures=figures, tables=tables(holdings))


def _holding(cells: Cells, row: Mapping[str, object], percent: int) -> dict | None:
    name = cells.text(row, NAME, required=True)
    market = cells.choice(row, MARKET, (LISTED, UNLISTED), required=True,
                          blank=f"{MARKET}が空欄です。{LISTED} / {UNLISTED} のいずれかを入力してください")
    account = cells.choice(row, ACCOUNT, tuple(LINES)) or ("有価証券" if market == LISTED else "出資金")
    cost, book = cells.amount(row, COST, required=True), cells.amount(row, BOOK, required=True)
    units = row.get(UNITS)
    h = {"name": name, "listed": market == LISTED, "account": account, "consolidated": bool(row.get(CONSOLIDATED)),
         "units": units if isinstance(units, int) else None, "cost": cost or 0, "book": book or 0, "fair": 0,
         "assets": None, "liabilities": None, "net": None, "capital": None, "share": None, "real": None,
         "provision": 0, "writedown": 0}
    if not market:
        return h
    if h["listed"]:
        fair = cells.amount(row, FAIR)
        if fair is None and row.get(FAIR) in (None, ""):
            cells.bad(row, FAIR, "市場価格のあるものは年度末の時価（総額）を入力してください")
        h["fair"] = fair or 0
        return h
    _real_value(cells, row, h)
    if h["real"] is None or h["cost"] == 0:
        return h
    real = max(h["real"], 0)
    if (h["cost"] - real) * 100 >= percent * h["cost"]:
        if h["consolidated"]:
            h["provision"] = min(h["cost"] - real, h["book"])
        else:
            h["writedown"] = max(h["book"] - real, 0)
    return h


def _real_value(cells: Cells, row: Mapping[str, object], h: dict) -> None:
    """実質価額 of an unlisted holding: given, or (資産 − 負債) × 出資割合."""
    given = cells.amount(row, REAL)
    assets, liabilities, capital = cells.amount(row, ASSETS), cells.amount(row, LIABILITIES), cells.amount(row, CAPITAL)
    share = row.get(SHARE)
    if share not in (None, "") and (not isinstance(share, Decimal) or not 0 < share <= 1):
        cells.bad(row, SHARE, f"出資割合「{share}」は 0% を超え 100% 以下で入力してください（例 25% または 0.25）")
        return
    if assets is not None and liabilities is not None:
        h.update(assets=assets, liabilities=liabilities, net=assets - liabilities, capital=capital)
    if share in (None, "") and capital:
        share = Decimal(h["cost"]) / Decimal(capital)
        if share > 1:
            cells.bad(row, CAPITAL, f"出資金額 {h['cost']:,}円 が資本金・出資総額 {capital:,}円 を超えています")
            return
    h["share"] = share if share not in (None, "") else None
    if given is not None:
        h["real"] = given
    elif h["net"] is None:
        cells.bad(row, ASSETS, "市場価格のないものは実質価額を計算するため出資先の資産と負債（または実質価額）を入力してください")
    elif h["share"] is None:
        cells.bad(row, CAPITAL, "出資割合を計算できません。資本金・出資総額か出資割合を入力してください")
    else:
        h["real"] = floor_yen(h["net"] * h["share"])


def _hundredths(share: Decimal | None) -> int | None:
    return None if share is None else int((share * 10000).quantize(Decimal(1), ROUND_HALF_UP))


def _with_total(rows: list[Row], width: int, skip: tuple[int, ...] = ()) -> tuple[Row, ...]:
    if not rows:
        return (Row("該当なし", (None,) * width),)
    cols = [[r.values[c] for r in rows if r.values[c] is not None] for c in range(width)]
    total = tuple(None if c in skip or not cols[c] else sum(cols[c]) for c in range(width))
    return (*rows, Row("合計", total, bold=True, sum_of=tuple((1, i) for i in range(len(rows)))))


def tables(holdings: list[dict]) -> tuple[Table, ...]:
    """投資及び出資金の明細 in its three parts."""
    listed = [Row(h["name"], (None if h["units"] is None else f"{h['units']:,}", h["cost"], h["fair"], h["fair"] - h["cost"]))
              for h in holdings if h["listed"]]
    unlisted_cols = ("出資金額", "資産", "負債", "純資産額", "資本金", "出資割合", "実質価額")
    unlisted_kinds = (YEN,) * 5 + (PERCENT, YEN)

    def unlisted(h: dict, *tail: int) -> Row:
        return Row(h["name"], (h["cost"], h["assets"], h["liabilities"], h["net"], h["capital"],
                               _hundredths(h["share"]), h["real"], *tail))

    consolidated = [unlisted(h, h["provision"], h["book"]) for h in holdings if not h["listed"] and h["consolidated"]]
    others = [unlisted(h, h["writedown"], h["book"] - h["writedown"])
              for h in holdings if not h["listed"] and not h["consolidated"]]
    return (
        Table(key="投資出資明細_市場価格あり", title="投資及び出資金の明細（市場価格のあるもの）", label_header="銘柄名",
              columns=("株数・口数", "取得原価", "貸借対照表計上額", "評価差額"), kinds=(TEXT, YEN, YEN, YEN),
              rows=_with_total(listed, 4, skip=(0,)), group="附属明細書",
              notes=("貸借対照表計上額は年度末の時価、評価差額は時価－取得原価です。",)),
        Table(key="投資出資明細_連結対象", title="投資及び出資金の明細（市場価格のないもののうち連結対象団体（会計）に対するもの）",
              label_header="相手先名", columns=(*unlisted_cols, "投資損失引当金計上額", "貸借対照表計上額"),
              kinds=(*unlisted_kinds, YEN, YEN), rows=_with_total(consolidated, 9, skip=(5,)),
              group="附属明細書", landscape=True,
              notes=("実質価額＝純資産額×出資割合。出資割合＝出資金額÷資本金。",)),
        Table(key="投資出資明細_その他", title="投資及び出資金の明細（市場価格のないもののうち連結対象団体（会計）以外に対するもの）",
              label_header="相手先名", columns=(*unlisted_cols, "強制評価減", "貸借対照表計上額"),
              kinds=(*unlisted_kinds, YEN, YEN), rows=_with_total(others, 9, skip=(5,)),
              group="附属明細書", landscape=True,
              notes=("実質価額が著しく低下したものは実質価額まで強制評価減を行っています。",)),
    )
