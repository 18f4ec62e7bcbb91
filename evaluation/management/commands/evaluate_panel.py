"""Run an impact estimator on any panel CSV: `python manage.py evaluate_panel FILE.csv
--unit COL --time COL --outcome COL --treated-from COL [--weights COL] [--log-outcome]
[--method twfe|event-study|staggered|its|synth] [--json]`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from evaluation.models import EvaluationMethod

if TYPE_CHECKING:
    from evaluation.estimators import Result

MAX_BYTES = 500 * 1024 * 1024


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # data commands: the URLconf need not load
    help = (
        "Estimate the effect of a treatment on a panel CSV (one row per unit and period). "
        "--treated-from names the column holding the period a unit is first treated, empty "
        "for never treated."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The panel, as CSV.")
        parser.add_argument("--unit", required=True, help="Column naming the unit (area).")
        parser.add_argument("--time", required=True, help="Column of the period (number or date).")
        parser.add_argument("--outcome", required=True, help="Column of the outcome.")
        parser.add_argument(
            "--treated-from",
            required=True,
            help="Column of the first treated period; empty for never treated.",
        )
        parser.add_argument("--weights", help="Column of weights (e.g. population).")
        parser.add_argument(
            "--log-outcome",
            action="store_true",
            help="Model log(outcome); refused when the outcome has zeros.",
        )
        parser.add_argument(
            "--method",
            choices=EvaluationMethod.values,
            help="Default: synth for one treated unit, staggered when starts differ, else twfe.",
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args: Any, **options: Any) -> None:
        # the estimators need pandas and scipy: imported here, so that --help starts at once
        from evaluation.estimators import PanelError
        from evaluation.services.runs import panel_estimate, panel_from_csv

        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"{path} is larger than {MAX_BYTES // (1024 * 1024)} MB.")
        try:
            panel = panel_from_csv(
                path.read_bytes(),
                unit=options["unit"],
                time=options["time"],
                outcome=options["outcome"],
                treated_from=options["treated_from"],
                weights=options.get("weights"),
                log_outcome=options["log_outcome"],
            )
            result = panel_estimate(panel, options.get("method"))
        except PanelError as error:
            raise CommandError(str(error)) from error
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), sort_keys=True))
            return
        self.stdout.write(_text(result))


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4g}"


def _se_scale(plain: dict[str, Any]) -> str:
    scale = (plain.get("details") or {}).get("std_error_scale")
    return f" (on the {scale} scale)" if scale else ""


def _text(result: Result) -> str:
    plain = result.as_dict()
    lines = [
        f"Method: {EvaluationMethod(result.method).label}",
        f"Estimate: {_number(plain['estimate'])} ({plain['scale']})",
        f"Standard error: {_number(plain['std_error'])}{_se_scale(plain)}",
        f"95% CI: {_number(plain['ci_low'])} to {_number(plain['ci_high'])}",
        f"Observations: {result.n_obs}; units: {result.n_units} ({result.n_treated} treated)",
    ]
    if plain["relative"] is not None:
        lines.append(f"As a change: {plain['relative'] * 100:+.1f}%")
    for warning in result.warnings:
        lines.append(f"Warning: {warning}")
    return "\n".join(lines)
