"""The city's target path: set by staff, drawn on the dashboard, each figure recounted from
the raw rows the test wrote."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from ovp.incidents.models import TargetMeasure, ViolenceTarget
from ovp.incidents.targets import target_progress, target_set
from tests.builders import city, csv_rows, load, rows_of

pytestmark = pytest.mark.django_db


def part_start(day: date) -> date:
    """The start of the part of a week within a month a day falls in: its Monday, or the
    first of its month when that comes later."""
    return max(day - timedelta(days=day.weekday()), day.replace(day=1))


def recount(shootings, year: int, through_day: int, *, killed_only: bool = True) -> int:
    """Victims of the year whose part of a week starts by the day of the year: the rule the
    target path counts by, applied to the raw rows."""
    return sum(
        1
        for day, killed in shootings
        if day.year == year
        and (killed or not killed_only)
        and part_start(day).timetuple().tm_yday <= through_day
    )


@pytest.fixture
def loaded(two_precincts, nypd_source):
    shootings = city()
    load(rows_of(shootings), nypd_source)
    return shootings


def test_progress_matches_a_recount_of_the_raw_rows(loaded):
    target = target_set(measure=TargetMeasure.HOMICIDES, baseline_year=2022, yearly_reduction=10)
    progress = target_progress(target, 2024, date(2024, 3, 31))  # a Sunday

    killed_2022 = sum(1 for day, killed in loaded if killed and day.year == 2022)
    assert progress.baseline_count == killed_2022
    assert progress.year_target == pytest.approx(killed_2022 * 0.9**2)
    day = date(2024, 3, 31).timetuple().tm_yday
    assert progress.so_far == sum(
        1 for d, killed in loaded if killed and d.year == 2024 and d <= date(2024, 3, 31)
    )
    earlier = [2019, 2020, 2021, 2022, 2023]
    assert progress.season_years == earlier
    shares = [
        recount(loaded, year, day) / sum(1 for d, k in loaded if k and d.year == year)
        for year in earlier
    ]
    share = sum(shares) / len(shares)
    assert progress.target_so_far == pytest.approx(killed_2022 * 0.9**2 * share)
    assert progress.target_so_far and progress.projected and progress.low and progress.high
    assert progress.on_track == (progress.so_far <= progress.target_so_far)
    assert progress.projected == pytest.approx(progress.so_far / share)
    assert progress.so_far <= progress.low < progress.projected < progress.high


def test_people_shot_count_every_victim(loaded):
    target = target_set(measure=TargetMeasure.PEOPLE_SHOT, baseline_year=2023)
    progress = target_progress(target, 2023, date(2023, 12, 31))
    assert progress.baseline_count == sum(1 for day, _ in loaded if day.year == 2023)
    # the baseline year itself has no target; a complete year projects what it counted
    assert progress.year_target is None and progress.on_track is None
    assert progress.complete and progress.projected == progress.so_far


def test_the_weekly_path_rises_to_the_years_target(loaded):
    target = target_set(measure=TargetMeasure.HOMICIDES, baseline_year=2021)
    progress = target_progress(target, 2024, date(2024, 6, 30))
    paths = [week["path"] for week in progress.weeks]
    assert paths == sorted(paths)
    assert paths[-1] == pytest.approx(progress.year_target, abs=0.05)
    counted = [week["so_far"] for week in progress.weeks if week["so_far"] is not None]
    assert len(counted) == 26 and counted == sorted(counted)
    assert progress.weeks[-1]["so_far"] is None


def test_an_area_target_counts_that_area_alone(loaded, two_precincts):
    second = two_precincts[1]
    target = target_set(measure=TargetMeasure.PEOPLE_SHOT, baseline_year=2022, area=second)
    city_target = target_set(measure=TargetMeasure.PEOPLE_SHOT, baseline_year=2022)
    in_2022 = [n for n, (day, _) in enumerate(loaded) if day.year == 2022]
    assert target_progress(target, 2024, date(2024, 6, 30)).baseline_count == sum(
        1 for n in in_2022 if n % 3 == 0
    )
    assert target_progress(city_target, 2024, date(2024, 6, 30)).baseline_count == len(in_2022)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"baseline_year": 2024}, "baseline_year", "does not cover all of 2024"),
        ({"baseline_year": 2018}, "baseline_year", "choose one of 2019, 2020, 2021, 2022, 2023"),
        ({"yearly_reduction": 0}, "yearly_reduction", "more than 0%"),
        ({"yearly_reduction": 100}, "yearly_reduction", "less than 100%"),
        ({"yearly_reduction": "ten"}, "yearly_reduction", "a number of percent"),
        ({"measure": "robberies"}, "measure", "homicides, people_shot"),
    ],
)
def test_a_target_that_cannot_be_followed_is_refused(loaded, changes, field, message):
    arguments = {"measure": TargetMeasure.HOMICIDES, "baseline_year": 2022, **changes}
    with pytest.raises(ValidationError) as raised:
        target_set(**arguments)
    assert message in " ".join(raised.value.message_dict[field])
    assert not ViolenceTarget.objects.exists()


def test_setting_a_target_again_replaces_it(loaded):
    target_set(measure=TargetMeasure.HOMICIDES, baseline_year=2021)
    target_set(measure=TargetMeasure.HOMICIDES, baseline_year=2022, yearly_reduction="7.5")
    (target,) = ViolenceTarget.objects.all()
    assert (target.baseline_year, str(target.yearly_reduction)) == (2022, "7.5")


def test_staff_set_a_target_on_its_page_and_the_dashboard_draws_it(loaded, client, staff):
    client.force_login(staff)
    page = client.get("/incidents/targets/")
    assert b"Set a target" in page.content
    response = client.post(
        "/incidents/targets/",
        {"measure": "homicides", "area": "", "baseline_year": "2022", "yearly_reduction": "10"},
    )
    assert response.status_code == 302
    target = ViolenceTarget.objects.get()
    assert target.set_by == staff
    dashboard = client.get("/incidents/dashboard/?year=2024").content.decode()
    assert "Homicides so far against the target path" in dashboard
    assert "On track" in dashboard or "Not on track" in dashboard
    rows = csv_rows(client.get("/incidents/dashboard/target-homicides.csv?year=2024"))
    assert rows[0] == ["Week of the year", "2024 so far", "Target path", "2023 so far"]
    assert len(rows) == 54


def test_a_bad_target_on_the_page_says_why_and_saves_nothing(loaded, client, staff):
    client.force_login(staff)
    response = client.post(
        "/incidents/targets/",
        {"measure": "homicides", "area": "", "baseline_year": "2022", "yearly_reduction": "150"},
    )
    assert response.status_code == 200
    assert "less than or equal to 99.9" in response.content.decode()
    assert not ViolenceTarget.objects.exists()


def test_staff_remove_a_target(loaded, client, staff):
    target = target_set(measure=TargetMeasure.HOMICIDES, baseline_year=2022)
    client.force_login(staff)
    assert client.post(f"/incidents/targets/{target.pk}/delete/").status_code == 302
    assert not ViolenceTarget.objects.exists()


def test_set_target_command(loaded, capsys):
    call_command("set_target", "--measure", "homicides", "--baseline-year", "2022")
    assert "Target set" in capsys.readouterr().out
    assert ViolenceTarget.objects.get().yearly_reduction == 10
    with pytest.raises(CommandError, match="does not cover all of 2024"):
        call_command("set_target", "--measure", "homicides", "--baseline-year", "2024")
    with pytest.raises(CommandError, match="No area has the code"):
        call_command(
            "set_target", "--measure", "homicides", "--baseline-year", "2022", "--area", "99"
        )


def test_the_public_page_shows_the_citys_target_against_the_published_count(loaded, client):
    target_set(measure=TargetMeasure.HOMICIDES, baseline_year=2022)
    target_set(measure=TargetMeasure.PEOPLE_SHOT, baseline_year=2022, area=None)
    response = client.get("/public/shootings/?year=2024")
    page = response.context["page"]
    shown = {p.target.measure: p for p in response.context["targets"]}
    # released up to the end of June: the counts are the page's own published figures
    assert page.through == date(2024, 6, 30)
    assert shown["homicides"].so_far == page.killed
    assert shown["people_shot"].so_far == page.people_shot
    text = response.content.decode()
    assert f"at most <strong>{round(shown['homicides'].year_target)} homicides" in text
    # the path's own value (from weekly counts) and the projection are not published
    assert "Projected" not in text and "target path" not in text


def test_two_staff_setting_the_same_target_at_once_end_with_one(loaded, monkeypatch):
    # the other request inserts the target between this one's lookup and its insert
    from django.db.models import QuerySet

    real_first = QuerySet.first
    raced: list[bool] = []

    def first_after_the_other(queryset):
        if queryset.model is ViolenceTarget and not raced:
            raced.append(True)
            ViolenceTarget.objects.create(measure="homicides", baseline_year=2021)
            return None
        return real_first(queryset)

    monkeypatch.setattr(QuerySet, "first", first_after_the_other)
    target = target_set(measure=TargetMeasure.HOMICIDES, baseline_year=2022, yearly_reduction=12)
    assert ViolenceTarget.objects.count() == 1
    assert (target.baseline_year, target.yearly_reduction) == (2022, 12)


def test_a_reduction_that_rounds_to_nothing_is_refused_with_a_message(loaded):
    with pytest.raises(ValidationError, match="more than 0%"):
        target_set(measure=TargetMeasure.HOMICIDES, baseline_year=2022, yearly_reduction="0.04")
