"""The needs assessments' services: drafting from the data, versions, the board's review
and the publish rule."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from evaluation.models import (
    AssessmentStatus,
    Decision,
    NeedsAssessment,
    VersionKind,
)
from evaluation.selectors.assessments import publish_readiness
from evaluation.services.assessments import (
    assessment_comment,
    assessment_comment_answer,
    assessment_decide,
    assessment_draft,
    assessment_publish,
    assessment_section_edit,
    assessment_section_refresh,
    assessment_send,
)
from ovp.incidents.models import Period, PeriodCount
from stakeholders.models import BoardMembership
from tests.evaluation.assessment_data import PERIOD

pytestmark = pytest.mark.django_db


def figures(assessment, key):
    return assessment.sections.get(key=key).figures


def test_drafting_builds_every_section_in_order_with_text_from_the_figures(draft):
    sections = list(draft.sections.order_by("position"))
    assert [s.key for s in sections] == [
        "burden", "who", "coverage", "funding", "evaluations", "residents",
    ]  # fmt: skip
    for section in sections:
        assert section.text == section.figures["summary"] and section.text
        assert section.figures["tables"], section.key
    assert draft.status == AssessmentStatus.DRAFT and draft.versions.count() == 0


def test_burden_section_states_the_period_against_the_previous_one_and_the_five_years(draft):
    burden = figures(draft, "burden")
    numbers = burden["numbers"]
    assert numbers["victims"] == 28 and numbers["fatal"] == 4
    assert numbers["rate"] == 70.0  # 28 per 40,000 residents
    assert numbers["previous_victims"] == 35
    assert numbers["years_in_average"] == 5 and numbers["average_victims"] == 27.8
    ashford = numbers["areas"]["NA"]
    assert (ashford["victims"], ashford["fatal"], ashford["rate"]) == (20, 3, 200.0)
    assert ashford["previous"] == 30 and ashford["average"] == 6.0  # 30 in 2024 over 5 years
    assert numbers["areas"]["NB"]["rate"] == 30.0
    assert "28 people were shot in the city, 4 of them fatally" in burden["summary"]
    assert "20% fewer than the 35 people shot in the previous period" in burden["summary"]
    assert "Ashford (200.0 per 100,000" in burden["summary"]
    table = burden["tables"][0]
    assert table["rows"][0][:6] == ["Ashford", "NA", 10_000, 20, 3, 200.0]


def test_who_section_sums_the_citys_breakdowns_of_the_period_only(draft):
    who = figures(draft, "who")
    numbers = who["numbers"]
    assert numbers["people"] == 28
    assert numbers["age"]["18-24"] == 12 and numbers["age"]["65+"] == 0
    assert numbers["sex"]["male"] == 25
    assert numbers["race"]["black"] == 20
    assert numbers["time_of_day"]["Evening (6pm to midnight)"] == 10
    assert numbers["time_of_day"]["Night (midnight to 6am)"] == 8
    assert numbers["hour_unknown"] == 4
    assert numbers["weekday"]["Saturday"] == 15 and numbers["weekday"]["Monday"] == 13
    assert "The largest age group was 18 to 24 (12, 43%)" in who["summary"]
    assert "in the evening (6pm to midnight)" in who["summary"]


def test_coverage_section_names_the_high_burden_area_without_an_evidence_based_program(draft):
    coverage = figures(draft, "coverage")
    numbers = coverage["numbers"]
    assert (numbers["areas"], numbers["served"], numbers["high_burden"]) == (3, 1, 1)
    assert numbers["uncovered"] == ["Ashford (NA)"]
    assert "no evidence-based program of a core strategy: Ashford (NA)" in coverage["summary"]


def test_funding_section_compares_homicides_with_the_benchmark_in_decimal_dollars(draft):
    funding = figures(draft, "funding")
    numbers = funding["numbers"]
    assert numbers["homicides"] == 4
    assert Decimal(numbers["benchmark"]) == Decimal(120_000)  # 4 x $30,000
    assert Decimal(numbers["funded"]) == Decimal(60_000)
    assert Decimal(numbers["gap"]) == Decimal(60_000)  # Ashford: $90,000 - $30,000
    assert Decimal(numbers["areas"]["NA"]["gap"]) == Decimal(60_000)
    assert Decimal(numbers["areas"]["NB"]["gap"]) == Decimal(0)
    assert "call for $120,000 a year" in funding["summary"]
    assert "fund $60,000 a year" in funding["summary"]


def test_evaluations_section_reports_stored_runs_with_their_warnings(draft):
    evaluations = figures(draft, "evaluations")
    assert evaluations["numbers"]["runs"] == 1
    assert "People shot fell by about 30% in Bellmont." in evaluations["summary"]
    row = evaluations["tables"][0]["rows"][0]
    assert row[0] == "Bellmont Outreach evaluation" and row[4] == "-30%" and row[6] == 1
    assert any("few clusters" in note for note in evaluations["notes"])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "  "}, "Give the assessment a title."),
        ({"period_start": date(2025, 6, 1), "period_end": date(2025, 5, 1)}, "cannot end before"),
        ({"period_end": date(2099, 1, 1)}, "cannot end in the future"),
        ({"period_start": date(2010, 1, 1), "period_end": date(2010, 12, 31)}, "must overlap"),
        ({"area_kind": "ward"}, "no areas of this kind"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_saved(
    assessment_city, review, staff, changes, message
):
    options = {
        "title": "Needs 2025",
        "period_start": PERIOD[0],
        "period_end": PERIOD[1],
        "board": review.board,
        "user": staff,
        **changes,
    }
    with pytest.raises(ValidationError) as error:
        assessment_draft(**options)
    assert message in " ".join(error.value.messages)
    assert not NeedsAssessment.objects.exists()


def test_an_inactive_board_cannot_review(assessment_city, review, staff):
    review.board.active = False
    review.board.save()
    with pytest.raises(ValidationError, match="no longer active"):
        assessment_draft(
            title="x", period_start=PERIOD[0], period_end=PERIOD[1], board=review.board, user=staff
        )


def test_refreshing_redraws_the_figures_and_keeps_the_staff_text(draft, staff):
    section = draft.sections.get(key="burden")
    assessment_section_edit(section=section, text="Our own words.", user=staff)
    PeriodCount.objects.create(
        period=Period.PART,
        period_start=date(2025, 9, 1),
        area=None,
        area_kind="",
        victims=2,
        fatal=0,
        nonfatal=2,
        incidents=2,
    )
    assessment_section_refresh(section=section, user=staff)
    section.refresh_from_db()
    assert section.figures["numbers"]["victims"] == 30
    assert section.text == "Our own words."


def test_text_and_figures_cannot_change_while_under_review(draft, staff):
    assessment_send(assessment=draft, user=staff)
    section = draft.sections.get(key="who")
    with pytest.raises(ValidationError, match="under review"):
        assessment_section_edit(section=section, text="New words", user=staff)
    with pytest.raises(ValidationError, match="under review"):
        assessment_section_refresh(section=section, user=staff)
    section.refresh_from_db()
    assert section.text == section.figures["summary"]


def test_empty_text_is_refused(draft, staff):
    with pytest.raises(ValidationError, match="Write the section's text"):
        assessment_section_edit(section=draft.sections.get(key="who"), text="  ", user=staff)


def test_each_sending_keeps_a_numbered_version_of_every_section(draft, review, staff):
    first = assessment_send(assessment=draft, user=staff)
    assert (first.number, first.kind) == (1, VersionKind.REVIEW)
    assert [s["key"] for s in first.sections] == [
        "burden",
        "who",
        "coverage",
        "funding",
        "evaluations",
        "residents",
    ]
    assessment_decide(
        assessment=draft, user=review.members[1], decision=Decision.CHANGES, note="Say more."
    )
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.CHANGES_REQUESTED
    who = draft.sections.get(key="who")
    old_text = who.text
    assessment_section_edit(section=who, text="Revised after the board's comments.", user=staff)
    second = assessment_send(assessment=draft, user=staff)
    assert second.number == 2
    first.refresh_from_db()
    assert first.sections[1]["text"] == old_text
    assert second.sections[1]["text"] == "Revised after the board's comments."
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.UNDER_REVIEW


def test_sending_needs_a_board_with_a_reviewing_member(draft, staff):
    BoardMembership.objects.filter(board=draft.board).update(term_end=date(2024, 12, 31))
    with pytest.raises(ValidationError, match="no current member with a portal account"):
        assessment_send(assessment=draft, user=staff)
    assert draft.versions.count() == 0


def test_only_current_members_of_the_board_comment_and_decide(draft, review, staff):
    assessment_send(assessment=draft, user=staff)
    section = draft.sections.get(key="burden")
    for outsider in (review.other_board_member, review.ex_member, staff):
        with pytest.raises(ValidationError, match="Only current members"):
            assessment_comment(section=section, user=outsider, body="Hello")
        with pytest.raises(ValidationError, match="Only current members"):
            assessment_decide(assessment=draft, user=outsider, decision=Decision.SIGN_OFF)
    assert not section.comments.exists()
    comment = assessment_comment(section=section, user=review.members[0], body="Why Ashford?")
    assert comment.version.number == 1


def test_comments_need_a_review_in_progress_and_a_body(draft, review, staff):
    section = draft.sections.get(key="burden")
    with pytest.raises(ValidationError, match="not under review"):
        assessment_comment(section=section, user=review.members[0], body="Too early")
    assessment_send(assessment=draft, user=staff)
    with pytest.raises(ValidationError, match="Write your comment"):
        assessment_comment(section=section, user=review.members[0], body="   ")


def test_staff_answer_a_comment_with_who_and_when(draft, review, staff):
    assessment_send(assessment=draft, user=staff)
    comment = assessment_comment(
        section=draft.sections.get(key="funding"), user=review.members[0], body="Which awards?"
    )
    with pytest.raises(ValidationError, match="Write the answer"):
        assessment_comment_answer(comment=comment, user=staff, reply="")
    assessment_comment_answer(comment=comment, user=staff, reply="The active ones on 31 Dec.")
    comment.refresh_from_db()
    assert comment.reply == "The active ones on 31 Dec."
    assert comment.replied_by == staff and comment.replied_at is not None


def test_asking_for_changes_needs_a_note(draft, review, staff):
    assessment_send(assessment=draft, user=staff)
    with pytest.raises(ValidationError, match="Say what should change"):
        assessment_decide(assessment=draft, user=review.members[0], decision=Decision.CHANGES)
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.UNDER_REVIEW


def test_publishing_needs_a_majority_of_the_reviewing_members(draft, review, staff):
    assessment_send(assessment=draft, user=staff)
    assessment_decide(assessment=draft, user=review.members[0], decision=Decision.SIGN_OFF)
    readiness = publish_readiness(draft)
    assert (readiness.signed_off, readiness.reviewers, readiness.needed) == (1, 3, 2)
    with pytest.raises(ValidationError, match="2 are needed"):
        assessment_publish(assessment=draft, user=staff)
    assessment_decide(assessment=draft, user=review.members[1], decision=Decision.SIGN_OFF)
    version = assessment_publish(assessment=draft, user=staff)
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.PUBLISHED
    assert (version.number, version.kind) == (2, VersionKind.PUBLISHED)
    assert draft.published_by == staff


def test_a_published_assessment_is_read_only(draft, review, staff):
    assessment_send(assessment=draft, user=staff)
    section = draft.sections.get(key="who")
    comment = assessment_comment(section=section, user=review.members[2], body="Fine.")
    for member in review.members[:2]:
        assessment_decide(assessment=draft, user=member, decision=Decision.SIGN_OFF)
    assessment_publish(assessment=draft, user=staff)
    with pytest.raises(ValidationError, match="published"):
        assessment_section_edit(section=section, text="Late change", user=staff)
    with pytest.raises(ValidationError, match="published"):
        assessment_comment(section=section, user=review.members[0], body="Late")
    with pytest.raises(ValidationError, match="published"):
        assessment_comment_answer(comment=comment, user=staff, reply="Late")
    with pytest.raises(ValidationError, match="published"):
        assessment_decide(assessment=draft, user=review.members[2], decision=Decision.SIGN_OFF)
    with pytest.raises(ValidationError):
        assessment_publish(assessment=draft, user=staff)
    assert draft.versions.count() == 2


def test_sign_offs_of_an_earlier_version_do_not_count(draft, review, staff):
    assessment_send(assessment=draft, user=staff)
    assessment_decide(assessment=draft, user=review.members[0], decision=Decision.SIGN_OFF)
    assessment_decide(
        assessment=draft, user=review.members[1], decision=Decision.CHANGES, note="More"
    )
    with pytest.raises(ValidationError, match="asked for changes"):
        assessment_publish(assessment=draft, user=staff)
    assessment_send(assessment=draft, user=staff)
    readiness = publish_readiness(draft)
    assert readiness.version.number == 2 and readiness.signed_off == 0
    assert not readiness.can_publish


def test_the_sign_off_of_a_member_whose_term_ended_does_not_count(draft, review, staff):
    assessment_send(assessment=draft, user=staff)
    for member in review.members[:2]:
        assessment_decide(assessment=draft, user=member, decision=Decision.SIGN_OFF)
    BoardMembership.objects.filter(person__user=review.members[1]).update(term_end=date(2025, 1, 1))
    readiness = publish_readiness(draft)
    # two reviewers left, so two are needed, and one of them signed off
    assert (readiness.reviewers, readiness.signed_off, readiness.needed) == (2, 1, 2)
    with pytest.raises(ValidationError):
        assessment_publish(assessment=draft, user=staff)


def test_deciding_again_replaces_the_members_decision_on_that_version(draft, review, staff):
    assessment_send(assessment=draft, user=staff)
    assessment_decide(assessment=draft, user=review.members[0], decision=Decision.SIGN_OFF)
    assessment_decide(
        assessment=draft, user=review.members[0], decision=Decision.SIGN_OFF, note="Agreed."
    )
    version = draft.latest_review_version
    assert version.signoffs.count() == 1 and version.signoffs.get().note == "Agreed."


def test_evaluations_section_lists_the_latest_overlapping_run_per_program_or_strategy(
    assessment_city,
):
    from evaluation.figures.evaluations import evaluation_figures
    from evaluation.models import EvaluationRun
    from tests.evaluation.assessment_data import PERIOD

    program = assessment_city["program"]

    def stored(title: str, window: list[str], period: str = "month", **fields):
        return EvaluationRun.objects.create(
            title=title,
            method="twfe",
            inputs={"window": window, "period": period},
            results={"warnings": []},
            summary=f"{title} summary.",
            **fields,
        )

    newer = stored("Bellmont again", ["2024-01-01", "2025-12-01"], program=program)
    # December 2024 ends the day before the period begins
    stored("Before the period", ["2019-01-01", "2024-12-01"], strategy="violence_interruption")
    stored("After the period", ["2026-01-01", "2026-12-01"], strategy="hospital")
    last_week = stored(
        "Ends in its last week", ["2023-01-02", "2024-12-30"], "week", strategy="youth_employment"
    )
    strategy = stored(
        "Every outreach program", ["2022-01-01", "2025-03-01"], strategy="street_outreach"
    )
    stored("No window", [], strategy="reentry")

    titles = evaluation_figures(*PERIOD).numbers.as_dict()["titles"]
    # Bellmont's older run is replaced by the newer one; the week ending 5 Jan 2025 overlaps
    assert sorted(titles) == sorted([newer.title, last_week.title, strategy.title])
