"""Who may do what in the inventory. Views call these; templates only mirror them."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from inventory.models import Program
from ovp.accounts.models import Role, User
from ovp.accounts.permissions import can_use_office, has_role
from ovp.core.actions import AuthedRequest


def can_manage_inventory(user: User) -> bool:
    """Office staff keep the inventory: programs, service areas, survey intake, gaps."""
    return can_use_office(user)


def can_propose_update(user: User, program: Program) -> bool:
    """A grantee may propose updates to the programs its own organisations lead."""
    return (
        has_role(user, Role.GRANTEE)
        and program.lead_organisation.members.filter(pk=user.pk).exists()
    )


def get_program_for_grantee(request: AuthedRequest, uuid: str) -> Program:
    """One of the grantee's own programs; any other program answers 404, not 403, so a
    grantee cannot learn which programs exist."""
    program = get_object_or_404(Program.objects.select_related("lead_organisation"), uuid=uuid)
    if not can_propose_update(request.user, program):
        raise Http404("No such program among your organisation's.")
    return program
