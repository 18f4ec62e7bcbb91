"""Grants on the home pages: the grantee's reports and applications waiting for them, the
board member's reviews waiting, through the panels GrantsConfig declares (ovp.core.panels),
each for its own user only."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.test import TestCase

from grants.models import ApplicationStatus
from grants.services.reports import report_return
from grants.services.review import conflict_declare, reviewers_assign
from ovp.core.panels import HomePanel, panels_for
from tests.builders import make_award, submit
from tests.factories import (
    ApplicationFactory,
    BoardMemberFactory,
    GranteeFactory,
    ReviewAssignmentFactory,
)

pytestmark = pytest.mark.django_db

# Q1 2026 was due 2026-04-30, Q2 is due 2026-07-30; on 2026-07-20 Q1 is late and Q2 open
MOMENT = datetime(2026, 7, 20, 12, tzinfo=UTC)


@pytest.fixture
def standing(organisation_a, organisation_b, grantee_a, grantee_b, staff):
    """A: Q1 late (not started), Q2 due, a draft application. B: Q1 returned, an application
    with more information requested and a submitted one."""
    award_a = make_award(organisation_a, title="Outreach A")
    award_b = make_award(organisation_b, title="Hospital B")
    b_q1 = award_b.reports.order_by("period_start")[0]
    submit(b_q1, grantee_b)
    report_return(report=b_q1, user=staff, comment="Fix the counts.")
    ApplicationFactory(
        organisation=organisation_a, title="A's draft", status=ApplicationStatus.DRAFT
    )
    ApplicationFactory(organisation=organisation_b, title="B's questions",
                       status=ApplicationStatus.INFO_REQUESTED)  # fmt: skip
    ApplicationFactory(organisation=organisation_b, title="B's submitted")
    return award_a, award_b


def test_a_grantee_home_shows_their_late_due_and_draft_work_only(standing, client_for, grantee_a):
    award_a, award_b = standing
    a_q1, a_q2 = award_a.reports.order_by("period_start")[:2]

    with time_machine.travel(MOMENT, tick=False):
        page = client_for(grantee_a).get("/portal/").content.decode()

    panel = page.split('data-testid="grantee-grants-panel"')[1]
    assert f'href="/portal/reports/{a_q1.uuid}/">Q1 2026 report for Outreach A' in panel
    assert "Late" in panel.split("Q1 2026 report for Outreach A")[0]
    assert f'href="/portal/reports/{a_q2.uuid}/">Q2 2026 report for Outreach A' in panel
    assert "A&#x27;s draft" in panel
    assert "Hospital B" not in page and "B&#x27;s" not in page
    assert not any(str(r.uuid) in page for r in award_b.reports.all())


def test_another_grantee_sees_their_own_returned_report_and_questions(
    standing, client_for, grantee_b
):
    _, award_b = standing
    b_q1 = award_b.reports.order_by("period_start")[0]

    with time_machine.travel(MOMENT, tick=False):
        page = client_for(grantee_b).get("/portal/").content.decode()

    assert f'href="/portal/reports/{b_q1.uuid}/">Q1 2026 report for Hospital B' in page
    assert "Returned for revision" in page and "the office waits for your corrections" in page
    assert "B&#x27;s questions" in page
    assert "B&#x27;s submitted" not in page  # with the office: nothing to do
    assert "Outreach A" not in page and "A&#x27;s draft" not in page


def test_a_grantee_with_nothing_owed_is_told_so(client_for, grantee_a):
    page = client_for(grantee_a).get("/portal/").content.decode()
    assert "No report or application is waiting for you at the moment." in page


def test_a_grantee_without_an_organisation_gets_no_grants_panel(client_for):
    lone = GranteeFactory()
    lone.organisations.clear()
    page = client_for(lone).get("/portal/").content.decode()
    assert 'data-testid="grantee-grants-panel"' not in page


def test_a_board_member_home_lists_their_pending_reviews_only(client_for, board_member, staff):
    waiting = ReviewAssignmentFactory(reviewer=board_member, application__title="Night walks")
    declared = ReviewAssignmentFactory(reviewer=board_member, application__title="Bedside")
    conflict_declare(assignment=declared, user=board_member, has_conflict=False)
    conflicted = ReviewAssignmentFactory(reviewer=board_member, application__title="Council")
    conflict_declare(assignment=conflicted, user=board_member, has_conflict=True, note="Board")
    ReviewAssignmentFactory(reviewer=board_member, application__title="Decided",
                            application__status=ApplicationStatus.APPROVED)  # fmt: skip
    ReviewAssignmentFactory(reviewer=BoardMemberFactory(), application__title="Someone else's")

    page = client_for(board_member).get("/board/").content.decode()

    assert f'href="/grants/reviews/{waiting.uuid}/">Night walks' in page
    assert "declare any conflict of interest first" in page
    assert f'href="/grants/reviews/{declared.uuid}/">Bedside' in page
    assert "Council" not in page and "Decided" not in page and "Someone else" not in page
    assert "Nothing is waiting for you at the moment." not in page


def test_a_board_member_with_no_review_is_told_so(client_for, board_member):
    page = client_for(board_member).get("/board/").content.decode()
    assert "No application is waiting for your review." in page


def test_assigning_a_reviewer_emails_them_a_link(board_member, staff, settings):
    settings.OVP_SITE_URL = "https://ovp.example.org"
    application = ApplicationFactory(title="Night walks")

    with TestCase.captureOnCommitCallbacks(execute=True):
        (assignment,) = reviewers_assign(
            application=application, reviewers=[board_member], assigned_by=staff
        )

    (email,) = mail.outbox
    assert email.to == [board_member.email]
    assert email.subject == "Please review: Night walks"
    assert f"https://ovp.example.org/grants/reviews/{assignment.uuid}/" in email.body


def test_panels_follow_roles_and_skip_a_panel_with_nothing(monkeypatch, grantee_a, board_member):
    from django.apps import apps

    config = apps.get_app_config("grants")
    monkeypatch.setattr(config, "home_panels", (
        HomePanel("grants/panels/board.html", "tests.grants.test_home_panels.nothing", ("board",)),
        HomePanel("grants/panels/board.html", "grants.selectors.home.board_panel", ("board",)),
    ))  # fmt: skip

    assert panels_for(grantee_a) == []
    # of the two grants panels only the second shows (other apps may add panels of their own)
    (only,) = [p for p in panels_for(board_member) if 'data-testid="board-grants-panel"' in p]
    assert "No application is waiting for your review." in only


def nothing(user) -> None:
    return None
