from typing import Any

from django.core.management.base import BaseCommand

from ovp.incidents.aggregation import incidents_aggregate
from ovp.incidents.services import incidents_place


class Command(BaseCommand):
    help = (
        "Place every victim again in the areas loaded now (run it after load_areas), then "
        "aggregate the days whose victims moved."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = incidents_place()
        incidents_aggregate()
        self.stdout.write(
            self.style.SUCCESS(f"{result.moved:,} of {result.victims:,} victims changed area.")
        )
