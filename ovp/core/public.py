"""The public pages: what an anonymous visitor may read, listed once.

Each app declares its public pages in its config (`public_pages`, as it does its menu
entries in `nav_items`), so `ovp` names no page of the apps above it. They feed the index
at /public/, the navigation bar anonymous visitors see
(templates/base.html), the page-weight check (tests/browser/test_public_page_weight.py) and
the surge benchmark (loadtest/surge.py, `make loadtest-public`). Every page listed needs no
login and shows nothing that depends on who asks; each view is marked `@public_page`, which
serves it whole from the cache (ovp/core/public_cache.py).
"""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class PublicPage:
    """A public page as an app declares it in its config's `public_pages`."""

    url_name: str
    title: str  # as the navigation bar shows it
    blurb: str  # a sentence on the index
    order: int = 100  # its place on the index and in the bar (lowest first)


def public_pages() -> list[PublicPage]:
    """Every app's `public_pages`, in their order."""
    from django.apps import apps

    found = [page for c in apps.get_app_configs() for page in getattr(c, "public_pages", ())]
    return sorted(found, key=lambda page: page.order)


@dataclass(frozen=True)
class PublicLink:
    title: str
    blurb: str
    url: str


def public_links() -> list[PublicLink]:
    """The public pages, in their order."""
    return [PublicLink(p.title, p.blurb, reverse(p.url_name)) for p in public_pages()]


def public_page_urls() -> list[str]:
    """The index and every page it lists: what the page-weight check and the surge open."""
    return [reverse("core:public_index"), *(link.url for link in public_links())]


def public_nav(current_path: str) -> list[dict[str, object]]:
    """The anonymous visitor's bar: each public page, the current one marked."""
    return [
        {"label": link.title, "url": link.url, "active": current_path.startswith(link.url)}
        for link in public_links()
    ]
