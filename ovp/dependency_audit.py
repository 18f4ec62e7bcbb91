"""`make lint`'s dependency audit: pip-audit on the locked production requirements.

    python -m ovp.dependency_audit requirements.lock

pip-audit asks a vulnerability service (PyPI's JSON API by default) about each pinned
package. On a closed network that service may be unreachable, or answer "not found" for
every package (a mirror without the JSON API): pip-audit then says "No known
vulnerabilities found" although it checked nothing. This wrapper tells the cases apart:

- vulnerabilities found: they are listed and the exit status is 1;
- the service could not be reached, or audited none of the packages: one clear line
  "pip-audit could not run: ..." and exit status 0 (nothing was checked, nothing failed);
- otherwise: how many packages were audited, any that were not, and exit status 0.

Deliberately free of Django.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

# what pip-audit prints when it cannot reach its vulnerability service
UNREACHABLE = (
    "ConnectionError",
    "NameResolutionError",
    "Max retries exceeded",
    "Failed to resolve",
    "Temporary failure in name resolution",
    "Connection refused",
    "timed out",
)
NOT_AUDITED = "could not be audited"


def run_pip_audit(requirements: Path, report: Path) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable, "-m", "pip_audit", "--requirement", str(requirements),
        "--require-hashes", "--disable-pip", "--progress-spinner", "off",
        "--format", "json", "--output", str(report),
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, check=False)


def audit(requirements: Path) -> int:
    """Run the audit and print its verdict; returns the exit status for make."""
    with tempfile.TemporaryDirectory() as folder:
        report_path = Path(folder) / "pip-audit.json"
        result = run_pip_audit(requirements, report_path)
        report_text = report_path.read_text() if report_path.exists() else ""
    try:
        report = json.loads(report_text)
    except ValueError:
        report = None
    if report is None:
        if any(marker in result.stderr for marker in UNREACHABLE):
            reason = next(line for line in result.stderr.splitlines()[::-1] if line.strip())
            print(
                "pip-audit could not run: the vulnerability service cannot be reached from "
                f"this machine ({reason.strip()[:200]}). Nothing was audited; run `make lint` "
                "where PyPI or OSV answers."
            )
            return 0
        print(result.stdout + result.stderr, file=sys.stderr)
        print(f"pip-audit failed (exit status {result.returncode}).", file=sys.stderr)
        return result.returncode or 1

    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if NOT_AUDITED in (d.get("skip_reason") or "")]
    if vulnerable:
        print(f"pip-audit found known vulnerabilities in {len(vulnerable)} package(s):")
        for dependency in vulnerable:
            for vuln in dependency["vulns"]:
                fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
                print(
                    f"  {dependency['name']} {dependency.get('version', '')}: {vuln['id']} "
                    f"(fixed in: {fixed})"
                )
        return 1
    audited = len(dependencies) - len(skipped)
    if dependencies and audited == 0:
        print(
            "pip-audit could not run: the vulnerability service answered for none of the "
            f"{len(dependencies)} packages in {requirements} ({skipped[0]['skip_reason']}). "
            "Nothing was audited; run `make lint` where PyPI or OSV answers."
        )
        return 0
    print(f"pip-audit: {audited} package(s) in {requirements} audited, no known vulnerabilities.")
    if skipped:
        names = ", ".join(d["name"] for d in skipped)
        print(f"pip-audit: not audited (the service did not know them): {names}")
    return 0


def main(argv: list[str] | None = None) -> int:
    arguments = argv if argv is not None else sys.argv[1:]
    return audit(Path(arguments[0] if arguments else "requirements.lock"))


if __name__ == "__main__":
    sys.exit(main())
