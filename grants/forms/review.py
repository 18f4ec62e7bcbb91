from typing import Any

from django import forms
from django.db.models import QuerySet

from grants.models import Application, Criterion
from grants.services.review import Decision
from ovp.accounts.models import OFFICE_ROLES, Role, User


class ReviewerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name()} ({obj.get_role_display()})"


class AssignReviewersForm(forms.Form):
    reviewers = ReviewerChoiceField(
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text="Office staff and advisory board members.",
    )

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = (  # type: ignore[attr-defined]
            User.objects.active()
            .filter(role__in=[*OFFICE_ROLES, Role.BOARD])
            .exclude(review_assignments__application=application)
            .order_by("role", "full_name", "email")
        )


class ConflictForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label="Do you have a conflict of interest with this application?",
        choices=[("no", "No"), ("yes", "Yes")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text="For example: you work for, advise or fund the organisation, or a close "
        "relative does.",
    )
    conflict_note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required if you have a conflict: say briefly what it is.",
    )


class ScoreForm(forms.Form):
    """One score and comment for each criterion of the round's rubric."""

    def __init__(
        self, *args: Any, criteria: "list[Criterion] | QuerySet[Criterion]", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.IntegerField(
                label=f"{criterion.name}: score (0 to {criterion.max_score})",
                min_value=0,
                max_value=criterion.max_score,
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=f"{criterion.name}: comment",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self) -> list[tuple[Criterion, forms.BoundField, forms.BoundField]]:
        return [
            (criterion, self[f"score_{criterion.pk}"], self[f"comment_{criterion.pk}"])
            for criterion in self.criteria
        ]

    def scores(self) -> dict[int, tuple[int, str]]:
        return {
            criterion.pk: (
                self.cleaned_data[f"score_{criterion.pk}"],
                self.cleaned_data[f"comment_{criterion.pk}"],
            )
            for criterion in self.criteria
        }


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=Decision.CHOICES, widget=forms.RadioSelect)
    amount = forms.DecimalField(
        label="Amount approved ($)",
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text="Only when approving.",
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded with the decision. When asking for more information, this is the "
        "message the organisation receives.",
    )
