"""Forms of the inventory: a program with its service areas, the list's filters, the survey
upload, a grantee's proposed update and the office's decision on it."""

from datetime import date
from typing import Any

import django_filters
from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from inventory.models import Evidence, Program, ProgramStatus, ServiceArea, Strategy, Tier
from ovp.areas.models import Area
from ovp.core.uploads import MB, too_large
from stakeholders.models import Organisation

SURVEY_MAX_BYTES = 10 * MB


SURVEY_WHY = "a survey is far smaller"


PROGRAM_FIELDS = [
    "name", "lead_organisation", "partners", "description", "strategy", "tier", "model_name",
    "evidence", "evidence_source", "population_ages", "risk_group", "formal",
    "funded_by_office", "capacity", "annual_budget", "funding_sources", "status",
    "listed_publicly", "public_summary", "eligibility",
]  # fmt: skip


# what an organisation may propose for its own program; the rating and the office's own
# funding flag stay the office's call
PROPOSABLE_FIELDS = [
    "description", "model_name", "population_ages", "risk_group", "capacity",
    "annual_budget", "funding_sources", "status", "listed_publicly", "public_summary",
    "eligibility",
]  # fmt: skip


class ProgramForm(forms.ModelForm):
    class Meta:
        model = Program
        fields = PROGRAM_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "public_summary": forms.Textarea(attrs={"rows": 3}),
            "eligibility": forms.Textarea(attrs={"rows": 2}),
            "partners": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        lead, partners = cleaned.get("lead_organisation"), cleaned.get("partners")
        if lead and partners and lead in partners:
            self.add_error("partners", "The lead organisation cannot also be a partner.")
        return cleaned


class ServiceAreaForm(forms.ModelForm):
    class Meta:
        model = ServiceArea
        fields = ["area", "started_on", "ended_on"]
        widgets = {
            "area": forms.Select(attrs={"class": "form-select form-select-sm"}),
            "started_on": forms.DateInput(
                attrs={"type": "date", "class": "form-control form-control-sm"}
            ),
            "ended_on": forms.DateInput(
                attrs={"type": "date", "class": "form-control form-control-sm"}
            ),
        }


class BaseServiceAreaFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        """One program cannot serve one area in two overlapping periods: evaluation reads
        these periods as when the area was treated."""
        super().clean()
        periods: dict[int, list[tuple[date, date]]] = {}
        for form in self.forms:
            if not getattr(form, "cleaned_data", None) or form.cleaned_data.get("DELETE"):
                continue
            area, start = form.cleaned_data.get("area"), form.cleaned_data.get("started_on")
            if area is None or start is None:
                continue
            end = form.cleaned_data.get("ended_on") or date.max
            for other_start, other_end in periods.get(area.pk, []):
                if start <= other_end and other_start <= end:
                    raise forms.ValidationError(
                        f"{area.name} is listed twice for overlapping periods; end one period "
                        "before the next starts."
                    )
            periods.setdefault(area.pk, []).append((start, end))


ServiceAreaFormSet = forms.inlineformset_factory(
    Program,
    ServiceArea,
    form=ServiceAreaForm,
    formset=BaseServiceAreaFormSet,
    extra=2,
    can_delete=True,
)


class ProgramFilter(django_filters.FilterSet):
    """The inventory list's filters; also what the CSV and Excel exports take."""

    q = django_filters.CharFilter(label="Name contains", method="filter_name")
    strategy = django_filters.ChoiceFilter(choices=Strategy.choices, empty_label="Any strategy")
    evidence = django_filters.ChoiceFilter(
        label="Evidence", choices=Evidence.choices, empty_label="Any rating"
    )
    tier = django_filters.ChoiceFilter(choices=Tier.choices, empty_label="Any tier")
    status = django_filters.ChoiceFilter(choices=ProgramStatus.choices, empty_label="Any status")
    area = django_filters.ModelChoiceFilter(
        label="Serves area",
        queryset=Area.objects.all(),
        method="filter_area",
        empty_label="Any area",
    )
    organisation = django_filters.ModelChoiceFilter(
        label="Organisation (lead or partner)",
        queryset=Organisation.objects.all(),
        method="filter_organisation",
        empty_label="Any organisation",
    )

    class Meta:
        model = Program
        fields = ["q", "strategy", "evidence", "tier", "status", "area", "organisation"]

    def filter_name(self, queryset: QuerySet[Program], name: str, value: str) -> QuerySet:
        return queryset.filter(name__icontains=value)

    def filter_area(self, queryset: QuerySet[Program], name: str, value: Area) -> QuerySet:
        """Programs that serve the area now (a service area without an end, or ending later)."""
        return queryset.filter(
            pk__in=ServiceArea.objects.filter(area=value)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=timezone.localdate()))
            .values("program")
        )

    def filter_organisation(
        self, queryset: QuerySet[Program], name: str, value: Organisation
    ) -> QuerySet:
        return queryset.filter(Q(lead_organisation=value) | Q(partners=value)).distinct()


class SurveyUploadForm(forms.Form):
    file = forms.FileField(
        label="Completed survey (CSV)",
        help_text="The survey template filled in, or an inventory export edited and saved as CSV.",
    )
    area_kind = forms.ChoiceField(
        label="Area codes in the file are", help_text="The kind of area the 'areas' column names."
    )

    def __init__(self, *args: Any, area_kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area_kind"].choices = area_kinds  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > SURVEY_MAX_BYTES:
            raise forms.ValidationError(too_large(SURVEY_MAX_BYTES, why=SURVEY_WHY))
        # a CSV is text: refuse another kind of file by its name or a NUL byte near the start
        upload.seek(0)
        head = upload.read(4096)
        upload.seek(0)
        if not (upload.name or "").lower().endswith(".csv") or b"\x00" in head:
            raise forms.ValidationError(
                "Upload the survey as a .csv file (in a spreadsheet: Save as, CSV)."
            )
        return upload


class ProposalForm(forms.ModelForm):
    """A grantee's proposed update of its own program: the proposable fields, prefilled."""

    note = forms.CharField(
        label="Note to the office",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Anything else, e.g. areas you started or stopped serving, with dates.",
    )

    class Meta:
        model = Program
        fields = PROPOSABLE_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "public_summary": forms.Textarea(attrs={"rows": 3}),
            "eligibility": forms.Textarea(attrs={"rows": 2}),
        }


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Do not approve")])
    decision_note = forms.CharField(
        label="Note to the organisation", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
