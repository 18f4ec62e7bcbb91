"""The public page's guarantee, tested the way an attacker works: from every release of a year
(every table, every total) and the rule that chose the hidden cells, solve each hidden count's
lowest and highest value by integer programming; none may be narrowed to fewer than 5
possible values, and the truth lies between them. On random cities, and on the real exports
in ../shared/data.

The attacker is written here from the rule as the suppression module documents it, not from
its code: secondary cells are taken from two groups, those hidden at the release before, then
the others, each in an order drawn from a key the attacker does not hold; so when a cell of
the first group is shown, every hidden cell of the second is primary (under the threshold),
and so is a hidden protected cell."""

import csv
import io
from datetime import date

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from ovp.incidents.publication import _Table, release
from ovp.incidents.suppression import MIN_POSSIBLE, SOLVER, History

THRESHOLD = 10


def under_threshold(history: History, r: int) -> set[int]:
    """The hidden cells of a release the rule shows to be primary."""
    cells = history.cells[r]
    known = {i for i in history.protected if i < len(cells) and cells[i] is None}
    if history.series or not r:
        return known
    before = history.cells[r - 1]
    may = [i for i in range(len(cells)) if i not in history.protected and cells[i] != 0]
    first = [i for i in may if i < len(before) and before[i] is None]
    if any(cells[i] is not None for i in first):
        known |= {i for i in may if i not in first and cells[i] is None}
    return known


def possible_values(
    history: History, truth: dict[tuple[int, int], int] | None = None
) -> list[float]:
    """An attacker's count of the values each hidden count can take. Unknowns: each hidden
    cell of each release (a month of the series once: it is the same month in every
    release); each release's cells add up to its published total; counts so far never fall;
    a hidden count is 1 or more (0 is shown), and under the threshold where the rule shows
    it primary. `truth` (release, cell): count, where given, must lie in the range."""
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
    ceiling = np.full(unknowns, np.inf)
    for r in range(len(history.cells)):
        for i in under_threshold(history, r):
            if (r, i) in index:
                ceiling[index[(r, i)]] = history.threshold - 1
    box = Bounds(1, ceiling)
    counts = []
    for variable in sorted(set(index.values())):
        c = np.zeros(unknowns)
        c[variable] = 1
        least = milp(c, constraints=constraint, integrality=1, bounds=box, options=SOLVER)
        most = milp(-c, constraints=constraint, integrality=1, bounds=box, options=SOLVER)
        assert least.success  # the releases are consistent with the truth
        top = np.inf if not most.success else -most.fun
        for (r, i), v in index.items():
            if v == variable and truth is not None and (r, i) in truth:
                assert least.fun <= truth[(r, i)] <= top, (r, i, least.fun, top)
        counts.append(top - least.fun + 1)
    return counts


def truth_of(table: _Table, released: list[int]) -> dict[tuple[int, int], int]:
    return {
        (r, i): int(v)
        for r, month in enumerate(released)
        for i, v in enumerate(table.counts[:month, 0] if table.series else table.counts[month - 1])
    }


def random_city(seed: int, size: int) -> list[_Table]:
    """A year of a city of `size` people shot a month on average: every table splits the
    same people, some categories rare."""
    rng = np.random.default_rng(seed)
    per_month = rng.poisson(size, 12) * rng.integers(0, 2, 12).clip(rng.random() < 0.9, 1)
    tables = [_Table("months", [str(m) for m in range(12)], per_month.reshape(12, 1),
                     series=True)]  # fmt: skip
    for width in (3, 2, 5, 7, 9):
        shares = rng.dirichlet(np.full(width, 0.4))
        monthly = np.array([rng.multinomial(n, shares) for n in per_month])
        tables.append(_Table(f"t{width}", [str(c) for c in range(width)],
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
        values = possible_values(history, truth_of(table, released))
        assert all(count >= MIN_POSSIBLE for count in values), table.slug
        for month, cells in zip(released, history.cells, strict=True):  # what is shown is true
            truth = table.counts[:month, 0] if table.series else table.counts[month - 1]
            assert all(v is None or v == t for v, t in zip(cells, truth, strict=True))
            assert all(v is not None for v, t in zip(cells, truth, strict=True) if t == 0)


def test_a_city_with_no_small_counts_shows_everything():
    months = _Table("months", [str(m) for m in range(12)], np.full((12, 1), 300),
                    series=True)  # fmt: skip
    split = _Table("sex", ["f", "m"], np.cumsum(np.full((12, 2), 150), axis=0))
    released, histories = release([months, split], 12, THRESHOLD)
    assert released == [3, 6, 9, 12]
    assert all(v is not None for h in histories for cells in h.cells for v in cells)


def test_counts_that_a_total_gives_away_are_hidden_too():
    # [100, 1, 1] with the total published: the 1s would be pinned, so the 100 goes too
    per_month = np.array([[102]] + [[0]] * 11)
    months = _Table("months", [str(m) for m in range(12)], per_month, series=True)
    outcome = _Table("outcome", ["a", "b", "c"], np.array([[100, 1, 1]] * 12))
    released, histories = release([months, outcome], 3, THRESHOLD)
    assert released == [3]
    assert histories[1].cells[-1] == (None, None, None)
    assert all(count >= MIN_POSSIBLE for count in possible_values(histories[1]))


def test_a_quarter_too_small_to_release_alone_waits_for_the_next():
    # 40 in the first quarter, 3 in the second: releasing June would give the 3 away
    per_month = np.array([20, 10, 10, 1, 1, 1, 10, 10, 10, 0, 0, 0])
    months = _Table("months", [str(m) for m in range(12)], per_month.reshape(12, 1),
                    series=True)  # fmt: skip
    released, histories = release([months], 9, THRESHOLD)
    assert released == [3, 9]  # June is held back
    assert histories[0].cells[-1][3:6] == (None, None, None)
    assert all(count >= MIN_POSSIBLE for count in possible_values(histories[0]))


def test_the_cells_hidden_to_protect_others_are_not_chosen_by_their_counts():
    # smallest first hid the 9 and the smallest other; an attacker who knew that knew both
    # were at most the smallest shown count, and 9 + 10 = 19 pinned each to 9-10. Now the
    # cell hidden beside the 9 is the same whatever the other counts are
    key = b"a key of the test's"
    chosen = []
    for counts in ([9, 10, 10, 10, 200], [9, 300, 12, 40, 200], [9, 50, 11, 900, 31]):
        months = _Table("months", [str(m) for m in range(12)],
                        np.array([[sum(counts)]] + [[0]] * 11), series=True)  # fmt: skip
        areas = _Table("areas", list("abcde"), np.array([counts] * 12))
        histories = [History((), (), True, THRESHOLD), History((), (), False, THRESHOLD, (), key)]
        released, histories = release([months, areas], 3, THRESHOLD, histories=histories)
        assert released == [3]
        assert all(v >= MIN_POSSIBLE for v in possible_values(histories[1], truth_of(areas, [3])))
        chosen.append([i for i, v in enumerate(histories[1].cells[-1]) if v is None])
    assert chosen[0] == chosen[1] == chosen[2] and len(chosen[0]) == 2


def test_the_hiding_order_depends_on_the_key_not_on_the_counts():
    history = History((), (), False, THRESHOLD, (), b"one key")
    other = History((), (), False, THRESHOLD, (), b"another key")
    counts = [5, 40, 40, 40, 40, 40, 40, 40]
    orders = {tuple(h.hiding_order(0, counts)) for h in (history, other)}
    assert len(orders) == 2  # the order is the key's
    assert history.hiding_order(0, counts) == history.hiding_order(0, [5, 1, 2, 3, 4, 6, 7, 8])


def test_a_count_the_audit_cannot_bound_is_not_called_safe():
    from ovp.incidents.suppression import audit

    # releases no true counts fit (a cell hidden "under the threshold" that the totals make 30)
    history = History((30, 30), ((20, 10), (None, 10)), False, THRESHOLD, (0,))
    assert all(b.possible < MIN_POSSIBLE for b in audit(history).values())


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
            narrowest = min(possible_values(history, truth_of(table, released)), default=np.inf)
            assert narrowest >= MIN_POSSIBLE, (year, table.slug)
        page = publication.public_year(year)
        assert page.people_shot == histories[0].totals[-1]
        assert page.through == selectors.month_end(year, released[-1])


# ---------------------------------------------------------------- releases kept as published


def _load(rows, source):
    from django.core.cache import cache

    from ovp.incidents.aggregation import incidents_aggregate
    from ovp.incidents.mapping import PRESETS
    from ovp.incidents.services import incidents_import
    from tests.builders import nypd_csv

    incidents_import(
        location=nypd_csv(rows), mapping=PRESETS["nypd"], source=source,
        today=date(2026, 7, 1),
    )  # fmt: skip
    incidents_aggregate(full=True)
    cache.clear()


def _people(prefix, count, day, **fields):
    from tests.builders import nypd_row

    return [nypd_row(f"{prefix}{n}", day, **fields) for n in range(count)]


def _downloads(client, *slugs):
    return {
        slug: client.get(f"/public/shootings/{slug}.csv?year=2024").content.decode()
        for slug in slugs
    }


@pytest.mark.django_db
def test_a_published_quarter_stays_as_published_when_the_export_is_revised(
    two_precincts, nypd_source, client, settings
):
    from ovp.incidents.models import PublicRelease

    settings.OVP_SUPPRESSION_THRESHOLD = THRESHOLD
    first = _people("j", 30, "01/10/2024") + _people("f", 20, "02/10/2024", sex="F")
    first += _people("m", 25, "03/10/2024") + _people("a", 1, "04/02/2024")
    _load(first, nypd_source)
    published = _downloads(client, "months", "sex", "areas", "outcome")
    assert "1 January to 31 March" in client.get("/public/shootings/?year=2024").content.decode()
    assert PublicRelease.objects.filter(year=2024).count() == 1
    # a revised export: 3 more women shot in February, one of March's men taken out
    revised = first[:-2] + _people("g", 3, "02/11/2024", sex="F") + first[-1:]
    _load(revised, nypd_source)
    assert _downloads(client, "months", "sex", "areas", "outcome") == published
    # June's end: the second quarter comes out, built on the first as it was published
    second = revised + _people("q", 40, "05/10/2024") + _people("z", 1, "07/02/2024")
    _load(second, nypd_source)
    page = client.get("/public/shootings/?year=2024").content.decode()
    assert "1 January to 30 June" in page
    months = list(csv.reader(io.StringIO(_downloads(client, "months")["months"])))
    then = list(csv.reader(io.StringIO(published["months"])))
    assert months[1:4] == then[1:4]  # January to March as first published
    assert PublicRelease.objects.filter(year=2024).count() == 2
    assert PublicRelease.objects.get(year=2024, month=6).tables[0]["total"] == 75 + 1 + 40


@pytest.mark.django_db
def test_a_cached_page_is_worked_out_again_under_a_new_rule(
    two_precincts, nypd_source, client, settings, monkeypatch
):
    from ovp.incidents import publication

    settings.OVP_SUPPRESSION_THRESHOLD = THRESHOLD
    _load(_people("j", 30, "01/10/2024") + _people("a", 1, "04/02/2024"), nypd_source)
    calls = []
    real = publication.public_year

    def counted(*args):
        calls.append(args[0])
        return real(*args)

    monkeypatch.setattr(publication, "public_year", counted)
    publication.public_year_cached(2024)
    publication.public_year_cached(2024)
    assert calls.count(2024) == 1  # kept
    monkeypatch.setattr(publication, "RULES", publication.RULES + 1)
    publication.public_year_cached(2024)
    assert calls.count(2024) == 2


def test_a_hidden_bar_is_marked_hidden_not_drawn_as_zero():
    from ovp.incidents.public_charts import _bar_chart, _months_chart
    from ovp.incidents.publication import PublicTable, PublicYear

    sex = PublicTable("sex", "Sex", "Sex", ["Female", "Male", "Unknown"], [None, 40, None])
    chart = _bar_chart(sex)
    assert chart.figure["data"][0]["y"] == [None, 40.0, None]
    assert [(m["x"], m["text"]) for m in chart.figure["layout"]["annotations"]] == [
        ("Female", "hidden"), ("Unknown", "hidden")
    ]  # fmt: skip
    months = PublicTable("months", "", "Month", ["January", "February"], [12, None])
    page = PublicYear(2024, date(2024, 3, 31), 12, 1, 10, [months], [None, 30])
    marks = _months_chart(page).figure["layout"]["annotations"]
    assert [(m["x"], m["xshift"]) for m in marks] == [("January", -10), ("February", 10)]


@pytest.mark.django_db
def test_an_administrator_can_withdraw_a_release_but_not_write_one(
    two_precincts, nypd_source, client_for, office_admin, settings
):
    from ovp.incidents.models import PublicRelease

    settings.OVP_SUPPRESSION_THRESHOLD = THRESHOLD
    _load(_people("j", 30, "01/10/2024") + _people("a", 1, "04/02/2024"), nypd_source)
    client = client_for(office_admin)
    assert client.get("/public/shootings/?year=2024").status_code == 200
    release = PublicRelease.objects.get(year=2024)
    assert client.get("/admin/incidents/publicrelease/add/").status_code == 403
    assert client.get(f"/admin/incidents/publicrelease/{release.pk}/delete/").status_code == 200
    client.post(f"/admin/incidents/publicrelease/{release.pk}/delete/", {"post": "yes"})
    assert not PublicRelease.objects.exists()


@pytest.mark.django_db
def test_only_a_years_latest_release_can_be_withdrawn(
    two_precincts, nypd_source, client_for, office_admin, settings
):
    from ovp.incidents.models import PublicRelease

    settings.OVP_SUPPRESSION_THRESHOLD = THRESHOLD
    _load(_people("j", 30, "01/10/2024") + _people("q", 30, "05/10/2024")
          + _people("a", 1, "07/02/2024"), nypd_source)  # fmt: skip
    client = client_for(office_admin)
    client.get("/public/shootings/?year=2024")
    first, second = PublicRelease.objects.filter(year=2024).order_by("month")
    url = "/admin/incidents/publicrelease/{}/delete/"
    assert client.get(url.format(first.pk)).status_code == 403  # the June one is built on it
    assert client.get(url.format(second.pk)).status_code == 200


@pytest.mark.django_db
def test_the_page_keeps_its_years_threshold_and_its_target_reads_the_published_count(
    two_precincts, nypd_source, client, settings
):
    from ovp.incidents.models import TargetMeasure
    from ovp.incidents.targets import target_set

    settings.OVP_SUPPRESSION_THRESHOLD = THRESHOLD
    rows = [r for year in (2022, 2023) for r in _people(f"y{year}-", 40, f"03/10/{year}",
                                                       fatal="TRUE")]  # fmt: skip
    first = rows + _people("j", 30, "01/10/2024", fatal="TRUE") + _people("a", 1, "04/02/2024")
    _load(first, nypd_source)
    target_set(measure=TargetMeasure.HOMICIDES, baseline_year=2023)
    page = client.get("/public/shootings/?year=2024").content.decode()
    assert "a count from 1 to 9" in page and "With 30 by" in page
    # a correction after the release: the page keeps 30, beside its target too
    _load(first + _people("k", 4, "01/11/2024", fatal="TRUE"), nypd_source)
    settings.OVP_SUPPRESSION_THRESHOLD = 20
    page = client.get("/public/shootings/?year=2024").content.decode()
    assert "a count from 1 to 9" in page and "With 30 by" in page and "With 34" not in page


@pytest.mark.django_db
def test_a_new_or_renamed_area_does_not_stop_the_years_releases(
    two_precincts, nypd_source, client, settings
):
    # the page stayed at March for the rest of the year once the areas changed
    from tests.factories import AreaFactory, square

    settings.OVP_SUPPRESSION_THRESHOLD = THRESHOLD
    first = _people("j", 30, "01/10/2024") + _people("k", 20, "02/10/2024", lon="-74.985")
    first += _people("a", 1, "04/02/2024")
    _load(first, nypd_source)
    assert "1 January to 31 March" in client.get("/public/shootings/?year=2024").content.decode()
    AreaFactory(kind="precinct", code="3", name="Third", population=10_000, min_lon=-74.98,
                max_lon=-74.97, boundary=square(-74.98, 40.0))  # fmt: skip
    two_precincts[0].name = "First (renamed)"
    two_precincts[0].save()
    later = _people("m", 30, "05/10/2024", lon="-74.975") + _people("z", 1, "07/02/2024")
    _load(first + later, nypd_source)
    page = client.get("/public/shootings/?year=2024").content.decode()
    assert "1 January to 30 June" in page
    areas = list(csv.reader(io.StringIO(_downloads(client, "areas")["areas"])))
    by_code = {row[0]: row for row in areas[1:]}
    assert by_code["1"][1] == "First (renamed)" and by_code["1"][2] == "31"
    assert by_code["3"][1] == "Third" and by_code["3"][2] == "30"


def test_the_solver_answers_a_programme_its_presolve_got_wrong():
    # three releases of a five-cell table (found by the random cities): with HiGHS's
    # presolve, the lowest the second release's fourth count could be came out as 8, though
    # the true count was 4 and 1 fits every published figure
    from ovp.incidents.suppression import audit

    history = History((18, 44, 68), ((0, None, None, None, 0), (0, 30, None, None, 0),
                                     (0, 47, None, None, 0)), False, THRESHOLD)  # fmt: skip
    assert audit(history)[(1, 3)].low == 1
    assert possible_values(history, {(0, 1): 13, (0, 2): 4, (0, 3): 1, (1, 2): 10, (1, 3): 4,
                                     (2, 2): 17, (2, 3): 4})  # fmt: skip
