"""Django admin: the public releases, to withdraw one published in error (see the README's
"The public page's guarantee": anyone who kept the old copy can compare the two)."""

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
