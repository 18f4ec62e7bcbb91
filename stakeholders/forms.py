"""Forms of the registry. They validate input; the views hand the cleaned data to a service."""

from typing import Any

import django_filters
from django import forms
from django.db.models import Q

from ovp.accounts.models import Role, User
from ovp.areas.models import Area
from stakeholders.models import (
    MAX_INPUT_CHARS,
    WHOLE_CITY,
    ActionItem,
    Board,
    BoardMembership,
    Goal,
    InputStatus,
    InputTopic,
    Meeting,
    Organisation,
    Person,
    Sector,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Name contains")
    sector = django_filters.ChoiceFilter(choices=Sector.choices, empty_label="Any sector")

    class Meta:
        model = Organisation
        fields = ["q", "sector"]

    def search(self, queryset: Any, name: str, value: str) -> Any:
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(required=False, assume_scheme="https")
    members = forms.ModelMultipleChoiceField(
        queryset=User.objects.filter(role=Role.GRANTEE, is_active=True).order_by("email"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Users who act for it",
        help_text="Grantee accounts that apply and report for this organisation.",
    )

    class Meta:
        model = Organisation
        fields = [
            "name", "sector", "description", "website",
            "strengths", "services", "data_held",
            "public_phone", "public_email", "public_address", "members",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "strengths": forms.Textarea(attrs={"rows": 3}),
            "services": forms.Textarea(attrs={"rows": 3}),
            "data_held": forms.Textarea(attrs={"rows": 3}),
        }


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "organisation", "full_name", "title", "email", "phone",
            "consent_to_contact", "consent_recorded_on", "user", "notes",
        ]  # fmt: skip
        labels = {"user": "Portal account"}
        help_texts = {
            "consent_recorded_on": "Left empty when consent is given, today's date is recorded.",
            "user": "A board member's login: it lets them see the boards they sit on.",
        }
        widgets = {
            "consent_recorded_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            role=Role.BOARD, is_active=True
        ).order_by("email")


class BoardForm(forms.ModelForm):
    class Meta:
        model = Board
        fields = ["name", "kind", "purpose", "active"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3})}


class MembershipForm(forms.ModelForm):
    class Meta:
        model = BoardMembership
        fields = ["person", "role", "term_start", "term_end"]
        widgets = {"term_start": DateInput(), "term_end": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.select_related(  # type: ignore[attr-defined]
            "organisation"
        )


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["held_at", "location", "agenda", "minutes", "attendees"]
        widgets = {
            "held_at": DateTimeInput(),
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "minutes": forms.Textarea(attrs={"rows": 6}),
            "attendees": forms.CheckboxSelectMultiple,
        }
        help_texts = {"attendees": "Members of the board who attended."}

    def __init__(self, *args: Any, board: Board, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = Person.objects.filter(  # type: ignore[attr-defined]
            memberships__board=board
        ).distinct()


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["board", "title", "description", "horizon", "target_date"]
        labels = {"board": "Board or task force"}
        widgets = {"target_date": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["board"].empty_label = "None: a city-wide goal"  # type: ignore[attr-defined]


class ActionItemForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["title", "owner_person", "owner_organisation", "due_on", "status", "notes"]
        help_texts = {
            "owner_person": "The subject-matter lead: choose a person or an organisation.",
            "owner_organisation": "Leave empty when a person leads it.",
        }
        widgets = {"due_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}


# Community input


class AreaChoiceField(forms.ModelChoiceField):
    """Areas by name alone, as residents know them."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class CommunityInputForm(forms.Form):
    """The public form. Its fields are all there is: nothing asks who the resident is. The
    honeypot and the signed start time are checked by the view (stakeholders/spam.py)."""

    area = AreaChoiceField(
        queryset=Area.objects.none(),
        required=False,
        empty_label=WHOLE_CITY,
        label="Which area is it about?",
    )
    topic = forms.ChoiceField(
        choices=[("", "Choose a topic"), *InputTopic.choices],
        label="What is it about?",
        error_messages={"required": "Choose what it is about (or “Something else”)."},
    )
    text = forms.CharField(
        label="What does your area need?",
        max_length=MAX_INPUT_CHARS,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_INPUT_CHARS}),
        help_text=(
            f"Up to {MAX_INPUT_CHARS:,} characters. Do not write anyone's name, address, phone "
            "number or other personal details, yours included."
        ),
        error_messages={
            "required": "Write what your area needs.",
            "max_length": "Keep it to %(limit_value)s characters: this has %(show_value)s.",
        },
    )
    started = forms.CharField(widget=forms.HiddenInput, required=False)
    # the honeypot: hidden from people and screen readers (see the template)
    leave_blank = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]


class CommunityInputFilter(forms.Form):
    status = forms.ChoiceField(choices=[("", "Any status"), *InputStatus.choices], required=False)
    area = forms.ModelChoiceField(
        queryset=Area.objects.none(), required=False, empty_label="Any area"
    )
    topic = forms.ChoiceField(choices=[("", "Any topic"), *InputTopic.choices], required=False)

    def __init__(self, *args: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]


class CommunityInputEditForm(forms.Form):
    text = forms.CharField(
        label="The resident's words",
        max_length=MAX_INPUT_CHARS,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_INPUT_CHARS}),
        help_text="Take out names, addresses, phone numbers and other personal details.",
    )
