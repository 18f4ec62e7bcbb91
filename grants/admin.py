"""Django admin for the grant money: every change to an award, a disbursement (tranche), a
quarterly report or its spending is kept with who made it and when (django-simple-history).
An office administrator opens an object's History, looks at an earlier version and can
restore it ("Revert"); the restore is itself kept in the history, by that administrator.

Awards and reports are made and changed through the portal's own pages and services, which
check the rules (money adding up, reports locked once submitted); the admin neither adds nor
deletes them, and the fields that record who did what and when are read-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from grants.models import Award, Metric, QuarterlyReport, Spending, Tranche


class HistoryOnlyAdmin(SimpleHistoryAdmin):
    """Change, history and restore; adding and deleting stay with the portal's services."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Award)
class AwardAdmin(HistoryOnlyAdmin):
    list_display = ["title", "organisation", "fund", "amount", "status", "starts_on", "ends_on"]
    list_filter = ["status", "fund"]
    search_fields = ["title", "organisation__name"]
    raw_id_fields = ["application", "program"]
    readonly_fields = ["created_by", "created_at"]
    history_list_display = ["title", "amount", "status"]


@admin.register(Tranche)
class TrancheAdmin(HistoryOnlyAdmin):
    list_display = ["__str__", "amount", "planned_on", "released_at"]
    search_fields = ["award__title", "award__organisation__name"]
    raw_id_fields = ["award", "requires_report"]
    readonly_fields = ["released_at", "released_by"]
    history_list_display = ["amount", "released_at", "released_by"]


@admin.register(QuarterlyReport)
class QuarterlyReportAdmin(HistoryOnlyAdmin):
    list_display = ["__str__", "status", "due_on", "submitted_at"]
    list_filter = ["status"]
    search_fields = ["award__title", "award__organisation__name"]
    raw_id_fields = ["award"]
    readonly_fields = ["submitted_at", "submitted_by", "reviewed_at", "reviewed_by"]
    history_list_display = ["status"]


@admin.register(Spending)
class SpendingAdmin(HistoryOnlyAdmin):
    list_display = ["__str__", "report", "amount"]
    search_fields = ["report__award__title", "budget_line__name"]
    raw_id_fields = ["report", "budget_line"]
    history_list_display = ["amount"]


@admin.register(Metric)
class MetricAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The metric library: an administrator corrects a name, unit or definition (grantees
    read it beside the figure). A metric a round or a report uses cannot be deleted (the
    database protects it); staff add metrics on the Metric library page (Grants menu)."""

    list_display = ["name", "strategy", "unit", "column"]
    list_filter = ["strategy"]
    search_fields = ["name", "definition"]
    readonly_fields = ["slug", "column"]
    fields = ["name", "slug", "unit", "strategy", "column", "definition"]
