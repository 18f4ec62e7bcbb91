"""Who may do what in the inventory. Views call these; templates only mirror them."""

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.shortcuts import get_object_or_404

from inventory.models import Audience, Program, Resource, ResourceQuerySet, ResourceVersion
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


# ------------------------------------------------------------------------- resource library

# the audiences each role sees besides its own office work; staff see every resource
ROLE_AUDIENCES: dict[str, tuple[str, ...]] = {
    Role.GRANTEE: (Audience.GRANTEES, Audience.PUBLIC),
    Role.BOARD: (Audience.BOARD, Audience.PUBLIC),
}
PUBLIC_ONLY: tuple[str, ...] = (Audience.PUBLIC,)


def resource_audiences(user: User | AnonymousUser | None) -> tuple[str, ...] | None:
    """The audiences whose published resources a user may open, or None for every resource
    (staff and administrators, retired ones too). Anonymous visitors: the public's."""
    if user is None or not user.is_authenticated or not user.is_active:
        return PUBLIC_ONLY
    if can_use_office(user):
        return None
    return ROLE_AUDIENCES.get(user.role, PUBLIC_ONLY)


def can_manage_resources(user: User | AnonymousUser) -> bool:
    """Office staff publish, change and retire resources."""
    return can_use_office(user)


def can_see_old_versions(user: User | AnonymousUser) -> bool:
    """Earlier versions of a resource are the office's record: the audience gets the current
    one only (an old toolkit is superseded, not a second toolkit)."""
    return can_use_office(user)


def get_resource_for_user(
    user: User | AnonymousUser, uuid: str, queryset: "ResourceQuerySet | None" = None
) -> Resource:
    """A resource the user may open; any other (another audience's, retired) answers 404,
    so nobody learns which resources exist for others."""
    resources = queryset if queryset is not None else Resource.objects.all()
    return get_object_or_404(resources.visible_to(user), uuid=uuid)


def get_version_for_user(
    user: User | AnonymousUser, resource: Resource, number: int | None
) -> ResourceVersion:
    """The resource's current version, or an earlier one for those who may see it; 404
    otherwise (an earlier version's number is no way round the audience)."""
    current = resource.current
    if current is None:
        raise Http404("This resource has no file yet.")
    if number is None or number == current.number:
        return current
    if not can_see_old_versions(user):
        raise Http404("No such version.")
    return get_object_or_404(ResourceVersion, resource=resource, number=number)
