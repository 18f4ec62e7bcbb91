"""The demo city's needs assessments: one under review by the advisory board, with a comment
from the demo board member and the office's answer, and the year before's, published;
building the demo twice keeps one of each."""

import pytest
from django.db import transaction

from evaluation.demo import (
    DEMO_ASSESSMENT_BOARD,
    DEMO_BOARD_MEMBER,
    seed_needs_assessment,
    seed_published_assessment,
)
from evaluation.models import AssessmentStatus, NeedsAssessment, SectionComment, VersionKind
from evaluation.selectors.assessments import published_assessments
from ovp.accounts.demo import seed_users
from ovp.areas.demo import seed_areas
from ovp.core.demo import DemoCity
from ovp.incidents.demo import seed_shootings
from stakeholders.demo import seed_organisations, seed_registry

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_demo_has_a_needs_assessment_under_review_with_an_answered_comment():
    city = DemoCity(log=lambda line: None)
    with transaction.atomic():
        for seeder in (seed_users, seed_areas, seed_shootings, seed_organisations, seed_registry):
            seeder(city)
    seed_needs_assessment(city)
    seed_needs_assessment(city)  # idempotent

    assessment = NeedsAssessment.objects.get()
    assert assessment.board.name == DEMO_ASSESSMENT_BOARD
    assert assessment.status == AssessmentStatus.UNDER_REVIEW
    assert assessment.versions.count() == 1
    assert (assessment.period_end - assessment.period_start).days in (364, 365)
    assert assessment.period_start.day == 1
    comment = SectionComment.objects.get()
    assert comment.author.email == DEMO_BOARD_MEMBER and comment.reply
    assert assessment.sections.get(key="burden").figures["numbers"]["victims"] > 0


def test_the_demo_has_a_published_needs_assessment_of_the_year_before():
    city = DemoCity(log=lambda line: None)
    with transaction.atomic():
        for seeder in (seed_users, seed_areas, seed_shootings, seed_organisations, seed_registry):
            seeder(city)
    seed_needs_assessment(city)
    seed_published_assessment(city)
    seed_published_assessment(city)  # idempotent

    (published,) = published_assessments()
    under_review = NeedsAssessment.objects.get(status=AssessmentStatus.UNDER_REVIEW)
    assert published.version.kind == VersionKind.PUBLISHED
    assert published.assessment.period_end < under_review.period_start
