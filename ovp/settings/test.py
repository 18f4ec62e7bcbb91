"""Tests: the same servers as development, fast hashing, an isolated queue and cache prefix."""

import tempfile
from pathlib import Path

from ovp.settings.base import *  # noqa: F403
from ovp.settings.base import CACHES, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES["default"]["KEY_PREFIX"] = "ovp-test"
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="ovp-test")
LOGGING = {"version": 1, "disable_existing_loggers": False}
# uploads made by tests stay out of the checkout
MEDIA_ROOT = Path(tempfile.gettempdir()) / "ovp-test-media"
# tests/core/test_faults.py starts workers that must see a killed worker's task again in seconds
if env.int("CELERY_VISIBILITY_TIMEOUT", default=0):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT"),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
