"""What every section's figures are made of: its numbers, its wording, its tables and charts,
and the stored form of them all (`as_dict`)."""

from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import pandas as pd

from ovp.incidents.charts import LAYOUT, PALETTE

TOP_AREAS_IN_CHART = 20


class Numbers(Protocol):
    """A section's key numbers (for its text, and for tests): stored as `as_dict()` gives."""

    def as_dict(self) -> dict[str, Any]: ...


N = TypeVar("N", bound=Numbers)


@dataclass(frozen=True)
class Table:
    caption: str
    columns: list[str]
    rows: list[list[Any]]

    def as_dict(self) -> dict[str, Any]:
        return {"caption": self.caption, "columns": self.columns, "rows": self.rows}


@dataclass(frozen=True)
class FigureChart:
    """A plotly figure (plain dicts) with its title and a description for screen readers;
    its numbers are in one of the section's tables."""

    slug: str
    title: str
    description: str
    figure: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "title": self.title,
            "description": self.description,
            "figure": self.figure,
        }


@dataclass(frozen=True)
class SectionFigures(Generic[N]):
    """One section's figures: its numbers, the paragraph drafted from them and the notes on
    how they were made, then its tables and charts."""

    numbers: N
    summary: str
    notes: list[str]
    tables: list[Table]
    charts: list[FigureChart]

    def as_dict(self) -> dict[str, Any]:
        """What `AssessmentSection.figures` stores (and each version keeps)."""
        return {
            "summary": self.summary,
            "numbers": self.numbers.as_dict(),
            "tables": [table.as_dict() for table in self.tables],
            "charts": [chart.as_dict() for chart in self.charts],
            "notes": list(self.notes),
        }


def rounded(value: Any, digits: int = 1) -> float | None:
    if value is None or pd.isna(value):
        return None
    return round(float(value), digits)


def bar_chart(
    slug: str, title: str, description: str, x: list[Any], y: list[Any], y_title: str
) -> FigureChart:
    return FigureChart(
        slug=slug,
        title=title,
        description=description,
        figure={
            "data": [{"type": "bar", "x": x, "y": y, "marker": {"color": PALETTE["bar"]}}],
            "layout": {
                **LAYOUT,
                "xaxis": {"automargin": True, "type": "category"},
                "yaxis": {"title": {"text": y_title}, "rangemode": "tozero"},
            },
        },
    )
