"""Forms of the resource library: what staff say of a resource, a version's file or link,
and the filters of the lists (the office's, the portal's and the public's)."""

from typing import Any

from django import forms
from django.db.models import Q

from inventory.models import Audience, Language, ResourceQuerySet, Strategy
from inventory.uploads import ALLOWED_LABEL

ANY = [("", "Any")]


class ResourceForm(forms.Form):
    """What the library says of a resource."""

    title = forms.CharField(max_length=200)
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    strategy = forms.ChoiceField(
        choices=[("", "Any strategy"), *Strategy.choices],
        required=False,
        help_text="The strategy it serves, if one.",
    )
    topics = forms.CharField(
        required=False,
        max_length=600,
        help_text="Tags separated by commas, e.g. data collection, safe storage.",
    )
    language = forms.ChoiceField(choices=Language.choices, initial=Language.ENGLISH)
    audience = forms.ChoiceField(
        choices=Audience.choices,
        help_text="Who may see it: the board's and grantees' also see public resources; "
        "public ones are on the public website.",
    )

    def clean_topics(self) -> list[str]:
        return [tag for tag in self.cleaned_data["topics"].split(",") if tag.strip()]

    def values(self) -> dict[str, Any]:
        """The cleaned fields as the services take them."""
        return {name: self.cleaned_data[name] for name in ResourceForm.base_fields}


class VersionForm(forms.Form):
    """A file or a link: a resource's first version, or a new one."""

    file = forms.FileField(
        required=False,
        help_text=f"{ALLOWED_LABEL}.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.doc,.docx,.xls,.xlsx,.png,.jpg,.jpeg"}
        ),
    )
    url = forms.CharField(
        label="Or a link",
        required=False,
        max_length=500,
        help_text="An http:// or https:// address, instead of a file.",
    )
    note = forms.CharField(
        required=False, max_length=300, help_text="What this version is or what changed."
    )

    def values(self) -> dict[str, Any]:
        return {
            "upload": self.cleaned_data.get("file"),
            "url": self.cleaned_data.get("url", ""),
            "note": self.cleaned_data.get("note", ""),
        }


class ResourceCreateForm(ResourceForm, VersionForm):
    """A new resource with its first version."""

    def values(self) -> dict[str, Any]:
        return {**ResourceForm.values(self), **VersionForm.values(self)}


class LibraryFilter(forms.Form):
    """The filters of a library list; `audience` and `status` only on the office's."""

    q = forms.CharField(label="Title contains", required=False, max_length=100)
    strategy = forms.ChoiceField(choices=[("", "Any strategy"), *Strategy.choices], required=False)
    topic = forms.ChoiceField(choices=ANY, required=False)
    language = forms.ChoiceField(choices=[("", "Any language"), *Language.choices], required=False)

    def __init__(self, *args: Any, topics: list[str], office: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", "Any topic"), *((t, t) for t in topics)]  # type: ignore[attr-defined]
        if office:
            self.fields["audience"] = forms.ChoiceField(
                choices=[("", "Any audience"), *Audience.choices], required=False
            )
            self.fields["status"] = forms.ChoiceField(
                choices=[("", "In the library"), ("retired", "Retired"), ("all", "All")],
                required=False,
            )

    def apply(self, resources: ResourceQuerySet) -> ResourceQuerySet:
        """The resources matching the filters; none when a filter cannot be read."""
        if not self.is_bound:
            return resources.published() if "status" in self.fields else resources
        if not self.is_valid():
            return resources.none()
        data = self.cleaned_data
        status = data.get("status", "")
        if status == "retired":
            resources = resources.filter(retired_at__isnull=False)
        elif status != "all":
            resources = resources.filter(retired_at__isnull=True)
        if data["q"]:
            resources = resources.filter(Q(title__icontains=data["q"]))
        if data["strategy"]:
            resources = resources.filter(strategy=data["strategy"])
        if data["topic"]:
            resources = resources.filter(topics__contains=[data["topic"]])
        if data["language"]:
            resources = resources.filter(language=data["language"])
        if data.get("audience"):
            resources = resources.filter(audience=data["audience"])
        return resources
