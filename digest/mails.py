"""The daily digest mail, in the recipient's language and time zone."""

from __future__ import annotations

from django.core.mail import EmailMessage

from attendees.models import User
from trainingsite.mail import build_templated_email

from .waiting import Waiting


def digest_mail(*, user: User, waiting: Waiting, day) -> EmailMessage:
    return build_templated_email(
        to=user.email,
        template="digest/email/digest",
        context={"member": user, "waiting": waiting, "day": day, "digest": True},
        language=user.language,
        time_zone=user.time_zone,
    )
