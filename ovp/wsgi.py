"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

# outside manage.py (which defaults to development) the default is production, which refuses
# to start without its configuration: an unset variable never means debug on and a known key
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ovp.settings.production")

application = get_wsgi_application()
