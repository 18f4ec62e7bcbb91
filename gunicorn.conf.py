"""gunicorn's settings for the portal's web workers (gunicorn reads this file from the
folder it starts in: /app in the image, the checkout for `make loadtest`)."""

import importlib
import logging
import os
from typing import Any

# Three processes of four threads each: on two cores, a page served from the cache
# (ovp/core/public.py) is a few hundred microseconds of Python, so threads keep the cores
# busy while others wait on Postgres or Redis. WEB_CONCURRENCY / GUNICORN_THREADS override.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# a proxy (or a phone) reusing its connection between pages: longer than gunicorn's 2 s
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "10"))

# The application is loaded once, in the master, which also imports what the pages compute
# with and renders the public pages into the cache (`when_ready`) before it forks the
# workers: a worker is then ready at once, shares those modules' memory with the others, and
# nobody waits for pandas, scipy or a public page's rendering after a deploy. (A code change
# then needs a restart, not a HUP.)
preload_app = True

# What the pages compute with. Commands and Celery workers import these only where they use
# them (a quick start); the web server imports them as it starts.
PAGE_MODULES = (
    "ovp.incidents.dashboard",
    "ovp.incidents.public_charts",
    "ovp.incidents.publication",
    "inventory.selectors.gaps",
    "inventory.selectors.public_programs",
    "evaluation.charts",
    "evaluation.services.runs",
    "evaluation.estimators",
    "evaluation.figures.sections",
    "plotly.colors",  # the maps' colours
    "shapely",  # the maps' outlines
)


def import_page_modules() -> None:
    for module in PAGE_MODULES:
        importlib.import_module(module)


def when_ready(server: Any) -> None:
    """In the master, before the workers are forked."""
    import_page_modules()
    # the public pages into the cache (Redis keeps them across restarts: then this only
    # reads them), so that the first visitors after a deploy do not wait for a rendering
    try:
        from ovp.core.public_cache import warm

        warm()
    except Exception:  # a page that fails here fails for its visitor too, and is logged then
        logging.getLogger("gunicorn.error").exception("Warming the public pages failed")
    finally:
        # no connection of the master's may be shared by the forked workers
        from django.core.cache import cache
        from django.db import connections

        connections.close_all()
        cache.close()
