"""What each role reaches: its own home and menu, not another role's pages, and Django admin
for office administrators alone."""

import pytest
from django.urls import reverse

from ovp.accounts.models import Role, User
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db


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
