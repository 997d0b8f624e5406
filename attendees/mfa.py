"""Two-factor rules: program staff must have TOTP; officers may enable it."""

from __future__ import annotations

from allauth.mfa.models import Authenticator


def is_mfa_required(user) -> bool:
    return user.is_authenticated and (user.is_trainer or user.is_coordinator or user.is_staff)


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


SESSION_KEY = "mfa_enrolled"


def needs_mfa_enrolment(user, session=None) -> bool:
    """True for staff without TOTP. Once enrolment is seen it is remembered in the session (so
    staff pages pay no query for it); removing an authenticator clears it (receivers.py)."""
    if not is_mfa_required(user):
        return False
    if session is not None and session.get(SESSION_KEY) == user.pk:
        return False
    enrolled = has_totp(user)
    if enrolled and session is not None:
        session[SESSION_KEY] = user.pk
    return not enrolled


def enrol_totp(user, secret: str | None = None) -> str:
    """Give `user` a TOTP authenticator (and recovery codes); returns the base32 secret.
    Idempotent: an existing authenticator's secret is returned unchanged."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from allauth.mfa.utils import decrypt

    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing is not None:
        return decrypt(existing.data["secret"])
    secret = secret or generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret
