"""`make loadtest`: 50 concurrent users against gunicorn for 60 seconds, then a table of
requests per second and p95 per page; then the public pages under a surge of anonymous
visitors (loadtest/surge.py: at least 300 requests a second, p95 under 100 ms).

    python -m loadtest.run [--users 50] [--seconds 60] [--public-only] [--surge-seconds 30]

Starts gunicorn on 127.0.0.1 (a free port, nothing listens elsewhere) against DATABASE_URL /
REDIS_URL (the Makefile target exports them: yours, or the embedded servers), migrates and
seeds the demo city when the database is empty, waits for /healthz/, runs locust headless
(loadtest/locustfile.py) with a hard time limit, and always stops gunicorn.

Exits non-zero when any request failed (an unexpected status, a page without what it should
show, an exception in a user) or when a page's p95 is above P95_LIMIT_MS, or when the public
pages' surge misses its targets.

gunicorn runs with gunicorn.conf.py's workers and threads (as in production);
LOADTEST_WORKERS / LOADTEST_THREADS override them.
"""

import argparse
import contextlib
import csv
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
P95_LIMIT_MS = 2000
HEALTH_TIMEOUT_S = 60
# locust's own limit plus ramp-up and shutdown; past this it is killed and the run fails
LOCUST_GRACE_S = 45
SPAWN_RATE = 2


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def manage(*args: str, env: dict[str, str]) -> None:
    """Run a management command, showing its output only when it fails."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        sys.stdout.write(done.stdout + done.stderr)
        raise SystemExit(f"manage.py {' '.join(args)} failed")


def wait_for_health(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode} before answering")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(url, timeout=2) as answer,  # noqa: S310 (our own http URL)
        ):
            if answer.status == 200:
                return
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer 200 within {HEALTH_TIMEOUT_S} s")


@contextlib.contextmanager
def gunicorn(port: int, env: dict[str, str], log: Path) -> Iterator[None]:
    """gunicorn on 127.0.0.1 only, in its own process group; stopped on the way out, whatever
    happened (TERM, then KILL if it lingers)."""
    sizes = [
        *(("--workers", env["LOADTEST_WORKERS"]) if env.get("LOADTEST_WORKERS") else ()),
        *(("--threads", env["LOADTEST_THREADS"]) if env.get("LOADTEST_THREADS") else ()),
    ]
    with log.open("w") as output:
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", "ovp.wsgi:application"),
                *("--bind", f"127.0.0.1:{port}", *sizes),
                # keep-alive longer than a user's pause between pages (1-3 s): with gunicorn's
                # 2 s default it closes connections that the client is about to reuse, and the
                # client sees "connection reset" (in production a proxy holds the connections)
                *("--timeout", "60", "--keep-alive", "10", "--preload", "--access-logfile", "-"),
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_for_health(f"http://127.0.0.1:{port}/healthz/", server)
            yield
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(server.pid, signal.SIGKILL)
                server.wait()


def run_locust(
    host: str, users: int, seconds: int, prefix: Path, env: dict[str, str], log: Path
) -> int:
    """Users arrive at SPAWN_RATE a second (each logs in: a deliberately slow password hash),
    then all of them work together for `seconds`."""
    run_time = seconds + ramp_seconds(users)
    command = [
        *(sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless"),
        *("--host", host, "--users", str(users), "--spawn-rate", str(SPAWN_RATE)),
        *("--run-time", f"{run_time}s", "--stop-timeout", "10", "--csv", str(prefix)),
        *("--reset-stats", "--only-summary", "--loglevel", "WARNING"),
    ]
    with log.open("w") as output:
        try:
            return subprocess.run(
                command,
                cwd=BASE_DIR,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                timeout=run_time + LOCUST_GRACE_S,
                check=False,
            ).returncode
        except subprocess.TimeoutExpired:
            print(f"locust did not stop within {run_time + LOCUST_GRACE_S} s")
            return 1


def run_surge(host: str, clients: int, seconds: int, env: dict[str, str]) -> int:
    """The public pages under a surge (loadtest/surge.py), in a process of its own so that
    its CPU is its own; prints its table and verdict."""
    print(f"The public pages: {clients} anonymous clients for {seconds} s...", flush=True)
    try:
        return subprocess.run(
            [sys.executable, "-m", "loadtest.surge", "--host", host,
             "--clients", str(clients), "--seconds", str(seconds)],
            cwd=BASE_DIR, env=env, timeout=seconds + LOCUST_GRACE_S, check=False,
        ).returncode  # fmt: skip
    except subprocess.TimeoutExpired:
        print(f"the surge did not stop within {seconds + LOCUST_GRACE_S} s")
        return 1


def ramp_seconds(users: int) -> int:
    return -(-users // SPAWN_RATE)


def read_rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(newline="") as table:
        return list(csv.DictReader(table))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def report(prefix: Path, record: Path) -> list[str]:
    """Print the table per page and return what went wrong (empty when all is well)."""
    problems: list[str] = []
    if not record.exists():
        return ["locust wrote no record of failures (did it start?)"]
    recorded = json.loads(record.read_text())
    logins = recorded["login_ms"]
    print(
        f"\nWhile the users arrived: {len(logins)} logins, median "
        f"{percentile(logins, 0.5):.0f} ms, p95 {percentile(logins, 0.95):.0f} ms "
        "(the password hash is slow on purpose; not held to the page limit)."
    )
    stats = read_rows(Path(f"{prefix}_stats.csv"))
    if not stats:
        return ["locust wrote no statistics"]
    header = (
        f"{'page':<34} {'method':<6} {'requests':>8} {'failed':>6} {'req/s':>7} "
        f"{'median ms':>9} {'p95 ms':>7} {'max ms':>7}"
    )
    print("\nWith all the users at work:\n" + header + "\n" + "-" * len(header))
    for row in stats:
        name = row["Name"] if row["Name"] != "Aggregated" else "all pages"
        if row["Name"] == "Aggregated":
            print("-" * len(header))
        p95 = float(row["95%"] or 0)
        print(
            f"{name:<34} {row['Type']:<6} {int(row['Request Count']):>8} "
            f"{int(row['Failure Count']):>6} {float(row['Requests/s']):>7.1f} "
            f"{float(row['50%'] or 0):>9.0f} {p95:>7.0f} {float(row['Max Response Time']):>7.0f}"
        )
        if row["Name"] not in ("Aggregated", "login") and p95 > P95_LIMIT_MS:
            problems.append(f"{name}: p95 {p95:.0f} ms is above {P95_LIMIT_MS} ms")
    total = next((row for row in stats if row["Name"] == "Aggregated"), None)
    if total is None or int(total["Request Count"]) == 0:
        problems.append("no request was made")
    failures = Counter(recorded["failures"])
    problems += [f"{failure} ({count}x)" for failure, count in failures.most_common()]
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--public-only", action="store_true", help="only the public surge")
    parser.add_argument("--surge-seconds", type=int, default=30)
    parser.add_argument("--surge-clients", type=int, default=16)
    options = parser.parse_args()

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get(
            "DJANGO_SETTINGS_MODULE", "ovp.settings.development"
        ),
        # as in production: no debug pages, no per-request query log
        "DEBUG": "false",
        # a cache of its own, so that a Redis shared with another database serves nothing stale
        "CACHE_KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "ovp-loadtest"),
    }
    print("Preparing the database (migrate, demo city if empty)...", flush=True)
    manage("migrate", "--noinput", env=env)
    manage("seed_demo", "--if-empty", env=env)

    port = free_port()
    host = f"http://127.0.0.1:{port}"
    # logs and locust's CSV files of the last run stay in .local/loadtest/ for a look afterwards
    folder = Path(env.get("OVP_LOCAL_DIR", BASE_DIR / ".local")) / "loadtest"
    folder.mkdir(parents=True, exist_ok=True)
    if True:
        prefix = Path(folder) / "locust"
        log = Path(folder) / "gunicorn.log"
        locust_log = Path(folder) / "locust.log"
        record = Path(folder) / "record.json"
        record.unlink(missing_ok=True)
        env["OVP_LOADTEST_RECORD"] = str(record)
        started = time.monotonic()
        try:
            with gunicorn(port, env, log):
                exit_code = 0
                if not options.public_only:
                    print(
                        f"gunicorn on {host}; {options.users} users arriving over "
                        f"{ramp_seconds(options.users)} s, then all of them for "
                        f"{options.seconds} s...",
                        flush=True,
                    )
                    exit_code = run_locust(
                        host, options.users, options.seconds, prefix, env, locust_log
                    )
                surge_code = run_surge(host, options.surge_clients, options.surge_seconds, env)
        except SystemExit:
            print(log.read_text()[-5000:])
            raise
        problems = [] if options.public_only else report(prefix, record)
        if surge_code != 0:
            problems.append("the public pages' surge missed its targets (above)")
        server_errors = [line for line in log.read_text().splitlines() if "Traceback" in line]
        if server_errors:
            problems.append(f"gunicorn logged {len(server_errors)} traceback(s):")
            problems.append(log.read_text()[-5000:])
        print(f"\n{time.monotonic() - started:.0f} s with gunicorn running.")
        if exit_code != 0 and not problems:
            problems.append(f"locust exited with {exit_code}:")
            problems.append(locust_log.read_text()[-5000:])
        if problems:
            print("\nLOAD TEST FAILED:")
            for problem in problems:
                print(f"  - {problem}")
            return 1
    print("Load test passed: no failed request, every page's p95 within the limit.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
