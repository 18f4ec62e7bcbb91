"""Forms for the metric library, the metrics a round asks for, and an award's targets."""

from typing import Any

from django import forms
from django.utils.text import slugify

from grants.models import METRIC_MAX, Award, FundingRound, Metric, RoundMetric, TargetPeriod
from grants.selectors.metrics import AskedMetric, award_metrics
from inventory.models import Resource, Strategy


class GuidanceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A resource of the library, named with its audience: guidance for the office's eyes
    only is not linked for grantees."""

    def label_from_instance(self, obj: Resource) -> str:
        return f"{obj.title} ({obj.get_audience_display()})"


def _guidance_field() -> GuidanceField:
    return GuidanceField(
        queryset=Resource.objects.published().order_by("title"),
        required=False,
        label="Data-collection guidance",
        help_text="A resource of the library, linked beside the definition for those who "
        "may see it (grantees: resources for grantees or the public).",
        empty_label="None",
    )


class MetricForm(forms.ModelForm):  # type: ignore[type-arg]
    guidance = _guidance_field()

    class Meta:
        model = Metric
        fields = ["name", "definition", "unit", "strategy", "guidance"]
        widgets = {"definition": forms.Textarea(attrs={"rows": 3})}

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        slug = slugify(name, allow_unicode=True)[:60]
        if not slug:
            raise forms.ValidationError("Give a name with letters or digits in it.")
        if Metric.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("The library has a metric of that name already.")
        self.instance.slug = slug
        return name


class MetricEditForm(forms.ModelForm):  # type: ignore[type-arg]
    """A metric of the library changed: its definition, unit and guidance (its name and
    strategy stay, as rounds and reports know it by them)."""

    guidance = _guidance_field()

    class Meta:
        model = Metric
        fields = ["definition", "unit", "guidance"]
        widgets = {"definition": forms.Textarea(attrs={"rows": 4})}


def _library_choices() -> list[Any]:
    """The library grouped by strategy: metrics for any strategy first."""
    labels = dict(Strategy.choices)
    groups: dict[str, list[tuple[int, str]]] = {}
    for metric in Metric.objects.order_by("strategy", "name"):
        group = labels.get(metric.strategy, "Any strategy") if metric.strategy else "Any strategy"
        groups.setdefault(group, []).append((metric.pk, metric.name))
    first = groups.pop("Any strategy", [])
    return [("", "---------"), ("Any strategy", first), *groups.items()]


class RoundMetricForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = RoundMetric
        fields = ["metric", "strategy", "required", "minimum", "maximum"]
        labels = {
            "minimum": "Lowest allowed",
            "maximum": "Highest allowed",
            "strategy": "Reported by",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = _library_choices()  # type: ignore[attr-defined]
        self.fields["metric"].widget.attrs["class"] = "form-select"
        self.fields["strategy"].choices = [  # type: ignore[attr-defined]
            ("", "Every award (a strategy's metric: that strategy's awards)"),
            *Strategy.choices,
        ]
        self.fields["strategy"].widget.attrs["class"] = "form-select"
        self.fields["required"].widget.attrs["class"] = "form-check-input"
        for name in ("minimum", "maximum"):
            self.fields[name].widget.attrs.update({"class": "form-control", "min": 0})
        self.fields["maximum"].widget.attrs["max"] = METRIC_MAX

    def has_changed(self) -> bool:
        """An empty line (no metric chosen) is left alone: its "required" box, ticked by
        default, does not make it a line to save."""
        if not self.instance.pk and not self.data.get(self.add_prefix("metric")):
            return False
        return super().has_changed()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        metric = data.get("metric")
        if metric is not None and metric.strategy and not data.get("strategy"):
            # a metric of one strategy is asked of that strategy's awards, not of every award
            data["strategy"] = metric.strategy
            self.instance.strategy = metric.strategy
        low, high = data.get("minimum"), data.get("maximum")
        if high is not None and high > METRIC_MAX:
            self.add_error("maximum", f"At most {METRIC_MAX:,}: no quarter counts more.")
        elif low is not None and high is not None and low > high:
            self.add_error("maximum", "The highest allowed is below the lowest.")
        return data


RoundMetricFormSet = forms.inlineformset_factory(
    FundingRound, RoundMetric, form=RoundMetricForm, extra=3, can_delete=True
)


class AwardTargetsForm(forms.Form):
    """One target per metric the award reports: a value (blank: no target) and whether it is
    for each quarter or the whole award."""

    def __init__(self, *args: Any, award: Award, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.asked: list[AskedMetric] = award_metrics(award)
        current = {t.metric_id: t for t in award.targets.select_related("metric")}
        # a target on a metric the round no longer asks stays listed, so it can be cleared
        asked_ids = {a.metric.pk for a in self.asked}
        self.asked += [
            AskedMetric(t.metric, False, 0, METRIC_MAX)
            for t in current.values() if t.metric_id not in asked_ids
        ]  # fmt: skip
        for asked in self.asked:
            target = current.get(asked.metric.pk)
            self.fields[f"value_{asked.metric.pk}"] = forms.IntegerField(
                label=f"{asked.metric.name} ({asked.metric.unit})",
                required=False,
                min_value=1,
                max_value=METRIC_MAX,
                initial=target.value if target else None,
                widget=forms.NumberInput(attrs={"class": "form-control", "min": 1}),
            )
            self.fields[f"period_{asked.metric.pk}"] = forms.ChoiceField(
                label=f"Target period for {asked.metric.name}",
                choices=TargetPeriod.choices,
                initial=target.period if target else TargetPeriod.QUARTER,
                widget=forms.Select(attrs={"class": "form-select"}),
            )

    def rows(self) -> list[tuple[AskedMetric, forms.BoundField, forms.BoundField]]:
        return [
            (a, self[f"value_{a.metric.pk}"], self[f"period_{a.metric.pk}"]) for a in self.asked
        ]

    def targets(self) -> dict[int, tuple[str, int | None]]:
        """metric id: (period, value or None)."""
        return {
            a.metric.pk: (
                self.cleaned_data[f"period_{a.metric.pk}"],
                self.cleaned_data.get(f"value_{a.metric.pk}"),
            )
            for a in self.asked
        }
