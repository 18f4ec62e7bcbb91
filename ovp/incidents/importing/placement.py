"""Victims placed in the areas: by their point in every kind of area; in the export's own
kind, by the area code it reports where the point is missing, 0,0 or outside the city. Not
placed in a kind, a victim takes that kind's marker, so that every kind adds up to the city.

The import places each block as it goes (`Placer`); `incidents_place` places every victim
again when the areas change.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from django.db import connection, transaction
from psycopg import sql

from ovp.areas.models import Area
from ovp.areas.placement import UNPLACED, AreaIndex, area_index
from ovp.core.db import copy_arrow, integer_arrays
from ovp.incidents.importing.columns import column_of
from ovp.incidents.importing.merging import mark_days_dirty
from ovp.incidents.mapping import source_mapping
from ovp.incidents.models import NO_AREAS, IncidentSource, Placement, Victim, not_placed_marker

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
        its area code where the point is missing, at 0,0, or just outside the city's edge
        (NEAR_EDGE_DEGREES): never for a point far away, in another city, whose code may
        happen to be one of this city's."""
        lons = victims["longitude"].to_numpy(dtype=np.float64, na_value=np.nan)
        lats = victims["latitude"].to_numpy(dtype=np.float64, na_value=np.nan)
        by_kind: list[np.ndarray] = []
        how = np.full(len(victims), NONE, dtype=np.int8)
        for kind, index in self.indexes.items():
            placed = index.place(lons, lats)
            if kind == self.area_kind:
                how[placed != UNPLACED] = BY_POINT
                by_code = self._by_code(victims["reported_area_code"])
                fallback = (placed == UNPLACED) & ~np.isnan(by_code)
                fallback &= ~self._far(index, lons, lats, fallback)
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

    @staticmethod
    def _far(index: AreaIndex, lons: np.ndarray, lats: np.ndarray, among: np.ndarray) -> np.ndarray:
        """Of the rows `among`, the points that are somewhere (not missing, not 0,0) and not
        near the city (only those: a Point per row of a million-row block would cost)."""
        somewhere = among & np.isfinite(lons) & np.isfinite(lats) & ~((lons == 0) & (lats == 0))
        if index.outline is None or not somewhere.any():
            return np.zeros(len(lons), dtype=bool)
        far = somewhere.copy()
        far[somewhere] = ~index.near(lons[somewhere], lats[somewhere])
        return far

    def _by_code(self, reported: pd.Series) -> np.ndarray:
        """The id of each reported area code's area (NaN where none has it); each distinct
        code looked up once."""
        codes, distinct = pd.factorize(reported)
        ids = pd.Series(distinct, dtype=object).map(self.codes)
        return np.append(ids.to_numpy(dtype=np.float64, na_value=np.nan), np.nan)[codes]


@dataclass
class PlaceResult:
    victims: int
    moved: int


# what placing a source's victims again reads of them
_PLACED_FIELDS = [
    "id", "longitude", "latitude", "reported_area_code", "area_ids", "placement", "occurred_on",
]  # fmt: skip


def incidents_place() -> PlaceResult:
    """Place every victim again in the areas there are now (after areas were loaded or
    changed); victims whose areas change have their days aggregated again."""
    result = PlaceResult(victims=0, moved=0)
    with transaction.atomic(), connection.cursor() as wrapper:
        cursor = wrapper.cursor
        for source in IncidentSource.objects.all():
            victims = _victims_of(cursor, source)
            if victims.empty:
                continue
            placed = Placer.for_kind(source_mapping(source).area_kind).place(victims)
            before = "{" + victims["area_ids"].map(lambda ids: ",".join(map(str, ids))) + "}"
            changed = (before.to_numpy() != placed.area_ids.to_numpy()) | (
                victims["placement"].to_numpy() != np.asarray(placed.placement, dtype=object)
            )
            result.victims += len(victims)
            if changed.any():
                result.moved += int(changed.sum())
                _move(cursor, victims, placed, changed)
    return result


def _victims_of(cursor: Any, source: IncidentSource) -> pd.DataFrame:
    cursor.execute(
        sql.SQL("SELECT {} FROM {} WHERE {} = %s").format(
            sql.SQL(", ").join(sql.Identifier(column_of(Victim, f)) for f in _PLACED_FIELDS),
            sql.Identifier(Victim._meta.db_table),
            sql.Identifier(column_of(Victim, "source")),
        ),
        [source.pk],
    )
    victims = pd.DataFrame(cursor.fetchall(), columns=_PLACED_FIELDS)
    victims[["longitude", "latitude"]] = victims[["longitude", "latitude"]].astype(float)
    return victims


def _move(cursor: Any, victims: pd.DataFrame, placed: Placed, changed: np.ndarray) -> None:
    """Write the changed victims' new areas and placement, and mark their days dirty."""
    cursor.execute("DROP TABLE IF EXISTS pg_temp.placed")
    cursor.execute(
        "CREATE TEMP TABLE placed (id bigint, area_ids integer[], placement varchar(5)) "
        "ON COMMIT DROP"
    )
    rows = pa.table(
        {
            "id": pa.array(victims["id"][changed].to_numpy(dtype=np.int64)),
            "area_ids": integer_arrays(placed.areas[changed]),
            "placement": pa.array(np.asarray(placed.placement, dtype=object)[changed], pa.string()),
        }
    )
    copy_arrow(cursor, "placed", rows)
    names = {
        name: sql.Identifier(column_of(Victim, name)) for name in ("id", "area_ids", "placement")
    }
    cursor.execute(
        sql.SQL(
            "UPDATE {victim} v SET {area_ids} = p.area_ids, {placement} = p.placement "
            "FROM placed p WHERE v.{id} = p.id"
        ).format(victim=sql.Identifier(Victim._meta.db_table), **names)
    )
    mark_days_dirty(cursor, sorted(set(victims["occurred_on"][changed])))
