"""Settings shared by every environment, read from environment variables.

Development defaults are safe on a laptop; `ovp.settings.production` refuses to start
without the values a public server must have.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The name a city gives its office; shown in page titles and emails.
OVP_OFFICE_NAME = env("OVP_OFFICE_NAME", default="Office of Gun Violence Prevention")
# Demo data may only be loaded where this is true (never in production).
OVP_DEMO_ALLOWED = True

INSTALLED_APPS = [
    # ovp's own foundations first: apps to the right depend on apps to the left
    "ovp.core",
    "ovp.accounts",
    "ovp.areas",
    "ovp.incidents",
    "stakeholders",
    "inventory",
    "grants",
    "evaluation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_filters",
    "simple_history",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # public pages whole from the cache for visitors not signed in, before the session and
    # the rest of the stack (ovp/core/public.py)
    "ovp.core.public_cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # every page needs a login unless its view is marked @login_not_required
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # refuses an upload too large by its Content-Length before anything (CSRF's check
    # among them, in process_view) reads the body (ovp/core/uploads.py)
    "ovp.core.uploads.UploadLimitMiddleware",
    "ovp.accounts.throttling.KnownDeviceMiddleware",
    # a session waiting for its two-factor code is not logged in yet (ovp/accounts/middleware.py);
    # it runs before LoginRequiredMiddleware's check, which happens in process_view
    "ovp.accounts.middleware.TwoFactorMiddleware",
    # who made each change recorded in a program's history
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # last, as django-axes asks: it turns lockouts into a clear page
    "axes.middleware.AxesMiddleware",
]

# Content security policy (django-csp): scripts only from our own static files (chart data
# sits in <script type="application/json"> blocks, which are data, not code). Styles allow
# 'unsafe-inline' because plotly.js adds <style> elements and style attributes as it draws
# each chart (and it has no nonce option); scripts, the thing an attacker wants, stay strict.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

ROOT_URLCONF = "ovp.urls"
WSGI_APPLICATION = "ovp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ovp.core.context_processors.portal",
            ],
        },
    },
]

# Postgres only. Without DATABASE_URL, `make run` / `make test` start an embedded server
# (ovp/localservices.py) and export its URL before Django starts.
DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/ovp")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        # RedisCache that turns Redis being down into misses (ovp/core/cache.py)
        "BACKEND": "ovp.core.cache.DegradingRedisCache",
        "LOCATION": REDIS_URL,
        # a Redis that does not answer costs a request at most this long per cache call
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="ovp"),
        # every key also names the database (ovp/core/cache.py)
        "KEY_FUNCTION": "ovp.core.cache.database_scoped_key",
        "TIMEOUT": 60 * 60 * 24,
    }
}

# Accounts
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "ovp.accounts.throttling.AccountGuessLimit",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sessions end after SESSION_IDLE_MINUTES without a request (the cookie is renewed on each).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=120) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# forms carry the token in the page; no script needs to read the cookie
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins for one email from
# one address, that pair is locked out for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.int("AXES_COOLOFF_MINUTES", default=15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # the login form's field, which holds the email
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# counted by the client's address as the trusted proxies saw it, and by the email in any case
# (ovp/accounts/throttling.py); PROXY_COUNT is the number of proxies in front of the portal
OVP_PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "ovp.accounts.throttling.client_ip"
AXES_USERNAME_CALLABLE = "ovp.accounts.throttling.username"
# one email's failed logins from every address together, within the cool-off
OVP_ACCOUNT_FAILURE_LIMIT = env.int("OVP_ACCOUNT_FAILURE_LIMIT", default=30)
# Two-factor login (django-otp, TOTP): office users may turn it on at /accounts/two-factor/;
# when this is true, office users without it are sent there before any other page.
OVP_REQUIRE_2FA_FOR_OFFICE = env.bool("OVP_REQUIRE_2FA_FOR_OFFICE", default=False)
OTP_TOTP_ISSUER = "OVP"

# Email: EMAIL_URL such as smtp+tls://user:password@mail.example.org:587 ; console by default.
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS"))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="ovp@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# collectstatic's target, for production images; development and tests serve from the finders
STATIC_ROOT = env("STATIC_ROOT", default=None)
WHITENOISE_USE_FINDERS = True
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / ".local" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: Redis is the broker and keeps results. Tasks take ids and dates, call one
# service, and may run twice: services are idempotent, so acks_late is safe.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=60 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_RESULT_EXPIRES = 60 * 60 * 24 * 7
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="ovp")
# Longer than the longest task, or Redis hands an unacknowledged task to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT * 2}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = env(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(BASE_DIR / ".local" / "celerybeat-schedule")
)
# The schedule lives here, in code; staff see it, with each job's purpose, at /office/schedule/.
OVP_SCHEDULED_JOBS: dict[str, dict] = {
    "incidents-nightly": {
        "task": "ovp.incidents.tasks.nightly",
        "schedule": crontab(hour=2, minute=30),
        "description": "Pull each incident source set to update nightly, then aggregate the "
        "weeks and months that changed.",
    },
    "clear-expired-sessions": {
        "task": "ovp.accounts.tasks.sessions_clear_expired",
        "schedule": crontab(hour=3, minute=15),
        "description": "Delete expired login sessions.",
    },
    "grants-program-data": {
        "task": "grants.tasks.program_data_rebuild",
        "schedule": crontab(hour=2, minute=45),
        "description": "Rebuild program data per area and quarter from approved quarterly reports.",
    },
    "outbox-flush": {
        "task": "ovp.core.tasks.outbox_flush",
        "schedule": crontab(minute="*"),
        "description": "Send the tasks queued while Redis was unreachable (ovp/core/queue.py).",
    },
    "grants-report-reminders": {
        "task": "grants.tasks.reports_send_reminders",
        "schedule": crontab(hour=7, minute=0),
        "description": "Email grantees whose quarterly reports are due in 7 days or overdue.",
    },
}
CELERY_BEAT_SCHEDULE = {
    name: {key: value for key, value in job.items() if key != "description"}
    for name, job in OVP_SCHEDULED_JOBS.items()
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Where each role lands after login (URL names).
OVP_ROLE_HOMES = {
    "admin": "core:office_home",
    "staff": "core:office_home",
    "grantee": "stakeholders:grantee_home",
    "board": "core:board_home",
}

# Public pages hide counts from 1 to OVP_SUPPRESSION_THRESHOLD - 1 (and what would reveal them).
OVP_SUPPRESSION_THRESHOLD = env.int("OVP_SUPPRESSION_THRESHOLD", default=10)
# The public "have your say" form: comments one client address may send in an hour
# (stakeholders/spam.py); more are answered 429 and not stored.
OVP_COMMUNITY_INPUT_PER_HOUR = env.int("OVP_COMMUNITY_INPUT_PER_HOUR", default=5)
# The allocation benchmark (Abt, Bleeding Out, 2019): annual funding per homicide, in dollars.
OVP_FUNDING_PER_HOMICIDE = env.int("OVP_FUNDING_PER_HOMICIDE", default=30_000)
# Uploaded exports larger than this are refused.
OVP_MAX_UPLOAD_MB = env.int("OVP_MAX_UPLOAD_MB", default=500)
# Documents attached to grant applications and reports larger than this are refused.
OVP_GRANT_UPLOAD_MAX_MB = env.int("OVP_GRANT_UPLOAD_MAX_MB", default=10)
# Files staff publish in the resource library (toolkits, guidance) larger than this are refused.
OVP_LIBRARY_UPLOAD_MAX_MB = env.int("OVP_LIBRARY_UPLOAD_MAX_MB", default=25)
# A quarterly report is due this many days after its quarter ends.
OVP_REPORT_DUE_DAYS = env.int("OVP_REPORT_DUE_DAYS", default=30)
# The portal's address, for links in emails (reminders) sent outside a request.
OVP_SITE_URL = env("OVP_SITE_URL", default="http://127.0.0.1:8000")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
