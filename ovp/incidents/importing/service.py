"""`incidents_import`: one export of a source into the victims, recorded on its ImportRun."""

import logging
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import psycopg
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from ovp.core.faults import pause_for_fault_tests
from ovp.incidents.importing import merging, reading
from ovp.incidents.importing.city_check import OTHER_CITY, city_check
from ovp.incidents.importing.placement import Placer
from ovp.incidents.importing.producer import Export, Tally, copy_blocks, in_background
from ovp.incidents.mapping import Mapping
from ovp.incidents.models import ImportRun, ImportStatus, IncidentSource

logger = logging.getLogger(__name__)

Progress = Callable[[int, str], None]
IMPORT_LOCK = 8_432  # with the source's id: one import of a source at a time


def _no_progress(percent: int, note: str) -> None:
    return None


def incidents_import(
    *,
    location: str | Path | IO[bytes],
    mapping: Mapping,
    source: IncidentSource,
    run: ImportRun | None = None,
    file_name: str = "",
    progress: Progress = _no_progress,
    today: date | None = None,
    other_city_ok: bool = False,
) -> ImportRun:
    """Import one export of a source. Re-importing the same file changes nothing; a revised
    export records what it added, changed and removed. The victims land in one transaction;
    the ImportRun records the outcome either way (a failure raises after recording it)."""
    if run is None:
        run = ImportRun.objects.create(source=source, file_name=file_name or str(location)[:500])
    run.status, run.started_at, run.error = ImportStatus.RUNNING, timezone.now(), ""
    run.save(update_fields=["status", "started_at", "error"])
    started = time.perf_counter()
    tally = Tally()
    fetched = reading.is_url(location)
    try:
        changes = _write_victims(
            location, mapping, source, run, tally,
            progress=progress, today=today or timezone.localdate(), other_city_ok=other_city_ok,
        )  # fmt: skip
    except (ValidationError, psycopg.errors.DataError) as error:
        refusal = _refusal(error, str(location) if fetched else None, mapping)
        _fail(run, "; ".join(refusal.messages))
        if refusal is error:
            raise
        raise refusal from error
    except Exception as error:
        logger.exception("Import %s failed", run.pk)
        _fail(run, "The import failed and nothing was saved" + ("." if fetched else f": {error}"))
        raise
    run.summary = {
        "source": source.name,
        "area_kind": mapping.area_kind,
        **_counts(tally),
        **changes,
        "seconds": round(time.perf_counter() - started, 2),
    }
    run.rejected_report = tally.rejected.report()
    run.status, run.finished_at, run.progress, run.progress_note = (
        ImportStatus.SUCCEEDED, timezone.now(), 100, "Done",
    )  # fmt: skip
    run.save()
    return run


def _write_victims(
    location: str | Path | IO[bytes], mapping: Mapping, source: IncidentSource, run: ImportRun,
    tally: Tally, *, progress: Progress, today: date, other_city_ok: bool = False,
) -> dict[str, int]:  # fmt: skip
    """Read, check, place and merge the export in one transaction; what it added, changed
    and removed."""
    progress(5, "Reading the file")
    opened = reading.open_source(location)
    reading.check_columns(opened, mapping)
    if not other_city_ok:
        check = city_check(opened, mapping)
        if check.other_city:
            raise ValidationError(check.message(), code=OTHER_CITY)
    export = Export(
        source=opened, mapping=mapping, placer=Placer.for_kind(mapping.area_kind), today=today,
        source_id=source.pk, run_id=run.pk,
    )  # fmt: skip
    progress(20, "Reading, checking, placing and saving the rows")

    def blocks_from(first_id: int | None) -> Iterator[bytes]:
        return in_background(copy_blocks(export, tally, first_id=first_id))

    with transaction.atomic(), connection.cursor() as cursor:
        # one import of a source at a time; the nightly pull and an upload may meet
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [IMPORT_LOCK, source.pk])
        changes = merging.merge(
            cursor.cursor, blocks_from, tally, source_id=source.pk, run_id=run.pk
        )
        if tally.rows_read and tally.filtered_out == tally.rows_read:
            # a filter that keeps nothing would mark every victim of the source removed
            raise ValidationError(
                f"The mapping's row filter keeps none of the file's {tally.rows_read:,} rows, "
                "so nothing was imported: check the values it keeps "
                f"({', '.join(f'{k}: {v}' for k, v in mapping.keep.items())})."
            )
        pause_for_fault_tests("import")
    progress(95, "Summing up")
    return changes


def _counts(tally: Tally) -> dict[str, Any]:
    return {
        "rows_read": tally.rows_read,
        "victims": tally.victims,
        "incidents": tally.incidents,
        "fatal_victims": tally.fatal_victims,
        "fatal_unknown": tally.fatal_unknown,
        "rejected": tally.rejected.count,
        "filtered_out": tally.filtered_out,
        "no_victims": tally.no_victims,
        "large_incidents": tally.large[:50],
        "placed_by_point": tally.placed_by_point,
        "placed_by_code": tally.placed_by_code,
        "unplaced": tally.unplaced,
    }


def _refusal(
    error: ValidationError | psycopg.errors.DataError, url: str | None, mapping: Mapping
) -> ValidationError:
    """What the import says of a file it cannot take. Of a file from a URL that cannot be
    read, never what it holds (the URL might have reached a server whose answers are not
    the office's to see)."""
    if isinstance(error, reading.UnreadableFile):
        return reading.UnreadableFile(
            _unreadable_from(url, mapping) if url else "; ".join(error.messages)
        )
    if isinstance(error, ValidationError):
        return error
    # a value Postgres cannot store (a NUL byte in a cell, an out-of-range number): the
    # file's fault, so a message, not a crash
    return ValidationError(
        _unreadable_from(url, mapping)
        if url
        else f"The file holds a value that cannot be stored, so nothing was saved: {error}"
    )


def _unreadable_from(url: str, mapping: Mapping) -> str:
    return (
        f"The file at {urlsplit(url).hostname} cannot be read as an export with the columns "
        f"this source's mapping names ({', '.join(mapping.columns())}), so nothing was saved. "
        "What it holds is not shown here: it came from another server."
    )


def _fail(run: ImportRun, message: str) -> None:
    # messages quote the file (its columns, its values): a NUL byte cannot be stored
    message = message.replace("\x00", "")
    run.status, run.error, run.finished_at = ImportStatus.FAILED, message, timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])
