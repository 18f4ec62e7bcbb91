"""The office's metric library to start with: the report's built-in metrics, with the
definitions grantees read where they type them, and a few metrics of single strategies.
Migration 0005 adds them; `built_in_metrics` adds a built-in one found missing (a database
emptied by hand, or by a test that flushes it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from grants.models import Metric

# (slug, name, unit, strategy, column, definition)
LIBRARY = [
    (
        "participants-enrolled",
        "Participants enrolled",
        "people",
        "",
        "participants_enrolled",
        "People newly enrolled this quarter: they agreed to take part and had a first session or "
        "meeting. Count each person once, however many sessions they had.",
    ),
    (
        "participants-active",
        "Participants active",
        "people",
        "",
        "participants_active",
        "People enrolled at any time who had at least one session, contact or service this "
        "quarter. Cannot be more than participants enrolled.",
    ),
    (
        "outreach-contacts",
        "Outreach contacts",
        "contacts",
        "",
        "outreach_contacts",
        "Face-to-face contacts by outreach workers with people at high risk, on the street or "
        "in homes. Each contact counts, so one person can count several times.",
    ),
    (
        "conflicts-mediated",
        "Conflicts mediated",
        "events",
        "",
        "conflicts_mediated",
        "Disputes likely to turn violent that staff stepped into this quarter, whatever the "
        "outcome. One conflict, however many people, counts once.",
    ),
    (
        "referrals-made",
        "Referrals made",
        "referrals",
        "",
        "referrals_made",
        "Referrals of participants to another service (housing, jobs, mental health, legal aid).",
    ),
    (
        "referrals-completed",
        "Referrals completed",
        "referrals",
        "",
        "referrals_completed",
        "Referrals where the participant was seen by the service referred to. Cannot be more "
        "than referrals made.",
    ),
    (
        "participants-reinjured",
        "Participants re-injured",
        "people",
        "",
        "participants_reinjured",
        "Participants treated for a violent injury this quarter after enrolling. Counts only; "
        "no names or dates of injury.",
    ),
    (
        "caseload-per-worker",
        "Caseload per worker",
        "people",
        "",
        "staff_caseload",
        "Active participants divided by full-time case workers, at the quarter's end, rounded.",
    ),
    (
        "bedside-contacts",
        "Bedside contacts",
        "people",
        "hospital",
        "",
        "Patients treated for a violent injury whom a violence intervention specialist met at "
        "the bedside or in the emergency department, within 48 hours of arrival.",
    ),
    (
        "patients-enrolled-after-discharge",
        "Patients enrolled after discharge",
        "people",
        "hospital",
        "",
        "Patients met at the bedside who enrolled in case management within 30 days of leaving "
        "hospital.",
    ),
    (
        "lots-greened",
        "Vacant lots greened",
        "lots",
        "place_based",
        "",
        "Vacant lots cleaned, planted and fenced for the first time this quarter.",
    ),
    (
        "lots-maintained",
        "Greened lots maintained",
        "lots",
        "place_based",
        "",
        "Lots greened earlier that were mowed and cleared of trash at least twice this quarter.",
    ),
    (
        "streetlights-repaired",
        "Streetlights repaired",
        "lights",
        "place_based",
        "",
        "Streetlights fixed or installed in the program's blocks this quarter.",
    ),
    (
        "youth-placed-in-jobs",
        "Young people placed in jobs",
        "people",
        "youth_employment",
        "",
        "Young people who started a paid placement this quarter.",
    ),
    (
        "hours-worked",
        "Hours worked by participants",
        "hours",
        "youth_employment",
        "",
        "Paid hours worked by all participants this quarter, from payroll.",
    ),
]


def library_metrics_ensure() -> None:
    """Every metric of the library to start with, added where missing (the demo city on a
    database emptied by hand, or by a test that flushes it); existing ones are left as
    they are."""
    from grants.models import Metric

    have = set(Metric.objects.values_list("slug", flat=True))
    for slug, name, unit, strategy, column, definition in LIBRARY:
        if slug not in have:
            Metric.objects.create(slug=slug, name=name, unit=unit, strategy=strategy,
                                  column=column, definition=definition)  # fmt: skip


def built_in_metrics() -> list[Metric]:
    """The built-in metrics, in the report's order."""
    from grants.models import REPORT_METRICS, Metric

    rows = {metric.column: metric for metric in Metric.objects.exclude(column="")}
    for slug, name, unit, strategy, column, definition in LIBRARY:
        if column and column not in rows:
            rows[column], _ = Metric.objects.get_or_create(
                slug=slug,
                defaults={"name": name, "unit": unit, "strategy": strategy, "column": column,
                          "definition": definition},
            )  # fmt: skip
    return [rows[name] for name, _ in REPORT_METRICS if name in rows]
