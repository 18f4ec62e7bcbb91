"""Panels with a known effect, for checking the estimators."""

import numpy as np
import pandas as pd


def staggered_panel(
    *,
    units: int = 40,
    periods: int = 36,
    effect: float = -1.5,
    seed: int = 1,
    cohorts: tuple[float, ...] = (np.nan, 13, 19, 25),
    never: int = 10,
    pretrend: float = 0.0,
) -> pd.DataFrame:
    """Units with their own level, a common trend, and an effect from their start on.
    `pretrend` adds a slope before the start to treated units only (breaks parallel trends)."""
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(units):
        first = cohorts[u % len(cohorts)] if u < units - never else np.nan
        level = rng.normal(5, 1)
        for t in range(1, periods + 1):
            treated = not np.isnan(first) and t >= first
            drift = pretrend * (t - first) if not np.isnan(first) and t < first else 0.0
            y = level + 0.1 * t + effect * treated + drift + rng.normal(0, 1)
            rows.append((f"u{u:02d}", t, y, first, int(treated)))
    return pd.DataFrame(rows, columns=["unit", "period", "y", "first", "treat"])


def its_series(
    *,
    rate_ratio: float = 0.7,
    months: int = 96,
    start: int = 48,
    seed: int = 3,
    monthly_change: float = 0.0,
) -> pd.DataFrame:
    """A city's monthly counts: the level times `rate_ratio` from the start on, then growing
    by `monthly_change` (0.02 = +2%) each month after it."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2017-01-01", periods=months, freq="MS")
    season = 0.3 * np.sin(dates.day_of_year.to_numpy() / 365.25 * 2 * np.pi)
    mean = np.exp(3.5 + 0.002 * np.arange(months) + season)
    after = np.clip(np.arange(months) - start, 0, None)
    mean = mean * np.where(np.arange(months) >= start, rate_ratio, 1.0)
    mean = mean * (1 + monthly_change) ** after
    return pd.DataFrame(
        {
            "unit": "city",
            "month": dates.strftime("%Y-%m-%d"),
            "shot": rng.poisson(mean),
            "start": dates[start].strftime("%Y-%m-%d"),
        }
    )


def synth_panel(
    *, effect: float = -3.0, donors: int = 12, periods: int = 40, start: int = 25, seed: int = 5
) -> pd.DataFrame:
    """Donors driven by two common factors; the treated unit is a mix of them."""
    rng = np.random.default_rng(seed)
    factors = rng.normal(0, 1, (periods, 2)).cumsum(axis=0)
    loadings = rng.uniform(0, 1, (donors + 1, 2))
    outcome = 10 + factors @ loadings.T + rng.normal(0, 0.3, (periods, donors + 1))
    outcome[start:, 0] += effect
    return pd.DataFrame(
        [
            (f"a{j:02d}", t, outcome[t, j], start if j == 0 else np.nan)
            for j in range(donors + 1)
            for t in range(periods)
        ],
        columns=["unit", "t", "y", "first"],
    )
