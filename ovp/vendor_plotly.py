"""`make vendor`: plotly.js for the portal's charts, from the npm registry.

The portal draws scatter traces (lines, markers, the maps' filled outlines) and bar traces
only, so it serves plotly.js's "basic" bundle (scatter, bar, pie: about 1.2 MB, 0.33 MB
with brotli) instead of the full one that the plotly Python package carries (4.8 MB). Its
version is the one the locked plotly package bundles, so that figures built in Python are
drawn by the plotly.js they are written for.

    python -m ovp.vendor_plotly

packs `plotly.js-basic-dist-min` at that version with npm, copies its `plotly-basic.min.js`
and LICENSE into static/vendor/plotly/, and writes SOURCE.json (package, version, npm's
integrity of the package and the file's SHA-256), which `tests/core/test_settings.py`
checks the file against. Deliberately free of Django.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "plotly.js-basic-dist-min"
FOLDER = Path(__file__).resolve().parent.parent / "static" / "vendor" / "plotly"
FILE = FOLDER / "plotly-basic.min.js"
SOURCE = FOLDER / "SOURCE.json"
HEADER = re.compile(r"plotly\.js (?:\(basic - minified\) )?v(\d+\.\d+\.\d+)")


def header_version(path: Path) -> str | None:
    """The version a plotly.js bundle names in its opening comment."""
    with path.open(encoding="utf-8", errors="replace") as bundle:
        found = HEADER.search(bundle.read(400))
    return found.group(1) if found else None


def bundled_version() -> str:
    """The plotly.js version that the installed plotly Python package carries."""
    import plotly

    version = header_version(Path(plotly.__file__).parent / "package_data" / "plotly.min.js")
    if version is None:
        raise SystemExit("Cannot read the plotly.js version of the plotly package")
    return version


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def vendor(version: str) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as folder:
        packed = subprocess.run(  # nosec B607  # npm from PATH, a fixed argument list
            ["npm", "pack", "--json", "--silent", f"{PACKAGE}@{version}"],
            cwd=folder,
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
        about = json.loads(packed.stdout)[0]
        with tarfile.open(Path(folder) / about["filename"]) as archive:
            for name in ("plotly-basic.min.js", "LICENSE"):
                member = archive.extractfile(f"package/{name}")
                if member is None:
                    raise SystemExit(f"{PACKAGE}@{version} has no {name}")
                with (FOLDER / name).open("wb") as target:
                    shutil.copyfileobj(member, target)
    source = {
        "package": PACKAGE,
        "version": about["version"],
        "integrity": about["integrity"],
        "sha256": sha256(FILE),
    }
    SOURCE.write_text(json.dumps(source, indent=2) + "\n")
    return source


def main() -> int:
    FOLDER.mkdir(parents=True, exist_ok=True)
    source = vendor(bundled_version())
    print(f"static/vendor/plotly/: {source['package']} {source['version']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
