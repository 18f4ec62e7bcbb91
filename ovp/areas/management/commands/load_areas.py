from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ovp.areas.models import AreaKind


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # data commands: the URLconf need not load
    help = (
        "Load area boundaries from a GeoJSON FeatureCollection (creates or updates by kind+code)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="GeoJSON file in longitude/latitude (EPSG:4326)")
        parser.add_argument("--kind", required=True, choices=AreaKind.values)
        parser.add_argument("--code-field", required=True, help="property holding the area code")
        parser.add_argument("--name-field", help="property holding the area name")
        parser.add_argument("--population-field", help="property holding the population")

    def handle(self, *args: Any, **options: Any) -> None:
        # imported here, not with the module: --help and Django's command list start at
        # once, without pandas and pyarrow
        from ovp.areas.services import areas_load_geojson

        try:
            result = areas_load_geojson(
                source=options["file"],
                kind=options["kind"],
                code_field=options["code_field"],
                name_field=options["name_field"],
                population_field=options["population_field"],
            )
        except ValidationError as error:
            raise CommandError("Nothing was loaded:\n  " + "\n  ".join(error.messages)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Areas of kind {options['kind']}: "
                f"{result.created} created, {result.updated} updated."
            )
        )
