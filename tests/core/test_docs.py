"""The README and docs/ point at what exists: links, anchors and repository paths."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_link_and_path_in_the_docs_resolves():
    done = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "check_links.py"), "--paths"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_readme_stays_a_map():
    assert len((ROOT / "README.md").read_text().splitlines()) <= 250
