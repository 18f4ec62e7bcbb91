"""The public shootings page is kept whole (ovp/core/public.py) and rendered again once
the nightly publication has run."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ovp.core import public_cache as public
from ovp.incidents.publication import public_years_refresh

pytestmark = pytest.mark.django_db


def test_the_public_page_is_served_from_the_cache_without_a_query(
    django_assert_num_queries,
):
    first = Client().get("/public/shootings/")
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = Client().get("/public/shootings/")
    assert second.content == first.content
    assert not second.cookies


def test_the_publication_makes_the_public_page_be_rendered_again():
    Client().get("/public/shootings/")
    public_years_refresh()
    public.forget_local()  # as another worker would, LOCAL_TTL seconds later
    with CaptureQueriesContext(connection) as rendered:
        Client().get("/public/shootings/")
    assert len(rendered.captured_queries) > 0
