"""Real Chromium, real Celery worker: staff import an export and read the dashboard."""

import re

import pytest
from celery.contrib.testing.worker import start_worker
from playwright.sync_api import expect

from ovp.celery import app
from tests.browser.steps import log_in, open_from_menu
from tests.builders import nypd_csv, nypd_row
from tests.factories import AreaFactory, square

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_import_an_export_and_read_the_dashboard(page, staff, tmp_path):
    AreaFactory(
        kind="precinct",
        code="1",
        name="First",
        population=50_000,
        min_lon=-75.0,
        max_lon=-74.99,
        boundary=square(-75.0, 40.0),
    )
    AreaFactory(
        kind="precinct",
        code="2",
        name="Second",
        population=20_000,
        min_lon=-74.99,
        max_lon=-74.98,
        boundary=square(-74.99, 40.0),
    )
    rows = [nypd_row(str(n), f"0{1 + n % 6}/1{n % 10}/2024", lon="-74.995" if n % 3 else "-74.985",
                     fatal="TRUE" if n % 5 == 0 else "FALSE") for n in range(60)]  # fmt: skip
    rows.append(nypd_row("bad", "31/31/2024"))
    export = nypd_csv(rows, path=tmp_path / "NYPD_Shooting_Incident_Data.csv")

    log_in(page, staff.email)
    with start_worker(app, perform_ping_check=False, shutdown_timeout=10):
        open_from_menu(page, "Data", "Incident data")
        page.get_by_label("Layout of a new source").select_option("nypd")
        page.get_by_label("Export (CSV)").set_input_files(str(export))
        page.get_by_role("button", name="Import").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(
            "Import of NYPD_Shooting_Incident_Data.csv"
        )
        # the progress bar is replaced by the summary when the worker is done
        expect(page.get_by_role("rowheader", name="Rows read")).to_be_visible(timeout=60_000)
    summary = page.get_by_role("table", name="What the import found and did")
    expect(summary).to_contain_text("61")
    expect(page.get_by_role("link", name="download the list with reasons")).to_be_visible()

    page.get_by_role("link", name="Open the dashboard").click()
    expect(page.get_by_role("heading", name="Violence dashboard")).to_be_visible()
    # the aggregation task queued after the import may still be running: reload until it lands
    for _ in range(20):
        if page.get_by_text("people shot, year to date").count():
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(page.get_by_text("people shot, year to date")).to_be_visible()
    expect(page.locator("#chart-weekly .main-svg").first).to_be_visible()
    expect(page.locator("#chart-areas .main-svg").first).to_be_visible()
    page.get_by_text("Table of these figures").nth(1).click()
    expect(page.get_by_role("cell", name="First")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("CSV of People shot by area")).click()
    assert download.value.suggested_filename.startswith("ovp-areas-2024")

    page.get_by_label("Area", exact=True).select_option("2")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Second, 2024 up to")).to_be_visible()


def test_staff_build_a_mapping_for_another_citys_export_and_save_it_as_a_source(
    page, staff, tmp_path
):
    sample = tmp_path / "gva_sample.csv"
    sample.write_text(
        "incident_id,date,n_killed,n_injured,latitude,longitude,district\n"
        "G1,2024-05-01,1,2,40.005,-74.995,1\nG2,2024-05-02,0,1,,,2\nG3,2024-13-40,0,1,,,2\n"
    )
    log_in(page, staff.email)
    page.goto("/incidents/data/mapping/")
    page.get_by_label("A sample of the export (CSV)").set_input_files(str(sample))
    page.get_by_role("button", name="Read the sample").click()
    expect(page.get_by_role("cell", name="n_killed", exact=True)).to_be_visible()

    page.get_by_label("Shape").select_option("incident")
    page.get_by_label("Incident key column").select_option("incident_id")
    page.get_by_label("Date column").select_option("date")
    page.get_by_label("Date format").fill("%Y-%m-%d")
    page.get_by_label("Killed count column (row per incident)").select_option("n_killed")
    page.get_by_label("Injured count column (row per incident)").select_option("n_injured")
    page.get_by_label("Latitude").select_option("latitude")
    page.get_by_label("Longitude").select_option("longitude")
    page.get_by_label("Area code column").select_option("district")
    page.get_by_label("Kind of area the codes name").select_option("district")
    page.get_by_role("button", name="Try the mapping on the sample").click()

    expect(page.get_by_role("heading", name="The mapping works on the sample")).to_be_visible()
    expect(page.get_by_text("1 sample rows were rejected")).to_be_visible()
    expect(page.get_by_role("cell", name="date is not %Y-%m-%d")).to_be_visible()

    page.get_by_role("link", name="Save as a new source").click()
    page.get_by_label("Name").fill("gun-violence-archive")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="gun-violence-archive")).to_be_visible()
    expect(page.get_by_role("cell", name="column mapping")).to_be_visible()


def test_staff_upload_an_unseen_export_accept_the_guesses_and_import_it(page, staff, tmp_path):
    """A row per victim, one timestamp column with AM/PM, district codes, no coordinates,
    month names nowhere: the portal guesses every field; staff accept and import."""
    from tests.incidents.test_guessing import _victim_rows

    for code in range(1, 8):
        AreaFactory(kind="district", code=str(code), name=f"District {code}",
                    boundary=square(-75.0 + code / 100, 40.0))  # fmt: skip
    export = tmp_path / "riverton_victims.csv"
    import pandas as pd

    pd.DataFrame(_victim_rows(300)).to_csv(export, index=False)

    log_in(page, staff.email)
    with start_worker(app, perform_ping_check=False, shutdown_timeout=10):
        page.goto("/incidents/data/mapping/")
        page.get_by_label("A sample of the export (CSV)").set_input_files(str(export))
        page.get_by_role("button", name="Read the sample").click()
        expect(page.get_by_role("heading", name="What the portal guessed")).to_be_visible()
        # every field filled in from the guess
        expect(page.get_by_label("Incident key column")).to_have_value("Case Number")
        expect(page.get_by_label("Date column")).to_have_value("Occurred")
        expect(page.get_by_label("Date format")).to_have_value("%m/%d/%Y")
        expect(page.get_by_label("Time column")).to_have_value("Occurred")
        expect(page.get_by_label("Fatal flag column (row per victim)")).to_have_value(
            "Victim Outcome"
        )
        expect(page.get_by_label("Area code column")).to_have_value("Police District")
        expect(page.get_by_label("Kind of area the codes name")).to_have_value("district")
        expect(page.get_by_label("Separate Hispanic/Latino column")).to_have_value(
            "Victim Ethnicity"
        )
        expect(page.get_by_text("coordinates: no latitude and longitude columns")).to_be_visible()

        page.get_by_role("button", name="Try the mapping on the sample").click()
        expect(page.get_by_role("heading", name="The mapping works on the sample")).to_be_visible()
        expect(page.get_by_text("0 sample rows were rejected")).to_be_visible()
        page.get_by_role("link", name="Save as a new source").click()
        page.get_by_label("Name").fill("riverton")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("link", name="riverton")).to_be_visible()

        open_from_menu(page, "Data", "Incident data")
        page.get_by_label("Source", exact=True).select_option(label="riverton")
        page.get_by_label("Export (CSV)").set_input_files(str(export))
        page.get_by_role("button", name="Import").click()
        expect(page.get_by_role("rowheader", name="Rows read")).to_be_visible(timeout=60_000)
    summary = page.get_by_role("table", name="What the import found and did")
    expect(summary.get_by_role("row", name=re.compile("Rows read"))).to_contain_text("300")
    expect(summary.get_by_role("row", name=re.compile("Rejected rows"))).to_contain_text("0")
    expect(summary.get_by_role("row", name=re.compile(r"People shot \(victims\)"))).to_contain_text(
        "300"
    )
    expect(
        summary.get_by_role("row", name=re.compile("by the export's district code"))
    ).to_contain_text("300")
