"""OVP: the portal of a city's Office of Gun Violence Prevention."""

from ovp.celery import app as celery_app

__all__ = ("celery_app",)
