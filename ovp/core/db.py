"""Bulk writes: rows COPYed from Arrow, a table's keys and indexes set aside while it is
filled, and its ids given."""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pyarrow as pa
from pgpq import ArrowToPostgresBinaryEncoder
from psycopg import sql


def copy_arrow(cursor: Any, table: str, rows: pa.Table) -> None:
    """COPY the rows into the table's columns of the same names, in Postgres's own binary
    format (written by pgpq; about twice as fast for Postgres to read as CSV). The Arrow
    types must be the columns' (int32 for integer, int64 for bigint, list<int32> for
    integer[])."""
    encoder = ArrowToPostgresBinaryEncoder(rows.schema)

    def blocks() -> Iterator[bytes]:
        yield encoder.write_header()
        for batch in rows.to_batches():
            yield encoder.write_batch(batch)
        yield encoder.finish()

    copy_binary(cursor, table, rows.column_names, blocks())


def copy_binary(cursor: Any, table: str, columns: Sequence[str], blocks: Iterable[bytes]) -> None:
    """COPY blocks already in Postgres's binary format (header first, trailer last) into the
    table's columns: the one binary COPY of the project (the incident import encodes its
    blocks in a thread of their own and hands them here)."""
    statement = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT binary)").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(name) for name in columns)
    )
    with cursor.copy(statement) as copy:
        for block in blocks:
            copy.write(block)


def integer_arrays(matrix: np.ndarray) -> pa.ListArray:
    """Each row of a 2-D array as one Postgres integer[] (an Arrow list of int32)."""
    rows, width = matrix.shape
    offsets = np.arange(0, rows * width + 1, width, dtype=np.int32)
    return pa.ListArray.from_arrays(offsets, matrix.astype(np.int32).ravel())


@contextmanager
def without_indexes(cursor: Any, table: str) -> Iterator[None]:
    """Drop the table's keys and indexes (and foreign keys pointing at it) for the duration,
    then build them again: filling an empty table and building them once is several times
    faster than keeping them up to date row by row (the primary key too, though ids arrive in
    order: measured, building it costs less than keeping it). DDL is transactional, and the
    table is locked meanwhile."""
    cursor.execute(
        "SELECT conname, conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE confrelid = %s::regclass AND contype = 'f'",
        [table],
    )
    referencing = cursor.fetchall()
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('p', 'u') ORDER BY contype",
        [table],
    )
    keys = cursor.fetchall()  # the primary key first
    cursor.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i "
        "WHERE indrelid = %s::regclass "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
        [table],
    )
    indexes = cursor.fetchall()
    for name, other, _ in referencing:
        cursor.execute(f'ALTER TABLE {other} DROP CONSTRAINT "{name}"')
    for name, _ in keys:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    yield
    for name, definition in keys:
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for _, definition in indexes:
        cursor.execute(definition)
    for name, other, definition in referencing:
        cursor.execute(f'ALTER TABLE {other} ADD CONSTRAINT "{name}" {definition}')


def next_id(cursor: Any, table: str) -> int:
    """The next id of the table's id sequence, for rows that are given their ids (no
    nextval() each). Only while the table is locked (as `without_indexes` locks it): nobody
    else draws ids until `ids_used_up_to` says how many were taken."""
    cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id'))")
    return int(cursor.fetchone()[0])


def ids_from(first: int | None, rows: int) -> dict[str, np.ndarray]:
    """An id column from `first` on, or none (the table's default) when `first` is None."""
    return {} if first is None else {"id": np.arange(first, first + rows, dtype=np.int64)}


def ids_used_up_to(cursor: Any, table: str, last: int) -> None:
    cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [last])
