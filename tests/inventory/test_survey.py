"""The survey intake: the CSV the office sends to organisations, imported back whole or not at all."""

import csv
import io
from datetime import date

import pytest

from inventory.models import Evidence, Program, ServiceArea, Strategy
from inventory.services.survey import SURVEY_HEADER, survey_import
from tests.factories import OrganisationFactory, ProgramFactory, ServiceAreaFactory


def survey(*rows: dict, header: list[str] = SURVEY_HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode()


def row(**values: str) -> dict:
    base = {
        "program": "Peace Walks",
        "lead_organisation": "Northside Peacekeepers",
        "strategy": "Street outreach (CVI)",
        "tier": "intervention",
        "evidence": "Promising",
        "capacity": "120",
        "annual_budget": "$250,000",
        "areas": "N1; N2",
        "serving_since": "2024-03-01",
    }
    return base | values


@pytest.fixture
def northside(db):
    return OrganisationFactory(name="Northside Peacekeepers")


def test_survey_row_creates_program_with_its_service_areas(northside, neighbourhoods):
    partner = OrganisationFactory(name="Health Department")
    result = survey_import(
        content=survey(row(partners="health department", formal="no")), area_kind="neighbourhood"
    )

    assert result.errors == []
    assert (result.created, result.updated, result.service_areas_added) == (1, 0, 2)
    program = Program.objects.get(name="Peace Walks")
    assert program.lead_organisation == northside
    assert list(program.partners.all()) == [partner]
    assert program.strategy == Strategy.STREET_OUTREACH and program.evidence == Evidence.PROMISING
    assert program.capacity == 120 and program.annual_budget == 250_000
    assert program.formal is False
    assert sorted((s.area.code, s.started_on, s.ended_on) for s in program.service_areas.all()) == [
        ("N1", date(2024, 3, 1), None),
        ("N2", date(2024, 3, 1), None),
    ]


def test_survey_row_updates_the_program_of_the_same_name_and_lead(northside, neighbourhoods):
    program = ProgramFactory(name="Peace Walks", lead_organisation=northside, capacity=10)
    ServiceAreaFactory(program=program, area=neighbourhoods[0], started_on=date(2020, 1, 1))

    result = survey_import(
        content=survey(row(program="PEACE WALKS", capacity="300")), area_kind="neighbourhood"
    )

    assert (result.created, result.updated, result.service_areas_added) == (0, 1, 1)
    program.refresh_from_db()
    assert program.capacity == 300
    # the area it already served keeps its own start; only the new one is added
    assert sorted((s.area.code, s.started_on) for s in program.service_areas.all()) == [
        ("N1", date(2020, 1, 1)),
        ("N2", date(2024, 3, 1)),
    ]


def test_survey_with_any_bad_row_saves_nothing_and_names_every_problem(northside, neighbourhoods):
    content = survey(
        row(program="Good One"),
        row(program="Bad One", lead_organisation="Nobody Inc", strategy="juggling"),
        row(program="Bad Two", areas="N1; N99", serving_since="", capacity="many"),
    )

    result = survey_import(content=content, area_kind="neighbourhood")

    assert Program.objects.count() == 0 and ServiceArea.objects.count() == 0
    text = "\n".join(result.errors)
    assert "Row 3: lead_organisation: 'Nobody Inc' is not in the registry" in text
    assert "Row 3: strategy: 'juggling' is not one of" in text
    assert "Row 4: areas: no area with code 'N99'" in text
    assert "Row 4: serving_since: required when areas are given" in text
    assert "Row 4: capacity: 'many' is not a number" in text
    assert not any(error.startswith("Row 2") for error in result.errors)


def test_survey_listing_the_same_program_twice_is_refused(northside, neighbourhoods):
    result = survey_import(content=survey(row(), row(capacity="5")), area_kind="neighbourhood")

    assert result.errors == ["Row 3: the same program as row 2"]
    assert Program.objects.count() == 0


def test_survey_without_its_columns_is_refused_with_a_clear_message(db):
    result = survey_import(content=b"name,place\nx,y\n", area_kind="neighbourhood")

    assert result.errors == [
        "The file lacks the survey's column(s) program, lead_organisation, strategy, tier. "
        "Start from the survey template."
    ]


def test_survey_that_is_not_text_is_refused(db):
    result = survey_import(content=b"\x89PNG\r\n\x1a\n\x00\x00\x81\x81", area_kind="neighbourhood")

    assert result.errors  # a message, not an exception
    assert Program.objects.count() == 0


def test_survey_template_help_line_and_blank_lines_are_skipped(
    northside, neighbourhoods, staff, client_for
):
    template = client_for(staff).get("/inventory/survey/template.csv").content
    lines = template.decode("utf-8-sig").splitlines()
    assert lines[0].split(",")[:3] == ["program", "lead_organisation", "partners"]

    filled = survey(row(), row(program="Bad", strategy="?"))
    data_lines = filled.decode().split("\r\n", 1)[1]
    content = template + b"\r\n" + data_lines.encode()  # help line, blank line, two programs
    result = survey_import(content=content, area_kind="neighbourhood")

    # the row numbers are the file's own lines
    assert result.errors[0].startswith("Row 5: strategy: '?' is not one of")


def test_survey_update_leaves_columns_it_lacks_or_leaves_blank_alone(northside, neighbourhoods):
    program = ProgramFactory(
        name="Peace Walks", lead_organisation=northside, evidence=Evidence.EFFECTIVE,
        status="ended", annual_budget=180_000, description="Lights on the corners.",
    )  # fmt: skip
    header = ["program", "lead_organisation", "strategy", "tier", "capacity"]
    content = survey(
        {"program": "Peace Walks", "lead_organisation": "Northside Peacekeepers",
         "strategy": "cbt", "tier": "prevention", "capacity": ""},
        header=header,
    )  # fmt: skip

    result = survey_import(content=content, area_kind="neighbourhood")

    assert result.errors == [] and result.updated == 1
    program.refresh_from_db()
    assert program.strategy == Strategy.CBT
    assert (program.evidence, program.status, program.annual_budget) == (
        Evidence.EFFECTIVE,
        "ended",
        180_000,
    )
    assert program.description == "Lights on the corners."


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-1", "2.5"])
def test_survey_numbers_that_are_not_whole_amounts_are_row_errors(value, northside, neighbourhoods):
    result = survey_import(content=survey(row(capacity=value)), area_kind="neighbourhood")

    assert len(result.errors) == 1 and result.errors[0].startswith("Row 2: capacity:")
    assert not Program.objects.exists()


def test_survey_with_an_over_long_cell_is_refused_with_a_message(northside, neighbourhoods):
    result = survey_import(
        content=survey(row(description="x" * 200_000)), area_kind="neighbourhood"
    )

    assert result.errors and result.errors[0].startswith("The file is not a valid CSV file")


def test_real_export_imports_back_with_future_end_dates_and_formula_like_names(
    northside, neighbourhoods, staff, client_for
):
    program = ProgramFactory(name="=Peace", lead_organisation=northside, capacity=9)
    ServiceAreaFactory(program=program, area=neighbourhoods[0], started_on=date(2023, 5, 1),
                       ended_on=date(2099, 1, 1))  # fmt: skip
    export = client_for(staff).get("/inventory/?format=csv").content
    assert b"'=Peace" in export

    result = survey_import(content=export, area_kind="neighbourhood")

    assert result.errors == []
    assert (result.created, result.updated, result.service_areas_added) == (0, 1, 0)
    assert Program.objects.get().name == "=Peace"
    assert ServiceArea.objects.count() == 1
