"""Local development: DEBUG on, console email, demo data allowed."""

from ovp.settings.base import *  # noqa: F403
from ovp.settings.base import env

DEBUG = env.bool("DEBUG", default=True)
