"""Cached access facts shared by many users, so a page view does not re-read them.

Two facts are cached: whether an agency still owns an e-mail domain (and is active), and which
users coordinate any region. Both sit under one generation token; any change to an agency, a
domain, a coordinator's regions or a region replaces the token once the change is committed, so
the next request reads the database again: suspending an agency or removing a domain still
revokes access at once. A reader stamps what it caches with the token it saw *before* reading the
database, so a read racing a change is never cached as current.

Never cached: the user's own row (status, vetting date, e-mail, agency), loaded on every request
anyway, so suspending or rejecting a user needs no invalidation. The coordinator list only ever
says "not a coordinator"; a coordinator's regions are always read from the database.

Changes made with a bulk `QuerySet.update()` send no signal: call `bump_generation()` after them.
If Redis is unreachable every request reads the database (a replacement lost to that outage is
covered by the short TTL).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "access:generation"
COORDINATORS_KEY = "access:coordinators"
# Backstop only: a generation replacement lost while Redis was unreachable.
TTL = 60


@dataclass(frozen=True)
class Facts:
    domain_ok: bool | None  # None: the user has no agency (program staff)
    coordinator_ids: frozenset[int]


def _domain_key(agency_id: int, domain: str) -> str:
    return f"access:domain:{agency_id}:{domain}"


def facts_for(user) -> Facts:
    """The facts for `user`, from the cache when current, else from the database (and cached).
    Memoised on the user object for the rest of the request."""
    memo = getattr(user, "_access_facts", None)
    if memo is not None:
        return memo
    domain_key = _domain_key(user.agency_id, user.email_domain) if user.agency_id else None
    keys = [GENERATION_KEY, COORDINATORS_KEY] + ([domain_key] if domain_key else [])
    # Redis down: every key misses (trainingsite/cache.py) and the database answers.
    cached = cache.get_many(keys)
    generation = cached.get(GENERATION_KEY)

    def current(key):
        value = cached.get(key)
        if generation is not None and value is not None and value[0] == generation:
            return value[1]
        return None

    coordinator_ids = current(COORDINATORS_KEY)
    domain_ok = current(domain_key) if domain_key else None
    fresh = {}
    if coordinator_ids is None:
        coordinator_ids = _coordinator_ids()
        fresh[COORDINATORS_KEY] = coordinator_ids
    if domain_key and domain_ok is None:
        domain_ok = _domain_ok(user)
        fresh[domain_key] = domain_ok
    if fresh:
        _store(generation, fresh)
    memo = Facts(domain_ok=domain_ok, coordinator_ids=coordinator_ids)
    user._access_facts = memo
    return memo


def _store(generation: str | None, values: dict) -> None:
    if generation is None:
        # First use (or the token was evicted): start a generation. If another process
        # started one meanwhile, ours is refused and our values are simply not current.
        generation = secrets.token_hex(8)
        if not cache.add(GENERATION_KEY, generation, None):
            return
    cache.set_many({key: (generation, value) for key, value in values.items()}, TTL)


def _domain_ok(user) -> bool:
    from attendees.models import AgencyDomain

    return AgencyDomain.objects.for_email(user.email).filter(agency_id=user.agency_id).exists()


def _coordinator_ids() -> frozenset[int]:
    from attendees.models import User

    through = User.coordinated_regions.through
    return frozenset(through.objects.values_list("user_id", flat=True).distinct())


def bump_generation() -> None:
    """Make every cached fact stale now and again once the current transaction commits (a
    request between the two may cache what it read before the commit; the second replacement
    discards it). Requests that start after the commit read the database again."""
    _bump()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_bump, robust=True)


def _bump() -> None:
    # While Redis is down this is dropped (logged by the cache backend), and nothing is
    # served from the cache either; the facts cached before expire within TTL.
    cache.set(GENERATION_KEY, secrets.token_hex(8), None)
