import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ovp.areas.models import AreaKind


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # data commands: the URLconf need not load
    help = (
        "Guess how a city's CSV export maps onto victims: prints a complete mapping (the JSON "
        "that import_incidents --mapping reads) with a confidence and a reason for each field, "
        "and what could not be decided. Reads runs of rows spread over the whole file, and "
        "matches area codes against the areas loaded in the portal."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="path of the CSV export")
        parser.add_argument(
            "--area-kind",
            choices=AreaKind.values,
            help="the kind of area the export's codes name (default: guessed from the codes)",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="print one JSON object: mapping, fields (value, confidence, reason), undecided",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from ovp.incidents.guessing import area_codes_by_kind, guess_mapping, read_sample

        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        try:
            sample = read_sample(str(path))
        except (OSError, ValueError) as error:  # pyarrow's ArrowInvalid is a ValueError
            raise CommandError(f"The file cannot be read as CSV: {error}") from error
        guess = guess_mapping(sample, area_codes_by_kind(), area_kind=options["area_kind"])
        if options["json"]:
            self.stdout.write(json.dumps(guess.as_json(), indent=2))
            return
        self.stdout.write(json.dumps(guess.mapping, indent=2))
        self.stdout.write("")
        self.stdout.write(f"From {guess.sample_rows:,} rows spread over {path.name}:")
        for name, field in guess.fields.items():
            shown = json.dumps(field.value)
            shown = shown if len(shown) <= 40 else shown[:37] + "..."
            self.stdout.write(f"  {name:<13} {shown:<42} {field.confidence:<6} {field.reason}")
        if guess.undecided:
            self.stdout.write("")
            self.stdout.write(self.style.WARNING("Not decided (check these by hand):"))
            for line in guess.undecided:
                self.stdout.write(f"  {line}")
        if guess.valid_mapping() is None:
            self.stdout.write(self.style.WARNING("The mapping is not complete yet."))
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    "Save the JSON above to a file and run: "
                    f"manage.py import_incidents {path} --mapping FILE"
                )
            )
