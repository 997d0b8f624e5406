"""Bearer-token authentication: the API's one way in.

Every request passes the gates a session passes on each page: the token is known, unexpired
and not revoked, and its owner is active and has program access (vetted, not suspended, not
withdrawn). Staff proved their second factor when they created the token.
"""

from __future__ import annotations

import hmac

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from .models import TOKEN_PREFIX, ApiToken, hash_token
from .services import note_use

KEYWORD = b"bearer"
INVALID = _("Invalid, expired or revoked token.")


def token_key(secret: str) -> str | None:
    """The lookup key of a well-formed token (`tsk_<12 hex>_<secret>`), else None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    key, sep, rest = secret[len(TOKEN_PREFIX) :].partition("_")
    if not sep or not rest or len(key) != 12:
        return None
    return key


class TokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Send the header as: Bearer <token>."))
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(INVALID) from None
        key = token_key(secret)
        token = None
        if key is not None:
            token = ApiToken.objects.usable().select_related("user").filter(key=key).first()
        if token is None or not hmac.compare_digest(token.token_hash, hash_token(secret)):
            raise exceptions.AuthenticationFailed(INVALID)
        user = token.user
        if not user.is_active or not user.has_program_access:
            raise exceptions.AuthenticationFailed(
                _("The account of this token has no access to the program.")
            )
        note_use(token)
        return user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
