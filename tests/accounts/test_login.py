"""Logging in and out: each role's home, the login form, sessions that end, and setting a
password (reset by email, changed with the old one)."""

import re

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ovp.accounts.models import Role
from tests.factories import PASSWORD

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
