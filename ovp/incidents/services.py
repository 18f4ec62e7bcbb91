"""Importing the city's exports and aggregating them: the writes of the incident data.

Both are set-based (Postgres COPY and INSERT ... SELECT), idempotent and transactional: an
import lands whole or not at all, and an aggregation run that fails leaves the last good
aggregates in place.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from queue import Full, Queue
from typing import IO, Any, TypeVar
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import psycopg
import pyarrow as pa
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone
from pgpq import ArrowToPostgresBinaryEncoder

from ovp.areas.models import Area
from ovp.areas.placement import UNPLACED, AreaIndex, area_index
from ovp.core.db import (
    copy_binary,
    ids_from,
    ids_used_up_to,
    integer_arrays,
    next_id,
    without_indexes,
)
from ovp.core.faults import pause_for_fault_tests
from ovp.core.fetch import fetch
from ovp.core.queue import enqueue
from ovp.incidents.mapping import Mapping, mapping_for
from ovp.incidents.models import (
    NO_AREAS,
    ImportRun,
    ImportStatus,
    IncidentSource,
    Placement,
    Victim,
    not_placed_marker,
)
from ovp.incidents.normalize import (
    ImportState,
    UnreadableFile,
    check_columns,
    normalize,
    read_export_batches,
    rejected_csv,
)

logger = logging.getLogger(__name__)

Progress = Callable[[int, str], None]
Block = TypeVar("Block")

# what the export says of a victim: a change in these is a change (placement is ours, and
# follows the areas: `incidents_place` redoes it when they change)
EXPORT_COLUMNS = [
    "incident_key", "first_of_incident", "occurred_on", "hour", "fatal", "age_band", "sex",
    "race", "latitude", "longitude", "reported_area_code",
]  # fmt: skip
PLACEMENT_COLUMNS = ["placement", "area_ids"]
# what VictimChange keeps of the version before a change
AUDITED_COLUMNS = [*EXPORT_COLUMNS, *PLACEMENT_COLUMNS]
# the victims' columns as the import sends them, with their Arrow types (for a binary COPY)
VICTIM_SCHEMA = pa.schema(
    [
        ("source_id", pa.int64()), ("record_key", pa.string()), ("incident_key", pa.string()),
        ("first_of_incident", pa.bool_()), ("occurred_on", pa.date32()), ("hour", pa.int16()),
        ("fatal", pa.bool_()), ("age_band", pa.string()), ("sex", pa.string()),
        ("race", pa.string()), ("latitude", pa.float64()), ("longitude", pa.float64()),
        ("reported_area_code", pa.string()), ("placement", pa.string()),
        ("area_ids", pa.list_(pa.int32())), ("first_import_id", pa.int64()),
        ("last_import_id", pa.int64()),
    ]
)  # fmt: skip
VICTIM_COLUMNS = VICTIM_SCHEMA.names
MAX_DOWNLOAD_BYTES = 2 * 1024**3


def _no_progress(percent: int, note: str) -> None:
    return None


# how a victim was placed, as a small code per row
PLACEMENTS = [Placement.NONE, Placement.POINT, Placement.CODE]
NONE, BY_POINT, BY_CODE = range(3)


@dataclass
class Placed:
    areas: np.ndarray  # int32, a row per victim: its area (or marker) of each kind
    how: np.ndarray  # int8, a row per victim: its PLACEMENTS code

    @property
    def placement(self) -> pd.Categorical:
        return pd.Categorical.from_codes(self.how, categories=PLACEMENTS)

    @property
    def counts(self) -> dict[str, int]:
        none, point, code = np.bincount(self.how, minlength=len(PLACEMENTS)).tolist()
        return {"placed_by_point": point, "placed_by_code": code, "unplaced": none}

    @property
    def area_ids(self) -> pd.Series:
        """Postgres array literals ("{12,40}") of each row's areas. Rows share few
        combinations of areas, so each distinct combination is written once."""
        inverse = pd.factorize(pd.MultiIndex.from_arrays(list(self.areas.T)))[0]
        first_rows = self.areas[pd.Series(inverse).drop_duplicates().index.to_numpy()]
        literals = np.array(
            ["{" + ",".join(str(a) for a in row) + "}" for row in first_rows.tolist()],
            dtype=object,
        )
        return pd.Series(literals[inverse])


@dataclass
class Placer:
    """The areas of every kind, ready to place victims; built once per import (it reads the
    database), then used on each block of rows (it does not)."""

    area_kind: str
    indexes: dict[str, AreaIndex]
    codes: dict[str, int]  # the export's own kind: area code -> id

    @classmethod
    def for_kind(cls, area_kind: str) -> "Placer":
        kinds = list(Area.objects.values_list("kind", flat=True).distinct().order_by("kind"))
        return cls(
            area_kind=area_kind,
            indexes={kind: area_index(kind) for kind in kinds},
            codes=dict(Area.objects.of_kind(area_kind).values_list("code", "id")),
        )

    def place(self, victims: pd.DataFrame) -> Placed:
        """Each victim in one area of every kind: by point; for the export's own kind, by
        its area code where the point is missing, 0,0 or outside the city."""
        lons = victims["longitude"].to_numpy(dtype=np.float64, na_value=np.nan)
        lats = victims["latitude"].to_numpy(dtype=np.float64, na_value=np.nan)
        by_kind: list[np.ndarray] = []
        how = np.full(len(victims), NONE, dtype=np.int8)
        for kind, index in self.indexes.items():
            placed = index.place(lons, lats)
            if kind == self.area_kind:
                how[placed != UNPLACED] = BY_POINT
                # each distinct code looked up once
                codes, distinct = pd.factorize(victims["reported_area_code"])
                ids = pd.Series(distinct, dtype=object).map(self.codes)
                by_code = np.append(ids.to_numpy(dtype=np.float64, na_value=np.nan), np.nan)[codes]
                fallback = (placed == UNPLACED) & ~np.isnan(by_code)
                placed[fallback] = by_code[fallback].astype(np.int64)
                how[fallback] = BY_CODE
            # not placed in this kind: the kind's marker, so every kind adds up to the city
            placed[placed == UNPLACED] = not_placed_marker(kind)
            by_kind.append(placed)
        areas = (
            np.column_stack(by_kind).astype(np.int32)
            if by_kind
            else np.full((len(victims), 1), NO_AREAS, dtype=np.int32)
        )
        return Placed(areas=areas, how=how)


def _victim_schema(*, ids: bool) -> pa.Schema:
    return VICTIM_SCHEMA.insert(0, pa.field("id", pa.int64())) if ids else VICTIM_SCHEMA


def _victim_table(
    victims: pd.DataFrame, placed: Placed, *, source_id: int, run_id: int, first_id: int | None
) -> pa.Table:
    """The victims as the table's rows (VICTIM_COLUMNS), after their ids from `first_id` on
    when it is given."""
    n = len(victims)
    columns = {
        **ids_from(first_id, n),
        "source_id": np.full(n, source_id, dtype=np.int64),
        "record_key": victims["record_key"],
        **{name: victims[name] for name in EXPORT_COLUMNS},
        "placement": placed.placement,
        "area_ids": integer_arrays(placed.areas),
        "first_import_id": np.full(n, run_id, dtype=np.int64),
        "last_import_id": np.full(n, run_id, dtype=np.int64),
    }
    schema = _victim_schema(ids=first_id is not None)
    return pa.table([_arrow(columns[f.name], f.type) for f in schema], schema=schema)


def _arrow(values: Any, type_: pa.DataType) -> pa.Array:
    """A column as Arrow (a Categorical through its codes: no Python object per row)."""
    return pa.array(values, from_pandas=True).cast(type_)


def _copy(cursor: Any, table_name: str, blocks: Iterable[bytes], *, ids: bool = False) -> None:
    """COPY blocks of victim rows (Postgres's binary format, columns as VICTIM_COLUMNS, after
    their `ids`) into a table."""
    copy_binary(cursor, table_name, ["id", *VICTIM_COLUMNS] if ids else VICTIM_COLUMNS, blocks)


@dataclass
class Tally:
    """What the blocks of an export added up to."""

    rows_read: int = 0
    victims: int = 0
    fatal_victims: int = 0
    fatal_unknown: int = 0
    placed_by_point: int = 0
    placed_by_code: int = 0
    unplaced: int = 0
    incidents: int = 0
    days: set[date] = field(default_factory=set)
    rejected: list[pd.DataFrame] = field(default_factory=list)


def _blocks(
    source: str | IO[bytes], mapping: Mapping, placer: "Placer", tally: Tally, *, today: date,
    source_id: int, run_id: int, first_id: int | None = None,
) -> Iterator[bytes]:  # fmt: skip
    """Read, check and place the export block by block, as rows ready for a binary COPY
    (each with its id, from `first_id` on, when it is given): Postgres reads its own binary
    format at about twice the speed of CSV, and pgpq writes it from Arrow as fast as CSV."""
    rows = _rows(source, mapping, placer, tally, today=today,
                 source_id=source_id, run_id=run_id, first_id=first_id)  # fmt: skip
    encoder = ArrowToPostgresBinaryEncoder(_victim_schema(ids=first_id is not None))
    yield encoder.write_header()
    for table in rows:
        yield b"".join(encoder.write_batch(batch) for batch in table.to_batches())
    yield encoder.finish()


def _rows(
    source: str | IO[bytes], mapping: Mapping, placer: "Placer", tally: Tally, *, today: date,
    source_id: int, run_id: int, first_id: int | None = None,
) -> Iterator[pa.Table]:  # fmt: skip
    """The export's victims block by block, checked and placed, as the table's rows; what
    they add up to goes into `tally`."""
    state = ImportState()
    # the file is parsed in a thread of its own (Arrow lets go of the GIL meanwhile)
    for table in _in_background(read_export_batches(source, mapping)):
        normalized = normalize(table, mapping, today=today, state=state)
        victims = normalized.victims
        placed = placer.place(victims)
        tally.rows_read += normalized.rows_read
        tally.victims += len(victims)
        tally.fatal_victims += int(victims["fatal"].sum())
        tally.fatal_unknown += int(victims["fatal"].isna().sum())
        for name, count in placed.counts.items():
            setattr(tally, name, getattr(tally, name) + count)
        tally.days.update(victims["occurred_on"].unique().tolist())
        if len(normalized.rejected):
            tally.rejected.append(normalized.rejected)
        tally.incidents = len(state.incidents)
        block_first_id = None if first_id is None else first_id + tally.victims - len(victims)
        yield _victim_table(
            victims, placed, source_id=source_id, run_id=run_id, first_id=block_first_id
        )


def _in_background(blocks: Iterator[Block]) -> Iterator[Block]:
    """Make the blocks in a thread while the caller uses the ones made so far. The import
    runs two: one parses the file (Arrow, without the GIL), one checks and encodes the rows,
    while the caller sends them to Postgres, which stores them on the other core."""
    queue: Queue[Block | BaseException | None] = Queue(maxsize=2)
    stop = threading.Event()

    def hand_over(item: Block | BaseException | None) -> None:
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.5)
                return
            except Full:
                continue

    def produce() -> None:
        try:
            for block in blocks:
                if stop.is_set():
                    return
                hand_over(block)
            hand_over(None)
        except BaseException as error:  # handed to the caller, raised there
            hand_over(error)

    worker = threading.Thread(target=produce, name="import-blocks", daemon=True)
    worker.start()
    try:
        while (item := queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        # the caller stopped (done, or COPY failed): let the thread end, not wait forever
        stop.set()
        worker.join(timeout=30)


def _mark_dirty_days(cursor: Any, days_sql: str, params: list[Any]) -> None:
    cursor.execute(
        f"INSERT INTO incidents_dirtyday (day) SELECT DISTINCT d FROM ({days_sql}) AS days(d) "
        "WHERE d IS NOT NULL ON CONFLICT DO NOTHING",
        params,
    )


def _merge(
    cursor: Any, blocks_from: Callable[[int | None], Iterable[bytes]], tally: Tally, *,
    source_id: int, run_id: int,
) -> dict[str, int]:  # fmt: skip
    """Write the export's victims: insert new ones, update changed ones, mark missing ones
    removed. Versions before a change and removed victims are kept (VictimChange).
    `blocks_from(first_id)` gives the rows, with ids from `first_id` on when it is given."""
    victim = Victim._meta.db_table
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {victim} WHERE source_id = %s)", [source_id])
    if not cursor.fetchone()[0]:
        # a source's first import: straight into the table, nothing to compare
        cursor.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {victim})")
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            # keys and indexes built once at the end
            with without_indexes(cursor, victim):
                first_id = next_id(cursor, victim)
                _copy(cursor, victim, blocks_from(first_id), ids=True)
                if tally.victims:
                    ids_used_up_to(cursor, victim, first_id + tally.victims - 1)
        else:
            _copy(cursor, victim, blocks_from(None))
        # the columns the next queries (an aggregation, a merge) lean on; autovacuum does the rest
        # a small sample is enough for their plans (a fifth of the default's rows, a fifth of
        # the time); autovacuum analyzes the table fully later
        cursor.execute("SET LOCAL default_statistics_target = 20")
        cursor.execute(f"ANALYZE {victim} (source_id, record_key, occurred_on, removed_at)")
        _mark_dirty_days(cursor, "SELECT unnest(%s::date[])", [sorted(tally.days)])
        return {"added": tally.victims, "changed": 0, "removed": 0}

    columns = ", ".join(VICTIM_COLUMNS)
    # dropped at commit; also here, for imports inside one outer transaction (tests)
    cursor.execute("DROP TABLE IF EXISTS pg_temp.staging")
    # the victims table's own column types, none of its rows
    cursor.execute(
        f"CREATE TEMP TABLE staging ON COMMIT DROP AS SELECT {columns} FROM {victim} WITH NO DATA"
    )
    _copy(cursor, "staging", blocks_from(None))
    cursor.execute("CREATE INDEX ON staging (record_key)")
    cursor.execute("ANALYZE staging")
    previous = "jsonb_build_object(" + ", ".join(f"'{c}', v.{c}" for c in AUDITED_COLUMNS) + ")"
    # what the export says now differs from what it said (compared column by column, NULLs
    # alike), or the victim is back in the export after being removed
    differs = (
        f"(ROW({', '.join(f'v.{c}' for c in EXPORT_COLUMNS)}) IS DISTINCT FROM "
        f"ROW({', '.join(f's.{c}' for c in EXPORT_COLUMNS)}) OR v.removed_at IS NOT NULL)"
    )
    # changed, or back in the export after being removed
    cursor.execute(
        f"""INSERT INTO incidents_victimchange (import_run_id, victim_id, kind, previous)
            SELECT %s, v.id,
                   CASE WHEN v.removed_at IS NULL THEN 'changed' ELSE 'restored' END, {previous}
            FROM {victim} v JOIN staging s ON s.record_key = v.record_key
            WHERE v.source_id = %s AND {differs}""",
        [run_id, source_id],
    )
    changed = cursor.rowcount
    _mark_dirty_days(
        cursor,
        f"""SELECT unnest(ARRAY[v.occurred_on, s.occurred_on]) FROM {victim} v
            JOIN staging s ON s.record_key = v.record_key
            WHERE v.source_id = %s AND {differs}""",
        [source_id],
    )
    assignments = ", ".join(f"{c} = s.{c}" for c in AUDITED_COLUMNS)
    cursor.execute(
        f"""UPDATE {victim} v
            SET {assignments}, last_import_id = %s, removed_at = NULL, removed_by_id = NULL
            FROM staging s WHERE v.source_id = %s AND s.record_key = v.record_key
            AND {differs}""",
        [run_id, source_id],
    )
    new_rows = f"""FROM staging s WHERE NOT EXISTS (
        SELECT 1 FROM {victim} v WHERE v.source_id = %s AND v.record_key = s.record_key)"""
    _mark_dirty_days(cursor, f"SELECT s.occurred_on {new_rows}", [source_id])
    cursor.execute(f"INSERT INTO {victim} ({columns}) SELECT {columns} {new_rows}", [source_id])
    added = cursor.rowcount
    # gone: not in the export any more. A row the import rejected (a bad date, an unknown
    # flag) says nothing of whether its victims are still there: those of its incident stay.
    cursor.execute("DROP TABLE IF EXISTS pg_temp.rejected_incidents")
    cursor.execute("CREATE TEMP TABLE rejected_incidents (incident_key text) ON COMMIT DROP")
    rejected_keys = sorted({key for part in tally.rejected for key in part["key"] if key})
    if rejected_keys:
        cursor.execute("INSERT INTO rejected_incidents SELECT unnest(%s::text[])", [rejected_keys])
    gone = """v.source_id = %s AND v.removed_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM staging s WHERE s.record_key = v.record_key)
        AND NOT EXISTS (SELECT 1 FROM rejected_incidents r WHERE r.incident_key = v.incident_key)"""
    cursor.execute(
        f"""INSERT INTO incidents_victimchange (import_run_id, victim_id, kind, previous)
            SELECT %s, v.id, 'removed', {previous} FROM {victim} v WHERE {gone}""",
        [run_id, source_id],
    )
    _mark_dirty_days(cursor, f"SELECT v.occurred_on FROM {victim} v WHERE {gone}", [source_id])
    cursor.execute(
        f"UPDATE {victim} v SET removed_at = now(), removed_by_id = %s WHERE {gone}",
        [run_id, source_id],
    )
    removed = cursor.rowcount
    return {"added": added, "changed": changed, "removed": removed}


def _is_url(location: str | Path | IO[bytes]) -> bool:
    return isinstance(location, str) and location.lower().startswith(("http://", "https://"))


def _open_source(location: str | Path | IO[bytes]) -> str | IO[bytes]:
    """A local path, an uploaded file, or an http(s) URL of the city's export (fetched only
    from public addresses: ovp/core/fetch.py)."""
    if _is_url(location):
        assert isinstance(location, str)
        return fetch(location, max_bytes=MAX_DOWNLOAD_BYTES)
    if isinstance(location, (str, Path)):
        if not Path(location).is_file():
            raise ValidationError(f"There is no file at {location}.")
        return str(location)
    return location


def _unreadable_from(url: str, mapping: Mapping) -> str:
    """What to say of a file from a URL that cannot be read: never what it holds (the URL
    might have reached a server whose answers are not the office's to see)."""
    return (
        f"The file at {urlsplit(url).hostname} cannot be read as an export with the columns "
        f"this source's mapping names ({', '.join(mapping.columns())}), so nothing was saved. "
        "What it holds is not shown here: it came from another server."
    )


def incidents_import(
    *,
    location: str | Path | IO[bytes],
    mapping: Mapping,
    source: IncidentSource,
    run: ImportRun | None = None,
    file_name: str = "",
    progress: Progress = _no_progress,
    today: date | None = None,
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
    fetched = _is_url(location)
    try:
        progress(5, "Reading the file")
        export = _open_source(location)
        check_columns(export, mapping)
        placer = Placer.for_kind(mapping.area_kind)
        progress(20, "Reading, checking, placing and saving the rows")

        def blocks_from(first_id: int | None) -> Iterator[bytes]:
            blocks = _blocks(
                export, mapping, placer, tally, today=today or timezone.localdate(),
                source_id=source.pk, run_id=run.pk, first_id=first_id,
            )  # fmt: skip
            return _in_background(blocks)

        with transaction.atomic(), connection.cursor() as cursor:
            # one import of a source at a time; the nightly pull and an upload may meet
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [8_432, source.pk])
            changes = _merge(cursor.cursor, blocks_from, tally, source_id=source.pk, run_id=run.pk)
            pause_for_fault_tests("import")
        progress(95, "Summing up")
    except UnreadableFile as error:
        message = _unreadable_from(str(location), mapping) if fetched else "; ".join(error.messages)
        _fail(run, message)
        raise UnreadableFile(message) from error
    except ValidationError as error:
        _fail(run, "; ".join(error.messages))
        raise
    except psycopg.errors.DataError as error:
        # a value Postgres cannot store (a NUL byte in a cell, an out-of-range number):
        # the file's fault, so a message, not a crash
        message = (
            _unreadable_from(str(location), mapping)
            if fetched
            else f"The file holds a value that cannot be stored, so nothing was saved: {error}"
        )
        _fail(run, message)
        raise ValidationError(message) from error
    except Exception as error:
        logger.exception("Import %s failed", run.pk)
        _fail(run, "The import failed and nothing was saved" + ("." if fetched else f": {error}"))
        raise
    run.summary = {
        "source": source.name,
        "area_kind": mapping.area_kind,
        "rows_read": tally.rows_read,
        "victims": tally.victims,
        "incidents": tally.incidents,
        "fatal_victims": tally.fatal_victims,
        "fatal_unknown": tally.fatal_unknown,
        "rejected": sum(len(r) for r in tally.rejected),
        "placed_by_point": tally.placed_by_point,
        "placed_by_code": tally.placed_by_code,
        "unplaced": tally.unplaced,
        **changes,
        "seconds": round(time.perf_counter() - started, 2),
    }
    run.rejected_report = rejected_csv(pd.concat(tally.rejected)) if tally.rejected else ""
    run.status, run.finished_at, run.progress, run.progress_note = (
        ImportStatus.SUCCEEDED,
        timezone.now(),
        100,
        "Done",
    )
    run.save()
    return run


def _fail(run: ImportRun, message: str) -> None:
    # messages quote the file (its columns, its values): a NUL byte cannot be stored
    message = message.replace("\x00", "")
    run.status, run.error, run.finished_at = ImportStatus.FAILED, message, timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])


def source_mapping(source: IncidentSource) -> Mapping:
    return mapping_for(preset=source.preset or None, mapping_json=source.mapping)


def import_enqueue(*, uploaded: UploadedFile, source: IncidentSource, user: Any) -> ImportRun:
    """Keep an uploaded export and queue its import (a Celery task, after commit)."""
    from ovp.incidents import tasks

    source_mapping(source)  # a source without a usable mapping fails here, not in the worker
    run = ImportRun.objects.create(
        source=source, file_name=(uploaded.name or "upload.csv")[:500], created_by=user
    )
    path = Path(settings.MEDIA_ROOT) / "imports" / f"{run.uuid}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as target:
        for chunk in uploaded.chunks():
            target.write(chunk)
    enqueue(tasks.import_run, run.pk)
    return run


def source_pull_enqueue(*, source: IncidentSource, user: Any) -> ImportRun:
    """Queue an import of the source's URL now (the same as the nightly pull)."""
    from ovp.incidents import tasks

    source_mapping(source)
    run = ImportRun.objects.create(source=source, file_name=source.url[:500], created_by=user)
    enqueue(tasks.import_run, run.pk)
    return run


def import_run_queued(*, run_id: int) -> ImportRun:
    """Run a queued import (what the Celery task does), reporting progress on the run."""
    run = ImportRun.objects.select_related("source").get(pk=run_id)
    if run.status == ImportStatus.SUCCEEDED:
        return run  # a task delivered twice
    path: str | Path = Path(settings.MEDIA_ROOT) / "imports" / f"{run.uuid}.csv"
    if run.file_name == run.source.url and not Path(path).exists():
        path = run.source.url  # a pull of the source's URL

    def progress(percent: int, note: str) -> None:
        ImportRun.objects.filter(pk=run.pk).update(progress=percent, progress_note=note)

    run = incidents_import(
        location=path,
        mapping=source_mapping(run.source),
        source=run.source,
        run=run,
        progress=progress,
    )
    if isinstance(path, Path):
        # imported: the victims and the rejected-rows report keep what matters; a failed
        # upload stays on disk so that the import can be run again
        path.unlink(missing_ok=True)
    return run


def sources_pull() -> list[ImportRun]:
    """The nightly pull: import each source that has a URL and asks for it."""
    runs = []
    for source in IncidentSource.objects.filter(pull_nightly=True).exclude(url=""):
        try:
            runs.append(
                incidents_import(
                    location=source.url,
                    mapping=source_mapping(source),
                    source=source,
                    file_name=source.url,
                )
            )
        except (ValidationError, OSError):
            logger.warning("Nightly pull of %s failed", source.name, exc_info=True)
    return runs


@dataclass
class PlaceResult:
    victims: int
    moved: int


def incidents_place() -> PlaceResult:
    """Place every victim again in the areas there are now (after areas were loaded or
    changed); victims whose areas change have their days aggregated again."""
    victims_seen = moved = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for source in IncidentSource.objects.all():
            cursor.execute(
                "SELECT id, longitude, latitude, reported_area_code, area_ids, placement, "
                "occurred_on FROM incidents_victim WHERE source_id = %s",
                [source.pk],
            )
            frame = pd.DataFrame(
                cursor.fetchall(),
                columns=["id", "longitude", "latitude", "reported_area_code", "area_ids",
                         "placement", "occurred_on"],
            )  # fmt: skip
            if frame.empty:
                continue
            frame[["longitude", "latitude"]] = frame[["longitude", "latitude"]].astype(float)
            placed = Placer.for_kind(source_mapping(source).area_kind).place(frame)
            before = "{" + frame["area_ids"].map(lambda ids: ",".join(map(str, ids))) + "}"
            changed = (before.to_numpy() != placed.area_ids.to_numpy()) | (
                frame["placement"].to_numpy() != np.asarray(placed.placement, dtype=object)
            )
            victims_seen += len(frame)
            if not changed.any():
                continue
            moved += int(changed.sum())
            cursor.execute("DROP TABLE IF EXISTS pg_temp.placed")
            cursor.execute(
                "CREATE TEMP TABLE placed (id bigint, area_ids integer[], placement varchar(5)) "
                "ON COMMIT DROP"
            )
            with cursor.cursor.copy("COPY placed (id, area_ids, placement) FROM STDIN") as copy:
                for victim_id, area_ids, placement in zip(
                    frame["id"][changed], placed.area_ids[changed],
                    np.asarray(placed.placement, dtype=object)[changed],
                    strict=True,
                ):  # fmt: skip
                    copy.write_row((victim_id, area_ids, placement))
            cursor.execute(
                "UPDATE incidents_victim v SET area_ids = p.area_ids, placement = p.placement "
                "FROM placed p WHERE v.id = p.id"
            )
            _mark_dirty_days(
                cursor, "SELECT unnest(%s::date[])", [sorted(set(frame["occurred_on"][changed]))]
            )
    return PlaceResult(victims=victims_seen, moved=moved)


def source_for(*, name: str, preset: str = "", mapping: Mapping | None = None) -> IncidentSource:
    """The source of this name, created on first use."""
    source, _ = IncidentSource.objects.get_or_create(
        name=name,
        defaults={
            "preset": preset,
            "mapping": mapping.as_json() if mapping and not preset else None,
        },
    )
    return source
