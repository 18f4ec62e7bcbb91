"""The blocks of rows the import sends to Postgres, made while Postgres stores the ones before.

The import runs two threads beside its own: one parses the file (Arrow, without the GIL), one
checks, places and encodes the rows (`copy_blocks`), while the import's own thread sends them
to Postgres, which stores them on the other core. `in_background` is that hand-over.
"""

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from queue import Full, Queue
from typing import IO, Any, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
from pgpq import ArrowToPostgresBinaryEncoder

from ovp.core.db import ids_from, integer_arrays
from ovp.incidents.importing.columns import EXPORT_FIELDS, victim_schema
from ovp.incidents.importing.normalizing import ImportState, Normalized, normalize
from ovp.incidents.importing.placement import Placed, Placer
from ovp.incidents.importing.reading import read_export_batches
from ovp.incidents.importing.rejections import FILTERED_OUT, NO_VICTIMS, RejectedRows
from ovp.incidents.mapping import Mapping

Block = TypeVar("Block")


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
    rejected: RejectedRows = field(default_factory=RejectedRows)
    filtered_out: int = 0
    no_victims: int = 0
    large: list[dict[str, Any]] = field(default_factory=list)

    def add(self, normalized: Normalized, placed: Placed, state: ImportState) -> None:
        victims = normalized.victims
        self.rows_read += normalized.rows_read
        self.victims += len(victims)
        self.fatal_victims += int(victims["fatal"].sum())
        self.fatal_unknown += int(victims["fatal"].isna().sum())
        for name, count in placed.counts.items():
            setattr(self, name, getattr(self, name) + count)
        self.days.update(victims["occurred_on"].unique().tolist())
        self.rejected.add(normalized.rejected)
        self.incidents = len(state.incidents)
        self.filtered_out += normalized.set_aside.get(FILTERED_OUT, 0)
        self.no_victims += normalized.set_aside.get(NO_VICTIMS, 0)
        self.large += [
            {"line": int(row.line), "key": str(row.key), "killed": int(row.killed),
             "injured": int(row.injured)}
            for row in normalized.large.itertuples(index=False)
        ]  # fmt: skip


@dataclass(frozen=True)
class Export:
    """What the import reads, and for whom it writes."""

    source: str | IO[bytes]  # opened (reading.open_source)
    mapping: Mapping
    placer: Placer
    today: date
    source_id: int
    run_id: int


def copy_blocks(export: Export, tally: Tally, *, first_id: int | None = None) -> Iterator[bytes]:
    """Read, check and place the export block by block, as rows ready for a binary COPY
    (each with its id, from `first_id` on, when it is given): Postgres reads its own binary
    format at about twice the speed of CSV, and pgpq writes it from Arrow as fast as CSV."""
    encoder = ArrowToPostgresBinaryEncoder(victim_schema(ids=first_id is not None))
    yield encoder.write_header()
    for table in victim_rows(export, tally, first_id=first_id):
        yield b"".join(encoder.write_batch(batch) for batch in table.to_batches())
    yield encoder.finish()


def victim_rows(export: Export, tally: Tally, *, first_id: int | None = None) -> Iterator[pa.Table]:
    """The export's victims block by block, checked and placed, as the table's rows; what
    they add up to goes into `tally`."""
    state = ImportState()
    # the file is parsed in a thread of its own (Arrow lets go of the GIL meanwhile)
    for table in in_background(read_export_batches(export.source, export.mapping)):
        normalized = normalize(table, export.mapping, today=export.today, state=state)
        placed = export.placer.place(normalized.victims)
        tally.add(normalized, placed, state)
        block_first_id = (
            None if first_id is None else first_id + tally.victims - len(normalized.victims)
        )
        yield victim_table(
            normalized.victims,
            placed,
            source_id=export.source_id,
            run_id=export.run_id,
            first_id=block_first_id,
        )


def victim_table(
    victims: pd.DataFrame, placed: Placed, *, source_id: int, run_id: int, first_id: int | None
) -> pa.Table:
    """The victims as the table's rows (VICTIM_SCHEMA), after their ids from `first_id` on
    when it is given."""
    n = len(victims)
    columns = {
        **ids_from(first_id, n),
        "source_id": np.full(n, source_id, dtype=np.int64),
        "record_key": victims["record_key"],
        **{name: victims[name] for name in EXPORT_FIELDS},
        "placement": placed.placement,
        "area_ids": integer_arrays(placed.areas),
        "first_import_id": np.full(n, run_id, dtype=np.int64),
        "last_import_id": np.full(n, run_id, dtype=np.int64),
    }
    schema = victim_schema(ids=first_id is not None)
    return pa.table([_arrow(columns[f.name], f.type) for f in schema], schema=schema)


def _arrow(values: Any, type_: pa.DataType) -> pa.Array:
    """A column as Arrow (a Categorical through its codes: no Python object per row)."""
    return pa.array(values, from_pandas=True).cast(type_)


def in_background(blocks: Iterator[Block]) -> Iterator[Block]:
    """Make the blocks in a thread while the caller uses the ones made so far."""
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
