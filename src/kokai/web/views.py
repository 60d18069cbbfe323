"""Server-rendered screens: the list of 団体 and years; the four statements of a year
with their 前年度 column, the year's status (確定済み / 未確定) and every check; and the
deliverables to download (財務書類一式 XLSX/PDF, 検証調書 XLSX), each generated per request
in a temporary directory that is removed before the answer is sent."""

from __future__ import annotations

import datetime as dt
import logging
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from kokai.closing.services import published_statements
from kokai.core.chart import FORM_NUMBERS, STATEMENT_NAMES
from kokai.core.checks_more import CAUTION, MISMATCH, NOT_APPLICABLE, NOTED, status_of
from kokai.core.parse import wareki_date, wareki_year
from kokai.core.statements import NW_COLUMNS, NW_TOTAL, SCOPE_GENERAL, Statements
from kokai.core.units import ROUNDINGS, UNITS, format_amount, rounding_note
from kokai.ledger.masters import chart_for
from kokai.ledger.models import LocalGovernment, YearLock
from kokai.ledger.reporting import fiscal_years, statements_for
from kokai.ledger.verification import gather

log = logging.getLogger("kokai.web")

STATEMENT_ORDER = ("BS", "PL", "NW", "CF")
DEFAULT_UNIT, DEFAULT_ROUNDING = "円", "四捨五入"
# NW lines that close a block of the 様式 (printed bold, like the formula lines elsewhere).
NW_TOTAL_NAMES = {"本年度差額", "本年度純資産変動額", "本年度末純資産残高"}
# Headings of the two sides of the 貸借対照表, inserted before the first line of each part.
BS_PARTS = {"固定資産": "資産の部", "固定負債": "負債の部", "固定資産等形成分": "純資産の部"}
CURRENT, PRIOR = "本年度", "前年度"
PRIOR_NW = f"{PRIOR}（{NW_TOTAL}）"  # the one 前年度 column of 様式第3号
# How each check status is shown: the row's class (a 注意 or 注記 is not a failure).
STATUS_CLASS = {MISMATCH: "ng", CAUTION: "caution", NOTED: "noted", NOT_APPLICABLE: "na"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"
UNSAFE_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


@dataclass(frozen=True)
class Cell:
    text: str
    negative: bool
    column: str = ""


@dataclass(frozen=True)
class Row:
    qualified_path: str
    name: str
    level: int
    style: str  # "total" | "subtotal" | ""
    cells: tuple[Cell, ...]
    part: str = ""  # heading before this row: BS 資産の部 etc., CF 業務活動収支 etc.


def _show(amount: int | None, unit: str, rounding: str) -> Cell:
    """'-' for nothing at all; otherwise the rounded figure (△ for negatives)."""
    if amount is None:
        return Cell("", False)
    if amount == 0:
        return Cell("-", False)
    text = format_amount(amount, unit, rounding)
    return Cell(text, text.startswith("△"))


def _style(stmt: str, line, kind: str) -> str:
    if kind == "formula" or (stmt == "NW" and line.path in NW_TOTAL_NAMES):
        return "total"
    if kind == "sum" and line.level == 1:
        return "subtotal"
    return ""


def _root(chart, code: str) -> str:
    while chart[code].parent:
        code = chart[code].parent
    return code


def _prior_amount(prior_lines, code: str) -> int | None:
    """The previous year's figure of a line (NW: its 合計); None without a previous year,
    0 for a line the previous year did not print."""
    if prior_lines is None:
        return None
    old = prior_lines.get(code)
    if old is None:
        return 0
    return old.amounts.get(NW_TOTAL) if old.amounts is not None else old.amount


def _rows(stmt: str, lines, prior_lines, chart, unit: str, rounding: str) -> list[Row]:
    """The printed lines; ``prior_lines`` (by code) fill the 前年度 column, None leaves it
    empty (no entries in the previous year)."""
    top = min((ln.level for ln in lines), default=1)
    rows = []
    current_root = ""
    for ln in lines:
        kind = chart[ln.code].kind if ln.code in chart else ""
        prior = _prior_amount(prior_lines, ln.code)
        if ln.amounts is not None:
            cells = (
                *(replace(_show(ln.amounts.get(c), unit, rounding), column=c) for c in NW_COLUMNS),
                replace(_show(prior, unit, rounding), column=PRIOR),
            )
        else:
            cells = (
                replace(_show(ln.amount, unit, rounding), column=CURRENT),
                replace(_show(prior, unit, rounding), column=PRIOR),
            )
        part = ""
        if stmt == "BS":
            part = BS_PARTS.get(ln.path, "")
        elif stmt == "CF" and ln.code in chart:
            # 【業務活動収支】 etc. before each block of 様式第4号 (its total comes after it)
            root = _root(chart, ln.code)
            if root != ln.code and root != current_root:
                part = chart[root].name
            current_root = root
        rows.append(
            Row(f"{stmt}/{ln.path}", ln.name, ln.level - top, _style(stmt, ln, kind), cells, part)
        )
    return rows


def _choice(request: HttpRequest, name: str, allowed, default: str) -> str:
    value = request.GET.get(name, default)
    return value if value in allowed else default


def _year_of(lg_code: str, year: int) -> tuple[LocalGovernment, list[int]]:
    """The 団体 and its years with entries; 404 when either is unknown."""
    lg = get_object_or_404(LocalGovernment, lg_code=lg_code)
    years_with_entries = fiscal_years(lg)
    if year not in years_with_entries:
        raise Http404(f"{wareki_year(year)}の仕訳はありません")
    return lg, years_with_entries


def _unit_and_rounding(request: HttpRequest) -> tuple[str, str]:
    return (
        _choice(request, "unit", UNITS, DEFAULT_UNIT),
        _choice(request, "rounding", ROUNDINGS, DEFAULT_ROUNDING),
    )


def _published_prior(lg: LocalGovernment, year: int) -> dict | None:
    """Last year's statements as closed (for C14), None while it is open or absent."""
    return published_statements(lg, year - 1)


def years(request: HttpRequest) -> HttpResponse:
    """Each registered 団体 with the fiscal years that have entries (closed ones marked)."""
    groups = []
    for lg in LocalGovernment.objects.order_by("lg_code"):
        closed = set(YearLock.objects.filter(lg=lg).values_list("fiscal_year", flat=True))
        groups.append(
            {"lg": lg, "years": [(y, wareki_year(y), y in closed) for y in reversed(fiscal_years(lg))]}
        )
    return render(request, "kokai/years.html", {"groups": groups})


def _year_status(lg: LocalGovernment, year: int) -> dict:
    """確定済み (with the date of the lock, local time) or 未確定."""
    lock = YearLock.objects.filter(lg=lg, fiscal_year=year).first()
    if lock is None:
        return {"locked": False, "label": "未確定", "detail": "決算整理（kokai close）を実行すると確定します"}
    when = timezone.localtime(lock.locked_at)
    return {"locked": True, "label": "確定済み", "detail": f"{wareki_date(when.date())} {when:%H:%M} 確定"}


def _check_rows(checks, statuses: list[str]) -> list[dict]:
    """Each check with its status; a check that does not apply shows no figures."""
    rows = []
    for c, status in zip(checks, statuses, strict=True):
        shown = status != NOT_APPLICABLE
        rows.append(
            {
                "id": c.id,
                "name": c.name,
                "status": status,
                "css": STATUS_CLASS.get(status, "ok"),
                "left_label": c.left_label if shown else "",
                "left": format_amount(c.left) if shown else "",
                "right_label": c.right_label if shown else "",
                "right": format_amount(c.right) if shown else "",
            }
        )
    return rows


def _checks_badge(statuses: list[str]) -> tuple[str, str]:
    """(class, text): 不一致 stops publication; 注意 is to be explained, not a failure."""
    failed, cautions = statuses.count(MISMATCH), statuses.count(CAUTION)
    if failed:
        return "ng", f"整合性チェックに不一致があります（{failed}件）"
    if cautions:
        return "caution", f"整合性チェック 不一致なし（注意 {cautions}件）"
    return "ok", "整合性チェック すべてOK"


def _sections(st: Statements, prior: Statements | None, chart, year: int, unit: str, rounding: str):
    year_end = wareki_date(dt.date(year + 1, 3, 31))
    period = f"自 {wareki_date(dt.date(year, 4, 1))}　至 {year_end}"
    sections = []
    for stmt in STATEMENT_ORDER:
        prior_lines = {ln.code: ln for ln in prior.lines.get(stmt, ())} if prior else None
        rows = _rows(stmt, st.lines.get(stmt, ()), prior_lines, chart, unit, rounding)
        columns = (*NW_COLUMNS, PRIOR_NW) if stmt == "NW" else (CURRENT, PRIOR)
        section = {
            "code": stmt,
            "form": FORM_NUMBERS[stmt],
            "name": STATEMENT_NAMES[stmt],
            "as_of": f"（{year_end}現在）" if stmt == "BS" else f"（{period}）",
            "rows": rows,
            "columns": columns,
            "span": len(columns) + 1,
        }
        if stmt == "BS":  # 資産の部 | 負債及び純資産の部, side by side as in 様式第1号
            split = next((i for i, r in enumerate(rows) if r.part == "負債の部"), len(rows))
            section["halves"] = (rows[:split], rows[split:])
        sections.append(section)
    return sections


def statements(request: HttpRequest, lg_code: str, year: int) -> HttpResponse:
    """The four statements (様式第1号〜第4号) of one year beside the previous year's, the
    year's status, every check of ``gather`` and the deliverables to download."""
    lg, years_with_entries = _year_of(lg_code, year)
    unit, rounding = _unit_and_rounding(request)
    v = gather(lg=lg, fiscal_year=year, published_prior=_published_prior(lg, year))
    prior = None
    if year - 1 in years_with_entries:
        prior, _ = statements_for(lg=lg, fiscal_year=year - 1)
    statuses = [status_of(c) for c in v.checks]
    badge_class, badge_text = _checks_badge(statuses)

    def link(**change: str) -> str:
        return "?" + urlencode({"unit": unit, "rounding": rounding} | change)

    args = (lg.lg_code, year)
    context = {
        "lg": lg,
        "year": year,
        "year_label": wareki_year(year),
        "prior_label": wareki_year(year - 1),
        "has_prior": prior is not None,
        "scope": SCOPE_GENERAL,
        "status": _year_status(lg, year),
        "sections": _sections(v.statements, prior, chart_for(lg), year, unit, rounding),
        "checks": _check_rows(v.checks, statuses),
        "badge_class": badge_class,
        "badge_text": badge_text,
        "unit": unit,
        "rounding": rounding,
        "unit_links": [(u, link(unit=u), u == unit) for u in UNITS],
        "rounding_links": [(r, link(rounding=r), r == rounding) for r in ROUNDINGS],
        "note": rounding_note(unit, rounding),
        "other_years": [(y, wareki_year(y)) for y in years_with_entries],
        "downloads": [
            ("book-xlsx", "財務書類一式", "Excel", reverse("book_xlsx", args=args) + link()),
            ("book-pdf", "財務書類一式", "PDF", reverse("book_pdf", args=args) + link()),
            ("verification-xlsx", "検証調書", "Excel", reverse("verification_xlsx", args=args)),
        ],
    }
    return render(request, "kokai/statements.html", context)


# --- downloads ---------------------------------------------------------------------------


def _generated(write: Callable[[Path], None], name: str) -> bytes:
    """The bytes of a file written into a fresh temporary directory, removed on return."""
    with tempfile.TemporaryDirectory(prefix="kokai-web-") as folder:
        path = Path(folder) / name
        write(path)
        return path.read_bytes()


def content_disposition(file_name: str, fallback: str) -> str:
    """An attachment with a Japanese name (RFC 6266 / RFC 5987) and an ASCII fallback."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"


def _download(
    request: HttpRequest, lg: LocalGovernment, year: int, what: str, ext: str, data: bytes
) -> HttpResponse:
    """The file as an attachment named 「<what>_<団体名>_<和暦年度>.<ext>」; the download is
    logged (who, which 団体 and year, what, how big)."""
    name = UNSAFE_IN_FILE_NAMES.sub("_", lg.name).strip() or lg.lg_code
    file_name = f"{what}_{name}_{wareki_year(year)}.{ext}"
    kind = {"財務書類一式": "book", "検証調書": "verification"}[what]
    response = HttpResponse(data, content_type=XLSX_TYPE if ext == "xlsx" else PDF_TYPE)
    response["Content-Disposition"] = content_disposition(
        file_name, f"kokai-{lg.lg_code}-{year}-{kind}.{ext}"
    )
    response["Cache-Control"] = "private, no-store"
    log.info(
        "ダウンロード: 利用者 %s が %s（%s）%s の %s を取得しました（%d バイト）",
        request.user.get_username(), lg.name, lg.lg_code, wareki_year(year), file_name, len(data),
    )
    return response


def _book(request: HttpRequest, lg_code: str, year: int, ext: str) -> HttpResponse:
    # the renderers (reportlab, XlsxWriter) are loaded on the first download only
    from kokai.report.book import build_document
    from kokai.report.book_pdf import write_book_pdf
    from kokai.report.book_xlsx import write_book_xlsx

    lg, _ = _year_of(lg_code, year)
    unit, rounding = _unit_and_rounding(request)
    doc = build_document(lg=lg, fiscal_year=year, unit=unit, rounding=rounding)
    write = write_book_xlsx if ext == "xlsx" else write_book_pdf
    data = _generated(lambda path: write(doc, path), f"book.{ext}")
    return _download(request, lg, year, "財務書類一式", ext, data)


def book_xlsx(request: HttpRequest, lg_code: str, year: int) -> HttpResponse:
    """財務書類一式 (statements with 前年度, 附属明細書, 注記) as a workbook."""
    return _book(request, lg_code, year, "xlsx")


def book_pdf(request: HttpRequest, lg_code: str, year: int) -> HttpResponse:
    """財務書類一式 as a PDF (A4)."""
    return _book(request, lg_code, year, "pdf")


def verification_xlsx(request: HttpRequest, lg_code: str, year: int) -> HttpResponse:
    """検証調書: every check with both sides and their sources, for the certified accountant."""
    from kokai.report.verification_xlsx import write_verification

    lg, _ = _year_of(lg_code, year)
    v = gather(lg=lg, fiscal_year=year, published_prior=_published_prior(lg, year))

    def write(path: Path) -> None:
        write_verification(
            path, list(v.checks), lg_name=lg.name, fiscal_year=year, statements=v.statements,
            reconciliation=v.reconciliation,
        )

    return _download(request, lg, year, "検証調書", "xlsx", _generated(write, "verification.xlsx"))
