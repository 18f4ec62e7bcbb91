"""The public page's guarantee, tested the way an attacker works: from every release of a year
(every table, every total), solve each hidden count's lowest and highest value by integer
programming; none may be narrowed to fewer than 5 possible values. On random cities, and
on the real exports in ../shared/data."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from ovp.incidents.publication import _Table, release
from ovp.incidents.suppression import MIN_POSSIBLE, History

THRESHOLD = 10


def possible_values(history: History) -> list[float]:
    """An attacker's count of the values each hidden count can take. Unknowns: each hidden
    cell of each release (a month of the series once: it is the same month in every
    release); each release's cells add up to its published total; counts so far never fall;
    a hidden count is 1 or more (0 is shown)."""
    known = {}
    if history.series:
        known = {i: v for cells in history.cells for i, v in enumerate(cells) if v is not None}
    index: dict[tuple[int, int], int] = {}
    month: dict[int, int] = {}  # a series' month: one unknown for every release
    for r, cells in enumerate(history.cells):
        for i, value in enumerate(cells):
            if value is None and i not in known:
                if history.series:
                    index[(r, i)] = month.setdefault(i, len(month))
                else:
                    index[(r, i)] = len(index)
    unknowns = len(set(index.values()))
    if not unknowns:
        return []
    matrix, low, high = [], [], []
    for r, (total, cells) in enumerate(zip(history.totals, history.cells, strict=True)):
        row = np.zeros(unknowns)
        rest = total
        for i, value in enumerate(cells):
            if (r, i) in index:
                row[index[(r, i)]] = 1
            else:
                rest -= value if value is not None else known[i]
        matrix.append(row)
        low.append(rest)
        high.append(rest)
    if not history.series:
        for r in range(1, len(history.cells)):
            for i in range(len(history.cells[r])):
                row, bound = np.zeros(unknowns), 0.0
                for release_, sign in ((r - 1, 1), (r, -1)):
                    if (release_, i) in index:
                        row[index[(release_, i)]] += sign
                    else:
                        bound -= sign * (history.cells[release_][i] or 0)
                if row.any():
                    matrix.append(row)
                    low.append(-np.inf)
                    high.append(bound)
    constraint = LinearConstraint(np.array(matrix), low, high)
    counts = []
    for variable in sorted(set(index.values())):
        c = np.zeros(unknowns)
        c[variable] = 1
        least = milp(c, constraints=constraint, integrality=1, bounds=Bounds(1, np.inf))
        most = milp(-c, constraints=constraint, integrality=1, bounds=Bounds(1, np.inf))
        assert least.success  # the releases are consistent with the truth
        counts.append(np.inf if not most.success else -most.fun - least.fun + 1)
    return counts


def random_city(seed: int, size: int) -> list[_Table]:
    """A year of a city of `size` people shot a month on average: every table splits the
    same people, some categories rare."""
    rng = np.random.default_rng(seed)
    per_month = rng.poisson(size, 12) * rng.integers(0, 2, 12).clip(rng.random() < 0.9, 1)
    tables = [_Table("months", "", "", [str(m) for m in range(12)], per_month.reshape(12, 1),
                     series=True)]  # fmt: skip
    for width in (3, 2, 5, 7, 9):
        shares = rng.dirichlet(np.full(width, 0.4))
        monthly = np.array([rng.multinomial(n, shares) for n in per_month])
        tables.append(_Table(f"t{width}", "", "", [str(c) for c in range(width)],
                             np.cumsum(monthly, axis=0), protected=(0,) if width == 3 else ()))  # fmt: skip
    return tables


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), size=st.sampled_from([2, 6, 15, 40, 120]),
       months=st.integers(1, 12))  # fmt: skip
def test_no_hidden_count_of_a_random_city_can_be_narrowed(seed, size, months):
    tables = random_city(seed, size)
    released, histories = release(tables, months, THRESHOLD)
    assert all(month in (3, 6, 9, 12) and month <= months for month in released)
    for table, history in zip(tables, histories, strict=True):
        assert all(count >= MIN_POSSIBLE for count in possible_values(history)), table.slug
        for month, cells in zip(released, history.cells, strict=True):  # what is shown is true
            truth = table.counts[:month, 0] if table.series else table.counts[month - 1]
            assert all(v is None or v == t for v, t in zip(cells, truth, strict=True))
            assert all(v is not None for v, t in zip(cells, truth, strict=True) if t == 0)


def test_a_city_with_no_small_counts_shows_everything():
    months = _Table("months", "", "", [str(m) for m in range(12)], np.full((12, 1), 300),
                    series=True)  # fmt: skip
    split = _Table("sex", "", "", ["f", "m"], np.cumsum(np.full((12, 2), 150), axis=0))
    released, histories = release([months, split], 12, THRESHOLD)
    assert released == [3, 6, 9, 12]
    assert all(v is not None for h in histories for cells in h.cells for v in cells)


def test_counts_that_a_total_gives_away_are_hidden_too():
    # [100, 1, 1] with the total published: the 1s would be pinned, so the 100 goes too
    per_month = np.array([[102]] + [[0]] * 11)
    months = _Table("months", "", "", [str(m) for m in range(12)], per_month, series=True)
    outcome = _Table("outcome", "", "", ["a", "b", "c"], np.array([[100, 1, 1]] * 12))
    released, histories = release([months, outcome], 3, THRESHOLD)
    assert released == [3]
    assert histories[1].cells[-1] == (None, None, None)
    assert all(count >= MIN_POSSIBLE for count in possible_values(histories[1]))


def test_a_quarter_too_small_to_release_alone_waits_for_the_next():
    # 40 in the first quarter, 3 in the second: releasing June would give the 3 away
    per_month = np.array([20, 10, 10, 1, 1, 1, 10, 10, 10, 0, 0, 0])
    months = _Table("months", "", "", [str(m) for m in range(12)], per_month.reshape(12, 1),
                    series=True)  # fmt: skip
    released, histories = release([months], 9, THRESHOLD)
    assert released == [3, 9]  # June is held back
    assert histories[0].cells[-1][3:6] == (None, None, None)
    assert all(count >= MIN_POSSIBLE for count in possible_values(histories[0]))


# ---------------------------------------------------------------- the real cities' exports


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("city", "years"),
    # New York's 77 precincts take seconds a year to check: its first, a middle and its last
    [("nypd", [2006, 2012, 2019]), ("philadelphia", list(range(2015, 2024)))],
)
def test_no_hidden_count_of_a_real_citys_public_page_can_be_narrowed(city, years, settings):
    from ovp.incidents import publication, selectors
    from tests.incidents.real_cities import load_real_city

    settings.OVP_SUPPRESSION_THRESHOLD = THRESHOLD
    load_real_city(city)
    assert set(years) <= set(selectors.data_range().years)
    for year in years:
        by_month = selectors.year_by_month(year, publication.public_area_kind())
        tables = publication._tables(by_month)
        released, histories = release(tables, by_month.complete_months, THRESHOLD)
        assert released, year  # each of these years is published, in part at least
        for table, history in zip(tables, histories, strict=True):
            narrowest = min(possible_values(history), default=np.inf)
            assert narrowest >= MIN_POSSIBLE, (year, table.slug)
        page = publication.public_year(year)
        assert page.people_shot == histories[0].totals[-1]
        assert page.through == selectors.month_end(year, released[-1])
