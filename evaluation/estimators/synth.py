"""Synthetic control for one treated unit: donor weights that reproduce its outcome before
the start; inference by in-space placebos (a rank, not a standard error)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize

from evaluation.estimators.common import (
    FEW_CLUSTERS,
    MIN_PERIODS,
    Panel,
    PanelError,
    Result,
    balanced,
)


def synth_weights(treated_pre: np.ndarray, donors_pre: np.ndarray) -> np.ndarray:
    """Donor weights, non-negative and summing to one, that best reproduce the treated
    unit's outcome before the start (least squares; the sum is enforced by a heavy row)."""
    scale = max(1.0, float(np.abs(donors_pre).max()), float(np.abs(treated_pre).max()))
    heavy = 1e4 * scale
    matrix = np.vstack([donors_pre, np.full((1, donors_pre.shape[1]), heavy)])
    target = np.concatenate([treated_pre, [heavy]])
    weights, _ = optimize.nnls(matrix, target, maxiter=50 * matrix.shape[1])
    return weights / weights.sum()


def synth(panel: Panel) -> Result:
    warnings = list(panel.notes)
    design = _design(panel, warnings)
    start = design.start
    weights, gaps, ratio = _fit(design.treated, design.donors, start)
    synthetic = design.treated - gaps
    placebo_ratios = [
        _fit(design.donors[:, j], np.delete(design.donors, j, axis=1), start)[2]
        for j in range(len(design.names))
    ]
    rank = 1 + sum(r >= ratio for r in placebo_ratios)
    p_value = rank / (len(design.names) + 1)
    pre_rmspe = _rmspe(gaps[:start])
    warnings += _placebo_and_fit_warnings(design, rank, p_value, pre_rmspe)
    baseline = float(synthetic[start:].mean())
    estimate = float(gaps[start:].mean())
    result = Result(
        method="synth",
        estimate=estimate,
        std_error=None,
        ci_low=None,
        ci_high=None,
        p_value=p_value,
        n_obs=int(design.wide.size),
        n_units=len(design.wide),
        n_treated=1,
        warnings=warnings,
        observed=[
            {
                "period": label,
                "observed": float(design.treated[i]),
                "counterfactual": float(synthetic[i]),
                "after_start": i >= start,
            }
            for i, label in enumerate(panel.periods)
        ],
        details={
            "weights": {
                d: float(w) for d, w in zip(design.names, weights, strict=True) if w > 1e-6
            },
            "pre_rmspe": pre_rmspe,
            "post_rmspe": _rmspe(gaps[start:]),
            "placebo_rank": rank,
            "placebo_ratios": dict(zip(design.names, placebo_ratios, strict=True)),
            "counterfactual_mean": baseline,
            "periods_averaged": [panel.periods[start], panel.periods[-1]],
        },
    )
    if panel.log_outcome or panel.outcome_is_log:
        result.scale = "log"
        result.relative = math.expm1(estimate)
    elif baseline > 0:
        result.relative = estimate / baseline
    return result


@dataclass(frozen=True)
class _Design:
    """The treated unit's series and the donors' (periods x donors), and the start."""

    wide: pd.DataFrame
    treated: np.ndarray
    donors: np.ndarray
    names: list[str]  # the donors'
    start: int


def _design(panel: Panel, warnings: list[str]) -> _Design:
    """One treated unit, at least two never-treated donors and two periods before the start,
    every unit in every period; refused otherwise."""
    treated = panel.treated_units
    if len(treated) != 1:
        raise PanelError(
            f"Synthetic control needs exactly one treated unit; this panel has {len(treated)}. "
            "Use twfe or staggered for several."
        )
    if panel.weighted:
        warnings.append("Weights are not used by the synthetic control.")
    wide = balanced(panel, warnings)
    if treated[0] not in wide.index:
        raise PanelError("The treated unit is missing some periods.")
    groups = panel.frame.groupby("unit")["g"].first()
    donors = [u for u in wide.index if np.isnan(groups[u])]
    if len(donors) < 2:
        raise PanelError("Synthetic control needs at least two never-treated donor units.")
    start = int(groups[treated[0]])
    if start < 2:
        raise PanelError("Synthetic control needs at least two periods before the start.")
    if start < MIN_PERIODS or len(panel.periods) - start < MIN_PERIODS:
        warnings.append(
            f"Too little data: {start} period(s) before and {len(panel.periods) - start} "
            "after the start."
        )
    return _Design(
        wide=wide,
        treated=wide.loc[treated[0]].to_numpy(dtype=float),
        donors=wide.loc[donors].to_numpy(dtype=float).T,
        names=donors,
        start=start,
    )


def _fit(target: np.ndarray, pool: np.ndarray, start: int) -> tuple[np.ndarray, np.ndarray, float]:
    """The weights, the gaps (target minus synthetic) and the post/pre RMSPE ratio."""
    weights = synth_weights(target[:start], pool[:start])
    gaps = target - pool @ weights
    pre, post = _rmspe(gaps[:start]), _rmspe(gaps[start:])
    return weights, gaps, post / pre if pre > 0 else math.inf


def _rmspe(gaps: np.ndarray) -> float:
    return float(np.sqrt(np.mean(gaps**2))) if len(gaps) else math.nan


def _placebo_and_fit_warnings(
    design: _Design, rank: int, p_value: float, pre_rmspe: float
) -> list[str]:
    donors = len(design.names)
    warnings = [
        "Synthetic control gives no standard error or confidence interval. The placebo test "
        f"ranks this area {rank} of {donors + 1} (p = {p_value:.2f}) when each comparison "
        "area is treated as if it had started."
    ]
    if donors + 1 < FEW_CLUSTERS:
        warnings.append(
            f"With {donors} donor areas, the placebo test cannot give p below "
            f"{1 / (donors + 1):.2f}."
        )
    pre_mean = float(np.abs(design.treated[: design.start]).mean()) or 1.0
    if pre_rmspe > 0.25 * pre_mean:
        warnings.append(
            "The synthetic area does not match the treated area well before the start "
            f"(error {pre_rmspe:.2f} against a mean of {pre_mean:.2f}): read the result with "
            "caution."
        )
    return warnings
