"""gunicorn's settings for the portal's web workers (gunicorn reads this file from the
folder it starts in: /app in the image, the checkout for `make loadtest`)."""

import importlib
from typing import Any

# What the pages compute with. Commands and Celery workers import these only where they use
# them (a quick start); a web worker imports them as it starts, so that no person waits
# for pandas and scipy on the first dashboard of each worker after a deploy.
PAGE_MODULES = (
    "ovp.incidents.dashboard",
    "inventory.selectors",
    "evaluation.charts",
    "evaluation.services.runs",
    "evaluation.estimators",
    "evaluation.figures.sections",
    "plotly.colors",  # the maps' colours
    "shapely",  # the maps' outlines
)


def post_worker_init(worker: Any) -> None:
    for module in PAGE_MODULES:
        importlib.import_module(module)
