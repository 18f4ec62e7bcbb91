"""The office's funds and funding rounds, with each round's rubric and applications."""

from uuid import UUID

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone

from grants.forms.rounds import CriterionFormSet, FundForm, RoundForm
from grants.models import METRIC_MAX, ApplicationStatus, Fund, FundingRound
from grants.selectors.review import EMPTY, application_scores
from grants.services.rounds import fund_save, round_save
from inventory.models import Strategy
from ovp.accounts.permissions import office_required
from ovp.core.actions import AuthedRequest, form_action


def _round_state(funding_round: FundingRound) -> str:
    now = timezone.now()
    if now < funding_round.opens_at:
        return "Upcoming"
    if funding_round.is_open(now):
        return "Open"
    return "Closed"


def _rounds_with_counts() -> list[FundingRound]:
    rounds: list[FundingRound] = list(
        FundingRound.objects.select_related("fund").annotate(
            submitted_count=Count(
                "applications",
                filter=~Q(
                    applications__status__in=[
                        ApplicationStatus.DRAFT,
                        ApplicationStatus.WITHDRAWN,
                    ]
                ),
            )
        )
    )
    for funding_round in rounds:
        funding_round.state = _round_state(funding_round)  # type: ignore[attr-defined]
    return rounds


def _uuid_or_none(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return None


@office_required
def fund_list(request: AuthedRequest) -> HttpResponse:
    return render(request, "grants/round_funds.html", {"funds": Fund.objects.all()})


@office_required
def fund_edit(request: AuthedRequest, uuid: str | None = None) -> HttpResponse:
    fund = get_object_or_404(Fund, uuid=uuid) if uuid else Fund()
    form = FundForm(request.POST or None, instance=fund)
    if (
        request.method == "POST"
        and form.is_valid()
        and (saved := form_action(form, lambda: fund_save(form=form)).value)
    ):
        messages.success(request, f"Saved {saved.name}.")
        return redirect("grants:fund_list")
    return render(
        request, "grants/round_fund_form.html", {"form": form, "fund": fund if uuid else None}
    )


@office_required
def round_list(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "grants/round_list.html",
        {"funds": Fund.objects.all(), "rounds": _rounds_with_counts()},
    )


@office_required
def round_edit(request: AuthedRequest, uuid: str | None = None) -> HttpResponse:
    funding_round = (
        get_object_or_404(FundingRound.objects.select_related("fund"), uuid=uuid)
        if uuid
        else FundingRound()
    )
    initial = {}
    if not uuid and request.GET.get("fund"):
        fund_uuid = _uuid_or_none(request.GET["fund"])
        initial = {"fund": Fund.objects.filter(uuid=fund_uuid).first() if fund_uuid else None}
    form = RoundForm(request.POST or None, instance=funding_round, initial=initial)
    criteria = CriterionFormSet(request.POST or None, instance=funding_round, prefix="criteria")
    if (
        request.method == "POST"
        and form.is_valid()
        and criteria.is_valid()
        and (saved := form_action(form, lambda: round_save(form=form, criteria=criteria)).value)
    ):
        messages.success(request, f"Saved {saved.name}.")
        return redirect("grants:round_detail", uuid=saved.uuid)
    return render(
        request,
        "grants/round_form.html",
        {"form": form, "criteria": criteria, "funding_round": funding_round if uuid else None},
    )


@office_required
def round_detail(request: AuthedRequest, uuid: str) -> HttpResponse:
    funding_round = get_object_or_404(
        FundingRound.objects.select_related("fund").prefetch_related("priority_areas"), uuid=uuid
    )
    applications = list(
        funding_round.applications.submitted()
        .select_related("organisation")
        .order_by("organisation__name", "title")
    )
    scores = application_scores(applications)
    rows = [(application, scores.get(application.pk, EMPTY)) for application in applications]
    strategy_labels = dict(Strategy.choices)
    criteria = list(funding_round.criteria.all())
    return render(
        request,
        "grants/round_detail.html",
        {
            "funding_round": funding_round,
            "state": _round_state(funding_round),
            "criteria": criteria,
            "rows": rows,
            "drafts": funding_round.applications.filter(status=ApplicationStatus.DRAFT).count(),
            "strategies": [strategy_labels.get(s, s) for s in funding_round.priority_strategies],
            "total_weight": sum(criterion.weight for criterion in criteria),
            "round_metrics": funding_round.metrics.select_related("metric"),
            "metric_max": METRIC_MAX,
        },
    )


routes: list[URLPattern] = [
    path("grants/funds/", fund_list, name="fund_list"),
    path("grants/funds/new/", fund_edit, name="fund_create"),
    path("grants/funds/<uuid:uuid>/edit/", fund_edit, name="fund_edit"),
    path("grants/rounds/", round_list, name="round_list"),
    path("grants/rounds/new/", round_edit, name="round_create"),
    path("grants/rounds/<uuid:uuid>/", round_detail, name="round_detail"),
    path("grants/rounds/<uuid:uuid>/edit/", round_edit, name="round_edit"),
]
