"""The stakeholder registry: organisations and their people, boards and task forces, their
meetings, and the common goals with the action items that hold partners accountable."""

import uuid
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from ovp.accounts.models import User


class Sector(models.TextChoices):
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
    PUBLIC_HEALTH = "public_health", "Public health"
    HOSPITAL = "hospital", "Hospital"
    EDUCATION = "education", "Education"
    SOCIAL_SERVICES = "social_services", "Social services"
    RESEARCH = "research", "Research"
    CITY_DATA = "city_data", "City IT / data"
    COMMUNITY = "community", "Community organisation"
    FAITH = "faith", "Faith"
    BUSINESS = "business", "Business"
    GOVERNMENT = "government", "Other government"
    OTHER = "other", "Other"


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def for_member(self, user: "User") -> "OrganisationQuerySet":
        """The organisations a user acts for (a grantee's own)."""
        return self.filter(members=user)


class Organisation(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    sector = models.CharField(max_length=32, choices=Sector.choices)
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    strengths = models.TextField(blank=True, help_text="What the organisation is good at.")
    services = models.TextField(blank=True, help_text="The services it offers, and to whom.")
    data_held = models.TextField(
        "data held", blank=True, help_text="Data it collects or holds that could inform the work."
    )
    # the organisation's general contact, shown on the public program directory: a
    # switchboard or shared inbox and an office address, never a person's own
    public_phone = models.CharField(
        "public phone",
        max_length=40,
        blank=True,
        help_text="The organisation's general line, shown to the public. Never a person's own "
        "number.",
    )
    public_email = models.EmailField(
        "public email",
        blank=True,
        help_text="A shared inbox (e.g. info@...), shown to the public. Never a person's own "
        "address.",
    )
    public_address = models.CharField(
        "public address",
        max_length=300,
        blank=True,
        help_text="Where the public can find the organisation (an office or drop-in centre). "
        "Never a person's home.",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="organisations",
        help_text="Users who act for this organisation (grantee accounts).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """The public contact is the organisation's own: never the email or phone number of a
        person in the registry, nor a user's login."""
        super().clean()
        errors = {}
        email = self.public_email.strip().lower()
        if email and (
            Person.objects.filter(email__iexact=email).exists()
            or get_user_model().objects.filter(email__iexact=email).exists()
        ):
            errors["public_email"] = (
                "That is a person's own email address. Give the organisation's shared inbox "
                "(e.g. info@...): it is shown to the public."
            )
        digits = _digits(self.public_phone)
        if digits and any(
            _digits(phone) == digits
            for phone in Person.objects.exclude(phone="").values_list("phone", flat=True)
        ):
            errors["public_phone"] = (
                "That is a person's own phone number. Give the organisation's general line: it "
                "is shown to the public."
            )
        if errors:
            raise ValidationError(errors)


def _digits(phone: str) -> str:
    return "".join(c for c in phone if c.isdigit())


class Person(models.Model):
    """Someone the office works with: a contact at an organisation, or a board member."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    full_name = models.CharField(max_length=200)
    title = models.CharField(
        "role at the organisation", max_length=200, blank=True, help_text="E.g. Outreach director."
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    consent_to_contact = models.BooleanField(
        "consents to be contacted",
        default=False,
        help_text="Has agreed the office may contact them.",
    )
    consent_recorded_on = models.DateField(null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        help_text="Their portal account, if they have one (a board member's login).",
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["full_name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        super().clean()
        if self.consent_recorded_on and self.consent_recorded_on > timezone.localdate():
            raise ValidationError(
                {"consent_recorded_on": "Consent cannot be recorded in the future."}
            )


class BoardKind(models.TextChoices):
    ADVISORY_BOARD = "advisory_board", "Advisory board"
    TASK_FORCE = "task_force", "Task force"


class Board(models.Model):
    """An advisory board or task force that the office convenes."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=BoardKind.choices)
    purpose = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-active", "name"]

    def __str__(self) -> str:
        return self.name


class MembershipRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    CO_CHAIR = "co_chair", "Co-chair"
    SECRETARY = "secretary", "Secretary"
    MEMBER = "member", "Member"
    EX_OFFICIO = "ex_officio", "Ex officio"


class BoardMembershipQuerySet(models.QuerySet["BoardMembership"]):
    def current(self, today: date) -> "BoardMembershipQuerySet":
        """Memberships whose term covers `today` (an open-ended term runs on)."""
        return self.filter(term_start__lte=today).filter(
            Q(term_end__isnull=True) | Q(term_end__gte=today)
        )


class BoardMembership(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=MembershipRole.choices, default="member")
    term_start = models.DateField()
    term_end = models.DateField(null=True, blank=True, help_text="Leave empty for an open term.")

    objects = BoardMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["board", "term_start", "person__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "person", "term_start"], name="one_membership_per_term_start"
            ),
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("term_start")),
                name="membership_term_ends_after_start",
                violation_error_message="The term cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()}, {self.board})"

    def clean(self) -> None:
        super().clean()
        if self.term_start and self.term_end and self.term_end < self.term_start:
            raise ValidationError({"term_end": "The term cannot end before it starts."})


class Meeting(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="meetings")
    held_at = models.DateTimeField("date and time")
    location = models.CharField(max_length=200, blank=True)
    agenda = models.TextField(blank=True)
    minutes = models.TextField(blank=True)
    attendees = models.ManyToManyField(Person, blank=True, related_name="meetings_attended")

    class Meta:
        ordering = ["-held_at"]

    def __str__(self) -> str:
        return f"{self.board} meeting, {timezone.localtime(self.held_at):%d %b %Y}"


class Horizon(models.TextChoices):
    SHORT = "short", "Short term"
    LONG = "long", "Long term"


class Goal(models.Model):
    """A common goal; a board's own, or city-wide when it has no board."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    board = models.ForeignKey(
        Board,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="goals",
        help_text="Leave empty for a city-wide goal shared by all partners.",
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    horizon = models.CharField(max_length=8, choices=Horizon.choices)
    target_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-horizon", "target_date", "title"]  # short term first

    def __str__(self) -> str:
        return self.title


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    BLOCKED = "blocked", "Blocked"
    DONE = "done", "Done"


class ActionItemQuerySet(models.QuerySet["ActionItem"]):
    def open(self) -> "ActionItemQuerySet":
        return self.exclude(status=ActionStatus.DONE)

    def overdue(self, today: date) -> "ActionItemQuerySet":
        """Open items whose due date has passed."""
        return self.open().filter(due_on__lt=today)

    def upcoming(self, today: date, days: int = 30) -> "ActionItemQuerySet":
        """Open items due from today up to `days` days ahead."""
        return self.open().filter(due_on__gte=today, due_on__lte=today + timedelta(days=days))


class ActionItem(models.Model):
    """A step towards a goal with one owner (a person or an organisation) who leads it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="action_items")
    title = models.CharField(max_length=200)
    owner_person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="action_items",
        verbose_name="owner (person)",
    )
    owner_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="action_items",
        verbose_name="owner (organisation)",
    )
    due_on = models.DateField("due on")
    status = models.CharField(
        max_length=16, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    notes = models.TextField(blank=True)
    completed_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_person__isnull=False, owner_organisation__isnull=True)
                | Q(owner_person__isnull=True, owner_organisation__isnull=False),
                name="action_item_has_exactly_one_owner",
                violation_error_message="Name exactly one owner: a person or an organisation.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        has_person = self.owner_person_id is not None
        has_organisation = self.owner_organisation_id is not None
        if has_person == has_organisation:
            # on a field, so the form shows it there (and the database check is not repeated)
            raise ValidationError(
                {
                    "owner_person": "Name exactly one owner: a person or an organisation, not both."
                    if has_person
                    else "Name an owner: a person or an organisation."
                }
            )

    @property
    def owner(self) -> Any:
        """The person or organisation that leads this item."""
        return self.owner_person or self.owner_organisation

    @property
    def owner_name(self) -> str:
        return str(self.owner) if self.owner else ""

    @property
    def is_done(self) -> bool:
        return self.status == ActionStatus.DONE

    def is_overdue_on(self, today: date) -> bool:
        return not self.is_done and self.due_on < today

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())

    @property
    def days_overdue(self) -> int:
        return (timezone.localdate() - self.due_on).days if self.is_overdue else 0


# Community input: what residents say their area needs, through the public form


MAX_INPUT_CHARS = 2_000


class InputTopic(models.TextChoices):
    """What a resident's comment is about, in the words a resident would use."""

    YOUTH = "youth", "Activities for young people"
    JOBS = "jobs", "Jobs and training"
    SAFE_PLACES = "safe_places", "Safety at night, lighting, vacant lots"
    MENTAL_HEALTH = "mental_health", "Mental health and trauma support"
    VICTIMS = "victims", "Support for victims and families"
    POLICE = "police", "Police and community"
    HOUSING = "housing", "Housing"
    OTHER = "other", "Something else"


class InputStatus(models.TextChoices):
    PENDING = "pending", "Waiting for moderation"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class CommunityInputQuerySet(models.QuerySet["CommunityInput"]):
    def approved(self) -> "CommunityInputQuerySet":
        return self.filter(status=InputStatus.APPROVED)

    def pending(self) -> "CommunityInputQuerySet":
        return self.filter(status=InputStatus.PENDING)

    def received_between(self, begin: date, end: date) -> "CommunityInputQuerySet":
        """Sent on a day from `begin` to `end` (both included), counted in the city's time."""
        start = timezone.make_aware(datetime.combine(begin, time.min))
        stop = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
        return self.filter(created_at__gte=start, created_at__lt=stop)


class CommunityInput(models.Model):
    """A resident's comment on what their area needs, sent through the public form. Nothing
    about who sent it is kept (no name, email, phone or address); staff read it before it
    counts anywhere, and may edit personal details out of it (who did and when is kept, the
    text as sent is not: keeping it would keep the details)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    area = models.ForeignKey(
        "areas.Area",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="community_input",
        help_text="Empty: the whole city, or the resident was not sure.",
    )
    topic = models.CharField(max_length=20, choices=InputTopic.choices)
    text = models.TextField(validators=[MaxLengthValidator(MAX_INPUT_CHARS)])
    status = models.CharField(
        max_length=10, choices=InputStatus.choices, default=InputStatus.PENDING
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_note = models.CharField(
        max_length=500, blank=True, help_text="Why it was approved or rejected (staff only)."
    )
    text_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text_edited_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = CommunityInputQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "community input"
        verbose_name_plural = "community input"
        indexes = [models.Index(fields=["status", "created_at"], name="community_input_status")]

    def __str__(self) -> str:
        return f"{self.get_topic_display()}, {timezone.localtime(self.created_at):%d %b %Y}"

    def clean(self) -> None:
        super().clean()
        if not (self.text or "").strip():
            raise ValidationError({"text": "Write what your area needs."})

    @property
    def area_label(self) -> str:
        return area_label(self.area)


WHOLE_CITY = "The whole city, or not sure"


def area_label(area: Any) -> str:
    """An area as residents and reports name it; no area is the whole city."""
    return area_name(area.name, area.code) if area is not None else WHOLE_CITY


def area_name(name: str | None, code: str | None) -> str:
    """ "North District (D1)"; a name that ends with its code alone ("District 4"); no name
    (no area) is the whole city."""
    if name is None:
        return WHOLE_CITY
    return name if code and name.endswith(f" {code}") else f"{name} ({code})"
