"""Import profiles: how one vendor's 歳入歳出データ export maps onto our cash fields.

A profile is a small TOML text file (read with the standard library's ``tomllib``). The
shipped ones live in ``kokai/core/data/profiles``; ``standard.toml`` documents every key.
A user may also give the path of their own file. Errors are raised as
:class:`ProfileError` with a Japanese message naming the key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

import jaconv

# Our fields, in the order of the cash frame, with the Japanese label used in messages
# (and as the header name of the standard layout).
FIELDS: Mapping[str, str] = MappingProxyType({
    "fiscal_year": "会計年度", "fund": "会計区分", "direction": "歳入歳出区分",
    "kan": "款", "kan_name": "款名", "kou": "項", "kou_name": "項名",
    "moku": "目", "moku_name": "目名", "setsu": "節", "setsu_name": "節名",
    "saisetsu": "細節", "saisetsu_name": "細節名",
    "voucher_no": "伝票番号", "line_no": "行番号", "date": "日付", "amount": "金額",
    "voucher_type": "伝票種別", "dept": "所属", "counterparty": "相手方", "description": "摘要",
    "program": "事業コード", "carryover": "繰越区分", "arrears": "現年滞繰区分",
})
# Fields every profile must map (the rest are optional; see standard.toml).
REQUIRED_FIELDS = ("fund", "direction", "kan", "kou", "moku", "setsu", "voucher_no", "date", "amount")

VOUCHER_TYPES = ("通常", "戻入", "戻出", "振替", "訂正")
DIRECTIONS = ("歳入", "歳出")
CARRYOVERS = ("現年", "繰越明許", "事故繰越")
ARREARS = ("現年", "滞納繰越")

ENCODINGS = ("auto", "cp932", "utf-8")
DATE_STYLES = ("auto", "seireki", "wareki")
AMOUNT_STYLES = ("plain", "refund_negative")
FORMATS = ("csv", "xlsx")

_KEYS = {
    "name", "description", "format", "encoding", "header", "delimiter", "columns",
    "date_style", "amount_style", "voucher_types", "directions", "carryover", "arrears",
    "custodial_funds",
}


T = TypeVar("T")


class ProfileError(ValueError):
    """A profile that cannot be used; the message is Japanese and names the key."""


def norm_code(value: str) -> str:
    """A code as compared with a profile's table: trimmed, half-width, and, if all
    digits, without leading zeros ("０１" → "1")."""
    s = jaconv.z2h(str(value).strip(), kana=False, ascii=True, digit=True).strip()
    if s.isdigit():
        return str(int(s))
    return s


@dataclass(frozen=True)
class Profile:
    """One export layout. ``columns`` maps our field to a header name (``header=True``)
    or to a 1-based column position (``header=False``)."""

    name: str
    columns: Mapping[str, str | int]
    description: str = ""
    format: str = "csv"
    encoding: str = "auto"
    header: bool = True
    delimiter: str = ","
    date_style: str = "auto"
    amount_style: str = "plain"
    voucher_types: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    directions: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    carryover: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    arrears: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    custodial_funds: tuple[str, ...] = ()


def _dir():
    return resources.files("kokai.core") / "data" / "profiles"


def shipped_in(directory: Traversable) -> list[str]:
    """Names of the ``.toml`` profiles in a data directory."""
    return sorted(p.name.removesuffix(".toml") for p in directory.iterdir() if p.name.endswith(".toml"))


def shipped_profiles() -> list[str]:
    """Names of the profiles shipped with Kokai (``standard``, ``vendor-a`` …)."""
    return shipped_in(_dir())


def load_toml_profile(name_or_path: str | Path, *, directory: Traversable, from_dict: Callable[..., T],
                      what: str = "プロファイル") -> T:
    """A profile shipped in ``directory`` by name, or a profile file by path, read as TOML
    and built by ``from_dict(raw, default_name=…)``; ``what`` names the kind of profile in
    the message for an unknown name."""
    text = str(name_or_path)
    path = Path(text)
    if isinstance(name_or_path, Path) or text.endswith(".toml") or "/" in text or "\\" in text:
        if not path.is_file():
            raise ProfileError(f"プロファイル「{text}」のファイルがありません")
        data, label = path.read_bytes(), path.name
    elif text in shipped_in(directory):
        data, label = (directory / f"{text}.toml").read_bytes(), text
    else:
        raise ProfileError(
            f"{what}「{text}」はありません。使えるのは {'、'.join(shipped_in(directory))}、"
            "またはプロファイルファイル(.toml)のパスです"
        )
    try:
        raw = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ProfileError(f"プロファイル「{label}」は UTF-8 で保存してください") from None
    except tomllib.TOMLDecodeError as e:
        raise ProfileError(f"プロファイル「{label}」の書式が正しくありません（TOML）: {e}") from None
    return from_dict(raw, default_name=label.removesuffix(".toml"))


def load_profile(name_or_path: str | Path) -> Profile:
    """A shipped profile by name, or a profile file by path."""
    return load_toml_profile(name_or_path, directory=_dir(), from_dict=profile_from_dict)


# --- checks shared by the profile formats (cash and asset register) ---------------------


def check_keys(raw: Mapping, keys: set[str]) -> None:
    unknown = sorted(set(raw) - keys)
    if unknown:
        raise ProfileError(
            f"プロファイルに不明なキー {'、'.join(unknown)} があります。使えるのは {'、'.join(sorted(keys))} です"
        )


def choice_of(raw: Mapping, key: str, allowed: tuple[str, ...], default: str) -> str:
    value = raw.get(key, default)
    if value not in allowed:
        raise ProfileError(f"プロファイルの {key} は {'、'.join(allowed)} のどれかにしてください（「{value}」）")
    return value


def delimiter_of(raw: Mapping) -> str:
    delimiter = raw.get("delimiter", ",")
    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in "\"\r\n":
        raise ProfileError("プロファイルの delimiter は1文字（, やタブ）にしてください")
    return delimiter


def columns_of(raw: Mapping, fields: Mapping[str, str]) -> Mapping:
    """The [columns] table, every key one of ``fields``."""
    columns = raw.get("columns")
    if not isinstance(columns, Mapping) or not columns:
        raise ProfileError("プロファイルに [columns] がありません。取り込む列を指定してください")
    bad = sorted(set(columns) - set(fields))
    if bad:
        raise ProfileError(f"[columns] に不明な項目 {'、'.join(bad)} があります。使えるのは {'、'.join(fields)} です")
    return columns


def check_required(missing: list[str], fields: Mapping[str, str]) -> None:
    if missing:
        raise ProfileError("[columns] に必須の項目 " + "、".join(f"{f}（{fields[f]}）" for f in missing) + " がありません")


def check_distinct(refs: list) -> None:
    dup = sorted({str(r) for r in refs if refs.count(r) > 1})
    if dup:
        raise ProfileError(f"[columns] で同じ列 {'、'.join(dup)} が二つ以上の項目に割り当てられています")


def profile_from_dict(raw: Mapping, *, default_name: str = "") -> Profile:
    """Check a parsed profile and build the :class:`Profile`."""
    check_keys(raw, _KEYS)
    header = raw.get("header", True)
    if not isinstance(header, bool):
        raise ProfileError("プロファイルの header は true か false にしてください")
    delimiter = delimiter_of(raw)
    columns = columns_of(raw, FIELDS)
    check_required([f for f in REQUIRED_FIELDS if f not in columns], FIELDS)
    for f, ref in columns.items():
        if header and not (isinstance(ref, str) and ref.strip()):
            raise ProfileError(f"[columns] の {f} は見出しの名前（文字列）にしてください（header = true）")
        if not header and not (isinstance(ref, int) and not isinstance(ref, bool) and ref >= 1):
            raise ProfileError(f"[columns] の {f} は1から始まる列の位置（整数）にしてください（header = false）")
    check_distinct([c.strip() if isinstance(c, str) else c for c in columns.values()])

    def table(key: str, allowed: tuple[str, ...]) -> Mapping[str, str]:
        t = raw.get(key, {})
        if not isinstance(t, Mapping):
            raise ProfileError(f"プロファイルの [{key}] は「コード = \"値\"」の表にしてください")
        out = {}
        for code, value in t.items():
            if value not in allowed:
                raise ProfileError(
                    f"[{key}] のコード「{code}」の値「{value}」は使えません。{'、'.join(allowed)} のどれかにしてください"
                )
            out[norm_code(code)] = value
        return MappingProxyType(out)

    custodial = raw.get("custodial_funds", [])
    if not isinstance(custodial, list) or not all(isinstance(c, str | int) for c in custodial):
        raise ProfileError("プロファイルの custodial_funds は会計区分のコードか名前のリストにしてください")

    fmt = choice_of(raw, "format", FORMATS, "csv")
    return Profile(
        name=str(raw.get("name", default_name)),
        description=str(raw.get("description", "")),
        format=fmt,
        encoding=choice_of(raw, "encoding", ENCODINGS, "auto"),
        header=header,
        delimiter=delimiter,
        columns=MappingProxyType({f: (c.strip() if isinstance(c, str) else c) for f, c in columns.items()}),
        date_style=choice_of(raw, "date_style", DATE_STYLES, "auto"),
        amount_style=choice_of(raw, "amount_style", AMOUNT_STYLES, "plain"),
        voucher_types=table("voucher_types", VOUCHER_TYPES),
        directions=table("directions", DIRECTIONS),
        carryover=table("carryover", CARRYOVERS),
        arrears=table("arrears", ARREARS),
        custodial_funds=tuple(str(c).strip() for c in custodial),
    )
