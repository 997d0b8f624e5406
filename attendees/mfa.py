"""Two-factor rules: program staff must have used TOTP in this session; officers may enable it.

Enrolment alone is not enough: a session opened with a password only (say, by a path that skipped
allauth's login stages) reaches no staff page until a code from the authenticator is entered.
"""

from __future__ import annotations

import base64
import secrets

from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator

# The user id whose second factor was verified in this session (set from allauth's signals).
USED_SESSION_KEY = "mfa_verified_user"


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
    """The URL name of the step a staff member must take before anything else: enrol an
    authenticator, or enter a code from it in this session. None when nothing is missing."""
    user = request.user
    if not is_staff_member(user) or request.session.get(USED_SESSION_KEY) == user.pk:
        return None
    return "mfa_reauthenticate" if has_totp(user) else "mfa_activate_totp"


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
