"""Writes on the stakeholder registry: each validates the whole record and saves in one
transaction, or raises ValidationError and saves nothing."""

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from ovp.accounts.models import User
from ovp.areas.models import Area
from stakeholders.models import (
    ActionItem,
    ActionStatus,
    Board,
    BoardMembership,
    CommunityInput,
    Goal,
    InputStatus,
    Meeting,
    Organisation,
    Person,
)

ORGANISATION_FIELDS = (
    "name", "sector", "description", "website", "strengths", "services", "data_held",
    "public_phone", "public_email", "public_address",
)  # fmt: skip
PERSON_FIELDS = (
    "organisation", "full_name", "title", "email", "phone", "consent_to_contact",
    "consent_recorded_on", "user", "notes",
)  # fmt: skip
ACTION_ITEM_FIELDS = ("title", "owner_person", "owner_organisation", "due_on", "status", "notes")


def _apply(instance: models.Model, data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """Set the given fields on `instance`; a field outside `allowed` is a programming error."""
    allowed = set(allowed)
    unknown = set(data) - allowed
    if unknown:
        raise TypeError(f"Cannot update {', '.join(sorted(unknown))} here.")
    for name, value in data.items():
        setattr(instance, name, value)


@transaction.atomic
def organisation_create(
    *,
    name: str,
    sector: str,
    description: str = "",
    website: str = "",
    strengths: str = "",
    services: str = "",
    data_held: str = "",
    public_phone: str = "",
    public_email: str = "",
    public_address: str = "",
    members: Iterable[User] = (),
) -> Organisation:
    """Add an organisation to the registry, with the users who act for it."""
    organisation = Organisation(
        name=name,
        sector=sector,
        description=description,
        website=website,
        strengths=strengths,
        services=services,
        data_held=data_held,
        public_phone=public_phone,
        public_email=public_email,
        public_address=public_address,
    )
    organisation.full_clean()
    organisation.save()
    organisation.members.set(list(members))
    return organisation


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, data: Mapping[str, Any], members: Iterable[User] | None = None
) -> Organisation:
    """Change an organisation's fields (and its members, when given)."""
    _apply(organisation, data, ORGANISATION_FIELDS)
    organisation.full_clean()
    organisation.save()
    if members is not None:
        organisation.members.set(list(members))
    return organisation


def _consent_dated(person: Person, today: date) -> None:
    # consent without a date is dated the day it is recorded, so the register says when
    if person.consent_to_contact and person.consent_recorded_on is None:
        person.consent_recorded_on = today


@transaction.atomic
def person_create(
    *,
    full_name: str,
    organisation: Organisation | None = None,
    title: str = "",
    email: str = "",
    phone: str = "",
    consent_to_contact: bool = False,
    consent_recorded_on: date | None = None,
    user: User | None = None,
    notes: str = "",
    today: date | None = None,
) -> Person:
    """Add a contact person; consent given without a date is recorded as given today."""
    person = Person(
        full_name=full_name,
        organisation=organisation,
        title=title,
        email=email.strip().lower(),
        phone=phone,
        consent_to_contact=consent_to_contact,
        consent_recorded_on=consent_recorded_on,
        user=user,
        notes=notes,
    )
    _consent_dated(person, today or timezone.localdate())
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def person_update(*, person: Person, data: Mapping[str, Any], today: date | None = None) -> Person:
    """Change a contact person's details."""
    _apply(person, data, PERSON_FIELDS)
    person.email = person.email.strip().lower()
    _consent_dated(person, today or timezone.localdate())
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def board_create(*, name: str, kind: str, purpose: str = "", active: bool = True) -> Board:
    """Set up an advisory board or task force."""
    board = Board(name=name, kind=kind, purpose=purpose, active=active)
    board.full_clean()
    board.save()
    return board


@transaction.atomic
def membership_add(
    *, board: Board, person: Person, role: str, term_start: date, term_end: date | None = None
) -> BoardMembership:
    """Seat a person on a board for a term (the end may be left open)."""
    membership = BoardMembership(
        board=board, person=person, role=role, term_start=term_start, term_end=term_end
    )
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def meeting_record(
    *,
    board: Board,
    held_at: datetime,
    location: str = "",
    agenda: str = "",
    minutes: str = "",
    attendees: Iterable[Person] = (),
) -> Meeting:
    """Record a board meeting with who attended; attendees must be members of the board."""
    meeting = Meeting(
        board=board, held_at=held_at, location=location, agenda=agenda, minutes=minutes
    )
    meeting.full_clean()
    attendees = list(attendees)
    member_ids = set(board.memberships.values_list("person_id", flat=True))
    strangers = [person.full_name for person in attendees if person.pk not in member_ids]
    if strangers:
        raise ValidationError(
            {"attendees": f"Not members of {board.name}: {', '.join(sorted(strangers))}."}
        )
    meeting.save()
    meeting.attendees.set(attendees)
    return meeting


@transaction.atomic
def goal_create(
    *,
    title: str,
    horizon: str,
    board: Board | None = None,
    description: str = "",
    target_date: date | None = None,
) -> Goal:
    """Agree a common goal, for one board or (without a board) city-wide."""
    goal = Goal(
        title=title,
        horizon=horizon,
        board=board,
        description=description,
        target_date=target_date,
    )
    goal.full_clean()
    goal.save()
    return goal


def _completion_dated(action_item: ActionItem, today: date) -> None:
    if action_item.status == ActionStatus.DONE:
        action_item.completed_on = action_item.completed_on or today
    else:
        # reopened: it is no longer complete
        action_item.completed_on = None


@transaction.atomic
def action_item_create(
    *,
    goal: Goal,
    title: str,
    due_on: date,
    owner_person: Person | None = None,
    owner_organisation: Organisation | None = None,
    status: str = ActionStatus.NOT_STARTED,
    notes: str = "",
    today: date | None = None,
) -> ActionItem:
    """Add an action item to a goal, owned by exactly one person or organisation."""
    action_item = ActionItem(
        goal=goal,
        title=title,
        due_on=due_on,
        owner_person=owner_person,
        owner_organisation=owner_organisation,
        status=status,
        notes=notes,
    )
    _completion_dated(action_item, today or timezone.localdate())
    action_item.full_clean()
    action_item.save()
    return action_item


@transaction.atomic
def action_item_update(
    *, action_item: ActionItem, data: Mapping[str, Any], today: date | None = None
) -> ActionItem:
    """Change an action item; marking it done records the day it was completed."""
    _apply(action_item, data, ACTION_ITEM_FIELDS)
    _completion_dated(action_item, today or timezone.localdate())
    action_item.full_clean()
    action_item.save()
    return action_item


# Community input


@transaction.atomic
def community_input_submit(*, topic: str, text: str, area: Area | None = None) -> CommunityInput:
    """Store a resident's comment from the public form, waiting for moderation. It takes
    nothing about who sent it: there is nowhere to put it."""
    community_input = CommunityInput(area=area, topic=topic, text=(text or "").strip())
    community_input.full_clean()
    community_input.save()
    return community_input


def _locked_input(community_input: CommunityInput) -> CommunityInput:
    """The row locked for this transaction: two staff clicking at once decide one after the
    other, each on what the other left."""
    return CommunityInput.objects.select_for_update().get(pk=community_input.pk)


@transaction.atomic
def community_input_edit(
    *, community_input: CommunityInput, text: str, user: User
) -> CommunityInput:
    """Staff change the text before it is shown (to take out a name or an address); who and
    when are recorded. The text as sent is not kept: that would keep what was taken out."""
    locked = _locked_input(community_input)
    text = (text or "").strip()
    if text == locked.text:
        raise ValidationError({"text": "The text is unchanged."})
    locked.text = text
    locked.text_edited_by = user
    locked.text_edited_at = timezone.now()
    locked.full_clean()
    locked.save(update_fields=["text", "text_edited_by", "text_edited_at"])
    return locked


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"(?<!\d)(\+?\d[\d ().-]{5,}\d)(?!\d)")
STREET_ADDRESS = re.compile(
    r"\b\d{1,5}\s+(?:[A-Z][a-z]+\s+){1,3}(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Lane|Ln|Dr|Drive|Way|Court|Ct|Place|Pl)\b"
)


def personal_contact_in(text: str) -> str:
    """What in a comment looks like someone's email, phone number or street address (a
    description for the moderator), or "" when nothing does."""
    found = []
    if EMAIL.search(text):
        found.append("an email address")
    if any(sum(ch.isdigit() for ch in m.group(1)) >= 7 for m in PHONE.finditer(text)):
        found.append("a phone number")
    if STREET_ADDRESS.search(text):
        found.append("a street address")
    return ", ".join(found)


@transaction.atomic
def community_input_moderate(
    *, community_input: CommunityInput, status: str, user: User, note: str = ""
) -> CommunityInput:
    """Approve a comment (it then counts in tallies and needs assessments) or reject it (it
    never does). A decision may be changed later: an approved comment found to name someone
    can still be rejected."""
    if status not in (InputStatus.APPROVED, InputStatus.REJECTED):
        raise ValidationError("Approve or reject it.")
    locked = _locked_input(community_input)
    if locked.status == status:
        raise ValidationError(f"It is already {locked.get_status_display().lower()}.")
    contact = personal_contact_in(locked.text)
    if status == InputStatus.APPROVED and contact:
        raise ValidationError(
            f"This comment seems to hold someone's contact details ({contact}): edit them out "
            "before approving it. Names cannot be found this way: read it for them too."
        )
    locked.status = status
    locked.moderated_by = user
    locked.moderated_at = timezone.now()
    locked.moderation_note = (note or "").strip()
    locked.full_clean()
    locked.save(update_fields=["status", "moderated_by", "moderated_at", "moderation_note"])
    return locked
