"""Uploads refused by their size before they are read.

Django reads a request's body, spooling its files to disk, the first time anything asks for
`request.POST` or `request.FILES` (CSRF's check among them), so a size check in a form comes
after the whole file is on the server. A view that takes a file is marked with
`upload_limit`; `UploadLimitMiddleware` refuses a POST to it whose Content-Length says the
file cannot fit, before anything reads the body, and sends the person back to the page with
the message the form gives for a file over the limit. The form keeps its exact check for a
body just over it. Any other request (an anonymous one to an upload URL too), to any URL
and by any method, is refused (413) when its
Content-Length is over what a form without a file can need (Django's
DATA_UPLOAD_MAX_MEMORY_SIZE with the allowance), so an anonymous POST to the login page
cannot make the server spool hundreds of megabytes either. A view marked `text_form` (a
public form that takes a few fields of text) is refused (413) above the allowance itself.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

# what a form's other fields and the multipart headers add to the file
MULTIPART_ALLOWANCE = 64 * 1024
View = Callable[..., HttpResponse]


@dataclass(frozen=True)
class UploadLimit:
    limit_bytes: Callable[[], int]  # read at each request: settings may change
    message: Callable[[], str]
    back: str | None  # the URL name to send the person back to (its kwargs the view's)


def upload_limit(
    *, limit_bytes: Callable[[], int], message: Callable[[], str], back: str | None = None
) -> Callable[[View], View]:
    """Mark a view that takes a file (see the module's docstring). `back` names the page to
    return to when the view only takes POSTs; by default, the view's own page."""

    def mark(view: View) -> View:
        view.upload_limit = UploadLimit(limit_bytes, message, back)  # type: ignore[attr-defined]
        return view

    return mark


def text_form(view: View) -> View:
    """Mark a view whose form takes only a little text: a request to it whose Content-Length
    is over MULTIPART_ALLOWANCE is refused (413), whoever sends it, before anything reads it."""
    view.text_form = True  # type: ignore[attr-defined]
    return view


class UploadLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.refuse(request) or self.get_response(request)

    def refuse(self, request: HttpRequest) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None  # Django refuses a Content-Length that is not a number itself
        if length <= MULTIPART_ALLOWANCE:
            return None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
        if getattr(match and match.func, "text_form", False):
            return HttpResponse(
                "The request is too large.", status=413, content_type="text/plain; charset=utf-8"
            )
        limit: UploadLimit | None = getattr(match and match.func, "upload_limit", None)
        # the upload allowance is a signed-in person's (read from the session, not the body):
        # CSRF's check reads an anonymous POST's body before the login check sends it away
        signed_in = getattr(getattr(request, "user", None), "is_authenticated", False)
        if limit is None or request.method != "POST" or not signed_in:
            if length <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE + MULTIPART_ALLOWANCE:
                return None
            return HttpResponse(
                "The request is too large.", status=413, content_type="text/plain; charset=utf-8"
            )
        if length <= limit.limit_bytes() + MULTIPART_ALLOWANCE:
            return None
        assert match is not None
        messages.error(request, limit.message())
        target = reverse(limit.back, kwargs=match.kwargs) if limit.back else request.path
        # 303: the browser comes back with a GET, and does not send the file again
        return HttpResponseRedirect(target, status=303)


MB = 1024 * 1024


def too_large(limit_bytes: int, name: str = "The file", why: str = "") -> str:
    """What every upload says of a file over its limit (the early refusal and the form's
    check alike): its name, the limit in megabytes, and why where the limit is not obvious."""
    return f"{name} is larger than {limit_bytes / MB:g} MB{f'; {why}' if why else ''}."


def megabytes(setting: Callable[[], Any]) -> Callable[[], int]:
    """A limit in bytes from a setting in megabytes, read at each request."""
    return lambda: int(setting()) * MB


# ------------------------------------------------------------------ judging an uploaded file
# Each app that takes files keeps its own list of allowed types (grants.uploads,
# inventory.uploads); how a file is judged against such a list is shared here.


def extension_of(name: str) -> str:
    """The lower-case extension of a file name ("pdf"), or "" when it has none."""
    return PurePath(name).suffix.lower().lstrip(".")


def starts_with(upload: UploadedFile, signatures: tuple[bytes, ...]) -> bool:
    """Whether the file's first bytes are one of `signatures` (its type's magic numbers), so a
    program renamed to .pdf is refused; the file is left at its start for whoever reads it."""
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    return head.startswith(signatures)


def kept_name(filename: str, length: int, default: str = "attachment") -> str:
    """The name a file keeps: its own, without folders, cut to `length` characters with its
    extension kept."""
    name = PurePath(filename).name.strip() or default
    if len(name) > length:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and len(extension) < 20:
            name = f"{stem[: length - len(extension) - 1]}.{extension}"
        else:
            name = name[:length]
    return name
