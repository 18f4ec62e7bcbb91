"""A Redis cache that a Redis outage degrades instead of breaking.

The cache only saves work (figures are computed from the aggregates when missing), so when
Redis cannot be reached every read is a miss and every write is dropped, with a warning in
the log; pages keep working from the database.
"""

import hashlib
import logging
import re
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)


def unreachable() -> tuple[type[BaseException], ...]:
    """The errors that mean Redis cannot be reached. The redis package is imported here,
    when an error is being matched (`except` evaluates its expression only then), not when
    the settings' cache is set up: every command would pay about 0.1 s for it as it starts
    (a Celery worker imports it for its broker anyway)."""
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return (RedisConnectionError, RedisTimeoutError, OSError)


Result = TypeVar("Result")


def _or(fallback: Callable[..., Any]) -> Callable[[Callable[..., Result]], Callable[..., Result]]:
    """Call the method; when Redis is unreachable, log and return fallback(*args, **kwargs)."""

    def decorate(method: Callable[..., Result]) -> Callable[..., Result]:
        @wraps(method)
        def degraded(self: RedisCache, *args: Any, **kwargs: Any) -> Result:
            try:
                return method(self, *args, **kwargs)
            except unreachable() as error:
                logger.warning("Cache unavailable (%s): %s", method.__name__, error)
                return fallback(*args, **kwargs)

        return degraded

    return decorate


def _default(key: str, default: Any = None, version: int | None = None) -> Any:
    return default


def database_scoped_key(key: str, key_prefix: str, version: int) -> str:
    """The cache's key for `key`: Django's (prefix, version, key) with the database's
    identity after the prefix, so that two portals, or a portal and its tests, sharing one
    Redis never read each other's pages. The identity is a digest of the default
    connection's host, port and database name, read at each call (tests switch to their
    own database after settings load), and shows no address."""
    return f"{key_prefix}:{database_identity()}:{version}:{key}"


def database_identity() -> str:
    from django.db import connections

    database = connections["default"].settings_dict
    return _digest(f"{database['HOST']}:{database['PORT']}/{database['NAME']}")


def own_keys(key_prefix: str) -> str:
    """The Redis pattern of this portal's keys; the prefix (a setting) matched as itself,
    glob characters and all, so that "ovp*" does not take in another portal's keys."""
    prefix = re.sub(r"([\\*?\[\]])", r"\\\1", key_prefix)
    return f"{prefix}:{database_identity()}:*"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class DegradingRedisCache(RedisCache):
    """django's RedisCache; when Redis is unreachable, reads miss and writes do nothing."""

    get = _or(_default)(RedisCache.get)
    get_many = _or(lambda *args, **kwargs: {})(RedisCache.get_many)
    has_key = _or(lambda *args, **kwargs: False)(RedisCache.has_key)
    add = _or(lambda *args, **kwargs: False)(RedisCache.add)
    set = _or(lambda *args, **kwargs: None)(RedisCache.set)
    set_many = _or(lambda data, *args, **kwargs: list(data))(RedisCache.set_many)
    touch = _or(lambda *args, **kwargs: False)(RedisCache.touch)
    delete = _or(lambda *args, **kwargs: False)(RedisCache.delete)
    delete_many = _or(lambda *args, **kwargs: None)(RedisCache.delete_many)

    def clear(self) -> None:
        self._clear_mine()

    @_or(lambda *args, **kwargs: False)
    def _clear_mine(self) -> bool:
        """Delete this portal's keys only. Django's own `clear` empties the whole Redis
        database, with the Celery queue and any other portal's cache in it."""
        client = self._cache.get_client(None, write=True)
        pattern = own_keys(self.key_prefix)
        batch: list[bytes] = []
        for key in client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                client.delete(*batch)
                batch.clear()
        if batch:
            client.delete(*batch)
        return True

    def reachable(self) -> bool:
        """For the health check: does Redis answer? (Other methods hide that it does not.)"""
        try:
            return bool(self._cache.get_client().ping())
        except unreachable():
            return False
