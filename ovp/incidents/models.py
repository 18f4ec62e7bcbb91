"""The city's shooting data (a row per victim) and the aggregates dashboards read.

Victims come from imports of the city's exports (`services.incidents_import`); dashboards
never read them per request, only the aggregates that `services.incidents_aggregate` builds.
"""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from ovp.areas.models import AreaKind
from ovp.core.fetch import validate_public_url


class AgeBand(models.TextChoices):
    UNDER_18 = "<18", "Under 18"
    AGE_18_24 = "18-24", "18 to 24"
    AGE_25_44 = "25-44", "25 to 44"
    AGE_45_64 = "45-64", "45 to 64"
    AGE_65_PLUS = "65+", "65 and over"
    UNKNOWN = "unknown", "Unknown"


class Sex(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    UNKNOWN = "unknown", "Unknown"


class Race(models.TextChoices):
    BLACK = "black", "Black"
    HISPANIC = "hispanic", "Hispanic/Latino"
    WHITE = "white", "White"
    ASIAN_PACIFIC = "asian_pacific", "Asian/Pacific Islander"
    NATIVE = "native", "American Indian/Alaska Native"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


# A victim's `area_ids` holds, for each kind of area there was when it was imported, the id
# of its area, or that kind's "not placed" marker (a negative number); NO_AREAS when the city
# had no areas at all. So every kind's rows add up to the city total.
NO_AREAS = -99


def not_placed_marker(kind: str) -> int:
    return -1 - AreaKind.values.index(kind)


def kind_of_marker(marker: int) -> str:
    """The kind a not-placed marker stands for; "" for one of no kind there is now."""
    index = -1 - marker
    return AreaKind.values[index] if 0 <= index < len(AreaKind.values) else ""


class Placement(models.TextChoices):
    POINT = "point", "By coordinates"
    CODE = "code", "By the export's area code"
    NONE = "none", "Not placed"


class IncidentSource(models.Model):
    """One export of one city: a preset or a mapping, and optionally a URL pulled nightly."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.SlugField(max_length=64, unique=True)
    preset = models.CharField(max_length=32, blank=True)
    mapping = models.JSONField(null=True, blank=True, help_text="Column mapping, when no preset.")
    url = models.URLField(
        blank=True,
        validators=[validate_public_url],
        help_text="The open-data export, pulled nightly when set (public addresses only).",
    )
    pull_nightly = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class ImportRun(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.ForeignKey(IncidentSource, on_delete=models.PROTECT, related_name="imports")
    file_name = models.CharField(max_length=500)
    status = models.CharField(
        max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    progress_note = models.CharField(max_length=200, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    rejected_report = models.TextField(blank=True, help_text="CSV: line, key, reason.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source} {self.file_name} ({self.status})"

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class VictimQuerySet(models.QuerySet["Victim"]):
    def current(self) -> "VictimQuerySet":
        """Victims in the latest export of their source (removed ones are kept for audit)."""
        return self.filter(removed_at__isnull=True)


class Victim(models.Model):
    """One person shot. No names or addresses: only what the city's open data publishes.

    Written in bulk by COPY, so references to the source and import are plain columns
    without per-row foreign-key triggers; `record_key` is unique within a source.
    """

    source = models.ForeignKey(
        IncidentSource, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False
    )
    # byte order: its unique index, rebuilt after each first import, sorts a fifth faster
    record_key = models.CharField(max_length=100, db_collation="C")
    incident_key = models.CharField(max_length=100)
    first_of_incident = models.BooleanField(help_text="Counts the incident once.")
    occurred_on = models.DateField()
    hour = models.SmallIntegerField(null=True)
    fatal = models.BooleanField(null=True, help_text="Empty when the export does not say.")
    age_band = models.CharField(max_length=8, choices=AgeBand.choices)
    sex = models.CharField(max_length=8, choices=Sex.choices)
    race = models.CharField(max_length=16, choices=Race.choices)
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    # NULL, not "", when the export gives no code: rows arrive by COPY, where empty is NULL
    reported_area_code = models.CharField(max_length=64, null=True)  # noqa: DJ001
    placement = models.CharField(max_length=5, choices=Placement.choices)
    area_ids = ArrayField(
        models.IntegerField(), default=list, help_text="One area (or not-placed marker) per kind."
    )
    first_import = models.ForeignKey(
        ImportRun,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    last_import = models.ForeignKey(
        ImportRun,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    removed_at = models.DateTimeField(null=True)
    removed_by = models.ForeignKey(
        ImportRun,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )

    objects = VictimQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "record_key"], name="victim_unique_source_key"
            )
        ]
        indexes = [models.Index(fields=["occurred_on"], name="victim_occurred_on")]

    def __str__(self) -> str:
        return f"victim {self.record_key} of {self.occurred_on}"


class VictimChange(models.Model):
    """What a revised export changed or removed: the values before, kept for audit."""

    class Kind(models.TextChoices):
        CHANGED = "changed", "Changed"
        REMOVED = "removed", "Removed"
        RESTORED = "restored", "Back in the export"

    import_run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="changes")
    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    previous = models.JSONField()

    class Meta:
        indexes = [models.Index(fields=["import_run", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} by import {self.import_run_id}"


class DirtyDay(models.Model):
    """A day whose victims changed since the last aggregation (incremental runs read these)."""

    day = models.DateField(primary_key=True)

    def __str__(self) -> str:
        return self.day.isoformat()


class Period(models.TextChoices):
    # the part of a week inside one month, starting on its first day: the only period stored.
    # Sums of parts give weeks, months, and exactly the days from January 1 to any Sunday.
    PART = "P", "Week within a month"


class PeriodCount(models.Model):
    """Victims and incidents per part of a week within a month, per area or citywide.

    area set: that area. area empty and area_kind empty: the whole city, placed or not.
    area empty and area_kind set: victims not placed in any area of that kind.
    """

    period = models.CharField(max_length=1, choices=Period.choices)
    period_start = models.DateField()
    area = models.ForeignKey(
        "areas.Area", null=True, on_delete=models.CASCADE, db_constraint=False, db_index=False
    )
    area_kind = models.CharField(max_length=32, blank=True)
    victims = models.IntegerField()
    fatal = models.IntegerField()
    nonfatal = models.IntegerField()
    incidents = models.IntegerField()

    class Meta:
        indexes = [
            # by start and area: every row is a part (a text column first would make the
            # nightly rebuild of the index several times slower, for collation)
            models.Index(fields=["period_start", "area"], name="periodcount_start"),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.period_start} area {self.area_id or self.area_kind or 'city'}"


class Breakdown(models.Model):
    """Victims in one month, per area or citywide (area empty), by age band, sex, race, hour
    and day of week: `counts` follows the layout of `aggregation.BREAKDOWN_SLOTS`."""

    month = models.DateField()
    area = models.ForeignKey(
        "areas.Area", null=True, on_delete=models.CASCADE, db_constraint=False, db_index=False
    )
    counts = ArrayField(models.IntegerField())

    class Meta:
        indexes = [models.Index(fields=["month"], name="breakdown_month")]

    def __str__(self) -> str:
        return f"breakdown of {self.month} area {self.area_id or 'city'}"


class AggregationRun(models.Model):
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    full = models.BooleanField()
    succeeded = models.BooleanField(default=False)
    days = models.IntegerField(default=0, help_text="Days recomputed.")
    rows_written = models.IntegerField(default=0)
    error = models.TextField(blank=True)
    version = models.BigIntegerField(default=0, help_text="Bumped on success; cache keys use it.")

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"aggregation of {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def seconds(self) -> float | None:
        if self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class TargetMeasure(models.TextChoices):
    HOMICIDES = "homicides", "Homicides (people killed by gunfire)"
    PEOPLE_SHOT = "people_shot", "People shot"


# the brief's path: homicides down by nearly 10% a year
DEFAULT_YEARLY_REDUCTION = 10


class ViolenceTarget(models.Model):
    """The path the city (or one area) sets itself: each year after the baseline year, the
    measure's count `yearly_reduction` percent below the year before's target."""

    measure = models.CharField(max_length=16, choices=TargetMeasure.choices)
    area = models.ForeignKey(
        "areas.Area",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Empty: the whole city.",
    )
    baseline_year = models.PositiveSmallIntegerField()
    yearly_reduction = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        default=DEFAULT_YEARLY_REDUCTION,
        help_text="Percent fewer each year than the year before's target.",
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "area"], name="target_one_per_measure_area", nulls_distinct=False
            ),
            models.CheckConstraint(
                condition=models.Q(yearly_reduction__gt=0, yearly_reduction__lt=100),
                name="target_reduction_between_0_and_100",
            ),
        ]
        ordering = ["measure", "area__kind", "area__code"]

    def __str__(self) -> str:
        where = self.area.name if self.area_id and self.area else "the whole city"
        return f"{self.get_measure_display()} in {where}, from {self.baseline_year}"

    def target_for(self, year: int, baseline_count: int) -> float | None:
        """The year's target, from the baseline year's count; None up to the baseline year."""
        if year <= self.baseline_year:
            return None
        return baseline_count * (1 - float(self.yearly_reduction) / 100) ** (
            year - self.baseline_year
        )


class PublicRelease(models.Model):
    """A quarter's release of a year's public figures, kept as it was first published: the
    public page shows it as it is from then on, and the year's later releases are worked out
    from it (their earlier months as released, new months from the data), so a revised
    export never changes a published figure, and two copies of the page never differ.
    `tables` holds, for each public table, what was published and the counts behind it
    (those are the office's: never on a public page)."""

    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField(help_text="The last month released.")
    threshold = models.PositiveSmallIntegerField()
    incidents = models.PositiveIntegerField(help_text="Incidents, the year so far.")
    # [{"slug", "labels", "codes", "area_ids", "total", "cells", "counts"}]: `cells` as
    # published (null where hidden), `counts` the months' counts behind them (the year so far
    # at each month's end, or each month's for the series)
    tables = models.JSONField()
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="public_release_one_a_month"),
        ]
        ordering = ["year", "month"]

    def __str__(self) -> str:
        return f"{self.year} to the end of month {self.month}"
