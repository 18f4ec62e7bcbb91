import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ovp.incidents.mapping import PRESETS, mapping_for


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # data commands: the URLconf need not load
    help = "Import a city's shooting export (a file or an http(s) URL) into the incident data."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("location", help="path or URL of the CSV export")
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--preset", choices=sorted(PRESETS))
        which.add_argument("--mapping", help="JSON file mapping the export's columns")
        parser.add_argument(
            "--source", help="name of the source (default: the preset or file name)"
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument(
            "--other-city-ok",
            action="store_true",
            help="import even when most of the file's points lie outside the city's areas "
            "(without it, such a file is refused as probably another city's)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # imported here, not with the module: --help and Django's command list start at
        # once, without pandas and pyarrow
        from ovp.incidents.services import incidents_import, source_for

        try:
            mapping_json = None
            if options["mapping"]:
                try:
                    mapping_json = json.loads(Path(options["mapping"]).read_text())
                except (OSError, json.JSONDecodeError) as error:
                    raise ValidationError(
                        f"Cannot read the mapping {options['mapping']}: {error}"
                    ) from error
            mapping = mapping_for(preset=options["preset"], mapping_json=mapping_json)
            name = options["source"] or options["preset"] or Path(options["location"]).stem[:64]
            # one transaction: a new source is not left behind when the import is refused
            with transaction.atomic():
                source = source_for(name=name, preset=options["preset"] or "", mapping=mapping)
                run = incidents_import(
                    location=options["location"],
                    mapping=mapping,
                    source=source,
                    file_name=Path(str(options["location"])).name,
                    other_city_ok=options["other_city_ok"],
                )
        except ValidationError as error:
            raise CommandError("Nothing was imported: " + " ".join(error.messages)) from error
        if options["json"]:
            self.stdout.write(json.dumps(run.summary))
            return
        summary = run.summary
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {summary['victims']:,} victims in {summary['incidents']:,} incidents "
                f"from {summary['rows_read']:,} rows ({_left_out(summary)}) "
                f"in {summary['seconds']} s."
            )
        )
        for incident in summary.get("large_incidents", []):
            self.stdout.write(
                self.style.WARNING(
                    f"Check line {incident['line']:,} ({incident['key']}): "
                    f"{incident['killed']:,} killed and {incident['injured']:,} injured."
                )
            )
        self.stdout.write(
            f"Placed by point {summary['placed_by_point']:,}, "
            f"by area code {summary['placed_by_code']:,}, "
            f"not placed {summary['unplaced']:,}. "
            f"Added {summary['added']:,}, changed {summary['changed']:,}, "
            f"removed {summary['removed']:,}."
        )


def _left_out(summary: dict[str, Any]) -> str:
    """The rows not imported: rejected (errors), and those left out that are not errors."""
    parts = [f"{summary['rejected']:,} rejected"]
    if summary.get("filtered_out"):
        parts.append(f"{summary['filtered_out']:,} filtered out")
    if summary.get("no_victims"):
        parts.append(f"{summary['no_victims']:,} with no one hurt")
    return ", ".join(parts)
