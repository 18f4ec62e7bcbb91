"""Thin Celery tasks: each calls one service."""

from datetime import date
from smtplib import SMTPException

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from grants.services.program_data import program_data_rebuild as rebuild
from grants.services.reports import RemindersNotSent
from grants.services.reports import reports_send_reminders as send_reminders

# errors that may pass by themselves: the mail server or the database briefly unreachable
TRANSIENT = (RemindersNotSent, SMTPException, OSError, OperationalError, InterfaceError)


@shared_task(bind=True, acks_late=True, max_retries=5)
def reports_send_reminders(self: Task, today: str | None = None) -> int:
    """Daily: remind grantees of reports due within a week or overdue. `today` (ISO date)
    defaults to the office's local date. Retried with backoff (1, 2, 4... minutes) when some
    mail could not go or the database was unreachable: the service is idempotent (one
    reminder a day per report), so a retry sends only what is missing, and the retry keeps
    the first run's day even after midnight."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    try:
        return send_reminders(today=day)
    except TRANSIENT as error:
        raise self.retry(
            exc=error, kwargs={"today": day.isoformat()}, countdown=60 * 2**self.request.retries
        ) from error


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=60,
    max_retries=5,
)
def program_data_rebuild() -> int:
    """Nightly: rebuild program data per area and quarter from approved reports."""
    return rebuild().rows
