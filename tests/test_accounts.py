import re

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ovp.accounts.models import Role, User
from ovp.accounts.services import sessions_clear_expired, user_create
from tests.factories import PASSWORD, AdminFactory

pytestmark = pytest.mark.django_db

HOMES = {
    Role.ADMIN: "/office/",
    Role.STAFF: "/office/",
    Role.GRANTEE: "/portal/",
    Role.BOARD: "/board/",
}


def login(client: Client, email: str, password: str = PASSWORD):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


@pytest.mark.parametrize("role", list(HOMES))
def test_each_role_lands_on_its_own_home_after_login(
    role, office_admin, staff, grantee_a, board_member
):
    user = {
        Role.ADMIN: office_admin,
        Role.STAFF: staff,
        Role.GRANTEE: grantee_a,
        Role.BOARD: board_member,
    }[role]
    client = Client()
    response = login(client, user.email)
    assert response.status_code == 302
    home = client.get(response.url, follow=True)
    assert home.redirect_chain[-1][0] == HOMES[role]
    assert home.status_code == 200


def test_login_accepts_the_email_in_any_case(staff):
    client = Client()
    response = login(client, "STAFF@Example.ORG")
    assert response.status_code == 302
    assert client.get("/office/").status_code == 200


def test_wrong_password_shows_the_form_again_with_an_error(staff):
    response = login(Client(), staff.email, "not-the-password")
    assert response.status_code == 200
    assert "That email and password do not match an account" in response.content.decode()


@pytest.mark.parametrize(
    "path", ["/office/", "/office/schedule/", "/board/", "/portal/", "/areas/", "/accounts/home/"]
)
def test_anonymous_visitor_is_sent_to_login(path):
    response = Client().get(path)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")


@pytest.mark.parametrize(
    ("persona", "path"),
    [
        ("grantee_a", "/office/"),
        ("grantee_a", "/areas/"),
        ("grantee_a", "/office/schedule/"),
        ("grantee_a", "/board/"),
        ("board_member", "/office/"),
        ("board_member", "/portal/"),
        ("staff", "/portal/"),
        ("staff", "/board/"),
    ],
)
def test_a_role_typing_another_roles_url_gets_403(persona, path, request, client_for):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(path)
    assert response.status_code == 403
    assert "You do not have access to this page" in response.content.decode()


def test_only_administrators_reach_django_admin(client_for, staff, office_admin):
    assert client_for(staff).get("/admin/").status_code == 302  # admin's own login page
    assert client_for(office_admin).get("/admin/").status_code == 200


def test_navigation_shows_what_the_role_may_use(client_for, staff, grantee_a):
    staff_page = client_for(staff).get("/office/").content.decode()
    grantee_page = client_for(grantee_a).get("/portal/").content.decode()
    assert 'href="/areas/"' in staff_page
    assert 'href="/areas/"' not in grantee_page
    assert "My organisations" in grantee_page
    assert "Administration" not in staff_page


def test_grantee_home_lists_only_their_own_organisations(client_for, grantee_a, grantee_b):
    page = client_for(grantee_a).get("/portal/").content.decode()
    assert "Organisation A" in page
    assert "Organisation B" not in page


def test_login_is_throttled_after_repeated_failures(staff):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, staff.email, "wrong")
    response = login(client, staff.email)  # now even the right password is refused
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_throttling_one_email_does_not_lock_out_another(staff, office_admin):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, staff.email, "wrong")
    assert login(client, office_admin.email).status_code == 302


def test_password_reset_sends_a_link_that_sets_a_new_password(staff):
    client = Client()
    response = client.post(reverse("accounts:password_reset"), {"email": "staff@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(
        r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body
    ).group(1)
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Brand-new-pass-77", "new_password2": "Brand-new-pass-77"},
    )
    assert done.status_code == 302
    assert login(Client(), staff.email, "Brand-new-pass-77").status_code == 302


def test_password_reset_for_unknown_email_sends_nothing_and_says_the_same():
    response = Client().post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_password_change_needs_the_old_password(client_for, staff):
    client = client_for(staff)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "wrong",
            "new_password1": "Brand-new-pass-77",
            "new_password2": "Brand-new-pass-77",
        },
    )
    assert response.status_code == 200
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_idle_session_expires(staff):
    client = Client()
    login(client, staff.email)
    assert client.get("/office/").status_code == 200
    later = timezone.now() + timezone.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    with time_machine.travel(later):
        response = client.get("/office/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_logout_ends_the_session(client_for, staff):
    client = client_for(staff)
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get("/office/").status_code == 302


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


def test_an_administrator_demoted_in_django_admin_loses_django_admin(client_for, office_admin):
    demoted = AdminFactory(email="demoted@example.org")
    page = client_for(office_admin).post(
        reverse("admin:accounts_user_change", args=[demoted.pk]),
        {"email": demoted.email, "full_name": "", "role": "grantee", "is_active": "on",
         "is_staff": "on", "is_superuser": "on", "groups": [],
         "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"},
    )  # fmt: skip
    assert page.status_code == 302, page.content.decode()[:2000]
    demoted.refresh_from_db()
    assert demoted.role == "grantee"
    assert not demoted.is_staff and not demoted.is_superuser
    assert not demoted.has_perm("accounts.change_user")
    assert client_for(demoted).get("/admin/").status_code == 302  # sent to the admin login


def test_django_admin_access_is_the_administrators_role_itself():
    for role, allowed in [("admin", True), ("staff", False), ("grantee", False), ("board", False)]:
        user = User.objects.create(email=f"{role}@example.org", role=role)
        user.refresh_from_db()
        assert (user.is_staff, user.is_superuser) == (allowed, allowed), role
        user.role = "staff" if allowed else "admin"
        assert (user.is_staff, user.is_superuser) == (not allowed, not allowed), role


def test_createsuperuser_makes_an_office_administrator(monkeypatch):
    from django.core.management import call_command

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-Long-admin-password-7")
    call_command("createsuperuser", email="root@example.org", interactive=False, verbosity=0)
    admin = User.objects.get(email="root@example.org")
    assert admin.role == Role.ADMIN and admin.is_staff and admin.is_superuser
