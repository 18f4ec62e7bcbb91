"""Writing an export's victims: new ones inserted, changed ones updated, missing ones marked
removed; the version before a change, and each removed victim, kept (VictimChange). The days
whose victims changed are marked for the next aggregation (DirtyDay).

A source's first import is COPYed straight into the table (into an empty table with its keys
and indexes set aside: building them once is faster). Later ones are COPYed into a staging
table with the victims table's own column types, then merged with set-based SQL.

The SQL names the tables and columns by the models' fields (`_sql`), quoted by psycopg; values
are always parameters.
"""

from collections.abc import Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from psycopg import sql

from ovp.core.db import copy_binary, ids_used_up_to, next_id, without_indexes
from ovp.incidents.importing.columns import (
    AUDITED_FIELDS,
    EXPORT_FIELDS,
    IMPORTED_FIELDS,
    VICTIM_COLUMNS,
    column_of,
    victim_columns,
)
from ovp.incidents.models import DirtyDay, Victim, VictimChange

if TYPE_CHECKING:
    from ovp.incidents.importing.producer import Tally

VICTIM = Victim._meta.db_table
STAGING = "staging"  # the export's victims, for the merge (a temporary table)
REJECTED = "rejected_incidents"  # the incidents of rows the import refused (temporary)

# the Victim fields the SQL below names besides the column lists
_NAMED_FIELDS = [
    "id", "source", "record_key", "incident_key", "occurred_on", "removed_at", "removed_by",
    "last_import",
]  # fmt: skip
# the tables and columns the SQL below names: {victim}, {change}, {dirty_day}, {staging},
# {rejected}, each Victim field used by its name ({record_key}), VictimChange's as {change_...}
_NAMES: dict[str, sql.Composable] = {
    "victim": sql.Identifier(VICTIM),
    "change": sql.Identifier(VictimChange._meta.db_table),
    "dirty_day": sql.Identifier(DirtyDay._meta.db_table),
    "day": sql.Identifier(column_of(DirtyDay, "day")),
    "staging": sql.Identifier(STAGING),
    "rejected": sql.Identifier(REJECTED),
    **{name: sql.Identifier(column_of(Victim, name)) for name in _NAMED_FIELDS},
    **{
        f"change_{name}": sql.Identifier(column_of(VictimChange, name))
        for name in ("import_run", "victim", "kind", "previous")
    },
}


def _sql(template: str, **parts: sql.Composable) -> sql.Composed:
    """The template with the tables and columns of `_NAMES` (and `parts`) filled in."""
    return sql.SQL(template).format(**_NAMES, **parts)


def _columns(names: list[str], alias: str | None = None) -> sql.Composed:
    """The victims' columns of these fields, each after `alias.` when it is given."""
    return sql.SQL(", ").join(
        sql.Identifier(alias, column) if alias else sql.Identifier(column)
        for column in victim_columns(names)
    )


def merge(
    cursor: Any, blocks_from: Callable[[int | None], Iterable[bytes]], tally: "Tally", *,
    source_id: int, run_id: int,
) -> dict[str, int]:  # fmt: skip
    """Write the export's victims; how many were added, changed and removed.
    `blocks_from(first_id)` gives the rows, with ids from `first_id` on when it is given."""
    cursor.execute(_sql("SELECT EXISTS (SELECT 1 FROM {victim} WHERE {source} = %s)"), [source_id])
    if not cursor.fetchone()[0]:
        _first_import(cursor, blocks_from, tally)
        return {"added": tally.victims, "changed": 0, "removed": 0}
    _stage(cursor, blocks_from(None))
    changed = _update_changed(cursor, source_id=source_id, run_id=run_id)
    added = _insert_new(cursor, source_id=source_id)
    removed = _remove_missing(
        cursor, tally.rejected.incident_keys(), source_id=source_id, run_id=run_id
    )
    return {"added": added, "changed": changed, "removed": removed}


def copy_victims(cursor: Any, table: str, blocks: Iterable[bytes], *, ids: bool = False) -> None:
    """COPY blocks of victim rows (Postgres's binary format, columns as VICTIM_COLUMNS, after
    their `ids`) into a table."""
    copy_binary(cursor, table, ["id", *VICTIM_COLUMNS] if ids else VICTIM_COLUMNS, blocks)


def _first_import(
    cursor: Any, blocks_from: Callable[[int | None], Iterable[bytes]], tally: "Tally"
) -> None:
    """A source's first import: straight into the table, nothing to compare."""
    cursor.execute(_sql("SELECT NOT EXISTS (SELECT 1 FROM {victim})"))
    if cursor.fetchone()[0]:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        # keys and indexes built once at the end
        with without_indexes(cursor, VICTIM):
            first_id = next_id(cursor, VICTIM)
            copy_victims(cursor, VICTIM, blocks_from(first_id), ids=True)
            if tally.victims:
                ids_used_up_to(cursor, VICTIM, first_id + tally.victims - 1)
    else:
        copy_victims(cursor, VICTIM, blocks_from(None))
    # the columns the next queries (an aggregation, a merge) lean on: a small sample is enough
    # for their plans (a fifth of the default's rows, a fifth of the time); autovacuum
    # analyzes the table fully later
    cursor.execute("SET LOCAL default_statistics_target = 20")
    cursor.execute(_sql("ANALYZE {victim} ({source}, {record_key}, {occurred_on}, {removed_at})"))
    mark_days_dirty(cursor, sorted(tally.days))


def _stage(cursor: Any, blocks: Iterable[bytes]) -> None:
    """The export's victims in the staging table, with the victims table's column types."""
    # dropped at commit; also here, for imports inside one outer transaction (tests)
    cursor.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier("pg_temp", STAGING)))
    cursor.execute(
        _sql(
            "CREATE TEMP TABLE {staging} ON COMMIT DROP AS SELECT {columns} FROM {victim} "
            "WITH NO DATA",
            columns=_columns(IMPORTED_FIELDS),
        )
    )
    copy_victims(cursor, STAGING, blocks)
    cursor.execute(_sql("CREATE INDEX ON {staging} ({record_key})"))
    cursor.execute(_sql("ANALYZE {staging}"))


def _previous() -> sql.Composed:
    """The victim's audited columns as a JSON object (what VictimChange keeps)."""
    pairs = sql.SQL(", ").join(
        sql.SQL("{}, {}").format(sql.Literal(column), sql.Identifier("v", column))
        for column in victim_columns(AUDITED_FIELDS)
    )
    return sql.SQL("jsonb_build_object({})").format(pairs)


def _differs() -> sql.Composed:
    """What the export says now differs from what it said (compared column by column, NULLs
    alike), or the victim is back in the export after being removed."""
    return _sql(
        "(ROW({was}) IS DISTINCT FROM ROW({now}) OR v.{removed_at} IS NOT NULL)",
        was=_columns(EXPORT_FIELDS, "v"),
        now=_columns(EXPORT_FIELDS, "s"),
    )


def _update_changed(cursor: Any, *, source_id: int, run_id: int) -> int:
    """Record, mark dirty and update the victims the export changed (or brought back)."""
    changed_rows = _sql(
        "FROM {victim} v JOIN {staging} s ON s.{record_key} = v.{record_key} "
        "WHERE v.{source} = %s AND {differs}",
        differs=_differs(),
    )
    cursor.execute(
        _sql(
            "INSERT INTO {change} ({change_import_run}, {change_victim}, {change_kind}, "
            "{change_previous}) SELECT %s, v.{id}, "
            "CASE WHEN v.{removed_at} IS NULL THEN {changed} ELSE {restored} END, {previous} "
            "{changed_rows}",
            changed=sql.Literal(VictimChange.Kind.CHANGED.value),
            restored=sql.Literal(VictimChange.Kind.RESTORED.value),
            previous=_previous(),
            changed_rows=changed_rows,
        ),
        [run_id, source_id],
    )
    changed: int = cursor.rowcount
    _mark_dirty_days(
        cursor,
        _sql(
            "SELECT unnest(ARRAY[v.{occurred_on}, s.{occurred_on}]) {changed_rows}",
            changed_rows=changed_rows,
        ),
        [source_id],
    )
    assignments = sql.SQL(", ").join(
        sql.SQL("{column} = s.{column}").format(column=sql.Identifier(column))
        for column in victim_columns(AUDITED_FIELDS)
    )
    cursor.execute(
        _sql(
            "UPDATE {victim} v SET {assignments}, {last_import} = %s, {removed_at} = NULL, "
            "{removed_by} = NULL FROM {staging} s "
            "WHERE v.{source} = %s AND s.{record_key} = v.{record_key} AND {differs}",
            assignments=assignments,
            differs=_differs(),
        ),
        [run_id, source_id],
    )
    return changed


def _insert_new(cursor: Any, *, source_id: int) -> int:
    """Mark dirty and insert the victims new to the source."""
    new_rows = _sql(
        "FROM {staging} s WHERE NOT EXISTS (SELECT 1 FROM {victim} v "
        "WHERE v.{source} = %s AND v.{record_key} = s.{record_key})"
    )
    _mark_dirty_days(
        cursor, _sql("SELECT s.{occurred_on} {new_rows}", new_rows=new_rows), [source_id]
    )
    cursor.execute(
        _sql(
            "INSERT INTO {victim} ({columns}) SELECT {staged} {new_rows}",
            columns=_columns(IMPORTED_FIELDS),
            staged=_columns(IMPORTED_FIELDS, "s"),
            new_rows=new_rows,
        ),
        [source_id],
    )
    added: int = cursor.rowcount
    return added


def _remove_missing(cursor: Any, rejected_keys: list[str], *, source_id: int, run_id: int) -> int:
    """Record, mark dirty and mark removed the victims no longer in the export. A row the
    import rejected (a bad date, an unknown flag) says nothing of whether its victims are
    still there: those of its incident stay."""
    cursor.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier("pg_temp", REJECTED)))
    cursor.execute(_sql("CREATE TEMP TABLE {rejected} ({incident_key} text) ON COMMIT DROP"))
    if rejected_keys:
        cursor.execute(_sql("INSERT INTO {rejected} SELECT unnest(%s::text[])"), [rejected_keys])
    gone = _sql(
        "v.{source} = %s AND v.{removed_at} IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM {staging} s WHERE s.{record_key} = v.{record_key}) "
        "AND NOT EXISTS (SELECT 1 FROM {rejected} r WHERE r.{incident_key} = v.{incident_key})"
    )
    cursor.execute(
        _sql(
            "INSERT INTO {change} ({change_import_run}, {change_victim}, {change_kind}, "
            "{change_previous}) SELECT %s, v.{id}, {removed}, {previous} FROM {victim} v "
            "WHERE {gone}",
            removed=sql.Literal(VictimChange.Kind.REMOVED.value),
            previous=_previous(),
            gone=gone,
        ),
        [run_id, source_id],
    )
    _mark_dirty_days(
        cursor, _sql("SELECT v.{occurred_on} FROM {victim} v WHERE {gone}", gone=gone), [source_id]
    )
    cursor.execute(
        _sql(
            "UPDATE {victim} v SET {removed_at} = now(), {removed_by} = %s WHERE {gone}",
            gone=gone,
        ),
        [run_id, source_id],
    )
    removed: int = cursor.rowcount
    return removed


def mark_days_dirty(cursor: Any, days: list[date]) -> None:
    """Mark these days for the next aggregation."""
    _mark_dirty_days(cursor, sql.SQL("SELECT unnest(%s::date[])"), [days])


def _mark_dirty_days(cursor: Any, days: sql.Composable, params: list[Any]) -> None:
    """Mark the days the query gives (a column of dates) for the next aggregation."""
    cursor.execute(
        _sql(
            "INSERT INTO {dirty_day} ({day}) SELECT DISTINCT d FROM ({days}) AS days(d) "
            "WHERE d IS NOT NULL ON CONFLICT DO NOTHING",
            days=days,
        ),
        params,
    )
