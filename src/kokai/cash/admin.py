"""Admin for the cash data: the records and 決算額 as imported (read-only), the matching
decisions, and the 団体's conversion tables (a new table is added by `kokai rules import`,
which checks every row; the admin shows them)."""

from __future__ import annotations

from django.contrib import admin

from .models import CashRecord, ConversionTable, MatchingDecision, SettledAmount


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CashRecord)
class CashRecordAdmin(ReadOnly):
    list_display = ("fiscal_year", "fund", "direction", "voucher_no", "line_no", "date", "kan", "kou", "moku",
                    "setsu", "setsu_name", "amount", "voucher_type")
    list_filter = ("fiscal_year", "direction", "voucher_type", "fund")
    search_fields = ("voucher_no", "description", "counterparty", "setsu_name")
    show_full_result_count = False


@admin.register(SettledAmount)
class SettledAmountAdmin(ReadOnly):
    list_display = ("fiscal_year", "fund", "direction", "kan", "kou", "moku", "setsu", "name", "amount")
    list_filter = ("fiscal_year", "direction", "fund")


@admin.register(MatchingDecision)
class MatchingDecisionAdmin(ReadOnly):
    list_display = ("fiscal_year", "fund", "voucher_no", "line_no", "seq", "kind", "amount", "account", "asset_name",
                    "useful_life", "source")
    list_filter = ("fiscal_year", "kind")
    search_fields = ("voucher_no", "asset_name", "asset_no")


@admin.register(ConversionTable)
class ConversionTableAdmin(ReadOnly):
    list_display = ("lg", "file_name", "rules", "imported_at")
    readonly_fields = ("lg", "file_name", "rules", "imported_at", "text")
