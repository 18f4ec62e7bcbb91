"""The accounts services, called directly: creating a user and clearing expired sessions."""

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from ovp.accounts.models import Role, User
from ovp.accounts.services import sessions_clear_expired, user_create

pytestmark = pytest.mark.django_db


def test_user_create_stores_email_lower_case_and_gives_admins_django_admin():
    admin = user_create(email="Boss@Example.org", role=Role.ADMIN, password="x-Pass-1234")
    staff = user_create(email="helper@example.org", role=Role.STAFF, password="x-Pass-1234")
    assert admin.email == "boss@example.org"
    assert admin.is_staff and admin.is_superuser
    assert not staff.is_staff and not staff.is_superuser


def test_user_create_rejects_an_invalid_email_and_saves_nothing():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        user_create(email="not an email", role=Role.STAFF, password="x-Pass-1234")
    assert not User.objects.exists()


def test_sessions_clear_expired_deletes_only_expired_sessions():
    now = timezone.now()
    Session.objects.create(
        session_key="old", session_data="", expire_date=now - timezone.timedelta(days=1)
    )
    Session.objects.create(
        session_key="new", session_data="", expire_date=now + timezone.timedelta(days=1)
    )
    assert sessions_clear_expired() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == ["new"]
