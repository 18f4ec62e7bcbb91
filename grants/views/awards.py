"""Awards and payments: the office's money pages, and the grantee's own awards."""

import uuid as uuid_module
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from grants.forms.awards import AwardForm, BudgetLineFormSet, TrancheFormSet
from grants.models import (
    Application,
    Award,
    AwardStatus,
    QuarterlyReport,
    ReportStatus,
    Tranche,
)
from grants.selectors.awards import awards_with_money, money_overview
from grants.services.awards import award_cap, award_close, award_create, tranche_release
from ovp.accounts.permissions import grantee_required, office_required
from ovp.core.actions import AuthedRequest, post_action


@office_required
def award_list(request: AuthedRequest) -> HttpResponse:
    overview = money_overview()
    awaiting_review = (
        QuarterlyReport.objects.filter(status=ReportStatus.SUBMITTED)
        .select_related("award", "award__organisation")
        .order_by("submitted_at")
    )
    return render(
        request,
        "grants/award_list.html",
        {"overview": overview, "awaiting_review": awaiting_review},
    )


def _initial(application: Application | None) -> dict[str, Any]:
    if application is None:
        return {}
    line = getattr(application, "allocation_line", None)
    amount = line.final_amount if line is not None else application.approved_amount
    return {
        "fund": application.funding_round.fund,
        "organisation": application.organisation,
        "program": application.program,
        "title": application.title,
        "amount": amount,
        "areas": list(application.areas.all()),
    }


def _filled(formset: Any) -> list[dict[str, Any]]:
    """The rows of a formset that were filled in (blank extra rows are left out)."""
    return [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


@office_required
def award_create_view(request: AuthedRequest) -> HttpResponse:
    """Make an award, from an approved application (`?application=<uuid>`) or without one."""
    application = None
    if "application" in request.GET:
        try:
            application_uuid = uuid_module.UUID(request.GET["application"])
        except ValueError:
            raise Http404("No such application.") from None
        application = get_object_or_404(
            Application.objects.select_related("funding_round__fund", "organisation", "program"),
            uuid=application_uuid,
        )
    data = request.POST if request.method == "POST" else None
    form = AwardForm(data, initial=_initial(application), locked=application is not None)
    budget_lines = BudgetLineFormSet(data, prefix="lines")
    tranches = TrancheFormSet(data, prefix="tranches")
    errors: list[str] = []
    if (
        request.method == "POST"
        and form.is_valid()
        and budget_lines.is_valid()
        and tranches.is_valid()
    ):
        cleaned = form.cleaned_data
        try:
            award = award_create(
                application=application,
                fund=application.funding_round.fund if application else cleaned["fund"],
                organisation=application.organisation if application else cleaned["organisation"],
                program=cleaned["program"],
                title=cleaned["title"],
                amount=cleaned["amount"],
                starts_on=cleaned["starts_on"],
                ends_on=cleaned["ends_on"],
                conditions=cleaned["conditions"],
                areas=cleaned["areas"],
                budget_lines=[(row["name"], row["amount"]) for row in _filled(budget_lines)],
                tranches=[
                    (row["amount"], row["planned_on"], row.get("requires_report"))
                    for row in _filled(tranches)
                ],
                user=request.user,
            )
        # not form_action: the page lists the service's refusals above the award and its rows
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request,
                f"Award made: {award.title}, with {award.reports.count()} quarterly report(s) "
                "to come.",
            )
            return redirect("grants:award_detail", uuid=award.uuid)
    return render(
        request,
        "grants/award_form.html",
        {
            "form": form,
            "budget_lines": budget_lines,
            "tranches": tranches,
            "application": application,
            "cap": award_cap(application) if application else None,
            "errors": errors,
            "due_days": settings.OVP_REPORT_DUE_DAYS,
        },
    )


def _tranche_state(tranche: Tranche) -> tuple[str, str]:
    """(label, badge colour) of a tranche, in words."""
    if tranche.is_released:
        return "Released", "success"
    report = tranche.requires_report
    if report is not None and report.status != ReportStatus.APPROVED:
        return f"Waiting for the {report.quarter_label} report", "secondary"
    return "Ready to release", "primary"


def _award_for_page(awards: Any, uuid: str) -> Award:
    return get_object_or_404(
        awards_with_money(awards).prefetch_related(
            "areas",
            Prefetch(
                "tranches",
                queryset=Tranche.objects.select_related("requires_report", "released_by"),
            ),
        ),
        uuid=uuid,
    )


@office_required
def award_detail(request: AuthedRequest, uuid: str) -> HttpResponse:
    award = _award_for_page(Award.objects.all(), uuid)
    lines = award.budget_lines.annotate(
        reported=Sum(
            "spending__amount",
            filter=Q(spending__report__status__in=[ReportStatus.SUBMITTED, ReportStatus.APPROVED]),
        )
    )
    return render(
        request,
        "grants/award_detail.html",
        {
            "award": award,
            "budget_lines": lines,
            "tranches": [(t, *_tranche_state(t)) for t in award.tranches.all()],
            "reports": award.reports.order_by("period_start"),
            "targets": award.targets.select_related("metric"),
            "today": timezone.localdate(),
        },
    )


@office_required
@require_POST
def tranche_release_view(request: AuthedRequest, uuid: str) -> HttpResponse:
    tranche = get_object_or_404(Tranche.objects.select_related("award"), uuid=uuid)
    was_released = tranche.is_released
    # not post_action: releasing twice is information, not a success
    try:
        tranche = tranche_release(tranche=tranche, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if was_released:
            messages.info(request, f"Tranche {tranche.number} was already released.")
        else:
            messages.success(request, f"Tranche {tranche.number} released: ${tranche.amount:,.2f}.")
    return redirect("grants:award_detail", uuid=tranche.award.uuid)


@office_required
@require_POST
def award_close_view(request: AuthedRequest, uuid: str) -> HttpResponse:
    award = get_object_or_404(Award, uuid=uuid)
    return post_action(
        request,
        lambda: award_close(award=award, user=request.user),
        done=f"{award.title} is closed out.",
        then=reverse("grants:award_detail", kwargs={"uuid": award.uuid}),
    )


@grantee_required
def my_awards(request: AuthedRequest) -> HttpResponse:
    awards = awards_with_money(Award.objects.for_organisations_of(request.user)).prefetch_related(
        Prefetch("tranches", queryset=Tranche.objects.select_related("requires_report")),
        Prefetch("reports", queryset=QuarterlyReport.objects.order_by("period_start")),
    )
    rows = [
        {
            "award": award,
            "tranches": [(t, *_tranche_state(t)) for t in award.tranches.all()],
            "reports": award.reports.all(),
        }
        for award in awards.order_by("-starts_on", "title")
    ]
    return render(
        request,
        "grants/award_mine.html",
        {"rows": rows, "today": timezone.localdate(), "closed": AwardStatus.CLOSED},
    )


routes: list[URLPattern] = [
    path("grants/awards/", award_list, name="award_list"),
    path("grants/awards/new/", award_create_view, name="award_create"),
    path("grants/awards/<uuid:uuid>/", award_detail, name="award_detail"),
    path("grants/awards/<uuid:uuid>/close/", award_close_view, name="award_close"),
    path("grants/tranches/<uuid:uuid>/release/", tranche_release_view, name="tranche_release"),
    path("portal/awards/", my_awards, name="my_awards"),
]
