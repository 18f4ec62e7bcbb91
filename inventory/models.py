"""Every prevention program or effort in the city, funded by the office or not, and where it works;
and the office's own campaigns (`Campaign`), with their spending and counted outputs.

`ServiceArea` (which program works in which area from when to when) is the treatment table
that impact evaluation reads later; its dates matter as much as the program's own fields.
"""

import uuid
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from ovp.areas.models import Area
from stakeholders.models import ActionItem, Goal, Organisation

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ovp.accounts.models import User


class Strategy(models.TextChoices):
    STREET_OUTREACH = "street_outreach", "Street outreach (CVI)"
    VIOLENCE_INTERRUPTION = "violence_interruption", "Violence interruption (CVI)"
    HOSPITAL = "hospital", "Hospital-based violence intervention"
    GROUP_VIOLENCE = "group_violence", "Group violence intervention / focused deterrence"
    CBT = "cbt", "Cognitive behavioural therapy"
    YOUTH_EMPLOYMENT = "youth_employment", "Summer youth employment"
    PLACE_BASED = "place_based", "Place-based (greening, lighting)"
    REENTRY = "reentry", "Reentry support"
    VICTIM_SERVICES = "victim_services", "Victim services"
    POLICING = "policing", "Policing strategy"
    SCHOOL = "school", "School-based program"
    OTHER = "other", "Other"


class Tier(models.TextChoices):
    PREVENTION = "prevention", "Prevention"
    INTERVENTION = "intervention", "Intervention"
    ENFORCEMENT = "enforcement", "Enforcement"
    REENTRY = "reentry", "Reentry"


class Evidence(models.TextChoices):
    """The rating of the program's model, as CrimeSolutions rates programs."""

    EFFECTIVE = "effective", "Effective"
    PROMISING = "promising", "Promising"
    NO_EFFECTS = "no_effects", "No effects"
    NEGATIVE = "negative", "Negative effects"
    NOT_RATED = "not_rated", "Not rated"


EVIDENCE_BASED = (Evidence.EFFECTIVE, Evidence.PROMISING)


class ProgramStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    ENDED = "ended", "Ended"


class ProgramQuerySet(models.QuerySet["Program"]):
    def active(self) -> "ProgramQuerySet":
        return self.filter(status=ProgramStatus.ACTIVE)

    def evidence_based(self) -> "ProgramQuerySet":
        return self.filter(evidence__in=EVIDENCE_BASED)

    def serving(self, area: Area, on: date | None = None) -> "ProgramQuerySet":
        """Programs working in the area on a day (today unless given)."""
        return self.filter(
            pk__in=ServiceArea.objects.current(on or date.today())
            .filter(area=area)
            .values("program")
        )

    def listed_publicly(self) -> "ProgramQuerySet":
        """Active programs that opted in to the public directory."""
        return self.active().filter(listed_publicly=True)

    def run_by(self, organisation: Organisation) -> "ProgramQuerySet":
        """Programs the organisation leads or is a partner in."""
        return self.filter(Q(lead_organisation=organisation) | Q(partners=organisation)).distinct()


class Program(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    lead_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="programs_led"
    )
    partners = models.ManyToManyField(Organisation, blank=True, related_name="programs_partnered")
    description = models.TextField(blank=True)
    strategy = models.CharField(max_length=32, choices=Strategy.choices)
    tier = models.CharField(max_length=16, choices=Tier.choices)
    model_name = models.CharField(
        max_length=120, blank=True, help_text="The model it follows, e.g. Cure Violence."
    )
    evidence = models.CharField(
        "evidence rating", max_length=16, choices=Evidence.choices, default=Evidence.NOT_RATED
    )
    evidence_source = models.CharField(
        max_length=300,
        blank=True,
        help_text="Where the rating comes from (e.g. a CrimeSolutions page).",
    )
    population_ages = models.CharField(
        "ages served", max_length=40, blank=True, help_text="e.g. 14-24"
    )
    risk_group = models.CharField(
        max_length=200, blank=True, help_text="e.g. young men at highest risk of shooting"
    )
    formal = models.BooleanField(
        default=True, help_text="Untick for informal efforts (e.g. a congregation's night walks)."
    )
    funded_by_office = models.BooleanField(default=False)
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="People it can serve in a year."
    )
    annual_budget = models.DecimalField(max_digits=12, decimal_places=0, null=True, blank=True)
    funding_sources = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        max_length=16, choices=ProgramStatus.choices, default=ProgramStatus.ACTIVE
    )
    # the public program directory (/public/programs/) lists a program only when it opts in
    listed_publicly = models.BooleanField(
        "listed in the public directory",
        default=False,
        help_text="Show this program on the public directory, with its public summary, "
        "eligibility, ages, areas and the lead organisation's public contact.",
    )
    public_summary = models.TextField(
        blank=True,
        help_text="What the program offers, in plain words for residents. Shown to the public.",
    )
    eligibility = models.TextField(
        blank=True,
        help_text="Who can take part and how to join, in plain words. Shown to the public.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[partners])
    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["lead_organisation", "name"], name="program_unique_name_per_lead"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_evidence_based(self) -> bool:
        return self.evidence in EVIDENCE_BASED


class ServiceAreaQuerySet(models.QuerySet["ServiceArea"]):
    def current(self, on: date) -> "ServiceAreaQuerySet":
        """Service areas in force on a day, of programs that are active."""
        return self.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=on),
            started_on__lte=on,
            program__status=ProgramStatus.ACTIVE,
        )


class ServiceArea(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="service_areas")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="service_areas")
    started_on = models.DateField("serving since")
    ended_on = models.DateField("until", null=True, blank=True, help_text="Blank while it goes on.")

    history = HistoricalRecords()
    objects = ServiceAreaQuerySet.as_manager()

    class Meta:
        ordering = ["area__kind", "area__code", "started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "area", "started_on"], name="service_area_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="service_area_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        until = f" until {self.ended_on}" if self.ended_on else ""
        return f"{self.area.name} since {self.started_on}{until}"

    def state_on(self, day: date) -> str:
        if self.started_on > day:
            return "Not yet"
        if self.ended_on is not None and self.ended_on < day:
            return "Ended"
        return "Serving"

    def clean(self) -> None:
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": "The end date is before the start date."})


class ProposalStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the office"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Not approved"


class ProposalQuerySet(models.QuerySet["ProgramUpdateProposal"]):
    def pending(self) -> "ProposalQuerySet":
        return self.filter(status=ProposalStatus.PENDING)


class ProgramUpdateProposal(models.Model):
    """An organisation's proposed change to its own program; it applies once staff approve."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="proposals")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changes = models.JSONField(help_text="Field name to proposed value, as the form cleaned it.")
    note = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Update to {self.program} ({self.get_status_display()})"


# ------------------------------------------------------------------------- resource library


class Audience(models.TextChoices):
    """Who may see a resource: each audience but the office's also sees public ones."""

    OFFICE = "office", "Office staff only"
    BOARD = "board", "Advisory board"
    GRANTEES = "grantees", "Grantees"
    PUBLIC = "public", "Public"


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Spanish"
    CHINESE = "zh", "Chinese"
    VIETNAMESE = "vi", "Vietnamese"
    HAITIAN_CREOLE = "ht", "Haitian Creole"
    ARABIC = "ar", "Arabic"
    FRENCH = "fr", "French"
    PORTUGUESE = "pt", "Portuguese"


class ResourceQuerySet(models.QuerySet["Resource"]):
    def published(self) -> "ResourceQuerySet":
        return self.filter(retired_at__isnull=True)

    def for_audiences(self, audiences: "tuple[str, ...]") -> "ResourceQuerySet":
        return self.published().filter(audience__in=audiences)

    def visible_to(self, user: "User | AnonymousUser | None") -> "ResourceQuerySet":
        """The resources a user may open: staff every one (retired too); a grantee those for
        grantees and the public; a board member those for the board and the public; anyone
        else (anonymous included) the public ones. Retired ones only to staff."""
        from inventory.permissions import resource_audiences

        audiences = resource_audiences(user)
        if audiences is None:
            return self.all()
        return self.for_audiences(audiences)

    def with_current_version(self) -> "ResourceQuerySet":
        """With each resource's versions, newest first, in one more query (`current`)."""
        return self.prefetch_related(
            models.Prefetch("versions", queryset=ResourceVersion.objects.order_by("-number"))
        )


class Resource(models.Model):
    """A toolkit, guide, flyer or link the office publishes to an audience. Its file or link
    lives in its versions: a new file adds a version and keeps the old ones."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text="A sentence or two: what it is for.")
    strategy = models.CharField(
        max_length=32, choices=Strategy.choices, blank=True, help_text="Empty: any strategy."
    )
    topics = ArrayField(
        models.CharField(max_length=40),
        blank=True,
        default=list,
        help_text="Tags, e.g. data collection, safe storage.",
    )
    language = models.CharField(max_length=8, choices=Language.choices, default=Language.ENGLISH)
    audience = models.CharField(max_length=16, choices=Audience.choices)
    retired_at = models.DateTimeField(
        null=True, blank=True, help_text="Retired resources are shown to staff only."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        indexes = [GinIndex(fields=["topics"], name="resource_topics_gin")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    @property
    def current(self) -> "ResourceVersion | None":
        """The latest version (from `with_current_version`'s prefetch when there is one)."""
        versions = list(self.versions.all()) if self._versions_prefetched else None
        if versions is not None:
            return max(versions, key=lambda version: version.number, default=None)
        return self.versions.order_by("-number").first()

    @property
    def _versions_prefetched(self) -> bool:
        return "versions" in getattr(self, "_prefetched_objects_cache", {})


def _resource_path(instance: "ResourceVersion", filename: str) -> str:
    # a folder of its own per version: two versions of one name never overwrite each other
    return f"inventory/resources/{instance.resource.uuid}/{uuid.uuid4().hex}/{filename}"


LINK_SCHEMES = ["http", "https"]


class ResourceVersion(models.Model):
    """One file (or link) of a resource. Versions are numbered 1, 2, ...; the highest is the
    current one."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=_resource_path, max_length=255, blank=True)
    url = models.URLField(
        "link", max_length=500, blank=True, validators=[URLValidator(schemes=LINK_SCHEMES)]
    )
    filename = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    note = models.CharField(max_length=300, blank=True, help_text="What changed in this version.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["resource", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="resource_version_once"),
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="resource_version_file_or_link",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource} (version {self.number})"

    @property
    def is_link(self) -> bool:
        return bool(self.url)


# -- The office's own campaigns ----------------------------------------------------------------


class CampaignKind(models.TextChoices):
    SURGE = "surge", "Seasonal surge (e.g. a summer surge)"
    SAFE_STORAGE = "safe_storage", "Safe storage"
    AWARENESS = "awareness", "Public awareness"
    BUYBACK = "buyback", "Gun buyback"
    PEACEKEEPING = "peacekeeping", "Peacekeeping week"
    OTHER = "other", "Other"


class OutputKind(models.TextChoices):
    """What a campaign produced, counted: never who (no personal data)."""

    EVENTS = "events", "Events held"
    PEOPLE_REACHED = "people_reached", "People reached"
    LOCKS = "locks", "Safe-storage locks distributed"
    KITS = "kits", "Kits distributed"
    GUNS = "guns", "Guns collected"
    MATERIALS = "materials", "Materials distributed"
    VOLUNTEER_HOURS = "volunteer_hours", "Volunteer hours"
    OTHER = "other", "Other"


class CampaignStatus(models.TextChoices):
    UPCOMING = "upcoming", "Upcoming"
    CURRENT = "current", "Running"
    ENDED = "ended", "Ended"


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def running_on(self, day: date) -> "CampaignQuerySet":
        """Campaigns under way on a day (a long-term one, without an end, goes on)."""
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day), started_on__lte=day)

    def upcoming(self, day: date) -> "CampaignQuerySet":
        return self.filter(started_on__gt=day)

    def ended(self, day: date) -> "CampaignQuerySet":
        return self.filter(ended_on__lt=day)

    def overlapping(self, begin: date, end: date) -> "CampaignQuerySet":
        """Campaigns under way on at least one day from `begin` to `end`."""
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=begin), started_on__lte=end)

    def covering(self, area: Area) -> "CampaignQuerySet":
        """Campaigns in the area: the whole city's, and those that list it."""
        return self.filter(Q(covers_whole_city=True) | Q(areas=area)).distinct()


class Campaign(models.Model):
    """An effort the office leads itself, for a season or for good: a summer surge, a
    safe-storage drive, a gun buyback day. It covers the whole city or listed areas (of one
    kind), which, with its dates, is what an impact evaluation treats."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=16, choices=CampaignKind.choices)
    description = models.TextField(blank=True)
    strategy = models.CharField(
        max_length=32,
        choices=Strategy.choices,
        blank=True,
        help_text="The prevention strategy it follows, if one of the inventory's.",
    )
    started_on = models.DateField("starts on")
    ended_on = models.DateField(
        "ends on", null=True, blank=True, help_text="Blank for a long-term campaign."
    )
    covers_whole_city = models.BooleanField(
        "covers the whole city",
        default=False,
        help_text="Otherwise list the areas it covers.",
    )
    areas = models.ManyToManyField(Area, blank=True, related_name="campaigns")
    budget = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text="In dollars; spending is logged against it.",
    )
    partners = models.ManyToManyField(Organisation, blank=True, related_name="campaigns")
    goals = models.ManyToManyField(Goal, blank=True, related_name="campaigns")
    action_items = models.ManyToManyField(ActionItem, blank=True, related_name="campaigns")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[areas, partners])
    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="campaign_ends_after_start",
                violation_error_message="The campaign cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(budget__gte=0),
                name="campaign_budget_not_negative",
                violation_error_message="The budget cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": "The campaign cannot end before it starts."})

    def status_on(self, day: date) -> str:
        if self.started_on > day:
            return CampaignStatus.UPCOMING
        if self.ended_on is not None and self.ended_on < day:
            return CampaignStatus.ENDED
        return CampaignStatus.CURRENT

    def status_label_on(self, day: date) -> str:
        return str(CampaignStatus(self.status_on(day)).label)

    def holds(self, day: date) -> bool:
        """Whether a day falls within the campaign's dates."""
        return self.started_on <= day and (self.ended_on is None or day <= self.ended_on)

    @property
    def dates_text(self) -> str:
        if self.ended_on is None:
            return f"from {self.started_on:%-d %b %Y}, long-term"
        if self.ended_on == self.started_on:
            return f"{self.started_on:%-d %b %Y}"
        return f"{self.started_on:%-d %b %Y} to {self.ended_on:%-d %b %Y}"


class CampaignSpending(models.Model):
    """Money spent on a campaign; its sum is set against the budget (going over is shown,
    not refused: the office learns of it after the fact)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="spending")
    spent_on = models.DateField("date")
    amount = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    description = models.CharField("what for", max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-spent_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="campaign_spending_positive",
                violation_error_message="An amount spent is more than 0.",
            )
        ]

    def __str__(self) -> str:
        return f"${self.amount:,.2f} on {self.spent_on}: {self.description}"


class CampaignOutput(models.Model):
    """A count of what a campaign produced on a day: events held, locks given out, guns
    collected. Counts only: no one's name or address."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="outputs")
    on = models.DateField("date")
    kind = models.CharField("what", max_length=20, choices=OutputKind.choices)
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    note = models.CharField(
        max_length=300, blank=True, help_text="e.g. where; never a person's name."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="campaign_output_positive",
                violation_error_message="A quantity is 1 or more.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity} {self.get_kind_display().lower()} on {self.on}"
