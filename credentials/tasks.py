"""Credential jobs: each takes ids (or nothing) and is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from . import reminders
from .tracks import review_after_certificate, review_holder


@shared_task
def send_expiry_reminders() -> int:
    """Beat, daily: the reminders CERTIFICATE_EXPIRY_REMINDER_DAYS before certificates expire.
    Safe to run any number of times, in several workers at once: each reminder goes out once.
    Returns how many certificates were reminded."""
    return reminders.send_expiry_reminders()


@shared_task
def review_tracks_after_certificate(certificate_id: int) -> None:
    """The holder's track credentials, reviewed once a workshop certificate of theirs was
    issued or revoked (idempotent: a second run finds nothing to change)."""
    review_after_certificate(certificate_id=certificate_id)


@shared_task
def review_tracks_of_holder(holder_id: int) -> None:
    """The holder's track credentials against every track, once their program access returned
    (idempotent: a second run finds nothing to change)."""
    review_holder(holder_id=holder_id)
