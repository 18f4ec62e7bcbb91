import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluation.models import EvaluationRun
from evaluation.services.runs import evaluation_run
from tests.builders import choice_for
from tests.evaluation.simulate import staggered_panel

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored_run(small_city, staff):
    return evaluation_run(choice=choice_for(small_city["program"]), user=staff)


def pages(run: EvaluationRun) -> list[str]:
    return [
        reverse("evaluation:run_list"),
        reverse("evaluation:run_create"),
        reverse("evaluation:panel"),
        reverse("evaluation:run_detail", args=[run.uuid]),
        reverse("evaluation:run_chart_csv", args=[run.uuid, "event-study"]),
    ]


def test_staff_and_admins_open_every_evaluation_page(stored_run, staff, office_admin, client_for):
    for user in (staff, office_admin):
        client = client_for(user)
        for url in pages(stored_run):
            assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", ["board_member", "grantee_a"])
def test_board_members_and_grantees_get_403_on_every_evaluation_page(
    stored_run, request, persona, client_for
):
    client = client_for(request.getfixturevalue(persona))
    for url in pages(stored_run):
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("evaluation:run_create"), {"program": stored_run.program.pk})
    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_login(stored_run, client):
    for url in pages(stored_run):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_staff_run_an_evaluation_from_the_form_and_see_it(small_city, staff, client_for):
    client = client_for(staff)
    response = client.post(
        reverse("evaluation:run_create"),
        {
            "program": small_city["program"].pk,
            "area_kind": "neighbourhood",
            "period": "month",
            "outcome": "victims",
            "begin": "2021-01-01",
            "end": "2024-12-01",
            "method": "auto",
            "comparisons_per_area": 3,
        },
    )
    run = EvaluationRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:run_detail", args=[run.uuid])
    page = client.get(response["Location"]).content.decode()
    assert run.summary in page
    assert 'id="chart-event-study"' in page and 'id="chart-observed"' in page
    # two treated areas and a few compared: fewer than 20 clusters, and the page says so
    assert run.results["n_units"] == 2 + len(run.inputs["comparisons"]) < 20
    assert f"Only {run.results['n_units']} areas" in page


def test_the_form_explains_a_choice_it_cannot_run(small_city, staff, client_for):
    response = client_for(staff).post(
        reverse("evaluation:run_create"),
        {
            "program": small_city["program"].pk,
            "strategy": "cbt",
            "area_kind": "neighbourhood",
            "period": "month",
            "outcome": "victims",
            "begin": "2021-01-01",
            "end": "2024-12-01",
            "method": "auto",
            "comparisons_per_area": 3,
        },
    )
    assert response.status_code == 200
    assert "Choose one of a program, a strategy or a campaign." in response.content.decode()
    assert not EvaluationRun.objects.exists()


def test_chart_csv_holds_the_event_study_figures(stored_run, staff, client_for):
    response = client_for(staff).get(
        reverse("evaluation:run_chart_csv", args=[stored_run.uuid, "event-study"])
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Periods from the start", "Estimate", "95% CI low", "95% CI high"]
    assert len(rows) - 1 == len(stored_run.results["event_study"])
    missing = client_for(staff).get(
        reverse("evaluation:run_chart_csv", args=[stored_run.uuid, "nothing"])
    )
    assert missing.status_code == 404


def _panel_csv() -> bytes:
    frame = staggered_panel(units=12, never=6, cohorts=(13,))
    return frame.drop(columns="treat").to_csv(index=False).encode()


def _upload(client, content: bytes, name: str = "panel.csv", **fields):
    data = {
        "file": SimpleUploadedFile(name, content, content_type="text/csv"),
        "unit": "unit",
        "time": "period",
        "outcome": "y",
        "treated_from": "first",
        "method": "twfe",
        **fields,
    }
    return client.post(reverse("evaluation:panel"), data)


def test_panel_upload_shows_the_estimate_and_warnings(staff, client_for):
    page = _upload(client_for(staff), _panel_csv()).content.decode()
    assert "Difference-in-differences (two-way fixed effects)" in page
    assert "Only 12 areas" in page
    assert 'id="chart-event-study"' in page


@pytest.mark.parametrize(
    ("content", "name", "fields", "message"),
    [
        (
            b"unit,period\na,1\n",
            "panel.csv",
            {},
            "Column &#x27;y&#x27;, &#x27;first&#x27; is not in the file",
        ),
        (b"\xff\xfe\x00bad", "panel.csv", {}, "not text in UTF-8"),
        (b"x", "panel.pdf", {}, "Upload a CSV file"),
        (None, "panel.csv", {"method": "synth"}, "exactly one treated unit"),
    ],
)
def test_a_bad_panel_upload_gets_a_clear_message(staff, client_for, content, name, fields, message):
    response = _upload(client_for(staff), content or _panel_csv(), name, **fields)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_panel_over_the_size_limit_is_refused(staff, client_for, settings):
    settings.OVP_GRANT_UPLOAD_MAX_MB = 0
    response = _upload(client_for(staff), _panel_csv())
    assert "larger than 0 MB" in response.content.decode()


def test_evaluation_menu_shows_for_staff_only(staff, board_member, client_for):
    assert "Impact evaluations" in client_for(staff).get("/office/").content.decode()
    assert "Impact evaluations" not in client_for(board_member).get("/board/").content.decode()


def test_the_upload_page_refuses_logging_an_outcome_with_zeros(staff, client_for):
    content = b"unit,period,y,first\n" + b"".join(
        f"u{u},{t},{(u + t) % 4},{3 if u < 2 else ''}\n".encode()
        for u in range(6)
        for t in range(6)
    )
    response = _upload(client_for(staff), content, log_outcome="on")
    assert "cannot be logged" in response.content.decode()
    assert "count model" in response.content.decode()


def test_the_run_form_refuses_logging_counts_with_zeros(small_city, staff, client_for):
    response = client_for(staff).post(
        reverse("evaluation:run_create"),
        {
            "program": small_city["program"].pk,
            "area_kind": "neighbourhood",
            "period": "month",
            "outcome": "fatal",  # no one killed in the test city: every count is 0
            "begin": "2021-01-01",
            "end": "2024-12-01",
            "method": "auto",
            "comparisons_per_area": 3,
            "log_outcome": "on",
        },
    )
    assert response.status_code == 200
    assert "cannot be logged" in response.content.decode()


def test_a_run_keeps_its_numbers_and_says_so_when_the_aggregates_change(
    stored_run, small_city, staff, client_for
):
    from django.core.cache import cache

    from evaluation.services.runs import evaluation_estimate
    from ovp.incidents.models import PeriodCount
    from ovp.incidents.selectors import AGGREGATES_VERSION_KEY

    url = reverse("evaluation:run_detail", args=[stored_run.uuid])
    assert "have been rebuilt since this run" not in client_for(staff).get(url).content.decode()
    # the nightly job rebuilds the aggregates with corrected counts
    PeriodCount.objects.filter(area=small_city["areas"][0]).update(victims=0)
    cache.set(AGGREGATES_VERSION_KEY, stored_run.inputs["aggregates_version"] + 1, None)

    stored = EvaluationRun.objects.get(pk=stored_run.pk)
    assert len(stored.inputs["panel"]["unit"]) == stored.results["n_obs"]
    assert evaluation_estimate(stored.inputs).as_dict() == stored.results
    page = client_for(staff).get(url).content.decode()
    assert "have been rebuilt since this run" in page
