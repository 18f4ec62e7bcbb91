"""The inventory's pages: who may see them, editing with service areas, history, exports,
and organisations' proposed updates."""

import io
from datetime import date

import openpyxl
import pytest

from inventory.models import (
    Evidence,
    Program,
    ProgramUpdateProposal,
    ProposalStatus,
    ServiceArea,
    Strategy,
)
from tests.factories import AreaFactory, OrganisationFactory, ProgramFactory, ServiceAreaFactory

OFFICE_PAGES = [
    "/inventory/",
    "/inventory/programs/new/",
    "/inventory/programs/{uuid}/",
    "/inventory/programs/{uuid}/edit/",
    "/inventory/programs/{uuid}/history/",
    "/inventory/survey/",
    "/inventory/survey/template.csv",
    "/inventory/proposals/",
    "/inventory/gaps/",
]
# the same pages' downloads: who reaches the pages themselves is in the permissions matrix
# (tests/test_permissions_matrix.py), which asks for each page without a query string
OFFICE_DOWNLOADS = [
    "/inventory/gaps/?download=gaps",
    "/inventory/?format=xlsx",
    "/inventory/?format=csv",
    "/inventory/gaps/?download=matrix",
]


@pytest.fixture
def program(organisation_a):
    return ProgramFactory(name="Peace Walks", lead_organisation=organisation_a)


@pytest.mark.parametrize("path", [*OFFICE_PAGES, *OFFICE_DOWNLOADS])
def test_office_pages_open_for_staff(path, program, staff, client_for):
    assert client_for(staff).get(path.format(uuid=program.uuid)).status_code == 200


@pytest.mark.parametrize("path", OFFICE_DOWNLOADS)
@pytest.mark.parametrize("persona", ["grantee_a", "board_member"])
def test_grantees_and_board_members_cannot_open_office_inventory_pages(
    path, persona, program, request, client_for
):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(path.format(uuid=program.uuid)).status_code == 403


@pytest.mark.parametrize("path", OFFICE_DOWNLOADS)
def test_anonymous_visitors_are_sent_to_login(path, program, client):
    response = client.get(path.format(uuid=program.uuid))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_staff_add_a_program_with_its_service_areas(organisation_a, staff, client_for):
    area = AreaFactory(code="N7")
    response = client_for(staff).post("/inventory/programs/new/", {
        "name": "Cure Riverton", "lead_organisation": organisation_a.pk, "strategy": Strategy.VIOLENCE_INTERRUPTION,
        "tier": "intervention", "evidence": Evidence.PROMISING, "status": "active", "formal": "on",
        "areas-TOTAL_FORMS": "2", "areas-INITIAL_FORMS": "0",
        "areas-0-area": area.pk, "areas-0-started_on": "2025-02-01",
    })  # fmt: skip

    program = Program.objects.get(name="Cure Riverton")
    assert (
        response.status_code == 302
        and response["Location"] == f"/inventory/programs/{program.uuid}/"
    )
    assert [(s.area.code, s.started_on) for s in program.service_areas.all()] == [
        ("N7", date(2025, 2, 1))
    ]
    assert program.history.count() == 1 and program.history.first().history_user == staff


def test_a_service_area_ending_before_it_starts_saves_nothing(organisation_a, staff, client_for):
    area = AreaFactory(code="N7")
    response = client_for(staff).post("/inventory/programs/new/", {
        "name": "Cure Riverton", "lead_organisation": organisation_a.pk, "strategy": Strategy.VIOLENCE_INTERRUPTION,
        "tier": "intervention", "evidence": Evidence.PROMISING, "status": "active",
        "areas-TOTAL_FORMS": "1", "areas-INITIAL_FORMS": "0",
        "areas-0-area": area.pk, "areas-0-started_on": "2025-02-01", "areas-0-ended_on": "2024-01-01",
    })  # fmt: skip

    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()
    assert not Program.objects.exists() and not ServiceArea.objects.exists()


def test_history_lists_who_changed_what(program, staff, client_for):
    client = client_for(staff)
    client.post(f"/inventory/programs/{program.uuid}/edit/", {
        "name": program.name, "lead_organisation": program.lead_organisation.pk, "strategy": program.strategy,
        "tier": program.tier, "evidence": Evidence.EFFECTIVE, "status": "active", "capacity": "80",
        "areas-TOTAL_FORMS": "0", "areas-INITIAL_FORMS": "0",
    })  # fmt: skip

    html = client.get(f"/inventory/programs/{program.uuid}/history/").content.decode()

    assert "Sam Staff" in html
    assert "<td>Evidence rating</td><td>Promising</td><td>Effective</td>" in html
    assert "<td>Capacity</td><td>blank</td><td>80</td>" in html


def test_list_filters_by_area_and_by_partner_organisation(staff, client_for):
    partner = OrganisationFactory(name="Partner Org")
    area = AreaFactory(code="N9")
    in_area = ProgramFactory(name="In the area")
    ServiceAreaFactory(program=in_area, area=area)
    partnered = ProgramFactory(name="With a partner")
    partnered.partners.add(partner)
    ProgramFactory(name="Elsewhere")
    client = client_for(staff)

    by_area = client.get(f"/inventory/?area={area.pk}").content.decode()
    by_partner = client.get(f"/inventory/?organisation={partner.pk}").content.decode()

    assert (
        "In the area" in by_area and "Elsewhere" not in by_area and "With a partner" not in by_area
    )
    assert "With a partner" in by_partner and "In the area" not in by_partner


def test_excel_export_holds_the_filtered_programs(staff, client_for):
    ProgramFactory(name="Therapy", strategy=Strategy.CBT, annual_budget=5000)
    ProgramFactory(name="Outreach", strategy=Strategy.STREET_OUTREACH)

    response = client_for(staff).get("/inventory/?strategy=cbt&format=xlsx")

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:2] == ("program", "lead_organisation")
    assert [r[0] for r in rows[1:]] == ["Therapy"]
    assert rows[1][3] == "Cognitive behavioural therapy" and rows[1][13] == 5000


def test_csv_export_quotes_cells_that_would_be_formulas(staff, client_for):
    ProgramFactory(name="=HYPERLINK(1)")
    body = client_for(staff).get("/inventory/?format=csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in body


def test_survey_upload_with_errors_shows_them_and_saves_nothing(staff, client_for):
    upload = io.BytesIO(b"program,lead_organisation,strategy,tier\nX,Nobody,cbt,prevention\n")
    upload.name = "survey.csv"
    AreaFactory(code="N1")
    response = client_for(staff).post(
        "/inventory/survey/", {"file": upload, "area_kind": "neighbourhood"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "Nothing was imported" in html
        and "Row 2: lead_organisation: &#x27;Nobody&#x27; is not in the registry" in html
    )
    assert not Program.objects.exists()


def test_grantee_sees_own_programs_only(program, grantee_a, grantee_b, client_for):
    mine = client_for(grantee_a).get("/inventory/mine/").content.decode()
    theirs = client_for(grantee_b).get("/inventory/mine/").content.decode()

    assert "Peace Walks" in mine
    assert "Peace Walks" not in theirs


def test_grantee_cannot_propose_updates_to_another_organisations_program(
    program, grantee_b, client_for
):
    response = client_for(grantee_b).post(
        f"/inventory/mine/{program.uuid}/propose/", {"capacity": "1"}
    )
    assert response.status_code == 404
    assert not ProgramUpdateProposal.objects.exists()


def _propose(client, program, **changes):
    data = {
        "status": program.status,
        "description": program.description,
        "capacity": program.capacity or "",
    }
    return client.post(f"/inventory/mine/{program.uuid}/propose/", data | changes)


def test_a_proposed_update_changes_the_program_only_once_staff_approve(
    program, grantee_a, staff, client_for
):
    response = _propose(
        client_for(grantee_a), program, capacity="250", note="We hired two workers."
    )
    assert response.status_code == 302
    proposal = ProgramUpdateProposal.objects.get()
    assert proposal.changes == {"capacity": 250}
    program.refresh_from_db()
    assert program.capacity is None  # nothing changes yet

    office = client_for(staff)
    page = office.get(f"/inventory/proposals/{proposal.uuid}/").content.decode()
    assert "We hired two workers." in page and "<strong>250</strong>" in page
    office.post(f"/inventory/proposals/{proposal.uuid}/", {"decision": "approve"})

    program.refresh_from_db()
    proposal.refresh_from_db()
    assert program.capacity == 250 and proposal.status == ProposalStatus.APPROVED
    assert proposal.decided_by == staff
    assert program.history.first().history_change_reason == "Proposed by Organisation A, approved"


def test_a_rejected_proposal_leaves_the_program_and_cannot_be_decided_twice(
    program, grantee_a, staff, client_for
):
    _propose(client_for(grantee_a), program, capacity="250")
    proposal = ProgramUpdateProposal.objects.get()
    office = client_for(staff)
    office.post(
        f"/inventory/proposals/{proposal.uuid}/",
        {"decision": "reject", "decision_note": "Send numbers"},
    )
    office.post(f"/inventory/proposals/{proposal.uuid}/", {"decision": "approve"})

    program.refresh_from_db()
    proposal.refresh_from_db()
    assert program.capacity is None
    assert proposal.status == ProposalStatus.REJECTED and proposal.decision_note == "Send numbers"
    assert "Send numbers" in client_for(grantee_a).get("/inventory/mine/").content.decode()


def test_a_proposal_with_no_change_and_no_note_is_refused(program, grantee_a, client_for):
    response = _propose(client_for(grantee_a), program)
    assert response.status_code == 200
    assert "Nothing differs from the program" in response.content.decode()
    assert not ProgramUpdateProposal.objects.exists()


def test_grantee_cannot_decide_proposals(program, grantee_a, client_for):
    _propose(client_for(grantee_a), program, capacity="9")
    proposal = ProgramUpdateProposal.objects.get()
    response = client_for(grantee_a).post(
        f"/inventory/proposals/{proposal.uuid}/", {"decision": "approve"}
    )
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING


def test_a_filter_that_cannot_be_read_exports_nothing(staff, client_for):
    ProgramFactory(name="Therapy", strategy=Strategy.CBT)
    ProgramFactory(name="Outreach")
    client = client_for(staff)

    export = client.get("/inventory/?strategy=cbt&area=99999&format=csv").content.decode(
        "utf-8-sig"
    )
    page = client.get("/inventory/?strategy=cbt&area=99999").content.decode()

    assert export.strip().splitlines()[1:] == []
    assert "A filter could not be read" in page and "Outreach" not in page


def test_overlapping_periods_of_one_area_are_refused(organisation_a, staff, client_for):
    area = AreaFactory(code="N7")
    response = client_for(staff).post("/inventory/programs/new/", {
        "name": "Cure Riverton", "lead_organisation": organisation_a.pk, "strategy": Strategy.VIOLENCE_INTERRUPTION,
        "tier": "intervention", "evidence": Evidence.PROMISING, "status": "active",
        "areas-TOTAL_FORMS": "2", "areas-INITIAL_FORMS": "0",
        "areas-0-area": area.pk, "areas-0-started_on": "2024-01-01",
        "areas-1-area": area.pk, "areas-1-started_on": "2024-06-01",
    })  # fmt: skip

    assert response.status_code == 200
    assert "is listed twice for overlapping periods" in response.content.decode()
    assert not Program.objects.exists()


def test_a_partner_grantee_cannot_propose_updates(program, grantee_b, organisation_b, client_for):
    program.partners.add(organisation_b)
    response = client_for(grantee_b).get(f"/inventory/mine/{program.uuid}/propose/")
    assert response.status_code == 404
