from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from ovp.incidents.mapping import PRESETS
from ovp.incidents.models import IncidentSource


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

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        limit = settings.OVP_MAX_UPLOAD_MB * 1024 * 1024
        if upload.size > limit:
            raise ValidationError(f"The file is larger than {settings.OVP_MAX_UPLOAD_MB} MB.")
        if not upload.name.lower().endswith(".csv"):
            raise ValidationError("Upload the export as a .csv file.")
        return upload

    def clean(self):  # type: ignore[no-untyped-def]
        cleaned = super().clean()
        if not cleaned.get("source") and not cleaned.get("preset"):
            raise ValidationError("Choose the source this export belongs to, or the layout of a new one.")
        return cleaned

    def source(self) -> IncidentSource:
        from ovp.incidents.services import source_for

        if self.cleaned_data.get("source"):
            return self.cleaned_data["source"]
        return source_for(name=self.cleaned_data["preset"], preset=self.cleaned_data["preset"])
