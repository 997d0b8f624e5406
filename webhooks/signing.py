"""The signature on each delivery, and the body it covers.

Headers: `Webhook-Id` (the event id, the same on every retry and redelivery: receivers drop
repeats by it), `Webhook-Timestamp` (unix seconds of this attempt) and
`Webhook-Signature: v1=<hex HMAC-SHA256>` over `f"{timestamp}.{body}"`, keyed with the
endpoint's secret (its UTF-8 bytes, `whsec_` prefix included). The body is exactly the bytes
signed. A receiver recomputes the HMAC over the raw body, compares it in constant time and
rejects a timestamp more than five minutes from its own clock (a replay).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets

from django.conf import settings

from .models import Event

TOLERANCE_SECONDS = 300

# The API's addresses for what an event names; the receiver reads them with its API token.
LINKS = {
    "registration_id": "/api/v1/registrations/{}/",
    "workshop_id": "/api/v1/workshops/{}/",
    "certificate_id": "/api/v1/certificates/{}/",
}


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def payload(event: Event) -> dict:
    links = {
        key.removesuffix("_id"): settings.SITE_URL + path.format(event.data[key])
        for key, path in LINKS.items()
        if event.data.get(key) is not None
    }
    return {
        "id": str(event.event_id),
        "type": event.type,
        "created": event.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "data": event.data,
        "links": links,
    }


def body(event: Event) -> bytes:
    """The same bytes for every attempt at an event."""
    return json.dumps(payload(event), separators=(",", ":"), sort_keys=True).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def headers(*, secret: str, event: Event, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": "trainingsite-webhooks/1",
        "Webhook-Id": str(event.event_id),
        "Webhook-Timestamp": str(timestamp),
        "Webhook-Signature": signature(secret, timestamp, body),
    }


def verify(*, secret: str, body: bytes, timestamp: str, signature_header: str, now: int) -> bool:
    """What a receiver does (kept here for the documentation and tests)."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent) > TOLERANCE_SECONDS:
        return False
    expected = signature(secret, sent, body)
    return any(
        hmac.compare_digest(expected, candidate.strip())
        for candidate in signature_header.split(" ")
    )
