# mypy: disable-error-code="operator"
"""The plain-language summary says no more than the result allows."""

from evaluation import estimators
from evaluation.estimators import prepare_panel
from evaluation.services.summary import plain_summary
from tests.evaluation.simulate import its_series, staggered_panel

INPUTS = {
    "outcome_label": "people shot",
    "period": "month",
    "treated": [{"first_period": "2023-06-01"}] * 8,
    "comparisons": [{}] * 10,
}
SIGNIFICANT = {
    "method": "twfe",
    "estimate": -1.0,
    "relative": -0.3,
    "relative_low": -0.45,
    "relative_high": -0.15,
    "n_treated": 8,
    "details": {"pretrend_p": 0.6},
    "warnings": [],
}


def summary(**changes):
    return plain_summary(INPUTS, {**SIGNIFICANT, **changes})


def test_a_clear_result_with_parallel_pretrends_and_enough_areas_is_consistent_with_an_effect():
    text = summary()
    assert "consistent with an effect" in text
    assert "pre-trend" not in text and "Only" not in text


def test_a_failed_pretrend_test_is_named_and_no_effect_is_claimed():
    text = summary(details={"pretrend_p": 0.012})
    assert "The pre-trend test failed (p = 0.012)" in text
    assert "consistent with an effect" not in text
    assert "cannot be read as evidence" in text


def test_a_pretrend_test_that_could_not_run_is_named_and_no_effect_is_claimed():
    text = summary(details={"pretrend_p": None})
    assert "The pre-trend test could not be run" in text
    assert "consistent with an effect" not in text


def test_fewer_than_five_treated_areas_are_named_and_no_effect_is_claimed():
    text = summary(n_treated=3)
    assert "Only 3 areas were served: with fewer than 5, the interval is not reliable." in text
    assert "consistent with an effect" not in text
    assert "Only 1 area was served" in summary(n_treated=1)


def test_estimators_warn_of_few_treated_areas_counting_treated_not_all_areas():
    frame = staggered_panel(units=40, never=36, cohorts=(13,))
    panel = prepare_panel(frame, unit="unit", time="period", outcome="y", treated_from="first")
    result = estimators.twfe(panel)
    assert result.n_units == 40 and result.n_treated == 4
    assert any(w.startswith("Few treated areas: only 4 treated") for w in result.warnings)
    many = prepare_panel(
        staggered_panel(), unit="unit", time="period", outcome="y", treated_from="first"
    )
    assert not any(w.startswith("Few treated areas") for w in estimators.twfe(many).warnings)


def test_its_summary_of_counts_above_the_counterfactual_does_not_say_fell():
    # level x0.75 at the start, then +2% a month: the counts end above the trend before
    frame = its_series(rate_ratio=0.75, monthly_change=0.02)
    panel = prepare_panel(frame, unit="unit", time="month", outcome="shot", treated_from="start")
    result = estimators.its(panel).as_dict()
    inputs = {**INPUTS, "citywide_start": "2021-01-01", "treated": []}
    text = plain_summary(inputs, result)
    assert result["estimate"] > 1
    assert "fell" not in text and "rose by about" in text
