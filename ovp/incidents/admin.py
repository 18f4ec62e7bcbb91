"""Django admin: the public releases, to withdraw one published in error (see
docs/incidents.md, "The public page's guarantee": anyone who kept the old copy can compare
the two)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ovp.incidents.models import PublicRelease


@admin.register(PublicRelease)
class PublicReleaseAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["year", "month", "threshold", "published_at"]
    list_filter = ["year"]
    readonly_fields = ["year", "month", "threshold", "incidents", "tables", "published_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # releases are made by the public page's own rule, never by hand

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Only a year's latest release: the year's later ones are built on the earlier."""
        if obj is not None:
            later = PublicRelease.objects.filter(year=obj.year, month__gt=obj.month).exists()
            if later:
                return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> Any:
        return {}  # no bulk delete: one release at a time, the latest
