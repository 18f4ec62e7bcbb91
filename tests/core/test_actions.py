"""The bridge from a service to a view (ovp.core.actions): a posting button's refusal or
success as a message, then a redirect; a form page's refusal on the form's fields."""

import pytest
from django import forms
from django.contrib import messages
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from ovp.core.actions import Outcome, form_action, post_action


def _posted() -> HttpRequest:
    """A POST with the session and message storage the middleware gives every request."""
    request = RequestFactory().post("/grants/awards/1/close/")
    for middleware in (SessionMiddleware, MessageMiddleware):
        middleware(lambda _request: HttpResponse()).process_request(request)
    return request


def _shown(request: HttpRequest) -> list[tuple[str, str]]:
    return [(message.level_tag, message.message) for message in messages.get_messages(request)]


def _refuse(error: ValidationError):
    def service():
        raise error

    return service


class AwardForm(forms.Form):
    title = forms.CharField()
    amount = forms.DecimalField()


def _valid_form() -> AwardForm:
    form = AwardForm({"title": "Summer jobs", "amount": "5000"})
    assert form.is_valid()
    return form


# post_action: a button that posts


def test_a_refused_action_shows_the_services_messages_as_one_error_and_redirects():
    request = _posted()
    response = post_action(
        request,
        _refuse(ValidationError(["The award is already closed.", "Nothing was changed."])),
        done="Closed.",
        then="/grants/awards/1/",
    )
    assert response.status_code == 302
    assert response["Location"] == "/grants/awards/1/"
    assert _shown(request) == [("error", "The award is already closed. Nothing was changed.")]


def test_a_refusal_naming_fields_still_shows_every_message():
    request = _posted()
    post_action(
        request,
        _refuse(ValidationError({"amount": "Too much.", "title": "Needed."})),
        done="Saved.",
        then="/back/",
    )
    assert _shown(request) == [("error", "Too much. Needed.")]


def test_a_done_action_shows_its_success_message_and_redirects():
    request = _posted()
    calls = []
    response = post_action(
        request, lambda: calls.append("closed"), done="Summer jobs is closed out.", then="/done/"
    )
    assert calls == ["closed"]  # the service ran once
    assert response.status_code == 302
    assert response["Location"] == "/done/"
    assert _shown(request) == [("success", "Summer jobs is closed out.")]


def test_the_success_message_may_be_written_from_what_the_service_returned():
    request = _posted()
    post_action(
        request,
        lambda: ["Ana", "Ben", "Cy"],
        done=lambda created: f"Assigned {len(created)} reviewer(s).",
        then="/done/",
    )
    assert _shown(request) == [("success", "Assigned 3 reviewer(s).")]


def test_a_crash_is_not_a_refusal_it_is_not_swallowed():
    request = _posted()

    def service():
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        post_action(request, service, done="Saved.", then="/done/")
    assert _shown(request) == []


# form_action: a form page


def test_a_refusal_lands_on_the_forms_fields():
    form = _valid_form()
    outcome = form_action(
        form, _refuse(ValidationError({"amount": ValidationError("Over the cap.", code="cap")}))
    )
    assert not outcome
    assert outcome.value is None
    assert form.errors["amount"] == ["Over the cap."]
    assert form.has_error("amount", code="cap")
    assert form.non_field_errors() == []


def test_an_error_for_a_field_the_form_lacks_goes_above_the_form():
    form = _valid_form()
    outcome = form_action(
        form,
        _refuse(ValidationError({"budget_lines": "The lines add up to more than the award."})),
    )
    assert not outcome
    assert form.non_field_errors() == ["The lines add up to more than the award."]
    assert "budget_lines" not in form.errors


def test_a_plain_refusal_goes_above_the_form():
    form = _valid_form()
    assert not form_action(form, _refuse(ValidationError("The round is closed.")))
    assert form.non_field_errors() == ["The round is closed."]


def test_a_done_form_action_is_true_and_carries_what_the_service_returned():
    form = _valid_form()
    outcome = form_action(form, lambda: {"award": "Summer jobs"})
    assert outcome
    assert outcome == Outcome(True, {"award": "Summer jobs"})
    assert outcome.value == {"award": "Summer jobs"}
    assert form.errors == {}


def test_a_service_that_returns_nothing_is_still_done():
    form = _valid_form()
    outcome = form_action(form, lambda: None)
    assert outcome  # true though the value is None: views test the outcome, not its value
    assert outcome.value is None
    assert form.errors == {}


@pytest.mark.parametrize(
    "then", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "evil.example"]
)
def test_an_action_never_redirects_off_the_site(then):
    response = post_action(_posted(), lambda: None, done="Done.", then=then)
    assert response["Location"] == "/"
