"""The portal frame's own records: the outbox of Celery tasks (see ovp/core/queue.py)."""

from django.db import models


class QueuedTaskQuerySet(models.QuerySet["QueuedTask"]):
    def unsent(self) -> "QueuedTaskQuerySet":
        return self.filter(sent_at__isnull=True)


class QueuedTask(models.Model):
    """A Celery task to send, written in the transaction that asked for it: it is sent after
    commit, or, when the broker (Redis) cannot be reached then, by `flush_outbox` once it is
    back. Tasks are idempotent, so sending one twice (a crash between sending and marking it
    sent) is harmless; losing one is not."""

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    objects = QueuedTaskQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="queuedtask_unsent",
            )
        ]

    def __str__(self) -> str:
        state = f"sent {self.sent_at:%Y-%m-%d %H:%M}" if self.sent_at else "waiting"
        return f"{self.task_name} ({state})"
