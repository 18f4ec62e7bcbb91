"""The needs assessment's "What residents told us": approved comments from the public form,
sent during the period, by topic and area; pending and rejected ones never count."""

from datetime import UTC, datetime

import pytest

from evaluation.figures.residents import residents_figures
from evaluation.services.assessments import assessment_draft
from ovp.areas.models import AreaKind
from stakeholders.models import InputStatus, InputTopic
from tests.evaluation.assessment_data import PERIOD
from tests.factories import AreaFactory, CommunityInputFactory

pytestmark = pytest.mark.django_db

APPROVED = InputStatus.APPROVED


def sent(month: int, day: int, year: int = 2025) -> datetime:
    return datetime(year, month, day, 15, tzinfo=UTC)


@pytest.fixture
def residents_wrote(db):
    north = AreaFactory(kind=AreaKind.DISTRICT, code="D1", name="North District")
    south = AreaFactory(kind=AreaKind.DISTRICT, code="D2", name="South District")
    for day, area, topic in [
        (3, north, InputTopic.YOUTH),
        (4, north, InputTopic.YOUTH),
        (5, south, InputTopic.YOUTH),
        (6, north, InputTopic.SAFE_PLACES),
        (7, None, InputTopic.JOBS),
    ]:
        CommunityInputFactory(area=area, topic=topic, status=APPROVED, created_at=sent(3, day))
    CommunityInputFactory(
        area=north, topic=InputTopic.YOUTH, text="Latest youth comment.", status=APPROVED,
        created_at=sent(9, 1),
    )  # fmt: skip
    # never counted: waiting, rejected, or sent outside the period
    CommunityInputFactory(area=south, topic=InputTopic.POLICE, created_at=sent(4, 1))
    CommunityInputFactory(
        area=south, topic=InputTopic.POLICE, status=InputStatus.REJECTED, created_at=sent(4, 2)
    )
    CommunityInputFactory(area=south, topic=InputTopic.HOUSING, status=APPROVED,
                          created_at=sent(12, 20, 2024))  # fmt: skip
    return north, south


def test_the_section_counts_only_approved_comments_sent_in_the_period(residents_wrote):
    figures = residents_figures(*PERIOD).as_dict()
    assert figures["numbers"] == {
        "comments": 6,
        "awaiting": 1,
        "by_topic": {
            "Activities for young people": 4,
            "Safety at night, lighting, vacant lots": 1,
            "Jobs and training": 1,
        },
        "by_area": {
            "North District (D1)": 4,
            "South District (D2)": 1,
            "The whole city, or not sure": 1,
        },
    }
    assert figures["summary"] == (
        "From 1 January 2025 to 31 December 2025, residents sent 6 approved comments through "
        "the office's public form. The topics raised most: Activities for young people: 4; "
        "Jobs and training: 1; Safety at night, lighting, vacant lots: 1. By area: North "
        "District (D1): 4; South District (D2): 1; The whole city, or not sure: 1. 67% of "
        "the comments were about activities for young people."
    )
    by_area_topic = next(t for t in figures["tables"] if "area and topic" in t["caption"])
    assert ["North District (D1)", "Activities for young people", 3] in by_area_topic["rows"]
    assert ["South District (D2)", "Activities for young people", 1] in by_area_topic["rows"]
    quotes = next(t for t in figures["tables"] if "residents' words" in t["caption"])
    assert quotes["rows"][0] == [
        "Activities for young people",
        "North District (D1)",
        "Latest youth comment.",
    ]
    assert "1 more comment sent in the period is waiting for moderation and not counted" in (
        " ".join(figures["notes"])
    )
    assert figures["charts"][0]["figure"]["data"][0]["y"] == [4, 1, 1]


def test_without_approved_comments_the_section_says_so(db):
    CommunityInputFactory(created_at=sent(5, 1))
    figures = residents_figures(*PERIOD).as_dict()
    assert figures["numbers"]["comments"] == 0
    assert figures["summary"].startswith("No comment from residents sent from 1 January 2025")
    assert figures["charts"] == []


def test_the_section_reads_three_queries(residents_wrote, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        residents_figures(*PERIOD)


def test_a_new_assessment_has_the_section_with_the_approved_comments(
    assessment_city, review, staff, residents_wrote
):
    assessment = assessment_draft(
        title="Needs assessment 2025",
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        board=review.board,
        user=staff,
        area_kind="neighbourhood",
    )
    section = assessment.sections.get(key="residents")
    assert section.title == "What residents told us"
    assert section.position == assessment.sections.count()  # the last
    assert section.figures["numbers"]["comments"] == 6
    assert section.text.startswith("From 1 January 2025 to 31 December 2025, residents sent 6")


def test_a_comment_approved_later_counts_once_the_figures_are_refreshed(
    assessment_city, review, staff, residents_wrote
):
    from evaluation.services.assessments import assessment_section_refresh
    from stakeholders.models import CommunityInput
    from stakeholders.services import community_input_moderate

    assessment = assessment_draft(
        title="Needs assessment 2025", period_start=PERIOD[0], period_end=PERIOD[1],
        board=review.board, user=staff, area_kind="neighbourhood",
    )  # fmt: skip
    waiting = CommunityInput.objects.pending().get()
    community_input_moderate(community_input=waiting, status=APPROVED, user=staff)
    section = assessment.sections.get(key="residents")
    assert section.figures["numbers"]["comments"] == 6  # stored as drafted
    refreshed = assessment_section_refresh(section=section, user=staff)
    assert refreshed.figures["numbers"]["comments"] == 7
    assert refreshed.figures["numbers"]["awaiting"] == 0
