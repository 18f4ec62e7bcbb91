"""The Celery app. Configuration comes from Django settings named CELERY_*."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ovp.settings.development")

app = Celery("ovp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
