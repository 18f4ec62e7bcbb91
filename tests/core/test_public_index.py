"""The /public/ index and the navigation anonymous visitors see."""

import pytest
from django.test import Client
from django.urls import resolve

from ovp.core import public
from ovp.core.public import public_page_urls


def test_the_index_lists_every_public_page_with_its_sentence(client: Client, db):
    page = client.get("/public/").content.decode()
    for path in ("/public/shootings/", "/public/programs/", "/public/funding/",
                 "/public/assessments/", "/public/resources/",
                 "/public/have-your-say/"):  # fmt: skip
        assert f'href="{path}"' in page
    assert "Where the office&#x27;s money goes" in page


def test_every_listed_page_is_served_from_the_public_cache():
    """A page on the index is a @public_page: no login, the same for everyone, cached whole
    (and so in the page-weight check and the surge benchmark, which open these URLs)."""
    urls = public_page_urls()
    assert urls[0] == "/public/" and len(urls) == len(public.public_pages()) + 1 == 7
    assert [url for url in urls if not hasattr(resolve(url).func, "public_page")] == []


def test_an_anonymous_visitor_gets_the_public_bar_and_a_log_in_link(client: Client, db):
    page = client.get("/public/programs/").content.decode()
    assert 'aria-label="Public pages"' in page
    assert 'href="/public/funding/"' in page
    assert ">Staff log in</a>" in page
    assert 'aria-current="page">Programs' in page


@pytest.mark.django_db
def test_a_signed_in_user_keeps_their_own_menus(client_for, staff):
    page = client_for(staff).get("/public/").content.decode()
    assert 'aria-label="Public pages"' not in page
    assert "Log out" in page
