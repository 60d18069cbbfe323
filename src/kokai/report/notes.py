"""The 注記 of one 団体 and year: its template (NoteTemplate, else the shipped default)
filled in from the ledger, the settings, the last closing run and the registers
(kernel: :mod:`kokai.core.notes`), and the template as a text file the 財政課 edits.

Every source is read with a few set-based queries:

* the statements (running totals, :func:`kokai.ledger.reporting.statements_for`);
* the settings (:func:`kokai.ledger.lg_settings.settings_for`);
* the working figures of the year's last closing run (``ClosingRun.figures``);
* the 決算額 of the funds in 一般会計等: 歳入 and 歳出 totals and 繰越金 (the 歳入 款 set by
  ``notes.carryover_kan``: 自動 = the 款 whose name starts with 繰越金, else 款20 from
  令和2年度 and 款19 before, the 市町村 numbering of the conversion rules);
* the 売却可能資産 of the register at the year end (not disposed by 3月31日), per BS
  line: number of assets and book value (取得価額 − 減価償却累計額).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.db import transaction
from django.db.models import Count, Q, Sum

from kokai.assets.models import AssetChange
from kokai.cash.models import SettledAmount
from kokai.closing.models import ClosingRun, NoteTemplate
from kokai.core.issues import InputRejected, Issue
from kokai.core.notes import (
    SaleableLine,
    Settled,
    check_template,
    default_template,
    note_tables,
    note_values,
    render_notes,
)
from kokai.core.parse import decode
from kokai.ledger.lg_settings import settings_for
from kokai.ledger.models import Fund, LocalGovernment
from kokai.ledger.reporting import statements_for
from kokai.report.document import TextSection


def template_text(lg: LocalGovernment) -> str:
    """The 団体's own template, else the shipped default."""
    text = NoteTemplate.objects.filter(lg=lg).values_list("text", flat=True).first()
    return text if text is not None else default_template()


def closing_figures(lg: LocalGovernment, fiscal_year: int) -> dict:
    """The working figures of the year's last closing run ({} when none ran)."""
    figures = (
        ClosingRun.objects.filter(lg=lg, fiscal_year=fiscal_year)
        .order_by("-run_at", "-id").values_list("figures", flat=True).first()
    )
    return figures or {}


def carryover_kan(setting: str, fiscal_year: int) -> str:
    if setting.strip() and setting.strip() != "自動":
        return str(int(setting)) if setting.strip().isdigit() else setting.strip()
    return "20" if fiscal_year >= 2020 else "19"


def settled_totals(lg: LocalGovernment, fiscal_year: int, settings: dict[str, str]) -> Settled | None:
    """歳入・歳出 決算額 and 繰越金 of the funds in 一般会計等; None when none are imported."""
    from kokai.ledger.verification import general_budget_funds

    qs = SettledAmount.objects.filter(lg=lg, fiscal_year=fiscal_year, fund__in=general_budget_funds(lg, fiscal_year))
    totals = dict(qs.values("direction").annotate(s=Sum("amount")).values_list("direction", "s"))
    if not totals:
        return None
    revenue = qs.filter(direction="R")
    named = revenue.filter(name__startswith="繰越金")
    setting = settings.get("notes.carryover_kan", "自動")
    if setting.strip() in ("", "自動") and named.exists():
        carried = named.aggregate(s=Sum("amount"))["s"]
    else:
        carried = revenue.filter(kan=carryover_kan(setting, fiscal_year)).aggregate(s=Sum("amount"))["s"]
    return Settled(revenue=totals.get("R") or 0, expenditure=totals.get("E") or 0, carried_forward=carried or 0)


def _label(account: str) -> str:
    """事業用資産　土地 from BS/固定資産/有形固定資産/事業用資産/土地."""
    parts = [p for p in account.split("/") if p not in ("BS", "固定資産", "有形固定資産")]
    return "　".join(parts) or account


def saleable_lines(lg: LocalGovernment, fiscal_year: int) -> list[SaleableLine]:
    """The register's 売却可能資産 held at the year end, per BS line (one aggregate query)."""
    year_end = dt.date(fiscal_year + 1, 3, 31)
    rows = (
        AssetChange.objects.filter(lg=lg, fiscal_year__lte=fiscal_year, asset__saleable=True,
                                   asset__fund__scope=Fund.GENERAL)
        .filter(Q(asset__disposed_on__isnull=True) | Q(asset__disposed_on__gt=year_end))
        .values("asset__account")
        .annotate(cost=Sum("cost"), acc=Sum("accumulated"), n=Count("asset", distinct=True))
        .order_by("asset__account")
    )
    return [SaleableLine(_label(r["asset__account"]), r["n"], r["cost"] - r["acc"]) for r in rows if r["cost"]]


def notes_sections(*, lg: LocalGovernment, fiscal_year: int, unit: str = "円",
                   rounding: str = "四捨五入") -> list[TextSection]:
    """The 注記 of a year (一般会計等) as text sections; InputRejected if the stored
    template names something the system does not fill in."""
    statements, _checks = statements_for(lg=lg, fiscal_year=fiscal_year)
    settings = settings_for(lg)
    figures = closing_figures(lg, fiscal_year)
    settled = settled_totals(lg, fiscal_year, settings)
    saleable = saleable_lines(lg, fiscal_year)
    funds = list(Fund.objects.filter(lg=lg, scope=Fund.GENERAL).order_by("code").values_list("name", flat=True))
    values = note_values(statements=statements, settings=settings, closing_figures=figures, settled=settled,
                         saleable=saleable, unit=unit, rounding=rounding, lg_name=lg.name, funds=funds)
    tables = note_tables(statements=statements, closing_figures=figures, settled=settled, saleable=saleable)
    sections, issues = render_notes(template_text(lg), values, tables, file="注記のひな形")
    if issues:
        raise InputRejected(issues)
    return sections


def export_template(lg: LocalGovernment, path: Path) -> Path:
    """Write the 団体's template (or the default) as UTF-8 text to edit."""
    path.write_text(template_text(lg), encoding="utf-8", newline="\n")
    return path


def import_template(lg: LocalGovernment, path: Path) -> bool:
    """Store an edited template after checking it (every problem with its line number;
    nothing is stored on error). Returns False when it equals the one stored."""
    try:
        text, _enc = decode(path.read_bytes())
    except ValueError as e:
        raise InputRejected([Issue(str(e), file=path.name)]) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    issues = check_template(text, file=path.name)
    if issues:
        raise InputRejected(issues)
    with transaction.atomic():
        if template_text(lg) == text:
            return False
        NoteTemplate.objects.update_or_create(lg=lg, defaults={"text": text})
    return True


def reset_template(lg: LocalGovernment) -> bool:
    """Go back to the shipped default (the 団体's own template is removed)."""
    deleted, _ = NoteTemplate.objects.filter(lg=lg).delete()
    return bool(deleted)
