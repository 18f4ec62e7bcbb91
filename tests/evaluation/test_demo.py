# mypy: disable-error-code="operator"
# (results hold optional numbers; the tests compare the ones each method fills)
"""The demo city's program with a real effect, and the evaluation that finds it."""

import pytest
from django.db import transaction

from evaluation.demo import DEMO_PROGRAM, seed_evaluation
from evaluation.models import EvaluationRun
from evaluation.services.runs import evaluation_estimate
from inventory.demo import seed_programs
from ovp.accounts.demo import seed_users
from ovp.areas.demo import seed_areas
from ovp.core.demo import DemoCity
from ovp.incidents.demo import seed_shootings
from stakeholders.demo import seed_organisations

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def seed_city_for_evaluation() -> DemoCity:
    """The seeders the evaluation needs, in the demo's order (the others are not needed)."""
    city = DemoCity(log=lambda line: None)
    with transaction.atomic():
        for seeder in (
            seed_users,
            seed_areas,
            seed_shootings,
            seed_organisations,
            seed_programs,
            seed_evaluation,
        ):
            seeder(city)
    return city


def test_the_demo_evaluation_finds_the_built_in_reduction():
    seed_city_for_evaluation()
    run = EvaluationRun.objects.get()
    assert run.title == DEMO_PROGRAM
    assert [t["code"] for t in run.inputs["treated"]] == ["N03", "N11"]
    assert {t["first_period"] for t in run.inputs["treated"]} == {"2023-06-01"}
    assert run.ci_high < 0  # a reduction whose 95% interval excludes no change
    assert -0.5 < run.relative < -0.15  # the demo's shootings fall by 30%
    assert "fell by about" in run.summary
    # stored runs are reproducible
    assert evaluation_estimate(run.inputs).as_dict() == run.results


def test_seeding_the_evaluation_again_keeps_one_demo_run():
    seed_city_for_evaluation()
    seed_evaluation(DemoCity(log=lambda line: None))
    assert EvaluationRun.objects.filter(title=DEMO_PROGRAM).count() == 1
