"""The demo's evaluation: Northside Street Outreach, whose neighbourhoods (N03, N11) have
30% fewer shootings from its start on 1 June 2023 in the demo's synthetic data
(`ovp/incidents/demo.py`); the stored run should find that reduction.

And a needs assessment of the last 12 whole months of data, under review by the advisory
board, with a comment from its member on the demo login and the office's answer; and one of
the 12 months before, signed off and published (on /public/assessments/)."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from evaluation.models import Decision, EvaluationRun, NeedsAssessment
from evaluation.selectors.runs import MONTH, complete_window
from evaluation.services.assessments import (
    assessment_comment,
    assessment_comment_answer,
    assessment_decide,
    assessment_draft,
    assessment_publish,
    assessment_send,
)
from evaluation.services.runs import Choice, evaluation_run
from inventory.models import Program
from ovp.accounts.models import User
from ovp.areas.models import AreaKind
from ovp.core.demo import DemoCity, demo_seeder
from ovp.incidents.selectors import data_range
from stakeholders.models import Board

DEMO_PROGRAM = "Northside Street Outreach"
# with two treated neighbourhoods, eight never-served ones of similar burden give the
# comparison enough areas to tell a 30% fall from chance
DEMO_COMPARISONS = 8


def demo_choice() -> Choice | None:
    program = Program.objects.filter(name=DEMO_PROGRAM).first()
    window = complete_window(MONTH)
    if program is None or window is None:
        return None
    return Choice(
        program=program,
        strategy="",
        area_kind=AreaKind.NEIGHBOURHOOD,
        period=MONTH,
        begin=window[0],
        end=window[1],
        comparisons_per_area=DEMO_COMPARISONS,
    )


@demo_seeder
def seed_evaluation(city: DemoCity) -> None:
    choice = demo_choice()
    if choice is None:
        city.log("  evaluation: skipped (no demo program or no incident data)")
        return
    # one run of the program, replaced when the demo is built again
    EvaluationRun.objects.filter(program=choice.program, created_by__isnull=True).delete()
    run = evaluation_run(choice=choice, user=None)
    city.log(f"  evaluation: {run.title}, {run.change_text} ({run.get_method_display()})")


DEMO_ASSESSMENT_BOARD = "Riverton Violence Prevention Advisory Board"
DEMO_STAFF, DEMO_BOARD_MEMBER = "staff@demo.ovp", "board@demo.ovp"
DEMO_COMMENT = (
    "Could the text say how many of the people shot were under 18? The youth task force "
    "will ask at its next meeting."
)
DEMO_ANSWER = (
    "Yes: the table of age bands holds it, and the next version will say it in the text too."
)


def demo_assessment_period() -> tuple[date, date] | None:
    """The last 12 whole months of incident data."""
    last_week = data_range().last_week
    if last_week is None:
        return None
    last_day = last_week + timedelta(days=6)
    month_end = last_day + relativedelta(day=31)
    if last_day != month_end:  # the data's last month is not complete: end the month before
        month_end = last_day.replace(day=1) - timedelta(days=1)
    return month_end.replace(day=1) - relativedelta(months=11), month_end


@demo_seeder
def seed_needs_assessment(city: DemoCity) -> None:
    period = demo_assessment_period()
    board = Board.objects.filter(name=DEMO_ASSESSMENT_BOARD).first()
    staff = User.objects.filter(email=DEMO_STAFF).first()
    member = User.objects.filter(email=DEMO_BOARD_MEMBER).first()
    if period is None or board is None or staff is None or member is None:
        city.log("  needs assessment: skipped (no incident data, board or demo logins)")
        return
    title = f"Needs assessment {period[0]:%B %Y} to {period[1]:%B %Y}"
    # one demo assessment, drafted again when the demo is built again
    NeedsAssessment.objects.filter(board=board, title=title).delete()
    assessment = assessment_draft(
        title=title, period_start=period[0], period_end=period[1], board=board, user=staff
    )
    assessment_send(assessment=assessment, user=staff)
    who = assessment.sections.get(key="who")
    comment = assessment_comment(section=who, user=member, body=DEMO_COMMENT)
    assessment_comment_answer(comment=comment, user=staff, reply=DEMO_ANSWER)
    city.log(f"  needs assessment: {title}, under review by {board}")


@demo_seeder
def seed_published_assessment(city: DemoCity) -> None:
    """The year before the one under review: sent, signed off by the board and published."""
    period = demo_assessment_period()
    board = Board.objects.filter(name=DEMO_ASSESSMENT_BOARD).first()
    staff = User.objects.filter(email=DEMO_STAFF).first()
    member = User.objects.filter(email=DEMO_BOARD_MEMBER).first()
    if period is None or board is None or staff is None or member is None:
        city.log("  published needs assessment: skipped (no incident data, board or logins)")
        return
    start, end = period[0] - relativedelta(years=1), period[0] - timedelta(days=1)
    if start < (data_range().first_week or start):
        city.log("  published needs assessment: skipped (too little incident data)")
        return
    title = f"Needs assessment {start:%B %Y} to {end:%B %Y}"
    NeedsAssessment.objects.filter(board=board, title=title).delete()
    assessment = assessment_draft(
        title=title, period_start=start, period_end=end, board=board, user=staff
    )
    version = assessment_send(assessment=assessment, user=staff)
    assessment_decide(
        assessment=assessment, user=member, decision=Decision.SIGN_OFF, version_read=version.number
    )
    assessment_publish(assessment=assessment, user=staff)
    city.log(f"  needs assessment: {title}, published")
