"""Public pages, served whole from a cache to visitors who are not signed in.

A public page (no login, the same for every visitor) is marked with `@public_page` and the
`PublicPageCacheMiddleware` does the rest:

    @public_page(params={"year": YEAR})
    def public_dashboard(request): ...

A GET or HEAD that carries no session cookie and no messages cookie (so it comes from
nobody signed in, with no message waiting) is answered from the cache when the page is
there; otherwise the page is rendered as usual and, when it can be shared, kept. Signed-in
users (they have a session cookie) always get a freshly rendered page: their navigation
differs.

What a kept page may be: a 200 that sets no cookie (no CSRF token was rendered, no session
or message was written) and does not say `private` or `no-store`. A page whose rendering
touches the CSRF token (a form) is therefore never kept, and is rendered for each visitor.

The key is the path, the page's own query parameters (`params`: name -> a regular
expression its value must match whole; anything else in the query string is left out) and
the public data's version. A query with parameters left out, or a value that does not
match, is served the page of the query without them when that page is kept, and is never
kept itself: a view must treat a value that does not match as absent (a year that is not a
number, say), and random parameters cannot fill the cache. The patterns bound how many
pages a path can have (a year of this century: at most 100). A page that answers an open
set of values too (a title search) names those parameters `fresh`: a request with one is
rendered each time and never kept.

Two layers: Redis (shared by the workers, kept across restarts, PAGE_TTL seconds) and a
small dictionary in each process (LOCAL_TTL seconds), so that a surge of visitors costs no
round trip to Redis; the version is read from Redis at most every LOCAL_TTL seconds.
Each kept page is stored compressed too (gzip, and brotli when the package is installed),
with a weak ETag, so that a phone that asked before gets a 304 and a new one downloads a
fraction of the HTML.

Invalidation: `public_pages_changed()` increments the version, so that every kept page is
out of date at once (in this process at once, in the other workers within LOCAL_TTL
seconds). The aggregation and the nightly publication call it
(`ovp.incidents.publication.public_years_refresh`), as do the city's targets; and every app
names the models its public pages show in its config's `public_models` (a program, an
award, a resource, an assessment...), whose saves and deletes call it (`renew_on_change`).
PAGE_TTL is the safety net for a change nobody signalled (a bulk `update()`).

Which pages there are (the index, the navigation, the page-weight check and the surge
benchmark read them): the apps' `public_pages` (ovp/core/public.py).
"""

from __future__ import annotations

import gzip
import hashlib
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers

from ovp.core.cache import unreachable

# A year in a query string: 2000 to 2099 (a view treats anything else as no year); the
# patterns bound how many pages a path can have, so keep them tight.
YEAR = r"20\d\d"

PAGE_TTL = 10 * 60  # seconds in Redis: the safety net
LOCAL_TTL = 5.0  # seconds in a process's own memory, for the pages and the version
LOCAL_MAX = 256  # pages a process keeps at most (emptied when full)
VERSION_KEY = "public-pages:version"
COMPRESS_AT_LEAST = 512  # bytes: smaller bodies are sent as they are
_COMPRESSIBLE = ("text/", "application/json", "application/javascript")

View = TypeVar("View", bound=Callable[..., Any])


Check = Callable[[str], bool]


@dataclass(frozen=True)
class PublicPage:
    """What `@public_page` marks a view with: each query parameter the page depends on, with
    the check a value must pass to be part of the key."""

    params: Mapping[str, Check]
    fresh: frozenset[str] = frozenset()  # parameters whose every value is rendered, never kept


def _check(rule: str | Check) -> Check:
    if callable(rule):
        return rule
    pattern = re.compile(rule)
    return lambda value: pattern.fullmatch(value) is not None


def public_page(
    view: View | None = None,
    *,
    params: Mapping[str, str | Check] | None = None,
    fresh: tuple[str, ...] = (),
) -> Any:
    """Mark a view as a public page: no login needed, and served whole from the cache to
    visitors who are not signed in (see the module). `params`: the query parameters the
    page depends on, each with the regular expression a value must match whole, or a
    function saying whether a value is one the page knows (an area's code, say): either
    way a bounded set, so that nobody can fill the cache with made-up values. `fresh`: the
    parameters of an open set the page answers too (a title search): a request with one
    is rendered each time, and never kept."""
    page = PublicPage(
        {name: _check(rule) for name, rule in (params or {}).items()}, frozenset(fresh)
    )

    def mark(function: View) -> View:
        function = login_not_required(function)
        function.public_page = page  # type: ignore[attr-defined]
        return function

    return mark(view) if view is not None else mark


@dataclass(frozen=True)
class Entry:
    """A kept page: its status, headers and body, with the body compressed each way."""

    status: int
    headers: tuple[tuple[str, str], ...]
    bodies: Mapping[str, bytes]  # by Content-Encoding; "identity" is the body as rendered
    etag: str


_local: dict[str, tuple[float, Entry]] = {}
_local_version: list[float] = [0.0, -1.0]  # [read at (monotonic), version]
_render_locks: dict[str, threading.Lock] = {}


def public_pages_changed() -> None:
    """Something a public page shows has changed: no kept page is served again. Called
    inside a transaction, it acts now and again once the transaction has committed (a
    page rendered in between, from the data before the change, is not kept either)."""
    _bump()
    if connection.in_atomic_block:
        transaction.on_commit(_bump)


def _changed(**_: Any) -> None:
    public_pages_changed()


def renew_on_change(model: type[Model]) -> None:
    """Renew the public pages whenever a row of `model` is saved or deleted, or one of its
    many-to-many links changes (what `public_models` of an app's config names). A bulk
    `update()` sends no signal: PAGE_TTL is the safety net for it."""
    uid = f"public-pages:{model._meta.label}"
    post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}:save")
    post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}:delete")
    for field in model._meta.local_many_to_many:
        through = field.remote_field.through  # type: ignore[attr-defined]
        m2m_changed.connect(_changed, sender=through, dispatch_uid=f"{uid}:{field.name}")


def _bump() -> None:
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # no version in Redis: a new one, unlike any before
            cache.set(VERSION_KEY, _new_version(), timeout=None)
    except unreachable():
        pass  # the pages in Redis are out of reach anyway; the local ones go below
    forget_local()


def _new_version() -> int:
    return int(time.time() * 1000)


def forget_local() -> None:
    """Empty this process's own layer (the version is read from Redis again)."""
    _local.clear()
    _local_version[:] = [0.0, -1.0]


def data_version() -> int:
    """The public data's version now (read from Redis at most every LOCAL_TTL seconds):
    what a process may key its own copies of public data on."""
    return _version()


def _version() -> int:
    read_at, version = _local_version
    now = time.monotonic()
    if version >= 0 and now - read_at < LOCAL_TTL:
        return int(version)
    value = cache.get(VERSION_KEY)
    if value is None:  # a new Redis, or one that lost the key: not a version used before
        cache.add(VERSION_KEY, _new_version(), timeout=None)
        value = cache.get(VERSION_KEY, 0)  # 0: Redis is out of reach
    _local_version[:] = [now, float(value)]
    return int(value)


@lru_cache(maxsize=2048)
def _page_at(path_info: str) -> PublicPage | None:
    try:
        match = resolve(path_info)
    except Resolver404:
        return None
    return getattr(match.func, "public_page", None)


def page_for(request: HttpRequest) -> PublicPage | None:
    """The public page this request may be served from the cache, or None (not a public
    page, or asked by someone signed in or with a message waiting)."""
    if request.method not in ("GET", "HEAD"):
        return None
    page = _page_at(request.path_info)
    if page is None or _has_session(request) or _has_messages(request):
        return None
    return page


def _has_session(request: HttpRequest) -> bool:
    """A session that exists: a made-up session cookie (a robot's way round the cache) gets
    the kept page, at the cost of one lookup instead of a rendering."""
    from importlib import import_module

    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return False
    return bool(import_module(settings.SESSION_ENGINE).SessionStore().exists(key))


def _has_messages(request: HttpRequest) -> bool:
    """A messages cookie Django signed (a made-up one gets the kept page)."""
    from django.core import signing

    value = request.COOKIES.get(getattr(settings, "MESSAGES_COOKIE_NAME", "messages"))
    if not value:
        return False
    try:
        signing.get_cookie_signer(salt="django.contrib.messages").unsign(value)
    except signing.BadSignature:
        return False
    return True


def cache_key(request: HttpRequest, page: PublicPage) -> tuple[str, bool]:
    """The page's key, and whether the query string was its canonical form (only then may
    the rendered page be kept under the key)."""
    kept: list[tuple[str, str]] = []
    for name in sorted(page.params):
        value = request.GET.get(name)
        if value is not None and page.params[name](value):
            kept.append((name, value))
    canonical = len(kept) == len(request.GET) and all(
        len(request.GET.getlist(name)) == 1 for name, _ in kept
    )
    where = f"{_deployment()}:{request.path}?{urlencode(kept)}"
    digest = hashlib.sha256(where.encode()).hexdigest()[:32]
    return f"public-page:{_version()}:{digest}", canonical


@lru_cache(maxsize=1)
def _deployment() -> str:
    """What a kept page's links depend on besides the data: the settings and the static
    files' manifest (a page names the hashed file names of the release it was rendered by;
    after a deploy, the new release's pages are kept apart from the old ones in Redis)."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    manifest = getattr(staticfiles_storage, "manifest_hash", "")
    return f"{settings.SETTINGS_MODULE}:{settings.STATIC_URL}:{manifest}"


def _lookup(key: str) -> Entry | None:
    now = time.monotonic()
    local = _local.get(key)
    if local is not None and local[0] > now:
        return local[1]
    entry = cache.get(key)
    if isinstance(entry, Entry):
        _keep_local(key, entry, now)
        return entry
    return None


def _keep_local(key: str, entry: Entry, now: float) -> None:
    if len(_local) >= LOCAL_MAX:
        _local.clear()
    _local[key] = (now + LOCAL_TTL, entry)


def entry_of(response: HttpResponseBase) -> Entry | None:
    """The response as a kept page, or None when it must not be shared."""
    if (
        response.status_code != 200
        or response.streaming
        or response.cookies
        or response.has_header("Content-Encoding")
        or re.search(r"private|no-store", response.get("Cache-Control", ""))
        or not isinstance(response, HttpResponse)
    ):
        return None
    body = response.content
    headers = tuple(
        (name, value)
        for name, value in response.headers.items()
        if name.lower() not in ("content-length", "etag", "set-cookie")
    )
    bodies = {"identity": body}
    if len(body) >= COMPRESS_AT_LEAST and response.get("Content-Type", "").startswith(
        _COMPRESSIBLE
    ):
        bodies["gzip"] = gzip.compress(body, compresslevel=6, mtime=0)
        brotli = _brotli()
        if brotli is not None:
            bodies["br"] = brotli.compress(body, quality=9)
    etag = f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'
    return Entry(response.status_code, headers, bodies, etag)


def _brotli() -> Any:
    try:
        import brotli
    except ImportError:
        return None
    return brotli


def _encoding(request: HttpRequest, entry: Entry) -> str:
    """The best Content-Encoding the client accepts (q=0 is a refusal)."""
    accepted = set()
    for part in request.headers.get("Accept-Encoding", "").split(","):
        name, _, rest = part.strip().partition(";")
        if not re.fullmatch(r"\s*q=0(\.0*)?\s*", rest):
            accepted.add(name.strip().lower())
    for encoding in ("br", "gzip"):
        if encoding in entry.bodies and encoding in accepted:
            return encoding
    return "identity"


def serve(entry: Entry, request: HttpRequest) -> HttpResponse:
    """A new response from a kept page (a 304 when the client has it already)."""
    encoding = _encoding(request, entry)
    matches = request.headers.get("If-None-Match", "")
    if matches and (matches.strip() == "*" or entry.etag in matches):
        response = HttpResponse(status=304)
    else:
        body = entry.bodies[encoding]
        response = HttpResponse(b"" if request.method == "HEAD" else body, status=entry.status)
        for name, value in entry.headers:
            response[name] = value
        response["Content-Length"] = str(len(body))
        if encoding != "identity":
            response["Content-Encoding"] = encoding
    response["ETag"] = entry.etag
    # a browser may keep it, and asks again each time (a 304 when it has not changed)
    response["Cache-Control"] = "no-cache"
    patch_vary_headers(response, ("Cookie", "Accept-Encoding"))
    return response


class PublicPageCacheMiddleware:
    """Serve public pages from the cache to visitors who are not signed in (the module).
    Placed after WhiteNoise and before the session: a page served from the cache skips the
    session, CSRF, authentication and the rest, and still gets the security headers and
    the content security policy of the middleware before it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        page = page_for(request)
        if page is None or not page.fresh.isdisjoint(request.GET):
            return self.get_response(request)
        request.get_host()  # a host not allowed is refused (400), as CommonMiddleware does
        key, canonical = cache_key(request, page)
        entry = _lookup(key)
        if entry is None and canonical and request.method == "GET":
            # one rendering per page at a time in a process: a surge's other requests wait
            # for it instead of each rendering the page
            with _render_locks.setdefault(key, threading.Lock()):
                entry = _lookup(key)
                if entry is None:
                    response = self.get_response(request)
                    entry = entry_of(response)
                    if entry is None:
                        return response
                    cache.set(key, entry, PAGE_TTL)
                    _keep_local(key, entry, time.monotonic())
            if len(_render_locks) > LOCAL_MAX:
                _render_locks.clear()
        if entry is None:
            return self.get_response(request)
        return serve(entry, request)


def warm() -> None:
    """Render the public pages into the cache (unless kept already): gunicorn's workers
    call it as they start, so that the first visitor after a deploy does not wait."""
    from django.test import RequestFactory

    from ovp.core.public import public_page_urls
    from ovp.wsgi import application

    factory = RequestFactory()
    for url in public_page_urls():
        request = factory.get(url, HTTP_HOST=_a_host(), secure=True)
        application.get_response(request)  # type: ignore[attr-defined]


def _a_host() -> str:
    hosts = [h for h in settings.ALLOWED_HOSTS if h not in ("*",) and not h.startswith(".")]
    return hosts[0] if hosts else "localhost"
