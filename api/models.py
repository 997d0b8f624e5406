"""Personal API tokens: a secret shown once, stored as its SHA-256 hash.

A token acts as its owner with what the owner's role allows at the time of each request (the
same scoping QuerySets as the pages), narrowed to reading or reading and writing, until it
expires or is revoked. Tokens carry 256 random bits, so a fast hash is enough: nothing short of
the token itself finds a match.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The visible start of every token: secret scanners and people recognise it.
TOKEN_PREFIX = "tsk_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """(the token to show once, the lookup key stored beside its hash)."""
    key = secrets.token_hex(6)
    return f"{TOKEN_PREFIX}{key}_{secrets.token_urlsafe(32)}", key


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None) -> ApiTokenQuerySet:
        return self.filter(revoked_at=None, expires_at__gt=now or timezone.now())

    def of_user(self, user) -> ApiTokenQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class ApiToken(models.Model):
    class Access(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=80)
    key = models.CharField(max_length=12, unique=True)
    token_hash = models.CharField(max_length=64)
    access = models.CharField(_("access"), max_length=5, choices=Access, default=Access.READ)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({TOKEN_PREFIX}{self.key}…)"

    @property
    def label(self) -> str:
        """What may be shown of the token after its creation: its start."""
        return f"{TOKEN_PREFIX}{self.key}…"

    @property
    def can_write(self) -> bool:
        return self.access == self.Access.WRITE

    def is_usable(self, now=None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())
