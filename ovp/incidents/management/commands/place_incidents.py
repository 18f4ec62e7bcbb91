from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # data commands: the URLconf need not load
    help = (
        "Place every victim again in the areas loaded now (run it after load_areas), then "
        "aggregate the days whose victims moved."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # imported here, not with the module: --help and Django's command list start at
        # once, without pandas and pyarrow
        from ovp.incidents.aggregation import incidents_aggregate
        from ovp.incidents.importing import incidents_place

        result = incidents_place()
        incidents_aggregate()
        self.stdout.write(
            self.style.SUCCESS(f"{result.moved:,} of {result.victims:,} victims changed area.")
        )
