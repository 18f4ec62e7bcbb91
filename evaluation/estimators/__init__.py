"""Impact estimators over a panel: one row per unit (area) and period.

Pure functions: a pandas frame in, a `Result` out, no database and no unseeded randomness,
so the same panel always gives the same numbers. `prepare_panel` reads any panel (a CSV's
columns, or the portal's monthly counts) into a `Panel`; `estimate(panel, method)` runs one
method. One module per method:

- `did.twfe`: difference-in-differences with unit and period fixed effects, standard errors
  clustered by unit (CRV1, t with G-1 degrees of freedom, as fixest reports them).
- `did.event_study`: the same regression with leads and lags of the start (reference period
  -1) and a joint Wald test that the leads are zero (the pre-trend test).
- `staggered.staggered`: Callaway and Sant'Anna (2021) with never-treated units as controls,
  no covariates; group-time effects aggregated to one ATT with analytic influence-function
  SEs.
- `its.its`: interrupted time series of the treated units' summed counts, segmented Poisson
  regression (quasi-Poisson when the counts are overdispersed, negative binomial when much
  more); the estimate is the ratio of the counts after the start to the counterfactual
  (the trend before it carried on), summed over the post period, its interval simulated
  from the coefficients (seeded); the level and slope changes are in the details.
- `synth.synth`: synthetic control for one treated unit; inference by in-space placebos (a
  rank, not a standard error).

`common` holds the panel, the result, the thresholds and the pieces the methods share;
`panel` reads a panel. This module is the front door: the names below are the package's
public ones.
"""

from collections.abc import Callable

import numpy as np

from evaluation.estimators.common import (
    ALPHA,
    FEW_CLUSTERS,
    FEW_TREATED,
    METHODS,
    MIN_PERIODS,
    PRETREND_LEADS,
    TOO_LARGE,
    Panel,
    PanelError,
    Result,
    first_starts,
)
from evaluation.estimators.did import event_study, twfe
from evaluation.estimators.its import ITS_DRAWS, ITS_SEED, MIN_ITS_PERIODS, its
from evaluation.estimators.panel import prepare_panel
from evaluation.estimators.staggered import staggered
from evaluation.estimators.synth import synth, synth_weights

__all__ = [
    "ALPHA",
    "ESTIMATORS",
    "FEW_CLUSTERS",
    "FEW_TREATED",
    "ITS_DRAWS",
    "ITS_SEED",
    "METHODS",
    "MIN_ITS_PERIODS",
    "MIN_PERIODS",
    "PRETREND_LEADS",
    "Panel",
    "PanelError",
    "Result",
    "default_method",
    "estimate",
    "event_study",
    "its",
    "prepare_panel",
    "staggered",
    "synth",
    "synth_weights",
    "twfe",
]

ESTIMATORS: dict[str, Callable[[Panel], Result]] = {
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
    return "staggered" if first_starts(panel).nunique() > 1 else "twfe"
