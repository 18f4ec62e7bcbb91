"""The one bridge from a service's ValidationError to a form (ovp.core.forms)."""

from django import forms
from django.core.exceptions import ValidationError

from ovp.core.forms import add_service_errors


class NameForm(forms.Form):
    name = forms.CharField()


def test_a_services_errors_land_on_their_fields_or_above_the_form():
    form = NameForm({"name": "Riverton"})
    assert form.is_valid()
    add_service_errors(form, ValidationError({
        "name": ValidationError("Taken.", code="taken"),
        "budget": "A field the form does not have.",  # Django's add_error raised ValueError
        "__all__": "Something about the whole.",
    }))  # fmt: skip
    assert form.errors["name"] == ["Taken."]
    assert form.has_error("name", code="taken")  # the code is kept
    assert form.non_field_errors() == [
        "A field the form does not have.",
        "Something about the whole.",
    ]


def test_a_plain_message_goes_above_the_form():
    form = NameForm({"name": "Riverton"})
    form.is_valid()
    add_service_errors(form, ValidationError("The round is closed."))
    assert form.non_field_errors() == ["The round is closed."]
