"""The office's own campaigns: the services that record them, their outputs and spending,
their place beside the programs on the strengths-and-gaps page, and their pages."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from inventory.forms.campaigns import CampaignFilter
from inventory.models import Campaign, CampaignKind, CampaignOutput, CampaignSpending, OutputKind
from inventory.selectors.campaigns import campaign_output_totals, campaign_spent
from inventory.selectors.gaps import gaps_analysis, gaps_map, matrix_csv
from inventory.services.campaigns import (
    CampaignLinks,
    campaign_create,
    campaign_output_delete,
    campaign_output_log,
    campaign_spending_delete,
    campaign_spending_log,
    campaign_update,
)
from ovp.areas.models import AreaKind
from tests.builders import record_burden
from tests.factories import AreaFactory, OrganisationFactory

TODAY = date(2026, 11, 25)
SUMMER = {
    "name": "Summer surge",
    "kind": CampaignKind.SURGE,
    "started_on": date(2026, 6, 1),
    "ended_on": date(2026, 8, 31),
    "budget": Decimal("10000"),
}


def _surge(areas, **changes) -> Campaign:
    return campaign_create(user=None, values={**SUMMER, **changes}, links=CampaignLinks(areas))


def _message(error: pytest.ExceptionInfo) -> str:
    return " ".join(error.value.messages)


# -- services ------------------------------------------------------------------------------------


def test_a_campaign_is_created_with_its_areas_partners_and_creator(neighbourhoods, staff):
    partner = OrganisationFactory(name="Northside Peacekeepers")
    campaign = campaign_create(
        user=staff,
        values=SUMMER,
        links=CampaignLinks(areas=neighbourhoods[:2], partners=[partner]),
    )
    assert campaign.created_by == staff
    assert {a.code for a in campaign.areas.all()} == {"N1", "N2"}
    assert list(campaign.partners.all()) == [partner]
    assert campaign.status_on(date(2026, 5, 31)) == "upcoming"
    assert campaign.status_on(date(2026, 7, 1)) == "current"
    assert campaign.status_on(date(2026, 9, 1)) == "ended"


def test_a_campaign_cannot_end_before_it_starts_and_nothing_is_saved(neighbourhoods):
    with pytest.raises(ValidationError) as error:
        _surge(neighbourhoods[:1], ended_on=date(2026, 5, 1))
    assert error.value.message_dict["ended_on"] == ["The campaign cannot end before it starts."]
    assert not Campaign.objects.exists()


def test_a_campaign_covers_the_whole_city_or_listed_areas_never_both_nor_neither(neighbourhoods):
    with pytest.raises(ValidationError, match="lists no areas"):
        _surge(neighbourhoods[:1], covers_whole_city=True)
    with pytest.raises(ValidationError, match="List the areas"):
        _surge([])
    assert not Campaign.objects.exists()
    citywide = _surge([], covers_whole_city=True)
    assert citywide.covers_whole_city and not citywide.areas.exists()


def test_a_campaigns_areas_are_of_one_kind(neighbourhoods):
    district = AreaFactory(kind=AreaKind.DISTRICT, code="D1", name="District 1")
    with pytest.raises(ValidationError, match="one kind only"):
        _surge([neighbourhoods[0], district])


def test_an_output_is_dated_within_the_campaign_and_not_in_the_future(neighbourhoods, staff):
    campaign = _surge(neighbourhoods[:1])
    for day in (date(2026, 5, 31), date(2026, 9, 1)):
        with pytest.raises(ValidationError) as error:
            campaign_output_log(
                campaign=campaign, user=staff, on=day, kind=OutputKind.EVENTS, quantity=2,
                today=TODAY,
            )  # fmt: skip
        assert "outside the campaign (1 Jun 2026 to 31 Aug 2026)" in _message(error)
    with pytest.raises(ValidationError, match="not a future date"):
        campaign_output_log(
            campaign=campaign, user=staff, on=date(2026, 7, 1), kind=OutputKind.EVENTS,
            quantity=2, today=date(2026, 6, 15),
        )  # fmt: skip
    with pytest.raises(ValidationError):
        campaign_output_log(
            campaign=campaign, user=staff, on=date(2026, 7, 1), kind=OutputKind.EVENTS,
            quantity=0, today=TODAY,
        )  # fmt: skip
    assert not CampaignOutput.objects.exists()


def test_outputs_add_up_by_kind(neighbourhoods, staff):
    campaign = _surge(neighbourhoods[:1])
    for day, kind, quantity in [
        (date(2026, 6, 10), OutputKind.LOCKS, 120),
        (date(2026, 7, 10), OutputKind.LOCKS, 80),
        (date(2026, 7, 10), OutputKind.EVENTS, 3),
    ]:
        campaign_output_log(
            campaign=campaign, user=staff, on=day, kind=kind, quantity=quantity, today=TODAY
        )
    totals = [(t.label, t.total) for t in campaign_output_totals(campaign)]
    assert totals == [("Events held", 3), ("Safe-storage locks distributed", 200)]


def test_spending_over_the_budget_is_logged_and_shown_as_over(neighbourhoods, staff):
    campaign = _surge(neighbourhoods[:1], budget=Decimal("1000"))
    campaign_spending_log(
        campaign=campaign, user=staff, spent_on=date(2026, 6, 1), amount=Decimal("800"),
        description="Locks", today=TODAY,
    )  # fmt: skip
    campaign_spending_log(
        campaign=campaign, user=staff, spent_on=date(2026, 6, 5), amount=Decimal("450.50"),
        description="Leaflets", today=TODAY,
    )  # fmt: skip
    assert campaign_spent(campaign) == Decimal("1250.50") > campaign.budget


def test_spending_must_be_more_than_nothing_and_not_in_the_future(neighbourhoods, staff):
    campaign = _surge(neighbourhoods[:1])
    with pytest.raises(ValidationError) as error:
        campaign_spending_log(
            campaign=campaign, user=staff, spent_on=date(2026, 6, 1), amount=Decimal("0"),
            description="Nothing", today=TODAY,
        )  # fmt: skip
    assert "amount" in error.value.message_dict
    with pytest.raises(ValidationError, match="not a future date"):
        campaign_spending_log(
            campaign=campaign, user=staff, spent_on=date(2026, 12, 1), amount=Decimal("5"),
            description="Later", today=TODAY,
        )  # fmt: skip
    assert not CampaignSpending.objects.exists()


def test_new_dates_that_leave_logged_outputs_outside_are_refused(neighbourhoods, staff):
    campaign = _surge(neighbourhoods[:1])
    campaign_output_log(
        campaign=campaign, user=staff, on=date(2026, 8, 20), kind=OutputKind.EVENTS,
        quantity=1, today=TODAY,
    )  # fmt: skip
    links = CampaignLinks(areas=neighbourhoods[:1])
    with pytest.raises(ValidationError, match="1 output\\(s\\) already logged fall outside"):
        campaign_update(
            campaign=campaign, values={**SUMMER, "ended_on": date(2026, 8, 1)}, links=links
        )
    campaign.refresh_from_db()
    assert campaign.ended_on == date(2026, 8, 31)
    moved = campaign_update(
        campaign=campaign,
        values={**SUMMER, "name": "Summer surge 2026"},
        links=CampaignLinks(areas=neighbourhoods[1:3]),
    )
    assert moved.name == "Summer surge 2026"
    assert {a.code for a in moved.areas.all()} == {"N2", "N3"}


def test_a_mistaken_output_or_spending_entry_is_deleted(neighbourhoods, staff):
    campaign = _surge(neighbourhoods[:1])
    output = campaign_output_log(
        campaign=campaign, user=staff, on=date(2026, 7, 1), kind=OutputKind.GUNS, quantity=9,
        today=TODAY,
    )  # fmt: skip
    spending = campaign_spending_log(
        campaign=campaign, user=staff, spent_on=date(2026, 7, 1), amount=Decimal("90"),
        description="Gift cards", today=TODAY,
    )  # fmt: skip
    assert campaign_output_delete(output=output) == campaign
    assert campaign_spending_delete(spending=spending) == campaign
    assert not campaign.outputs.exists() and not campaign.spending.exists()


def test_the_list_filters_by_status_and_by_area_covered(neighbourhoods, time_machine):
    time_machine.move_to(date(2026, 7, 1))
    running = _surge(neighbourhoods[:1])
    upcoming = _surge(neighbourhoods[1:2], name="Winter", started_on=date(2026, 12, 1),
                      ended_on=None)  # fmt: skip
    citywide = _surge([], name="Locks", covers_whole_city=True, started_on=date(2025, 1, 1),
                      ended_on=date(2025, 12, 31))  # fmt: skip

    def names(**query: str) -> set[str]:
        return {c.name for c in CampaignFilter(query, queryset=Campaign.objects.all()).qs}

    assert names(status="current") == {running.name}
    assert names(status="upcoming") == {upcoming.name}
    assert names(status="ended") == {citywide.name}
    # a whole-city campaign covers every area
    assert names(area=str(neighbourhoods[0].pk)) == {running.name, citywide.name}


# -- beside the programs on the strengths-and-gaps page ------------------------------------------


def test_campaigns_under_way_appear_beside_programs_in_their_areas(neighbourhoods):
    n1, n2, *_ = neighbourhoods
    record_burden({n1: 60, n2: 40})
    surge = _surge([n1], started_on=date(2026, 11, 1), ended_on=None)
    _surge([n2], name="Last year's surge", started_on=date(2025, 6, 1),
           ended_on=date(2025, 8, 31))  # fmt: skip
    citywide = _surge([], name="Locks", covers_whole_city=True, started_on=date(2025, 1, 1),
                      ended_on=None)  # fmt: skip

    analysis = gaps_analysis(kind="neighbourhood", years=3, on=TODAY)

    assert [c.name for c in analysis.campaigns[n1.pk]] == [surge.name]
    assert n2.pk not in analysis.campaigns  # its campaign ended: it is listed, not on the map
    assert [c.name for c in analysis.citywide_campaigns] == [citywide.name]
    assert {c.name for c in analysis.period_campaigns} == {
        surge.name, "Last year's surge", citywide.name,
    }  # fmt: skip
    # a campaign does not close a gap: N1 is still an area without an evidence-based program
    gap = next(g for g in analysis.gaps if g.subject == "Hood 1 (N1)")
    assert [c.name for c in gap.campaigns] == [surge.name]
    header, rows = matrix_csv(analysis)
    assert header[-1] == "Office campaigns"
    assert rows[0][0] == "N1" and rows[0][-1] == surge.name
    markers = next(
        trace
        for trace in gaps_map(analysis)["data"]
        if trace.get("name") == "The office's campaign under way"
    )
    assert markers["text"] == ["Hood 1: office campaign Summer surge"]


# -- pages ---------------------------------------------------------------------------------------


def test_staff_create_a_campaign_and_see_it(client, staff, neighbourhoods):
    client.force_login(staff)
    response = client.post(
        "/inventory/campaigns/new/",
        {
            "name": "Peacekeeping week", "kind": CampaignKind.PEACEKEEPING,
            "started_on": "2026-09-14", "ended_on": "2026-09-20",
            "areas": [neighbourhoods[0].pk, neighbourhoods[1].pk], "budget": "5000",
        },
    )  # fmt: skip
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/inventory/campaigns/{campaign.uuid}/"
    assert campaign.created_by == staff
    page = client.get(response["Location"]).content.decode()
    assert "Peacekeeping week" in page and "Hood 1 (N1), Hood 2 (N2)" in page


def test_a_refused_campaign_shows_the_reason_on_the_form(client, staff, neighbourhoods):
    client.force_login(staff)
    response = client.post(
        "/inventory/campaigns/new/",
        {"name": "Nowhere", "kind": CampaignKind.OTHER, "started_on": "2026-09-14",
         "budget": "0"},
    )  # fmt: skip
    assert response.status_code == 200
    assert (
        "List the areas the campaign covers, or tick the whole city." in response.content.decode()
    )
    assert not Campaign.objects.exists()


def test_logging_an_output_outside_the_dates_says_why(client, staff, neighbourhoods):
    campaign = _surge(neighbourhoods[:1])
    client.force_login(staff)
    response = client.post(
        f"/inventory/campaigns/{campaign.uuid}/outputs/new/",
        {"on": "2026-10-01", "kind": OutputKind.EVENTS, "quantity": "2"},
    )
    assert response.status_code == 200
    assert "The date falls outside the campaign" in response.content.decode()
    assert not campaign.outputs.exists()


def test_the_campaign_pages_take_few_queries_however_many_entries(
    client, staff, neighbourhoods, django_assert_max_num_queries
):
    campaigns = [_surge(neighbourhoods[:3], name=f"Surge {n}") for n in range(5)]
    for campaign in campaigns:
        for day in (date(2026, 6, 2), date(2026, 7, 2), date(2026, 8, 2)):
            campaign_output_log(
                campaign=campaign, user=staff, on=day, kind=OutputKind.EVENTS, quantity=1,
                today=TODAY,
            )  # fmt: skip
            campaign_spending_log(
                campaign=campaign, user=staff, spent_on=day, amount=Decimal("10"),
                description="Snacks", today=TODAY,
            )  # fmt: skip
    client.force_login(staff)
    with django_assert_max_num_queries(12):
        assert client.get("/inventory/campaigns/").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(f"/inventory/campaigns/{campaigns[0].uuid}/").status_code == 200


def test_the_gaps_page_with_campaigns_takes_no_more_queries_than_without(
    client, staff, neighbourhoods, django_assert_max_num_queries
):
    record_burden({neighbourhoods[0]: 60, neighbourhoods[1]: 40})
    for n in range(4):
        _surge(neighbourhoods[n : n + 2], name=f"Surge {n}", started_on=date(2026, 11, 1),
               ended_on=None)  # fmt: skip
    _surge([], name="Locks", covers_whole_city=True, started_on=date(2025, 1, 1), ended_on=None)
    client.force_login(staff)
    # the same bound as the page without campaigns (tests/inventory/test_gaps.py)
    with django_assert_max_num_queries(12):
        html = client.get("/inventory/gaps/?kind=neighbourhood&years=3").content.decode()
    assert "Under way in the whole city now:" in html and "Surge 3" in html
