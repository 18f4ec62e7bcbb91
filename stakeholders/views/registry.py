"""The registry's pages: organisations and their people (the office's), and the grantee's
home with their own organisations."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse

from ovp.accounts.permissions import grantee_required, office_required
from ovp.core.actions import AuthedRequest, form_action
from ovp.core.panels import panels_for
from stakeholders import selectors, services
from stakeholders.forms import OrganisationFilter, OrganisationForm, PersonForm
from stakeholders.models import Organisation, Person
from stakeholders.permissions import can_edit_registry, can_see_contact_details
from stakeholders.views.common import _form_page


@grantee_required
def grantee_home(request: AuthedRequest) -> HttpResponse:
    organisations = Organisation.objects.for_member(request.user)
    return render(
        request,
        "stakeholders/grantee_home.html",
        {"organisations": organisations, "panels": panels_for(request.user, request)},
    )


@office_required
def organisation_list(request: AuthedRequest) -> HttpResponse:
    found = OrganisationFilter(request.GET, queryset=Organisation.objects.all())
    return render(
        request,
        "stakeholders/organisation_list.html",
        {"filter": found, "organisations": found.qs, "can_edit": can_edit_registry(request.user)},
    )


@office_required
def organisation_detail(request: AuthedRequest, uuid: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, uuid=uuid)
    return render(
        request,
        "stakeholders/organisation_detail.html",
        {
            "organisation": organisation,
            "can_edit": can_edit_registry(request.user),
            "show_contacts": can_see_contact_details(request.user),
            **selectors.organisation_detail(organisation),
        },
    )


@office_required
def organisation_create(request: AuthedRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and (
            organisation := form_action(
                form, lambda: services.organisation_create(**form.cleaned_data)
            ).value
        )
    ):
        messages.success(request, f"{organisation.name} is in the registry.")
        return redirect(organisation_url(organisation))
    return _form_page(
        request,
        form,
        title="New organisation",
        back_url=reverse("stakeholders:organisation_list"),
        back_label="Organisations",
    )


@office_required
def organisation_edit(request: AuthedRequest, uuid: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, uuid=uuid)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        members = data.pop("members")
        if form_action(
            form,
            lambda: services.organisation_update(
                organisation=organisation, data=data, members=members
            ),
        ):
            messages.success(request, f"{organisation.name} is saved.")
            return redirect(organisation_url(organisation))
    return _form_page(
        request,
        form,
        title=f"Edit {organisation.name}",
        back_url=organisation_url(organisation),
        back_label=organisation.name,
    )


def organisation_url(organisation: Organisation) -> str:
    return reverse("stakeholders:organisation_detail", kwargs={"uuid": organisation.uuid})


@office_required
def person_create(request: AuthedRequest, uuid: str | None = None) -> HttpResponse:
    """A new contact at an organisation (or, without one, someone in their own right)."""
    organisation = get_object_or_404(Organisation, uuid=uuid) if uuid else None
    form = PersonForm(request.POST or None, initial={"organisation": organisation})
    if (
        request.method == "POST"
        and form.is_valid()
        and (person := form_action(form, lambda: services.person_create(**form.cleaned_data)).value)
    ):
        messages.success(request, f"{person.full_name} is saved.")
        return redirect(_person_back_url(person))
    if organisation:
        back_url, back_label = organisation_url(organisation), organisation.name
    else:
        back_url, back_label = reverse("stakeholders:organisation_list"), "Organisations"
    return _form_page(
        request,
        form,
        title="New person" + (f" at {organisation.name}" if organisation else ""),
        back_url=back_url,
        back_label=back_label,
    )


@office_required
def person_edit(request: AuthedRequest, uuid: str) -> HttpResponse:
    person = get_object_or_404(Person.objects.select_related("organisation"), uuid=uuid)
    form = PersonForm(request.POST or None, instance=person)
    if (
        request.method == "POST"
        and form.is_valid()
        and form_action(form, lambda: services.person_update(person=person, data=form.cleaned_data))
    ):
        messages.success(request, f"{person.full_name} is saved.")
        return redirect(_person_back_url(person))
    if person.organisation:
        back_url, back_label = organisation_url(person.organisation), person.organisation.name
    else:
        back_url, back_label = reverse("stakeholders:organisation_list"), "Organisations"
    return _form_page(
        request, form, title=f"Edit {person.full_name}", back_url=back_url, back_label=back_label
    )


def _person_back_url(person: Person) -> str:
    """Where a saved person is seen: their organisation, or the registry for someone alone."""
    where = person.organisation
    return organisation_url(where) if where else reverse("stakeholders:organisation_list")


routes: list[URLPattern] = [
    path("portal/", grantee_home, name="grantee_home"),
    path("stakeholders/organisations/", organisation_list, name="organisation_list"),
    path("stakeholders/organisations/new/", organisation_create, name="organisation_create"),
    path(
        "stakeholders/organisations/<uuid:uuid>/",
        organisation_detail,
        name="organisation_detail",
    ),
    path(
        "stakeholders/organisations/<uuid:uuid>/edit/",
        organisation_edit,
        name="organisation_edit",
    ),
    path(
        "stakeholders/organisations/<uuid:uuid>/people/new/",
        person_create,
        name="person_create",
    ),
    path("stakeholders/people/new/", person_create, name="person_create_unattached"),
    path("stakeholders/people/<uuid:uuid>/edit/", person_edit, name="person_edit"),
]
