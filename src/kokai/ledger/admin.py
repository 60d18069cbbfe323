"""Django admin for the masters; the import history and the journal are read-only.

Posted entries and lines are append-only (database triggers refuse UPDATE and DELETE),
so the admin offers no add, change or delete for them: a correction is a reversing entry
(``kokai reverse``), never an edit.
"""

from __future__ import annotations

from django.contrib import admin

from .models import Account, Fund, ImportBatch, JournalEntry, JournalLine, LocalGovernment

admin.site.site_header = "Kokai 公会計 管理画面"
admin.site.site_title = "Kokai 公会計"
admin.site.index_title = "マスタと仕訳の管理"


class ReadOnlyMixin:
    """View-only: no add, change or delete, and no bulk actions."""

    actions = None

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LocalGovernment)
class LocalGovernmentAdmin(admin.ModelAdmin):
    list_display = ("lg_code", "name", "population", "created_at")
    search_fields = ("lg_code", "name")
    ordering = ("lg_code",)

    def get_readonly_fields(self, request, obj=None):
        # the 団体コード keys every record: fixed once registered
        return ("lg_code",) if obj else ()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the books hang on the 団体 (PROTECT); never delete one from the screen


@admin.register(Fund)
class FundAdmin(admin.ModelAdmin):
    list_display = ("lg", "code", "name", "scope")
    list_filter = ("lg", "scope")
    search_fields = ("code", "name")

    def get_readonly_fields(self, request, obj=None):
        # once a 会計区分 has entries, its code and scope decide past statements: fixed
        if obj and JournalEntry.objects.filter(fund=obj).exists():
            return ("lg", "code", "scope")
        return ("lg",) if obj else ()
    ordering = ("lg", "code")


@admin.register(Account)
class AccountAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """View-only: the standard chart comes from chart.csv (re-synced by ``kokai init``) and a
    補助科目 is added with ``masters.add_sub_account``, which derives its path and roles."""

    list_display = ("code", "statement", "name", "path", "lg")
    list_filter = ("statement", "nw_direct")
    search_fields = ("code", "name", "path")
    ordering = ("code",)
    list_per_page = 200


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("imported_at", "lg", "kind", "file_name", "entries", "lines", "sha256")
    list_filter = ("lg", "kind")
    search_fields = ("file_name", "sha256")
    date_hierarchy = "imported_at"


class JournalLineInline(ReadOnlyMixin, admin.TabularInline):
    model = JournalLine
    fields = ("account", "amount", "opening", "fund")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "date",
        "fiscal_year",
        "voucher_no",
        "fund",
        "dept",
        "kind",
        "description",
        "lg",
    )
    list_filter = ("lg", "fiscal_year", "kind", "fund")
    search_fields = ("voucher_no", "description", "dept")
    date_hierarchy = "date"
    ordering = ("-fiscal_year", "date", "voucher_no")
    list_select_related = ("fund", "lg")
    inlines = (JournalLineInline,)
