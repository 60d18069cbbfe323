"""Masters: the standard chart mirrored into the database, 団体 and 会計区分."""

from __future__ import annotations

from django.db import transaction

from kokai.core.chart import FA_FINANCIAL, FA_TANGIBLE, Chart, standard_chart, sub_account

from .models import Account, Fund, LocalGovernment

FA_GROUP_IDS = {"": 0, FA_TANGIBLE: 1, FA_FINANCIAL: 2}
DEFAULT_FUND = ("01", "一般会計")


def sync_standard_accounts() -> int:
    """Create or update the Account rows of the standard chart's postable lines."""
    chart = standard_chart()
    existing = {a.code: a for a in Account.objects.filter(lg__isnull=True)}
    created = 0
    for ln in chart.lines:
        if not ln.postable:
            continue
        values = dict(
            statement=ln.statement, name=ln.name, path=ln.path, parent_code=ln.parent if ln.kind == "sub" else "",
            fa_group=FA_GROUP_IDS[ln.fa_group], nw_direct="nw_direct" in ln.roles,
        )
        acc = existing.get(ln.code)
        if acc is None:
            Account.objects.create(code=ln.code, **values)
            created += 1
        elif any(getattr(acc, k) != v for k, v in values.items()):
            Account.objects.filter(pk=acc.pk).update(**values)
    return created


@transaction.atomic
def register(*, lg_code: str, name: str, population: int | None = None) -> LocalGovernment:
    """Register a 団体 (idempotent) with its 一般会計, after loading the standard masters."""
    if not (len(lg_code) == 6 and lg_code.isdigit()):
        raise ValueError(f"団体コード「{lg_code}」は6桁の数字で指定してください（例: 390003）")
    sync_standard_accounts()
    lg, created = LocalGovernment.objects.get_or_create(
        lg_code=lg_code, defaults={"name": name, "population": population}
    )
    if not created and (lg.name != name or (population and lg.population != population)):
        lg.name = name
        lg.population = population or lg.population
        lg.save(update_fields=["name", "population"])
    Fund.objects.get_or_create(lg=lg, code=DEFAULT_FUND[0], defaults={"name": DEFAULT_FUND[1]})
    return lg


def add_fund(*, lg: LocalGovernment, code: str, name: str, scope: int = Fund.GENERAL) -> Fund:
    fund, _ = Fund.objects.update_or_create(lg=lg, code=code, defaults={"name": name, "scope": scope})
    return fund


def fund_lookup(lg: LocalGovernment) -> dict[str, str]:
    """Map both code and name of each 会計区分 to its code."""
    out = {}
    for f in Fund.objects.filter(lg=lg):
        out[f.code] = out[f.name] = f.code
    return out


def chart_for(lg: LocalGovernment) -> Chart:
    """The standard chart with the 団体's own 補助科目."""
    chart = standard_chart()
    subs = [
        sub_account(code=a.code, name=a.name, parent=chart[a.parent_code])
        for a in Account.objects.filter(lg=lg).order_by("code")
    ]
    return chart.extended(subs)


def add_sub_account(*, lg: LocalGovernment, parent_ref: str, name: str) -> Account:
    """Add a 補助科目 beneath a leaf account (code: the leaf's code + '-' + a number)."""
    chart = chart_for(lg)
    parent = chart.resolve(parent_ref)
    if parent.kind != "leaf":
        raise ValueError(f"「{parent.qualified_path}」は勘定科目ではないため補助科目を作れません")
    if parent.roles:  # 現金預金, 純資産の内訳, 財源, 無償所管換等 …: computed by role, not by sum
        raise ValueError(f"「{parent.qualified_path}」は計算方法が決まっている科目のため、補助科目は作れません")
    n = Account.objects.filter(parent_code=parent.code).count() + 2
    code = f"{parent.code}-{lg.lg_code}-{n}"
    sub = sub_account(code=code, name=name, parent=parent)
    return Account.objects.create(
        code=code, statement=sub.statement, name=name, path=sub.path, parent_code=parent.code, lg=lg,
        fa_group=FA_GROUP_IDS[sub.fa_group],
    )
