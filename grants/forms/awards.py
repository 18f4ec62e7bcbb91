"""Forms for awards: the award itself, its budget lines and its tranches."""

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms

from grants.models import Fund
from inventory.models import Program
from ovp.areas.models import Area
from stakeholders.models import Organisation


def _money_field(label: str, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=14, decimal_places=2, min_value=0, **kwargs)


class AwardForm(forms.Form):
    fund = forms.ModelChoiceField(queryset=Fund.objects.all())
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.all())
    program = forms.ModelChoiceField(
        queryset=Program.objects.order_by("name"),
        required=False,
        help_text="The program in the inventory this award funds, if it is there.",
    )
    title = forms.CharField(max_length=200)
    amount = _money_field("Amount (dollars)")
    starts_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    conditions = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the grantee agrees to, beyond quarterly reports.",
    )
    areas = forms.ModelMultipleChoiceField(
        label="Areas served",
        queryset=Area.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Program data is shared evenly between these areas.",
    )

    def __init__(self, *args: Any, locked: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        if locked:
            # made from an application: the organisation is the applicant's, the fund the
            # round's
            self.fields["organisation"].disabled = True
            self.fields["fund"].disabled = True


class _RowForm(forms.Form):
    """A row of a table of lines: inputs without their own labels (the table's columns are)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-control form-control-sm"
            if field.widget.attrs.get("class"):
                css += " " + field.widget.attrs["class"]
            field.widget.attrs["class"] = css


class BudgetLineForm(_RowForm):
    name = forms.CharField(label="Budget line", max_length=120)
    amount = _money_field("Amount")


class TrancheForm(_RowForm):
    amount = _money_field("Amount")
    planned_on = forms.DateField(
        label="Planned for", widget=forms.DateInput(attrs={"type": "date"})
    )
    requires_report = forms.IntegerField(
        label="Requires report no.",
        required=False,
        min_value=1,
        help_text="1 for the first quarter's report; blank if none is needed.",
    )


BudgetLineFormSet = forms.formset_factory(BudgetLineForm, extra=4)
TrancheFormSet = forms.formset_factory(TrancheForm, extra=4)
