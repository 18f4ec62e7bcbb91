from typing import Any

from django.conf import settings
from django.http import HttpRequest

from ovp.core.navigation import nav_for


def portal(request: HttpRequest) -> dict[str, Any]:
    return {
        "office_name": settings.OVP_OFFICE_NAME,
        "nav_items": nav_for(request.user, request.path),
    }
