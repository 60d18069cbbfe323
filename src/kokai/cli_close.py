"""``kokai close`` (決算整理と確定), ``kokai settings`` (団体の設定) and ``kokai book``
(財務書類一式の XLSX / PDF): thin shells over kokai.closing and kokai.report."""

from __future__ import annotations

import sys
from pathlib import Path


def cmd_close(args) -> int:
    from kokai.cli import EXIT_INPUT, _lg, _print_issues
    from kokai.closing import services
    from kokai.core.issues import InputRejected

    lg = _lg(args.lg)
    try:
        if args.template:
            services.export_template(lg=lg, fiscal_year=args.year, path=Path(args.template))
            print(f"決算整理の入力シートを {args.template} に出力しました。入力して --inputs で取り込んでください。")
            return 0
        if args.inputs:
            got = services.import_inputs(lg=lg, fiscal_year=args.year, path=Path(args.inputs))
            for title, n in got.items():
                print(f"  {title}: {n:,} 行を取り込みました")
        if args.inputs_only:
            return 0
        r = services.close_year(lg=lg, fiscal_year=args.year, fund=args.fund)
    except InputRejected as exc:
        return _print_issues(exc)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INPUT
    if r.depreciation:
        print(f"減価償却費 {r.depreciation:,}円を計上しました。")
    print(f"決算整理: {', '.join(r.items) or '（入力のある項目なし）'}")
    if r.skipped:
        print(f"入力がないため行わなかった項目: {', '.join(r.skipped)}")
    print(f"仕訳 {r.posted} 件を転記、{r.kept} 件は前回と同じ、{r.reversed} 件を取り消しました。")
    print(f"{args.year}年度の決算を確定しました（以後この年度への仕訳は決算整理のやり直しを除き受け付けません）。")
    return 0


def cmd_settings(args) -> int:
    from kokai.cli import EXIT_INPUT, _lg
    from kokai.ledger.lg_settings import catalogue, set_setting, settings_for

    lg = _lg(args.lg)
    if args.settings_cmd == "set":
        try:
            value = set_setting(lg=lg, key=args.key, value=args.value)
        except ValueError as exc:
            print(str(exc), file=sys.stderr)
            return EXIT_INPUT
        print(f"{args.key} = {value}")
        return 0
    values = settings_for(lg)
    for key, spec in catalogue().items():
        mark = "" if values[key] == spec.default else "  ※変更済み"
        choices = f"  [{' / '.join(spec.choices)}]" if spec.choices else ""
        print(f"{key} = {values[key]}{mark}\n    {spec.label}（既定値 {spec.default}）{choices}")
    return 0


def cmd_book(args) -> int:
    from kokai.cli import _lg
    from kokai.report.book import write_book

    lg = _lg(args.lg)
    xlsx, pdf, secs = write_book(lg=lg, fiscal_year=args.year, out_dir=Path(args.out), unit=args.unit,
                                 rounding=args.rounding)
    print(f"財務書類一式（財務書類・附属明細書・注記）を出力しました: {xlsx}, {pdf}（{secs:.1f}秒）")
    return 0


def cmd_notes(args) -> int:
    from kokai.cli import _lg, _print_issues
    from kokai.core.issues import InputRejected
    from kokai.report import notes

    lg = _lg(args.lg)
    if args.notes_cmd == "export":
        notes.export_template(lg, Path(args.file))
        print(f"注記のひな形を {args.file} に出力しました。編集して `kokai notes import` で取り込んでください。")
    elif args.notes_cmd == "import":
        try:
            changed = notes.import_template(lg, Path(args.file))
        except InputRejected as exc:
            return _print_issues(exc)
        print("注記のひな形を取り込みました。" if changed else "注記のひな形に変更はありません。")
    elif args.notes_cmd == "reset":
        notes.reset_template(lg)
        print("注記のひな形を既定のものに戻しました。")
    return 0


def add_parsers(sub) -> None:
    s = sub.add_parser("notes", help="注記のひな形（団体が編集し、数値はシステムが埋める）")
    ns = s.add_subparsers(dest="notes_cmd", required=True)
    for name, text in (("export", "ひな形を書き出す"), ("import", "編集したひな形を取り込む（誤りは行番号つきで拒否）")):
        a = ns.add_parser(name, help=text)
        a.add_argument("file")
    ns.add_parser("reset", help="既定のひな形に戻す")
    s.set_defaults(fn=cmd_notes)

    s = sub.add_parser("book", help="財務書類・附属明細書・注記の一式を XLSX と PDF で出力する")
    s.add_argument("--year", type=int, required=True)
    s.add_argument("--out", default=".", help="出力先のフォルダ")
    s.add_argument("--unit", choices=["円", "千円", "百万円"], default="千円")
    s.add_argument("--rounding", choices=["四捨五入", "切り捨て"], default="四捨五入")
    s.set_defaults(fn=cmd_book)

    s = sub.add_parser("close", help="決算整理仕訳を計上し、年度を確定する（やり直し可）")
    s.add_argument("--year", type=int, required=True)
    s.add_argument("--template", metavar="OUT.xlsx", help="決算整理の入力シートを出力するだけ")
    s.add_argument("--inputs", metavar="FILE.xlsx", help="入力シートを取り込んでから決算整理する")
    s.add_argument("--inputs-only", action="store_true", help="入力シートの取込みだけを行う")
    s.add_argument("--fund", help="決算整理仕訳の会計区分（既定: 一般会計等の最初の会計）")
    s.set_defaults(fn=cmd_close)

    s = sub.add_parser("settings", help="団体の設定（計上基準額、償却の開始年度、引当金の方法など）")
    ss = s.add_subparsers(dest="settings_cmd", required=True)
    ss.add_parser("list", help="すべての設定と既定値")
    a = ss.add_parser("set", help="設定を変更する")
    a.add_argument("key")
    a.add_argument("value")
    s.set_defaults(fn=cmd_settings)
