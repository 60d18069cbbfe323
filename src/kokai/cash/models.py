"""歳入歳出データ (cash records from the 財務会計 system) and the 決算額 they reconcile to."""

from __future__ import annotations

from django.db import models

from kokai.ledger.models import Fund, ImportBatch, LocalGovernment


class CashRecord(models.Model):
    """One line of a 財務会計 export: a receipt or payment on a budget item (予算科目).

    ``amount`` is the signed contribution to the item's total: a payment or receipt is
    positive, a 戻入 (against 歳出) or 戻出・還付 (against 歳入) negative.
    """

    DIRECTIONS = [("R", "歳入"), ("E", "歳出")]

    lg = models.ForeignKey(LocalGovernment, models.PROTECT, db_index=False, verbose_name="団体")
    batch = models.ForeignKey(ImportBatch, models.PROTECT, db_index=False, verbose_name="取込")
    row = models.PositiveIntegerField("ファイルの行")
    fiscal_year = models.PositiveSmallIntegerField("会計年度")
    fund = models.ForeignKey(Fund, models.PROTECT, db_index=False, verbose_name="会計区分")
    direction = models.CharField("歳入歳出", max_length=1, choices=DIRECTIONS)
    kan = models.CharField("款", max_length=10)
    kou = models.CharField("項", max_length=10, blank=True)
    moku = models.CharField("目", max_length=10, blank=True)
    setsu = models.CharField("節", max_length=10, blank=True)
    saisetsu = models.CharField("細節", max_length=10, blank=True)
    kan_name = models.CharField("款名", max_length=60, blank=True)
    kou_name = models.CharField("項名", max_length=60, blank=True)
    moku_name = models.CharField("目名", max_length=60, blank=True)
    setsu_name = models.CharField("節名", max_length=60, blank=True)
    saisetsu_name = models.CharField("細節名", max_length=60, blank=True)
    voucher_no = models.CharField("伝票番号", max_length=40)
    line_no = models.PositiveIntegerField("行番号")
    date = models.DateField("日付")
    amount = models.BigIntegerField("金額（戻入・戻出は負）")
    voucher_type = models.CharField("伝票種別", max_length=4)
    dept = models.CharField("所属", max_length=20, blank=True)
    counterparty = models.CharField("相手方", max_length=100, blank=True)
    description = models.CharField("摘要", max_length=200, blank=True)
    program = models.CharField("事業コード", max_length=20, blank=True)
    carryover = models.CharField("繰越区分", max_length=4, blank=True)
    arrears = models.CharField("現年滞繰区分", max_length=4, blank=True)
    custodial = models.BooleanField("歳計外現金", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "歳入歳出データ"
        constraints = [
            models.UniqueConstraint(
                fields=["lg", "fiscal_year", "fund", "direction", "voucher_no", "line_no"], name="cash_line_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.voucher_no}-{self.line_no} {self.amount:,}円"


class SettledAmount(models.Model):
    """決算額 of one budget item (款・項・目・節), as the 決算書 states it."""

    lg = models.ForeignKey(LocalGovernment, models.PROTECT, db_index=False, verbose_name="団体")
    fiscal_year = models.PositiveSmallIntegerField("会計年度")
    fund = models.ForeignKey(Fund, models.PROTECT, db_index=False, verbose_name="会計区分")
    direction = models.CharField("歳入歳出", max_length=1, choices=CashRecord.DIRECTIONS)
    kan = models.CharField("款", max_length=10)
    kou = models.CharField("項", max_length=10)
    moku = models.CharField("目", max_length=10)
    setsu = models.CharField("節", max_length=10)
    name = models.CharField("科目名", max_length=200, blank=True)
    amount = models.BigIntegerField("決算額")

    class Meta:
        verbose_name = verbose_name_plural = "決算額"
        constraints = [
            models.UniqueConstraint(
                fields=["lg", "fiscal_year", "fund", "direction", "kan", "kou", "moku", "setsu"], name="settled_uniq"
            )
        ]


class MatchingDecision(models.Model):
    """マッチングワークシートの判断: where one payment, or one part of it, is booked.

    A payment that a conversion rule marks as needing a decision (工事請負費, 公有財産購入費,
    備品購入費, 委託料 …) gets one row per part (``seq`` 1, 2 …); the parts' amounts add up
    to the payment. Several payments may build one new asset: they share ``asset_no``.
    Records whose rule leaves an account to choose (積立金 → which 基金, 国県支出金 → 業務 or
    投資 …) are decided on the sheet 「科目の判断」 with kind ``account``. Decisions are kept
    from year to year and across re-exports.
    """

    KINDS = [
        ("asset_new", "資産計上（新規資産）"),
        ("asset_existing", "資産計上（既存資産）"),
        ("cip", "建設仮勘定"),
        ("expense", "費用"),
        ("repair", "修繕費"),
        ("excluded", "対象外"),
        ("account", "勘定科目を指定"),  # 科目の判断: classify / purpose / split rules
    ]

    lg = models.ForeignKey(LocalGovernment, models.PROTECT, db_index=False, verbose_name="団体")
    fiscal_year = models.PositiveSmallIntegerField("会計年度")
    fund = models.ForeignKey(Fund, models.PROTECT, db_index=False, verbose_name="会計区分")
    direction = models.CharField("歳入歳出", max_length=1, choices=CashRecord.DIRECTIONS, default="E")
    voucher_no = models.CharField("伝票番号", max_length=40)
    line_no = models.PositiveIntegerField("行番号")
    seq = models.PositiveSmallIntegerField("分割番号", default=1)
    kind = models.CharField("判断", max_length=16, choices=KINDS)
    amount = models.BigIntegerField("金額")
    account = models.CharField("勘定科目（パス）", max_length=200, blank=True)
    asset_no = models.CharField("資産番号", max_length=40, blank=True)
    asset_name = models.CharField("資産名称", max_length=200, blank=True)
    asset_class = models.CharField("資産区分", max_length=20, blank=True)
    structure = models.CharField("構造", max_length=60, blank=True)
    use = models.CharField("用途", max_length=60, blank=True)
    useful_life = models.PositiveSmallIntegerField("耐用年数", null=True, blank=True)
    in_service = models.DateField("供用開始日", null=True, blank=True)
    quantity = models.CharField("数量", max_length=30, blank=True)
    unit = models.CharField("単位", max_length=10, blank=True)
    note = models.CharField("備考", max_length=200, blank=True)
    source = models.CharField("出典（ワークシート）", max_length=255, blank=True)
    decided_at = models.DateTimeField("登録日時", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "マッチングの判断"
        constraints = [
            models.UniqueConstraint(
                fields=["lg", "fiscal_year", "fund", "direction", "voucher_no", "line_no", "seq"],
                name="matching_part_uniq",
            )
        ]


class ConversionTable(models.Model):
    """A 団体's own 資金仕訳変換表 (the standard one, exported, edited and imported back).

    Kept as its CSV text, checked in full when imported; the newest one is used."""

    lg = models.ForeignKey(LocalGovernment, models.PROTECT, verbose_name="団体")
    text = models.TextField("変換表（CSV）")
    file_name = models.CharField("ファイル名", max_length=255)
    rules = models.PositiveIntegerField("規則数")
    imported_at = models.DateTimeField("取込日時", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "資金仕訳変換表"
        ordering = ["-imported_at", "-id"]
