"""The holder's share links: each shows one verifier the holder's full name on a certificate.

The audit log records who made or revoked which link for whom, never the token: the token is
the link, and the log is read by staff.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.models import Certificate
from attendees.models import User
from audit.services import record_audit
from credentials.models import CredentialShare
from trainingsite.errors import ServiceError

# How long a new link works, in days; None: until the holder revokes it.
EXPIRY_CHOICES: tuple[int | None, ...] = (7, 30, 90, None)
DEFAULT_EXPIRY_DAYS = 30
LABEL_MAX_LENGTH = 120


class ShareError(ServiceError):
    pass


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@transaction.atomic
def create_share(
    *, holder: User, certificate_id: int, label: str, days: int | None
) -> CredentialShare:
    """A new link to the holder's own valid certificate, for the verifier `label` names,
    working `days` days (None: until revoked). Anyone else's certificate, or a revoked one,
    is not found; an expired one is refused."""
    certificate = (
        Certificate.objects.of_officer(holder)
        .active()
        .select_for_update()
        .filter(pk=certificate_id)
        .first()
    )
    if certificate is None:
        raise ShareError(_("No such certificate."))
    if certificate.is_expired:
        raise ShareError(
            _("This certificate has expired: there is nothing valid to share any more.")
        )
    label = " ".join(label.split())
    if not label:
        raise ShareError(_("Say who the link is for, so you can tell your links apart."))
    if len(label) > LABEL_MAX_LENGTH:
        raise ShareError(
            _("Keep the name of the verifier to %(max)d characters.") % {"max": LABEL_MAX_LENGTH}
        )
    if days not in EXPIRY_CHOICES:
        raise ShareError(_("Choose how long the link works: 7, 30 or 90 days, or no expiry."))
    now = timezone.now()
    share = CredentialShare.objects.create(
        certificate=certificate,
        label=label,
        created_at=now,
        expires_at=now + dt.timedelta(days=days) if days else None,
    )
    record_audit(
        actor=holder,
        action="credential.shared",
        summary=f"Certificate {certificate.number}: full name shared by link #{share.pk}",
        target=certificate,
        # Not whom it was for: that is the holder's own, and goes with the link on erasure.
        share=share.pk,
        expires=_iso(share.expires_at),
    )
    return share


@transaction.atomic
def revoke_share(*, holder: User, share_id: int) -> CredentialShare:
    """The link stops working at once. Only the holder's own links are found; revoking one
    already revoked changes nothing."""
    share = (
        CredentialShare.objects.of_officer(holder)
        .select_for_update()
        .select_related("certificate")
        .filter(pk=share_id)
        .first()
    )
    if share is None:
        raise ShareError(_("No such link."))
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.save(update_fields=["revoked_at"])
        record_audit(
            actor=holder,
            action="credential.share_revoked",
            summary=f"Certificate {share.certificate.number}: share link #{share.pk} revoked",
            target=share.certificate,
            share=share.pk,
        )
    return share


def record_share_view(*, share_id: int) -> None:
    """Count one opening of a link (one statement: concurrent views all count)."""
    CredentialShare.objects.filter(pk=share_id).update(
        views=F("views") + 1, last_viewed_at=timezone.now()
    )
