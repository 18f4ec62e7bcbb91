"""Thin Celery tasks: each calls one service."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from grants.services.program_data import program_data_rebuild as rebuild
from grants.services.reports import reports_send_reminders as send_reminders


@shared_task(acks_late=True)
def reports_send_reminders(today: str | None = None) -> int:
    """Daily: remind grantees of reports due within a week or overdue. `today` (ISO date)
    defaults to the office's local date."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    return send_reminders(today=day)


@shared_task(acks_late=True)
def program_data_rebuild() -> int:
    """Nightly: rebuild program data per area and quarter from approved reports."""
    return rebuild().rows
