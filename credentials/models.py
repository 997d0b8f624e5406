"""The signed Open Badges 3.0 form of a certificate, and the holder's share links."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Credential(models.Model):
    """A certificate's Open Badges 3.0 credential, signed once at issue and never re-signed:
    `jwt` is the VC-JWT as issued, `key_id` the issuer key that signed it (rotation keeps old
    keys verifying), `status_index` its bit in the published revocation status list."""

    certificate = models.OneToOneField(
        "attendance.Certificate", on_delete=models.CASCADE, related_name="credential"
    )
    status_index = models.PositiveIntegerField(unique=True)
    jwt = models.TextField(blank=True)
    key_id = models.CharField(max_length=64)
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")

    def __str__(self) -> str:
        return f"credential of {self.certificate_id}"


def new_share_token() -> str:
    return secrets.token_urlsafe(24)


class CredentialShareQuerySet(models.QuerySet):
    def live(self, now=None) -> CredentialShareQuerySet:
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )

    def of_officer(self, user) -> CredentialShareQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(certificate__holder=user)


class CredentialShare(models.Model):
    """A link the holder gives one verifier: it shows their full name, which the public page
    never does, until it expires or the holder revokes it."""

    certificate = models.ForeignKey(
        "attendance.Certificate", on_delete=models.CASCADE, related_name="shares"
    )
    token = models.CharField(max_length=64, unique=True, default=new_share_token)
    label = models.CharField(_("shared with"), max_length=120)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_viewed_at = models.DateTimeField(null=True, blank=True)
    views = models.PositiveIntegerField(default=0)

    objects = CredentialShareQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("credential share link")
        verbose_name_plural = _("credential share links")

    def __str__(self) -> str:
        return f"share of {self.certificate_id}: {self.label}"

    @property
    def is_live(self) -> bool:
        """What `CredentialShareQuerySet.live()` selects, for rows already loaded."""
        return self.revoked_at is None and (
            self.expires_at is None or self.expires_at > timezone.now()
        )
