import json
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from ovp.areas.models import Area, AreaKind
from ovp.core.uploads import MB, too_large
from ovp.incidents.mapping import AGE_BANDS, PRESETS, mapping_for, mapping_from_json
from ovp.incidents.models import DEFAULT_YEARLY_REDUCTION, IncidentSource, TargetMeasure


class ImportUploadForm(forms.Form):
    source = forms.ModelChoiceField(
        queryset=IncidentSource.objects.all(),
        required=False,
        empty_label="A new source (choose its layout below)",
        help_text="Importing to the same source again records what changed.",
    )
    preset = forms.ChoiceField(
        choices=[("", "---")] + [(name, name) for name in sorted(PRESETS)],
        required=False,
        label="Layout of a new source",
        help_text="Another city's layout: build a mapping first (Incident data, Build a mapping).",
    )
    file = forms.FileField(label="Export (CSV)")
    other_city_ok = forms.BooleanField(
        required=False,
        label="It is this city's export: import it even though its points lie outside the city",
    )

    def __init__(self, *args: Any, ask_other_city: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not ask_other_city and not (self.data and self.data.get("other_city_ok")):
            del self.fields["other_city_ok"]

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        limit = settings.OVP_MAX_UPLOAD_MB * 1024 * 1024
        if upload.size > limit:
            raise ValidationError(too_large(settings.OVP_MAX_UPLOAD_MB * MB))
        if not upload.name.lower().endswith(".csv"):
            raise ValidationError("Upload the export as a .csv file.")
        return upload

    def clean(self):  # type: ignore[no-untyped-def]
        cleaned = super().clean() or {}
        if not cleaned.get("source") and not cleaned.get("preset"):
            raise ValidationError(
                "Choose the source this export belongs to, or the layout of a new one."
            )
        return cleaned

    def chosen_source(self) -> IncidentSource:
        from ovp.incidents.services import source_for

        if self.cleaned_data.get("source"):
            return self.cleaned_data["source"]
        return source_for(name=self.cleaned_data["preset"], preset=self.cleaned_data["preset"])


class SourceForm(forms.ModelForm):
    preset = forms.ChoiceField(
        label="Layout preset",
        required=False,
        choices=[("", "No preset: use the mapping")] + [(p, p) for p in sorted(PRESETS)],
    )
    url = forms.URLField(
        label="URL",
        required=False,
        assume_scheme="https",
        help_text="The open-data export, pulled nightly when asked.",
    )
    mapping_text = forms.CharField(
        label="Column mapping (JSON)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "class": "font-monospace"}),
        help_text="Leave empty when a layout preset is chosen. "
        "Build one from a sample file on the mapping page.",
    )

    class Meta:
        model = IncidentSource
        fields = ["name", "preset", "url", "pull_nightly"]
        help_texts = {"name": "Letters, numbers and dashes, e.g. nypd-historic."}

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.mapping:
            self.fields["mapping_text"].initial = json.dumps(self.instance.mapping, indent=2)

    def clean(self):  # type: ignore[no-untyped-def]
        cleaned = super().clean() or {}
        preset, text = cleaned.get("preset"), (cleaned.get("mapping_text") or "").strip()
        if preset and text:
            raise ValidationError("Choose a preset or give a mapping, not both.")
        if not preset and not text:
            raise ValidationError("Choose a layout preset or give a column mapping.")
        if text:
            try:
                document = json.loads(text)
            except json.JSONDecodeError as error:
                raise ValidationError(f"The mapping is not valid JSON: {error}") from error
            mapping_for(mapping_json=document)
            cleaned["mapping"] = document
        if cleaned.get("pull_nightly") and not cleaned.get("url"):
            raise ValidationError("Give the export's URL to pull it every night.")
        return cleaned

    def save(self, commit: bool = True) -> IncidentSource:
        source = super().save(commit=False)
        source.mapping = self.cleaned_data.get("mapping")
        if commit:
            source.full_clean()
            source.save()
        return source


class SampleUploadForm(forms.Form):
    sample = forms.FileField(
        label="A sample of the export (CSV)", help_text="The first rows are enough."
    )


def _choices(columns: list[str]) -> list[tuple[str, str]]:
    return [("", "---")] + [(c, c) for c in columns]


class MappingBuilderForm(forms.Form):
    """The fields of a Mapping, with the sample's columns to choose from."""

    shape = forms.ChoiceField(
        choices=[
            ("victim", "A row per victim"),
            ("incident", "A row per incident, with counts of killed and injured"),
        ]
    )
    incident_key = forms.ChoiceField(label="Incident key column")
    victim_key = forms.ChoiceField(
        label="Victim key column (if the export has one)", required=False
    )
    date = forms.ChoiceField(label="Date column")
    date_format = forms.CharField(
        initial="%Y-%m-%d",
        help_text="As in Python: %m/%d/%Y is 08/23/2019, %Y-%m-%d is 2019-08-23, "
        "%B %d, %Y is September 30, 2019.",
    )
    date_rest = forms.ChoiceField(
        label="After the date",
        choices=[
            ("time", "Nothing, or a time of day (anything else rejects the row)"),
            ("ignore", "Anything: read the date and ignore the rest"),
        ],
        initial="time",
        required=False,
    )
    time = forms.ChoiceField(label="Time column", required=False)
    time_format = forms.CharField(initial="%H:%M:%S", required=False)
    fatal = forms.ChoiceField(label="Fatal flag column (row per victim)", required=False)
    fatal_true = forms.CharField(
        label="Values that mean fatal", required=False, help_text="Separated by commas."
    )
    fatal_false = forms.CharField(label="Values that mean not fatal", required=False)
    killed = forms.ChoiceField(label="Killed count column (row per incident)", required=False)
    injured = forms.ChoiceField(label="Injured count column (row per incident)", required=False)
    latitude = forms.ChoiceField(required=False)
    longitude = forms.ChoiceField(required=False)
    area_code = forms.ChoiceField(label="Area code column", required=False)
    area_kind = forms.ChoiceField(label="Kind of area the codes name", choices=[])
    age = forms.ChoiceField(label="Victim age column", required=False)
    age_in_years = forms.BooleanField(label="Ages are in years (not bands)", required=False)
    age_values = forms.CharField(
        label="Age bands",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line, e.g. 25-34=25-44. Use <18, 18-24, 25-44, 45-64, 65+. "
        "Empty: the export writes the portal's bands.",
    )
    sex = forms.ChoiceField(label="Victim sex column", required=False)
    sex_values = forms.CharField(
        label="Sex values",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line: M=male, F=female.",
    )
    race = forms.ChoiceField(label="Victim race column", required=False)
    race_values = forms.CharField(
        label="Race values",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line, e.g. B=black. "
        "Use black, hispanic, white, asian_pacific, native, other.",
    )
    hispanic = forms.ChoiceField(label="Separate Hispanic/Latino column", required=False)
    hispanic_true = forms.CharField(
        label="Values that mean Hispanic/Latino", required=False, help_text="Separated by commas."
    )
    missing = forms.CharField(
        label="Values that mean not recorded", required=False, initial="(null), UNKNOWN"
    )

    def __init__(self, *args, columns: list[str], **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.ChoiceField) and name not in (
                "shape",
                "area_kind",
                "date_rest",
            ):
                field.choices = _choices(columns)
        self.fields["area_kind"].choices = AreaKind.choices  # type: ignore[attr-defined]

    @staticmethod
    def _list(text: str) -> list[str]:
        return [part.strip() for part in text.split(",") if part.strip()]

    @staticmethod
    def _pairs(text: str) -> dict[str, str]:
        pairs = {}
        for line in text.splitlines():
            if "=" in line:
                raw, value = line.split("=", 1)
                pairs[raw.strip()] = value.strip()
        return pairs

    def mapping_json(self) -> dict:
        data = self.cleaned_data
        document = {
            "shape": data["shape"],
            "incident_key": data["incident_key"],
            "victim_key": data["victim_key"] or None,
            "date": data["date"],
            "date_format": data["date_format"],
            "date_rest": data["date_rest"] or "time",
            "time": data["time"] or None,
            "time_format": data["time_format"] or "%H:%M:%S",
            "fatal": data["fatal"] or None,
            "fatal_true": self._list(data["fatal_true"]),
            "fatal_false": self._list(data["fatal_false"]),
            "killed": data["killed"] or None,
            "injured": data["injured"] or None,
            "latitude": data["latitude"] or None,
            "longitude": data["longitude"] or None,
            "area_code": data["area_code"] or None,
            "area_kind": data["area_kind"],
            "age": data["age"] or None,
            "age_values": "years"
            if data["age_in_years"]
            else (self._pairs(data["age_values"]) or {band: band for band in AGE_BANDS}),
            "sex": data["sex"] or None,
            "sex_values": self._pairs(data["sex_values"]),
            "race": data["race"] or None,
            "race_values": self._pairs(data["race_values"]),
            "hispanic": data["hispanic"] or None,
            "hispanic_true": self._list(data["hispanic_true"]),
            "missing": ["", *self._list(data["missing"])],
        }
        return document

    def clean(self):  # type: ignore[no-untyped-def]
        cleaned = super().clean() or {}
        if not self.errors:
            mapping_from_json(self.mapping_json())
        return cleaned

    @staticmethod
    def initial_from(mapping: dict[str, Any]) -> dict[str, Any]:
        """The form's fields filled from a mapping (a guessed one): the inverse of
        `mapping_json`."""
        initial: dict[str, Any] = {
            name: value
            for name, value in mapping.items()
            if isinstance(value, str) and name != "age_values"
        }
        for name in ("fatal_true", "fatal_false", "hispanic_true"):
            initial[name] = ", ".join(mapping.get(name) or [])
        initial["missing"] = ", ".join(v for v in mapping.get("missing") or [] if v)
        for name in ("sex_values", "race_values"):
            initial[name] = "\n".join(f"{k}={v}" for k, v in (mapping.get(name) or {}).items())
        ages = mapping.get("age_values")
        initial["age_in_years"] = ages == "years"
        if isinstance(ages, dict):
            initial["age_values"] = "\n".join(f"{k}={v}" for k, v in ages.items())
        return initial


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.kind.capitalize()} {obj.code} · {obj.name}"


class TargetForm(forms.Form):
    measure = forms.ChoiceField(choices=TargetMeasure.choices)
    area = AreaChoiceField(
        queryset=Area.objects.order_by("kind", "code"),
        required=False,
        empty_label="The whole city",
        help_text="A target for one area sits beside the city's.",
    )
    baseline_year = forms.TypedChoiceField(
        coerce=int,
        help_text="A year the data covers in full: its count is where the path starts.",
    )
    yearly_reduction = forms.DecimalField(
        min_value=Decimal("0.1"),
        max_value=Decimal("99.9"),
        decimal_places=1,
        initial=DEFAULT_YEARLY_REDUCTION,
        label="Yearly reduction (%)",
        help_text="The brief's path is nearly 10% fewer homicides each year.",
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year_field = self.fields["baseline_year"]
        assert isinstance(year_field, forms.TypedChoiceField)
        year_field.choices = [(year, str(year)) for year in years]
