"""The sections of a needs assessment, in order: each a key, a title and the function that
builds its figures from the period and the kind of area."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from evaluation.figures.base import SectionFigures
from evaluation.figures.burden import burden_figures
from evaluation.figures.coverage import coverage_figures
from evaluation.figures.evaluations import evaluation_figures
from evaluation.figures.funding import funding_figures
from evaluation.figures.residents import residents_figures
from evaluation.figures.who import who_figures


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str
    build: Callable[[date, date, str], SectionFigures[Any]]


SECTIONS = [
    SectionSpec("burden", "Violence burden and trends by area", burden_figures),
    SectionSpec("who", "Who is affected", lambda begin, end, kind: who_figures(begin, end)),
    SectionSpec("coverage", "Program coverage and gaps", coverage_figures),
    SectionSpec("funding", "Funding against the benchmark", funding_figures),
    SectionSpec(
        "evaluations",
        "What evaluations found",
        lambda begin, end, kind: evaluation_figures(begin, end),
    ),
    SectionSpec(
        "residents",
        "What residents told us",
        lambda begin, end, kind: residents_figures(begin, end),
    ),
]
SECTION_SPECS = {spec.key: spec for spec in SECTIONS}
