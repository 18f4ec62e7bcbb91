from typing import Any

from django.conf import settings
from django.http import HttpRequest

from ovp.core.navigation import nav_for
from ovp.core.public import public_nav


def portal(request: HttpRequest) -> dict[str, Any]:
    return {
        "office_name": settings.OVP_OFFICE_NAME,
        "nav_items": nav_for(request.user, request.path),
        # an anonymous visitor's bar: the public pages (no query: URL names only)
        "public_nav": [] if request.user.is_authenticated else public_nav(request.path),
    }
