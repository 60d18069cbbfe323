"""Parsing of the text found in Japanese accounting files: encodings, amounts, dates."""

from __future__ import annotations

import datetime as dt
import re

import jaconv

ENCODINGS = ("utf-8-sig", "cp932")


def decode(data: bytes) -> tuple[str, str]:
    """Decode a file as UTF-8 (with or without BOM) or CP932; return (text, encoding).

    CP932 (Windows-31J), never ``shift_jis``: the latter lacks NEC and IBM extensions
    such as ①, ㈱ and 髙 that real exports contain.
    """
    for enc in ENCODINGS:
        try:
            return data.decode(enc), ("utf-8" if enc == "utf-8-sig" else enc)
        except UnicodeDecodeError:
            continue
    raise ValueError("文字コードを判別できません。UTF-8 または Shift_JIS(CP932) で保存してください")


def transcode_to_utf8(src, dst, encodings=("utf-8", "cp932"), chunk: int = 1 << 23) -> str | None:
    """Copy binary stream ``src`` to ``dst`` as UTF-8 without BOM, in chunks (a large
    file is never one Python string); return the source encoding that worked, or None if
    it is none of ``encodings`` (or holds NUL bytes, as binary files do)."""
    import codecs

    start = src.tell()
    for enc in encodings:
        src.seek(start)
        dst.seek(0)
        dst.truncate()
        decoder = codecs.getincrementaldecoder(enc)()
        head = True
        try:
            while block := src.read(chunk):
                if head and block.startswith(codecs.BOM_UTF8):
                    block = block[3:]
                head = False
                text = decoder.decode(block)
                if "\x00" in text:
                    raise UnicodeDecodeError(enc, b"", 0, 1, "NUL")
                dst.write(text.encode("utf-8"))
            dst.write(decoder.decode(b"", final=True).encode("utf-8"))
        except UnicodeDecodeError:
            continue
        dst.flush()
        return enc
    return None


def parse_fiscal_year(text: str) -> int:
    """A 会計年度: 2024, 令和6年度, R6, 令和元年度, H31 …"""
    s = jaconv.z2h(text, kana=False, ascii=True, digit=True).replace(" ", "").removesuffix("年度").removesuffix("年")
    try:
        for era, base in (("令和", 2018), ("R", 2018), ("平成", 1988), ("H", 1988)):
            if s.upper().startswith(era):
                n = s[len(era):].lstrip(".")
                return base + (1 if n == "元" else int(n))
        if s.isdigit() and len(s) == 4:
            return int(s)
    except ValueError:
        pass
    raise ValueError(f"会計年度「{text}」を読めません。2024 や 令和6年度 の形で入力してください")


_NEG_MARKS = ("-", "−", "－", "▲", "△", "ー")
_AMOUNT_RE = re.compile(r"^\d+$")


def parse_amount(text: str) -> int:
    """Parse an integer yen amount: commas, full-width digits, ▲/△/− negatives, ``円``.

    Raises ValueError with a Japanese message for fractions or non-numbers.
    """
    s = jaconv.z2h(text.strip(), kana=False, ascii=True, digit=True)
    s = s.replace(",", "").replace("，", "").replace(" ", "").removesuffix("円")
    negative = False
    if s and s[0] in _NEG_MARKS:
        negative, s = True, s[1:]
    elif s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    if "." in s:
        whole, _, frac = s.partition(".")
        if frac.strip("0"):
            raise ValueError(f"金額「{text}」に1円未満の端数があります。円単位の整数で入力してください")
        s = whole
    if not _AMOUNT_RE.match(s):
        raise ValueError(f"金額「{text}」を数値として読めません。円単位の整数で入力してください")
    if len(s) > 15:
        raise ValueError(f"金額「{text}」が大きすぎます（15桁まで）")
    value = int(s)
    return -value if negative else value


_ERAS = {  # name -> (first day, aliases)
    "令和": (dt.date(2019, 5, 1), ("令和", "R", "r")),
    "平成": (dt.date(1989, 1, 8), ("平成", "H", "h")),
    "昭和": (dt.date(1926, 12, 25), ("昭和", "S", "s")),
}
_ISO_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_WAREKI_RE = re.compile(r"^(令和|平成|昭和|[RHSrhs])\.?(\d{1,2}|元)[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def parse_date(text: str) -> dt.date:
    """Parse 西暦 (2024-04-01, 2024/4/1, 20240401) or 和暦 (令和6年4月1日, R6.4.1, 令和元年…)."""
    s = jaconv.z2h(text.strip(), kana=False, ascii=True, digit=True).replace(" ", "")
    try:
        if m := _ISO_RE.match(s) or _COMPACT_RE.match(s):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _WAREKI_RE.match(s):
            era = next(start for start, aliases in _ERAS.values() if m[1] in aliases)
            year = era.year + (1 if m[2] == "元" else int(m[2])) - 1
            return dt.date(year, int(m[3]), int(m[4]))
    except ValueError:
        pass
    raise ValueError(f"日付「{text}」を読めません。2024-04-01 や 令和6年4月1日 の形で入力してください")


def fiscal_year_of(date: dt.date) -> int:
    """The 会計年度 a date falls in, ignoring the 出納整理期間."""
    return date.year if date.month >= 4 else date.year - 1


def in_year_or_closing_period(date: dt.date, fiscal_year: int) -> bool:
    """True if the date lies in the fiscal year or its 出納整理期間 (to 5/31 of the next year)."""
    return dt.date(fiscal_year, 4, 1) <= date <= dt.date(fiscal_year + 1, 5, 31)


def wareki_year(fiscal_year: int) -> str:
    """令和6年度 for 2024."""
    for name, (start, _aliases) in _ERAS.items():
        if fiscal_year >= start.year:
            n = fiscal_year - start.year + 1
            return f"{name}{'元' if n == 1 else n}年度"
    return f"{fiscal_year}年度"


def wareki_date(date: dt.date) -> str:
    """令和7年3月31日."""
    for name, (start, _aliases) in _ERAS.items():
        if date >= start:
            n = date.year - start.year + 1
            return f"{name}{'元' if n == 1 else n}年{date.month}月{date.day}日"
    return f"{date.year}年{date.month}月{date.day}日"
