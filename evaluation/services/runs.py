"""Running impact evaluations of programs, strategies and the office's campaigns, and
keeping them.

`evaluation_plan` turns what staff chose (a program, strategy or campaign, an area kind, a
window, a method) into explicit inputs: the treated areas and their start dates from the
inventory's service areas (a campaign's: the areas it lists, all from its start; a campaign
of the whole city: the city's series from its start), and comparison areas matched on their
burden before the start.
`evaluation_run` estimates and stores the run with its panel (area x period outcome);
`evaluation_estimate` runs stored inputs again from that panel, so a run gives the same
numbers even after the aggregates are rebuilt. Its result in words is `summary`'s.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from evaluation.models import EvaluationMethod, EvaluationRun
from evaluation.selectors.runs import (
    OUTCOMES,
    WEEK,
    campaign_starts,
    complete_window,
    next_period,
    outcome_counts,
    period_start,
    period_starts,
    service_starts,
)
from evaluation.services.summary import plain_summary, verdict
from inventory.models import Campaign, Program, Strategy
from ovp.accounts.models import User
from ovp.areas.models import Area, AreaKind
from ovp.incidents.selectors import aggregates_version

if TYPE_CHECKING:
    import pandas as pd

    from evaluation.estimators import Panel, Result

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
    campaign: Campaign | None = None


def _label(choice: Choice) -> str:
    if choice.campaign is not None:
        return f"{choice.campaign.name} (office campaign)"
    if choice.program is not None:
        return choice.program.name
    return f"All {dict(Strategy.choices).get(choice.strategy, choice.strategy)} programs"


def evaluation_plan(*, choice: Choice) -> dict[str, Any]:
    """The inputs of a run, every choice made explicit (JSON-ready). Raises ValidationError
    when the choice cannot be evaluated, saying why."""
    _check_choice(choice)
    begin, end = _whole_periods(choice)
    if (campaign := choice.campaign) is not None:
        choice = _campaign_choice(choice, campaign, begin, end)
        served = campaign_starts(campaign=campaign, area_kind=choice.area_kind)
    else:
        served = service_starts(
            program_id=choice.program.pk if choice.program else None,
            strategy=choice.strategy,
            area_kind=choice.area_kind,
        )
    treated, left_out = _treated_areas(choice, served, begin, end)
    inputs = _described(choice, begin, end, treated, left_out)
    if not treated or (choice.method == "its" and choice.citywide_start is not None):
        return _citywide(inputs, choice, begin, end)
    method = _method_for(choice, treated)
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


def _subject(choice: Choice) -> str:
    """What is evaluated, in a word: "program", "strategy" or "campaign"."""
    if choice.campaign is not None:
        return "campaign"
    return "program" if choice.program is not None else "strategy"


def _check_choice(choice: Choice) -> None:
    chosen = [choice.program is not None, bool(choice.strategy), choice.campaign is not None]
    if sum(chosen) != 1:
        raise ValidationError("Choose one of a program, a strategy or a campaign.")
    if choice.method not in (AUTO, *EvaluationMethod.values):
        raise ValidationError(f"Unknown method {choice.method!r}.")
    if choice.begin >= choice.end:
        raise ValidationError("The window must end after it begins.")


def _campaign_choice(choice: Choice, campaign: Campaign, begin: date, end: date) -> Choice:
    """The choice with the campaign's own treatment: for a campaign of the whole city, the
    city's series from its start (an interrupted time series, nothing else: there is no
    comparison area); for one of listed areas, those areas from its start, which must fall
    inside the window. Raises ValidationError saying why a design does not fit."""
    if campaign.covers_whole_city:
        if choice.method not in (AUTO, "its") or choice.comparison_area_ids:
            raise ValidationError(
                "This campaign covers the whole city, so no area is left to compare with: "
                "it is evaluated by an interrupted time series of the city's series from its "
                "start. Choose that method (or let the portal choose) and no comparison areas."
            )
        return replace(choice, citywide_start=campaign.started_on, method="its")
    kinds = set(campaign.areas.values_list("kind", flat=True))
    if choice.area_kind not in kinds:
        labels = dict(AreaKind.choices)
        raise ValidationError(
            "The campaign covers areas of another kind ("
            + ", ".join(sorted(str(labels.get(kind, kind)) for kind in kinds))
            + "): choose that kind of area."
        )
    first = period_start(campaign.started_on, choice.period)
    if first < campaign.started_on:
        first = next_period(first, choice.period)
    if not begin < first <= end:
        raise ValidationError(
            f"The campaign starts on {campaign.started_on:%d %b %Y}: the window must hold "
            "periods before its start and from it on. Move the window around its start."
        )
    return replace(choice, citywide_start=None)


def _treated_areas(
    choice: Choice, served: dict[int, date], begin: date, end: date
) -> tuple[list[dict[str, Any]], list[str]]:
    """The areas first served inside the window, with their first period served; and, in
    words, the ones left out for being served before it or after it."""
    areas = Area.objects.in_bulk(list(served))
    treated: list[dict[str, Any]] = []
    left_out: list[str] = []
    for area_id, started in sorted(served.items(), key=lambda item: areas[item[0]].code):
        area = areas[area_id]
        first_period = period_start(started, choice.period)
        if first_period < started:
            first_period = next_period(first_period, choice.period)
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
    return treated, left_out


def _described(
    choice: Choice,
    begin: date,
    end: date,
    treated: list[dict[str, Any]],
    left_out: list[str],
) -> dict[str, Any]:
    """The inputs before the comparison areas and the method are chosen."""
    return {
        "label": _label(choice),
        "program": str(choice.program.uuid) if choice.program else None,
        "program_name": choice.program.name if choice.program else None,
        "campaign": str(choice.campaign.uuid) if choice.campaign else None,
        "campaign_name": choice.campaign.name if choice.campaign else None,
        "campaign_dates": choice.campaign.dates_text if choice.campaign else None,
        "strategy": _strategy(choice),
        "by": _subject(choice),
        "area_kind": choice.area_kind,
        "area_kind_label": dict(AreaKind.choices).get(choice.area_kind, choice.area_kind),
        "period": choice.period,
        "window": [begin.isoformat(), end.isoformat()],
        "outcome": choice.outcome,
        "outcome_label": OUTCOMES[choice.outcome],
        "log_outcome": choice.log_outcome,
        "treated": treated,
        "left_out": left_out,
        "comparisons": [],
        "matching": "",
        "citywide_start": None,
        "aggregates_version": aggregates_version(),
    }


def _strategy(choice: Choice) -> str:
    if choice.campaign is not None:
        return choice.campaign.strategy
    return choice.program.strategy if choice.program else choice.strategy


def _citywide(inputs: dict[str, Any], choice: Choice, begin: date, end: date) -> dict[str, Any]:
    """A citywide effort (or no area first served in the window): the city's own series, an
    interrupted time series from the start date staff gave."""
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


def _method_for(choice: Choice, treated: list[dict[str, Any]]) -> str:
    """The method staff chose; for "auto", synthetic control for one treated area, the
    staggered estimator when start dates differ, two-way fixed effects otherwise."""
    if choice.method != AUTO:
        return choice.method
    if len(treated) == 1:
        return "synth"
    return "staggered" if len({t["first_period"] for t in treated}) > 1 else "twfe"


def _whole_periods(choice: Choice) -> tuple[date, date]:
    """The first and last period starts of the window: whole periods only (a week from its
    Monday, a month from its 1st, the first on or after `begin`; the last the one holding
    `end`), inside the complete periods of the incident data. Raises ValidationError."""
    first = period_start(choice.begin, choice.period)
    if first < choice.begin:
        first = next_period(first, choice.period)
    last = period_start(choice.end, choice.period)
    if first > last:
        raise ValidationError("The window holds no whole period: make it longer.")
    data = complete_window(choice.period)
    if data is None:
        raise ValidationError("There is no incident data to evaluate with yet.")
    if first < data[0] or last > data[1]:
        word = "weeks" if choice.period == WEEK else "months"
        fmt = "%d %b %Y" if choice.period == WEEK else "%b %Y"
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
    pre_end = period_starts(begin, first_start, choice.period)[-2]
    period_word = "week" if choice.period == WEEK else "month"
    pre_window = f"{begin:%b %Y} to {pre_end:%b %Y}"
    if choice.comparison_area_ids:
        chosen = [candidates[i] for i in choice.comparison_area_ids if i in candidates]
        refused = len(choice.comparison_area_ids) - len(chosen)
        if refused:
            raise ValidationError(
                f"{refused} of the chosen comparison areas were served by this "
                f"{_subject(choice)}, or are of another kind."
            )
        rows = [{"id": a.pk, "code": a.code, "name": a.name} for a in chosen]
        return sorted(rows, key=lambda row: row["code"]), "Chosen by staff."
    counts = outcome_counts(
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
            f"{_subject(choice)} is a donor: the synthetic "
            "control weighs them to match the served area before the start "
            f"({pre_window}), and each is a placebo."
        )
    matching = (
        f"For each treated area, the {k} area(s) of the same kind never served by this "
        f"{_subject(choice)} whose average "
        f"{OUTCOMES[choice.outcome]} "
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
        counts = outcome_counts(
            area_ids=None, begin=begin, end=end, period=inputs["period"], outcome=inputs["outcome"]
        )
        counts["unit"] = CITY
        counts["first"] = inputs["citywide_start"]
    else:
        starts = {t["id"]: t["first_period"] for t in inputs["treated"]}
        codes = {t["id"]: t["code"] for t in inputs["treated"] + inputs["comparisons"]}
        counts = outcome_counts(
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


def evaluation_run(*, choice: Choice, user: User | None) -> EvaluationRun:
    """Plan, estimate and store one evaluation run, with the panel it was estimated on."""
    inputs = evaluation_plan(choice=choice)
    inputs["panel"] = stored_panel(inputs)
    result = evaluation_estimate(inputs)
    results = result.as_dict()
    results["warnings"] = [*results.get("warnings", []), *_campaign_warnings(choice)]
    run = EvaluationRun(
        title=inputs["label"],
        program=choice.program,
        campaign=choice.campaign,
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


def _campaign_warnings(choice: Choice) -> list[str]:
    """A campaign that ended inside the window: the estimators count every period from its
    start as treated, the months after its end included."""
    campaign = choice.campaign
    if campaign is None or campaign.ended_on is None or campaign.ended_on >= choice.end:
        return []
    return [
        f"The campaign ended on {campaign.ended_on:%d %b %Y}, but every period from its start "
        f"to the window's end ({choice.end:%d %b %Y}) counts as treated: the estimate mixes "
        "its months with those after it. End the window with the campaign to measure it alone."
    ]


def panel_from_csv(
    content: bytes,
    *,
    unit: str,
    time: str,
    outcome: str,
    treated_from: str,
    weights: str | None = None,
    log_outcome: bool = False,
    outcome_is_log: bool = False,
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
        outcome_is_log=outcome_is_log,
    )


def panel_estimate(panel: Panel, method: str | None) -> Result:
    """The named method, or the default for the panel's design."""
    from evaluation.estimators import default_method, estimate

    return estimate(panel, method or default_method(panel))
