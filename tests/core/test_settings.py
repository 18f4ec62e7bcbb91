import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "ovp.settings.production",
    "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-0123456789",
    "ALLOWED_HOSTS": "ovp.example.org",
    "DATABASE_URL": "postgres://ovp@db.invalid:5432/ovp",
    "REDIS_URL": "redis://redis.invalid:6379/0",
    "EMAIL_URL": "smtp+tls://ovp:secret@mail.example.org:587",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_under_production_settings_has_no_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_settings_refuse_to_start_without(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "Production settings need these environment variables: " + missing in result.stderr


@pytest.mark.parametrize(
    "email", [{}, {"EMAIL_URL": "consolemail://"}, {"EMAIL_URL": "filemail:///tmp/mail"}]
)
def test_production_refuses_to_print_mail_to_its_log(email):
    # a password reset link printed to the log opens any account, administrators' included
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "EMAIL_URL"} | email
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "Production settings need a real mail server in EMAIL_URL" in result.stderr


def test_production_prints_mail_to_its_log_only_when_told_to_in_so_many_words():
    env = PRODUCTION_ENV | {"EMAIL_URL": "consolemail://", "OVP_ALLOW_CONSOLE_EMAIL": "true"}
    assert manage("check", env=env).returncode == 0


@pytest.mark.parametrize(
    "entry_point", ["import ovp.wsgi", "from ovp.celery import app; app.conf.broker_url"]
)
def test_wsgi_and_celery_default_to_production_settings_and_refuse_to_start_unconfigured(
    entry_point,
):
    clean = {k: v for k, v in os.environ.items() if k not in (
        "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")}  # fmt: skip
    result = subprocess.run([sys.executable, "-c", entry_point], cwd=ROOT, env=clean,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode != 0
    assert "Production settings need these environment variables" in result.stderr


def test_demo_data_is_refused_under_production_settings():
    result = manage("seed_demo", env=PRODUCTION_ENV)
    assert result.returncode != 0
    assert "Demo data is not allowed" in result.stderr


def test_vendored_plotly_is_the_npm_basic_bundle_of_the_plotly_packages_version():
    import json

    from ovp import vendor_plotly

    vendored = ROOT / "static/vendor/plotly/plotly-basic.min.js"
    source = json.loads((ROOT / "static/vendor/plotly/SOURCE.json").read_text())
    assert source["package"] == "plotly.js-basic-dist-min"
    assert vendor_plotly.sha256(vendored) == source["sha256"]
    assert "plotly.js (basic - minified)" in vendored.read_text()[:200]
    assert vendor_plotly.header_version(vendored) == source["version"]
    assert source["version"] == vendor_plotly.bundled_version()


def test_no_full_plotly_bundle_is_served():
    assert not list((ROOT / "static").rglob("plotly.min.js"))


def test_templates_load_nothing_from_another_host():
    import re

    offenders = []
    for template in [
        *ROOT.glob("templates/**/*.html"),
        *ROOT.glob("*/templates/**/*.html"),
        *ROOT.glob("ovp/*/templates/**/*.html"),
    ]:
        for match in re.finditer(
            r"""(?:src|href)=["']((?:https?:)?//[^"']+)""", template.read_text()
        ):
            offenders.append(f"{template.relative_to(ROOT)}: {match.group(1)}")
    assert offenders == []


@pytest.mark.django_db
def test_health_check_reports_the_database(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}


@pytest.mark.django_db
def test_base_template_has_skip_link_landmarks_and_title(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'href="#main"' in page and "Skip to main content" in page
    assert '<main id="main"' in page and "<header>" in page and "<footer" in page
    assert "<title>Log in · " in page


# Read under production settings in one fresh interpreter: the cookie settings, and two
# requests through the whole middleware stack (/office/ answers an anonymous visitor with a
# redirect, so neither needs the database or the cache).
_PRODUCTION_FACTS = """
import json
from django.conf import settings
from django.test import Client

def headers(**extra):
    response = Client(HTTP_HOST="ovp.example.org", **extra).get("/office/")
    return {"status": response.status_code, **{k.lower(): v for k, v in response.headers.items()}}

names = ["SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
         "SESSION_COOKIE_NAME", "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY",
         "CSRF_COOKIE_SAMESITE", "CSRF_COOKIE_NAME", "DEBUG"]
print(json.dumps({
    "settings": {name: getattr(settings, name) for name in names},
    "https": headers(HTTP_X_FORWARDED_PROTO="https"),
    "http": headers(),
}))
"""


@pytest.fixture(scope="module")
def production_facts() -> dict:
    import json

    result = manage("shell", "--no-imports", "-c", _PRODUCTION_FACTS, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_script_proof_and_same_site(production_facts):
    assert production_facts["settings"] == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "__Host-ovp-session",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_NAME": "__Host-ovp-csrftoken",
        "DEBUG": False,
    }


def test_production_responses_carry_hsts_nosniff_referrer_policy_and_csp(production_facts):
    headers = production_facts["https"]
    assert headers["status"] == 302 and headers["location"].startswith("/accounts/login/")
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"
    policy = headers["content-security-policy"] + ";"
    for directive in (
        "default-src 'self';",
        "script-src 'self';",
        "img-src 'self' data:;",
        "frame-ancestors 'none';",
        "form-action 'self';",
    ):
        assert directive in policy
    assert "unsafe-eval" not in policy


def test_production_sends_plain_http_to_https(production_facts):
    assert production_facts["http"]["status"] == 301
    assert production_facts["http"]["location"] == "https://ovp.example.org/office/"


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_http_only_and_same_site(client):
    from tests.factories import PASSWORD, StaffFactory

    StaffFactory(email="cookie@example.org")
    page = client.get("/accounts/login/")
    csrf = page.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"
    client.post("/accounts/login/", {"username": "cookie@example.org", "password": PASSWORD})
    session = client.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"
