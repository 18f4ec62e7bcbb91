"""The figures of a needs assessment, drafted from the data: one function per section, each
returning what the section stores in `AssessmentSection.figures`:

    {"summary": the paragraph drafted from the numbers, stating them plainly,
     "numbers": the key numbers (for the text, and for tests),
     "tables": [{"caption", "columns", "rows"}],   # every chart's numbers are in a table
     "charts": [{"slug", "title", "description", "figure"}],  # plotly figure dicts
     "notes": [how the figures were made, their limits]}

All reads are of aggregates (`PeriodCount`, `Breakdown`, the inventory's gaps, the grants'
annual funding, stored evaluation runs): never a victim's row."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Sum
from django.db.models.fields.json import KT

from evaluation.models import EvaluationRun
from grants.selectors.allocation import annual_funding_by_area
from inventory.models import Strategy
from inventory.selectors import HIGH_BURDEN_FACTOR, YEAR_CHOICES, gaps_analysis
from ovp.areas.models import Area, AreaKind
from ovp.incidents.aggregation import BREAKDOWN_SLOTS
from ovp.incidents.charts import LAYOUT, PALETTE, WEEKDAYS
from ovp.incidents.models import AgeBand, Breakdown, Period, PeriodCount, Race, Sex
from ovp.incidents.selectors import YEARS_FOR_AVERAGE, area_totals_between, data_range

Figures = dict[str, Any]
DOLLAR = Decimal("1")
TOP_AREAS_IN_CHART = 20
# time of day as people say it; hours are local, 0 = midnight to 1am
TIMES_OF_DAY = [
    ("Night (midnight to 6am)", range(0, 6)),
    ("Morning (6am to noon)", range(6, 12)),
    ("Afternoon (noon to 6pm)", range(12, 18)),
    ("Evening (6pm to midnight)", range(18, 24)),
]
TIME_PHRASES = {
    "Night (midnight to 6am)": "at night (midnight to 6am)",
    "Morning (6am to noon)": "in the morning (6am to noon)",
    "Afternoon (noon to 6pm)": "in the afternoon (noon to 6pm)",
    "Evening (6pm to midnight)": "in the evening (6pm to midnight)",
}


# -- wording -----------------------------------------------------------------------------------


def day_text(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def period_text(begin: date, end: date) -> str:
    return f"{day_text(begin)} to {day_text(end)}"


def count_text(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number:,} {singular if number == 1 else (plural or singular + 's')}"


def change_text(now: float, before: float | None) -> str:
    """'12% more than', '5% fewer than', 'the same as'."""
    if before is None or before == 0:
        return ""
    change = (now - before) / before
    if round(change * 100) == 0:
        return "about the same as"
    return f"{abs(change) * 100:.0f}% {'more' if change > 0 else 'fewer'} than"


def money_text(amount: Decimal) -> str:
    return f"${amount.quantize(DOLLAR, ROUND_HALF_UP):,}"


def share_text(part: int, whole: int) -> str:
    return f"{part / whole * 100:.0f}%" if whole else "0%"


def _rounded(value: Any, digits: int = 1) -> float | None:
    if value is None or pd.isna(value):
        return None
    return round(float(value), digits)


# -- periods -----------------------------------------------------------------------------------


def _whole_months(begin: date, end: date) -> int | None:
    """The number of months when the period runs from a first to a last day of a month."""
    if begin.day != 1 or (end + timedelta(days=1)).day != 1:
        return None
    return (end.year - begin.year) * 12 + end.month - begin.month + 1


def previous_period(begin: date, end: date) -> tuple[date, date]:
    """The period of the same length just before (whole months when the period is)."""
    months = _whole_months(begin, end)
    if months:
        return begin - relativedelta(months=months), begin - timedelta(days=1)
    return begin - timedelta(days=(end - begin).days + 1), begin - timedelta(days=1)


def same_period_years_before(begin: date, end: date, years: int) -> tuple[date, date]:
    shifted_end = end - relativedelta(years=years)
    if _whole_months(begin, end):  # keep the month's last day (29 February and all)
        shifted_end = shifted_end + relativedelta(day=31)
    return begin - relativedelta(years=years), shifted_end


def _covered(begin: date, first_week: date | None) -> bool:
    return first_week is not None and first_week <= begin


def city_totals_between(begin: date, end: date) -> dict[str, int]:
    """People shot and fatal in the whole city (placed in an area or not), over the parts of
    weeks that start between the two days: the city's own aggregate rows. One query."""
    sums = PeriodCount.objects.filter(
        period=Period.PART,
        area__isnull=True,
        area_kind="",
        period_start__gte=begin,
        period_start__lte=end,
    ).aggregate(victims=Sum("victims"), fatal=Sum("fatal"))
    return {"victims": int(sums["victims"] or 0), "fatal": int(sums["fatal"] or 0)}


def _areas(kind: str) -> list[Area]:
    return list(Area.objects.of_kind(kind).order_by("code").defer("boundary"))


def _bar_chart(
    slug: str, title: str, description: str, x: list[Any], y: list[Any], y_title: str
) -> dict[str, Any]:
    return {
        "slug": slug,
        "title": title,
        "description": description,
        "figure": {
            "data": [{"type": "bar", "x": x, "y": y, "marker": {"color": PALETTE["bar"]}}],
            "layout": {
                **LAYOUT,
                "xaxis": {"automargin": True, "type": "category"},
                "yaxis": {"title": {"text": y_title}, "rangemode": "tozero"},
            },
        },
    }


# -- 1. violence burden and trends by area ----------------------------------------------------


def burden_figures(begin: date, end: date, kind: str) -> Figures:
    """People shot, fatal and the rate per 100,000 residents in each area over the period;
    the city's total against the previous period and the same period of the five years
    before."""
    areas = _areas(kind)
    kind_label = dict(AreaKind.choices).get(kind, kind).lower()
    first_week = data_range().first_week
    now = area_totals_between(areas, begin, end)
    city = city_totals_between(begin, end)

    prev_begin, prev_end = previous_period(begin, end)
    previous = (
        city_totals_between(prev_begin, prev_end) if _covered(prev_begin, first_week) else None
    )
    prev_by_area: dict[str, int] = {}
    if previous is not None:
        prev_frame = area_totals_between(areas, prev_begin, prev_end)
        prev_by_area = dict(zip(prev_frame["code"], prev_frame["victims"].astype(int), strict=True))

    years_rows = []
    per_area_years: list[dict[str, int]] = []
    for years_back in range(1, YEARS_FOR_AVERAGE + 1):
        y_begin, y_end = same_period_years_before(begin, end, years_back)
        if not _covered(y_begin, first_week):
            continue
        totals = city_totals_between(y_begin, y_end)
        years_rows.append((y_begin, y_end, totals["victims"], totals["fatal"]))
        frame = area_totals_between(areas, y_begin, y_end)
        per_area_years.append(dict(zip(frame["code"], frame["victims"].astype(int), strict=True)))
    average = sum(row[2] for row in years_rows) / len(years_rows) if years_rows else None

    residents = sum(int(a.population or 0) for a in areas)
    city_rate = city["victims"] / residents * 100_000 if residents else None

    rows = []
    by_area: dict[str, dict[str, Any]] = {}
    for row in now.itertuples(index=False):
        area_average = (
            sum(year.get(row.code, 0) for year in per_area_years) / len(per_area_years)
            if per_area_years
            else None
        )
        rate = _rounded(row.rate)
        by_area[row.code] = {
            "name": row.name,
            "victims": int(row.victims),
            "fatal": int(row.fatal),
            "rate": rate,
            "previous": prev_by_area.get(row.code) if previous is not None else None,
            "average": _rounded(area_average),
        }
        rows.append(
            [
                row.name,
                row.code,
                None if pd.isna(row.population) else int(row.population),
                int(row.victims),
                int(row.fatal),
                rate,
                prev_by_area.get(row.code) if previous is not None else None,
                _rounded(area_average),
            ]
        )

    ranked = sorted(
        (
            entry
            for entry in by_area.items()
            if entry[1]["rate"] is not None and entry[1]["victims"]
        ),
        key=lambda entry: -(entry[1]["rate"] or 0),
    )[:3]
    sentences = [
        f"From {period_text(begin, end)}, {count_text(city['victims'], 'person', 'people')} "
        f"were shot in the city, {city['fatal']:,} of them fatally."
    ]
    if city_rate is not None:
        sentences.append(
            f"That is {city_rate:,.1f} people shot per 100,000 residents of the "
            f"{count_text(len(areas), kind_label)} over the period."
        )
    if previous is not None and previous["victims"]:
        sentences.append(
            f"It is {change_text(city['victims'], previous['victims'])} the "
            f"{previous['victims']:,} people shot in the previous period "
            f"({period_text(prev_begin, prev_end)})."
        )
    if average is not None:
        sentences.append(
            f"The same period in the {count_text(len(years_rows), 'year')} before saw "
            f"{average:,.1f} people shot on average"
            + (
                f"; this period had {change_text(city['victims'], average)} that."
                if average
                else "."
            )
        )
    if ranked:
        listed = "; ".join(
            f"{entry['name']} ({entry['rate']:,.1f} per 100,000, {entry['victims']:,} people shot)"
            for _, entry in ranked
        )
        sentences.append(f"The highest rates were in {listed}.")

    top = now.head(TOP_AREAS_IN_CHART)
    trend_rows = [
        [f"{period_text(y_begin, y_end)}", victims, fatal]
        for y_begin, y_end, victims, fatal in reversed(years_rows)
    ] + [[period_text(begin, end), city["victims"], city["fatal"]]]
    return {
        "summary": " ".join(sentences),
        "numbers": {
            "area_kind": kind,
            "victims": city["victims"],
            "fatal": city["fatal"],
            "residents": residents,
            "rate": _rounded(city_rate),
            "previous_period": [prev_begin.isoformat(), prev_end.isoformat()],
            "previous_victims": previous["victims"] if previous is not None else None,
            "average_victims": _rounded(average),
            "years_in_average": len(years_rows),
            "areas": by_area,
        },
        "tables": [
            {
                "caption": f"People shot by {kind_label}, {period_text(begin, end)}",
                "columns": [
                    "Area",
                    "Code",
                    "Residents",
                    "People shot",
                    "Fatal",
                    "Rate per 100,000",
                    "Previous period",
                    f"Average of the {len(years_rows)} years before",
                ],
                "rows": rows,
            },
            {
                "caption": "People shot in the city in the same period of each year",
                "columns": ["Period", "People shot", "Fatal"],
                "rows": trend_rows,
            },
        ],
        "charts": [
            _bar_chart(
                "burden-by-area",
                f"People shot by {kind_label}",
                f"Bar chart of people shot in the {min(len(top), TOP_AREAS_IN_CHART)} areas with "
                "the most, highest first. The table holds every area.",
                [f"{name} ({code})" for name, code in zip(top["name"], top["code"], strict=True)],
                [int(v) for v in top["victims"]],
                "People shot",
            ),
            _bar_chart(
                "burden-trend",
                "The same period in each year",
                "Bar chart of people shot in the city in this period and the same period of "
                "the years before. The table holds the same figures.",
                [row[0] for row in trend_rows],
                [row[1] for row in trend_rows],
                "People shot",
            ),
        ],
        "notes": [
            "Counts come from the nightly aggregates of the police department's shooting "
            "victims; rates use each area's residents as recorded in the portal.",
            "Shootings not placed in any area count in the city's total but in no area's.",
        ],
    }


# -- 2. who is affected ------------------------------------------------------------------------


def breakdown_totals(begin: date, end: date) -> dict[tuple[str, str], int]:
    """The city's victims by age band, sex, race, hour and weekday in the months from the
    period's first month to its last, summed from the monthly breakdowns."""
    rows = Breakdown.objects.filter(
        area__isnull=True, month__gte=begin.replace(day=1), month__lte=end
    ).values_list("counts", flat=True)
    totals = np.zeros(len(BREAKDOWN_SLOTS), dtype=np.int64)
    for counts in rows:
        totals += np.asarray(counts, dtype=np.int64)
    return {
        (slot[0], slot[1]): int(total) for slot, total in zip(BREAKDOWN_SLOTS, totals, strict=True)
    }


def _dimension_rows(
    totals: dict[tuple[str, str], int], dimension: str, labels: list[tuple[str, str]]
) -> list[list[Any]]:
    whole = sum(v for (d, _), v in totals.items() if d == dimension)
    return [
        [
            label,
            totals.get((dimension, value), 0),
            _rounded(totals.get((dimension, value), 0) / whole * 100) if whole else None,
        ]
        for value, label in labels
    ]


def who_figures(begin: date, end: date) -> Figures:
    totals = breakdown_totals(begin, end)
    people = sum(v for (d, _), v in totals.items() if d == "sex")
    hours = {int(v): n for (d, v), n in totals.items() if d == "hour" and v != "unknown"}
    hour_unknown = totals.get(("hour", "unknown"), 0)
    times = [(label, sum(hours.get(h, 0) for h in span)) for label, span in TIMES_OF_DAY]
    weekdays = [(WEEKDAYS[d - 1], totals.get(("weekday", str(d)), 0)) for d in range(1, 8)]

    age_rows = _dimension_rows(totals, "age", list(AgeBand.choices))
    sex_rows = _dimension_rows(totals, "sex", list(Sex.choices))
    race_rows = _dimension_rows(totals, "race", list(Race.choices))
    known_hours = sum(n for _, n in times)
    time_rows = [[label, n, _rounded(n / people * 100) if people else None] for label, n in times]
    time_rows.append(
        [
            "Time not recorded",
            hour_unknown,
            _rounded(hour_unknown / people * 100) if people else None,
        ]
    )
    day_rows = [[day, n, _rounded(n / people * 100) if people else None] for day, n in weekdays]

    def largest(rows: list[list[Any]]) -> list[Any]:
        known = [row for row in rows if row[0] != "Unknown"]
        return max(known, key=lambda row: row[1]) if known else rows[0]

    months = f"{begin.replace(day=1):%B %Y} to {end:%B %Y}"
    if people:
        age, race = largest(age_rows), largest(race_rows)
        male = totals.get(("sex", Sex.MALE), 0)
        busiest_time = max(times, key=lambda item: item[1])
        busiest_day = max(weekdays, key=lambda item: item[1])
        sentences = [
            f"In the months from {months}, {count_text(people, 'person', 'people')} were shot "
            "in the city.",
            f"The largest age group was {age[0].lower()} "
            f"({age[1]:,}, {share_text(age[1], people)}); "
            f"{male:,} ({share_text(male, people)}) were male.",
            f"By race or ethnicity the largest group was {race[0]} ({race[1]:,}, "
            f"{share_text(race[1], people)}).",
        ]
        if known_hours:
            sentences.append(
                f"More were shot {TIME_PHRASES[busiest_time[0]]} than at any other time of day "
                f"({busiest_time[1]:,}, "
                f"{share_text(busiest_time[1], known_hours)} of those whose time is known); "
                f"the day with the most was {busiest_day[0]} ({busiest_day[1]:,})."
            )
    else:
        sentences = [f"No one shot is recorded in the months from {months}."]
    return {
        "summary": " ".join(sentences),
        "numbers": {
            "people": people,
            "age": {value: totals.get(("age", value), 0) for value in AgeBand.values},
            "sex": {value: totals.get(("sex", value), 0) for value in Sex.values},
            "race": {value: totals.get(("race", value), 0) for value in Race.values},
            "time_of_day": dict(times),
            "hour_unknown": hour_unknown,
            "weekday": dict(weekdays),
        },
        "tables": [
            {
                "caption": f"People shot by {title}, {months}",
                "columns": [column, "People shot", "Share (%)"],
                "rows": rows,
            }
            for title, column, rows in (
                ("age band", "Age band", age_rows),
                ("sex", "Sex", sex_rows),
                ("race or ethnicity", "Race or ethnicity", race_rows),
                ("time of day", "Time of day", time_rows),
                ("day of the week", "Day", day_rows),
            )
        ],
        "charts": [
            _bar_chart(
                "who-age",
                "People shot by age band",
                "Bar chart of people shot by age band. The table holds the same figures.",
                [row[0] for row in age_rows],
                [row[1] for row in age_rows],
                "People shot",
            ),
            _bar_chart(
                "who-time",
                "People shot by time of day",
                "Bar chart of people shot by time of day. The table holds the same figures.",
                [row[0] for row in time_rows[:-1]],
                [row[1] for row in time_rows[:-1]],
                "People shot",
            ),
        ],
        "notes": [
            "Breakdowns are kept by whole months, so they cover every month the period "
            "touches. They are counts only: no person's record is shown.",
        ],
    }


# -- 3. program coverage and gaps --------------------------------------------------------------


def _years_for(begin: date, end: date) -> int:
    """The gaps analysis' window nearest the period's length, in years."""
    length = ((end - begin).days + 1) / 365.25
    return min(YEAR_CHOICES, key=lambda years: abs(years - length))


def coverage_figures(begin: date, end: date, kind: str) -> Figures:
    analysis = gaps_analysis(kind=kind, years=_years_for(begin, end), on=end)
    kind_label = dict(AreaKind.choices).get(analysis.kind, analysis.kind).lower()
    rows = analysis.burden.set_index("area_id")
    served = sum(1 for area in analysis.areas if analysis.coverage.get(area.pk))
    high_rows = []
    uncovered = []
    for area_id in analysis.high_burden:
        programs = analysis.coverage.get(area_id, [])
        covered = analysis.covered(area_id)
        name = f"{rows.at[area_id, 'name']} ({rows.at[area_id, 'code']})"
        if not covered:
            uncovered.append(name)
        high_rows.append(
            [
                name,
                int(rows.at[area_id, "victims"]),
                _rounded(rows.at[area_id, "rate"]),
                ", ".join(p.program_name for p in programs) or "None",
                "Yes" if covered else "No",
            ]
        )
    labels = dict(Strategy.choices)
    strategy_rows = [
        [
            labels.get(strategy, strategy),
            sum(1 for area in analysis.areas if analysis.cell(area.pk, strategy)),
            sum(1 for area_id in analysis.high_burden if analysis.cell(area_id, strategy)),
        ]
        for strategy in analysis.strategies
    ]
    gap_rows = [
        [
            gap.rank,
            "Area" if gap.kind == "area" else "Strategy",
            gap.subject,
            gap.victims,
            gap.detail,
        ]
        for gap in analysis.gaps
    ]
    window = (
        period_text(analysis.begin, analysis.end)
        if analysis.begin and analysis.end
        else "no data yet"
    )
    high = len(analysis.high_burden)
    sentences = [
        f"On {day_text(end)}, programs in the inventory served {served:,} of the "
        f"{count_text(len(analysis.areas), kind_label)}.",
        f"Over the last {'year' if analysis.years == 1 else f'{analysis.years} years'} of data "
        f"({window}), {count_text(high, 'area was', 'areas were')} high-burden (at least "
        f"{HIGH_BURDEN_FACTOR} times the people shot of the average area).",
    ]
    if high:
        if uncovered:
            sentences.append(
                f"{count_text(len(uncovered), 'of them has', 'of them have')} no evidence-based "
                f"program of a core strategy: {', '.join(uncovered)}."
            )
        else:
            sentences.append("Each of them has an evidence-based program of a core strategy.")
    strategy_gaps = [gap for gap in analysis.gaps if gap.kind == "strategy"]
    if strategy_gaps:
        sentences.append(
            "Core strategies missing from high-burden areas: "
            + "; ".join(
                f"{gap.subject} ({gap.missing} area{'s' if gap.missing != 1 else ''})"
                for gap in strategy_gaps
            )
            + "."
        )
    return {
        "summary": " ".join(sentences),
        "numbers": {
            "areas": len(analysis.areas),
            "served": served,
            "high_burden": high,
            "uncovered": uncovered,
            "gaps": [gap.subject for gap in analysis.gaps],
            "years": analysis.years,
            "window": [
                analysis.begin.isoformat() if analysis.begin else None,
                analysis.end.isoformat() if analysis.end else None,
            ],
        },
        "tables": [
            {
                "caption": f"High-burden areas and the programs serving them on {day_text(end)}",
                "columns": [
                    "Area",
                    "People shot",
                    "Rate per 100,000",
                    "Programs",
                    "Evidence-based core strategy",
                ],
                "rows": high_rows,
            },
            {
                "caption": "Areas reached by each strategy",
                "columns": ["Strategy", "Areas served", "High-burden areas served"],
                "rows": strategy_rows,
            },
            {
                "caption": "Gaps, ranked (areas first, then strategies)",
                "columns": ["Rank", "Kind", "Gap", "People shot", "Detail"],
                "rows": gap_rows,
            },
        ],
        "charts": [],
        "notes": [
            "From the program inventory's strengths-and-gaps analysis: an area is covered when "
            "an evidence-based program of a core strategy serves it on the day.",
        ],
    }


# -- 4. funding against the benchmark ----------------------------------------------------------


def funding_figures(begin: date, end: date, kind: str) -> Figures:
    """Annual funding the benchmark calls for (per homicide of the period, annualised) beside
    the annualised active awards on the period's last day, by area."""
    per_homicide = Decimal(settings.OVP_FUNDING_PER_HOMICIDE)
    areas = _areas(kind)
    kind_label = dict(AreaKind.choices).get(kind, kind).lower()
    days = (end - begin).days + 1
    burden = area_totals_between(areas, begin, end)
    funded = annual_funding_by_area(areas, end)
    rows = []
    homicides_total = 0
    totals: dict[str, Decimal] = {"benchmark": Decimal(0), "funded": Decimal(0), "gap": Decimal(0)}
    by_area: dict[str, dict[str, Any]] = {}
    unfunded = []
    for row in burden.sort_values(["fatal", "code"], ascending=[False, True]).itertuples(
        index=False
    ):
        homicides = int(row.fatal)
        benchmark = (Decimal(homicides) * per_homicide * Decimal(365) / Decimal(days)).quantize(
            DOLLAR, ROUND_HALF_UP
        )
        area_funded = funded.get(int(row.area_id), Decimal(0))
        gap = max(benchmark - area_funded, Decimal(0))
        if not homicides and not area_funded:
            continue
        if homicides and not area_funded:
            unfunded.append(f"{row.name} ({row.code})")
        homicides_total += homicides
        totals["benchmark"] += benchmark
        totals["funded"] += area_funded
        totals["gap"] += gap
        by_area[row.code] = {
            "homicides": homicides,
            "benchmark": str(benchmark),
            "funded": str(area_funded),
            "gap": str(gap),
        }
        rows.append(
            [
                row.name,
                row.code,
                homicides,
                money_text(benchmark),
                money_text(area_funded),
                money_text(gap),
            ]
        )
    rows.append(
        [
            "All these areas",
            "",
            homicides_total,
            money_text(totals["benchmark"]),
            money_text(totals["funded"]),
            money_text(totals["gap"]),
        ]
    )
    annualised = "" if days in (365, 366) else f" (annualised from {count_text(days, 'day')})"
    sentences = [
        f"The benchmark is {money_text(per_homicide)} a year for each homicide. "
        f"The {count_text(homicides_total, 'homicide')} placed in an area "
        f"from {period_text(begin, end)} call for {money_text(totals['benchmark'])} a year"
        f"{annualised}.",
        f"Active grant awards on {day_text(end)} fund {money_text(totals['funded'])} a year in "
        f"these areas, {money_text(totals['gap'])} short of the benchmark where it is not met.",
    ]
    if unfunded:
        sentences.append(
            f"{count_text(len(unfunded), 'area')} with homicides had no active award: "
            f"{', '.join(unfunded)}."
        )
    chart_rows = [row for row in rows[:-1] if row[2]][:TOP_AREAS_IN_CHART]
    chart_codes = [row[1] for row in chart_rows]
    return {
        "summary": " ".join(sentences),
        "numbers": {
            "per_homicide": str(per_homicide),
            "days": days,
            "homicides": homicides_total,
            "benchmark": str(totals["benchmark"]),
            "funded": str(totals["funded"]),
            "gap": str(totals["gap"]),
            "areas": by_area,
            "unfunded": unfunded,
        },
        "tables": [
            {
                "caption": f"Annual funding against the benchmark by {kind_label}",
                "columns": [
                    "Area",
                    "Code",
                    "Homicides",
                    "Benchmark a year",
                    "Funded a year",
                    "Short of the benchmark",
                ],
                "rows": rows,
            }
        ],
        "charts": [
            {
                "slug": "funding",
                "title": "Benchmark and funding by area",
                "description": "Grouped bar chart of the annual funding the benchmark calls for "
                "and the annual funding of active awards in each area with homicides. The "
                "table holds the same figures.",
                "figure": {
                    "data": [
                        {
                            "type": "bar",
                            "name": "Benchmark",
                            "x": chart_codes,
                            "y": [float(by_area[c]["benchmark"]) for c in chart_codes],
                            "marker": {"color": PALETTE["last"]},
                        },
                        {
                            "type": "bar",
                            "name": "Funded",
                            "x": chart_codes,
                            "y": [float(by_area[c]["funded"]) for c in chart_codes],
                            "marker": {"color": PALETTE["bar"]},
                        },
                    ],
                    "layout": {
                        **LAYOUT,
                        "barmode": "group",
                        "xaxis": {"automargin": True, "type": "category"},
                        "yaxis": {"title": {"text": "Dollars a year"}, "rangemode": "tozero"},
                    },
                },
            }
        ],
        "notes": [
            "Homicides are fatal shootings placed in an area. Awards are annualised (amount x "
            "365 / days of the award) and shared evenly between the areas they serve, as on the "
            "grants allocation workbench.",
        ],
    }


# -- 5. what evaluations found -----------------------------------------------------------------

MAX_RUNS = 20


def _percent(value: Any) -> str:
    return "" if value is None else f"{float(value) * 100:+.0f}%"


def latest_runs_overlapping(begin: date, end: date) -> list[EvaluationRun]:
    """The latest run of each program, and of each strategy evaluated as a whole, whose
    window overlaps the period (a window ends where its last week or month ends). Runs
    without a window are left out: nothing says what period they speak for."""
    runs = (
        EvaluationRun.objects.select_related("program")
        .defer("inputs")  # it holds the run's panel
        .annotate(
            window_begin=KT("inputs__window__0"),
            window_end=KT("inputs__window__1"),
            window_period=KT("inputs__period"),
        )
        .filter(
            window_begin__lte=end.isoformat(),
            window_end__gte=(begin - timedelta(days=31)).isoformat(),
        )
        .order_by("-created_at", "-id")
    )
    latest: dict[tuple[str, str], EvaluationRun] = {}
    for run in runs:
        last_start = date.fromisoformat(run.window_end)  # type: ignore[attr-defined]
        if run.window_period == "week":  # type: ignore[attr-defined]
            last_day = last_start + timedelta(days=6)
        else:
            last_day = last_start + relativedelta(months=1) - timedelta(days=1)
        if last_day < begin:
            continue
        key = ("program", str(run.program_id)) if run.program_id else ("strategy", run.strategy)
        latest.setdefault(key, run)
    return list(latest.values())[:MAX_RUNS]


def evaluation_figures(begin: date, end: date) -> Figures:
    runs = latest_runs_overlapping(begin, end)
    rows = []
    warnings: list[str] = []
    for run in runs:
        results = run.results or {}
        relative_ci = (
            f"{_percent(results.get('relative_low'))} to {_percent(results.get('relative_high'))}"
            if results.get("relative_low") is not None
            else ""
        )
        ci = (
            f"{run.ci_low:.3g} to {run.ci_high:.3g}"
            if run.ci_low is not None and run.ci_high is not None
            else ""
        )
        rows.append(
            [
                run.title,
                run.get_method_display(),
                None if run.estimate is None else round(run.estimate, 3),
                ci,
                run.change_text,
                relative_ci,
                len(run.warnings),
                f"{run.created_at:%Y-%m-%d}",
            ]
        )
        warnings.extend(f"{run.title}: {warning}" for warning in run.warnings)
    if runs:
        sentences = [
            f"{count_text(len(runs), 'impact evaluation is', 'impact evaluations are')} stored."
        ]
        sentences += [f"{run.title}: {run.summary}" for run in runs]
    else:
        sentences = [
            "No impact evaluation is stored yet, so this assessment cannot say which programs work."
        ]
    return {
        "summary": " ".join(sentences),
        "numbers": {"runs": len(runs), "titles": [run.title for run in runs]},
        "tables": [
            {
                "caption": "Impact evaluations stored in the portal",
                "columns": [
                    "Evaluation",
                    "Method",
                    "Estimate",
                    "95% CI",
                    "Change",
                    "95% CI of the change",
                    "Warnings",
                    "Run on",
                ],
                "rows": rows,
            }
        ],
        "charts": [],
        "notes": warnings or ["Estimates, intervals and warnings are those stored with each run."],
    }


# -- the sections, in order --------------------------------------------------------------------


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str
    build: Callable[[date, date, str], Figures]


SECTIONS = [
    SectionSpec("burden", "Violence burden and trends by area", burden_figures),
    SectionSpec("who", "Who is affected", lambda begin, end, kind: who_figures(begin, end)),
    SectionSpec("coverage", "Program coverage and gaps", coverage_figures),
    SectionSpec("funding", "Funding against the benchmark", funding_figures),
    SectionSpec(
        "evaluations",
        "What evaluations found",
        lambda begin, end, kind: evaluation_figures(begin, end),
    ),
]
SECTION_SPECS = {spec.key: spec for spec in SECTIONS}
