"""Small-cell suppression for the public page, checked the way an attacker works.

The public page publishes a year month by month: at the end of each month, the year's
counts so far in a few tables (each adds up to the year's people shot so far, which is
published), and the people shot in each month. A count from 1 to threshold - 1 is hidden
(primary suppression). An attacker knows every total and every shown cell of every month's
release of the year, that a hidden count is at least 1 (0 is shown), that counts so far
never fall from one month to the next, and that a month's count never changes once its
month is over. From those they can bound each hidden count by linear programming; more
cells are hidden (secondary suppression, smallest first) until every hidden count of every
release of the year can still take at least MIN_POSSIBLE values. A month whose release
cannot be made so is not released: the page stays at the month before, and the next
month is tried with both.

`audit` is the attacker's calculation (integer programming, scipy's milp); `extend` makes
one table's release for the next month.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

MIN_POSSIBLE = 5  # values a hidden count can still take, at the least

Published = list[int | None]  # a table's cells as released: None where hidden


@dataclass(frozen=True)
class History:
    """One table's releases so far in a year, one per released month, oldest first."""

    totals: tuple[int, ...]  # what its cells add up to, at each release (published)
    cells: tuple[tuple[int | None, ...], ...]  # as released
    # a series (people shot each month) keeps its cells across releases and gains one a
    # month; any other table holds counts so far, which never fall
    series: bool = False

    def then(self, total: int, cells: Sequence[int | None]) -> History:
        return History((*self.totals, total), (*self.cells, tuple(cells)), self.series)


@dataclass(frozen=True)
class Bounds:
    low: int
    high: float  # math.inf where nothing bounds it

    @property
    def possible(self) -> float:
        return self.high - self.low + 1


def audit(history: History) -> dict[tuple[int, int], Bounds]:
    """The lowest and highest value each hidden count can take, given everything released:
    keyed by (release, cell), a series' month once (at the first release hiding it)."""
    from scipy.optimize import Bounds as Box
    from scipy.optimize import LinearConstraint, milp

    terms = _terms(history)
    variables = sorted({term for cells in terms for term in cells if isinstance(term, Unknown)})
    if not variables:
        return {}
    rows, lower, upper = _constraints(history, terms, len(variables))
    constraint = LinearConstraint(rows, lower, upper)
    box = Box(lb=1, ub=math.inf)
    bounds: dict[tuple[int, int], Bounds] = {}
    for unknown in variables:
        objective = _unit(len(variables), unknown.index)
        low = milp(objective, constraints=constraint, integrality=1, bounds=box)
        high = milp(-objective, constraints=constraint, integrality=1, bounds=box)
        bounds[unknown.first] = Bounds(
            low=round(low.fun) if low.success else 1,
            high=-round(high.fun) if high.success else math.inf,
        )
    return bounds


@dataclass(frozen=True, order=True)
class Unknown:
    index: int
    first: tuple[int, int]  # (release, cell) where it is first hidden


def _terms(history: History) -> list[list[int | Unknown]]:
    """Each released cell as its value, or the unknown standing for it. A series' month is
    one unknown in every release, and known in all of them once any release shows it."""
    shown = {
        cell: value
        for cells in history.cells
        for cell, value in enumerate(cells)
        if value is not None and history.series
    }
    unknowns: dict[object, Unknown] = {}
    terms: list[list[int | Unknown]] = []
    for release, cells in enumerate(history.cells):
        row: list[int | Unknown] = []
        for cell, value in enumerate(cells):
            if value is not None:
                row.append(value)
            elif cell in shown:
                row.append(shown[cell])
            else:
                key: object = cell if history.series else (release, cell)
                if key not in unknowns:
                    unknowns[key] = Unknown(len(unknowns), (release, cell))
                row.append(unknowns[key])
        terms.append(row)
    return terms


def _unit(size: int, index: int) -> np.ndarray:
    import numpy as np

    vector = np.zeros(size)
    vector[index] = 1.0
    return vector


def _constraints(
    history: History, terms: list[list[int | Unknown]], variables: int
) -> tuple[np.ndarray, list[float], list[float]]:
    """Each release's cells add up to its total; counts so far never fall."""
    import numpy as np

    rows: list[np.ndarray] = []
    lower: list[float] = []
    upper: list[float] = []

    def add(coefficients: dict[int, float], low: float, high: float) -> None:
        row = np.zeros(variables)
        for index, coefficient in coefficients.items():
            row[index] += coefficient
        rows.append(row)
        lower.append(low)
        upper.append(high)

    for total, cells in zip(history.totals, terms, strict=True):
        known = sum(term for term in cells if not isinstance(term, Unknown))
        add({t.index: 1.0 for t in cells if isinstance(t, Unknown)}, total - known, total - known)
    if not history.series:
        for before, after in itertools.pairwise(terms):
            for earlier, later in zip(before, after, strict=False):
                # earlier <= later
                if isinstance(earlier, Unknown) or isinstance(later, Unknown):
                    coefficients: dict[int, float] = {}
                    limit = 0.0
                    if isinstance(earlier, Unknown):
                        coefficients[earlier.index] = 1.0
                    else:
                        limit -= earlier
                    if isinstance(later, Unknown):
                        coefficients[later.index] = coefficients.get(later.index, 0.0) - 1.0
                    else:
                        limit += later
                    add(coefficients, -math.inf, limit)
    return np.array(rows), lower, upper


def safe(history: History) -> bool:
    """Every hidden count of every release can still take MIN_POSSIBLE values or more."""
    return all(b.possible >= MIN_POSSIBLE for b in audit(history).values())


def extend(
    history: History,
    counts: Sequence[int],
    threshold: int,
    *,
    protected: Sequence[int] = (),
) -> list[int | None] | None:
    """The table's release for the next month, or None when no release keeps every hidden
    count safe. Counts from 1 to threshold - 1 are hidden; then, while some hidden count
    can be narrowed too far, one more cell is hidden: the same category's where that is the
    one giving it away, else the smallest shown. A series keeps what it released (a month
    shown stays shown, one hidden stays hidden). `protected` cells (a headline figure) are
    never hidden to protect another."""
    total = sum(counts)
    released = history.cells[-1] if history.cells else ()
    cells: list[int | None] = [None if 0 < c < threshold else c for c in counts]
    if history.series:
        for cell, value in enumerate(released):
            cells[cell] = value
    # this release alone first: its hidden cells add up to what the shown ones leave of the
    # total, and each is 1 or more, so each can take (that sum - hidden cells + 1) values
    while _hidden_sum(cells, counts) - cells.count(None) + 1 < MIN_POSSIBLE and cells.count(None):
        choice = _next_to_hide([], cells, released, protected, series=history.series)
        if choice is None:
            return None
        cells[choice] = None
    # then every release of the year together, as an attacker would
    while True:
        candidate = history.then(total, cells)
        narrow = [key for key, b in audit(candidate).items() if b.possible < MIN_POSSIBLE]
        if not narrow:
            return cells
        choice = _next_to_hide(narrow, cells, released, protected, series=history.series)
        if choice is None:
            return None
        cells[choice] = None


def _hidden_sum(cells: Sequence[int | None], counts: Sequence[int]) -> int:
    return sum(count for cell, count in zip(cells, counts, strict=True) if cell is None)


def _next_to_hide(
    narrow: list[tuple[int, int]],
    cells: list[int | None],
    released: Sequence[int | None],
    protected: Sequence[int],
    *,
    series: bool,
) -> int | None:
    def hideable(cell: int) -> bool:
        value = cells[cell]
        if value is None or value == 0 or cell in protected:
            return False
        # a series' month released already is public: hiding it now would hide nothing
        return not (series and cell < len(released))

    for _, cell in narrow:
        if hideable(cell):
            return cell
    candidates = [(cells[c], c) for c in range(len(cells)) if hideable(c)]
    return min(candidates)[1] if candidates else None  # type: ignore[type-var]
