"""The compliance view: late, returned and due-soon reports by grantee, and its CSV."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
import time_machine

from grants.selectors.compliance import compliance
from grants.services.awards import award_close
from grants.services.reports import report_return
from tests.builders import approve, make_award, submit
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

# Q1 2026 reports are due 2026-04-30, Q2 ones 2026-07-30
TODAY = date(2026, 7, 20)


@pytest.fixture
def standing(organisation_a, organisation_b, grantee_a, grantee_b, staff):
    """Organisation A: Q1 late, Q2 due soon. Organisation B: Q1 returned, Q2 due soon but
    submitted. A third organisation's award is closed: nothing is owed."""
    mine = make_award(organisation_a, title="Outreach A")
    theirs = make_award(organisation_b, title="Hospital B")
    closed = make_award(OrganisationFactory(name="Closed C"), title="Closed award")
    award_close(award=closed, user=staff)
    b_q1, b_q2 = theirs.reports.order_by("period_start")[:2]
    submit(b_q1, grantee_b)
    report_return(report=b_q1, user=staff, comment="Fix the counts.")
    submit(b_q2, grantee_b)
    return mine, theirs


def test_reports_are_grouped_by_organisation_with_counts(standing):
    result = compliance(today=TODAY)
    # B's returned Q1 was due 2026-04-30: listed as returned, counted as late too
    assert (result.late, result.returned, result.due_soon) == (2, 1, 1)
    by_name = {row.organisation.name: row for row in result.organisations}
    assert set(by_name) == {"Organisation A", "Organisation B"}
    a, b = by_name["Organisation A"], by_name["Organisation B"]
    assert [r.quarter_label for r in a.late] == ["Q1 2026"]
    assert [r.quarter_label for r in a.due_soon] == ["Q2 2026"]
    assert a.returned == []
    assert [r.quarter_label for r in b.returned] == ["Q1 2026"]
    assert b.late == b.due_soon == []
    assert (a.late_count, b.late_count) == (1, 1)
    assert [r.quarter_label for r in b.returned_late] == ["Q1 2026"]
    # on a tie of late reports, the one with reports not submitted at all comes first
    assert result.organisations[0].organisation.name == "Organisation A"


def test_a_returned_report_counts_as_late_only_once_past_due(standing):
    # due 2026-04-30: on the day it is only returned, the day after it is late too
    on_time = {
        r.organisation.name: r.late_count for r in compliance(today=date(2026, 4, 30)).organisations
    }
    late = {
        r.organisation.name: r.late_count for r in compliance(today=date(2026, 5, 1)).organisations
    }
    assert on_time["Organisation B"] == 0 and late["Organisation B"] == 1


def test_due_soon_means_within_14_days(standing):
    assert compliance(today=date(2026, 7, 15)).due_soon == 0
    assert compliance(today=date(2026, 7, 16)).due_soon == 1


def test_approved_reports_are_not_owed(organisation_a, grantee_a, staff):
    award = make_award(organisation_a)
    approve(award.reports.order_by("period_start")[0], grantee_a, staff)
    assert compliance(today=date(2026, 5, 15)).late == 0


def test_staff_see_the_compliance_page_and_download_it(client_for, staff, standing):
    client = client_for(staff)
    with time_machine.travel(datetime(2026, 7, 20, 12, tzinfo=UTC), tick=False):
        page = client.get("/grants/compliance/")
        download = client.get("/grants/compliance/?format=csv")
    text = page.content.decode()
    assert page.status_code == 200
    assert "2 late" in text and "1 returned" in text and "1 due soon" in text
    assert "a returned report past due is listed as returned and counted as late" in text
    # B's returned row shows its 81 days late and a Late badge beside Returned for revision
    assert '<td class="text-end">81</td>' in text.split("Organisation B")[-1]
    assert "Organisation A" in text and "Closed C" not in text
    assert download["Content-Disposition"] == (
        'attachment; filename="ovp-report-compliance-2026-07-20.csv"'
    )
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["organisation", "award", "quarter"]
    assert sorted((row[0], row[2], row[7], row[8]) for row in rows[1:]) == [
        ("Organisation A", "Q1 2026", "Late", "81"),
        ("Organisation A", "Q2 2026", "Due soon", "0"),
        ("Organisation B", "Q1 2026", "Returned for revision", "81"),
    ]


@pytest.mark.parametrize("persona", ["grantee_a", "board_member"])
def test_grantees_and_board_members_get_403_on_compliance(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get("/grants/compliance/").status_code == 403
    assert client.get("/grants/compliance/?format=csv").status_code == 403
