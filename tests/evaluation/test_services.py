# mypy: disable-error-code="operator"
# (results hold optional numbers; the tests compare the ones each method fills)
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from evaluation.models import EvaluationRun
from evaluation.selectors.runs import complete_window, outcome_counts
from evaluation.services.runs import evaluation_estimate, evaluation_plan, evaluation_run
from tests.builders import choice_for

pytestmark = pytest.mark.django_db


def test_month_counts_add_the_weeks_within_months_and_fill_zeros(small_city):
    area = small_city["areas"][0]
    counts = outcome_counts(
        area_ids=[area.pk], begin=date(2021, 1, 1), end=date(2021, 3, 1), period="month"
    )
    assert counts["count"].tolist() == small_city["counts"][area.code][:3]
    empty = outcome_counts(
        area_ids=[area.pk], begin=date(2030, 1, 1), end=date(2030, 2, 1), period="month"
    )
    assert empty["count"].tolist() == [0, 0]


def test_the_window_is_the_complete_months_of_the_data(small_city):
    assert complete_window("month") == (date(2021, 1, 1), date(2024, 12, 1))
    assert complete_window("week") == (date(2021, 1, 4), date(2024, 12, 30))


def test_plan_takes_treated_areas_from_service_areas_and_matches_comparisons(small_city):
    inputs = evaluation_plan(choice=choice_for(small_city["program"], comparisons_per_area=2))
    assert [t["code"] for t in inputs["treated"]] == ["T00", "T01"]
    assert {t["first_period"] for t in inputs["treated"]} == {"2023-06-01"}
    comparison_codes = {c["code"] for c in inputs["comparisons"]}
    assert not comparison_codes & {"T00", "T01"}
    # matched on burden before the start: the busier never-served areas, not the quiet ones
    assert comparison_codes <= {f"T{i:02d}" for i in range(2, 6)}
    assert "closest" in inputs["matching"] and "Jan 2021 to May 2023" in inputs["matching"]
    assert inputs["method"] == "twfe"


def test_a_run_finds_the_built_in_fall_and_is_stored_with_a_plain_summary(small_city, staff):
    run = evaluation_run(choice=choice_for(small_city["program"]), user=staff)
    assert run.method == "twfe" and run.created_by == staff
    assert run.ci_high < 0 and run.relative == pytest.approx(-0.4, abs=0.15)
    assert run.summary.startswith("People shot in the 2 areas served fell by about")
    # two served areas: the summary names it and does not claim an effect
    assert "Only 2 areas were served" in run.summary
    assert "consistent with an effect" not in run.summary
    assert run.results["event_study"] and run.results["observed"]


def test_rerunning_a_stored_run_gives_the_same_numbers(small_city, staff):
    run = evaluation_run(choice=choice_for(small_city["program"]), user=staff)
    stored = EvaluationRun.objects.get(pk=run.pk)
    again = evaluation_estimate(stored.inputs).as_dict()
    assert again == stored.results
    second = evaluation_run(choice=choice_for(small_city["program"]), user=staff)
    assert second.results == stored.results and second.summary == stored.summary


def test_one_treated_area_gets_synthetic_control(small_city):
    single = small_city["program"].service_areas.first()
    single.program.service_areas.exclude(pk=single.pk).delete()
    inputs = evaluation_plan(choice=choice_for(small_city["program"]))
    assert inputs["method"] == "synth"
    result = evaluation_estimate(inputs)
    assert result.std_error is None and result.details["weights"]


def test_a_citywide_effort_needs_a_start_and_runs_a_time_series(small_city):
    program = small_city["program"]
    program.service_areas.all().delete()
    with pytest.raises(ValidationError, match="citywide effort"):
        evaluation_plan(choice=choice_for(program))
    inputs = evaluation_plan(choice=choice_for(program, citywide_start=date(2023, 6, 1)))
    assert inputs["method"] == "its" and inputs["treated"] == []
    result = evaluation_estimate(inputs)
    assert result.method == "its" and result.n_units == 1


def test_comparison_areas_served_by_the_program_are_refused(small_city):
    served = small_city["areas"][0]
    with pytest.raises(ValidationError, match="served by this program"):
        evaluation_plan(choice=choice_for(small_city["program"], comparison_area_ids=[served.pk]))


def test_nothing_is_stored_when_the_estimator_cannot_run(small_city, staff):
    with pytest.raises(ValidationError):
        evaluation_run(choice=choice_for(small_city["program"], method="synth"), user=staff)
    assert not EvaluationRun.objects.exists()


def test_a_strategy_counts_every_program_of_it(small_city):
    inputs = evaluation_plan(choice=choice_for(None, strategy="street_outreach"))
    assert inputs["by"] == "strategy" and len(inputs["treated"]) == 2
    assert inputs["label"].startswith("All Street outreach")


def test_a_window_beyond_the_incident_data_is_refused_with_the_datas_range(small_city):
    program = small_city["program"]
    with pytest.raises(ValidationError, match="complete months run from Jan 2021 to Dec 2024"):
        evaluation_plan(choice=choice_for(program, end=date(2025, 6, 1)))
    with pytest.raises(ValidationError, match="inside the incident data"):
        evaluation_plan(choice=choice_for(program, begin=date(2020, 1, 1)))
    with pytest.raises(ValidationError, match="complete weeks run from 04 Jan 2021"):
        evaluation_plan(choice=choice_for(program, period="week", begin=date(2020, 12, 28)))


def test_windows_start_on_whole_periods(small_city):
    program = small_city["program"]
    monthly = evaluation_plan(choice=choice_for(program, begin=date(2021, 1, 15)))
    assert monthly["window"][0] == "2021-02-01"
    weekly = evaluation_plan(
        choice=choice_for(program, period="week", begin=date(2021, 1, 6), end=date(2024, 12, 4))
    )
    assert weekly["window"] == ["2021-01-11", "2024-12-02"]


def test_the_run_form_shows_the_datas_range_for_a_window_outside_it(small_city, staff, client_for):
    from django.urls import reverse

    response = client_for(staff).post(
        reverse("evaluation:run_create"),
        {
            "program": small_city["program"].pk,
            "area_kind": "neighbourhood",
            "period": "month",
            "outcome": "victims",
            "begin": "2019-01-01",
            "end": "2024-12-01",
            "method": "auto",
            "comparisons_per_area": 3,
        },
    )
    assert response.status_code == 200
    assert "complete months run from Jan 2021 to Dec 2024" in response.content.decode()


def test_synthetic_control_uses_every_never_served_area_so_the_placebo_p_can_be_small(
    small_city,
):
    single = small_city["program"].service_areas.get(area__code="T00")
    single.program.service_areas.exclude(pk=single.pk).delete()
    inputs = evaluation_plan(choice=choice_for(small_city["program"]))
    assert inputs["method"] == "synth"
    # eleven never-served areas (T01 is no longer served), not the three nearest
    assert len(inputs["comparisons"]) == 11
    assert "Every area of the same kind" in inputs["matching"]
    result = evaluation_estimate(inputs)
    assert result.p_value == pytest.approx(result.details["placebo_rank"] / 12)
    # the smallest p the placebo rank can give is 1/12 now, not 1/4 as with three donors
    assert not any("cannot give p below 0.25" in w for w in result.warnings)


def test_a_clear_effect_gets_a_placebo_p_below_a_quarter_with_the_whole_pool():
    from evaluation import estimators
    from tests.evaluation.simulate import synth_panel

    frame = synth_panel(donors=11)
    panel = estimators.prepare_panel(
        frame, unit="unit", time="t", outcome="y", treated_from="first"
    )
    assert estimators.synth(panel).p_value < 0.25
    nearest_three = frame[frame["unit"].isin(["a00", "a01", "a02", "a03"])]
    panel = estimators.prepare_panel(
        nearest_three, unit="unit", time="t", outcome="y", treated_from="first"
    )
    assert estimators.synth(panel).p_value >= 0.25
