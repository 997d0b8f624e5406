"""Two-factor rules: program staff must have used TOTP in this session; officers may enable it.

Enrolment alone is not enough: a session opened with a password only (say, by a path that skipped
allauth's login stages) reaches no staff page until a code from the authenticator is entered.

A staff account's first authenticator also takes proof of its mailbox: otherwise whoever learns
the password alone enrols their own authenticator and holds a full staff session. The session
asks for a link by mail (attendees/services/enrolment.py); opening it in that same session
allows allauth's activation page there.
"""

from __future__ import annotations

import base64
import secrets

from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator

# The user id whose second factor was verified in this session (set from allauth's signals).
USED_SESSION_KEY = "mfa_verified_user"
# The user id who proved their mailbox in this session: they may enrol an authenticator here.
ENROLMENT_ALLOWED_KEY = "mfa_enrolment_user"
# The one enrolment link this session waits for, and the last one it took: a link works only in
# the session that asked for it, once.
ENROLMENT_PENDING_KEY = "mfa_enrolment_pending"
ENROLMENT_TAKEN_KEY = "mfa_enrolment_taken"

# The URL name of the page where staff without an authenticator ask for the enrolment link.
SETUP_STEP = "two_factor_setup"


def is_staff_member(user) -> bool:
    """Trainers, coordinators, program admins and Django admin users: their accounts reach
    officers' personal data, so they need a second factor and shorter sessions."""
    return bool(
        user.is_authenticated
        and (user.is_trainer or user.is_coordinator or user.is_staff or user.is_superuser)
    )


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def mark_verified(session, user) -> None:
    session[USED_SESSION_KEY] = user.pk


def missing_step(request) -> str | None:
    """The URL name of the step a staff member must take before anything else: prove their
    mailbox, enrol an authenticator, or enter a code from it in this session. None when nothing
    is missing."""
    user = request.user
    if not is_staff_member(user) or request.session.get(USED_SESSION_KEY) == user.pk:
        return None
    if has_totp(user):
        return "mfa_reauthenticate"
    return "mfa_activate_totp" if may_enrol(request.session, user) else SETUP_STEP


def needs_enrolment_link(user) -> bool:
    """Staff without an authenticator: enrolling their first takes the mailed link."""
    return is_staff_member(user) and not has_totp(user)


def may_enrol(session, user) -> bool:
    return session.get(ENROLMENT_ALLOWED_KEY) == user.pk


def expect_enrolment_link(session, nonce: str) -> None:
    """The link carrying `nonce` was mailed: this session takes it, and no earlier one."""
    session[ENROLMENT_PENDING_KEY] = nonce


def take_enrolment_link(session, user, nonce: str) -> None:
    """The link carrying `nonce` was opened here (checked by the caller): it is spent, and this
    session may enrol."""
    session.pop(ENROLMENT_PENDING_KEY, None)
    session[ENROLMENT_TAKEN_KEY] = nonce
    session[ENROLMENT_ALLOWED_KEY] = user.pk


def enrolment_nonces(session) -> tuple[str | None, str | None]:
    """(the nonce of the link this session waits for, that of the link it last took)."""
    return session.get(ENROLMENT_PENDING_KEY), session.get(ENROLMENT_TAKEN_KEY)


def end_enrolment(session) -> None:
    """An authenticator was added: the permission to add one is used up."""
    for key in (ENROLMENT_ALLOWED_KEY, ENROLMENT_PENDING_KEY):
        session.pop(key, None)


def forget_verified(session) -> None:
    session.pop(USED_SESSION_KEY, None)


def enrol_totp(user, secret: str | None = None) -> str:
    """Give `user` a TOTP authenticator, as the enrolment page would; returns the base32 secret.
    For the demo data and tests (staff must have one): people enrol on the site. Idempotent: an
    existing authenticator's secret is returned unchanged."""
    adapter = get_mfa_adapter()
    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing is not None:
        return adapter.decrypt(existing.data["secret"])
    secret = secret or base64.b32encode(secrets.token_bytes(20)).decode()
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": adapter.encrypt(secret)}
    )
    return secret
