from typing import Any

from django import forms
from django.conf import settings

from evaluation.models import Decision, EvaluationMethod
from evaluation.selectors.runs import MONTH, OUTCOMES, WEEK
from evaluation.services.runs import AUTO, DEFAULT_COMPARISONS
from inventory.models import Campaign, Program, Strategy
from ovp.areas.models import Area
from ovp.core.uploads import MB, too_large
from stakeholders.models import Board

METHOD_CHOICES = [
    (
        AUTO,
        "Chosen for the design: synthetic control for one area, staggered when start "
        "dates differ, two-way fixed effects otherwise; interrupted time series citywide",
    ),
    *EvaluationMethod.choices,
]
PANEL_TYPES = (".csv", ".txt")


class RunForm(forms.Form):
    program = forms.ModelChoiceField(
        queryset=Program.objects.filter(service_areas__isnull=False).distinct().order_by("name"),
        required=False,
        empty_label="(none: evaluate a strategy)",
        help_text="The treated areas and start dates come from its service areas.",
    )
    strategy = forms.ChoiceField(
        choices=[("", "(none: evaluate the program)"), *Strategy.choices],
        required=False,
        help_text="Or every program of one strategy: an area counts from the first start.",
    )
    campaign = forms.ModelChoiceField(
        label="Office campaign",
        queryset=Campaign.objects.order_by("-started_on", "name"),
        required=False,
        empty_label="(none)",
        help_text="Or one of the office's campaigns: its areas from its start (a whole-city "
        "campaign: an interrupted time series of the city from its start).",
    )
    area_kind = forms.ChoiceField(label="Areas", choices=())
    period = forms.ChoiceField(choices=[(MONTH, "Month"), (WEEK, "Week")], initial=MONTH)
    outcome = forms.ChoiceField(choices=[(k, v.capitalize()) for k, v in OUTCOMES.items()])
    begin = forms.DateField(label="Window from", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="Window to", widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.ChoiceField(choices=METHOD_CHOICES, initial=AUTO)
    comparisons_per_area = forms.IntegerField(
        label="Comparison areas per treated area",
        min_value=1,
        max_value=20,
        initial=DEFAULT_COMPARISONS,
        help_text="The nearest in people shot per period before the start, never served.",
    )
    comparison_areas = forms.ModelMultipleChoiceField(
        queryset=Area.objects.order_by("kind", "code"),
        required=False,
        help_text="Leave empty to let the portal propose them.",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    log_outcome = forms.BooleanField(
        label="Model the log of the outcome",
        required=False,
        help_text="Not possible when the outcome is 0 anywhere: use a count model then.",
    )
    citywide_start = forms.DateField(
        label="Start of a citywide effort",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Only for an interrupted time series of the whole city.",
    )

    def __init__(self, *args: Any, area_kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area_kind = self.fields["area_kind"]
        assert isinstance(area_kind, forms.ChoiceField)
        area_kind.choices = area_kinds

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [bool(data.get(name)) for name in ("program", "strategy", "campaign")]
        if sum(chosen) > 1:
            raise forms.ValidationError("Choose one of a program, a strategy or a campaign.")
        if not any(chosen):
            raise forms.ValidationError("Choose a program, a strategy or a campaign.")
        if data.get("campaign") and data.get("citywide_start"):
            self.add_error("citywide_start", "A campaign starts on its own date: leave this empty.")
        begin, end = data.get("begin"), data.get("end")
        if begin and end and begin >= end:
            self.add_error("end", "The window must end after it begins.")
        return data


class PanelForm(forms.Form):
    file = forms.FileField(
        label="Panel (CSV)",
        help_text="One row per unit and period, with a header row.",
    )
    unit = forms.CharField(label="Unit column", max_length=100)
    time = forms.CharField(label="Period column", max_length=100)
    outcome = forms.CharField(label="Outcome column", max_length=100)
    treated_from = forms.CharField(
        label="First treated period column",
        max_length=100,
        help_text="The period a unit is first treated; empty or 0 for never treated.",
    )
    weights = forms.CharField(label="Weights column", max_length=100, required=False)
    log_outcome = forms.BooleanField(
        label="Model the log of the outcome",
        required=False,
        help_text="Not possible when the outcome is 0 anywhere: use a count model then.",
    )
    outcome_is_log = forms.BooleanField(
        label="The outcome is already a log",
        required=False,
        help_text="The change is then reported as exp(estimate) - 1.",
    )
    method = forms.ChoiceField(
        choices=[("", "Chosen for the design"), *EvaluationMethod.choices],
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("log_outcome") and cleaned.get("outcome_is_log"):
            raise forms.ValidationError(
                "Choose one: model the log of the outcome, or the outcome is already a log."
            )
        return cleaned

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.OVP_GRANT_UPLOAD_MAX_MB
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(too_large(limit * MB))
        if not upload.name.lower().endswith(PANEL_TYPES):
            raise forms.ValidationError("Upload a CSV file (.csv).")
        return upload


# -- needs assessments -------------------------------------------------------------------------


class AssessmentForm(forms.Form):
    title = forms.CharField(max_length=200)
    period_start = forms.DateField(
        label="Period from", widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(label="Period to", widget=forms.DateInput(attrs={"type": "date"}))
    board = forms.ModelChoiceField(
        label="Reviewed by",
        queryset=Board.objects.filter(active=True).order_by("name"),
        help_text="The advisory board whose members comment on it and sign it off.",
    )
    area_kind = forms.ChoiceField(label="Areas", choices=())

    def __init__(self, *args: Any, area_kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area_kind = self.fields["area_kind"]
        assert isinstance(area_kind, forms.ChoiceField)
        area_kind.choices = area_kinds

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        begin, end = data.get("period_start"), data.get("period_end")
        if begin and end and end < begin:
            self.add_error("period_end", "The period cannot end before it starts.")
        return data


class SectionTextForm(forms.Form):
    text = forms.CharField(
        label="Text", widget=forms.Textarea(attrs={"rows": 12}), max_length=20_000
    )


class _VersionRead(forms.Form):
    """The version the member read, sent back with what they say about it: the office may
    have sent a new one since the page was opened."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CommentForm(_VersionRead):
    body = forms.CharField(
        label="Your comment", widget=forms.Textarea(attrs={"rows": 3}), max_length=4_000
    )


class AnswerForm(forms.Form):
    reply = forms.CharField(
        label="Answer", widget=forms.Textarea(attrs={"rows": 2}), max_length=4_000
    )


class DecisionForm(_VersionRead):
    decision = forms.ChoiceField(
        label="Your decision on this version",
        choices=[
            (Decision.SIGN_OFF, "Sign it off"),
            (Decision.CHANGES, "Ask for changes"),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4_000,
        help_text="Required when you ask for changes: say what should change.",
    )
