"""The navigation bar: each app's AppConfig lists its entries, each with the roles that see it.

The bar only mirrors permissions; every view checks them again on the server.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.urls import reverse

if TYPE_CHECKING:  # read by the apps' AppConfig, before the models are ready
    from django.contrib.auth.models import AnonymousUser

    from ovp.accounts.models import User


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple[str, ...]
    group: str = ""  # entries of one group share a menu in the bar
    # other paths the entry stands for (a grantee's report is under "Awards and reports",
    # though its URL is not under the awards page's)
    also: tuple[str, ...] = ()


def nav_for(user: "User | AnonymousUser", current_path: str) -> list[dict[str, Any]]:
    """The bar's entries for a user: links, and menus of grouped links (by first appearance)."""
    if not user.is_authenticated:  # an anonymous visitor sees no bar
        return []
    entries: list[dict[str, Any]] = []
    menus: dict[str, dict[str, Any]] = {}
    links: list[dict[str, Any]] = []
    for config in apps.get_app_configs():
        for item in getattr(config, "nav_items", ()):
            if user.role not in item.roles:
                continue
            url = reverse(item.url_name)
            link = {"label": item.label, "url": url, "active": False, "prefixes": (url, *item.also)}
            links.append(link)
            if not item.group:
                entries.append(link)
                continue
            if item.group not in menus:
                menus[item.group] = {"label": item.group, "children": [], "active": False}
                entries.append(menus[item.group])
            menus[item.group]["children"].append(link)

    # the current page is the entry with the longest URL (or other path it stands for) that
    # the path starts with (one only)
    def matched(link: dict[str, Any]) -> int:
        return max(
            (len(prefix) for prefix in link["prefixes"]
             if current_path == prefix or (prefix != "/" and current_path.startswith(prefix))),
            default=0,
        )  # fmt: skip

    matches = [link for link in links if matched(link)]
    if matches:
        current = max(matches, key=matched)
        current["active"] = True
        for menu in menus.values():
            menu["active"] = any(child is current for child in menu["children"])
    return entries
