"""``kokai demo``: デモ市 over two fiscal years, from its 歳入歳出データ to the closed statements,
as a user would do it.

The first year (2024): register the 団体 and its 会計区分, import the opening balance sheet
and the 固定資産台帳 (:mod:`kokai.demo.assets_city`, tied exactly to the opening balance
sheet). Then, each year: import the 決算額 and the year's 歳入歳出データ (standard layout,
CP932), reconcile the two, export the マッチングワークシート, fill it in (asset or expense for
each 工事請負費・委託料・備品購入費 … payment; on 「科目の判断」 which 基金, 長期 or 短期 貸付金,
業務 or 投資 for each 国県支出金, the land sale's book value) and import it, convert the year
(期末一括仕訳), record the year in the register — the worksheet's acquisitions, then the
year's changes (異動) with their journals (:func:`_year_changes`) —, import the non-cash
year-end journals still written by hand, fill in the closing template for every closing
item the demo has inputs for (:mod:`kokai.demo.closing_city`: 賞与等引当金, 地方債 …) and
close the year (``close_year``: the register's depreciation, the closing entries, the lock).

The second year (2025) starts from the ledger's year end of the first: its 繰越金 is the
first year's CF 本年度末資金残高, it repays the 1年内償還予定地方債 the first year's closing
left, and its provisions and receivables start from there (:func:`_carried`).

Per year, ./demo-output/ gets the statements (JSON, XLSX), the verification working paper
(検証調書: C1–C18, L1・L2, A1–A3, R1・R2), the book (財務書類一式 XLSX/PDF, when its
renderers are installed) and the register's outputs; the checks are summarised on screen
and the demo fails (exit code 3) when a blocking check fails — C14, the second year's
前年度 figures against the first year's closed statements, included.

Running it again changes nothing: a closed year is not imported again (the database
refuses entries for it), only its outputs are written again.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

from kokai.core.statements import as_json
from kokai.core.units import format_amount

from . import assets_city, city, city_cash, closing_city

YEARS = (2024, 2025)
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


def run_demo(*, out: Path, scale: int = 1, years: int = len(YEARS)) -> int:
    """Run the demo's first ``years`` fiscal years (default both); 0 when every blocking check
    passes in every year, 2 when the demo's data are refused, 3 when a check fails."""
    from django.core.management import call_command

    from kokai.ledger.masters import add_fund, register

    t0 = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0, interactive=False)
    lg = register(lg_code=city.LG_CODE, name=city.NAME, population=city.POPULATION)
    add_fund(lg=lg, code=city_cash.CUSTODIAL_CODE, name=city_cash.CUSTODIAL_FUND)
    failed = False
    for fy in YEARS[:years]:
        code = _run_year(lg, fy, out, scale)
        if code == 2:
            return 2
        failed |= code != 0
    print(f"{city.NAME} {len(YEARS[:years])}年度分のデモが終わりました（{time.perf_counter() - t0:.1f}秒）。出力: {out}/")
    return 3 if failed else 0


def _run_year(lg, fy: int, out: Path, scale: int) -> int:
    """One year from its data to its closed statements and outputs; 0, 2 (data refused) or 3."""
    from kokai.closing.services import locked

    t0 = time.perf_counter()
    print(f"\n■ {_wareki(fy)}（{fy}年度）")
    if locked(lg, fy):
        print(f"  {fy}年度は決算が確定しています。取込みと決算整理は行わず、確定した財務書類を出力します。")
    else:
        code = _book_year(lg, fy, out, scale)
        if code:
            return code
    return _outputs(lg, fy, out, t0)


def _carried(lg, fy: int) -> city.Opening:
    """What year ``fy + 1`` carries over from the ledger's year end of ``fy`` (after its
    closing), as city's (path, amount) pairs: the 資金 (CF 本年度末資金残高, the 繰越金), the
    bonds, the provisions and the receivables."""
    from kokai.ledger.reporting import statements_for

    st, _checks = statements_for(lg=lg, fiscal_year=fy)
    keys = ("未収金", "長期延滞債権", "徴収不能引当金固定", "徴収不能引当金流動", "長期貸付金", "短期貸付金",
            "賞与等引当金", "退職手当引当金", "1年内償還予定地方債", "地方債", "預り金")
    return ((city.A["現金預金"], st.amount("CF/本年度末資金残高")),
            *((city.A[k], st.amount(city.A[k])) for k in keys))


def _book_year(lg, fy: int, out: Path, scale: int) -> int:
    """Import, reconcile, decide, convert, register and close the year; 0, 2 or 3."""
    from kokai.assets.changes import acquisitions_from_matching
    from kokai.cash.convert import convert_year
    from kokai.cash.services import import_cash, import_settled, reconciliation_for
    from kokai.cash.worksheet import export_matching, import_matching
    from kokai.closing.services import close_year
    from kokai.core.assets import AssetError
    from kokai.core.issues import InputRejected
    from kokai.ledger.imports import import_journals, import_opening
    from kokai.report.reconciliation_xlsx import write_reconciliation

    x = "" if scale == 1 else f"-x{scale}"
    carried = None if fy == city.FIRST_YEAR else _carried(lg, fy - 1)
    year = city_cash.build(fy, scale, carried)
    cash = out / f"demo-cash-{fy}{x}.csv"
    settled = out / f"demo-settled-{fy}{x}.csv"
    journals = out / f"demo-noncash-journals-{fy}.csv"
    n_records = city_cash.write_cash_csv(cash, year)
    n_items = city_cash.write_settled_csv(settled, year)
    if year.journals:
        city_cash.write_journals_csv(journals, year)
    print(f"  {city.NAME}（団体コード {city.LG_CODE}、人口 {city.POPULATION:,}人）: 歳入歳出データ {n_records:,} 件、"
          f"決算額 {n_items:,} 科目を作成しました。")
    try:
        if fy == city.FIRST_YEAR:
            opening = out / f"demo-opening-{fy}.csv"
            city.write_opening_csv(opening, fy)
            print("  " + import_opening(lg=lg, path=opening, fiscal_year=fy).summary())
            _import_register(lg, out / f"demo-assets-{fy}.csv")
        else:
            cf = dict(carried)[city.A["現金預金"]]
            print(f"  前年度の決算から: 繰越金（本年度末資金残高）{cf:,}円、1年内償還予定地方債 "
                  f"{dict(carried)[city.A['1年内償還予定地方債']]:,}円 を引き継ぎました。")
        import_settled(lg=lg, path=settled)
        result = import_cash(lg=lg, path=cash)
        print("  " + result.summary())
        rec = reconciliation_for(lg=lg, fiscal_year=fy)
        write_reconciliation(out / f"reconciliation-{fy}.xlsx", rec, lg_name=city.NAME, fiscal_year=fy)
        n, bad = rec.items.height, rec.differences.height
        print(f"  決算額との照合: {n - bad}/{n} 科目が決算額と一致しました。")
        if bad:
            return 3
        sheet = out / f"matching-{fy}.xlsx"
        filled = out / f"matching-{fy}-記入済.xlsx"
        payments = export_matching(lg=lg, fiscal_year=fy, path=sheet)
        fill_worksheet(sheet, filled, year.decisions, year.accounts)
        stored = import_matching(lg=lg, fiscal_year=fy, path=filled)
        print(f"  マッチングワークシート: 判断が必要な記録 {payments:,} 件（科目の判断 {len(year.accounts):,} 件を含む）"
              f"に記入し、判断 {stored:,} 件を取り込みました。")
        conv = convert_year(lg=lg, fiscal_year=fy, records=result.whole_years)
        print("  " + conv.summary())
        print("  固定資産台帳: " + acquisitions_from_matching(lg=lg, fiscal_year=fy).summary())
        print("  固定資産台帳: " + _year_changes(lg, fy, year))
        if year.journals:  # year-end entries whose closing item the demo has no inputs for
            print("  " + import_journals(lg=lg, path=journals).summary() + "（決算整理のうち手書きの仕訳）")
        op = {**dict(city.opening_rows(fy)), **dict(carried or ())}
        print("  " + _closing_inputs(lg, out, closing_city.DemoYear(fy, op, year.records)))
        r = close_year(lg=lg, fiscal_year=fy)
    except (InputRejected, AssetError) as exc:
        print("デモデータを取り込めませんでした:")
        for issue in getattr(exc, "issues", [exc])[:20]:
            print(f"  {issue}")
        return 2
    if r.depreciation:
        print(f"  減価償却費 {r.depreciation:,}円を固定資産台帳から計上しました。")
    print(f"  決算整理（kokai close）: {'、'.join(r.items) or '入力のある項目なし'} — 仕訳 {r.posted} 件を転記"
          + (f"（変更なし {r.kept} 件、取消 {r.reversed} 件）" if r.kept or r.reversed else "")
          + f"。{fy}年度の決算を確定しました。")
    return 0


def _closing_inputs(lg, out: Path, year: closing_city.DemoYear) -> str:
    """The closing template exported, filled with the demo's figures and imported."""
    from kokai.closing.services import export_template, import_inputs

    fy = year.fy
    rows = closing_city.rows_for(year)
    if not rows:
        return "決算整理の入力シート: デモの入力がある項目はありません。"
    template, filled = out / f"closing-{fy}.xlsx", out / f"closing-{fy}-記入済.xlsx"
    export_template(lg=lg, fiscal_year=fy, path=template)
    closing_city.fill_template(template, filled, rows)
    got = import_inputs(lg=lg, fiscal_year=fy, path=filled)
    return "決算整理の入力シート: " + "、".join(f"{title} {n:,}行" for title, n in got.items()) + " を取り込みました。"


def _outputs(lg, fy: int, out: Path, t0: float) -> int:
    """Statements, verification working paper, book and register outputs of a closed year;
    the checks on screen. 3 when a blocking check fails."""
    from kokai.closing.services import published_statements
    from kokai.core.checks_more import (
        CAUTION,
        MATCH,
        MISMATCH,
        NOT_APPLICABLE,
        NOTED,
        blocking,
        status_of,
    )
    from kokai.ledger.verification import gather
    from kokai.report.verification_xlsx import write_verification
    from kokai.report.xlsx import write_statements

    v = gather(lg=lg, fiscal_year=fy, published_prior=published_statements(lg, fy - 1))
    st, checks = v.statements, list(v.checks)
    (out / f"statements-{fy}.json").write_text(
        json.dumps(as_json(st, [c.as_json() for c in checks]), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    write_statements(out / f"statements-{fy}.xlsx", st, checks, lg_name=city.NAME, unit="千円")
    write_verification(out / f"verification-{fy}.xlsx", checks, lg_name=city.NAME, fiscal_year=fy, statements=st,
                       reconciliation=v.reconciliation)
    print(_summary(st, fy))
    results = [status_of(c) for c in checks]
    for c, status in zip(checks, results, strict=True):
        if status in (MISMATCH, CAUTION):
            print(f"  {status} {c}")
    prior = [s for c, s in zip(checks, results, strict=True) if c.id == "C14"]
    print("  前年度との整合（C14）: " + (f"{prior.count(MATCH)}/{len(prior)} 件一致" if NOT_APPLICABLE not in prior
                                     else "対象外（Kokai での初年度）"))
    failed = blocking(checks)
    print(f"  整合性チェック（C1〜C18・L1・L2・A1〜A3・R1・R2）: {results.count(MATCH)}/{len(checks)} 件一致"
          f"（不一致 {len(failed)}件、注意 {results.count(CAUTION)}件、注記 {results.count(NOTED)}件、"
          f"対象外 {results.count(NOT_APPLICABLE)}件）。")
    _register_outputs(lg, out, fy)
    _book(lg, fy, out)
    print(f"  出力: statements-{fy}.json/.xlsx、verification-{fy}.xlsx（{time.perf_counter() - t0:.1f}秒）")
    return 3 if failed else 0


def _book(lg, fy: int, out: Path) -> None:
    """The book (財務書類一式, XLSX and PDF) when its renderers are installed."""
    try:
        from kokai.report import book_pdf, book_xlsx  # noqa: F401  (write_book needs both)
        from kokai.report.book import write_book
    except ImportError as e:
        print(f"  財務書類一式: 出力部品がないため省略しました（{e.name}）。")
        return
    try:
        xlsx, pdf, secs = write_book(lg=lg, fiscal_year=fy, out_dir=out)
    except Exception as e:  # another part's renderer: report it, the statements above stand
        print(f"  財務書類一式を出力できませんでした（{type(e).__name__}: {e}）。")
        return
    print(f"  財務書類一式: {xlsx.name}, {pdf.name}（{secs:.1f}秒）")


def _wareki(fy: int) -> str:
    return f"令和{fy - 2018}年度"


def _summary(st, fy: int) -> str:
    a = st.amount

    def m(path: str) -> str:
        return f"{format_amount(a(path), '百万円'):>9}百万円"

    spend = a("CF/業務活動収支/業務支出") + a("CF/業務活動収支/臨時支出") + a("CF/投資活動収支/投資活動支出") + a(
        "CF/財務活動収支/財務活動支出"
    )
    share = lambda path: f"{a(path) / spend * 100:5.1f}%"  # noqa: E731  (display only)
    cf = "CF/業務活動収支/業務支出"
    return "\n".join([
        f"  {_wareki(fy)} 財務書類（一般会計等）",
        f"    資産合計        {m('BS/資産合計')}",
        f"    負債合計        {m('BS/負債合計')}",
        f"    純資産合計      {m('BS/純資産合計')}",
        f"    純行政コスト    {m('PL/純行政コスト')}",
        f"    本年度末資金残高{m('CF/本年度末資金残高')}",
        f"    支出総額        {format_amount(spend, '百万円'):>9}百万円  うち人件費支出 "
        f"{share(cf + '/業務費用支出/人件費支出')}・社会保障給付支出 {share(cf + '/移転費用支出/社会保障給付支出')}"
        f"・公共施設等整備費支出 {share('CF/投資活動収支/投資活動支出/公共施設等整備費支出')}",
        f"    税収等収入      {m('CF/業務活動収支/業務収入/税収等収入')}",
    ])


# ---------------------------------------------------------------------- 固定資産台帳

def _import_register(lg, path: Path) -> None:
    """デモ市's register as of 4/1 of the first year, written as a CP932 CSV and imported (once)."""
    from kokai.assets.models import Asset
    from kokai.assets.services import import_register

    n = assets_city.write_register_csv(path)
    if Asset.objects.filter(lg=lg).exists():
        print(f"  固定資産台帳: {path.name} は取込済みです（{n:,}件）。")
        return
    r = import_register(lg=lg, path=path, fiscal_year=city.FIRST_YEAR)
    print(f"  固定資産台帳: {r.assets:,}件（取得価額 {r.cost:,}円、減価償却累計額 {r.accumulated:,}円）を取り込みました。")


def _year_changes(lg, fy: int, year: city_cash.CashYear) -> str:
    """The year's changes (異動) of the register (:data:`kokai.demo.assets_city.CHANGES`), each
    with its journal, through ``kokai.assets.changes``: 建設仮勘定 → 本勘定 (2024: 市民体育館 and
    市道2-8号線, completed at the year end), 除却 (2024: 旧第二倉庫; 2025: an old ごみ収集車),
    the land sold (its receipt was split on 「科目の判断」 into the book value and the gain) and
    the road land donated (寄附受). None of them is among ``city_cash``'s non-cash journals
    (``city_cash.ASSET_CHANGE_MEMOS``), so nothing is booked twice. The change functions are
    not idempotent: each change is made only when the register does not have it for the year
    yet, so running the demo again changes nothing. Returns a one-line summary.
    """
    from kokai.assets import changes
    from kokai.assets.models import Asset, AssetChange
    from kokai.cash.models import CashRecord, MatchingDecision

    plan = assets_city.CHANGES.get(fy, assets_city.YearChanges())

    def done(asset_no: str, branch_no: int, reason: str) -> bool:
        return AssetChange.objects.filter(lg=lg, fiscal_year=fy, reason=reason, asset__asset_no=asset_no,
                                          asset__branch_no=branch_no).exists()

    end = dt.date(fy + 1, 3, 31)  # the year-end changes, dated as city's non-cash vouchers
    made: list[str] = []
    # 建設仮勘定 → 本勘定: the whole balance, to a new record (next 枝番) with the CIP's useful life
    for key, to_kind in plan.completions:
        no, br = assets_city.KNOWN[key]
        if not done(no, br, "cip_transfer"):
            cip = Asset.objects.get(lg=lg, asset_no=no, branch_no=br)
            changes.complete_construction(lg=lg, asset_no=no, branch_no=br, date=end, to_kind=to_kind,
                                          name=key.removesuffix("工事"), useful_life=cip.useful_life,
                                          fiscal_year=fy, note=f"{key} 完成")
            made.append(f"{key} 完成（建設仮勘定から本勘定へ）")
    # 除却: the asset leaves the register (Dr 累計額 + 資産除売却損 / Cr 資産)
    for no, br, note in plan.retirements:
        if not done(no, br, "retirement"):
            changes.retire(lg=lg, asset_no=no, branch_no=br, date=end, fiscal_year=fy, note=note)
            made.append(note.split()[0] + " 除却")
    # 売却: the receipt (財産売払収入) was split on 「科目の判断」 into the land's book value and the
    # gain, and converted so; ``cash_booked`` is that split, as stored, so sell() books the rest
    if plan.sale:
        label, no, br, _when, _proceeds = plan.sale
        if not done(no, br, "sale"):
            land = city.ACCOUNTS["事業用土地"]
            voucher, line = next(k for k, a in year.accounts.items() if any(p == land for p, _ in a.parts))
            booked: dict[str, int] = {}
            for account, amount in MatchingDecision.objects.filter(
                    lg=lg, fiscal_year=fy, direction="R", voucher_no=voucher, line_no=line, kind="account",
                    fund__code="01").values_list("account", "amount"):
                booked[account] = booked.get(account, 0) + amount
            sold_on = CashRecord.objects.filter(lg=lg, fiscal_year=fy, direction="R", voucher_no=voucher,
                                                line_no=line, fund__code="01").values_list("date", flat=True).first()
            proceeds = sum(booked.values())
            changes.sell(lg=lg, asset_no=no, branch_no=br, date=sold_on or end, proceeds=proceeds,
                         cash_booked=booked, fiscal_year=fy, note=f"{label} 売却（代金 {proceeds:,}円、{voucher}）")
            made.append(f"{label} 売却（代金 {proceeds:,}円）")
    # 寄附受入: road land handed over with a development (Dr 土地 / Cr 無償所管換等)
    if plan.donation:
        no, br, name, value = plan.donation
        if not Asset.objects.filter(lg=lg, asset_no=no, branch_no=br).exists():
            changes.receive_free(lg=lg, date=end, value=value, asset_no=no, branch_no=br, name=name,
                                 asset_class="インフラ資産", kind="土地", reason="donation_in", dept="道路課",
                                 purpose="生活インフラ・国土保全", fiscal_year=fy,
                                 note="開発行為に伴う道路用地 帰属（寄附受）")
            made.append(f"{name} 寄附受入（{value:,}円）")
    if not made:
        return "本年度の異動（建設仮勘定の振替・除却・売却・寄附受入）は記録済みです。"
    return f"本年度の異動 {len(made)}件を記録しました: " + "、".join(made) + "。"


def _register_outputs(lg, out: Path, fy: int) -> None:
    """The register (XLSX, open-data CSV) and its 附属明細書."""
    from kokai.assets.reports import (
        depreciation_ratio,
        export_open_data,
        export_register,
        purpose_schedule,
        schedule_figures,
        tangible_schedule,
        write_schedules,
    )

    export_register(lg=lg, fiscal_year=fy, path=out / f"assets-{fy}.xlsx")
    export_open_data(lg=lg, fiscal_year=fy, path=out / f"assets-opendata-{fy}.csv")
    figures = schedule_figures(lg=lg, fiscal_year=fy)
    ratio = depreciation_ratio(lg=lg, fiscal_year=fy, figures=figures)
    write_schedules(out / f"assets-schedules-{fy}.xlsx", tangible_schedule(lg=lg, fiscal_year=fy, figures=figures),
                    purpose_schedule(lg=lg, fiscal_year=fy, figures=figures), lg_name=city.NAME, fiscal_year=fy,
                    ratio=ratio)
    print(f"  固定資産台帳: 有形固定資産減価償却率 {ratio['合計']['率']}%。出力: assets-{fy}.xlsx、"
          f"assets-opendata-{fy}.csv、assets-schedules-{fy}.xlsx")
