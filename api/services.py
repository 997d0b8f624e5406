"""Creating and revoking personal API tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attendees.mfa import is_staff_member
from audit.services import record_audit
from outbox.services import queue_mail
from trainingsite.errors import ServiceError
from trainingsite.mail import build_templated_email

from .models import ApiToken, hash_token, new_token


class TokenError(ServiceError):
    pass


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def max_days(user) -> int:
    """Staff tokens reach officers' data across agencies: they live shorter."""
    if is_staff_member(user):
        return settings.API_STAFF_TOKEN_MAX_DAYS
    return settings.API_TOKEN_MAX_DAYS


@transaction.atomic
def create_token(
    *, user, name: str, access: str, days: int, second_factor_verified: bool
) -> NewToken:
    """A new token for `user`. Staff must have entered a code from their authenticator for
    this very creation (`second_factor_verified`): a stolen session alone makes no token."""
    if not user.is_authenticated or not user.is_active or not user.has_program_access:
        raise TokenError(_("Only vetted accounts with access to the program can create tokens."))
    if is_staff_member(user) and not second_factor_verified:
        raise TokenError(_("Enter a code from your authenticator app to create a token."))
    if access not in ApiToken.Access.values:
        raise TokenError(_("Choose read-only or read and write access."))
    if not 1 <= days <= max_days(user):
        raise TokenError(
            _("A token can be valid for at most %(days)d days.") % {"days": max_days(user)}
        )
    name = name.strip()
    if not name:
        raise TokenError(_("Give the token a name that says where it is used."))
    if ApiToken.objects.of_user(user).usable().count() >= settings.API_TOKENS_PER_USER:
        raise TokenError(
            _("You have %(count)d tokens in use: revoke one you no longer need first.")
            % {"count": settings.API_TOKENS_PER_USER}
        )
    secret, key = new_token()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key=key,
        token_hash=hash_token(secret),
        access=access,
        expires_at=timezone.now() + timedelta(days=days),
    )
    record_audit(
        actor=user,
        action="api.token_created",
        summary=f"API token {token.label} created ({access}, {days} days)",
        target=token,
        access=access,
        days=days,
    )
    # The owner hears of every new token: one made with a stolen session does not go unseen.
    message = build_templated_email(
        to=user.email,
        template="api/email/token_created",
        context={"user": user, "token": token},
        language=user.language,
        time_zone=user.time_zone or None,
    )
    queue_mail(message, kind="api_token", recipient=user)
    return NewToken(token=token, secret=secret)


@transaction.atomic
def revoke_token(*, token_id: int, user, by=None) -> ApiToken:
    """Revoke one of `user`'s tokens (by them, or `by` an administrator); requests with it fail
    from now on."""
    token = ApiToken.objects.of_user(user).select_for_update().filter(pk=token_id).first()
    if token is None:
        raise TokenError(_("This token does not exist."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_audit(
            actor=by or user,
            action="api.token_revoked",
            summary=f"API token {token.label} revoked",
            target=token,
        )
    return token


def note_use(token: ApiToken, now=None) -> None:
    """Remember when the token was last used, at most once a minute (not a write per call)."""
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
