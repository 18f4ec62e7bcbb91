import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify

from ovp.accounts.permissions import office_required
from ovp.areas.models import Area
from ovp.incidents import dashboard as dashboards
from ovp.incidents import selectors
from ovp.incidents.forms import ImportUploadForm
from ovp.incidents.models import AggregationRun, ImportRun
from ovp.incidents.services import import_enqueue


def _dashboard_context(request: HttpRequest) -> dict[str, Any]:
    data = selectors.data_range()
    kinds = selectors.area_kinds()
    scope = selectors.scope_from(request.GET, data, kinds)
    context: dict[str, Any] = {"data": data, "scope": scope, "kinds": kinds}
    if scope is not None:
        context["areas"] = selectors.areas_of_kind(scope.area_kind)
        context["dashboard"] = dashboards.cached(scope, data)
    return context


@office_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "incidents/dashboard.html", _dashboard_context(request))


@office_required
def dashboard_csv(request: HttpRequest, chart: str) -> HttpResponse:
    context = _dashboard_context(request)
    if "dashboard" not in context:
        raise Http404("No data yet.")
    return _chart_csv(context["dashboard"], chart, context["scope"])


def _chart_csv(board: dashboards.Dashboard, slug: str, scope: selectors.Scope) -> HttpResponse:
    chart = next((c for c in board.charts if c.slug == slug), None)
    if chart is None:
        raise Http404("No such chart.")
    where = scope.area.code if scope.area else "city"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ovp-{slug}-{scope.year}-{slugify(where)}.csv"'
    writer = csv.writer(response)
    writer.writerow([str(c) for c in chart.table.columns])
    for row in chart.table.itertuples(index=False):
        writer.writerow([_csv_cell(value) for value in row])
    return response


def _csv_cell(value: Any) -> Any:
    # a cell starting with = + - @ would be a formula in a spreadsheet
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return value


def _public_context(request: HttpRequest) -> dict[str, Any]:
    data = selectors.data_range()
    scope = selectors.scope_from({"year": request.GET.get("year")}, data, selectors.area_kinds())
    context: dict[str, Any] = {"data": data, "scope": scope}
    if scope is not None:
        areas = list(Area.objects.of_kind(scope.area_kind).order_by("code"))
        board, figures = dashboards.public(dashboards.cached(scope, data), areas)
        context.update(dashboard=board, figures=figures)
    return context


@login_not_required
def public_dashboard(request: HttpRequest) -> HttpResponse:
    from django.conf import settings

    context = _public_context(request)
    context["threshold"] = settings.OVP_SUPPRESSION_THRESHOLD
    return render(request, "incidents/public.html", context)


@login_not_required
def public_csv(request: HttpRequest, chart: str) -> HttpResponse:
    context = _public_context(request)
    if "dashboard" not in context:
        raise Http404("No data yet.")
    return _chart_csv(context["dashboard"], chart, context["scope"])


@office_required
def imports(request: HttpRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = import_enqueue(
                uploaded=form.cleaned_data["file"],
                source=form.source(),
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.info(request, "The file is being imported; this page follows its progress.")
            return redirect("incidents:import_detail", uuid=run.uuid)
    return render(
        request,
        "incidents/imports.html",
        {
            "form": form,
            "runs": ImportRun.objects.select_related("source", "created_by")[:50],
            "aggregations": AggregationRun.objects.all()[:20],
        },
    )


@office_required
def import_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    run = get_object_or_404(ImportRun.objects.select_related("source"), uuid=uuid)
    template = "incidents/partials/import_progress.html" if request.headers.get("HX-Request") else "incidents/import_detail.html"
    return render(request, template, {"run": run})


@office_required
def import_rejected(request: HttpRequest, uuid: str) -> HttpResponse:
    run = get_object_or_404(ImportRun, uuid=uuid)
    if not run.rejected_report:
        raise Http404("This import rejected no rows.")
    response = HttpResponse(run.rejected_report, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rejected-rows-{run.uuid}.csv"'
    return response


