"""Panels on the home pages: each app's AppConfig lists its own (`home_panels`), each with the
roles whose home shows it, as the navigation does with `nav_items`. A home page belongs to a
lower app (`ovp.core`, `stakeholders`) that may not import the apps to its right; the panels
let those apps put their own work on it without that import.

A panel's `context` is the dotted path of a function taking the user and returning the
template's context, or None to leave the panel out. The function scopes what it reads to the
user: the home pages only render what it returns.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.apps import apps
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString

if TYPE_CHECKING:  # read by the apps' AppConfig, before the models are ready
    from django.contrib.auth.models import AnonymousUser

    from ovp.accounts.models import User


@dataclass(frozen=True)
class HomePanel:
    template: str
    context: str  # dotted path of a function(user) -> dict | None
    roles: tuple[str, ...]


def panels_for(
    user: "User | AnonymousUser", request: HttpRequest | None = None
) -> list[SafeString]:
    """The rendered panels for a user's home page, in the order of INSTALLED_APPS then of
    each app's list; a panel whose function returns None is skipped."""
    if not user.is_authenticated:
        return []
    rendered = []
    for config in apps.get_app_configs():
        for panel in getattr(config, "home_panels", ()):
            if user.role not in panel.roles:
                continue
            context = import_string(panel.context)(user)
            if context is None:
                continue
            # render_to_string gives a SafeString: the template escaped what it shows
            rendered.append(render_to_string(panel.template, context, request=request))
    return rendered
