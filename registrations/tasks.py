"""Registration jobs run by beat."""

from __future__ import annotations

from celery import shared_task

from registrations.services import release_due_reservations as release_due


@shared_task
def release_due_reservations() -> int:
    """Beat: return the unfilled seats of reservations whose date has come to the pool, the
    waitlist first (idempotent: each reservation is released once). Returns how many."""
    return release_due()
