"""`make bench`: the incident data's speed against the physical limits, measured in one run.

One million victim rows over 200 areas and 20 years in the NYPD layout, in a database of its
own (ovp_bench, on the same server as DATABASE_URL, dropped and made again). Prints:
- how long `manage.py check` and `manage.py import_incidents --help` take, and a gunicorn and a
  Celery worker take to start (new processes, bench/processes.py);
- a raw Postgres COPY of the file into a plain table (the limit) and the project's full import;
- the import command as a user runs it against a raw `psql \\copy` of the file into a plain
  typed table (three rounds, one of each in turn);
- a hand-written GROUP BY of area and week (the limit) and the full aggregation;
- the nightly incremental run after one new day;
- the dashboard page's server time over 50 requests, warm and cold, and its queries.
"""

import contextlib
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
VICTIMS, AREAS, FIRST_YEAR, YEARS = 1_000_000, 200, 2005, 20
TARGETS = {"import_vs_copy": 2.0, "command_vs_psql": 3.0, "aggregate_vs_group_by": 1.5,
           "incremental_s": 1.0, "dashboard_warm_p95_ms": 150, "dashboard_cold_p95_ms": 500,
           "check_s": 1.5, "help_s": 1.5}  # fmt: skip


def bench_database_url(url: str) -> str:
    parts = urlsplit(url)
    path = parts.path.rsplit("/", 1)[0] + "/ovp_bench"
    return urlunsplit(parts._replace(path=path))


def recreate_database(url: str) -> None:
    import environ

    config = environ.Env.db_url_config(url)
    admin = {"host": config["HOST"], "port": config["PORT"] or 5432, "user": config["USER"] or "postgres",
             "password": config["PASSWORD"] or None, "dbname": "postgres", "autocommit": True}  # fmt: skip
    with psycopg.connect(**admin) as connection:
        connection.execute("DROP DATABASE IF EXISTS ovp_bench WITH (FORCE)")
        connection.execute("CREATE DATABASE ovp_bench")


def timed(function, *args, **kwargs):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def raw_copy(cursor: Any, export: Path) -> None:
    with (
        cursor.cursor.copy("COPY raw_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
        export.open("rb") as file,
    ):
        while chunk := file.read(8 * 1024 * 1024):
            copy.write(chunk)


def checkpoint(cursor: Any) -> None:
    """Write out what earlier steps left in the WAL (needs a superuser or pg_checkpoint; on a
    server that refuses, the figures are taken without)."""
    from django.db import DatabaseError

    with contextlib.suppress(DatabaseError):
        cursor.execute("CHECKPOINT")


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def main() -> int:
    url = bench_database_url(os.environ["DATABASE_URL"])
    recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ovp.settings.development")
    os.environ["DEBUG"] = "false"
    os.environ["CACHE_KEY_PREFIX"] = "ovp-bench"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.generate import grid_areas, nypd_export
    from ovp.accounts.models import Role
    from ovp.accounts.services import user_create
    from ovp.areas.services import areas_load_geojson
    from ovp.incidents.aggregation import incidents_aggregate
    from ovp.incidents.mapping import PRESETS
    from ovp.incidents.services import incidents_import, source_for

    call_command("migrate", verbosity=0)
    figures: dict[str, float] = {}
    process_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ovp.settings.development"}
    folder = ROOT / ".local" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    figures.update(start_up(process_env, folder))
    export = folder / f"nypd_{VICTIMS}_{AREAS}_{FIRST_YEAR}_{YEARS}.csv"
    if not export.exists():
        print(f"Writing {VICTIMS:,} victim rows to {export} ...", flush=True)
        frame = nypd_export(victims=VICTIMS, areas=AREAS, first_year=FIRST_YEAR, years=YEARS)
        frame.to_csv(export, index=False, lineterminator="\r\n")
    areas_load_geojson(
        source=grid_areas(AREAS),
        kind="precinct",
        code_field="precinct",
        population_field="population",
    )

    # 1. the limit, a COPY of the file as it is into a plain table, and 2. the project's full
    # import of the same file into an empty table: three rounds of one then the other, each
    # after a checkpoint, so that neither pays for the other's writes
    columns = export.open().readline().strip().split(",")
    source = source_for(name="nypd", preset="nypd")
    copies, imports = [], []
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE raw_copy (" + ", ".join(f'"{c}" text' for c in columns) + ")")
    for _ in range(3):
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE raw_copy")
            checkpoint(cursor)
            copies.append(timed(raw_copy, cursor, export)[0])
            cursor.execute("TRUNCATE incidents_victim, incidents_victimchange, incidents_dirtyday")
            checkpoint(cursor)
        seconds, run = timed(
            incidents_import, location=str(export), mapping=PRESETS["nypd"], source=source
        )
        assert run.summary["victims"] == VICTIMS, run.summary
        imports.append(seconds)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE raw_copy")
    figures["raw_copy_s"], figures["import_s"] = (
        statistics.median(copies),
        statistics.median(imports),
    )
    figures.update(whole_command(export, url, process_env))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE incidents_victim")

    # 3. the limit: a hand-written GROUP BY of area and week, and 4. the full aggregation
    limit_sql = (
        "CREATE TEMP TABLE area_week AS SELECT unnest(area_ids) AS area_id, "
        "occurred_on - (EXTRACT(ISODOW FROM occurred_on)::int - 1) AS week, count(*) AS victims "
        "FROM incidents_victim GROUP BY 1, 2"
    )
    group_by, aggregate = [], []
    for _ in range(5):  # each takes a second or two: five, so that the medians hold still
        with connection.cursor() as cursor:
            cursor.execute("SET work_mem = '256MB'")
            seconds, _ = timed(cursor.execute, limit_sql)
            group_by.append(seconds)
            cursor.execute("DROP TABLE area_week")
        seconds, _ = timed(incidents_aggregate, full=True)
        aggregate.append(seconds)
    figures["group_by_s"], figures["aggregate_full_s"] = (
        statistics.median(group_by),
        statistics.median(aggregate),
    )

    # 5. the nightly run after one new day (the next day's export of another source)
    new_day = folder / "one_new_day.csv"
    day = nypd_export(victims=150, areas=AREAS, first_year=FIRST_YEAR + YEARS, years=1, seed=7)
    day["OCCUR_DATE"] = f"01/01/{FIRST_YEAR + YEARS}"
    day["INCIDENT_KEY"] = "9" + day["INCIDENT_KEY"]
    day.to_csv(new_day, index=False)
    incidents_import(
        location=str(new_day),
        mapping=PRESETS["nypd"],
        source=source_for(name="nypd-ytd", preset="nypd"),
    )
    figures["incremental_s"], result = timed(incidents_aggregate)
    assert result.run.days == 1

    # 6. the dashboard's server time (the view, in process), warm and cold; vacuum first so
    # that autovacuum of the tables just written does not run during the timing
    with connection.cursor() as cursor:
        cursor.execute(
            "VACUUM ANALYZE incidents_periodcount, incidents_breakdown, incidents_victim"
        )
    staff = user_create(email="bench@example.org", role=Role.STAFF, password="bench-Pass-1")  # nosec B106  # a throwaway bench user
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(staff)
    path = "/incidents/dashboard/?year=2024"
    cold, warm, queries = [], [], set()
    client.get(path)  # the process's first request (imports, templates) is not what is measured
    for _ in range(30):
        cache.clear()
        client.force_login(staff)
        seconds, response = timed(client.get, path)
        assert response.status_code == 200
        cold.append(seconds)
    for _ in range(50):
        with CaptureQueriesContext(connection) as context:
            seconds, response = timed(client.get, path)
        warm.append(seconds)
        queries.add(len(context.captured_queries))
    figures["dashboard_cold_p95_ms"] = p95(cold) * 1000
    figures["dashboard_warm_p95_ms"] = p95(warm) * 1000
    figures["dashboard_warm_queries"] = max(queries)
    figures["import_vs_copy"] = figures["import_s"] / figures["raw_copy_s"]
    figures["command_vs_psql"] = figures["command_s"] / figures["psql_copy_s"]
    figures["aggregate_vs_group_by"] = figures["aggregate_full_s"] / figures["group_by_s"]

    report(figures)
    (folder / "results.json").write_text(json.dumps(figures, indent=2))
    return 0


def start_up(env: dict[str, str], folder: Path) -> dict[str, float]:
    """Seconds to start: two commands (median of 3), a gunicorn and a Celery worker."""
    from bench.processes import celery_boot_seconds, gunicorn_boot_seconds, manage_seconds

    return {
        "check_s": manage_seconds("check", env=env),
        "help_s": manage_seconds("import_incidents", "--help", env=env),
        "gunicorn_boot_s": gunicorn_boot_seconds(env),
        "celery_boot_s": celery_boot_seconds(env, folder / "celery-boot.log"),
    }


def whole_command(export: Path, url: str, env: dict[str, str]) -> dict[str, float]:
    """`manage.py import_incidents FILE --preset nypd` into an empty database, against `psql
    \\copy` of the file into a plain typed table: three rounds, one of each in turn."""
    import environ
    from django.db import connection

    from bench.processes import psql_copy_seconds, timed_run, typed_table_sql

    config = environ.Env.db_url_config(url)
    params = {"host": str(config["HOST"] or "127.0.0.1"), "port": str(config["PORT"] or 5432),
              "user": config["USER"] or "postgres", "password": config["PASSWORD"] or "",
              "dbname": config["NAME"]}  # fmt: skip
    columns = export.open().readline().strip().split(",")
    command = [sys.executable, "manage.py", "import_incidents", str(export), "--preset", "nypd"]
    copies, commands = [], []
    with connection.cursor() as cursor:
        cursor.execute(typed_table_sql("raw_typed", columns))
    for _ in range(3):
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE raw_typed")
        copies.append(psql_copy_seconds(export, "raw_typed", params))
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE incidents_victim, incidents_victimchange, incidents_dirtyday")
        commands.append(timed_run(command, env))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE raw_typed")
    return {"psql_copy_s": statistics.median(copies), "command_s": statistics.median(commands)}


def report(figures: dict[str, float]) -> None:
    def verdict(name: str, value: float) -> str:
        return "met" if value <= TARGETS[name] else "NOT MET"

    rows = [
        ("manage.py check (median of 3)", f"{figures['check_s']:.2f} s",
         f"target 1.5 s: {verdict('check_s', figures['check_s'])}"),
        ("import_incidents --help (median of 3)", f"{figures['help_s']:.2f} s",
         f"target 1.5 s: {verdict('help_s', figures['help_s'])}"),
        ("gunicorn worker, start to first answer", f"{figures['gunicorn_boot_s']:.2f} s", "one worker"),
        ("Celery worker, start to ready", f"{figures['celery_boot_s']:.2f} s", "solo pool"),
        ("raw COPY of the file (limit)", f"{figures['raw_copy_s']:.2f} s", "median of 3"),
        ("full import (median of 3)", f"{figures['import_s']:.2f} s",
         f"{figures['import_vs_copy']:.2f}x COPY, target 2x: {verdict('import_vs_copy', figures['import_vs_copy'])}"),
        ("psql \\copy, plain typed table (limit)", f"{figures['psql_copy_s']:.2f} s", "median of 3 rounds"),
        ("import_incidents command (rounds)", f"{figures['command_s']:.2f} s",
         f"{figures['command_vs_psql']:.2f}x psql, target 3x: {verdict('command_vs_psql', figures['command_vs_psql'])}"),
        ("GROUP BY area, week (limit)", f"{figures['group_by_s']:.2f} s", "median of 5"),
        ("full aggregation (median of 5)", f"{figures['aggregate_full_s']:.2f} s",
         f"{figures['aggregate_vs_group_by']:.1f}x GROUP BY, target 1.5x: "
         f"{verdict('aggregate_vs_group_by', figures['aggregate_vs_group_by'])}"),
        ("incremental run after one new day", f"{figures['incremental_s']:.3f} s",
         f"target 1 s: {verdict('incremental_s', figures['incremental_s'])}"),
        ("dashboard p95, warm (50 requests)", f"{figures['dashboard_warm_p95_ms']:.0f} ms",
         f"target 150 ms: {verdict('dashboard_warm_p95_ms', figures['dashboard_warm_p95_ms'])}"),
        ("dashboard p95, cold (30 requests)", f"{figures['dashboard_cold_p95_ms']:.0f} ms",
         f"target 500 ms: {verdict('dashboard_cold_p95_ms', figures['dashboard_cold_p95_ms'])}"),
        ("dashboard queries per page (warm)", f"{figures['dashboard_warm_queries']:.0f}", "the same at any data size (tested)"),
    ]  # fmt: skip
    print(f"\nOVP benchmark: {VICTIMS:,} victims, {AREAS} areas, {YEARS} years\n")
    for name, value, note in rows:
        print(f"  {name:<38} {value:>10}   {note}")
    print()


if __name__ == "__main__":
    raise SystemExit(main())
