"""Production: refuses to start without a secret key, allowed hosts and a database.

Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from ovp.settings.base import *  # noqa: F403
from ovp.settings.base import BASE_DIR, EMAIL_BACKEND, env

_missing = [
    name for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL") if not os.environ.get(name)
]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: " + ", ".join(_missing)
    )

# Without a mail server, password-reset links (administrators' too) would be printed to the
# log, where whoever reads it can open any account: only where someone says so in as many
# words, for a trial without mail.
_LOG_ONLY_MAIL = ("console", "filebased", "locmem", "dummy")
if EMAIL_BACKEND.split(".")[-2] in _LOG_ONLY_MAIL and not env.bool(
    "OVP_ALLOW_CONSOLE_EMAIL", default=False
):
    raise ImproperlyConfigured(
        "Production settings need a real mail server in EMAIL_URL (for example "
        "smtp+tls://user:password@mail.example.org:587): without one, password-reset links "
        "would be printed to the log. Set OVP_ALLOW_CONSOLE_EMAIL=true to run without mail."
    )

DEBUG = False
OVP_DEMO_ALLOWED = False
# office accounts log in with a second factor (opt-in in development)
OVP_REQUIRE_2FA_FOR_OFFICE = env.bool("OVP_REQUIRE_2FA_FOR_OFFICE", default=True)
SECRET_KEY = env("SECRET_KEY")
# localhost too: the container's health check asks from inside
ALLOWED_HOSTS = [*env.list("ALLOWED_HOSTS"), "localhost"]

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# behind one proxy (docker-compose's TLS proxy): logins are throttled by the address it
# appended to X-Forwarded-For, not by what the client wrote there
OVP_PROXY_COUNT = env.int("PROXY_COUNT", default=1)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# the container health check speaks plain HTTP inside the compose network
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Cookies: only over HTTPS, out of reach of scripts, not sent on cross-site posts. The
# __Host- prefix makes browsers refuse them unless Secure, for this host only, path /.
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "__Host-ovp-session"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_NAME = "__Host-ovp-csrftoken"
X_FRAME_OPTIONS = "DENY"

STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
WHITENOISE_USE_FINDERS = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
