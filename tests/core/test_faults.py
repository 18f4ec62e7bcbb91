"""Faults: a worker killed mid-job, Redis down, Postgres restarted. Nothing is lost or
counted twice, and the pages people use keep answering.

The worker tests start real `celery -A ovp worker` processes on a queue and a Redis database
of their own (other test runs on this machine share Redis database 0), pointed at this run's
test database. A test-only pause point (ovp/core/faults.py) holds the first worker inside the
job's transaction, where it is killed with SIGKILL; acks_late leaves the task unacknowledged,
and a second worker, started with a visibility timeout of one second, gets it again.
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import requests
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import close_old_connections, connection
from django.test import override_settings

from grants.models import ReportStatus, ReportVersion
from ovp import localservices
from ovp.celery import app
from ovp.core.models import QueuedTask
from ovp.incidents import tasks
from ovp.incidents.aggregation import incidents_aggregate
from ovp.incidents.mapping import PRESETS
from ovp.incidents.models import (
    AggregationRun,
    Breakdown,
    DirtyDay,
    ImportRun,
    ImportStatus,
    PeriodCount,
    Victim,
)
from ovp.incidents.services import incidents_import, source_for
from tests.builders import FULL_METRICS, make_award, nypd_csv, nypd_row

pytestmark = pytest.mark.faults

ROOT = Path(__file__).resolve().parents[2]
CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connections are refused
WAIT_SECONDS = 90


def _redis_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", "", ""))


# a Redis database of these tests' own: a worker that restores unacknowledged messages
# after one second must not touch other test runs' messages
FAULT_BROKER = _redis_db(settings.REDIS_URL, 14)
FAULT_QUEUE = f"ovp-faults-{os.getpid()}"


@contextmanager
def worker(tmp_path: Path, name: str, **env: str) -> Iterator[subprocess.Popen]:
    """A real Celery worker process on the faults queue, seeing this test's database."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ovp.settings.test",
        "DATABASE_URL": localservices.database_url(connection.settings_dict),
        "CELERY_BROKER_URL": FAULT_BROKER,
        "CELERY_RESULT_BACKEND": FAULT_BROKER,
        "CELERY_QUEUE": FAULT_QUEUE,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **env,
    }
    log = (tmp_path / f"{name}.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ovp", "worker", "--pool=solo", "-Q", FAULT_QUEUE,
         "-n", f"{name}-{os.getpid()}@%h", "--without-gossip", "--without-mingle",
         "--without-heartbeat", "-l", "info"],
        cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        yield process
    finally:
        localservices.stop_process(process, timeout=20)
        log.close()


def wait_for(condition: Callable[[], Any], what: str, log: Path | None = None) -> Any:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        close_old_connections()
        if result := condition():
            return result
        time.sleep(0.2)
    tail = log.read_text()[-3000:] if log and log.exists() else ""
    pytest.fail(f"Timed out waiting for {what}\n{tail}")


def send(task: Any, *args: Any) -> None:
    """Straight to the faults queue (enqueue() uses the settings' broker and queue)."""
    with app.connection_for_write(FAULT_BROKER) as broker:
        task.apply_async(args, queue=FAULT_QUEUE, connection=broker, ignore_result=True)


def kill_mid_job(tmp_path: Path, point: str, task: Any, *args: Any) -> None:
    """Start a worker that pauses at `point`, send it the task, SIGKILL it there."""
    flag = tmp_path / f"paused-at-{point}"
    with worker(
        tmp_path, "doomed", OVP_FAULT_TEST_PAUSE_AT=point, OVP_FAULT_TEST_FLAG=str(flag)
    ) as doomed:
        send(task, *args)
        wait_for(flag.exists, f"the worker to reach {point}", tmp_path / "doomed.log")
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
        assert doomed.returncode == -signal.SIGKILL


def snapshot() -> dict[str, list]:
    """What the dashboards read, and the victims behind it, without ids."""
    return {
        "period_counts": sorted(
            PeriodCount.objects.values_list(
                "period",
                "period_start",
                "area_id",
                "area_kind",
                "victims",
                "fatal",
                "nonfatal",
                "incidents",
            ),
            key=repr,
        ),
        "breakdowns": sorted(Breakdown.objects.values_list("month", "area_id", "counts"), key=repr),
        "victims": sorted(
            Victim.objects.filter(removed_at__isnull=True).values_list(
                "record_key",
                "incident_key",
                "occurred_on",
                "hour",
                "fatal",
                "age_band",
                "sex",
                "race",
                "area_ids",
                "placement",
            )
        ),
    }


def export_rows() -> list[dict]:
    """Eighty victims over four months in two precincts, some killed, some outside both."""
    rows = []
    for i in range(80):
        month, day = 1 + i % 4, 1 + i % 28
        rows.append(
            nypd_row(
                str(1000 + i // 2 if i % 5 else 5000 + i),  # some incidents with two victims
                f"{month:02d}/{day:02d}/2024",
                fatal="TRUE" if i % 7 == 0 else "FALSE",
                precinct=str(1 + i % 2),
                lon=["-74.995", "-74.985", "-70.0"][i % 3],
                time=f"{i % 24:02d}:10:00",
                sex="F" if i % 3 == 0 else "M",
            )
        )
    return rows


def clear_incident_data() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE incidents_victimchange, incidents_victim, incidents_periodcount, "
            "incidents_breakdown, incidents_dirtyday, incidents_aggregationrun, "
            "incidents_importrun CASCADE"
        )


# ------------------------------------------------------------------------------ killed worker


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_aggregation_leaves_the_same_aggregates_as_a_clean_run(
    two_precincts, tmp_path
):
    source = source_for(name="nypd-faults", preset="nypd")
    incidents_import(location=nypd_csv(export_rows()), mapping=PRESETS["nypd"], source=source)
    dirty = DirtyDay.objects.count()
    assert dirty > 0

    kill_mid_job(tmp_path, "aggregate", tasks.aggregate)
    # killed inside the transaction: nothing of it was kept, the days still wait
    assert PeriodCount.objects.count() == 0 and Breakdown.objects.count() == 0
    assert DirtyDay.objects.count() == dirty
    assert not AggregationRun.objects.filter(succeeded=True).exists()

    with worker(tmp_path, "recovery", CELERY_VISIBILITY_TIMEOUT="1"):
        wait_for(
            lambda: AggregationRun.objects.filter(succeeded=True).exists(),
            "the redelivered aggregation",
            tmp_path / "recovery.log",
        )
    assert DirtyDay.objects.count() == 0
    assert AggregationRun.objects.filter(succeeded=True).count() == 1  # redelivered once
    after_fault = snapshot()
    assert after_fault["period_counts"] and after_fault["breakdowns"]

    incidents_aggregate(full=True)  # a clean run over the same victims
    assert snapshot() == after_fault


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_imports_and_aggregates_as_a_clean_run(two_precincts, tmp_path):
    source = source_for(name="nypd-faults", preset="nypd")
    run = ImportRun.objects.create(source=source, file_name="shootings.csv")
    upload = Path(settings.MEDIA_ROOT) / "imports" / f"{run.uuid}.csv"
    upload.parent.mkdir(parents=True, exist_ok=True)
    nypd_csv(export_rows(), upload)

    kill_mid_job(tmp_path, "import", tasks.import_run, run.pk)
    run.refresh_from_db()
    assert run.status == ImportStatus.RUNNING  # the worker died with it
    assert Victim.objects.count() == 0 and DirtyDay.objects.count() == 0
    assert upload.exists()  # kept for the run again

    with worker(tmp_path, "recovery", CELERY_VISIBILITY_TIMEOUT="1"):
        wait_for(
            lambda: AggregationRun.objects.filter(succeeded=True).exists(),
            "the redelivered import and the aggregation it queues",
            tmp_path / "recovery.log",
        )
    run.refresh_from_db()
    assert run.status == ImportStatus.SUCCEEDED and run.summary["victims"] == 80
    assert not upload.exists()
    after_fault = snapshot()
    assert len(after_fault["victims"]) == 80

    clear_incident_data()
    incidents_import(location=nypd_csv(export_rows()), mapping=PRESETS["nypd"], source=source)
    incidents_aggregate()
    assert snapshot() == after_fault


# ------------------------------------------------------------------------------ Redis down


@pytest.fixture
def redis_down() -> Iterator[None]:
    """The cache and the broker at a port where nothing answers."""
    cache = {**settings.CACHES["default"], "LOCATION": CLOSED_PORT}
    with override_settings(CACHES={"default": cache}, CELERY_BROKER_URL=CLOSED_PORT):
        yield


@pytest.fixture
def aggregated(two_precincts) -> None:
    incidents_import(
        location=nypd_csv(export_rows()),
        mapping=PRESETS["nypd"],
        source=source_for(name="nypd-faults", preset="nypd"),
    )
    incidents_aggregate()


@pytest.mark.django_db
def test_dashboards_answer_from_the_database_while_redis_is_down(
    aggregated, redis_down, client_for, staff, caplog
):
    client = client_for(staff)
    dashboard = client.get("/incidents/dashboard/")
    assert dashboard.status_code == 200
    assert "Cache unavailable" in caplog.text  # it did try Redis, and degraded
    assert client.get("/office/").status_code == 200
    assert client.get("/incidents/dashboard/victims.csv").status_code in (200, 404)
    health = client.get("/healthz/")
    assert health.status_code == 200 and health.json()["cache"] == "unavailable"


@pytest.mark.django_db
def test_grantee_saves_and_submits_a_report_while_redis_is_down(
    redis_down, client_for, organisation_a, grantee_a
):
    report = make_award(organisation_a).reports.order_by("period_start")[0]
    client = client_for(grantee_a)
    url = f"/portal/reports/{report.uuid}/"
    assert client.get(url).status_code == 200
    saved = client.post(url, {"action": "save", "participants_enrolled": "8"}, follow=True)
    assert saved.status_code == 200 and "Draft saved." in saved.content.decode()
    submitted = client.post(url, {"action": "submit", **FULL_METRICS, "narrative": "Done"})
    assert submitted.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


@pytest.mark.django_db(transaction=True)
def test_an_import_uploaded_while_redis_is_down_runs_when_it_is_back(
    two_precincts, client_for, staff, tmp_path
):
    upload = SimpleUploadedFile("shootings.csv", nypd_csv(export_rows()).getvalue())
    with override_settings(CELERY_BROKER_URL=CLOSED_PORT):
        response = client_for(staff).post("/incidents/data/", {"preset": "nypd", "file": upload})
        assert response.status_code == 302
        queued = QueuedTask.objects.get()
        assert queued.sent_at is None and "Connection refused" in queued.last_error
        assert queued.task_name == "ovp.incidents.tasks.import_run"
        call_command("flush_outbox")  # still down: it stays
        assert QueuedTask.objects.unsent().count() == 1
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.QUEUED

    # Redis is back: the beat job (or flush_outbox) sends it, a worker runs it
    back = override_settings(CELERY_BROKER_URL=FAULT_BROKER, CELERY_TASK_DEFAULT_QUEUE=FAULT_QUEUE)
    with back, worker(tmp_path, "back"):
        call_command("flush_outbox")
        wait_for(
            lambda: AggregationRun.objects.filter(succeeded=True).exists(),
            "the import queued while Redis was down",
            tmp_path / "back.log",
        )
    run.refresh_from_db()
    assert run.status == ImportStatus.SUCCEEDED and Victim.objects.count() == 80
    queued.refresh_from_db()
    assert queued.sent_at is not None and queued.attempts == 3


@pytest.mark.django_db
def test_work_enqueued_while_redis_is_up_is_sent_at_once(
    two_precincts, client_for, staff, django_capture_on_commit_callbacks, monkeypatch
):
    sent: list[str] = []
    monkeypatch.setattr("ovp.core.queue._publish", lambda task: sent.append(task.task_name))
    upload = SimpleUploadedFile("shootings.csv", nypd_csv(export_rows()).getvalue())
    with django_capture_on_commit_callbacks(execute=True):
        client_for(staff).post("/incidents/data/", {"preset": "nypd", "file": upload})
    assert sent == ["ovp.incidents.tasks.import_run"]
    assert QueuedTask.objects.get().sent_at is not None
    assert QueuedTask.objects.unsent().count() == 0


# ------------------------------------------------------------------------------ Postgres restart


def _other_clients() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
            "AND pid <> pg_backend_pid() AND datname IS DISTINCT FROM current_database()"
        )
        return int(cursor.fetchone()[0])


def _embedded_restart() -> Callable[[], None] | None:
    """A restart of the embedded Postgres (ovp/localservices.py) the tests are using."""
    from pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(localservices.local_dir() / "pgdata")
    host = str(connection.settings_dict["HOST"])
    if info is None or not info.is_running() or str(info.socket_dir) != host:
        return None
    return _restart_embedded


def _restart_embedded() -> None:
    """Restart the embedded Postgres (its clients' connections are cut, as in a real restart)
    with pgserver's own pg_ctl, as the system user that owns its data."""
    import pgserver
    from pgserver import _commands

    server = pgserver.get_server(localservices.local_dir() / "pgdata", cleanup_mode=None)
    # pg_ctl restart starts the server again with the options it was started with
    _commands.pg_ctl(  # type: ignore[attr-defined]
        ["-w", "-m", "fast", "-l", str(server.log), "restart"],
        pgdata=server.pgdata, user=server.system_user, timeout=60,
    )  # fmt: skip


def _cluster_restart() -> Callable[[], None] | str:
    """A restart of the machine's Postgres cluster that DATABASE_URL points at, or why
    there is none."""
    host, port = connection.settings_dict["HOST"], int(connection.settings_dict["PORT"] or 5432)
    if host not in ("127.0.0.1", "localhost"):
        return f"the test database is not on this machine's Postgres ({host})"
    try:
        listing = subprocess.run(
            ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return "pg_lsclusters/pg_ctlcluster are not here"
    clusters = [line.split()[:3] for line in listing.splitlines() if line.strip()]
    found = [(v, name) for v, name, cluster_port in clusters if int(cluster_port) == port]
    if not found:
        return f"no cluster of this machine listens on port {port}"
    version, name = found[0]
    return lambda: subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "restart"],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip


def _postgres_restart() -> Callable[[], None] | str:
    """How to restart the Postgres the tests use (the embedded one or the machine's
    cluster), or why it is not to be restarted."""
    restart = _embedded_restart() or _cluster_restart()
    if isinstance(restart, str):
        return restart
    if others := _other_clients():
        return f"{others} other client(s) use this Postgres now; a restart would cut them off"
    return restart


def _accepts_connections() -> bool:
    db = connection.settings_dict
    try:
        psycopg.connect(
            host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"],
            dbname=db["NAME"], connect_timeout=2,
        ).close()  # fmt: skip
    except psycopg.OperationalError:
        return False
    return True


@pytest.mark.django_db(transaction=True)
def test_a_postgres_restart_loses_no_submitted_report(
    live_server, organisation_a, grantee_a, client_for
):
    restart = _postgres_restart()
    if isinstance(restart, str):
        pytest.skip(f"Postgres not restarted: {restart}")
    report = make_award(organisation_a).reports.order_by("period_start")[0]
    browser = requests.Session()
    browser.cookies.set(settings.SESSION_COOKIE_NAME, client_for(grantee_a).cookies[
        settings.SESSION_COOKIE_NAME].value)  # fmt: skip
    url = f"{live_server.url}/portal/reports/{report.uuid}/"
    form = browser.get(url, timeout=30)
    assert form.status_code == 200
    submitted = browser.post(
        url,
        {"action": "submit", **FULL_METRICS, "narrative": "Before the restart",
         "csrfmiddlewaretoken": browser.cookies.get(settings.CSRF_COOKIE_NAME, "")},
        headers={"Referer": url}, allow_redirects=False, timeout=30,
    )  # fmt: skip
    assert submitted.status_code == 302

    restart()
    wait_for(_accepts_connections, "Postgres to accept connections again")

    # the live server's connection from before the restart is dead: the next request must
    # notice (CONN_HEALTH_CHECKS) and connect again, not answer 500
    again = browser.get(url, timeout=30)
    assert again.status_code == 200
    assert "Before the restart" in again.text
    close_old_connections()
    connection.close()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.narrative == "Before the restart"
    assert ReportVersion.objects.filter(report=report).count() == 1


def test_connections_are_checked_before_reuse():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0  # reused, so the check matters
