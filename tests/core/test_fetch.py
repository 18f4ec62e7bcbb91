"""A source's URL cannot reach inside the city's network: http(s) to public addresses only,
checked when saved, at each fetch and at each redirect, on the address connected to; and a
failed import never shows what the URL answered."""

import http.server
import threading
from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError

from ovp.core import fetch
from ovp.incidents.mapping import PRESETS
from ovp.incidents.models import ImportRun, IncidentSource
from ovp.incidents.services import incidents_import, source_for

INSIDE = [
    "http://127.0.0.1/export.csv",
    "http://localhost:8000/admin/",
    "http://10.0.0.5/export.csv",
    "http://192.168.1.1/",
    "http://172.16.4.4/",
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "http://100.64.0.1/",  # shared address space
    "http://0.0.0.0:6379/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://2130706433/",  # 127.0.0.1 written as one number
    "file:///etc/passwd",
    "ftp://data.example.org/export.csv",
    "gopher://127.0.0.1:6379/_FLUSHALL",
    "https://user:secret@data.example.org/export.csv",
    "http://[64:ff9b::a00:1]/",  # NAT64 to 10.0.0.1
    "http://[2002:a00:1::1]/",  # 6to4 from 10.0.0.1
    "http://[2001:0:a00:1::1]/",  # Teredo
    "http://[fec0::1]/",  # site-local (reserved)
    "http://93.184.215.14:6379/",  # a public address, but a service's port
    "http://240.0.0.1/",  # reserved
]


def test_a_public_address_on_another_port_is_refused(monkeypatch):
    monkeypatch.setattr(fetch, "resolve", lambda host, port: ["93.184.215.14"])
    with pytest.raises(ValidationError, match="usual ports"):
        fetch.checked_address("http://data.city.example:6379/")
    assert fetch.checked_address("https://data.city.example/x.csv")[2] == 443


@pytest.mark.parametrize("url", INSIDE)
def test_staff_cannot_save_a_source_url_inside_the_network(url, client_for, staff):
    page = client_for(staff).post(
        "/incidents/data/sources/new/", {"name": "city", "preset": "nypd", "url": url}
    )
    assert page.status_code == 200
    assert not IncidentSource.objects.exists()


def test_a_name_that_resolves_inside_the_network_is_refused(monkeypatch):
    monkeypatch.setattr(fetch, "resolve", lambda host, port: ["93.184.215.14", "10.1.2.3"])
    with pytest.raises(ValidationError, match="not an address on the public internet"):
        fetch.checked_address("https://data.city.example/export.csv")


def test_a_public_export_url_can_be_saved(public_dns, client_for, staff):
    client_for(staff).post("/incidents/data/sources/new/", {
        "name": "city", "preset": "nypd", "url": "https://data.city.example/export.csv",
    })  # fmt: skip
    assert IncidentSource.objects.get().url == "https://data.city.example/export.csv"


class Answers(http.server.BaseHTTPRequestHandler):
    """A server of the test's: its answers are set per path."""

    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
    seen: list[tuple[str, str]] = []

    def do_GET(self) -> None:
        self.seen.append((self.path, self.headers.get("Host", "")))
        status, headers, body = self.routes.get(self.path, (404, {}, b""))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server(monkeypatch) -> Iterator[tuple[str, type[Answers]]]:
    """A local server standing for a public one: its name resolves to 127.0.0.1, and only
    that address counts as public here."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    Answers.routes, Answers.seen = {}, []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    real_resolve = fetch.resolve
    monkeypatch.setattr(fetch, "resolve", lambda host, port: (
        ["127.0.0.1"] if host == "exports.example" else real_resolve(host, port)))  # fmt: skip
    monkeypatch.setattr(fetch, "is_public", lambda address: address == "127.0.0.1")
    monkeypatch.setattr(fetch, "PORTS", (80, 443, httpd.server_address[1]))
    yield f"http://exports.example:{httpd.server_address[1]}", Answers
    httpd.shutdown()


def test_a_redirect_inside_the_network_is_not_followed(server):
    base, answers = server
    answers.routes["/export.csv"] = (302, {"Location": "http://10.0.0.7/secret"}, b"")
    with pytest.raises(
        ValidationError, match=r"10\.0\.0\.7 is not an address on the public internet"
    ):
        fetch.fetch(f"{base}/export.csv", max_bytes=1000)


def test_redirects_between_public_addresses_are_followed_a_few_times(server):
    base, answers = server
    answers.routes["/old.csv"] = (301, {"Location": "/new.csv"}, b"")
    answers.routes["/new.csv"] = (200, {}, b"INCIDENT_KEY\n1\n")
    assert fetch.fetch(f"{base}/old.csv", max_bytes=1000).read() == b"INCIDENT_KEY\n1\n"
    answers.routes["/loop.csv"] = (302, {"Location": "/loop.csv"}, b"")
    with pytest.raises(ValidationError, match="redirects more than"):
        fetch.fetch(f"{base}/loop.csv", max_bytes=1000)


def test_the_connection_goes_to_the_address_that_was_checked(server, monkeypatch):
    base, answers = server
    answers.routes["/export.csv"] = (200, {}, b"x\n")
    lookups: list[str] = []
    checked = fetch.resolve

    def rebinding(host: str, port: int) -> list[str]:
        # the first answer is checked; a second lookup would answer inside
        lookups.append(host)
        return checked(host, port) if len(lookups) == 1 else ["10.0.0.7"]

    monkeypatch.setattr(fetch, "resolve", rebinding)
    assert fetch.fetch(f"{base}/export.csv", max_bytes=100).read() == b"x\n"
    assert lookups == ["exports.example"]  # one lookup: the connection used its answer
    assert answers.seen[-1][1].startswith("exports.example")  # with the host's own name


def test_a_large_answer_is_kept_on_disk_not_in_memory(server, monkeypatch):
    base, answers = server
    answers.routes["/export.csv"] = (200, {}, b"y" * 5000)
    monkeypatch.setattr(fetch, "IN_MEMORY", 1000)
    monkeypatch.setattr(fetch, "CHUNK", 700)
    body = fetch.fetch(f"{base}/export.csv", max_bytes=10_000)
    assert body._rolled and body.read() == b"y" * 5000  # type: ignore[attr-defined]


def test_an_answer_larger_than_the_limit_is_refused(server):
    base, answers = server
    answers.routes["/big.csv"] = (200, {}, b"x" * 101)
    with pytest.raises(ValidationError, match="larger than 100 bytes"):
        fetch.fetch(f"{base}/big.csv", max_bytes=100)


@pytest.mark.django_db
def test_a_failed_import_from_a_url_never_shows_what_came_back(server):
    base, answers = server
    answers.routes["/internal"] = (200, {}, b"api_key,db_password\nAKIA-SECRET,hunter2\n")
    source = source_for(name="city", preset="nypd")
    with pytest.raises(ValidationError) as refused:
        incidents_import(location=f"{base}/internal", mapping=PRESETS["nypd"], source=source)
    shown = " ".join(refused.value.messages) + ImportRun.objects.get().error
    assert "INCIDENT_KEY" in shown  # what the mapping needs is said
    for secret in ("api_key", "db_password", "AKIA-SECRET", "hunter2"):
        assert secret not in shown
