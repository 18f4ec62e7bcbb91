"""The allocation workbench of a funding round (office staff)."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone

from grants.models import FundingRound
from grants.selectors.allocation import METHOD, allocation_workbench
from grants.services.allocation import allocation_record
from ovp.accounts.permissions import office_required
from ovp.areas.models import AreaKind
from ovp.core.actions import AuthedRequest
from ovp.core.exports import csv_response

# money fields hold 14 digits, 2 of them cents
MAX_DIGITS_BEFORE_POINT = 12
CENT = Decimal("0.01")


def _amounts(
    request: HttpRequest, application_ids: list[int]
) -> tuple[dict[int, Decimal], list[str]]:
    """The final amounts typed in, one field per application; blank means 0."""
    amounts, problems = {}, []
    for application_id in application_ids:
        raw = (
            request.POST.get(f"amount-{application_id}", "")
            .strip()
            .replace(",", "")
            .replace("$", "")
        )
        try:
            amount = Decimal(raw or "0")
            if not amount.is_finite():
                raise InvalidOperation(raw)
            if amount.adjusted() >= MAX_DIGITS_BEFORE_POINT:
                problems.append(
                    f"'{raw}' is too large: at most {MAX_DIGITS_BEFORE_POINT} digits before "
                    "the point."
                )
                continue
            if amount != amount.quantize(CENT):
                problems.append(f"'{raw}' has more than two decimal places.")
                continue
        except InvalidOperation:
            problems.append(f"'{raw}' is not an amount of dollars.")
            continue
        amounts[application_id] = amount
    return amounts, problems


@office_required
def allocation(request: AuthedRequest, uuid: str) -> HttpResponse:
    funding_round = get_object_or_404(FundingRound.objects.select_related("fund"), uuid=uuid)
    workbench = allocation_workbench(funding_round, on=timezone.localdate())
    errors: list[str] = []
    typed: dict[int, str] = {}
    if request.method == "POST":
        ids = [c.application.pk for c in workbench.candidates]
        typed = {i: request.POST.get(f"amount-{i}", "") for i in ids}
        amounts, errors = _amounts(request, ids)
        if not errors:
            try:
                allocation_record(
                    funding_round=funding_round,
                    amounts=amounts,
                    proposed={c.application.pk: c.proposed for c in workbench.candidates},
                    user=request.user,
                    note=request.POST.get("note", ""),
                )
            # not form_action: no form; the page lists the refusals beside the typed amounts
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(request, "The allocation is recorded.")
                return redirect("grants:allocation", uuid=funding_round.uuid)
    if request.GET.get("download") == "areas":
        return csv_response(
            f"ovp-allocation-areas-{funding_round.uuid}",
            ["Area code", "Area", "People shot (12 months)", "Homicides (12 months)",
             "Benchmark", "Already funded (a year)", "Gap"],
            [[n.area.code, n.area.name, n.people_shot, n.homicides, n.benchmark, n.funded, n.gap]
             for n in workbench.areas],
        )  # fmt: skip
    for candidate in workbench.candidates:
        candidate.typed = typed.get(  # type: ignore[attr-defined]
            candidate.application.pk,
            str(candidate.final if candidate.final is not None else candidate.proposed),
        )
    return render(
        request,
        "grants/allocation.html",
        {
            "workbench": workbench,
            "method": METHOD,
            "errors": errors,
            "kind_label": dict(AreaKind.choices).get(workbench.kind, workbench.kind),
            "allocation": getattr(funding_round, "allocation", None),
        },
    )


routes: list[URLPattern] = [
    path("grants/rounds/<uuid:uuid>/allocation/", allocation, name="allocation"),
]
