"""Import 歳入歳出データ (cash records from a 財務会計 system) into a polars frame.

The layout of a vendor's export is described by a :class:`~kokai.core.profiles.Profile`.
:func:`read_cash` returns the cash frame (:data:`CASH_SCHEMA`), or ``None`` and every
problem found (up to 1,000), each with its row and column and a Japanese message: a
file with any problem is refused as a whole.

How it stays fast on a million rows: the file is transcoded to a temporary UTF-8 file,
read by polars with every column as a string, and every check is vectorised; only the
*distinct* dates, codes and unusual amount strings go through the Python parsers of
:mod:`kokai.core.parse`.

Rules (also documented in ``data/profiles/standard.toml``):

- ``row`` is the line number in the file (the header is row 1). A quoted cell may hold
  a line break; the row is then the line on which the record starts.
- A row whose cells are all blank is ignored; any other row is data.
- Total rows (a blank 伝票番号 with an amount or with 合計 / 小計 / 計 in a cell, or a
  伝票番号 that says 合計) are refused, never skipped.
- ``amount`` is the signed contribution to the budget item's total: a payment or a
  receipt is +, a 戻入 (against 歳出) or a 戻出 (against 歳入) is −.
- The 会計年度 comes from the file's column if it has one, else from ``fiscal_year``;
  the date must lie between 4/1 of that year and 5/31 of the next (出納整理期間).
- 伝票番号 + 行番号 must be unique within (会計年度, 会計区分, 歳入歳出区分): 収入 and
  支出 vouchers are often numbered separately.
- Zip archives (hence .xlsx), .xls, UTF-16 and other binary files are refused by
  their first bytes; nothing is ever unpacked.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import jaconv
import polars as pl

from .issues import Issue
from .parse import parse_amount, parse_date, parse_fiscal_year, transcode_to_utf8
from .profiles import (
    ARREARS,
    CARRYOVERS,
    DIRECTIONS,
    FIELDS,
    REQUIRED_FIELDS,
    VOUCHER_TYPES,
    Profile,
    load_profile,
    norm_code,
)

CASH_SCHEMA = {
    "row": pl.Int64, "fiscal_year": pl.Int32, "fund": pl.String, "direction": pl.String,
    "kan": pl.String, "kou": pl.String, "moku": pl.String, "setsu": pl.String, "saisetsu": pl.String,
    "kan_name": pl.String, "kou_name": pl.String, "moku_name": pl.String, "setsu_name": pl.String,
    "saisetsu_name": pl.String,
    "voucher_no": pl.String, "line_no": pl.Int32, "date": pl.Date, "amount": pl.Int64,
    "voucher_type": pl.String, "dept": pl.String, "counterparty": pl.String,
    "description": pl.String, "program": pl.String, "carryover": pl.String,
    "arrears": pl.String, "custodial": pl.Boolean,
}
MAX_ISSUES = 1000
MAX_BYTES = 2 << 30  # 2 GiB: far above a year of a large city's records
CODE_FIELDS = ("kan", "kou", "moku", "setsu", "saisetsu")
TEXT_FIELDS = ("kan_name", "kou_name", "moku_name", "setsu_name", "saisetsu_name",
               "dept", "counterparty", "description", "program")
REFUNDS = {"戻入": "歳出", "戻出": "歳入"}  # a 戻入 reduces 歳出, a 戻出 (還付) reduces 歳入

_TOTAL_RE = r"^[\[【（(<＜〔]*(?:総合計|合計|小計|中計|総計|累計|[款項目節]計|計)[\]】）)>＞〕]*$"
_INT_RE = r"^-?[0-9]{1,15}$"
_COMMA_INT_RE = r"^-?[0-9]{1,3}(?:,[0-9]{3}){1,4}$"


def read_cash(
    path: str | Path,
    *,
    profile: Profile | str,
    fiscal_year: int | None = None,
    file: str | None = None,
) -> tuple[pl.DataFrame | None, list[Issue]]:
    """Read a 歳入歳出データ export. Returns (frame, []) or (None, issues)."""
    df, issues = _read(Path(path), _profile(profile), fiscal_year, file or Path(path).name)
    if issues:
        return None, issues
    return df, []


def preview(path: str | Path, *, profile: Profile | str, n: int = 10) -> list[dict]:
    """The first ``n`` data rows as parsed, for checking a profile against a file.

    Each dict holds ``row``, our fields (None where a cell could not be read) and
    ``issues``: the messages for that row. Problems with the file as a whole (encoding,
    header, binary file) come as dicts with only ``row`` and ``issues``."""
    prof = _profile(profile)
    path = Path(path)
    with open(path, "rb") as src, tempfile.NamedTemporaryFile(suffix=".csv") as head:
        if not _magic_issue(src.read(8), prof):
            src.seek(0)
            for i, line in enumerate(src, start=1):
                head.write(line if line.endswith(b"\n") else line + b"\n")
                if i >= n + (1 if prof.header else 0):
                    break
        else:
            src.seek(0)
            head.write(src.read(8))
        head.flush()
        df, issues = _read(Path(head.name), prof, None, path.name, keep=True)
    by_row: dict[int | None, list[str]] = {}
    for i in issues:
        by_row.setdefault(i.row, []).append(str(i).removeprefix(f"{path.name} "))
    out: list[dict] = []
    seen = set()
    if df is not None:
        for rec in df.head(n).to_dicts():
            rec["issues"] = by_row.get(rec["row"], [])
            seen.add(rec["row"])
            out.append(rec)
    for row, messages in by_row.items():
        if row not in seen:
            out.append({"row": row, "issues": messages})
    return out


def _profile(profile: Profile | str) -> Profile:
    return profile if isinstance(profile, Profile) else load_profile(profile)


class _Collector:
    """Issues of one file, each check capped so that a bad million-row file stays cheap."""

    def __init__(self, file: str):
        self.file = file
        self.items: list[Issue] = []
        self.more = False
        self.labels: dict[str, str] = {}

    def label(self, f: str) -> str:
        """A field's column as the user sees it: the header name, or e.g. 款（8列目）."""
        return self.labels.get(f, FIELDS[f])

    def add(self, message: str, row: int | None = None, column: str = "") -> None:
        self.items.append(Issue(message, file=self.file, row=row, column=column))

    def rows(self, bad: pl.DataFrame, column: str, message) -> None:
        """One issue per row of ``bad`` (columns ``row`` and optionally ``value``)."""
        if isinstance(bad, pl.LazyFrame):
            bad = bad.head(MAX_ISSUES + 1).collect()
        if bad.height > MAX_ISSUES:
            self.more = True
        for rec in bad.head(MAX_ISSUES).iter_rows(named=True):
            self.add(message(rec) if callable(message) else message, rec["row"], column)

    def result(self) -> list[Issue]:
        items = sorted(self.items, key=lambda i: (i.row if i.row is not None else -1))
        if len(items) > MAX_ISSUES or self.more:
            items = items[:MAX_ISSUES]
            items.append(Issue(
                f"問題が{MAX_ISSUES:,}件を超えたため、ここまでを表示しています。まずこれらを直してください",
                file=self.file,
            ))
        return items


# --- the file as a whole --------------------------------------------------------------


def _magic_issue(head: bytes, profile: Profile) -> str | None:
    if not head:
        return "ファイルが空です"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        if profile.format == "xlsx":
            return "Excelファイル(xlsx)の取込はまだできません。CSVで保存してください"
        return "Excelファイル(xlsx)です。CSVで保存してください"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "古い形式のExcelファイル(xls)です。CSVで保存してください"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "文字コードが UTF-16 です。UTF-8 または Shift_JIS(CP932) のCSVで保存してください"
    if head.startswith((b"\x1f\x8b", b"%PDF", b"Rar!", b"7z\xbc\xaf")):
        return "CSVファイルではありません（圧縮ファイルやPDFなど）。CSVで保存してください"
    if b"\x00" in head:
        return "CSVファイルではありません（バイナリファイルです）。CSVで保存してください"
    return None


def _bad_byte_row(src, encodings: Iterable[str]) -> int | None:
    """The first line that decodes in none of ``encodings``."""
    src.seek(0)
    for n, line in enumerate(src, start=1):
        if b"\x00" in line:
            return n
        text = line[3:] if n == 1 and line.startswith(codecs.BOM_UTF8) else line
        for enc in encodings:
            try:
                text.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            return n
    return None


def _widths(path: str, sep: str, header: bool, col: _Collector) -> tuple[int, list[int] | None] | None:
    """Check every non-blank record has the same number of fields.

    Returns (width, record start lines, or None when record i simply starts on line
    i + 1 + header); None after reporting a problem. The lines are read by polars as one
    column and counted vectorised; a quoted cell holding a line break (or a control
    character 0x1f) sends the file through the csv module instead."""
    first = _first_line(path)
    if first is None:
        col.add("ファイルにデータがありません")
        return None
    first_row, first_line = first
    if first_line.count('"') % 2 or "\x1f" in first_line:
        return _widths_csv(path, sep, header, col)
    width = next(csv.reader([first_line], delimiter=sep))
    width = len(width)
    lines = pl.scan_csv(
        path, has_header=False, separator="\x1f", quote_char=None, infer_schema=False,
        new_columns=["line"], truncate_ragged_lines=True, raise_if_empty=False,
    ).with_row_index("row", offset=1)
    line = pl.col("line").str.strip_chars_end("\r")
    quoted = line.str.contains('"', literal=True)
    bare = pl.when(quoted).then(line.str.replace_all('"[^"]*"', "")).otherwise(line)
    info = lines.select(
        pl.col("row").cast(pl.Int64),
        (bare.str.count_matches(sep, literal=True) + 1).cast(pl.Int64).alias("w"),
        (quoted & (line.str.count_matches('"', literal=True) % 2 == 1)).fill_null(False).alias("odd"),
        line.str.contains("\x1f", literal=True).fill_null(False).alias("us"),
        (line.str.strip_chars().fill_null("") == "").alias("blank"),
    ).filter(~pl.col("blank"))
    odd, last, n, bad = pl.collect_all([
        info.select((pl.col("odd") | pl.col("us")).any()),
        info.select(pl.col("row").max()),
        info.select(pl.len()),
        info.filter((pl.col("w") != width) & (pl.col("row") > (first_row if header else 0)))
        .select("row", "w").head(MAX_ISSUES + 1),
    ], engine="streaming")
    if odd.item():
        return _widths_csv(path, sep, header, col)
    if header and n.item() <= 1:
        col.add("見出し行だけで、データ行がありません")
        return None
    return _width_issues(list(bad.iter_rows()), width, last.item(), header, col, None)


def _first_line(path: str) -> tuple[int, str] | None:
    with open(path, encoding="utf-8", newline="") as f:
        for n, line in enumerate(f, start=1):
            if line.strip():
                return n, line.rstrip("\r\n")
    return None


def _widths_csv(path: str, sep: str, header: bool, col: _Collector) -> tuple[int, list[int] | None] | None:
    bad, width, starts, last = [], None, [], 0
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter=sep)
        prev = 0
        for rec in reader:
            start, prev = prev + 1, reader.line_num
            if not any(c.strip() for c in rec):
                if width is not None:
                    starts.append(start)  # polars keeps it as an empty row
                continue
            w = len(rec)
            if width is None:
                width = w
                if header:
                    continue
            starts.append(start)
            if w != width:
                bad.append((start, w))
            last = start
    if width is None:
        col.add("ファイルにデータがありません")
        return None
    if not last:
        col.add("見出し行だけで、データ行がありません")
        return None
    return _width_issues(bad, width, last, header, col, starts)


def _width_issues(bad, width, last, header, col, starts):
    if not bad:
        return width, starts
    what = "見出し" if header else "1行目"
    for n, w in bad[:MAX_ISSUES]:
        if n == last and w < width:
            col.add(f"最後の行が途中で切れているようです（{w}列しかありません。{what}は{width}列）。"
                    "ファイルを書き出し直してください", n)
        else:
            col.add(f"列の数が{w}です。{what}と同じ{width}列にしてください", n)
    col.more = col.more or len(bad) > MAX_ISSUES
    return None


@contextmanager
def _utf8_copy(path: Path, profile, col: _Collector, header: bool
               ) -> Iterator[tuple[str, int, list[int] | None] | None]:
    """The file checked as a whole (it opens, is not binary nor too large, reads in the
    ``profile``'s encoding — a cash :class:`Profile` or an asset-register profile —, every
    record as wide as the first) and transcoded to a temporary UTF-8 copy, kept while the
    block runs: (copy's path, width, record start lines, see :func:`_widths`), or None after
    reporting the problem to ``col``. Shared with :mod:`kokai.core.asset_profiles`."""
    try:
        size = path.stat().st_size
        src = open(path, "rb")  # noqa: SIM115  (closed below)
    except OSError as e:
        col.add(f"ファイルを開けません: {e.strerror}")
        yield None
        return
    with src, tempfile.NamedTemporaryFile(suffix=".csv") as utf8:
        if msg := _magic_issue(src.read(8), profile):
            col.add(msg)
            yield None
            return
        if size > MAX_BYTES:
            col.add(f"ファイルが大きすぎます（{MAX_BYTES >> 30}GBまで）")
            yield None
            return
        encs = {"auto": ("utf-8", "cp932"), "cp932": ("cp932",), "utf-8": ("utf-8",)}[profile.encoding]
        src.seek(0)
        if transcode_to_utf8(src, utf8, encs) is None:
            names = {"utf-8": "UTF-8", "cp932": "Shift_JIS(CP932)"}
            expected = " または ".join(names[e] for e in encs)
            row = _bad_byte_row(src, encs)
            col.add(f"文字コードが {expected} ではありません"
                    + ("（この行に読めない文字があります）" if row else "")
                    + f"。{expected} のCSVで保存してください", row)
            yield None
            return
        shape = _widths(utf8.name, profile.delimiter, header, col)
        yield None if shape is None else (utf8.name, *shape)


def _numbered(df: pl.DataFrame, starts: list[int] | None, first: int) -> pl.DataFrame:
    """``row``, the line each record starts on (``first`` for record 0 when records are
    single lines), in place of the record index ``_i``; blank records dropped."""
    if starts is not None and len(starts) == df.height:
        row = pl.Series(starts, dtype=pl.Int64).gather(df["_i"])
    else:
        row = df["_i"].cast(pl.Int64) + first
    return df.with_columns(row.alias("row")).drop("_i").filter(~pl.col("_blank_row"))


# --- reading ---------------------------------------------------------------------------


def _read(
    path: Path, profile: Profile, fiscal_year: int | None, file: str, keep: bool = False
) -> tuple[pl.DataFrame | None, list[Issue]]:
    col = _Collector(file)
    if profile.format != "csv" and profile.format != "xlsx":
        col.add(f"形式 {profile.format} は読めません")
        return None, col.result()
    with _utf8_copy(path, profile, col, profile.header) as copy:
        if copy is None:
            return None, col.result()
        utf8, width, starts = copy
        header = _header(utf8, profile.delimiter) if profile.header else []
        where = _where(profile, header, width, col)
        if where is None:
            return None, col.result()
        try:
            df = _cells(utf8, profile, where, width)
        except Exception as e:  # noqa: BLE001  (the width check passed; report, don't crash)
            col.add(f"CSVとして読めません: {str(e).splitlines()[0]}")
            return None, col.result()
    df = _numbered(df, starts, 2 if profile.header else 1)
    df = _parse(df, profile, fiscal_year, col)
    if col.items and not keep:
        return None, col.result()
    return df, col.result()


def _header(path: str, sep: str) -> list[str]:
    with open(path, encoding="utf-8", newline="") as f:
        return [h.strip() for h in next(csv.reader(f, delimiter=sep), [])]


def _where(profile: Profile, header: list[str], width: int, col: _Collector) -> dict[str, int] | None:
    """The 0-based column of each mapped field; None after reporting missing columns."""
    where: dict[str, int] = {}
    missing = []
    for f, ref in profile.columns.items():
        if profile.header:
            hits = [i for i, h in enumerate(header) if h == ref]
            if not hits and f not in REQUIRED_FIELDS:
                continue  # an optional column the file does not have
            if not hits:
                missing.append(f"{ref}（{FIELDS[f]}）" if ref != FIELDS[f] else ref)
                continue
            if len(hits) > 1:
                col.add(f"見出し「{ref}」が{len(hits)}回あります。列の名前を一つにしてください", 1)
                continue
            where[f] = hits[0]
            col.labels[f] = ref
        else:
            if ref > width:
                missing.append(f"{ref}列目（{FIELDS[f]}）")
                continue
            where[f] = ref - 1
            col.labels[f] = f"{FIELDS[f]}（{ref}列目）"
    if missing:
        if profile.header:
            col.add(f"見出し行に列 {'、'.join(missing)} がありません。プロファイル「{profile.name}」の見出しと"
                    "合わせてください", 1)
        else:
            col.add(f"列が{width}列しかなく、{'、'.join(missing)} がありません。"
                    f"プロファイル「{profile.name}」の列の位置を確認してください", 1)
    return None if col.items else where


def _cells(path: str, profile: Profile, where: dict[str, int], width: int) -> pl.DataFrame:
    """Our fields out of the file (trimmed, blank → null), ``_i`` the record index and
    ``_blank_row`` whether the whole record is blank. Read streaming: only the mapped
    columns are ever held."""
    lf = pl.scan_csv(
        path, has_header=profile.header, infer_schema=False, separator=profile.delimiter,
        raise_if_empty=False, truncate_ragged_lines=False,
    ).with_row_index("_i")
    cells, blank = [], []
    for f, i in where.items():
        c = pl.nth(i + 1).str.strip_chars()
        cells.append(pl.when(c == "").then(None).otherwise(c).alias(f))
        blank.append(c.fill_null("") == "")
    blank += [
        pl.nth(i + 1).is_null() | pl.nth(i + 1).str.contains(r"^\s*$")
        for i in range(width) if i not in set(where.values())
    ]
    df = lf.select("_i", *cells, pl.all_horizontal(blank).alias("_blank_row")).collect(
        engine="streaming"
    )
    if not df["_i"].is_sorted():
        df = df.sort("_i")
    return df.with_columns(pl.lit(None, pl.String).alias(f) for f in FIELDS if f not in where)


def _map(df: pl.DataFrame, f: str, fn, dtype, col: _Collector, values: pl.Series | None = None) -> pl.Expr:
    """Map a field's distinct values through ``fn``; report the rows whose value fails.
    Returns an expression giving the mapped value (null for failures and blanks)."""
    table: dict = {}
    errors: dict = {}
    for v in (values if values is not None else df[f]).drop_nulls().unique().to_list():
        try:
            table[v] = fn(v)
        except ValueError as e:
            errors[v] = str(e)
    if errors:
        bad = df.lazy().filter(pl.col(f).is_in(list(errors))).select("row", pl.col(f).alias("value"))
        col.rows(bad, col.label(f), lambda r: errors[r["value"]])
    if not table:
        return pl.lit(None, dtype)
    return pl.col(f).replace_strict(table, default=None, return_dtype=dtype)


def _date_parser(style: str):
    def parse(text: str) -> dt.date:
        d = parse_date(text)
        s = jaconv.z2h(text.strip(), kana=False, ascii=True, digit=True)
        wareki = s[:1] in "令平昭RHSrhs"
        if style == "seireki" and wareki:
            raise ValueError(f"日付「{text}」は和暦です。このプロファイルは西暦（2024-04-01）だけを受け付けます")
        if style == "wareki" and not wareki:
            raise ValueError(f"日付「{text}」は西暦です。このプロファイルは和暦（R6.4.1）だけを受け付けます")
        return d
    return parse


def _code(text: str) -> str:
    s = jaconv.z2h(text, kana=False, ascii=True, digit=True).strip()
    return str(int(s)) if s.isdigit() else s


def _line_no(text: str) -> int:
    s = jaconv.z2h(text, kana=False, ascii=True, digit=True).strip()
    if not s.isdigit() or len(s) > 9:
        raise ValueError(f"行番号「{text}」は整数にしてください")
    return int(s)


def _coded(table, names: tuple[str, ...], label: str, blank: str | None = None):
    """A parser for a coded field: the profile's codes, then the canonical names."""
    allowed = ", ".join(f"{k}({v})" for k, v in table.items() if k) or "なし"
    accepted = "、".join(names)

    def parse(text: str) -> str:
        key = norm_code(text)
        if key in table:
            return table[key]
        if text.strip() in names:
            return text.strip()
        raise ValueError(f"{label}「{text}」は不明なコードです。使えるのはコード {allowed}、"
                         f"または {accepted} です")
    return parse


def _parse(df: pl.DataFrame, prof: Profile, fiscal_year: int | None, col: _Collector) -> pl.DataFrame:
    mapped = set(col.labels)  # the fields the file has
    label = col.label

    # Total rows and rows without a voucher: refused, and not checked further.
    def says_total(f: str) -> pl.Expr:
        return pl.col(f).str.replace_all(r"[\s\u3000]", "").str.contains(_TOTAL_RE).fill_null(False)

    no_voucher = df.lazy().filter(pl.col("voucher_no").is_null()).select(
        "row", *(f for f in FIELDS if f in mapped)
    ).collect()
    def ends_total(f: str) -> pl.Expr:  # 総務費計, 【合計】 … but not 一般会計
        c = pl.col(f).str.replace_all(r"[\s\u3000\]】）)>＞〕]", "")
        return (c.str.ends_with("計") & ~c.str.ends_with("会計")).fill_null(False)

    total = no_voucher.filter(
        pl.col("amount").is_not_null()
        | pl.any_horizontal(says_total(f) | ends_total(f) for f in FIELDS if f in mapped)
    )
    col.rows(total.select("row"), label("voucher_no"), "合計行のようです。データ行だけにしてください")
    col.rows(no_voucher.filter(~pl.col("row").is_in(total["row"].implode())).select("row"), label("voucher_no"),
             "伝票番号がありません")
    voucher_total = df.lazy().filter(pl.col("voucher_no").is_not_null() & says_total("voucher_no")).select(
        "row"
    ).collect()
    col.rows(voucher_total.select("row"), label("voucher_no"), "合計行のようです。データ行だけにしてください")
    if no_voucher.height:
        df = df.filter(pl.col("voucher_no").is_not_null())
    if voucher_total.height:
        df = df.filter(~pl.col("row").is_in(voucher_total["row"].implode()))

    # Required cells.
    for f in ("fund", "direction", "kan", "kou", "moku", "date", "amount"):
        col.rows(df.lazy().filter(pl.col(f).is_null()).select("row"), label(f), f"{FIELDS[f]}が空です")

    # Amounts: plain integers (with or without commas) vectorised, the rest via parse_amount.
    plain = pl.col("amount").str.contains(_INT_RE) | pl.col("amount").str.contains(_COMMA_INT_RE)
    odd = df.lazy().filter(~plain.fill_null(True)).select("amount").collect()["amount"]
    slow = _map(df, "amount", parse_amount, pl.Int64, col, values=odd)
    amount = pl.when(plain).then(
        pl.col("amount").str.replace_all(",", "", literal=True).cast(pl.Int64, strict=False)
    ).otherwise(slow)

    date = _map(df, "date", _date_parser(prof.date_style), pl.Date, col)
    if "voucher_type" in mapped:
        if "" in prof.voucher_types:
            df = df.with_columns(pl.col("voucher_type").fill_null(""))
        else:
            col.rows(df.lazy().filter(pl.col("voucher_type").is_null()).select("row"), label("voucher_type"),
                     '伝票種別が空です。プロファイルの [voucher_types] に "" = "通常" と書くと空欄を通常として読みます')
        vtype = _map(df, "voucher_type", _coded(prof.voucher_types, VOUCHER_TYPES, "伝票種別"), pl.String, col)
    else:
        vtype = pl.lit("通常")
    direction = _map(df, "direction", _coded(prof.directions, DIRECTIONS, "歳入歳出区分"), pl.String, col)
    carry = _map(df, "carryover", _coded(prof.carryover, CARRYOVERS, "繰越区分"), pl.String, col)
    arrears = _map(df, "arrears", _coded(prof.arrears, ARREARS, "現年滞繰区分"), pl.String, col)
    line_no = _map(df, "line_no", _line_no, pl.Int32, col)

    if "fiscal_year" in mapped:
        fy = _map(df, "fiscal_year", parse_fiscal_year, pl.Int32, col)
        if fiscal_year is None:
            col.rows(df.lazy().filter(pl.col("fiscal_year").is_null()).select("row"), label("fiscal_year"),
                     "会計年度が空です")
        else:
            fy = fy.fill_null(pl.lit(fiscal_year, pl.Int32))
    else:
        if fiscal_year is None and df.height:
            col.add("会計年度がわかりません。ファイルに会計年度の列を置くか、取り込む年度を指定してください")
        fy = pl.lit(fiscal_year, pl.Int32)

    custodial = [norm_code(c) for c in prof.custodial_funds]
    df = df.with_columns(
        amount.alias("_amount"), date.alias("date"), vtype.alias("voucher_type"),
        direction.alias("_direction"), carry.fill_null("現年").alias("carryover"),
        arrears.alias("_arrears"), line_no.alias("line_no"), fy.alias("fiscal_year"),
        _halfwidth("fund"), _halfwidth("voucher_no"),
        *(_map(df, f, _code, pl.String, col).alias(f) for f in CODE_FIELDS),
    ).with_columns(_norm_code_expr("fund").is_in(custodial).fill_null(False).alias("custodial"))

    # The 会計年度 and the 出納整理期間.
    if "fiscal_year" in mapped and fiscal_year is not None:
        bad = df.lazy().filter(pl.col("fiscal_year") != fiscal_year).select("row", pl.col("fiscal_year").alias("value"))
        col.rows(bad, label("fiscal_year"),
                 lambda r: f"会計年度が{r['value']}年度です。取り込む年度は{fiscal_year}年度です")
    start = pl.date(pl.col("fiscal_year"), 4, 1)
    end = pl.date(pl.col("fiscal_year") + 1, 5, 31)
    bad = df.lazy().filter((pl.col("date") < start) | (pl.col("date") > end)).select(
        "row", "fiscal_year", pl.col("date").alias("value")
    )
    col.rows(bad, label("date"), lambda r: (
        f"日付 {r['value']:%Y-%m-%d} は{r['fiscal_year']}年度の外です。{r['fiscal_year']}年4月1日から"
        f"{r['fiscal_year'] + 1}年5月31日（出納整理期間）までの日付にしてください"
    ))

    # 節 is needed for 歳出 (the conversion keys on it).
    col.rows(df.lazy().filter((pl.col("_direction") == "歳出") & pl.col("setsu").is_null()).select("row"),
             label("setsu"), "歳出の節が空です")

    # 戻入 / 戻出: the right side, and the sign the profile promises.
    for vt, side in REFUNDS.items():
        col.rows(df.lazy().filter((pl.col("voucher_type") == vt) & (pl.col("_direction") != side)).select("row"),
                 label("voucher_type"), f"{vt}は{side}に対するものです。歳入歳出区分か伝票種別を確認してください")
    refund = pl.col("voucher_type").is_in(list(REFUNDS))
    if prof.amount_style == "plain":
        wrong, signed = refund & (pl.col("_amount") < 0), pl.when(refund).then(-pl.col("_amount"))
        signed = signed.otherwise(pl.col("_amount"))
        why = 'の金額が負です。このプロファイル（amount_style = "plain"）では戻入・戻出も正の金額で書きます'
    else:
        wrong, signed = refund & (pl.col("_amount") > 0), pl.col("_amount")
        why = 'の金額が正です。このプロファイル（amount_style = "refund_negative"）では戻入・戻出を負の金額で書きます'
    col.rows(df.lazy().filter(wrong).select("row", pl.col("voucher_type").alias("value")), label("amount"),
             lambda r: r["value"] + why)

    # 伝票番号 + 行番号 unique per year, fund and side.
    keys = ["fiscal_year", "fund", "_direction", "voucher_no"]
    if "line_no" not in mapped:
        df = df.with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int32).over(keys).alias("line_no"))
    # Hash first (8 bytes a row), then group only the rows whose hash repeats.
    dup = (
        df.lazy()
        .filter(pl.all_horizontal(pl.col(*keys, "line_no").is_not_null()))
        .filter(pl.struct(*keys, "line_no").hash().is_duplicated())
        .collect()
        .group_by(*keys, "line_no")
        .agg(pl.col("row"))
        .filter(pl.col("row").list.len() > 1)
        .sort(pl.col("row").list.first())
    )
    if dup.height > MAX_ISSUES:
        col.more = True
    for rec in dup.head(MAX_ISSUES).iter_rows(named=True):
        for r in rec["row"]:
            others = "、".join(str(o) for o in rec["row"] if o != r)
            col.add(f"伝票番号 {rec['voucher_no']} 行番号 {rec['line_no']} が重複しています（{others}行目と同じです）",
                    r, label("voucher_no"))

    return df.select(
        "row", "fiscal_year", "fund",
        pl.col("_direction").replace_strict({"歳入": "R", "歳出": "E"}, default=None, return_dtype=pl.String)
        .alias("direction"),
        *CODE_FIELDS, "kan_name", "kou_name", "moku_name", "setsu_name", "saisetsu_name",
        "voucher_no", "line_no", "date", signed.alias("amount"), "voucher_type", "dept", "counterparty",
        "description", "program", "carryover",
        pl.when(pl.col("_direction") == "歳入").then(pl.col("_arrears").fill_null("現年")).alias("arrears"),
        "custodial",
    ).select([pl.col(c).cast(t) for c, t in CASH_SCHEMA.items()])


_FW = [chr(c) for c in range(0xFF01, 0xFF5F)] + ["\u3000"]
_HW = [chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)] + [" "]


def _halfwidth(f: str) -> pl.Expr:
    """Full-width ASCII (Ａ-Ｚ, ０-９, －) and the ideographic space → half-width."""
    return pl.when(pl.col(f).str.contains("[\uff01-\uff5e\u3000]")).then(
        pl.col(f).str.replace_many(_FW, _HW)
    ).otherwise(pl.col(f)).alias(f)


def _norm_code_expr(f: str) -> pl.Expr:
    """Vectorised :func:`~kokai.core.profiles.norm_code` of a half-width column."""
    s = pl.col(f).str.strip_chars()
    digits = s.str.strip_chars_start("0")
    return pl.when(s.str.contains(r"^[0-9]+$")).then(
        pl.when(digits == "").then(pl.lit("0")).otherwise(digits)
    ).otherwise(s)


# --- sample data (tests and benchmarks) ------------------------------------------------

_SAMPLE_E = [  # (款, 款名, 項, 項名, 目, 目名, 節, 節名)
    ("2", "総務費", "1", "総務管理費", "1", "一般管理費", "1", "報酬"),
    ("2", "総務費", "1", "総務管理費", "1", "一般管理費", "2", "給料"),
    ("2", "総務費", "1", "総務管理費", "1", "一般管理費", "10", "需用費"),
    ("2", "総務費", "1", "総務管理費", "5", "財産管理費", "12", "委託料"),
    ("3", "民生費", "1", "社会福祉費", "1", "社会福祉総務費", "19", "扶助費"),
    ("8", "土木費", "2", "道路橋りょう費", "3", "道路新設改良費", "14", "工事請負費"),
    ("10", "教育費", "2", "小学校費", "1", "学校管理費", "17", "備品購入費"),
    ("12", "公債費", "1", "公債費", "1", "元金", "22", "償還金、利子及び割引料"),
]
_SAMPLE_R = [
    ("1", "市税", "1", "市民税", "1", "個人", "1", "現年課税分"),
    ("1", "市税", "1", "市民税", "1", "個人", "2", "滞納繰越分"),
    ("1", "市税", "2", "固定資産税", "1", "固定資産税", "1", "現年課税分"),
    ("10", "地方交付税", "1", "地方交付税", "1", "地方交付税", "1", "地方交付税"),
    ("14", "使用料及び手数料", "1", "使用料", "3", "土木使用料", "1", "道路占用料"),
    ("15", "国庫支出金", "1", "国庫負担金", "1", "民生費国庫負担金", "1", "社会福祉費負担金"),
]
_SAMPLE_PARTIES = ["㈱髙島建設", "山田太郎", "有限会社①商事", "ﾀﾅｶ ｼｮｳｼﾞ", "國分寺市", "株式会社サンプル"]
_SAMPLE_DEPTS = ["総務課", "財政課", "税務課", "福祉課", "建設課", "教育総務課"]


def write_sample(path: str | Path, n: int, profile: Profile | str = "standard", *,
                 fiscal_year: int = 2024, encoding: str | None = None, wareki: bool | None = None) -> None:
    """Write ``n`` realistic, valid cash records in a profile's layout (for tests and the
    1,000,000-row benchmark). Dates run over the year and its 出納整理期間; about 3 % are
    戻入 and 2 % 戻出; 2 % are in 歳計外 (the first of ``custodial_funds``). ``encoding``
    defaults to CP932 unless the profile says UTF-8; ``wareki`` (R6.4.1 dates) defaults
    to True for profiles without a header line."""
    prof = _profile(profile)
    enc = encoding or ("utf-8" if prof.encoding == "utf-8" else "cp932")
    wareki = (not prof.header) if wareki is None else wareki

    def code(table, value: str) -> str:
        return next((k for k, v in table.items() if v == value and k.isdigit()), value)

    def h(salt: int, mod: int, per_voucher: bool = False) -> pl.Expr:
        key = pl.col("i") // 3 if per_voucher else pl.col("i")
        return (key.hash(salt) % mod).cast(pl.Int64)

    start = dt.date(fiscal_year, 4, 1)
    days = [start + dt.timedelta(days=i) for i in range((dt.date(fiscal_year + 1, 5, 31) - start).days + 1)]
    if wareki:
        dates = [f"R{d.year - 2018}.{d.month}.{d.day}" if d.year > 2018 else f"{d:%Y-%m-%d}" for d in days]
    else:
        dates = [f"{d:%Y-%m-%d}" for d in days]
    amounts = [1000 * (1 + (i * 7919) % 5000) + (i * 37) % 1000 for i in range(5000)]
    comma = not prof.header
    amount_text = [f"{a:,}" if comma else str(a) for a in amounts]
    fund = "01"
    custodial = prof.custodial_funds[0] if prof.custodial_funds else "90"
    base = pl.select(pl.int_range(n, dtype=pl.Int64).alias("i")).with_columns(
        h(1, 100, True).alias("r_dir"), h(2, 100, True).alias("r_vt"), h(3, len(days), True).alias("r_date"),
        h(4, 5000).alias("r_amt"), h(5, len(_SAMPLE_E)).alias("r_e"), h(6, len(_SAMPLE_R)).alias("r_r"),
        h(7, len(_SAMPLE_PARTIES)).alias("r_party"), h(8, len(_SAMPLE_DEPTS), True).alias("r_dept"),
        h(9, 100, True).alias("r_fund"),
    )
    revenue = pl.col("r_dir") < 20
    vt = (pl.when(revenue & (pl.col("r_vt") < 2)).then(pl.lit("戻出"))
          .when(~revenue & (pl.col("r_vt") < 3)).then(pl.lit("戻入")).otherwise(pl.lit("通常")))

    def pick(items, idx: str, k: int) -> pl.Expr:
        return pl.col(idx).replace_strict(dict(enumerate(x[k] for x in items)), return_dtype=pl.String)

    cols = {
        "fiscal_year": pl.lit(str(fiscal_year)),
        "fund": pl.when(pl.col("r_fund") < 2).then(pl.lit(custodial)).otherwise(pl.lit(fund)),
        "direction": pl.when(revenue).then(pl.lit(code(prof.directions, "歳入")))
        .otherwise(pl.lit(code(prof.directions, "歳出"))),
        "voucher_no": (pl.col("i") // 3 + 1).cast(pl.String).str.zfill(7),
        "line_no": (pl.col("i") % 3 + 1).cast(pl.String),
        "date": pl.col("r_date").replace_strict(dict(enumerate(dates)), return_dtype=pl.String),
        "voucher_type": vt,
        "dept": pl.col("r_dept").replace_strict(dict(enumerate(_SAMPLE_DEPTS)), return_dtype=pl.String),
        "counterparty": pl.col("r_party").replace_strict(dict(enumerate(_SAMPLE_PARTIES)),
                                                         return_dtype=pl.String),
        "description": pl.format("令和{}年度 {}分 第{}回", pl.lit(fiscal_year - 2018), pl.col("r_date") % 12 + 1,
                                 pl.col("r_amt") % 9 + 1),
        "program": pl.lit(None, pl.String),
        "carryover": pl.lit(None, pl.String),
        "arrears": pl.lit(None, pl.String),
        "saisetsu": pl.lit(None, pl.String),
        "saisetsu_name": pl.lit(None, pl.String),
    }
    for k, f in enumerate(("kan", "kan_name", "kou", "kou_name", "moku", "moku_name", "setsu", "setsu_name")):
        cols[f] = pl.when(revenue).then(pick(_SAMPLE_R, "r_r", k)).otherwise(pick(_SAMPLE_E, "r_e", k))
    amt = pl.col("r_amt").replace_strict(dict(enumerate(amount_text)), return_dtype=pl.String)
    if prof.amount_style == "refund_negative":
        amt = pl.when(vt != "通常").then(pl.lit("-") + amt).otherwise(amt)
    cols["amount"] = amt
    df = base.with_columns(vt.alias("_vt")).with_columns(
        pl.col("_vt").replace_strict({v: code(prof.voucher_types, v) for v in VOUCHER_TYPES},
                                     return_dtype=pl.String).alias("voucher_type_code")
    )
    cols["voucher_type"] = pl.col("voucher_type_code")
    if prof.header:
        out = df.select(*(cols[f].alias(str(ref)) for f, ref in prof.columns.items()))
    else:
        width = max(prof.columns.values())
        by_pos = {ref: f for f, ref in prof.columns.items()}
        out = df.select(*(
            (cols[by_pos[p]] if p in by_pos else pl.lit(None, pl.String)).alias(f"c{p}") for p in range(1, width + 1)
        ))
    with tempfile.NamedTemporaryFile(suffix=".csv") as tmp:
        out.write_csv(tmp.name, include_header=prof.header, separator=prof.delimiter, line_terminator="\r\n")
        with open(tmp.name, encoding="utf-8", newline="") as src, open(path, "w", encoding=enc, newline="") as dst:
            while block := src.read(1 << 22):
                dst.write(block)
