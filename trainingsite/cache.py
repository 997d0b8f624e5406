"""The Redis cache: django-redis ignoring a Redis outage (`IGNORE_EXCEPTIONS`), with `add()`
answering "stored" during one.

Nothing the site keeps in the cache is the only copy, so a stopped Redis must slow pages down,
never fail them: reads miss, writes are dropped, counters start again, and the rate limits
(sign-in, check-in codes, certificate lookups) do not hold meanwhile. django-redis answers an
ignored `add()` with None, which allauth reads as its rate-limit lock being held by another
request: after a second it would refuse every sign-in, sign-up and password reset. Stored into
nothing is the answer every caller here expects.
"""

from __future__ import annotations

from django_redis.cache import RedisCache as DjangoRedisCache


class RedisCache(DjangoRedisCache):
    def add(self, *args, **kwargs):
        added = super().add(*args, **kwargs)
        return True if added is None else added
