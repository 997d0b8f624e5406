"""Certificates of completion: an unguessable number and a snapshot of what is printed."""

from __future__ import annotations

import base64
import re
import secrets
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from attendance.hours import format_hours, hours
from attendees.models import Agency
from registrations.models import Registration

CERTIFICATE_PREFIX = "CERT"
_NUMBER_RE = re.compile(r"^[A-Z2-7]{16}$")


def new_certificate_number() -> str:
    """`CERT-XXXX-XXXX-XXXX-XXXX`: 80 random bits in base32, so numbers cannot be guessed."""
    raw = base64.b32encode(secrets.token_bytes(10)).decode()
    return "-".join([CERTIFICATE_PREFIX] + [raw[i : i + 4] for i in range(0, 16, 4)])


def normalize_certificate_number(value: str) -> str | None:
    """Accept what people type (spaces, lower case, missing hyphens); None if malformed."""
    cleaned = re.sub(r"[^A-Za-z0-9]", "", value or "").upper()
    if cleaned.startswith(CERTIFICATE_PREFIX):
        cleaned = cleaned[len(CERTIFICATE_PREFIX) :]
    if not _NUMBER_RE.match(cleaned):
        return None
    return "-".join([CERTIFICATE_PREFIX] + [cleaned[i : i + 4] for i in range(0, 16, 4)])


class CertificateQuerySet(models.QuerySet):
    def active(self) -> CertificateQuerySet:
        return self.filter(revoked_at__isnull=True)

    def of_officer(self, user) -> CertificateQuerySet:
        """Only the officer's own certificates; nobody else's are reachable this way."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(holder=user)

    def visible_to(self, user) -> CertificateQuerySet:
        """Certificates the pages show `user`: their own (training record); the workshop
        certificates of the registrations of a focal point's agency (`nominations_for`) or a
        coordinator's regions (`managed_by`), and the track credentials of the officers of the
        agencies whose record they see (`Agency.workspace_for`), as the agency's record lists
        them. Revoked ones too: /verify/ tells anyone a certificate's status."""
        if not user.is_authenticated or not user.has_program_access:
            return self.none()
        regs = Registration.objects
        registrations = regs.nominations_for(user) | regs.managed_by(user)
        agencies = Agency.objects.workspace_for(user)
        return self.filter(
            Q(holder=user)
            | Q(registration__in=registrations.values("pk"))
            | Q(track__isnull=False, holder__agency__in=agencies.values("pk"))
        )

    def of_workshops(self) -> CertificateQuerySet:
        return self.filter(registration__isnull=False)

    def of_tracks(self) -> CertificateQuerySet:
        return self.filter(track__isnull=False)

    def expired(self, now=None) -> CertificateQuerySet:
        return self.filter(expires_at__lte=now or timezone.now())


class Certificate(models.Model):
    """A certificate of completion: of a workshop (`registration`) or of a whole curriculum
    track (`track`: every module of it completed, across workshops). Exactly one of the two."""

    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates"
    )
    registration = models.ForeignKey(
        "registrations.Registration",
        on_delete=models.PROTECT,
        related_name="certificates",
        null=True,
        blank=True,
    )
    track = models.ForeignKey(
        "workshops.Track",
        on_delete=models.PROTECT,
        related_name="certificates",
        null=True,
        blank=True,
    )
    number = models.CharField(max_length=32, unique=True, default=new_certificate_number)
    # What the certificate says, frozen at issue: the PDF and the verification page show this,
    # so later edits to names or the workshop never change an issued certificate.
    printed = models.JSONField(default=dict)
    issued_at = models.DateTimeField(default=timezone.now)
    # The end of the validity its track sets at issue (None: never expires).
    expires_at = models.DateTimeField(null=True, blank=True)
    # Days-before-expiry whose reminder was sent (so each goes out once).
    expiry_reminders = models.JSONField(default=list, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.TextField(blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["registration"],
                condition=Q(revoked_at__isnull=True),
                name="certificate_one_active_per_registration",
            ),
            models.UniqueConstraint(
                fields=["holder", "track"],
                condition=Q(revoked_at__isnull=True, track__isnull=False),
                name="certificate_one_active_per_track",
            ),
            models.CheckConstraint(
                condition=Q(registration__isnull=True) ^ Q(track__isnull=True),
                name="certificate_of_workshop_or_track",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_valid(self) -> bool:
        """Not revoked and not expired."""
        return self.revoked_at is None and not self.is_expired

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_track_credential(self) -> bool:
        return self.track_id is not None

    @property
    def training_hours(self) -> Decimal:
        """The training hours printed (attendance/hours.py defines them)."""
        return hours(self.printed.get("total_minutes", 0))

    @property
    def total_hours(self) -> str:
        return format_hours(self.training_hours)

    @property
    def holder_initials(self) -> str:
        return initials(self.printed.get("officer_name", ""))

    @property
    def post_test_required(self) -> int | None:
        """The post-test score (%) the completion rule required; None when it required none."""
        value = self.printed.get("test_required")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def post_test_percent(self) -> str | None:
        """The holder's best post-test score as printed ("85", "66.67"); None if none was
        required or the holder's facts were erased."""
        value = self.printed.get("test_percent")
        return value if isinstance(value, str) and value else None

    @property
    def post_test_text(self) -> str:
        """ "Post-test passed: 85 % (70 % required)" in the active language; "" when the
        completion rule required no score."""
        required = self.post_test_required
        if required is None:
            return ""
        try:
            percent = Decimal(self.post_test_percent or "")
        except InvalidOperation:
            return post_test_rule_text(required)
        return gettext("Post-test passed: %(score)s %% (%(required)s %% required)") % {
            "score": percent_display(percent),
            "required": required,
        }


def post_test_rule_text(required: int) -> str:
    """What a verifier may know: the rule was met, never the score."""
    return gettext("Post-test passed (≥ %(required)s %% required)") % {"required": required}


def percent_text(value: Decimal) -> str:
    """A score as printed: no trailing zeros, no exponent (85.00 → "85", 66.70 → "66.7")."""
    text = f"{value.quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def initials(name: str) -> str:
    """ "Ana Bela Costa" → "A. B. C.": what a verifier may see of a holder by default."""
    words = name.replace("-", " ").split()
    return " ".join(f"{w[0].upper()}." for w in words[:5])


def percent_display(value: Decimal) -> str:
    """A score in the active language's way, without trailing zeros (62.50 → "62.5", "62,5")."""
    return formats.number_format(Decimal(percent_text(value)))
