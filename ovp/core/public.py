"""The public pages: what an anonymous visitor may read, listed once.

`PUBLIC_PAGES` feeds the index at /public/, the navigation bar anonymous visitors see
(templates/base.html), the page-weight check (tests/browser/test_public_page_weight.py) and
the surge benchmark (loadtest/surge.py, `make loadtest-public`). Every page listed needs no
login and shows nothing that depends on who asks; each view is marked `@public_page`, which
serves it whole from the cache (ovp/core/public_cache.py).
"""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class PublicPage:
    url_name: str
    title: str  # as the navigation bar shows it
    blurb: str  # a sentence on the index


PUBLIC_PAGES: tuple[PublicPage, ...] = (
    PublicPage(
        "public:public",
        "Shootings",
        "How many people were shot in the city this year, month by month and by area, "
        "published at the end of each quarter.",
    ),
    PublicPage(
        "public_programs:list",
        "Programs",
        "Prevention programs that chose to be listed: what they offer, who can take part, the "
        "areas they work in and how to reach them.",
    ),
    PublicPage(
        "public_funding:overview",
        "Funding",
        "Where the office's money goes: awards by strategy and area, each grantee and amount, "
        "against the benchmark of $30,000 a year per homicide.",
    ),
    PublicPage(
        "public_assessments:list",
        "Needs assessments",
        "The city's published needs assessments, reviewed by its advisory board, to read "
        "online or download as PDF.",
    ),
    PublicPage(
        "public_resources:list",
        "Resources",
        "The office's guides, toolkits and flyers for residents, free to read and download.",
    ),
    PublicPage(
        "public_input:have_your_say",
        "Have your say",
        "Tell the office what your area needs, without giving your name. Staff read every "
        "comment, and what residents say counts in the next needs assessment.",
    ),
)


@dataclass(frozen=True)
class PublicLink:
    title: str
    blurb: str
    url: str


def public_links() -> list[PublicLink]:
    """The public pages, in the order of `PUBLIC_PAGES`."""
    return [PublicLink(page.title, page.blurb, reverse(page.url_name)) for page in PUBLIC_PAGES]


def public_page_urls() -> list[str]:
    """The index and every page it lists: what the page-weight check and the surge open."""
    return [reverse("core:public_index"), *(link.url for link in public_links())]


def public_nav(current_path: str) -> list[dict[str, object]]:
    """The anonymous visitor's bar: each public page, the current one marked."""
    return [
        {"label": link.title, "url": link.url, "active": current_path.startswith(link.url)}
        for link in public_links()
    ]
