"""Survey jobs: safe to run any number of times, in several workers at once."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def send_feedback_reminders() -> int:
    """Beat, hourly: remind attendees of closed workshops who have not given feedback (once
    each). Returns how many were reminded."""
    return services.send_feedback_reminders()


@shared_task
def send_follow_up_surveys() -> int:
    """Beat, daily: send the follow-up surveys that have come due (once per officer and
    workshop). Returns how many were sent."""
    return services.send_follow_up_surveys()
