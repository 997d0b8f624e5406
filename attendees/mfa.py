"""Two-factor rules: program staff must have TOTP; officers may enable it."""

from __future__ import annotations

from allauth.mfa.models import Authenticator


def is_mfa_required(user) -> bool:
    return user.is_authenticated and (user.is_trainer or user.is_coordinator or user.is_staff)


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def needs_mfa_enrolment(user) -> bool:
    if not is_mfa_required(user):
        return False
    # Cached per request object: the middleware and templates may both ask.
    if not hasattr(user, "_has_totp"):
        user._has_totp = has_totp(user)
    return not user._has_totp


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
