"""One small city with something of everything, for tests that walk every page: two
organisations (A and B) with their grantees, people, programs, proposals, applications
(draft and submitted), documents, awards, tranches, reports and attachments; two boards
(the board member sits on X, and sat on Y until last year) with goals, action items,
meetings and needs assessments sent for review (and one draft never sent, and one published);
A's program listed in the public directory (B's not); review
assignments for the board member and for staff; an incident source with an import run; an
evaluation run; and a year of incident aggregates so the dashboards have data.

Built with the services where they exist, so the objects are as the portal makes them."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from evaluation.models import (
    Decision,
    EvaluationMethod,
    EvaluationRun,
    NeedsAssessment,
    SectionComment,
)
from evaluation.services.assessments import (
    assessment_comment,
    assessment_decide,
    assessment_draft,
    assessment_publish,
    assessment_send,
)
from grants.models import (
    Application,
    ApplicationDocument,
    Award,
    Criterion,
    FundingRound,
    QuarterlyReport,
    ReportAttachment,
    ReviewAssignment,
)
from grants.services.applications import (
    application_create,
    application_document_add,
    application_submit,
)
from grants.services.reports import report_attachment_add
from grants.services.review import conflict_declare, reviewers_assign
from inventory.models import (
    Audience,
    Campaign,
    CampaignKind,
    CampaignOutput,
    CampaignSpending,
    OutputKind,
    Program,
    ProgramUpdateProposal,
    Resource,
    Strategy,
)
from inventory.services.campaigns import (
    CampaignLinks,
    campaign_create,
    campaign_output_log,
    campaign_spending_log,
)
from inventory.services.programs import proposal_submit
from inventory.services.resources import resource_create, resource_version_add
from ovp.accounts.models import User
from ovp.incidents.models import ImportRun, ImportStatus, IncidentSource, ViolenceTarget
from ovp.incidents.services import source_for
from stakeholders.models import (
    ActionItem,
    Board,
    CommunityInput,
    Goal,
    Meeting,
    Organisation,
    Person,
)
from tests.builders import make_award, record_burden
from tests.factories import (
    ActionItemFactory,
    AdminFactory,
    AreaFactory,
    BoardFactory,
    BoardMemberFactory,
    CommunityInputFactory,
    FundFactory,
    GoalFactory,
    GranteeFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    ProgramFactory,
    ServiceAreaFactory,
    StaffFactory,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Side:
    """What one organisation (A or B) owns."""

    organisation: Organisation
    grantee: User
    contact: Person
    program: Program
    proposal: ProgramUpdateProposal
    draft: Application
    submitted: Application
    draft_document: ApplicationDocument
    submitted_document: ApplicationDocument
    award: Award
    report: QuarterlyReport
    attachment: ReportAttachment


@dataclass
class BoardSide:
    """What one board (X or Y) holds: a needs assessment sent to it for review, with a
    comment from one of its members on its first section."""

    board: Board
    goal: Goal
    action_item: ActionItem
    meeting: Meeting
    assessment: NeedsAssessment
    comment: SectionComment


@dataclass
class World:
    staff: User
    admin: User
    board_member: User
    a: Side
    b: Side
    x: BoardSide
    y: BoardSide
    citywide_goal: Goal
    # a draft for board X, never sent: its members must not see it
    draft_assessment: NeedsAssessment
    # signed off by board X and published: the one the public may read
    published_assessment: NeedsAssessment
    funding_round: FundingRound
    board_assignment: ReviewAssignment
    staff_assignment: ReviewAssignment
    source: IncidentSource
    import_run: ImportRun
    evaluation_run: EvaluationRun
    target: ViolenceTarget
    # a resident's comment waiting for moderation
    community_input: CommunityInput
    campaign: Campaign
    campaign_output: CampaignOutput
    campaign_spending: CampaignSpending
    stored_files: list[str] = field(default_factory=list)
    # the resource library: one resource per audience (office, board, grantees, public),
    # each with two versions (the second current)
    resources: dict[str, Resource] = field(default_factory=dict)

    def user(self, persona: str) -> User | None:
        """The user acting as a persona (None for the anonymous visitor)."""
        return {
            "anonymous": None,
            "grantee_a": self.a.grantee,
            "grantee_b": self.b.grantee,
            "board": self.board_member,
            "staff": self.staff,
            "admin": self.admin,
        }[persona]

    def remove_stored_files(self) -> None:
        """Uploaded files live outside the database, so a rollback leaves them behind."""
        for stored in self.stored_files:
            Path(stored).unlink(missing_ok=True)


def _assessment(board: Board, staff: User, title: str) -> NeedsAssessment:
    return assessment_draft(
        title=title,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 10, 31),
        board=board,
        user=staff,
    )


def _published(board: Board, *, member: User, staff: User) -> NeedsAssessment:
    assessment = _assessment(board, staff, f"Published needs of 2025 for {board.name}")
    version = assessment_send(assessment=assessment, user=staff)
    assessment_decide(
        assessment=assessment, user=member, decision=Decision.SIGN_OFF, version_read=version.number
    )
    assessment_publish(assessment=assessment, user=staff)
    assessment.refresh_from_db()
    return assessment


def _board_side(board: Board, owner: Organisation, *, member: User, staff: User) -> BoardSide:
    """`member` is a current member of the board with a portal account."""
    goal = GoalFactory(board=board, title=f"Fewer shootings near {board.name}")
    assessment = _assessment(board, staff, f"Needs of 2026 for {board.name}")
    assessment_send(assessment=assessment, user=staff)
    assessment.refresh_from_db()
    return BoardSide(
        board=board,
        goal=goal,
        action_item=ActionItemFactory(goal=goal, owner_organisation=owner),
        meeting=MeetingFactory(board=board),
        assessment=assessment,
        comment=assessment_comment(
            section=assessment.sections.order_by("position")[0],
            user=member,
            body="Say more about the east side.",
        ),
    )


def _side(
    letter: str,
    *,
    funding_round: FundingRound,
    areas: list[Any],
    staff: User,
) -> Side:
    organisation = OrganisationFactory(
        name=f"Organisation {letter}",
        public_phone=f"(555) 010-000{len(letter)}",
        public_email=f"info@organisation-{letter.lower()}.example.org",
    )
    grantee = GranteeFactory(
        email=f"grantee.{letter.lower()}@example.org", organisation=organisation
    )
    # A's program is listed in the public directory; B's is not
    program = ProgramFactory(
        name=f"Outreach of {letter}",
        lead_organisation=organisation,
        listed_publicly=letter == "A",
        public_summary=f"Outreach workers of {letter} on the streets every night.",
    )
    ServiceAreaFactory(program=program, area=areas[0])
    proposal = proposal_submit(
        program=program,
        organisation=organisation,
        user=grantee,
        changes={"capacity": 40},
        note="We grew.",
    )

    def apply(title: str) -> Application:
        return application_create(
            funding_round=funding_round,
            organisation=organisation,
            user=grantee,
            title=title,
            summary="Street outreach in two neighbourhoods.",
            strategy=Strategy.STREET_OUTREACH,
            requested_amount=Decimal("50000.00"),
            areas=areas[:1],
        )

    def attach(application: Application) -> ApplicationDocument:
        return application_document_add(
            application=application,
            user=grantee,
            kind="budget",
            upload=SimpleUploadedFile(f"budget-{letter}.pdf", PDF),
        )

    draft = apply(f"Draft of {letter}")
    draft_document = attach(draft)
    submitted = apply(f"Submitted by {letter}")
    submitted_document = attach(submitted)
    submitted = application_submit(application=submitted, user=grantee)

    award = make_award(organisation, program=program, user=staff, title=f"Award to {letter}")
    report = award.reports.order_by("period_start").first()
    assert report is not None
    attachment = report_attachment_add(
        report=report, upload=SimpleUploadedFile(f"photos-{letter}.pdf", PDF), user=grantee
    )
    return Side(
        organisation=organisation,
        grantee=grantee,
        contact=PersonFactory(organisation=organisation),
        program=program,
        proposal=proposal,
        draft=draft,
        submitted=submitted,
        draft_document=draft_document,
        submitted_document=submitted_document,
        award=award,
        report=report,
        attachment=attachment,
    )


def _campaign(staff: User, areas: list, partner: Organisation) -> Campaign:
    """The office's own campaign in the first ward, with an output and a spending entry."""
    return campaign_create(
        user=staff,
        values={
            "name": "Summer surge",
            "kind": CampaignKind.SURGE,
            "started_on": date(2026, 6, 1),
            "ended_on": date(2026, 8, 31),
            "budget": Decimal("10000"),
        },
        links=CampaignLinks(areas=areas[:1], partners=[partner]),
    )


def build_world() -> World:
    staff = StaffFactory(email="staff@example.org", full_name="Sam Staff")
    admin = AdminFactory(email="admin@example.org", full_name="Ada Admin")
    board_member = BoardMemberFactory(email="board@example.org", full_name="Bea Board")
    areas = [AreaFactory(code=f"W{n}", name=f"Ward {n}") for n in range(1, 4)]
    record_burden({areas[0]: 12, areas[1]: 3, areas[2]: 0})

    now = timezone.now()
    funding_round = FundingRound.objects.create(
        fund=FundFactory(name="Community safety fund"),
        name="Open round",
        budget=Decimal("500000.00"),
        opens_at=now - timedelta(days=30),
        closes_at=now + timedelta(days=30),
    )
    Criterion.objects.create(funding_round=funding_round, name="Evidence", max_score=5)

    a = _side("A", funding_round=funding_round, areas=areas, staff=staff)
    b = _side("B", funding_round=funding_round, areas=areas[1:], staff=staff)

    board_x = BoardFactory(name="Board X")
    board_y = BoardFactory(name="Board Y")
    seat = PersonFactory(organisation=None, full_name="Bea Board", user=board_member)
    MembershipFactory(board=board_x, person=seat, term_start=date(2024, 1, 1))
    # a former member of Y: past seats give no access
    MembershipFactory(
        board=board_y, person=seat, term_start=date(2022, 1, 1), term_end=date(2024, 12, 31)
    )
    other_member = BoardMemberFactory(email="other.board@example.org")
    MembershipFactory(
        board=board_y,
        person=PersonFactory(organisation=None, user=other_member),
        term_start=date(2024, 1, 1),
    )

    (board_assignment,) = reviewers_assign(
        application=a.submitted, reviewers=[board_member], assigned_by=staff
    )
    # the board member has declared no conflict, so the documents open to them; the staff
    # reviewer has not declared yet
    board_assignment = conflict_declare(
        assignment=board_assignment, user=board_member, has_conflict=False
    )
    (staff_assignment,) = reviewers_assign(
        application=b.submitted, reviewers=[staff], assigned_by=staff
    )

    source = source_for(name="city-export", preset="nypd")
    import_run = ImportRun.objects.create(
        source=source,
        file_name="shootings.csv",
        status=ImportStatus.SUCCEEDED,
        rejected_report="line,key,reason\n3,2,date is not %m/%d/%Y\n",
        created_by=staff,
    )
    evaluation_run = EvaluationRun.objects.create(
        title="Outreach of A",
        program=a.program,
        method=EvaluationMethod.EVENT_STUDY,
        inputs={"outcome_label": "people shot"},
        results={
            "estimate": -0.5,
            "event_study": [
                {"event_time": -1, "estimate": 0.0, "ci_low": -0.4, "ci_high": 0.4},
                {"event_time": 0, "estimate": -0.5, "ci_low": -0.9, "ci_high": -0.1},
            ],
        },
        estimate=-0.5,
        summary="Shootings fell where the program worked.",
        created_by=staff,
    )
    world = World(
        staff=staff,
        admin=admin,
        board_member=board_member,
        a=a,
        b=b,
        x=_board_side(board_x, a.organisation, member=board_member, staff=staff),
        y=_board_side(board_y, b.organisation, member=other_member, staff=staff),
        citywide_goal=GoalFactory(board=None, title="Citywide goal"),
        draft_assessment=_assessment(board_x, staff, "Unsent draft for Board X"),
        published_assessment=_published(board_x, member=board_member, staff=staff),
        funding_round=funding_round,
        board_assignment=board_assignment,
        staff_assignment=staff_assignment,
        source=source,
        import_run=import_run,
        evaluation_run=evaluation_run,
        target=ViolenceTarget.objects.create(measure="homicides", baseline_year=2020),
        community_input=CommunityInputFactory(area=areas[0]),
        campaign=(campaign := _campaign(staff, areas, a.organisation)),
        campaign_output=campaign_output_log(
            campaign=campaign, user=staff, on=date(2026, 7, 1), kind=OutputKind.EVENTS, quantity=3
        ),
        campaign_spending=campaign_spending_log(
            campaign=campaign,
            user=staff,
            spent_on=date(2026, 6, 2),
            amount=Decimal("2500"),
            description="Outreach overtime",
        ),
    )
    for side in (a, b):
        for stored in (side.draft_document, side.submitted_document, side.attachment):
            world.stored_files.append(stored.file.path)
    _library(world)
    return world


def _library(world: World) -> None:
    for audience in Audience.values:
        resource = resource_create(
            user=world.staff,
            title=f"Toolkit for {audience}",
            topics=["toolkit"],
            language="en",
            audience=audience,
            upload=SimpleUploadedFile(f"{audience}-v1.pdf", PDF),
        )
        resource_version_add(
            resource=resource,
            user=world.staff,
            upload=SimpleUploadedFile(f"{audience}-v2.pdf", PDF + b"% second edition\n"),
        )
        world.resources[audience] = resource
        world.stored_files += [version.file.path for version in resource.versions.all()]
