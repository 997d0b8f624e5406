"""Periodic privacy jobs (kept apart from attendees/tasks.py)."""

from celery import shared_task

from attendees.services.privacy import purge_unconfirmed_accounts


@shared_task(name="attendees.tasks_privacy.purge_unconfirmed_accounts")
def purge_unconfirmed_accounts_task() -> int:
    """Idempotent: a second run finds nothing older than the limit left."""
    return purge_unconfirmed_accounts()
