"""A small fixed-window counter in the cache, for guessable inputs and public forms."""

from __future__ import annotations

import ipaddress

from allauth.account.adapter import get_adapter
from django.core.cache import cache


def client_ip(request) -> str:
    """The client's address, as allauth's sign-in limits see it: from the trusted proxy's header
    when one is configured (ALLAUTH_TRUSTED_PROXY_COUNT, ALLAUTH_TRUSTED_CLIENT_IP_HEADER), else
    REMOTE_ADDR. Every limit keyed on an address uses this one."""
    return get_adapter(request).get_client_ip(request)


def client_key(request) -> str:
    """The client's address as the site's limits count it: an IPv6 address stands for its /64,
    the block one subscriber is given, so rotating addresses inside it buys no attempts. (Logs
    keep the full address, client_ip; allauth's own limits keep its own key.)"""
    address = client_ip(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network((ip, 64), strict=False))


def hit(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt; False once `limit` attempts were made in the current window."""
    cache_key = f"rl:{key}"
    cache.add(cache_key, 0, timeout=window_seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:
        # Expired between add and incr: start a new window.
        cache.set(cache_key, 1, timeout=window_seconds)
        count = 1
    # None: Redis is down and nothing is counted (trainingsite/cache.py).
    return count is None or count <= limit


def is_blocked(key: str, *, limit: int) -> bool:
    return (cache.get(f"rl:{key}") or 0) >= limit


def clear(key: str) -> None:
    cache.delete(f"rl:{key}")
