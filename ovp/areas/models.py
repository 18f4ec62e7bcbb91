"""The geography the office works in: precincts, districts, neighbourhoods..."""

import uuid

from django.db import models


class AreaKind(models.TextChoices):
    PRECINCT = "precinct", "Police precinct"
    DISTRICT = "district", "Police district"
    NEIGHBOURHOOD = "neighbourhood", "Neighbourhood"
    COUNCIL_DISTRICT = "council_district", "Council district"
    CENSUS_TRACT = "census_tract", "Census tract"
    OTHER = "other", "Other"


def normalize_area_code(code: object) -> str:
    """The same code however an export writes it: " 075 ", "75.0" and 75 are all "75"."""
    text = str(code if code is not None else "").strip()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    if text.isdigit():
        text = str(int(text))
    return text


class AreaQuerySet(models.QuerySet["Area"]):
    def of_kind(self, kind: str) -> "AreaQuerySet":
        return self.filter(kind=kind)


class Area(models.Model):
    """One area of one kind. `boundary` is a GeoJSON Polygon or MultiPolygon in WGS84
    longitude/latitude; the bounding box columns let the placement service skip
    far-away points without touching the polygon."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=32, choices=AreaKind.choices)
    code = models.CharField(max_length=64, help_text="The code the city's data uses, e.g. 75.")
    name = models.CharField(max_length=200)
    population = models.PositiveIntegerField(null=True, blank=True)
    boundary = models.JSONField()
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()
    updated_at = models.DateTimeField(auto_now=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="area_unique_kind_code"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()} {self.code})"
