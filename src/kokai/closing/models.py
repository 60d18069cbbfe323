"""What a closing run needs besides the ledger: the filled-in inputs of each item, the
record of each run (its working figures), and the 団体's 注記 template."""

from django.db import models

from kokai.ledger.models import LocalGovernment


class ClosingInput(models.Model):
    """The filled-in sheets of one closing item (kokai.core.closing) for a year, as typed
    rows (JSON). Re-importing a template replaces the item's rows; the run reads them."""

    lg = models.ForeignKey(LocalGovernment, models.PROTECT, db_index=False, verbose_name="団体")
    fiscal_year = models.PositiveSmallIntegerField("会計年度")
    item = models.CharField("項目", max_length=20)
    rows = models.JSONField("入力内容", default=dict)
    file_name = models.CharField("ファイル名", max_length=255, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    imported_at = models.DateTimeField("取込日時", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "決算整理の入力"
        constraints = [models.UniqueConstraint(fields=["lg", "fiscal_year", "item"], name="closinginput_uniq")]


class ClosingRun(models.Model):
    """One run of ``kokai close``: when, what it posted and reversed, and the working
    figures of every item (for the verification report and the 注記)."""

    lg = models.ForeignKey(LocalGovernment, models.PROTECT, db_index=False, verbose_name="団体")
    fiscal_year = models.PositiveSmallIntegerField("会計年度")
    run_at = models.DateTimeField("実行日時", auto_now_add=True)
    posted = models.PositiveIntegerField("転記した仕訳数", default=0)
    reversed = models.PositiveIntegerField("取り消した仕訳数", default=0)
    kept = models.PositiveIntegerField("変更のない仕訳数", default=0)
    figures = models.JSONField("計算の内訳", default=dict)

    class Meta:
        verbose_name = verbose_name_plural = "決算整理の実行"
        indexes = [models.Index(fields=["lg", "fiscal_year"], name="closingrun_year")]


class NoteTemplate(models.Model):
    """The 団体's own 注記 template (text with placeholders the system fills in); without
    one, the shipped default applies."""

    lg = models.OneToOneField(LocalGovernment, models.PROTECT, verbose_name="団体")
    text = models.TextField("注記のひな形")
    changed_at = models.DateTimeField("変更日時", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "注記のひな形"
