"""Public pages kept whole (ovp/core/public.py): served from the cache to visitors who are
not signed in, rendered afresh for everyone else and after the public data changes."""

import gzip

import pytest
from django.test import Client

from ovp.core import public_cache as public
from tests.core import public_urls
from tests.factories import AreaFactory, OrganisationFactory, ProgramFactory

pytestmark = [pytest.mark.urls("tests.core.public_urls"), pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _nothing_rendered_yet():
    public_urls.RENDERED.clear()
    yield


def test_a_second_anonymous_visitor_is_served_the_kept_page_without_rendering_it():
    first = Client().get("/public/page/")
    second = Client().get("/public/page/")
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert public_urls.RENDERED == ["/public/page/"]


def test_the_page_comes_from_redis_when_this_process_has_forgotten_it():
    Client().get("/public/page/")
    public.forget_local()  # another worker, or this one after its local layer expired
    Client().get("/public/page/")
    assert len(public_urls.RENDERED) == 1


def test_a_signed_in_user_gets_a_fresh_page_each_time(staff):
    Client().get("/public/page/")
    client = Client()
    client.force_login(staff)
    answers = [client.get("/public/page/"), client.get("/public/page/")]
    assert all(b"signed in" in answer.content for answer in answers)
    assert len(public_urls.RENDERED) == 3


def test_a_change_to_the_public_data_renders_the_page_again():
    Client().get("/public/page/")
    public.public_pages_changed()
    answer = Client().get("/public/page/")
    assert b"rendering 2" in answer.content
    assert len(public_urls.RENDERED) == 2


def test_a_kept_page_sets_no_cookie_and_carries_no_token():
    Client().get("/public/page/")
    answer = Client().get("/public/page/")
    assert not answer.cookies
    assert "Set-Cookie" not in answer.headers
    assert b"csrfmiddlewaretoken" not in answer.content
    assert set(answer.headers["Vary"].replace(" ", "").split(",")) >= {"Cookie", "Accept-Encoding"}


def test_a_page_with_a_csrf_token_or_a_message_is_never_kept():
    for url in ("/public/form/", "/public/message/"):
        first, second = Client().get(url), Client().get(url)
        assert first.cookies and second.cookies  # each its own token, its own message
    assert len(public_urls.RENDERED) == 4


def test_a_visitor_with_a_session_or_a_message_waiting_is_not_served_from_the_cache(staff):
    Client().get("/public/page/")
    with_session, with_message = Client(), Client()
    with_session.force_login(staff)
    with_message.get("/public/message/")  # a real message, in a cookie Django signed
    assert with_message.cookies["messages"].value
    with_session.get("/public/page/")
    with_message.get("/public/page/")
    assert public_urls.RENDERED == ["/public/page/", "/public/message/", "/public/page/",
                                    "/public/page/"]  # fmt: skip


def test_made_up_session_or_message_cookies_get_the_kept_page():
    """A robot's way round the cache: cookies nobody issued are not a visitor's state."""
    Client().get("/public/page/")
    robot = Client()
    robot.cookies["sessionid"] = "made-up"
    robot.cookies["messages"] = "made-up"
    assert robot.get("/public/page/").status_code == 200
    assert public_urls.RENDERED == ["/public/page/"]


def test_each_valid_year_is_a_page_of_its_own():
    Client().get("/public/page/?year=2024")
    answer = Client().get("/public/page/?year=2024")
    assert b"year 2024" in answer.content
    assert Client().get("/public/page/?year=2023").content.startswith(b"<p>year 2023")
    assert public_urls.RENDERED == ["/public/page/?year=2024", "/public/page/?year=2023"]


def test_other_parameters_and_bad_values_get_the_plain_page_and_fill_nothing():
    plain = Client().get("/public/page/").content
    for query in ("?year=abc", "?year=20245", "?utm=1", "?year=&utm=2"):
        assert Client().get(f"/public/page/{query}").content == plain, query
    year = Client().get("/public/page/?year=2024").content
    for query in ("?year=2024&utm=1", "?utm=2&year=2024", "?year=1999&year=2024"):
        assert Client().get(f"/public/page/{query}").content == year, query
    assert public_urls.RENDERED == ["/public/page/", "/public/page/?year=2024"]


def test_a_bad_query_before_the_plain_page_is_kept_is_rendered_but_not_kept():
    Client().get("/public/page/?junk=1")
    Client().get("/public/page/?junk=2")
    Client().get("/public/page/")
    assert public_urls.RENDERED == ["/public/page/?junk=1", "/public/page/?junk=2", "/public/page/"]


def test_the_kept_page_is_sent_compressed_to_whoever_accepts_it():
    plain = Client().get("/public/page/").content
    zipped = Client().get("/public/page/", HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain
    assert int(zipped["Content-Length"]) == len(zipped.content) < len(plain)
    brotli = Client().get("/public/page/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert brotli["Content-Encoding"] == "br"
    refused = Client().get("/public/page/", HTTP_ACCEPT_ENCODING="gzip;q=0")
    assert "Content-Encoding" not in refused and refused.content == plain


def test_a_browser_that_has_the_page_is_told_it_has_not_changed():
    etag = Client().get("/public/page/")["ETag"]
    answer = Client().get("/public/page/", HTTP_IF_NONE_MATCH=etag)
    assert answer.status_code == 304 and not answer.content
    public.public_pages_changed()
    assert Client().get("/public/page/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_head_is_answered_from_the_kept_page_without_a_body():
    length = len(Client().get("/public/page/").content)
    answer = Client().head("/public/page/")
    assert answer.status_code == 200 and not answer.content
    assert int(answer["Content-Length"]) == length
    assert len(public_urls.RENDERED) == 1


def test_a_post_is_never_served_from_the_cache():
    Client().get("/public/page/")
    Client().post("/public/page/")
    assert len(public_urls.RENDERED) == 2


def test_a_new_release_of_the_static_files_does_not_get_the_old_releases_pages(monkeypatch):
    Client().get("/public/page/")
    public.forget_local()
    monkeypatch.setattr(public, "_deployment", lambda: "another release's manifest")
    Client().get("/public/page/")
    assert len(public_urls.RENDERED) == 2


def test_a_change_inside_a_transaction_is_signalled_again_once_it_commits(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        public.public_pages_changed()
    Client().get("/public/page/")  # rendered between the change and its commit
    callbacks[0]()
    Client().get("/public/page/")
    assert len(public_urls.RENDERED) == 2


def test_a_value_a_function_knows_is_kept_and_a_made_up_one_never_is():
    """An area's code is checked against the city's areas: made-up codes cannot fill the
    cache (each is rendered, never kept)."""
    AreaFactory(kind="neighbourhood", code="N7")  # a new area renews the codes
    for _ in range(2):
        Client().get("/public/by-area/?area=N7")
        Client().get("/public/by-area/?area=N7x")
    assert public_urls.RENDERED == ["/public/by-area/?area=N7", "/public/by-area/?area=N7x",
                                    "/public/by-area/?area=N7x"]  # fmt: skip


def test_a_year_outside_this_century_is_never_kept():
    for _ in range(2):
        Client().get("/public/page/?year=1999")
    assert public_urls.RENDERED == ["/public/page/?year=1999"] * 2


def test_saving_a_model_a_public_page_shows_renews_the_pages():
    """Apps name them in their config's `public_models` (a program, an award, a resource, an
    assessment...): a save, a delete or a many-to-many change renders the pages again."""
    Client().get("/public/page/")
    program = ProgramFactory()
    assert b"rendering 2" in Client().get("/public/page/").content
    program.partners.add(OrganisationFactory())
    assert b"rendering 3" in Client().get("/public/page/").content
    program.delete()
    assert b"rendering 4" in Client().get("/public/page/").content


def test_a_fresh_parameter_is_answered_each_time_even_once_the_plain_page_is_kept():
    """A title search is an open set: never kept, and never answered with the plain page."""
    Client().get("/public/search/")
    for _ in range(2):
        assert b"found for zebra" in Client().get("/public/search/?q=zebra").content
    assert b"nothing asked" in Client().get("/public/search/").content
    assert ["/public/search/", *["/public/search/?q=zebra"] * 2] == public_urls.RENDERED
