from typing import Any

from crispy_forms.helper import FormHelper
from django import forms

from grants.models import Criterion, Fund, FundingRound
from inventory.models import Strategy
from ovp.areas.models import Area


class FundForm(forms.ModelForm):
    class Meta:
        model = Fund
        fields = [
            "name", "source", "total_budget", "first_fiscal_year", "last_fiscal_year", "notes",
        ]  # fmt: skip
        labels = {"total_budget": "Total budget ($)"}
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class RoundForm(forms.ModelForm):
    priority_strategies = forms.MultipleChoiceField(
        label="Priority strategies",
        choices=Strategy.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = FundingRound
        fields = [
            "fund", "name", "description", "budget", "max_award", "opens_at", "closes_at",
            "priority_areas", "priority_strategies", "eligibility",
        ]  # fmt: skip
        labels = {
            "budget": "Budget ($)",
            "max_award": "Largest award ($)",
            "opens_at": "Opens at",
            "closes_at": "Deadline",
        }
        help_texts = {
            "max_award": "Leave empty for no limit below the budget.",
            "opens_at": "Local time.",
            "closes_at": "Local time: applications must be submitted before it.",
            "priority_areas": "Hold Ctrl (or Cmd) to choose several.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "eligibility": forms.Textarea(attrs={"rows": 3}),
            "opens_at": DateTimeInput(),
            "closes_at": DateTimeInput(),
            "priority_areas": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["priority_areas"].queryset = Area.objects.order_by(  # type: ignore[attr-defined]
            "kind", "name"
        )
        self.helper = FormHelper()
        self.helper.form_tag = False


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "description", "weight", "max_score"]
        widgets = {"description": forms.TextInput()}

    def clean_weight(self) -> int:
        weight = self.cleaned_data["weight"]
        if weight is not None and weight < 1:
            raise forms.ValidationError("A weight is at least 1.")
        return int(weight)

    def clean_max_score(self) -> int:
        max_score = self.cleaned_data["max_score"]
        if max_score is not None and max_score < 1:
            raise forms.ValidationError("The highest score is at least 1.")
        return int(max_score)


CriterionFormSet = forms.inlineformset_factory(
    FundingRound,
    Criterion,
    form=CriterionForm,
    extra=2,
    min_num=1,
    validate_min=True,
    can_delete=True,
)
