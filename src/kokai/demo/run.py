"""``kokai demo``: デモ市 from its 歳入歳出データ to the four statements, as a user would do it.

Register the 団体 and its 会計区分, import the opening balance sheet, the 決算額 and the year's
歳入歳出データ (standard layout, CP932), reconcile the two, export the マッチングワークシート, fill
it in (asset or expense for each 工事請負費・委託料・備品購入費 … payment; on 「科目の判断」 which 基金,
長期 or 短期 貸付金, 業務 or 投資 for each 国県支出金, the land sale's book value) and import it, convert
the year (期末一括仕訳), record the year in the 固定資産台帳 (imported after the opening:
:mod:`kokai.demo.assets_city`, tied exactly to the opening balance sheet) — the matching
worksheet's acquisitions, then the year's changes (異動) with their journals
(:func:`_year_changes`) —, import the remaining non-cash year-end journals, run the year's
depreciation over the register, and write the statements to ./demo-output/ with a summary and
the checks, the register (XLSX, open-data CSV) and the 附属明細書 of 有形固定資産. Running it
again changes nothing.

Besides the statements' checks (C1–C13), the register must tie to the balance sheet at the
year end on every line (A1, ``ledger_ties``); the demo fails (exit code 3) when it does not.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

from kokai.core.statements import as_json
from kokai.core.units import format_amount

from . import assets_city, city, city_cash

YEAR = 2024
HEADERS = ("判断", "勘定科目", "資産番号", "資産名称", "耐用年数", "供用開始日", "数量", "単位", "備考")


def fill_worksheet(src: Path, dst: Path, decisions: dict[tuple[str, int], city_cash.Decision],
                   accounts: dict[tuple[str, int], city_cash.Accounts] | None = None) -> int:
    """Write the decisions into an exported matching worksheet, as staff would; return the rows filled."""
    import openpyxl

    wb = openpyxl.load_workbook(src)
    n = _fill_accounts(wb["科目の判断"], accounts or {}) if "科目の判断" in wb.sheetnames else 0
    ws = wb["マッチング"]
    col = {c.value: c.column for c in ws[1] if c.value}
    for r in range(2, ws.max_row + 1):
        voucher = ws.cell(r, col["伝票番号"]).value
        if not voucher:
            continue
        d = decisions.get((voucher, int(ws.cell(r, col["行番号"]).value)), city_cash.EXPENSE)
        values = (d.kind, d.account or None, d.asset_no or None, d.asset_name or None, d.useful_life,
                  dt.datetime.combine(d.in_service, dt.time()) if d.in_service else None, d.quantity or None,
                  d.unit or None, d.note or None)
        for h, value in zip(HEADERS, values, strict=True):
            ws.cell(r, col[h]).value = value
        ws.cell(r, col["金額"]).value = None  # the whole payment
        n += 1
    wb.save(dst)
    return n


def _fill_accounts(ws, accounts: dict[tuple[str, int], city_cash.Accounts]) -> int:
    """The sheet 「科目の判断」: the chosen candidate per record; a split record's further parts are
    copied below the table, as the 説明 tells staff to do. Records without a choice stay blank."""
    col = {c.value: c.column for c in ws[1] if c.value}
    # a re-exported sheet lists a split record once per stored part: keep its first row only
    seen, extra = set(), []
    for r in range(2, ws.max_row + 1):
        key = (ws.cell(r, col["伝票番号"]).value, ws.cell(r, col["行番号"]).value)
        if key[0] and key in seen:
            extra.append(r)
        seen.add(key)
    for r in reversed(extra):
        ws.delete_rows(r)
    last = ws.max_row
    bottom, n = last, 0
    for r in range(2, last + 1):
        voucher = ws.cell(r, col["伝票番号"]).value
        choice = accounts.get((voucher, int(ws.cell(r, col["行番号"]).value))) if voucher else None
        if choice is None:
            continue
        source = [ws.cell(r, c).value for c in range(1, col["勘定科目"])]
        for i, (account, amount) in enumerate(choice.parts):
            row = r
            if i:
                bottom += 1
                row = bottom
                for c, v in enumerate(source, start=1):
                    ws.cell(row, c).value = v
            ws.cell(row, col["勘定科目"]).value = account
            ws.cell(row, col["金額"]).value = amount
            n += 1
    return n


def run_demo(*, out: Path, scale: int = 1) -> int:
    from django.core.management import call_command

    from kokai.assets.changes import acquisitions_from_matching
    from kokai.assets.services import depreciate, ledger_ties
    from kokai.cash.convert import convert_year
    from kokai.cash.services import import_cash, import_settled, reconciliation_for
    from kokai.cash.worksheet import export_matching, import_matching
    from kokai.core.assets import AssetError
    from kokai.core.issues import InputRejected
    from kokai.ledger.imports import import_journals, import_opening
    from kokai.ledger.masters import add_fund, register
    from kokai.ledger.reporting import statements_for
    from kokai.report.reconciliation_xlsx import write_reconciliation
    from kokai.report.xlsx import write_statements

    t0 = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0, interactive=False)
    lg = register(lg_code=city.LG_CODE, name=city.NAME, population=city.POPULATION)
    add_fund(lg=lg, code=city_cash.CUSTODIAL_CODE, name=city_cash.CUSTODIAL_FUND)
    x = "" if scale == 1 else f"-x{scale}"
    year = city_cash.build(YEAR, scale)
    opening = out / f"demo-opening-{YEAR}.csv"
    cash = out / f"demo-cash-{YEAR}{x}.csv"
    settled = out / f"demo-settled-{YEAR}{x}.csv"
    journals = out / f"demo-noncash-journals-{YEAR}.csv"
    city.write_opening_csv(opening, YEAR)
    n_records = city_cash.write_cash_csv(cash, year)
    n_items = city_cash.write_settled_csv(settled, year)
    city_cash.write_journals_csv(journals, year)
    print(f"{city.NAME}（団体コード {city.LG_CODE}、人口 {city.POPULATION:,}人）: 歳入歳出データ {n_records:,} 件、"
          f"決算額 {n_items:,} 科目を作成しました。")
    try:
        print("  " + import_opening(lg=lg, path=opening, fiscal_year=YEAR).summary())
        _import_register(lg, out / f"demo-assets-{YEAR}.csv")
        import_settled(lg=lg, path=settled)
        result = import_cash(lg=lg, path=cash)
        print("  " + result.summary())
        rec = reconciliation_for(lg=lg, fiscal_year=YEAR)
        write_reconciliation(out / f"reconciliation-{YEAR}.xlsx", rec, lg_name=city.NAME, fiscal_year=YEAR)
        n, bad = rec.items.height, rec.differences.height
        print(f"  決算額との照合: {n - bad}/{n} 科目が決算額と一致しました。")
        if bad:
            return 3
        sheet = out / f"matching-{YEAR}.xlsx"
        filled = out / f"matching-{YEAR}-記入済.xlsx"
        payments = export_matching(lg=lg, fiscal_year=YEAR, path=sheet)
        fill_worksheet(sheet, filled, year.decisions, year.accounts)
        stored = import_matching(lg=lg, fiscal_year=YEAR, path=filled)
        print(f"  マッチングワークシート: 判断が必要な記録 {payments:,} 件（科目の判断 {len(year.accounts):,} 件を含む）"
              f"に記入し、判断 {stored:,} 件を取り込みました。")
        conv = convert_year(lg=lg, fiscal_year=YEAR, records=result.whole_years)
        print("  " + conv.summary())
        print("  固定資産台帳: " + acquisitions_from_matching(lg=lg, fiscal_year=YEAR).summary())
        print("  固定資産台帳: " + _year_changes(lg, year))
        print("  " + import_journals(lg=lg, path=journals).summary() + "（引当金・振替などの決算整理）")
        print("  " + depreciate(lg=lg, fiscal_year=YEAR).summary())
    except (InputRejected, AssetError) as exc:
        print("デモデータを取り込めませんでした:")
        for issue in getattr(exc, "issues", [exc])[:20]:
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
    ties = ledger_ties(lg=lg, fiscal_year=YEAR)
    off = [c for c in ties if not c.ok]
    for c in ties:
        print(f"  {c}")
    print(f"固定資産台帳と財務書類（A1〜A3）: {len(ties) - len(off)}/{len(ties)} 件一致。"
          + ("差がある科目: " + "、".join(f"{_short(c.name)} {c.left - c.right:+,}円" for c in off) if off else ""))
    _register_outputs(lg, out)
    print(f"出力: {out}/statements-{YEAR}.json, {out}/statements-{YEAR}.xlsx（{time.perf_counter() - t0:.1f}秒）")
    return 3 if failed or off or not ties else 0


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


# ---------------------------------------------------------------------- 固定資産台帳

def _import_register(lg, path: Path) -> None:
    """デモ市's register as of 4/1, written as a CP932 CSV and imported (once)."""
    from kokai.assets.models import Asset
    from kokai.assets.services import import_register

    n = assets_city.write_register_csv(path)
    if Asset.objects.filter(lg=lg).exists():
        print(f"  固定資産台帳: {path.name} は取込済みです（{n:,}件）。")
        return
    r = import_register(lg=lg, path=path, fiscal_year=YEAR)
    print(f"  固定資産台帳: {r.assets:,}件（取得価額 {r.cost:,}円、減価償却累計額 {r.accumulated:,}円）を取り込みました。")


def _year_changes(lg, year: city_cash.CashYear) -> str:
    """The year's changes (異動) of the register, each with its journal, through
    ``kokai.assets.changes``: 建設仮勘定 → 本勘定 for 市民体育館 and 市道2-8号線 (completed at the
    year end), the 除却 of 旧第二倉庫, the sale of 旧職員住宅用地 and the road land donated
    (寄附受). None of them is among ``city_cash``'s non-cash journals
    (``city_cash.ASSET_CHANGE_MEMOS``), so nothing is booked twice. The change functions are not
    idempotent: each change is made only when the register does not have it for the year yet,
    so running the demo again changes nothing. Returns a one-line summary.
    """
    from kokai.assets import changes
    from kokai.assets.models import Asset, AssetChange
    from kokai.cash.models import CashRecord, MatchingDecision

    def done(asset_no: str, branch_no: int, reason: str) -> bool:
        return AssetChange.objects.filter(lg=lg, fiscal_year=YEAR, reason=reason, asset__asset_no=asset_no,
                                          asset__branch_no=branch_no).exists()

    end = dt.date(YEAR + 1, 3, 31)  # the year-end changes, dated as city's non-cash vouchers
    made: list[str] = []
    # 建設仮勘定 → 本勘定: the whole balance, to a new record (next 枝番) with the CIP's useful life
    for key, to_kind in (("市民体育館 改修工事", "建物"), ("市道2-8号線 道路改良工事", "工作物")):
        no, br = assets_city.KNOWN[key]
        if not done(no, br, "cip_transfer"):
            cip = Asset.objects.get(lg=lg, asset_no=no, branch_no=br)
            changes.complete_construction(lg=lg, asset_no=no, branch_no=br, date=end, to_kind=to_kind,
                                          name=key.removesuffix("工事"), useful_life=cip.useful_life,
                                          fiscal_year=YEAR, note=f"{key} 完成")
            made.append(f"{key} 完成（建設仮勘定から本勘定へ）")
    # 除却: the demolished warehouse leaves the register (Dr 累計額 + 資産除売却損 / Cr 建物)
    no, br = assets_city.KNOWN["旧第二倉庫"]
    if not done(no, br, "retirement"):
        changes.retire(lg=lg, asset_no=no, branch_no=br, date=end, fiscal_year=YEAR, note="旧第二倉庫 解体除却")
        made.append("旧第二倉庫 除却")
    # 売却: the receipt (財産売払収入) was split on 「科目の判断」 into the land's book value and the
    # gain, and converted so; ``cash_booked`` is that split, as stored, so sell() books the rest
    no, br = assets_city.KNOWN["旧職員住宅用地"]
    if not done(no, br, "sale"):
        land = city.ACCOUNTS["事業用土地"]
        voucher, line = next(k for k, a in year.accounts.items() if any(p == land for p, _ in a.parts))
        booked: dict[str, int] = {}
        for account, amount in MatchingDecision.objects.filter(
                lg=lg, fiscal_year=YEAR, direction="R", voucher_no=voucher, line_no=line, kind="account",
                fund__code="01").values_list("account", "amount"):
            booked[account] = booked.get(account, 0) + amount
        sold_on = CashRecord.objects.filter(lg=lg, fiscal_year=YEAR, direction="R", voucher_no=voucher,
                                            line_no=line, fund__code="01").values_list("date", flat=True).first()
        proceeds = sum(booked.values())
        changes.sell(lg=lg, asset_no=no, branch_no=br, date=sold_on or end, proceeds=proceeds, cash_booked=booked,
                     fiscal_year=YEAR, note=f"旧職員住宅用地 売却（代金 {proceeds:,}円、{voucher}）")
        made.append(f"旧職員住宅用地 売却（代金 {proceeds:,}円）")
    # 寄附受入: the road land handed over with a development (Dr 土地 / Cr 無償所管換等)
    no, br, name = assets_city.DONATED_ROAD_LAND
    if not Asset.objects.filter(lg=lg, asset_no=no, branch_no=br).exists():
        memo = "開発行為に伴う道路用地 帰属（寄附受）"
        value = next(ln[1] for d in year.asset_changes if d[2] == memo for ln in d[3])
        changes.receive_free(lg=lg, date=end, value=value, asset_no=no, branch_no=br, name=name,
                             asset_class="インフラ資産", kind="土地", reason="donation_in", dept="道路課",
                             purpose="生活インフラ・国土保全", fiscal_year=YEAR, note=memo)
        made.append(f"{name} 寄附受入（{value:,}円）")
    if not made:
        return "本年度の異動（建設仮勘定の振替・除却・売却・寄附受入）は記録済みです。"
    return f"本年度の異動 {len(made)}件を記録しました: " + "、".join(made) + "。"


def _register_outputs(lg, out: Path) -> None:
    """The register (XLSX, open-data CSV) and its 附属明細書."""
    from kokai.assets.reports import (
        depreciation_ratio,
        export_open_data,
        export_register,
        purpose_schedule,
        tangible_schedule,
        write_schedules,
    )

    export_register(lg=lg, fiscal_year=YEAR, path=out / f"assets-{YEAR}.xlsx")
    export_open_data(lg=lg, fiscal_year=YEAR, path=out / f"assets-opendata-{YEAR}.csv")
    ratio = depreciation_ratio(lg=lg, fiscal_year=YEAR)
    write_schedules(out / f"assets-schedules-{YEAR}.xlsx", tangible_schedule(lg=lg, fiscal_year=YEAR),
                    purpose_schedule(lg=lg, fiscal_year=YEAR), lg_name=city.NAME, fiscal_year=YEAR, ratio=ratio)
    print(f"有形固定資産減価償却率 {ratio['合計']['率']}%。")
    print(f"出力: {out}/assets-{YEAR}.xlsx, assets-opendata-{YEAR}.csv, assets-schedules-{YEAR}.xlsx")


def _short(check_name: str) -> str:
    """「事業用資産/建物」 from 「固定資産台帳 = 貸借対照表（固定資産/有形固定資産/事業用資産/建物）」."""
    path = check_name.rsplit("（", 1)[-1].rstrip("）")
    return "/".join(path.split("/")[-2:]).removeprefix("有形固定資産/")
