from celery import shared_task
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from attendees.models import User

from . import services

WorkMail = User.WorkMail


@shared_task
def send_digests() -> int:
    """Beat, hourly: the digest of each staff member who chose one, once their period is due in
    their time zone (daily: their day reaches DIGEST_HOUR; weekly: their Monday does). Safe to
    run any number of times (one digest a period each). Returns how many were due."""
    now = timezone.now()
    coordinates = User.coordinated_regions.through.objects.filter(user_id=OuterRef("pk"))
    # Whoever already has the latest period anyone can be in is not read at all: weekly users
    # are, most of the week.
    done = Q()
    for mode in (WorkMail.DIGEST, WorkMail.WEEKLY):
        done |= Q(work_mail=mode, last_digest_on__gte=services.latest_period_start(mode, now))
    candidates = (
        User.objects.filter(
            Q(is_focal_point=True)
            | Q(is_trainer=True)
            | Q(is_program_admin=True)
            | Q(Exists(coordinates)),
            work_mail__in=[WorkMail.DIGEST, WorkMail.WEEKLY],
            is_active=True,
            status=User.Status.VERIFIED,
        )
        .exclude(done)
        .only("pk", "work_mail", "time_zone", "last_digest_on")
    )
    due = [
        user.pk
        for user in candidates
        if (period := services.digest_period(user, now)) is not None
        and (user.last_digest_on is None or user.last_digest_on < period)
    ]
    for user_id in due:
        send_digest.delay(user_id)
    return len(due)


@shared_task
def send_digest(user_id: int) -> bool:
    """One user's digest (nothing if this period's was made meanwhile)."""
    return services.send_digest(user_id=user_id, now=timezone.now())
