"""Login throttling (django-axes): repeated failures lock one email out, not another; behind the
production proxy, counted by the address the trusted proxy saw, and by the email whatever its
case."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-0123456789",
    "ALLOWED_HOSTS": "ovp.example.org",
    "DATABASE_URL": "postgres://ovp@db.invalid:5432/ovp",
    "EMAIL_URL": "smtp://mail.example.org:25",
}


def production_throttling() -> dict:
    """The throttling settings the production module sets, read in a process of its own
    (the settings modules read the environment once, when first imported)."""
    script = (
        "import json; from ovp.settings import production as p; print(json.dumps({name: "
        "getattr(p, name) for name in dir(p) if name.startswith(('AXES_', 'OVP_PROXY'))}))"
    )
    environment = {**os.environ, **PRODUCTION_ENV}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=environment,
                          capture_output=True, text=True, check=True, timeout=120)  # fmt: skip
    return json.loads(done.stdout)


def login(client: Client, email: str, password: str = PASSWORD, **headers: str):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, **headers
    )


@pytest.fixture
def behind_the_proxy():
    with override_settings(**production_throttling()):
        yield


@pytest.mark.django_db
def test_login_is_throttled_after_repeated_failures(staff):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, staff.email, "wrong")
    response = login(client, staff.email)  # now even the right password is refused
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_throttling_one_email_does_not_lock_out_another(staff, office_admin):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, staff.email, "wrong")
    assert login(client, office_admin.email).status_code == 302


def test_production_counts_one_trusted_proxy():
    assert production_throttling()["OVP_PROXY_COUNT"] == 1


@pytest.mark.django_db
def test_a_new_forged_address_each_attempt_does_not_escape_the_lockout(behind_the_proxy, staff):
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        # the client writes a new address first; the proxy appends the one it saw
        login(client, staff.email, "wrong", HTTP_X_FORWARDED_FOR=f"10.9.9.{attempt}, 203.0.113.7")
    response = login(client, staff.email, PASSWORD,
                     HTTP_X_FORWARDED_FOR="10.9.9.200, 203.0.113.7")  # fmt: skip
    assert response.status_code == 429


@pytest.mark.django_db
def test_one_attacker_cannot_lock_an_account_for_everyone(behind_the_proxy, staff):
    attacker, colleague = Client(), Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(attacker, staff.email, "wrong", HTTP_X_FORWARDED_FOR="198.51.100.66")
    assert (
        login(attacker, staff.email, "wrong", HTTP_X_FORWARDED_FOR="198.51.100.66").status_code
        == 429
    )
    # the account's owner, from another address, still gets in
    response = login(colleague, staff.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert response.status_code == 302


@pytest.mark.django_db
def test_without_the_proxy_header_the_connections_address_counts(behind_the_proxy, staff):
    client = Client(REMOTE_ADDR="192.0.2.10")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, staff.email, "wrong")
    assert login(client, staff.email, PASSWORD).status_code == 429
    assert login(Client(REMOTE_ADDR="192.0.2.11"), staff.email, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_lockout_holds_whatever_the_case_of_the_email(staff):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, staff.email, "wrong")
    for spelling in (staff.email.upper(), staff.email.title(), f"  {staff.email} "):
        assert login(client, spelling, "wrong").status_code == 429, spelling
        assert login(client, spelling, PASSWORD).status_code == 429, spelling


@pytest.mark.django_db
def test_look_alike_letters_do_not_reach_an_account(client):
    """Postgres upper-cases the long s to "S" and the dotless i to "I": a case-insensitive
    lookup would let "\u017ftaff@…" log in as "staff@…" while the lockout counted it as
    another name."""
    from ovp.accounts.models import Role, User
    from ovp.accounts.services import user_create

    user_create(email="staff.si@example.org", role=Role.STAFF, password="A-long-pass-1")
    assert User.objects.get_by_natural_key(" STAFF.SI@example.org ").email == "staff.si@example.org"
    for look_alike in ["\u017ftaff.si@example.org", "staff.s\u0131@example.org"]:
        with pytest.raises(User.DoesNotExist):
            User.objects.get_by_natural_key(look_alike)
        response = client.post(
            "/accounts/login/", {"username": look_alike, "password": "A-long-pass-1"}
        )
        assert response.status_code == 200 and "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_an_ipv6_client_is_counted_by_its_64_block(behind_the_proxy, staff):
    # a client holds a whole /64: a new address from it each attempt escaped the lockout
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, staff.email, "wrong", HTTP_X_FORWARDED_FOR=f"2001:db8:5:6::{attempt + 1:x}")
    response = login(client, staff.email, PASSWORD, HTTP_X_FORWARDED_FOR="2001:db8:5:6::ffff")
    assert response.status_code == 429
    other_block = login(Client(), staff.email, PASSWORD, HTTP_X_FORWARDED_FOR="2001:db8:5:7::1")
    assert other_block.status_code == 302


@pytest.mark.django_db
def test_guessing_one_account_from_many_addresses_is_limited_too(behind_the_proxy, staff, settings):
    from django.core.cache import cache

    cache.delete(f"login-failures:{staff.email}")
    settings.OVP_ACCOUNT_FAILURE_LIMIT = 12
    for attempt in range(12):  # a few tries from each of many addresses: none locked alone
        login(Client(), staff.email.upper(), "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}")
    response = login(Client(), staff.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert response.status_code == 429
    assert "_auth_user_id" not in response.wsgi_request.session
    other = login(
        Client(), "someone.else@example.org", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.99"
    )
    assert other.status_code == 200  # another email is not held
    cache.delete(f"login-failures:{staff.email}")


@pytest.mark.django_db
def test_guessing_from_many_addresses_does_not_lock_the_owner_out_of_a_known_browser(
    behind_the_proxy, staff, settings
):
    settings.OVP_ACCOUNT_FAILURE_LIMIT = 12
    owner = Client()
    assert (
        login(owner, staff.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 302
    )
    device = owner.cookies["ovp_device"].value
    owner.logout()  # the test client forgets its cookies: the browser would keep this one
    owner.cookies["ovp_device"] = device
    for attempt in range(12):
        login(Client(), staff.email, "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}")
    # a new browser is held; the owner's own browser, which logged in before, is not
    assert (
        login(Client(), staff.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code
        == 429
    )
    assert (
        login(owner, staff.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 302
    )
