"""Strengths and gaps: burden from the aggregates beside the programs serving each area."""

import csv
import io
from datetime import date

import pytest

from inventory.models import Evidence, ProgramStatus, Strategy
from inventory.selectors.gaps import gaps_analysis
from tests.builders import record_burden
from tests.factories import ProgramFactory, ServiceAreaFactory

TODAY = date(2026, 11, 25)


@pytest.fixture
def city(neighbourhoods):
    """N1 and N2 carry the shootings; N1 has an evidence-based street outreach program,
    N2 only an unrated victim-services effort; N3 a little violence and no program."""
    n1, n2, n3, *_ = neighbourhoods
    record_burden({n1: 60, n2: 40, n3: 5})
    outreach = ProgramFactory(
        name="Outreach", strategy=Strategy.STREET_OUTREACH, evidence=Evidence.EFFECTIVE
    )
    ServiceAreaFactory(program=outreach, area=n1, started_on=date(2024, 1, 1))
    vigils = ProgramFactory(
        name="Vigils", strategy=Strategy.VICTIM_SERVICES, evidence=Evidence.NOT_RATED
    )
    ServiceAreaFactory(program=vigils, area=n2, started_on=date(2024, 1, 1))
    # neither an ended service area nor an ended program counts as coverage
    ended = ProgramFactory(name="Old CBT", strategy=Strategy.CBT, evidence=Evidence.EFFECTIVE)
    ServiceAreaFactory(
        program=ended, area=n2, started_on=date(2020, 1, 1), ended_on=date(2023, 1, 1)
    )
    stopped = ProgramFactory(name="Stopped", strategy=Strategy.CBT, status=ProgramStatus.ENDED)
    ServiceAreaFactory(program=stopped, area=n2, started_on=date(2020, 1, 1))
    return neighbourhoods


def test_high_burden_areas_are_those_with_twice_the_average(city):
    analysis = gaps_analysis(kind="neighbourhood", years=3, on=TODAY)

    # 105 people shot over 6 areas: an average of 17.5, so 35 or more is high
    assert [a.code for a in city if a.pk in analysis.high_burden] == ["N1", "N2"]
    assert list(analysis.burden["code"][:3]) == ["N1", "N2", "N3"]


def test_gaps_rank_uncovered_areas_first_then_strategies_by_areas_missed(city):
    analysis = gaps_analysis(kind="neighbourhood", years=3, on=TODAY)

    gaps = [(g.rank, g.kind, g.subject, g.victims, g.missing) for g in analysis.gaps]
    # N2 has no evidence-based core program; street outreach reaches N1 but not N2; the
    # other core strategies reach neither
    assert gaps == [
        (1, "area", "Hood 2 (N2)", 40, 0),
        (2, "strategy", "Cognitive behavioural therapy", 100, 2),
        (3, "strategy", "Group violence intervention / focused deterrence", 100, 2),
        (4, "strategy", "Hospital-based violence intervention", 100, 2),
        (5, "strategy", "Place-based (greening, lighting)", 100, 2),
        (6, "strategy", "Violence interruption (CVI)", 100, 2),
        (7, "strategy", "Street outreach (CVI)", 40, 1),
    ]
    assert [p.program_name for p in analysis.gaps[0].programs] == ["Vigils"]


def test_burden_counts_only_the_chosen_years(neighbourhoods):
    n1, n2, *_ = neighbourhoods
    record_burden({n1: 10, n2: 10})
    # four years before the last week: inside five years, outside one and three
    record_burden({n1: 50}, on=date(2022, 11, 14))

    three = gaps_analysis(kind="neighbourhood", years=3, on=TODAY).burden.set_index("code")
    five = gaps_analysis(kind="neighbourhood", years=5, on=TODAY).burden.set_index("code")

    assert three.at["N1", "victims"] == 10
    assert five.at["N1", "victims"] == 60


def test_an_area_at_exactly_twice_the_average_is_high_burden(neighbourhoods):
    n1, n2, n3, *_ = neighbourhoods
    # 36 people shot over 6 areas: an average of 6, so 12 is exactly twice it
    record_burden({n1: 12, n2: 11, n3: 13})

    high = gaps_analysis(kind="neighbourhood", years=3, on=TODAY).high_burden

    assert set(high) == {n1.pk, n3.pk}


def test_coverage_counts_a_service_area_ending_today_but_not_a_paused_program(neighbourhoods):
    n1, n2, *_ = neighbourhoods
    record_burden({n1: 50, n2: 50})
    ending = ProgramFactory(strategy=Strategy.HOSPITAL, evidence=Evidence.EFFECTIVE)
    ServiceAreaFactory(program=ending, area=n1, started_on=date(2024, 1, 1), ended_on=TODAY)
    paused = ProgramFactory(
        strategy=Strategy.HOSPITAL, evidence=Evidence.EFFECTIVE, status=ProgramStatus.PAUSED
    )
    ServiceAreaFactory(program=paused, area=n2, started_on=date(2024, 1, 1))

    analysis = gaps_analysis(kind="neighbourhood", years=3, on=TODAY)

    assert analysis.covered(n1.pk)
    assert not analysis.covered(n2.pk)


def test_an_area_served_by_an_evidence_based_core_program_is_no_gap(city):
    n2 = city[1]
    hospital = ProgramFactory(strategy=Strategy.HOSPITAL, evidence=Evidence.PROMISING)
    ServiceAreaFactory(program=hospital, area=n2, started_on=date(2025, 1, 1))

    analysis = gaps_analysis(kind="neighbourhood", years=3, on=TODAY)

    assert [g for g in analysis.gaps if g.kind == "area"] == []
    assert analysis.covered(n2.pk)


def test_a_program_starting_later_does_not_cover_an_area_yet(city):
    n2 = city[1]
    planned = ProgramFactory(strategy=Strategy.HOSPITAL, evidence=Evidence.PROMISING)
    ServiceAreaFactory(program=planned, area=n2, started_on=date(2027, 1, 1))

    assert not gaps_analysis(kind="neighbourhood", years=3, on=TODAY).covered(n2.pk)


def test_gaps_page_shows_matrix_map_and_downloads(
    city, staff, client_for, django_assert_max_num_queries
):
    client = client_for(staff)
    with django_assert_max_num_queries(12):
        page = client.get("/inventory/gaps/?kind=neighbourhood&years=3")
    html = page.content.decode()

    assert page.status_code == 200
    assert "Hood 2 (N2)" in html and "high burden" in html
    assert 'id="gaps-map"' in html
    gaps_csv = client.get("/inventory/gaps/?kind=neighbourhood&years=3&download=gaps")
    rows = list(csv.reader(io.StringIO(gaps_csv.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Rank", "Gap in", "Area or strategy", "People shot"]
    assert rows[1][:4] == ["1", "area", "Hood 2 (N2)", "40"]
    assert rows[1][5] == "No evidence-based program of a core strategy; served by: Vigils"
    matrix = client.get("/inventory/gaps/?kind=neighbourhood&download=matrix")
    table = list(csv.DictReader(io.StringIO(matrix.content.decode("utf-8-sig"))))
    by_code = {row["Area code"]: row for row in table}
    assert by_code["N1"]["Street outreach (CVI)"] == "1"
    assert by_code["N1"]["Evidence-based programs"] == "1"
    assert by_code["N2"]["High burden"] == "yes" and by_code["N3"]["High burden"] == "no"
    assert by_code["N2"]["Cognitive behavioural therapy"] == "0"  # the ended ones do not count


def test_gaps_page_without_incident_data_still_lists_areas(neighbourhoods, staff, client_for):
    html = client_for(staff).get("/inventory/gaps/").content.decode()

    assert "No incident data has been imported yet" in html
    assert "Hood 6 (N6)" in html


def test_demo_city_programs_leave_visible_gaps(db):
    from io import StringIO

    from django.core.management import call_command

    from inventory.models import Program

    call_command("seed_demo", stdout=StringIO())

    assert 25 <= Program.objects.count() <= 40
    analysis = gaps_analysis(kind="neighbourhood", years=3, on=date(2026, 11, 22))
    area_gaps = {g.subject for g in analysis.gaps if g.kind == "area"}
    assert area_gaps == {"Linden (N12)", "Southport (N19)"}
    assert len(analysis.high_burden) == 6
    cbt = next(g for g in analysis.gaps if g.subject == "Cognitive behavioural therapy")
    assert cbt.detail.startswith("Reaches 1 of the 6 high-burden areas")


def _evaluated(program, low, high, *, created=None, areas=8):
    """A difference-in-differences run whose design stands (its pre-trend test passed) but
    where fewer than 5 areas were served."""
    from evaluation.models import EvaluationMethod, EvaluationRun
    from evaluation.services.summary import verdict

    results = {"method": "twfe", "relative": (low + high) / 2, "relative_low": low,
               "relative_high": high, "details": {"pretrend_p": 0.6}, "n_treated": areas}  # fmt: skip
    run = EvaluationRun.objects.create(
        title=f"{program.name} here", program=program, method=EvaluationMethod.TWFE,
        inputs={"outcome_label": "people shot"}, results=results, relative=(low + high) / 2,
        verdict=verdict(results),
        summary="People shot in the areas served fell by about 5%.",
    )  # fmt: skip
    if created:
        EvaluationRun.objects.filter(pk=run.pk).update(created_at=created)
    return run


def test_an_area_served_only_by_programs_found_without_effect_here_is_a_gap(city):
    from datetime import UTC, datetime

    from inventory.models import Program

    n1 = city[0]  # the fixture's Outreach serves N1
    program = Program.objects.get(name="Outreach")
    # an older evaluation found a reduction; the latest found none: the latest counts
    _evaluated(program, -0.5, -0.2, created=datetime(2025, 1, 1, tzinfo=UTC))
    _evaluated(program, -0.3, 0.1)
    analysis = gaps_analysis(kind="neighbourhood", years=3, on=TODAY)
    assert not analysis.covered(n1.pk)
    gap = next(g for g in analysis.gaps if g.kind == "area" and "N1" in g.subject)
    assert gap.detail == "Served only by programs whose local evaluation found no effect:"
    assert [p.no_effect for p in gap.programs] == [True]


def test_an_inconclusive_evaluation_is_not_read_as_no_effect(city, staff, client_for):
    # an interval holding no change from 3 areas served says nothing either way
    from inventory.models import Program

    program = Program.objects.get(name="Outreach")
    _evaluated(program, -0.5, 0.1, areas=3)
    assert gaps_analysis(kind="neighbourhood", years=3, on=TODAY).covered(city[0].pk)
    page = client_for(staff).get(f"/inventory/programs/{program.uuid}/").content.decode()
    assert "<strong>Inconclusive: read its limits</strong>" in page
    assert "No effect found" not in page


def test_a_program_found_to_work_here_still_covers_its_area(city):
    from inventory.models import Program

    _evaluated(Program.objects.get(name="Outreach"), -0.4, -0.1)
    assert gaps_analysis(kind="neighbourhood", years=3, on=TODAY).covered(city[0].pk)


def test_the_program_page_shows_its_latest_impact_beside_its_evidence(city, staff, client_for):
    from inventory.models import Program

    program = Program.objects.get(name="Outreach")
    page = client_for(staff).get(f"/inventory/programs/{program.uuid}/").content.decode()
    assert "Not evaluated here yet" in page
    run = _evaluated(program, -0.3, 0.1)
    page = client_for(staff).get(f"/inventory/programs/{program.uuid}/").content.decode()
    assert "<strong>No effect found</strong>: -10% (95% interval -30% to +10%)" in page
    assert f"/evaluation/runs/{run.uuid}/" in page
    assert "People shot in the areas served fell by about 5%." in page
