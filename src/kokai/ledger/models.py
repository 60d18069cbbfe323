"""Persistence of the ledger: 団体, 会計区分, 勘定科目, 仕訳 and 仕訳明細.

Posted entries are append-only. Besides the Python checks, database triggers (see
migration 0002) refuse any UPDATE or DELETE of a posted entry or line, and on PostgreSQL
refuse an INSERT that leaves an entry unbalanced.
"""

from __future__ import annotations

from django.db import models

from kokai.core.journal import KIND_LABELS


class LocalGovernment(models.Model):
    """地方公共団体: owns the books; everything is keyed by it."""

    lg_code = models.CharField("団体コード", max_length=6, unique=True)
    name = models.CharField("団体名", max_length=60)
    population = models.PositiveIntegerField("住民基本台帳人口", null=True, blank=True)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "団体"

    def __str__(self) -> str:
        return f"{self.lg_code} {self.name}"


class Fund(models.Model):
    """会計区分: 一般会計 or a 特別会計, with the reporting scope it belongs to."""

    GENERAL, WHOLE = 1, 2
    SCOPES = [(GENERAL, "一般会計等"), (WHOLE, "全体（公営事業会計）")]

    lg = models.ForeignKey(LocalGovernment, models.PROTECT, verbose_name="団体")
    code = models.CharField("会計区分コード", max_length=10)
    name = models.CharField("会計区分名", max_length=60)
    scope = models.PositiveSmallIntegerField("財務書類の範囲", choices=SCOPES, default=GENERAL)

    class Meta:
        verbose_name = verbose_name_plural = "会計区分"
        constraints = [
            models.UniqueConstraint(fields=["lg", "code"], name="fund_code_uniq"),
            models.UniqueConstraint(fields=["lg", "name"], name="fund_name_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Account(models.Model):
    """勘定科目 (a postable line of the standard chart) or a 団体's 補助科目 beneath one.

    The standard chart itself lives in kokai/core/data/chart.csv; this table mirrors its
    postable lines so that journal lines have a foreign key, and holds 補助科目.
    """

    code = models.CharField("科目コード", max_length=16, unique=True)
    statement = models.CharField("財務書類", max_length=2)
    name = models.CharField("科目名", max_length=60)
    path = models.CharField("科目パス", max_length=200)
    parent_code = models.CharField("親科目コード", max_length=16, blank=True)
    lg = models.ForeignKey(
        LocalGovernment, models.PROTECT, null=True, blank=True, verbose_name="団体（補助科目のみ）"
    )
    fa_group = models.PositiveSmallIntegerField("固定資産等形成分の区分", default=0)  # 0 -, 1 有形無形, 2 貸付金基金等
    nw_direct = models.BooleanField("純資産変動計算書に直接計上", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "勘定科目"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.statement}/{self.path}"


class ImportBatch(models.Model):
    """One posting run: an imported file (never imported twice: same SHA-256) or a
    reversal. Every entry belongs to one, which says where and when it came from."""

    lg = models.ForeignKey(LocalGovernment, models.PROTECT, verbose_name="団体")
    kind = models.CharField("種類", max_length=20)
    file_name = models.CharField("ファイル名", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    entries = models.PositiveIntegerField("仕訳数", default=0)
    lines = models.PositiveIntegerField("明細数", default=0)
    imported_at = models.DateTimeField("取込日時", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "転記履歴"
        constraints = [models.UniqueConstraint(fields=["lg", "kind", "sha256"], name="batch_file_uniq")]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.imported_at:%Y-%m-%d %H:%M}）"


class JournalEntry(models.Model):
    """仕訳: one balanced entry. Never updated or deleted once posted."""

    KINDS = [(int(k), label) for k, label in KIND_LABELS.items()]

    lg = models.ForeignKey(LocalGovernment, models.PROTECT, db_index=False, verbose_name="団体")
    fiscal_year = models.PositiveSmallIntegerField("会計年度")
    date = models.DateField("日付")
    fund = models.ForeignKey(Fund, models.PROTECT, db_index=False, verbose_name="会計区分")
    dept = models.CharField("所属", max_length=20, blank=True)
    kind = models.PositiveSmallIntegerField("種類", choices=KINDS)
    voucher_no = models.CharField("伝票番号", max_length=50)  # 40 from files, plus 取消- for reversals
    description = models.CharField("摘要", max_length=200, blank=True)
    batch = models.ForeignKey(ImportBatch, models.PROTECT, db_index=False, verbose_name="転記履歴")

    class Meta:
        verbose_name = verbose_name_plural = "仕訳"
        constraints = [
            models.UniqueConstraint(fields=["lg", "fiscal_year", "fund", "voucher_no"], name="entry_voucher_uniq")
        ]

    def __str__(self) -> str:
        return f"伝票 {self.voucher_no} {self.date} {self.description}"


class JournalLine(models.Model):
    """仕訳明細: a signed amount (debit +, credit −) on one account.

    lg, fiscal_year, fund and opening repeat the entry's values so that the ledger can be
    summed from this table alone (check L1); entries are immutable, so the copies cannot
    drift, and they are copies, so they carry no foreign-key constraint of their own.
    """

    entry = models.ForeignKey(JournalEntry, models.PROTECT, related_name="lines", verbose_name="仕訳")
    lg = models.ForeignKey(
        LocalGovernment, models.DO_NOTHING, db_index=False, db_constraint=False, verbose_name="団体"
    )
    fiscal_year = models.PositiveSmallIntegerField("会計年度")
    fund = models.ForeignKey(Fund, models.DO_NOTHING, db_index=False, db_constraint=False, verbose_name="会計区分")
    opening = models.BooleanField("開始残高", default=False)
    account = models.ForeignKey(Account, models.PROTECT, db_index=False, verbose_name="勘定科目")
    amount = models.BigIntegerField("金額（借方＋／貸方−）")

    class Meta:
        verbose_name = verbose_name_plural = "仕訳明細"
        constraints = [models.CheckConstraint(condition=~models.Q(amount=0), name="line_amount_nonzero")]

    def __str__(self) -> str:
        side = "借方" if self.amount > 0 else "貸方"
        return f"{side} {self.account} {abs(self.amount):,}円"


class Reversal(models.Model):
    """逆仕訳: which entry reverses which. An entry is reversed at most once."""

    original = models.OneToOneField(JournalEntry, models.PROTECT, related_name="reversal", verbose_name="取消対象")
    reversing = models.OneToOneField(JournalEntry, models.PROTECT, related_name="+", verbose_name="逆仕訳")

    class Meta:
        verbose_name = verbose_name_plural = "逆仕訳"


class LedgerBalance(models.Model):
    """Running total per (団体, 年度, 会計区分, 勘定科目, 開始残高?), kept by posting in the
    same transaction as the lines, so statements never rescan the ledger. ``kokai check``
    recomputes it from the lines (L1)."""

    lg = models.ForeignKey(LocalGovernment, models.PROTECT, db_index=False, verbose_name="団体")
    fiscal_year = models.PositiveSmallIntegerField("会計年度")
    fund = models.ForeignKey(Fund, models.PROTECT, db_index=False, verbose_name="会計区分")
    account = models.ForeignKey(Account, models.PROTECT, db_index=False, verbose_name="勘定科目")
    opening = models.BooleanField("開始残高", default=False)
    amount = models.BigIntegerField("金額（借方＋／貸方−）")

    class Meta:
        verbose_name = verbose_name_plural = "科目残高"
        constraints = [
            models.UniqueConstraint(fields=["lg", "fiscal_year", "fund", "account", "opening"], name="balance_uniq")
        ]


class NetAssetMove(models.Model):
    """The year's 固定資産等形成分 movements by NW row (kokai.core.summary), kept by posting."""

    lg = models.ForeignKey(LocalGovernment, models.PROTECT, db_index=False, verbose_name="団体")
    fiscal_year = models.PositiveSmallIntegerField("会計年度")
    fund = models.ForeignKey(Fund, models.PROTECT, db_index=False, verbose_name="会計区分")
    category = models.CharField("区分", max_length=30)
    amount = models.BigIntegerField("金額")

    class Meta:
        verbose_name = verbose_name_plural = "固定資産等の変動"
        constraints = [
            models.UniqueConstraint(fields=["lg", "fiscal_year", "fund", "category"], name="nwmove_uniq")
        ]


class Setting(models.Model):
    """A 団体's choice (物品の計上基準額, 賞与等引当金の計上方法 …) by namespaced key.

    The catalogue of keys with their defaults and labels is code (kokai.ledger.settings);
    a key without a row here has its documented default."""

    lg = models.ForeignKey(LocalGovernment, models.PROTECT, db_index=False, verbose_name="団体")
    key = models.CharField("設定項目", max_length=60)
    value = models.CharField("値", max_length=200)
    changed_at = models.DateTimeField("変更日時", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "団体の設定"
        constraints = [models.UniqueConstraint(fields=["lg", "key"], name="setting_uniq")]

    def __str__(self) -> str:
        return f"{self.key} = {self.value}"


class YearLock(models.Model):
    """決算の確定: once a year is closed, only its own closing run may post into it (a
    database trigger refuses every other entry); later corrections are entries of the
    next year. ``statements`` keeps the statements as published (JSON), for the prior-year
    tie (C14) of the next year."""

    lg = models.ForeignKey(LocalGovernment, models.PROTECT, db_index=False, verbose_name="団体")
    fiscal_year = models.PositiveSmallIntegerField("会計年度")
    locked_at = models.DateTimeField("確定日時", auto_now=True)
    statements = models.JSONField("確定時の財務書類", default=dict)

    class Meta:
        verbose_name = verbose_name_plural = "決算の確定"
        constraints = [models.UniqueConstraint(fields=["lg", "fiscal_year"], name="yearlock_uniq")]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度（確定）"
