"""`make loadtest` judges locust's output: a failed request or a slow page fails the run.

The run itself (gunicorn, 50 users, 60 s) is `make loadtest`, kept out of the suite; these
check the verdict on locust files written here."""

import json
from pathlib import Path

from loadtest.run import P95_LIMIT_MS, report

HEADER = "Type,Name,Request Count,Failure Count,Requests/s,50%,95%,Max Response Time\n"


def write_run(folder: Path, rows: list[str], failures: list[str]) -> tuple[Path, Path]:
    prefix = folder / "locust"
    Path(f"{prefix}_stats.csv").write_text(HEADER + "\n".join(rows) + "\n")
    record = folder / "record.json"
    record.write_text(json.dumps({"failures": failures, "login_ms": [300.0, 900.0]}))
    return prefix, record


def test_a_clean_run_with_fast_pages_passes(tmp_path):
    prefix, record = write_run(
        tmp_path,
        ["GET,violence dashboard,100,0,1.6,120,800,1500", ",Aggregated,100,0,1.6,120,800,1500"],
        [],
    )
    assert report(prefix, record) == []


def test_a_failed_request_fails_the_run(tmp_path):
    prefix, record = write_run(
        tmp_path,
        ["GET,awards list,10,1,0.2,80,200,300", ",Aggregated,10,1,0.2,80,200,300"],
        ["GET awards list: answered 500, not 200"],
    )
    assert report(prefix, record) == ["GET awards list: answered 500, not 200 (1x)"]


def test_a_page_whose_p95_is_above_the_limit_fails_the_run(tmp_path):
    slow = P95_LIMIT_MS + 100
    prefix, record = write_run(
        tmp_path,
        [
            f"GET,strengths and gaps,10,0,0.2,80,{slow},{slow}",
            f",Aggregated,10,0,0.2,80,{slow},{slow}",
        ],
        [],
    )
    assert report(prefix, record) == [
        f"strengths and gaps: p95 {slow} ms is above {P95_LIMIT_MS} ms"
    ]


def test_a_run_that_made_no_request_fails(tmp_path):
    prefix, record = write_run(tmp_path, [",Aggregated,0,0,0,0,0,0"], [])
    assert report(prefix, record) == ["no request was made"]


def test_the_public_surge_passes_only_at_the_rate_with_a_fast_p95():
    from loadtest.surge import MIN_RPS, P95_LIMIT_MS, Results
    from loadtest.surge import report as surge_report

    fast, slow = Results(), Results()
    for _ in range(MIN_RPS * 10):
        fast.add("/public/shootings/", P95_LIMIT_MS / 10, None)
        slow.add("/public/shootings/", P95_LIMIT_MS * 2, None)
    assert surge_report(fast, wall=10, cpu=1, clients=8) == []
    assert surge_report(slow, wall=10, cpu=1, clients=8) == [
        f"/public/shootings/: p95 {P95_LIMIT_MS * 2:.0f} ms, not under {P95_LIMIT_MS:.0f} ms"
    ]
    assert surge_report(fast, wall=20, cpu=1, clients=8) == [
        f"{MIN_RPS // 2} requests a second, below {MIN_RPS}"
    ]
    fast.add("/public/shootings/", 1, "status 500")
    assert "1 failed (status 500)" in surge_report(fast, wall=10, cpu=1, clients=8)[0]
