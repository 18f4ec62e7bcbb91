"""The allocation workbench: burden and the benchmark by area, a proposal that favours risk
and evidence within the round's budget, and the final amounts recorded with who decided."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from grants.models import Allocation, AllocationLine, ApplicationStatus
from grants.selectors.allocation import Candidate, allocation_workbench, share_budget
from grants.services.allocation import allocation_record
from inventory.models import Evidence, Strategy
from ovp.incidents.models import PeriodCount
from tests.builders import record_burden
from tests.factories import (
    ApplicationFactory,
    AreaFactory,
    AwardFactory,
    CriterionFactory,
    FundingRoundFactory,
    ProgramFactory,
    ReviewAssignmentFactory,
)

TODAY = date(2026, 11, 25)
D = Decimal


def candidate(weight: str, cap: str) -> Candidate:
    return Candidate(
        application=None, evidence="", score=None, need=0, area_codes=[], cap=D(cap),
        priority=False, weight=D(weight),
    )  # fmt: skip


def test_budget_is_shared_by_weight_and_what_a_capped_application_cannot_take_goes_to_the_rest():
    small, big, other = (
        candidate("1", "10000"),
        candidate("1", "1000000"),
        candidate("2", "1000000"),
    )

    share_budget([small, big, other], D("100000"))

    # by weight alone: 25,000 / 25,000 / 50,000; the first is capped at 10,000 and the
    # 15,000 it cannot take is shared 1:2 between the others
    assert [small.proposed, big.proposed, other.proposed] == [D("10000"), D("30000"), D("60000")]


def test_budget_sharing_rounds_down_to_whole_dollars_and_never_exceeds_the_budget():
    thirds = [candidate("1", "1000000") for _ in range(3)]

    share_budget(thirds, D("100000"))

    assert [c.proposed for c in thirds] == [D("33333")] * 3
    assert sum(c.proposed for c in thirds) <= D("100000")


def test_weightless_or_uncapped_applications_get_nothing():
    nothing, no_room, some = candidate("0", "5000"), candidate("3", "0"), candidate("1", "5000")

    share_budget([nothing, no_room, some], D("100000"))

    assert (nothing.proposed, no_room.proposed, some.proposed) == (D("0"), D("0"), D("5000"))


@pytest.fixture
def round_with_applications(db):
    """Two areas: H1 with 40 people shot and 4 killed, H2 with 10 and 1; an award already
    working in H1; two approved applications, an Effective one in H1, a Not rated one in H2."""
    h1, h2 = AreaFactory(code="H1", name="Hood 1"), AreaFactory(code="H2", name="Hood 2")
    record_burden({h1: 40, h2: 10})
    PeriodCount.objects.filter(area=h1).update(fatal=4)
    PeriodCount.objects.filter(area=h2).update(fatal=1)
    funding_round = FundingRoundFactory(budget=D("100000.00"), priority_strategies=[Strategy.CBT])
    effective = ApplicationFactory(
        funding_round=funding_round, title="Effective in H1", status=ApplicationStatus.APPROVED,
        approved_amount=D("80000.00"), program=ProgramFactory(evidence=Evidence.EFFECTIVE),
    )  # fmt: skip
    effective.areas.set([h1])
    unrated = ApplicationFactory(
        funding_round=funding_round, title="Unrated in H2", status=ApplicationStatus.APPROVED,
        approved_amount=D("50000.00"), strategy=Strategy.CBT,
    )  # fmt: skip
    unrated.areas.set([h2])
    ApplicationFactory(
        funding_round=funding_round, title="Declined", status=ApplicationStatus.DECLINED
    )
    # a one-year award of $36,500 working in H1 and H2: $18,250 a year each
    award = AwardFactory(
        amount=D("36500.00"), starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31)
    )
    award.areas.set([h1, h2])
    return funding_round, effective, unrated


def test_workbench_sets_burden_beside_the_benchmark_and_what_is_funded(round_with_applications):
    funding_round, *_ = round_with_applications

    workbench = allocation_workbench(funding_round, on=TODAY)

    rows = {
        n.area.code: (n.people_shot, n.homicides, n.benchmark, n.funded, n.gap)
        for n in workbench.areas
    }
    assert rows == {
        "H1": (40, 4, D("120000"), D("18250"), D("101750")),
        "H2": (10, 1, D("30000"), D("18250"), D("11750")),
    }
    assert [n.area.code for n in workbench.areas] == ["H1", "H2"]  # most people shot first


def test_proposal_favours_risk_evidence_score_and_priority_as_the_page_says(
    round_with_applications,
):
    funding_round, _, unrated = round_with_applications
    criterion = CriterionFactory(funding_round=funding_round, max_score=4)
    review = ReviewAssignmentFactory(
        application=unrated, has_conflict=False, submitted_at="2026-06-01T00:00Z"
    )
    review.scores.create(criterion=criterion, score=2)  # 50%

    workbench = allocation_workbench(funding_round, on=TODAY)

    by_title = {c.application.title: c for c in workbench.candidates}
    # both areas have a gap (H1 101,750, H2 11,750), so everyone shot there counts in full:
    # effective: 40 people x 1.00 x 0.5 (not scored) = 20; unrated: 10 x 0.40 x 0.50 x 1.25 = 2.5
    assert (by_title["Effective in H1"].need, by_title["Unrated in H2"].need) == (D(40), D(10))
    assert by_title["Effective in H1"].weight == D("20")
    assert by_title["Unrated in H2"].weight == D("2.5")
    # 100,000 shared 20 : 2.5 gives 88,888 and 11,111; the first is capped at its 80,000
    assert by_title["Effective in H1"].proposed == D("80000.00")
    assert by_title["Unrated in H2"].proposed == D("20000")
    assert "Declined" not in by_title


def test_allocation_is_recorded_with_who_decided(round_with_applications, staff):
    funding_round, effective, unrated = round_with_applications

    allocation_record(
        funding_round=funding_round, amounts={effective.pk: D("70000"), unrated.pk: D("30000")},
        proposed={effective.pk: D("80000"), unrated.pk: D("20000")}, user=staff, note="Even out",
    )  # fmt: skip

    allocation = Allocation.objects.get()
    assert allocation.decided_by == staff and allocation.note == "Even out"
    assert allocation.total == D("100000.00")
    line = AllocationLine.objects.get(application=effective)
    assert (line.proposed_amount, line.final_amount) == (D("80000"), D("70000"))


@pytest.mark.parametrize(
    ("amounts", "message"),
    [
        ({"effective": "80000.01"}, "is more than the $80,000.00 approved"),
        ({"effective": "-1"}, "cannot be negative"),
        ({"effective": "60000", "unrated": "50000"}, "more than the round's budget of $100,000.00"),
    ],
)
def test_allocation_outside_the_rules_is_refused_and_nothing_saved(
    round_with_applications, staff, amounts, message
):
    funding_round, effective, unrated = round_with_applications
    ids = {"effective": effective.pk, "unrated": unrated.pk}

    with pytest.raises(ValidationError) as error:
        allocation_record(
            funding_round=funding_round, amounts={ids[k]: D(v) for k, v in amounts.items()},
            proposed={}, user=staff,
        )  # fmt: skip

    assert message in " ".join(error.value.messages)
    assert not Allocation.objects.exists() and not AllocationLine.objects.exists()


def test_allocating_to_an_application_not_approved_is_refused(round_with_applications, staff):
    funding_round, *_ = round_with_applications
    other = ApplicationFactory(funding_round=funding_round, status=ApplicationStatus.SUBMITTED)

    with pytest.raises(ValidationError, match="Only approved applications"):
        allocation_record(
            funding_round=funding_round, amounts={other.pk: D("1")}, proposed={}, user=staff
        )


def test_workbench_page_records_the_amounts_typed_in(round_with_applications, staff, client_for):
    funding_round, effective, unrated = round_with_applications
    client = client_for(staff)
    url = f"/grants/rounds/{funding_round.uuid}/allocation/"

    page = client.get(url).content.decode()
    assert "How the proposal is made" in page and "Effective in H1" in page
    response = client.post(
        url, {f"amount-{effective.pk}": "$75,000", f"amount-{unrated.pk}": "24999.50"}
    )

    assert response.status_code == 302
    assert AllocationLine.objects.get(application=unrated).final_amount == D("24999.50")
    assert "recorded by Sam Staff" in client.get(url).content.decode()


def test_workbench_page_with_a_bad_amount_says_so_and_saves_nothing(
    round_with_applications, staff, client_for
):
    funding_round, effective, _ = round_with_applications
    response = client_for(staff).post(
        f"/grants/rounds/{funding_round.uuid}/allocation/", {f"amount-{effective.pk}": "lots"}
    )

    assert response.status_code == 200
    assert "&#x27;lots&#x27; is not an amount of dollars." in response.content.decode()
    assert not Allocation.objects.exists()


@pytest.mark.parametrize("persona", ["grantee_a", "board_member"])
def test_only_office_staff_reach_the_workbench(
    round_with_applications, persona, request, client_for
):
    funding_round, *_ = round_with_applications
    user = request.getfixturevalue(persona)
    url = f"/grants/rounds/{funding_round.uuid}/allocation/"
    assert client_for(user).get(url).status_code == 403
    assert client_for(user).get(url + "?download=areas").status_code == 403


def test_workbench_areas_download(round_with_applications, staff, client_for):
    funding_round, *_ = round_with_applications
    body = client_for(staff).get(f"/grants/rounds/{funding_round.uuid}/allocation/?download=areas")
    lines = body.content.decode("utf-8-sig").splitlines()
    assert lines[1] == "H1,Hood 1,40,4,120000,18250,101750"


def test_people_shot_in_areas_funded_to_the_benchmark_count_half(round_with_applications):
    funding_round, _, unrated = round_with_applications
    # a second one-year award of $36,500 in H2 alone: H2 has 18,250 + 36,500 = 54,750 a year,
    # beyond its 30,000 benchmark (1 homicide), so its gap is 0; H1's stays 101,750
    extra = AwardFactory(
        amount=D("36500.00"), starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31)
    )
    extra.areas.set(unrated.areas.all())

    workbench = allocation_workbench(funding_round, on=TODAY)

    gaps = {n.area.code: n.gap for n in workbench.areas}
    assert gaps == {"H1": D("101750"), "H2": D("0")}
    by_title = {c.application.title: c for c in workbench.candidates}
    # H1 counts its 40 people in full; H2 its 10 at half: 5
    assert (by_title["Effective in H1"].need, by_title["Unrated in H2"].need) == (D(40), D(5))
    # weights: effective 40 x 1.00 x 0.5 = 20; unrated 5 x 0.40 x 0.50 (not scored) x 1.25 = 1.25
    assert by_title["Unrated in H2"].weight == D("1.25")
    # 100,000 shared 20 : 1.25: effective would get 94,117, capped at 80,000; the other
    # takes the remaining 20,000 (under its 50,000 cap)
    assert by_title["Effective in H1"].proposed == D("80000.00")
    assert by_title["Unrated in H2"].proposed == D("20000")


def test_the_page_states_how_funded_areas_count(round_with_applications, staff, client_for):
    funding_round, *_ = round_with_applications
    page = client_for(staff).get(f"/grants/rounds/{funding_round.uuid}/allocation/")
    assert "already funded at or beyond the benchmark (no gap left) count half" in (
        page.content.decode()
    )


def test_allocation_cannot_go_below_what_is_already_awarded(round_with_applications, staff):
    funding_round, effective, unrated = round_with_applications
    AwardFactory(application=effective, organisation=effective.organisation,
                 amount=D("70000.00"))  # fmt: skip

    with pytest.raises(ValidationError) as refused:
        allocation_record(
            funding_round=funding_round, amounts={effective.pk: D("69999.99"), unrated.pk: D("0")},
            proposed={}, user=staff,
        )  # fmt: skip

    assert refused.value.messages == [
        "Effective in H1: $69,999.99 is less than the $70,000.00 already awarded for it."
    ]
    assert not AllocationLine.objects.exists()
    allocation_record(
        funding_round=funding_round, amounts={effective.pk: D("70000.00")}, proposed={}, user=staff
    )
    assert AllocationLine.objects.get(application=effective).final_amount == D("70000.00")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1e30", "&#x27;1e30&#x27; is too large: at most 12 digits before the point."),
        ("1234567890123", "is too large: at most 12 digits before the point."),
        ("12.345", "&#x27;12.345&#x27; has more than two decimal places."),
        ("NaN", "&#x27;NaN&#x27; is not an amount of dollars."),
    ],
)
def test_an_amount_too_large_or_too_precise_gets_a_message_not_an_error(
    round_with_applications, staff, client_for, typed, message
):
    funding_round, effective, _ = round_with_applications
    response = client_for(staff).post(
        f"/grants/rounds/{funding_round.uuid}/allocation/", {f"amount-{effective.pk}": typed}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Allocation.objects.exists()


def test_an_application_with_an_award_links_to_it_instead_of_making_another(
    round_with_applications, staff, client_for
):
    funding_round, effective, unrated = round_with_applications
    allocation_record(
        funding_round=funding_round, amounts={effective.pk: D("70000"), unrated.pk: D("30000")},
        proposed={}, user=staff,
    )  # fmt: skip
    award = AwardFactory(application=effective, organisation=effective.organisation)

    page = client_for(staff).get(f"/grants/rounds/{funding_round.uuid}/allocation/")

    text = page.content.decode()
    assert f'href="/grants/awards/{award.uuid}/"' in text
    assert f"?application={effective.uuid}" not in text
    assert f"?application={unrated.uuid}" in text  # allocated, no award yet
