"""The Redis cache, degraded to a miss when Redis is unreachable.

Nothing the site keeps in the cache is the only copy (sessions are in the database, rate-limit
counters and cached pages can be lost), so a stopped Redis must slow pages down, never fail them:
reads miss, writes are dropped, counters start again. The one trade-off is that rate limits
(sign-in, check-in codes, certificate lookups) do not hold while Redis is down.
"""

from __future__ import annotations

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _degrade(name: str, fallback):
    original = getattr(RedisCacheClient, name)

    def method(self, *args, **kwargs):
        try:
            return original(self, *args, **kwargs)
        except UNAVAILABLE as exc:
            logger.warning("Cache unavailable (%s: %s); %s degraded", type(exc).__name__, exc, name)
            return fallback(*args, **kwargs)

    method.__name__ = name
    return method


def _missing_counter(key, delta=1):
    # Same as a key that is not there, which callers (trainingsite/ratelimit.py) handle.
    raise ValueError(f"Key '{key}' not found.")


class ResilientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        # Django builds a new redis.Redis (≈0.1 ms of Python) for every operation; one client
        # per pool is enough, as a client is thread-safe (each command takes a pooled socket).
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients.setdefault(pool, self._client(connection_pool=pool))
        return client

    # "Stored" (into nothing): allauth takes its rate-limit lock with add(), and a lock that is
    # never granted would refuse every sign-in with a 429.
    add = _degrade("add", lambda *a, **k: True)
    get = _degrade("get", lambda key, default=None: default)
    set = _degrade("set", lambda *a, **k: None)
    touch = _degrade("touch", lambda *a, **k: False)
    delete = _degrade("delete", lambda *a, **k: False)
    get_many = _degrade("get_many", lambda *a, **k: {})
    has_key = _degrade("has_key", lambda *a, **k: False)
    incr = _degrade("incr", _missing_counter)
    set_many = _degrade("set_many", lambda *a, **k: [])
    delete_many = _degrade("delete_many", lambda *a, **k: None)
    clear = _degrade("clear", lambda *a, **k: False)


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient
