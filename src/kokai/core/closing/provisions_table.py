"""附属明細書 引当金の明細: every 引当金 line of the BS with its year's movement.

Columns (statements.md §8): 前年度末残高 (A), 本年度増加額 (B), 本年度減少額 — 目的使用
(C1) and その他 (C2) —, 本年度末残高 (D) = A + B − C1 − C2. The caller gives A, D and C1
from the ledger (and C2 where known, e.g. the 戻入 of a 洗替); B is what is left:
B = D − A + C1 + C2, and a negative B is shown as a further その他 decrease instead.
Amounts are the printed (positive) balances in yen.
"""

from __future__ import annotations

from collections.abc import Mapping

from kokai.report.document import Row, Table

from ..chart import Chart, standard_chart

COLUMNS = ("前年度末残高", "本年度増加額", "本年度減少額（目的使用）", "本年度減少額（その他）", "本年度末残高")


def provision_lines(chart: Chart) -> list:
    """The BS 引当金 lines in 様式 order."""
    return [ln for ln in chart.lines if ln.statement == "BS" and ln.kind == "leaf" and ln.name.endswith("引当金")]


def label(chart: Chart, line) -> str:
    """The 区分 printed: the line's name, with its section where the name occurs twice
    (徴収不能引当金（流動資産） / 徴収不能引当金（投資その他の資産）)."""
    same = [ln for ln in provision_lines(chart) if ln.name == line.name]
    return f"{line.name}（{chart[line.parent].name}）" if len(same) > 1 else line.name


def provisions_table(prior: Mapping[str, int], end: Mapping[str, int], used: Mapping[str, int],
                     other: Mapping[str, int] | None = None, *, chart: Chart | None = None) -> Table:
    """引当金の明細. Keys are account codes or paths of the 引当金 lines (BS0700 or
    ``BS/流動負債/賞与等引当金``); a line in none of the mappings is left out."""
    chart = chart or standard_chart()
    other = other or {}

    def by_code(m: Mapping[str, int]) -> dict[str, int]:
        out: dict[str, int] = {}
        for ref, amount in m.items():
            code = chart.resolve(ref).code
            out[code] = out.get(code, 0) + amount
        return out

    a, d, c1, c2 = by_code(prior), by_code(end), by_code(used), by_code(other)
    rows = []
    for line in provision_lines(chart):
        if not any(line.code in m for m in (a, d, c1, c2)):
            continue
        pa, pd, p1, p2 = a.get(line.code, 0), d.get(line.code, 0), c1.get(line.code, 0), c2.get(line.code, 0)
        b = pd - pa + p1 + p2
        if b < 0:
            p2, b = p2 - b, 0
        rows.append(Row(label(chart, line), (pa, b, p1, p2, pd), level=2))
    total = tuple(sum(r.values[i] for r in rows) for i in range(len(COLUMNS)))
    rows.append(Row("合計", total, level=1, bold=True, sum_of=tuple((1, i) for i in range(len(rows)))))
    return Table(key="引当金の明細", title="引当金の明細", columns=COLUMNS, rows=tuple(rows), label_header="区分",
                 group="附属明細書")
