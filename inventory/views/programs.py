"""The inventory's pages: the list (with its exports), a program, its edit form and
history, the survey, proposed updates, and a grantee's own programs."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone

from inventory.forms import programs as inventory_forms
from inventory.forms.programs import (
    PROPOSABLE_FIELDS,
    DecisionForm,
    ProgramFilter,
    ProgramForm,
    ProposalForm,
    ServiceAreaFormSet,
    SurveyUploadForm,
)
from inventory.models import Program, ProgramUpdateProposal, ProposalStatus, ServiceArea
from inventory.permissions import get_program_for_grantee
from inventory.services.programs import program_save, proposal_decide, proposal_submit
from inventory.services.survey import SURVEY_COLUMNS, SURVEY_HEADER, inventory_rows, survey_import
from ovp.accounts.permissions import grantee_required, office_required
from ovp.areas.models import Area, AreaKind
from ovp.core.actions import AuthedRequest, form_action, post_action
from ovp.core.exports import csv_response, xlsx_response
from ovp.core.uploads import too_large, upload_limit
from ovp.incidents.selectors import area_kinds
from stakeholders.models import Organisation

PAGE_SIZE = 50


HISTORY = {"+": "Created", "~": "Changed", "-": "Deleted"}


AREA_HISTORY = {"+": "Service area added", "~": "Service area changed", "-": "Service area removed"}


@office_required
def program_list(request: AuthedRequest) -> HttpResponse:
    programs = Program.objects.select_related("lead_organisation").order_by("name")
    filters = ProgramFilter(request.GET or None, queryset=programs)
    if filters.is_bound:
        # a filter that cannot be read shows (and exports) nothing, never everything
        programs = filters.qs if filters.is_valid() else programs.none()
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        rows = inventory_rows(programs, on=timezone.localdate())
        filename = f"ovp-inventory-{timezone.localdate().isoformat()}"
        if export == "csv":
            return csv_response(filename, SURVEY_HEADER, rows)
        return xlsx_response(filename, SURVEY_HEADER, rows, sheet="Inventory")
    page = Paginator(programs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "inventory/program_list.html",
        {
            "filters": filters,
            "filters_invalid": filters.is_bound and not filters.is_valid(),
            "page": page,
            "query": query.urlencode(),
            "pending_proposals": ProgramUpdateProposal.objects.pending().count(),
        },
    )


@office_required
def program_detail(request: AuthedRequest, uuid: str) -> HttpResponse:
    program = get_object_or_404(
        Program.objects.select_related("lead_organisation").prefetch_related("partners"), uuid=uuid
    )
    today = timezone.localdate()
    service_areas = [
        (service_area, service_area.state_on(today))
        for service_area in program.service_areas.select_related("area").order_by(
            "area__code", "started_on"
        )
    ]
    return render(
        request,
        "inventory/program_detail.html",
        {
            "program": program,
            # the evaluation app's runs of this program (by the relation it declares: the
            # inventory imports nothing of it), the latest first
            "evaluation": program.evaluations.first(),  # type: ignore[attr-defined]
            "service_areas": service_areas,
            "proposals": program.proposals.select_related("proposed_by")[:10],
        },
    )


@office_required
def program_edit(request: AuthedRequest, uuid: str | None = None) -> HttpResponse:
    program = get_object_or_404(Program, uuid=uuid) if uuid else Program()
    form = ProgramForm(request.POST or None, instance=program)
    service_areas = ServiceAreaFormSet(request.POST or None, instance=program, prefix="areas")
    if request.method == "POST" and form.is_valid() and service_areas.is_valid():
        program = program_save(form=form, service_areas=service_areas)
        messages.success(request, f"Saved {program.name}.")
        return redirect("inventory:program_detail", uuid=program.uuid)
    return render(
        request,
        "inventory/program_form.html",
        {"form": form, "service_areas": service_areas, "program": program if uuid else None},
    )


def _changes(new: Any, old: Any) -> list[dict[str, str]]:
    delta = new.diff_against(old, foreign_keys_are_objs=False)
    fields = {f.name: f for f in new.instance_type._meta.get_fields()}
    changes = []
    for change in delta.changes:
        field = fields.get(change.field)
        label = str(getattr(field, "verbose_name", change.field)).capitalize()
        if isinstance(change.old, list) or isinstance(change.new, list):
            old_ids = {row.get("organisation") for row in change.old or []}
            new_ids = {row.get("organisation") for row in change.new or []}
            names = dict(
                Organisation.objects.filter(pk__in=old_ids | new_ids).values_list("pk", "name")
            )
            before = ", ".join(sorted(names.get(i, "?") for i in old_ids)) or "none"
            after = ", ".join(sorted(names.get(i, "?") for i in new_ids)) or "none"
        else:
            before, after = _shown(field, change.old), _shown(field, change.new)
        changes.append({"field": label, "old": before, "new": after})
    return changes


def _shown(field: Any, value: Any) -> str:
    choices = dict(getattr(field, "choices", None) or [])
    if value in choices:
        return str(choices[value])
    if value in (None, ""):
        return "blank"
    return str(value)


@office_required
def program_history(request: AuthedRequest, uuid: str) -> HttpResponse:
    program = get_object_or_404(Program, uuid=uuid)
    entries = []
    records = list(program.history.select_related("history_user").order_by("history_date"))
    for previous, record in zip([None, *records], records, strict=False):
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "what": HISTORY[record.history_type],
                "reason": record.history_change_reason,
                "changes": _changes(record, previous) if previous else [],
            }
        )
    area_records = (
        ServiceArea.history.filter(program_id=program.pk)
        .select_related("history_user")
        .order_by("history_date")
    )
    areas = Area.objects.in_bulk({record.area_id for record in area_records})
    for record in area_records:
        area = areas.get(record.area_id)
        until = f" until {record.ended_on}" if record.ended_on else ""
        served = f"{area.name if area else '?'} since {record.started_on}{until}"
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "what": AREA_HISTORY[record.history_type],
                "reason": "",
                "changes": [{"field": "Area", "old": "", "new": served}],
            }
        )
    entries.sort(key=lambda entry: entry["when"], reverse=True)
    return render(
        request, "inventory/program_history.html", {"program": program, "entries": entries}
    )


@office_required
def survey_template(request: AuthedRequest) -> HttpResponse:
    """The survey the office sends out: the columns, then a line saying what each holds."""
    return csv_response(
        "ovp-program-survey", SURVEY_HEADER, [[help_text for _, help_text in SURVEY_COLUMNS]]
    )


def _area_kind_choices() -> list[tuple[str, str]]:
    labels = dict(AreaKind.choices)
    return [(kind, labels.get(kind, kind)) for kind in area_kinds()]


@upload_limit(
    limit_bytes=lambda: inventory_forms.SURVEY_MAX_BYTES,
    message=lambda: too_large(inventory_forms.SURVEY_MAX_BYTES, why=inventory_forms.SURVEY_WHY),
)
@office_required
def survey_upload(request: AuthedRequest) -> HttpResponse:
    form = SurveyUploadForm(
        request.POST or None, request.FILES or None, area_kinds=_area_kind_choices()
    )
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = survey_import(content=upload.read(), area_kind=form.cleaned_data["area_kind"])
        if not result.errors:
            messages.success(
                request,
                f"Imported {upload.name}: {result.created} new program(s), {result.updated} "
                f"updated, {result.service_areas_added} service area(s) added.",
            )
            return redirect("inventory:program_list")
        errors = result.errors
    return render(
        request,
        "inventory/survey_upload.html",
        {"form": form, "errors": errors, "columns": SURVEY_COLUMNS},
    )


@office_required
def proposals(request: AuthedRequest) -> HttpResponse:
    rows = ProgramUpdateProposal.objects.select_related("program", "organisation", "proposed_by")
    return render(
        request,
        "inventory/proposals.html",
        {"pending": rows.pending(), "decided": rows.exclude(status=ProposalStatus.PENDING)[:30]},
    )


def _proposal_rows(proposal: ProgramUpdateProposal) -> list[dict[str, str]]:
    fields = {f.name: f for f in Program._meta.get_fields()}
    return [
        {
            "field": str(getattr(fields[name], "verbose_name", name)).capitalize(),
            "old": _shown(fields[name], getattr(proposal.program, name)),
            "new": _shown(fields[name], value),
        }
        for name, value in proposal.changes.items()
        if name in fields
    ]


@office_required
def proposal_detail(request: AuthedRequest, uuid: str) -> HttpResponse:
    proposal = get_object_or_404(
        ProgramUpdateProposal.objects.select_related("program", "organisation", "proposed_by"),
        uuid=uuid,
    )
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return post_action(
            request,
            lambda: proposal_decide(
                proposal=proposal,
                user=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["decision_note"],
            ),
            done="Decision recorded.",
            then=reverse("inventory:proposals"),
        )
    return render(
        request,
        "inventory/proposal_detail.html",
        {"proposal": proposal, "rows": _proposal_rows(proposal), "form": form},
    )


@grantee_required
def my_programs(request: AuthedRequest) -> HttpResponse:
    organisations = Organisation.objects.for_member(request.user)
    led = Program.objects.filter(lead_organisation__in=organisations).select_related(
        "lead_organisation"
    )
    partnered = (
        Program.objects.filter(partners__in=organisations)
        .exclude(lead_organisation__in=organisations)
        .select_related("lead_organisation")
        .distinct()
    )
    own_proposals = ProgramUpdateProposal.objects.filter(
        organisation__in=organisations
    ).select_related("program")
    return render(
        request,
        "inventory/my_programs.html",
        {"led": led, "partnered": partnered, "proposals": own_proposals[:20]},
    )


@grantee_required
def propose_update(request: AuthedRequest, uuid: str) -> HttpResponse:
    program = get_program_for_grantee(request, uuid)
    # the form edits a copy: nothing changes on the program until staff approve
    draft = Program.objects.get(pk=program.pk)
    form = ProposalForm(request.POST or None, instance=draft)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in PROPOSABLE_FIELDS}
        if form_action(
            form,
            lambda: proposal_submit(
                program=program,
                organisation=program.lead_organisation,
                user=request.user,
                changes=changes,
                note=form.cleaned_data["note"],
            ),
        ):
            messages.success(request, "Your update was sent to the office for approval.")
            return redirect("inventory:my_programs")
    return render(request, "inventory/propose_update.html", {"program": program, "form": form})


routes: list[URLPattern] = [
    path("", program_list, name="program_list"),
    path("programs/new/", program_edit, name="program_create"),
    path("programs/<uuid:uuid>/", program_detail, name="program_detail"),
    path("programs/<uuid:uuid>/edit/", program_edit, name="program_edit"),
    path("programs/<uuid:uuid>/history/", program_history, name="program_history"),
    path("survey/template.csv", survey_template, name="survey_template"),
    path("survey/", survey_upload, name="survey_upload"),
    path("proposals/", proposals, name="proposals"),
    path("proposals/<uuid:uuid>/", proposal_detail, name="proposal_detail"),
    path("mine/", my_programs, name="my_programs"),
    path("mine/<uuid:uuid>/propose/", propose_update, name="propose_update"),
]
