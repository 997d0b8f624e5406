"""Assessment jobs: attempts whose deadline passed are sent with the answers saved so far."""

from __future__ import annotations

from celery import shared_task

from assessments import services


@shared_task
def send_overdue_attempt(attempt_id: int) -> bool:
    """Send one attempt whose deadline passed (idempotent: a sent attempt stays as sent)."""
    return services.send_overdue_attempt(attempt_id=attempt_id) is not None


@shared_task
def send_overdue_attempts() -> int:
    """Beat: send every attempt whose deadline passed; how many were sent."""
    return services.send_overdue_attempts()
