from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ovp.incidents.models import DEFAULT_YEARLY_REDUCTION, TargetMeasure


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # data commands: the URLconf need not load
    help = (
        "Set (or replace) a target: each year after the baseline year, the measure a "
        "percentage below the year before's target. City-wide, or for one area with --area."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--measure", choices=TargetMeasure.values, required=True)
        parser.add_argument(
            "--baseline-year", type=int, required=True,
            help="A year the data covers in full: its count is where the path starts.",
        )  # fmt: skip
        parser.add_argument(
            "--reduction", default=str(DEFAULT_YEARLY_REDUCTION),
            help=f"Percent fewer each year (default {DEFAULT_YEARLY_REDUCTION}).",
        )  # fmt: skip
        parser.add_argument("--area-kind", default="", help="The kind of --area (e.g. precinct).")
        parser.add_argument("--area", default="", help="An area's code: a target for it alone.")

    def handle(self, *args: Any, **options: Any) -> None:
        from ovp.areas.models import Area
        from ovp.incidents.targets import target_set

        area = None
        if options["area"]:
            areas = Area.objects.filter(code=options["area"])
            if options["area_kind"]:
                areas = areas.filter(kind=options["area_kind"])
            found = list(areas[:2])
            if not found:
                raise CommandError(f"No area has the code {options['area']!r}.")
            if len(found) > 1:
                raise CommandError(
                    "Several kinds of area have that code: name one with --area-kind."
                )
            area = found[0]
        try:
            target = target_set(
                measure=options["measure"], baseline_year=options["baseline_year"],
                yearly_reduction=options["reduction"], area=area,
            )  # fmt: skip
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Target set: {target}, {target.yearly_reduction}% a year.")
        )
