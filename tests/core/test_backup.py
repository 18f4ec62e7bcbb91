"""Backups: a dump of the database and the uploaded files comes back whole after a loss."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections

from grants.models import Award, ReportAttachment, Tranche
from grants.services.reports import report_attachment_add
from inventory.models import Program
from ovp import backup
from tests.builders import make_award
from tests.factories import ProgramFactory

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"  # not the suite's shared test media folder
    return settings.MEDIA_ROOT


@pytest.mark.django_db(transaction=True)  # pg_dump sees only what is committed
def test_backup_round_trip_brings_back_a_program_an_award_and_an_uploaded_file(
    media_root, tmp_path, organisation_a, grantee_a
):
    program = ProgramFactory(name="Bedside Peace")
    award = make_award(organisation_a, title="Night walks 2026")
    report = award.reports.order_by("period_start")[0]
    attachment = report_attachment_add(
        report=report, upload=SimpleUploadedFile("sign-in.pdf", PDF), user=grantee_a
    )
    stored = Path(attachment.file.path)
    assert stored.read_bytes() == PDF and stored.is_relative_to(media_root)

    database = dict(connection.settings_dict)
    folder = backup.backup_dump(database=database, media_root=media_root, into=tmp_path / "bk")
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["database"] == database["NAME"] and manifest["media_files"] == 1
    assert (folder / "database.dump").read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    assert {oct(path.stat().st_mode & 0o777) for path in [folder, *folder.iterdir()]} == {
        oct(0o700),
        oct(0o600),
    }  # only this account reads a backup

    # the loss: records and the file gone
    attachment.file.delete(save=False)
    ReportAttachment.objects.all().delete()
    Tranche.objects.filter(award=award).delete()  # they wait on reports (protected)
    award.reports.all().delete()
    Award.objects.filter(pk=award.pk).delete()
    Program.objects.filter(pk=program.pk).delete()
    assert not stored.exists() and not Award.objects.exists()

    connections.close_all()  # pg_restore --clean drops the tables this connection reads
    backup.backup_restore(folder=folder, database=database, media_root=media_root)

    assert Program.objects.get(uuid=program.uuid).name == "Bedside Peace"
    restored = Award.objects.get(uuid=award.uuid)
    assert restored.title == "Night walks 2026" and restored.amount == award.amount
    again = ReportAttachment.objects.get(pk=attachment.pk)
    assert again.report.award == restored
    assert Path(again.file.path).read_bytes() == PDF


def test_an_older_pg_dump_than_the_server_is_refused_with_the_versions_found(monkeypatch):
    monkeypatch.setattr(backup, "tool_candidates", lambda name: [Path("/opt/pg/bin/pg_dump")])
    monkeypatch.setattr(backup, "tool_major", lambda path: 13)
    with pytest.raises(backup.BackupError) as refused:
        backup.find_tool("pg_dump", 15)
    message = str(refused.value)
    assert "No pg_dump of PostgreSQL 15 or newer" in message
    assert "/opt/pg/bin/pg_dump (13)" in message


def test_the_closest_tool_at_least_the_servers_version_is_chosen(monkeypatch):
    majors = {Path("/a/pg_dump"): 14, Path("/b/pg_dump"): 17, Path("/c/pg_dump"): 15}
    monkeypatch.setattr(backup, "tool_candidates", lambda name: list(majors))
    monkeypatch.setattr(backup, "tool_major", majors.get)
    assert backup.find_tool("pg_dump", 15) == backup.Tool(path=Path("/c/pg_dump"), major=15)


def test_this_machine_has_a_pg_dump_for_its_server():
    # the real search: PATH, /usr/lib/postgresql/*/bin and pgserver's bundled binaries
    tool = backup.find_tool("pg_dump", 15)
    assert tool.major >= 15 and tool.path.is_file()


def test_a_folder_without_all_three_files_is_not_restored(tmp_path):
    (tmp_path / "database.dump").write_bytes(b"PGDMP")
    with pytest.raises(backup.BackupError, match=r"media\.tar\.gz, manifest\.json missing"):
        backup.backup_check(tmp_path)


def test_restore_from_the_command_line_asks_first_and_refuses_without_a_terminal(tmp_path):
    for name in ("database.dump", "media.tar.gz"):
        (tmp_path / name).write_bytes(b"")
    (tmp_path / "manifest.json").write_text('{"created_at": "20260101T000000Z", "media_files": 0}')
    result = subprocess.run(
        [sys.executable, "-m", "ovp.backup", "restore", str(tmp_path)],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "Not restoring without confirmation: run with FORCE=1" in result.stderr
