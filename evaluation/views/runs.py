"""Impact evaluations, for the office: the runs kept, a new run of a program, strategy or
office campaign, a run's result with its charts (and each chart's numbers as CSV), and an
analyst's own panel estimated without being kept."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path

from evaluation.forms import PanelForm, RunForm
from evaluation.models import EvaluationMethod, EvaluationRun
from evaluation.selectors.runs import MONTH, complete_window
from evaluation.services.runs import Choice, evaluation_run, panel_estimate, panel_from_csv
from inventory.models import Campaign
from ovp.accounts.permissions import office_required
from ovp.areas.models import AreaKind
from ovp.core.actions import AuthedRequest, form_action
from ovp.core.exports import csv_response
from ovp.core.uploads import MB, megabytes, too_large, upload_limit
from ovp.incidents.selectors import aggregates_version, area_kinds

PAGE_SIZE = 30


@office_required
def run_list(request: AuthedRequest) -> HttpResponse:
    runs = EvaluationRun.objects.select_related("created_by", "program", "campaign")
    page = Paginator(runs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "evaluation/run_list.html", {"page": page})


# shown for a missing number (an en dash)
NONE = "\u2013"


def _kinds() -> list[tuple[str, str]]:
    labels = dict(AreaKind.choices)
    kinds = area_kinds() or [AreaKind.NEIGHBOURHOOD.value]
    return [(kind, labels.get(kind, kind)) for kind in kinds]


@office_required
def run_create(request: AuthedRequest) -> HttpResponse:
    window = complete_window(MONTH)
    initial: dict[str, Any] = {}
    if window:
        initial.update(begin=window[0], end=window[1])
    kinds = _kinds()
    if AreaKind.NEIGHBOURHOOD in dict(kinds):
        initial["area_kind"] = AreaKind.NEIGHBOURHOOD
    initial.update(_campaign_initial(request.GET.get("campaign"), dict(kinds)))
    form = RunForm(request.POST or None, initial=initial, area_kinds=kinds)
    if request.method == "POST" and form.is_valid():
        choice = _choice(form.cleaned_data)
        run = form_action(form, lambda: evaluation_run(choice=choice, user=request.user)).value
        if run is not None:
            messages.success(request, "The evaluation ran and was saved.")
            return redirect("evaluation:run_detail", uuid=run.uuid)
    return render(request, "evaluation/run_form.html", {"form": form, "has_data": bool(window)})


def _campaign_initial(uuid: str | None, kinds: dict[str, str]) -> dict[str, Any]:
    """The form filled in for a campaign named in the address (from the campaign's page):
    the campaign, and the kind of its areas."""
    try:
        campaign = Campaign.objects.get(uuid=uuid) if uuid else None
    except (Campaign.DoesNotExist, ValidationError):
        return {}
    if campaign is None:
        return {}
    initial: dict[str, Any] = {"campaign": campaign}
    kind = campaign.areas.values_list("kind", flat=True).first()
    if kind in kinds:
        initial["area_kind"] = kind
    return initial


def _choice(data: dict[str, Any]) -> Choice:
    return Choice(
        campaign=data["campaign"],
        program=data["program"],
        strategy=data["strategy"],
        area_kind=data["area_kind"],
        period=data["period"],
        begin=data["begin"],
        end=data["end"],
        method=data["method"],
        outcome=data["outcome"],
        comparisons_per_area=data["comparisons_per_area"],
        comparison_area_ids=[area.pk for area in data["comparison_areas"]] or None,
        log_outcome=data["log_outcome"],
        citywide_start=data["citywide_start"],
    )


def _number(value: float | None, digits: int = 3) -> str:
    return NONE if value is None else f"{value:.{digits}g}"


def _percent(value: float | None) -> str:
    return NONE if value is None else f"{value * 100:+.0f}%"


def result_display(results: dict[str, Any]) -> dict[str, str]:
    """The result's numbers as text for the page."""
    return {
        "estimate": _number(results.get("estimate")),
        "std_error": _number(results.get("std_error"))
        + (
            f" (on the {scale} scale)"
            if (scale := (results.get("details") or {}).get("std_error_scale"))
            else ""
        ),
        "ci": (
            f"{_number(results.get('ci_low'))} to {_number(results.get('ci_high'))}"
            if results.get("ci_low") is not None
            else "none for this method"
        ),
        "relative": _percent(results.get("relative")),
        "relative_ci": (
            f"{_percent(results.get('relative_low'))} to {_percent(results.get('relative_high'))}"
            if results.get("relative_low") is not None
            else NONE
        ),
        "p_value": _number(results.get("p_value"), 2),
        "pretrend_p": _number((results.get("details") or {}).get("pretrend_p"), 2),
        "scale": {
            "difference": "difference per area and period",
            "log": "difference in log counts",
            "rate ratio": "rate ratio (1 = no change)",
            "ratio": "counts after the start over the trend before it carried on (1 = no change)",
        }.get(results.get("scale", ""), results.get("scale", "")),
    }


def _figures(run: EvaluationRun) -> list[Any]:
    # the charts need pandas: imported here, not when the URLconf loads
    from evaluation.charts import run_charts

    return run_charts(run.results, run.inputs.get("outcome_label", "people shot"))


@office_required
def run_detail(request: AuthedRequest, uuid: str) -> HttpResponse:
    run = get_object_or_404(
        EvaluationRun.objects.select_related("created_by", "program", "campaign"), uuid=uuid
    )
    return render(
        request,
        "evaluation/run_detail.html",
        {
            "run": run,
            "inputs": run.inputs,
            "results": run.results,
            "charts": _figures(run),
            "method_label": run.get_method_display(),
            "shown": result_display(run.results),
            "data_changed": run.inputs.get("aggregates_version") != aggregates_version(),
        },
    )


@office_required
def run_chart_csv(request: AuthedRequest, uuid: str, chart: str) -> HttpResponse:
    run = get_object_or_404(EvaluationRun, uuid=uuid)
    found = next((c for c in _figures(run) if c.slug == chart), None)
    if found is None:
        raise Http404("This run has no such chart.")
    rows = found.table.astype(object).where(found.table.notna(), None).values.tolist()
    return csv_response(f"ovp-evaluation-{chart}-{run.uuid}", list(found.table.columns), rows)


@upload_limit(
    limit_bytes=megabytes(lambda: settings.OVP_GRANT_UPLOAD_MAX_MB),
    message=lambda: too_large(settings.OVP_GRANT_UPLOAD_MAX_MB * MB),
)
@office_required
def panel_upload(request: AuthedRequest) -> HttpResponse:
    from evaluation.charts import run_charts
    from evaluation.estimators import PanelError

    form = PanelForm(request.POST or None, request.FILES or None)
    result = None
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # not form_action: the estimators refuse with a PanelError, shown above the result on
        # this same page (nothing is kept, so there is nowhere to redirect to)
        try:
            panel = panel_from_csv(
                data["file"].read(),
                unit=data["unit"].strip(),
                time=data["time"].strip(),
                outcome=data["outcome"].strip(),
                treated_from=data["treated_from"].strip(),
                weights=data["weights"].strip() or None,
                log_outcome=data["log_outcome"],
                outcome_is_log=data["outcome_is_log"],
            )
            result = panel_estimate(panel, data["method"] or None).as_dict()
        except PanelError as problem:
            error = str(problem)
    charts = run_charts(result, "the outcome") if result else []
    return render(
        request,
        "evaluation/panel.html",
        {
            "form": form,
            "result": result,
            "error": error,
            "charts": charts,
            "method_label": EvaluationMethod(result["method"]).label if result else "",
            "shown": result_display(result) if result else {},
        },
    )


routes: list[URLPattern] = [
    path("", run_list, name="run_list"),
    path("new/", run_create, name="run_create"),
    path("panel/", panel_upload, name="panel"),
    path("runs/<uuid:uuid>/", run_detail, name="run_detail"),
    path("runs/<uuid:uuid>/<slug:chart>.csv", run_chart_csv, name="run_chart_csv"),
]
