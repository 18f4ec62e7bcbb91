from typing import TYPE_CHECKING, Any

from django.apps import AppConfig
from django.http import HttpRequest

if TYPE_CHECKING:  # apps.py is read before the models are ready
    from ovp.accounts.models import User


class AccountsConfig(AppConfig):
    name = "ovp.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from ovp.accounts.throttling import account_failed

        user_logged_in.connect(_two_factor_login_started, dispatch_uid="ovp-two-factor")
        user_login_failed.connect(account_failed, dispatch_uid="ovp-account-failures")


def _two_factor_login_started(
    sender: Any, request: HttpRequest | None, user: "User", **kwargs: Any
) -> None:
    # every login (ours, the admin's, a test client's) passes through here, so none skips
    # the code step; the rule itself lives in the service
    from ovp.accounts.services import two_factor_login_started

    if request is not None and hasattr(request, "session"):
        two_factor_login_started(request=request, user=user)
