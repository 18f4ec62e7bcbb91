"""Who may do what. Views call these; templates only mirror them."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from ovp.accounts.models import OFFICE_ROLES, Role, User

View = Callable[..., HttpResponse]


def has_role(user: User | AnonymousUser, *roles: str) -> bool:
    """Anyone may be asked about, signed in or not: an anonymous visitor has no role."""
    return bool(user.is_authenticated and user.is_active and user.role in roles)


def can_use_office(user: User | AnonymousUser) -> bool:
    return has_role(user, *OFFICE_ROLES)


def role_required(*roles: str) -> Callable[[View], View]:
    """Anonymous visitors go to login; a signed-in user of another role gets 403."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                raise PermissionDenied("Your role does not give access to this page.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


office_required = role_required(*OFFICE_ROLES)
admin_required = role_required(Role.ADMIN)
grantee_required = role_required(Role.GRANTEE)
board_required = role_required(Role.BOARD)
