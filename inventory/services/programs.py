"""Writes to programs: a program saved with its service areas, and the updates an
organisation proposes for its own program, which staff approve or not."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import BaseInlineFormSet
from django.utils import timezone

from inventory.forms.programs import PROPOSABLE_FIELDS, ProgramForm
from inventory.models import Program, ProgramUpdateProposal, ProposalStatus
from ovp.accounts.models import User
from stakeholders.models import Organisation


@transaction.atomic
def program_save(
    *, form: ProgramForm, service_areas: "BaseInlineFormSet[Any, Any, Any]"
) -> Program:
    """Save a program and its service areas together; both must have been validated."""
    if not (form.is_valid() and service_areas.is_valid()):
        raise ValidationError("The program or its service areas have errors.")
    program = form.save()
    service_areas.instance = program
    service_areas.save()
    return program


@transaction.atomic
def proposal_submit(
    *, program: Program, organisation: Organisation, user: User, changes: dict[str, Any], note: str
) -> ProgramUpdateProposal:
    """An organisation proposes changes to its own program; only fields that differ count."""
    if program.lead_organisation_id != organisation.pk:
        raise ValidationError("Only the lead organisation can propose updates to a program.")
    differing = {
        name: _json_value(value)
        for name, value in changes.items()
        if name in PROPOSABLE_FIELDS and _json_value(getattr(program, name)) != _json_value(value)
    }
    if not differing and not note.strip():
        raise ValidationError(
            "Nothing differs from the program as it stands; add a note or a change."
        )
    proposal = ProgramUpdateProposal(
        program=program, organisation=organisation, proposed_by=user, changes=differing, note=note
    )
    proposal.full_clean()
    proposal.save()
    return proposal


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    return value


@transaction.atomic
def proposal_decide(
    *, proposal: ProgramUpdateProposal, user: User, approve: bool, note: str = ""
) -> ProgramUpdateProposal:
    """Staff approve (the changes apply to the program, recorded in its history) or reject."""
    proposal = ProgramUpdateProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ProposalStatus.PENDING:
        raise ValidationError("This proposal has already been decided.")
    if approve:
        program = proposal.program
        for name, value in proposal.changes.items():
            if name in PROPOSABLE_FIELDS:
                setattr(program, name, value)
        program.full_clean()
        program._change_reason = f"Proposed by {proposal.organisation}, approved"  # type: ignore[attr-defined]
        program.save()
    proposal.status = ProposalStatus.APPROVED if approve else ProposalStatus.REJECTED
    proposal.decided_by = user
    proposal.decided_at = timezone.now()
    proposal.decision_note = note
    proposal.save()
    return proposal
