# mypy: disable-error-code="operator"
"""An office campaign as the treatment of an impact evaluation: its areas from its start, or,
for a whole-city campaign, the city's series from its start (an interrupted time series)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from evaluation.services.runs import Choice, evaluation_estimate, evaluation_plan, evaluation_run
from inventory.models import Campaign, CampaignKind
from inventory.services.campaigns import CampaignLinks, campaign_create
from ovp.areas.models import AreaKind
from tests.factories import AreaFactory

pytestmark = pytest.mark.django_db

START = date(2023, 6, 1)  # small_city's areas T00 and T01 see 40% fewer people shot from it


def _campaign(areas, **values) -> Campaign:
    return campaign_create(
        user=None,
        values={
            "name": "Summer surge",
            "kind": CampaignKind.SURGE,
            "started_on": START,
            "ended_on": date(2023, 9, 30),
            "budget": Decimal("1000"),
            **values,
        },
        links=CampaignLinks(areas=areas),
    )


def _choice(campaign: Campaign, **changes) -> Choice:
    options = {
        "program": None,
        "strategy": "",
        "campaign": campaign,
        "area_kind": "neighbourhood",
        "period": "month",
        "begin": date(2021, 1, 1),
        "end": date(2024, 12, 1),
        **changes,
    }
    return Choice(**options)


def test_a_campaigns_areas_are_treated_from_its_start_and_the_fall_is_found(small_city, staff):
    campaign = _campaign(small_city["areas"][:2])
    run = evaluation_run(choice=_choice(campaign), user=staff)
    assert run.campaign == campaign and run.program is None
    assert [t["code"] for t in run.inputs["treated"]] == ["T00", "T01"]
    assert {t["first_period"] for t in run.inputs["treated"]} == {"2023-06-01"}
    assert not {c["code"] for c in run.inputs["comparisons"]} & {"T00", "T01"}
    assert (
        run.inputs["by"] == "campaign"
        and "never served by this campaign" in (run.inputs["matching"])
    )
    assert run.title == "Summer surge (office campaign)"
    assert run.inputs["campaign_dates"] == "1 Jun 2023 to 30 Sep 2023"
    assert run.method == "twfe"
    assert run.ci_high < 0 and run.relative == pytest.approx(-0.4, abs=0.15)
    # its summary speaks of the campaign, not of a program
    assert "the campaign" in run.summary and "program" not in run.summary


def test_a_campaign_that_ended_inside_the_window_is_warned_about(small_city, staff):
    """Its end is not a treatment's end for the estimators: the run says so."""
    ended = evaluation_run(choice=_choice(_campaign(small_city["areas"][:2])), user=staff)
    assert any("The campaign ended on 30 Sep 2023" in w for w in ended.warnings)
    running = _campaign(small_city["areas"][2:4], name="Long-term", ended_on=None)
    assert not any(
        "campaign ended" in w for w in evaluation_run(choice=_choice(running), user=staff).warnings
    )


def test_a_campaign_in_areas_without_the_fall_finds_none(small_city, staff):
    # T02 and T03 are as busy as T00 and T01 but saw no change: the estimate follows the
    # campaign's areas, not the program's
    campaign = _campaign(small_city["areas"][2:4])
    run = evaluation_run(choice=_choice(campaign), user=staff)
    assert [t["code"] for t in run.inputs["treated"]] == ["T02", "T03"]
    assert run.ci_low < 0 < run.ci_high


def test_the_estimate_follows_the_campaigns_start(small_city):
    # started a year before the fall, the campaign's areas look unchanged for a year: a smaller
    # estimated fall than from the true start
    early = evaluation_estimate(
        evaluation_plan(
            choice=_choice(
                _campaign(small_city["areas"][:2], started_on=date(2022, 6, 1), ended_on=None)
            )
        )
    )
    exact = evaluation_estimate(
        evaluation_plan(choice=_choice(_campaign(small_city["areas"][:2], name="Exact")))
    )
    assert exact.relative < early.relative < 0


def test_a_whole_city_campaign_gets_an_interrupted_time_series_from_its_start(small_city):
    campaign = _campaign([], covers_whole_city=True)
    inputs = evaluation_plan(choice=_choice(campaign))
    assert inputs["method"] == "its" and inputs["treated"] == []
    assert inputs["citywide_start"] == "2023-06-01"
    result = evaluation_estimate(inputs)
    assert result.method == "its" and result.n_units == 1


def test_a_whole_city_campaign_refuses_a_comparison_design(small_city):
    campaign = _campaign([], covers_whole_city=True)
    for changes in ({"method": "twfe"}, {"method": "synth"}, {"comparison_area_ids": [1]}):
        with pytest.raises(ValidationError, match="no area is left to compare with"):
            evaluation_plan(choice=_choice(campaign, **changes))


def test_a_campaign_starting_outside_the_window_is_refused_with_its_date(small_city):
    campaign = _campaign(small_city["areas"][:2])
    with pytest.raises(ValidationError, match="starts on 01 Jun 2023: the window must hold"):
        evaluation_plan(choice=_choice(campaign, begin=date(2023, 7, 1)))


def test_a_campaign_of_another_kind_of_area_says_which_kind(small_city):
    district = AreaFactory(kind=AreaKind.DISTRICT, code="D1", name="District 1")
    campaign = _campaign([district])
    with pytest.raises(ValidationError, match="another kind \\(Police district\\)"):
        evaluation_plan(choice=_choice(campaign))


def test_one_of_program_strategy_or_campaign_is_chosen(small_city):
    campaign = _campaign(small_city["areas"][:2])
    with pytest.raises(ValidationError, match="Choose one of"):
        evaluation_plan(choice=_choice(campaign, program=small_city["program"]))


def test_staff_run_a_campaign_evaluation_from_the_form(client, staff, small_city):
    campaign = _campaign(small_city["areas"][:2])
    client.force_login(staff)
    form = client.get(f"/evaluation/new/?campaign={campaign.uuid}").content.decode()
    assert f'<option value="{campaign.pk}" selected>' in form
    response = client.post(
        "/evaluation/new/",
        {
            "campaign": campaign.pk, "area_kind": "neighbourhood", "period": "month",
            "outcome": "victims", "begin": "2021-01-01", "end": "2024-12-01",
            "method": "auto", "comparisons_per_area": "3",
        },
    )  # fmt: skip
    run = campaign.evaluations.get()
    assert response["Location"] == f"/evaluation/runs/{run.uuid}/"
    page = client.get(response["Location"]).content.decode()
    assert f"/inventory/campaigns/{campaign.uuid}/" in page
    assert (
        f"/evaluation/runs/{run.uuid}/"
        in client.get(f"/inventory/campaigns/{campaign.uuid}/").content.decode()
    )
