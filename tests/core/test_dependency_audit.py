"""`make lint`'s pip-audit step: a real finding fails; an unreachable service says so and passes."""

import json
import subprocess
from pathlib import Path

import pytest

from ovp import dependency_audit


def fake_pip_audit(monkeypatch, *, report: dict | None, stderr: str = "", status: int = 0):
    def run(requirements: Path, report_path: Path) -> subprocess.CompletedProcess[str]:
        if report is not None:
            report_path.write_text(json.dumps(report))
        return subprocess.CompletedProcess(["pip-audit"], status, "", stderr)

    monkeypatch.setattr(dependency_audit, "run_pip_audit", run)


def test_a_known_vulnerability_fails_the_lint_with_the_package_and_the_fix(monkeypatch, capsys):
    fake_pip_audit(
        monkeypatch,
        report={
            "dependencies": [
                {"name": "django", "version": "5.2.0", "vulns": [
                    {"id": "PYSEC-2025-1", "fix_versions": ["5.2.1"]}]},
                {"name": "celery", "version": "5.5.0", "vulns": []},
            ]
        },
        status=1,
    )  # fmt: skip
    assert dependency_audit.main(["requirements.lock"]) == 1
    assert "django 5.2.0: PYSEC-2025-1 (fixed in: 5.2.1)" in capsys.readouterr().out


def test_an_unreachable_service_says_the_audit_could_not_run_and_passes(monkeypatch, capsys):
    fake_pip_audit(
        monkeypatch,
        report=None,
        stderr="requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.osv.dev'): "
        "Max retries exceeded (NameResolutionError)",
        status=1,
    )
    assert dependency_audit.main(["requirements.lock"]) == 0
    assert capsys.readouterr().out.startswith("pip-audit could not run: the vulnerability service")


def test_a_service_that_knows_no_package_is_not_taken_for_a_clean_audit(monkeypatch, capsys):
    reason = "Dependency not found on PyPI and could not be audited: amqp (5.4.2)"
    fake_pip_audit(monkeypatch, report={"dependencies": [{"name": "amqp", "skip_reason": reason}]})
    assert dependency_audit.main(["requirements.lock"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("pip-audit could not run") and "no known vulnerabilities" not in out


def test_a_clean_audit_counts_what_it_checked(monkeypatch, capsys):
    fake_pip_audit(
        monkeypatch,
        report={"dependencies": [{"name": "django", "version": "5.2.9", "vulns": []}]},
    )
    assert dependency_audit.main(["requirements.lock"]) == 0
    assert "1 package(s) in requirements.lock audited, no known vulnerabilities" in (
        capsys.readouterr().out
    )


def test_pip_audit_failing_for_another_reason_fails_the_lint(monkeypatch):
    fake_pip_audit(monkeypatch, report=None, stderr="error: requirements.lock: bad hash", status=2)
    assert dependency_audit.main(["requirements.lock"]) == 2


@pytest.mark.slow
def test_the_real_pip_audit_runs_on_the_lock_file_and_gives_a_verdict(capsys):
    status = dependency_audit.main([str(Path(__file__).resolve().parents[2] / "requirements.lock")])
    out = capsys.readouterr().out
    assert status == 0 or "known vulnerabilities" in out
    assert out.startswith(("pip-audit could not run", "pip-audit: ", "pip-audit found"))
