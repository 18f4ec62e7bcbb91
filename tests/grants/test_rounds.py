"""Funds and funding rounds: the office's pages, the rubric, and the round's applications."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine

from grants.models import ApplicationStatus, Criterion, Fund, FundingRound
from grants.services.review import conflict_declare, review_submit
from tests.factories import (
    ApplicationFactory,
    AwardFactory,
    CriterionFactory,
    FundFactory,
    FundingRoundFactory,
    ReviewAssignmentFactory,
    TrancheFactory,
)

OFFICE_PAGES = [
    "/grants/funds/",
    "/grants/funds/new/",
    "/grants/funds/{fund}/edit/",
    "/grants/rounds/",
    "/grants/rounds/new/",
    "/grants/rounds/{round}/",
    "/grants/rounds/{round}/edit/",
]


@pytest.fixture(autouse=True)
def during_the_round():
    with time_machine.travel(datetime(2026, 6, 1, 12, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def fund(db):
    return FundFactory(name="City CVI fund", total_budget=Decimal("1000000.00"))


@pytest.fixture
def funding_round(fund):
    funding_round = FundingRoundFactory(fund=fund, name="Peace 2026", budget=Decimal("400000.00"))
    CriterionFactory(funding_round=funding_round, name="Need", weight=2, max_score=5)
    return funding_round


def urls(fund, funding_round):
    return [page.format(fund=fund.uuid, round=funding_round.uuid) for page in OFFICE_PAGES]


def round_post(fund, **changes):
    data = {
        "fund": fund.pk,
        "name": "Summer 2026",
        "budget": "300000",
        "max_award": "100000",
        "opens_at": "2026-06-01T09:00",
        "closes_at": "2026-07-15T17:00",
        "priority_strategies": ["street_outreach", "hospital"],
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "1",
        "criteria-MAX_NUM_FORMS": "1000",
        "criteria-0-name": "Need in the areas served",
        "criteria-0-weight": "3",
        "criteria-0-max_score": "5",
        "criteria-1-name": "Evidence of the approach",
        "criteria-1-weight": "2",
        "criteria-1-max_score": "10",
    }
    return {**data, **changes}


@pytest.mark.parametrize("persona", ["staff", "office_admin"])
def test_office_pages_open_for_office_staff(persona, request, fund, funding_round, client_for):
    client = client_for(request.getfixturevalue(persona))
    for url in urls(fund, funding_round):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", ["grantee_a", "board_member"])
def test_grantees_and_board_members_get_403_on_fund_and_round_pages(
    persona, request, fund, funding_round, client_for
):
    client = client_for(request.getfixturevalue(persona))
    for url in urls(fund, funding_round):
        assert client.get(url).status_code == 403, url
    assert client.post("/grants/funds/new/", {"name": "Mine"}).status_code == 403
    assert not Fund.objects.filter(name="Mine").exists()


def test_staff_add_a_fund(staff, client_for):
    response = client_for(staff).post(
        "/grants/funds/new/",
        {
            "name": "State CVI grant",
            "source": "State of Example",
            "total_budget": "750000.00",
            "first_fiscal_year": "2026",
            "last_fiscal_year": "2028",
        },
    )
    assert response.status_code == 302
    fund = Fund.objects.get(name="State CVI grant")
    assert fund.total_budget == Decimal("750000.00") and fund.last_fiscal_year == 2028


def test_a_fund_cannot_shrink_below_what_its_rounds_plan(fund, funding_round, staff, client_for):
    response = client_for(staff).post(
        f"/grants/funds/{fund.uuid}/edit/",
        {
            "name": fund.name,
            "source": fund.source,
            "total_budget": "300000.00",
            "first_fiscal_year": "2026",
            "last_fiscal_year": "2027",
        },
    )
    assert response.status_code == 200
    assert "rounds already plan $400,000.00" in response.content.decode()
    fund.refresh_from_db()
    assert fund.total_budget == Decimal("1000000.00")


def test_the_fund_list_shows_obligated_disbursed_and_available(fund, staff, client_for):
    award = AwardFactory(fund=fund, amount=Decimal("120000.00"))
    TrancheFactory(
        award=award, amount=Decimal("30000.00"), released_at=datetime(2026, 2, 1, tzinfo=UTC)
    )
    TrancheFactory(award=award, amount=Decimal("45000.00"))
    page = client_for(staff).get("/grants/funds/").content.decode()
    assert "$1,000,000.00" in page  # total
    assert "$120,000.00" in page  # obligated
    assert "$30,000.00" in page  # disbursed: released tranches only
    assert "$880,000.00" in page  # available


def test_staff_create_a_round_with_its_rubric(fund, staff, client_for):
    response = client_for(staff).post("/grants/rounds/new/", round_post(fund))
    funding_round = FundingRound.objects.get(name="Summer 2026")
    assert response.status_code == 302
    assert response["Location"] == f"/grants/rounds/{funding_round.uuid}/"
    assert funding_round.priority_strategies == ["street_outreach", "hospital"]
    assert funding_round.closes_at == datetime(2026, 7, 15, 21, 0, tzinfo=UTC)  # New York time
    assert [(c.name, c.weight, c.max_score, c.position) for c in funding_round.criteria.all()] == [
        ("Need in the areas served", 3, 5, 0),
        ("Evidence of the approach", 2, 10, 1),
    ]


def test_a_round_needs_a_rubric(fund, staff, client_for):
    data = round_post(fund, **{"criteria-TOTAL_FORMS": "0"})
    response = client_for(staff).post("/grants/rounds/new/", data)
    assert response.status_code == 200 and not FundingRound.objects.filter(name="Summer 2026")
    assert "Please submit at least 1 form" in response.content.decode()


def test_a_round_must_close_after_it_opens(fund, staff, client_for):
    response = client_for(staff).post(
        "/grants/rounds/new/", round_post(fund, closes_at="2026-05-01T09:00")
    )
    assert "The round must close after it opens." in response.content.decode()
    assert not FundingRound.objects.filter(name="Summer 2026").exists()


def test_a_rounds_budget_must_fit_in_what_the_fund_has_left(fund, funding_round, staff, client_for):
    response = client_for(staff).post("/grants/rounds/new/", round_post(fund, budget="600000.01"))
    assert response.status_code == 200
    assert "has $600,000.00 left for new rounds" in response.content.decode()
    assert not FundingRound.objects.filter(name="Summer 2026").exists()
    assert not Criterion.objects.filter(name="Need in the areas served").exists()


def test_the_largest_award_cannot_exceed_the_budget(fund, staff, client_for):
    response = client_for(staff).post(
        "/grants/rounds/new/", round_post(fund, budget="50000", max_award="60000")
    )
    assert "The largest award cannot exceed the round&#x27;s budget." in response.content.decode()
    assert not FundingRound.objects.filter(name="Summer 2026").exists()


def test_the_rubric_is_fixed_once_reviewers_have_scored(funding_round, staff, client_for):
    criterion = funding_round.criteria.get()
    application = ApplicationFactory(funding_round=funding_round)
    assignment = ReviewAssignmentFactory(application=application)
    conflict_declare(assignment=assignment, user=assignment.reviewer, has_conflict=False)
    review_submit(assignment=assignment, user=assignment.reviewer, scores={criterion.pk: (4, "")})
    data = round_post(
        funding_round.fund,
        name=funding_round.name,
        budget="400000",
        **{
            "criteria-TOTAL_FORMS": "1",
            "criteria-INITIAL_FORMS": "1",
            "criteria-0-id": str(criterion.pk),
            "criteria-0-funding_round": str(funding_round.pk),
            "criteria-0-name": "Need",
            "criteria-0-weight": "2",
            "criteria-0-max_score": "3",
        },
    )
    response = client_for(staff).post(f"/grants/rounds/{funding_round.uuid}/edit/", data)
    assert response.status_code == 200
    assert "the rubric can no longer change" in response.content.decode()
    criterion.refresh_from_db()
    assert criterion.max_score == 5


def test_the_round_page_lists_submitted_applications_with_scores(
    funding_round, staff, client_for, django_assert_max_num_queries
):
    criterion = funding_round.criteria.get()
    reviewed = ApplicationFactory(funding_round=funding_round, title="Night walks")
    for score in (4, 3):
        assignment = ReviewAssignmentFactory(application=reviewed)
        conflict_declare(assignment=assignment, user=assignment.reviewer, has_conflict=False)
        review_submit(
            assignment=assignment, user=assignment.reviewer, scores={criterion.pk: (score, "")}
        )
    for n in range(5):
        ApplicationFactory(funding_round=funding_round, title=f"Other {n}")
    ApplicationFactory(
        funding_round=funding_round, title="Still a draft", status=ApplicationStatus.DRAFT
    )
    client = client_for(staff)
    with django_assert_max_num_queries(13):  # whatever the number of applications
        response = client.get(f"/grants/rounds/{funding_round.uuid}/")
    page = response.content.decode()
    assert "Night walks" in page and "Other 4" in page and "Still a draft" not in page
    assert "70.00%" in page  # (80 + 60) / 2
    assert "60.00\u201380.00%" in page  # the spread, with an en dash
    assert "1 draft not yet submitted is not listed" in page
