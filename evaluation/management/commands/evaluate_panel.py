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
        "--treated-from names the column holding the period a unit is first treated; empty "
        "or 0 for never treated (0 is how R's did, csdid and Stata mark them)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The panel, as CSV.")
        parser.add_argument("--unit", required=True, help="Column naming the unit (area).")
        parser.add_argument("--time", required=True, help="Column of the period (number or date).")
        parser.add_argument("--outcome", required=True, help="Column of the outcome.")
        parser.add_argument(
            "--treated-from",
            required=True,
            help="Column of the first treated period; empty or 0 for never treated (as R's did, "
            "csdid and Stata write them).",
        )
        parser.add_argument("--weights", help="Column of weights (e.g. population).")
        logs = parser.add_mutually_exclusive_group()
        logs.add_argument(
            "--log-outcome",
            action="store_true",
            help="Model log(outcome); refused when the outcome has zeros.",
        )
        logs.add_argument(
            "--outcome-is-log",
            action="store_true",
            help="The outcome is already a log (e.g. log sales): the change is reported as "
            "exp(estimate) - 1.",
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
                outcome_is_log=options["outcome_is_log"],
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


# what each method's headline estimate is
HEADLINES = {
    "staggered": "the simple overall ATT: every cohort's effect in every period from its start "
    "on, averaged with cohort-size weights (did's and csdid's `simple` aggregation), not the "
    "dynamic (event-time) average",
    "synth": "the mean gap between the treated unit and its synthetic control (a weighted mix "
    "of the donors below) over the periods after the start",
    "twfe": "the two-way fixed effects coefficient on being treated after the start (unit and "
    "period effects)",
    "event-study": "the mean of the event study's coefficients after the start",
    "its": "the change in level at the start, as a rate ratio of the series' counts",
}


def _text(result: Result) -> str:
    plain = result.as_dict()
    details = plain.get("details") or {}
    lines = [
        f"Method: {EvaluationMethod(result.method).label}",
        f"Headline: {HEADLINES.get(result.method, 'the estimate of the method above')}",
    ]
    averaged = details.get("periods_averaged")
    if averaged:
        lines.append(f"Periods averaged: {averaged[0]} to {averaged[1]}")
    lines += [
        f"Estimate: {_number(plain['estimate'])} ({plain['scale']})",
        f"Standard error: {_number(plain['std_error'])}{_se_scale(plain)}",
        f"95% CI: {_number(plain['ci_low'])} to {_number(plain['ci_high'])}",
        f"Observations: {result.n_obs}; units: {result.n_units} ({result.n_treated} treated)",
    ]
    if plain["relative"] is not None:
        lines.append(f"As a change: {plain['relative'] * 100:+.1f}%")
    weights = details.get("weights")
    if weights:
        shown = sorted(weights.items(), key=lambda item: -item[1])
        lines.append("Donor weights: " + ", ".join(f"{name} {w:.3f}" for name, w in shown))
    lines += _pretrend_lines(details)
    for warning in result.warnings:
        lines.append(f"Warning: {warning}")
    return "\n".join(lines)


def _pretrend_lines(details: dict[str, Any]) -> list[str]:
    lines = []
    if "pretrend_p" in details:
        lines.append(
            "Pre-trend test, nearest periods before the start: p = "
            + _number(details.get("pretrend_p"))
        )
    if "pretrend_all_p" in details:
        lines.append(
            "Pre-trend test, every group-time effect before its start (as R's did and csdid "
            f"print): p = {_number(details.get('pretrend_all_p'))}"
            + (f" ({details['pretrend_all_df']} effects)" if details.get("pretrend_all_df") else "")
            + (
                "; with this many effects for these few units it rejects far too often: read "
                "the test above"
                if details.get("pretrend_all_reliable") is False
                else ""
            )
        )
    return lines
