"""The /public/ index and the navigation anonymous visitors see."""

import pytest
from django.test import Client

from ovp.core import public
from ovp.core.public import PublicPage, public_links


def test_the_index_lists_every_public_page_with_its_sentence(client: Client, db):
    page = client.get("/public/").content.decode()
    for path in ("/public/shootings/", "/public/programs/", "/public/funding/",
                 "/public/assessments/"):  # fmt: skip
        assert f'href="{path}"' in page
    assert "Where the office&#x27;s money goes" in page


def test_a_page_whose_app_lacks_it_is_left_out(monkeypatch):
    monkeypatch.setattr(
        public,
        "PUBLIC_PAGES",
        (PublicPage("core:public_index", "Index", "Here."), PublicPage("nope:list", "No", "-")),
    )
    assert [link.title for link in public_links()] == ["Index"]


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
