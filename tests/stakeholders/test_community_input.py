"""Community input: the public form and its protections against spam, the office's
moderation (services and pages), and the tallies of approved comments. Who may open each page
is in the permissions matrix (tests/test_permissions_matrix.py)."""

import time
from datetime import UTC, date, datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse

from ovp.areas.models import AreaKind
from stakeholders import spam
from stakeholders.models import MAX_INPUT_CHARS, CommunityInput, InputStatus, InputTopic
from stakeholders.selectors import community_input_tallies
from stakeholders.services import (
    community_input_edit,
    community_input_moderate,
    community_input_submit,
)
from tests.factories import AreaFactory, CommunityInputFactory

pytestmark = pytest.mark.django_db

FORM = "/public/have-your-say/"


@pytest.fixture(autouse=True)
def _counters_start_at_zero():
    """The per-address counters live in Redis, which no test's transaction undoes."""
    client = cache._cache.get_client(None, write=True)  # type: ignore[attr-defined]
    keys = list(client.scan_iter(match="*community-input:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture
def districts(db):
    """Two neighbourhoods, the areas residents choose from (the finest kind: they know them
    by name), and one police district, a kind the form does not offer."""
    AreaFactory(kind=AreaKind.DISTRICT, code="PD1", name="Police District 1")
    return [
        AreaFactory(kind=AreaKind.NEIGHBOURHOOD, code="D1", name="North District"),
        AreaFactory(kind=AreaKind.NEIGHBOURHOOD, code="D2", name="South District"),
    ]


def filled(**fields):
    """What a resident sends, the form shown ten seconds ago."""
    return {
        "area": "",
        "topic": InputTopic.JOBS,
        "text": "Summer jobs for teenagers on our street.",
        "started": spam.started_token(time.time() - 10),
        "leave_blank": "",
        **fields,
    }


# -- the public form ---------------------------------------------------------------------------


def test_a_resident_sends_a_comment_and_is_thanked_with_a_redirect(client, districts):
    response = client.post(FORM, filled(area=districts[0].pk, text="  Lights on Elm Park.  "))
    assert response.status_code == 302 and response["Location"] == "/public/have-your-say/thanks/"
    (stored,) = CommunityInput.objects.all()
    assert (stored.area, stored.topic, stored.text) == (
        districts[0],
        InputTopic.JOBS,
        "Lights on Elm Park.",
    )
    assert stored.status == InputStatus.PENDING and stored.moderated_by is None
    assert client.get(response["Location"]).status_code == 200


def test_nothing_about_who_sent_a_comment_is_stored():
    fields = {field.name for field in CommunityInput._meta.get_fields()}
    assert fields == {
        "id", "uuid", "area", "topic", "text", "status", "moderated_by", "moderated_at",
        "moderation_note", "text_edited_by", "text_edited_at", "created_at",
    }  # fmt: skip


def test_the_form_offers_the_finest_areas_residents_know_and_the_whole_city(client, districts):
    page = client.get(FORM).content.decode()
    assert "North District (D1)" not in page  # shown by name
    assert ">North District<" in page and ">South District<" in page
    assert "Police District 1" not in page
    assert "The whole city, or not sure" in page


def test_a_kind_of_area_too_long_to_scroll_is_not_offered(client, districts):
    AreaFactory.create_batch(151, kind="tract")
    page = client.get(FORM).content.decode()
    assert ">North District<" in page and ">Area " not in page


def test_an_area_of_another_kind_is_refused(client, districts):
    hood = districts[0].__class__.objects.get(code="PD1")
    response = client.post(FORM, filled(area=hood.pk))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not CommunityInput.objects.exists()


def test_the_form_page_says_no_names_and_is_the_same_for_everyone(client, districts):
    """No CSRF token and no cookie: the page is cached whole and shared, like every public
    page (a post from another site's page is refused by its headers instead, below)."""
    response = client.get(FORM)
    page = response.content.decode()
    assert "Do not write anyone&#x27;s name" in page or "Do not write anyone's name" in page
    assert "csrfmiddlewaretoken" not in page and not response.cookies
    assert client.get(FORM).content == response.content


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_SEC_FETCH_SITE": "cross-site"}, {"HTTP_SEC_FETCH_SITE": "same-site"},
     {"HTTP_ORIGIN": "https://elsewhere.example"}, {"HTTP_ORIGIN": "null"}],
)  # fmt: skip
def test_a_comment_another_sites_page_sends_is_refused_and_not_stored(districts, headers):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(FORM, filled(), **headers)
    assert response.status_code == 403
    assert "sent from another website" in response.content.decode()
    assert not CommunityInput.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_SEC_FETCH_SITE": "same-origin"}, {"HTTP_ORIGIN": "http://testserver"}, {}],
)
def test_a_comment_from_the_sites_own_page_needs_no_token(districts, headers):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(FORM, filled(), **headers)
    assert response.status_code == 302
    assert CommunityInput.objects.count() == 1


def test_the_form_page_reads_little(client, districts, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):  # the kinds of area, then the areas of one
        assert client.get(FORM).status_code == 200


def test_a_filled_honeypot_looks_accepted_but_nothing_is_stored(client, districts):
    response = client.post(FORM, filled(leave_blank="http://spam.example"))
    assert response.status_code == 302 and response["Location"].endswith("/thanks/")
    assert not CommunityInput.objects.exists()


def test_the_honeypot_is_hidden_from_people_and_screen_readers(client, districts):
    page = client.get(FORM).content.decode()
    start = page.index('class="input-check"')
    assert 'aria-hidden="true"' in page[start - 40 : start + 60]
    assert 'tabindex="-1"' in page[start:]


def test_a_comment_too_long_is_refused_with_its_length(client, districts):
    response = client.post(FORM, filled(text="x" * (MAX_INPUT_CHARS + 1)))
    assert f"Keep it to {MAX_INPUT_CHARS} characters: this has {MAX_INPUT_CHARS + 1}" in (
        response.content.decode()
    )
    assert not CommunityInput.objects.exists()


def test_a_body_larger_than_any_comment_is_refused_before_it_is_read(client, districts):
    response = client.post(FORM, filled(text="x" * 70_000, leave_blank=""))
    assert response.status_code == 413
    assert not CommunityInput.objects.exists()


def test_a_form_sent_within_seconds_of_being_shown_is_asked_again(client, districts):
    response = client.post(FORM, filled(started=spam.started_token()))
    assert "That was very quick" in response.content.decode()
    assert not CommunityInput.objects.exists()


def test_a_forged_or_missing_start_time_is_refused(client, districts):
    forged = spam.started_token(time.time() - 10)[:-2] + "xx"
    for started in (forged, ""):
        response = client.post(FORM, filled(started=started))
        assert "could not be read" in response.content.decode()
    assert not CommunityInput.objects.exists()


def test_a_form_left_open_over_a_day_has_expired():
    assert "more than a day" in (
        spam.fill_time_problem(spam.started_token(time.time() - 2 * 86_400)) or ""
    )


@override_settings(OVP_COMMUNITY_INPUT_PER_HOUR=2)
def test_an_address_over_the_hours_limit_gets_429_and_nothing_is_stored(client, districts):
    assert client.post(FORM, filled(text="One")).status_code == 302
    assert client.post(FORM, filled(leave_blank="spam")).status_code == 302  # counts too
    response = client.post(FORM, filled(text="Three"))
    assert response.status_code == 429 and response["Retry-After"] == "3600"
    assert "Too many comments for now" in response.content.decode()
    assert list(CommunityInput.objects.values_list("text", flat=True)) == ["One"]
    # another address is not held back
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert other.post(FORM, filled(text="Four")).status_code == 302


@override_settings(OVP_COMMUNITY_INPUT_PER_HOUR=1, OVP_PROXY_COUNT=0)
def test_a_forwarded_for_header_the_client_wrote_does_not_reset_its_count(client, districts):
    assert client.post(FORM, filled()).status_code == 302
    response = client.post(FORM, filled(), HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 429


def test_the_counter_keeps_a_hash_of_the_address_never_the_address(client, districts):
    client.post(FORM, filled(), REMOTE_ADDR="192.0.2.44")
    redis = cache._cache.get_client(None, write=True)  # type: ignore[attr-defined]
    keys = [key.decode() for key in redis.scan_iter(match="*community-input:*")]
    assert len(keys) == 1 and "192.0.2.44" not in keys[0]


# -- the services ------------------------------------------------------------------------------


def test_a_comment_without_text_is_refused_and_not_saved(districts):
    with pytest.raises(ValidationError, match="Write what your area needs"):
        community_input_submit(topic=InputTopic.HOUSING, text="   ")
    with pytest.raises(ValidationError):
        community_input_submit(topic="guns", text="Something")
    assert not CommunityInput.objects.exists()


def test_staff_edit_out_personal_details_and_who_did_it_is_kept(staff):
    comment = CommunityInputFactory(text="John Smith at 12 Elm St sells drugs; more lights.")
    edited = community_input_edit(community_input=comment, text="More lights.", user=staff)
    edited.refresh_from_db()
    assert edited.text == "More lights."
    assert edited.text_edited_by == staff and edited.text_edited_at is not None
    with pytest.raises(ValidationError, match="unchanged"):
        community_input_edit(community_input=comment, text="More lights.", user=staff)
    with pytest.raises(ValidationError):
        community_input_edit(community_input=comment, text=" ", user=staff)


def test_staff_approve_and_may_later_reject_an_approved_comment(staff):
    comment = CommunityInputFactory()
    approved = community_input_moderate(
        community_input=comment, status=InputStatus.APPROVED, user=staff, note="Fine."
    )
    assert (approved.status, approved.moderated_by, approved.moderation_note) == (
        InputStatus.APPROVED,
        staff,
        "Fine.",
    )
    with pytest.raises(ValidationError, match="already approved"):
        community_input_moderate(community_input=comment, status=InputStatus.APPROVED, user=staff)
    with pytest.raises(ValidationError, match="Approve or reject"):
        community_input_moderate(community_input=comment, status=InputStatus.PENDING, user=staff)
    rejected = community_input_moderate(
        community_input=comment, status=InputStatus.REJECTED, user=staff
    )
    assert rejected.status == InputStatus.REJECTED


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Call me on 555-0199, Maria", "a phone number"),
        ("Write to maria.lopez@example.org please", "an email address"),
        ("Call (215) 555 0199", "a phone number"),
        ("The corner by 1200 Market Street is dark", "a street address"),
    ],
)
def test_a_comment_with_contact_details_cannot_be_approved_until_they_are_edited_out(
    staff, text, found
):
    comment = CommunityInputFactory(text=text)
    with pytest.raises(ValidationError, match=found):
        community_input_moderate(community_input=comment, status=InputStatus.APPROVED, user=staff)
    comment.refresh_from_db()
    assert comment.status == InputStatus.PENDING
    community_input_edit(community_input=comment, text="Lights on our corner.", user=staff)
    assert (
        community_input_moderate(
            community_input=comment, status=InputStatus.APPROVED, user=staff
        ).status
        == InputStatus.APPROVED
    )


@pytest.mark.parametrize(
    "text", ["Summer jobs for 200 teenagers in 2025", "Open the rec centre 6 to 9, 7 days"]
)
def test_numbers_that_are_not_contact_details_do_not_stop_an_approval(staff, text):
    comment = CommunityInputFactory(text=text)
    community_input_moderate(community_input=comment, status=InputStatus.APPROVED, user=staff)


# -- the tallies -------------------------------------------------------------------------------


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def test_tallies_count_only_approved_comments_sent_in_the_period(districts):
    north, south = districts
    approved = InputStatus.APPROVED
    CommunityInputFactory(
        area=north, topic=InputTopic.JOBS, status=approved, created_at=at(2025, 1, 1, 5)
    )  # 00:00 on 1 January in New York
    CommunityInputFactory(
        area=north, topic=InputTopic.JOBS, status=approved, created_at=at(2025, 6, 1)
    )
    CommunityInputFactory(
        area=north, topic=InputTopic.YOUTH, status=approved, created_at=at(2025, 6, 2)
    )
    CommunityInputFactory(
        area=None, topic=InputTopic.JOBS, status=approved, created_at=at(2025, 6, 3)
    )
    CommunityInputFactory(
        area=south, topic=InputTopic.HOUSING, status=approved, created_at=at(2026, 1, 1, 4)
    )  # still 31 December in New York
    CommunityInputFactory(area=south, topic=InputTopic.JOBS, created_at=at(2025, 6, 1))
    CommunityInputFactory(
        area=south, topic=InputTopic.JOBS, status=InputStatus.REJECTED, created_at=at(2025, 6, 1)
    )
    CommunityInputFactory(
        area=north, topic=InputTopic.JOBS, status=approved, created_at=at(2024, 12, 31, 12)
    )  # before the period
    CommunityInputFactory(area=north, topic=InputTopic.JOBS, status=approved,
                          created_at=at(2026, 1, 1, 6))  # after it  # fmt: skip

    tallies = community_input_tallies(date(2025, 1, 1), date(2025, 12, 31), quotes=2)
    assert tallies.total == 5 and tallies.awaiting == 1
    assert tallies.by_topic == [
        ("Jobs and training", 3),
        ("Activities for young people", 1),
        ("Housing", 1),
    ]
    assert tallies.by_area == [
        ("North District (D1)", 3),
        ("South District (D2)", 1),
        ("The whole city, or not sure", 1),
    ]
    assert ("North District (D1)", "Jobs and training", 2) in tallies.by_area_topic
    assert [quote.topic for quote in tallies.quotes] == [
        "Jobs and training",
        "Activities for young people",
    ]
    assert tallies.quotes[0].area == "The whole city, or not sure"  # the latest of its topic


def test_tallies_read_three_queries(districts, django_assert_max_num_queries):
    CommunityInputFactory.create_batch(5, area=districts[0], status=InputStatus.APPROVED)
    with django_assert_max_num_queries(3):
        community_input_tallies(date(2020, 1, 1), date(2030, 1, 1), quotes=3)


# -- the office's pages ------------------------------------------------------------------------


def test_staff_approve_from_the_comments_page_and_land_on_the_queue(client_for, staff):
    comment = CommunityInputFactory()
    response = client_for(staff).post(
        reverse("stakeholders:community_input_approve", kwargs={"uuid": comment.uuid}),
        {"note": "No personal details."},
    )
    assert response["Location"] == reverse("stakeholders:community_input_queue")
    comment.refresh_from_db()
    assert comment.status == InputStatus.APPROVED
    assert comment.moderation_note == "No personal details."


def test_staff_edit_the_text_on_the_comments_page(client_for, staff):
    comment = CommunityInputFactory(text="Call me on 555-0101 about the park lights.")
    url = reverse("stakeholders:community_input_detail", kwargs={"uuid": comment.uuid})
    response = client_for(staff).post(url, {"text": "About the park lights."})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.text == "About the park lights." and comment.text_edited_by == staff


def test_the_queue_shows_waiting_comments_first_and_filters(
    client_for, staff, districts, django_assert_max_num_queries
):
    CommunityInputFactory(
        text="Approved one",
        status=InputStatus.APPROVED,
        area=districts[0],
        created_at=at(2026, 3, 1),
    )
    CommunityInputFactory(text="Older waiting", created_at=at(2026, 1, 1))
    CommunityInputFactory(text="Newer waiting", created_at=at(2026, 2, 1),
                          topic=InputTopic.HOUSING)  # fmt: skip
    client = client_for(staff)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("stakeholders:community_input_queue")).content.decode()
    assert page.index("Older waiting") < page.index("Newer waiting") < page.index("Approved one")
    filtered = client.get(
        reverse("stakeholders:community_input_queue"), {"topic": InputTopic.HOUSING}
    ).content.decode()
    assert "Newer waiting" in filtered and "Older waiting" not in filtered
    approved = client.get(
        reverse("stakeholders:community_input_queue"), {"status": "approved"}
    ).content.decode()
    assert "Approved one" in approved and "Older waiting" not in approved


def test_the_office_home_counts_the_comments_waiting(client_for, staff):
    CommunityInputFactory.create_batch(2)
    CommunityInputFactory(status=InputStatus.APPROVED)
    figures = client_for(staff).get("/office/scorecard.json").json()
    assert figures["community_input_waiting"] == 2


def test_the_form_asks_for_a_fresh_signed_time_since_its_page_is_cached(client, districts):
    """The page's own time may be minutes old (it is kept whole): its script asks for a fresh
    one, which is never cached, so a form sent at once is still caught."""
    page = client.get(FORM).content.decode()
    assert 'data-started-url="/public/have-your-say/started/"' in page
    assert "js/have_your_say.js" in page
    answer = client.get("/public/have-your-say/started/")
    assert "no-cache" in answer["Cache-Control"] and not answer.cookies
    fresh = answer.json()["started"]
    assert (
        spam.fill_time_problem(fresh)
        == "That was very quick: check your comment and send it again."
    )
    assert spam.fill_time_problem(fresh, now=time.time() + 10) is None
