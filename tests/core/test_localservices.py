"""Both ways of finding Postgres and Redis: servers given by URL, or embedded ones in a folder."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
import redis

from ovp import localservices

ROOT = Path(__file__).resolve().parents[2]


def services_env(folder: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    return {**env, "OVP_LOCAL_DIR": str(folder), **extra}


def exports(env: dict[str, str]) -> dict[str, str]:
    result = subprocess.run(
        [sys.executable, "-m", "ovp.localservices", "env"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    pairs = (line.removeprefix("export ").split("=", 1) for line in result.stdout.splitlines())
    return {name: value.strip("'") for name, value in pairs}


def test_configured_servers_are_used_and_nothing_is_started(tmp_path):
    env = services_env(
        tmp_path,
        DATABASE_URL="postgres://u@db.example:5432/x",
        REDIS_URL="redis://cache.example:6379/1",
    )
    assert exports(env) == {
        "DATABASE_URL": "postgres://u@db.example:5432/x",
        "REDIS_URL": "redis://cache.example:6379/1",
    }
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_embedded_postgres_and_redis_start_migrate_and_are_reused(tmp_path):
    folder = Path("/tmp") / f"ovp-embedded-{os.getpid()}"  # short: unix socket paths are limited
    env = services_env(folder)
    try:
        first = exports(env)
        assert first["DATABASE_URL"].startswith("postgres://postgres@:")
        migrate = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env={**env, **first, "DJANGO_SETTINGS_MODULE": "ovp.settings.development"},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert migrate.returncode == 0, migrate.stderr
        settings_db = subprocess.run(
            [
                sys.executable,
                "-c",
                "import environ; print(environ.Env().db('DATABASE_URL')['HOST'])",
            ],
            env={**env, **first},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        with psycopg.connect(host=settings_db, dbname="ovp", user="postgres") as connection:
            tables = connection.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
        assert tables > 10
        assert redis.Redis.from_url(first["REDIS_URL"]).ping()

        assert exports(env) == first  # a second run reuses both servers, data and all
    finally:
        subprocess.run(
            [sys.executable, "-m", "ovp.localservices", "stop"], cwd=ROOT, env=env, timeout=60
        )
        subprocess.run(["rm", "-rf", str(folder)], check=False)


def test_postgres_url_puts_the_socket_folder_where_django_environ_finds_it():
    import environ

    url = localservices.postgres_url(Path("/tmp/x y/pgdata"), 5433)
    config = environ.Env.db_url_config(url)
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("/tmp/x y/pgdata", 5433, "ovp")


@pytest.mark.parametrize(
    ("settings_dict", "expected"),
    [
        ({"HOST": "/tmp/x y/pgdata", "PORT": 5433, "NAME": "test_ovp", "USER": "postgres"},
         ("/tmp/x y/pgdata", 5433, "test_ovp")),
        ({"HOST": "127.0.0.1", "PORT": "", "NAME": "test_ovp", "USER": "postgres"},
         ("127.0.0.1", "", "test_ovp")),
        ({"HOST": "::1", "PORT": 5432, "NAME": "test_ovp", "USER": "postgres"},
         ("::1", 5432, "test_ovp")),
        ({"HOST": "", "PORT": "", "NAME": "test ovp/2", "USER": "postgres"},
         ("", "", "test ovp/2")),
    ],
)  # fmt: skip
def test_a_connections_url_reads_back_as_the_same_connection(settings_dict, expected):
    import environ

    config = environ.Env.db_url_config(localservices.database_url(settings_dict))
    assert (config["HOST"], config["PORT"], config["NAME"]) == expected


def test_a_connections_options_go_with_its_url():
    import environ

    url = localservices.database_url({"HOST": "db.example", "PORT": 5432, "NAME": "ovp",
                                      "USER": "ovp", "PASSWORD": "p@ss", "OPTIONS": {"sslmode": "require"}})  # fmt: skip
    config = environ.Env.db_url_config(url)
    assert (config["PASSWORD"], config["OPTIONS"]) == ("p@ss", {"sslmode": "require"})
