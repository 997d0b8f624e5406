"""Outbox settings, overridable in settings.py; defaults suit production."""

from django.conf import settings


def grace_minutes() -> int:
    """How long unsent work may wait for its own task before the sweep re-enqueues it."""
    return getattr(settings, "OUTBOX_GRACE_MINUTES", 5)


def max_age_hours() -> int:
    """Older unsent work is never swept (it predates the outbox or was never meant to be sent)."""
    return getattr(settings, "OUTBOX_MAX_AGE_HOURS", 72)


def max_attempts() -> int:
    """Failed sends (task retries included) before a delivery is given up."""
    return getattr(settings, "OUTBOX_MAX_ATTEMPTS", 12)
