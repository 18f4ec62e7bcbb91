"""Section 2, who is affected: the city's people shot by age band, sex, race or ethnicity, time
of day and day of the week, from the monthly breakdowns of the months the period touches."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from evaluation.figures.base import FigureChart, SectionFigures, Table, bar_chart, rounded
from evaluation.figures.wording import count_text, share_text
from ovp.incidents.aggregation import BREAKDOWN_SLOTS
from ovp.incidents.charts import WEEKDAYS
from ovp.incidents.models import AgeBand, Breakdown, Race, Sex

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
NOTES = [
    "Breakdowns are kept by whole months, so they cover every month the period "
    "touches. They are counts only: no person's record is shown.",
]

# -- the numbers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WhoNumbers:
    begin: date
    end: date
    people: int
    age: dict[str, int]  # by AgeBand value
    sex: dict[str, int]  # by Sex value
    race: dict[str, int]  # by Race value
    time_of_day: dict[str, int]  # by TIMES_OF_DAY label, in order
    hour_unknown: int
    weekday: dict[str, int]  # by day name, Monday first

    def as_dict(self) -> dict[str, Any]:
        return {
            "people": self.people,
            "age": self.age,
            "sex": self.sex,
            "race": self.race,
            "time_of_day": self.time_of_day,
            "hour_unknown": self.hour_unknown,
            "weekday": self.weekday,
        }

    @property
    def months(self) -> str:
        """The months the breakdowns cover."""
        return f"{self.begin.replace(day=1):%B %Y} to {self.end:%B %Y}"


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


def who_numbers(begin: date, end: date) -> WhoNumbers:
    totals = breakdown_totals(begin, end)
    hours = {int(v): n for (d, v), n in totals.items() if d == "hour" and v != "unknown"}
    return WhoNumbers(
        begin=begin,
        end=end,
        people=sum(v for (d, _), v in totals.items() if d == "sex"),
        age={value: totals.get(("age", value), 0) for value in AgeBand.values},
        sex={value: totals.get(("sex", value), 0) for value in Sex.values},
        race={value: totals.get(("race", value), 0) for value in Race.values},
        time_of_day={label: sum(hours.get(h, 0) for h in span) for label, span in TIMES_OF_DAY},
        hour_unknown=totals.get(("hour", "unknown"), 0),
        weekday={WEEKDAYS[d - 1]: totals.get(("weekday", str(d)), 0) for d in range(1, 8)},
    )


def _share_rows(counts: dict[str, int], labels: list[tuple[str, str]]) -> list[list[Any]]:
    """[label, people, share of the dimension's whole in %] for each of its values."""
    whole = sum(counts.values())
    return [
        [
            label,
            counts.get(value, 0),
            rounded(counts.get(value, 0) / whole * 100) if whole else None,
        ]
        for value, label in labels
    ]


def _rows_of_people(numbers: WhoNumbers, counts: dict[str, int]) -> list[list[Any]]:
    """[label, people, share of everyone shot in %]."""
    people = numbers.people
    return [
        [label, n, rounded(n / people * 100) if people else None] for label, n in counts.items()
    ]


# -- the wording -------------------------------------------------------------------------------


def _largest(rows: list[list[Any]]) -> list[Any]:
    known = [row for row in rows if row[0] != "Unknown"]
    return max(known, key=lambda row: row[1]) if known else rows[0]


def who_summary(numbers: WhoNumbers) -> str:
    people = numbers.people
    if not people:
        return f"No one shot is recorded in the months from {numbers.months}."
    age = _largest(_share_rows(numbers.age, list(AgeBand.choices)))
    race = _largest(_share_rows(numbers.race, list(Race.choices)))
    male = numbers.sex.get(Sex.MALE, 0)
    busiest_time = max(numbers.time_of_day.items(), key=lambda item: item[1])
    busiest_day = max(numbers.weekday.items(), key=lambda item: item[1])
    known_hours = sum(numbers.time_of_day.values())
    sentences = [
        f"In the months from {numbers.months}, {count_text(people, 'person', 'people')} were "
        "shot in the city.",
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
    return " ".join(sentences)


# -- the tables and charts ---------------------------------------------------------------------


def _time_rows(numbers: WhoNumbers) -> list[list[Any]]:
    return _rows_of_people(
        numbers, {**numbers.time_of_day, "Time not recorded": numbers.hour_unknown}
    )


def who_tables(numbers: WhoNumbers) -> list[Table]:
    return [
        Table(
            caption=f"People shot by {title}, {numbers.months}",
            columns=[column, "People shot", "Share (%)"],
            rows=rows,
        )
        for title, column, rows in (
            ("age band", "Age band", _share_rows(numbers.age, list(AgeBand.choices))),
            ("sex", "Sex", _share_rows(numbers.sex, list(Sex.choices))),
            (
                "race or ethnicity",
                "Race or ethnicity",
                _share_rows(numbers.race, list(Race.choices)),
            ),
            ("time of day", "Time of day", _time_rows(numbers)),
            ("day of the week", "Day", _rows_of_people(numbers, numbers.weekday)),
        )
    ]


def who_charts(numbers: WhoNumbers) -> list[FigureChart]:
    age_rows = _share_rows(numbers.age, list(AgeBand.choices))
    return [
        bar_chart(
            "who-age",
            "People shot by age band",
            "Bar chart of people shot by age band. The table holds the same figures.",
            [row[0] for row in age_rows],
            [row[1] for row in age_rows],
            "People shot",
        ),
        bar_chart(
            "who-time",
            "People shot by time of day",
            "Bar chart of people shot by time of day. The table holds the same figures.",
            list(numbers.time_of_day),
            list(numbers.time_of_day.values()),
            "People shot",
        ),
    ]


def who_figures(begin: date, end: date) -> SectionFigures[WhoNumbers]:
    numbers = who_numbers(begin, end)
    return SectionFigures(
        numbers=numbers,
        summary=who_summary(numbers),
        notes=NOTES,
        tables=who_tables(numbers),
        charts=who_charts(numbers),
    )
