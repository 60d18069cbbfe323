"""The 団体's settings: one catalogue of every choice with its documented default, and the
values a 団体 has set (the Setting table).

The catalogue is assembled from the code that uses each choice, so a setting cannot exist
without its consumer nor drift from it:

* ``assets.*``  the fields of :class:`kokai.core.assets.Settings` (thresholds, the
  depreciation start-year convention, rounding, memo values);
* ``<item>.*``  the ``SETTINGS`` of each closing item (:mod:`kokai.core.closing`);
* ``notes.*``   the ``SETTINGS`` of the 注記 (:mod:`kokai.core.notes`), if present.

Values are stored as text and checked against the spec's choices (or, for numeric
defaults, as whole numbers) when set.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from kokai.core.assets import Rounding, Settings, StartConvention
from kokai.core.closing.base import SettingSpec

from .models import LocalGovernment, Setting

_ASSET_LABELS = {
    "movable_threshold": ("物品の計上基準額（円）", "取得価額がこの額以上の物品を固定資産に計上する"),
    "art_threshold": ("美術品の計上基準額（円）", "取得価額がこの額以上の美術品を固定資産に計上する"),
    "software_threshold": ("ソフトウェア等の計上基準額（円）", "取得価額がこの額以上の無形固定資産を計上する"),
    "lease_min_months": ("リース資産計上の期間基準（月）", "リース期間がこの月数を超えるものを資産計上する"),
    "lease_min_total": ("リース資産計上の金額基準（円）", "リース料総額がこの額を超えるものを資産計上する"),
    "convention": ("減価償却の開始年度", "供用開始年度の扱い"),
    "rounding": ("減価償却費の円未満の端数", "年間の償却額の円未満の扱い"),
    "memo_value_tangible": ("有形固定資産の備忘価額（円）", "償却済みの有形固定資産に残す価額"),
    "memo_value_intangible": ("無形固定資産の残存価額（円）", "償却済みの無形固定資産に残す価額"),
}
_CHOICES = {"convention": tuple(c.value for c in StartConvention), "rounding": tuple(r.value for r in Rounding)}


def _asset_specs() -> list[SettingSpec]:
    out = []
    for f in dataclasses.fields(Settings):
        label, help_ = _ASSET_LABELS[f.name]
        default = f.default.value if hasattr(f.default, "value") else str(f.default)
        out.append(SettingSpec(f"assets.{f.name}", label, default, help_, _CHOICES.get(f.name, ())))
    return out


_SCHEDULE_SPECS = (
    SettingSpec("schedules.capital_grant_markers", "補助金等の明細: 所有外資産分とみなす語（読点区切り）",
                "施設整備、建設費、整備事業、整備費",
                "補助金の名称にこれらの語を含むものを「他団体への公共施設等整備補助金等（所有外資産分）」に区分する"),
    SettingSpec("schedules.grant_rows", "補助金等の明細: 区分ごとに表示する件数", "50",
                "これを超える小口の補助金等は「その他（n件）」にまとめる"),
    SettingSpec("schedules.grant_threshold", "補助金等の明細: 個別に表示する金額の下限（円）", "0",
                "この額未満の補助金等は「その他（n件）」にまとめる"),
)


def schedule_settings(lg: LocalGovernment, values: Mapping[str, str] | None = None):
    """The 団体's :class:`kokai.core.schedules.ScheduleSettings`."""
    import re

    from kokai.core.schedules import ScheduleSettings

    values = settings_for(lg) if values is None else values
    markers = tuple(w for w in re.split(r"[、,，\s]+", values["schedules.capital_grant_markers"]) if w)
    return ScheduleSettings(capital_grant_markers=markers, grant_rows=int(values["schedules.grant_rows"]),
                            grant_threshold=int(values["schedules.grant_threshold"]))


def catalogue() -> dict[str, SettingSpec]:
    """Every setting by key, in a stable order (assets, schedules, closing items, notes)."""
    from kokai.core.closing import items

    specs = _asset_specs() + list(_SCHEDULE_SPECS)
    for m in items():
        specs.extend(getattr(m, "SETTINGS", ()))
    try:
        from kokai.core import notes
    except ImportError:
        notes = None
    if notes is not None:
        specs.extend(getattr(notes, "SETTINGS", ()))
    return {s.key: s for s in specs}


def settings_for(lg: LocalGovernment) -> dict[str, str]:
    """Every setting's value for the 団体 (its own, else the default)."""
    values = {k: s.default for k, s in catalogue().items()}
    for key, value in Setting.objects.filter(lg=lg).values_list("key", "value"):
        if key in values:
            values[key] = value
    return values


def check_value(spec: SettingSpec, value: str) -> str:
    """The value as stored, or ValueError with a Japanese message."""
    value = value.strip()
    if spec.choices and value not in spec.choices:
        raise ValueError(f"設定「{spec.label}」（{spec.key}）の値は {' / '.join(spec.choices)} のいずれかです")
    if not spec.choices and spec.default.lstrip("-").isdigit():
        try:
            n = int(value.replace(",", ""))
        except ValueError:
            raise ValueError(f"設定「{spec.label}」（{spec.key}）は整数で指定してください") from None
        if n < 0:
            raise ValueError(f"設定「{spec.label}」（{spec.key}）に負の値は使えません")
        value = str(n)
    return value


def set_setting(*, lg: LocalGovernment, key: str, value: str) -> str:
    spec = catalogue().get(key)
    if spec is None:
        raise ValueError(f"設定項目「{key}」はありません（kokai settings list で一覧を表示）")
    value = check_value(spec, value)
    Setting.objects.update_or_create(lg=lg, key=key, defaults={"value": value})
    return value


def asset_settings(lg: LocalGovernment, values: Mapping[str, str] | None = None) -> Settings:
    """The 団体's :class:`kokai.core.assets.Settings`."""
    values = settings_for(lg) if values is None else values
    kw = {}
    for f in dataclasses.fields(Settings):
        v = values[f"assets.{f.name}"]
        kw[f.name] = v if f.name in _CHOICES else int(v)
    return Settings(**kw)
