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
    links: list[dict[str, Any]] = []
    for config in apps.get_app_configs():
        for item in getattr(config, "nav_items", ()):
            if user.role not in item.roles:
                continue
            link = {"label": item.label, "url": reverse(item.url_name), "active": False}
            links.append(link)
            if not item.group:
                entries.append(link)
                continue
            if item.group not in menus:
                menus[item.group] = {"label": item.group, "children": [], "active": False}
                entries.append(menus[item.group])
            menus[item.group]["children"].append(link)
    # the current page is the entry with the longest URL the path starts with (one only)
    matches = [
        link
        for link in links
        if current_path == link["url"]
        or (link["url"] != "/" and current_path.startswith(link["url"]))
    ]
    if matches:
        current = max(matches, key=lambda link: len(link["url"]))
        current["active"] = True
        for menu in menus.values():
            menu["active"] = any(child is current for child in menu["children"])
    return entries
