"""Reading any panel (a CSV's columns, or the portal's monthly counts) into a `Panel`: one row
per unit and period, checked line by line so that a bad file gets a sentence naming the
line and the column."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from evaluation.estimators.common import Panel, PanelError, few_names

LOG_WITH_ZEROS = (
    "The outcome is 0 in {zeros} row(s), so it cannot be logged (and log(1 + outcome) would "
    "not give a percent change): leave the log option off, and for counts use a count model "
    "(the interrupted time series), or model the counts as they are."
)


def prepare_panel(
    frame: pd.DataFrame,
    *,
    unit: str,
    time: str,
    outcome: str,
    treated_from: str,
    weights: str | None = None,
    log_outcome: bool = False,
    outcome_is_log: bool = False,
) -> Panel:
    """Check and standardise a panel; raise PanelError with a plain message when it cannot."""
    if log_outcome and outcome_is_log:
        raise PanelError(
            "Give either log_outcome (take the log of the outcome) or outcome_is_log (it is "
            "already a log), not both."
        )
    _check_columns(frame, [unit, time, outcome, treated_from] + ([weights] if weights else []))
    data = pd.DataFrame(
        {
            "unit": frame[unit].astype("string").str.strip(),
            "time": frame[time],
            "y_raw": pd.to_numeric(frame[outcome], errors="coerce"),
            "first": frame[treated_from],
            "w": pd.to_numeric(frame[weights], errors="coerce") if weights else 1.0,
        }
    )
    notes: list[str] = []
    data = _checked_values(data, frame, unit=unit, outcome=outcome, weights=weights, notes=notes)
    labels, dates = _place_periods(data, time)
    data["g"] = _read_first_treated(data, labels, dates, treated_from, notes)
    data = _without_always_treated(data, notes)
    data["y"] = _modelled_outcome(data, log_outcome)
    if not (log_outcome or outcome_is_log) and _looks_logged(data["y_raw"], outcome):
        notes.append(
            f"The outcome {outcome!r} looks like a logarithm (small values that are not whole "
            "numbers): if it is, give --outcome-is-log so that the change is read as "
            "exp(estimate) - 1, not as the estimate over the mean of the logs."
        )
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
        outcome_is_log=outcome_is_log,
        notes=notes,
    )


def _check_columns(frame: pd.DataFrame, wanted: list[str]) -> None:
    missing = [name for name in wanted if name not in frame.columns]
    if missing:
        columns = ", ".join(str(c) for c in frame.columns) or "none"
        raise PanelError(
            f"Column {', '.join(repr(m) for m in missing)} is not in the file. "
            f"Its columns are: {columns}."
        )
    if frame.empty:
        raise PanelError("The panel has no rows.")


def _checked_values(
    data: pd.DataFrame,
    frame: pd.DataFrame,
    *,
    unit: str,
    outcome: str,
    weights: str | None,
    notes: list[str],
) -> pd.DataFrame:
    """Refuse a row without a unit, an outcome that is not a finite number, a weight that is
    not above 0; leave out (with a note) the rows whose outcome is empty."""
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
    return data


def _place_periods(data: pd.DataFrame, time: str) -> tuple[list[str], list[pd.Timestamp] | None]:
    """Number the periods (column t, from 0); one row per unit and period."""
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
    return labels, dates


def _without_always_treated(data: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    always = sorted(data.loc[data["g"] <= 0, "unit"].unique().tolist())
    if always:
        notes.append(
            f"{len(always)} unit(s) treated from the first period on ({few_names(always)}) were "
            "left out: they have no period before treatment to compare with."
        )
        data = data[~data["unit"].isin(always)]
    return data


def _modelled_outcome(data: pd.DataFrame, log_outcome: bool) -> pd.Series:
    if not log_outcome:
        return data["y_raw"].astype(float)
    if (data["y_raw"] < 0).any():
        raise PanelError("The outcome has negative values: it cannot be logged.")
    zeros = int((data["y_raw"] == 0).sum())
    if zeros:
        raise PanelError(LOG_WITH_ZEROS.format(zeros=zeros))
    return np.log(data["y_raw"])


def _looks_logged(values: pd.Series, name: str) -> bool:
    """Named as a log ("log_rate", "lnsales", "lemp"), or most values fractional and all
    within the range of the logs of counts and rates (-10 to 16, a count of nine million):
    worth a warning, which says "if it is" (a small rate per 100,000 looks the same)."""
    numbers = values.astype(float)
    if numbers.empty or (numbers % 1 == 0).all():
        return False
    if re.search(r"log|^ln|^l[a-z]{2,}$", name.lower()) and bool(numbers.abs().lt(30).all()):
        return True
    fractional = float((numbers % 1 != 0).mean())
    return fractional > 0.5 and bool(numbers.between(-10, 16).all())


def _first_bad_line(mask: pd.Series) -> int | None:
    """The file line of the first True (line 1 is the header)."""
    positions = np.flatnonzero(mask.to_numpy(dtype=bool))
    return int(positions[0]) + 2 if len(positions) else None


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
    # 0 is how R's did, csdid and Stata mark a unit never treated: read it so, as empty
    zero = (pd.to_numeric(raw, errors="coerce") == 0).fillna(False).astype(bool)
    if zero.any():
        notes.append(
            f"{data.loc[zero.to_numpy(), 'unit'].nunique()} unit(s) with 0 in column {name!r} "
            "count as never treated (as R's did, csdid and Stata mark them)."
        )
        raw = raw.mask(zero)
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
            f"{len(late)} unit(s) first treated after the last period ({few_names(late)}) count "
            "as not treated."
        )
        result[result >= len(labels)] = np.nan
    return result
