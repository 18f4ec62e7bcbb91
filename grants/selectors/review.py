"""Reads of reviews: each application's weighted score, and each reviewer's scores.

A review's score is sum(score / max_score * weight) / sum(weight) over the round's rubric,
as a percentage. An application's average and spread are over its submitted reviews by
reviewers without a conflict of interest. Arithmetic is exact (fractions) until the result
is rounded to two decimals, half up."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db.models import QuerySet

from grants.models import Application, Criterion, ReviewAssignment, Score

CENT = Decimal("0.01")


@dataclass(frozen=True)
class ScoreSummary:
    """An application's reviews: the average weighted score and its spread (low-high), in
    percent, over the submitted reviews without a conflict; `None` until there is one."""

    average_percent: Decimal | None
    low: Decimal | None
    high: Decimal | None
    reviews: int  # submitted reviews without a conflict, the ones averaged
    conflicts: int  # reviewers who declared a conflict of interest
    assigned: int = 0  # every reviewer asked, whatever they did

    @property
    def pending(self) -> int:
        """Reviewers who have neither scored nor declared a conflict yet."""
        return self.assigned - self.reviews - self.conflicts


EMPTY = ScoreSummary(None, None, None, 0, 0, 0)


def to_percent(value: Fraction) -> Decimal:
    """An exact fraction of 1 as a percentage rounded to the cent, half up."""
    hundredfold = value * 100
    return (Decimal(hundredfold.numerator) / Decimal(hundredfold.denominator)).quantize(
        CENT, rounding=ROUND_HALF_UP
    )


def review_fraction(scores: Iterable[tuple[int, int, int]]) -> Fraction | None:
    """One review's weighted score as a fraction of 1, from (score, max_score, weight)."""
    weighted, weights = Fraction(0), 0
    for score, max_score, weight in scores:
        if max_score:
            weighted += Fraction(score, max_score) * weight
        weights += weight
    return weighted / weights if weights else None


def application_scores(
    applications: "Iterable[Application | int] | QuerySet[Application]",
) -> dict[int, ScoreSummary]:
    """The score summary of each application (by id), in two queries whatever their number
    (three when given a queryset). Applications without any review get an empty summary."""
    if isinstance(applications, QuerySet):
        ids = list(applications.values_list("pk", flat=True))
    else:
        ids = [getattr(application, "pk", application) for application in applications]
    assignments = list(
        ReviewAssignment.objects.filter(application_id__in=ids).values(
            "pk", "application_id", "has_conflict", "submitted_at"
        )
    )
    scored = defaultdict(list)
    for row in Score.objects.filter(
        assignment__in=[
            a["pk"] for a in assignments if a["has_conflict"] is False and a["submitted_at"]
        ]
    ).values_list("assignment_id", "score", "criterion__max_score", "criterion__weight"):
        scored[row[0]].append(row[1:])
    by_application: dict[int, list[Any]] = defaultdict(list)
    for assignment in assignments:
        by_application[assignment["application_id"]].append(assignment)

    summaries = {application_id: EMPTY for application_id in ids}
    for application_id, rows in by_application.items():
        fractions = [
            fraction
            for row in rows
            if row["has_conflict"] is False and row["submitted_at"]
            for fraction in [review_fraction(scored[row["pk"]])]
            if fraction is not None
        ]
        summaries[application_id] = ScoreSummary(
            average_percent=to_percent(sum(fractions, Fraction(0)) / len(fractions))
            if fractions
            else None,
            low=to_percent(min(fractions)) if fractions else None,
            high=to_percent(max(fractions)) if fractions else None,
            reviews=len(fractions),
            conflicts=sum(1 for row in rows if row["has_conflict"] is True),
            assigned=len(rows),
        )
    return summaries


@dataclass
class ReviewRow:
    """One reviewer's part in an application's review, for the office's decision page."""

    assignment: ReviewAssignment
    scores: dict[int, Score] = field(default_factory=dict)  # by criterion id
    percent: Decimal | None = None
    in_order: list[Score | None] = field(default_factory=list)  # in the rubric's order

    @property
    def state(self) -> str:
        if self.assignment.has_conflict:
            return "Conflict of interest declared"
        if self.assignment.submitted_at:
            return "Scored"
        if self.assignment.has_conflict is False:
            return "No conflict declared; scoring"
        return "Not started"


def application_reviews(application: Application) -> tuple[list[Criterion], list[ReviewRow]]:
    """The round's rubric and every reviewer's assignment with their scores (scores of a
    review count only once it is submitted)."""
    criteria = list(application.funding_round.criteria.all())
    rows = [
        ReviewRow(assignment=assignment)
        for assignment in application.assignments.select_related("reviewer").order_by("assigned_at")
    ]
    by_assignment = {row.assignment.pk: row for row in rows}
    for score in Score.objects.filter(assignment__in=list(by_assignment)).select_related(
        "criterion"
    ):
        by_assignment[score.assignment_id].scores[score.criterion_id] = score
    for row in rows:
        row.in_order = [row.scores.get(criterion.pk) for criterion in criteria]
        if row.assignment.submitted_at and row.assignment.has_conflict is False:
            fraction = review_fraction(
                (s.score, s.criterion.max_score, s.criterion.weight) for s in row.scores.values()
            )
            row.percent = to_percent(fraction) if fraction is not None else None
    return criteria, rows
