"""The Redis cache, where a Redis that cannot be reached is a miss.

Built on django-redis rather than Django's own Redis backend: Django's
makes a new redis-py client for every cache call, and a client costs more
to build than the GET it sends; django-redis keeps one per connection pool.

Everything Twofold keeps in Redis is either a copy (sessions, written
through to the database; a reflection's prompts) or a count that may start
again (the rate limits). So while Redis is away, or restarting, a page reads
the database instead of failing: a read is a miss, a write is skipped, and
`add` says the key was taken, so the rate limits refuse (allauth cannot take
its lock) rather than let everything through. Each skipped call logs a
warning.

A delete still fails: it is how signing out removes the session's copy, and
a copy left behind in a Redis that was only cut off would sign the person
in again once it is back. Errors other than a lost connection (a wrong
command, a full memory) are still errors."""

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django_redis import cache as django_redis
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (ConnectionError, TimeoutError)


def unreachable(operation, error):
    logger.warning("cache unreachable", extra={"operation": operation, "error": type(error).__name__})


class RedisCache(django_redis.RedisCache):
    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNREACHABLE as error:
            unreachable("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNREACHABLE as error:
            unreachable("get_many", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNREACHABLE as error:
            unreachable("has_key", error)
            return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except UNREACHABLE as error:
            unreachable("add", error)
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except UNREACHABLE as error:
            unreachable("set", error)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except UNREACHABLE as error:
            unreachable("set_many", error)
            return list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except UNREACHABLE as error:
            unreachable("touch", error)
            return False
