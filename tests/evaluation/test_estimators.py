# mypy: disable-error-code="operator"
# (results hold optional numbers; the tests compare the ones each method fills)
"""Each estimator against a reference implementation on data with a known effect."""

import numpy as np
import pandas as pd
import pytest

from evaluation import estimators
from evaluation.estimators import PanelError, prepare_panel
from tests.evaluation.simulate import its_series, staggered_panel, synth_panel


def panel_of(frame: pd.DataFrame, **options):
    return prepare_panel(
        frame, unit="unit", time="period", outcome="y", treated_from="first", **options
    )


@pytest.fixture(scope="module")
def simulated() -> pd.DataFrame:
    return staggered_panel()


def test_twfe_matches_pyfixest_feols_with_clustered_errors(simulated):
    pf = pytest.importorskip("pyfixest")
    result = estimators.twfe(panel_of(simulated))
    reference = pf.feols("y ~ treat | unit + period", data=simulated, vcov={"CRV1": "unit"})
    assert result.estimate == pytest.approx(reference.coef()["treat"], abs=1e-8)
    assert result.std_error == pytest.approx(reference.se()["treat"], rel=1e-6)
    low, high = reference.confint().loc["treat"]
    assert (result.ci_low, result.ci_high) == pytest.approx((low, high), rel=1e-6)


def test_twfe_matches_statsmodels_ols_with_dummies(simulated):
    import statsmodels.formula.api as smf

    result = estimators.twfe(panel_of(simulated))
    fit = smf.ols("y ~ treat + C(unit) + C(period)", data=simulated).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(simulated["unit"])[0]}
    )
    assert result.estimate == pytest.approx(fit.params["treat"], abs=1e-8)
    # statsmodels counts the unit dummies in k; fixest does not (they are nested in clusters)
    assert result.std_error == pytest.approx(fit.bse["treat"], rel=0.05)


def test_twfe_finds_the_known_effect(simulated):
    result = estimators.twfe(panel_of(simulated))
    assert result.ci_low < -1.5 < result.ci_high
    assert result.ci_high < 0


def test_event_study_matches_pyfixest_and_passes_the_pretrend_test(simulated):
    pf = pytest.importorskip("pyfixest")
    result = estimators.event_study(panel_of(simulated), leads=3, lags=4)
    frame = simulated.copy()
    relative = (frame["period"] - frame["first"]).clip(-3, 4)
    names = []
    for e in [-3, -2, 0, 1, 2, 3, 4]:
        name = f"e_{'m' if e < 0 else 'p'}{abs(e)}"
        frame[name] = ((relative == e) & frame["first"].notna()).astype(float)
        names.append((e, name))
    reference = pf.feols(
        f"y ~ {' + '.join(n for _, n in names)} | unit + period", data=frame, vcov={"CRV1": "unit"}
    )
    coefficients = {row["event_time"]: row for row in result.event_study}
    for e, name in names:
        assert coefficients[e]["estimate"] == pytest.approx(reference.coef()[name], abs=1e-8)
        assert coefficients[e]["std_error"] == pytest.approx(reference.se()[name], rel=1e-6)
    assert coefficients[-1]["estimate"] == 0.0
    assert result.details["pretrend_p"] > 0.05
    assert result.ci_low < -1.5 < result.ci_high


def test_event_study_flags_a_pretrend_that_is_there():
    frame = staggered_panel(pretrend=0.4, seed=2)
    result = estimators.event_study(panel_of(frame))
    assert result.details["pretrend_p"] < 0.05
    assert any(w.startswith("Failed pre-trend test") for w in result.warnings)


def test_staggered_matches_csdid(simulated):
    att_gt = pytest.importorskip("csdid.att_gt")
    result = estimators.staggered(panel_of(simulated))
    frame = simulated.assign(
        first=simulated["first"].fillna(0), unit=simulated["unit"].str[1:].astype(int)
    )
    reference = att_gt.ATTgt(
        yname="y",
        gname="first",
        idname="unit",
        tname="period",
        data=frame,
        control_group=["nevertreated"],
    ).fit(est_method="reg", bstrap=False)
    simple = reference.aggte("simple", bstrap=False)
    aggregate = simple.atte if hasattr(simple, "atte") else reference.atte
    assert result.estimate == pytest.approx(aggregate["overall_att"], abs=1e-8)
    assert result.std_error == pytest.approx(aggregate["overall_se"], rel=1e-6)
    group_time = {(row["group"], row["period"]): row["att"] for row in result.details["group_time"]}
    cells = zip(
        reference.results["group"], reference.results["year"], reference.results["att"], strict=True
    )
    for group, period, att in cells:
        assert group_time[(str(int(group)), str(int(period)))] == pytest.approx(att, abs=1e-8)


def _csdid_dynamic(frame: pd.DataFrame) -> dict:
    att_gt = pytest.importorskip("csdid.att_gt")
    data = frame.assign(first=frame["first"].fillna(0), unit=frame["unit"].str[1:].astype(int))
    reference = att_gt.ATTgt(
        yname="y",
        gname="first",
        idname="unit",
        tname="period",
        data=data,
        control_group=["nevertreated"],
    ).fit(est_method="reg", bstrap=False)
    dynamic = reference.aggte("dynamic", bstrap=False)
    return dynamic.atte if hasattr(dynamic, "atte") else reference.atte


def test_staggered_event_times_including_minus_one_match_csdid_dynamic(simulated):
    result = estimators.staggered(panel_of(simulated))
    reference = _csdid_dynamic(simulated)
    rows = {row["event_time"]: row for row in result.event_study}
    assert sorted(rows) == [int(e) for e in reference["egt"]]
    assert not any(row.get("reference") for row in rows.values())
    for e, att, se in zip(reference["egt"], reference["att_egt"], reference["se_egt"], strict=True):
        assert rows[int(e)]["estimate"] == pytest.approx(att, abs=1e-8)
        assert rows[int(e)]["std_error"] == pytest.approx(se, rel=1e-6)
    assert rows[-1]["estimate"] != 0.0


def test_staggered_pretrend_test_covers_leads_six_to_one_as_csdid_would():
    from scipy import stats

    frame = staggered_panel()
    result = estimators.staggered(panel_of(frame))
    reference = _csdid_dynamic(frame)
    events = [int(e) for e in reference["egt"]]
    leads = [events.index(e) for e in range(-6, 0)]
    influence = reference["inf_function"]["dynamic_inf_func_e"][:, leads]
    n = influence.shape[0]
    values = np.array([reference["att_egt"][i] for i in leads])
    statistic = values @ np.linalg.solve(influence.T @ influence / n**2, values)
    assert result.details["pretrend_df"] == 6
    assert result.details["pretrend_chi2"] == pytest.approx(statistic, rel=1e-6)
    assert result.details["pretrend_p"] == pytest.approx(stats.chi2.sf(statistic, 6), rel=1e-6)


def test_staggered_pretrend_test_flags_anticipation_in_the_period_before_the_start():
    frame = staggered_panel(seed=4)
    before_start = frame["first"].notna() & (frame["period"] == frame["first"] - 1)
    frame.loc[before_start, "y"] -= 1.5  # people react the period before the program opens
    result = estimators.staggered(panel_of(frame))
    minus_one = next(row for row in result.event_study if row["event_time"] == -1)
    assert minus_one["ci_high"] < 0
    assert result.details["pretrend_p"] < 0.05
    assert any(w.startswith("Failed pre-trend test") for w in result.warnings)


def test_staggered_finds_the_known_effect():
    result = estimators.staggered(panel_of(staggered_panel(seed=11, units=80, never=20)))
    assert result.ci_low < -1.5 < result.ci_high < 0


def test_staggered_refuses_a_panel_without_never_treated_units():
    frame = staggered_panel(cohorts=(13, 19), never=0)
    with pytest.raises(PanelError, match="never treated"):
        estimators.staggered(panel_of(frame))


def test_its_recovers_a_known_rate_ratio():
    frame = its_series(rate_ratio=0.7)
    panel = prepare_panel(frame, unit="unit", time="month", outcome="shot", treated_from="start")
    result = estimators.its(panel)
    assert result.scale == "ratio"
    assert result.estimate == pytest.approx(0.7, abs=0.07)
    assert result.ci_low < 0.7 < result.ci_high < 1
    assert result.relative == pytest.approx(result.estimate - 1)
    assert result.details["seasonal"] is True
    assert result.details["level_rate_ratio"] == pytest.approx(0.7, abs=0.07)
    assert result.details["std_error_scale"] == "log of the ratio"


def _its_ratio_by_hand(result) -> float:
    after = [row for row in result.observed if row["after_start"]]
    return sum(r["fitted"] for r in after) / sum(r["counterfactual"] for r in after)


def test_its_headline_is_the_post_period_ratio_not_the_level_change():
    # the level drops by a quarter, then counts grow 2% a month: over the four years after
    # the start the served areas end up well above the trend before it
    frame = its_series(rate_ratio=0.75, monthly_change=0.02)
    panel = prepare_panel(frame, unit="unit", time="month", outcome="shot", treated_from="start")
    result = estimators.its(panel)
    assert result.estimate > 1.1
    assert result.estimate == pytest.approx(_its_ratio_by_hand(result), rel=1e-9)
    assert result.details["level_rate_ratio"] < 1  # the level change is kept in the details
    assert result.details["slope_rate_ratio"] > 1
    assert result.relative > 0


def test_its_interval_is_the_same_every_run():
    frame = its_series(rate_ratio=0.8)
    panel = prepare_panel(frame, unit="unit", time="month", outcome="shot", treated_from="start")
    first, second = estimators.its(panel), estimators.its(panel)
    assert (first.ci_low, first.ci_high) == (second.ci_low, second.ci_high)


def test_its_scales_for_any_overdispersion():
    # this draw is mildly overdispersed: above 1, below the negative binomial's threshold
    frame = its_series(rate_ratio=0.8, seed=8)
    panel = prepare_panel(frame, unit="unit", time="month", outcome="shot", treated_from="start")
    result = estimators.its(panel)
    assert 1 < result.details["dispersion"] <= 1.5
    assert result.details["model"] == "quasi-Poisson"


def test_its_uses_negative_binomial_for_overdispersed_counts():
    rng = np.random.default_rng(8)
    frame = its_series(rate_ratio=0.6, seed=8)
    frame["shot"] = rng.negative_binomial(2, 2 / (2 + frame["shot"].to_numpy() + 1e-9))
    panel = prepare_panel(frame, unit="unit", time="month", outcome="shot", treated_from="start")
    result = estimators.its(panel)
    assert result.details["model"] == "negative binomial"


def test_synth_matches_pysyncon_weights_and_effect():
    pysyncon = pytest.importorskip("pysyncon")
    frame = synth_panel()
    panel = prepare_panel(frame, unit="unit", time="t", outcome="y", treated_from="first")
    result = estimators.synth(panel)
    pre = range(25)
    dataprep = pysyncon.Dataprep(
        foo=frame,
        predictors=[],
        predictors_op="mean",
        dependent="y",
        unit_variable="unit",
        time_variable="t",
        treatment_identifier="a00",
        controls_identifier=[f"a{j:02d}" for j in range(1, 13)],
        time_predictors_prior=pre,
        time_optimize_ssr=pre,
        special_predictors=[("y", [t], "mean") for t in pre],
    )
    # pysyncon scales each predictor by its spread across units; V undoes that scaling, so
    # both minimise the plain squared gap before the start
    spread = frame[frame["t"] < 25].groupby("t")["y"].std(ddof=1).to_numpy()
    reference = pysyncon.Synth()
    reference.fit(dataprep, custom_V=spread**2)
    expected = reference.weights(round=6)
    for donor, weight in expected.items():
        assert result.details["weights"].get(donor, 0.0) == pytest.approx(weight, abs=2e-3)
    assert result.estimate == pytest.approx(reference.att(range(25, 40))["att"], abs=0.02)


def test_synth_finds_the_known_effect_and_states_it_has_no_interval():
    panel = prepare_panel(synth_panel(), unit="unit", time="t", outcome="y", treated_from="first")
    result = estimators.synth(panel)
    assert result.estimate == pytest.approx(-3.0, abs=0.5)
    assert result.std_error is None and result.ci_low is None
    assert result.details["placebo_rank"] == 1
    assert any("no standard error" in w for w in result.warnings)


def test_synth_refuses_several_treated_units(simulated):
    with pytest.raises(PanelError, match="exactly one treated unit"):
        estimators.synth(panel_of(simulated))


@pytest.mark.parametrize("method", estimators.METHODS)
def test_each_method_gives_the_same_numbers_twice(method):
    frame = synth_panel() if method == "synth" else staggered_panel(seed=4)
    if method == "its":
        frame = its_series()
        options = {"unit": "unit", "time": "month", "outcome": "shot", "treated_from": "start"}
    elif method == "synth":
        options = {"unit": "unit", "time": "t", "outcome": "y", "treated_from": "first"}
    else:
        options = {"unit": "unit", "time": "period", "outcome": "y", "treated_from": "first"}
    first = estimators.estimate(prepare_panel(frame, **options), method).as_dict()
    again = estimators.estimate(prepare_panel(frame.copy(), **options), method).as_dict()
    assert first == again
    assert first["estimate"] is not None


def test_three_areas_warn_of_few_clusters():
    frame = staggered_panel(units=3, never=1, cohorts=(10,))
    result = estimators.twfe(panel_of(frame))
    assert any("Only 3 areas" in w for w in result.warnings)


def test_many_areas_do_not_warn_of_few_clusters(simulated):
    result = estimators.twfe(panel_of(simulated))
    assert not any("standard errors clustered" in w for w in result.warnings)


def test_too_little_data_after_the_start_is_warned():
    frame = staggered_panel(cohorts=(35,), never=20)
    result = estimators.twfe(panel_of(frame))
    assert any("period(s) after the last start" in w for w in result.warnings)


def test_twfe_without_never_treated_units_warns():
    frame = staggered_panel(cohorts=(13, 25), never=0)
    result = estimators.twfe(panel_of(frame))
    assert any("no comparison units that were never treated" in w for w in result.warnings)


def test_log_outcome_reports_a_proportional_change():
    frame = staggered_panel(seed=6)
    frame["y"] = np.exp(frame["y"] / 3)
    result = estimators.twfe(panel_of(frame, log_outcome=True))
    assert result.scale == "log"
    assert result.relative == pytest.approx(np.expm1(result.estimate))
    assert result.relative == pytest.approx(np.expm1(-0.5), abs=0.05)


def test_dates_as_periods_map_first_treated_to_the_first_period_on_or_after():
    frame = pd.DataFrame(
        {
            "unit": ["a", "a", "a", "b", "b", "b"],
            "period": ["2023-05-01", "2023-06-01", "2023-07-01"] * 2,
            "y": [1, 2, 3, 1, 1, 1],
            "first": ["2023-05-15"] * 3 + [""] * 3,
        }
    )
    panel = panel_of(frame)
    assert panel.frame.loc[panel.frame["unit"] == "a", "g"].iloc[0] == 1  # June
    assert panel.periods == ["2023-05-01", "2023-06-01", "2023-07-01"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"columns": {"y": "shot"}}, "Column 'y' is not in the file"),
        ({"y": "lots"}, "is not a number"),
        ({"period": "soon"}, "neither a number nor a date"),
        ({"first": "later"}, "is not a date"),
        ({"duplicate": True}, "more than one row for period"),
        ({"y": "inf"}, "Line 3: the outcome 'inf' in column 'y' is not a finite number"),
        ({"y": "-Infinity"}, "is not a finite number"),
    ],
)
def test_a_bad_panel_gets_a_clear_message(change, message):
    frame = pd.DataFrame(
        {
            "unit": ["a", "a", "b", "b"],
            "period": ["2023-05-01", "2023-06-01"] * 2,
            "y": ["1", "2", "1", "1"],
            "first": ["2023-06-01", "2023-06-01", "", ""],
        }
    )
    if "columns" in change:
        frame = frame.rename(columns=change["columns"])
    elif change.get("duplicate"):
        frame.loc[1, "period"] = "2023-05-01"
    else:
        column, value = next(iter(change.items()))
        frame.loc[1, column] = value
    with pytest.raises(PanelError, match=message):
        panel_of(frame)


def test_default_method_follows_the_design(simulated):
    assert estimators.default_method(panel_of(simulated)) == "staggered"
    one_start = staggered_panel(cohorts=(13,), never=20)
    assert estimators.default_method(panel_of(one_start)) == "twfe"
    single = synth_panel()
    panel = prepare_panel(single, unit="unit", time="t", outcome="y", treated_from="first")
    assert estimators.default_method(panel) == "synth"


def test_an_its_that_overflows_gets_a_plain_sentence():
    frame = its_series()
    frame["shot"] = [3] * 48 + [10**300] * 48
    panel = prepare_panel(frame, unit="unit", time="month", outcome="shot", treated_from="start")
    with pytest.raises(PanelError, match="its numbers grow too large"):
        estimators.estimate(panel, "its")


def test_every_method_people_can_choose_has_an_estimator_and_a_label():
    from evaluation.models import EvaluationMethod

    assert list(EvaluationMethod.values) == list(estimators.METHODS) == list(estimators.ESTIMATORS)
    assert all(label for label in EvaluationMethod.labels)
