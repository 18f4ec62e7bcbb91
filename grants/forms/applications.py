from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import QuerySet

from grants.models import ApplicationMessage, DocumentKind
from grants.uploads import ALLOWED_LABEL
from inventory.models import Program, Strategy
from ovp.areas.models import Area
from stakeholders.models import Organisation


class ApplicationForm(forms.Form):
    """A grantee's application: the organisation is asked only when they act for several."""

    organisation = forms.ModelChoiceField(
        label="Applying organisation", queryset=Organisation.objects.none()
    )
    title = forms.CharField(max_length=200)
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What you will do, for whom, and how. Give counts, never names of participants.",
    )
    strategy = forms.ChoiceField(choices=[("", "Choose a strategy"), *Strategy.choices])
    areas = forms.ModelMultipleChoiceField(
        label="Areas to serve",
        queryset=Area.objects.order_by("kind", "name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Hold Ctrl (or Cmd) to choose several.",
    )
    requested_amount = forms.DecimalField(
        label="Amount requested ($)", max_digits=14, decimal_places=2, min_value=1
    )
    program = forms.ModelChoiceField(
        label="Program in the inventory (optional)",
        queryset=Program.objects.none(),
        required=False,
        help_text="If this funds one of your organisation's programs already in the inventory.",
    )

    def __init__(
        self,
        *args: Any,
        organisations: "QuerySet[Organisation]",
        max_award: Any = None,
        ask_organisation: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["program"].queryset = Program.objects.filter(  # type: ignore[attr-defined]
            lead_organisation__in=organisations
        ).order_by("name")
        if not ask_organisation or organisations.count() == 1:
            self.fields["organisation"].required = False
            self.fields["organisation"].widget = forms.HiddenInput()
        if max_award is not None:
            self.fields["requested_amount"].help_text = f"At most ${max_award:,}."
        self.helper = FormHelper()
        self.helper.form_tag = False


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of document",
        choices=[("", "Choose"), *DocumentKind.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    file = forms.FileField(label="File", help_text="")

    def __init__(self, *args: Any, limit_mb: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = f"{ALLOWED_LABEL}; at most {limit_mb} MB."
        self.fields["file"].widget.attrs["accept"] = ".pdf,.docx,.xlsx,.csv,.png,.jpg,.jpeg"


class MessageForm(forms.ModelForm):
    class Meta:
        model = ApplicationMessage
        fields = ["body"]
        labels = {"body": "Message"}
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}
