"""Demo calendar feeds: every demo officer and trainer gets a subscription token. Idempotent."""

from __future__ import annotations

from django.db.models import Q

from attendees.models import User

from .services import get_or_create_calendar_feed


def seed() -> list[tuple[str, str, str]]:
    users = User.objects.filter(
        Q(agency__isnull=False) | Q(is_trainer=True), status=User.Status.VERIFIED
    )
    for user in users:
        get_or_create_calendar_feed(user=user)
    return []
