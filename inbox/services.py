"""The daily digest: at most one a day for each staff member who chose it, listing their inbox."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q

from attendees.models import User
from outbox.services import queue_mail
from trainingsite.mail import build_templated_email

from .items import Section, items_for


def digest_day(user: User, now: datetime) -> date | None:
    """The user's local date if their digest hour has come there, else None."""
    local = now.astimezone(zoneinfo.ZoneInfo(user.time_zone))
    return local.date() if local.hour >= settings.DIGEST_HOUR else None


def digest_mail(*, user: User, sections: list[Section], day: date) -> EmailMessage:
    """The inbox's sections as a mail, in the recipient's language and time zone."""
    return build_templated_email(
        to=user.email,
        template="inbox/email/digest",
        context={"member": user, "sections": sections, "day": day, "digest": True},
        language=user.language,
        time_zone=user.time_zone,
    )


def send_daily_digest(*, user_id: int, now: datetime) -> bool:
    """Mail the user what waits in their inbox, once for their day: the day is claimed by a
    conditional update in the transaction that queues the mail, so a second run (beat twice,
    a retry, two workers) finds it taken. A day with nothing waiting is claimed too, with no
    mail. `now` decides the day; the items are those waiting at the time of the call. Returns
    whether a digest was queued."""
    user = (
        User.objects.filter(
            pk=user_id, is_active=True, status=User.Status.VERIFIED, work_mail=User.WorkMail.DIGEST
        )
        .select_related("agency")
        .first()
    )
    if user is None or not user.has_program_access:
        return False
    day = digest_day(user, now)
    if day is None or (user.last_digest_on is not None and user.last_digest_on >= day):
        return False
    # Read before the claim, so the account's row is locked only for the claim and the queueing.
    sections = items_for(user)
    with transaction.atomic():
        claimed = (
            User.objects.filter(pk=user.pk)
            .filter(Q(last_digest_on__isnull=True) | Q(last_digest_on__lt=day))
            .update(last_digest_on=day)
        )
        if not claimed or not sections:
            return False
        message = digest_mail(user=user, sections=sections, day=day)
        queue_mail(message, kind="digest", recipient=user)
    return True
