"""Writes on accounts."""

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from ovp.accounts.models import Role, User


@transaction.atomic
def user_create(*, email: str, role: str, password: str | None = None, full_name: str = "") -> User:
    """Create a user; office administrators also get Django admin access."""
    user = User(email=email, role=role, full_name=full_name, is_staff=role == Role.ADMIN)
    user.is_superuser = role == Role.ADMIN
    user.full_clean(exclude=["password"])
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


def user_upsert(*, email: str, role: str, password: str, full_name: str = "") -> User:
    """Create the user or bring an existing one to this role, name and password."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        return user_create(email=email, role=role, password=password, full_name=full_name)
    user.role = role
    user.full_name = full_name
    user.is_staff = user.is_superuser = role == Role.ADMIN
    user.is_active = True
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def sessions_clear_expired() -> int:
    """Delete expired sessions; returns how many were deleted."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
