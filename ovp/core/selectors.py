"""Reads for the portal's frame: the office home and the schedule page."""

from dataclasses import dataclass
from typing import Any

from celery.schedules import crontab
from django.conf import settings
from django.db.models import Count, Sum

from ovp.accounts.models import Role, User
from ovp.areas.models import Area


@dataclass(frozen=True)
class OfficeSummary:
    areas_by_kind: list[dict[str, Any]]
    users_by_role: list[dict[str, Any]]


def office_summary() -> OfficeSummary:
    areas = [
        dict(row)
        for row in Area.objects.values("kind")
        .annotate(count=Count("id"), population=Sum("population"))
        .order_by("kind")
    ]
    labels = dict(Role.choices)
    users = [
        {"role": labels.get(row["role"], row["role"]), "count": row["count"]}
        for row in User.objects.active().values("role").annotate(count=Count("id")).order_by("role")
    ]
    return OfficeSummary(areas_by_kind=areas, users_by_role=users)


def _describe(schedule: Any) -> str:
    # crontab keeps its parsed fields as sets of ints (untyped in celery-types)
    fields: Any = schedule
    if (
        isinstance(schedule, crontab)
        and len(fields.hour) == 1
        and len(fields.minute) == 1
        and len(fields.day_of_week) == 7
        and len(fields.day_of_month) == 31
    ):
        (hour,), (minute,) = fields.hour, fields.minute
        return f"Every day at {hour:02d}:{minute:02d} ({settings.TIME_ZONE})"
    return str(schedule)


def scheduled_jobs() -> list[dict[str, str]]:
    """The beat schedule declared in settings, in words staff can read."""
    return [
        {
            "name": name,
            "task": job["task"],
            "when": _describe(job["schedule"]),
            "description": job.get("description", ""),
        }
        for name, job in sorted(settings.OVP_SCHEDULED_JOBS.items())
    ]
