"""Every prevention program or effort in the city, funded by the office or not, and where it works.

`ServiceArea` (which program works in which area from when to when) is the treatment table
that impact evaluation reads later; its dates matter as much as the program's own fields.
"""

import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from ovp.areas.models import Area
from stakeholders.models import Organisation


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
