"""Small-cell suppression for the public page, checked the way an attacker works.

The public page publishes a year quarter by quarter: at the end of each quarter, the year's
counts so far in a few tables (each adds up to the year's people shot so far, which is
published), and the people shot in each month. A count from 1 to threshold - 1 is hidden
(primary suppression); then more cells (secondary suppression) until every hidden count of
every release of the year can still take at least MIN_POSSIBLE values. A quarter whose
release cannot be made so is not released: the page stays at the quarter before, and the
next is tried with both.

The attacker reads this code. They know every total and every shown cell of every release
of the year, that a hidden count is at least 1 (0 is shown), that counts so far never fall
from one release to the next, that a month's count never changes once released, and the
rule choosing secondary cells: the cells hidden at the release before first, then the others,
each group in an order drawn from the server's secret key (`hiding_order`). The order looks
at no count, and the attacker cannot work it out without the key, so they cannot run the
rule on the counts they guess to see which would give the page they read; what they can tell
from it: when a cell hidden at the release before is shown now, any other hidden cell is
primary, under the threshold (it would otherwise have come after that one), and so is a
hidden protected cell. `audit` bounds each hidden count with all of that by integer
programming (scipy's milp), and counts a count it cannot bound as unsafe; `extend` makes
one table's next release. Whoever holds the key (the SECRET_KEY) can narrow more, by running
the rule: keep it secret, as the sessions already require.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

MIN_POSSIBLE = 5  # values a hidden count can still take, at the least
# the rule's version: a cached release worked out under another rule is worked out again
RULES = 3

# HiGHS's presolve (scipy 1.17) returns a wrong optimum for some of these programmes: the
# lowest value of a count of 1 to 20 given as 8 (tests/incidents/test_publication.py keeps
# the case); without it the answers are right, and these programmes are small
SOLVER = {"presolve": False}


@dataclass(frozen=True)
class History:
    """One table's releases so far in a year, one per released month, oldest first."""

    totals: tuple[int, ...]  # what its cells add up to, at each release (published)
    cells: tuple[tuple[int | None, ...], ...]  # as released
    # a series (people shot each month) keeps its cells across releases and gains months
    # at each; any other table holds counts so far, which never fall
    series: bool = False
    threshold: int = 10
    protected: tuple[int, ...] = ()  # a headline cell, never hidden to protect another
    key: bytes = b""  # the secret the hiding order is drawn from (a table's, for the year)

    def then(self, total: int, cells: Sequence[int | None]) -> History:
        return replace(self, totals=(*self.totals, total), cells=(*self.cells, tuple(cells)))

    def groups(self, release: int, cells: Sequence[int | None]) -> tuple[list[int], list[int]]:
        """The cells the rule may hide as secondary at `release` (not protected, not a month
        released before, not shown as 0), in its two groups: those hidden at the release
        before, then the others."""
        before = self.cells[release - 1] if release else ()
        earlier = len(before) if self.series else 0
        hideable = [
            cell for cell in range(len(cells))
            if cell not in self.protected and cell >= earlier and cells[cell] != 0
        ]  # fmt: skip
        first = [c for c in hideable if not self.series and c < len(before) and before[c] is None]
        return first, [c for c in hideable if c not in first]

    def hiding_order(self, release: int, cells: Sequence[int | None]) -> list[int]:
        """The order secondary cells are taken in: the cells hidden at the release before
        first, then the others; within each, an order drawn from the key (see the module's
        docstring)."""
        first, then = self.groups(release, cells)

        def drawn(cell: int) -> bytes:
            return hmac.new(self.key, f"{release}:{cell}".encode(), hashlib.sha256).digest()

        return sorted(first, key=drawn) + sorted(then, key=drawn)


def primary(history: History, release: int) -> set[int]:
    """The hidden cells of a release that the rule shows to be primary (under the
    threshold): protected ones, and when a cell of the first group is shown, every hidden
    cell of the second (the shown one would have been hidden before any of them)."""
    cells = history.cells[release]
    known = {c for c in history.protected if c < len(cells) and cells[c] is None}
    first, then = history.groups(release, cells)
    if any(cells[c] is not None for c in first):
        known |= {c for c in then if cells[c] is None}
    return known


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
    ceiling = [math.inf] * len(variables)
    for release, cells in enumerate(terms):
        for cell in primary(history, release):
            term = cells[cell]
            if isinstance(term, Unknown):
                ceiling[term.index] = history.threshold - 1
    box = Box(lb=1, ub=ceiling)
    bounds: dict[tuple[int, int], Bounds] = {}
    for unknown in variables:
        objective = _unit(len(variables), unknown.index)
        low = milp(objective, constraints=constraint, integrality=1, bounds=box, options=SOLVER)
        high = milp(-objective, constraints=constraint, integrality=1, bounds=box, options=SOLVER)
        if not low.success:
            # no count fits what is published (or the solver gave up): nothing can be said
            # of this count, so it is not called safe
            bounds[unknown.first] = Bounds(low=1, high=0)
            continue
        bounds[unknown.first] = Bounds(
            low=round(low.fun),
            # unbounded above; a solver failure here is not a bound either
            high=-round(high.fun) if high.success else (math.inf if high.status == 3 else 0),
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


def extend(history: History, counts: Sequence[int]) -> list[int | None] | None:
    """The table's next release, or None when no release keeps every hidden count safe.
    Counts from 1 to threshold - 1 are hidden; then, while some hidden count can be
    narrowed too far, the next cell in the hiding order (see the module's docstring). A
    series keeps what it released (a month shown stays shown, one hidden stays hidden)."""
    total = sum(counts)
    release = len(history.cells)
    cells: list[int | None] = [None if 0 < c < history.threshold else c for c in counts]
    if history.series and release:
        for cell, value in enumerate(history.cells[-1]):
            cells[cell] = value
    order = history.hiding_order(release, counts)  # shown as 0 never hidden: 0 is not small
    # every release of the year together, as an attacker would see them
    while True:
        candidate = history.then(total, cells)
        if all(b.possible >= MIN_POSSIBLE for b in audit(candidate).values()):
            return cells
        if not _hide_next(cells, order):
            return None


def _hide_next(cells: list[int | None], order: list[int]) -> bool:
    """Hide the first shown cell in the hiding order; False when none is left."""
    choice = next((cell for cell in order if cells[cell] is not None), None)
    if choice is None:
        return False
    cells[choice] = None
    return True
