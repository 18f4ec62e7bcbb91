from typing import Any

from django.core.management.base import BaseCommand

from ovp.core.queue import outbox_flush


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # data commands: the URLconf need not load
    help = "Send the Celery tasks queued while Redis was down (the beat job does it every minute)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent, waiting = outbox_flush()
        self.stdout.write(f"Sent {sent} queued task(s); {waiting} still waiting.")
        if waiting:
            self.stderr.write("The broker is still unreachable for some; run again later.")
