"""``kokai demo``: デモ市 from its opening balance sheet and a year of journals to the four
statements, written to ./demo-output/, with a summary and the checks."""

from __future__ import annotations

import json
import time
from pathlib import Path

from kokai.core.statements import as_json
from kokai.core.units import format_amount

from . import city

YEAR = 2024


def run_demo(*, out: Path, scale: int = 1) -> int:
    from django.core.management import call_command

    from kokai.core.issues import InputRejected
    from kokai.ledger.imports import import_journals, import_opening
    from kokai.ledger.masters import register
    from kokai.ledger.reporting import statements_for
    from kokai.report.xlsx import write_statements

    t0 = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0, interactive=False)
    lg = register(lg_code=city.LG_CODE, name=city.NAME, population=city.POPULATION)
    opening = out / f"demo-opening-{YEAR}.csv"
    journals = out / f"demo-journals-{YEAR}{'' if scale == 1 else f'-x{scale}'}.csv"
    city.write_opening_csv(opening, YEAR)
    rows = city.write_journals_csv(journals, YEAR, scale=scale, encoding="cp932")
    print(f"{city.NAME}（団体コード {city.LG_CODE}、人口 {city.POPULATION:,}人）: 仕訳データ {rows:,} 行を作成しました。")
    try:
        for result in (
            import_opening(lg=lg, path=opening, fiscal_year=YEAR),
            import_journals(lg=lg, path=journals),
        ):
            print("  " + result.summary())
    except InputRejected as exc:
        print("デモデータを取り込めませんでした:")
        for issue in exc.issues[:20]:
            print(f"  {issue}")
        return 2
    st, checks = statements_for(lg=lg, fiscal_year=YEAR)
    (out / f"statements-{YEAR}.json").write_text(
        json.dumps(as_json(st, [c.as_json() for c in checks]), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    write_statements(out / f"statements-{YEAR}.xlsx", st, checks, lg_name=city.NAME, unit="千円")
    print(_summary(st))
    failed = [c for c in checks if not c.ok]
    for c in checks:
        print(f"  {c}")
    print(f"整合性チェック: {len(checks) - len(failed)}/{len(checks)} 件一致。")
    print(f"出力: {out}/statements-{YEAR}.json, {out}/statements-{YEAR}.xlsx（{time.perf_counter() - t0:.1f}秒）")
    return 3 if failed else 0


def _summary(st) -> str:
    a = st.amount

    def m(path: str) -> str:
        return f"{format_amount(a(path), '百万円'):>9}百万円"

    spend = a("CF/業務活動収支/業務支出") + a("CF/業務活動収支/臨時支出") + a("CF/投資活動収支/投資活動支出") + a(
        "CF/財務活動収支/財務活動支出"
    )
    share = lambda path: f"{a(path) / spend * 100:5.1f}%"  # noqa: E731  (display only)
    cf = "CF/業務活動収支/業務支出"
    return "\n".join([
        f"令和{YEAR - 2018}年度 財務書類（一般会計等）",
        f"  資産合計        {m('BS/資産合計')}",
        f"  負債合計        {m('BS/負債合計')}",
        f"  純資産合計      {m('BS/純資産合計')}",
        f"  純行政コスト    {m('PL/純行政コスト')}",
        f"  本年度末資金残高{m('CF/本年度末資金残高')}",
        f"  支出総額        {format_amount(spend, '百万円'):>9}百万円  うち人件費支出 "
        f"{share(cf + '/業務費用支出/人件費支出')}・社会保障給付支出 {share(cf + '/移転費用支出/社会保障給付支出')}"
        f"・公共施設等整備費支出 {share('CF/投資活動収支/投資活動支出/公共施設等整備費支出')}",
        f"  税収等収入      {m('CF/業務活動収支/業務収入/税収等収入')}",
    ])
