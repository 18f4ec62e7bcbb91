"""Difference-in-differences by regression: two-way fixed effects (`twfe`) and the event study
(`event_study`: leads and lags of the start, and the pre-trend test), both with unit and
period fixed effects and standard errors clustered by unit."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from evaluation.estimators.common import (
    ALPHA,
    PRETREND_LEADS,
    Panel,
    PanelError,
    Result,
    check_design,
    failed_pretrend,
    first_starts,
    interval,
    observed_vs_comparison,
    relative_from_counterfactual,
    std_error_of,
)

NOT_IDENTIFIED = (
    "The effect cannot be estimated: the treatment is collinear with the period effects, so "
    "nothing separates the program from what happened to every area in the same periods."
)


def twfe(panel: Panel) -> Result:
    warnings = list(panel.notes)
    check_design(panel, warnings, need_controls=False)
    frame = panel.frame
    treated_now = (frame["g"].notna() & (frame["t"] >= frame["g"])).to_numpy()
    fit = _fe_regression(panel, treated_now.astype(float)[:, None])
    estimate, se = float(fit.coef[0]), std_error_of(fit.cov[0, 0])
    low, high, p = interval(estimate, se, fit.df)
    if first_starts(panel).nunique() > 1:
        warnings.append(
            "Units started at different times: two-way fixed effects can be biased when "
            "effects change over time; compare with the staggered estimator."
        )
    result = Result(
        method="twfe",
        estimate=estimate,
        std_error=se,
        ci_low=low,
        ci_high=high,
        p_value=p,
        n_obs=fit.n_obs,
        n_units=frame["unit"].nunique(),
        n_treated=len(panel.treated_units),
        warnings=warnings,
    )
    relative_from_counterfactual(panel, result, treated_now)
    # the event study of the same panel, for the plot and the pre-trend test
    try:
        study = event_study(panel)
    except PanelError:
        study = None
    if study is not None:
        result.event_study = study.event_study
        result.details["pretrend_p"] = study.details.get("pretrend_p")
        result.warnings += [w for w in study.warnings if "pre-trend" in w]
    result.observed = observed_vs_comparison(panel)
    return result


def event_study(panel: Panel, *, leads: int = PRETREND_LEADS, lags: int = 12) -> Result:
    """Leads and lags of the start, binned at the ends, period -1 the reference."""
    warnings = list(panel.notes)
    check_design(panel, warnings, need_controls=False)
    frame = panel.frame
    relative = (frame["t"] - frame["g"]).to_numpy()  # NaN for never treated
    treated_rows = ~np.isnan(relative)
    leads = int(max(1, min(leads, -np.nanmin(relative)))) if treated_rows.any() else 1
    lags = int(max(0, min(lags, np.nanmax(relative))))
    binned = np.clip(relative, -leads, lags)
    event_times = [e for e in range(-leads, lags + 1) if e != -1]
    if not event_times:
        raise PanelError("Too few periods for an event study.")
    columns = np.column_stack([(treated_rows & (binned == e)).astype(float) for e in event_times])
    fit = _fe_regression(panel, columns)
    post = [i for i, e in enumerate(event_times) if e >= 0]
    weights = np.zeros(len(event_times))
    weights[post] = 1 / len(post) if post else 0
    estimate = float(weights @ fit.coef) if post else math.nan
    se = std_error_of(weights @ fit.cov @ weights) if post else math.nan
    low, high, p = interval(estimate, se, fit.df)
    details: dict[str, Any] = {"leads": leads, "lags": lags, "reference_period": -1}
    pre = [i for i, e in enumerate(event_times) if e < -1]
    if pre:
        details.update(_wald(fit.coef[pre], fit.cov[np.ix_(pre, pre)], fit.df, warnings))
    else:
        warnings.append(
            "The pre-trend test needs at least two periods before the start; it was not run."
        )
    result = Result(
        method="event-study",
        estimate=estimate,
        std_error=se,
        ci_low=low,
        ci_high=high,
        p_value=p,
        n_obs=fit.n_obs,
        n_units=frame["unit"].nunique(),
        n_treated=len(panel.treated_units),
        warnings=warnings,
        event_study=_event_rows(fit, event_times, leads, lags),
        details=details,
    )
    relative_from_counterfactual(panel, result, treated_rows & (relative >= 0))
    result.observed = observed_vs_comparison(panel)
    return result


@dataclass
class _Fit:
    coef: np.ndarray
    cov: np.ndarray
    df: int  # degrees of freedom for t and F: clusters - 1
    n_obs: int
    residuals: np.ndarray


def _event_rows(fit: _Fit, event_times: list[int], leads: int, lags: int) -> list[dict[str, Any]]:
    """One row per period from the start, the reference period -1 at zero."""
    rows = [{"event_time": -1, "estimate": 0.0, "ci_low": 0.0, "ci_high": 0.0, "reference": True}]
    for i, e in enumerate(event_times):
        se = std_error_of(fit.cov[i, i])
        low, high, _ = interval(float(fit.coef[i]), se, fit.df)
        rows.append(
            {
                "event_time": e,
                "estimate": float(fit.coef[i]),
                "std_error": se,
                "ci_low": low,
                "ci_high": high,
                "binned": e in (-leads, lags) and e != -1,
            }
        )
    rows.sort(key=lambda row: row["event_time"])
    return rows


def _wald(coef: np.ndarray, cov: np.ndarray, df: int, warnings: list[str]) -> dict[str, Any]:
    """Joint test that the lead coefficients are all zero (F with q and G-1 df)."""
    q = len(coef)
    rank = np.linalg.matrix_rank(cov)
    if rank < q or q > df:
        warnings.append(
            f"The pre-trend test could not be run: {q} lead coefficients need more than "
            f"{df + 1} areas."
        )
        return {"pretrend_p": None}
    statistic = float(coef @ np.linalg.solve(cov, coef)) / q
    p = float(stats.f.sf(statistic, q, df))
    if p < ALPHA:
        warnings.append(failed_pretrend(p))
    return {"pretrend_f": statistic, "pretrend_p": p, "pretrend_df": [q, df]}


def _demean(
    matrix: np.ndarray, groups: list[np.ndarray], weights: np.ndarray, tol: float = 1e-12
) -> np.ndarray:
    """Partial out fixed effects by alternating (weighted) projections."""
    result = matrix.astype(float).copy()
    sizes = [np.bincount(g, weights=weights) for g in groups]
    for _ in range(10_000):
        before = result.copy()
        for group, size in zip(groups, sizes, strict=True):
            for column in range(result.shape[1]):
                sums = np.bincount(group, weights=weights * result[:, column])
                result[:, column] -= (sums / size)[group]
        if np.max(np.abs(result - before)) < tol * max(1.0, np.max(np.abs(result))):
            break
    return result


def _fe_regression(panel: Panel, regressors: np.ndarray) -> _Fit:
    """y on the regressors with unit and period fixed effects, SEs clustered by unit.

    The small-sample factor is fixest's CRV1 default (G/(G-1) * (n-1)/(n-k), fixed effects
    nested in the clusters not counted in k), so numbers agree with pyfixest's `feols`."""
    frame = panel.frame
    unit_codes = pd.factorize(frame["unit"], sort=True)[0]
    time_codes = frame["t"].to_numpy()
    time_codes = pd.factorize(time_codes, sort=True)[0]
    weights = frame["w"].to_numpy(dtype=float)
    stacked = np.column_stack([frame["y"].to_numpy(dtype=float), regressors])
    demeaned = _demean(stacked, [unit_codes, time_codes], weights)
    y, x = demeaned[:, 0], demeaned[:, 1:]
    root = np.sqrt(weights)
    xw, yw = x * root[:, None], y * root
    _check_identified(panel, xw, regressors * root[:, None])
    bread = np.linalg.pinv(xw.T @ xw)
    coef = bread @ xw.T @ yw
    residuals = y - x @ coef
    scores = xw * (residuals * root)[:, None]
    clusters = int(unit_codes.max()) + 1
    meat = np.zeros((x.shape[1], x.shape[1]))
    for cluster in range(clusters):
        score = scores[unit_codes == cluster].sum(axis=0)
        meat += np.outer(score, score)
    n = len(y)
    n_times = int(time_codes.max()) + 1
    k = x.shape[1] + n_times  # period effects and the regressors; unit effects are nested
    factor = clusters / (clusters - 1) * (n - 1) / (n - k) if clusters > 1 else np.nan
    cov = factor * bread @ meat @ bread
    return _Fit(coef=coef, cov=cov, df=max(clusters - 1, 1), n_obs=n, residuals=residuals)


def _check_identified(panel: Panel, demeaned: np.ndarray, original: np.ndarray) -> None:
    """Raise PanelError when the treatment columns, once unit and period effects are taken
    out, are (nearly) zero or collinear: the regression would return a number that means
    nothing (pinv picks one of infinitely many solutions)."""
    norms = np.linalg.norm(original, axis=0)
    scaled = demeaned / np.where(norms > 0, norms, 1.0)
    singular = np.linalg.svd(scaled, compute_uv=False) if scaled.size else np.array([0.0])
    if (norms > 0).all() and singular.min() > 1e-7:
        return
    reason = ""
    if panel.frame["g"].isna().sum() == 0 and first_starts(panel).nunique() == 1:
        reason = (
            " Every unit was treated, all from the same period, and no unit was never "
            "treated: add comparison units that were never treated."
        )
    raise PanelError(NOT_IDENTIFIED + reason)
