"""Admin for the cash data: the records and 決算額 as imported (read-only), the matching
decisions (read-only: they come from the worksheet), and the 団体's conversion tables,
which can be edited here as a new, fully checked version."""

from __future__ import annotations

from django import forms
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


class ConversionTableForm(forms.ModelForm):
    """A new version of a 団体's table: pasted or edited CSV text, checked row by row."""

    class Meta:
        model = ConversionTable
        fields = ("lg", "file_name", "text")

    def clean(self):
        from kokai.core.conversion import load_rules
        from kokai.core.issues import InputRejected

        data = super().clean()
        if data.get("text"):
            try:
                data["rules"] = len(load_rules(data["text"], file=data.get("file_name") or "変換表"))
            except InputRejected as e:
                raise forms.ValidationError([str(i) for i in e.issues[:50]]) from e
        return data


@admin.register(ConversionTable)
class ConversionTableAdmin(admin.ModelAdmin):
    """Tables are versions: a change is saved as a new version (the newest is used), and
    the text is checked in full like `kokai rules import`."""

    form = ConversionTableForm
    list_display = ("lg", "file_name", "rules", "imported_at")
    readonly_fields = ("rules", "imported_at")

    def has_delete_permission(self, request, obj=None):
        return False

    def get_changeform_initial_data(self, request):
        from kokai.core.conversion import standard_rules

        return {"text": standard_rules().to_csv(), "file_name": "標準の変換表を編集"}

    def save_model(self, request, obj, form, change):
        from .services import register_rules

        register_rules(lg=form.cleaned_data["lg"], text=form.cleaned_data["text"],
                       file_name=form.cleaned_data.get("file_name") or "管理画面で編集")
