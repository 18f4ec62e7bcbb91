"""A public page's first load on a slow phone transfers at most PAGE_WEIGHT_LIMIT bytes.

Under production settings (gunicorn started here with `ovp.settings.production`, static
files collected into a temporary STATIC_ROOT, so compressed and hashed by whitenoise),
Chromium opens each page of `ovp.core.public.public_page_urls()` in a new context (an empty
cache) with the network throttled to DevTools' "Slow 4G" profile (the former "Fast 3G":
562.5 ms round trip, 1.44 Mbit/s down, 675 kbit/s up), and adds up the bytes that came over
the wire (CDP `Network.loadingFinished`'s `encodedDataLength`: headers and compressed
bodies) until the page has loaded and its charts are drawn. The limit is 1,000,000 bytes
(decimal megabyte). Each page's bytes, requests and load time are printed (`pytest -s`).
"""

import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from ovp.core.public import public_page_urls
from ovp.localservices import database_url

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
PAGE_WEIGHT_LIMIT = 1_000_000  # bytes
SLOW_4G = {
    "offline": False,
    "latency": 562.5,  # ms
    "downloadThroughput": 1.6 * 1024 * 1024 / 8 * 0.9,  # bytes/s
    "uploadThroughput": 750 * 1024 / 8 * 0.9,
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def production_env(static_root: Path) -> dict[str, str]:
    # the test database, as a URL that also works for the embedded Postgres's socket folder
    url = database_url(connection.settings_dict)
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ovp.settings.production",
        "SECRET_KEY": "page-weight-test-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": url,
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on the loopback; no TLS proxy here
        "OVP_ALLOW_CONSOLE_EMAIL": "true",
        "STATIC_ROOT": str(static_root),
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "4",
    }


@pytest.fixture
def production_server(tmp_path) -> Iterator[str]:
    """The demo city (its shootings published, programs listed, awards, a published
    assessment, resources), served by gunicorn under production settings; its URL."""
    call_command("seed_demo", stdout=io.StringIO())
    env = production_env(tmp_path / "static")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT, env=env, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    port = _free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "ovp.wsgi:application", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{url}/healthz/", server, tmp_path / "gunicorn.log")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _wait_for(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 (loopback)
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"{url} did not answer:\n{log.read_text()[-3000:]}")


def first_load(browser, base: str, path: str) -> dict[str, float]:
    """Open the page with an empty cache on a slow network: bytes, requests, seconds."""
    context = browser.new_context(base_url=base, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", SLOW_4G)
        sizes: dict[str, float] = {}
        cdp.on("Network.loadingFinished", lambda e: sizes.update({e["requestId"]: e["encodedDataLength"]}))  # fmt: skip
        started = time.monotonic()
        page.goto(path, wait_until="load", timeout=120_000)
        if page.locator("script[data-chart]").count():
            page.locator(".main-svg").first.wait_for(timeout=60_000)  # plotly drew
        seconds = time.monotonic() - started
        page.wait_for_timeout(500)  # the last loadingFinished events
        return {"bytes": sum(sizes.values()), "requests": len(sizes), "seconds": seconds}
    finally:
        context.close()


def one_of_each() -> list[str]:
    """A page of each kind the index's pages link to: a program, an assessment (its HTML
    page, with its charts), a resource."""
    from evaluation.selectors.assessments import published_assessments
    from inventory.models import Program, Resource
    from inventory.permissions import PUBLIC_ONLY

    program = Program.objects.filter(listed_publicly=True).first()
    resource = Resource.objects.for_audiences(PUBLIC_ONLY).first()
    assessment = published_assessments()[0]
    assert program and resource, "the demo city lists programs and public resources"
    return [
        reverse("public_programs:detail", args=[program.uuid]),
        reverse("public_assessments:detail", args=[assessment.assessment.uuid]),
        reverse("public_resources:detail", args=[resource.uuid]),
    ]


def test_each_public_page_loads_in_at_most_a_megabyte_on_a_slow_phone(browser, production_server):
    paths = [*public_page_urls(), *one_of_each()]
    results = {path: first_load(browser, production_server, path) for path in paths}
    print("\nFirst load, empty cache, Slow 4G, production settings:")
    for path, result in results.items():
        print(
            f"  {path:<40} {result['bytes']:>10,.0f} bytes  {result['requests']:>3.0f} requests"
            f"  {result['seconds']:>5.1f} s"
        )
    heavy = {path: r for path, r in results.items() if r["bytes"] > PAGE_WEIGHT_LIMIT}
    assert not heavy, json.dumps(results, indent=1)
