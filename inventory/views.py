from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from inventory import forms as inventory_forms
from inventory import selectors, services
from inventory.forms import (
    PROPOSABLE_FIELDS,
    CampaignFilter,
    CampaignForm,
    CampaignOutputForm,
    CampaignSpendingForm,
    DecisionForm,
    ProgramFilter,
    ProgramForm,
    ProposalForm,
    ServiceAreaFormSet,
    SurveyUploadForm,
)
from inventory.models import (
    Campaign,
    CampaignOutput,
    CampaignSpending,
    Program,
    ProgramUpdateProposal,
    ProposalStatus,
    ServiceArea,
    Strategy,
)
from inventory.permissions import get_program_for_grantee
from inventory.services import (
    CAMPAIGN_FIELDS,
    SURVEY_COLUMNS,
    SURVEY_HEADER,
    CampaignLinks,
    campaign_create,
    campaign_update,
    inventory_rows,
    program_save,
    proposal_decide,
    proposal_submit,
    survey_import,
)
from ovp.accounts.permissions import grantee_required, office_required
from ovp.areas.models import Area, AreaKind
from ovp.areas.selectors import is_area_code
from ovp.core.actions import AuthedRequest, form_action, post_action
from ovp.core.exports import csv_response, xlsx_response
from ovp.core.jsonscript import script_json
from ovp.core.origin import same_site_posts
from ovp.core.public_cache import public_page
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


@office_required
def gaps(request: AuthedRequest) -> HttpResponse:
    try:
        years = int(request.GET.get("years") or selectors.DEFAULT_YEARS)
    except ValueError:
        years = selectors.DEFAULT_YEARS
    analysis = selectors.gaps_analysis(
        kind=request.GET.get("kind"), years=years, on=timezone.localdate()
    )
    download = request.GET.get("download")
    stamp = f"{analysis.kind}-{analysis.years}y"
    if download == "gaps":
        return csv_response(
            f"ovp-gaps-{stamp}", selectors.GAPS_CSV_HEADER, selectors.gaps_csv_rows(analysis)
        )
    if download == "matrix":
        header, rows = selectors.matrix_csv(analysis)
        return csv_response(f"ovp-coverage-{stamp}", header, rows)
    labels = dict(Strategy.choices)
    high = set(analysis.high_burden)
    matrix = [
        {
            "code": row.code,
            "name": row.name,
            "victims": int(row.victims),
            "rate": None if row.rate != row.rate else row.rate,
            "high": row.area_id in high,
            "area_id": int(row.area_id),
            "cells": [
                _matrix_cell(s, analysis.cell(int(row.area_id), s)) for s in analysis.strategies
            ],
            "campaigns": analysis.campaigns.get(int(row.area_id), []),
        }
        for row in analysis.burden.itertuples(index=False)
    ]
    kind_labels = dict(AreaKind.choices)
    return render(
        request,
        "inventory/gaps.html",
        {
            "analysis": analysis,
            "matrix": matrix,
            "strategy_labels": [labels[s] for s in analysis.strategies],
            "kinds": [(k, kind_labels.get(k, k)) for k in analysis.kinds],
            "year_choices": selectors.YEAR_CHOICES,
            "map_json": script_json(selectors.gaps_map(analysis)),
            "covered_high": sum(analysis.covered(area_id) for area_id in analysis.high_burden),
        },
    )


def _matrix_cell(strategy: str, programs: list[selectors.Coverage]) -> dict[str, Any]:
    return {
        "strategy": strategy,
        "count": len(programs),
        # an evidence-based program found without effect here does not make the cell "EB"
        "evidence_based": any(p.evidence_based and not p.no_effect for p in programs),
        "names": "; ".join(p.program_name for p in programs),
    }


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


# -- The office's own campaigns ----------------------------------------------------------------


def _campaign_links(data: dict[str, Any]) -> CampaignLinks:
    return CampaignLinks(
        areas=list(data["areas"]),
        partners=list(data["partners"]),
        goals=list(data["goals"]),
        action_items=list(data["action_items"]),
    )


@office_required
def campaign_list(request: AuthedRequest) -> HttpResponse:
    campaigns = Campaign.objects.order_by("-started_on", "name")
    filters = CampaignFilter(request.GET or None, queryset=campaigns)
    if filters.is_bound:
        campaigns = filters.qs if filters.is_valid() else campaigns.none()
    page = Paginator(selectors.campaign_list_rows(campaigns), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "inventory/campaign_list.html",
        {
            "filters": filters,
            "filters_invalid": filters.is_bound and not filters.is_valid(),
            "page": page,
            "rows": [(campaign, campaign.status_label_on(today)) for campaign in page],
            "query": query.urlencode(),
        },
    )


@office_required
def campaign_detail(request: AuthedRequest, uuid: str) -> HttpResponse:
    campaign = get_object_or_404(
        Campaign.objects.select_related("created_by").prefetch_related(
            "partners", "goals", "action_items__goal"
        ),
        uuid=uuid,
    )
    areas = list(campaign.areas.order_by("code"))
    figure = selectors.campaign_map(campaign, areas)
    chart = selectors.campaign_outputs_chart(campaign)
    spent = selectors.campaign_spent(campaign)
    return render(
        request,
        "inventory/campaign_detail.html",
        {
            "campaign": campaign,
            "areas": areas,
            "status": campaign.status_label_on(timezone.localdate()),
            "map_json": script_json(figure) if figure else None,
            "chart_json": script_json(chart) if chart else None,
            "totals": selectors.campaign_output_totals(campaign),
            "outputs": campaign.outputs.select_related("created_by")[:50],
            "spending": campaign.spending.select_related("created_by")[:50],
            "spent": spent,
            "left": campaign.budget - spent,
            "over_by": spent - campaign.budget,
            "over_budget": spent > campaign.budget,
            # the evaluation app's runs of this campaign (by the relation it declares)
            "evaluations": campaign.evaluations.all()[:10],  # type: ignore[attr-defined]
            "output_form": CampaignOutputForm(),
            "spending_form": CampaignSpendingForm(),
        },
    )


@office_required
def campaign_edit(request: AuthedRequest, uuid: str | None = None) -> HttpResponse:
    campaign = get_object_or_404(Campaign, uuid=uuid) if uuid else Campaign()
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in CAMPAIGN_FIELDS}
        links = _campaign_links(form.cleaned_data)
        # the form's instance holds the posted values now: the service reads the saved row
        saved = form_action(
            form,
            lambda: (
                campaign_update(campaign=campaign, values=values, links=links)
                if uuid
                else campaign_create(user=request.user, values=values, links=links)
            ),
        ).value
        if saved is not None:
            messages.success(request, f"Saved {saved.name}.")
            return redirect("inventory:campaign_detail", uuid=saved.uuid)
    return render(
        request,
        "inventory/campaign_form.html",
        {"form": form, "campaign": campaign if uuid else None},
    )


@office_required
def campaign_output_log(request: AuthedRequest, uuid: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign, uuid=uuid)
    form = CampaignOutputForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        output = form_action(
            form,
            lambda: services.campaign_output_log(
                campaign=campaign,
                user=request.user,
                on=data["on"],
                kind=data["kind"],
                quantity=data["quantity"],
                note=data["note"],
            ),
        ).value
        if output is not None:
            messages.success(request, f"Logged {output}.")
            return redirect("inventory:campaign_detail", uuid=campaign.uuid)
    return render(
        request,
        "inventory/campaign_entry_form.html",
        {"campaign": campaign, "form": form, "what": "output", "title": "Log an output"},
    )


@office_required
def campaign_spending_log(request: AuthedRequest, uuid: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign, uuid=uuid)
    form = CampaignSpendingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        spending = form_action(
            form,
            lambda: services.campaign_spending_log(
                campaign=campaign,
                user=request.user,
                spent_on=data["spent_on"],
                amount=data["amount"],
                description=data["description"],
            ),
        ).value
        if spending is not None:
            messages.success(request, f"Logged ${spending.amount:,.2f} spent.")
            return redirect("inventory:campaign_detail", uuid=campaign.uuid)
    return render(
        request,
        "inventory/campaign_entry_form.html",
        {"campaign": campaign, "form": form, "what": "spending", "title": "Log spending"},
    )


@require_POST
@office_required
def campaign_output_delete(request: AuthedRequest, uuid: str) -> HttpResponse:
    output = get_object_or_404(CampaignOutput.objects.select_related("campaign"), uuid=uuid)
    return post_action(
        request,
        lambda: services.campaign_output_delete(output=output),
        done=f"Deleted the output {output}.",
        then=reverse("inventory:campaign_detail", args=[output.campaign.uuid]),
    )


@require_POST
@office_required
def campaign_spending_delete(request: AuthedRequest, uuid: str) -> HttpResponse:
    spending = get_object_or_404(CampaignSpending.objects.select_related("campaign"), uuid=uuid)
    return post_action(
        request,
        lambda: services.campaign_spending_delete(spending=spending),
        done=f"Deleted the spending entry of ${spending.amount:,.2f}.",
        then=reverse("inventory:campaign_detail", args=[spending.campaign.uuid]),
    )


# -- the public program directory (no login) ---------------------------------------------------


@public_page(params={"area": is_area_code, "located": "1"})
@same_site_posts
def public_program_list(request: HttpRequest) -> HttpResponse:
    """Opted-in programs, those working in the visitor's area first. A post of `lat`, `lon`
    (the browser's location, static/js/near_me.js) is placed in an area and sent on as
    `?area=CODE`: the point is in no address, so no access log keeps it."""
    today = timezone.localdate()
    problems: list[str] = []
    if request.method == "POST":
        location = inventory_forms.PublicLocationForm(request.POST)
        if location.is_valid():
            found = selectors.public_area_at(
                lat=location.cleaned_data["lat"], lon=location.cleaned_data["lon"], on=today
            )
            if found is not None:
                query = urlencode({"area": found.code, "located": 1})
                return redirect(f"{reverse('public_programs:list')}?{query}")
            problems.append(
                "That location is not in any of the city's areas. Choose your area from the list."
            )
        else:
            problems.extend(str(e) for errors in location.errors.values() for e in errors)
    area_code = request.GET.get("area", "").strip()[:64]
    directory = selectors.public_directory(area_code=area_code, on=today)
    if area_code and directory.chosen is None:
        problems.append("There is no area with that code. Choose your area from the list.")
    counts = selectors.public_area_counts(directory)
    context = {
        "directory": directory,
        "problems": problems,
        "located": directory.chosen is not None and request.GET.get("located") == "1",
        "map_json": script_json(selectors.public_directory_map(directory, counts)),
        "area_rows": [(a.name, counts[a.pk]) for a in directory.areas if a.pk in counts],
    }
    return render(request, "inventory/public_program_list.html", context)


@public_page
def public_program_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    shown = selectors.public_program(uuid, timezone.localdate())
    if shown is None:
        raise Http404("No such program in the public directory.")
    return render(request, "inventory/public_program_detail.html", {"shown": shown})
