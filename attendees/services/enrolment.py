"""A staff account's first authenticator: a signed, short-lived link to its mailbox, which works
once and only in the session that asked for it (the nonces live in that session, attendees/mfa.py).

Whoever holds the password alone gets no further: the mail goes to the account's confirmed
address, and a link read from anywhere else (the outbox's stored copy, a forwarded mail) opens
nothing in another session.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from attendees.mails import mfa_enrolment_mail
from attendees.mfa import needs_enrolment_link
from attendees.models import User
from outbox.services import queue_mail
from trainingsite.errors import ServiceError

SALT = "attendees.mfa-enrolment"


class EnrolmentLinkError(ServiceError):
    pass


@dataclass(frozen=True)
class EnrolmentLink:
    nonce: str  # the session that asked keeps it: the link works there only
    address: str  # where it was sent


def enrolment_address(*, user: User) -> str | None:
    """The account's confirmed primary address: the mailbox the link proves. None without one."""
    row = EmailAddress.objects.filter(user=user, primary=True, verified=True).first()
    return row.email if row else None


def _address_digest(address: str | None) -> str:
    # The link names the address it proves without putting it in URLs and logs.
    return hashlib.sha256((address or "").lower().encode()).hexdigest()[:20]


@transaction.atomic
def send_enrolment_link(*, user: User) -> EnrolmentLink:
    """Mail a staff member without an authenticator the link that lets them enrol one."""
    if not needs_enrolment_link(user):
        raise EnrolmentLinkError(_("Your account does not need an enrolment link."))
    address = enrolment_address(user=user)
    if address is None:
        raise EnrolmentLinkError(
            _(
                "Your account has no confirmed e-mail address to send the link to. "
                "Ask a program coordinator to check your account."
            )
        )
    if EmailAddress.objects.filter(user=user, verified=False).exists():
        # allauth refuses an authenticator while any address waits for confirmation.
        raise EnrolmentLinkError(
            _(
                "An e-mail address of your account is waiting for confirmation. Open the "
                "confirmation link we sent to it, or ask a program coordinator to remove it."
            )
        )
    nonce = secrets.token_urlsafe(16)
    token = signing.dumps({"u": user.pk, "n": nonce, "e": _address_digest(address)}, salt=SALT)
    url = settings.SITE_URL + reverse("two_factor_setup_link", args=[token])
    minutes = int(settings.TWO_FACTOR_SETUP_LINK_MAX_AGE.total_seconds() // 60)
    queue_mail(
        mfa_enrolment_mail(user=user, to=address, url=url, minutes=minutes),
        kind="mfa_enrolment",
        recipient=user,
    )
    return EnrolmentLink(nonce=nonce, address=address)


def check_enrolment_token(*, token: str, user: User, pending: str | None, taken: str | None) -> str:
    """The nonce of `token` if it is a live enrolment link for `user` in a session waiting for
    the link `pending` (and that last took `taken`); else EnrolmentLinkError saying why."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.TWO_FACTOR_SETUP_LINK_MAX_AGE)
    except signing.SignatureExpired as err:
        raise EnrolmentLinkError(_("This link has expired. Ask for a new one.")) from err
    except signing.BadSignature as err:
        raise EnrolmentLinkError(_("This link is not valid.")) from err
    if not isinstance(data, dict) or data.get("u") != user.pk:
        raise EnrolmentLinkError(_("This link was sent to another account."))
    nonce = data.get("n")
    if nonce is not None and nonce == taken:
        raise EnrolmentLinkError(_("This link has already been used."))
    if not needs_enrolment_link(user):
        raise EnrolmentLinkError(_("Your account already has an authenticator."))
    if nonce is None or nonce != pending:
        raise EnrolmentLinkError(
            _(
                "This link does not belong to this session: it was asked for in another "
                "browser (or before signing out), or a newer link was sent since. Open the "
                "latest link in the browser where you asked for it, or ask for a new one."
            )
        )
    if data.get("e") != _address_digest(enrolment_address(user=user)):
        raise EnrolmentLinkError(
            _("This link was sent to an address your account no longer uses. Ask for a new one.")
        )
    return nonce
