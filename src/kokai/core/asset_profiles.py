"""Asset-register profiles (固定資産台帳の取込プロファイル) and the reader that applies them.

A profile is a small TOML file, in the style of the cash profiles (:mod:`kokai.core.profiles`):
the shipped ones live in ``kokai/core/data/asset_profiles`` (``standard.toml`` documents every
key; ``opendata.toml`` is the layout cities publish as open data; ``kokai-opendata.toml`` is
our own open-data export) and a user may give the path of their own file. Unknown keys are
refused with a :class:`~kokai.core.profiles.ProfileError` naming the key.

:func:`read_register` reads a register CSV through a profile into the register frame
(:data:`REGISTER_SCHEMA`: one row per asset, integer yen, class and kind checked and the BS
account found), or returns ``None`` and every problem (up to 1,000), each with its row and
column (the file's header name) and a Japanese message. It stays fast on a few hundred
thousand rows the way :mod:`kokai.core.cash` does: the file is transcoded once to UTF-8, read
by polars as strings, every rule is vectorised, and only *distinct* values (dates, words,
unusual amounts) go through the Python parsers of :mod:`kokai.core.parse`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from types import MappingProxyType

import jaconv
import polars as pl

from .assets import NON_DEPRECIABLE_KINDS, AssetClass, AssetError, AssetKind, account_for
from .cash import (
    _COMMA_INT_RE,
    _INT_RE,
    _TOTAL_RE,
    _Collector,
    _date_parser,
    _header,
    _map,
    _numbered,
    _utf8_copy,
)
from .issues import Issue
from .parse import parse_amount
from .profiles import (
    ENCODINGS,
    ProfileError,
    check_distinct,
    check_keys,
    check_required,
    choice_of,
    columns_of,
    delimiter_of,
    load_toml_profile,
    norm_code,
    shipped_in,
)

# Our fields, with the Japanese label used in messages (and as the standard header).
FIELDS: Mapping[str, str] = MappingProxyType({
    "asset_no": "資産番号", "branch_no": "枝番", "name": "資産名称", "location": "所在地", "dept": "管理所属",
    "asset_class": "資産区分", "kind": "種目", "useful_life": "耐用年数", "life_category": "耐用年数の種類",
    "acquired_on": "取得年月日", "in_service": "供用開始年月日", "cost": "取得価額", "accumulated": "減価償却累計額",
    "book_value": "帳簿価額", "quantity": "数量", "unit": "単位", "purpose": "行政目的", "ownership": "所有区分",
    "legal_owner": "所有者", "is_art": "美術品", "valuation": "評価方法", "funding": "財源", "saleable": "売却可能",
})
REQUIRED_FIELDS = ("asset_no", "name", "asset_class", "kind", "cost")  # asset_no: see row_number_prefix
# Free-text fields and the length the register keeps (longer text is cut, as the model holds it).
TEXT_LIMITS = {"name": 200, "location": 200, "dept": 60, "unit": 10, "legal_owner": 100, "funding": 200,
               "life_category": 100}
# The seven 行政目的 of the 附属明細書 (statements.md §8; the same list as kokai.assets.reports.PURPOSES).
PURPOSES = ("生活インフラ・国土保全", "教育", "福祉", "環境衛生", "産業振興", "消防", "総務")

OWNERSHIP_NAMES = {"所有": "owned", "リース": "leased", "所有外": "not_owned", "所有外（管理のみ）": "not_owned",
                   "owned": "owned", "leased": "leased", "not_owned": "not_owned"}
VALUATION_NAMES = {"取得原価": "cost", "再調達原価": "replacement", "備忘価額": "memo",
                   "cost": "cost", "replacement": "replacement", "memo": "memo"}
CLASS_NAMES = {**{c.label: c.value for c in AssetClass}, **{c.value: c.value for c in AssetClass}}
KIND_NAMES = {k.value: k.value for k in AssetKind}
TRUE_WORDS = frozenset({"1", "○", "〇", "◯", "はい", "true", "yes", "y", "有", "可", "該当"})
FALSE_WORDS = frozenset({"0", "×", "✕", "いいえ", "false", "no", "n", "無", "否", "非該当", "-"})

DATE_STYLES = ("auto", "seireki", "wareki")
IN_SERVICE_DEFAULTS = ("blank", "acquired")
PURPOSE_OTHER = ("keep", "extra")

_KEYS = {
    "name", "description", "format", "encoding", "delimiter", "date_style", "row_number_prefix",
    "in_service_default", "purpose_other", "extra", "ignore", "columns", "asset_classes", "kinds",
    "ownership", "valuations", "purposes", "saleable", "is_art",
}
# value tables: key → (the values allowed, as a Japanese list for messages)
_TABLES = {
    "asset_classes": tuple(c.label for c in AssetClass),
    "kinds": tuple(k.value for k in AssetKind),
    "ownership": ("所有", "リース", "所有外"),
    "valuations": ("取得原価", "再調達原価", "備忘価額"),
    "purposes": PURPOSES,
}

REGISTER_SCHEMA = {
    "row": pl.Int64, "asset_no": pl.String, "branch_no": pl.Int64, "name": pl.String, "location": pl.String,
    "dept": pl.String, "asset_class": pl.String, "kind": pl.String, "account": pl.String, "ownership": pl.String,
    "legal_owner": pl.String, "life_category": pl.String, "useful_life": pl.Int32, "acquired_on": pl.Date,
    "in_service": pl.Date, "valuation": pl.String, "quantity": pl.String, "unit": pl.String,
    "purpose": pl.String, "funding": pl.String, "saleable": pl.Boolean, "is_art": pl.Boolean,
    "extra": pl.String, "cost": pl.Int64, "accumulated": pl.Int64,
}


def _empty() -> Mapping:
    return MappingProxyType({})


@dataclass(frozen=True)
class AssetProfile:
    """One register layout. ``columns`` maps our field to a header name; ``extra`` lists the
    headers kept as 追加項目, or is ``"rest"`` (every column not mapped and not ignored)."""

    name: str
    columns: Mapping[str, str]
    description: str = ""
    format: str = "csv"
    encoding: str = "auto"
    delimiter: str = ","
    date_style: str = "auto"
    row_number_prefix: str = ""
    in_service_default: str = "blank"
    purpose_other: str = "keep"
    extra: tuple[str, ...] | str = ()
    ignore: tuple[str, ...] = ()
    asset_classes: Mapping[str, str] = field(default_factory=_empty)
    kinds: Mapping[str, str] = field(default_factory=_empty)
    ownership: Mapping[str, str] = field(default_factory=_empty)
    valuations: Mapping[str, str] = field(default_factory=_empty)
    purposes: Mapping[str, str] = field(default_factory=_empty)
    saleable: Mapping[str, bool] = field(default_factory=_empty)
    is_art: Mapping[str, bool] = field(default_factory=_empty)


def _dir():
    return resources.files("kokai.core") / "data" / "asset_profiles"


def shipped_asset_profiles() -> list[str]:
    """Names of the register profiles shipped with Kokai (``standard``, ``opendata`` …)."""
    return shipped_in(_dir())


def load_asset_profile(name_or_path: str | Path) -> AssetProfile:
    """A shipped register profile by name, or a profile file by path."""
    return load_toml_profile(name_or_path, directory=_dir(), from_dict=asset_profile_from_dict,
                             what="固定資産台帳のプロファイル")


def asset_profile_from_dict(raw: Mapping, *, default_name: str = "") -> AssetProfile:
    """Check a parsed register profile and build the :class:`AssetProfile`."""
    check_keys(raw, _KEYS)

    def text(key: str) -> str:
        value = raw.get(key, "")
        if not isinstance(value, str):
            raise ProfileError(f"プロファイルの {key} は文字列にしてください")
        return value.strip()

    def names(key: str) -> tuple[str, ...]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise ProfileError(f"プロファイルの {key} は見出しの名前のリストにしてください")
        return tuple(v.strip() for v in value)

    delimiter = delimiter_of(raw)
    columns = columns_of(raw, FIELDS)
    prefix = text("row_number_prefix")
    if len(prefix) > 30:
        raise ProfileError("プロファイルの row_number_prefix は30文字までにしてください（資産番号は40文字まで）")
    check_required([f for f in REQUIRED_FIELDS if f not in columns and not (f == "asset_no" and prefix)], FIELDS)
    for f, ref in columns.items():
        if not (isinstance(ref, str) and ref.strip()):
            raise ProfileError(f"[columns] の {f} は見出しの名前（文字列）にしてください")
    refs = [c.strip() for c in columns.values()]
    check_distinct(refs)

    extra = raw.get("extra", [])
    if extra != "rest":
        extra = names("extra")
        clash = sorted(set(extra) & set(refs))
        if clash:
            raise ProfileError(f"extra の {'、'.join(clash)} は [columns] で項目に割り当て済みです")

    def table(key: str) -> Mapping[str, str]:
        t = raw.get(key, {})
        if not isinstance(t, Mapping):
            raise ProfileError(f"プロファイルの [{key}] は「ファイルの値 = \"値\"」の表にしてください")
        out = {}
        for code, value in t.items():
            if value not in _TABLES[key]:
                raise ProfileError(
                    f"[{key}] の「{code}」の値「{value}」は使えません。{'、'.join(_TABLES[key])} のどれかにしてください"
                )
            out[norm_code(code)] = value
        return MappingProxyType(out)

    def flags(key: str) -> Mapping[str, bool]:
        t = raw.get(key, {})
        if not isinstance(t, Mapping) or not all(isinstance(v, bool) for v in t.values()):
            raise ProfileError(f"プロファイルの [{key}] は「ファイルの値 = true か false」の表にしてください")
        return MappingProxyType({norm_code(k): v for k, v in t.items()})

    return AssetProfile(
        name=str(raw.get("name", default_name)),
        description=str(raw.get("description", "")),
        format=choice_of(raw, "format", ("csv",), "csv"),
        encoding=choice_of(raw, "encoding", ENCODINGS, "auto"),
        delimiter=delimiter,
        date_style=choice_of(raw, "date_style", DATE_STYLES, "auto"),
        row_number_prefix=prefix,
        in_service_default=choice_of(raw, "in_service_default", IN_SERVICE_DEFAULTS, "blank"),
        purpose_other=choice_of(raw, "purpose_other", PURPOSE_OTHER, "keep"),
        extra=extra,
        ignore=names("ignore"),
        columns=MappingProxyType({f: c.strip() for f, c in columns.items()}),
        **{key: table(key) for key in _TABLES},
        saleable=flags("saleable"),
        is_art=flags("is_art"),
    )


# --- reading ---------------------------------------------------------------------------


class _Issues(_Collector):
    def label(self, f: str) -> str:
        return self.labels.get(f, FIELDS.get(f, f))


def read_register(
    path: str | Path, *, profile: AssetProfile | str, file: str | None = None,
    known: Iterable[tuple[str, int]] = (),
) -> tuple[pl.DataFrame | None, list[Issue]]:
    """Read a register CSV. Returns (frame, []) or (None, issues). ``known`` holds the
    (資産番号, 枝番) already in the register: a row repeating one is refused."""
    prof = profile if isinstance(profile, AssetProfile) else load_asset_profile(profile)
    path = Path(path)
    col = _Issues(file or path.name)
    with _utf8_copy(path, prof, col, True) as copy:
        if copy is None:
            return None, col.result()
        utf8, width, starts = copy
        header = _header(utf8, prof.delimiter)
        where, extras = _where(prof, header, col)
        if col.items:
            return None, col.result()
        try:
            df = _cells(utf8, prof, where, extras, width)
        except Exception as e:  # noqa: BLE001  (the width check passed; report, don't crash)
            col.add(f"CSVとして読めません: {str(e).splitlines()[0]}")
            return None, col.result()
    df = _numbered(df, starts, 2)
    out = _parse(df, prof, col, set(where), [h for h, _ in extras], known)
    if col.items:
        return None, col.result()
    return out, []


def _where(prof: AssetProfile, header: list[str], col: _Issues) -> tuple[dict[str, int], list[tuple[str, int]]]:
    """The 0-based column of each mapped field, and the (header, column) of each 追加項目."""
    where: dict[str, int] = {}
    missing = []
    for f, ref in prof.columns.items():
        hits = [i for i, h in enumerate(header) if h == ref]
        if len(hits) > 1:
            col.add(f"見出し「{ref}」が{len(hits)}回あります。列の名前を一つにしてください", 1)
        elif hits:
            where[f] = hits[0]
            col.labels[f] = ref
        elif f in REQUIRED_FIELDS and not (f == "asset_no" and prof.row_number_prefix):
            missing.append(ref if ref == FIELDS[f] else f"{ref}（{FIELDS[f]}）")
    if missing:
        col.add(f"見出し行に列 {'、'.join(missing)} がありません。プロファイル「{prof.name}」の見出しと合わせてください", 1)
    used = set(where.values())
    if prof.extra == "rest":
        wanted = [h for i, h in enumerate(header) if h and i not in used and h not in prof.ignore]
    else:
        wanted = [h for h in prof.extra if h in header]
    extras = []
    for h in dict.fromkeys(wanted):
        hits = [i for i, x in enumerate(header) if x == h]
        if len(hits) > 1:
            col.add(f"見出し「{h}」が{len(hits)}回あります。追加項目の列の名前を一つにしてください", 1)
        elif hits[0] not in used:
            extras.append((h, hits[0]))
    return where, extras


def _cells(path: str, prof: AssetProfile, where: dict[str, int], extras: list[tuple[str, int]],
           width: int) -> pl.DataFrame:
    """Mapped fields and 追加項目 (``_x0`` …) out of the file, trimmed, blank → null; ``_i``
    the record index and ``_blank_row`` whether the whole record is blank."""
    lf = pl.scan_csv(path, has_header=True, infer_schema=False, separator=prof.delimiter, raise_if_empty=False,
                     truncate_ragged_lines=False).with_row_index("_i")

    def cell(i: int) -> pl.Expr:
        c = pl.nth(i + 1).str.strip_chars()
        return pl.when(c == "").then(None).otherwise(c)

    read = {**where, **{f"_x{k}": i for k, (_, i) in enumerate(extras)}}
    other = [i for i in range(width) if i not in set(read.values())]
    df = lf.select(
        "_i", *(cell(i).alias(name) for name, i in read.items()),
        *(cell(i).is_null().alias(f"_b{i}") for i in other),
    ).select(
        "_i", *read, pl.all_horizontal([pl.col(c).is_null() for c in read] + [pl.col(f"_b{i}") for i in other])
        .alias("_blank_row"),
    ).collect(engine="streaming")
    if not df["_i"].is_sorted():
        df = df.sort("_i")
    return df.with_columns(pl.lit(None, pl.String).alias(f) for f in FIELDS if f not in where)


# --- parsers for distinct values ---------------------------------------------------------


def _word(table: Mapping[str, str], names: Mapping[str, str], what: str, key: str):
    """A parser for a coded field: the profile's table (→ a canonical name), then the names."""
    accepted = "・".join(dict.fromkeys(n for n in names if not n.isascii()))

    def parse(text: str) -> str:
        value = table.get(norm_code(text), text.strip())
        if value in names:
            return names[value]
        raise ValueError(f"{what}「{text}」は使えません。{accepted}のいずれかにするか、"
                         f"プロファイルの [{key}] に読み替えを書いてください")
    return parse


def _flag(table: Mapping[str, bool], what: str):
    def parse(text: str) -> bool:
        key = norm_code(text)
        if key in table:
            return table[key]
        low = key.lower()
        if low in TRUE_WORDS or low in FALSE_WORDS:
            return low in TRUE_WORDS
        raise ValueError(f"{what}「{text}」は ○・1・はい（該当）か 空欄・0・いいえ（非該当）で入力してください")
    return parse


def _life(text: str) -> int:
    s = jaconv.z2h(text, kana=False, ascii=True, digit=True).strip().removesuffix("年")
    if not s.isdigit() or not 1 <= int(s) <= 100:
        raise ValueError(f"耐用年数「{text}」は1〜100の整数で入力してください")
    return int(s)


def _branch(text: str) -> int:
    s = jaconv.z2h(text, kana=False, ascii=True, digit=True).strip()
    if not s.isdigit() or len(s) > 9:
        raise ValueError(f"枝番「{text}」は0以上の整数で入力してください")
    return int(s)


def _quantity(text: str) -> str:
    s = jaconv.z2h(text, kana=False, ascii=True, digit=True).replace(",", "").strip()
    try:
        q = Decimal(s)
    except InvalidOperation:
        q = None
    if q is None or not q.is_finite() or q < 0 or q != q.quantize(Decimal("0.01")) or q >= Decimal(10) ** 12:
        raise ValueError(f"数量「{text}」は0以上の数（小数点以下2桁まで）で入力してください")
    return format(q.normalize(), "f")


def _amount(df: pl.DataFrame, f: str, col: _Issues) -> pl.Expr:
    """Plain integers (with or without commas) vectorised, the rest via parse_amount."""
    plain = pl.col(f).str.contains(_INT_RE) | pl.col(f).str.contains(_COMMA_INT_RE)
    odd = df.lazy().filter(~plain.fill_null(True)).select(f).collect()[f]
    slow = _map(df, f, parse_amount, pl.Int64, col, values=odd)
    return pl.when(plain).then(pl.col(f).str.replace_all(",", "", literal=True).cast(pl.Int64, strict=False)).otherwise(slow)


# --- the rules ---------------------------------------------------------------------------


def _rows(col: _Issues, df: pl.DataFrame, cond: pl.Expr, f: str, message, **shown: pl.Expr) -> None:
    """One issue per row of ``df`` meeting ``cond``, in the column of field ``f``; a callable
    ``message`` gets the row with the ``shown`` values."""
    col.rows(df.lazy().filter(cond).select("row", *(e.alias(k) for k, e in shown.items())), col.label(f), message)


def _parse(df: pl.DataFrame, prof: AssetProfile, col: _Issues, mapped: set[str], extras: list[str],
           known: Iterable[tuple[str, int]]) -> pl.DataFrame:
    # Total rows (合計 / 小計 …) are refused, never skipped, and not checked further.
    total = pl.any_horizontal([
        pl.col(f).str.replace_all(r"[\s\u3000]", "").str.contains(_TOTAL_RE).fill_null(False)
        for f in ("asset_no", "name", "asset_class") if f in mapped
    ])
    _rows(col, df, total, "name", "合計行のようです。資産の行だけにしてください")
    df = df.filter(~total)
    for f in ("asset_no", "name"):
        if f in mapped:
            _rows(col, df, pl.col(f).is_null(), f, f"{FIELDS[f]}が空です。必ず入力してください")
    if "asset_no" in mapped:
        _rows(col, df, pl.col("asset_no").str.len_chars() > 40, "asset_no", "資産番号が長すぎます（40文字まで）")
        number = pl.col("asset_no")
    else:  # numbered from the row (row_number_prefix)
        number = pl.lit(prof.row_number_prefix) + pl.col("row").cast(pl.String).str.zfill(6)

    df = _classify(df, prof, col)
    df = _values(df, prof, col, mapped).with_columns(number.alias("_no"))
    _checks(df, col)
    _duplicates(df, col, known, "asset_no" not in mapped)

    purpose = _purpose(df, prof, col)
    extra_parts = [pl.when(pl.col(f"_x{k}").is_not_null()).then(_json_pair(h, pl.col(f"_x{k}")))
                   for k, h in enumerate(extras)]
    if prof.purpose_other == "extra":
        extra_parts.append(pl.when(pl.col("purpose").is_not_null() & ~pl.col("purpose").is_in(PURPOSES))
                           .then(_json_pair(col.label("purpose"), pl.col("purpose"))))
    extra = (pl.lit("{") + pl.concat_str(extra_parts, separator=",", ignore_nulls=True) + pl.lit("}")
             if extra_parts else pl.lit("{}"))
    return df.with_columns(
        *(pl.col(f).fill_null("").str.slice(0, n) for f, n in TEXT_LIMITS.items()),
        purpose.fill_null("").str.slice(0, 30).alias("purpose"), extra.alias("extra"),
    ).select([pl.col(_READ_AS.get(c, c)).cast(t).alias(c) for c, t in REGISTER_SCHEMA.items()])


# register frame column ← the working column it is read from
_READ_AS = {
    "asset_no": "_no", "branch_no": "_branch", "asset_class": "_class", "kind": "_kind", "ownership": "_own",
    "useful_life": "_life", "acquired_on": "_acquired", "in_service": "_in_service", "valuation": "_valuation",
    "quantity": "_qty", "saleable": "_sale", "is_art": "_art", "cost": "_cost", "accumulated": "_acc",
}


def _classify(df: pl.DataFrame, prof: AssetProfile, col: _Issues) -> pl.DataFrame:
    """資産区分 and 種目 read through the profile's words (``_class``, ``_kind``) and the BS
    line they name (``account``); null where they could not be read."""
    if "" in prof.asset_classes:
        df = df.with_columns(pl.col("asset_class").fill_null(""))
    _rows(col, df, pl.col("asset_class").is_null(), "asset_class", "資産区分が空です")
    cls = _map(df, "asset_class", _word(prof.asset_classes, CLASS_NAMES, "資産区分", "asset_classes"), pl.String, col)
    if "" in prof.kinds:
        df = df.with_columns(pl.col("kind").fill_null(""))
    kind = _map(df, "kind", _word(prof.kinds, KIND_NAMES, "種目", "kinds"), pl.String, col)
    df = df.with_columns(cls.alias("_class"), kind.alias("_kind")).with_columns(
        # 物品 have one kind (その他): a blank 種目 is fine there.
        pl.when(pl.col("kind").is_null() & (pl.col("_class") == AssetClass.MOVABLE.value))
        .then(pl.lit(AssetKind.OTHER.value)).otherwise(pl.col("_kind")).alias("_kind")
    )
    _rows(col, df, pl.col("kind").is_null() & pl.col("_class").is_not_null() & pl.col("_kind").is_null(), "kind",
          "種目が空です")
    accounts, errors = {}, {}
    for c, k in df.select("_class", "_kind").drop_nulls().unique().iter_rows():
        try:
            accounts[f"{c}\t{k}"] = account_for(c, k)[0]
        except (AssetError, ValueError) as e:
            errors[f"{c}\t{k}"] = str(e)
    pair = pl.concat_str("_class", "_kind", separator="\t")
    _rows(col, df, pair.is_in(list(errors)), "kind", lambda r: errors[r["pair"]], pair=pair)
    account = pair.replace_strict(accounts, default=None, return_dtype=pl.String) if accounts else pl.lit(None, pl.String)
    return df.with_columns(account.alias("account"))


def _values(df: pl.DataFrame, prof: AssetProfile, col: _Issues, mapped: set[str]) -> pl.DataFrame:
    """Amounts, dates, numbers, flags and words, each read once per distinct value."""
    date = _date_parser(prof.date_style)
    df = df.with_columns(
        _amount(df, "cost", col).fill_null(0).alias("_cost"),
        _amount(df, "accumulated", col).fill_null(0).alias("_acc"),
        (_amount(df, "book_value", col) if "book_value" in mapped else pl.lit(None, pl.Int64)).alias("_book"),
        _map(df, "useful_life", _life, pl.Int32, col).alias("_life"),
        _map(df, "acquired_on", date, pl.Date, col).alias("_acquired"),
        _map(df, "in_service", date, pl.Date, col).alias("_in_service"),
        _map(df, "is_art", _flag(prof.is_art, FIELDS["is_art"]), pl.Boolean, col).fill_null(False).alias("_art"),
        _map(df, "saleable", _flag(prof.saleable, FIELDS["saleable"]), pl.Boolean, col).fill_null(False).alias("_sale"),
        _map(df, "branch_no", _branch, pl.Int64, col).fill_null(0).alias("_branch"),
        _map(df, "quantity", _quantity, pl.String, col).alias("_qty"),
        _map(df, "ownership", _word(prof.ownership, OWNERSHIP_NAMES, "所有区分", "ownership"), pl.String, col)
        .fill_null(OWNERSHIP_NAMES[prof.ownership.get("", "所有")]).alias("_own"),
        _map(df, "valuation", _word(prof.valuations, VALUATION_NAMES, "評価方法", "valuations"), pl.String, col)
        .fill_null(VALUATION_NAMES[prof.valuations.get("", "取得原価")]).alias("_valuation"),
    )
    if prof.in_service_default == "acquired":
        df = df.with_columns(pl.when(pl.col("in_service").is_null()).then(pl.col("_acquired"))
                             .otherwise(pl.col("_in_service")).alias("_in_service"))
    return df


def _checks(df: pl.DataFrame, col: _Issues) -> None:
    """The rules between fields of one row."""
    cost, acc, book = pl.col("_cost"), pl.col("_acc"), pl.col("_book")
    for f, c in (("cost", cost), ("accumulated", acc)):
        _rows(col, df, c < 0, f, f"{FIELDS[f]}が負の数です。0以上で入力してください")
    _rows(col, df, (cost >= 0) & (acc > cost), "accumulated",
          lambda r: f"減価償却累計額 {r['acc']:,}円 が取得価額 {r['cost']:,}円 を超えています", acc=acc, cost=cost)
    _rows(col, df, book.is_not_null() & (book != cost - acc), "book_value",
          lambda r: f"帳簿価額 {r['book']:,}円 が 取得価額 − 減価償却累計額 = {r['net']:,}円 と合いません",
          book=book, net=cost - acc)
    needs_life = ~pl.col("_kind").is_in([k.value for k in NON_DEPRECIABLE_KINDS]) & ~pl.col("_art")
    _rows(col, df, needs_life & pl.col("account").is_not_null() & pl.col("useful_life").is_null(), "useful_life",
          "償却資産には耐用年数が必要です")
    _rows(col, df, pl.col("_in_service") < pl.col("_acquired"), "in_service",
          lambda r: f"供用開始年月日 {r['start']} が取得年月日 {r['acquired']} より前です",
          start=pl.col("_in_service").cast(pl.String), acquired=pl.col("_acquired").cast(pl.String))
    _rows(col, df, (pl.col("_own") == "not_owned") & pl.col("legal_owner").is_null(), "legal_owner",
          "所有外の資産には所有者（国・県など）を入力してください")


def _purpose(df: pl.DataFrame, prof: AssetProfile, col: _Issues) -> pl.Expr:
    """行政目的: the profile's [purposes] words read as one of the seven; with ``purpose_other =
    "extra"`` a value that is not one of them is blank here (and kept as a 追加項目)."""
    p = _map(df, "purpose", lambda s: prof.purposes.get(norm_code(s), s.strip()), pl.String, col)
    if prof.purpose_other == "extra":
        p = pl.when(p.is_in(PURPOSES)).then(p)
    return p


def _json_pair(key: str, value: pl.Expr) -> pl.Expr:
    """``"key":"value"`` with JSON escaping (the inside of a one-field JSON object)."""
    return pl.struct(value.alias(key)).struct.json_encode().str.strip_prefix("{").str.strip_suffix("}")


def _duplicates(df: pl.DataFrame, col: _Issues, known: Iterable[tuple[str, int]], numbered: bool) -> None:
    """A (資産番号, 枝番) twice in the file, or already in the register."""
    label = col.label("asset_no")
    keys = df.filter(pl.col("_no").is_not_null()).select("row", "_no", "_branch")
    dup = (keys.filter(pl.struct("_no", "_branch").is_duplicated())
           .group_by("_no", "_branch").agg(pl.col("row").sort()).sort(pl.col("row").list.first()))
    for no, branch, found in dup.head(1000).iter_rows():
        for r in found[1:]:
            col.add(f"資産番号 {no}-{branch} が{found[0]}行目にもあります", r, label)
    known = pl.DataFrame(list(known), schema={"_no": pl.String, "_branch": pl.Int64}, orient="row")
    if known.height:
        hint = "（資産番号の列がないため行番号から付けています。プロファイルの row_number_prefix を変えてください）"
        old = keys.join(known, on=["_no", "_branch"], how="semi").sort("row")
        col.rows(old.select("row", "_no", "_branch"), label,
                 lambda r: f"資産番号 {r['_no']}-{r['_branch']} が登録済みの台帳にもあります" + (hint if numbered else ""))
