"""The resource library: versions kept, files judged by their content, who sees what, the
downloads, the filters, and the link from a metric's definition to its guidance.
Who gets which answer on each page is in tests/test_permissions_matrix.py."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from grants.models import Metric
from inventory.demo import leaflet_pdf
from inventory.models import Audience, Language, Resource, ResourceVersion, Strategy
from inventory.services.resources import (
    resource_create,
    resource_restore,
    resource_retire,
    resource_update,
    resource_version_add,
)
from tests.builders import make_award

pytestmark = pytest.mark.django_db

PDF = leaflet_pdf("Toolkit", ["First edition."])
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100


def publish(staff, audience: str = Audience.GRANTEES, **changes) -> Resource:
    given = {
        "user": staff,
        "title": f"Toolkit for {audience}",
        "language": Language.ENGLISH,
        "audience": audience,
        "topics": ["toolkit"],
        "upload": SimpleUploadedFile("toolkit.pdf", PDF),
        **changes,
    }
    return resource_create(**given)


def stored_files(resource_uuid) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "inventory" / "resources" / str(resource_uuid)
    return [path for path in folder.rglob("*") if path.is_file()]


# ------------------------------------------------------------------------------- services


def test_a_new_file_becomes_the_current_version_and_the_old_one_is_kept(staff):
    resource = publish(staff)
    second = resource_version_add(
        resource=resource,
        user=staff,
        upload=SimpleUploadedFile("toolkit-2027.pdf", PDF + b"%2027\n"),
        note="2027 edition",
    )
    assert second.number == 2
    assert resource.current == second
    first = resource.versions.get(number=1)
    assert first.file.read() == PDF
    assert (first.filename, first.content_type) == ("toolkit.pdf", "application/pdf")
    assert second.file.read().endswith(b"%2027\n")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00", "only PDF, Word (.doc, .docx), Excel (.xls, .xlsx), PNG"),
        ("toolkit.pdf", b"MZ\x90\x00 a program renamed", "does not look like a .pdf file"),
        ("budget.xlsx", PDF, "does not look like a .xlsx file"),
        ("notes.txt", b"plain text", "only PDF"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_a_file_not_of_an_allowed_type_is_refused_and_nothing_is_saved(
    staff, name, content, message
):
    with pytest.raises(ValidationError) as refused:
        publish(staff, upload=SimpleUploadedFile(name, content))
    assert message in " ".join(refused.value.messages)
    assert not Resource.objects.exists() and not ResourceVersion.objects.exists()


def test_old_word_and_excel_files_are_judged_by_their_content(staff):
    word = publish(staff, upload=SimpleUploadedFile("guide.doc", OLE2))
    excel = publish(staff, title="Log", upload=SimpleUploadedFile("log.xls", OLE2))
    assert word.current.content_type == "application/msword"
    assert excel.current.content_type == "application/vnd.ms-excel"
    with pytest.raises(ValidationError, match=re.escape("does not look like a .doc file")):
        publish(staff, upload=SimpleUploadedFile("guide.doc", b"PK\x03\x04zip"))


def test_a_file_over_the_size_limit_is_refused(staff, settings):
    settings.OVP_LIBRARY_UPLOAD_MAX_MB = 1
    big = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError, match=re.escape("big.pdf is larger than 1 MB")):
        publish(staff, upload=big)
    assert not Resource.objects.exists()


def test_a_refused_new_version_leaves_the_resource_as_it_was(staff):
    resource = publish(staff)
    with pytest.raises(ValidationError, match=re.escape("does not look like a .pdf file")):
        resource_version_add(
            resource=resource, user=staff, upload=SimpleUploadedFile("new.pdf", b"GIF89a")
        )
    assert list(resource.versions.values_list("number", flat=True)) == [1]
    assert len(stored_files(resource.uuid)) == 1


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://files.example.org/toolkit.pdf", "not a link"]
)
def test_a_link_must_be_an_http_or_https_address(staff, url):
    with pytest.raises(ValidationError) as refused:
        publish(staff, upload=None, url=url)
    assert "url" in refused.value.message_dict
    assert not Resource.objects.exists()


def test_a_version_is_a_file_or_a_link_never_both_nor_neither(staff):
    with pytest.raises(ValidationError, match="not both"):
        publish(staff, url="https://example.org/toolkit")
    with pytest.raises(ValidationError, match="Choose a file"):
        publish(staff, upload=None)
    link = publish(staff, upload=None, url="https://crimesolutions.ojp.gov/")
    assert link.current.is_link and not link.current.file


def test_topics_are_kept_trimmed_in_lower_case_once(staff):
    resource = publish(staff, topics=[" Safe  Storage", "safe storage", "", "Families"])
    assert resource.topics == ["safe storage", "families"]
    with pytest.raises(ValidationError, match="longer than 40"):
        resource_update(
            resource=resource,
            title="Flyer",
            topics=["x" * 41],
            language=Language.ENGLISH,
            audience=Audience.PUBLIC,
        )


def test_a_retired_resource_is_for_staff_only_until_restored(staff, grantee_a):
    resource = publish(staff)
    resource_retire(resource=resource)
    assert not Resource.objects.visible_to(grantee_a).exists()
    assert Resource.objects.visible_to(staff).get() == resource
    with pytest.raises(ValidationError, match="retired already"):
        resource_retire(resource=resource)
    resource_restore(resource=resource)
    assert Resource.objects.visible_to(grantee_a).get() == resource


# ----------------------------------------------------------------------------- visibility


@pytest.mark.parametrize(
    ("persona", "seen"),
    [
        ("anonymous", {"public"}),
        ("grantee_a", {"grantees", "public"}),
        ("board_member", {"board", "public"}),
        ("staff", {"office", "board", "grantees", "public"}),
        ("office_admin", {"office", "board", "grantees", "public"}),
    ],
)
def test_each_role_sees_the_resources_of_its_audience_and_the_publics(
    request, staff, persona, seen
):
    for audience in Audience.values:
        publish(staff, audience)
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    visible = set(Resource.objects.visible_to(user).values_list("audience", flat=True))
    assert visible == seen


# ------------------------------------------------------------------------------ downloads


def test_a_grantee_downloads_the_current_file_as_an_attachment(staff, grantee_a, client_for):
    resource = publish(staff)
    resource_version_add(
        resource=resource, user=staff, upload=SimpleUploadedFile("toolkit.pdf", PDF + b"%v2\n")
    )
    response = client_for(grantee_a).get(f"/inventory/library/{resource.uuid}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF + b"%v2\n"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="toolkit.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_link_resource_sends_the_reader_to_its_address(staff, board_member, client_for):
    resource = publish(staff, Audience.BOARD, upload=None, url="https://example.org/briefing")
    response = client_for(board_member).get(f"/inventory/library/{resource.uuid}/download/")
    assert (response.status_code, response["Location"]) == (302, "https://example.org/briefing")


def test_the_public_downloads_a_public_flyer_without_logging_in(staff, client):
    resource = publish(
        staff, Audience.PUBLIC, upload=SimpleUploadedFile("flyer.png", b"\x89PNG\r\n\x1a\n...")
    )
    response = client.get(f"/public/resources/{resource.uuid}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment")


def test_staff_see_earlier_versions_and_grantees_only_the_current_one(staff, grantee_a, client_for):
    resource = publish(staff)
    resource_version_add(
        resource=resource, user=staff, upload=SimpleUploadedFile("toolkit.pdf", PDF + b"%v2\n")
    )
    detail = f"/inventory/library/{resource.uuid}/"
    assert "Version 1" in client_for(staff).get(detail).content.decode()
    assert "Version 1" not in client_for(grantee_a).get(detail).content.decode()


# -------------------------------------------------------------------------------- the pages


def test_staff_publish_a_resource_with_its_first_file(staff, client_for):
    client = client_for(staff)
    response = client.post(
        "/inventory/resources/new/",
        {
            "title": "Hospital hand-off protocol",
            "summary": "From bedside to street team.",
            "strategy": Strategy.HOSPITAL,
            "topics": "hospital, protocol",
            "language": Language.ENGLISH,
            "audience": Audience.GRANTEES,
            "file": SimpleUploadedFile("protocol.pdf", PDF),
            "note": "First edition",
        },
    )
    resource = Resource.objects.get()
    assert response["Location"] == f"/inventory/resources/{resource.uuid}/"
    assert resource.topics == ["hospital", "protocol"]
    assert resource.current.note == "First edition"


def test_a_refused_file_on_the_publish_page_is_said_beside_the_field(staff, client_for):
    response = client_for(staff).post(
        "/inventory/resources/new/",
        {
            "title": "Toolkit",
            "language": Language.ENGLISH,
            "audience": Audience.GRANTEES,
            "file": SimpleUploadedFile("toolkit.pdf", b"MZ program"),
        },
    )
    assert response.status_code == 200
    assert "does not look like a .pdf file" in response.content.decode()
    assert not Resource.objects.exists()


def test_staff_upload_a_new_version_from_the_resource_page(staff, client_for):
    resource = publish(staff)
    client = client_for(staff)
    page = client.post(
        f"/inventory/resources/{resource.uuid}/versions/",
        {"file": SimpleUploadedFile("toolkit.docx", b"PK\x03\x04 docx"), "note": "In Word"},
        follow=True,
    )
    assert "Version 2 is now the current one." in page.content.decode()
    assert resource.current.filename == "toolkit.docx"
    refused = client.post(f"/inventory/resources/{resource.uuid}/versions/", {}, follow=True)
    assert "Choose a file to upload, or give a link." in refused.content.decode()
    assert resource.versions.count() == 2


def test_the_portal_library_filters_by_topic_language_strategy_and_title(
    staff, grantee_a, client_for
):
    publish(staff, title="Safe storage flyer", topics=["safe storage"], audience=Audience.PUBLIC)
    publish(staff, title="Guia de datos", topics=["data"], language=Language.SPANISH)
    publish(staff, title="Outreach toolkit", strategy=Strategy.STREET_OUTREACH)
    publish(staff, title="Board briefing", audience=Audience.BOARD)
    client = client_for(grantee_a)

    def titles(query: str) -> list[str]:
        response = client.get(f"/inventory/library/?{query}")
        return [r.title for r in response.context["resources"]]

    assert titles("") == ["Guia de datos", "Outreach toolkit", "Safe storage flyer"]
    assert titles("topic=safe+storage") == ["Safe storage flyer"]
    assert titles("language=es") == ["Guia de datos"]
    assert titles(f"strategy={Strategy.STREET_OUTREACH}") == ["Outreach toolkit"]
    assert titles("q=TOOLKIT") == ["Outreach toolkit"]
    assert titles("language=klingon") == []  # a filter that cannot be read shows nothing


def test_the_public_library_searches_and_filters_once_its_plain_page_is_cached(staff):
    """Anonymous visitors are served from the cache: a title search or a topic still
    answers what was asked, not the plain list kept before."""
    from django.test import Client

    publish(staff, title="Safe storage flyer", topics=["locks"], audience=Audience.PUBLIC)
    publish(staff, title="Guia de datos", language=Language.SPANISH, audience=Audience.PUBLIC)

    def shown(query: str) -> list[str]:
        page = Client().get(f"/public/resources/{query}").content.decode()
        return [t for t in ("Safe storage flyer", "Guia de datos") if t in page]

    assert shown("") == ["Safe storage flyer", "Guia de datos"]
    assert shown("?q=flyer") == ["Safe storage flyer"]
    assert shown("?topic=locks") == ["Safe storage flyer"]
    assert shown("?language=es") == ["Guia de datos"]


def test_the_public_library_lists_only_public_resources_in_few_queries(
    staff, client, django_assert_max_num_queries
):
    for n in range(8):
        publish(staff, Audience.PUBLIC, title=f"Flyer {n}", topics=[f"topic {n}"])
    publish(staff, Audience.GRANTEES, title="Grantee toolkit")
    with django_assert_max_num_queries(4):
        response = client.get("/public/resources/")
    page = response.content.decode()
    assert "Flyer 7" in page and "Grantee toolkit" not in page


def test_the_portal_library_takes_a_fixed_number_of_queries(
    staff, board_member, client_for, django_assert_max_num_queries
):
    for n in range(8):
        publish(staff, Audience.BOARD, title=f"Briefing {n}")
    client = client_for(board_member)
    with django_assert_max_num_queries(8):
        response = client.get("/inventory/library/")
    assert len(response.context["resources"]) == 8


# ------------------------------------------------------------------------ metric guidance


def test_the_report_form_links_a_metric_to_guidance_the_grantee_may_see(
    staff, organisation_a, grantee_a, client_for
):
    guide = publish(staff, Audience.GRANTEES, title="Counting participants")
    office_only = publish(staff, Audience.OFFICE, title="Office checklist")
    Metric.objects.filter(slug="participants-enrolled").update(guidance=guide)
    Metric.objects.filter(slug="participants-active").update(guidance=office_only)
    report = make_award(organisation_a).reports.order_by("period_start")[0]

    page = client_for(grantee_a).get(f"/portal/reports/{report.uuid}/").content.decode()
    assert f'href="/inventory/library/{guide.uuid}/"' in page
    assert "How to collect it: Counting participants" in page
    assert "Office checklist" not in page


def test_staff_set_a_metrics_guidance_on_its_edit_page(staff, client_for):
    guide = publish(staff, Audience.GRANTEES, title="Counting participants")
    client = client_for(staff)
    metric = Metric.objects.get(slug="participants-enrolled")
    response = client.post(
        "/grants/metrics/participants-enrolled/edit/",
        {"definition": metric.definition, "unit": metric.unit, "guidance": guide.pk},
    )
    assert response.status_code == 302
    metric.refresh_from_db()
    assert metric.guidance == guide
    library = client.get("/grants/metrics/").content.decode()
    assert f"/inventory/resources/{guide.uuid}/" in library
