"""The director's scorecard on the office home: each app puts its own figures on it, as it
puts panels on the home pages (ovp/core/panels.py), so that `ovp.core` imports no app to its
right. An AppConfig names, in `scorecard`, the dotted path of a function taking the day and
returning its `Figure`s; the office home and `/office/scorecard.json` show them all, in the
order of INSTALLED_APPS, grouped by their `group`."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.utils.module_loading import import_string

GROUPS = ["Violence", "Money", "Late", "Work"]


@dataclass(frozen=True)
class Figure:
    key: str  # the JSON key
    label: str
    value: int | float | Decimal | bool | None
    url: str  # the page the figure comes from
    group: str  # one of GROUPS
    note: str = ""  # what it counts, in words
    kind: str = "count"  # count, money, days, yes/no

    def as_json(self) -> Any:
        if isinstance(self.value, Decimal):
            return float(self.value)
        return self.value


def scorecard(today: date) -> list[Figure]:
    figures: list[Figure] = []
    for config in apps.get_app_configs():
        path = getattr(config, "scorecard", None)
        if path:
            figures += import_string(path)(today)
    return figures


def scorecard_json(today: date) -> dict[str, Any]:
    """Every figure by its key; `year` is the year the violence figures count (that of the
    latest data), today's when there is none."""
    return {"year": today.year, **{figure.key: figure.as_json() for figure in scorecard(today)}}


def grouped(figures: list[Figure]) -> list[tuple[str, list[Figure]]]:
    return [(group, [f for f in figures if f.group == group]) for group in GROUPS
            if any(f.group == group for f in figures)]  # fmt: skip
