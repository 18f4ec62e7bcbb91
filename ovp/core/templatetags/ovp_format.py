"""Number formats in the office's words."""

from urllib.parse import urlsplit, urlunsplit

from django import template

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value * 100:.0f}%"


@register.filter
def signed_percent(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value * 100:+.0f}%".replace("-", "−")


@register.filter
def csv_url(full_path: str, slug: str) -> str:
    """The CSV download of one chart, with the page's own filters."""
    parts = urlsplit(full_path)
    folder = parts.path.rstrip("/")
    return urlunsplit(("", "", f"{folder}/{slug}.csv", parts.query, ""))
