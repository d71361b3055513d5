"""A Redis that cannot be reached (config/cache.py): reads miss, writes are
skipped, the rate limits refuse, and a delete still fails."""

import pytest
from allauth.core import ratelimit
from django.core.cache import cache
from django.test import RequestFactory
from redis.exceptions import ConnectionError

from tools.servers import free_port


@pytest.fixture
def redis_away(settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "config.cache.RedisCache", "LOCATION": f"redis://127.0.0.1:{free_port()}/0"},
    }


def test_reads_from_an_unreachable_redis_miss_and_writes_are_skipped(redis_away):
    cache.set("key", "value")
    cache.set_many({"a": 1, "b": 2})

    assert cache.get("key", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert "key" not in cache
    assert cache.touch("key") is False


def test_an_unreachable_redis_refuses_what_is_rate_limited(redis_away, alice):
    request = RequestFactory().post("/partner/join/")
    request.user = alice

    assert cache.add("lock", True) is False
    assert ratelimit.consume(request, action="invitation_code", user=alice) is False


def test_a_delete_on_an_unreachable_redis_still_fails(redis_away):
    """Signing out deletes the session's copy: it must not be left behind quietly."""
    with pytest.raises(ConnectionError):
        cache.delete("session")
