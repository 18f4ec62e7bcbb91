"""Enqueueing Celery tasks that survive Redis being down: a transactional outbox.

`enqueue(task, *args)` writes a QueuedTask row in the caller's transaction and sends it once
that transaction commits. When the broker cannot be reached, the row waits, and the
`outbox_flush` beat job (every minute) or `manage.py flush_outbox` sends it when Redis is
back. The request that asked for the work succeeds either way.
"""

import logging
from datetime import timedelta
from typing import Any

from celery import Task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ovp.core.models import QueuedTask

logger = logging.getLogger(__name__)

# sent rows are kept this long (what was queued, and when), then deleted by the flush
KEEP_SENT = timedelta(days=7)


def enqueue(task: Task, *args: Any, **kwargs: Any) -> QueuedTask:
    """Queue `task(*args, **kwargs)` (JSON-serialisable arguments) after the current
    transaction commits; never raises because the broker is down."""
    queued = QueuedTask.objects.create(task_name=task.name, args=list(args), kwargs=kwargs)
    transaction.on_commit(lambda: _send_one(queued.pk))
    return queued


def _publish(queued: QueuedTask) -> None:
    from ovp.celery import app

    # a connection of its own, from the settings as they are now, without kombu's retries:
    # an unreachable broker fails at once instead of holding the request
    with app.connection_for_write(settings.CELERY_BROKER_URL) as connection:
        app.send_task(
            queued.task_name,
            args=queued.args,
            kwargs=queued.kwargs,
            queue=settings.CELERY_TASK_DEFAULT_QUEUE,
            connection=connection,
            retry=False,
        )


def _send_locked(queued: QueuedTask) -> bool:
    """Send a row already locked by the caller's transaction; True when sent."""
    queued.attempts += 1
    try:
        _publish(queued)
    except Exception as error:  # the broker (or result backend) unreachable: keep the row
        logger.warning("Could not send %s (kept in the outbox): %s", queued.task_name, error)
        queued.last_error = f"{type(error).__name__}: {error}"[:2000]
        queued.save(update_fields=["attempts", "last_error"])
        return False
    queued.sent_at = timezone.now()
    queued.last_error = ""
    queued.save(update_fields=["attempts", "last_error", "sent_at"])
    return True


def _send_one(queued_id: int) -> None:
    with transaction.atomic():
        # skip_locked: a flush running at the same moment sends it, not both
        queued = (
            QueuedTask.objects.select_for_update(skip_locked=True)
            .unsent()
            .filter(pk=queued_id)
            .first()
        )
        if queued is not None:
            _send_locked(queued)


def outbox_flush(*, limit: int = 1000) -> tuple[int, int]:
    """Send the tasks that could not be sent when they were queued, oldest first; delete
    sent rows older than KEEP_SENT. Returns (sent, still waiting)."""
    sent = 0
    for queued_id in QueuedTask.objects.unsent().values_list("pk", flat=True)[:limit]:
        with transaction.atomic():
            queued = (
                QueuedTask.objects.select_for_update(skip_locked=True)
                .unsent()
                .filter(pk=queued_id)
                .first()
            )
            if queued is None:
                continue
            if not _send_locked(queued):
                break  # the broker is still down: the rest waits for the next flush
            sent += 1
    QueuedTask.objects.filter(sent_at__lt=timezone.now() - KEEP_SENT).delete()
    return sent, QueuedTask.objects.unsent().count()
