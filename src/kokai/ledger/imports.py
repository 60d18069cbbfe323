"""Imports of whole files: all-or-nothing, idempotent, errors reported row by row."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction

from kokai.core.issues import InputRejected, Issue
from kokai.core.journal import Kind
from kokai.core.journal_csv import parse_journals
from kokai.core.journal_frame import frame_from_entries, read_journals
from kokai.core.opening_csv import parse_opening

from .masters import chart_for, fund_lookup
from .models import ImportBatch, JournalEntry, LocalGovernment
from .posting import post_frame

MAX_FILE_BYTES = 2 * 1024**3


@dataclass(frozen=True)
class ImportResult:
    file: str
    entries: int  # newly posted
    lines: int
    skipped: int  # already in the ledger with the same content
    already_imported: bool  # the very same file was imported before

    def summary(self) -> str:
        if self.already_imported:
            return f"{self.file}: 同じファイルは取込済みです。変更はありません"
        extra = f"（取込済みと同じ内容の {self.skipped:,} 件は変更なし）" if self.skipped else ""
        return f"{self.file}: 仕訳 {self.entries:,} 件（明細 {self.lines:,} 行）を転記しました{extra}"


def _check_size(path: Path) -> None:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InputRejected([Issue("ファイルが大きすぎます（2GB まで）。年度や会計区分で分けてください", file=path.name)])


def file_sha256(path: Path) -> str:
    """The file's SHA-256, read in 1 MB blocks: how an import recognises a file it has seen."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def _already(lg: LocalGovernment, kind: str, sha: str) -> bool:
    return ImportBatch.objects.filter(lg=lg, kind=kind, sha256=sha).exists()


def import_journals(*, lg: LocalGovernment, path: Path) -> ImportResult:
    """Import a 仕訳データ CSV; refuse the whole file if any row is bad."""
    _check_size(path)
    sha = file_sha256(path)
    if _already(lg, "journals", sha):
        return ImportResult(path.name, 0, 0, 0, True)
    chart, funds = chart_for(lg), fund_lookup(lg)
    frame = read_journals(path, file=path.name, chart=chart, funds=funds)  # fast, columnar
    if frame is None:  # something is off: the row-by-row parser finds and words it
        entries, issues = parse_journals(path.read_bytes(), file=path.name, chart=chart, funds=funds)
        if issues:
            raise InputRejected(issues)
        if not entries:
            raise InputRejected([Issue("取り込む仕訳がありません", file=path.name)])
        frame = frame_from_entries(entries)
    return _post(lg, "journals", path.name, sha, frame, chart)


def import_opening(*, lg: LocalGovernment, path: Path, fiscal_year: int, fund: str = "01") -> ImportResult:
    """Import the opening balance sheet of the first fiscal year kept in Kokai."""
    _check_size(path)
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    if _already(lg, "opening", sha):
        return ImportResult(path.name, 0, 0, 0, True)
    chart = chart_for(lg)
    funds = fund_lookup(lg)
    if fund not in funds:
        raise InputRejected([Issue(f"会計区分「{fund}」は登録されていません", file=path.name)])
    entry, issues = parse_opening(data, file=path.name, chart=chart, fiscal_year=fiscal_year, fund=funds[fund])
    if issues:
        raise InputRejected(issues)
    fund_entries = JournalEntry.objects.filter(lg=lg, fund__code=funds[fund])
    earlier = fund_entries.filter(fiscal_year__lt=fiscal_year).values_list("fiscal_year", flat=True).first()
    other = (  # each 会計区分 has one opening balance sheet, in its first year in Kokai
        fund_entries.filter(kind=Kind.OPENING, reversal__isnull=True).exclude(fiscal_year=fiscal_year)
        .values_list("fiscal_year", flat=True).first()
    )
    if earlier is not None or other is not None:
        raise InputRejected([Issue(
            f"この会計区分には{other or earlier}年度の{'開始残高' if other else '仕訳'}が既にあります。"
            "開始残高は最初の年度に1回だけ取り込みます。2年度目以降は前年度末の残高が自動で引き継がれます",
            file=path.name,
        )])
    reversed_before = fund_entries.filter(fiscal_year=fiscal_year, kind=Kind.OPENING, reversal__isnull=False).count()
    if reversed_before:  # a corrected opening after the earlier one was reversed
        entry = dataclasses.replace(entry, voucher_no=f"{entry.voucher_no}-{reversed_before + 1}")
    return _post(lg, "opening", path.name, sha, frame_from_entries([entry]), chart)


def _post(lg, kind, name, sha, frame, chart) -> ImportResult:
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(lg=lg, kind=kind, file_name=name[:255], sha256=sha)
            posted, skipped, lines = post_frame(lg=lg, frame=frame, chart=chart, batch_id=batch.id, file=name)
            ImportBatch.objects.filter(pk=batch.pk).update(entries=posted, lines=lines)
    except IntegrityError as e:  # a concurrent import of the same file, or a database guard
        raise InputRejected([Issue(f"データベースが取込を拒否しました: {e}", file=name)]) from e
    return ImportResult(name, posted, lines, skipped, False)
