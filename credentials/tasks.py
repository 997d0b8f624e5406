"""Credential jobs run by beat."""

from __future__ import annotations

from celery import shared_task

from . import reminders


@shared_task
def send_expiry_reminders() -> int:
    """Beat, daily: the reminders CERTIFICATE_EXPIRY_REMINDER_DAYS before certificates expire.
    Safe to run any number of times, in several workers at once: each reminder goes out once.
    Returns how many certificates were reminded."""
    return reminders.send_expiry_reminders()
