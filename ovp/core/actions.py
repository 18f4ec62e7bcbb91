"""The one bridge from a service to a view.

A view parses the request, checks permission, calls one service and answers. A service says
"no" by raising ``ValidationError``; these helpers turn that into what the user sees, the same
way on every page:

- ``post_action``: a button that posts (approve, withdraw, remove). The service's messages are
  shown as an error, or the success message, and the browser goes back to ``then``.
- ``form_action``: a form page. The service's errors land on the form's fields (above the form
  for a field the form lacks) and the page is shown again; on success the view redirects.

``AuthedRequest`` is the request a role decorator lets through: its ``user`` is a signed-in
``User``, so views and services take ``user: User``, not ``Any``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from ovp.core.forms import add_service_errors

if TYPE_CHECKING:
    from ovp.accounts.models import User

T = TypeVar("T")


class AuthedRequest(HttpRequest):
    """For type checkers only: a request whose user the role decorators have signed in."""

    user: "User"


def post_action(
    request: HttpRequest,
    run: Callable[[], T],
    *,
    done: str | Callable[[T], str],
    then: str,
) -> HttpResponse:
    """Call the service; show its refusal as an error or ``done`` as a success; go to ``then``
    (a path on this site, built with ``reverse``: anything else goes to the home page, so a
    caller passing on what the request says cannot make an open redirect)."""
    if not url_has_allowed_host_and_scheme(then, allowed_hosts=None) or not then.startswith("/"):
        then = "/"
    try:
        result = run()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done(result) if callable(done) else done)
    return redirect(then)


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What ``form_action`` did: true when the service ran; ``value`` is what it returned."""

    ok: bool
    value: T | None = None

    def __bool__(self) -> bool:
        return self.ok


def form_action(form: forms.BaseForm, run: Callable[[], T]) -> Outcome[T]:
    """Call the service; on refusal put its errors on ``form`` (the view shows the page again)."""
    try:
        return Outcome(True, run())
    except ValidationError as error:
        add_service_errors(form, error)
        return Outcome(False)
