"""期末一括仕訳: a year of 歳入歳出データ converted to cash journals by the conversion table.

Each record becomes a debit and a credit line by its rule (a 戻入 or 戻出 is the reverse
booking, since its amount is negative); the records of one 伝票 form one entry, numbered
``歳出-<伝票番号>`` / ``歳入-<伝票番号>``, with one line per account and side (the records
stay in the 歳入歳出データ, found by the 伝票番号). 繰越金 (a rule without accounts) makes no journal.
Records a rule marks as needing a decision are booked as the matching worksheet decided
(kokai.cash.worksheet), or provisionally by the rule until someone decides.

Converting again gives the same ledger as converting once: an entry whose content is
unchanged is left alone; a changed one is reversed (逆仕訳) and posted again as
``<voucher>#2`` …; an entry whose records are gone is reversed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import polars as pl
from django.db import transaction

from kokai.core.chart import Chart, ChartError
from kokai.core.issues import InputRejected, Issue
from kokai.core.journal import Kind
from kokai.core.journal_frame import ENTRY_SCHEMA, LINE_SCHEMA, JournalFrame
from kokai.core.matching import apply_decisions
from kokai.ledger.masters import chart_for
from kokai.ledger.models import ImportBatch, JournalEntry, LocalGovernment
from kokai.ledger.posting import post_frame
from kokai.ledger.reruns import against_earlier_runs, post_reversals

from .services import records_frame, rules_for
from .worksheet import decisions_frame

RECORD_COLUMNS = (
    "fiscal_year", "fund", "direction", "kan", "kou", "moku", "setsu", "saisetsu", "kan_name", "kou_name",
    "moku_name", "setsu_name", "saisetsu_name", "voucher_no", "line_no", "date", "amount", "voucher_type", "dept",
    "description", "arrears", "custodial",
)
NULLABLE = ("kou", "moku", "setsu", "saisetsu", "kan_name", "kou_name", "moku_name", "setsu_name", "saisetsu_name",
            "arrears")
PREFIX = {"E": "歳出-", "R": "歳入-"}


@dataclass(frozen=True)
class ConversionResult:
    records: int
    no_journal: int
    pending: int  # booked provisionally: a decision is needed
    posted: int
    unchanged: int
    reversed: int

    def summary(self) -> str:
        return (
            f"歳入歳出データ {self.records:,} 件を変換しました: 仕訳 {self.posted:,} 件を転記、"
            f"変更なし {self.unchanged:,} 件、逆仕訳 {self.reversed:,} 件、仕訳なし（繰越金など）{self.no_journal:,} 件。"
            + (f"判断が必要な {self.pending:,} 件は変換表の仮の仕訳で計上しています。" if self.pending else "")
        )


def to_journals(records: pl.DataFrame, ruled: pl.DataFrame, chart: Chart) -> tuple[JournalFrame, int, int]:
    """Journals from ruled records: (frame, records without a journal, records pending a decision)."""
    missing = ruled.filter(pl.col("rule_id").is_null())
    if missing.height:
        keys = (
            missing.group_by("direction", "kan", "kou", "moku", "setsu", "saisetsu")
            .agg(pl.len().alias("n"), pl.col("voucher_no").first(), pl.col("line_no").first())
            .sort("n", descending=True)
        )
        raise InputRejected([
            Issue(f"{'歳出' if d == 'E' else '歳入'} 款{kan} 項{kou or '-'} 目{moku or '-'} 節{setsu or '-'} 細節{ss or '-'}"
                  f" の変換規則がありません（{n:,}件、例: 伝票番号 {v} 行番号 {ln}）。"
                  "`kokai rules export` で変換表を書き出し、規則を加えて `kokai rules import` で戻してください")
            for d, kan, kou, moku, setsu, ss, n, v, ln in keys.head(100).iter_rows()
        ])
    no_journal = ruled.filter(pl.col("debit").is_null() | pl.col("credit").is_null()).height
    ruled = ruled.filter(pl.col("debit").is_not_null() & pl.col("credit").is_not_null())
    pending = ruled.filter(pl.col("decision").fill_null("") != "").height
    codes = {}
    for path in pl.concat([ruled["debit"], ruled["credit"]]).unique().to_list():
        try:
            codes[path] = chart.resolve(path).code
        except ChartError as e:
            raise InputRejected([Issue(f"変換表の科目「{path}」: {e}")]) from e
    ruled = ruled.with_columns(
        (pl.lit("") + pl.col("direction").replace_strict(PREFIX) + pl.col("voucher_no")).alias("entry_voucher")
    )
    key = ["fiscal_year", "fund", "entry_voucher"]
    entries = (
        ruled.sort("date", "line_no")
        .group_by(key, maintain_order=True)
        .agg(pl.col("date").first(), pl.col("dept").first(), pl.col("description").first())
        .with_row_index("idx")
        .with_columns(pl.col("idx").cast(pl.Int64))
    )
    with_idx = ruled.join(entries.select(*key, "idx"), on=key, how="left", maintain_order="left")
    lines = pl.concat([
        with_idx.select("idx", "line_no", pl.lit(0).alias("side"),
                        pl.col("debit").replace_strict(codes, return_dtype=pl.String).alias("account"), "amount"),
        with_idx.select("idx", "line_no", pl.lit(1).alias("side"),
                        pl.col("credit").replace_strict(codes, return_dtype=pl.String).alias("account"),
                        (-pl.col("amount")).alias("amount")),
    ]).sort("idx", "side", "line_no")
    # one line per account and side within a 伝票, as a 仕訳伝票 shows it
    lines = (
        lines.with_columns(pl.when(pl.col("amount") > 0).then(0).otherwise(1).alias("dc"))
        .group_by("idx", "dc", "account", maintain_order=True)
        .agg(pl.col("amount").sum())
        .filter(pl.col("amount") != 0)
        .select("idx", "account", "amount")
    )
    cf = {ln.code for ln in chart.lines if ln.statement == "CF"}
    kinds = lines.group_by("idx").agg(pl.col("account").is_in(list(cf)).any().alias("cash"))
    entries = entries.join(kinds, on="idx", how="left").with_columns(
        pl.when(pl.col("cash")).then(int(Kind.CASH)).otherwise(int(Kind.NON_CASH)).cast(pl.Int8).alias("kind")
    )
    frame = JournalFrame(
        entries.select(
            "idx", pl.col("fiscal_year").cast(pl.Int32), "date", "fund", pl.col("dept").fill_null(""), "kind",
            pl.col("entry_voucher").alias("voucher_no"), pl.col("description").fill_null(""),
            pl.lit(False).alias("opening"),
        ).cast(ENTRY_SCHEMA).sort("idx"),
        lines.cast(LINE_SCHEMA),
    )
    return frame, no_journal, pending


def convert_year(
    *, lg: LocalGovernment, fiscal_year: int, rules=None, records: pl.DataFrame | None = None
) -> ConversionResult:
    """Convert a year's cash records to journals and post them (re-runnable). ``records``
    may be given when the caller holds all of the year's records already."""
    from kokai.core.conversion import apply_rules

    chart = chart_for(lg)
    if records is None:
        records = records_frame(lg=lg, fiscal_year=fiscal_year, columns=RECORD_COLUMNS)
    else:
        records = records.filter(pl.col("fiscal_year") == fiscal_year).select(RECORD_COLUMNS)
    records = records.with_columns(
        *(pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c) for c in NULLABLE)
    )
    if records.height == 0:
        raise InputRejected([Issue(f"{fiscal_year}年度の歳入歳出データがありません。先に `kokai import cash` で取り込んでください")])
    table = rules or rules_for(lg)
    ruled = apply_rules(table, records)
    ruled = apply_decisions(ruled, decisions_frame(lg=lg, fiscal_year=fiscal_year), table)  # the worksheet's
    frame, no_journal, pending = to_journals(records, ruled, chart)
    with transaction.atomic():
        frame, unchanged, reversals = against_earlier_runs(lg=lg, fiscal_year=fiscal_year, frame=frame, batch_kind="conversion")
        key = f"{fiscal_year}:{len(frame)}:{unchanged}:{JournalEntry.objects.filter(lg=lg).count()}"
        batch = ImportBatch.objects.create(
            lg=lg, kind="conversion", file_name=f"{fiscal_year}年度 期末一括仕訳",
            sha256=hashlib.sha256(key.encode()).hexdigest(),
        )
        if reversals:
            post_reversals(lg=lg, pks=reversals, chart=chart, batch_id=batch.id, reason="再変換による取消")
        posted = post_frame(lg=lg, frame=frame, chart=chart, batch_id=batch.id)[0] if len(frame) else 0
        ImportBatch.objects.filter(pk=batch.pk).update(entries=posted)
    return ConversionResult(records.height, no_journal, pending, posted, unchanged, len(reversals))
