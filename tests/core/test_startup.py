"""Start-up stays quick: loading the URLconf (what `manage.py check`, every web worker and
every test client does) and every management command loads none of the heavy numerical
libraries; those are imported by the functions that use them."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = (
    "numpy", "pandas", "pyarrow", "pgpq", "scipy", "statsmodels", "plotly", "shapely",
    "qrcode", "openpyxl", "xhtml2pdf", "reportlab",
)  # fmt: skip

LOAD_EVERYTHING_BUT_RUN_NOTHING = f"""
import sys
import django
django.setup()
from django.core.management import get_commands, load_command_class
from django.urls import get_resolver
get_resolver().url_patterns
for name, app in get_commands().items():
    load_command_class(app, name)
print(" ".join(name for name in {HEAVY!r} if name in sys.modules))
"""


def printed_by(script: str) -> list[str]:
    """The words a script prints, run in a new Python process with the test settings."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "ovp.settings.test"}
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT, env=environment, capture_output=True, text=True, check=True, timeout=120,
    ).stdout.split()  # fmt: skip


def test_the_urlconf_and_every_command_load_no_heavy_library():
    assert printed_by(LOAD_EVERYTHING_BUT_RUN_NOTHING) == []


def test_data_commands_skip_the_system_checks():
    from django.core.management import get_commands, load_command_class

    ours = {
        name: app
        for name, app in get_commands().items()
        if app.split(".")[0] in {"ovp", "stakeholders", "inventory", "grants", "evaluation"}
    }
    assert {"import_incidents", "aggregate_incidents", "evaluate_panel"} <= set(ours)
    for name, app in ours.items():
        assert load_command_class(app, name).requires_system_checks == [], name


WARM_A_WEB_WORKER = """
import runpy, sys
import django
django.setup()
runpy.run_path("gunicorn.conf.py")["import_page_modules"]()
print(" ".join(name for name in ("pandas", "pyarrow", "scipy", "plotly", "shapely")
               if name in sys.modules))
"""


def test_a_web_worker_imports_what_the_pages_compute_with_as_it_starts():
    # commands stay light (above); the first dashboard of a web worker does not wait
    assert printed_by(WARM_A_WEB_WORKER) == ["pandas", "pyarrow", "scipy", "plotly", "shapely"]
