from django.contrib import admin

from stakeholders.models import (
    ActionItem,
    Board,
    BoardMembership,
    Goal,
    Meeting,
    Organisation,
    Person,
)


class PersonInline(admin.TabularInline):
    model = Person
    fields = ["full_name", "title", "email", "phone", "consent_to_contact"]
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "sector"]
    list_filter = ["sector"]
    search_fields = ["name"]
    filter_horizontal = ["members"]
    inlines = [PersonInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "organisation", "title", "email", "consent_to_contact"]
    list_filter = ["consent_to_contact"]
    search_fields = ["full_name", "email", "organisation__name"]
    list_select_related = ["organisation"]
    raw_id_fields = ["user"]


class MembershipInline(admin.TabularInline):
    model = BoardMembership
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(BoardMembership)
class BoardMembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "board", "role", "term_start", "term_end"]
    list_filter = ["board", "role"]
    autocomplete_fields = ["person"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["board", "held_at", "location"]
    list_filter = ["board"]
    date_hierarchy = "held_at"
    filter_horizontal = ["attendees"]


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    fields = ["title", "owner_person", "owner_organisation", "due_on", "status", "completed_on"]
    extra = 0


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["title", "board", "horizon", "target_date"]
    list_filter = ["horizon", "board"]
    search_fields = ["title"]
    inlines = [ActionItemInline]


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["title", "goal", "owner_name", "due_on", "status"]
    list_filter = ["status", "goal"]
    search_fields = ["title"]
    list_select_related = ["goal", "owner_person", "owner_organisation"]
