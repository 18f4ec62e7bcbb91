"""Cross-site request protection without a token, for a public form whose page is cached
whole and shared by every visitor (a CSRF token in it would be everyone's token).

A browser says where a request comes from: `Sec-Fetch-Site` (every current browser) or, in
older ones, `Origin`. A POST that a browser sends from another site says so in one of them,
and is refused; the same rule as Go's `http.CrossOriginProtection`. A request with neither
header is not from a browser acting for someone else (a script can post the form anyway,
with or without a token, which is what the spam protections are for).
"""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

SAME_SITE = ("same-origin", "none")  # "none": typed or bookmarked by the user


def from_another_site(request: HttpRequest) -> bool:
    """Whether a browser sent this request from a page of another site."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in SAME_SITE
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    return urlsplit(origin).netloc != request.get_host()


def same_site_posts(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Take this view out of the CSRF token check and refuse what another site's page posts
    to it instead (403 with a page saying so). Only for pages with no per-user state: a
    signed-in user's form keeps Django's token."""

    @wraps(view)
    def checked(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.method not in ("GET", "HEAD", "OPTIONS") and from_another_site(request):
            return render(request, "403_other_site.html", status=403)
        return view(request, *args, **kwargs)

    return csrf_exempt(checked)
