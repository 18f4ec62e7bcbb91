import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # data commands: the URLconf need not load
    help = "Bring the incident aggregates up to date (the nightly job); --full rebuilds all."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--full", action="store_true", help="recompute every period")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        # imported here, not with the module: --help and Django's command list start at
        # once, without pandas and pyarrow
        from ovp.incidents.aggregation import incidents_aggregate

        result = incidents_aggregate(full=options["full"])
        run = result.run
        report = {
            "full": run.full,
            "days": run.days,
            "weeks": result.weeks,
            "months": result.months,
            "rows_written": run.rows_written,
            "seconds": round(run.seconds or 0, 3),
        }
        if options["json"]:
            self.stdout.write(json.dumps(report))
        else:
            what = "every period" if run.full else f"{run.days} changed days"
            self.stdout.write(
                self.style.SUCCESS(
                    f"Aggregated {what}: {run.rows_written:,} rows in {report['seconds']} s."
                )
            )
