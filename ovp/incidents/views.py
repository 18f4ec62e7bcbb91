from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify

from ovp.accounts.permissions import office_required
from ovp.core.actions import AuthedRequest, form_action
from ovp.core.exports import spreadsheet_safe
from ovp.core.public_cache import YEAR, public_page
from ovp.core.uploads import MB, megabytes, too_large, upload_limit
from ovp.incidents import selectors
from ovp.incidents.forms import ImportUploadForm, MappingBuilderForm, SampleUploadForm, SourceForm
from ovp.incidents.mapping import OTHER_CITY, mapping_from_json
from ovp.incidents.models import AggregationRun, ImportRun, IncidentSource
from ovp.incidents.suppression import MIN_POSSIBLE

if TYPE_CHECKING:
    from ovp.incidents.charts import Chart


# The dashboards, the import and its checks need pandas and pyarrow: they are imported in the
# views that use them, so that loading the URLconf (every command, every worker) does not.


def _dashboard_context(request: HttpRequest) -> dict[str, Any]:
    from ovp.incidents import dashboard as dashboards

    data, kinds, scope = dashboards.scope_for(request.GET)
    context: dict[str, Any] = {"data": data, "scope": scope, "kinds": kinds}
    if scope is not None:
        from ovp.incidents import targets

        context["areas"] = selectors.areas_of_kind(scope.area_kind)
        context["dashboard"] = dashboards.cached(scope, data)
        through = targets.through_week_end(scope.year, scope.through_week)
        progress = [
            targets.cached_progress(target, scope.year, through)
            for target in targets.targets_for(scope.area)
        ]
        context["targets"] = [(p, targets.progress_chart(p)) for p in progress]
    return context


@office_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    return render(request, "incidents/dashboard.html", _dashboard_context(request))


@office_required
def dashboard_csv(request: AuthedRequest, chart: str) -> HttpResponse:
    context = _dashboard_context(request)
    if "dashboard" not in context:
        raise Http404("No data yet.")
    target_charts = [target_chart for _, target_chart in context["targets"]]
    return _chart_csv([*context["dashboard"].charts, *target_charts], chart, context["scope"])


def _chart_csv(charts: list[Chart], slug: str, scope: selectors.Scope) -> HttpResponse:
    chart = next((c for c in charts if c.slug == slug), None)
    if chart is None:
        raise Http404("No such chart.")
    where = scope.area.code if scope.area else "city"
    return _table_csv(chart, f"ovp-{slug}-{scope.year}-{slugify(where)}.csv")


def _table_csv(chart: Chart, file_name: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    writer = csv.writer(response)
    writer.writerow([str(c) for c in chart.table.columns])
    for row in chart.table.itertuples(index=False):
        writer.writerow([spreadsheet_safe(value) for value in row])
    return response


def _public_context(request: HttpRequest) -> dict[str, Any]:
    from ovp.areas.models import Area
    from ovp.incidents import public_charts, publication

    data = selectors.data_range()
    if not data.years:
        return {"data": data}
    try:
        asked = int(request.GET.get("year") or 0)
    except ValueError:
        asked = 0
    if asked in data.years:
        year, page = asked, publication.public_year_cached(asked)
    else:  # the latest year with a release (early in a year, nothing of it is out yet)
        year, page = publication.latest_release(data.years)
    kind = page.area_kind or publication.public_area_kind()
    areas = list(Area.objects.of_kind(kind).order_by("code")) if kind else []
    charts = public_charts.public_charts(page, areas) if page.through else []
    figures = [("people shot", page.people_shot), ("people killed", page.killed),
               ("incidents", page.incidents)]  # fmt: skip
    return {"data": data, "year": year, "page": page, "charts": charts, "page_figures": figures,
            "targets": _public_targets(year, page)}  # fmt: skip


def _public_targets(year: int, page: Any) -> list[Any]:
    """The city-wide targets' progress up to the release, for the measures the release
    shows. Only the year's target, the published count and whether it is on the path are
    shown: the path itself comes from weekly counts the public page does not publish."""
    from ovp.incidents import targets
    from ovp.incidents.models import TargetMeasure

    published = {TargetMeasure.HOMICIDES: page.killed, TargetMeasure.PEOPLE_SHOT: page.people_shot}
    shown = []
    for target in targets.targets_for(None):
        if not page.through or published[TargetMeasure(target.measure)] is None:
            continue
        progress = targets.cached_progress(target, year, page.through)
        if progress.year_target is not None:
            # against the count the page publishes (kept as first published), not today's
            # data: the two would differ after a correction, and show its size
            shown.append(replace(progress, so_far=published[TargetMeasure(target.measure)]))
    return shown


@public_page(params={"year": YEAR})
def public_dashboard(request: HttpRequest) -> HttpResponse:
    context = _public_context(request)
    page = context.get("page")
    # the threshold the year's releases were made with (a year keeps its first's)
    context["threshold"] = (page and page.threshold) or settings.OVP_SUPPRESSION_THRESHOLD
    context["min_possible"] = MIN_POSSIBLE
    return render(request, "incidents/public.html", context)


@public_page(params={"year": YEAR})
def public_csv(request: HttpRequest, chart: str) -> HttpResponse:
    context = _public_context(request)
    found = next((c for c in context.get("charts", []) if c.slug == chart), None)
    if found is None:
        raise Http404("No such table.")
    return _table_csv(found, f"ovp-public-{chart}-{context['year']}.csv")


@upload_limit(
    limit_bytes=megabytes(lambda: settings.OVP_MAX_UPLOAD_MB),
    message=lambda: too_large(settings.OVP_MAX_UPLOAD_MB * MB),
)
@office_required
def imports(request: AuthedRequest) -> HttpResponse:
    from ovp.incidents.services import import_enqueue

    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():

        def enqueue() -> ImportRun:
            # one transaction: a new source is not left behind when the import is refused
            with transaction.atomic():
                return import_enqueue(
                    uploaded=form.cleaned_data["file"],
                    source=form.chosen_source(),
                    user=request.user,
                    other_city_ok=bool(form.cleaned_data.get("other_city_ok")),
                )

        queued = form_action(form, enqueue)
        if queued.value is not None:
            messages.info(request, "The file was queued for import: this page shows how it went.")
            return redirect("incidents:import_detail", uuid=queued.value.uuid)
        if form.has_error(NON_FIELD_ERRORS, OTHER_CITY):
            # ask before going on: the same choices, the file chosen again, and a box to tick
            messages.warning(
                request,
                " ".join(str(error) for error in form.non_field_errors())
                + " To go on, choose the file again and tick the box below.",
            )
            form = ImportUploadForm(
                initial={name: request.POST.get(name) for name in ("source", "preset")},
                ask_other_city=True,
            )
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
def import_detail(request: AuthedRequest, uuid: str) -> HttpResponse:
    run = get_object_or_404(ImportRun.objects.select_related("source"), uuid=uuid)
    template = (
        "incidents/partials/import_progress.html"
        if request.headers.get("HX-Request")
        else "incidents/import_detail.html"
    )
    return render(request, template, {"run": run})


@office_required
def import_rejected(request: AuthedRequest, uuid: str) -> HttpResponse:
    run = get_object_or_404(ImportRun, uuid=uuid)
    if not run.rejected_report:
        raise Http404("This import rejected no rows.")
    response = HttpResponse(run.rejected_report, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rejected-rows-{run.uuid}.csv"'
    return response


@office_required
def sources(request: AuthedRequest) -> HttpResponse:
    return render(request, "incidents/sources.html", {"sources": IncidentSource.objects.all()})


@office_required
def source_edit(request: AuthedRequest, uuid: str | None = None) -> HttpResponse:
    source = get_object_or_404(IncidentSource, uuid=uuid) if uuid else None
    initial = {}
    if source is None and request.session.get("built_mapping"):
        initial["mapping_text"] = json.dumps(request.session["built_mapping"], indent=2)
    form = SourceForm(request.POST or None, instance=source, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        request.session.pop("built_mapping", None)
        messages.success(request, f"Source {saved.name} saved.")
        return redirect("incidents:sources")
    return render(request, "incidents/source_form.html", {"form": form, "source": source})


@office_required
def source_pull(request: AuthedRequest, uuid: str) -> HttpResponse:
    source = get_object_or_404(IncidentSource, uuid=uuid)
    if request.method != "POST":
        return redirect("incidents:sources")
    if not source.url:
        messages.error(request, "This source has no URL to pull.")
        return redirect("incidents:sources")
    from ovp.incidents.services import source_pull_enqueue

    run = source_pull_enqueue(source=source, user=request.user)
    return redirect("incidents:import_detail", uuid=run.uuid)


SAMPLE_ROWS = 200


def _guess(uploaded: Any) -> dict[str, Any] | None:
    """The mapping the portal guesses from the whole uploaded file (runs of rows spread over
    it, each column's distinct values), as JSON for the session; None when it cannot read it
    (the page then says what is wrong with the sample)."""
    import pyarrow as pa

    from ovp.incidents.importing.guessing import area_codes_by_kind, guess_mapping, read_sample

    try:
        uploaded.seek(0)
        return guess_mapping(read_sample(uploaded.file), area_codes_by_kind()).as_json()
    except (pa.ArrowInvalid, OSError, UnicodeDecodeError, ValueError) as error:
        return {"error": f"The portal could not guess a mapping from this file: {error}"}


SAMPLE_MAX_BYTES = 10 * 1024 * 1024


@upload_limit(
    limit_bytes=lambda: SAMPLE_MAX_BYTES,
    message=lambda: too_large(SAMPLE_MAX_BYTES, "The sample", "the first rows are enough"),
)
@office_required
def mapping_builder(request: AuthedRequest) -> HttpResponse:
    """Build a column mapping from a sample of another city's export, and try it on the sample."""
    import pandas as pd

    from ovp.incidents.importing import normalize, read_export

    sample = request.session.get("mapping_sample")
    if request.method == "POST" and "sample" in request.FILES:
        upload = SampleUploadForm(request.POST, request.FILES)
        if upload.is_valid():
            raw = (
                upload.cleaned_data["sample"].read(512 * 1024).decode("utf-8-sig", errors="replace")
            )
            lines = raw.splitlines()[: SAMPLE_ROWS + 1]
            if len(lines) < 2:
                upload.add_error("sample", "The sample needs a header line and at least one row.")
            else:
                request.session["mapping_sample"] = "\n".join(lines) + "\n"
                request.session["mapping_guess"] = _guess(upload.cleaned_data["sample"])
                return redirect("incidents:mapping_builder")
        return render(request, "incidents/mapping_builder.html", {"upload": upload})
    if not sample:
        return render(request, "incidents/mapping_builder.html", {"upload": SampleUploadForm()})
    try:
        table = pd.read_csv(io.StringIO(sample), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        request.session.pop("mapping_sample", None)
        return render(
            request,
            "incidents/mapping_builder.html",
            {
                "upload": SampleUploadForm(),
                "sample_error": f"The sample cannot be read as CSV: {error}",
            },
        )
    columns = [str(c) for c in table.columns]
    examples = {c: list(dict.fromkeys(table[c].head(50)))[:6] for c in columns}
    guess = request.session.get("mapping_guess") or None
    form = MappingBuilderForm(
        request.POST or None,
        columns=columns,
        initial=MappingBuilderForm.initial_from(guess["mapping"])
        if guess and "mapping" in guess
        else None,
    )
    context: dict[str, Any] = {
        "form": form,
        "examples": examples,
        "rows": len(table),
        "guess": guess,
    }
    if request.method == "POST" and form.is_valid():
        document = form.mapping_json()
        mapping = mapping_from_json(document)
        try:
            preview = normalize(
                read_export(io.BytesIO(sample.encode()), mapping),
                mapping,
                today=timezone.localdate(),
            )
        except (ValidationError, ValueError) as error:
            form.add_error(None, error if isinstance(error, ValidationError) else str(error))
        else:
            request.session["built_mapping"] = document
            context.update(
                mapping_json=json.dumps(document, indent=2),
                preview=preview.victims.head(10),
                rejected=preview.rejected.head(20),
                rejected_count=len(preview.rejected),
            )
    return render(request, "incidents/mapping_builder.html", context)


@office_required
def mapping_download(request: AuthedRequest) -> HttpResponse:
    document = request.session.get("built_mapping")
    if not document:
        raise Http404("Build a mapping first.")
    response = HttpResponse(json.dumps(document, indent=2), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="mapping.json"'
    return response


@office_required
def mapping_reset(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        request.session.pop("mapping_sample", None)
        request.session.pop("built_mapping", None)
        request.session.pop("mapping_guess", None)
    return redirect("incidents:mapping_builder")


@office_required
def targets(request: AuthedRequest) -> HttpResponse:
    """The city's targets and each one's progress this year; a form sets (or replaces) one."""
    from ovp.incidents import targets as paths
    from ovp.incidents.forms import TargetForm
    from ovp.incidents.models import ViolenceTarget

    data = selectors.data_range()
    complete = [year for year in data.years if paths.year_is_complete(year, data)]
    form = TargetForm(request.POST or None, years=complete)
    if request.method == "POST" and form.is_valid():
        saved = form_action(form, lambda: paths.target_set(**form.cleaned_data, user=request.user))
        if saved.value is not None:
            messages.success(request, f"Target saved: {saved.value}.")
            return redirect("incidents:targets")
    rows = []
    if data.last_week is not None:
        for target in ViolenceTarget.objects.select_related("area", "set_by"):
            year = data.last_week.year
            through = paths.through_week_end(year, data.last_week)
            rows.append(paths.cached_progress(target, year, through))
    return render(
        request, "incidents/targets.html", {"form": form, "rows": rows, "complete": complete}
    )


@office_required
def target_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    from ovp.incidents import targets as paths
    from ovp.incidents.models import ViolenceTarget

    target = get_object_or_404(ViolenceTarget, pk=pk)
    if request.method == "POST":
        paths.target_delete(target=target)
        messages.success(request, f"Target removed: {target}.")
    return redirect("incidents:targets")
