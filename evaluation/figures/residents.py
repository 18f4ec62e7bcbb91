"""Section 6, what residents told us: the comments residents sent through the public form
(/public/have-your-say/) during the period and staff approved, counted by topic, by area and
by both, with a few of them quoted. Comments waiting for moderation or rejected never count;
how many wait is said in the notes, so staff can moderate them and refresh the figures."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from evaluation.figures.base import FigureChart, SectionFigures, Table, bar_chart
from evaluation.figures.wording import count_text, period_text, share_text
from stakeholders.selectors import MAX_QUOTES, InputTallies, community_input_tallies

TOP_TOPICS = 3
TOP_AREAS = 3
HOW = (
    "Residents write through the office's public form without giving their name; staff read "
    "each comment, take out any personal details and approve it before it counts. Comments "
    "are counted on the day they were sent. They show what the residents who wrote think, "
    "not what every resident thinks."
)

# -- the numbers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResidentsNumbers:
    begin: date
    end: date
    tallies: InputTallies

    def as_dict(self) -> dict[str, Any]:
        return {
            "comments": self.tallies.total,
            "awaiting": self.tallies.awaiting,
            "by_topic": {label: count for label, count in self.tallies.by_topic},
            "by_area": {label: count for label, count in self.tallies.by_area},
        }


def residents_numbers(begin: date, end: date) -> ResidentsNumbers:
    return ResidentsNumbers(begin, end, community_input_tallies(begin, end, quotes=MAX_QUOTES))


# -- the wording -------------------------------------------------------------------------------


def _listed(pairs: list[tuple[str, int]]) -> str:
    return "; ".join(f"{label}: {count:,}" for label, count in pairs)


def residents_summary(numbers: ResidentsNumbers) -> str:
    tallies = numbers.tallies
    period = period_text(numbers.begin, numbers.end)
    if not tallies.total:
        return (
            f"No comment from residents sent from {period} has been approved, so this "
            "assessment has nothing from them yet."
        )
    sentences = [
        f"From {period}, residents sent {count_text(tallies.total, 'approved comment')} "
        "through the office's public form.",
        f"The topics raised most: {_listed(tallies.by_topic[:TOP_TOPICS])}.",
        f"By area: {_listed(tallies.by_area[:TOP_AREAS])}"
        + (f", and {len(tallies.by_area) - TOP_AREAS} more." if len(tallies.by_area) > TOP_AREAS
           else "."),
    ]  # fmt: skip
    top_label, top_count = tallies.by_topic[0]
    sentences.append(
        f"{share_text(top_count, tallies.total)} of the comments were about "
        f"{top_label[0].lower() + top_label[1:]}."
    )
    return " ".join(sentences)


def residents_notes(numbers: ResidentsNumbers) -> list[str]:
    notes = [HOW]
    if numbers.tallies.awaiting:
        notes.append(
            count_text(
                numbers.tallies.awaiting,
                "more comment sent in the period is",
                "more comments sent in the period are",
            )
            + " waiting for moderation and not counted: moderate, then refresh these figures."
        )
    return notes


# -- the tables and the chart ------------------------------------------------------------------


def residents_tables(numbers: ResidentsNumbers) -> list[Table]:
    tallies = numbers.tallies
    tables = [
        Table(
            caption="Approved comments by topic",
            columns=["Topic", "Comments", "Share"],
            rows=[[label, n, share_text(n, tallies.total)] for label, n in tallies.by_topic],
        ),
        Table(
            caption="Approved comments by area",
            columns=["Area", "Comments"],
            rows=[[label, n] for label, n in tallies.by_area],
        ),
        Table(
            caption="Approved comments by area and topic",
            columns=["Area", "Topic", "Comments"],
            rows=[[area, topic, n] for area, topic, n in tallies.by_area_topic],
        ),
    ]
    if tallies.quotes:
        tables.append(
            Table(
                caption="In residents' words (the latest approved comment of each top topic)",
                columns=["Topic", "Area", "Comment"],
                rows=[[quote.topic, quote.area, quote.text] for quote in tallies.quotes],
            )
        )
    return tables


def residents_charts(numbers: ResidentsNumbers) -> list[FigureChart]:
    by_topic = numbers.tallies.by_topic
    if not by_topic:
        return []
    return [
        bar_chart(
            "residents-by-topic",
            "Approved comments by topic",
            "Bar chart of residents' approved comments by topic; the numbers are in the table "
            "Approved comments by topic.",
            [label for label, _ in by_topic],
            [n for _, n in by_topic],
            "Comments",
        )
    ]


def residents_figures(begin: date, end: date) -> SectionFigures[ResidentsNumbers]:
    numbers = residents_numbers(begin, end)
    return SectionFigures(
        numbers=numbers,
        summary=residents_summary(numbers),
        notes=residents_notes(numbers),
        tables=residents_tables(numbers),
        charts=residents_charts(numbers),
    )
