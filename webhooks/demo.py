"""Demo webhook: the demo coordinator's endpoint at an address that never resolves
(example.invalid), with a test event sent to it: its failed attempts show in the delivery log.
Idempotent: made once, pinged once."""

from __future__ import annotations

from attendees.models import User

from . import signing
from .models import SUBSCRIBABLE, Endpoint
from .services import send_test_event

DEMO_COORDINATOR = "coord.apac@training.example.org"
DEMO_URL = "https://example.invalid/trainingsite/webhooks"


def seed() -> list:
    coordinator = User.objects.filter(email=DEMO_COORDINATOR).first()
    if coordinator is None:
        return []
    # Written directly: the service refuses a host that does not resolve, which is the point.
    endpoint, created = Endpoint.objects.get_or_create(
        owner=coordinator,
        url=DEMO_URL,
        defaults={
            "description": "Regional case-management system (demo: never reachable)",
            "event_types": [kind for kind, _label in SUBSCRIBABLE],
            "secret": signing.new_secret(),
        },
    )
    if created:
        send_test_event(endpoint=endpoint, by=coordinator)
    return []
