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
    group: str = ""  # entries of one group share a menu in the bar


def nav_for(user: Any, current_path: str) -> list[dict[str, Any]]:
    """The bar's entries for a user: links, and menus of grouped links (by first appearance)."""
    if not getattr(user, "is_authenticated", False):
        return []
    entries: list[dict[str, Any]] = []
    menus: dict[str, dict[str, Any]] = {}
    for config in apps.get_app_configs():
        for item in getattr(config, "nav_items", ()):
            if user.role not in item.roles:
                continue
            url = reverse(item.url_name)
            active = current_path == url or (url != "/" and current_path.startswith(url))
            link = {"label": item.label, "url": url, "active": active}
            if not item.group:
                entries.append(link)
                continue
            if item.group not in menus:
                menus[item.group] = {"label": item.group, "children": [], "active": False}
                entries.append(menus[item.group])
            menus[item.group]["children"].append(link)
            menus[item.group]["active"] |= active
    return entries
