"""Running impact evaluations of programs and strategies, and keeping them.

`evaluation_plan` turns what staff chose (a program or strategy, an area kind, a window,
a method) into explicit inputs: the treated areas and their start dates from the
inventory's service areas, and comparison areas matched on their burden before the start.
`evaluation_run` estimates and stores the run with its panel (area x period outcome);
`evaluation_estimate` runs stored inputs again from that panel, so a run gives the same
numbers even after the aggregates are rebuilt.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from evaluation import selectors
from evaluation.models import EvaluationMethod, EvaluationRun
from inventory.models import Program, Strategy
from ovp.areas.models import Area, AreaKind
from ovp.incidents.selectors import aggregates_version

if TYPE_CHECKING:
    import pandas as pd

    from evaluation.estimators import (
        Panel,
        Result,
    )

AUTO = "auto"
DEFAULT_COMPARISONS = 3
CITY = "city"


@dataclass
class Choice:
    """What staff asked for, before the portal fills in areas and comparisons."""

    program: Program | None
    strategy: str
    area_kind: str
    period: str
    begin: date
    end: date
    method: str = AUTO
    outcome: str = "victims"
    comparisons_per_area: int = DEFAULT_COMPARISONS
    comparison_area_ids: list[int] | None = None
    log_outcome: bool = False
    citywide_start: date | None = None


def _label(choice: Choice) -> str:
    if choice.program is not None:
        return choice.program.name
    return f"All {dict(Strategy.choices).get(choice.strategy, choice.strategy)} programs"


def evaluation_plan(*, choice: Choice) -> dict[str, Any]:
    """The inputs of a run, every choice made explicit (JSON-ready). Raises ValidationError
    when the choice cannot be evaluated, saying why."""
    if choice.program is None and not choice.strategy:
        raise ValidationError("Choose a program or a strategy.")
    if choice.method not in (AUTO, *EvaluationMethod.values):
        raise ValidationError(f"Unknown method {choice.method!r}.")
    if choice.begin >= choice.end:
        raise ValidationError("The window must end after it begins.")
    begin, end = _whole_periods(choice)
    served = selectors.service_starts(
        program_id=choice.program.pk if choice.program else None,
        strategy=choice.strategy,
        area_kind=choice.area_kind,
    )
    areas = Area.objects.in_bulk(list(served))
    treated: list[dict[str, Any]] = []
    left_out: list[str] = []
    for area_id, started in sorted(served.items(), key=lambda item: areas[item[0]].code):
        area = areas[area_id]
        first_period = selectors.period_start(started, choice.period)
        if first_period < started:
            first_period = selectors.next_period(first_period, choice.period)
        if first_period <= begin:
            left_out.append(f"{area.name} (served since {started:%d %b %Y}, before the window)")
        elif first_period > end:
            left_out.append(f"{area.name} (served from {started:%d %b %Y}, after the window)")
        else:
            treated.append(
                {
                    "id": area.pk,
                    "code": area.code,
                    "name": area.name,
                    "started_on": started.isoformat(),
                    "first_period": first_period.isoformat(),
                }
            )
    inputs: dict[str, Any] = {
        "label": _label(choice),
        "program": str(choice.program.uuid) if choice.program else None,
        "program_name": choice.program.name if choice.program else None,
        "strategy": choice.program.strategy if choice.program else choice.strategy,
        "by": "program" if choice.program else "strategy",
        "area_kind": choice.area_kind,
        "area_kind_label": dict(AreaKind.choices).get(choice.area_kind, choice.area_kind),
        "period": choice.period,
        "window": [begin.isoformat(), end.isoformat()],
        "outcome": choice.outcome,
        "outcome_label": selectors.OUTCOMES[choice.outcome],
        "log_outcome": choice.log_outcome,
        "treated": treated,
        "left_out": left_out,
        "comparisons": [],
        "matching": "",
        "citywide_start": None,
        "aggregates_version": aggregates_version(),
    }
    citywide = not treated or (choice.method == "its" and choice.citywide_start is not None)
    if citywide:
        start = choice.citywide_start
        if start is None:
            raise ValidationError(
                "No area of this kind was first served inside the window. For a citywide "
                "effort, give its start date (the series is then the whole city's)."
            )
        if not begin < start <= end:
            raise ValidationError("The citywide start date must fall inside the window.")
        inputs.update(citywide_start=start.isoformat(), method="its", treated=[])
        inputs["matching"] = "A citywide effort: the city's own series, no comparison areas."
        return inputs
    method = choice.method
    if method == AUTO:
        if len(treated) == 1:
            method = "synth"
        else:
            method = "staggered" if len({t["first_period"] for t in treated}) > 1 else "twfe"
    inputs["comparisons"], inputs["matching"] = _comparisons(
        choice, treated, served, begin, every_candidate=method == "synth"
    )
    if not inputs["comparisons"] and choice.method not in ("its",):
        raise ValidationError(
            "No comparison area is left: every area of this kind was served at some point. "
            "Choose the interrupted time series instead."
        )
    inputs["method"] = method
    return inputs


def _whole_periods(choice: Choice) -> tuple[date, date]:
    """The first and last period starts of the window: whole periods only (a week from its
    Monday, a month from its 1st, the first on or after `begin`; the last the one holding
    `end`), inside the complete periods of the incident data. Raises ValidationError."""
    first = selectors.period_start(choice.begin, choice.period)
    if first < choice.begin:
        first = selectors.next_period(first, choice.period)
    last = selectors.period_start(choice.end, choice.period)
    if first > last:
        raise ValidationError("The window holds no whole period: make it longer.")
    data = selectors.complete_window(choice.period)
    if data is None:
        raise ValidationError("There is no incident data to evaluate with yet.")
    if first < data[0] or last > data[1]:
        word = "weeks" if choice.period == selectors.WEEK else "months"
        fmt = "%d %b %Y" if choice.period == selectors.WEEK else "%b %Y"
        raise ValidationError(
            f"The window must lie inside the incident data: its complete {word} run from "
            f"{data[0]:{fmt}} to {data[1]:{fmt}}."
        )
    return first, last


def _comparisons(
    choice: Choice,
    treated: list[dict[str, Any]],
    served: dict[int, date],
    begin: date,
    *,
    every_candidate: bool = False,
) -> tuple[list[dict[str, Any]], str]:
    """Areas never served by the program (or strategy), nearest to each treated area in
    their mean count per period before the first start; every one of them for a synthetic
    control (its weights do the matching, and its placebo test needs the whole pool); or
    the ones staff named."""
    candidates = {
        area.pk: area
        for area in Area.objects.of_kind(choice.area_kind).exclude(pk__in=list(served))
    }
    first_start = min(date.fromisoformat(t["first_period"]) for t in treated)
    pre_end = selectors.period_starts(begin, first_start, choice.period)[-2]
    period_word = "week" if choice.period == selectors.WEEK else "month"
    pre_window = f"{begin:%b %Y} to {pre_end:%b %Y}"
    if choice.comparison_area_ids:
        chosen = [candidates[i] for i in choice.comparison_area_ids if i in candidates]
        refused = len(choice.comparison_area_ids) - len(chosen)
        if refused:
            raise ValidationError(
                f"{refused} of the chosen comparison areas were served by this program or "
                "strategy, or are of another kind."
            )
        rows = [{"id": a.pk, "code": a.code, "name": a.name} for a in chosen]
        return sorted(rows, key=lambda row: row["code"]), "Chosen by staff."
    counts = selectors.outcome_counts(
        area_ids=[t["id"] for t in treated] + list(candidates),
        begin=begin,
        end=pre_end,
        period=choice.period,
        outcome=choice.outcome,
    )
    pre_means = counts.groupby("area_id")["count"].mean()
    picked: dict[int, float] = {}
    k = max(1, choice.comparisons_per_area)
    if every_candidate:
        picked = {pk: float(pre_means.get(pk, 0.0)) for pk in candidates}
    for row in [] if every_candidate else treated:
        target = float(pre_means.get(row["id"], 0.0))
        nearest = sorted(
            candidates.values(),
            key=lambda area: (abs(float(pre_means.get(area.pk, 0.0)) - target), area.code),
        )[:k]
        for area in nearest:
            picked[area.pk] = float(pre_means.get(area.pk, 0.0))
    rows = [
        {
            "id": area_id,
            "code": candidates[area_id].code,
            "name": candidates[area_id].name,
            "pre_mean": round(mean, 3),
        }
        for area_id, mean in picked.items()
    ]
    if every_candidate:
        return sorted(rows, key=lambda row: row["code"]), (
            f"Every area of the same kind never served by this "
            f"{'program' if choice.program else 'strategy'} is a donor: the synthetic "
            "control weighs them to match the served area before the start "
            f"({pre_window}), and each is a placebo."
        )
    matching = (
        f"For each treated area, the {k} area(s) of the same kind never served by this "
        f"{'program' if choice.program else 'strategy'} whose average "
        f"{selectors.OUTCOMES[choice.outcome]} "
        f"per {period_word} before the first start ({pre_window}) was closest to its own."
    )
    return sorted(rows, key=lambda row: row["code"]), matching


def inputs_panel(inputs: dict[str, Any]) -> Panel:
    """The panel the stored inputs describe: the one stored with the run when there is one
    (so a run gives the same numbers after the aggregates are rebuilt), else read from the
    aggregates."""
    import pandas as pd

    from evaluation.estimators import prepare_panel

    stored = inputs.get("panel")
    counts = pd.DataFrame(stored) if stored else inputs_counts(inputs)
    return prepare_panel(
        counts,
        unit="unit",
        time="period",
        outcome="count",
        treated_from="first",
        log_outcome=bool(inputs.get("log_outcome")),
    )


def stored_panel(inputs: dict[str, Any]) -> dict[str, list[Any]]:
    """The area x period outcome the inputs describe, as JSON-ready columns, to keep with
    the run."""
    import pandas as pd

    counts = inputs_counts(inputs)
    return {
        "unit": counts["unit"].astype(str).tolist(),
        "period": counts["period"].tolist(),
        "count": [int(value) for value in counts["count"]],
        "first": [None if pd.isna(value) else str(value) for value in counts["first"]],
    }


def inputs_counts(inputs: dict[str, Any]) -> pd.DataFrame:
    """Unit, period, count and first treated period, read from the aggregates."""
    import pandas as pd

    begin, end = (date.fromisoformat(day) for day in inputs["window"])
    if inputs.get("citywide_start"):
        counts = selectors.outcome_counts(
            area_ids=None, begin=begin, end=end, period=inputs["period"], outcome=inputs["outcome"]
        )
        counts["unit"] = CITY
        counts["first"] = inputs["citywide_start"]
    else:
        starts = {t["id"]: t["first_period"] for t in inputs["treated"]}
        codes = {t["id"]: t["code"] for t in inputs["treated"] + inputs["comparisons"]}
        counts = selectors.outcome_counts(
            area_ids=list(codes),
            begin=begin,
            end=end,
            period=inputs["period"],
            outcome=inputs["outcome"],
        )
        counts["unit"] = counts["area_id"].map(codes)
        counts["first"] = counts["area_id"].map(starts)
    counts["period"] = pd.to_datetime(counts["period_start"]).dt.strftime("%Y-%m-%d")
    return counts[["unit", "period", "count", "first"]]


def evaluation_estimate(inputs: dict[str, Any]) -> Result:
    """Run the estimator the inputs name; the same inputs and aggregates give the same
    numbers. Raises ValidationError with the estimator's reason when it cannot run."""
    from evaluation.estimators import PanelError, estimate

    try:
        panel = inputs_panel(inputs)
        return estimate(panel, inputs["method"])
    except PanelError as error:
        raise ValidationError(str(error)) from error


def evaluation_run(*, choice: Choice, user: Any) -> EvaluationRun:
    """Plan, estimate and store one evaluation run, with the panel it was estimated on."""
    inputs = evaluation_plan(choice=choice)
    inputs["panel"] = stored_panel(inputs)
    result = evaluation_estimate(inputs)
    results = result.as_dict()
    run = EvaluationRun(
        title=inputs["label"],
        program=choice.program,
        strategy=inputs["strategy"] or "",
        method=inputs["method"],
        inputs=inputs,
        results=results,
        estimate=results["estimate"],
        std_error=results["std_error"],
        ci_low=results["ci_low"],
        ci_high=results["ci_high"],
        relative=results["relative"],
        summary=plain_summary(inputs, results),
        verdict=verdict(results),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    run.full_clean()
    with transaction.atomic():
        run.save()
    return run


def panel_from_csv(
    content: bytes,
    *,
    unit: str,
    time: str,
    outcome: str,
    treated_from: str,
    weights: str | None = None,
    log_outcome: bool = False,
) -> Panel:
    """Read an analyst's panel CSV (the command and the upload page). Raises PanelError
    with a plain message for a file that is not a readable CSV or lacks the columns."""
    import pandas as pd

    from evaluation.estimators import PanelError, prepare_panel

    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PanelError("The file is not text in UTF-8: save it as a CSV (UTF-8).") from error
    if not text.strip():
        raise PanelError("The file is empty.")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        raise PanelError(f"The file cannot be read as a CSV: {error}".strip()) from error
    frame.columns = [str(column).strip() for column in frame.columns]
    return prepare_panel(
        frame,
        unit=unit,
        time=time,
        outcome=outcome,
        treated_from=treated_from,
        weights=weights or None,
        log_outcome=log_outcome,
    )


def panel_estimate(panel: Panel, method: str | None) -> Result:
    """The named method, or the default for the panel's design."""
    from evaluation.estimators import default_method, estimate

    return estimate(panel, method or default_method(panel))


# -- the plain-language summary ---------------------------------------------------------------


def _percent(value: float) -> str:
    return f"{abs(value) * 100:.0f}%"


def _month(day: str, period: str) -> str:
    parsed = date.fromisoformat(day)
    return f"the week of {parsed:%d %B %Y}" if period == selectors.WEEK else f"{parsed:%B %Y}"


class Verdict:
    FEWER = "fewer"  # the whole 95% interval of the change below no change
    MORE = "more"  # all above
    NO_EFFECT = "no_effect"  # it holds no change, and nothing undermines the design
    INCONCLUSIVE = "inconclusive"  # no interval, or a design limit (pre-trends, few areas)


def verdict(results: dict[str, Any]) -> str:
    """The result in one word, for the program's page and the gaps page: "no effect" only
    when the interval holds no change and the design stands (a failed or missing pre-trend
    test, or too few areas served, makes it inconclusive whatever the interval)."""
    low, high = results.get("relative_low"), results.get("relative_high")
    if low is None or high is None or _design_limits(results):
        return Verdict.INCONCLUSIVE
    if high < 0:
        return Verdict.FEWER
    if low > 0:
        return Verdict.MORE
    return Verdict.NO_EFFECT


def plain_summary(inputs: dict[str, Any], results: dict[str, Any]) -> str:
    """A few sentences a council member can read, that say how sure the result is and
    what it does not show."""
    outcome = inputs["outcome_label"]
    subject = outcome[0].upper() + outcome[1:]
    relative = results.get("relative")
    low, high = results.get("relative_low"), results.get("relative_high")
    method = results["method"]
    if method == "its" or inputs.get("citywide_start"):
        where = (
            "in the city"
            if inputs.get("citywide_start")
            else (f"in the {len(inputs['treated'])} area(s) served")
        )
        start = inputs.get("citywide_start") or min(t["first_period"] for t in inputs["treated"])
        compared = f"compared with the trend before {_month(start, inputs['period'])}"
    else:
        count = len(inputs["treated"])
        where = f"in the {count} area{'s' if count != 1 else ''} served"
        starts = sorted({t["first_period"] for t in inputs["treated"]})
        when = _month(starts[0], inputs["period"])
        when = f"from {when}" if len(starts) == 1 else f"as the program started ({when} onwards)"
        compared = (
            f"relative to {len(inputs['comparisons'])} similar areas not served {when}"
            if method != "synth"
            else f"relative to a synthetic comparison area {when}"
        )
    if relative is None:
        text = (
            f"The change in {outcome} {where} could not be expressed as a percentage "
            f"(estimate {results.get('estimate')})."
        )
    else:
        direction = "fell" if relative < 0 else "rose"
        text = f"{subject} {where} {direction} by about {_percent(relative)} {compared}"
        if low is not None and high is not None:
            if high < 0:
                interval = f"95% confidence interval: {_percent(high)} to {_percent(low)} fewer"
            elif low > 0:
                interval = f"95% confidence interval: {_percent(low)} to {_percent(high)} more"
            else:
                interval = (
                    f"95% confidence interval: from {_percent(low)} fewer to {_percent(high)} "
                    "more, so the data cannot tell this change from chance"
                )
            text += f" ({interval})."
        else:
            text += f". {results['warnings'][0] if method == 'synth' else ''}".rstrip() + ""
            if not text.endswith("."):
                text += "."
    significant = low is not None and high is not None and (high < 0 or low > 0)
    limits = _design_limits(results)
    if limits:
        text += " " + " ".join(limits)
        text += (
            " So this result cannot be read as evidence that the program had an effect, "
            "nor that it had none."
        )
    elif significant:
        text += (
            " This is consistent with an effect of the program but does not prove it: other "
            "changes in those areas at the same time could explain part of the difference."
        )
    else:
        text += " This result does not show that the program had an effect, nor that it had none."
    cautions = [w for w in results.get("warnings", []) if not w.startswith("Synthetic control")]
    if cautions:
        text += f" Read it with caution: {len(cautions)} warning(s) below say what limits it."
    return text


DID_METHODS = ("twfe", "event-study", "staggered")


def _design_limits(results: dict[str, Any]) -> list[str]:
    """Sentences naming what undermines a difference-in-differences result: a failed or
    missing pre-trend test, too few treated areas."""
    from evaluation.estimators import ALPHA, FEW_TREATED

    if results["method"] not in DID_METHODS:
        return []
    sentences = []
    pretrend = (results.get("details") or {}).get("pretrend_p")
    if pretrend is None:
        sentences.append(
            "The pre-trend test could not be run, so it is not known whether the served and "
            "comparison areas moved alike before the start."
        )
    elif pretrend < ALPHA:
        sentences.append(
            f"The pre-trend test failed (p = {pretrend:.3f}): the served areas already moved "
            "differently from the comparison areas before the start, so the difference may "
            "not be the program's."
        )
    treated = int(results.get("n_treated") or 0)
    if treated < FEW_TREATED:
        sentences.append(
            f"Only {treated} area{' was' if treated == 1 else 's were'} served: with fewer than "
            f"{FEW_TREATED}, the interval is not reliable."
        )
    return sentences
