"""The navigation bar: each app's AppConfig lists its entries, each with the roles that see it.

The bar only mirrors permissions; every view checks them again on the server.
"""

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple[str, ...]


def nav_for(user: Any, current_path: str) -> list[dict[str, Any]]:
    if not getattr(user, "is_authenticated", False):
        return []
    entries = []
    for config in apps.get_app_configs():
        for item in getattr(config, "nav_items", ()):
            if user.role in item.roles:
                url = reverse(item.url_name)
                active = current_path == url or (url != "/" and current_path.startswith(url))
                entries.append({"label": item.label, "url": url, "active": active})
    return entries
