"""The grant cycle: fund -> funding round -> application -> review -> decision -> allocation
-> award -> disbursements in tranches -> quarterly reports -> close-out.

Money is `Decimal` in `DecimalField(max_digits=14, decimal_places=2)` everywhere; totals are
sums of those fields in the database, never floats.
"""

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.models import HistoricalRecords

from inventory.models import Program, Strategy
from ovp.areas.models import Area
from stakeholders.models import Organisation

if TYPE_CHECKING:
    from ovp.accounts.models import User

ZERO = Decimal("0.00")


def Money(verbose_name: str | None = None, **kwargs: Any) -> models.DecimalField:
    """A sum of dollars and cents, never negative."""
    kwargs.setdefault("validators", [MinValueValidator(ZERO)])
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)


def total(queryset: models.QuerySet, field: str) -> Decimal:
    """The sum of a money field over a queryset, 0.00 when empty."""
    return queryset.aggregate(total=Coalesce(Sum(field), ZERO, output_field=models.DecimalField()))[
        "total"
    ]


# ---------------------------------------------------------------------------- funds, rounds


class Fund(models.Model):
    """Money the office can grant: a budget appropriation or an outside grant."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    source = models.CharField(max_length=200, help_text="E.g. City general fund, State CVI grant.")
    total_budget = Money()
    first_fiscal_year = models.PositiveSmallIntegerField()
    last_fiscal_year = models.PositiveSmallIntegerField()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-last_fiscal_year", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (
            self.first_fiscal_year
            and self.last_fiscal_year
            and self.last_fiscal_year < self.first_fiscal_year
        ):
            raise ValidationError({"last_fiscal_year": "The last year is before the first."})

    @property
    def obligated(self) -> Decimal:
        """Committed to awards: their amounts, less what close-outs gave back."""
        awards = Award.objects.filter(fund=self)
        return total(awards, "amount") - total(awards, "deobligated")

    @property
    def disbursed(self) -> Decimal:
        return total(Tranche.objects.filter(award__fund=self, released_at__isnull=False), "amount")

    @property
    def available(self) -> Decimal:
        return self.total_budget - self.obligated


class RoundQuerySet(models.QuerySet["FundingRound"]):
    def open_on(self, moment: Any) -> "RoundQuerySet":
        return self.filter(opens_at__lte=moment, closes_at__gt=moment)


class FundingRound(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    budget = Money(help_text="What this round may award, from the fund.")
    priority_areas = models.ManyToManyField(Area, blank=True, related_name="+")
    priority_strategies = models.JSONField(
        default=list, blank=True, help_text="Strategy codes (inventory.Strategy) the round favours."
    )
    eligibility = models.TextField(blank=True)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField(help_text="The deadline: applications submit before it.")
    max_award = Money(null=True, blank=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-closes_at"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": "The round must close after it opens."})
        unknown = set(self.priority_strategies or []) - set(Strategy.values)
        if unknown:
            raise ValidationError({"priority_strategies": f"Unknown strategies: {unknown}"})

    def is_open(self, moment: Any = None) -> bool:
        moment = moment or timezone.now()
        return bool(self.opens_at <= moment < self.closes_at)


class Criterion(models.Model):
    """One line of a round's rubric: scored 0 to `max_score`, counting `weight` in the total."""

    funding_round = models.ForeignKey(
        FundingRound, on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    weight = models.PositiveSmallIntegerField(default=1)
    max_score = models.PositiveSmallIntegerField(default=5)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["funding_round", "name"], name="criterion_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


# ------------------------------------------------------------------------------ applications


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    INFO_REQUESTED = "info_requested", "More information requested"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ApplicationQuerySet(models.QuerySet["Application"]):
    def for_organisations_of(self, user: "User") -> "ApplicationQuerySet":
        return self.filter(organisation__members=user)

    def submitted(self) -> "ApplicationQuerySet":
        return self.exclude(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN])


class Application(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    funding_round = models.ForeignKey(
        FundingRound, on_delete=models.PROTECT, related_name="applications"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="applications"
    )
    program = models.ForeignKey(
        Program,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
        help_text="The program in the inventory this application would fund, if it exists.",
    )
    title = models.CharField(max_length=200)
    summary = models.TextField(help_text="What you will do, for whom, and how.")
    strategy = models.CharField(max_length=32, choices=Strategy.choices)
    areas = models.ManyToManyField(Area, blank=True, related_name="+")
    requested_amount = Money()
    status = models.CharField(
        max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField(blank=True)
    approved_amount = Money(null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.title} ({self.organisation})"

    @property
    def is_editable(self) -> bool:
        """The organisation may still change it: a draft, or returned for more information."""
        return self.status in (ApplicationStatus.DRAFT, ApplicationStatus.INFO_REQUESTED)


class DocumentKind(models.TextChoices):
    BUDGET = "budget", "Budget"
    NARRATIVE = "narrative", "Narrative"
    LETTER = "letter", "Letter of support"
    EVIDENCE = "evidence", "Evidence or evaluation"
    OTHER = "other", "Other"


def _document_path(instance: "ApplicationDocument", filename: str) -> str:
    return f"grants/applications/{instance.application.uuid}/{uuid.uuid4().hex}/{filename}"


class ApplicationDocument(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    # the path alone (grants/applications/<uuid>/<hex>/) takes 91 characters
    file = models.FileField(upload_to=_document_path, max_length=255)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.name


class ApplicationMessage(models.Model):
    """A message between the office and the applicant, kept with the application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_office = models.BooleanField()
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Message on {self.application}"


# ------------------------------------------------------------------------------------ review


class ReviewAssignment(models.Model):
    """A reviewer (office staff or a board member) asked to score one application. The
    reviewer declares first whether they have a conflict of interest; a conflicted reviewer
    cannot score."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    has_conflict = models.BooleanField(
        null=True, blank=True, help_text="Empty until the reviewer declares."
    )
    conflict_note = models.TextField(blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assigned_at"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="one_assignment_each")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.application}"

    @property
    def may_score(self) -> bool:
        return self.has_conflict is False


class Score(models.Model):
    assignment = models.ForeignKey(
        ReviewAssignment, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="one_score_each")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"

    def clean(self) -> None:
        if self.criterion_id and self.score is not None and self.score > self.criterion.max_score:
            raise ValidationError(
                {"score": f"The highest score for {self.criterion} is {self.criterion.max_score}."}
            )


# -------------------------------------------------------------------------------- allocation


class Allocation(models.Model):
    """The amounts a round gives each approved application: proposed by the workbench,
    adjusted by staff, recorded with who decided."""

    funding_round = models.OneToOneField(
        FundingRound, on_delete=models.CASCADE, related_name="allocation"
    )
    method = models.TextField(help_text="How the proposal was computed, as shown on the page.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Allocation of {self.funding_round}"

    @property
    def total(self) -> Decimal:
        return total(self.lines.all(), "final_amount")


class AllocationLine(models.Model):
    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="lines")
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="allocation_line"
    )
    proposed_amount = Money()
    final_amount = Money()

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.application}: {self.final_amount}"


# ------------------------------------------------------------------------------ awards, money


class AwardStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed out"


class AwardQuerySet(models.QuerySet["Award"]):
    def for_organisations_of(self, user: "User") -> "AwardQuerySet":
        return self.filter(organisation__members=user)


class Award(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.OneToOneField(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="award"
    )
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="awards")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="awards")
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.PROTECT, related_name="awards"
    )
    title = models.CharField(max_length=200)
    amount = Money()
    starts_on = models.DateField()
    ends_on = models.DateField()
    conditions = models.TextField(blank=True)
    areas = models.ManyToManyField(Area, blank=True, related_name="+")
    status = models.CharField(max_length=8, choices=AwardStatus.choices, default=AwardStatus.ACTIVE)
    deobligated = Money(
        default=ZERO,
        help_text="Money given back to the fund at close-out: what was never released.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AwardQuerySet.as_manager()
    # every change, with who made it and when; an administrator can restore an earlier version
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "title"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The award ends before it starts."})

    @property
    def obligated(self) -> Decimal:
        """What the award holds of its fund: its amount, less what close-out gave back."""
        return self.amount - self.deobligated

    @property
    def paid(self) -> Decimal:
        return total(self.tranches.filter(released_at__isnull=False), "amount")

    @property
    def remaining(self) -> Decimal:
        return self.obligated - self.paid


class BudgetLine(models.Model):
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="budget_lines")
    name = models.CharField(max_length=120, help_text="E.g. Outreach workers' salaries.")
    amount = Money()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["award", "name"], name="budget_line_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Tranche(models.Model):
    """One disbursement of an award. With `requires_report`, it is released only once that
    quarterly report is approved."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="tranches")
    number = models.PositiveSmallIntegerField()
    amount = Money()
    planned_on = models.DateField()
    requires_report = models.ForeignKey(
        "QuarterlyReport",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tranches_waiting",
    )
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["award", "number"]
        constraints = [
            models.UniqueConstraint(fields=["award", "number"], name="tranche_unique_number")
        ]

    def __str__(self) -> str:
        return f"Tranche {self.number} of {self.award}"

    @property
    def is_released(self) -> bool:
        return self.released_at is not None


# ---------------------------------------------------------------------------- quarterly reports


class ReportStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned for revision"
    APPROVED = "approved", "Approved"


class ReportQuerySet(models.QuerySet["QuarterlyReport"]):
    def for_organisations_of(self, user: "User") -> "ReportQuerySet":
        return self.filter(award__organisation__members=user)

    def awaiting_grantee(self) -> "ReportQuerySet":
        return self.filter(
            status__in=[ReportStatus.NOT_STARTED, ReportStatus.DRAFT, ReportStatus.RETURNED]
        )

    def overdue(self, today: date) -> "ReportQuerySet":
        return self.awaiting_grantee().filter(due_on__lt=today)

    def due_soon(self, today: date, days: int = 14) -> "ReportQuerySet":
        return self.awaiting_grantee().filter(
            due_on__gte=today, due_on__lte=today + timedelta(days=days)
        )


# the most any metric of one quarterly report may count: far above what a program reaches in
# a quarter, and small enough that program data (ProgramQuarter) always holds the sums
METRIC_MAX = 1_000_000
# the typed metrics of a quarterly report: (field name, label); all whole counts
REPORT_METRICS: list[tuple[str, str]] = [
    ("participants_enrolled", "Participants enrolled"),
    ("participants_active", "Participants active"),
    ("outreach_contacts", "Outreach contacts"),
    ("conflicts_mediated", "Conflicts mediated"),
    ("referrals_made", "Referrals made"),
    ("referrals_completed", "Referrals completed"),
    ("participants_reinjured", "Participants re-injured"),
    ("staff_caseload", "Caseload per worker"),
]


# --------------------------------------------------------------------- metrics and targets


class Metric(models.Model):
    """A measure in the office's library: what a program counts each quarter, with the
    definition grantees read where they type the figure. The built-in ones are kept in the
    report's own columns (`column`) and roll up into ProgramQuarter's; the others are
    ReportFigure rows. `strategy` groups the library (blank: for any strategy)."""

    slug = models.SlugField(max_length=60, unique=True, allow_unicode=True)
    name = models.CharField(max_length=120, unique=True)
    definition = models.TextField(
        help_text="What counts and what does not: shown to grantees beside the figure."
    )
    unit = models.CharField(max_length=40, help_text="What is counted, e.g. people, contacts.")
    strategy = models.CharField(
        max_length=32, choices=Strategy.choices, blank=True, help_text="Empty: any strategy."
    )
    column = models.CharField(
        max_length=40,
        blank=True,
        choices=[(name, label) for name, label in REPORT_METRICS],
        editable=False,
        help_text="The report's own column, for the built-in metrics.",
    )
    guidance = models.ForeignKey(
        "inventory.Resource",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="guided_metrics",
        help_text="How to collect it: a resource of the library, linked beside the definition "
        "for those who may see it.",
    )

    class Meta:
        ordering = ["strategy", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def field(self) -> str:
        """The report form's field for it."""
        return self.column or f"metric_{self.slug}"


class RoundMetric(models.Model):
    """A metric a funding round's awards report each quarter, and the values it allows: by
    the awards of one strategy (a hospital program counts bedside contacts, a summer jobs
    program does not), or by every award of the round (`strategy` empty)."""

    funding_round = models.ForeignKey(
        FundingRound, on_delete=models.CASCADE, related_name="metrics"
    )
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="+")
    strategy = models.CharField(
        max_length=32,
        choices=Strategy.choices,
        blank=True,
        help_text="Reported by the round's awards of this strategy; empty: by all of them.",
    )
    required = models.BooleanField(default=True, help_text="Needed to submit a report.")
    minimum = models.PositiveIntegerField(default=0)
    maximum = models.PositiveIntegerField(default=METRIC_MAX)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["funding_round", "metric", "strategy"], name="round_metric_once"
            ),
            models.CheckConstraint(
                condition=models.Q(minimum__lte=models.F("maximum"), maximum__lte=METRIC_MAX),
                name="round_metric_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric} in {self.funding_round}"


class TargetPeriod(models.TextChoices):
    QUARTER = "quarter", "Each quarter"
    AWARD = "award", "The whole award"


class AwardTarget(models.Model):
    """What an award is to reach on one metric: each quarter, or over the whole award."""

    award = models.ForeignKey("Award", on_delete=models.CASCADE, related_name="targets")
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=8, choices=TargetPeriod.choices)
    value = models.PositiveIntegerField(validators=[MinValueValidator(1)])

    history = HistoricalRecords()

    class Meta:
        ordering = ["award", "metric__name"]
        constraints = [
            models.UniqueConstraint(fields=["award", "metric"], name="award_target_once"),
            models.CheckConstraint(condition=models.Q(value__gte=1), name="award_target_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.metric}: {self.value} ({self.get_period_display().lower()})"


class QuarterlyReport(models.Model):
    """A grantee's report on one quarter of an award: typed counts (never names of
    participants), spending by budget line, narrative. Submitting locks it; staff approve or
    return it; every submitted version is kept in `ReportVersion`."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="reports")
    period_start = models.DateField()
    period_end = models.DateField()
    due_on = models.DateField()
    status = models.CharField(
        max_length=16, choices=ReportStatus.choices, default=ReportStatus.NOT_STARTED
    )
    participants_enrolled = models.PositiveIntegerField(null=True, blank=True)
    participants_active = models.PositiveIntegerField(null=True, blank=True)
    outreach_contacts = models.PositiveIntegerField(null=True, blank=True)
    conflicts_mediated = models.PositiveIntegerField(null=True, blank=True)
    referrals_made = models.PositiveIntegerField(null=True, blank=True)
    referrals_completed = models.PositiveIntegerField(null=True, blank=True)
    participants_reinjured = models.PositiveIntegerField(null=True, blank=True)
    staff_caseload = models.PositiveIntegerField(null=True, blank=True)
    narrative = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_comment = models.TextField(blank=True)
    reminded_on = models.DateField(
        null=True, blank=True, help_text="The last day a reminder went out (one a day at most)."
    )

    objects = ReportQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["award", "period_start"]
        constraints = [
            models.UniqueConstraint(fields=["award", "period_start"], name="one_report_a_quarter")
        ]

    def __str__(self) -> str:
        return f"{self.award}: {self.quarter_label}"

    @property
    def quarter_label(self) -> str:
        return f"Q{(self.period_start.month - 1) // 3 + 1} {self.period_start.year}"

    @property
    def is_editable(self) -> bool:
        return self.status in (ReportStatus.NOT_STARTED, ReportStatus.DRAFT, ReportStatus.RETURNED)

    def is_late(self, today: date) -> bool:
        return self.is_editable and self.due_on < today

    @property
    def opens_on(self) -> date:
        """The first day the report can be submitted: the day after its quarter ends."""
        return self.period_end + timedelta(days=1)

    def is_open(self, today: date) -> bool:
        """Its quarter is over, so it can be submitted (drafts may be saved before)."""
        return today >= self.opens_on


class ReportFigure(models.Model):
    """A report's figure for a metric of its round that has no column of its own."""

    report = models.ForeignKey(QuarterlyReport, on_delete=models.CASCADE, related_name="figures")
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveIntegerField()

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "metric"], name="report_figure_once")
        ]

    def __str__(self) -> str:
        return f"{self.metric}: {self.value}"


class Spending(models.Model):
    """Funds spent in a report's quarter on one budget line."""

    report = models.ForeignKey(QuarterlyReport, on_delete=models.CASCADE, related_name="spending")
    budget_line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="spending")
    amount = Money()

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "budget_line"], name="one_spending_a_line")
        ]

    def __str__(self) -> str:
        return f"{self.budget_line}: {self.amount}"


def _attachment_path(instance: "ReportAttachment", filename: str) -> str:
    return f"grants/reports/{instance.report.uuid}/{uuid.uuid4().hex}/{filename}"


class ReportAttachment(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(
        QuarterlyReport, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=_attachment_path, max_length=255)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class ReportVersion(models.Model):
    """A submitted version of a report, kept as it was: metrics, spending and narrative."""

    report = models.ForeignKey(QuarterlyReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    content = models.JSONField()
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=16, choices=ReportStatus.choices, blank=True)
    review_comment = models.TextField(blank=True)
    attachments = models.ManyToManyField(
        ReportAttachment,
        blank=True,
        related_name="versions",
        help_text="The files this version was submitted with; kept while any version has them.",
    )

    class Meta:
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"


class ProgramQuarter(models.Model):
    """Approved reports' metrics per area and quarter, rebuilt nightly: the program data
    dashboards and evaluation read. An award serving several areas has its counts shared
    evenly between them (so they still add up to the report's), hence decimals. Twelve
    digits before the point: far more than METRIC_MAX, so no approved report can make the
    rebuild overflow."""

    quarter_start = models.DateField()
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    strategy = models.CharField(max_length=32, choices=Strategy.choices)
    participants_enrolled = models.DecimalField(max_digits=16, decimal_places=4, default=0)
    participants_active = models.DecimalField(max_digits=16, decimal_places=4, default=0)
    outreach_contacts = models.DecimalField(max_digits=16, decimal_places=4, default=0)
    conflicts_mediated = models.DecimalField(max_digits=16, decimal_places=4, default=0)
    referrals_made = models.DecimalField(max_digits=16, decimal_places=4, default=0)
    referrals_completed = models.DecimalField(max_digits=16, decimal_places=4, default=0)
    participants_reinjured = models.DecimalField(max_digits=16, decimal_places=4, default=0)
    funds_spent = models.DecimalField(max_digits=16, decimal_places=4, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["quarter_start", "area", "award"], name="program_quarter_unique"
            )
        ]
        indexes = [models.Index(fields=["area", "quarter_start"], name="programquarter_area")]

    def __str__(self) -> str:
        return f"{self.award} in {self.area} from {self.quarter_start}"


class MetricQuarter(models.Model):
    """Approved reports' figures per award, metric and quarter, rebuilt nightly with
    ProgramQuarter: what the performance page sets against the award's targets."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="+")
    quarter_start = models.DateField()
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="+")
    actual = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["award", "quarter_start", "metric"], name="metric_quarter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric} of {self.award} from {self.quarter_start}: {self.actual}"
