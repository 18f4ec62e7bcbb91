"""History: every change to programs, awards, disbursements (tranches) and quarterly reports
(with their spending) is kept with who made it and when; an office administrator sees an
earlier version in Django admin and restores it, and nobody else can."""

from datetime import date
from typing import Any, cast

import pytest
from django.db.models import Model
from django.forms import BaseForm, BaseFormSet
from django.test import Client
from django.urls import reverse

from grants.models import Award, QuarterlyReport, ReportStatus, Spending, Tranche
from inventory.models import Program
from tests.builders import FULL_METRICS, make_award
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db


def form_data(form: BaseForm) -> dict[str, Any]:
    """What a browser would send back for a form left as it was shown."""
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        key = form.add_prefix(name)
        if isinstance(value, list | tuple):
            data[key] = [str(item) for item in value]
        elif isinstance(value, bool):
            if value:
                data[key] = "on"
        elif value is not None:
            data[key] = str(value)
    return data


def formset_data(formset: BaseFormSet) -> dict[str, Any]:
    data = form_data(formset.management_form)
    for form in formset.forms:
        data.update(form_data(form))
    return data


def admin_url(instance: Model, view: str, *args: Any) -> str:
    meta = instance._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[instance.pk, *args])


def revert(client: Client, instance: Model, history_id: int) -> Any:
    """Open an earlier version in admin and press Revert, as an administrator would."""
    url = admin_url(instance, "simple_history", history_id)
    shown = client.get(url)
    assert shown.status_code == 200
    return client.post(url, form_data(shown.context["adminform"].form))


@pytest.fixture
def award(organisation_a, staff) -> Award:
    return make_award(organisation_a, user=staff, title="Street outreach 2026")


@pytest.fixture
def first_report(award) -> QuarterlyReport:
    return award.reports.order_by("period_start").first()


# ------------------------------------------------------------------------ who and when


def test_a_report_submitted_on_its_page_is_kept_with_the_grantee_who_submitted_it(
    first_report, grantee_a, client_for
):
    line = first_report.award.budget_lines.order_by("id").first()
    response = client_for(grantee_a).post(
        reverse("grants:report_edit", kwargs={"uuid": first_report.uuid}),
        {"action": "submit", **FULL_METRICS, f"line_{line.pk}": "500.00", "narrative": "Done"},
    )
    assert response.status_code == 302
    latest = first_report.history.latest()
    assert (latest.status, latest.history_user) == (ReportStatus.SUBMITTED, grantee_a)
    assert latest.history_date is not None
    spent = Spending.history.get(report_id=first_report.pk, budget_line_id=line.pk)
    assert (spent.amount, spent.history_type, spent.history_user) == (500, "+", grantee_a)


def test_a_tranche_released_by_staff_is_kept_with_who_released_it(award, staff, client_for):
    tranche = award.tranches.get(number=1)
    response = client_for(staff).post(reverse("grants:tranche_release", args=[tranche.uuid]))
    assert response.status_code == 302
    before, after = tranche.history.order_by("history_date")
    assert before.released_at is None and before.history_user is None
    assert after.released_at is not None and after.history_user == staff


def test_a_program_edited_by_staff_is_kept_with_the_editor(staff, client_for):
    program = ProgramFactory(name="Night walks")
    client = client_for(staff)
    url = reverse("inventory:program_edit", kwargs={"uuid": program.uuid})
    shown = client.get(url)
    data = {**form_data(shown.context["form"]), **formset_data(shown.context["service_areas"])}
    response = client.post(url, {**data, "name": "Night walks and talks"})
    assert response.status_code == 302, response.context and response.context["form"].errors
    latest = program.history.latest()
    assert (latest.name, latest.history_user) == ("Night walks and talks", staff)


def test_closing_an_award_is_kept_with_who_closed_it(award, staff, client_for):
    response = client_for(staff).post(reverse("grants:award_close", args=[award.uuid]))
    assert response.status_code == 302
    latest = award.history.latest()
    assert (latest.status, latest.history_user) == ("closed", staff)
    assert award.history.count() == 2


# ------------------------------------------------------------------- seen and restored


def test_an_administrator_sees_the_history_of_an_award_a_report_and_a_program(
    award, first_report, office_admin, staff, client_for
):
    program = cast(Program, ProgramFactory(name="Night walks"))
    program.name = "Night walks and talks"
    program._history_user = staff  # type: ignore[attr-defined]
    program.save()
    client = client_for(office_admin)
    for instance in (award, first_report, program):
        page = client.get(admin_url(instance, "history"))
        assert page.status_code == 200, instance
        assert str(instance) in page.content.decode()
    page = client.get(admin_url(program, "history")).content.decode()
    assert "Sam Staff" in page  # who made the change


def test_an_administrator_restores_an_earlier_version_of_an_award(award, office_admin, client_for):
    first = award.history.earliest()
    award.title = "Renamed by mistake"
    award.conditions = "Quarterly site visits"
    award.save()
    response = revert(client_for(office_admin), award, first.history_id)
    assert response.status_code == 302
    award.refresh_from_db()
    assert (award.title, award.conditions) == ("Street outreach 2026", "")
    restored = award.history.latest()
    assert (restored.title, restored.history_user) == ("Street outreach 2026", office_admin)
    assert award.history.count() == 3


def test_an_administrator_restores_a_report_sent_back_to_draft(
    first_report, grantee_a, office_admin, client_for
):
    client_for(grantee_a).post(
        reverse("grants:report_edit", kwargs={"uuid": first_report.uuid}),
        {"action": "save", "participants_enrolled": "8", "narrative": "Started"},
    )
    draft = first_report.history.latest()
    assert draft.status == ReportStatus.DRAFT
    first_report.refresh_from_db()
    first_report.narrative = "Overwritten"
    first_report.participants_enrolled = 80
    first_report.save()
    response = revert(client_for(office_admin), first_report, draft.history_id)
    assert response.status_code == 302
    first_report.refresh_from_db()
    assert (first_report.narrative, first_report.participants_enrolled) == ("Started", 8)


def test_an_administrator_restores_a_tranche_and_a_program(award, office_admin, staff, client_for):
    tranche = award.tranches.get(number=2)
    planned = tranche.history.earliest()
    tranche.planned_on = date(2026, 12, 1)
    tranche.save()
    client = client_for(office_admin)
    assert revert(client, tranche, planned.history_id).status_code == 302
    tranche.refresh_from_db()
    assert tranche.planned_on == date(2026, 5, 15)

    program = ProgramFactory(name="Night walks", capacity=40)
    original = program.history.earliest()
    program.capacity = 400
    program.save()
    assert revert(client, program, original.history_id).status_code == 302
    program.refresh_from_db()
    assert program.capacity == 40


# -------------------------------------------------------------------------- nobody else


@pytest.mark.parametrize(
    ("persona", "answer"),
    [
        ("anonymous", "portal login"),
        ("grantee_a", "admin login"),
        ("board_member", "admin login"),
        ("staff", "admin login"),  # Django admin is the administrators' role alone
    ],
)
def test_only_administrators_see_or_restore_history(
    persona, answer, award, request, client_for, client
):
    first = award.history.earliest()
    award.title = "Changed since"
    award.save()
    program = ProgramFactory(name="Night walks")
    if persona != "anonymous":
        client = client_for(request.getfixturevalue(persona))
    targets = [
        admin_url(award, "history"),
        admin_url(award, "simple_history", first.history_id),
        admin_url(program, "history"),
        admin_url(program, "simple_history", program.history.earliest().history_id),
    ]
    for url in targets:
        for response in (client.get(url), client.post(url, {"title": "Street outreach 2026"})):
            if answer == 403:
                assert response.status_code == 403, url
            else:
                login = reverse("admin:login" if answer == "admin login" else "accounts:login")
                assert response.status_code == 302, url
                assert response["Location"].startswith(f"{login}?next="), url
    award.refresh_from_db()
    assert award.title == "Changed since"
    assert award.history.count() == 2


def test_the_admin_neither_adds_nor_deletes_money_records(award, office_admin, client_for):
    """Awards are made, and reports written, through the portal's services and their rules."""
    client = client_for(office_admin)
    tranche = award.tranches.first()
    report = award.reports.first()
    for model in (Award, Tranche, QuarterlyReport, Spending):
        meta = model._meta
        add = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
        assert client.get(add).status_code == 403
    for instance in (award, tranche, report):
        assert client.get(admin_url(instance, "delete")).status_code == 403
        assert client.post(admin_url(instance, "delete"), {"post": "yes"}).status_code == 403
    assert Tranche.objects.filter(pk=tranche.pk).exists()
    assert QuarterlyReport.objects.filter(pk=report.pk).exists()
