from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from inventory.models import (
    Campaign,
    CampaignOutput,
    CampaignSpending,
    Program,
    ProgramUpdateProposal,
    ServiceArea,
)


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


class CampaignOutputInline(admin.TabularInline):
    model = CampaignOutput
    extra = 0


class CampaignSpendingInline(admin.TabularInline):
    model = CampaignSpending
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "started_on", "ended_on", "covers_whole_city", "budget"]
    list_filter = ["kind", "covers_whole_city"]
    search_fields = ["name"]
    filter_horizontal = ["areas", "partners", "goals", "action_items"]
    inlines = [CampaignOutputInline, CampaignSpendingInline]
