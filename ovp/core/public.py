"""The public pages: what an anonymous visitor may read, listed once.

`PUBLIC_PAGES` feeds both the index at /public/ and the navigation bar anonymous visitors
see (templates/base.html). A page whose URL name is not installed (a feature not merged yet)
is left out, not a broken link, so an entry can be added here before its app has the page.
Every page listed needs no login and shows nothing that depends on who asks.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


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
    # pages of other features: shown once their apps have them (skipped until then)
    PublicPage(
        "public_resources:list",
        "Resources",
        "Guides, toolkits and research on preventing gun violence, free to read and download.",
    ),
    PublicPage(
        "public_input:form",
        "Have your say",
        "Tell the office what your neighbourhood needs, without signing in.",
    ),
)


@dataclass(frozen=True)
class PublicLink:
    title: str
    blurb: str
    url: str


def public_links() -> list[PublicLink]:
    """The public pages that exist, in the order of `PUBLIC_PAGES`."""
    links = []
    for page in PUBLIC_PAGES:
        try:
            url = reverse(page.url_name)
        except NoReverseMatch:  # its app does not have the page (yet)
            continue
        links.append(PublicLink(page.title, page.blurb, url))
    return links


def public_nav(current_path: str) -> list[dict[str, object]]:
    """The anonymous visitor's bar: each public page, the current one marked."""
    return [
        {"label": link.title, "url": link.url, "active": current_path.startswith(link.url)}
        for link in public_links()
    ]
