"""A stopped Redis must not fail pages: the cache degrades to misses
(django-redis's IGNORE_EXCEPTIONS, trainingsite/cache.py)."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from tests.conftest import dead_redis_url
from tests.factories import PASSWORD
from trainingsite import ratelimit

pytestmark = pytest.mark.django_db


def test_plain_redis_cache_raises_when_redis_is_down(settings):
    # What the resilient backend protects against.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": dead_redis_url(),
        }
    }
    with pytest.raises(RedisConnectionError):
        cache.get("anything")


def test_dead_cache_reads_miss_and_writes_are_dropped(dead_cache):
    assert dead_cache.get("k", "fallback") == "fallback"
    dead_cache.set("k", 1)
    assert dead_cache.add("k", 1) is True  # a lock taken with add() is granted
    assert dead_cache.get_many(["a", "b"]) == {}
    assert not dead_cache.has_key("k")
    dead_cache.delete("k")
    dead_cache.set_many({"a": 1})
    dead_cache.delete_many(["a"])
    assert dead_cache.incr("k") is None  # no counter: callers count nothing


def test_rate_limiter_lets_requests_through_while_redis_is_down(dead_cache):
    assert all(ratelimit.hit("checkin:1", limit=2, window_seconds=60) for _ in range(5))
    assert ratelimit.is_blocked("checkin:1", limit=2) is False


def test_sign_in_works_while_redis_is_down(dead_cache, client, officer):
    # allauth counts failed sign-ins in the cache: a dead Redis used to make this a 500.
    refused = client.post(reverse("account_login"), {"login": officer.email, "password": "nope"})
    assert refused.status_code == 200
    response = client.post(reverse("account_login"), {"login": officer.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200
