"""The digest: at most one a period (a day, or an ISO week) for each staff member who chose it,
listing their inbox and, for focal points, what changed for their agency and what comes up."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q

from attendees.models import User
from outbox.services import queue_mail
from trainingsite.mail import build_templated_email

from .changes import Block, changes_for, coming_up_for
from .items import Section, items_for

WorkMail = User.WorkMail

# How far ahead "Coming up" looks for reserved seats about to return to the open pool: past
# the next digest, so the focal point still has time to nominate.
SEATS_NOTICE_DAYS: dict[str, int] = {WorkMail.DIGEST: 7, WorkMail.WEEKLY: 14}
PERIOD_DAYS: dict[str, int] = {WorkMail.DIGEST: 1, WorkMail.WEEKLY: 7}
# The furthest back a digest's "What changed" reaches, whatever the previous digest was (a
# user back from "none" after months): one week, the longest period.
LONGEST_LOOKBACK = timedelta(days=7)


def period_start(work_mail: str, local: datetime) -> date | None:
    """The first day of the digest period that `local` (a moment in the user's zone) is in,
    if that period's digest is due: daily, from DIGEST_HOUR each day; weekly, from DIGEST_HOUR
    on the ISO week's Monday to its end (a run missed on Monday sends on the next one)."""
    day = local.date()
    if work_mail == WorkMail.DIGEST:
        return day if local.hour >= settings.DIGEST_HOUR else None
    if work_mail == WorkMail.WEEKLY:
        if local.weekday() == 0 and local.hour < settings.DIGEST_HOUR:
            return None
        return day - timedelta(days=local.weekday())
    return None


def digest_period(user: User, now: datetime) -> date | None:
    """The first day of the user's digest period due at `now` in their time zone, or None."""
    return period_start(user.work_mail, now.astimezone(zoneinfo.ZoneInfo(user.time_zone)))


def latest_period_start(work_mail: str, now: datetime) -> date:
    """The latest first day a digest period can have at `now` anywhere on Earth (local dates
    run at most a day ahead of UTC): a user whose last digest is that recent is not due."""
    ahead = now.astimezone(zoneinfo.ZoneInfo("UTC")).date() + timedelta(days=1)
    if work_mail == WorkMail.WEEKLY:
        return ahead - timedelta(days=ahead.weekday())
    return ahead


def period_opens(day: date, zone: str) -> datetime:
    """When the period starting on `day` opens: DIGEST_HOUR that day in `zone`."""
    return datetime.combine(day, time(settings.DIGEST_HOUR), tzinfo=zoneinfo.ZoneInfo(zone))


def changes_since(user: User, period: date) -> datetime:
    """Where this period's "What changed" starts: when the previous digest's period opened
    (its changes went up to its own run, so a run hours late repeats a few, never loses any),
    or one period back for a first digest; never more than a week back."""
    first = period - timedelta(days=PERIOD_DAYS[user.work_mail])
    previous = user.last_digest_on
    if previous is not None and previous > first:
        first = previous
    first = max(first, period - LONGEST_LOOKBACK)
    return period_opens(first, user.time_zone)


def digest_mail(
    *,
    user: User,
    sections: list[Section],
    day: date,
    changes: list[Block] | None = None,
    coming_up: list[Block] | None = None,
    since: datetime | None = None,
) -> EmailMessage:
    """The inbox's sections, then what changed, then what comes up, as a mail in the
    recipient's language and time zone."""
    weekly = user.work_mail == WorkMail.WEEKLY
    return build_templated_email(
        to=user.email,
        template="inbox/email/digest",
        context={
            "member": user,
            "sections": sections,
            "changes": changes or [],
            "coming_up": coming_up or [],
            "since": since,
            "day": day,
            "weekly": weekly,
            "digest": "weekly" if weekly else "daily",
        },
        language=user.language,
        time_zone=user.time_zone,
    )


def send_digest(*, user_id: int, now: datetime) -> bool:
    """Mail the user their digest once for their period (their day, or their ISO week): the
    period's first day is claimed by a conditional update in the transaction that queues the
    mail, so a second run (beat twice, a retry, two workers) finds it taken. A period with
    nothing waiting, nothing changed and no reserved seats about to return is claimed too,
    with no mail. `now` decides the period and the window of changes. Returns whether a
    digest was queued."""
    user = (
        User.objects.filter(
            pk=user_id,
            is_active=True,
            status=User.Status.VERIFIED,
            work_mail__in=[WorkMail.DIGEST, WorkMail.WEEKLY],
        )
        .select_related("agency")
        .first()
    )
    if user is None or not user.may_have_work_waiting or not user.has_program_access:
        return False
    period = digest_period(user, now)
    if period is None or (user.last_digest_on is not None and user.last_digest_on >= period):
        return False
    # Read before the claim, so the account's row is locked only for the claim and the queueing.
    since = changes_since(user, period)
    sections = items_for(user)
    changes = changes_for(user, since=since, until=now)
    coming_up = coming_up_for(user, now=now, days=SEATS_NOTICE_DAYS[user.work_mail])
    # Vetting about to expire is no reason for a mail on its own: it would come every day for
    # a month. Seats about to return are: they are lost unless the focal point nominates.
    worth_a_mail = sections or changes or any(block.key == "seats" for block in coming_up)
    with transaction.atomic():
        claimed = (
            User.objects.filter(pk=user.pk)
            .filter(Q(last_digest_on__isnull=True) | Q(last_digest_on__lt=period))
            .update(last_digest_on=period)
        )
        if not claimed or not worth_a_mail:
            return False
        message = digest_mail(
            user=user,
            sections=sections,
            day=period,
            changes=changes,
            coming_up=coming_up,
            since=since,
        )
        queue_mail(message, kind="digest", recipient=user)
    return True
