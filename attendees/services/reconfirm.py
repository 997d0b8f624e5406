"""Yearly re-confirmation of the agency e-mail through a signed, single-use link."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from attendees.mails import reconfirm_mail
from attendees.models import AgencyDomain, User
from attendees.signals import access_restored
from outbox.services import queue_mail
from trainingsite.errors import ServiceError

from .vetting import renew_vetting

SALT = "attendees.reconfirm-agency-email"


class ReconfirmError(ServiceError):
    pass


def _fingerprint(user: User) -> str:
    # vetted_at changes on renewal, so a used link no longer matches: single use.
    return user.vetted_at.isoformat() if user.vetted_at else "-"


def _email_digest(user: User) -> str:
    # The link names the address it proves without putting it in URLs and logs.
    return hashlib.sha256(user.email.lower().encode()).hexdigest()[:20]


def make_reconfirm_token(*, user: User) -> str:
    return signing.dumps(
        {"u": user.pk, "v": _fingerprint(user), "e": _email_digest(user)}, salt=SALT
    )


@transaction.atomic
def send_reconfirmation_email(*, user: User) -> None:
    """Mail a link to the officer's agency address: following it proves they still hold it."""
    if user.agency_id is None or user.status != User.Status.VERIFIED:
        raise ReconfirmError(_("Only verified officers re-confirm their agency e-mail."))
    url = settings.SITE_URL + reverse("reconfirm", args=[make_reconfirm_token(user=user)])
    hours = int(settings.RECONFIRM_LINK_MAX_AGE.total_seconds() // 3600)
    queue_mail(reconfirm_mail(officer=user, url=url, hours=hours), kind="reconfirm", recipient=user)


def check_reconfirm_token(*, token: str, user: User) -> None:
    """Raise ReconfirmError unless `token` is a live link for `user`."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.RECONFIRM_LINK_MAX_AGE)
    except signing.SignatureExpired as err:
        raise ReconfirmError(_("This link has expired. Ask for a new one.")) from err
    except signing.BadSignature as err:
        raise ReconfirmError(_("This link is not valid.")) from err
    if data.get("u") != user.pk or data.get("e") != _email_digest(user):
        raise ReconfirmError(_("This link was sent to another account."))
    if data.get("v") != _fingerprint(user):
        raise ReconfirmError(_("This link has already been used. Ask for a new one."))


@transaction.atomic
def reconfirm_agency_email(*, user_id: int, token: str) -> User:
    """Renew the vetting if the link is valid, unused and the officer still belongs to an
    active agency domain; records RECONFIRMED. The waitlists they are on move up: a seat they
    were passed over for while expired may be free."""
    # NO KEY, as the vetting decisions: a seat change of theirs committing meanwhile must not
    # wait for this lock while the waitlists below wait for its workshop.
    user = User.objects.select_for_update(no_key=True).get(pk=user_id)
    check_reconfirm_token(token=token, user=user)
    if user.status != User.Status.VERIFIED:
        raise ReconfirmError(_("Only verified officers re-confirm their agency e-mail."))
    if not AgencyDomain.objects.for_email(user.email).filter(agency_id=user.agency_id).exists():
        raise ReconfirmError(_("Your agency's access to the program is currently withdrawn."))
    renew_vetting(user=user)
    access_restored.send(sender=User, officers=[user])
    return user
