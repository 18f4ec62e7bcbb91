"""What every estimator shares: the panel it reads, the result it returns, the error it raises,
the thresholds behind its warnings, and the small pieces of arithmetic more than one method
uses (intervals, the design checks, the result as a share of the counterfactual)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

# their labels for people are evaluation.models.EvaluationMethod's (tested to match)
METHODS = ("twfe", "event-study", "staggered", "its", "synth")
FEW_CLUSTERS = 20
FEW_TREATED = 5  # treated areas (clusters) below which clustered errors are not trusted
MIN_PERIODS = 3  # before and after the start, for the difference-in-differences methods
ALPHA = 0.05
PRETREND_LEADS = 6  # leads in the event study and the pre-trend test

TOO_LARGE = (
    "The model cannot be estimated on this panel: its numbers grow too large (the outcome "
    "changes too steeply, or its values are too big). Use a shorter window, rescale the "
    "outcome, or choose another method."
)


class PanelError(ValueError):
    """The panel cannot be read or cannot be estimated; the message says why, plainly."""


@dataclass
class Panel:
    """A panel ready for the estimators.

    `frame` has columns unit (str), t (int: position of the period, 0 = first), y (float,
    logged when asked), y_raw (the outcome as given), g (float: position of the first
    treated period, NaN for never treated) and w (float weight, 1 when none).
    """

    frame: pd.DataFrame
    periods: list[str]  # label of each period position
    period_dates: list[pd.Timestamp] | None  # when the periods are dates
    weighted: bool = False
    log_outcome: bool = False
    # the outcome is already a logarithm (given so): the estimate reads as exp(estimate) - 1
    outcome_is_log: bool = False
    notes: list[str] = field(default_factory=list)  # warnings found while reading

    @property
    def units(self) -> list[str]:
        return sorted(self.frame["unit"].unique().tolist())

    @property
    def treated_units(self) -> list[str]:
        treated = self.frame.loc[self.frame["g"].notna(), "unit"]
        return sorted(treated.unique().tolist())


@dataclass
class Result:
    method: str
    estimate: float | None
    std_error: float | None
    ci_low: float | None
    ci_high: float | None
    n_obs: int
    n_units: int
    n_treated: int = 0
    p_value: float | None = None
    scale: str = "difference"  # what the estimate measures: difference, log, rate ratio
    # the estimate as a proportional change of the treated units' outcome (0.25 = +25%)
    relative: float | None = None
    relative_low: float | None = None
    relative_high: float | None = None
    warnings: list[str] = field(default_factory=list)
    event_study: list[dict[str, Any]] = field(default_factory=list)
    observed: list[dict[str, Any]] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return json_ready(asdict(self))


def json_ready(value: Any) -> Any:
    """JSON-ready: numpy numbers to Python, NaN and infinities to None, rounded to 10
    significant digits so the stored numbers do not depend on the last bit of a BLAS."""
    if isinstance(value, dict):
        return {str(key): json_ready(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return float(f"{value:.10g}")
    return value


def few_names(names: list[str], shown: int = 5) -> str:
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def std_error_of(variance: float) -> float:
    """A standard error from a variance; NaN where rounding made it negative or it is NaN."""
    return math.sqrt(variance) if variance > 0 else math.nan


def interval(estimate: float, se: float, df: int | None) -> tuple[float, float, float]:
    """CI low, high and the two-sided p-value; t with df degrees of freedom, normal if None."""
    if not np.isfinite(se) or se <= 0:
        return math.nan, math.nan, math.nan
    critical = stats.t.ppf(1 - ALPHA / 2, df) if df else stats.norm.ppf(1 - ALPHA / 2)
    statistic = abs(estimate / se)
    p = 2 * (stats.t.sf(statistic, df) if df else stats.norm.sf(statistic))
    return estimate - critical * se, estimate + critical * se, float(p)


def first_starts(panel: Panel) -> pd.Series:
    """Each treated unit's first treated period (position)."""
    frame = panel.frame
    return frame.loc[frame["g"].notna()].groupby("unit")["g"].first()


def check_design(panel: Panel, warnings: list[str], *, need_controls: bool) -> None:
    """Refuse a panel without treated units (or, when asked, without never-treated ones);
    warn of the limits of the design: few areas, few treated, few periods around the start."""
    frame = panel.frame
    treated = panel.treated_units
    if not treated:
        raise PanelError(
            "No unit is ever treated: the column of first treated periods is empty everywhere."
        )
    never = frame.loc[frame["g"].isna(), "unit"].nunique()
    if never == 0:
        message = (
            "Every unit is treated at some point: there are no comparison units that were "
            "never treated."
        )
        if need_controls:
            raise PanelError(message)
        warnings.append(message + " The estimate rests on units treated later.")
    n_units = frame["unit"].nunique()
    if n_units < FEW_CLUSTERS:
        warnings.append(
            f"Only {n_units} areas: with fewer than {FEW_CLUSTERS}, standard errors clustered "
            "by area can be too small and the interval too narrow."
        )
    if len(treated) < FEW_TREATED:
        warnings.append(
            f"Few treated areas: only {len(treated)} treated; with fewer than {FEW_TREATED}, "
            "standard errors clustered by area are unreliable whatever the number of "
            "comparison areas."
        )
    starts = first_starts(panel)
    before = int(starts.min())
    after = len(panel.periods) - int(starts.max())
    if before < MIN_PERIODS:
        warnings.append(
            f"Only {before} period(s) before the first start: too little data to compare "
            "trends before the program."
        )
    if after < MIN_PERIODS:
        warnings.append(
            f"Only {after} period(s) after the last start: too little data to see an effect."
        )


def balanced(panel: Panel, warnings: list[str]) -> pd.DataFrame:
    """Wide outcome (units x periods) of the units observed in every period."""
    wide = panel.frame.pivot(index="unit", columns="t", values="y").sort_index()
    wide = wide.reindex(columns=range(len(panel.periods)))
    complete = wide.notna().all(axis=1)
    if not complete.all():
        dropped = wide.index[~complete].tolist()
        warnings.append(
            f"{len(dropped)} unit(s) missing some periods were left out ({few_names(dropped)}): "
            "this method needs every unit in every period."
        )
        wide = wide[complete]
    if wide.empty:
        raise PanelError("No unit has a row for every period.")
    return wide


def relative_from_counterfactual(panel: Panel, result: Result, post_mask: np.ndarray) -> None:
    """The estimate as a share of what the treated units would have had without treatment
    (their observed mean after the start, minus the effect); the interval scaled the same
    way, which ignores the uncertainty of that baseline."""
    if result.estimate is None:
        return
    if panel.log_outcome or panel.outcome_is_log:
        result.scale = "log"
        result.relative = math.expm1(result.estimate)
        if result.ci_low is not None and result.ci_high is not None:
            result.relative_low = math.expm1(result.ci_low)
            result.relative_high = math.expm1(result.ci_high)
        return
    observed = float(panel.frame.loc[post_mask, "y"].mean()) if post_mask.any() else math.nan
    baseline = observed - result.estimate
    result.details["counterfactual_mean"] = baseline
    if baseline > 0:
        result.relative = result.estimate / baseline
        if result.ci_low is not None and result.ci_high is not None:
            result.relative_low = result.ci_low / baseline
            result.relative_high = result.ci_high / baseline


def observed_vs_comparison(panel: Panel) -> list[dict[str, Any]]:
    """Per period: the treated units' mean, the comparison units' mean, and the comparison
    shifted to the treated units' level before the first start (the DiD counterfactual)."""
    frame = panel.frame
    first_start = int(frame["g"].min())
    treated = frame[frame["g"].notna()].groupby("t")["y"].mean()
    controls = frame[frame["g"].isna()].groupby("t")["y"].mean()
    if controls.empty:
        return []
    pre = [t for t in treated.index if t < first_start and t in controls.index]
    gap = float(treated.loc[pre].mean() - controls.loc[pre].mean()) if pre else 0.0
    rows = []
    for t, label in enumerate(panel.periods):
        observed = treated.get(t)
        comparison = controls.get(t)
        rows.append(
            {
                "period": label,
                "observed": None if observed is None else float(observed),
                "comparison": None if comparison is None else float(comparison),
                "counterfactual": None if comparison is None else float(comparison + gap),
                "after_start": t >= first_start,
            }
        )
    return rows


def failed_pretrend(p: float) -> str:
    return (
        f"Failed pre-trend test (p = {p:.3f}): before the start, the treated and "
        "comparison units already moved differently, so the estimate may be biased."
    )
