"""The cache is scoped by database: portals (or a portal and its tests) sharing one Redis
never read each other's cached pages."""

import uuid

import pytest
from django.core.cache import cache
from django.db import connection


@pytest.fixture
def database_named(monkeypatch):
    run = uuid.uuid4().hex[:8]  # names of this run's own: nothing cached by another

    def use(name: str) -> None:
        monkeypatch.setitem(connection.settings_dict, "NAME", f"{name}_{run}")

    return use


def test_a_portal_on_another_database_does_not_read_this_ones_cache(database_named):
    database_named("city_a")
    cache.set("dashboard:2024", "city A's figures")
    database_named("city_b")
    assert cache.get("dashboard:2024") is None
    cache.set("dashboard:2024", "city B's figures")
    database_named("city_a")
    assert cache.get("dashboard:2024") == "city A's figures"


def test_the_key_names_the_database_but_not_its_address(database_named):
    database_named("city_a")
    first = cache.make_key("dashboard:2024")
    database_named("city_b")
    second = cache.make_key("dashboard:2024")
    assert first != second
    assert "city_a" not in first and str(connection.settings_dict["HOST"] or "x") not in first


def test_clearing_the_cache_leaves_the_rest_of_the_redis_database(database_named):
    # Django's clear() empties the whole Redis database: the Celery queue and other portals
    # sharing it went with this portal's pages
    client = cache._cache.get_client(None, write=True)
    other = f"celery-queue-{uuid.uuid4().hex}"
    client.set(other, "a task")
    database_named("city_a")
    cache.set("dashboard:2024", "city A's figures")
    database_named("city_b")
    cache.set("dashboard:2024", "city B's figures")
    cache.clear()
    assert cache.get("dashboard:2024") is None
    database_named("city_a")
    assert cache.get("dashboard:2024") == "city A's figures"
    assert client.get(other) == b"a task"
    client.delete(other)
    cache.clear()


def test_a_prefix_with_glob_characters_clears_only_its_own_keys(database_named):
    # "ovp*" as a Redis pattern took in every key starting "ovp", other portals' too
    from ovp.core.cache import database_identity, own_keys

    database_named("city_a")
    client = cache._cache.get_client(None, write=True)
    mine, other = (f"{prefix}:{database_identity()}:1:page" for prefix in ("ovp*", "ovp-other"))
    client.set(mine, "this portal's page")
    client.set(other, "another portal's page")
    found = set(client.scan_iter(match=own_keys("ovp*")))
    client.delete(mine, other)
    assert found == {mine.encode()}
