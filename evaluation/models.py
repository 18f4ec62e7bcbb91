"""Impact evaluations and needs assessments."""

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from inventory.models import Campaign, Program, Strategy

if TYPE_CHECKING:
    from ovp.accounts.models import User

# -- Impact evaluation -------------------------------------------------------------------------


class EvaluationMethod(models.TextChoices):
    TWFE = "twfe", "Difference-in-differences (two-way fixed effects)"
    EVENT_STUDY = "event-study", "Event study (leads and lags)"
    STAGGERED = "staggered", "Staggered difference-in-differences (Callaway-Sant'Anna)"
    ITS = "its", "Interrupted time series"
    SYNTH = "synth", "Synthetic control"


class EvaluationRun(models.Model):
    """One run of an estimator on the incident aggregates, kept with everything needed to
    run it again: `inputs` (program, strategy or campaign, areas, comparison areas, window, method,
    outcome) and `results` (estimate, SE, CI, n, warnings and the series for the plots)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=300)
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.SET_NULL, related_name="evaluations"
    )
    campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evaluations",
        help_text="The office's campaign evaluated, when the treatment is a campaign.",
    )
    strategy = models.CharField(max_length=32, choices=Strategy.choices, blank=True)
    method = models.CharField(max_length=16, choices=EvaluationMethod.choices)
    inputs = models.JSONField()
    results = models.JSONField()
    estimate = models.FloatField(null=True, blank=True)
    std_error = models.FloatField(null=True, blank=True)
    ci_low = models.FloatField(null=True, blank=True)
    ci_high = models.FloatField(null=True, blank=True)
    relative = models.FloatField(
        null=True, blank=True, help_text="The estimate as a proportional change (-0.3 = -30%)."
    )
    summary = models.TextField(help_text="In plain language, for a council member.")
    verdict = models.CharField(
        max_length=16,
        blank=True,
        help_text="fewer, more, no_effect or inconclusive (evaluation.services.summary.verdict).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_method_display()})"

    @property
    def change_text(self) -> str:
        """The estimate as a signed percentage, e.g. "-28%"."""
        return "\u2013" if self.relative is None else f"{self.relative * 100:+.0f}%"

    @property
    def warnings(self) -> list[str]:
        return list(self.results.get("warnings", []))

    @property
    def verdict_text(self) -> str:
        """The verdict in a few words."""
        outcome = self.inputs.get("outcome_label", "people shot")
        return {
            "fewer": f"Fewer {outcome} where it works",
            "more": f"More {outcome} where it works",
            "no_effect": NO_EFFECT,
        }.get(self.verdict, INCONCLUSIVE)

    @property
    def interval_text(self) -> str:
        low, high = self.results.get("relative_low"), self.results.get("relative_high")
        if low is None or high is None:
            return ""
        return f"{low * 100:+.0f}% to {high * 100:+.0f}%"


NO_EFFECT = "No effect found"
INCONCLUSIVE = "Inconclusive: read its limits"


# -- Needs assessments: below this line (another part) -----------------------------------------


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    UNDER_REVIEW = "under_review", "Under review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    PUBLISHED = "published", "Published"


# the states in which staff may edit the text and refresh the figures
EDITABLE_STATUSES = (AssessmentStatus.DRAFT, AssessmentStatus.CHANGES_REQUESTED)


def display_name(user: "User | None") -> str:
    """A person's name as others see it in a review: never their email address."""
    if user is None:
        return "Someone no longer in the portal"
    return user.full_name or user.get_role_display()


class NeedsAssessmentQuerySet(models.QuerySet["NeedsAssessment"]):
    def seen_by_board(self) -> "NeedsAssessmentQuerySet":
        """Those the board has been sent: never a draft that was not sent yet."""
        return self.filter(versions__isnull=False).distinct()


class NeedsAssessment(models.Model):
    """A needs assessment of a period, drafted from the data, reviewed by an advisory board
    and published once signed off. Its sections hold the text as it is now; its versions
    hold what was sent to the board and what was published."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    area_kind = models.CharField(max_length=32, help_text="The kind of area the figures use.")
    board = models.ForeignKey(
        "stakeholders.Board", on_delete=models.PROTECT, related_name="needs_assessments"
    )
    status = models.CharField(
        max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(null=True, blank=True)

    objects = NeedsAssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-period_end", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="assessment_period_ends_after_start",
                violation_error_message="The period cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": "The period cannot end before it starts."})

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def latest_version(self) -> "AssessmentVersion | None":
        return self.versions.order_by("-number").first()

    @property
    def latest_review_version(self) -> "AssessmentVersion | None":
        return self.versions.filter(kind=VersionKind.REVIEW).order_by("-number").first()


class AssessmentSection(models.Model):
    """One section: the figures drafted from the data (`figures`: tables, charts and the
    numbers they hold, with the paragraph drafted from them) and the text staff edit."""

    assessment = models.ForeignKey(
        NeedsAssessment, on_delete=models.CASCADE, related_name="sections"
    )
    position = models.PositiveSmallIntegerField()
    key = models.SlugField(max_length=40)
    title = models.CharField(max_length=200)
    figures = models.JSONField(default=dict)
    text = models.TextField(blank=True)
    figures_refreshed_at = models.DateTimeField()
    text_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text_edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assessment", "position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "key"], name="one_section_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment}: {self.title}"


class VersionKind(models.TextChoices):
    REVIEW = "review", "Sent for review"
    PUBLISHED = "published", "Published"


class AssessmentVersion(models.Model):
    """A snapshot of every section's title, text and figures, made each time staff send the
    assessment for review or publish it. Numbered from 1 and never changed."""

    assessment = models.ForeignKey(
        NeedsAssessment, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=VersionKind.choices)
    sections = models.JSONField(help_text="[{key, title, text, figures}, ...] in order.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assessment", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "number"], name="one_assessment_version_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment}, version {self.number}"


class SectionComment(models.Model):
    """A board member's comment on a section (on the version they read), and the office's
    answer."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    section = models.ForeignKey(
        AssessmentSection, on_delete=models.CASCADE, related_name="comments"
    )
    version = models.ForeignKey(AssessmentVersion, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)
    reply = models.TextField(max_length=4000, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["section", "created_at", "id"]

    def __str__(self) -> str:
        return f"Comment on {self.section}"

    @property
    def author_name(self) -> str:
        return display_name(self.author)

    @property
    def replied_by_name(self) -> str:
        return display_name(self.replied_by)


class Decision(models.TextChoices):
    SIGN_OFF = "sign_off", "Signed off"
    CHANGES = "changes", "Asked for changes"


class SignOff(models.Model):
    """A board member's decision on one version: sign it off or ask for changes."""

    version = models.ForeignKey(
        AssessmentVersion, on_delete=models.CASCADE, related_name="signoffs"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.CharField(max_length=12, choices=Decision.choices)
    note = models.TextField(max_length=4000, blank=True)
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["version", "decided_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "member"], name="one_decision_per_member_and_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.version}"

    @property
    def member_name(self) -> str:
        return display_name(self.member)
