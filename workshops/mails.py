"""The e-mails about curriculum modules in review, in the recipient's language."""

from __future__ import annotations

from django.core.mail import EmailMessage

from attendees.models import User
from trainingsite.mail import build_templated_email

from .models import Module

SUBMITTED, PUBLISHED, RETURNED = "submitted", "published", "returned"


def module_review_mail(*, module: Module, event: str, actor: User, to: User) -> EmailMessage:
    """To the reviewers (`event` "submitted") or the module's authors ("published",
    "returned")."""
    return build_templated_email(
        to=to.email,
        template="workshops/email/module_review",
        context={"module": module, "event": event, "actor": actor, "member": to},
        language=to.language,
        time_zone=to.time_zone,
    )
