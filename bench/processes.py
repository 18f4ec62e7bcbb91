"""Whole processes timed as a user starts them: `manage.py` commands, a gunicorn worker, a
Celery worker, and the import command against a raw `psql \\copy` of the same file.

Each figure is a new process (nothing imported or cached by the bench itself counts), with
the environment the bench runs in (PYTHONDONTWRITEBYTECODE=1 on these machines: only the
bytecode compiled at install is there)."""

import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from loadtest.run import free_port
from ovp.localservices import stop_process

ROOT = Path(__file__).resolve().parent.parent
BOOT_TIMEOUT_S = 120

# the NYPD export's columns, typed: the limit of the whole import command is a COPY that
# parses each value into its type, as the import does
NYPD_TYPES = {
    "INCIDENT_KEY": "bigint", "OCCUR_DATE": "date", "OCCUR_TIME": "time", "BORO": "text",
    "PRECINCT": "integer", "JURISDICTION_CODE": "integer", "LOCATION_DESC": "text",
    "STATISTICAL_MURDER_FLAG": "boolean", "PERP_AGE_GROUP": "text", "PERP_SEX": "text",
    "PERP_RACE": "text", "VIC_AGE_GROUP": "text", "VIC_SEX": "text", "VIC_RACE": "text",
    "X_COORD_CD": "numeric", "Y_COORD_CD": "numeric", "Latitude": "double precision",
    "Longitude": "double precision", "Lon_Lat": "text",
}  # fmt: skip


def timed_run(command: list[str], env: dict[str, str]) -> float:
    """Seconds from start to exit of a command that must succeed."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return seconds


def median_of(rounds: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(rounds))


def manage_seconds(*args: str, env: dict[str, str], rounds: int = 3) -> float:
    """Median wall time of `python manage.py ARGS`."""
    return median_of(rounds, lambda: timed_run([sys.executable, "manage.py", *args], env))


def _until(ready: Callable[[], bool], process: subprocess.Popen, what: str) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < BOOT_TIMEOUT_S:
        if process.poll() is not None:
            raise SystemExit(f"{what} exited while starting")
        if ready():
            return time.perf_counter() - started
        time.sleep(0.02)
    raise SystemExit(f"{what} did not start in {BOOT_TIMEOUT_S} s")


def gunicorn_boot_seconds(env: dict[str, str]) -> float:
    """From starting gunicorn (one worker) to its first answer of /healthz/: the master,
    then a worker importing Django, the apps and the URLconf."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "ovp.wsgi", "--workers", "1",
               "--bind", f"127.0.0.1:{port}", "--log-level", "warning"]  # fmt: skip

    def answers() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=1) as reply:  # nosec B310
                return bool(reply.status == 200)
        except OSError:
            return False

    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        return _until(answers, process, "gunicorn")
    finally:
        stop_process(process)


def celery_boot_seconds(env: dict[str, str], log: Path) -> float:
    """From starting a Celery worker to its "ready" line (tasks imported, broker connected)."""
    queue = f"ovp-bench-{os.getpid()}"
    command = [sys.executable, "-m", "celery", "-A", "ovp", "worker", "--pool=solo", "-Q", queue,
               "-n", f"{queue}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat",
               "-l", "info"]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output,
                                   stderr=subprocess.STDOUT)  # fmt: skip
        try:
            return _until(lambda: b" ready." in log.read_bytes(), process, "celery worker")
        finally:
            stop_process(process)


def psql_binary() -> str:
    """The machine's psql, or the one in the pgserver wheel (the embedded servers')."""
    found = shutil.which("psql")
    if found:
        return found
    import pgserver

    return str(Path(pgserver.__file__).parent / "pginstall" / "bin" / "psql")


def typed_table_sql(table: str, columns: list[str]) -> str:
    return f"CREATE TABLE {table} (" + ", ".join(
        f'"{name}" {NYPD_TYPES.get(name, "text")}' for name in columns
    ) + ")"  # fmt: skip


def psql_copy_seconds(export: Path, table: str, connection: dict[str, str]) -> float:
    """A raw `psql \\copy` of the file into the plain typed table, as a user runs it."""
    env = {**os.environ, "PGHOST": connection["host"], "PGPORT": connection["port"],
           "PGUSER": connection["user"], "PGDATABASE": connection["dbname"],
           "PGPASSWORD": connection["password"], "PGOPTIONS": "-c datestyle=ISO,MDY"}  # fmt: skip
    copy = f"\\copy {table} FROM '{export}' WITH (FORMAT csv, HEADER true)"
    return timed_run([psql_binary(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", copy], env)
