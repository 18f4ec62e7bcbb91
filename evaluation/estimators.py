"""Impact estimators over a panel: one row per unit (area) and period.

Pure functions: a pandas frame in, a `Result` out, no database and no unseeded randomness,
so the same panel always gives the same numbers. `prepare_panel` reads any panel (a CSV's columns,
or the portal's monthly counts) into a `Panel`; `estimate(panel, method)` runs one method.

Methods
- `twfe`: difference-in-differences with unit and period fixed effects, standard errors
  clustered by unit (CRV1, t with G-1 degrees of freedom, as fixest reports them).
- `event-study`: the same regression with leads and lags of the start (reference period -1)
  and a joint Wald test that the leads are zero (the pre-trend test).
- `staggered`: Callaway and Sant'Anna (2021) with never-treated units as controls, no
  covariates; group-time effects aggregated to one ATT with analytic influence-function SEs.
- `its`: interrupted time series of the treated units' summed counts, segmented Poisson
  regression (quasi-Poisson when the counts are overdispersed, negative binomial when much
  more); the estimate is the ratio of the counts after the start to the counterfactual
  (the trend before it carried on), summed over the post period, its interval simulated
  from the coefficients (seeded); the level and slope changes are in the details.
- `synth`: synthetic control for one treated unit; inference by in-space placebos (a rank,
  not a standard error).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

# their labels for people are evaluation.models.EvaluationMethod's (tested to match)
METHODS = ("twfe", "event-study", "staggered", "its", "synth")
FEW_CLUSTERS = 20
FEW_TREATED = 5  # treated areas (clusters) below which clustered errors are not trusted
MIN_PERIODS = 3  # before and after the start, for the difference-in-differences methods
MIN_ITS_PERIODS = 8  # before and after, for an interrupted time series
ALPHA = 0.05
PRETREND_LEADS = 6  # leads in the event study and the pre-trend test
ITS_DRAWS = 4000  # simulations of the coefficients for the interrupted time series' interval
ITS_SEED = 20240601


TOO_LARGE = (
    "The model cannot be estimated on this panel: its numbers grow too large (the outcome "
    "changes too steeply, or its values are too big). Use a shorter window, rescale the "
    "outcome, or choose another method."
)
LOG_WITH_ZEROS = (
    "The outcome is 0 in {zeros} row(s), so it cannot be logged (and log(1 + outcome) would "
    "not give a percent change): leave the log option off, and for counts use a count model "
    "(the interrupted time series), or model the counts as they are."
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
        return _plain(asdict(self))


def _plain(value: Any) -> Any:
    """JSON-ready: numpy numbers to Python, NaN and infinities to None, rounded to 10
    significant digits so the stored numbers do not depend on the last bit of a BLAS."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return float(f"{value:.10g}")
    return value


# -- reading a panel --------------------------------------------------------------------------


def prepare_panel(
    frame: pd.DataFrame,
    *,
    unit: str,
    time: str,
    outcome: str,
    treated_from: str,
    weights: str | None = None,
    log_outcome: bool = False,
) -> Panel:
    """Check and standardise a panel; raise PanelError with a plain message when it cannot."""
    wanted = [unit, time, outcome, treated_from] + ([weights] if weights else [])
    missing = [name for name in wanted if name not in frame.columns]
    if missing:
        columns = ", ".join(str(c) for c in frame.columns) or "none"
        raise PanelError(
            f"Column {', '.join(repr(m) for m in missing)} is not in the file. "
            f"Its columns are: {columns}."
        )
    if frame.empty:
        raise PanelError("The panel has no rows.")
    data = pd.DataFrame(
        {
            "unit": frame[unit].astype("string").str.strip(),
            "time": frame[time],
            "y_raw": pd.to_numeric(frame[outcome], errors="coerce"),
            "first": frame[treated_from],
            "w": pd.to_numeric(frame[weights], errors="coerce") if weights else 1.0,
        }
    )
    line = _first_bad_line(data["unit"].isna() | (data["unit"] == ""))
    if line:
        raise PanelError(f"Line {line} has no unit in column {unit!r}.")
    bad_outcome = data["y_raw"].isna() & frame[outcome].notna() & (frame[outcome] != "")
    line = _first_bad_line(bad_outcome)
    if line:
        raise PanelError(
            f"Line {line}: the outcome {frame[outcome].iloc[line - 2]!r} in column "
            f"{outcome!r} is not a number."
        )
    line = _first_bad_line(data["y_raw"].notna() & ~np.isfinite(data["y_raw"].astype(float)))
    if line:
        raise PanelError(
            f"Line {line}: the outcome {frame[outcome].iloc[line - 2]!r} in column "
            f"{outcome!r} is not a finite number."
        )
    notes: list[str] = []
    empty = int(data["y_raw"].isna().sum())
    if empty:
        notes.append(f"{empty} row(s) with an empty outcome were left out.")
        data = data[data["y_raw"].notna()]
    if weights:
        bad_weight = data["w"].isna() | (data["w"] <= 0) | ~np.isfinite(data["w"].astype(float))
        line = _first_bad_line(bad_weight)
        if line:
            raise PanelError(
                f"Line {line}: the weight in column {weights!r} must be a finite number above 0."
            )

    times, labels, dates = _read_times(data["time"], time)
    data["t"] = times
    if data["t"].isna().any():
        line = _first_bad_line(data["t"].isna())
        raise PanelError(f"Line {line}: the period in column {time!r} cannot be read.")
    data["t"] = data["t"].astype(int)
    duplicated = data.duplicated(["unit", "t"], keep=False)
    if duplicated.any():
        row = data[duplicated].iloc[0]
        raise PanelError(
            f"Unit {row['unit']!r} has more than one row for period {labels[int(row['t'])]}: "
            "the panel needs one row per unit and period."
        )

    data["g"] = _read_first_treated(data, labels, dates, treated_from, notes)
    always = sorted(data.loc[data["g"] <= 0, "unit"].unique().tolist())
    if always:
        notes.append(
            f"{len(always)} unit(s) treated from the first period on ({_few(always)}) were "
            "left out: they have no period before treatment to compare with."
        )
        data = data[~data["unit"].isin(always)]

    if log_outcome:
        if (data["y_raw"] < 0).any():
            raise PanelError("The outcome has negative values: it cannot be logged.")
        zeros = int((data["y_raw"] == 0).sum())
        if zeros:
            raise PanelError(LOG_WITH_ZEROS.format(zeros=zeros))
        data["y"] = np.log(data["y_raw"])
    else:
        data["y"] = data["y_raw"].astype(float)
    data = data.sort_values(["unit", "t"]).reset_index(drop=True)
    if data["unit"].nunique() == 0:
        raise PanelError("No unit is left to estimate with.")
    return Panel(
        frame=data[["unit", "t", "y", "y_raw", "g", "w"]].astype(
            {"unit": str, "y": float, "y_raw": float, "g": float, "w": float}
        ),
        periods=labels,
        period_dates=dates,
        weighted=bool(weights),
        log_outcome=log_outcome,
        notes=notes,
    )


def _first_bad_line(mask: pd.Series) -> int | None:
    """The file line of the first True (line 1 is the header)."""
    positions = np.flatnonzero(mask.to_numpy(dtype=bool))
    return int(positions[0]) + 2 if len(positions) else None


def _few(names: list[str], shown: int = 5) -> str:
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def _read_times(
    column: pd.Series, name: str
) -> tuple[pd.Series, list[str], list[pd.Timestamp] | None]:
    numbers = pd.to_numeric(column, errors="coerce")
    if numbers.notna().all():
        values = sorted(numbers.unique().tolist())
        position = {value: i for i, value in enumerate(values)}
        labels = [str(int(v)) if float(v).is_integer() else str(v) for v in values]
        return numbers.map(position), labels, None
    dates = pd.to_datetime(column.astype("string").str.strip(), errors="coerce", format="mixed")
    if dates.isna().any():
        line = _first_bad_line(dates.isna())
        raise PanelError(
            f"Line {line}: the period {column.iloc[int(line or 2) - 2]!r} in column {name!r} "
            "is neither a number nor a date."
        )
    values = sorted(dates.unique().tolist())
    position = {value: i for i, value in enumerate(values)}
    labels = [pd.Timestamp(v).date().isoformat() for v in values]
    return dates.map(position), labels, [pd.Timestamp(v) for v in values]


def _read_first_treated(
    data: pd.DataFrame,
    labels: list[str],
    dates: list[pd.Timestamp] | None,
    name: str,
    notes: list[str],
) -> pd.Series:
    """The position of each unit's first treated period (the first period on or after the
    value given), NaN for never treated; one value per unit."""
    raw = data["first"].astype("string").str.strip().replace("", pd.NA)
    if dates is None:
        values = pd.to_numeric(raw, errors="coerce")
        axis = np.array([float(label) for label in labels])
    else:
        values = pd.to_datetime(raw, errors="coerce", format="mixed")
        axis = np.array([d.value for d in dates], dtype="int64")
    unreadable = values.isna() & raw.notna()
    line = _first_bad_line(unreadable)
    if line:
        kind = "a date" if dates is not None else "a number"
        raise PanelError(
            f"Line {line}: the first treated period {raw.iloc[line - 2]!r} in column {name!r} "
            f"is not {kind} (leave it empty for never treated)."
        )
    per_unit = pd.DataFrame({"unit": data["unit"], "value": values}).groupby("unit")["value"]
    if (per_unit.nunique() > 1).any():
        unit = per_unit.nunique().loc[lambda n: n > 1].index[0]
        raise PanelError(
            f"Unit {unit!r} has more than one first treated period in column {name!r}."
        )
    first = per_unit.transform("first")
    if dates is None:
        positions = np.searchsorted(axis, first.to_numpy(dtype=float), side="left")
    else:
        stamps = first.to_numpy(dtype="datetime64[ns]").astype("int64")
        positions = np.searchsorted(axis, stamps, side="left")
    result = pd.Series(positions.astype(float), index=data.index)
    result[first.isna().to_numpy()] = np.nan
    late = sorted(data.loc[result >= len(labels), "unit"].unique().tolist())
    if late:
        notes.append(
            f"{len(late)} unit(s) first treated after the last period ({_few(late)}) count as "
            "not treated."
        )
        result[result >= len(labels)] = np.nan
    return result


# -- shared pieces ----------------------------------------------------------------------------


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


@dataclass
class _Fit:
    coef: np.ndarray
    cov: np.ndarray
    df: int  # degrees of freedom for t and F: clusters - 1
    n_obs: int
    residuals: np.ndarray


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


NOT_IDENTIFIED = (
    "The effect cannot be estimated: the treatment is collinear with the period effects, so "
    "nothing separates the program from what happened to every area in the same periods."
)


def _check_identified(panel: Panel, demeaned: np.ndarray, original: np.ndarray) -> None:
    """Raise PanelError when the treatment columns, once unit and period effects are taken
    out, are (nearly) zero or collinear: the regression would return a number that means
    nothing (pinv picks one of infinitely many solutions)."""
    norms = np.linalg.norm(original, axis=0)
    scaled = demeaned / np.where(norms > 0, norms, 1.0)
    singular = np.linalg.svd(scaled, compute_uv=False) if scaled.size else np.array([0.0])
    if (norms > 0).all() and singular.min() > 1e-7:
        return
    frame = panel.frame
    starts = frame.loc[frame["g"].notna()].groupby("unit")["g"].first()
    reason = ""
    if frame["g"].isna().sum() == 0 and starts.nunique() == 1:
        reason = (
            " Every unit was treated, all from the same period, and no unit was never "
            "treated: add comparison units that were never treated."
        )
    raise PanelError(NOT_IDENTIFIED + reason)


def _root(variance: float) -> float:
    """A standard error from a variance; NaN where rounding made it negative or it is NaN."""
    return math.sqrt(variance) if variance > 0 else math.nan


def _interval(estimate: float, se: float, df: int | None) -> tuple[float, float, float]:
    """CI low, high and the two-sided p-value; t with df degrees of freedom, normal if None."""
    if not np.isfinite(se) or se <= 0:
        return math.nan, math.nan, math.nan
    critical = stats.t.ppf(1 - ALPHA / 2, df) if df else stats.norm.ppf(1 - ALPHA / 2)
    statistic = abs(estimate / se)
    p = 2 * (stats.t.sf(statistic, df) if df else stats.norm.sf(statistic))
    return estimate - critical * se, estimate + critical * se, float(p)


def _check_design(panel: Panel, warnings: list[str], *, need_controls: bool) -> None:
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
    starts = frame.loc[frame["g"].notna()].groupby("unit")["g"].first()
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


def _relative_from_counterfactual(panel: Panel, result: Result, post_mask: np.ndarray) -> None:
    """The estimate as a share of what the treated units would have had without treatment
    (their observed mean after the start, minus the effect); the interval scaled the same
    way, which ignores the uncertainty of that baseline."""
    if result.estimate is None:
        return
    if panel.log_outcome:
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


def _observed_vs_comparison(panel: Panel) -> list[dict[str, Any]]:
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


# -- two-way fixed effects and the event study -------------------------------------------------


def twfe(panel: Panel) -> Result:
    warnings = list(panel.notes)
    _check_design(panel, warnings, need_controls=False)
    frame = panel.frame
    treated_now = (frame["g"].notna() & (frame["t"] >= frame["g"])).to_numpy()
    fit = _fe_regression(panel, treated_now.astype(float)[:, None])
    estimate, se = float(fit.coef[0]), _root(fit.cov[0, 0])
    low, high, p = _interval(estimate, se, fit.df)
    starts = frame.loc[frame["g"].notna()].groupby("unit")["g"].first()
    if starts.nunique() > 1:
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
    _relative_from_counterfactual(panel, result, treated_now)
    # the event study of the same panel, for the plot and the pre-trend test
    try:
        study = event_study(panel)
    except PanelError:
        study = None
    if study is not None:
        result.event_study = study.event_study
        result.details["pretrend_p"] = study.details.get("pretrend_p")
        result.warnings += [w for w in study.warnings if "pre-trend" in w]
    result.observed = _observed_vs_comparison(panel)
    return result


def event_study(panel: Panel, *, leads: int = PRETREND_LEADS, lags: int = 12) -> Result:
    """Leads and lags of the start, binned at the ends, period -1 the reference."""
    warnings = list(panel.notes)
    _check_design(panel, warnings, need_controls=False)
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
    rows = [{"event_time": -1, "estimate": 0.0, "ci_low": 0.0, "ci_high": 0.0, "reference": True}]
    for i, e in enumerate(event_times):
        se = _root(fit.cov[i, i])
        low, high, _ = _interval(float(fit.coef[i]), se, fit.df)
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
    post = [i for i, e in enumerate(event_times) if e >= 0]
    weights = np.zeros(len(event_times))
    weights[post] = 1 / len(post) if post else 0
    estimate = float(weights @ fit.coef) if post else math.nan
    se = _root(weights @ fit.cov @ weights) if post else math.nan
    low, high, p = _interval(estimate, se, fit.df)
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
        event_study=rows,
        details=details,
    )
    post_rows = treated_rows & (relative >= 0)
    _relative_from_counterfactual(panel, result, post_rows)
    result.observed = _observed_vs_comparison(panel)
    return result


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
        warnings.append(
            f"Failed pre-trend test (p = {p:.3f}): before the start, the treated and "
            "comparison units already moved differently, so the estimate may be biased."
        )
    return {"pretrend_f": statistic, "pretrend_p": p, "pretrend_df": [q, df]}


# -- Callaway and Sant'Anna ------------------------------------------------------------------


def _balanced(panel: Panel, warnings: list[str]) -> pd.DataFrame:
    """Wide outcome (units x periods) of the units observed in every period."""
    wide = panel.frame.pivot(index="unit", columns="t", values="y").sort_index()
    wide = wide.reindex(columns=range(len(panel.periods)))
    complete = wide.notna().all(axis=1)
    if not complete.all():
        dropped = wide.index[~complete].tolist()
        warnings.append(
            f"{len(dropped)} unit(s) missing some periods were left out ({_few(dropped)}): "
            "this method needs every unit in every period."
        )
        wide = wide[complete]
    if wide.empty:
        raise PanelError("No unit has a row for every period.")
    return wide


def staggered(panel: Panel) -> Result:
    """Callaway-Sant'Anna ATT(g,t) with never-treated controls: for t >= g against period
    g-1, for t < g against t-1 (csdid's `varying` base); aggregated with group-size weights
    and their estimation error (the `simple` and `dynamic` aggregations of csdid/did)."""
    warnings = list(panel.notes)
    _check_design(panel, warnings, need_controls=True)
    if panel.weighted:
        warnings.append("Weights are not used by the staggered estimator.")
    wide = _balanced(panel, warnings)
    groups = panel.frame.groupby("unit")["g"].first().reindex(wide.index).to_numpy()
    outcome = wide.to_numpy(dtype=float)
    n = len(wide)
    control = np.isnan(groups)
    if not control.any():
        raise PanelError("No never-treated unit has a row for every period.")
    cohorts = sorted({int(g) for g in groups[~control]})
    cells: list[tuple[int, int]] = []
    atts: list[float] = []
    influence: list[np.ndarray] = []
    for g in cohorts:
        members = groups == g
        for t in range(1, outcome.shape[1]):
            base = g - 1 if t >= g else t - 1
            change = outcome[:, t] - outcome[:, base]
            mean_treated = change[members].mean()
            mean_control = change[control].mean()
            cells.append((g, t))
            atts.append(float(mean_treated - mean_control))
            psi = np.zeros(n)
            psi[members] = (change[members] - mean_treated) * n / members.sum()
            psi[control] = -(change[control] - mean_control) * n / control.sum()
            influence.append(psi)
    att = np.array(atts)
    inf = np.column_stack(influence)
    group_share = {g: float((groups == g).mean()) for g in cohorts}
    share = np.array([group_share[g] for g, _ in cells])
    members_of = {g: (groups == g).astype(float) for g in cohorts}

    def aggregate(keep: list[int]) -> tuple[float, float, np.ndarray]:
        """The group-size weighted mean of the cells, its SE and its influence function
        (the cells' own plus that of the estimated weights, as csdid's `aggte`)."""
        weights = share[keep] / share[keep].sum()
        total = share[keep].sum()
        share_if = np.column_stack([members_of[cells[k][0]] - share[k] for k in keep])
        weight_if = share_if / total - np.outer(share_if.sum(axis=1), share[keep] / total**2)
        psi = inf[:, keep] @ weights + weight_if @ att[keep]
        return float(weights @ att[keep]), float(np.sqrt((psi**2).sum()) / n), psi

    post = [k for k, (g, t) in enumerate(cells) if t >= g]
    if not post:
        raise PanelError("No treated unit is observed after its start.")
    estimate, se, _ = aggregate(post)
    low, high, p = _interval(estimate, se, None)
    # with the varying base every period before the start, -1 included, is a real estimate
    # (the change from the period before it): none is a reference fixed at zero
    rows: list[dict[str, Any]] = []
    pre_estimates, pre_psi = [], []
    by_event: dict[int, list[int]] = {}
    for k, (g, t) in enumerate(cells):
        by_event.setdefault(t - g, []).append(k)
    for e in sorted(by_event):
        value, error, psi_e = aggregate(by_event[e])
        e_low, e_high, _ = _interval(value, error, None)
        rows.append(
            {
                "event_time": e,
                "estimate": value,
                "std_error": error,
                "ci_low": e_low,
                "ci_high": e_high,
            }
        )
        if -PRETREND_LEADS <= e <= -1:
            # the nearest leads only: many more than units make the test meaningless
            pre_estimates.append(value)
            pre_psi.append(psi_e)
    rows.sort(key=lambda row: row["event_time"])
    details: dict[str, Any] = {
        "control_group": "never treated",
        "base_period": "varying (period before, for periods before the start)",
        "cohorts": [panel.periods[g] for g in cohorts],
        "group_time": [
            {"group": panel.periods[g], "period": panel.periods[t], "att": a}
            for (g, t), a in zip(cells, atts, strict=True)
        ],
    }
    if pre_estimates:
        psi = np.column_stack(pre_psi)
        details.update(
            _wald_chi2(np.array(pre_estimates), psi.T @ psi / n**2, n_units=n, warnings=warnings)
        )
    result = Result(
        method="staggered",
        estimate=estimate,
        std_error=se,
        ci_low=low,
        ci_high=high,
        p_value=p,
        n_obs=int(outcome.size),
        n_units=n,
        n_treated=int((~control).sum()),
        warnings=warnings,
        event_study=rows,
        details=details,
    )
    frame = panel.frame[panel.frame["unit"].isin(wide.index)]
    post_mask = (
        panel.frame.index.isin(frame.index)
        & (panel.frame["g"].notna() & (panel.frame["t"] >= panel.frame["g"])).to_numpy()
    )
    _relative_from_counterfactual(panel, result, post_mask)
    result.observed = _observed_vs_comparison(panel)
    return result


def _wald_chi2(
    estimates: np.ndarray, cov: np.ndarray, *, n_units: int, warnings: list[str]
) -> dict[str, Any]:
    q = len(estimates)
    if np.linalg.matrix_rank(cov) < q or q >= n_units:
        warnings.append(
            f"The pre-trend test could not be run: {q} periods before the start need more "
            f"than {n_units} units."
        )
        return {"pretrend_p": None}
    statistic = float(estimates @ np.linalg.solve(cov, estimates))
    p = float(stats.chi2.sf(statistic, q))
    if p < ALPHA:
        warnings.append(
            f"Failed pre-trend test (p = {p:.3f}): before the start, the treated and "
            "comparison units already moved differently, so the estimate may be biased."
        )
    return {"pretrend_chi2": statistic, "pretrend_p": p, "pretrend_df": q}


# -- interrupted time series -----------------------------------------------------------------


def its(panel: Panel) -> Result:
    """Segmented regression of one series: the treated units' counts summed per period (or
    the single unit's), with a level change and a slope change at the first start."""
    warnings = list(panel.notes)
    frame = panel.frame
    treated = panel.treated_units
    if not treated:
        raise PanelError("No unit is ever treated: an interrupted time series needs a start.")
    if panel.weighted:
        warnings.append("Weights are not used by the interrupted time series.")
    if panel.log_outcome:
        warnings.append("The series is modelled as counts; the log option is not used.")
    rows = frame[frame["unit"].isin(treated)]
    series = rows.groupby("t")["y_raw"].sum().reindex(range(len(panel.periods)))
    if series.isna().any():
        raise PanelError("The series has periods with no rows; each period needs a count.")
    if (series < 0).any() or not np.allclose(series, np.round(series)):
        raise PanelError("An interrupted time series models counts: whole numbers, 0 or more.")
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
    t = np.arange(len(series), dtype=float)
    post = (t >= start).astype(float)
    columns = {"const": np.ones_like(t), "time": t, "level": post, "slope": post * (t - start)}
    seasonal = _seasonal_terms(panel)
    if seasonal is not None:
        columns.update(seasonal)
    design = pd.DataFrame(columns)
    y = series.to_numpy(dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        return _its_fit(panel, design, y, start, treated, seasonal is not None, warnings)


def _its_fit(
    panel: Panel,
    design: pd.DataFrame,
    y: np.ndarray,
    start: int,
    treated: list[str],
    seasonal: bool,
    warnings: list[str],
) -> Result:
    import statsmodels.api as sm

    t = design["time"].to_numpy()
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
    beta, covariance = params[names].to_numpy(), cov.loc[names, names].to_numpy()
    bse = pd.Series(np.sqrt(np.clip(np.diag(covariance), 0, None)), index=names)
    level, level_se = float(params["level"]), float(bse["level"])
    level_low, level_high, level_p = _interval(level, level_se, None)
    slope, slope_se = float(params["slope"]), float(bse["slope"])
    slope_low, slope_high, slope_p = _interval(slope, slope_se, None)
    matrix = design.to_numpy(dtype=float)
    without = design.copy()
    without[["level", "slope"]] = 0.0
    bare = without.to_numpy(dtype=float)
    fitted = np.exp(matrix @ beta)
    counterfactual = np.exp(bare @ beta)
    post_rows = t >= start

    def log_ratio(coefficients: np.ndarray) -> np.ndarray:
        """log(sum of fitted / sum of counterfactual over the post period), per draw."""
        with_terms = np.exp(coefficients @ matrix[post_rows].T).sum(axis=-1)
        without_terms = np.exp(coefficients @ bare[post_rows].T).sum(axis=-1)
        return np.log(with_terms) - np.log(without_terms)

    headline = float(log_ratio(beta))
    # parametric simulation from the coefficients' covariance, with a fixed seed so the same
    # series always gives the same interval
    draws = np.random.default_rng(ITS_SEED).multivariate_normal(
        beta, covariance, size=ITS_DRAWS, method="svd"
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
    result = Result(
        method="its",
        estimate=math.exp(headline),
        std_error=se,  # of the log of the ratio
        ci_low=math.exp(low),
        ci_high=math.exp(high),
        p_value=p,
        n_obs=len(y),
        n_units=len(treated),
        n_treated=len(treated),
        scale="ratio",
        relative=math.expm1(headline),
        relative_low=math.expm1(low),
        relative_high=math.expm1(high),
        warnings=warnings,
        observed=[
            {
                "period": label,
                "observed": float(y[i]),
                "fitted": float(fitted[i]),
                "counterfactual": float(counterfactual[i]),
                "after_start": i >= start,
            }
            for i, label in enumerate(panel.periods)
        ],
        details={
            "model": model,
            "dispersion": dispersion,
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
        },
    )
    return result


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


# -- synthetic control -----------------------------------------------------------------------


def synth_weights(treated_pre: np.ndarray, donors_pre: np.ndarray) -> np.ndarray:
    """Donor weights, non-negative and summing to one, that best reproduce the treated
    unit's outcome before the start (least squares; the sum is enforced by a heavy row)."""
    scale = max(1.0, float(np.abs(donors_pre).max()), float(np.abs(treated_pre).max()))
    heavy = 1e4 * scale
    matrix = np.vstack([donors_pre, np.full((1, donors_pre.shape[1]), heavy)])
    target = np.concatenate([treated_pre, [heavy]])
    weights, _ = optimize.nnls(matrix, target, maxiter=50 * matrix.shape[1])
    return weights / weights.sum()


def _rmspe(gaps: np.ndarray) -> float:
    return float(np.sqrt(np.mean(gaps**2))) if len(gaps) else math.nan


def synth(panel: Panel) -> Result:
    warnings = list(panel.notes)
    treated = panel.treated_units
    if len(treated) != 1:
        raise PanelError(
            f"Synthetic control needs exactly one treated unit; this panel has {len(treated)}. "
            "Use twfe or staggered for several."
        )
    if panel.weighted:
        warnings.append("Weights are not used by the synthetic control.")
    wide = _balanced(panel, warnings)
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
    y1 = wide.loc[treated[0]].to_numpy(dtype=float)
    y0 = wide.loc[donors].to_numpy(dtype=float).T  # periods x donors

    def fit(target: np.ndarray, pool: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
        weights = synth_weights(target[:start], pool[:start])
        gaps = target - pool @ weights
        pre, post = _rmspe(gaps[:start]), _rmspe(gaps[start:])
        return weights, gaps, post / pre if pre > 0 else math.inf

    weights, gaps, ratio = fit(y1, y0)
    synthetic = y1 - gaps
    estimate = float(gaps[start:].mean())
    placebo_ratios = []
    for j in range(len(donors)):
        others = np.delete(y0, j, axis=1)
        placebo_ratios.append(fit(y0[:, j], others)[2])
    rank = 1 + sum(r >= ratio for r in placebo_ratios)
    p_value = rank / (len(donors) + 1)
    warnings.append(
        "Synthetic control gives no standard error or confidence interval. The placebo test "
        f"ranks this area {rank} of {len(donors) + 1} (p = {p_value:.2f}) when each comparison "
        "area is treated as if it had started."
    )
    if len(donors) + 1 < FEW_CLUSTERS:
        warnings.append(
            f"With {len(donors)} donor areas, the placebo test cannot give p below "
            f"{1 / (len(donors) + 1):.2f}."
        )
    pre_mean = float(np.abs(y1[:start]).mean()) or 1.0
    pre_rmspe = _rmspe(gaps[:start])
    if pre_rmspe > 0.25 * pre_mean:
        warnings.append(
            "The synthetic area does not match the treated area well before the start "
            f"(error {pre_rmspe:.2f} against a mean of {pre_mean:.2f}): read the result with "
            "caution."
        )
    baseline = float(synthetic[start:].mean())
    result = Result(
        method="synth",
        estimate=estimate,
        std_error=None,
        ci_low=None,
        ci_high=None,
        p_value=p_value,
        n_obs=int(wide.size),
        n_units=len(wide),
        n_treated=1,
        warnings=warnings,
        observed=[
            {
                "period": label,
                "observed": float(y1[i]),
                "counterfactual": float(synthetic[i]),
                "after_start": i >= start,
            }
            for i, label in enumerate(panel.periods)
        ],
        details={
            "weights": {d: float(w) for d, w in zip(donors, weights, strict=True) if w > 1e-6},
            "pre_rmspe": pre_rmspe,
            "post_rmspe": _rmspe(gaps[start:]),
            "placebo_rank": rank,
            "placebo_ratios": dict(zip(donors, placebo_ratios, strict=True)),
            "counterfactual_mean": baseline,
        },
    )
    if panel.log_outcome:
        result.scale = "log"
        result.relative = math.expm1(estimate)
    elif baseline > 0:
        result.relative = estimate / baseline
    return result


ESTIMATORS = {
    "twfe": twfe,
    "event-study": event_study,
    "staggered": staggered,
    "its": its,
    "synth": synth,
}


def estimate(panel: Panel, method: str) -> Result:
    if method not in ESTIMATORS:
        raise PanelError(f"Unknown method {method!r}: choose one of {', '.join(METHODS)}.")
    try:
        return ESTIMATORS[method](panel)
    except OverflowError as error:
        raise PanelError(TOO_LARGE) from error
    except np.linalg.LinAlgError as error:
        raise PanelError(
            "The model cannot be estimated on this panel: its equations have no single "
            "solution (some columns repeat others). Check the panel's design."
        ) from error


def default_method(panel: Panel) -> str:
    """Synthetic control for one treated unit, the staggered estimator when start dates
    differ, two-way fixed effects otherwise."""
    treated = panel.treated_units
    if len(treated) == 1:
        return "synth"
    starts = panel.frame.loc[panel.frame["g"].notna()].groupby("unit")["g"].first()
    return "staggered" if starts.nunique() > 1 else "twfe"
