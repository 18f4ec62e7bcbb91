"""The victims' columns the import writes, named by the model's fields.

What the export says of a victim (`EXPORT_FIELDS`: a change in these is a change) is kept
apart from where the import placed it (`PLACEMENT_FIELDS`: ours, following the areas, redone by
`incidents_place` when they change); a version before a change keeps both
(`AUDITED_FIELDS`). The rows go to Postgres in its binary format, their columns in the order
of `VICTIM_SCHEMA`.
"""

import pyarrow as pa
from django.db import models

from ovp.incidents.models import Victim

EXPORT_FIELDS = [
    "incident_key", "first_of_incident", "occurred_on", "hour", "fatal", "age_band", "sex",
    "race", "latitude", "longitude", "reported_area_code",
]  # fmt: skip
PLACEMENT_FIELDS = ["placement", "area_ids"]
AUDITED_FIELDS = [*EXPORT_FIELDS, *PLACEMENT_FIELDS]
# every field an import sends, in the order of VICTIM_SCHEMA
IMPORTED_FIELDS = [
    "source", "record_key", *EXPORT_FIELDS, *PLACEMENT_FIELDS, "first_import", "last_import",
]  # fmt: skip


def column_of(model: type[models.Model], name: str) -> str:
    """The database column of a model's field (a foreign key's ends in _id)."""
    found = model._meta.get_field(name)
    assert isinstance(found, models.Field) and found.column
    return found.column


def victim_columns(names: list[str]) -> list[str]:
    return [column_of(Victim, name) for name in names]


# the columns the import sends, with their Arrow types (for a binary COPY): their names are
# checked against the model's (tests/incidents/test_import.py)
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
VICTIM_COLUMNS = victim_columns(IMPORTED_FIELDS)


def victim_schema(*, ids: bool) -> pa.Schema:
    """VICTIM_SCHEMA, after an id column when the rows are given their ids."""
    return VICTIM_SCHEMA.insert(0, pa.field("id", pa.int64())) if ids else VICTIM_SCHEMA
