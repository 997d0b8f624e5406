"""A credential file a holder gave a verifier, checked: the signature against the issuer's
published keys, then the status list bit and the dates.

Read only. Nothing a file says is shown or looked up unless its signature verifies with one of
the issuer's keys: a tampered file gets the reason, never its claims echoed back (and a forged
status index never reveals which certificate holds that bit). A verified file shows the holder's
printed name, since the holder gave the file to the verifier.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from joserfc import jws

from trainingsite.errors import ServiceError

from . import signing
from .keys import issuer_did, key_ring
from .models import Credential
from .openbadges import credential_id
from .statuslist import is_revoked
from .verification import EXPIRED, REVOKED, VALID, iso_day, parse_moment, status_of

# A signed certificate is a few kilobytes; anything past this is not one.
MAX_BYTES = 64 * 1024
ENVELOPE_PREFIX = "data:application/vc+jwt,"
INVALID = "invalid"
# achievementType of the credentials this issuer signs (credentials.openbadges).
KINDS = {"Course": "workshop", "Certificate": "track"}


class UnreadableCredential(ServiceError):
    """The input holds no JWT to check: `code` says why, for machines."""

    def __init__(self, message: str, code: str = "unreadable"):
        super().__init__(message)
        self.code = code


def too_large_message() -> str:
    return _("The file is larger than %(size)s KB. A credential file is much smaller.") % {
        "size": MAX_BYTES // 1024
    }


def token_from(data: bytes) -> str:
    """The compact JWT in what a verifier uploaded or pasted: the JWT itself, or the JSON
    download (an EnvelopedVerifiableCredential whose id is "data:application/vc+jwt,<jwt>")."""
    if len(data) > MAX_BYTES:
        raise UnreadableCredential(too_large_message(), code="too_large")
    try:
        text = data.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        raise UnreadableCredential(_("This file is not a credential: it is not text.")) from None
    if not text:
        raise UnreadableCredential(_("The file is empty."), code="empty")
    if not text.startswith("{"):
        return text
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        raise UnreadableCredential(_("This file is not valid JSON.")) from None
    envelope_id = document.get("id") if isinstance(document, dict) else None
    if not isinstance(envelope_id, str) or not envelope_id.startswith(ENVELOPE_PREFIX):
        raise UnreadableCredential(
            _(
                "This JSON file holds no signed credential: its “id” should start with "
                "“data:application/vc+jwt,”."
            )
        )
    return envelope_id[len(ENVELOPE_PREFIX) :].strip()


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _types(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [t for t in value or [] if isinstance(t, str)]


def _holder_name(subject: dict[str, Any]) -> str:
    identifiers = subject.get("identifier")
    for identity in identifiers if isinstance(identifiers, list) else []:
        identity = _dict(identity)
        if identity.get("identityType") == "name" and identity.get("hashed") is False:
            return _text(identity.get("identityHash"))
    return ""


def _status_index(payload: dict[str, Any]) -> int | None:
    entry = _dict(payload.get("credentialStatus"))
    index = entry.get("statusListIndex")
    if entry.get("statusPurpose") != "revocation" or not isinstance(index, str | int):
        return None
    try:
        return int(index)
    except ValueError:
        return None


@dataclass(frozen=True)
class FileCheck:
    """What /verify/ says about a credential file. `status` is "invalid" when the signature
    does not verify (or what it signed is not a certificate): `reason` says why, and nothing
    else of the file is kept."""

    status: str
    reason: str = ""
    signature_valid: bool = False
    key: str = ""  # the verification method that verified it (the JWT's kid)
    key_retired: bool = False
    kind: str = ""
    name: str = ""
    issuer_id: str = ""
    issuer_name: str = ""
    issued_at: dt.datetime | None = None
    expires_at: dt.datetime | None = None
    starts: dt.datetime | None = None
    ends: dt.datetime | None = None
    holder_name: str = ""
    certificate_number: str | None = None

    @property
    def is_valid(self) -> bool:
        return self.status == VALID

    def as_json(self) -> dict[str, Any]:
        if not self.signature_valid:
            return {"status": self.status, "signature": {"valid": False, "error": self.reason}}
        data: dict[str, Any] = {
            "status": self.status,
            "signature": {
                "valid": True,
                "key": self.key,
                "key_state": "retired" if self.key_retired else "current",
            },
        }
        if self.status == INVALID:
            data["error"] = self.reason
            return data
        certificate = None
        if self.certificate_number:
            path = reverse("credentials:verify_number", args=[self.certificate_number])
            certificate = {"number": self.certificate_number, "url": settings.SITE_URL + path}
        data.update(
            issuer={"id": self.issuer_id, "name": self.issuer_name},
            achievement={"type": self.kind or None, "name": self.name},
            issued=iso_day(self.issued_at),
            valid_until=iso_day(self.expires_at),
            activity={"start": iso_day(self.starts), "end": iso_day(self.ends)},
            holder={"name": self.holder_name or None},
            certificate=certificate,
        )
        return data


def _known_number(payload: dict[str, Any], index: int | None) -> tuple[str | None, str | None]:
    """The number and status of the certificate whose credential this is, if we know it."""
    if index is None:
        return None, None
    held = Credential.objects.select_related("certificate").filter(status_index=index).first()
    if held is None or credential_id(held.certificate) != payload.get("id"):
        return None, None
    return held.certificate.number, status_of(held.certificate)


def check(token: str, *, now: dt.datetime | None = None) -> FileCheck:
    """The verdict on one compact VC-JWT."""
    try:
        payload = signing.verify(token)
    except signing.InvalidCredential as err:
        return FileCheck(status=INVALID, reason=str(err))
    kid = jws.extract_compact(token.strip().encode("ascii")).headers()["kid"]
    current = key_ring().current
    retired = current is None or kid != current.verification_method
    issuer = payload.get("issuer")
    issuer_id = _text(_dict(issuer).get("id") if isinstance(issuer, dict) else issuer)
    if "OpenBadgeCredential" not in _types(payload.get("type")) or issuer_id != issuer_did():
        return FileCheck(
            status=INVALID,
            reason=_("This is signed by the program, but it is not a certificate's credential."),
            signature_valid=True,
            key=kid,
            key_retired=retired,
        )
    subject = _dict(payload.get("credentialSubject"))
    achievement = _dict(subject.get("achievement"))
    expires_at = parse_moment(payload.get("validUntil")) or parse_moment(payload.get("exp"))
    index = _status_index(payload)
    number, known_status = _known_number(payload, index)
    try:
        revoked = is_revoked(index) if index is not None else None
    except ImproperlyConfigured:
        # No current key to sign a list with (signing stopped, retired keys still verify).
        revoked = None
    if revoked is None:
        # No bit to read: what we know of the certificate, if anything.
        revoked = known_status == REVOKED
    now = now or timezone.now()
    if revoked:
        status = REVOKED
    elif expires_at is not None and expires_at <= now:
        status = EXPIRED
    else:
        status = VALID
    return FileCheck(
        status=status,
        kind=KINDS.get(_text(achievement.get("achievementType")), ""),
        name=_text(achievement.get("name")) or _text(payload.get("name")),
        issuer_id=issuer_id,
        issuer_name=_text(_dict(issuer).get("name")),
        issued_at=parse_moment(payload.get("validFrom")) or parse_moment(payload.get("nbf")),
        expires_at=expires_at,
        starts=parse_moment(subject.get("activityStartDate")),
        ends=parse_moment(subject.get("activityEndDate")),
        holder_name=_holder_name(subject),
        certificate_number=number,
        signature_valid=True,
        key=kid,
        key_retired=retired,
    )
