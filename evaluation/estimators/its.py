"""The interrupted time series: the treated units' summed counts, a segmented Poisson
regression (quasi-Poisson when the counts are overdispersed, negative binomial when much
more). The estimate is the ratio of the counts after the start to the counterfactual (the
trend before it carried on), summed over the post period; its interval is simulated from the
coefficients with a fixed seed; the level and slope changes are in the details."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from evaluation.estimators.common import (
    ALPHA,
    TOO_LARGE,
    Panel,
    PanelError,
    Result,
    interval,
)

MIN_ITS_PERIODS = 8  # before and after, for an interrupted time series
ITS_DRAWS = 4000  # simulations of the coefficients for the interrupted time series' interval
ITS_SEED = 20240601


def its(panel: Panel) -> Result:
    """Segmented regression of one series: the treated units' counts summed per period (or
    the single unit's), with a level change and a slope change at the first start."""
    warnings = list(panel.notes)
    treated = panel.treated_units
    if not treated:
        raise PanelError("No unit is ever treated: an interrupted time series needs a start.")
    if panel.weighted:
        warnings.append("Weights are not used by the interrupted time series.")
    if panel.log_outcome or panel.outcome_is_log:
        warnings.append("The series is modelled as counts; the log option is not used.")
    rows = panel.frame[panel.frame["unit"].isin(treated)]
    series = _series(panel, rows)
    start = _start(panel, rows, warnings)
    t = np.arange(len(series), dtype=float)
    post = (t >= start).astype(float)
    columns = {"const": np.ones_like(t), "time": t, "level": post, "slope": post * (t - start)}
    seasonal = _seasonal_terms(panel)
    if seasonal is not None:
        columns.update(seasonal)
    design = pd.DataFrame(columns)
    y = series.to_numpy(dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        model = _its_model(design, y)
        ratio = _post_ratio(design, model, start)
        return _its_result(panel, model, ratio, y, start, treated, seasonal is not None, warnings)


def _series(panel: Panel, rows: pd.DataFrame) -> pd.Series:
    series = rows.groupby("t")["y_raw"].sum().reindex(range(len(panel.periods)))
    if series.isna().any():
        raise PanelError("The series has periods with no rows; each period needs a count.")
    if (series < 0).any() or not np.allclose(series, np.round(series)):
        raise PanelError("An interrupted time series models counts: whole numbers, 0 or more.")
    return series


def _start(panel: Panel, rows: pd.DataFrame, warnings: list[str]) -> int:
    """The first start, where the series is cut; refused without periods on both sides."""
    starts = rows.groupby("unit")["g"].first()
    start = int(starts.min())
    if starts.nunique() > 1:
        warnings.append(
            "The treated units started at different times; the series is cut at the first "
            f"start ({panel.periods[start]})."
        )
    before, after = start, len(panel.periods) - start
    if before < MIN_ITS_PERIODS or after < MIN_ITS_PERIODS:
        warnings.append(
            f"Too little data: {before} period(s) before and {after} after the start; an "
            f"interrupted time series needs at least {MIN_ITS_PERIODS} on each side."
        )
    if before < 2 or after < 1:
        raise PanelError("An interrupted time series needs periods before and after the start.")
    return start


def _seasonal_terms(panel: Panel) -> dict[str, np.ndarray] | None:
    """Two harmonics of the day of the year, when periods are dates spanning two years."""
    dates = panel.period_dates
    if dates is None or (dates[-1] - dates[0]).days < 2 * 365 - 31:
        return None
    angle = np.array([d.day_of_year for d in dates], dtype=float) / 365.25 * 2 * np.pi
    return {
        "sin1": np.sin(angle),
        "cos1": np.cos(angle),
        "sin2": np.sin(2 * angle),
        "cos2": np.cos(2 * angle),
    }


@dataclass(frozen=True)
class _Model:
    """The fitted count model: its name, the Poisson dispersion, its coefficients and their
    covariance (in the order of the design's columns, `names`)."""

    name: str
    dispersion: float
    names: list[str]
    beta: np.ndarray
    covariance: np.ndarray
    params: pd.Series


def _its_model(design: pd.DataFrame, y: np.ndarray) -> _Model:
    """Poisson; its covariance scaled when overdispersed (quasi-Poisson); negative binomial
    when much more overdispersed and it converges."""
    import statsmodels.api as sm

    try:
        poisson = sm.GLM(y, design, family=sm.families.Poisson()).fit()
    except (ValueError, OverflowError, np.linalg.LinAlgError) as error:
        raise PanelError(TOO_LARGE) from error
    if not np.isfinite(poisson.params).all() or not np.isfinite(poisson.bse).all():
        raise PanelError(TOO_LARGE)
    dispersion = float(poisson.pearson_chi2 / poisson.df_resid) if poisson.df_resid else 1.0
    model = "Poisson"
    params, cov = poisson.params, poisson.cov_params()
    if dispersion > 1:
        # quasi-Poisson: Poisson estimates, covariance scaled for the overdispersion
        model = "quasi-Poisson"
        cov = cov * dispersion
    if dispersion > 1.5:
        try:
            negbin = sm.NegativeBinomial(y, design).fit(disp=0, maxiter=200)
            converged = bool(negbin.mle_retvals.get("converged", False))
        except (ValueError, OverflowError, np.linalg.LinAlgError):
            converged = False  # quasi-Poisson then
        if converged:
            model = "negative binomial"
            params = negbin.params.drop("alpha")
            cov = negbin.cov_params().drop(index="alpha", columns="alpha")
    names = list(design.columns)
    return _Model(
        name=model,
        dispersion=dispersion,
        names=names,
        beta=params[names].to_numpy(),
        covariance=cov.loc[names, names].to_numpy(),
        params=params,
    )


@dataclass(frozen=True)
class _Ratio:
    """The post period's counts over the counterfactual's, on the log scale, with its
    simulated standard error and interval; the fitted and counterfactual series."""

    headline: float
    se: float
    low: float
    high: float
    p: float
    fitted: np.ndarray
    counterfactual: np.ndarray


def _post_ratio(design: pd.DataFrame, model: _Model, start: int) -> _Ratio:
    beta = model.beta
    matrix = design.to_numpy(dtype=float)
    without = design.copy()
    without[["level", "slope"]] = 0.0
    bare = without.to_numpy(dtype=float)
    post_rows = design["time"].to_numpy() >= start

    def log_ratio(coefficients: np.ndarray) -> np.ndarray:
        """log(sum of fitted / sum of counterfactual over the post period), per draw."""
        with_terms = np.exp(coefficients @ matrix[post_rows].T).sum(axis=-1)
        without_terms = np.exp(coefficients @ bare[post_rows].T).sum(axis=-1)
        return np.log(with_terms) - np.log(without_terms)

    headline = float(log_ratio(beta))
    # parametric simulation from the coefficients' covariance, with a fixed seed so the same
    # series always gives the same interval
    draws = np.random.default_rng(ITS_SEED).multivariate_normal(
        beta, model.covariance, size=ITS_DRAWS, method="svd"
    )
    simulated = log_ratio(draws)
    simulated = simulated[np.isfinite(simulated)]
    if len(simulated) < ITS_DRAWS // 2:
        raise PanelError(
            "The interrupted time series cannot be estimated on this series: the model's "
            "numbers grow too large. Use a shorter window or another method."
        )
    se = float(simulated.std(ddof=1))
    low, high = (float(q) for q in np.quantile(simulated, [ALPHA / 2, 1 - ALPHA / 2]))
    p = float(2 * stats.norm.sf(abs(headline / se))) if se > 0 else math.nan
    return _Ratio(headline, se, low, high, p, np.exp(matrix @ beta), np.exp(bare @ beta))


def _its_result(
    panel: Panel,
    model: _Model,
    ratio: _Ratio,
    y: np.ndarray,
    start: int,
    treated: list[str],
    seasonal: bool,
    warnings: list[str],
) -> Result:
    return Result(
        method="its",
        estimate=math.exp(ratio.headline),
        std_error=ratio.se,  # of the log of the ratio
        ci_low=math.exp(ratio.low),
        ci_high=math.exp(ratio.high),
        p_value=ratio.p,
        n_obs=len(y),
        n_units=len(treated),
        n_treated=len(treated),
        scale="ratio",
        relative=math.expm1(ratio.headline),
        relative_low=math.expm1(ratio.low),
        relative_high=math.expm1(ratio.high),
        warnings=warnings,
        observed=[
            {
                "period": label,
                "observed": float(y[i]),
                "fitted": float(ratio.fitted[i]),
                "counterfactual": float(ratio.counterfactual[i]),
                "after_start": i >= start,
            }
            for i, label in enumerate(panel.periods)
        ],
        details=_its_details(panel, model, start, seasonal),
    )


def _its_details(panel: Panel, model: _Model, start: int, seasonal: bool) -> dict[str, Any]:
    """How the ratio was made, and the level and slope changes as rate ratios."""
    bse = pd.Series(np.sqrt(np.clip(np.diag(model.covariance), 0, None)), index=model.names)
    level, level_se = float(model.params["level"]), float(bse["level"])
    level_low, level_high, level_p = interval(level, level_se, None)
    slope, slope_se = float(model.params["slope"]), float(bse["slope"])
    slope_low, slope_high, slope_p = interval(slope, slope_se, None)
    return {
        "model": model.name,
        "dispersion": model.dispersion,
        "start": panel.periods[start],
        "estimate_is": (
            "the counts after the start over what the trend before it predicts: the sum "
            "of the fitted counts with the level and slope change over the sum without"
        ),
        "std_error_scale": "log of the ratio",
        "interval": f"parametric simulation, {ITS_DRAWS} draws, seed {ITS_SEED}",
        "level_rate_ratio": math.exp(level),
        "level_ci": [math.exp(level_low), math.exp(level_high)],
        "level_p": level_p,
        "level_std_error_log": level_se,
        "slope_rate_ratio": math.exp(slope),
        "slope_ci": [math.exp(slope_low), math.exp(slope_high)],
        "slope_p": slope_p,
        "seasonal": seasonal,
    }
