"""The revocation list: a W3C Bitstring Status List credential, signed as a VC-JWT.

Bit i of the list (bit 0 = the most significant bit of the first byte) is set when the
certificate of the credential whose `status_index` is i was revoked. The list is built from the
database, cached, and its cached copy cleared when a certificate is revoked.
"""

from __future__ import annotations

import datetime as dt
import gzip
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .keys import b64url, b64url_decode, current_key, issuer_did
from .models import Credential
from .openbadges import status_list_url, timestamp
from .signing import sign, verify


def bitstring(indices: Iterable[int], size: int) -> bytes:
    """`size` bits (a whole number of bytes), those at `indices` set."""
    bits = bytearray((size + 7) // 8)
    for index in indices:
        if 0 <= index < size:
            bits[index // 8] |= 0x80 >> (index % 8)
    return bytes(bits)


def encode_list(bits: bytes) -> str:
    """The `encodedList` form: multibase base64url (no padding) of the GZIP-compressed bits."""
    return "u" + b64url(gzip.compress(bits, mtime=0))


def revoked_indices() -> list[int]:
    return list(
        Credential.objects.filter(certificate__revoked_at__isnull=False).values_list(
            "status_index", flat=True
        )
    )


def status_list_credential(now: dt.datetime | None = None) -> dict[str, Any]:
    """The unsigned BitstringStatusListCredential, as the database says now."""
    now = now or timezone.now()
    url = status_list_url()
    size = settings.CREDENTIAL_STATUS_LIST_SIZE
    valid = dt.timedelta(hours=settings.CREDENTIAL_STATUS_LIST_VALID_HOURS)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did(),
        "validFrom": timestamp(now),
        "validUntil": timestamp(now + valid),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_list(bitstring(revoked_indices(), size)),
        },
    }


def _cache_key() -> str:
    # Keyed on what the signed list depends on besides the revocations: the issuer, its key
    # and the list's size (a rotation or a resize never serves the previous copy).
    size = settings.CREDENTIAL_STATUS_LIST_SIZE
    return f"credentials:status-list:{issuer_did()}:{current_key().key_id}:{size}"


def signed_status_list() -> str:
    """The signed list (compact VC-JWT), from the cache or built now."""
    key = _cache_key()
    token = cache.get(key)
    if token is None:
        token, _key_id = sign(status_list_credential())
        cache.set(key, token, settings.CREDENTIAL_STATUS_LIST_CACHE_SECONDS)
    return token


def forget_status_list() -> None:
    """Drop the cached list now and again once the transaction commits (a list built in
    between, from a database without the revocation yet, is dropped too)."""
    key = _cache_key()
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def is_revoked(index: int) -> bool | None:
    """Bit `index` of the published (signed, cached) list, read back as a verifier reads it;
    None when the list has no such bit."""
    if index < 0:
        return None
    encoded = verify(signed_status_list())["credentialSubject"]["encodedList"]
    bits = gzip.decompress(b64url_decode(encoded[1:]))
    if index >= len(bits) * 8:
        return None
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
