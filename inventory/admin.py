from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from inventory.models import Program, ProgramUpdateProposal, ServiceArea


class ServiceAreaInline(admin.TabularInline):
    model = ServiceArea
    extra = 0
    autocomplete_fields = ["area"]


@admin.register(Program)
class ProgramAdmin(SimpleHistoryAdmin):
    list_display = ["name", "lead_organisation", "strategy", "evidence", "status"]
    list_filter = ["strategy", "evidence", "tier", "status", "funded_by_office"]
    search_fields = ["name", "lead_organisation__name"]
    filter_horizontal = ["partners"]
    inlines = [ServiceAreaInline]


@admin.register(ProgramUpdateProposal)
class ProgramUpdateProposalAdmin(admin.ModelAdmin):
    list_display = ["program", "organisation", "status", "created_at"]
    list_filter = ["status"]
