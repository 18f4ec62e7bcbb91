"""Results: the metric library, the metrics a round asks for, an award's targets, and the
program performance page (staff) with each grantee's view of its own awards."""

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse

from grants.forms.metrics import AwardTargetsForm, MetricEditForm, MetricForm, RoundMetricFormSet
from grants.models import Award, FundingRound, Metric
from grants.selectors import performance as selectors
from grants.services.metrics import award_targets_save, metric_save, round_metrics_save
from inventory.models import Program, Strategy
from ovp.accounts.permissions import grantee_required, office_required
from ovp.areas.models import Area
from ovp.core.actions import AuthedRequest
from ovp.core.exports import csv_response


@office_required
def metric_library(request: AuthedRequest) -> HttpResponse:
    form = MetricForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        metric = metric_save(form=form)
        messages.success(request, f"Added {metric.name} to the library.")
        return redirect("grants:metric_library")
    return render(
        request,
        "grants/metric_library.html",
        {
            "form": form,
            "metrics": Metric.objects.select_related("guidance").order_by("strategy", "name"),
        },
    )


@office_required
def metric_edit(request: AuthedRequest, slug: str) -> HttpResponse:
    metric = get_object_or_404(Metric, slug=slug)
    form = MetricEditForm(request.POST or None, instance=metric)
    if request.method == "POST" and form.is_valid():
        metric = metric_save(form=form)
        messages.success(request, f"Saved {metric.name}.")
        return redirect("grants:metric_library")
    return render(request, "grants/metric_edit.html", {"form": form, "metric": metric})


@office_required
def round_metrics(request: AuthedRequest, uuid: str) -> HttpResponse:
    funding_round = get_object_or_404(FundingRound, uuid=uuid)
    formset = RoundMetricFormSet(request.POST or None, instance=funding_round, prefix="metrics")
    if request.method == "POST" and formset.is_valid():
        round_metrics_save(funding_round=funding_round, formset=formset)
        messages.success(request, f"Saved the metrics {funding_round.name} asks for.")
        return redirect("grants:round_detail", uuid=funding_round.uuid)
    return render(
        request, "grants/round_metrics.html", {"funding_round": funding_round, "formset": formset}
    )


@office_required
def award_targets(request: AuthedRequest, uuid: str) -> HttpResponse:
    award = get_object_or_404(Award.objects.select_related("application"), uuid=uuid)
    form = AwardTargetsForm(request.POST or None, award=award)
    if request.method == "POST" and form.is_valid():
        award_targets_save(award=award, targets=form.targets())
        messages.success(request, "Targets saved.")
        return redirect("grants:award_detail", uuid=award.uuid)
    return render(request, "grants/award_targets.html", {"award": award, "form": form})


class PerformanceFilter(forms.Form):
    strategy = forms.ChoiceField(
        required=False, choices=[("", "All strategies"), *Strategy.choices]
    )
    area = forms.ModelChoiceField(
        required=False, queryset=Area.objects.order_by("kind", "code"), empty_label="All areas"
    )
    program = forms.ModelChoiceField(
        required=False, queryset=Program.objects.order_by("name"), empty_label="All programs"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def apply(self, awards: QuerySet[Award]) -> QuerySet[Award]:
        """The awards the filter chooses; none when it names what does not exist (the page
        says which), rather than every award under a filter that looks applied."""
        if not self.is_bound:
            return awards
        if not self.is_valid():
            return awards.none()
        data = self.cleaned_data
        if data.get("strategy"):
            awards = awards.filter(program__strategy=data["strategy"]) | awards.filter(
                program__isnull=True, application__strategy=data["strategy"]
            )
        if data.get("area"):
            awards = awards.filter(areas=data["area"])
        if data.get("program"):
            awards = awards.filter(program=data["program"])
        return awards.distinct()


def _page(request: HttpRequest, awards: QuerySet[Award], *, mine: bool) -> HttpResponse:
    from grants.charts import target_chart

    chosen = PerformanceFilter(request.GET or None)
    if mine:  # a grantee chooses among their own awards' programs and areas only
        chosen.fields["program"].queryset = Program.objects.filter(awards__in=awards).distinct()  # type: ignore[attr-defined]
        chosen.fields["area"].queryset = Area.objects.filter(  # type: ignore[attr-defined]
            pk__in=awards.values("areas")
        ).order_by("kind", "code")
    rows = selectors.performance(chosen.apply(awards))
    if request.path.endswith(".csv") and request.GET.get("chart") != "targets":
        return csv_response("ovp-performance", selectors.CSV_HEADER, selectors.csv_rows(rows))
    chart = target_chart(rows)  # needs pandas: built only for the page and its own CSV
    if request.path.endswith(".csv"):
        return csv_response(f"ovp-performance-{chart.slug}", list(chart.table.columns),
                            chart.table.itertuples(index=False))  # fmt: skip
    csv_name = "grants:my_performance_csv" if mine else "grants:performance_csv"
    query = request.GET.copy()
    query["chart"] = chart.slug
    return render(
        request,
        "grants/performance.html",
        {
            "rows": rows,
            "filter": chosen,
            "mine": mine,
            "chart": chart,
            "csv_url": csv_name,
            "chart_csv": f"{reverse(csv_name)}?{query.urlencode()}",
            "query": request.GET.urlencode(),
        },
    )


@office_required
def performance_view(request: AuthedRequest) -> HttpResponse:
    return _page(request, Award.objects.all(), mine=False)


@grantee_required
def my_performance(request: AuthedRequest) -> HttpResponse:
    return _page(request, Award.objects.for_organisations_of(request.user), mine=True)


routes: list[URLPattern] = [
    path("grants/metrics/", metric_library, name="metric_library"),
    path("grants/metrics/<str:slug>/edit/", metric_edit, name="metric_edit"),
    path("grants/rounds/<uuid:uuid>/metrics/", round_metrics, name="round_metrics"),
    path("grants/awards/<uuid:uuid>/targets/", award_targets, name="award_targets"),
    path("grants/performance/", performance_view, name="performance"),
    path("grants/performance.csv", performance_view, name="performance_csv"),
    path("portal/performance/", my_performance, name="my_performance"),
    path("portal/performance.csv", my_performance, name="my_performance_csv"),
]
