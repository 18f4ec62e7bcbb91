"""Two-factor login for office accounts (django-otp TOTP), with real codes from the device key."""

import os
import re
import subprocess
import sys
from base64 import b32decode
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ovp.accounts.services import two_factor_qr_svg
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SETUP = "/accounts/two-factor/"
CODE_STEP = "/accounts/two-factor/code/"


def code_for(device: TOTPDevice) -> str:
    """The code an authenticator app holding this device's key shows right now."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def wrong_code(device: TOTPDevice) -> str:
    return f"{(int(code_for(device)) + 1) % 1_000_000:06d}"


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    """A stopped clock; `clock.shift(30)` moves to the next code."""
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False) as traveller:
        yield traveller


def with_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def log_in(client: Client, email: str, next_url: str = ""):
    data = {"username": email, "password": PASSWORD}
    url = reverse("accounts:login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, data)


def test_staff_turns_on_two_factor_by_scanning_the_secret_and_confirming_a_code(
    client_for, staff, clock
):
    client = client_for(staff)
    page = client.get(SETUP).content.decode()
    assert "Two-factor login is off" in page

    assert client.post(SETUP, {"action": "start"}).status_code == 302
    device = TOTPDevice.objects.get(user=staff)
    assert device.confirmed is False
    page = client.get(SETUP).content.decode()
    assert "<svg" in page and "<path" in page  # the QR code, inline
    secret = re.search(r'<code class="two-factor-secret">([A-Z2-7 ]+)</code>', page).group(1)
    assert b32decode(secret.replace(" ", "")) == device.bin_key  # what the user types works

    response = client.post(SETUP, {"action": "confirm", "code": wrong_code(device)})
    assert "That code is not right" in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False

    clock.shift(30)  # a wrong code holds the next try back for a second
    response = client.post(SETUP, {"action": "confirm", "code": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed is True
    assert "Two-factor login is on" in client.get(SETUP).content.decode()


def test_qr_code_holds_the_otpauth_address_with_the_issuer(staff):
    device = TOTPDevice.objects.create(user=staff, confirmed=False)
    assert device.config_url.startswith("otpauth://totp/OVP")
    svg = two_factor_qr_svg(device)
    assert svg.startswith("<svg") and "style=" not in svg  # nothing the CSP would block


def test_login_asks_for_the_code_and_no_page_opens_before_it(staff, clock):
    device = with_device(staff)
    client = Client()
    response = log_in(client, staff.email, next_url="/areas/")
    assert response.status_code == 302
    assert response.url == f"{CODE_STEP}?next=%2Fareas%2F"

    for path in ("/office/", "/areas/", "/accounts/home/", SETUP, "/accounts/password/change/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(CODE_STEP), path
    # the code step itself shows nobody logged in: no menu, no name
    page = client.get(CODE_STEP).content.decode()
    assert "Enter your code" in page and staff.email not in page

    response = client.post(CODE_STEP, {"code": wrong_code(device), "next": "/areas/"})
    assert "That code is not right" in response.content.decode()
    assert client.get("/office/").status_code == 302

    clock.shift(30)
    response = client.post(CODE_STEP, {"code": code_for(device), "next": "/areas/"})
    assert response.status_code == 302 and response.url == "/areas/"
    assert client.get("/office/").status_code == 200
    assert client.get("/areas/").status_code == 200


def test_code_step_does_not_follow_a_next_to_another_host(staff, clock):
    device = with_device(staff)
    client = Client()
    log_in(client, staff.email)
    response = client.post(CODE_STEP, {"code": code_for(device), "next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == "/accounts/home/"


def test_a_code_works_once_and_wrong_codes_in_a_row_are_held_back(staff, clock):
    device = with_device(staff)
    first = Client()
    log_in(first, staff.email)
    used = code_for(device)
    assert first.post(CODE_STEP, {"code": used}).status_code == 302

    second = Client()
    log_in(second, staff.email)
    response = second.post(CODE_STEP, {"code": used})  # replayed in the same 30 seconds
    assert "That code is not right" in response.content.decode()
    clock.shift(30)
    response = second.post(CODE_STEP, {"code": wrong_code(device)})
    assert "That code is not right" in response.content.decode()
    # straight after a wrong code even the right one is held back (1 s, then 2 s, 4 s, ...)
    response = second.post(CODE_STEP, {"code": code_for(device)})
    assert "Too many wrong codes in a row. Wait 2 seconds" in response.content.decode()
    assert second.get("/office/").status_code == 302
    clock.shift(2)
    assert second.post(CODE_STEP, {"code": code_for(device)}).status_code == 302
    assert second.get("/office/").status_code == 200


def test_django_admin_login_also_asks_for_the_code(office_admin, clock):
    device = with_device(office_admin)
    client = Client()
    client.post(
        "/admin/login/?next=/admin/", {"username": office_admin.email, "password": PASSWORD}
    )
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith(CODE_STEP)
    client.post(CODE_STEP, {"code": code_for(device)})
    assert client.get("/admin/").status_code == 200


def test_cancel_at_the_code_step_logs_out(staff):
    with_device(staff)
    client = Client()
    log_in(client, staff.email)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get("/office/").url.startswith("/accounts/login/")


def test_user_without_a_device_logs_in_with_the_password_alone(staff):
    client = Client()
    response = log_in(client, staff.email)
    assert response.url == "/accounts/home/"
    assert client.get("/office/").status_code == 200


def test_turning_two_factor_off_needs_a_current_code(staff, clock):
    device = with_device(staff)
    client = Client()
    log_in(client, staff.email)
    client.post(CODE_STEP, {"code": code_for(device)})

    clock.shift(30)
    response = client.post(SETUP, {"action": "disable", "code": wrong_code(device)})
    assert "That code is not right" in response.content.decode()
    assert TOTPDevice.objects.filter(user=staff).exists()
    clock.shift(30)
    response = client.post(SETUP, {"action": "disable", "code": code_for(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert log_in(Client(), staff.email).url == "/accounts/home/"


@pytest.mark.parametrize("persona", ["grantee_a", "board_member"])
def test_only_office_accounts_have_a_two_factor_page(request, client_for, persona):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(SETUP).status_code == 403
    assert client_for(user).post(SETUP, {"action": "start"}).status_code == 403
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_required_two_factor_sends_office_users_without_a_device_to_set_it_up(
    settings, client_for, staff, grantee_a, clock
):
    settings.OVP_REQUIRE_2FA_FOR_OFFICE = True
    client = client_for(staff)
    response = client.get("/areas/")
    assert response.status_code == 302 and response.url == f"{SETUP}?next=%2Fareas%2F"
    assert client.get(SETUP).status_code == 200
    client.post(SETUP, {"action": "start"})
    device = TOTPDevice.objects.get(user=staff)
    client.post(f"{SETUP}?next=/areas/", {"action": "confirm", "code": code_for(device)})
    # confirmed in this session: it counts as verified, and cannot be turned off here
    assert client.get("/areas/").status_code == 200
    clock.shift(30)
    response = client.post(SETUP, {"action": "disable", "code": code_for(device)})
    assert "cannot be turned off" in response.content.decode()
    assert TOTPDevice.objects.filter(user=staff, confirmed=True).exists()
    # grantees are not office users: the rule leaves them alone
    assert client_for(grantee_a).get("/portal/").status_code == 200


def test_required_two_factor_asks_a_session_from_before_enrolment_for_the_code(
    settings, client_for, staff, clock
):
    settings.OVP_REQUIRE_2FA_FOR_OFFICE = True
    old_session = client_for(staff)  # logged in, then the device was set up elsewhere
    device = with_device(staff)
    response = old_session.get("/office/")
    assert response.url.startswith(CODE_STEP)
    old_session.post(CODE_STEP, {"code": code_for(device)})
    assert old_session.get("/office/").status_code == 200


def test_login_throttling_still_counts_wrong_passwords_for_two_factor_users(staff):
    with_device(staff)
    client = Client()
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": staff.email, "password": "wrong"})
    response = log_in(client, staff.email)
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert client.get("/office/").status_code == 302


def test_two_factor_sessions_expire_like_any_other(staff, clock):
    device = with_device(staff)
    client = Client()
    log_in(client, staff.email)
    client.post(CODE_STEP, {"code": code_for(device)})
    clock.shift(timedelta(hours=3))
    assert client.get("/office/").url.startswith("/accounts/login/")


def test_turning_the_requirement_on_ends_office_sessions_opened_without_a_second_factor(
    settings, client_for, staff, grantee_a
):
    settings.OVP_REQUIRE_2FA_FOR_OFFICE = False
    before, grantee = client_for(staff), client_for(grantee_a)  # logged in with a password
    with_device(staff)  # whether or not a device comes later
    settings.OVP_REQUIRE_2FA_FOR_OFFICE = True
    response = before.get("/office/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert "_auth_user_id" not in before.session  # ended, not held at a step
    assert before.get("/office/").url.startswith("/accounts/login/")
    assert grantee.get("/portal/").status_code == 200  # the rule is the office's


def test_production_requires_two_factor_for_office_accounts_unless_told_otherwise():
    script = "from ovp.settings import production as p; print(p.OVP_REQUIRE_2FA_FOR_OFFICE)"
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    production = {
        **base, "SECRET_KEY": "s" * 50, "ALLOWED_HOSTS": "ovp.example.org",
        "DATABASE_URL": "postgres://ovp@db.invalid/ovp", "EMAIL_URL": "smtp://mail.example.org",
    }  # fmt: skip

    def read(**extra: str) -> str:
        return subprocess.run([sys.executable, "-c", script], cwd=ROOT, env={**production, **extra},
                              capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip

    assert read() == "True"
    assert read(OVP_REQUIRE_2FA_FOR_OFFICE="false") == "False"
