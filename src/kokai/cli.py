"""The ``kokai`` command. Each sub-command is a thin shell over a service function."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

EXIT_INPUT = 2  # the input was refused
EXIT_CHECKS = 3  # a check failed


def _setup(db: str | None) -> None:
    if db:
        os.environ["KOKAI_DATABASE_URL"] = db
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kokai.settings")
    import django

    django.setup()


def _migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=verbosity, interactive=False)


def _require_schema() -> None:
    from django.db import connection

    if "ledger_journalentry" not in connection.introspection.table_names():
        raise SystemExit("データベースが初期化されていません。先に `kokai init --lg-code 390003 --name 高知県` を実行してください")


def _lg(code: str | None):
    from kokai.ledger.models import LocalGovernment

    _require_schema()
    qs = LocalGovernment.objects.all()
    if code:
        lg = qs.filter(lg_code=code).first()
        if lg is None:
            raise SystemExit(f"団体コード {code} は登録されていません。`kokai init` で登録してください")
        return lg
    found = list(qs[:2])
    if not found:
        raise SystemExit("団体が登録されていません。`kokai init --lg-code 390003 --name 高知県` を実行してください")
    if len(found) > 1:
        raise SystemExit("複数の団体が登録されています。--lg で団体コードを指定してください")
    return found[0]


def _print_issues(exc) -> int:
    print(f"取り込めませんでした（{len(exc.issues)}件の問題）。データベースは変更していません。", file=sys.stderr)
    for issue in exc.issues[:200]:
        print(f"  {issue}", file=sys.stderr)
    if len(exc.issues) > 200:
        print(f"  …ほか{len(exc.issues) - 200}件", file=sys.stderr)
    return EXIT_INPUT


def cmd_init(args) -> int:
    _migrate()
    from kokai.ledger.masters import register

    lg = register(lg_code=args.lg_code, name=args.name, population=args.population)
    print(f"団体 {lg.lg_code} {lg.name} を登録し、標準の勘定科目を読み込みました。")
    return 0


def cmd_fund(args) -> int:
    from kokai.ledger.masters import add_fund
    from kokai.ledger.models import Fund

    lg = _lg(args.lg)
    if args.fund_cmd == "add":
        scope = {"general": Fund.GENERAL, "whole": Fund.WHOLE}[args.scope]
        f = add_fund(lg=lg, code=args.code, name=args.name, scope=scope)
        print(f"会計区分 {f.code} {f.name}（{f.get_scope_display()}）を登録しました。")
    else:
        for f in Fund.objects.filter(lg=lg).order_by("code"):
            print(f"{f.code}\t{f.name}\t{f.get_scope_display()}")
    return 0


def cmd_account(args) -> int:
    from kokai.core.chart import ChartError
    from kokai.ledger.masters import add_sub_account, chart_for

    lg = _lg(args.lg)
    if args.account_cmd == "add":
        try:
            acc = add_sub_account(lg=lg, parent_ref=args.parent, name=args.name)
        except (ValueError, ChartError) as exc:
            print(f"補助科目を登録できませんでした: {exc}", file=sys.stderr)
            return EXIT_INPUT
        print(f"補助科目 {acc.code} {acc.statement}/{acc.path} を登録しました。")
    else:
        for ln in chart_for(lg).lines:
            if ln.postable:
                print(f"{ln.code}\t{ln.qualified_path}")
    return 0


def cmd_import(args) -> int:
    from kokai.core.issues import InputRejected
    from kokai.ledger.imports import import_journals, import_opening

    lg = _lg(args.lg)
    path = Path(args.file)
    if not path.is_file():
        print(f"ファイル {path} が見つかりません", file=sys.stderr)
        return EXIT_INPUT
    try:
        if args.what == "journals":
            result = import_journals(lg=lg, path=path)
        elif args.what == "opening":
            result = import_opening(lg=lg, path=path, fiscal_year=args.year, fund=args.fund)
        elif args.what == "assets":
            from kokai.assets.services import import_register

            if not args.year:
                print("固定資産台帳の取込には --year（台帳の基準となる年度の期首）が必要です", file=sys.stderr)
                return EXIT_INPUT
            r = import_register(lg=lg, path=path, fiscal_year=args.year, fund=args.fund, profile=args.profile)
            print(r.summary())
            return 0
        elif args.what == "cash":
            from kokai.cash.services import import_cash

            result = import_cash(lg=lg, path=path, profile=args.profile, fiscal_year=args.year)
            if args.convert and not result.already_imported:
                print(result.summary())
                return _convert_after_import(lg, result)
        else:
            from kokai.cash.services import import_settled

            n = import_settled(lg=lg, path=path)
            print(f"{path.name}: 決算額 {n:,} 科目を取り込みました。")
            return 0
    except InputRejected as exc:
        return _print_issues(exc)
    print(result.summary())
    return 0


def _convert_after_import(lg, result) -> int:
    """Reconcile (when 決算額 are loaded) and convert the years just imported."""
    from kokai.cash.convert import convert_year
    from kokai.cash.models import SettledAmount
    from kokai.cash.services import reconciliation_for

    for year in result.years:
        if SettledAmount.objects.filter(lg=lg, fiscal_year=year).exists():
            rec = reconciliation_for(lg=lg, fiscal_year=year)
            n, bad = rec.items.height, rec.differences.height
            print(f"{year}年度: {n - bad}/{n} 科目が決算額と一致しました。" + ("詳しくは `kokai reconcile`。" if bad else ""))
        print(f"{year}年度: " + convert_year(lg=lg, fiscal_year=year, records=result.whole_years).summary())
        from kokai.assets.changes import acquisitions_from_matching

        print(f"{year}年度: " + acquisitions_from_matching(lg=lg, fiscal_year=year).summary())
    return 0


def cmd_assets(args) -> int:
    from kokai.assets import changes, reports
    from kokai.assets.services import depreciate
    from kokai.core.assets import AssetError
    from kokai.core.issues import InputRejected

    lg = _lg(args.lg)
    try:
        if args.assets_cmd == "depreciate":
            print(depreciate(lg=lg, fiscal_year=args.year, fund=args.fund).summary())
        elif args.assets_cmd == "acquisitions":
            print(changes.acquisitions_from_matching(lg=lg, fiscal_year=args.year).summary())
        elif args.assets_cmd == "correct":
            done = changes.correct(lg=lg, change_id=args.change, date=dt.date.fromisoformat(args.date),
                                   reason=args.reason or "")
            print(f"異動 {args.change} を取り消しました（訂正 {len(done)} 件、逆仕訳つき）。")
        elif args.assets_cmd == "export":
            out = Path(args.out or f"assets-{lg.lg_code}-{args.year}.{'csv' if args.format == 'opendata' else 'xlsx'}")
            export = reports.export_open_data if args.format == "opendata" else reports.export_register
            n = export(lg=lg, fiscal_year=args.year, path=out)
            print(f"{out} に固定資産 {n:,} 件を書き出しました。")
        elif args.assets_cmd == "schedules":
            out = Path(args.out or f"assets-schedules-{lg.lg_code}-{args.year}.xlsx")
            figures = reports.schedule_figures(lg=lg, fiscal_year=args.year)  # one pass for all three
            reports.write_schedules(
                out, reports.tangible_schedule(lg=lg, fiscal_year=args.year, figures=figures),
                reports.purpose_schedule(lg=lg, fiscal_year=args.year, figures=figures), lg_name=lg.name,
                fiscal_year=args.year, ratio=reports.depreciation_ratio(
                    lg=lg, fiscal_year=args.year, include_movables=not args.exclude_movables, figures=figures),
            )
            print(f"{out} を作成しました（有形固定資産の明細・行政目的別明細・減価償却率）。")
        elif args.assets_cmd == "reclassify":
            out_, in_ = changes.reclassify(lg=lg, asset_no=args.asset_no, branch_no=args.branch,
                                           date=dt.date.fromisoformat(args.date), to_class=args.to_class,
                                           to_kind=args.to_kind, useful_life=args.life, fiscal_year=args.year)
            voucher = in_.entry.voucher_no if in_.entry_id else "（仕訳なし）"
            print(f"資産 {args.asset_no}-{args.branch} を {in_.asset.account} へ振り替えました（異動 {out_.id}・{in_.id}、{voucher}）。")
        elif args.assets_cmd == "revalue":
            ch = changes.revalue(lg=lg, asset_no=args.asset_no, branch_no=args.branch,
                                 date=dt.date.fromisoformat(args.date), value=args.value, accumulated=args.accumulated,
                                 valuation=args.valuation, reason=args.reason, nw_account=args.nw_account,
                                 fiscal_year=args.year)
            voucher = ch.entry.voucher_no if ch.entry_id else "（仕訳なし）"
            print(f"資産 {args.asset_no}-{args.branch} を評価替しました（異動 {ch.id}、{voucher}）。")
        else:
            for h in reports.asset_history(lg=lg, asset_no=args.asset_no, branch_no=args.branch):
                print("  ".join(f"{k}={v}" for k, v in h.items() if v not in (None, "")))
    except InputRejected as exc:
        return _print_issues(exc)
    except (AssetError, LookupError, ValueError) as exc:  # named in the message
        print(f"処理できませんでした: {exc}", file=sys.stderr)
        return EXIT_INPUT
    return 0


def cmd_worksheet(args) -> int:
    from kokai.cash.worksheet import export_matching, import_matching
    from kokai.core.issues import InputRejected

    lg = _lg(args.lg)
    if args.sheet == "changes":
        from kokai.assets.change_sheet import export_change_sheet, import_change_sheet
        from kokai.core.assets import AssetError

        try:
            if args.action == "export":
                out = Path(args.out or f"changes-{lg.lg_code}-{args.year}.xlsx")
                n = export_change_sheet(lg=lg, fiscal_year=args.year, path=out)
                print(f"{out} を作成しました（台帳 {n:,} 件を参照用に掲載）。")
            else:
                n = import_change_sheet(lg=lg, fiscal_year=args.year, path=Path(args.file))
                print(f"{args.file}: 異動 {n:,} 件を登録しました（仕訳つき）。")
        except InputRejected as exc:
            return _print_issues(exc)
        except AssetError as exc:
            print(f"処理できませんでした: {exc}", file=sys.stderr)
            return EXIT_INPUT
        return 0
    if args.action == "export":
        out = Path(args.out or f"matching-{lg.lg_code}-{args.year}.xlsx")
        n = export_matching(lg=lg, fiscal_year=args.year, path=out)
        print(f"{out} を作成しました（判断が必要な記録 {n:,} 件: マッチング・科目の判断）。")
        return 0
    try:
        n = import_matching(lg=lg, fiscal_year=args.year, path=Path(args.file))
    except InputRejected as exc:
        return _print_issues(exc)
    print(f"{args.file}: 判断 {n:,} 件を登録しました。`kokai convert --year {args.year}` で仕訳に反映します。")
    return 0


def cmd_profile(args) -> int:
    from kokai.core.cash import preview
    from kokai.core.profiles import load_profile, shipped_profiles

    if args.profile_cmd == "list":
        for name in shipped_profiles():
            print(name)
        return 0
    try:
        profile = load_profile(args.profile)
    except (ValueError, FileNotFoundError) as exc:
        print(f"プロファイルを読めません: {exc}", file=sys.stderr)
        return EXIT_INPUT
    from kokai.core.profiles import FIELDS

    path = Path(args.file)
    if not path.is_file():
        print(f"ファイル {path} が見つかりません", file=sys.stderr)
        return EXIT_INPUT
    bad = 0
    for row in preview(path, profile=profile, n=args.rows):
        issues = row.pop("issues", [])
        n = row.pop("row", None)
        labels = {**FIELDS, "custodial": "歳計外", "direction": "歳入歳出区分"}
        shown = "　".join(f"{labels.get(k, k)}={v}" for k, v in row.items() if v not in (None, "", False))
        if n is not None:
            print(f"{n}行目: {shown}")
        for issue in issues:
            bad += 1
            print(f"    ✗ {issue}")
    print(f"プロファイル「{profile.name}」で先頭 {args.rows} 行を読みました" + (f"（問題 {bad} 件）。" if bad else "。問題はありません。"))
    return EXIT_INPUT if bad else 0


def cmd_reconcile(args) -> int:
    from kokai.cash.services import reconciliation_for
    from kokai.core.reconcile import DIRECTION_LABELS
    from kokai.report.reconciliation_xlsx import write_reconciliation

    lg = _lg(args.lg)
    rec = reconciliation_for(lg=lg, fiscal_year=args.year)
    for row in rec.differences.head(200).iter_rows(named=True):
        print(f"NG {DIRECTION_LABELS[row['direction']]} 款{row['kan']} 項{row['kou']} 目{row['moku']} 節{row['setsu']}"
              f" {row['name'] or ''}: 歳入歳出データ {row['net']:,} / 決算額 {row['settled']:,}（差額 {row['difference']:,}）")
    out = Path(args.out or f"reconciliation-{lg.lg_code}-{args.year}.xlsx")
    write_reconciliation(out, rec, lg_name=lg.name, fiscal_year=args.year)
    n, bad = rec.items.height, rec.differences.height
    print(f"{n - bad}/{n} 科目が決算額と一致しました。{out} を作成しました。")
    return EXIT_CHECKS if bad else 0


def cmd_convert(args) -> int:
    from kokai.assets.changes import acquisitions_from_matching
    from kokai.cash.convert import convert_year
    from kokai.core.issues import InputRejected

    lg = _lg(args.lg)
    try:
        result = convert_year(lg=lg, fiscal_year=args.year)
    except InputRejected as exc:
        return _print_issues(exc)
    print(result.summary())
    print(acquisitions_from_matching(lg=lg, fiscal_year=args.year).summary())
    return 0


def cmd_rules(args) -> int:
    from kokai.cash.services import import_rules, rules_for
    from kokai.core.issues import InputRejected

    lg = _lg(args.lg)
    if args.rules_cmd == "import":
        try:
            n = import_rules(lg=lg, path=Path(args.file))
        except InputRejected as exc:
            return _print_issues(exc)
        print(f"{args.file}: 規則 {n:,} 件の変換表を登録しました。次の変換から使われます。")
        return 0
    table = rules_for(lg)
    if args.rules_cmd == "export":
        Path(args.file).write_text(table.to_csv(), encoding="utf-8")
        print(f"{args.file} に変換表（{len(table):,} 規則）を書き出しました。")
        return 0
    direction = {"歳出": "E", "歳入": "R"}.get(args.direction, args.direction)
    for line in table.explain(
        fiscal_year=args.year, direction=direction, kan=args.kan, kou=args.kou, moku=args.moku, setsu=args.setsu,
        saisetsu=args.saisetsu, setsu_name=args.setsu_name, saisetsu_name=args.saisetsu_name, arrears=args.arrears,
        custodial=args.custodial,
    ):
        if args.all or not line.startswith("×"):
            print(line)
    return 0


def cmd_statements(args) -> int:
    from kokai.core.statements import as_json
    from kokai.ledger.reporting import statements_for

    lg = _lg(args.lg)
    st, checks = statements_for(lg=lg, fiscal_year=args.year)
    if args.format == "json":
        text = json.dumps(as_json(st, [c.as_json() for c in checks]), ensure_ascii=False, indent=1)
        if args.out:
            Path(args.out).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text + "\n")
        return 0
    from kokai.report.xlsx import write_statements

    out = Path(args.out or f"statements-{lg.lg_code}-{args.year}.xlsx")
    write_statements(out, st, checks, lg_name=lg.name, unit=args.unit, rounding=args.rounding)
    print(f"{out} を作成しました（表示単位: {args.unit}）。")
    return 0


def cmd_check(args) -> int:
    """Every check (C1–C18, L1・L2, A1〜A3, R1・R2); with --report, the CPA's working paper."""
    from kokai.closing.services import published_statements
    from kokai.core.checks_more import CAUTION, MATCH, NOT_APPLICABLE, NOTED, blocking, status_of
    from kokai.ledger.verification import gather

    lg = _lg(args.lg)
    if args.prior:
        try:
            prior = json.loads(Path(args.prior).read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            print(f"前年度の公表データ {args.prior} を読めません: {e}", file=sys.stderr)
            return EXIT_INPUT
    else:
        prior = published_statements(lg, args.year - 1)
    v = gather(lg=lg, fiscal_year=args.year, published_prior=prior)
    for c in v.checks:
        status = status_of(c)
        if status == NOT_APPLICABLE:
            print(f"{status} {c.id} {c.name}")
        elif status in (CAUTION, NOTED):
            print(f"{status} {c.id} {c.name}: {c.left_label} {c.left:,} / {c.right_label} {c.right:,}")
        else:
            print(c)
    if args.report:
        from kokai.report.verification_xlsx import write_verification

        write_verification(Path(args.report), list(v.checks), lg_name=lg.name, fiscal_year=args.year,
                           statements=v.statements, reconciliation=v.reconciliation)
        print(f"検証調書を {args.report} に書き出しました。")
    results, failed = [status_of(c) for c in v.checks], blocking(v.checks)
    print(f"{results.count(MATCH)}/{len(v.checks)} 件のチェックが一致しました（不一致 {len(failed)}件、"
          f"注意 {results.count(CAUTION)}件、注記 {results.count(NOTED)}件、対象外 {results.count(NOT_APPLICABLE)}件）。")
    return EXIT_CHECKS if failed else 0


def cmd_reverse(args) -> int:
    from kokai.ledger.masters import chart_for
    from kokai.ledger.posting import reverse_entry

    lg = _lg(args.lg)
    date = dt.date.fromisoformat(args.date) if args.date else dt.date.today()
    try:
        rev = reverse_entry(
            lg=lg, fiscal_year=args.year, voucher_no=args.voucher, fund_code=args.fund, date=date,
            chart=chart_for(lg), reason=args.reason or "",
        )
    except Exception as exc:  # shown to the user as is; the transaction rolled back
        print(f"取り消せませんでした: {exc}", file=sys.stderr)
        return EXIT_INPUT
    print(f"伝票 {args.voucher} の逆仕訳 {rev.voucher_no} を転記しました。")
    return 0


def cmd_user(args) -> int:
    import getpass

    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    _require_schema()
    password = os.environ.get("KOKAI_PASSWORD") or getpass.getpass("パスワード: ")
    try:
        validate_password(password)
    except ValidationError as e:
        print("パスワードが弱すぎます: " + " ".join(e.messages), file=sys.stderr)
        return EXIT_INPUT
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=args.username)
    user.set_password(password)
    user.is_staff = user.is_superuser = args.admin
    user.save()
    print(f"利用者 {user.username} を{'管理者として' if args.admin else ''}登録しました。")
    return 0


def cmd_serve(args) -> int:
    _require_schema()
    from waitress import serve

    from kokai.web.wsgi import application

    print(f"http://{args.host}:{args.port}/ で起動します（Ctrl+C で終了）。", flush=True)
    serve(application, host=args.host, port=args.port, threads=args.threads, ident="kokai")
    return 0


def cmd_demo(args) -> int:
    from kokai.demo.run import run_demo

    return run_demo(out=Path(args.out), scale=args.scale, years=args.years)


def cmd_bench(args) -> int:
    from kokai.demo.bench import run_bench, run_cash_bench

    if args.close:
        from kokai.demo.bench import run_close_bench

        return run_close_bench(records=args.cash or 1_000_000, assets=args.assets or 300_000, workdir=Path(args.workdir))
    if args.cash:
        return run_cash_bench(records=args.cash, workdir=Path(args.workdir))
    if args.assets:
        from kokai.demo.bench import run_assets_bench

        return run_assets_bench(assets=args.assets, workdir=Path(args.workdir))
    return run_bench(lines=args.lines, workdir=Path(args.workdir), db=args.db)


def cmd_manage(args) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kokai manage", *args.rest])
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kokai", description="Kokai 公会計: 統一的な基準による財務書類の作成")
    p.add_argument("--db", help="データベースURL（sqlite:///path または postgresql://…）。既定は KOKAI_DATABASE_URL、なければ ./kokai.sqlite3")
    p.add_argument("--lg", help="団体コード（複数の団体を登録したとき）")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("init", help="データベースを作成し、標準マスタを読み込み、団体を登録する")
    s.add_argument("--lg-code", required=True)
    s.add_argument("--name", required=True)
    s.add_argument("--population", type=int)
    s.set_defaults(fn=cmd_init)

    s = sub.add_parser("fund", help="会計区分の登録・一覧")
    fs = s.add_subparsers(dest="fund_cmd", required=True)
    a = fs.add_parser("add")
    a.add_argument("--code", required=True)
    a.add_argument("--name", required=True)
    a.add_argument("--scope", choices=["general", "whole"], default="general",
                   help="general: 一般会計等に含める / whole: 公営事業会計（全体のみ）")
    fs.add_parser("list")
    s.set_defaults(fn=cmd_fund)

    s = sub.add_parser("account", help="勘定科目の一覧・補助科目の登録")
    acs = s.add_subparsers(dest="account_cmd", required=True)
    a = acs.add_parser("add", help="勘定科目の下に補助科目を登録する")
    a.add_argument("--parent", required=True, help="親の勘定科目（コード、一意の名称またはパス）")
    a.add_argument("--name", required=True)
    acs.add_parser("list", help="仕訳できる勘定科目と補助科目の一覧")
    s.set_defaults(fn=cmd_account)

    s = sub.add_parser("import", help="仕訳データ・開始残高の取込")
    s.add_argument("what", choices=["journals", "opening", "cash", "settled", "assets"],
                   help="journals: 仕訳データ / opening: 開始貸借対照表 / cash: 歳入歳出データ / settled: 決算額"
                        " / assets: 固定資産台帳")
    s.add_argument("file")
    s.add_argument("--year", type=int, help="会計年度（opening のとき必須。cash ではファイルに年度列がないとき）")
    s.add_argument("--profile", default="standard",
                   help="プロファイル（名前かファイル）。cash: 歳入歳出データ / assets: 固定資産台帳"
                        "（standard・opendata・kokai-opendata）")
    s.add_argument("--convert", action="store_true", help="歳入歳出データの取込に続けて決算額と照合し、仕訳に変換する")
    s.add_argument("--fund", default="01", help="開始残高の会計区分（既定: 01 一般会計）")
    s.set_defaults(fn=cmd_import)

    s = sub.add_parser("profile", help="歳入歳出データのプロファイル")
    ps = s.add_subparsers(dest="profile_cmd", required=True)
    a = ps.add_parser("check", help="ファイルの先頭の行をプロファイルで読んで表示する")
    a.add_argument("file")
    a.add_argument("--profile", default="standard")
    a.add_argument("--rows", type=int, default=10)
    ps.add_parser("list", help="同梱のプロファイル")
    s.set_defaults(fn=cmd_profile)

    s = sub.add_parser("reconcile", help="歳入歳出データを決算額と照合する（戻入・戻出を差し引き）")
    s.add_argument("--year", type=int, required=True)
    s.add_argument("--out", help="照合結果の XLSX")
    s.set_defaults(fn=cmd_reconcile)

    s = sub.add_parser("convert", help="歳入歳出データを仕訳に変換して転記する（期末一括仕訳）")
    s.add_argument("--year", type=int, required=True)
    s.set_defaults(fn=cmd_convert)

    s = sub.add_parser("assets", help="固定資産台帳")
    asub = s.add_subparsers(dest="assets_cmd", required=True)
    a = asub.add_parser("depreciate", help="年度の減価償却を計算し、科目ごとの仕訳を計上する（2回目は何もしない）")
    a.add_argument("--year", type=int, required=True)
    a.add_argument("--fund", default="01")
    a = asub.add_parser("acquisitions", help="マッチングワークシートの資産計上を台帳に登録する（仕訳は変換で計上済み）")
    a.add_argument("--year", type=int, required=True)
    a = asub.add_parser("correct", help="異動を取り消す（訂正の異動と逆仕訳）")
    a.add_argument("change", type=int, help="異動の番号")
    a.add_argument("--date", required=True)
    a.add_argument("--reason")
    a = asub.add_parser("export", help="台帳を XLSX（または公開用 CSV）で書き出す")
    a.add_argument("--year", type=int, required=True)
    a.add_argument("--format", choices=["xlsx", "opendata"], default="xlsx")
    a.add_argument("--out", "-o")
    a = asub.add_parser("schedules", help="附属明細書（有形固定資産の明細・行政目的別明細）と減価償却率")
    a.add_argument("--year", type=int, required=True)
    a.add_argument("--out", "-o")
    a.add_argument("--exclude-movables", action="store_true", help="減価償却率の合計から物品を除く")
    a = asub.add_parser("history", help="1件の資産の異動履歴")
    a.add_argument("asset_no")
    a.add_argument("--branch", type=int, default=0)
    a = asub.add_parser("reclassify", help="科目振替（資産区分・種目を変え、取得価額と累計額を振替先へ移す仕訳）")
    a.add_argument("asset_no")
    a.add_argument("--branch", type=int, default=0)
    a.add_argument("--date", required=True)
    a.add_argument("--to-class", help="振替先の資産区分（事業用資産 / インフラ資産 / 物品 / 無形固定資産）")
    a.add_argument("--to-kind", help="振替先の種目（建物、工作物 …）")
    a.add_argument("--life", type=int, help="振替先で必要な耐用年数")
    a.add_argument("--year", type=int)
    a = asub.add_parser("revalue", help="評価替（差額は純資産変動計算書の資産評価差額）")
    a.add_argument("asset_no")
    a.add_argument("--branch", type=int, default=0)
    a.add_argument("--date", required=True)
    a.add_argument("--value", type=int, required=True, help="評価後の取得価額")
    a.add_argument("--accumulated", type=int, help="評価後の減価償却累計額（省略: 変わらない）")
    a.add_argument("--valuation", default="replacement", choices=["cost", "replacement", "memo"])
    a.add_argument("--reason", required=True)
    a.add_argument("--nw-account", default="NW/資産評価差額")
    a.add_argument("--year", type=int)
    s.set_defaults(fn=cmd_assets)

    s = sub.add_parser("worksheet", help="マッチングワークシート（資産か費用か・科目の判断）")
    ws = s.add_subparsers(dest="sheet", required=True)
    m = ws.add_parser("matching", help="マッチングワークシート").add_subparsers(dest="action", required=True)
    a = m.add_parser("export", help="判断が必要な支出の XLSX を書き出す（判断済みの内容も含む）")
    a.add_argument("--year", type=int, required=True)
    a.add_argument("--out", "-o")
    a = m.add_parser("import", help="記入済みの XLSX を読み込み、判断を登録する")
    a.add_argument("file")
    a.add_argument("--year", type=int, required=True)
    c = ws.add_parser("changes", help="異動データワークシート（寄附・除却・売却・本勘定振替など）").add_subparsers(
        dest="action", required=True)
    a = c.add_parser("export", help="異動を記入する XLSX を書き出す")
    a.add_argument("--year", type=int, required=True)
    a.add_argument("--out", "-o")
    a = c.add_parser("import", help="記入済みの XLSX を検査して異動と仕訳を登録する")
    a.add_argument("file")
    a.add_argument("--year", type=int, required=True)
    s.set_defaults(fn=cmd_worksheet)

    s = sub.add_parser("rules", help="資金仕訳変換表")
    rs = s.add_subparsers(dest="rules_cmd", required=True)
    a = rs.add_parser("explain", help="ある予算科目をどの規則がなぜ変換するか")
    a.add_argument("--year", type=int, required=True)
    a.add_argument("--direction", required=True, help="歳出 / 歳入")
    for code in ("kan", "kou", "moku", "setsu", "saisetsu"):
        a.add_argument(f"--{code}")
    a.add_argument("--setsu-name")
    a.add_argument("--saisetsu-name")
    a.add_argument("--arrears", help="現年 / 滞納繰越")
    a.add_argument("--custodial", action="store_true", help="歳計外現金")
    a.add_argument("--all", action="store_true", help="一致しなかった規則も理由つきで表示する")
    a = rs.add_parser("export", help="使用中の変換表を CSV に書き出す（編集して import で戻す）")
    a.add_argument("file")
    a = rs.add_parser("import", help="編集した変換表を取り込む（全行を検査し、誤りがあれば取り込まない）")
    a.add_argument("file")
    s.set_defaults(fn=cmd_rules)

    s = sub.add_parser("statements", help="財務書類4表を出力する")
    s.add_argument("--year", type=int, required=True)
    s.add_argument("--format", choices=["json", "xlsx"], default="json")
    s.add_argument("--out")
    s.add_argument("--unit", choices=["円", "千円", "百万円"], default="円")
    s.add_argument("--rounding", choices=["四捨五入", "切り捨て"], default="四捨五入")
    s.set_defaults(fn=cmd_statements)

    s = sub.add_parser("check", help="財務書類の検証（C1〜C18、L1・L2、A1〜A3、R1・R2）")
    s.add_argument("--year", type=int, required=True)
    s.add_argument("--report", metavar="FILE.xlsx", help="検証調書（公認会計士向けの XLSX）の出力先")
    s.add_argument("--prior", metavar="FILE.json", help="前年度の公表財務書類（JSON、既定: 確定時に保存したもの）")
    s.set_defaults(fn=cmd_check)

    s = sub.add_parser("reverse", help="転記済みの仕訳を逆仕訳で取り消す")
    s.add_argument("--year", type=int, required=True)
    s.add_argument("--voucher", required=True)
    s.add_argument("--fund", default="01")
    s.add_argument("--date", help="逆仕訳の日付（既定: 今日）")
    s.add_argument("--reason")
    s.set_defaults(fn=cmd_reverse)

    s = sub.add_parser("user", help="画面の利用者")
    us = s.add_subparsers(dest="user_cmd", required=True)
    a = us.add_parser("create", help="利用者を登録する（パスワードは環境変数 KOKAI_PASSWORD か入力）")
    a.add_argument("username")
    a.add_argument("--admin", action="store_true", help="管理画面（マスタ）も使える管理者にする")
    s.set_defaults(fn=cmd_user)

    s = sub.add_parser("serve", help="画面を起動する（waitress）")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--threads", type=int, default=8)
    s.set_defaults(fn=cmd_serve)

    s = sub.add_parser("demo", help="デモ市で2年度分（歳入歳出データから決算の確定まで）の財務書類を作る")
    s.add_argument("--scale", type=int, default=1)
    s.add_argument("--years", type=int, choices=[1, 2], default=2, help="1: 令和6年度だけ / 2: 令和7年度まで")
    s.add_argument("--out", default="demo-output")
    s.set_defaults(fn=cmd_demo)

    s = sub.add_parser("bench", help="性能測定（仕訳明細N行の取込と財務書類作成）")
    s.add_argument("--lines", type=int, default=1_000_000, help="仕訳データの行数")
    s.add_argument("--cash", type=int, metavar="N", help="仕訳の代わりに歳入歳出データ N 件で取込・照合・変換を測る")
    s.add_argument("--assets", type=int, metavar="N", help="固定資産 N 件の台帳取込と減価償却を測る")
    s.add_argument("--close", action="store_true",
                   help="歳入歳出データ（--cash、既定100万件）と固定資産（--assets、既定30万件）の決算整理と財務書類一式の出力を測る")
    s.add_argument("--workdir", default="bench-output")
    s.set_defaults(fn=cmd_bench)

    from kokai.cli_close import add_parsers

    add_parsers(sub)

    s = sub.add_parser("manage", help="Django の管理コマンド")
    s.add_argument("rest", nargs=argparse.REMAINDER)
    s.set_defaults(fn=cmd_manage)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "import" and args.what == "opening" and not args.year:
        parser().error("開始残高の取込には --year が必要です")
    if args.command not in ("bench", "profile"):
        _setup(args.db)
    return args.fn(args)


if __name__ == "__main__":
    sys.exit(main())
