"""Backups of the portal: its Postgres database and its uploaded files.

    python -m ovp.backup dump [--into backups]        # writes backups/<timestamp>/
    python -m ovp.backup restore backups/<timestamp>  # asks first; --yes does not

A backup folder holds `database.dump` (pg_dump's custom format, -Fc), `media.tar.gz` (every
file under MEDIA_ROOT) and `manifest.json` (when, from which database, with which tools).
A restore runs pg_restore --clean --if-exists into the same database, in one transaction
(all or nothing), and unpacks the files back into MEDIA_ROOT (files uploaded after the
backup stay where they are; the restored database no longer points at them).

pg_dump and pg_restore are looked for on PATH, in /usr/lib/postgresql/*/bin and among the
binaries the pgserver wheel bundles (the embedded server of `make run`); their major version
must be at least the server's, or the dump could miss what the server has, so an older one
is refused with a message that says which versions were found.

The Makefile calls this (`make backup`, `make restore BACKUP=... [FORCE=1]`) with the same
DATABASE_URL as the portal, or the embedded server's from `python -m ovp.localservices env`.
"""

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

DUMP_NAME = "database.dump"
MEDIA_NAME = "media.tar.gz"
MANIFEST_NAME = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class Tool:
    path: Path
    major: int


def tool_major(path: Path) -> int | None:
    """The major version a pg_dump/pg_restore binary reports, or None if it does not run."""
    try:
        result = subprocess.run(  # a fixed argument list, no shell
            [str(path), "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError:
        return None
    match = re.search(r"\(PostgreSQL\) (\d+)", result.stdout)
    return int(match.group(1)) if match else None


def tool_candidates(name: str) -> list[Path]:
    """Every `name` binary this machine has: PATH, Debian's versioned folders, pgserver's."""
    found: list[Path] = []
    on_path = shutil.which(name)
    if on_path:
        found.append(Path(on_path))
    found += [Path(p) for p in glob.glob(f"/usr/lib/postgresql/*/bin/{name}")]
    try:
        with warnings.catch_warnings():  # pgserver's platformdirs warns without XDG_RUNTIME_DIR
            warnings.simplefilter("ignore")
            import pgserver

        found.append(Path(pgserver.__file__).parent / "pginstall" / "bin" / name)
    except ImportError:
        pass
    unique: list[Path] = []
    for path in found:
        if path.is_file() and os.access(path, os.X_OK) and path.resolve() not in unique:
            unique.append(path.resolve())
    return unique


def find_tool(name: str, server_major: int) -> Tool:
    """The `name` binary to use with a server of this major version: the lowest major that
    is at least the server's (the closest match; newer ones read older servers too)."""
    versions = [(tool_major(path), path) for path in tool_candidates(name)]
    usable = sorted((major, path) for major, path in versions if major and major >= server_major)
    if not usable:
        seen = ", ".join(f"{path} ({major or '?'})" for major, path in versions) or "none"
        raise BackupError(
            f"No {name} of PostgreSQL {server_major} or newer was found (the server is "
            f"{server_major}; found: {seen}). Install the client tools of that version, e.g. "
            f"`apt-get install postgresql-client-{server_major}`."
        )
    major, path = usable[0]
    return Tool(path=path, major=major)


def connection_env(database: dict[str, Any]) -> dict[str, str]:
    """libpq's environment for Django's database settings (no password on a command line).
    HOST may be a socket folder, as for the embedded server."""
    env = {**os.environ, "PGDATABASE": str(database["NAME"])}
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if database.get(key):
            env[variable] = str(database[key])
    return env


def server_major(database: dict[str, Any]) -> int:
    import psycopg

    kwargs = {
        "dbname": database["NAME"],
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
    }
    with psycopg.connect(**{k: v for k, v in kwargs.items() if v is not None}) as connection:
        return connection.info.server_version // 10000


def _run(tool: Tool, arguments: list[str], database: dict[str, Any]) -> None:
    result = subprocess.run(  # a fixed argument list, no shell
        [str(tool.path), *arguments],
        env=connection_env(database),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"{tool.path.name} failed:\n{result.stderr.strip()}")


def backup_dump(
    *, database: dict[str, Any], media_root: Path, into: Path, now: datetime | None = None
) -> Path:
    """Write `into/<timestamp>/` with the database dump, the uploaded files and a manifest;
    returns the folder."""
    major = server_major(database)
    pg_dump = find_tool("pg_dump", major)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    folder = into / stamp
    # the dump holds password hashes and victims' records: readable by this account only
    into.mkdir(parents=True, exist_ok=True)
    folder.mkdir(mode=0o700, exist_ok=False)
    previous_umask = os.umask(0o077)
    try:
        _run(pg_dump, ["--format=custom", "--file", str(folder / DUMP_NAME)], database)
        files = 0
        with tarfile.open(folder / MEDIA_NAME, "w:gz") as archive:
            if media_root.is_dir():
                for path in sorted(media_root.rglob("*")):
                    if path.is_file():
                        archive.add(path, arcname=str(path.relative_to(media_root)))
                        files += 1
        manifest = {
            "created_at": stamp,
            "database": database["NAME"],
            "server_major": major,
            "pg_dump": f"{pg_dump.path} ({pg_dump.major})",
            "media_root": str(media_root),
            "media_files": files,
        }
        (folder / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # no half-written backup left to trust
        raise
    finally:
        os.umask(previous_umask)
    return folder


def backup_check(folder: Path) -> dict[str, Any]:
    """The manifest of a complete backup folder; BackupError when something is missing."""
    missing = [n for n in (DUMP_NAME, MEDIA_NAME, MANIFEST_NAME) if not (folder / n).is_file()]
    if missing:
        raise BackupError(f"{folder} is not a complete backup: {', '.join(missing)} missing.")
    manifest: dict[str, Any] = json.loads((folder / MANIFEST_NAME).read_text())
    return manifest


def backup_restore(*, folder: Path, database: dict[str, Any], media_root: Path) -> None:
    """Put the database and the uploaded files back as they were in the backup."""
    backup_check(folder)
    major = server_major(database)
    pg_restore = find_tool("pg_restore", major)
    _run(
        pg_restore,
        [
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            str(database["NAME"]),
            str(folder / DUMP_NAME),
        ],
        database,
    )
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / MEDIA_NAME, "r:gz") as archive:
        # the "data" filter refuses absolute paths, links out of the folder and device files
        archive.extractall(media_root, filter="data")


def _settings() -> tuple[dict[str, Any], Path]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ovp.settings.development")
    import django
    from django.conf import settings

    django.setup()
    return dict(settings.DATABASES["default"]), Path(settings.MEDIA_ROOT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ovp.backup", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    dump = commands.add_parser("dump", help="write backups/<timestamp>/")
    dump.add_argument("--into", type=Path, default=Path("backups"))
    restore = commands.add_parser("restore", help="restore a backup folder")
    restore.add_argument("folder", type=Path)
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    arguments = parser.parse_args(argv)

    database, media_root = _settings()
    where = f"database {database['NAME']} on {database.get('HOST') or 'localhost'}"
    try:
        if arguments.command == "dump":
            folder = backup_dump(database=database, media_root=media_root, into=arguments.into)
            manifest = backup_check(folder)
            print(
                f"Backup written to {folder}: {where} with {manifest['pg_dump']}, "
                f"{manifest['media_files']} uploaded file(s) from {media_root}."
            )
            return 0
        manifest = backup_check(arguments.folder)
        if not arguments.yes:
            if not sys.stdin.isatty():
                raise BackupError("Not restoring without confirmation: run with FORCE=1 (--yes).")
            print(
                f"This replaces everything in {where} and puts back the files in {media_root} "
                f"with the backup of {manifest['created_at']} ({arguments.folder})."
            )
            if input("Type 'restore' to go on: ").strip() != "restore":
                print("Nothing was changed.")
                return 1
        backup_restore(folder=arguments.folder, database=database, media_root=media_root)
        print(f"Restored {where} and {manifest['media_files']} file(s) from {arguments.folder}.")
        return 0
    except BackupError as error:
        print(f"ovp.backup: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
