"""Reading an export: where it is (a path, an upload, a URL), its header checked against the
mapping, then its rows in blocks.

The file is read by Arrow's CSV reader with every column dictionary-encoded but the keys and
coordinates: exports repeat the same dates, codes and flags thousands of times, so each
distinct value is converted once and the rows take the result by index (normalizing.py).
"""

from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pyarrow as pa
import pyarrow.csv as pacsv
from django.core.exceptions import ValidationError

from ovp.core.fetch import fetch
from ovp.incidents.mapping import Mapping

# bytes of the file checked and saved at a time: Arrow reads a quarter at a time, the first
# quarter is checked and saved alone (Postgres starts storing rows sooner) and the rest in
# fours (fewer, larger blocks cost less to check); blocks under a megabyte are read whole
BLOCK_SIZE = 16 << 20
READS_PER_BLOCK = 4
MAX_DOWNLOAD_BYTES = 2 * 1024**3


class UnreadableFile(ValidationError):
    """The file is not a CSV export the mapping can read; the message quotes the file."""


def is_url(location: str | Path | IO[bytes]) -> bool:
    return isinstance(location, str) and location.lower().startswith(("http://", "https://"))


def open_source(location: str | Path | IO[bytes]) -> str | IO[bytes]:
    """A local path, an uploaded file, or an http(s) URL of the city's export (fetched only
    from public addresses: ovp/core/fetch.py)."""
    if is_url(location):
        assert isinstance(location, str)
        return fetch(location, max_bytes=MAX_DOWNLOAD_BYTES)
    if isinstance(location, (str, Path)):
        if not Path(location).is_file():
            raise ValidationError(f"There is no file at {location}.")
        return str(location)
    return location


def check_columns(source: str | IO[bytes], mapping: Mapping) -> None:
    """A ValidationError naming the columns the mapping needs and the file lacks."""
    if hasattr(source, "seek"):
        source.seek(0)
    try:
        header = pacsv.open_csv(source, read_options=pacsv.ReadOptions(block_size=1 << 16))
        columns = header.schema.names
        header.close()
    except (pa.ArrowInvalid, OSError, UnicodeDecodeError) as error:
        raise UnreadableFile(f"The file cannot be read as CSV: {error}") from error
    missing = [name for name in mapping.columns() if name not in columns]
    if missing:
        raise UnreadableFile(
            f"The file has no column {', '.join(repr(m) for m in missing)}. "
            f"Its columns are: {', '.join(columns)}."
        )


def read_export_batches(
    source: str | IO[bytes], mapping: Mapping, *, block_size: int | None = None
) -> Iterator[pa.Table]:
    """The file in blocks of rows (each a table like `read_export`'s), so that checking and
    saving one block can overlap with reading the next."""
    check_columns(source, mapping)
    if hasattr(source, "seek"):
        source.seek(0)
    text = pa.dictionary(pa.int32(), pa.string())
    # keys and coordinates differ in nearly every row: encoding them would cost, not save
    plain = {mapping.incident_key, mapping.victim_key, mapping.latitude, mapping.longitude}
    size = block_size or BLOCK_SIZE
    reads = READS_PER_BLOCK if size >= 1 << 20 else 1
    try:
        reader = pacsv.open_csv(
            source,
            # one thread: as fast here, sooner with the first block, and the other core is
            # Postgres's, storing the blocks
            read_options=pacsv.ReadOptions(block_size=size // reads, use_threads=False),
            convert_options=pacsv.ConvertOptions(
                include_columns=mapping.columns(),
                column_types={
                    name: pa.string() if name in plain else text for name in mapping.columns()
                },
                strings_can_be_null=False,
            ),
        )
        group: list[pa.RecordBatch] = []
        for number, batch in enumerate(reader):
            group.append(batch)
            if number == 0 or len(group) == reads:
                yield pa.Table.from_batches(group).unify_dictionaries()
                group = []
        if group:
            yield pa.Table.from_batches(group).unify_dictionaries()
    except (pa.ArrowInvalid, OSError, UnicodeDecodeError) as error:
        raise UnreadableFile(f"The file cannot be read as CSV: {error}") from error


def read_export(source: str | IO[bytes], mapping: Mapping) -> pa.Table:
    """Read the columns the mapping needs, every value as text, nothing guessed."""
    batches = list(read_export_batches(source, mapping))
    if not batches:
        return pa.table(
            {
                name: pa.array([], pa.dictionary(pa.int32(), pa.string()))
                for name in mapping.columns()
            }
        )
    return pa.concat_tables(batches).unify_dictionaries()
