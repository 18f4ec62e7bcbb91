"""The public pages under a surge: anonymous visitors, as many at once as `--clients`, each
asking for the public pages one after another over a kept-alive connection, for `--seconds`.

    python -m loadtest.surge --host http://127.0.0.1:8000 [--clients 16] [--seconds 30]

`make loadtest` runs it against gunicorn after the signed-in users (loadtest/run.py). The
client is threads over `http.client` (no think time, keep-alive, responses read whole),
which costs little CPU per request; it reports its own share of the machine's CPU, since on
a 2-core machine the load generator competes with gunicorn. The pages are
`ovp.core.public.public_page_urls()`, each asked with gzip/br accepted as a browser would.

Passes when all pages together hold at least MIN_RPS requests a second, every page's p95 is
under P95_LIMIT_MS, and no request failed.
"""

from __future__ import annotations

import argparse
import http.client
import os
import sys
import threading
import time
from collections import defaultdict
from urllib.parse import urlsplit

MIN_RPS = 300
P95_LIMIT_MS = 100.0
HEADERS = {"Accept-Encoding": "br, gzip", "User-Agent": "ovp-surge"}


class Results:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times_ms: dict[str, list[float]] = defaultdict(list)
        self.failures: dict[str, list[str]] = defaultdict(list)

    def add(self, url: str, elapsed_ms: float, failure: str | None) -> None:
        with self.lock:
            if failure is None:
                self.times_ms[url].append(elapsed_ms)
            else:
                self.failures[url].append(failure)


def _client(
    host: str, port: int, urls: list[str], offset: int, until: float, results: Results
) -> None:
    connection = http.client.HTTPConnection(host, port, timeout=30)
    index = offset
    while time.monotonic() < until:
        url = urls[index % len(urls)]
        index += 1
        started = time.perf_counter()
        try:
            connection.request("GET", url, headers=HEADERS)
            answer = connection.getresponse()
            answer.read()
            failure = None if answer.status == 200 else f"status {answer.status}"
        except (OSError, http.client.HTTPException) as error:
            failure = repr(error)
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=30)
        results.add(url, (time.perf_counter() - started) * 1000, failure)
    connection.close()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def surge(base: str, urls: list[str], clients: int, seconds: float) -> tuple[Results, float, float]:
    """Run the surge; returns the results, the wall time and the client's own CPU seconds."""
    parts = urlsplit(base)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    results = Results()
    cpu_before, started = time.process_time(), time.monotonic()
    until = started + seconds
    threads = [
        threading.Thread(target=_client, args=(host, port, urls, i, until, results), daemon=True)
        for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    return results, time.monotonic() - started, time.process_time() - cpu_before


def report(results: Results, wall: float, cpu: float, clients: int) -> list[str]:
    """Print the table per page and return what failed the targets (empty: PASS)."""
    problems: list[str] = []
    header = f"{'page':<44} {'requests':>8} {'failed':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7}"
    print(f"\nThe public pages, {clients} anonymous clients for {wall:.0f} s:\n{header}")
    print("-" * len(header))
    everything: list[float] = []
    urls = sorted(set(results.times_ms) | set(results.failures))
    for url in urls:
        times, failed = results.times_ms[url], len(results.failures[url])
        everything += times
        p95 = percentile(times, 0.95)
        print(
            f"{url:<44} {len(times):>8} {failed:>6} {len(times) / wall:>7.1f} "
            f"{percentile(times, 0.5):>7.1f} {p95:>7.1f}"
        )
        if p95 >= P95_LIMIT_MS:
            problems.append(f"{url}: p95 {p95:.0f} ms, not under {P95_LIMIT_MS:.0f} ms")
        if failed:
            problems.append(f"{url}: {failed} failed ({results.failures[url][0]})")
    rate = len(everything) / wall if wall else 0.0
    print("-" * len(header))
    print(
        f"{'all public pages':<44} {len(everything):>8} "
        f"{sum(len(f) for f in results.failures.values()):>6} {rate:>7.1f} "
        f"{percentile(everything, 0.5):>7.1f} {percentile(everything, 0.95):>7.1f}"
    )
    cores = os.cpu_count() or 1
    print(
        f"The load generator itself used {cpu:.1f} CPU-seconds: "
        f"{100 * cpu / (wall * cores):.0f}% of the machine's {cores} cores."
    )
    if rate < MIN_RPS:
        problems.append(f"{rate:.0f} requests a second, below {MIN_RPS}")
    verdict = "PASS" if not problems else "FAIL"
    print(f"{verdict}: target {MIN_RPS} req/s with every page's p95 under {P95_LIMIT_MS:.0f} ms")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", required=True, help="e.g. http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--url", action="append", help="instead of the public pages' list")
    options = parser.parse_args()
    if options.url:
        urls = options.url
    else:  # the URLs come from the apps' configs: Django set up, as manage.py does
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ovp.settings.development")
        django.setup()
        from ovp.core.public import public_page_urls

        urls = public_page_urls()
    results, wall, cpu = surge(options.host, urls, options.clients, options.seconds)
    return 1 if report(results, wall, cpu, options.clients) else 0


if __name__ == "__main__":
    sys.exit(main())
