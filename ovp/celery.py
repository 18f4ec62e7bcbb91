"""The Celery app. Configuration comes from Django settings named CELERY_*."""

import os

from celery import Celery

# outside manage.py (which defaults to development) the default is production, which refuses
# to start without its configuration: an unset variable never means debug on and a known key
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ovp.settings.production")

app = Celery("ovp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
