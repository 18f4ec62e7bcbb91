"""Every grants URL, from the resolver, against the personas who must not reach it: an
anonymous visitor is sent to login; a grantee of another organisation gets 404 on another
organisation's records (403 on office pages, its own empty lists on its own pages); a board
member gets 403 on office and grantee pages, 404 on reviews not theirs. A new grants route
fails the table test until it is added to ROUTES."""

from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from grants.models import ApplicationStatus
from grants.services.applications import application_document_add
from grants.services.reports import report_attachment_add
from grants.urls import urlpatterns
from tests.builders import make_award
from tests.factories import ApplicationFactory, BoardMemberFactory, ReviewAssignmentFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"
LOGIN = "login"
OWN = "own"  # 200, the user's own (empty) page, with nothing of organisation A's on it
ALLOWED = "allowed"  # any grantee may (apply to an open round)

# route name -> (method, the URL's arguments from the world, grantee of B, board member)
ROUTES: dict[str, tuple[str, tuple[str, ...], Any, Any]] = {
    "fund_list": ("get", (), 403, 403),
    "fund_create": ("get", (), 403, 403),
    "fund_edit": ("get", ("fund",), 403, 403),
    "round_list": ("get", (), 403, 403),
    "round_create": ("get", (), 403, 403),
    "round_detail": ("get", ("round",), 403, 403),
    "round_edit": ("get", ("round",), 403, 403),
    "my_applications": ("get", (), OWN, 403),
    "application_create": ("get", ("round",), ALLOWED, 403),
    "application_view": ("get", ("application",), 404, 403),
    "application_edit": ("get", ("application",), 404, 403),
    "application_document_add": ("post", ("application",), 404, 403),
    "application_document": ("get", ("application", "document"), 404, 403),
    "application_document_remove": ("post", ("application", "document"), 404, 403),
    "application_submit": ("post", ("application",), 404, 403),
    "application_message": ("post", ("application",), 404, 403),
    "application_detail": ("get", ("application",), 403, 403),
    "application_document_office": ("get", ("application", "document"), 403, 403),
    "application_message_office": ("post", ("application",), 403, 403),
    "application_assign": ("post", ("application",), 403, 403),
    "application_decide": ("get", ("application",), 403, 403),
    "my_reviews": ("get", (), 403, OWN),
    "review_detail": ("get", ("assignment",), 403, 404),
    "review_conflict": ("post", ("assignment",), 403, 404),
    "review_score": ("post", ("assignment",), 403, 404),
    "assignment_remove": ("post", ("assignment",), 403, 403),
    "review_document": ("get", ("assignment", "document"), 403, 404),
    "allocation": ("get", ("round",), 403, 403),
    "award_list": ("get", (), 403, 403),
    "award_create": ("get", (), 403, 403),
    "award_detail": ("get", ("award",), 403, 403),
    "award_close": ("post", ("award",), 403, 403),
    "tranche_release": ("post", ("tranche",), 403, 403),
    "my_awards": ("get", (), OWN, 403),
    "compliance": ("get", (), 403, 403),
    "report_review": ("get", ("report",), 403, 403),
    "report_edit": ("get", ("report",), 404, 403),
    "report_attachment_add": ("post", ("report",), 404, 403),
    "report_attachment_remove": ("post", ("attachment",), 404, 403),
    "report_attachment_download": ("get", ("attachment",), 404, 403),
    "metric_library": ("get", (), 403, 403),
    "round_metrics": ("get", ("round",), 403, 403),
    "award_targets": ("get", ("award",), 403, 403),
    "performance": ("get", (), 403, 403),
    "performance_csv": ("get", (), 403, 403),
    # a grantee's own awards only: organisation A's award is not on B's page
    "my_performance": ("get", (), OWN, 403),
    "my_performance_csv": ("get", (), OWN, 403),
}


def test_every_grants_route_is_in_the_table():
    names = [pattern.name for pattern in urlpatterns]
    assert len(names) == len(set(names))
    assert set(names) == set(ROUTES), (
        f"new: {set(names) - set(ROUTES)}, gone: {set(ROUTES) - set(names)}"
    )


@pytest.fixture
def world(organisation_a, grantee_a, staff) -> dict[str, Any]:
    """Organisation A's records in every state a URL needs; a staff member reviews."""
    with time_machine.travel(datetime(2026, 6, 1, 12, tzinfo=UTC), tick=False):
        application = ApplicationFactory(
            organisation=organisation_a, created_by=grantee_a, title="Organisation A's walks",
            status=ApplicationStatus.DRAFT,
        )  # fmt: skip
        document = application_document_add(
            application=application, user=grantee_a, kind="budget",
            upload=SimpleUploadedFile("a-budget.pdf", PDF),
        )  # fmt: skip
    application.status = ApplicationStatus.SUBMITTED
    application.save()
    assignment = ReviewAssignmentFactory(
        application=application, reviewer=staff, has_conflict=False
    )
    award = make_award(organisation_a, title="Organisation A's award")
    report = award.reports.order_by("period_start")[0]
    attachment = report_attachment_add(
        report=report, upload=SimpleUploadedFile("a-sheet.pdf", PDF), user=grantee_a
    )
    return {
        "fund": application.funding_round.fund.uuid,
        "round": application.funding_round.uuid,
        "application": application.uuid,
        "document": document.uuid,
        "assignment": assignment.uuid,
        "award": award.uuid,
        "tranche": award.tranches.get(number=1).uuid,
        "report": report.uuid,
        "attachment": attachment.uuid,
    }


def url_of(name: str, world: dict[str, Any]) -> str:
    pattern = next(p for p in urlpatterns if p.name == name)
    _, arguments, _, _ = ROUTES[name]
    path = str(pattern.pattern)
    for key, argument in zip(pattern.pattern.converters, arguments, strict=True):
        path = path.replace(f"<uuid:{key}>", str(world[argument]))
    return "/" + path


def check(response, expected: Any) -> None:
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif expected == OWN:
        assert response.status_code == 200
        assert "Organisation A" not in response.content.decode()
    elif expected == ALLOWED:
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_anonymous_visitors_are_sent_to_login(name, world, client):
    method, *_ = ROUTES[name]
    check(getattr(client, method)(url_of(name, world)), LOGIN)


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_a_grantee_of_another_organisation_reaches_nothing_of_it(
    name, world, grantee_b, client_for
):
    method, _, expected, _ = ROUTES[name]
    check(getattr(client_for(grantee_b), method)(url_of(name, world)), expected)


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_a_board_member_reaches_no_office_page_and_no_one_elses_review(name, world, client_for):
    method, _, _, expected = ROUTES[name]
    check(getattr(client_for(BoardMemberFactory()), method)(url_of(name, world)), expected)
