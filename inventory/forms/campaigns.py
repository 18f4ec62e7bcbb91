"""Forms of the office's own campaigns: the campaign, an output, a spending entry, and the
list's filters."""

from typing import Any

import django_filters
from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from inventory.models import (
    Campaign,
    CampaignKind,
    CampaignOutput,
    CampaignSpending,
    CampaignStatus,
)
from ovp.areas.models import Area
from stakeholders.models import ActionItem

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class CampaignForm(forms.ModelForm):
    """A campaign's own fields and what it is tied to; the service checks the rest (one of
    the whole city or listed areas, the dates against outputs already logged)."""

    class Meta:
        model = Campaign
        fields = [
            "name", "kind", "description", "strategy", "started_on", "ended_on",
            "covers_whole_city", "areas", "budget", "partners", "goals", "action_items",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "started_on": DATE_INPUT,
            "ended_on": DATE_INPUT,
            "areas": forms.SelectMultiple(attrs={"size": 8}),
            "partners": forms.SelectMultiple(attrs={"size": 6}),
            "goals": forms.SelectMultiple(attrs={"size": 4}),
            "action_items": forms.SelectMultiple(attrs={"size": 4}),
        }
        help_texts = {
            "areas": "Areas of one kind (hold Ctrl or Cmd to choose several).",
            "partners": "Organisations from the registry that take part.",
            "goals": "The common goals it serves.",
            "action_items": "The action items it carries out.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = Area.objects.order_by("kind", "code")  # type: ignore[attr-defined]
        self.fields["action_items"].queryset = ActionItem.objects.select_related("goal")  # type: ignore[attr-defined]
        self.helper = FormHelper()
        self.helper.form_tag = False


class CampaignOutputForm(forms.ModelForm):
    class Meta:
        model = CampaignOutput
        fields = ["on", "kind", "quantity", "note"]
        widgets = {"on": DATE_INPUT}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class CampaignSpendingForm(forms.ModelForm):
    class Meta:
        model = CampaignSpending
        fields = ["spent_on", "amount", "description"]
        widgets = {"spent_on": DATE_INPUT}
        labels = {"amount": "Amount ($)"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class CampaignFilter(django_filters.FilterSet):
    """The campaign list's filters: kind, where it stands today, an area it covers."""

    kind = django_filters.ChoiceFilter(choices=CampaignKind.choices, empty_label="Any kind")
    status = django_filters.ChoiceFilter(
        label="Status", choices=CampaignStatus.choices, method="filter_status", empty_label="Any"
    )
    area = django_filters.ModelChoiceFilter(
        label="Covers area",
        queryset=Area.objects.order_by("kind", "code"),
        method="filter_area",
        empty_label="Any area",
        help_text="A whole-city campaign covers every area.",
    )

    class Meta:
        model = Campaign
        fields = ["kind", "status", "area"]

    def filter_status(self, queryset: QuerySet[Campaign], name: str, value: str) -> QuerySet:
        today = timezone.localdate()
        campaigns: Any = queryset
        if value == CampaignStatus.UPCOMING:
            return campaigns.upcoming(today)
        if value == CampaignStatus.ENDED:
            return campaigns.ended(today)
        return campaigns.running_on(today)

    def filter_area(self, queryset: QuerySet[Campaign], name: str, value: Area) -> QuerySet:
        campaigns: Any = queryset
        return campaigns.covering(value)
