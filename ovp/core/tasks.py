from celery import shared_task

from ovp.core.queue import outbox_flush as flush


@shared_task(acks_late=True)
def outbox_flush() -> int:
    """Every minute: send tasks queued while Redis was down."""
    sent, _ = flush()
    return sent
