import random
from datetime import date, timedelta

import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.builders import csv_rows, load, nypd_row
from tests.factories import AreaFactory, square

pytestmark = pytest.mark.django_db


def shootings(
    count: int, *, seed: int = 1, first: date = date(2019, 1, 1), last: date = date(2024, 6, 30)
) -> list[dict]:
    rng = random.Random(seed)
    days = (last - first).days
    return [
        nypd_row(str(number), (first + timedelta(rng.randrange(days + 1))).strftime("%m/%d/%Y"),
                 fatal=rng.choice(["TRUE", "FALSE", "FALSE", "FALSE"]),
                 lon=rng.choice(["-74.995", "-74.995", "-74.985"]))
        for number in range(count)
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("persona", "status"),
    [("staff", 200), ("office_admin", 200), ("grantee_a", 403), ("board_member", 403)],
)
@pytest.mark.parametrize(
    "path", ["/incidents/dashboard/", "/incidents/dashboard/weekly.csv", "/incidents/data/"]
)
def test_office_pages_are_for_office_staff(
    two_precincts, nypd_source, client_for, request, persona, status, path
):
    load(shootings(50), nypd_source)
    assert client_for(request.getfixturevalue(persona)).get(path).status_code == status


def test_anonymous_visitors_are_sent_to_login_from_the_dashboard(client):
    assert client.get("/incidents/dashboard/").url.startswith("/accounts/login/")


def test_year_to_date_compares_with_last_year_and_the_average(
    two_precincts, nypd_source, client_for, staff
):
    rows = [nypd_row(f"a{n}", f"01/{10 + n:02d}/2024") for n in range(6)]  # 6 this year
    # weeks that start from January 1 up to the latest week's day of the year count
    rows += [nypd_row(f"b{n}", f"01/{9 + n:02d}/2023") for n in range(3)]  # 3 last year, same weeks
    rows += [
        nypd_row(f"c{n}", f"01/{9 + n % 3:02d}/{2019 + n // 3}") for n in range(12)
    ]  # 3 a year, 2019-2022
    rows += [nypd_row("late", "12/20/2023")]  # after the same week last year: not compared
    load(rows, nypd_source)
    response = client_for(staff).get("/incidents/dashboard/?year=2024")
    ytd = response.context["dashboard"].ytd
    assert ytd.victims == 6
    assert ytd.last_year == 3
    assert ytd.years_in_average == 5
    assert ytd.average == pytest.approx((3 + 3 + 3 + 3 + 3) / 5)
    page = response.content.decode()
    assert "+100%" in page and "people shot, year to date" in page


def test_year_to_date_counts_the_first_days_of_january(
    two_precincts, nypd_source, client_for, staff
):
    # January 1, 2026 is a Thursday: its week starts in 2025, its days belong to 2026
    load(
        [nypd_row("1", "12/30/2025"), nypd_row("2", "01/02/2026"), nypd_row("3", "01/06/2026")],
        nypd_source,
    )
    board = client_for(staff).get("/incidents/dashboard/?year=2026").context["dashboard"]
    assert board.ytd.victims == 2
    assert board.charts[1].table["People shot"].sum() == 2  # the area table, the same window


def test_area_filter_narrows_every_figure(two_precincts, nypd_source, client_for, staff):
    load(
        [
            nypd_row("1", "03/01/2024"),
            nypd_row("2", "03/02/2024", lon="-74.985"),
            nypd_row("3", "03/03/2024"),
        ],
        nypd_source,
    )
    city = client_for(staff).get("/incidents/dashboard/?year=2024").context["dashboard"]
    second = (
        client_for(staff)
        .get("/incidents/dashboard/?year=2024&kind=precinct&area=2")
        .context["dashboard"]
    )
    assert (city.ytd.victims, second.ytd.victims) == (3, 1)
    sex = next(c for c in second.charts if c.slug == "sex")
    assert sex.table["People shot"].sum() == 1


def test_area_table_has_rates_and_shares(two_precincts, nypd_source, client_for, staff):
    load(
        [nypd_row(str(n), "03/01/2024") for n in range(4)]
        + [nypd_row("x", "03/01/2024", lon="-74.985")],
        nypd_source,
    )
    response = client_for(staff).get("/incidents/dashboard/areas.csv?year=2024")
    rows = csv_rows(response)
    assert rows[0] == [
        "Code",
        "Area",
        "Residents",
        "People shot",
        "Killed",
        "Per 100,000 residents",
        "Share of the city",
    ]
    assert rows[1] == ["1", "First", "50000", "4", "0", "8.0", "80.0"]
    assert rows[2] == ["2", "Second", "25000", "1", "0", "4.0", "20.0"]
    assert response["Content-Disposition"].startswith(
        'attachment; filename="ovp-areas-2024-city.csv"'
    )


def test_csv_cells_that_look_like_formulas_are_neutralised(nypd_source, client_for, staff):
    AreaFactory(
        kind="precinct",
        code="1",
        name="=HYPERLINK(1)",
        min_lon=-75.0,
        max_lon=-74.99,
        boundary=square(-75.0, 40.0),
    )
    load([nypd_row("1", "03/01/2024")], nypd_source)
    rows = csv_rows(client_for(staff).get("/incidents/dashboard/areas.csv?year=2024"))
    assert rows[1][1] == "'=HYPERLINK(1)"


def test_dashboard_queries_do_not_grow_with_the_data(two_precincts, nypd_source, client_for, staff):
    def queries_for(rows) -> int:
        load(rows, nypd_source)
        client = client_for(staff)
        with CaptureQueriesContext(connection) as context:
            assert client.get("/incidents/dashboard/?year=2024").status_code == 200
        return len(context.captured_queries)

    small = queries_for(shootings(30, seed=1))
    large = queries_for(shootings(600, seed=2))
    assert small == large <= 20


def test_a_cached_dashboard_does_not_read_the_aggregates_again(
    two_precincts, nypd_source, client_for, staff, django_assert_max_num_queries
):
    load(shootings(100), nypd_source)
    client = client_for(staff)
    client.get("/incidents/dashboard/?year=2024")
    with django_assert_max_num_queries(10):
        client.get("/incidents/dashboard/?year=2024")


def test_dashboard_without_data_says_what_to_do(client_for, staff):
    page = client_for(staff).get("/incidents/dashboard/").content.decode()
    assert "No shootings have been imported" in page


def test_public_page_hides_small_counts_and_what_would_reveal_them(
    two_precincts, nypd_source, client, settings
):
    settings.OVP_SUPPRESSION_THRESHOLD = 10
    rows = [nypd_row(str(n), "03/01/2024") for n in range(25)]
    rows += [nypd_row(f"s{n}", "03/01/2024", lon="-74.985", sex="F") for n in range(3)]
    rows += [nypd_row("next", "01/05/2025")]  # the data runs past 2024: its months are over
    load(rows, nypd_source)
    response = client.get("/public/shootings/?year=2024")
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 January to 31 December" in page and "What is hidden, and why" in page
    areas = csv_rows(client.get("/public/shootings/areas.csv?year=2024"))
    assert areas[0] == ["Code", "Area", "People shot"]
    by_code = {row[0]: row for row in areas[1:]}
    assert by_code["2"][2] == "hidden"
    assert by_code["1"][2] == "hidden"  # 25 = 28 - 3 would give precinct 2 away
    sex = csv_rows(client.get("/public/shootings/sex.csv?year=2024"))
    assert ["Female", "hidden"] in sex
    assert ["Male", "hidden"] in sex  # else 28 people shot - 25 men = 3 women
    assert "3" not in {cell for row in sex for cell in row}
    assert "fewer than 10" not in page  # a hidden count is hidden, not "fewer than 10"


def test_office_home_leads_with_this_years_shootings(two_precincts, nypd_source, client_for, staff):
    load([nypd_row("1", "03/01/2024"), nypd_row("2", "03/02/2024", fatal="TRUE")], nypd_source)
    client = client_for(staff)
    page = client.get("/office/").content.decode()
    assert "Violence in 2024" in page and 'href="/incidents/dashboard/"' in page
    figures = client.get("/office/scorecard.json").json()
    assert (figures["people_shot_ytd"], figures["homicides_ytd"]) == (2, 1)


def test_weeks_without_shootings_are_zero_and_weeks_to_come_are_empty(
    two_precincts, nypd_source, client_for, staff
):
    load([nypd_row("1", "01/07/2026"), nypd_row("2", "01/28/2026")], nypd_source)
    weekly = (
        client_for(staff)
        .get("/incidents/dashboard/?year=2026")
        .context["dashboard"]
        .charts[0]
        .table
    )
    this_year = weekly["2026"].tolist()
    # weeks numbered from the first Monday of the year: Jan 5 is week 1, Jan 26 week 4
    assert this_year[:4] == [1, 0, 0, 1]
    assert all(pd.isna(value) for value in this_year[4:])
