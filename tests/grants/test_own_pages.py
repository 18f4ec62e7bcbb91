"""A grantee's and a board member's own grants pages (their applications, awards, performance
and reviews) show nothing of another organisation's records. Who reaches which page at all, for
every persona, is the permissions matrix's (tests/test_permissions_matrix.py)."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants.models import ApplicationStatus
from grants.services.applications import application_document_add
from grants.services.reports import report_attachment_add
from tests.builders import make_award
from tests.factories import ApplicationFactory, BoardMemberFactory, ReviewAssignmentFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def world(organisation_a, grantee_a, staff) -> None:
    """Organisation A's records in every state a page lists: a submitted application with a
    document and a staff reviewer, an award, and a report with an attachment."""
    with time_machine.travel(datetime(2026, 6, 1, 12, tzinfo=UTC), tick=False):
        application = ApplicationFactory(
            organisation=organisation_a, created_by=grantee_a, title="Organisation A's walks",
            status=ApplicationStatus.DRAFT,
        )  # fmt: skip
        application_document_add(
            application=application, user=grantee_a, kind="budget",
            upload=SimpleUploadedFile("a-budget.pdf", PDF),
        )  # fmt: skip
    application.status = ApplicationStatus.SUBMITTED
    application.save()
    ReviewAssignmentFactory(application=application, reviewer=staff, has_conflict=False)
    award = make_award(organisation_a, title="Organisation A's award")
    report = award.reports.order_by("period_start")[0]
    report_attachment_add(
        report=report, upload=SimpleUploadedFile("a-sheet.pdf", PDF), user=grantee_a
    )


def assert_nothing_of_organisation_a(response) -> None:
    assert response.status_code == 200
    assert "Organisation A" not in response.content.decode()


@pytest.mark.parametrize(
    "name", ["my_applications", "my_awards", "my_performance", "my_performance_csv"]
)
def test_a_grantee_of_another_organisation_reaches_nothing_of_it(
    name, world, grantee_b, client_for
):
    assert_nothing_of_organisation_a(client_for(grantee_b).get(reverse(f"grants:{name}")))


@pytest.mark.parametrize("name", ["my_reviews"])
def test_a_board_member_reaches_no_office_page_and_no_one_elses_review(name, world, client_for):
    client = client_for(BoardMemberFactory())
    assert_nothing_of_organisation_a(client.get(reverse(f"grants:{name}")))
