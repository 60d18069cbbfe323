"""固定資産台帳: one record per asset in the recording unit of the 手引き, and its changes.

An asset's cost and accumulated depreciation are the sums of its changes (異動): an
acquisition adds cost, a depreciation run adds to the accumulated depreciation, a disposal
takes both away. Each change that moves the books refers to the journal entry it made.
"""

from __future__ import annotations

from django.db import models

from kokai.ledger.models import Fund, JournalEntry, LocalGovernment


class Asset(models.Model):
    """One asset (基本項目 of 別紙2, assets.md §2); 追加項目 go to ``extra``."""

    CLASSES = [("business", "事業用資産"), ("infrastructure", "インフラ資産"), ("movable", "物品"),
               ("intangible", "無形固定資産")]
    OWNERSHIP = [("owned", "所有"), ("leased", "リース"), ("not_owned", "所有外（管理のみ）")]
    VALUATION = [("cost", "取得原価"), ("replacement", "再調達原価"), ("memo", "備忘価額")]

    lg = models.ForeignKey(LocalGovernment, models.PROTECT, db_index=False, verbose_name="団体")
    fund = models.ForeignKey(Fund, models.PROTECT, db_index=False, verbose_name="会計区分")
    asset_no = models.CharField("資産番号", max_length=40)
    branch_no = models.PositiveIntegerField("枝番", default=0)
    name = models.CharField("資産名称", max_length=200)
    location = models.CharField("所在地", max_length=200, blank=True)
    dept = models.CharField("管理所属", max_length=60, blank=True)
    asset_class = models.CharField("資産区分", max_length=16, choices=CLASSES)
    kind = models.CharField("種目", max_length=16)  # 土地, 建物, 工作物 … (kokai.core.assets)
    account = models.CharField("勘定科目（パス）", max_length=200)
    ownership = models.CharField("所有区分", max_length=10, choices=OWNERSHIP, default="owned")
    legal_owner = models.CharField("所有者（所有外のとき）", max_length=100, blank=True)
    life_category = models.CharField("耐用年数の種類", max_length=100, blank=True)
    useful_life = models.PositiveSmallIntegerField("耐用年数", null=True, blank=True)
    acquired_on = models.DateField("取得年月日", null=True, blank=True)
    in_service = models.DateField("供用開始年月日", null=True, blank=True)
    valuation = models.CharField("評価方法", max_length=12, choices=VALUATION, default="cost")
    quantity = models.DecimalField("数量", max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField("単位", max_length=10, blank=True)
    purpose = models.CharField("行政目的", max_length=30, blank=True)
    funding = models.CharField("財源", max_length=200, blank=True)
    saleable = models.BooleanField("売却可能資産", default=False)
    is_art = models.BooleanField("美術品", default=False)
    disposed_on = models.DateField("除売却日", null=True, blank=True)
    extra = models.JSONField("追加項目", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "固定資産"
        constraints = [models.UniqueConstraint(fields=["lg", "asset_no", "branch_no"], name="asset_no_uniq")]

    def __str__(self) -> str:
        return f"{self.asset_no}-{self.branch_no} {self.name}"


class AssetChange(models.Model):
    """異動: a dated change to one asset, with its amounts and the entry it made."""

    REASONS = [
        ("opening", "開始残高"), ("purchase", "有償取得"), ("transfer_in", "無償所管換（受入）"),
        ("donation_in", "寄附受入"), ("found", "調査判明"), ("cip_transfer", "建設仮勘定から本勘定へ"),
        ("capital", "資本的支出"), ("depreciation", "減価償却"), ("retirement", "除却"), ("sale", "売却"),
        ("transfer_out", "無償所管換（払出）"), ("donation_out", "寄附（払出）"), ("reclass", "科目振替"),
        ("revaluation", "評価替"), ("correction", "訂正"),
    ]

    lg = models.ForeignKey(LocalGovernment, models.PROTECT, db_index=False, verbose_name="団体")
    asset = models.ForeignKey(Asset, models.PROTECT, related_name="changes", verbose_name="固定資産")
    fiscal_year = models.PositiveSmallIntegerField("会計年度")
    date = models.DateField("異動日")
    reason = models.CharField("異動事由", max_length=16, choices=REASONS)
    cost = models.BigIntegerField("取得価額の増減", default=0)
    accumulated = models.BigIntegerField("減価償却累計額の増減", default=0)
    entry = models.ForeignKey(JournalEntry, models.PROTECT, null=True, blank=True, db_index=False,
                              verbose_name="仕訳")
    note = models.CharField("摘要", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "異動"
        indexes = [models.Index(fields=["lg", "fiscal_year", "reason"], name="assetchange_year")]
