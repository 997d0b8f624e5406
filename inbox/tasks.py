from celery import shared_task
from django.utils import timezone

from attendees.models import User

from .services import digest_day, send_daily_digest


@shared_task
def send_daily_digests() -> int:
    """Beat, hourly: the daily digest of each staff member who chose it, once their day reaches
    DIGEST_HOUR in their time zone. Safe to run any number of times (one digest a day each).
    Returns how many were due."""
    now = timezone.now()
    due = [
        user.pk
        for user in User.objects.filter(
            work_mail=User.WorkMail.DIGEST, is_active=True, status=User.Status.VERIFIED
        ).only("pk", "time_zone", "last_digest_on")
        if (day := digest_day(user, now)) is not None
        and (user.last_digest_on is None or user.last_digest_on < day)
    ]
    for user_id in due:
        send_digest.delay(user_id)
    return len(due)


@shared_task
def send_digest(user_id: int) -> bool:
    """One user's digest (nothing if today's was made meanwhile)."""
    return send_daily_digest(user_id=user_id, now=timezone.now())
