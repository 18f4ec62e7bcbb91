"""Section 5, what evaluations found: the latest stored impact evaluation of each program (and
of each strategy evaluated as a whole) whose window overlaps the period, with its estimate,
interval and warnings as stored with the run."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models.fields.json import KT

from evaluation.figures.base import SectionFigures, Table
from evaluation.figures.wording import count_text
from evaluation.models import EvaluationRun

MAX_RUNS = 20
NO_RUN = "No impact evaluation is stored yet, so this assessment cannot say which programs work."
STORED = "Estimates, intervals and warnings are those stored with each run."

# -- the numbers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One stored run, as the section shows it."""

    title: str
    method: str
    estimate: float | None
    ci: str
    change: str
    relative_ci: str
    warnings: list[str]
    run_on: str
    summary: str


@dataclass(frozen=True)
class EvaluationsNumbers:
    findings: list[Finding]

    def as_dict(self) -> dict[str, Any]:
        return {"runs": len(self.findings), "titles": [f.title for f in self.findings]}


def latest_runs_overlapping(begin: date, end: date) -> list[EvaluationRun]:
    """The latest run of each program, and of each strategy evaluated as a whole, whose
    window overlaps the period (a window ends where its last week or month ends). Runs
    without a window are left out: nothing says what period they speak for."""
    runs = (
        EvaluationRun.objects.select_related("program")
        .defer("inputs")  # it holds the run's panel
        .annotate(
            window_begin=KT("inputs__window__0"),
            window_end=KT("inputs__window__1"),
            window_period=KT("inputs__period"),
        )
        .filter(
            window_begin__lte=end.isoformat(),
            window_end__gte=(begin - timedelta(days=31)).isoformat(),
        )
        .order_by("-created_at", "-id")
    )
    latest: dict[tuple[str, str], EvaluationRun] = {}
    for run in runs:
        last_start = date.fromisoformat(run.window_end)  # type: ignore[attr-defined]
        if run.window_period == "week":  # type: ignore[attr-defined]
            last_day = last_start + timedelta(days=6)
        else:
            last_day = last_start + relativedelta(months=1) - timedelta(days=1)
        if last_day < begin:
            continue
        key = ("program", str(run.program_id)) if run.program_id else ("strategy", run.strategy)
        latest.setdefault(key, run)
    return list(latest.values())[:MAX_RUNS]


def _percent(value: Any) -> str:
    return "" if value is None else f"{float(value) * 100:+.0f}%"


def _finding(run: EvaluationRun) -> Finding:
    results = run.results or {}
    return Finding(
        title=run.title,
        method=run.get_method_display(),
        estimate=None if run.estimate is None else round(run.estimate, 3),
        ci=(
            f"{run.ci_low:.3g} to {run.ci_high:.3g}"
            if run.ci_low is not None and run.ci_high is not None
            else ""
        ),
        change=run.change_text,
        relative_ci=(
            f"{_percent(results.get('relative_low'))} to {_percent(results.get('relative_high'))}"
            if results.get("relative_low") is not None
            else ""
        ),
        warnings=run.warnings,
        run_on=f"{run.created_at:%Y-%m-%d}",
        summary=run.summary,
    )


def evaluations_numbers(begin: date, end: date) -> EvaluationsNumbers:
    return EvaluationsNumbers([_finding(run) for run in latest_runs_overlapping(begin, end)])


# -- the wording -------------------------------------------------------------------------------


def evaluations_summary(numbers: EvaluationsNumbers) -> str:
    findings = numbers.findings
    if not findings:
        return NO_RUN
    sentences = [
        f"{count_text(len(findings), 'impact evaluation is', 'impact evaluations are')} stored."
    ]
    sentences += [f"{f.title}: {f.summary}" for f in findings]
    return " ".join(sentences)


def evaluations_notes(numbers: EvaluationsNumbers) -> list[str]:
    """Every run's warnings, named by the run; or where the figures come from."""
    warnings = [f"{f.title}: {warning}" for f in numbers.findings for warning in f.warnings]
    return warnings or [STORED]


# -- the table ---------------------------------------------------------------------------------


def evaluations_tables(numbers: EvaluationsNumbers) -> list[Table]:
    return [
        Table(
            caption="Impact evaluations stored in the portal",
            columns=[
                "Evaluation",
                "Method",
                "Estimate",
                "95% CI",
                "Change",
                "95% CI of the change",
                "Warnings",
                "Run on",
            ],
            rows=[
                [
                    f.title,
                    f.method,
                    f.estimate,
                    f.ci,
                    f.change,
                    f.relative_ci,
                    len(f.warnings),
                    f.run_on,
                ]
                for f in numbers.findings
            ],
        )
    ]


def evaluation_figures(begin: date, end: date) -> SectionFigures[EvaluationsNumbers]:
    numbers = evaluations_numbers(begin, end)
    return SectionFigures(
        numbers=numbers,
        summary=evaluations_summary(numbers),
        notes=evaluations_notes(numbers),
        tables=evaluations_tables(numbers),
        charts=[],  # its figures are its table
    )
