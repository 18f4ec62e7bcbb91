"""The office's own campaigns: the list, a campaign's page, its form, and logging (or
deleting) its outputs and spending."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from inventory.forms.campaigns import (
    CampaignFilter,
    CampaignForm,
    CampaignOutputForm,
    CampaignSpendingForm,
)
from inventory.models import Campaign, CampaignOutput, CampaignSpending
from inventory.selectors import campaigns as selectors
from inventory.services import campaigns as services
from inventory.services.campaigns import (
    CAMPAIGN_FIELDS,
    CampaignLinks,
    campaign_create,
    campaign_update,
)
from inventory.views.programs import PAGE_SIZE
from ovp.accounts.permissions import office_required
from ovp.core.actions import AuthedRequest, form_action, post_action
from ovp.core.jsonscript import script_json


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


def _entry_page(
    request: AuthedRequest,
    uuid: str,
    form_class: type[forms.ModelForm],
    log: Callable[..., Any],
    *,
    done: Callable[[Any], str],
    what: str,
    title: str,
) -> HttpResponse:
    """A page that logs one entry of a campaign (an output, a spending): the form's fields
    are the service's arguments."""
    campaign = get_object_or_404(Campaign, uuid=uuid)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entry = form_action(form, lambda: log(campaign=campaign, user=request.user, **data)).value
        if entry is not None:
            messages.success(request, done(entry))
            return redirect("inventory:campaign_detail", uuid=campaign.uuid)
    return render(
        request,
        "inventory/campaign_entry_form.html",
        {"campaign": campaign, "form": form, "what": what, "title": title},
    )


@office_required
def campaign_output_log(request: AuthedRequest, uuid: str) -> HttpResponse:
    return _entry_page(
        request, uuid, CampaignOutputForm, services.campaign_output_log,
        done=lambda output: f"Logged {output}.", what="output", title="Log an output",
    )  # fmt: skip


@office_required
def campaign_spending_log(request: AuthedRequest, uuid: str) -> HttpResponse:
    return _entry_page(
        request, uuid, CampaignSpendingForm, services.campaign_spending_log,
        done=lambda spending: f"Logged ${spending.amount:,.2f} spent.", what="spending",
        title="Log spending",
    )  # fmt: skip


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


routes: list[URLPattern] = [
    path("campaigns/", campaign_list, name="campaign_list"),
    path("campaigns/new/", campaign_edit, name="campaign_create"),
    path("campaigns/<uuid:uuid>/", campaign_detail, name="campaign_detail"),
    path("campaigns/<uuid:uuid>/edit/", campaign_edit, name="campaign_edit"),
    path("campaigns/<uuid:uuid>/outputs/new/", campaign_output_log, name="campaign_output_log"),
    path(
        "campaigns/<uuid:uuid>/spending/new/",
        campaign_spending_log,
        name="campaign_spending_log",
    ),
    path(
        "campaigns/outputs/<uuid:uuid>/delete/",
        campaign_output_delete,
        name="campaign_output_delete",
    ),
    path(
        "campaigns/spending/<uuid:uuid>/delete/",
        campaign_spending_delete,
        name="campaign_spending_delete",
    ),
]
