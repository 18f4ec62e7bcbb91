"""Real Chromium: staff publish a grantee toolkit; the grantee finds it in the portal's
library and downloads it; a board member who opens its address gets the 404 page; an
anonymous visitor finds the public flyer at /public/resources/."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from inventory.demo import leaflet_pdf
from inventory.models import Audience, Language, Resource
from inventory.services.resources import resource_create
from tests.browser.steps import log_in, log_out, open_from_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOOLKIT = leaflet_pdf("Street outreach toolkit", ["Work in pairs.", "Check in every two hours."])


def test_a_grantee_downloads_a_toolkit_a_board_member_cannot_open(
    page, staff, grantee_a, board_member, tmp_path
):
    resource_create(
        user=staff,
        title="Safe storage saves lives",
        topics=["safe storage"],
        language=Language.ENGLISH,
        audience=Audience.PUBLIC,
        upload=SimpleUploadedFile("flyer.pdf", leaflet_pdf("Safe storage", ["Lock it up."])),
    )
    toolkit = tmp_path / "street-outreach-toolkit.pdf"
    toolkit.write_bytes(TOOLKIT)

    # staff publish the toolkit for grantees
    log_in(page, staff.email)
    open_from_menu(page, "Programs", "Resource library")
    page.get_by_role("link", name="Publish a resource").click()
    page.get_by_label("Title").fill("Street outreach toolkit")
    page.get_by_label("Summary").fill("Shift planning and safety protocols.")
    page.get_by_label("Topics").fill("toolkit, outreach")
    page.get_by_label("Audience").select_option(label="Grantees")
    page.get_by_label("File").set_input_files(str(toolkit))
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", name="Street outreach toolkit")).to_be_visible()
    expect(page.get_by_text("street-outreach-toolkit.pdf")).to_be_visible()
    address = f"/inventory/library/{Resource.objects.get(title='Street outreach toolkit').uuid}/"
    log_out(page)

    # the grantee finds it by its topic and downloads it
    log_in(page, grantee_a.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Resources").click()
    page.get_by_label("Topic").select_option("outreach")
    page.get_by_role("button", name="Apply").click()
    table = page.get_by_test_id("resource-table")
    expect(table).to_contain_text("Street outreach toolkit")
    expect(table).not_to_contain_text("Safe storage saves lives")
    table.get_by_role("link", name="Street outreach toolkit").click()
    with page.expect_download() as download:
        page.get_by_test_id("download").click()
    assert download.value.suggested_filename == "street-outreach-toolkit.pdf"
    assert Path(download.value.path()).read_bytes() == TOOLKIT
    log_out(page)

    # a board member who has its address gets the 404 page, and no file
    log_in(page, board_member.email)
    response = page.goto(address)
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert page.goto(f"{address}download/").status == 404  # type: ignore[union-attr]
    log_out(page)

    # an anonymous visitor sees the public flyer, not the toolkit
    page.goto("/public/resources/")
    table = page.get_by_test_id("resource-table")
    expect(table).to_contain_text("Safe storage saves lives")
    expect(table).not_to_contain_text("Street outreach toolkit")
    table.get_by_role("link", name="Safe storage saves lives").click()
    with page.expect_download() as download:
        page.get_by_test_id("download").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
